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
from inductor.plugins import reset_plugins
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
    # the sleep's abstractions of both domains, with the solutions and weights they came with
    assert lib.stats()["abstractions"] >= 10 and {"lists", "strings"} <= domains
    assert lib.solutions("lists") and lib.weights("lists") and lib.weights("strings")
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


NUMBERS_PLUGIN = '''
import importlib.util
from pathlib import Path

from inductor import hookimpl

_spec = importlib.util.spec_from_file_location("num_prims", Path(__file__).parent.parent / "prims" / "num_prims.py")
primitives = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(primitives)


@hookimpl
def inductor_primitives(domain):
    return primitives if domain == "numbers" else None
'''


@pytest.fixture
def numbers_plugin(tmp_path):
    """A --plugins-dir whose plugin gives the "numbers" domain its one primitive, double."""
    import sys

    path, modules = list(sys.path), set(sys.modules)  # a --plugins-dir changes both
    yield _numbers_plugin(tmp_path)
    sys.path[:] = path
    for name in set(sys.modules) - modules:
        del sys.modules[name]


def _numbers_plugin(tmp_path):
    (tmp_path / "plug").mkdir()
    (tmp_path / "prims").mkdir()
    (tmp_path / "plug" / "numbers_plugin.py").write_text(NUMBERS_PLUGIN)
    (tmp_path / "prims" / "num_prims.py").write_text(
        'def double(n: int) -> int:\n    """Twice n."""\n    return 2 * n\n')
    return tmp_path / "plug"


def _add_numbers(lib):
    sig = "(n: int) -> int"
    lib.add(Function(name="quad", domain="numbers", signature=sig, docstring="Four times n.",
                     source=f"def quad{sig}:\n    return double(double(n))\n", examples=[([1], 4), ([3], 12)]))
    lib.add(Function(name="octo", domain="numbers", signature=sig, docstring="Eight times n.",
                     source=f"def octo{sig}:\n    return quad(n) * 2\n", examples=[([1], 8)]))


def test_check_repair_keeps_functions_whose_domain_plugin_is_not_loaded(cli_lib, lib, numbers_plugin):
    _add_numbers(lib)
    lib.add(Function(name="add_two", domain="lists", signature=SIG, docstring="Add two to each element.",
                     source=f"def add_two{SIG}:\n    return [v + 3 for v in x]\n", examples=[([[1, 2]], [3, 4])]))
    base = ["library", "check", "--library", str(cli_lib)]
    res = CliRunner().invoke(cli, [*base, "--repair", "--json"])
    assert res.exit_code == 0, res.output
    found = json.loads(res.output)
    assert found["dropped"] == ["add_two"] and set(found["unverifiable"]) == {"quad", "octo"}
    assert "double" in found["unverifiable"]["octo"]
    assert {"quad", "octo"} <= Library(cli_lib).names() and "add_two" not in Library(cli_lib).names()
    res = CliRunner().invoke(cli, base)
    assert res.exit_code == 0 and "quad: unverifiable, kept unchecked: needs double" in res.output
    reset_plugins()
    res = CliRunner().invoke(cli, ["--plugins-dir", str(numbers_plugin), *base, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["unverifiable"] == {} and json.loads(res.output)["failing"] == {}


@pytest.mark.parametrize("args", [["list"], ["stats"], ["search", "reverse"], ["show", "reverse"],
                                  ["export", "out"], ["check"]])
def test_read_verbs_refuse_a_folder_without_a_library_and_create_nothing(tmp_path, args):
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n')
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "rev2.json").write_text(json.dumps(REV.to_json()))
    for folder in (tmp_path / "no" / "such", tasks):
        res = CliRunner().invoke(cli, ["library", *args, "--library", str(folder)])
        assert res.exit_code == 1 and "no library here" in res.output and "Traceback" not in res.output
        assert len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "no").exists() and sorted(p.name for p in tasks.iterdir()) == ["rev2.json"]
    assert not (tmp_path / "out").exists()


