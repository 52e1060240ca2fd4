"""Search engine 2: enumeration by value in cost order, pruning, budgets, and the sandbox job."""

from __future__ import annotations

import itertools
import textwrap
import time

import pytest

from inductor.config import Settings
from inductor.dsl.bottomup import CHECK_EVERY, Const, Engine, example_constants
from inductor.dsl.core import BOOL, INT, infer, list_of, parse, sexpr
from inductor.tasks import Example, Task
from inductor.value_search import ValueSearcher
from inductor.verify import Verifier
from inductor_plugins.lists.dsl import PRIMITIVES

PRIMS = {p.name: p for p in PRIMITIVES}


def engine(inputs, outputs, **kw):
    ins = [(x,) for x in inputs]
    if "deadline" not in kw:  # a bug must fail the test, not fill the machine's memory
        kw.update(deadline=time.monotonic() + 60, memory_mb=2000)
    return Engine(PRIMITIVES, ["x"], ins, outputs, constants=example_constants(ins, outputs), **kw)


def counting_clock():
    """A fake clock: each reading is one tick later than the last."""
    return itertools.count().__next__


def test_finds_a_program_with_a_lambda():
    e = engine([[1, 2, 3], [5, 0], [4]], [[2, 4, 6], [10, 0], [8]])
    found = e.run()
    assert e.stopped == "solved"
    assert found is not None and found.type == list_of(INT)
    # Whatever it found computes the outputs (e.g. (map (lam (* $0 2)) x) or (map (lam (+ $0 $0)) x)).
    from inductor.dsl.core import evaluate

    assert [evaluate(found, PRIMS, ["x"], [xs]) for xs in ([1, 2, 3], [5, 0], [4])] == [[2, 4, 6], [10, 0], [8]]
    assert "lam" in sexpr(found)


def test_the_bank_keeps_one_term_per_behaviour_and_the_cheaper_one():
    e = engine([[3, 1, 2], [5, 4]], [[7, 0, 9, 4], [1]], clock=counting_clock(), deadline=20)
    assert e.run() is None and e.stopped == "time"
    texts = {sexpr(t) for t in e.terms()}
    assert "x" in texts and "(reverse x)" in texts and "2" in texts
    # Same values as x and as 2 (cheaper, kept first): pruned.
    assert "(reverse (reverse x))" not in texts and "(+ 1 1)" not in texts
    keys = [(t, v) for t, by_cost in e.bank.entries.items() for es in by_cost.values() for v, _, _ in es]
    assert len(keys) == len(set(keys)) == len(e.bank)
    # Every kept term is well typed, and its type is the one the bank holds it under.
    for t in e.terms():
        assert infer(t, PRIMS, {"x": list_of(INT)}) == t.type


def test_a_bank_keeps_the_first_of_two_equal_behaviours():
    e = engine([[1], [2]], [[5], [6]])
    bank = e.bank
    assert bank.add(INT, 2, (1, 2), ("v", "y", INT))
    assert not bank.add(INT, 9, (1, 2), ("c", 3, INT))
    assert bank.add(BOOL, 9, (1, 2), ("c", 3, BOOL))  # equal values of another type are another behaviour
    assert bank.entries[INT] == {2: [[(1, 2), ("v", "y", INT), None]]}


def test_values_inside_the_engine_are_immutable():
    e = engine([[3, 1, 2], [5, 4]], [[0], [0, 0, 0]], clock=counting_clock(), deadline=5)
    e.run()
    assert e.inputs == [((3, 1, 2),), ((5, 4),)] and e.outputs == ((0,), (0, 0, 0))
    assert all(type(v) is tuple for by_cost in e.bank.entries.values() for es in by_cost.values() for v, _, _ in es)


def test_the_bank_is_bounded_by_the_memory_it_may_add():
    e = engine([[3, 1, 2], [5, 4]], [[0], [0, 0, 0]], memory_mb=-1, clock=counting_clock(), deadline=30)
    e.run()
    # Full from the first check on: it goes on evaluating, and keeps nothing more.
    assert e.full and e.stopped == "time" and e.evaluated >= 30 * CHECK_EVERY
    assert len(e.bank) + sum(len(s) for s in e.lambdas.values()) == e.stored < 3 * CHECK_EVERY


