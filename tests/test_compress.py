"""Compression with stitch-core: closing programs over their inputs, the shared abstraction,
the solutions the store keeps for it, and ``inductor library compress``."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from click.testing import CliRunner

from inductor.cli import cli
from inductor.compress import (
    CompressionError,
    close_over,
    compress,
    compression_figures,
    learn_abstractions,
    open_program,
    symbols,
    typed,
)
from inductor.dsl.core import parse
from inductor.store import MIGRATIONS, Function, Library, Solution
from inductor_plugins.lists.dsl import PRIMITIVES

PRIMS = {p.name: p for p in PRIMITIVES}

#: Four solutions that add a constant to each element of some list, and one that does not.
CORPUS = {
    "a": "(map (lam (+ $0 1)) (filter (lam (> $0 2)) x))",
    "b": "(map (lam (+ $0 1)) (reverse x))",
    "c": "(map (lam (+ $0 3)) (sort x))",
    "d": "(map (lam (+ $0 3)) (tail x))",
    "e": "(take 2 (sort x))",
}


def test_closing_over_the_inputs_makes_them_de_bruijn_variables():
    assert close_over("(map (lam (+ $0 1)) x)", ["x"]) == "(lam (map (lam (+ $0 1)) $0))"
    assert close_over("(map (lam (+ $0 (head x))) x)", ["x"]) == "(lam (map (lam (+ $0 (head $1))) $0))"
    assert close_over("(cons (head x) (fold (lam (lam (+ $0 $1))) 0 y))", ["x", "y"]) == \
        "(lam (lam (cons (head $1) (fold (lam (lam (+ $0 $1))) 0 $0))))"
    assert close_over("x", ["x"]) == "(lam $0)"
    with pytest.raises(CompressionError, match="unbalanced"):
        close_over("(reverse x))", ["x"])


def test_compression_finds_the_shared_lambda_abstraction_and_rewrites_with_it():
    found = compress({t: close_over(p, ["x"]) for t, p in CORPUS.items()})
    first = found.abstractions[0]
    assert first.arity == 2 and first.tasks == ("a", "b", "c", "d")
    # "add #k to each element of #j": the lambda is inside the abstraction, the list and the constant are its arguments
    assert first.body in ("(map (lam (+ $0 #1)) #0)", "(map (lam (+ $0 #0)) #1)")
    for task in first.tasks:
        assert first.name in found.rewritten[task]
    assert found.rewritten["e"] == found.original["e"]  # nothing shared: left as it was
    assert found.cost_after < found.cost_before and found.ratio > 1
    assert all(len(a.tasks) >= 2 for a in found.abstractions)


def test_an_abstraction_fewer_tasks_use_than_the_minimum_is_not_kept():
    found = compress({t: close_over(p, ["x"]) for t, p in CORPUS.items()}, min_tasks=5)
    assert found.abstractions == [] and found.rewritten == found.original
    assert compress({}).abstractions == []


def test_the_store_keeps_one_solution_per_task_and_migrates_old_libraries(tmp_path):
    lib = Library(tmp_path / "lib")
    assert lib.version == len(MIGRATIONS)
    lib.record_solution(Solution("lists", "t1", ("x",), "(reverse x)", "def f(x):\n    return x[::-1]\n", "r1"))
    lib.record_solution(Solution("lists", "t1", ("x",), "(sort x)", "def f(x):\n    return sorted(x)\n", "r2"))
    lib.record_solution(Solution("strings", "s1", ("name",), "(upper name)", "def f(name):\n    return name.upper()\n"))
    assert [(s.task_id, s.sexpr) for s in lib.solutions("lists")] == [("t1", "(sort x)")]
    assert [s.domain for s in lib.solutions()] == ["lists", "strings"] and lib.stats()["solutions"] == 2


def test_a_run_stores_the_search_s_solutions_and_library_compress_reads_them(tmp_path):
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    rules = {"inc-rev": lambda xs: [v + 1 for v in xs][::-1], "inc-sort": lambda xs: sorted(v + 1 for v in xs),
             "inc-tail": lambda xs: [v + 1 for v in xs][1:]}
    inputs = [[3, 1, 2], [5, 0, 7, 4], [9, 8], [6, 2, 2, 1, 0]]
    for name, rule in rules.items():
        pairs = [{"input": xs, "output": rule(xs)} for xs in inputs]
        (tasks / f"{name}.json").write_text(json.dumps({"train": pairs[:3], "test": pairs[3:]}))
    lib = tmp_path / "lib"
    # a short budget: a task only one of the two search workers can solve waits for the other
    res = CliRunner().invoke(cli, ["run", str(tasks), "--model", "none", "--library", str(lib), "--time-per-task", "5",
                                   "--runs-dir", str(tmp_path / "runs"), "-q"])
    assert res.exit_code == 0, res.output
    library = Library(lib, readonly=True)
    stored = library.solutions("lists")
    assert {s.task_id for s in stored} == set(rules)
    learned = library.names("lists")  # a later task's search may call a function an earlier one taught
    for s in stored:  # each is the search's canonical text: the DSL's primitives and library functions
        heads = set(re.findall(r"\((\S+)", s.sexpr)) - {"lam"}
        assert heads <= set(PRIMS) | learned, heads
        assert s.python.startswith("def f(x):") and s.params == ("x",) and len(s.examples) == 3
    res = CliRunner().invoke(cli, ["library", "compress", "--library", str(lib), "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)["lists"]
    assert info["solutions"] == 3 and info["cost_before"] >= info["cost_after"] > 0
    for a in info["abstractions"]:
        assert len(a["tasks"]) >= 2 and a["arity"] <= 3
    res = CliRunner().invoke(cli, ["library", "compress", "--library", str(lib), "--write", "--json"])
    assert res.exit_code == 0, res.output
    written = json.loads(res.output)["lists"]
    assert {"cost_before", "cost_after", "added", "skipped", "rewritten", "weights", "top_weights"} <= set(written)
    assert Library(lib, readonly=True).weights("lists")  # the grammar was fitted and stored with the library
    for a in written["added"]:  # what it stored is in the library, and passes its examples
        assert Library(lib, readonly=True).get(a["name"]) is not None
    res = CliRunner().invoke(cli, ["library", "check", "--library", str(lib)])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(cli, ["library", "compress", "--library", str(lib), "--domain", "strings"])
    assert res.exit_code == 0 and "no stored s-expression solutions in the domain 'strings'" in res.output


def test_an_abstraction_becomes_a_typed_documented_python_function():
    import inductor_plugins.lists.dsl as dsl

    corpus = {**CORPUS, "g": "(take 3 (sort x))"}
    found = compress({t: close_over(p, ["x"]) for t, p in corpus.items()})
    functions = {f.abstraction.body: f for f in typed(found.abstractions, dsl)}
    add = next(f for body, f in functions.items() if body.startswith("(map (lam (+ $0"))
    assert add.signature in ("(xs: list[int], n: int) -> list[int]", "(n: int, xs: list[int]) -> list[int]")
    # the docstring is the primitives' phrases put together: map's, reading +'s inside it with
    # its parameter said as "each element of xs" (no dangling "v"); the name says the operation
    assert add.docstring == "Each element of xs plus n." and add.name == "apply_plus"
    namespace: dict = {}
    exec(add.python, namespace)
    call = namespace[add.name]
    assert call(*([[1, 2], 10] if add.params[0] == "xs" else [10, [1, 2]])) == [11, 12]
    # the abstraction over the task's input (a leading lambda) takes it as one more parameter
    take = functions["(lam (take #0 (sort $0)))"]
    assert take.signature == "(n: int, xs: list[int]) -> list[int]" and take.name == "first_sorted_ascending"
    exec(take.python, namespace)
    assert namespace[take.name](2, [5, 1, 3]) == [1, 3]
    assert "_2" not in take.name and not any(ch.isdigit() for ch in take.name)


def test_opening_a_closed_program_gives_back_the_task_s_program():
    for program, params in [("(map (lam (+ $0 (head x))) x)", ["x"]),
                            ("(cons (head x) (fold (lam (lam (+ $0 $1))) 0 y))", ["x", "y"])]:
        assert open_program(close_over(program, params), params) == program
    assert open_program("(fn_1 2)", ["x"]) == "(fn_1 2 x)"  # a partial application takes the input last


def _solution(task_id, sexpr, inputs):
    from inductor.dsl.core import evaluate, program

    term = parse(sexpr, PRIMS)
    return Solution("lists", task_id, ("x",), sexpr, program(term, PRIMS, "f", ["x"]), "r",
                    tuple(([xs], evaluate(term, PRIMS, ["x"], [xs])) for xs in inputs))


def test_learned_abstractions_are_stored_verified_with_examples_from_their_tasks(tmp_path, plugins, sandbox):
    import inductor_plugins.lists.dsl as dsl
    from inductor.verify import Verifier, failing_functions

    lib = Library(tmp_path / "lib")
    inputs = [[3, 1, 2], [5, 0, 7], [9]]
    for task_id, sexpr in {**CORPUS, "g": "(take 3 (sort x))"}.items():
        lib.record_solution(_solution(task_id, sexpr, inputs))
    verifier = Verifier(sandbox, plugins)
    learned = learn_abstractions(lib, "lists", dsl, verifier)
    names = [fn.name for fn, _ in learned.added]
    assert "apply_plus" in names and "first_sorted_ascending" in names
    add = lib.get("apply_plus")
    assert add.signature in ("(xs: list[int], n: int) -> list[int]", "(n: int, xs: list[int]) -> list[int]")
    assert add.examples and all(len(args) == 2 for args, _ in add.examples)
    assert sorted(dict((fn.name, tasks) for fn, tasks in learned.added)["apply_plus"]) == ["a", "b", "c", "d"]
    assert len(lib.abstraction_bodies("lists")) == len(names)
    # stored bodies call earlier abstractions by their function names, never by a compression's fn_i
    assert not any(re.search(r"\bfn_\d", b) for b in lib.abstraction_bodies("lists"))
    from inductor.compress import _renamed_calls

    assert _renamed_calls("(lam (fn_1 (index 6 $0)))", {"fn_1": "followed_cons"}) == \
        "(lam (followed_cons (index 6 $0)))"
    assert failing_functions(lib, verifier) == {}  # each passes the examples it was stored with
    # each verified rewrite is kept, calling the abstractions by their function names
    rewritten = {s.task_id: s.rewritten for s in lib.solutions("lists")}
    assert rewritten["a"] and "apply_plus" in rewritten["a"] and "fn_" not in rewritten["a"]
    assert rewritten == {t: learned.rewrites.get(t, "") for t in rewritten}
    term = parse(rewritten["a"], {**PRIMS, "apply_plus": _as_primitive_of(lib, "apply_plus")})
    assert term is not None
    again = learn_abstractions(lib, "lists", dsl, verifier)  # the same corpus teaches nothing new
    assert again.added == [] and set(again.skipped.values()) == {"already in the library"}
    figures = compression_figures(lib, "lists")  # what `library stats` prints
    assert figures["symbols_before"] == sum(symbols(s) for s in {**CORPUS, "g": "(take 3 (sort x))"}.values())
    assert figures["rewritten"] == len([t for t in rewritten if rewritten[t]]) >= 4
    assert figures["abstractions"] == len(names) and figures["depth"] >= 1
    assert figures["symbols_after"] < figures["symbols_before"]  # shorter, the abstractions' bodies included


def test_the_depth_of_a_library_counts_abstractions_calling_abstractions(tmp_path):
    lib = Library(tmp_path / "lib")
    inner = lib.add(Function("sort_take", "lists", "(xs: list[int], n: int) -> list[int]",
                             "def sort_take(xs, n):\n    return take(n, sort(xs))\n", "Sort, then take n."))
    outer = lib.add(Function("sort_take_sum", "lists", "(xs: list[int], n: int) -> int",
                             "def sort_take_sum(xs, n):\n    return sum(sort_take(xs, n))\n", "Sum of the n least."))
    lib.record_abstraction(inner.id, "(lam (take #0 (sort $0)))", 1, ["a", "b"])
    assert compression_figures(lib, "lists")["depth"] == 1
    lib.record_abstraction(outer.id, "(lam (sum (fn_0 #0 $0)))", 1, ["c", "d"])
    assert compression_figures(lib, "lists")["depth"] == 2
    assert symbols("(lam (take #0 (sort $0)))") == 5


def test_an_abstraction_that_only_renames_a_primitive_is_not_a_function():
    import inductor_plugins.lists.dsl as dsl
    from inductor.compress import Abstraction, renames_a_primitive

    rename = Abstraction("fn_0", 1, "(lam (take #0 $0))", ("a", "b"), 1.0)
    nested = Abstraction("fn_1", 1, "(lam (take #0 (sort $0)))", ("a", "b"), 1.0)
    assert renames_a_primitive(rename) and not renames_a_primitive(nested)
    assert [f.abstraction.name for f in typed([rename, nested], dsl)] == ["fn_1"]


def test_names_come_from_the_phrase_then_the_calls_and_grow_rather_than_take_a_number():
    from inductor.compress import name_from

    assert name_from("add k to each element of xs", ("k", "xs"), set(), ["map", "+"]) == "add_map"
    # a phrase of one content word borrows a word from what the body calls
    assert name_from("n followed by []", ("n",), set(), ["cons"]) == "followed_cons"
    # taken: the next words of the phrase, then the calls
    phrase = "keep the elements of xs greater than n then sort them"
    assert name_from(phrase, ("xs", "n"), {"keep_greater_then"}, ["sort", "filter"]) == "keep_greater_then_sort"
    names = set()
    for _ in range(4):
        names.add(name_from("sort xs", ("xs",), names, ["sort_asc"]))
    assert len(names) == 4 and not any(c.isdigit() for n in names for c in n)
    # Two swaps of fixed positions: the positions tell them apart, not a suffix.
    phrase = "xs with the elements at positions {} and {} exchanged"
    first = name_from(phrase.format(0, 3), ("xs",), set(), ["swap"])
    second = name_from(phrase.format(1, 2), ("xs",), {first}, ["swap"])
    assert (first, second) == ("positions_exchanged", "positions_1_2_exchanged")


def _as_primitive_of(lib, name):
    from inductor.dsl.bottomup import library_primitive
    from inductor.search import library_component

    c = library_component(name, lib.get(name).signature)
    return library_primitive(name, c.params, c.returns, lambda *a: None)


def test_grammar_weights_are_smoothed_counts_with_mean_one():
    from inductor.grammar import fit_weights, usage_counts

    names = ["map", "sort", "take", "reverse"]
    corpus = ["(map (lam (+ $0 1)) x)", "(take 2 (sort x))", "(sort (map (lam $0) x))"]
    assert usage_counts(corpus, names) == {"map": 2, "sort": 2, "take": 1, "reverse": 0}
    w = fit_weights(corpus, names, pseudocount=1.0)
    assert w["map"] == w["sort"] > w["take"] > w["reverse"] > 0
    assert abs(sum(w.values()) / len(w) - 1) < 1e-9
    assert fit_weights(["(map f x)", "(sort x)", "(take 1 x)", "(reverse x)"], names) == dict.fromkeys(names, 1.0)
    assert fit_weights([], names) == {}
    # a large pseudocount brings every weight towards 1
    assert abs(fit_weights(corpus, names, pseudocount=1e6)["reverse"] - 1) < 1e-5


def test_fitted_weights_change_the_search_order():
    from inductor.dsl.bottomup import Engine, example_constants
    from inductor_plugins.lists.dsl import PRIMITIVES as P

    # Both (reverse (sort x)) and (sort_desc x)-like programs could fit; here two programs of
    # equal size fit the examples: the weights decide which is found first.
    ins, outs = [([3, 1, 2],), ([5, 4],)], [[3, 2, 1], [5, 4]]
    def run(weights):
        e = Engine(P, ["x"], ins, outs, constants=example_constants(ins, outs), weights=weights,
                   deadline=__import__("time").monotonic() + 60, memory_mb=2000)
        return e.run()
    uniform = run(None)
    assert uniform is not None
    heads = {uniform.head, *(a.head for a in uniform.args if a.kind == "prim")}
    # make every primitive of the uniform answer rare: another program is found
    other = run({name: 1e-3 for name in heads})
    assert other is not None and other != uniform


def test_a_pass_ends_in_a_sleep_that_stores_abstractions_and_weights(tmp_path, plugins, sandbox):
    import inductor_plugins.lists.dsl as dsl
    from inductor.compress import sleep
    from inductor.verify import Verifier

    lib = Library(tmp_path / "lib")
    inputs = [[3, 1, 2], [5, 0, 7], [9]]
    for task_id, sexpr in {**CORPUS, "g": "(take 3 (sort x))"}.items():
        lib.record_solution(_solution(task_id, sexpr, inputs))
    slept = sleep(lib, "lists", dsl, Verifier(sandbox, plugins))
    assert not slept.error and slept.learned.added
    weights = lib.weights("lists")
    # fitted to the rewritten corpus: a stored abstraction is heavier than a primitive no solution uses
    assert weights["apply_plus"] > weights["reverse"] and slept.fitted.programs == len(CORPUS) + 1
    assert lib.weight_uses("lists")["apply_plus"] >= 2
    # library show and stats tell an abstraction from a learned snippet, with its weight and uses
    for fn, tasks in slept.learned.added:
        shown = CliRunner().invoke(cli, ["library", "show", fn.name, "--library", str(lib.folder), "--json"])
        info = json.loads(shown.output)
        assert info["kind"] == "abstraction" and info["abstraction"]["body"] == fn.abstraction.body
        assert info["weight"] == weights[fn.name] and info["uses"] == len(tasks)
        text = CliRunner().invoke(cli, ["library", "show", fn.name, "--library", str(lib.folder)]).output
        assert f"# abstraction {fn.abstraction.body}" in text and "# grammar weight" in text
    stats = json.loads(CliRunner().invoke(cli, ["library", "stats", "--library", str(lib.folder), "--json"]).output)
    assert stats["abstractions"] == len(slept.learned.added) and stats["weights_by_domain"]["lists"] == len(weights)
    assert stats["rewritten_solutions"] == len(slept.learned.rewrites) > 0
    assert stats["compression"]["lists"]["symbols_after"] < stats["compression"]["lists"]["symbols_before"]
    text = CliRunner().invoke(cli, ["library", "stats", "--library", str(lib.folder)]).output
    assert "compression[lists]: " in text and " symbols (" in text and ", depth 1" in text


class _ScriptedSearcher:
    """Returns each task's known s-expression solution, and records the weights it is given."""

    def __init__(self, solutions):
        self.solutions, self.weights, self.library = solutions, [], []

    def search(self, task, components, preludes=(), same=None, deadline=None, weights=None):
        from inductor.dsl.core import program
        from inductor.value_search import ValueResult

        self.weights.append(dict(weights or {}))
        self.library.append([c.name for c in components if c.library])
        text = self.solutions[task.id]
        return ValueResult(program=program(parse(text, PRIMS), PRIMS, "f", ["x"]), sexpr=text, stopped="solved")


