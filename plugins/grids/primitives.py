"""Primitives for ARC-style grids: lists of rows of colours 0-9 (0 is usually background).

Pure functions that return new grids and never mutate their arguments. Only the standard
library is imported: this module is loaded into the sandbox's worker processes by file path.
It is one module, past 500 lines, because a domain's primitives are the one module a verified
program's globals come from (``inductor_primitives``).
"""

from __future__ import annotations

from collections import Counter

Grid = list[list[int]]

__all__ = [
    "height", "width", "shape", "new_grid", "copy_grid", "rotate90", "rotate180", "rotate270",
    "flip_h", "flip_v", "transpose", "crop", "crop_to_content", "bounding_box", "recolor",
    "replace_colors", "colors", "color_counts", "most_common_color", "least_common_color",
    "objects", "largest_object", "smallest_object", "tile", "scale", "downscale", "hconcat",
    "vconcat", "left_half", "right_half", "top_half", "bottom_half", "overlay", "shift",
    "fill_color", "mask_of", "count_color", "gravity_down", "draw_border", "mirror_h", "mirror_v",
    "cell_and", "cell_or", "cell_xor",
]


def height(g: Grid) -> int:
    """Number of rows."""
    return len(g)


def width(g: Grid) -> int:
    """Number of columns."""
    return len(g[0]) if g else 0


def shape(g: Grid) -> tuple[int, int]:
    """(rows, columns)."""
    return (height(g), width(g))


def new_grid(h: int, w: int, color: int = 0) -> Grid:
    """An h x w grid filled with one colour (each side at most 30)."""
    h, w = max(0, min(h, 30)), max(0, min(w, 30))
    return [[color] * w for _ in range(h)]


def copy_grid(g: Grid) -> Grid:
    """A copy of the grid."""
    return [list(row) for row in g]


def rotate90(g: Grid) -> Grid:
    """Rotate a quarter turn clockwise."""
    return [list(row) for row in zip(*g[::-1])]


def rotate180(g: Grid) -> Grid:
    """Rotate a half turn."""
    return [row[::-1] for row in g[::-1]]


def rotate270(g: Grid) -> Grid:
    """Rotate a quarter turn anticlockwise."""
    return [list(row) for row in zip(*g)][::-1]


def flip_h(g: Grid) -> Grid:
    """Mirror left-right (reverse each row)."""
    return [row[::-1] for row in g]


def flip_v(g: Grid) -> Grid:
    """Mirror top-bottom (reverse the order of rows)."""
    return [list(row) for row in g[::-1]]


def transpose(g: Grid) -> Grid:
    """Swap rows and columns."""
    return [list(row) for row in zip(*g)]


def crop(g: Grid, top: int, left: int, h: int, w: int) -> Grid:
    """The h x w sub-grid whose top-left cell is (top, left)."""
    return [list(row[left:left + w]) for row in g[top:top + h]]


def bounding_box(g: Grid, background: int = 0) -> tuple[int, int, int, int]:
    """(top, left, height, width) of the cells that are not background; (0, 0, 0, 0) if none."""
    cells = [(r, c) for r, row in enumerate(g) for c, v in enumerate(row) if v != background]
    if not cells:
        return (0, 0, 0, 0)
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    return (min(rows), min(cols), max(rows) - min(rows) + 1, max(cols) - min(cols) + 1)


def crop_to_content(g: Grid, background: int = 0) -> Grid:
    """The smallest sub-grid holding every non-background cell."""
    top, left, h, w = bounding_box(g, background)
    return crop(g, top, left, h, w)


def recolor(g: Grid, old: int, new: int) -> Grid:
    """Every cell of colour old painted new."""
    return [[new if v == old else v for v in row] for row in g]


def replace_colors(g: Grid, mapping: dict[int, int]) -> Grid:
    """Recolour by a mapping {old: new}; colours not in it stay."""
    m = {int(k): v for k, v in mapping.items()}
    return [[m.get(v, v) for v in row] for row in g]


def colors(g: Grid) -> list[int]:
    """The distinct colours, in increasing order."""
    return sorted({v for row in g for v in row})


