"""Registers the built-in model backends: smollm2 (embedded), hf, openai and fake."""

from __future__ import annotations

import os
from pathlib import Path

from inductor.config import BackendSettings
from inductor.hookspecs import hookimpl
from inductor.models import FakeModel, ModelError, OpenAIModel, TransformersModel, load_embedded
from inductor.models.embedded import EmbeddedSettings
from inductor.models.openai import OpenAISettings


def _own(settings, cls):
    """The backend's section of ``settings`` (BackendSettings), or its defaults when none was read."""
    own = getattr(settings, "own", None)
    return own if isinstance(own, cls) else cls()


def _smollm2(arg, settings):
    if arg:
        raise ModelError(f"--model smollm2:{arg}: the embedded model takes no argument")
    return load_embedded(BackendSettings(settings.model, _own(settings, EmbeddedSettings)))


def _hf(arg, settings):
    if not arg:
        raise ModelError("--model hf: needs a hub id or a local folder, e.g. hf:HuggingFaceTB/SmolLM2-360M-Instruct")
    return TransformersModel.load(arg, device=settings.device)


def _openai(arg, settings):
    model, sep, url = arg.partition("@")
    if not model:
        raise ModelError("--model openai:MODEL[@URL]: name the served model, e.g. openai:qwen@http://host:8000/v1")
    own = _own(settings, OpenAISettings)
    return OpenAIModel(model=model, base_url=url or own.api_url, api_key=os.environ.get(own.api_key_env, ""),
                       timeout=own.timeout, max_concurrency=own.max_concurrency, retries=own.retries,
                       backoff=own.backoff)


def _fake(arg, settings):
    if not arg:
        raise ModelError("--model fake:FILE.json: needs a JSON list of continuations")
    return FakeModel.from_file(Path(arg))


@hookimpl
def inductor_register_models(register):
    register("smollm2", _smollm2)
    register("hf", _hf)
    register("openai", _openai)
    register("fake", _fake)


@hookimpl
def inductor_register_settings(register):
    register("model.smollm2", EmbeddedSettings)
    register("model.openai", OpenAISettings)
