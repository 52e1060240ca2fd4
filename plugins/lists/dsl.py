"""The lists domain's λ-DSL: DreamCoder's list primitives and the usual extras.

Each primitive has a signature (``t0``, ``t1``, ``t2`` are type variables), an
implementation that the value search calls directly on example values (in the engine's
immutable form: lists are tuples, and a list-valued implementation returns a tuple), a phrase for names
and docs, and a Python template (see :class:`inductor.dsl.core.Primitive`). The Python
rendering, not the implementation, is what the verifier checks; they agree on every input
where the implementation gives a value. Implementations refuse (raise) where a value would
be unbounded (``range`` of a huge number, ``repeat`` of a huge count). A template whose plain
expression would repeat its list several times calls the function of the domain's primitives
instead (``swap``, ``rotate_left``, ``replace_at``: every verified program's and library
module's globals).
"""

from __future__ import annotations

import functools
from typing import Any

from inductor.dsl.core import BOOL, INT, Primitive, fn_of, list_of

__all__ = ["PRIMITIVES", "DOMAIN", "constants"]

DOMAIN = "lists"

T0, T1, T2 = "t0", "t1", "t2"
LI, L0, L1 = list_of(INT), list_of(T0), list_of(T1)

#: Longest list ``range`` and ``repeat`` make.
MAX_MADE = 1000


def _range(n: int) -> tuple[int, ...]:
    if n > MAX_MADE:
        raise ValueError("range too long")
    return tuple(range(n))


def _repeat(v: Any, n: int) -> tuple[Any, ...]:
    if n > MAX_MADE:
        raise ValueError("repeat too long")
    return (v,) * n


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))


def _count(f: Any, xs: tuple[Any, ...]) -> int:
    return sum(1 for v in xs if f(v))


def _any(f: Any, xs: tuple[Any, ...]) -> bool:
    return any(f(v) for v in xs)


def _all(f: Any, xs: tuple[Any, ...]) -> bool:
    return all(f(v) for v in xs)


def _bool(v: Any) -> Any:
    if type(v) is not bool:
        raise TypeError("a predicate must give a bool")
    return v


def _filter(f: Any, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v for v in xs if _bool(f(v)))


def _unique(xs: tuple[Any, ...]) -> tuple[Any, ...]:
    # The Python (dict.fromkeys) needs hashable elements: lists of lists have none.
    if xs and type(xs[0]) is tuple:
        raise TypeError("unhashable elements")
    return tuple(dict.fromkeys(xs))


