"""Model backends that propose program text, one per module: the embedded default
(:mod:`~inductor.models.embedded`), Hugging Face causal LMs (:mod:`~inductor.models.hf`),
OpenAI-compatible servers (:mod:`~inductor.models.openai`) and a scripted fake for tests
(:mod:`~inductor.models.fake`); what they share is in :mod:`~inductor.models.base`.

Every backend is a :class:`Model`: ``sample(prompt, params)`` returns ``params.n`` continuations
of a completion-style prompt, each cut at the first stop string. Backends are registered by
name through the ``inductor_register_models`` hook; ``--model NAME[:ARG]`` picks one
(``smollm2``, ``hf:ID_OR_PATH``, ``openai:MODEL@URL``, ``fake:FILE.json``).

torch and transformers are imported only when a real model is loaded.
"""

from __future__ import annotations

from inductor.models.base import (
    Model,
    ModelError,
    ModelStats,
    SampleParams,
    cache_root,
    create_model,
    cut_at_stop,
    parse_spec,
)
from inductor.models.embedded import (
    EMBEDDED_GGUF,
    EMBEDDED_PACKAGE,
    convert_gguf,
    converted_dir,
    embedded_gguf,
    load_embedded,
    quantize_int8,
)
from inductor.models.fake import FakeModel
from inductor.models.hf import TOP_K, TransformersModel
from inductor.models.openai import OpenAIModel

__all__ = [
    "EMBEDDED_GGUF", "EMBEDDED_PACKAGE", "TOP_K", "FakeModel", "Model", "ModelError", "ModelStats", "OpenAIModel",
    "SampleParams", "TransformersModel", "cache_root", "convert_gguf", "converted_dir", "create_model",
    "cut_at_stop", "embedded_gguf", "load_embedded", "parse_spec", "quantize_int8",
]
