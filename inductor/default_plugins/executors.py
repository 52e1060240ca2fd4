"""Registers the built-in sandbox executor."""

from __future__ import annotations

from inductor.hookspecs import hookimpl


def _sandbox(**options):
    from inductor.sandbox import Sandbox

    return Sandbox(**options)


@hookimpl
def inductor_register_executors(register):
    register("sandbox", _sandbox)
