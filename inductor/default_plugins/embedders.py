"""Registers the built-in embedders: minilm (all-MiniLM-L6-v2, embedded, run without torch),
minilm-torch (the same model through sentence-transformers) and hash (no model)."""

from __future__ import annotations

from inductor.hookspecs import hookimpl


def _minilm(**options):
    from inductor.index import MiniLMEmbedder, SentenceEmbedder

    if options.get("device", "cpu") != "cpu":  # only sentence-transformers runs on an accelerator
        return SentenceEmbedder(**options)
    return MiniLMEmbedder(options.get("path"))


def _minilm_torch(**options):
    from inductor.index import SentenceEmbedder

    return SentenceEmbedder(**options)


def _hash(**options):
    from inductor.index import HashEmbedder

    return HashEmbedder(**options)


@hookimpl
def inductor_register_embedders(register):
    register("minilm", _minilm)
    register("minilm-torch", _minilm_torch)
    register("hash", _hash)