def test_cheaper_programs_are_found_first_and_weights_change_the_order():
    # (tail x) and (drop 1 x) both fit; tail is one primitive fewer.
    ins, outs = [[4, 5, 6], [1, 2]], [[5, 6], [2]]
    assert sexpr(engine(ins, outs).run()) == "(tail x)"
    assert sexpr(engine(ins, outs, weights={"drop": 50.0, "tail": 0.01}).run()) == "(drop 1 x)"
    # Descending inputs: reverse and sort fit at equal cost; the weights decide.
    ins, outs = [[3, 2, 1], [9, 4]], [[1, 2, 3], [4, 9]]
    assert sexpr(engine(ins, outs, weights={"sort": 3.0}).run()) == "(sort x)"
    assert sexpr(engine(ins, outs, weights={"reverse": 3.0}).run()) == "(reverse x)"


def test_the_deadline_is_kept_by_count_on_a_fake_clock():
    readings = []
    ticks = counting_clock()

    def clock():
        readings.append(ticks())
        return readings[-1]

    e = engine([[3, 1, 2], [5, 4]], [[0], [0, 0, 0]], clock=clock, deadline=5)
    assert e.run() is None
    # The clock is read once per CHECK_EVERY evaluations; it reads 5 at the sixth reading.
    assert e.stopped == "time" and readings == [0, 1, 2, 3, 4, 5]
    assert e.evaluated >= 6 * CHECK_EVERY


# Reversed when the head is even, sorted when it is odd: no one term of the first levels fits.
SPLIT_INS = [[2, 9, 1], [4, 3, 5, 1], [6, 1, 2], [3, 8, 2], [5, 2, 7, 1], [7, 4, 6], [8, 5, 3, 9], [1, 6, 0],
             [9, 0, 4, 2]]
SPLIT_OUTS = [xs[::-1] if xs[0] % 2 == 0 else sorted(xs) for xs in SPLIT_INS]


def test_a_conditional_joins_two_programs_that_each_fit_part_of_the_examples():
    e = engine(SPLIT_INS, SPLIT_OUTS, clock=counting_clock(), deadline=20, split_examples=2)
    found = e.run()
    # At the deadline, far below the levels where (if c a b) is enumerated whole.
    assert e.stopped == "split" and found.cost > e.level
    assert sexpr(found) == "(if (is_even (head x)) (reverse x) (sort x))"
    from inductor.dsl.core import evaluate

    assert [evaluate(found, PRIMS, ["x"], [xs]) for xs in SPLIT_INS] == SPLIT_OUTS
    # Off, the same budget finds nothing.
    e = engine(SPLIT_INS, SPLIT_OUTS, clock=counting_clock(), deadline=20, split_examples=0)
    assert e.run() is None and e.stopped == "time"


def test_a_condition_that_many_partitions_share_is_no_evidence():
    # 15 of the 492 ways to divide the nine examples (2 to 7 on a side) are matched by a
    # condition as cheap as (is_even (head x)): a 3% chance, under the default 10%.
    e = engine(SPLIT_INS, SPLIT_OUTS, clock=counting_clock(), deadline=20, split_examples=2, split_chance=0.02)
    assert e.run() is None and e.stopped == "time"
    # Five examples: 20 ways, and cheap conditions match half of them (a coincidence).
    e = engine(SPLIT_INS[:5], SPLIT_OUTS[:5], clock=counting_clock(), deadline=20, split_examples=2)
    assert e.run() is None and e.stopped == "time" and len(e._conditions) >= 10


def test_a_split_needs_enough_examples_on_each_side_and_loses_to_a_cheaper_program():
    # One odd head among six: the sorted side would rest on a single example.
    ins = [[2, 9, 1], [4, 3, 5, 1], [6, 1, 2], [8, 3, 2], [5, 2, 7, 1], [0, 4, 6], [8, 5, 3, 9], [2, 6, 0],
           [4, 0, 4, 2]]
    outs = [xs[::-1] if xs[0] % 2 == 0 else sorted(xs) for xs in ins]
    e = engine(ins, outs, clock=counting_clock(), deadline=20, split_examples=2, split_chance=1.0)
    assert e.run() is None and e.stopped == "time"
    e = engine(ins, outs, clock=counting_clock(), deadline=20, split_examples=1, split_chance=1.0)
    assert e.run() is not None and e.stopped == "split"
    # A program that fits every example is never passed over for a costlier split.
    e = engine(SPLIT_INS, [xs[::-1] for xs in SPLIT_INS], split_examples=2)
    assert sexpr(e.run()) == "(reverse x)" and e.stopped == "solved"