def test_only_a_run_that_learns_creates_a_library_and_says_so(tmp_path):
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n')
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "rev2.json").write_text(json.dumps(REV.to_json()))
    base = ["run", str(tasks), "--model", "none", "-q", "--runs-dir", str(tmp_path / "runs")]
    res = CliRunner().invoke(cli, [*base, "--frozen-library", "--library", str(tmp_path / "typo")])
    assert res.exit_code == 1 and "no library here" in res.output and not (tmp_path / "typo").exists()
    res = CliRunner().invoke(cli, [*base, "--library", str(tmp_path / "new")])
    assert res.exit_code == 0, res.output
    assert "created an empty one" in res.output and (tmp_path / "new" / "library.sqlite").is_file()


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_read_only_library_can_be_read_and_a_write_says_read_only(cli_lib, tmp_path, monkeypatch):
    import os

    assert CliRunner().invoke(cli, ["library", "reindex", "--library", str(cli_lib)]).exit_code == 0
    Library(cli_lib).close()  # folds the write-ahead log into the store, as a packaged library would ship
    before = _files(cli_lib)
    monkeypatch.setattr("inductor.store.os.access", lambda path, mode: mode != os.W_OK)  # an unwritable folder
    lib = ["--library", str(cli_lib)]
    for args in (["list"], ["stats"], ["show", "drop_first"], ["search", "reverse"], ["check"],
                 ["export", str(tmp_path / "out")]):
        res = CliRunner().invoke(cli, ["library", *args, *lib])
        assert res.exit_code == 0, (args, res.output)
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "rev2.json").write_text(json.dumps(REV.to_json()))
    res = CliRunner().invoke(cli, ["run", str(tasks), "--model", "none", "-q", "--frozen-library", *lib,
                                   "--runs-dir", str(tmp_path / "runs")])
    assert res.exit_code == 0, res.output
    assert _files(cli_lib) == before
    for args in (["reindex"], ["prune"], ["check", "--repair"]):
        res = CliRunner().invoke(cli, ["library", *args, *lib])
        assert res.exit_code == 1 and "read-only" in res.output and "Traceback" not in res.output, res.output


def test_show_finds_a_primitive_and_marks_it(cli_lib):
    res = CliRunner().invoke(cli, ["library", "show", "reverse", "--library", str(cli_lib), "--json"])
    assert res.exit_code == 0, res.output
    shown = json.loads(res.output)
    assert shown["kind"] == "primitive" and shown["domain"] == "lists" and "def reverse(" in shown["source"]
    res = CliRunner().invoke(cli, ["library", "show", "reverse", "--library", str(cli_lib)])
    assert res.exit_code == 0 and "primitive of the lists domain" in res.output


