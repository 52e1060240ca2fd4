"""Primitives for programs over strings (SyGuS-style text transformations).

Small, pure, total functions: out-of-range positions and missing substrings give an
empty string or -1 rather than an exception. Only the standard library is imported:
this module is loaded into the sandbox's worker processes by file path.
"""

from __future__ import annotations

import re

__all__ = [
    "concat", "concat3", "length", "char_at", "substr", "slice_str", "find", "rfind", "find_from",
    "before", "after", "before_last", "after_last", "between", "split", "split_part", "words",
    "word", "first_word", "last_word", "join", "replace", "replace_first", "upper", "lower",
    "capitalize", "title", "strip", "prefix", "suffix", "starts_with", "ends_with", "contains",
    "digits", "letters", "regex_find", "regex_findall", "regex_sub", "initials", "int_to_str",
    "str_to_int", "repeat_str", "reverse_str", "pad_left", "count_sub", "if_contains",
    "nth_number", "nth_letters", "numbers",
]


def concat(a: str, b: str) -> str:
    """a followed by b."""
    return a + b


def concat3(a: str, b: str, c: str) -> str:
    """a, b and c joined together."""
    return a + b + c


def length(s: str) -> int:
    """The number of characters."""
    return len(s)


def char_at(s: str, i: int) -> str:
    """The character at position i (negative counts from the end), or "" when out of range."""
    return s[i] if -len(s) <= i < len(s) else ""


def substr(s: str, start: int, n: int) -> str:
    """n characters from position start (SyGuS ``str.substr``), "" when out of range."""
    if start < 0 or n < 0 or start > len(s):
        return ""
    return s[start:start + n]


def slice_str(s: str, i: int, j: int) -> str:
    """Characters from position i up to (not including) j; negatives count from the end."""
    return s[i:j]


def find(s: str, sub: str) -> int:
    """Position of the first occurrence of sub, or -1."""
    return s.find(sub)


def rfind(s: str, sub: str) -> int:
    """Position of the last occurrence of sub, or -1."""
    return s.rfind(sub)


def find_from(s: str, sub: str, start: int) -> int:
    """Position of the first sub at or after start, or -1 (SyGuS ``str.indexof``)."""
    return s.find(sub, start) if start >= 0 else -1


def before(s: str, sep: str) -> str:
    """The part before the first sep (all of s when sep is absent)."""
    return s.split(sep, 1)[0] if sep else s


def after(s: str, sep: str) -> str:
    """The part after the first sep ("" when sep is absent)."""
    i = s.find(sep) if sep else -1
    return s[i + len(sep):] if i >= 0 else ""


def before_last(s: str, sep: str) -> str:
    """The part before the last sep (all of s when sep is absent)."""
    i = s.rfind(sep) if sep else -1
    return s[:i] if i >= 0 else s


def after_last(s: str, sep: str) -> str:
    """The part after the last sep (all of s when sep is absent)."""
    i = s.rfind(sep) if sep else -1
    return s[i + len(sep):] if i >= 0 else s


def between(s: str, left: str, right: str) -> str:
    """The text between the first left and the next right ("" when either is missing)."""
    i = s.find(left)
    if i < 0:
        return ""
    i += len(left)
    j = s.find(right, i)
    return s[i:j] if j >= 0 else ""


def split(s: str, sep: str) -> list[str]:
    """Split on sep (on runs of whitespace when sep is "")."""
    return s.split(sep) if sep else s.split()


def split_part(s: str, sep: str, i: int) -> str:
    """The i-th field when s is split on sep (negative counts from the end; "" if missing)."""
    parts = split(s, sep)
    return parts[i] if -len(parts) <= i < len(parts) else ""


def words(s: str) -> list[str]:
    """The whitespace-separated words."""
    return s.split()


def word(s: str, i: int) -> str:
    """The i-th word (negative counts from the end), or ""."""
    ws = s.split()
    return ws[i] if -len(ws) <= i < len(ws) else ""


def first_word(s: str) -> str:
    """The first whitespace-separated word."""
    return word(s, 0)


def last_word(s: str) -> str:
    """The last whitespace-separated word."""
    return word(s, -1)


def join(parts: list[str], sep: str) -> str:
    """The parts joined with sep between them."""
    return sep.join(parts)