def test_the_value_searcher_sends_the_split_setting_and_returns_the_split(searcher):
    task = lists_task(list(zip(SPLIT_INS, SPLIT_OUTS)))
    assert searcher.job(task, 1.0, "d")["split_examples"] == 2 and searcher.job(task, 1.0, "d")["split_chance"] == 0.1
    res = searcher.search(task)
    assert res.stopped == "solved" and res.sexpr.startswith("(if ")
    # Both workers split at the deadline: the full grammar's split does not stop the other.
    ends = [w.get("stopped") or w.get("status") for w in res.workers]
    assert ends[0] == "split" and ends[1] in ("split", "solved"), ends


def test_primitive_errors_and_oversized_values_give_no_value():
    e = engine([[], [1]], [[0], [0]])
    # head of an empty list raises: no term with head of x is kept; huge values are dropped.
    e.clock, e.deadline = counting_clock(), 10
    e.run()
    texts = {sexpr(t) for t in e.terms()}
    assert "(head x)" not in texts
    assert e.bounds.ok(list(range(10))) and not e.bounds.ok(list(range(10_000))) and not e.bounds.ok(10**12)


def lists_task(pairs, test=()):
    return Task("t", [Example((i,), o) for i, o in pairs], [Example((i,), o) for i, o in test],
                domain="lists", types={"x": "list[int]"})


@pytest.fixture(scope="module")
def searcher():
    s = ValueSearcher(seconds=4.0, memory_mb=300, bank_mb=32)
    yield s
    s.close()


def test_a_found_program_is_verified_again(searcher, plugins, sandbox):
    task = lists_task([([1, 2, 3], [2, 4, 6]), ([5, 0], [10, 0]), ([4], [8])], test=[([7, 1], [14, 2])])
    res = searcher.search(task)
    assert res.stopped == "solved" and res.sexpr and res.program.startswith("def f(x):")
    assert parse(res.sexpr, PRIMS)  # the canonical text parses back
    assert res.evaluated > 0 and len(res.workers) == 2
    check = Verifier(sandbox, plugins).check(task, [res.program], test=True)[0]
    assert check and check.test_solved


def test_a_task_outside_the_dsls_is_left_alone(searcher):
    task = Task("s", [Example((1.5,), 3.0)], domain="generic")
    assert searcher.search(task).stopped == "no-dsl"


LIBRARY = '''
def drop_ends(xs: list[int]) -> list[int]:
    """xs without its first and last elements."""
    return xs[1:-1]


def stall(xs: list[int]) -> list[int]:
    """A hostile library function: loops for ever."""
    while True:
        pass
'''


def test_library_functions_enter_the_search_as_typed_primitives(tmp_path):
    from inductor.sandbox import Prelude
    from inductor.search import Component

    (tmp_path / "learned.py").write_text(LIBRARY)
    lib = Prelude("learned", str(tmp_path / "learned.py"))
    comps = [Component("drop_ends", ("list[int]",), "list[int]", library=True)]
    # (sort (drop_ends x)) is one call cheaper than the same through tail/reverse.
    task = lists_task([([5, 3, 9, 1, 0], [1, 3, 9]), ([7, 8, 2, 6], [2, 8]), ([4, 4, 1, 2, 3, 0], [1, 2, 3, 4])])
    s = ValueSearcher(seconds=3.0, memory_mb=300, bank_mb=32)
    try:
        res = s.search(task, comps, preludes=[lib])
        assert res.stopped == "solved" and "drop_ends" in res.sexpr and "drop_ends(" in res.program
        # A library function that never returns is killed with its worker: a verdict, and the
        # searcher goes on with the next task.
        bad = [Component("stall", ("list[int]",), "list[int]", library=True)]
        stalled = s.search(lists_task([([1, 2, 3], [3, 1, 2]), ([5, 6], [6, 5])]), bad, preludes=[lib])
        assert stalled.program is None and stalled.stopped == "timeout"
        again = s.search(lists_task([([1, 2], [2, 1]), ([3, 4, 5], [5, 4, 3])]))
        assert again.stopped == "solved" and again.sexpr == "(reverse x)"
    finally:
        s.close()