def test_an_export_runs_under_plain_python_with_its_primitives_beside_it(cli_lib, lib, numbers_plugin, tmp_path):
    import subprocess
    import sys

    _add_numbers(lib)
    out = tmp_path / "exported"
    res = CliRunner().invoke(cli, ["--plugins-dir", str(numbers_plugin), "library", "export", str(out),
                                   "--library", str(cli_lib)])
    assert res.exit_code == 0, res.output
    assert {p.name for p in out.glob("*.py")} == {"lists.py", "lists_primitives.py", "numbers_functions.py",
                                                   "numbers_primitives.py"}
    script = "import numbers_functions, lists\nprint(numbers_functions.octo(2), lists.reverse_order([1, 2]))\n"
    plain = [sys.executable, "-S", "-E", "-c", script]  # no site-packages: inductor is not importable
    done = subprocess.run(plain, cwd=out, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.split() == ["16", "[2,", "1]"], done.stderr
    # Without the numbers plugin its primitives cannot be written: the import says what is missing.
    reset_plugins()  # a new process: the --plugins-dir above is not loaded
    res = CliRunner().invoke(cli, ["library", "export", str(tmp_path / "bare"), "--library", str(cli_lib)])
    assert res.exit_code == 0 and "numbers: primitives not written" in res.output
    done = subprocess.run([*plain[:-1], "import numbers_functions"], cwd=tmp_path / "bare", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and "ImportError: numbers_functions.py needs the numbers primitives" in done.stderr


def test_the_readme_script_calls_learned_functions_with_plain_python(tmp_path):
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text()
    block = readme.split("<!-- script-from-export:", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    for name in ("library.sqlite", "lists.py", "strings.py"):
        shutil.copy(root / "library" / name, shipped / name)
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n')
    res = CliRunner().invoke(cli, ["library", "export", "exported", "--library", str(shipped)])
    assert res.exit_code == 0, res.output
    (tmp_path / "script.py").write_text(block)
    done = subprocess.run([sys.executable, "-S", "-E", "script.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    expected = [line.split("# ", 1)[1] for line in block.splitlines() if line.startswith("print(")]
    assert done.stdout.splitlines() == expected


def test_behaviour_candidates_fit_the_task_s_types_and_put_the_nearest_in_meaning_first(lib, tmp_path):
    from inductor.retrieve import behaviour_candidates

    lib.add_many([
        Function("count_big", "lists", "(x: list[int]) -> int", "def count_big(x):\n    return sum(v > 3 for v in x)\n"),
        Function("shout", "lists", "(s: str) -> str", "def shout(s):\n    return s.upper()\n"),
        Function("pad", "lists", "(x: list[int], k: int) -> list[int]", "def pad(x, k):\n    return x + [0] * k\n"),
        Function("loose", "lists", "(x)", "def loose(x):\n    return x\n"),
    ])
    names = [f.name for f in behaviour_candidates(REV, lib, limit=10)]
    # list[int] -> list[int]: not the int-returning, the str, or the two-argument one; unannotated fits.
    assert set(names) == {*FUNCTIONS, "loose"}
    drop = lib.get("drop_first").id
    assert [f.name for f in behaviour_candidates(REV, lib, limit=2, prefer=[drop])][0] == "drop_first"
    assert len(behaviour_candidates(REV, lib, limit=2)) == 2
    counting = Task("count", [Example(([1, 5, 9],), 2)], domain="lists")
    assert [f.name for f in behaviour_candidates(counting, lib, limit=10)] == ["loose", "count_big"]


def test_a_large_library_bounds_what_the_search_gets_and_opens_without_reading_every_function(tmp_path):
    from inductor.bench import synthetic_functions

    lib = Library(tmp_path / "big")
    functions = synthetic_functions(3000)
    assert lib.add_many(functions) == 3000
    assert len(lib) == 3000 and len(lib.ids("lists")) == 2100 and lib.module_path("lists").is_file()
    most = lib.get(functions[10].name)  # any one: give it uses so the limit keeps it
    lib.record_uses([most.id], "t1")
    use = LibraryUse(lib, LibraryIndex(lib, HashEmbedder()), learn=False, search_limit=50)
    shared = use.searchable("lists")
    assert len(shared) == 50 and most.id in {f.id for f in shared}
    assert [f.id for f in shared] == sorted(f.id for f in shared)  # oldest first, as without a limit
    assert len(lib.functions("lists", limit=7)) == 7
    # Reopened, the saved index matches the store: nothing is embedded again.
    lib.close()
    again = Library(tmp_path / "big", readonly=True)

    class Counting(HashEmbedder):
        texts = 0

        def embed(self, texts):
            Counting.texts += len(texts)
            return super().embed(texts)

    LibraryIndex(again, Counting())
    assert Counting.texts == 0


def test_a_large_library_sends_the_sandbox_a_module_of_what_the_task_may_call(tmp_path, plugins, sandbox):
    from inductor.bench import synthetic_functions

    lib = Library(tmp_path / "big")
    lib.add_many([*synthetic_functions(120),
                  Function("inner_step", "lists", SIG, "def inner_step(x):\n    return x[::-1]\n"),
                  Function("outer_step", "lists", SIG, "def outer_step(x):\n    return inner_step(x)[1:]\n")])
    name, part = lib.module_part("lists", ["outer_step"])
    text = part.read_text()
    assert text.count("\ndef ") == 2 and "def inner_step" in text  # what it calls comes along
    use = LibraryUse(lib, LibraryIndex(lib, HashEmbedder()), learn=False, search_limit=10)
    name, path = use.module("lists", also=["outer_step"])
    assert path != lib.module_path("lists") and path.read_text().count("\ndef ") <= 10 + 2
    # The loop's prelude is that part, and a candidate calls a function in it.
    induction = Induction(None, Verifier(sandbox, plugins), plugins, prompts=Prompts(), budget=Budget(),
                          model_settings=ModelSettings(), library=use)
    (prelude,) = induction._library_prelude(REV, also=["outer_step"])
    check = Verifier(sandbox, plugins).check(REV, ["def f(x):\n    return inner_step(x)\n"], extra_preludes=[prelude])
    assert check[0]
    small = LibraryUse(lib, None, learn=False)  # 500 >= 122 functions: the whole module
    assert small.module("lists")[1] == lib.module_path("lists")
    lib.close()
    assert not part.exists()  # the parts go with the library's connection
