"""Registers the built-in embedders: minilm (all-MiniLM-L6-v2, embedded) and hash (no model)."""

from __future__ import annotations

from inductor.hookspecs import hookimpl


def _minilm(**options):
    from inductor.index import SentenceEmbedder

    return SentenceEmbedder(**options)


def _hash(**options):
    from inductor.index import HashEmbedder

    return HashEmbedder(**options)


@hookimpl
def inductor_register_embedders(register):
    register("minilm", _minilm)
    register("hash", _hash)
