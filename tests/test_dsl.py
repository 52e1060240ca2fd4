"""The typed λ-DSL: types, s-expressions, the Python rendering and the lists primitives."""

from __future__ import annotations

import re

import pytest

from inductor.domain import primitives_namespace
from inductor.dsl.core import (
    BOOL,
    INT,
    DSLTypeError,
    app,
    const,
    evaluate,
    fn_of,
    infer,
    lam,
    list_of,
    match,
    parse,
    program,
    python,
    sexpr,
    type_text,
    var,
)
from inductor_plugins.lists.dsl import PRIMITIVES

PRIMS = {p.name: p for p in PRIMITIVES}
LI = list_of(INT)

PROGRAMS = [
    "x",
    "(map (lam (+ $0 1)) x)",
    "(filter (lam (is_even $0)) (reverse x))",
    "(fold x 0 (lam (lam (+ $1 $0))))",
    "(zip_with (lam (lam (* $1 $0))) x (tail x))",
    "(sort_by (lam (- 0 $0)) x)",
    "(count (lam (and (> $0 2) (is_prime $0))) x)",
    "(if (any (lam (== $0 3)) x) (cons 7 x) (append x (length x)))",
    "(concat (take 2 x) (drop (% (sum x) 3) (unique x)))",
    "(map (lam (index $0 x)) (range (length x)))",
    "(repeat (max x) (min x))",
    "(cons [1,2] (map (lam (repeat $0 2)) x))",
    "(set_at 3 9 x)",
    "(swap 1 3 x)",
    "(rotate (- 0 1) (rotate 3 x))",
]


@pytest.mark.parametrize("text", PROGRAMS)
def test_s_expressions_round_trip_and_type_check(text):
    term = parse(text, PRIMS)
    assert sexpr(term) == text
    assert sexpr(parse(sexpr(term), PRIMS)) == text
    infer(term, PRIMS, {"x": LI})  # raises when ill-typed


@pytest.mark.parametrize("text", PROGRAMS)
def test_the_python_rendering_computes_what_the_term_does(text):
    term = parse(text, PRIMS)
    source = program(term, PRIMS, "f", ["x"])
    ns: dict = dict(primitives_namespace("lists"))  # a verified program's globals: the domain's primitives
    exec(source, ns)  # our own rendering, not untrusted code
    for xs in ([3, 1, 4, 1, 5], [2, 7], [6, 6, 3, 0]):
        assert ns["f"](list(xs)) == evaluate(term, PRIMS, ["x"], [list(xs)]), source


@pytest.mark.parametrize(("text", "xs", "out"), [
    ("(set_at 1 8 x)", [9, 1, 7], [9, 8, 7]),
    ("(set_at 1 8 x)", [0], [0]),  # no element at 1 to replace
    ("(swap 0 2 x)", [1, 2, 3, 4], [3, 2, 1, 4]),
    ("(swap 0 2 x)", [1, 2], [1, 2]),
    ("(rotate 1 x)", [1, 2, 3], [2, 3, 1]),
    ("(rotate 1 x)", [], []),
])
def test_positional_edits_past_the_end_change_nothing(text, xs, out):
    term = parse(text, PRIMS)
    ns: dict = dict(primitives_namespace("lists"))  # a verified program's globals
    exec(program(term, PRIMS, "f", ["x"]), ns)
    assert evaluate(term, PRIMS, ["x"], [list(xs)]) == out == ns["f"](list(xs))


def test_swap_takes_each_pair_once():
    for text in ("(swap 2 1 x)", "(swap 1 1 x)"):  # the search never builds these: they have no value
        with pytest.raises(IndexError):
            evaluate(parse(text, PRIMS), PRIMS, ["x"], [[1, 2, 3]])


def test_python_reads_like_python():
    assert python(parse("(map (lam (+ $0 1)) x)", PRIMS), PRIMS) == "[(v + 1) for v in x]"
    assert python(parse("(filter (lam (> $0 2)) x)", PRIMS), PRIMS) == "[v for v in x if (v > 2)]"
    assert "functools.reduce(" in program(parse("(fold x 0 (lam (lam (+ $1 $0))))", PRIMS), PRIMS, "f", ["x"])
    # A literal position is folded into the template's arithmetic; an expression is not.
    assert python(parse("(remove_at 2 x)", PRIMS), PRIMS) == "(x[:2] + x[3:])"
    assert python(parse("(remove_at (head x) x)", PRIMS), PRIMS) == "(x[:x[0]] + x[x[0] + 1:])"
    assert python(parse("(set_at 1 8 x)", PRIMS), PRIMS) == "replace_at(x, 1, 8)"


def test_constants_are_single_atoms():
    term = app(PRIMS["cons"], const("a (b)", "str"), const(["x y"], list_of("str")))
    text = sexpr(term)
    assert text == '(cons "a\\u0020\\u0028b\\u0029" ["x\\u0020y"])'
    back = parse(text, PRIMS)
    assert back.args[0].head == "a (b)" and back.args[1].head == ["x y"]
    assert sexpr(parse("(cons true [])", PRIMS)) == "(cons true [])"


@pytest.mark.parametrize("bad", ["(map x)", "(+ 1", "(+ 1 2) 3", "(nope x)", "(lam)", ")"])
def test_malformed_text_is_refused(bad):
    with pytest.raises(ValueError):
        parse(bad, PRIMS)


