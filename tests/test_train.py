"""Fine-tuning: pairs in the proposer's format, a tiny LoRA run that changes and loads back."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from inductor.cli import cli
from inductor.prompts import Prompts
from inductor.store import Function, Library
from inductor.tasks import Example, Task
from inductor.train import body_continuation, inline_defaults, library_pairs, render_pair


def test_the_target_is_the_body_the_model_writes_after_the_prompt(plugins):
    program = "def f(x):\n    return reverse(x)\n"
    assert body_continuation(program) == " return reverse(x)\n\n"
    assert body_continuation('def f(x):\n    """Doc."""\n    y = x\n    return y\n') == " y = x\n    return y\n\n"
    assert body_continuation("import os\ndef f(x):\n    return x\n") is None
    task = Task("t", [Example(([1, 2],), [2, 1])], domain="lists")
    pair = render_pair(task, program, "dream", prompts=Prompts(), plugins=plugins)
    # Exactly what the proposer sends: the prompt ends where the model starts the body.
    assert pair.prompt.endswith(">>> f([1, 2])\n    [2, 1]\n    \"\"\"\n   ")
    assert pair.prompt + pair.target == pair.prompt + " return reverse(x)\n\n"


def test_library_functions_become_plain_solutions(tmp_path, plugins):
    lib = Library(tmp_path / "lib")
    lib.add(Function(name="put_8", domain="lists", signature="(x: list[int], k: int = 8) -> list[int]",
                     source='def put_8(x: list[int], k: int=8) -> list[int]:\n    """Doc."""\n'
                            "    return replace_at(x, 1, k)\n", examples=[([[9, 1, 7]], [9, 8, 7])]))
    lib.add(Function(name="calls_other", domain="lists", signature="(x: list[int]) -> list[int]",
                     source="def calls_other(x: list[int]) -> list[int]:\n    return put_8(x)\n",
                     examples=[([[9, 1, 7]], [9, 8, 7])]))
    assert inline_defaults(lib.get("put_8")) == "def f(x):\n    return replace_at(x, 1, 8)\n"
    pairs = library_pairs(lib, prompts=Prompts(), plugins=plugins)
    assert [p.target for p in pairs] == [" return replace_at(x, 1, 8)\n\n"]  # not the one calling the library


@pytest.mark.integration
def test_a_tiny_training_run_changes_the_adapter_and_the_proposer_loads_it(tmp_path):
    from inductor.config import ModelSettings
    from inductor.models import load_embedded

    lib = tmp_path / "lib"
    res = CliRunner().invoke(cli, ["train", "--steps", "2", "--batch", "1", "--rank", "2", "--max-tokens", "96",
                                   "--dreams", "3", "--domains", "lists", "--from-library", str(lib)])
    assert res.exit_code == 0, res.output
    adapter = lib / "adapter"
    assert (adapter / "adapter_model.safetensors").is_file()
    info = json.loads((adapter / "inductor-train.json").read_text())
    assert info["steps"] == 2 and info["pairs"] >= 3
    base = load_embedded(ModelSettings(quantize="none", adapter="none"))
    tuned = load_embedded(ModelSettings(quantize="none", adapter=str(adapter)))
    assert tuned.adapter == str(adapter) and not base.adapter
    b = dict(base.model.named_parameters())
    t = dict(tuned.model.named_parameters())
    changed = [n for n in b if "q_proj" in n and not (b[n] == t[n]).all()]
    assert changed  # the LoRA update is merged into the weights
    from inductor.models import SampleParams

    assert len(tuned.sample("def f(x):\n   ", SampleParams(n=2, max_new_tokens=8, seed=1))) == 2
    # The comparison at equal samples per task, base against tuned, in one run.
    import shutil
    from pathlib import Path

    import inductor

    held_out = tmp_path / "held-out"
    held_out.mkdir()
    for name in ("c004.json", "c005.json"):
        shutil.copy(Path(inductor.__file__).parent / "examples" / "demo" / name, held_out / name)
    # float32 and short samples: the comparison's plumbing, not its figures, is under test here
    (tmp_path / "inductor.toml").write_text('[model]\nquantize = "none"\nmax_new_tokens = 12\n')
    res = CliRunner().invoke(cli, ["bench", "model", "--adapter", str(adapter), "--tasks", str(held_out),
                                   "--per-task", "2", "--json"])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    assert figures["base"]["samples"] == figures["tuned"]["samples"] == 4
    assert figures["tuned"]["model"].startswith("smollm2+") and figures["base"]["model"] == "smollm2"


def test_train_refuses_when_there_is_nothing_to_learn_from(tmp_path):
    res = CliRunner().invoke(cli, ["train", "--dreams", "0", "--from-library", str(tmp_path / "empty")])
    assert res.exit_code == 1 and "no training pairs" in res.output and "Traceback" not in res.output