def color_counts(g: Grid) -> dict[int, int]:
    """How many cells have each colour."""
    return dict(Counter(v for row in g for v in row))


def most_common_color(g: Grid) -> int:
    """The colour of the most cells (the smallest colour on ties)."""
    counts = Counter(v for row in g for v in row)
    return min(counts, key=lambda c: (-counts[c], c)) if counts else 0


def least_common_color(g: Grid) -> int:
    """The colour of the fewest cells (the smallest colour on ties)."""
    counts = Counter(v for row in g for v in row)
    return min(counts, key=lambda c: (counts[c], c)) if counts else 0


def count_color(g: Grid, color: int) -> int:
    """How many cells have the colour."""
    return sum(row.count(color) for row in g)


def objects(g: Grid, background: int = 0, diagonal: bool = False, by_color: bool = True) -> list[Grid]:
    """Connected groups of non-background cells, each cropped to its bounding box (other cells
    set to background), in reading order of their top-left cell. With by_color, a group has
    one colour; diagonal makes corner-touching cells connected."""
    h, w = height(g), width(g)
    seen = [[False] * w for _ in range(h)]
    steps = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if diagonal:
        steps += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    found = []
    for r in range(h):
        for c in range(w):
            if seen[r][c] or g[r][c] == background:
                continue
            color = g[r][c]
            stack, cells = [(r, c)], []
            seen[r][c] = True
            while stack:
                y, x = stack.pop()
                cells.append((y, x))
                for dy, dx in steps:
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < h and 0 <= nx < w and not seen[ny][nx] and g[ny][nx] != background and (
                        not by_color or g[ny][nx] == color
                    ):
                        seen[ny][nx] = True
                        stack.append((ny, nx))
            top = min(y for y, _ in cells)
            left = min(x for _, x in cells)
            oh = max(y for y, _ in cells) - top + 1
            ow = max(x for _, x in cells) - left + 1
            obj = [[background] * ow for _ in range(oh)]
            for y, x in cells:
                obj[y - top][x - left] = g[y][x]
            found.append(((top, left), obj))
    found.sort(key=lambda t: t[0])
    return [obj for _, obj in found]


def _size(obj: Grid, background: int = 0) -> int:
    return sum(1 for row in obj for v in row if v != background)


def largest_object(g: Grid, background: int = 0) -> Grid:
    """The object (see objects) with the most cells; an empty grid if there is none."""
    objs = objects(g, background)
    return max(objs, key=lambda o: _size(o, background)) if objs else []


def smallest_object(g: Grid, background: int = 0) -> Grid:
    """The object (see objects) with the fewest cells; an empty grid if there is none."""
    objs = objects(g, background)
    return min(objs, key=lambda o: _size(o, background)) if objs else []


def tile(g: Grid, rows: int, cols: int) -> Grid:
    """The grid repeated rows times down and cols times across (each at most 10)."""
    rows, cols = max(0, min(rows, 10)), max(0, min(cols, 10))
    return [list(row) * cols for _ in range(rows) for row in g]


def scale(g: Grid, k: int) -> Grid:
    """Each cell blown up to a k x k block (k at most 10)."""
    k = max(1, min(k, 10))
    return [[v for v in row for _ in range(k)] for row in g for _ in range(k)]


def downscale(g: Grid, k: int) -> Grid:
    """Keep the top-left cell of each k x k block."""
    k = max(1, k)
    return [row[::k] for row in g[::k]]


def hconcat(a: Grid, b: Grid) -> Grid:
    """a and b side by side (rows paired up)."""
    return [list(x) + list(y) for x, y in zip(a, b)]


def vconcat(a: Grid, b: Grid) -> Grid:
    """a above b."""
    return [list(r) for r in a] + [list(r) for r in b]