def test_a_passed_deadline_runs_nothing(searcher):
    import time

    task = lists_task([([1], [1])])
    res = searcher.search(task, deadline=time.perf_counter() - 1)
    assert res.stopped == "time" and res.evaluated == 0


HOSTILE = '''
from inductor.dsl.core import INT, Primitive, list_of

LI = list_of(INT)


def _spin(n):
    return sum(range(10 ** 13)) + n  # a loop in C: only a kill from outside ends it


def _hog(n):
    hoard = []
    while True:
        hoard.append(bytearray(1 << 28))  # fails at once under the memory limit


PRIMITIVES = [
    Primitive("{name}", (INT,), INT, {fn}, "{{n}} made hostile", "{{0}}", ("n",)),
    Primitive("tail", (LI,), LI, lambda xs: xs[1:], "{{xs}} without its first element", "{{0}}[1:]", ("xs",)),
    Primitive("reverse", (LI,), LI, lambda xs: xs[::-1], "{{xs}} reversed", "{{0}}[::-1]", ("xs",)),
    Primitive("cons", (INT, LI), LI, lambda v, xs: (v, *xs), "{{v}} then {{xs}}", "[{{0}}, *{{1}}]", ("v", "xs")),
]
'''


@pytest.mark.parametrize("kind", ["spin", "hog"])
def test_a_hostile_primitive_is_contained_and_the_run_goes_on(kind, tmp_path, monkeypatch):
    (tmp_path / f"hostile_{kind}.py").write_text(textwrap.dedent(HOSTILE.format(name=kind, fn=f"_{kind}")))
    monkeypatch.syspath_prepend(str(tmp_path))
    s = ValueSearcher(seconds=1.5, memory_mb=200, dsls={"lists": f"hostile_{kind}", "plain": "inductor_plugins.lists.dsl"})
    try:
        task = lists_task([([1, 2, 3], [9, 3, 2]), ([5, 4], [9, 4])])
        res = s.search(task)
        if kind == "spin":
            # Killed from outside at the deadline: a verdict, no program.
            assert res.program is None and res.stopped == "timeout"
        else:
            # Each allocation failure is "no value" for that term; the search goes on and finds it.
            assert res.stopped == "solved" and res.sexpr == "(cons 9 (reverse (tail x)))"
        again = s.search(Task("u", [Example(([1, 2],), [2, 1]), Example(([3, 4, 5],), [5, 4, 3])], domain="plain"))
        assert again.stopped == "solved" and again.sexpr == "(reverse x)"
    finally:
        s.close()


def test_the_value_searcher_is_registered(plugins):
    factories = plugins.searchers()
    assert {"enumerate", "value"} <= set(factories)
    s = factories["value"](None, Settings().search)
    assert isinstance(s, ValueSearcher) and s.seconds == Settings().search.seconds


def test_constants_come_from_the_examples():
    ins = [([1, 2],), ([3],), ([4, 4],)]
    outs = [[9, 1, 2], [9, 3], [44, 4]]
    consts = example_constants(ins, outs)
    weights = {repr(c.value): c.weight for c in consts[:11]}
    # Small ints always, the smaller the likelier.
    assert weights["0"] == 1 and weights["1"] == 0.5 and weights["9"] < weights["3"] < weights["2"]
    assert Const(9) in consts[11:]  # also introduced: in two outputs, in no input
    assert all(c.value != 44 for c in consts)  # in one output only
    ins2 = [([1, 2],), ([3],), ([4, 4],)]
    outs2 = [[19, 1, 2], [19, 3], [19, 4]]
    weights = {repr(c.value): c.weight for c in example_constants(ins2, outs2)}
    assert weights["19"] == 1  # in every output, in no input: the program introduces it
    assert weights["[19]"] == 1  # the prefix every output shares
    # The outputs' common length, and a whole output that repeats.
    weights = {repr(c.value): c.weight for c in example_constants([([1],), ([2],)], [[7, 5], [7, 5]])}
    assert weights["2"] == 1 and weights["[7, 5]"] == 1


