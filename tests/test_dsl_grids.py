"""The grids domain's λ-DSL: implementations agree with their Python renderings, types and
phrases are sound, values stay immutable and bounded, and the engine finds grid programs."""

from __future__ import annotations

import ast
import copy
import inspect
import random
import string
import sys
import time

import pytest

from inductor.dsl import bottomup
from inductor.dsl.core import (
    BOOL,
    GRID,
    INT,
    app,
    const,
    freeze,
    list_of,
    program,
    python,
    thaw,
    var,
)
from inductor_plugins.grids import dsl
from inductor_plugins.grids import primitives as P

PRIMS = {p.name: p for p in dsl.PRIMITIVES}
GLOBALS = {name: getattr(P, name) for name in P.__all__}
LG = list_of(GRID)

SCENES = [
    [[1]],
    [[0, 0], [0, 0]],
    [[1, 2], [3, 4]],
    [[0, 0, 0, 0], [0, 3, 3, 0], [0, 3, 0, 0], [0, 0, 0, 2]],
    [[1, 0, 2], [0, 0, 0], [2, 0, 1]],
    [[5, 5, 5, 5, 5], [5, 0, 0, 0, 5], [5, 0, 4, 0, 5], [5, 0, 0, 0, 5], [5, 5, 5, 5, 5]],
    [[1, 1, 5, 0, 2], [1, 0, 5, 2, 2], [0, 1, 5, 0, 2]],  # a separator column
    [[1, 2, 1, 2], [3, 4, 3, 4], [1, 2, 1, 2], [3, 4, 0, 4]],  # periodic with a hole
    [[0, 8, 0, 0, 8, 0], [0, 0, 0, 0, 0, 0], [0, 8, 0, 0, 0, 0], [7, 0, 0, 0, 0, 7]],
    [[2, 2, 0, 0, 0], [2, 2, 0, 3, 0], [0, 0, 0, 3, 0], [0, 6, 0, 0, 0], [0, 0, 0, 6, 6]],
]


