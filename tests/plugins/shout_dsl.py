"""The test plugin's λ-DSL for the "shout" domain (what the value search enumerates)."""

from __future__ import annotations

from inductor.dsl.core import STR, Primitive

PRIMITIVES = [
    Primitive("upper", (STR,), STR, str.upper, "{s} in capitals", "{0}.upper()", ("s",)),
    Primitive("concat", (STR, STR), STR, lambda a, b: a + b, "{a} then {b}", "({0} + {1})", ("a", "b")),
]


def constants(inputs, outputs):
    """Shouting ends with an exclamation mark."""
    return ["!"]