def test_the_first_order_worker_is_stopped_once_the_full_grammar_has_a_program():
    # (reverse (map (lam (+ $0 1)) x)) needs a lambda: only the full-grammar worker finds it,
    # and the first-order worker, which would search to the deadline, is stopped then.
    task = lists_task([([1, 2, 3], [4, 3, 2]), ([5, 0], [1, 6]), ([4], [5])])
    s = ValueSearcher(seconds=120.0, memory_mb=300, bank_mb=32)
    try:
        for _ in range(2):  # again on the restarted worker
            res = s.search(task)
            assert res.stopped == "solved" and "lam" in res.sexpr
            assert [w.get("stopped") or w.get("status") for w in res.workers] == ["solved", "stopped"]
    finally:
        s.close()


def test_an_abstraction_enters_the_search_by_its_body_and_is_rendered_as_a_call_of_its_name():
    from inductor.dsl.bottomup import abstraction_primitive, run_job
    from inductor_plugins.lists import dsl as lists

    # No Python of the library in the namespace: the engine evaluates the body from the DSL.
    job = {"dsl": lists.__name__, "params": ["x"], "inputs": [[[3, 1, 2]], [[5, 0, 7, 4]], [[9, 8]]],
           "outputs": [[1, 2], [0, 4], [8, 9]], "param_types": ["list[int]"], "seconds": 5.0,
           "weights": {"sorted_prefix": 50.0},
           "library": [["sorted_prefix", ["int", "list[int]"], "list[int]", "(take arg0_ (sort arg1_))"]]}
    out = run_job(job, namespace={})
    assert out["sexpr"] == "(sorted_prefix 2 x)" and "sorted_prefix(2, x)" in out["python"]
    prim = abstraction_primitive("sorted_prefix", ["int", "list[int]"], "list[int]", "(take arg0_ (sort arg1_))",
                                 lists.PRIMITIVES)
    assert prim.fn(2, (5, 1, 3)) == (1, 3)
    # a later abstraction's body calls an earlier one by its function name
    layered = abstraction_primitive("two_smallest", ["list[int]"], "list[int]", "(sorted_prefix 2 arg0_)",
                                    [*lists.PRIMITIVES, prim])
    assert layered.fn((4, 9, 1)) == (1, 4)
    # a body that does not parse (an old library naming fn_1) falls back to the opaque function
    assert abstraction_primitive("old", ["list[int]"], "list[int]", "(fn_1 arg0_)", lists.PRIMITIVES) is None
    job["library"] = [["old", ["list[int]"], "list[int]", "(fn_1 arg0_)"]]
    job["outputs"], job["weights"] = [[21, 7, 14], [35, 0, 49, 28], [63, 56]], {"old": 50.0}
    out = run_job(job, namespace={"old": lambda xs: [v * 7 for v in xs]})
    assert out["sexpr"] == "(old x)"  # entered as the opaque Python function


# --- other readings of the train examples ----------------------------------------------------

# On these train lists the head is also the minimum; on the probe it is not.
HEAD_INS, PROBE = [[1, 5, 3], [2, 9, 4], [0, 7], [3, 8, 6]], [[5, 1, 2]]


def test_probes_keep_apart_the_readings_the_train_examples_leave_open():
    outs = [xs[0] for xs in HEAD_INS]
    plain = engine(HEAD_INS, outs)
    found = plain.run()
    assert plain.stopped == "solved" and sexpr(found) in ("(head x)", "(min x)")
    # Without the probe the bank holds one term per train behaviour: no second reading.
    again = engine(HEAD_INS, outs)
    fits, complete = again.readings(found.cost + 8)
    assert complete and len(fits) == 1
    probed = engine(HEAD_INS, outs, probes=[(xs,) for xs in PROBE])
    assert sexpr(probed.run()) == sexpr(found)  # the probes change nothing of what fits train
    probed = engine(HEAD_INS, outs, probes=[(xs,) for xs in PROBE])
    fits, complete = probed.readings(found.cost + 8)
    on_probe = {values for _, _, values in fits}
    assert complete and (5,) in on_probe and (1,) in on_probe  # head and min are told apart
    assert [level for level, _, _ in fits] == sorted(level for level, _, _ in fits)