def _random_grids(n: int, seed: int) -> list[list[list[int]]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        h, w = rng.randint(1, 9), rng.randint(1, 9)
        palette = [0, 0, 0] + rng.sample(range(1, 10), rng.randint(1, 3))
        out.append([[rng.choice(palette) for _ in range(w)] for _ in range(h)])
    return out


GRIDS = SCENES + _random_grids(40, 7)
INTS = [0, 1, 2, 3, 5, -1, 12]


def _arguments(prim, rng: random.Random, count: int):
    """Argument tuples (plain values) for ``prim``: grids, ints and lists of grids."""
    pools = {GRID: GRIDS, INT: INTS, LG: [P.objects(g) or [g] for g in GRIDS] + [[[[1]], [[1]], [[2, 2]]]]}
    for _ in range(count):
        args = [rng.choice(pools[t]) for t in prim.params]
        grids = [i for i, t in enumerate(prim.params) if t == GRID]
        if len(grids) == 2 and rng.random() < 0.7:  # mostly grids of one shape: cell-wise operations
            first = args[grids[0]]
            args[grids[1]] = [[rng.choice([0, 0, 1, 4]) for _ in row] for row in first]
        yield tuple(args)


def _frozen_only(v) -> bool:
    """No list anywhere in an engine value."""
    if type(v) is list:
        return False
    if type(v) is tuple:
        return all(_frozen_only(x) for x in v)
    return type(v) in (int, bool, str)


@pytest.mark.parametrize("name", sorted(PRIMS))
def test_implementation_agrees_with_its_python(name):
    prim = PRIMS[name]
    rng = random.Random(name)
    names = [f"a{i}" for i in range(len(prim.params))]
    expr = python(app(prim, *[var(n, t) for n, t in zip(names, prim.params)]), PRIMS, names)
    agreed = 0
    for args in _arguments(prim, rng, 150):
        frozen = tuple(freeze(a) for a in args)
        try:
            got = prim.fn(*frozen)
        except Exception:
            continue  # no value: the engine drops the term, whatever Python would do
        assert _frozen_only(got), f"{name} returned a list"
        if prim.returns == GRID:
            assert 0 < len(got) <= 30 and all(0 < len(r) == len(got[0]) <= 30 for r in got), name
        plain = copy.deepcopy(args)
        want = eval(expr, dict(GLOBALS), dict(zip(names, plain)))  # noqa: S307 (our own template)
        assert plain == args, f"{name}'s Python changed its arguments"
        assert want == thaw(got), f"{name}{args}: python {want} != engine {thaw(got)}"
        agreed += 1
    assert agreed >= 5, f"{name} gave a value on only {agreed} samples"


def test_phrases_types_and_templates_are_sound():
    allowed = {INT, BOOL, GRID, LG}
    assert len(PRIMS) == len(dsl.PRIMITIVES)
    for p in dsl.PRIMITIVES:
        assert p.returns in allowed and all(t in allowed for t in p.params), p
        assert len(p.arg_names) == len(p.params) and len(set(p.arg_names)) == len(p.arg_names), p
        fields = {f for _, f, _, _ in string.Formatter().parse(p.phrase) if f is not None}
        assert fields and fields <= set(p.arg_names), (p.name, fields)
        slots = {f for _, f, _, _ in string.Formatter().parse(p.py) if f is not None}
        assert slots == {str(i) for i in range(len(p.params))}, (p.name, slots)
        assert not p.higher_order


def test_values_are_immutable_and_never_mutated():
    g = freeze(SCENES[3])
    before = copy.deepcopy(g)
    for p in dsl.PRIMITIVES:
        if p.params == (GRID,):
            try:
                out = p.fn(g)
            except Exception:
                continue
            assert _frozen_only(out), p.name
    assert g == before


def test_bounds_raise_instead_of_huge_grids():
    big = freeze([[1] * 20 for _ in range(20)])
    for name, args in [("scale", (big, 2)), ("hconcat", (big, big)), ("vconcat", (big, big)),
                       ("mirror_h", (big,)), ("kron", (big, big)), ("cell", (12,))]:
        with pytest.raises((ValueError, IndexError)):
            PRIMS[name].fn(*args)
    with pytest.raises(dsl.NoValue):
        PRIMS["crop"].fn(freeze([[0, 0]]))


def test_aliases_constants_and_imports():
    assert dsl.DOMAIN == "grids"
    assert bottomup.engine_type(freeze([[1, 2]]), dsl.ALIASES) == GRID
    assert bottomup.engine_type(freeze([[[1]]]), dsl.ALIASES) == LG
    consts = dsl.constants([(freeze([[0, 6], [6, 1]]),)], [freeze([[2, 2], [2, 0]])])
    assert consts[0] == 2 and set(consts) == {0, 1, 2, 6}
    tree = ast.parse(inspect.getsource(dsl))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name in [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]:
                top = (name or "").split(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__" or name == "inductor.dsl.core", name
    assert "inductor_plugins.grids.primitives" in dsl.REQUIRES


def _solve(inputs, outputs, seconds: float = 60.0):
    consts = bottomup.example_constants(inputs, outputs)
    consts += dsl.constants([tuple(freeze(a) for a in args) for args in inputs], [freeze(o) for o in outputs])
    # A generous limit: the programs below are cheap, so their levels come quickly; a bug
    # fails the test rather than filling the memory.
    engine = bottomup.Engine(dsl.PRIMITIVES, ["x"], inputs, outputs, param_types=[GRID], constants=consts,
                             aliases=dsl.ALIASES, deadline=time.monotonic() + seconds, memory_mb=2000)
    return engine.run()


def _check_program(term, inputs, outputs):
    assert term is not None
    src = program(term, PRIMS, "f", ["x"])
    env = dict(GLOBALS)
    exec(src, env)  # noqa: S102 (a rendered program of our own DSL)
    for args, want in zip(inputs, outputs):
        assert env["f"](*copy.deepcopy(args)) == want, src


SMALL = [
    [[1, 0, 0], [2, 3, 0]],
    [[0, 4], [4, 4], [0, 5]],
    [[6, 6, 0, 1]],
    [[0, 0, 7], [8, 0, 0], [0, 9, 9]],
]


def test_engine_finds_a_flip():
    inputs = [(g,) for g in SMALL]
    outputs = [P.flip_h(g) for g in SMALL]
    term = _solve(inputs, outputs)
    _check_program(term, inputs, outputs)


def test_engine_finds_the_largest_object_cropped():
    scenes = [
        [[0, 1, 0, 0, 0], [0, 1, 0, 2, 0], [0, 0, 0, 2, 0], [3, 0, 0, 2, 2]],
        [[4, 4, 0, 0], [4, 4, 0, 6], [0, 0, 0, 0], [5, 0, 5, 0]],
        [[0, 0, 0], [7, 7, 0], [0, 0, 1]],
    ]
    inputs = [(g,) for g in scenes]
    outputs = [P.crop_to_content(P.largest(P.objects(g))) for g in scenes]
    term = _solve(inputs, outputs)
    _check_program(term, inputs, outputs)
    assert "objects" in repr(term) or "largest" in repr(term)


def test_engine_finds_a_mirror_and_a_mask_of_halves():
    inputs = [(g,) for g in SMALL]
    outputs = [P.vconcat(g, P.flip_v(g)) for g in SMALL]
    _check_program(_solve(inputs, outputs), inputs, outputs)
    halves = [[[1, 0, 5, 1, 1], [0, 0, 5, 0, 1]], [[0, 1, 5, 1, 0], [1, 1, 5, 0, 0]],
              [[1, 1, 5, 1, 1], [0, 1, 5, 1, 0]]]
    inputs = [(g,) for g in halves]
    outputs = [P.cell_and(P.left_half(g), P.right_half(g), 2) for g in halves]
    _check_program(_solve(inputs, outputs), inputs, outputs)


def test_constant_rendering_roundtrips_through_python():
    term = app(PRIMS["recolor"], var("x", GRID), const(6), const(2))
    assert eval(python(term, PRIMS, ["x"]), dict(GLOBALS), {"x": [[6, 1]]}) == [[2, 1]]  # noqa: S307


def _fill_periodic_by_definition(g, background=0):
    """Every tiling in order of area, the first that agrees and covers (the slow definition)."""
    h, w = len(g), len(g[0])
    cells = [(r, c, v) for r, row in enumerate(g) for c, v in enumerate(row) if v != background]
    for ph, pw in sorted(((a, b) for a in range(1, h + 1) for b in range(1, w + 1)), key=lambda p: (p[0] * p[1], p)):
        tile = {}
        if all(tile.setdefault((r % ph, c % pw), v) == v for r, c, v in cells) and len(tile) == ph * pw:
            return [[tile[(r % ph, c % pw)] for c in range(w)] for r in range(h)]
    return [list(row) for row in g]


def test_fill_periodic_tries_only_the_tilings_rows_and_columns_allow_and_finds_the_same():
    rng = random.Random(3)
    periodic = []
    for _ in range(60):  # tiled grids with holes: the fills that matter
        th, tw, h, w = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 12), rng.randint(1, 12)
        tile = [[rng.randint(1, 4) for _ in range(tw)] for _ in range(th)]
        grid = [[tile[r % th][c % tw] for c in range(w)] for r in range(h)]
        for _ in range(rng.randint(0, 6)):
            grid[rng.randrange(h)][rng.randrange(w)] = 0
        periodic.append(grid)
    filled = 0
    for g in GRIDS + periodic:
        got = P.fill_periodic(g)
        assert got == _fill_periodic_by_definition(g), g
        filled += got != g
    assert filled >= 20


@pytest.mark.parametrize("name, diagonal, by_color", [("objects", False, True), ("objects8", True, True),
                                                       ("blobs", True, False)])
def test_object_labelling_by_runs_agrees_with_the_cell_by_cell_primitive(name, diagonal, by_color):
    rng = random.Random(name)
    grids = list(GRIDS)
    for _ in range(150):  # larger and denser than GRIDS: long runs, nested and touching shapes
        h, w = rng.randint(1, 30), rng.randint(1, 30)
        palette = [0] * rng.randint(0, 4) + rng.sample(range(1, 10), rng.randint(1, 4))
        grids.append([[rng.choice(palette) for _ in range(w)] for _ in range(h)])
    for g in grids:
        want = P.objects(g, diagonal=diagonal, by_color=by_color)
        try:
            got = thaw(PRIMS[name].fn(freeze(g)))
        except dsl.NoValue:
            got = []
        assert got == want, g
