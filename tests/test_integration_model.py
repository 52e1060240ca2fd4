"""The real embedded model end to end: load, cached reload, batched sampling, and the loop's
extraction and verification of its output on a few bundled tasks. These assert that the path
works, not that the small model solves anything."""

from __future__ import annotations

from pathlib import Path

import pytest

import inductor
from inductor.config import Settings
from inductor.loop import Budget, Induction
from inductor.models import (
    SampleParams,
    TransformersModel,
    converted_dir,
    embedded_gguf,
    load_embedded,
)
from inductor.prompts import STOP, Prompts
from inductor.tasks import LoadOptions, load_folders
from inductor.verify import Verifier

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def model():
    return load_embedded(Settings().model)


@pytest.fixture
def demo_tasks(plugins):
    folder = Path(inductor.__file__).parent / "examples" / "demo"
    tasks = load_folders([folder], plugins.loaders(), LoadOptions(), plugins.detect_domain).tasks
    return {t.id: t for t in tasks}


def test_embedded_model_loads_from_its_package_and_the_cache(model):
    assert isinstance(model, TransformersModel) and model.name == "smollm2"
    cache = converted_dir(embedded_gguf(), Path.home() / ".cache" / "inductor")
    import os

    if not os.environ.get("INDUCTOR_CACHE_DIR") and not os.environ.get("XDG_CACHE_HOME"):
        assert (cache / "config.json").is_file() and list(cache.glob("int8-*.pt"))
    again = load_embedded(Settings().model)  # from the cache this time
    assert again.load_seconds < model.load_seconds or again.load_seconds < 10


def test_batched_sampling_is_reproducible_with_a_seed(model):
    prompt = 'def f(x: list[int]) -> list[int]:\n    """\n    >>> f([1, 2, 3])\n    [3, 2, 1]\n    """\n   '
    params = SampleParams(n=4, max_new_tokens=24, seed=5, stop=STOP, stop_at_top_level=True)
    first = model.sample(prompt, params)
    assert len(first) == 4 and all(isinstance(t, str) for t in first)
    assert model.sample(prompt, params) == first
    assert len(model.sample(prompt, SampleParams(n=1, max_new_tokens=8, seed=1))) == 1


def test_the_loop_extracts_and_verifies_the_models_samples(model, plugins, sandbox, demo_tasks):
    from dataclasses import replace

    settings = replace(Settings().model, max_new_tokens=48)
    induction = Induction(model, Verifier(sandbox, plugins), plugins, prompts=Prompts(),
                          budget=Budget(samples=4, rounds=1, seconds=60, repair_width=1), model_settings=settings)
    for task_id in ("c002", "bikes"):
        res = induction.solve(demo_tasks[task_id])
        assert res.lm_samples >= 4 and res.stopped in ("solved", "rounds", "time")
        assert res.candidates_checked + res.unusable_samples >= 1
        entry = res.to_report()
        assert entry["id"] == task_id and isinstance(entry["train_solved"], bool)
        if res.train_solved:
            assert Verifier(sandbox, plugins).check(demo_tasks[task_id], [res.program])[0]


def test_any_local_hugging_face_folder_loads_through_hf(model, plugins):
    from inductor.models import cache_root, create_model

    folder = converted_dir(embedded_gguf(), cache_root(Settings().model))
    hf = create_model(f"hf:{folder}", plugins.models(), Settings().model)
    assert isinstance(hf, TransformersModel) and hf.name == str(folder)
    assert len(hf.sample("def f(x):\n   ", SampleParams(n=2, max_new_tokens=6, seed=0))) == 2
