"""The strings λ-DSL: each implementation agrees with its Python rendering, and the engine
finds FlashFill-style programs with it."""

from __future__ import annotations

import random
import time

import pytest

from inductor.dsl import bottomup
from inductor.dsl.core import (
    BOOL,
    INT,
    STR,
    app,
    evaluate,
    freeze,
    list_of,
    parse,
    python,
    thaw,
    var,
)
from inductor_plugins.strings import dsl
from inductor_plugins.strings import primitives as P

PRIMS = {p.name: p for p in dsl.PRIMITIVES}
GLOBALS = {name: getattr(P, name) for name in P.__all__}
LS = list_of(STR)

TEXTS = ["", "a", "Hello World", "  padded  ", "john.smith@example.com", "(555) 123-4567", "2023-07-04",
         "Dr. Jane Doe", "x1y22z333", "CamelCaseWord", "one, two, three", "A-B-C", "42", "ünïcode wörds"]
SEPS = ["", " ", ",", "-", ".", "@", ", ", "x"]
INTS = [0, 1, 2, 3, -1, -2, 5, 40]


def _arguments(prim, rng: random.Random, count: int):
    pools = {STR: TEXTS + SEPS, INT: INTS, BOOL: [True, False], LS: [("a", "b"), (), ("Hello", "World", "x")]}
    for _ in range(count):
        args = []
        for t in prim.params:
            if isinstance(t, tuple) and t[0] == "fn":
                args.append(rng.choice([str.upper, lambda s: s[:1], lambda s: s + "!"]))
            else:
                args.append(rng.choice(pools[t]))
        yield tuple(args)


@pytest.mark.parametrize("name", sorted(n for n, p in PRIMS.items() if not p.higher_order))
def test_implementation_agrees_with_its_python(name):
    prim = PRIMS[name]
    rng = random.Random(name)
    names = [f"a{i}" for i in range(len(prim.params))]
    expr = python(app(prim, *[var(n, t) for n, t in zip(names, prim.params)]), PRIMS, names)
    agreed = 0
    for args in _arguments(prim, rng, 200):
        try:
            got = prim.fn(*[freeze(a) for a in args])
        except Exception:
            continue  # no value: the engine drops the term
        want = eval(expr, dict(GLOBALS), dict(zip(names, [thaw(a) for a in args])))  # noqa: S307 (our template)
        assert thaw(got) == want, f"{name}{args}: python {want!r} != engine {got!r}"
        agreed += 1
    assert agreed >= 5, f"{name} gave a value on only {agreed} samples"


def test_map_over_words_renders_as_a_comprehension():
    t = parse(r'(join (map (lam (upper $0)) (words s)) "\u0020")', PRIMS)  # a space, escaped in the atom
    text = python(t, PRIMS, ["s"])
    assert "for" in text and ".upper()" in text and ".split()" in text
    assert evaluate(t, PRIMS, ["s"], ["ab cd"]) == eval(text, dict(GLOBALS), {"s": "ab cd"}) == "AB CD"  # noqa: S307


def test_constants_are_the_texts_a_program_must_introduce():
    ins = [("John Smith",), ("Jane Doe",), ("Al Bundy",)]
    outs = ["Smith, John", "Doe, Jane", "Bundy, Al"]
    found = dsl.constants(ins, outs)
    assert ", " in found or "," in found
    assert "John" not in found  # in an input: the program copies it


def _solve(inputs, outputs, seconds=10.0):
    ins = [(i,) for i in inputs]
    consts = bottomup.example_constants(ins, outputs) + dsl.constants(ins, outputs)
    e = bottomup.Engine(dsl.PRIMITIVES, ["s"], ins, outputs, constants=consts, deadline=time.monotonic() + seconds,
                        memory_mb=2000)
    return e, e.run()


@pytest.mark.parametrize("inputs, outputs, held_out", [
    (["John Smith", "Jane Doe", "Al Bundy"], ["J. Smith", "J. Doe", "A. Bundy"], ("Zoe Brown", "Z. Brown")),
    (["john.smith@example.com", "ann@mail.org", "bo@x.io"], ["john.smith", "ann", "bo"], ("c.d@e.f", "c.d")),
    (["alpha beta", "gamma delta", "x y"], ["beta alpha", "delta gamma", "y x"], ("b a", "a b")),
])
def test_the_engine_finds_flashfill_programs(inputs, outputs, held_out):
    e, found = _solve(inputs, outputs)
    assert found is not None, e.stopped
    assert evaluate(found, PRIMS, ["s"], [held_out[0]]) == held_out[1]