@pytest.mark.parametrize("text", [
    "(+ x 1)",                       # a list where an int is expected
    "(map (lam (+ $0 1)) 3)",        # map over an int
    "(filter (lam (+ $0 1)) x)",     # a predicate that gives an int
    "(if (is_even 2) x 1)",          # branches of different types
    "(map (+ 1 2) x)",               # a non-function where a function is expected
    "(+ $0 1)",                      # a lambda variable outside any lambda
    "(fold x 0 (lam (+ $0 1)))",     # a one-parameter lambda where two are expected
])
def test_ill_typed_terms_are_refused(text):
    with pytest.raises(DSLTypeError):
        infer(parse(text, PRIMS), PRIMS, {"x": LI})


def test_ill_typed_applications_are_not_built():
    xs, one = var("x", LI), const(1)
    assert app(PRIMS["+"], one, one).type == INT
    assert app(PRIMS["head"], xs).type == INT
    with pytest.raises(DSLTypeError):
        app(PRIMS["+"], one, xs)
    with pytest.raises(DSLTypeError):
        app(PRIMS["cons"], const(True), xs)  # polymorphic, but t0 cannot be both bool and int
    body = app(PRIMS["is_even"], const(2))
    assert app(PRIMS["filter"], lam(body, [INT]), xs).type == LI
    with pytest.raises(DSLTypeError):
        app(PRIMS["map"], lam(body, [BOOL]), xs)


def test_polymorphic_types_unify():
    assert match(list_of("t0"), list_of(LI), {}) == {"t0": LI}
    assert match(fn_of(["t0"], "t1"), fn_of([INT], BOOL), {"t0": INT}) == {"t0": INT, "t1": BOOL}
    assert match(list_of("t0"), LI, {"t0": BOOL}) is None
    assert type_text(fn_of([INT, LI], BOOL)) == "(int, list[int]) -> bool"


def test_every_primitive_has_a_phrase_over_its_arguments():
    assert len(PRIMS) == len(PRIMITIVES) >= 40
    for p in PRIMITIVES:
        assert set(re.findall(r"\{(\w+)\}", p.phrase)) == set(p.arg_names), p.name
        assert len(p.arg_names) == len(p.params), p.name


class _Ticks:
    """A clock that advances one tick per reading: the engine's budget in checks, not seconds."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> float:
        self.now += 1
        return float(self.now)


def _namespace(module_names):
    import functools
    import importlib

    ns = {"functools": functools}
    for name in module_names:
        mod = importlib.import_module(name)
        ns.update({k: getattr(mod, k) for k in getattr(mod, "__all__", ())})
    return ns


#: A DSL, the inputs, and the modules the verifier gives its programs (the domain's primitives).
CASES = {
    "lists-a": ("inductor_plugins.lists.dsl", [[2, 2, 2, 8], [5, 7, 5, 7, 5], [0, 5], [9, 1, 4, 3]],
                ("inductor_plugins.lists.primitives",)),
    "lists-b": ("inductor_plugins.lists.dsl", [[3, 0, 6], [1], [4, 4, 8, 2, 7], [6, 1, 2]],
                ("inductor_plugins.lists.primitives",)),
    "strings": ("inductor_plugins.strings.dsl", ["John Smith", "(555) 123-4567", "2023-07-04", "a-b c"],
                ("inductor_plugins.strings.primitives",)),
    "grids": ("inductor_plugins.grids.dsl", [[[0, 1], [1, 0]], [[2, 0, 0], [0, 0, 3]], [[5]]],
              ("inductor_plugins.grids.primitives",)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_term_the_search_keeps_renders_to_python_that_agrees(case):
    """The verifier checks the Python rendering: it must compute, on every input, the values the
    engine kept the term for (a template spliced into another without parentheses, or a value
    hashable only in its frozen form, breaks this)."""
    import importlib

    from inductor.dsl.bottomup import Engine, example_constants
    from inductor.dsl.core import freeze

    module_name, inputs, given = CASES[case]
    dsl = importlib.import_module(module_name)
    prims = {p.name: p for p in dsl.PRIMITIVES}
    ns = _namespace(given)
    rows = [[x] for x in inputs]
    outputs = [[900 + i] * (i + 1) for i in range(len(inputs))]  # never found: the engine fills its bank
    consts = example_constants(rows, outputs)
    if hasattr(dsl, "constants"):
        consts += list(dsl.constants([tuple(freeze(v) for v in r) for r in rows], [freeze(o) for o in outputs]))
    engine = Engine(dsl.PRIMITIVES, ["x"], rows, outputs, constants=consts, clock=_Ticks(), deadline=60,
                    aliases=getattr(dsl, "ALIASES", None))
    engine.run()
    checked = 0
    for by_cost in engine.bank.entries.values():
        for cost, entries in by_cost.items():
            for values, node, *_ in entries:
                term = engine.term(node, cost)
                fn = eval(f"lambda x: {python(term, prims)}", dict(ns))  # noqa: S307 (our own rendering)
                for (x,), v in zip(rows, values):
                    assert freeze(fn(freeze_free(x))) == v, sexpr(term)
                checked += 1
    assert checked > 500


def freeze_free(x):
    """A fresh plain copy of an example value (a program must not see another's mutation)."""
    import copy

    return copy.deepcopy(x)