def test_readings_stop_at_the_deadline_and_say_so():
    outs = [xs[0] for xs in HEAD_INS]
    e = engine(HEAD_INS, outs, probes=[(xs,) for xs in PROBE], clock=counting_clock(), deadline=3)
    fits, complete = e.readings(400, limit=10**6)
    assert not complete


def test_a_split_s_other_readings_are_its_conditions_and_branches_with_the_same_train_fit():
    from inductor.dsl.bottomup import UNIT, _split_fits
    from inductor.dsl.core import evaluate

    e = engine(SPLIT_INS, SPLIT_OUTS, clock=counting_clock(), deadline=20, split_examples=2)
    found = e.run()
    assert e.stopped == "split" and sexpr(found) == "(if (is_even (head x)) (reverse x) (sort x))"
    assert found.cost == e._if_cost() + sum(e.split_parts)
    # On every train list the second element is odd exactly when the head is even; not on [3, 1, 2].
    probes = [[3, 1, 2], [4, 4, 4, 1]]
    probed = engine(SPLIT_INS, SPLIT_OUTS, probes=[(xs,) for xs in probes])
    fits, complete = _split_fits(probed, found, e.split_parts, 6 * UNIT, PRIMS, ["x"])
    assert complete and [c for c, _, _ in fits] == sorted(c for c, _, _ in fits)
    texts = {}
    for cost, node, values in fits:
        term = probed.term(node, cost)
        assert found.cost <= cost <= found.cost + 6 * UNIT
        assert [evaluate(term, PRIMS, ["x"], [xs]) for xs in SPLIT_INS] == SPLIT_OUTS  # each fits train
        assert list(values) == [tuple(evaluate(term, PRIMS, ["x"], [xs])) for xs in probes]
        texts[sexpr(term)] = values
    assert texts[sexpr(found)] == ((1, 2, 3), (1, 4, 4, 4))
    assert texts["(if (is_odd (head (tail x))) (reverse x) (sort x))"] == ((2, 1, 3), (1, 4, 4, 4))
    assert texts["(if (is_even (head x)) (reverse (unique x)) (sort x))"][1] == (1, 4)  # a branch's reading
    # Within 1 bit, the split is the only one.
    assert len(_split_fits(engine(SPLIT_INS, SPLIT_OUTS, probes=[(xs,) for xs in probes]), found, e.split_parts,
                           UNIT, PRIMS, ["x"])[0]) == 1


def test_a_held_split_ends_the_enumeration_early_by_its_reserve():
    plain = engine(SPLIT_INS, SPLIT_OUTS, clock=counting_clock(), deadline=20, split_examples=2)
    reserved = engine(SPLIT_INS, SPLIT_OUTS, clock=counting_clock(), deadline=20, split_examples=2, split_reserve=8)
    assert sexpr(plain.run()) == sexpr(reserved.run()) and plain.stopped == reserved.stopped == "split"
    assert reserved.deadline == 12 and reserved.evaluated < plain.evaluated
    # Without a split the whole budget is the enumeration's.
    e = engine(SPLIT_INS, SPLIT_OUTS, clock=counting_clock(), deadline=20, split_reserve=8)
    assert e.run() is None and e.deadline == 20