def replace(s: str, old: str, new: str) -> str:
    """Every occurrence of old replaced by new."""
    return s.replace(old, new) if old else s


def replace_first(s: str, old: str, new: str) -> str:
    """The first occurrence of old replaced by new (SyGuS ``str.replace``)."""
    return s.replace(old, new, 1) if old else s


def upper(s: str) -> str:
    """All letters in upper case."""
    return s.upper()


def lower(s: str) -> str:
    """All letters in lower case."""
    return s.lower()


def capitalize(s: str) -> str:
    """First character upper case, the rest lower case."""
    return s.capitalize()


def title(s: str) -> str:
    """Every word capitalized."""
    return s.title()


def strip(s: str) -> str:
    """Leading and trailing whitespace removed."""
    return s.strip()


def prefix(s: str, n: int) -> str:
    """The first n characters."""
    return s[: max(n, 0)]


def suffix(s: str, n: int) -> str:
    """The last n characters."""
    return s[len(s) - n:] if n > 0 else ""


def starts_with(s: str, p: str) -> bool:
    """Whether s begins with p."""
    return s.startswith(p)


def ends_with(s: str, p: str) -> bool:
    """Whether s ends with p."""
    return s.endswith(p)


def contains(s: str, sub: str) -> bool:
    """Whether sub occurs in s."""
    return sub in s


def digits(s: str) -> str:
    """Only the digit characters of s."""
    return "".join(c for c in s if c.isdigit())


def letters(s: str) -> str:
    """Only the letters of s."""
    return "".join(c for c in s if c.isalpha())


def regex_find(s: str, pattern: str) -> str:
    """The first match of a regular expression ("" when none; group 1 when the pattern has groups)."""
    try:
        m = re.search(pattern, s)
    except re.error:
        return ""
    if not m:
        return ""
    return m.group(1) if m.groups() else m.group(0)


def regex_findall(s: str, pattern: str) -> list[str]:
    """All non-overlapping matches of a regular expression."""
    try:
        return [m if isinstance(m, str) else m[0] for m in re.findall(pattern, s)]
    except re.error:
        return []


def regex_sub(s: str, pattern: str, repl: str) -> str:
    """Replace every match of a regular expression."""
    try:
        return re.sub(pattern, repl, s)
    except re.error:
        return s


def initials(s: str, sep: str = "") -> str:
    """The first letter of each word, joined by sep."""
    return sep.join(w[0] for w in s.split())


def int_to_str(n: int) -> str:
    """Decimal text of n."""
    return str(n)


def str_to_int(s: str) -> int:
    """The integer s spells, or -1 when it is not all digits (SyGuS ``str.to.int``)."""
    return int(s) if s.isdigit() and len(s) < 100 else -1


def repeat_str(s: str, n: int) -> str:
    """s repeated n times (at most 100)."""
    return s * max(0, min(n, 100))


def reverse_str(s: str) -> str:
    """The characters in reverse order."""
    return s[::-1]


def pad_left(s: str, width: int, fill: str = "0") -> str:
    """s padded on the left with fill to at least width characters."""
    return s.rjust(min(width, 1000), fill[:1] or " ")


def count_sub(s: str, sub: str) -> int:
    """How many non-overlapping times sub occurs."""
    return s.count(sub) if sub else 0


def if_contains(s: str, sub: str, then: str, otherwise: str) -> str:
    """then if sub occurs in s, else otherwise."""
    return then if sub in s else otherwise


_NUMBER_RUNS = re.compile(r"[0-9]+")
_LETTER_RUNS = re.compile(r"[^\W\d_]+")


def nth_number(s: str, k: int) -> str:
    """The k-th run of digits 0-9 (negative counts from the end), or "" when there is none."""
    runs = _NUMBER_RUNS.findall(s)
    return runs[k] if -len(runs) <= k < len(runs) else ""


def nth_letters(s: str, k: int) -> str:
    """The k-th run of letters (negative counts from the end), or "" when there is none."""
    runs = _LETTER_RUNS.findall(s)
    return runs[k] if -len(runs) <= k < len(runs) else ""


def numbers(s: str) -> list[str]:
    """Every run of digits 0-9, in order."""
    return _NUMBER_RUNS.findall(s)
