"""Exact output comparison, the default a domain plugin may relax."""

from __future__ import annotations

from typing import Any

from inductor.hookspecs import hookimpl


def exact_equal(expected: Any, actual: Any) -> bool:
    """Structural equality on JSON values that, unlike ``==``, tells True from 1 and 1 from 1.0.

    Tuples count as lists: outputs come back from the sandbox as JSON.
    """
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(actual, (list, tuple))
            and len(expected) == len(actual)
            and all(exact_equal(e, a) for e, a in zip(expected, actual))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(exact_equal(v, actual[k]) for k, v in expected.items())
        )
    if type(expected) is not type(actual):
        return False
    return expected == actual


@hookimpl(trylast=True)
def inductor_compare_outputs(task, expected, actual):
    return exact_equal(expected, actual)