def test_run_job_looks_for_a_split_s_readings_in_the_time_it_kept_back():
    from inductor.dsl.bottomup import SPLIT_RESERVE_SHARE, _split_reserve, run_job

    job = {"dsl": "inductor_plugins.lists.dsl", "params": ["x"], "inputs": [[xs] for xs in SPLIT_INS],
           "outputs": SPLIT_OUTS, "param_types": None, "seconds": 2.0, "memory_mb": 200, "weights": {},
           "split_examples": 2, "probes": [[[3, 1, 2]], [[4, 4, 4, 1]]], "ambiguity_bits": 6.0,
           "ambiguity_seconds": 10.0}
    out = run_job(job)
    assert out["stopped"] == "split" and out["sexpr"] == "(if (is_even (head x)) (reverse x) (sort x))"
    # The time kept back is the smaller of ambiguity_seconds and the share (the clock itself is
    # a fake in test_a_held_split_ends_the_enumeration_early_by_its_reserve).
    assert _split_reserve(job) == SPLIT_RESERVE_SHARE * 2.0 and _split_reserve(dict(job, ambiguity_seconds=0.1)) == 0.1
    assert 0 < out["readings_seconds"] < out["seconds"]
    readings = out["readings"]
    assert readings[0]["sexpr"] == out["sexpr"] and out["readings_complete"]
    assert {"(if (is_odd (head (tail x))) (reverse x) (sort x))": [[2, 1, 3], [1, 4, 4, 4]]}.items() <= \
        {r["sexpr"]: r["outputs"] for r in readings}.items()
    # Not looked for: nothing is kept back, and nothing is known.
    assert _split_reserve(dict(job, ambiguity_bits=0)) == 0 and _split_reserve(dict(job, probes=[])) == 0
    out = run_job(dict(job, ambiguity_bits=0))
    assert out["stopped"] == "split" and "readings" not in out


def test_run_job_returns_the_chosen_reading_first_then_the_others():
    from inductor.dsl.bottomup import run_job

    job = {"dsl": "inductor_plugins.lists.dsl", "params": ["x"], "inputs": [[xs] for xs in HEAD_INS],
           "outputs": [xs[0] for xs in HEAD_INS], "param_types": None, "seconds": 20.0, "memory_mb": 200,
           "weights": {}, "probes": [[xs] for xs in PROBE], "ambiguity_bits": 1.0, "ambiguity_seconds": 10.0}
    out = run_job(job)
    readings = out["readings"]
    assert out["readings_complete"] and readings[0]["sexpr"] == out["sexpr"] and len(readings) >= 2
    assert out["evaluated"] >= out["readings_evaluated"] > 0 and 0 < out["readings_seconds"] < out["seconds"]
    assert readings[0]["outputs"] in ([5], [1]) and all(r["outputs"] != readings[0]["outputs"] for r in readings[1:])
    assert {tuple(r["outputs"]) for r in readings} >= {(5,), (1,)}
    assert all(r["cost"] <= out["cost"] + 1.0 for r in readings)
    assert readings[1]["python"].startswith("def f(x):")
    # Off: no readings looked for.
    assert "readings" not in run_job(dict(job, ambiguity_bits=0))
    # A train set that leaves one reading: nothing else within the bound.
    rev = dict(job, inputs=[[[3, 1, 2]], [[5, 4, 9, 9]], [[7]]], outputs=[[2, 1, 3], [9, 9, 4, 5], [7]],
               probes=[[[1, 2]]])
    out = run_job(rev)
    assert out["sexpr"] == "(reverse x)" and out["readings_complete"] and len(out["readings"]) == 1


def test_the_value_searcher_reports_whether_a_fit_is_ambiguous(searcher):
    head = lists_task([(xs, xs[0]) for xs in HEAD_INS], test=[(xs, xs[0]) for xs in PROBE])
    job = searcher.job(head, 1.0, "d")
    assert job["probes"] == [[xs] for xs in PROBE] and job["ambiguity_bits"] == searcher.ambiguity_bits > 0
    res = searcher.search(head)
    assert res.stopped == "solved" and res.ambiguous is True and len(res.readings) >= 2
    assert res.readings[0]["sexpr"] == res.sexpr and 0 < res.readings_seconds < res.seconds
    # No test inputs: nothing to tell readings apart by, so it is not known.
    assert searcher.search(lists_task([(xs, xs[0]) for xs in HEAD_INS])).ambiguous is None
    rev = lists_task([([3, 1, 2], [2, 1, 3]), ([5, 4, 9, 9], [9, 9, 4, 5]), ([7], [7])], test=[([1, 2], [2, 1])])
    res = searcher.search(rev)
    assert res.sexpr == "(reverse x)" and res.ambiguous is False and len(res.readings) == 1
