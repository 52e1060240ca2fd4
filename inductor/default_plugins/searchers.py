"""Registers the built-in search proposer: bottom-up enumeration of typed compositions."""

from __future__ import annotations

from inductor.hookspecs import hookimpl


def _enumerate(sandbox, settings):
    from inductor.search import Enumerator

    return Enumerator(sandbox, max_size=settings.max_size, max_programs=settings.max_programs,
                      seconds=settings.seconds)


@hookimpl
def inductor_register_searchers(register):
    register("enumerate", _enumerate)
