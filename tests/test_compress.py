"""Compression with stitch-core: closing programs over their inputs, the shared abstraction,
the solutions the store keeps for it, and ``inductor library compress``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from inductor.cli import cli
from inductor.compress import CompressionError, close_over, compress, typed
from inductor.dsl.core import parse
from inductor.store import Library, Solution
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
    assert lib.version == 3
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
    res = CliRunner().invoke(cli, ["run", str(tasks), "--model", "none", "--library", str(lib),
                                   "--runs-dir", str(tmp_path / "runs"), "-q"])
    assert res.exit_code == 0, res.output
    stored = Library(lib, readonly=True).solutions("lists")
    assert {s.task_id for s in stored} == set(rules)
    for s in stored:  # each is the search's canonical text, and parses back
        assert parse(s.sexpr, PRIMS) and s.python.startswith("def f(x):") and s.params == ("x",)
    res = CliRunner().invoke(cli, ["library", "compress", "--library", str(lib), "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)["lists"]
    assert info["solutions"] == 3 and info["cost_before"] >= info["cost_after"] > 0
    for a in info["abstractions"]:
        assert len(a["tasks"]) >= 2 and a["arity"] <= 3
    res = CliRunner().invoke(cli, ["library", "compress", "--library", str(lib), "--domain", "strings"])
    assert res.exit_code == 0 and "no stored s-expression solutions in the domain 'strings'" in res.output


def test_an_abstraction_becomes_a_typed_documented_python_function():
    import inductor_plugins.lists.dsl as dsl

    corpus = {**CORPUS, "g": "(take 3 (sort x))"}
    found = compress({t: close_over(p, ["x"]) for t, p in corpus.items()})
    functions = {f.abstraction.body: f for f in typed(found.abstractions, dsl)}
    add = next(f for body, f in functions.items() if body.startswith("(map (lam (+ $0"))
    assert add.signature in ("(xs: list[int], n: int) -> list[int]", "(n: int, xs: list[int]) -> list[int]")
    # the docstring is the primitives' phrases put together: map's, then +'s inside it
    assert add.docstring.startswith("Apply v plus n to each element of xs")
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
