"""Registers the built-in executors: the sandbox, and a stricter one inside a bare bubblewrap."""

from __future__ import annotations

from inductor.hookspecs import hookimpl


def _sandbox(**options):
    from inductor.sandbox import Sandbox

    return Sandbox(**options)


def _strict(**options):
    """The sandbox's workers inside bubblewrap showing only Python and the system libraries."""
    from inductor.sandbox import Sandbox

    return Sandbox(**{**options, "wrap": "strict"})


@hookimpl
def inductor_register_executors(register):
    register("sandbox", _sandbox)
    register("strict", _strict)
