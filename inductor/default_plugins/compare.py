"""Exact output comparison, the default a domain plugin may relax."""

from __future__ import annotations

from inductor.hookspecs import hookimpl
from inductor.tasks import exact_equal

__all__ = ["exact_equal", "inductor_compare_outputs"]


@hookimpl(trylast=True)
def inductor_compare_outputs(task, expected, actual):
    return exact_equal(expected, actual)
