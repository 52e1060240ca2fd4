"""Retrieval, the library in the loop, the `inductor library` verbs and the real embedder."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from inductor.cli import cli
from inductor.config import ModelSettings
from inductor.index import HashEmbedder, LibraryIndex, SentenceEmbedder
from inductor.loop import Budget, Induction, LibraryUse
from inductor.models import FakeModel
from inductor.prompts import Prompts
from inductor.retrieve import by_behaviour, retrieve, task_text
from inductor.store import Function, Library
from inductor.tasks import Example, Task
from inductor.verify import Verifier

SIG = "(x: list[int]) -> list[int]"
FUNCTIONS = {
    "reverse_order": ("Reverse the order of the elements.", "return x[::-1]"),
    "sum_as_list": ("The sum of the elements, as a one-element list.", "return [sum(x)]"),
    "drop_first": ("Everything but the first element.", "return x[1:]"),
    "double_values": ("Double every element.", "return [2 * v for v in x]"),
}
REV = Task("rev2", [Example(([4, 5, 6],), [6, 5, 4]), Example(([1, 0],), [0, 1])],
           test=[Example(([9, 8, 7],), [7, 8, 9])], domain="lists")


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib")
    for name, (doc, body) in FUNCTIONS.items():
        library.add(Function(name=name, domain="lists", signature=SIG, docstring=doc,
                             source=f'def {name}{SIG}:\n    """{doc}"""\n    {body}\n'), task_id="seed")
    return library


def test_retrieval_by_behaviour_ranks_the_function_that_does_the_task(lib, plugins, sandbox):
    scores = by_behaviour(REV, lib, Verifier(sandbox, plugins), limit=10)
    best = max(scores, key=scores.get)
    assert lib.get(best).name == "reverse_order" and scores[best] == 1.0
    found = retrieve(REV, lib, LibraryIndex(lib, HashEmbedder()), Verifier(sandbox, plugins), k=2)
    assert found[0].function.name == "reverse_order" and found[0].helper().origin == "library"
    assert "[4, 5, 6] -> [6, 5, 4]" in task_text(REV)


def test_retrieved_functions_are_in_the_prompt_and_callable(lib, plugins, sandbox):
    def script(prompt, params):
        names = re.findall(r"#   (\w+)\(x: list\[int\]\) -> list\[int\]: Reverse", prompt)
        return [f" return {names[0]}(x)"] if names else [" return x"]

    model = FakeModel(script)
    use = LibraryUse(lib, LibraryIndex(lib, HashEmbedder()), k=3, learn=False)
    induction = Induction(model, Verifier(sandbox, plugins), plugins, prompts=Prompts(),
                          budget=Budget(samples=1, rounds=0), model_settings=ModelSettings(), library=use)
    res = induction.solve(REV)
    assert res.train_solved and res.test_solved and res.library_functions_used == ["reverse_order"]
    assert len(lib) == len(FUNCTIONS) and lib.get("reverse_order").uses == 0  # frozen: nothing written


def test_a_learning_run_grows_the_library_and_a_later_task_calls_it(tmp_path, plugins, sandbox):
    lib = Library(tmp_path / "lib")
    index = LibraryIndex(lib, HashEmbedder())
    first = Task("rot", [Example(([1, 2, 3],), [2, 3, 1]), Example(([5, 6],), [6, 5])], domain="lists")

    def script(prompt, params):
        names = re.findall(r"#   (\w+)\(x: list\[int\]\)", prompt)
        learned = [n for n in names if n in lib.names()]
        return [f" return {learned[0]}(x)"] if learned else [" return x[1:] + x[:1]"]

    induction = Induction(FakeModel(script), Verifier(sandbox, plugins), plugins, prompts=Prompts(),
                          budget=Budget(samples=1, rounds=0), model_settings=ModelSettings(),
                          library=LibraryUse(lib, index, k=3, learn=True, run="r1", model="fake"))
    a = induction.solve(first)
    assert a.train_solved and a.learned and len(lib) == 1
    stored = lib.functions()[0]
    assert stored.tasks == ["rot"] and stored.examples and '"""' in stored.source
    second = Task("rot2", [Example(([7, 8, 9],), [8, 9, 7])], test=[Example(([0, 1],), [1, 0])], domain="lists")
    b = induction.solve(second)
    assert b.train_solved and b.library_functions_used == [stored.name] and not b.learned
    assert lib.get(stored.id).uses == 1


@pytest.fixture
def cli_lib(lib, tmp_path):
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n')
    return lib.folder


