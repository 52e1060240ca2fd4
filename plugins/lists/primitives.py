"""Primitives for programs over lists of integers.

Each function is small, pure and total on well-typed inputs (it returns a sensible
value rather than raising where it can). Candidates can call them by name; the search
composes them using their type hints. This module imports only the standard library:
it is loaded into the sandbox's worker processes by file path.
"""

from __future__ import annotations

from collections import Counter

__all__ = [
    "head", "last", "tail", "init", "take", "drop", "take_last", "drop_last", "nth",
    "length", "reverse", "sort_asc", "sort_desc", "unique", "dedupe_adjacent",
    "sum_list", "product", "max_of", "min_of", "count_of", "index_of",
    "add_each", "mul_each", "mod_each", "keep_even", "keep_odd", "keep_greater",
    "keep_less", "remove_value", "append", "prepend", "concat", "insert_at",
    "remove_at", "replace_at", "swap", "rotate_left", "rotate_right", "repeat_list",
    "range_list", "cumsum", "diffs", "every_nth", "slice_list", "interleave",
    "zip_add", "most_common", "count_distinct", "singleton", "replicate",
    "sort_by_frequency", "positions_of", "flatten",
]


def head(xs: list[int]) -> int:
    """The first element (0 for an empty list)."""
    return xs[0] if xs else 0


def last(xs: list[int]) -> int:
    """The last element (0 for an empty list)."""
    return xs[-1] if xs else 0


def tail(xs: list[int]) -> list[int]:
    """Everything but the first element."""
    return xs[1:]


def init(xs: list[int]) -> list[int]:
    """Everything but the last element."""
    return xs[:-1]


def take(xs: list[int], n: int) -> list[int]:
    """The first n elements."""
    return xs[: max(n, 0)]


def drop(xs: list[int], n: int) -> list[int]:
    """All but the first n elements."""
    return xs[max(n, 0):]


def take_last(xs: list[int], n: int) -> list[int]:
    """The last n elements."""
    return xs[len(xs) - n:] if n > 0 else []


def drop_last(xs: list[int], n: int) -> list[int]:
    """All but the last n elements."""
    return xs[: len(xs) - n] if n > 0 else list(xs)


def nth(xs: list[int], i: int) -> int:
    """The element at position i, counting from 0 (negative counts from the end; 0 if out of range)."""
    return xs[i] if -len(xs) <= i < len(xs) else 0


def length(xs: list[int]) -> int:
    """The number of elements."""
    return len(xs)


def reverse(xs: list[int]) -> list[int]:
    """The elements in reverse order."""
    return xs[::-1]


def sort_asc(xs: list[int]) -> list[int]:
    """The elements sorted from smallest to largest."""
    return sorted(xs)


def sort_desc(xs: list[int]) -> list[int]:
    """The elements sorted from largest to smallest."""
    return sorted(xs, reverse=True)


def unique(xs: list[int]) -> list[int]:
    """The elements without repeats, keeping first occurrences in order."""
    return list(dict.fromkeys(xs))


def dedupe_adjacent(xs: list[int]) -> list[int]:
    """Collapse runs of equal neighbours into one element."""
    return [x for i, x in enumerate(xs) if i == 0 or xs[i - 1] != x]


def sum_list(xs: list[int]) -> int:
    """The sum of the elements."""
    return sum(xs)


def product(xs: list[int]) -> int:
    """The product of the elements (1 for an empty list)."""
    out = 1
    for x in xs:
        out *= x
    return out


def max_of(xs: list[int]) -> int:
    """The largest element (0 for an empty list)."""
    return max(xs) if xs else 0


def min_of(xs: list[int]) -> int:
    """The smallest element (0 for an empty list)."""
    return min(xs) if xs else 0


def count_of(xs: list[int], v: int) -> int:
    """How many elements equal v."""
    return xs.count(v)


def index_of(xs: list[int], v: int) -> int:
    """The position of the first v, or -1."""
    return xs.index(v) if v in xs else -1


def add_each(xs: list[int], k: int) -> list[int]:
    """Add k to every element."""
    return [x + k for x in xs]


def mul_each(xs: list[int], k: int) -> list[int]:
    """Multiply every element by k."""
    return [x * k for x in xs]


def mod_each(xs: list[int], k: int) -> list[int]:
    """Every element modulo k (unchanged when k is 0)."""
    return [x % k for x in xs] if k else list(xs)


def keep_even(xs: list[int]) -> list[int]:
    """Only the even elements."""
    return [x for x in xs if x % 2 == 0]


def keep_odd(xs: list[int]) -> list[int]:
    """Only the odd elements."""
    return [x for x in xs if x % 2 == 1]


