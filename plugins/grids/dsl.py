"""The grids (ARC) domain's λ-DSL for the value-level search.

Concepts from the public ARC DSLs (Hodel's arc-dsl, icecuber's transforms), kept few and
composable: symmetries, cropping, halves and separator-split parts, connected objects and
selecting one (largest, smallest, most common, rarest), colour maps, scaling, tiling and
mirroring, gravity, cell-wise masks of two grids, overlays, lines between cells, filling
enclosed areas and interiors, periodic patterns, and colours and counts as ints.

Values inside the engine are immutable: a grid is a tuple of row tuples of ints (type
``grid``), a list of grids a tuple of them (``list[grid]``), colours and counts are ints.
Every implementation here takes and returns those forms, never mutates, and raises where a
term has no value: an empty, ragged or over 30x30 grid, shapes that do not fit, an operation
that would change nothing by definition. The Python template of each primitive calls the
list-based function of the same name in :mod:`inductor_plugins.grids.primitives` (the
globals of every verified program); tests check that both agree. Background is colour 0.

One module, past 500 lines: a domain's λ-DSL is the one module the value search loads into
its workers (``inductor_dsl``), and ARC's concepts are many.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from inductor.dsl.core import GRID, INT, Primitive, list_of

# Through sys.modules: inside the sandbox the primitives arrive as a prelude (REQUIRES), without
# their package.
P = importlib.import_module("inductor_plugins.grids.primitives")

__all__ = ["ALIASES", "DOMAIN", "PRIMITIVES", "REQUIRES", "constants"]

DOMAIN = "grids"
REQUIRES = ("inductor_plugins.grids.primitives",)
#: Engine types of task values: a list of lists of ints is a grid.
ALIASES = {("list", ("list", "int")): GRID}

G, LG = GRID, list_of(GRID)
#: Largest side of a grid the DSL makes (ARC's bound).
MAX_SIDE = 30

Grid = tuple[tuple[int, ...], ...]


class NoValue(ValueError):
    """The term has no value (a grid out of bounds, shapes that do not fit...)."""


def _grid(g: Any) -> Grid:
    """``g`` (rows of any sequence type) as an engine grid; NoValue when empty, ragged or too big."""
    h = len(g)
    if not 0 < h <= MAX_SIDE:
        raise NoValue("grid height out of bounds")
    out = tuple(map(tuple, g))
    w = len(out[0])
    if not 0 < w <= MAX_SIDE:
        raise NoValue("grid width out of bounds")
    for row in out:
        if len(row) != w:
            raise NoValue("ragged grid")
    return out


_RAISED = object()


def _memo(f: Callable[[Any], Any], size: int = 2048) -> Callable[[Any], Any]:
    """``f`` of one (hashable) argument remembering its last ``size`` or so results: the same
    example grid reaches an expensive primitive again and again through different terms."""
    cache: dict[Any, Any] = {}

    def fn(g: Any) -> Any:
        out = cache.get(g)
        if out is None:
            try:
                out = f(g)
            except Exception:
                out = _RAISED
            if len(cache) >= size:
                cache.clear()
            cache[g] = out
        if out is _RAISED:
            raise NoValue(f.__name__)
        return out

    fn.__name__ = f.__name__
    return fn


def _wrap(f: Callable[..., Any]) -> Callable[..., Grid]:
    def fn(*args: Any) -> Grid:
        return _grid(f(*args))

    fn.__name__ = f.__name__
    return fn


# --- shapes ------------------------------------------------------------------------------------

def _rot90(g: Grid) -> Grid:
    return tuple(zip(*g[::-1]))


def _rot180(g: Grid) -> Grid:
    return tuple(row[::-1] for row in g[::-1])


def _rot270(g: Grid) -> Grid:
    return tuple(zip(*g))[::-1]


def _flip_h(g: Grid) -> Grid:
    return tuple(row[::-1] for row in g)


def _flip_v(g: Grid) -> Grid:
    return g[::-1]


def _transpose(g: Grid) -> Grid:
    return tuple(zip(*g))


def _crop(g: Grid) -> Grid:
    rows = [r for r, row in enumerate(g) if any(row)]
    if not rows:
        raise NoValue("nothing to crop to")
    cols = [c for c, col in enumerate(zip(*g)) if any(col)]
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    return tuple(row[left:right] for row in g[top:bottom])


def _trim(g: Grid) -> Grid:
    if len(g) < 3 or len(g[0]) < 3:
        raise NoValue("too small to trim")
    return tuple(row[1:-1] for row in g[1:-1])


def _left_half(g: Grid) -> Grid:
    k = len(g[0]) // 2
    if not k:
        raise NoValue("too narrow")
    return tuple(row[:k] for row in g)


def _right_half(g: Grid) -> Grid:
    w = len(g[0])
    k = w // 2
    if not k:
        raise NoValue("too narrow")
    return tuple(row[w - k:] for row in g)


def _top_half(g: Grid) -> Grid:
    k = len(g) // 2
    if not k:
        raise NoValue("too short")
    return g[:k]


def _bottom_half(g: Grid) -> Grid:
    h = len(g)
    k = h // 2
    if not k:
        raise NoValue("too short")
    return g[h - k:]


def _hconcat(a: Grid, b: Grid) -> Grid:
    if len(a) != len(b) or len(a[0]) + len(b[0]) > MAX_SIDE:
        raise NoValue("shapes do not fit")
    return tuple(x + y for x, y in zip(a, b))


def _vconcat(a: Grid, b: Grid) -> Grid:
    if len(a[0]) != len(b[0]) or len(a) + len(b) > MAX_SIDE:
        raise NoValue("shapes do not fit")
    return a + b


def _mirror_h(g: Grid) -> Grid:
    if 2 * len(g[0]) > MAX_SIDE:
        raise NoValue("too wide")
    return tuple(row + row[::-1] for row in g)


def _mirror_v(g: Grid) -> Grid:
    if 2 * len(g) > MAX_SIDE:
        raise NoValue("too tall")
    return g + g[::-1]


def _scale(g: Grid, k: int) -> Grid:
    if not 2 <= k <= 10 or len(g) * k > MAX_SIDE or len(g[0]) * k > MAX_SIDE:
        raise NoValue("scale out of bounds")
    out = []
    for row in g:
        wide = tuple(v for v in row for _ in range(k))
        out.extend([wide] * k)
    return tuple(out)


def _downscale(g: Grid, k: int) -> Grid:
    if not 2 <= k <= 10 or k > len(g) or k > len(g[0]):
        raise NoValue("scale out of bounds")
    return tuple(row[::k] for row in g[::k])


def _kron(a: Grid, b: Grid) -> Grid:
    if len(a) * len(b) > MAX_SIDE or len(a[0]) * len(b[0]) > MAX_SIDE:
        raise NoValue("too big")
    blank = (0,) * len(b[0])
    return tuple(sum(((rb if v else blank) for v in ra), ()) for ra in a for rb in b)


# --- colours -----------------------------------------------------------------------------------

def _recolor(g: Grid, old: int, new: int) -> Grid:
    return tuple(tuple(new if v == old else v for v in row) if old in row else row for row in g)


def _paint(g: Grid, c: int) -> Grid:
    return tuple(tuple(c if v else 0 for v in row) for row in g)


def _keep_color(g: Grid, c: int) -> Grid:
    return tuple(tuple(v if v == c else 0 for v in row) for row in g)


def _fill_color(g: Grid, c: int) -> Grid:
    return ((c,) * len(g[0]),) * len(g)


def _cell(c: int) -> Grid:
    if not 0 <= c <= 9:
        raise NoValue("not a colour")
    return ((c,),)


def _main_color(g: Grid) -> int:
    counts = [0] * 10
    for row in g:
        for v in row:
            counts[v] += 1
    best = max(counts[1:])
    if not best:
        raise NoValue("no colour")
    return counts.index(best, 1)


def _minor_color(g: Grid) -> int:
    counts = [0] * 10
    for row in g:
        for v in row:
            counts[v] += 1
    present = [n for n in counts[1:] if n]
    if not present:
        raise NoValue("no colour")
    return counts.index(min(present), 1)


def _color_count(g: Grid) -> int:
    return len({v for row in g for v in row} - {0})


# --- two grids ---------------------------------------------------------------------------------

def _same_shape(a: Grid, b: Grid) -> None:
    if len(a) != len(b) or len(a[0]) != len(b[0]):
        raise NoValue("shapes differ")


def _cell_and(a: Grid, b: Grid, c: int) -> Grid:
    _same_shape(a, b)
    return tuple(tuple(c if x and y else 0 for x, y in zip(ra, rb)) for ra, rb in zip(a, b))


def _cell_or(a: Grid, b: Grid, c: int) -> Grid:
    _same_shape(a, b)
    return tuple(tuple(c if x or y else 0 for x, y in zip(ra, rb)) for ra, rb in zip(a, b))


def _cell_xor(a: Grid, b: Grid, c: int) -> Grid:
    _same_shape(a, b)
    return tuple(tuple(c if (not x) != (not y) else 0 for x, y in zip(ra, rb)) for ra, rb in zip(a, b))


def _cell_nor(a: Grid, b: Grid, c: int) -> Grid:
    _same_shape(a, b)
    return tuple(tuple(0 if x or y else c for x, y in zip(ra, rb)) for ra, rb in zip(a, b))


def _overlay(a: Grid, b: Grid) -> Grid:
    _same_shape(a, b)
    return tuple(tuple(y if y else x for x, y in zip(ra, rb)) for ra, rb in zip(a, b))


# --- objects -----------------------------------------------------------------------------------

_STEPS4 = ((-1, 0), (1, 0), (0, -1), (0, 1))
_STEPS8 = _STEPS4 + ((-1, -1), (-1, 1), (1, -1), (1, 1))


_NEIGHBOURS: dict[tuple[int, int, bool], tuple[tuple[int, ...], ...]] = {}


def _neighbours(h: int, w: int, diagonal: bool) -> tuple[tuple[int, ...], ...]:
    """Per cell of an h x w grid (row-major index), the indices of its neighbours."""
    key = (h, w, diagonal)
    found = _NEIGHBOURS.get(key)
    if found is None:
        steps = _STEPS8 if diagonal else _STEPS4
        found = _NEIGHBOURS[key] = tuple(
            tuple((r + dy) * w + c + dx for dy, dx in steps if 0 <= r + dy < h and 0 <= c + dx < w)
            for r in range(h) for c in range(w))
    return found


def _objects_of(g: Grid, diagonal: bool, by_color: bool) -> tuple[Grid, ...]:
    """As :func:`inductor_plugins.grids.primitives.objects` (background 0), on engine grids."""
    h, w = len(g), len(g[0])
    flat = [v for row in g for v in row]
    near = _neighbours(h, w, diagonal)
    seen = [False] * (h * w)
    found = []
    for i, color in enumerate(flat):
        if not color or seen[i]:
            continue
        seen[i] = True
        stack, cells = [i], []
        while stack:
            j = stack.pop()
            cells.append(j)
            for k in near[j]:
                if not seen[k]:
                    v = flat[k]
                    if v and (v == color or not by_color):
                        seen[k] = True
                        stack.append(k)
        ys = [j // w for j in cells]
        xs = [j % w for j in cells]
        top, left = min(ys), min(xs)
        ow = max(xs) - left + 1
        obj = [0] * ((max(ys) - top + 1) * ow)
        for j, y, x in zip(cells, ys, xs):
            obj[(y - top) * ow + x - left] = flat[j]
        found.append(((top, left), tuple(tuple(obj[k:k + ow]) for k in range(0, len(obj), ow))))
    if not found:
        raise NoValue("no objects")
    found.sort(key=lambda t: t[0])
    return tuple(o for _, o in found)


@_memo
def _objects(g: Grid) -> tuple[Grid, ...]:
    return _objects_of(g, False, True)


@_memo
def _objects8(g: Grid) -> tuple[Grid, ...]:
    return _objects_of(g, True, True)


@_memo
def _blobs(g: Grid) -> tuple[Grid, ...]:
    return _objects_of(g, True, False)


@_memo
def _parts(g: Grid) -> tuple[Grid, ...]:
    out = tuple(_grid(p) for p in P.parts(g))
    if len(out) < 2:
        raise NoValue("no parts")
    return out


def _cells(g: Grid) -> int:
    return sum(1 for row in g for v in row if v)


def _largest(gs: tuple[Grid, ...]) -> Grid:
    return max(gs, key=_cells)


def _smallest(gs: tuple[Grid, ...]) -> Grid:
    return min(gs, key=_cells)


def _most_common(gs: tuple[Grid, ...]) -> Grid:
    counts: dict[Grid, int] = {}
    for g in gs:
        counts[g] = counts.get(g, 0) + 1
    return max(counts, key=counts.__getitem__)


def _rarest(gs: tuple[Grid, ...]) -> Grid:
    counts: dict[Grid, int] = {}
    for g in gs:
        counts[g] = counts.get(g, 0) + 1
    return min(counts, key=counts.__getitem__)


def _merge(gs: tuple[Grid, ...]) -> Grid:
    out = gs[-1]
    for g in reversed(gs[:-1]):
        _same_shape(out, g)
        out = tuple(tuple(y if y else x for x, y in zip(ra, rb)) for ra, rb in zip(out, g))
    return out


def _count(gs: tuple[Grid, ...]) -> int:
    return len(gs)


def _gravity_down(g: Grid) -> Grid:
    return _transpose(_gravity_right(_transpose(g)))


def _gravity_up(g: Grid) -> Grid:
    return _transpose(_gravity_left(_transpose(g)))


def _gravity_left(g: Grid) -> Grid:
    out = []
    for row in g:
        cells = tuple(v for v in row if v)
        out.append(cells + (0,) * (len(row) - len(cells)))
    return tuple(out)


def _gravity_right(g: Grid) -> Grid:
    out = []
    for row in g:
        cells = tuple(v for v in row if v)
        out.append((0,) * (len(row) - len(cells)) + cells)
    return tuple(out)


def _swap_colors(g: Grid) -> Grid:
    present = {v for row in g for v in row}
    if len(present) != 2:
        return g
    a, b = sorted(present)
    return tuple(tuple(b if v == a else a for v in row) for row in g)


def constants(inputs: list[tuple[Any, ...]], outputs: list[Any]) -> list[Any]:
    """The colours of the train examples (outputs' first, most common first)."""
    counts: dict[int, int] = {}
    for o in outputs:
        for row in o if type(o) is tuple else ():
            for v in row if type(row) is tuple else ():
                if type(v) is int:
                    counts[v] = counts.get(v, 0) + 1
    seen = sorted(counts, key=lambda c: (-counts[c], c))
    for args in inputs:
        for a in args:
            for row in a if type(a) is tuple else ():
                for v in row if type(row) is tuple else ():
                    if type(v) is int and v not in seen and 0 <= v <= 9:
                        seen.append(v)
    return [c for c in seen if 0 <= c <= 9]


#: The arguments of each primitive that are colours, by position: a colour is 0..9 (an int
#: outside it would index a count table from the end, or paint a cell no grid has).
COLOUR_ARGS = {"cell": (0,), "recolor": (1, 2), "paint": (1,), "keep_color": (1,), "fill_color": (1,),
               "cell_and": (2,), "cell_or": (2,), "cell_xor": (2,), "cell_nor": (2,), "fill_enclosed": (1,),
               "fill_interior": (1,), "outline": (1,), "connect": (1,), "connect_h": (1,)}


def _colours(fn: Callable[..., Any], positions: tuple[int, ...]) -> Callable[..., Any]:
    def checked(*args: Any) -> Any:
        for i in positions:
            if not 0 <= args[i] <= 9:
                raise NoValue("not a colour")
        return fn(*args)

    checked.__name__ = getattr(fn, "__name__", "fn")
    return checked


def _p(name: str, params: tuple[Any, ...], returns: Any, fn: Callable[..., Any], phrase: str, py: str,
       arg_names: tuple[str, ...]) -> Primitive:
    if name in COLOUR_ARGS:
        fn = _colours(fn, COLOUR_ARGS[name])
    return Primitive(name, params, returns, fn, phrase, py, arg_names)


PRIMITIVES = [
    # symmetries
    _p("rot90", (G,), G, _rot90, "{g} rotated a quarter turn clockwise", "rotate90({0})", ("g",)),
    _p("rot180", (G,), G, _rot180, "{g} rotated a half turn", "rotate180({0})", ("g",)),
    _p("rot270", (G,), G, _rot270, "{g} rotated a quarter turn anticlockwise", "rotate270({0})", ("g",)),
    _p("flip_h", (G,), G, _flip_h, "{g} mirrored left to right", "flip_h({0})", ("g",)),
    _p("flip_v", (G,), G, _flip_v, "{g} mirrored top to bottom", "flip_v({0})", ("g",)),
    _p("transpose", (G,), G, _transpose, "{g} with rows and columns swapped", "transpose({0})", ("g",)),
    # parts of a grid
    _p("crop", (G,), G, _crop, "{g} cropped to its non-background cells", "crop_to_content({0})", ("g",)),
    _p("trim", (G,), G, _trim, "{g} without its outer ring", "trim({0})", ("g",)),
    _p("left_half", (G,), G, _left_half, "the left half of {g}", "left_half({0})", ("g",)),
    _p("right_half", (G,), G, _right_half, "the right half of {g}", "right_half({0})", ("g",)),
    _p("top_half", (G,), G, _top_half, "the top half of {g}", "top_half({0})", ("g",)),
    _p("bottom_half", (G,), G, _bottom_half, "the bottom half of {g}", "bottom_half({0})", ("g",)),
    _p("tile_unit", (G,), G, _memo(_wrap(P.tile_unit)), "the block whose repetition makes {g}", "tile_unit({0})",
       ("g",)),
    _p("dedupe", (G,), G, _memo(_wrap(P.dedupe)), "{g} with repeated adjacent rows and columns kept once",
       "dedupe({0})", ("g",)),
    # making bigger grids
    _p("hconcat", (G, G), G, _hconcat, "{a} and {b} side by side", "hconcat({0}, {1})", ("a", "b")),
    _p("vconcat", (G, G), G, _vconcat, "{a} above {b}", "vconcat({0}, {1})", ("a", "b")),
    _p("mirror_h", (G,), G, _mirror_h, "{g} followed by its mirror image to the right", "mirror_h({0})", ("g",)),
    _p("mirror_v", (G,), G, _mirror_v, "{g} above its mirror image", "mirror_v({0})", ("g",)),
    _p("scale", (G, INT), G, _scale, "{g} with each cell blown up to a {k} by {k} block", "scale({0}, {1})",
       ("g", "k")),
    _p("downscale", (G, INT), G, _downscale, "every {k}-th row and column of {g}", "downscale({0}, {1})",
       ("g", "k")),
    _p("kron", (G, G), G, _kron, "a copy of {b} for each coloured cell of {a}", "kron({0}, {1})", ("a", "b")),
    _p("cell", (INT,), G, _cell, "a single cell of colour {c}", "[[{0}]]", ("c",)),
    # colours
    _p("recolor", (G, INT, INT), G, _recolor, "{g} with colour {a} painted {b}", "recolor({0}, {1}, {2})",
       ("g", "a", "b")),
    _p("paint", (G, INT), G, _paint, "{g} with every coloured cell painted {c}", "paint({0}, {1})", ("g", "c")),
    _p("keep_color", (G, INT), G, _keep_color, "only the cells of colour {c} in {g}", "keep_color({0}, {1})",
       ("g", "c")),
    _p("fill_color", (G, INT), G, _fill_color, "a grid the shape of {g} all of colour {c}",
       "fill_color({0}, {1})", ("g", "c")),
    _p("swap_colors", (G,), G, _swap_colors, "{g} with its two colours exchanged", "swap_colors({0})", ("g",)),
    _p("main_color", (G,), INT, _main_color, "the most common colour of {g}", "main_color({0})", ("g",)),
    _p("minor_color", (G,), INT, _minor_color, "the least common colour of {g}", "minor_color({0})", ("g",)),
    _p("color_count", (G,), INT, _color_count, "how many colours {g} has", "color_count({0})", ("g",)),
    # masks and overlays
    _p("cell_and", (G, G, INT), G, _cell_and, "colour {c} where both {a} and {b} are coloured",
       "cell_and({0}, {1}, {2})", ("a", "b", "c")),
    _p("cell_or", (G, G, INT), G, _cell_or, "colour {c} where {a} or {b} is coloured",
       "cell_or({0}, {1}, {2})", ("a", "b", "c")),
    _p("cell_xor", (G, G, INT), G, _cell_xor, "colour {c} where just one of {a} and {b} is coloured",
       "cell_xor({0}, {1}, {2})", ("a", "b", "c")),
    _p("cell_nor", (G, G, INT), G, _cell_nor, "colour {c} where neither {a} nor {b} is coloured",
       "cell_nor({0}, {1}, {2})", ("a", "b", "c")),
    _p("overlay", (G, G), G, _overlay, "{a} with the coloured cells of {b} laid over it", "overlay({0}, {1})",
       ("a", "b")),
    # moving, filling, drawing
    _p("gravity_down", (G,), G, _gravity_down, "{g} with its cells fallen to the bottom", "gravity_down({0})",
       ("g",)),
    _p("gravity_up", (G,), G, _gravity_up, "{g} with its cells risen to the top", "gravity_up({0})", ("g",)),
    _p("gravity_left", (G,), G, _gravity_left, "{g} with its cells slid left", "gravity_left({0})", ("g",)),
    _p("gravity_right", (G,), G, _gravity_right, "{g} with its cells slid right", "gravity_right({0})", ("g",)),
    _p("fill_enclosed", (G, INT), G, _wrap(P.fill_enclosed), "{g} with its enclosed holes filled with {c}",
       "fill_enclosed({0}, {1})", ("g", "c")),
    _p("fill_interior", (G, INT), G, _wrap(P.fill_interior), "{g} with the insides of its shapes painted {c}",
       "fill_interior({0}, {1})", ("g", "c")),
    _p("outline", (G, INT), G, _wrap(P.outline), "{g} with the cells around its shapes painted {c}",
       "outline({0}, {1})", ("g", "c")),
    _p("connect", (G, INT), G, _wrap(P.connect), "{g} with lines of {c} between cells of one colour in a row or "
       "column", "connect({0}, {1})", ("g", "c")),
    _p("connect_h", (G, INT), G, _wrap(P.connect_h), "{g} with lines of {c} between cells of one colour in a "
       "row", "connect_h({0}, {1})", ("g", "c")),
    _p("connect_same", (G,), G, _memo(_wrap(P.connect_same)), "{g} with lines between cells of one colour in a row or "
       "column", "connect_same({0})", ("g",)),
    _p("fill_periodic", (G,), G, _memo(_wrap(P.fill_periodic)), "{g} with its gaps filled by its repeating pattern",
       "fill_periodic({0})", ("g",)),
    _p("denoise", (G,), G, _memo(_wrap(P.denoise)), "{g} without its isolated cells", "denoise({0})", ("g",)),
    # objects
    _p("objects", (G,), LG, _objects, "the one-colour shapes of {g}", "objects({0})", ("g",)),
    _p("objects8", (G,), LG, _objects8, "the one-colour shapes of {g}, corners connecting",
       "objects({0}, 0, True)", ("g",)),
    _p("blobs", (G,), LG, _blobs, "the shapes of {g} of any colours, corners connecting",
       "objects({0}, 0, True, False)", ("g",)),
    _p("parts", (G,), LG, _parts, "the blocks of {g} between separator lines", "parts({0})", ("g",)),
    _p("largest", (LG,), G, _largest, "the largest of {gs}", "largest({0})", ("gs",)),
    _p("smallest", (LG,), G, _smallest, "the smallest of {gs}", "smallest({0})", ("gs",)),
    _p("most_common", (LG,), G, _most_common, "the most common of {gs}", "most_common({0})", ("gs",)),
    _p("rarest", (LG,), G, _rarest, "the rarest of {gs}", "rarest({0})", ("gs",)),
    _p("merge", (LG,), G, _merge, "{gs} laid over each other, the first on top", "merge({0})", ("gs",)),
    _p("count", (LG,), INT, _count, "how many of {gs} there are", "len({0})", ("gs",)),
]
