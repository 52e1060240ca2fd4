from __future__ import annotations

import re

import pytest

from inductor_plugins.strings.sygus import Str, SygusError, read_problem, tokenize


def test_string_escapes_as_sygus_writes_them():
    toks = tokenize('"say ""hi""" "\\u{48}\\u0069" ; a comment\n"a;b"')
    assert toks == [Str('say "hi"'), Str("Hi"), Str("a;b")]


def test_examples_with_ints_bools_and_negative_numbers():
    problem = read_problem("""
        (set-logic SLIA)
        (synth-fun g ((s String) (n Int) (b Bool)) String)
        (constraint (= (g "ab" 2 true) "abab"))
        (constraint (= "x" (g "x" (- 1) false)))
    """)
    assert problem.name == "g" and problem.arg_names == ["s", "n", "b"]
    assert problem.arg_sorts == ["String", "Int", "Bool"]
    assert problem.examples == [(("ab", 2, True), "abab"), (("x", -1, False), "x")]


@pytest.mark.parametrize("text,message", [
    ('(synth-fun f ((a String)) String)', "no (constraint"),
    ('(synth-fun f ((a String)) String) (constraint (= (f "a" "b") "c"))', "gives 2 arguments"),
    ('(synth-fun f ((a String)) String) (constraint (= (h "a") "c"))', "does not apply f"),
    ('(synth-fun f ((a String)) String) (constraint (= (f "a) "c"))', "unterminated"),
])
def test_malformed_problems_say_why(text, message):
    with pytest.raises(SygusError, match=re.escape(message)):
        read_problem(text)