def keep_greater(xs: list[int], k: int) -> list[int]:
    """Only the elements greater than k."""
    return [x for x in xs if x > k]


def keep_less(xs: list[int], k: int) -> list[int]:
    """Only the elements less than k."""
    return [x for x in xs if x < k]


def remove_value(xs: list[int], v: int) -> list[int]:
    """Every element except those equal to v."""
    return [x for x in xs if x != v]


def append(xs: list[int], v: int) -> list[int]:
    """The list with v added at the end."""
    return [*xs, v]


def prepend(xs: list[int], v: int) -> list[int]:
    """The list with v added at the front."""
    return [v, *xs]


def concat(xs: list[int], ys: list[int]) -> list[int]:
    """xs followed by ys."""
    return [*xs, *ys]


def insert_at(xs: list[int], i: int, v: int) -> list[int]:
    """The list with v inserted before position i."""
    return [*xs[:i], v, *xs[i:]]


def remove_at(xs: list[int], i: int) -> list[int]:
    """The list without the element at position i."""
    if not -len(xs) <= i < len(xs):
        return list(xs)
    i %= len(xs)
    return [*xs[:i], *xs[i + 1:]]


def replace_at(xs: list[int], i: int, v: int) -> list[int]:
    """The list with the element at position i replaced by v."""
    out = list(xs)
    if -len(out) <= i < len(out):
        out[i] = v
    return out


def swap(xs: list[int], i: int, j: int) -> list[int]:
    """The list with the elements at positions i and j exchanged."""
    out = list(xs)
    if -len(out) <= i < len(out) and -len(out) <= j < len(out):
        out[i], out[j] = out[j], out[i]
    return out


def rotate_left(xs: list[int], n: int) -> list[int]:
    """Move the first n elements to the end."""
    if not xs:
        return []
    n %= len(xs)
    return xs[n:] + xs[:n]


def rotate_right(xs: list[int], n: int) -> list[int]:
    """Move the last n elements to the front."""
    if not xs:
        return []
    n %= len(xs)
    return xs[len(xs) - n:] + xs[: len(xs) - n]


def repeat_list(xs: list[int], n: int) -> list[int]:
    """The list repeated n times (at most 100)."""
    return xs * max(0, min(n, 100))


def range_list(start: int, stop: int) -> list[int]:
    """The integers from start up to stop inclusive (at most 1000 of them)."""
    return list(range(start, min(stop, start + 999) + 1))


def cumsum(xs: list[int]) -> list[int]:
    """Running totals."""
    out, total = [], 0
    for x in xs:
        total += x
        out.append(total)
    return out


def diffs(xs: list[int]) -> list[int]:
    """Differences between neighbours: xs[i+1] - xs[i]."""
    return [b - a for a, b in zip(xs, xs[1:])]


def every_nth(xs: list[int], n: int, start: int = 0) -> list[int]:
    """Every n-th element from position start."""
    return xs[start::n] if n > 0 else []


def slice_list(xs: list[int], i: int, j: int) -> list[int]:
    """The elements from position i up to (not including) j."""
    return xs[i:j]


def interleave(xs: list[int], ys: list[int]) -> list[int]:
    """Alternate elements of xs and ys, then what remains of the longer one."""
    out: list[int] = []
    for a, b in zip(xs, ys):
        out += [a, b]
    n = min(len(xs), len(ys))
    return out + xs[n:] + ys[n:]


def zip_add(xs: list[int], ys: list[int]) -> list[int]:
    """Element-wise sums, as long as the shorter list."""
    return [a + b for a, b in zip(xs, ys)]


def most_common(xs: list[int]) -> int:
    """The most frequent element (the first seen on ties; 0 when empty)."""
    if not xs:
        return 0
    counts = Counter(xs)
    best = max(counts.values())
    return next(x for x in xs if counts[x] == best)


def count_distinct(xs: list[int]) -> int:
    """How many different values the list holds."""
    return len(set(xs))


def singleton(v: int) -> list[int]:
    """A list holding just v."""
    return [v]


def replicate(v: int, n: int) -> list[int]:
    """v repeated n times (at most 1000)."""
    return [v] * max(0, min(n, 1000))


def sort_by_frequency(xs: list[int]) -> list[int]:
    """Distinct values from most to least frequent (first seen first on ties)."""
    counts = Counter(xs)
    order = list(dict.fromkeys(xs))
    return sorted(order, key=lambda x: (-counts[x], order.index(x)))


def positions_of(xs: list[int], v: int) -> list[int]:
    """The positions where v occurs."""
    return [i for i, x in enumerate(xs) if x == v]


def flatten(xss: list[list[int]]) -> list[int]:
    """Concatenate a list of lists."""
    return [x for xs in xss for x in xs]