def test_the_loop_sleeps_after_a_pass_and_the_next_search_gets_the_fitted_weights(tmp_path, plugins, sandbox):
    from inductor.config import ModelSettings
    from inductor.dsl.core import evaluate
    from inductor.loop import Budget, EventLog, Induction, LibraryUse
    from inductor.prompts import Prompts
    from inductor.tasks import Example, Task
    from inductor.verify import Verifier

    inputs = [[3, 1, 2], [5, 0, 7], [9]]
    corpus = {**CORPUS, "g": "(take 3 (sort x))"}
    tasks = [Task(t, [Example((xs,), evaluate(parse(p, PRIMS), PRIMS, ["x"], [xs])) for xs in inputs],
                  domain="lists", types={"x": "list[int]"}) for t, p in corpus.items()]
    searcher = _ScriptedSearcher(corpus)
    events = EventLog(tmp_path / "events.jsonl")
    loop = Induction(None, Verifier(sandbox, plugins), plugins, prompts=Prompts(), budget=Budget(seconds=5.0),
                     model_settings=ModelSettings(), library=LibraryUse(Library(tmp_path / "lib")), search=searcher,
                     events=events)
    run = loop.run(tasks)
    assert all(r.train_solved for r in run.results) and searcher.weights[0] == {}  # nothing fitted yet
    sleep = run.passes[0]["sleep"][0]
    assert sleep["domain"] == "lists" and "apply_plus" in sleep["abstractions"]
    fitted = loop.library.library.weights("lists")
    assert fitted and fitted["apply_plus"] > 1
    loop.library.learn = False
    loop.run(tasks[:1])
    assert searcher.weights[-1] == fitted  # the next search enumerates in the fitted order
    # A λ-DSL solution is kept for compression, not refactored into a whole-task snippet; the
    # abstractions enter the search, a snippet of one task's search solution would not.
    assert all(not r.learned for r in run.results)
    lib = loop.library.library
    assert {f.name for f in lib.functions("lists")} == set(sleep["abstractions"])
    lib.add(Function(name="sort_take", domain="lists", signature="(x: list[int]) -> list[int]",
                     source="def sort_take(x: list[int]) -> list[int]:\n    return sorted(x)[:3]\n"), task_id="g")
    loop.run(tasks[:1])
    everything = {f.name for f in lib.functions("lists")}
    assert "apply_plus" in searcher.library[-1] and set(searcher.library[-1]) < everything
    loop.library.search_functions = "all"
    loop.run(tasks[:1])
    assert set(searcher.library[-1]) == everything
    events.close()
    kinds = [json.loads(line)["event"] for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert "slept" in kinds


def test_docstrings_read_constants_as_written_and_say_an_earlier_abstraction_by_its_phrase():
    import inductor_plugins.lists.dsl as lists
    import inductor_plugins.strings.dsl as strings
    from inductor.compress import Abstraction

    dr = typed([Abstraction("fn_0", 0, '(lam (concat "Dr.\\u0020" (word $0 0)))', ("a", "b"), 1.0)], strings)
    assert dr[0].docstring == '"Dr. " followed by word 0 of s.'
    inner = Abstraction("fn_0", 1, "(lam (take #0 (sort $0)))", ("a", "b"), 1.0)
    outer = Abstraction("fn_1", 0, "(lam (fn_0 3 (reverse $0)))", ("c", "d"), 1.0)
    first, second = typed([inner, outer], lists)
    assert first.name not in second.docstring and "fn_" not in second.docstring
    assert "3" in second.docstring and "revers" in second.docstring.lower()  # the inner phrase, filled in


def test_a_model_names_and_documents_an_abstraction_and_a_bad_proposal_keeps_the_phrase_made_one(
        tmp_path, plugins, sandbox):
    import inductor_plugins.lists.dsl as dsl
    from inductor.models import FakeModel
    from inductor.prompts import Prompts
    from inductor.refactor import ModelNamer
    from inductor.verify import Verifier, failing_functions

    def script(prompt, params):
        asked = prompt.rsplit("def function", 1)[1]  # the function to name, after the shots
        if "sorted(" in asked:
            return [" sorted_prefix\nsummary: The first n numbers of a list once sorted."]
        return ["1, 2, 3]"]  # not a name: the phrase-made one stays

    lib = Library(tmp_path / "lib")
    inputs = [[3, 1, 2], [5, 0, 7], [9]]
    for task_id, sexpr in {**CORPUS, "g": "(take 3 (sort x))"}.items():
        lib.record_solution(_solution(task_id, sexpr, inputs))
    model = FakeModel(script)
    namer = ModelNamer(model, Prompts())
    learned = learn_abstractions(lib, "lists", dsl, Verifier(sandbox, plugins), namer=namer)
    names = [fn.name for fn, _ in learned.added]
    assert "sorted_prefix" in names and "apply_plus" in names and learned.model_named == ["sorted_prefix"]
    fn = lib.get("sorted_prefix")
    assert fn.docstring == "The first n numbers of a list once sorted." and "def sorted_prefix(" in fn.source
    assert '"""The first n numbers of a list once sorted."""' in fn.source and fn.examples
    asked = [p for p in model.prompts if "sorted(" in p.rsplit("def function", 1)[1]][0]
    assert "\n# 2, [3, 1, 2] -> [1, 2]\n" in asked.rsplit("def function", 1)[1]  # with examples of its calls
    assert lib.get("apply_plus").docstring == dict((f.name, f.docstring) for f, _ in learned.added)["apply_plus"]
    assert namer.proposed == len(names) and namer.accepted == 1
    rewritten = {s.task_id: s.rewritten for s in lib.solutions("lists")}
    assert "sorted_prefix" in rewritten["e"] and "first_sorted" not in " ".join(rewritten.values())
    assert failing_functions(lib, Verifier(sandbox, plugins)) == {}


def test_a_renamed_abstraction_is_called_by_its_new_name_in_the_later_ones():
    import inductor_plugins.lists.dsl as lists
    from inductor.compress import Abstraction, _renamed_everywhere

    inner = Abstraction("fn_0", 1, "(lam (take #0 (sort $0)))", ("a", "b"), 1.0)
    outer = Abstraction("fn_1", 0, "(lam (fn_0 3 (reverse $0)))", ("c", "d"), 1.0)
    first, second = typed([inner, outer], lists)
    assert f"{first.name}(" in second.python
    functions = {"fn_0": first, "fn_1": second}
    defined = [first.python]
    new = _renamed_everywhere(replace(first, name="sorted_prefix",
                                      python=first.python.replace(first.name, "sorted_prefix")),
                              first.name, functions, defined)
    assert "sorted_prefix(" in functions["fn_1"].python and f"{first.name}(" not in functions["fn_1"].python
    assert defined == [new.python]


def test_a_lambda_is_said_by_its_body_where_its_parameter_reads_and_plainly_where_it_does_not():
    from inductor.compress import describe

    def said(text):
        return describe(parse(text, PRIMS), PRIMS, {})

    assert said("(filter (lam (> $0 2)) x)") == "the elements of x where the element is greater than 2"
    assert said("(zip_with (lam (lam (+ $1 $0))) x (reverse x))") == \
        "each element of x plus the matching element of x reversed"
    assert said("(map (lam 7) x)") == "apply 7 to each element of x"  # the body ignores its parameter
    assert describe(parse("(map (lam (+ $0 1)) x)", PRIMS), PRIMS, {}, plain=True) == \
        "apply v plus 1 to each element of x"
    # a constant holding " | " in an earlier abstraction's phrase is not read as alternatives
    from inductor.compress import _alternatives

    assert _alternatives('the words of {s} joined with " | "', ("s",)) == ['the words of {s} joined with " | "']


def test_an_empty_list_argument_is_left_out_of_the_python_and_the_phrase():
    import inductor_plugins.lists.dsl as lists
    from inductor.compress import describe, name_from
    from inductor.dsl.core import parse, python

    prims = {p.name: p for p in lists.PRIMITIVES}
    single = parse("(cons (index 6 x) [])", prims)
    assert python(single, prims) == "[x[6]]"
    assert describe(single, prims, {"x": "xs"}) == "a singleton list of the element of xs at position 6"
    assert name_from(describe(single, prims, {"x": "xs"}, plain=True), ("xs",), set()) == "singleton_list_position"
    longer = parse("(cons 1 x)", prims)  # not empty: the usual phrase and Python
    assert python(longer, prims) == "[1, *x]" and describe(longer, prims, {"x": "xs"}) == "1 followed by xs"
