"""Registers the built-in search proposers: ``enumerate`` (typed compositions, a sandbox run per
batch of terms) and ``value`` (the λ-DSL enumerated by value inside sandbox workers)."""

from __future__ import annotations

from inductor.hookspecs import hookimpl


def _enumerate(sandbox, settings):
    from inductor.search import Enumerator

    return Enumerator(sandbox, max_size=settings.max_size, max_programs=settings.max_programs,
                      seconds=settings.seconds)


def _value(sandbox, settings):
    from inductor.value_search import ValueSearcher

    # A domain without a λ-DSL still gets the typed compositions of its primitives.
    # Two search processes (the full grammar, its first-order part), one when the sandbox has a
    # single worker (a Ray worker given one core of a shared machine: the full grammar alone).
    return ValueSearcher(sandbox, seconds=settings.seconds, bank_mb=settings.value_bank_mb,
                         workers=min(2, getattr(sandbox, "workers", 2)),
                         memory_mb=settings.value_memory_mb, fallback=_enumerate(sandbox, settings),
                         split_examples=settings.split_examples, split_chance=settings.split_chance,
                         ambiguity_bits=settings.ambiguity_bits, ambiguity_seconds=settings.ambiguity_seconds)


@hookimpl
def inductor_register_searchers(register):
    register("enumerate", _enumerate)
    register("value", _value)
