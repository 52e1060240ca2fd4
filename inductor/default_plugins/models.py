"""Registers the built-in model backends: smollm2 (embedded), hf, openai and fake."""

from __future__ import annotations

import os
from pathlib import Path

from inductor.hookspecs import hookimpl
from inductor.models import FakeModel, ModelError, OpenAIModel, TransformersModel, load_embedded


def _smollm2(arg, settings):
    if arg:
        raise ModelError(f"--model smollm2:{arg}: the embedded model takes no argument")
    return load_embedded(settings)


def _hf(arg, settings):
    if not arg:
        raise ModelError("--model hf: needs a hub id or a local folder, e.g. hf:HuggingFaceTB/SmolLM2-360M-Instruct")
    return TransformersModel.load(arg, device=settings.device)


def _openai(arg, settings):
    model, sep, url = arg.partition("@")
    if not model:
        raise ModelError("--model openai:MODEL[@URL]: name the served model, e.g. openai:qwen@http://host:8000/v1")
    return OpenAIModel(model=model, base_url=url or settings.api_url,
                       api_key=os.environ.get(settings.api_key_env, ""))


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
