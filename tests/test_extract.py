"""Code extraction on messy, real-looking model outputs."""

from __future__ import annotations

import ast

import pytest

from inductor.extract import extract_code

PREFIX = 'def f(x: list[int]) -> list[int]:\n    """\n    >>> f([1, 2])\n    [2, 1]\n    """\n    '

# (model text, prefix, expected source or None, the function the result must define)
CASES = {
    "plain continuation": ("return x[::-1]\n", PREFIX, PREFIX + "return x[::-1]\n"),
    "continuation with trailing print": (
        "return x[::-1]\n\nprint(f([1, 2, 3]))\nassert f([1]) == [1]\n", PREFIX, PREFIX + "return x[::-1]\n"),
    "continuation, several lines": (
        "out = []\n    for v in x:\n        out.insert(0, v)\n    return out\n", PREFIX,
        PREFIX + "out = []\n    for v in x:\n        out.insert(0, v)\n    return out\n"),
    "continuation cut mid-line": (
        "out = sorted(x)\n    return [v for v in out if v >", PREFIX, PREFIX + "out = sorted(x)\n"),
    "continuation then fence and prose": (
        "return sorted(x)\n```\nThis sorts the list.", PREFIX, PREFIX + "return sorted(x)\n"),
    "chat answer in a fence": (
        "Sure! Here is the function:\n\n```python\ndef f(x):\n    return x[1:]\n```\n\nIt drops the head.",
        "", "def f(x):\n    return x[1:]\n"),
    "fence without language": ("```\ndef f(s):\n    return s.upper()\n```", "", "def f(s):\n    return s.upper()\n"),
    "unclosed fence": ("```python\ndef f(s):\n    return s.lower()\n", "", "def f(s):\n    return s.lower()\n"),
    "prose before and after, no fence": (
        "To solve this we reverse.\ndef f(x):\n    return x[::-1]\nThat is all.", "", "def f(x):\n    return x[::-1]\n"),
    "body not indented": ("def f(x):\nreturn sorted(x)\n\nf([3, 1])\n", "", "def f(x):\n    return sorted(x)\n"),
    "several defs with a helper and an import": (
        "import math\ndef helper(v):\n    return v * 2\ndef f(x):\n    return [helper(v) for v in x]\n",
        "", "import math\n\ndef helper(v):\n    return v * 2\n\ndef f(x):\n    return [helper(v) for v in x]\n"),
    "doctest lines after the function": (
        "def f(x):\n    return x\n>>> f([1])\n[1]\n", "", "def f(x):\n    return x\n"),
    "main guard": ("def f(x):\n    return x\n\nif __name__ == '__main__':\n    print(f(1))\n", "", "def f(x):\n    return x\n"),
    "chat special tokens": ("<|im_start|>assistant\ndef f(s):\n    return s<|im_end|>", "", "def f(s):\n    return s\n"),
    "tabs": ("def f(x):\n\treturn x[0]\n", "", "def f(x):\n    return x[0]\n"),
    "decorated helper": ("import functools\n@functools.cache\ndef g(n):\n    return n\ndef f(x):\n    return g(x)\n", "",
                         "import functools\n\n@functools.cache\ndef g(n):\n    return n\n\ndef f(x):\n    return g(x)\n"),
    "multi-line constant kept": ("TABLE = [\n1, 2,\n]\ndef f(x):\n    return TABLE\n", "",
                                 "TABLE = [\n1, 2,\n]\n\ndef f(x):\n    return TABLE\n"),
    "prose instead of a body": ("I do not know how.", PREFIX, None),
    "no code at all": ("I am not able to solve this task.", "", None),
    "only a call": ("print(sorted([3, 1]))", "", None),
    "empty": ("", "", None),
    "broken beyond repair": ("def f(x:\n    return", "", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_extraction(name):
    text, prefix, expected = CASES[name]
    got = extract_code(text, prefix)
    assert got == expected, (name, got)
    if got is not None:
        assert any(isinstance(n, ast.FunctionDef) for n in ast.parse(got).body)


def test_extraction_never_raises_on_garbage():
    for text in ["\x00\x01", "def" * 1000, "(" * 5000, "def f(x):\n" + "    (\n" * 300, "```" * 7]:
        result = extract_code(text)
        assert result is None or isinstance(result, str)