def _insert(i: int, v: Any, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    # The slices' meaning: a position past the end appends.
    if i < 0:
        raise IndexError("no negative positions")
    return (*xs[:i], v, *xs[i:])


def _set_at(i: int, v: Any, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    # Replacing the element at a position past the end changes nothing (there is none).
    if i < 0:
        raise IndexError("no negative positions")
    return (*xs[:i], v, *xs[i + 1:]) if i < len(xs) else xs


def _swap(i: int, j: int, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    # i < j: each pair once; like set_at, a position past the end changes nothing.
    if not 0 <= i < j:
        raise IndexError("positions must be 0 <= i < j")
    if j >= len(xs):
        return xs
    return (*xs[:i], xs[j], *xs[i + 1:j], xs[i], *xs[j + 1:])


def _rotate(n: int, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    if not xs:
        return xs
    n %= len(xs)
    return xs[n:] + xs[:n]


def _remove_at(i: int, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    if i < 0:
        raise IndexError("no negative positions")
    return xs[:i] + xs[i + 1:]


def _take_last(n: int, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    if not 0 <= n <= len(xs):
        raise IndexError("no such count")
    return xs[len(xs) - n:]


def _drop_last(n: int, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    if not 0 <= n <= len(xs):
        raise IndexError("no such count")
    return xs[:len(xs) - n]


def _product(xs: tuple[int, ...]) -> int:
    out = 1
    for v in xs:
        out *= v
        if abs(out) > 10**12:
            raise OverflowError("product too large")
    return out


def _flatten(xss: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    return tuple(v for part in xss for v in part)


def _mapi(f: Any, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(map(f, range(len(xs)), xs))


def _filteri(f: Any, xs: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v for i, v in enumerate(xs) if _bool(f(i, v)))


def constants(inputs: Any, outputs: Any) -> list[Any]:
    """The empty list (DreamCoder's ``nil``), from which ``cons`` builds short lists."""
    return [()]


PRIMITIVES = [
    # arithmetic and comparisons
    Primitive("+", (INT, INT), INT, lambda a, b: a + b, "{a} plus {b}", "({0} + {1})"),
    Primitive("-", (INT, INT), INT, lambda a, b: a - b, "{a} minus {b}", "({0} - {1})"),
    Primitive("*", (INT, INT), INT, lambda a, b: a * b, "{a} times {b}", "({0} * {1})"),
    Primitive("//", (INT, INT), INT, lambda a, b: a // b, "{a} divided by {b}, rounded down", "({0} // {1})"),
    Primitive("%", (INT, INT), INT, lambda a, b: a % b, "{a} modulo {b}", "({0} % {1})"),
    Primitive("==", (INT, INT), BOOL, lambda a, b: a == b, "{a} equals {b}", "({0} == {1})"),
    Primitive("<", (INT, INT), BOOL, lambda a, b: a < b, "{a} is less than {b}", "({0} < {1})"),
    Primitive(">", (INT, INT), BOOL, lambda a, b: a > b, "{a} is greater than {b}", "({0} > {1})"),
    Primitive("and", (BOOL, BOOL), BOOL, lambda a, b: a and b, "{a} and {b}", "({0} and {1})"),
    Primitive("or", (BOOL, BOOL), BOOL, lambda a, b: a or b, "{a} or {b}", "({0} or {1})"),
    Primitive("not", (BOOL,), BOOL, lambda a: not a, "not {a}", "(not {0})"),
    Primitive("if", (BOOL, T0, T0), T0, lambda c, a, b: a if c else b, "{a} if {c}, else {b}",
              "({1} if {0} else {2})", ("c", "a", "b")),
    Primitive("is_even", (INT,), BOOL, lambda n: n % 2 == 0, "{n} is even", "({0} % 2 == 0)", ("n",)),
    Primitive("is_odd", (INT,), BOOL, lambda n: n % 2 == 1, "{n} is odd", "({0} % 2 == 1)", ("n",)),
    Primitive("is_prime", (INT,), BOOL, _is_prime, "{n} is prime",
              "(lambda n: n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1)))({0})", ("n",)),
    # lists
    Primitive("length", (L0,), INT, len, "the length of {xs}", "len({0})", ("xs",)),
    Primitive("reverse", (L0,), L0, lambda xs: xs[::-1], "{xs} reversed", "{0}[::-1]", ("xs",)),
    Primitive("sort", (LI,), LI, lambda xs: tuple(sorted(xs)), "{xs} sorted ascending", "sorted({0})", ("xs",)),
    Primitive("unique", (L0,), L0, _unique, "{xs} without repeats (first kept)",
              "list(dict.fromkeys({0}))", ("xs",)),
    Primitive("sum", (LI,), INT, sum, "the sum of {xs}", "sum({0})", ("xs",)),
    Primitive("max", (LI,), INT, max, "the largest element of {xs}", "max({0})", ("xs",)),
    Primitive("min", (LI,), INT, min, "the smallest element of {xs}", "min({0})", ("xs",)),
    Primitive("head", (L0,), T0, lambda xs: xs[0], "the first element of {xs}", "{0}[0]", ("xs",)),
    Primitive("last", (L0,), T0, lambda xs: xs[-1], "the last element of {xs}", "{0}[-1]", ("xs",)),
    Primitive("tail", (L0,), L0, lambda xs: xs[1:], "{xs} without its first element", "{0}[1:]", ("xs",)),
    Primitive("cons", (T0, L0), L0, lambda v, xs: (v, *xs), "{v} followed by {xs} | if {xs} is empty: a singleton list of {v}", "[{0}, *{1}]", ("v", "xs")),
    Primitive("append", (L0, T0), L0, lambda xs, v: (*xs, v), "{xs} followed by {v} | if {xs} is empty: a singleton list of {v}",
              "[*{0}, {1}]", ("xs", "v")),
    Primitive("concat", (L0, L0), L0, lambda xs, ys: xs + ys, "{xs} followed by {ys}", "({0} + {1})", ("xs", "ys")),
    Primitive("take", (INT, L0), L0, lambda n, xs: xs[:n], "the first {n} elements of {xs}", "{1}[:{0}]",
              ("n", "xs")),
    Primitive("drop", (INT, L0), L0, lambda n, xs: xs[n:], "{xs} without its first {n} elements", "{1}[{0}:]",
              ("n", "xs")),
    Primitive("index", (INT, L0), T0, lambda i, xs: xs[i], "the element of {xs} at position {i}", "{1}[{0}]",
              ("i", "xs")),
    Primitive("slice", (INT, INT, L0), L0, lambda i, j, xs: xs[i:j], "the elements of {xs} from position {i} "
              "below {j}", "{2}[{0}:{1}]", ("i", "j", "xs")),
    Primitive("take_last", (INT, L0), L0, _take_last, "the last {n} elements of {xs}", "{1}[len({1}) - {0}:]",
              ("n", "xs")),
    Primitive("drop_last", (INT, L0), L0, _drop_last, "{xs} without its last {n} elements",
              "{1}[:len({1}) - {0}]", ("n", "xs")),
    Primitive("insert", (INT, T0, L0), L0, _insert, "{xs} with {v} inserted at position {i}",
              "{2}[:{0}] + [{1}] + {2}[{0}:]", ("i", "v", "xs")),
    Primitive("set_at", (INT, T0, L0), L0, _set_at, "{xs} with the element at position {i} replaced by {v}",
              "replace_at({2}, {0}, {1})", ("i", "v", "xs")),
    Primitive("swap", (INT, INT, L0), L0, _swap, "{xs} with the elements at positions {i} and {j} exchanged",
              "swap({2}, {0}, {1})", ("i", "j", "xs")),
    Primitive("rotate", (INT, L0), L0, _rotate, "{xs} with its first {n} elements moved to the end",
              "rotate_left({1}, {0})", ("n", "xs")),
    Primitive("remove_at", (INT, L0), L0, _remove_at, "{xs} without the element at position {i}",
              "{1}[:{0}] + {1}[{0} + 1:]", ("i", "xs")),
    Primitive("contains", (T0, L0), BOOL, lambda v, xs: v in xs, "{xs} contains {v}", "({0} in {1})", ("v", "xs")),
    Primitive("index_of", (T0, L0), INT, lambda v, xs: xs.index(v), "the first position of {v} in {xs}",
              "{1}.index({0})", ("v", "xs")),
    Primitive("product", (LI,), INT, _product, "the product of {xs}",
              "functools.reduce(lambda a, b: a * b, {0}, 1)", ("xs",)),
    Primitive("flatten", (list_of(L0),), L0, _flatten, "the lists of {xss} joined end to end",
              "[v for part in {0} for v in part]", ("xss",)),
    Primitive("range", (INT,), LI, _range, "the numbers from 0 below {n}", "list(range({0}))", ("n",)),
    Primitive("repeat", (T0, INT), L0, _repeat, "{v} repeated {n} times", "[{0}] * {1}", ("v", "n")),
    # higher order: a lambda's parameters are $0 (the last) and $1
    Primitive("map", (fn_of((T0,), T1), L0), L1, lambda f, xs: tuple(map(f, xs)),
              "apply {f} to each element of {xs} | {f[each element of {xs}]}", "[{0:body} for {0:v0} in {1}]", ("f", "xs")),
    Primitive("filter", (fn_of((T0,), BOOL), L0), L0, _filter, "the elements of {xs} where {f} | the elements of {xs} where {f[the element]}",
              "[{0:v0} for {0:v0} in {1} if {0:body}]", ("f", "xs")),
    Primitive("count", (fn_of((T0,), BOOL), L0), INT, _count, "how many elements of {xs} satisfy {f} | how many elements of {xs} are such that {f[the element]}",
              "sum(1 for {0:v0} in {1} if {0:body})", ("f", "xs")),
    Primitive("any", (fn_of((T0,), BOOL), L0), BOOL, _any, "some element of {xs} satisfies {f} | {f[some element of {xs}]}",
              "any({0:body} for {0:v0} in {1})", ("f", "xs")),
    Primitive("all", (fn_of((T0,), BOOL), L0), BOOL, _all, "every element of {xs} satisfies {f} | {f[every element of {xs}]}",
              "all({0:body} for {0:v0} in {1})", ("f", "xs")),
    Primitive("mapi", (fn_of((INT, T0), T1), L0), L1, _mapi,
              "apply {f} to each position and element of {xs}",
              "[{0:body} for {0:v0}, {0:v1} in enumerate({1})]", ("f", "xs")),
    Primitive("filteri", (fn_of((INT, T0), BOOL), L0), L0, _filteri,
              "the elements of {xs} whose position and value satisfy {f}",
              "[{0:v1} for {0:v0}, {0:v1} in enumerate({1}) if {0:body}]", ("f", "xs")),
    Primitive("sort_by", (fn_of((T0,), INT), L0), L0, lambda f, xs: tuple(sorted(xs, key=f)), "{xs} sorted by {f} | {xs} sorted by {f[the element]}",
              "sorted({1}, key={0})", ("f", "xs")),
    Primitive("zip_with", (fn_of((T0, T1), T2), L0, L1), list_of(T2),
              lambda f, xs, ys: tuple(map(f, xs, ys)), "combine {xs} and {ys} pairwise with {f} | {f[each element of {xs}|the matching element of {ys}]}",
              "[{0:body} for {0:v0}, {0:v1} in zip({1}, {2})]", ("f", "xs", "ys")),
    Primitive("fold", (L0, T1, fn_of((T1, T0), T1)), T1, lambda xs, init, f: functools.reduce(f, xs, init),
              "fold {xs} from {init} with {f}", "functools.reduce({2}, {0}, {1})", ("xs", "init", "f")),
]
