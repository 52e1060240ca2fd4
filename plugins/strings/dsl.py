"""The strings domain's λ-DSL: FlashFill/BUSTLE-style text operations for the value search.

Substrings by position (Excel's LEFT/RIGHT/MID as Python slices with negative positions)
and by token (the k-th word, number or run of letters, the k-th field between delimiters,
the text before or after a delimiter), concatenation, case, trimming, replacement,
digits/letters only, numbers as text, conditionals on a pattern, and a few list operations
(split, join, map) for "do this to every word". Positions and counts may be negative
(counting from the end), as in Python and FlashFill's position expressions.

Each implementation works on the engine's immutable values (lists are tuples) and is tiny:
the search calls it millions of times. Token extraction is total (a missing token is the
empty string, as in SyGuS and the strings primitives module) so that conditionals can
combine branches that fail on some examples; degenerate arguments (an empty delimiter or
pattern) raise, which gives the term no value and keeps it out of the bank. The Python
templates call the public functions of :mod:`inductor_plugins.strings.primitives` (globals
of every verified program) where one exists; the two agree wherever the implementation gives
a value. Only the standard library and :mod:`inductor.dsl.core` are imported: the sandbox
loads this module as source.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from inductor.dsl.core import BOOL, INT, STR, Primitive, fn_of, list_of

__all__ = ["PRIMITIVES", "DOMAIN", "constants"]

DOMAIN = "strings"

LS = list_of(STR)

#: Longest string a primitive makes (padding, repetition): longer raises.
MAX_MADE = 1000

_NUMBERS = re.compile(r"[0-9]+").findall
_LETTERS = re.compile(r"[^\W\d_]+").findall
_CAPITALS = re.compile(r"[A-Z]+").findall
_TOKENS = re.compile(r"[^\W\d_]+|\d+|[\W_]+").findall


def _nth(find: Callable[[str], list[str]]) -> Callable[[str, int], str]:
    def nth(s: str, k: int) -> str:
        found = find(s)
        return found[k] if -len(found) <= k < len(found) else ""

    return nth


def _word(s: str, k: int) -> str:
    ws = s.split()
    return ws[k] if -len(ws) <= k < len(ws) else ""


def _field(s: str, sep: str, k: int) -> str:
    if not sep:
        raise ValueError("empty delimiter")
    parts = s.split(sep)
    return parts[k] if -len(parts) <= k < len(parts) else ""


def _before(s: str, sep: str) -> str:
    if not sep:
        raise ValueError("empty delimiter")
    return s.split(sep, 1)[0]


def _after(s: str, sep: str) -> str:
    if not sep:
        raise ValueError("empty delimiter")
    i = s.find(sep)
    return s[i + len(sep):] if i >= 0 else ""


def _replace(s: str, old: str, new: str) -> str:
    if not old:
        raise ValueError("empty pattern")
    return s.replace(old, new)


def _replace_first(s: str, old: str, new: str) -> str:
    if not old:
        raise ValueError("empty pattern")
    return s.replace(old, new, 1)


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _letters(s: str) -> str:
    return "".join(c for c in s if c.isalpha())


def _pad(s: str, width: int) -> str:
    if width > MAX_MADE:
        raise ValueError("too wide")
    return s.zfill(width)


def _split(s: str, sep: str) -> tuple[str, ...]:
    if not sep:
        raise ValueError("empty delimiter")
    return tuple(s.split(sep))


def _introduced(texts: list[str], out: str) -> set[str]:
    """Tokens of ``out`` in none of ``texts``; a run of letters or digits also with the
    separators beside it."""
    toks = _TOKENS(out)
    found: set[str] = set()
    for i, tok in enumerate(toks):
        if any(tok in a for a in texts):
            continue
        found.add(tok)
        if tok[0].isalnum():
            left = toks[i - 1] if i > 0 and not toks[i - 1][0].isalnum() else ""
            right = toks[i + 1] if i + 1 < len(toks) and not toks[i + 1][0].isalnum() else ""
            found |= {left + tok, tok + right, left + tok + right}
    return found


def _replaced(texts: list[str], out: str) -> set[str]:
    """Both sides of each change from the input closest to ``out`` (a diff of tokens), also
    with the separator before them when it is kept."""
    out_toks = _TOKENS(out)
    best = None
    for a in texts:
        m = difflib.SequenceMatcher(None, _TOKENS(a), out_toks, autojunk=False)
        if best is None or m.ratio() > best.ratio():
            best = m
    found: set[str] = set()
    if best is None:
        return found
    a_toks = best.a
    for op, i1, i2, j1, j2 in best.get_opcodes():
        if op != "replace":
            continue
        old, new = "".join(a_toks[i1:i2]), "".join(out_toks[j1:j2])
        found |= {old, new}
        before = a_toks[i1 - 1] if i1 > 0 else ""
        if before and j1 > 0 and before == out_toks[j1 - 1] and not before[0].isalnum():
            found |= {before + old, before + new}
    return found


def _separators(inputs: Any) -> list[str]:
    """Runs of characters other than letters and digits that occur in every value of an input
    column, and their single characters that stand alone there somewhere."""
    found: list[str] = []
    for col in (zip(*inputs) if inputs else ()):
        if not col or not all(type(v) is str for v in col):
            continue
        common: set[str] | None = None
        alone: set[str] = set()
        for v in col:
            runs = {t for t in _TOKENS(v) if not t[0].isalnum()}
            alone |= runs
            here = runs | {c for t in runs for c in t}
            common = here if common is None else common & here
        for t in sorted(common or (), key=lambda t: (len(t), t)):
            if (len(t) > 1 or t in alone) and t not in found:
                found.append(t)
    return found


def constants(inputs: Any, outputs: Any, limit: int = 12) -> list[Any]:
    """Texts and separators the examples suggest (in the engine's form), most common first.

    Texts a program must introduce: tokens of an output (runs of letters and digits, runs of
    other characters) that occur in none of its example's inputs, a run of letters or digits
    also with the separators beside it (``", USA"``, ``"Dr. "``), and both sides of the
    changes a diff of tokens finds between an output and its closest input (``"-"`` and
    ``") "``). Each counts once per example and is kept when two examples show it (or the only
    one does), unless a longer text containing it is shown as often. Then the separators that
    occur in every value of an input (where texts are split or replaced).
    """
    counts: dict[str, int] = {}
    n = 0
    for args, out in zip(inputs, outputs):
        if type(out) is not str:
            continue
        n += 1
        texts = [a for a in args if type(a) is str]
        for t in _introduced(texts, out) | _replaced(texts, out):
            if t:
                counts[t] = counts.get(t, 0) + 1
    need = 1 if n <= 1 else 2
    kept = [t for t, c in counts.items() if c >= need
            and not any(t != u and t in u and counts[u] >= c for u in counts)]
    found: list[Any] = sorted(kept, key=lambda t: (-counts[t], len(t), t))[: limit * 2 // 3]
    for t in _separators(inputs):
        if len(found) >= limit:
            break
        if t not in found:
            found.append(t)
    return found


PRIMITIVES = [
    # building text
    Primitive("concat", (STR, STR), STR, lambda a, b: a + b, "{a} followed by {b}", "({0} + {1})", ("a", "b")),
    Primitive("concat3", (STR, STR, STR), STR, lambda a, b, c: a + b + c, "{a}, {b} and {c} joined", "({0} + {1} + {2})", ("a", "b", "c")),
    Primitive("if", (BOOL, STR, STR), STR, lambda c, a, b: a if c else b, "{a} if {c}, else {b}",
              "({1} if {0} else {2})", ("c", "a", "b")),
    # substrings by position (negative positions count from the end)
    Primitive("first", (STR,), STR, lambda s: s[:1], "the first character of {s}", "{0}[:1]", ("s",)),
    Primitive("take", (STR, INT), STR, lambda s, n: s[:n], "the first {n} characters of {s}", "{0}[:{1}]",
              ("s", "n")),
    Primitive("drop", (STR, INT), STR, lambda s, n: s[n:], "{s} without its first {n} characters", "{0}[{1}:]",
              ("s", "n")),
    # substrings by token
    Primitive("word", (STR, INT), STR, _word, "word {k} of {s}", "word({0}, {1})", ("s", "k")),
    Primitive("number", (STR, INT), STR, _nth(_NUMBERS), "number {k} (a run of digits) of {s}",
              "nth_number({0}, {1})", ("s", "k")),
    Primitive("alpha", (STR, INT), STR, _nth(_LETTERS), "run of letters {k} of {s}",
              "nth_letters({0}, {1})", ("s", "k")),
    Primitive("field", (STR, STR, INT), STR, _field, "field {k} of {s} split on {sep}", "split_part({0}, {1}, {2})",
              ("s", "sep", "k")),
    Primitive("before", (STR, STR), STR, _before, "the part of {s} before the first {sep}",
              "before({0}, {1})", ("s", "sep")),
    Primitive("after", (STR, STR), STR, _after, "the part of {s} after the first {sep}", "after({0}, {1})",
              ("s", "sep")),
    # rewriting
    Primitive("replace", (STR, STR, STR), STR, _replace, "{s} with every {old} replaced by {new}",
              "replace({0}, {1}, {2})", ("s", "old", "new")),
    Primitive("replace_first", (STR, STR, STR), STR, _replace_first, "{s} with the first {old} replaced by {new}",
              "replace_first({0}, {1}, {2})", ("s", "old", "new")),
    Primitive("upper", (STR,), STR, str.upper, "{s} in upper case", "{0}.upper()", ("s",)),
    Primitive("lower", (STR,), STR, str.lower, "{s} in lower case", "{0}.lower()", ("s",)),
    Primitive("title", (STR,), STR, str.title, "{s} with every word capitalized", "{0}.title()", ("s",)),
    Primitive("strip", (STR,), STR, str.strip, "{s} without surrounding spaces", "{0}.strip()", ("s",)),
    Primitive("digits", (STR,), STR, _digits, "the digits of {s}", "digits({0})", ("s",)),
    Primitive("letters", (STR,), STR, _letters, "the letters of {s}", "letters({0})", ("s",)),
    # numbers
    Primitive("length", (STR,), INT, len, "the length of {s}", "len({0})", ("s",)),
    Primitive("find", (STR, STR), INT, lambda s, sub: s.find(sub), "the position of the first {sub} in {s}",
              "{0}.find({1})", ("s", "sub")),
    Primitive("str", (INT,), STR, str, "{n} as text", "str({0})", ("n",)),
    Primitive("pad", (STR, INT), STR, _pad, "{s} padded with zeros to {n} characters", "{0}.zfill({1})",
              ("s", "n")),
    # tests
    Primitive("contains", (STR, STR), BOOL, lambda s, sub: sub in s, "{s} contains {sub}", "({1} in {0})",
              ("s", "sub")),
    Primitive("starts_with", (STR, STR), BOOL, lambda s, p: s.startswith(p), "{s} starts with {p}",
              "{0}.startswith({1})", ("s", "p")),
    Primitive("ends_with", (STR, STR), BOOL, lambda s, p: s.endswith(p), "{s} ends with {p}",
              "{0}.endswith({1})", ("s", "p")),
    # lists of strings
    Primitive("words", (STR,), LS, lambda s: tuple(s.split()), "the words of {s}", "{0}.split()", ("s",)),
    Primitive("numbers", (STR,), LS, lambda s: tuple(_NUMBERS(s)), "the numbers (runs of digits) in {s}",
              "numbers({0})", ("s",)),
    Primitive("split", (STR, STR), LS, _split, "{s} split on {sep}", "{0}.split({1})", ("s", "sep")),
    Primitive("join", (LS, STR), STR, lambda parts, sep: sep.join(parts), "{parts} joined with {sep}",
              "{1}.join({0})", ("parts", "sep")),
    Primitive("map", (fn_of((STR,), STR), LS), LS, lambda f, xs: tuple(map(f, xs)),
              "apply {f} to each of {xs} | {f[each of {xs}]}", "[{0:body} for {0:v0} in {1}]", ("f", "xs")),
]