def left_half(g: Grid) -> Grid:
    """The left half of the columns (the middle column excluded when the width is odd)."""
    return [row[: width(g) // 2] for row in g]


def right_half(g: Grid) -> Grid:
    """The right half of the columns (the middle column excluded when the width is odd)."""
    w = width(g)
    return [row[w - w // 2:] for row in g]


def top_half(g: Grid) -> Grid:
    """The top half of the rows (the middle row excluded when the height is odd)."""
    return [list(r) for r in g[: height(g) // 2]]


def bottom_half(g: Grid) -> Grid:
    """The bottom half of the rows (the middle row excluded when the height is odd)."""
    h = height(g)
    return [list(r) for r in g[h - h // 2:]]


def overlay(base: Grid, top: Grid, background: int = 0) -> Grid:
    """base with the non-background cells of top (same size, aligned top-left) painted over it."""
    out = copy_grid(base)
    for r, row in enumerate(top[: len(out)]):
        for c, v in enumerate(row[: len(out[r])]):
            if v != background:
                out[r][c] = v
    return out


def shift(g: Grid, dy: int, dx: int, background: int = 0) -> Grid:
    """Move every cell by (dy, dx); cells moved off the grid are lost, gaps become background."""
    h, w = height(g), width(g)
    out = new_grid(h, w, background)
    for r in range(h):
        for c in range(w):
            nr, nc = r + dy, c + dx
            if 0 <= nr < h and 0 <= nc < w:
                out[nr][nc] = g[r][c]
    return out


def fill_color(g: Grid, color: int) -> Grid:
    """A grid of the same shape with every cell set to the colour."""
    return [[color] * len(row) for row in g]


def mask_of(g: Grid, color: int) -> list[list[bool]]:
    """True where the cell has the colour."""
    return [[v == color for v in row] for row in g]


def gravity_down(g: Grid, background: int = 0) -> Grid:
    """Let non-background cells fall to the bottom of their column, keeping their order."""
    h, w = height(g), width(g)
    out = new_grid(h, w, background)
    for c in range(w):
        col = [g[r][c] for r in range(h) if g[r][c] != background]
        for i, v in enumerate(col):
            out[h - len(col) + i][c] = v
    return out


def draw_border(g: Grid, color: int) -> Grid:
    """The grid with its outermost ring of cells painted in the colour."""
    out = copy_grid(g)
    h, w = height(g), width(g)
    for r in range(h):
        for c in range(w):
            if r in (0, h - 1) or c in (0, w - 1):
                out[r][c] = color
    return out


def mirror_h(g: Grid) -> Grid:
    """The grid followed by its left-right mirror image (twice as wide)."""
    return hconcat(g, flip_h(g))


def mirror_v(g: Grid) -> Grid:
    """The grid above its top-bottom mirror image (twice as tall)."""
    return vconcat(g, flip_v(g))


def cell_and(a: Grid, b: Grid, color: int, background: int = 0) -> Grid:
    """colour where both a and b are non-background, else background."""
    return [[color if x != background and y != background else background for x, y in zip(ra, rb)]
            for ra, rb in zip(a, b)]


def cell_or(a: Grid, b: Grid, color: int, background: int = 0) -> Grid:
    """colour where a or b is non-background, else background."""
    return [[color if x != background or y != background else background for x, y in zip(ra, rb)]
            for ra, rb in zip(a, b)]


def cell_xor(a: Grid, b: Grid, color: int, background: int = 0) -> Grid:
    """colour where exactly one of a and b is non-background, else background."""
    return [[color if (x != background) != (y != background) else background for x, y in zip(ra, rb)]
            for ra, rb in zip(a, b)]


# --- more ARC concepts (also the λ-DSL's Python renderings: see inductor_plugins.grids.dsl) -----

__all__ += [
    "trim", "gravity_up", "gravity_left", "gravity_right", "paint", "keep_color", "swap_colors",
    "cell_nor", "fill_enclosed", "fill_interior", "outline", "connect", "connect_h", "connect_v",
    "connect_same", "fill_periodic", "tile_unit", "dedupe", "denoise", "kron", "parts", "largest",
    "smallest", "most_common", "rarest", "merge", "main_color", "minor_color", "color_count",
]

_NEIGHBOURS8 = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


def trim(g: Grid) -> Grid:
    """The grid without its outermost ring of cells."""
    return [list(row[1:-1]) for row in g[1:-1]]


def gravity_up(g: Grid, background: int = 0) -> Grid:
    """Let non-background cells rise to the top of their column, keeping their order."""
    return flip_v(gravity_down(flip_v(g), background))


def gravity_left(g: Grid, background: int = 0) -> Grid:
    """Slide the non-background cells of each row to its left end, keeping their order."""
    out = []
    for row in g:
        cells = [v for v in row if v != background]
        out.append(cells + [background] * (len(row) - len(cells)))
    return out


def gravity_right(g: Grid, background: int = 0) -> Grid:
    """Slide the non-background cells of each row to its right end, keeping their order."""
    out = []
    for row in g:
        cells = [v for v in row if v != background]
        out.append([background] * (len(row) - len(cells)) + cells)
    return out


def paint(g: Grid, color: int, background: int = 0) -> Grid:
    """Every non-background cell painted the colour."""
    return [[color if v != background else background for v in row] for row in g]


def keep_color(g: Grid, color: int, background: int = 0) -> Grid:
    """Only the cells of the colour kept; the others become background."""
    return [[v if v == color else background for v in row] for row in g]


def swap_colors(g: Grid) -> Grid:
    """A grid of exactly two colours with the two exchanged (the grid unchanged otherwise)."""
    cs = colors(g)
    if len(cs) != 2:
        return copy_grid(g)
    a, b = cs
    return [[b if v == a else a for v in row] for row in g]


def cell_nor(a: Grid, b: Grid, color: int, background: int = 0) -> Grid:
    """colour where both a and b are background, else background."""
    return [[color if x == background and y == background else background for x, y in zip(ra, rb)]
            for ra, rb in zip(a, b)]


def fill_enclosed(g: Grid, color: int, background: int = 0) -> Grid:
    """Background cells that cannot reach the grid's edge through background cells (up, down,
    left, right) painted the colour: the holes of closed shapes filled."""
    h, w = height(g), width(g)
    outside = [[False] * w for _ in range(h)]
    stack = [(r, c) for r in range(h) for c in range(w)
             if (r in (0, h - 1) or c in (0, w - 1)) and g[r][c] == background]
    for r, c in stack:
        outside[r][c] = True
    while stack:
        r, c = stack.pop()
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < h and 0 <= nc < w and not outside[nr][nc] and g[nr][nc] == background:
                outside[nr][nc] = True
                stack.append((nr, nc))
    return [[color if v == background and not outside[r][c] else v for c, v in enumerate(row)]
            for r, row in enumerate(g)]


def fill_interior(g: Grid, color: int, background: int = 0) -> Grid:
    """Non-background cells whose eight neighbours are all non-background cells of the grid
    painted the colour (the insides of solid shapes)."""
    h, w = height(g), width(g)

    def inner(r: int, c: int) -> bool:
        return 0 < r < h - 1 and 0 < c < w - 1 and all(g[r + dy][c + dx] != background for dy, dx in _NEIGHBOURS8)

    return [[color if v != background and inner(r, c) else v for c, v in enumerate(row)]
            for r, row in enumerate(g)]


def outline(g: Grid, color: int, background: int = 0) -> Grid:
    """Background cells touching a non-background cell (sides or corners) painted the colour."""
    h, w = height(g), width(g)

    def near(r: int, c: int) -> bool:
        return any(0 <= r + dy < h and 0 <= c + dx < w and g[r + dy][c + dx] != background for dy, dx in _NEIGHBOURS8)

    return [[color if v == background and near(r, c) else v for c, v in enumerate(row)]
            for r, row in enumerate(g)]


def _gaps(row: list[int], background: int) -> list[tuple[int, int, int]]:
    """(start, stop, colour) of each run of background between two cells of one colour."""
    out = []
    last = -1
    for i, v in enumerate(row):
        if v != background:
            if last >= 0 and row[last] == v and i - last > 1:
                out.append((last + 1, i, v))
            last = i
    return out


def connect_h(g: Grid, color: int, background: int = 0) -> Grid:
    """Background between two cells of one colour in a row (nothing else between) painted the colour."""
    out = copy_grid(g)
    for r, row in enumerate(g):
        for start, stop, _ in _gaps(list(row), background):
            out[r][start:stop] = [color] * (stop - start)
    return out


def connect_v(g: Grid, color: int, background: int = 0) -> Grid:
    """Background between two cells of one colour in a column (nothing else between) painted the colour."""
    return transpose(connect_h(transpose(g), color, background))


def connect(g: Grid, color: int, background: int = 0) -> Grid:
    """Background between two cells of one colour in a row or a column (nothing else between)
    painted the colour (the gaps found in g; columns painted last)."""
    across = connect_h(g, color, background)
    down = connect_v(g, color, background)
    return [[d if d != v else a for a, d, v in zip(ra, rd, rv)] for ra, rd, rv in zip(across, down, g)]


def connect_same(g: Grid, background: int = 0) -> Grid:
    """Lines drawn between two cells of one colour in a row or a column (nothing else between),
    in their colour (the gaps found in g; columns drawn last)."""
    out = copy_grid(g)
    for r, row in enumerate(g):
        for start, stop, v in _gaps(list(row), background):
            out[r][start:stop] = [v] * (stop - start)
    for c, col in enumerate(transpose(g)):
        for start, stop, v in _gaps(col, background):
            for r in range(start, stop):
                out[r][c] = v
    return out


def fill_periodic(g: Grid, background: int = 0) -> Grid:
    """Background cells filled by the smallest tiling (from the top-left) that every other cell
    agrees with and in which every position of the tile has a colour; the grid unchanged if none."""
    h, w = height(g), width(g)
    cells = [(r, c, v) for r, row in enumerate(g) for c, v in enumerate(row) if v != background]
    if len(cells) == h * w:
        return copy_grid(g)  # nothing to fill: every tiling that agrees gives the grid back
    # A tiling by ph x pw agrees only if the rows alone tile by ph and the columns alone by pw
    # (ph rows of w columns, h rows of pw columns): only those pairs are tried, in the same order.
    rows = [ph for ph in range(1, h + 1) if _agrees(cells, ph, w)]
    cols = [pw for pw in range(1, w + 1) if _agrees(cells, h, pw)]
    for ph, pw in sorted(((a, b) for a in rows for b in cols), key=lambda p: (p[0] * p[1], p)):
        if ph * pw > len(cells):
            break
        tile_ = _tile(cells, ph, pw)
        if tile_ is not None and len(tile_) == ph * pw:
            return [[tile_[(r % ph, c % pw)] for c in range(w)] for r in range(h)]
    return copy_grid(g)


def _tile(cells: list[tuple[int, int, int]], ph: int, pw: int) -> dict[tuple[int, int], int] | None:
    """The ph x pw tile every cell agrees with (positions without a cell absent), None if two disagree."""
    tile_: dict[tuple[int, int], int] = {}
    for r, c, v in cells:
        if tile_.setdefault((r % ph, c % pw), v) != v:
            return None
    return tile_


def _agrees(cells: list[tuple[int, int, int]], ph: int, pw: int) -> bool:
    return _tile(cells, ph, pw) is not None


def tile_unit(g: Grid) -> Grid:
    """The smallest block whose repetition from the top-left makes the grid (the whole grid if none)."""
    h, w = height(g), width(g)
    rows = [tuple(r) for r in g]
    ph = next(p for p in range(1, h + 1) if all(rows[r] == rows[r % p] for r in range(h)))
    cols = list(zip(*g))
    pw = next(p for p in range(1, w + 1) if all(cols[c] == cols[c % p] for c in range(w)))
    return [list(row[:pw]) for row in g[:ph]]


def dedupe(g: Grid) -> Grid:
    """Runs of equal adjacent rows, then of equal adjacent columns, each kept once."""
    rows = [list(r) for i, r in enumerate(g) if i == 0 or list(r) != list(g[i - 1])]
    cols = list(zip(*rows))
    kept = [c for i, c in enumerate(cols) if i == 0 or c != cols[i - 1]]
    return [list(r) for r in zip(*kept)]


def denoise(g: Grid, background: int = 0) -> Grid:
    """Isolated cells (no non-background neighbour, sides or corners) set to background."""
    h, w = height(g), width(g)

    def alone(r: int, c: int) -> bool:
        return not any(0 <= r + dy < h and 0 <= c + dx < w and g[r + dy][c + dx] != background
                       for dy, dx in _NEIGHBOURS8)

    return [[background if v != background and alone(r, c) else v for c, v in enumerate(row)]
            for r, row in enumerate(g)]


def kron(a: Grid, b: Grid, background: int = 0) -> Grid:
    """A copy of b in place of each non-background cell of a, a background block elsewhere."""
    blank = [background] * width(b)
    return [[v for cell in row_a for v in (row_b if cell != background else blank)]
            for row_a in a for row_b in b]


def parts(g: Grid) -> list[Grid]:
    """The blocks between full separator lines (rows or columns of one colour), in reading order.
    The separator colour is the non-zero colour with the most full lines, else 0; none: [g]."""
    h, w = height(g), width(g)
    full: dict[int, int] = {}
    for row in g:
        if len(set(row)) == 1:
            full[row[0]] = full.get(row[0], 0) + 1
    for col in zip(*g):
        if len(set(col)) == 1:
            full[col[0]] = full.get(col[0], 0) + 1
    if not full:
        return [copy_grid(g)]
    nonzero = [c for c in full if c != 0]
    sep = min(nonzero, key=lambda c: (-full[c], c)) if nonzero else 0
    sep_rows = {r for r in range(h) if all(v == sep for v in g[r])}
    sep_cols = {c for c in range(w) if all(g[r][c] == sep for r in range(h))}

    def runs(n: int, cut: set[int]) -> list[tuple[int, int]]:
        out, start = [], None
        for i in range(n + 1):
            if i < n and i not in cut:
                start = i if start is None else start
            elif start is not None:
                out.append((start, i))
                start = None
        return out

    return [[list(g[r][c0:c1]) for r in range(r0, r1)] for r0, r1 in runs(h, sep_rows) for c0, c1 in runs(w, sep_cols)]


def _cells(g: Grid, background: int = 0) -> int:
    return sum(1 for row in g for v in row if v != background)


def largest(grids: list[Grid]) -> Grid:
    """The grid with the most non-background cells (the first on ties)."""
    return max(grids, key=_cells)


def smallest(grids: list[Grid]) -> Grid:
    """The grid with the fewest non-background cells (the first on ties)."""
    return min(grids, key=_cells)


def most_common(grids: list[Grid]) -> Grid:
    """The grid that occurs most often among grids (the first on ties)."""
    keys = [repr([list(r) for r in g]) for g in grids]
    counts = Counter(keys)
    return copy_grid(grids[max(range(len(grids)), key=lambda i: (counts[keys[i]], -i))])


def rarest(grids: list[Grid]) -> Grid:
    """The grid that occurs least often among grids (the first on ties)."""
    keys = [repr([list(r) for r in g]) for g in grids]
    counts = Counter(keys)
    return copy_grid(grids[min(range(len(grids)), key=lambda i: (counts[keys[i]], i))])


def merge(grids: list[Grid], background: int = 0) -> Grid:
    """The grids (all of one size) laid over each other, the first on top."""
    out = copy_grid(grids[-1])
    for g in reversed(grids[:-1]):
        out = overlay(out, g, background)
    return out


def main_color(g: Grid, background: int = 0) -> int:
    """The most common colour other than the background (the smallest on ties; background if none)."""
    counts = Counter(v for row in g for v in row if v != background)
    return min(counts, key=lambda c: (-counts[c], c)) if counts else background


def minor_color(g: Grid, background: int = 0) -> int:
    """The least common colour other than the background (the smallest on ties; background if none)."""
    counts = Counter(v for row in g for v in row if v != background)
    return min(counts, key=lambda c: (counts[c], c)) if counts else background


def color_count(g: Grid, background: int = 0) -> int:
    """How many distinct colours other than the background the grid has."""
    return len({v for row in g for v in row if v != background})