@pytest.mark.parametrize("args, check", [
    (["search", "reverse the order", "-k", "2", "--no-primitives"],
     lambda d: d[0]["name"] == "reverse_order" and len(d) == 2 and d[0]["kind"] == "learned"),
    (["search", "reverse the order", "-k", "40"],
     lambda d: {"reverse_order", "reverse"} <= {f["name"] for f in d} and "primitive" in {f["kind"] for f in d}),
    (["show", "drop_first"], lambda d: d["name"] == "drop_first" and d["tasks"] == ["seed"]),
    (["show", "1"], lambda d: d["id"] == 1),
    (["list"], lambda d: [f["name"] for f in d] == list(FUNCTIONS)),
    (["stats"], lambda d: d["functions"] == 4 and d["by_domain"] == {"lists": 4}),
    (["reindex"], lambda d: d == {"indexed": 4}),
    (["prune", "--runs", "0"], lambda d: sorted(d) == sorted(FUNCTIONS)),
])
def test_library_verbs(cli_lib, args, check):
    res = CliRunner().invoke(cli, ["library", *args, "--library", str(cli_lib), "--json"])
    assert res.exit_code == 0, res.output
    assert check(json.loads(res.output))


def test_library_export_and_errors(cli_lib, tmp_path):
    out = tmp_path / "exported"
    res = CliRunner().invoke(cli, ["library", "export", str(out), "--library", str(cli_lib)])
    assert res.exit_code == 0 and (out / "lists.py").is_file()
    res = CliRunner().invoke(cli, ["library", "show", "nope", "--library", str(cli_lib)])
    assert res.exit_code == 1 and "no function 'nope'" in res.output and "Traceback" not in res.output


@pytest.mark.integration
def test_real_embedder_finds_the_relevant_function_first(lib):
    index = LibraryIndex(lib, SentenceEmbedder())
    assert index.index.dim == 384
    assert index.search("reverse the list", 1)[0][0].name == "reverse_order"
    assert index.search("add up all the numbers", 1)[0][0].name == "sum_as_list"


def test_the_shipped_starter_library_holds_verified_functions(tmp_path, plugins, sandbox):
    import shutil
    from pathlib import Path

    from inductor.sandbox import Prelude

    shipped = Path(__file__).parent.parent / "library"
    assert (shipped / "library.sqlite").is_file(), "the starter library is missing: make library"
    for name in ("library.sqlite", "lists.py", "strings.py", "index.faiss", "index.json"):
        shutil.copy(shipped / name, tmp_path / name)  # a copy: opening must not touch the tracked files
    lib = Library(tmp_path)
    domains = {f.domain for f in lib.functions()}
    assert len(lib) >= 20 and {"lists", "strings"} <= domains
    verifier = Verifier(sandbox, plugins)
    for fn in lib.functions():
        assert fn.docstring and fn.tasks and fn.examples, fn.name
        arity = len(fn.examples[0][0])
        params = ", ".join(f"a{i}" for i in range(arity))
        task = Task(f"check-{fn.name}", [Example(tuple(a), o) for a, o in fn.examples], domain=fn.domain)
        program = f"def f({params}):\n    return {fn.name}({params})\n"
        prelude = Prelude(lib.module_name(fn.domain), str(lib.module_path(fn.domain)))
        assert verifier.check(task, [program], extra_preludes=[prelude])[0], fn.name
    hits = LibraryIndex(lib, HashEmbedder()).search("replace an element", k=3)  # the index rebuilds for this embedder
    assert len(hits) == 3


def test_library_check_finds_and_repairs(cli_lib, lib):
    lib.add(Function(name="add_one", domain="lists", signature=SIG, docstring="Add one to each element.",
                     source=f"def add_one{SIG}:\n    return [v + 1 for v in x]\n", examples=[([[1, 2]], [2, 3])]))
    lib.add(Function(name="add_two", domain="lists", signature=SIG, docstring="Add two to each element.",
                     source=f"def add_two{SIG}:\n    return [v + 3 for v in x]\n", examples=[([[1, 2]], [3, 4])]))
    lib.add(Function(name="add_four", domain="lists", signature=SIG, docstring="Add four to each element.",
                     source=f"def add_four{SIG}:\n    return add_two(add_two(x))\n", examples=[([[0]], [4])]))
    base = ["library", "check", "--library", str(cli_lib)]
    assert CliRunner().invoke(cli, ["library", "reindex", "--library", str(cli_lib)]).exit_code == 0
    (cli_lib / "index.faiss").unlink()
    (cli_lib / "lists.py").write_text("# edited by hand\n")
    res = CliRunner().invoke(cli, [*base, "--json"])
    assert res.exit_code == 1, res.output
    found = json.loads(res.output)
    assert found["ok"] is False and found["modules"] == ["lists.py"] and "missing" in found["index"]
    # add_four fails only because it calls add_two: both are reported before the repair.
    assert set(found["failing"]) == {"add_two", "add_four"}
    res = CliRunner().invoke(cli, [*base, "--repair"])
    assert res.exit_code == 0 and "add_two: fails its examples" in res.output and "(dropped)" in res.output
    res = CliRunner().invoke(cli, [*base, "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["ok"] is True
    reopened = Library(cli_lib)
    assert "add_one" in reopened.names() and not {"add_two", "add_four"} & reopened.names()
    assert len(reopened) == len(FUNCTIONS) + 1  # the functions without examples stay
