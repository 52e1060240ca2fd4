"""Fine-tuning: pairs in the proposer's format, a tiny LoRA run that changes and loads back."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from inductor.cli import cli
from inductor.prompts import Prompts
from inductor.store import Function, Library
from inductor.tasks import Example, Task
from inductor.train import (
    PromptFormat,
    body_continuation,
    called_names,
    inline_defaults,
    library_pairs,
    pick_helpers,
    prompt_format,
    render_pair,
)


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
    from inductor.models import load_embedded

    lib = tmp_path / "lib"
    dreamed = tmp_path / "dreamed.jsonl"
    assert CliRunner().invoke(cli, ["dream", "strings", "-n", "2", "--out", str(dreamed)]).exit_code == 0
    res = CliRunner().invoke(cli, ["train", "--steps", "2", "--batch", "1", "--rank", "2", "--max-tokens", "96",
                                   "--dreams", "3", "--domains", "lists", "--dreams-file", str(dreamed),
                                   "--from-library", str(lib)])
    assert res.exit_code == 0, res.output
    assert f"2 pairs from {dreamed}" in res.output
    adapter = lib / "adapter"
    assert (adapter / "adapter_model.safetensors").is_file()
    info = json.loads((adapter / "inductor-train.json").read_text())
    assert info["steps"] == 2 and info["pairs"] >= 5
    assert info["prompt"] == {"shots": 0, "max_helpers": 8} and prompt_format(adapter) == PromptFormat()
    card = (adapter / "README.md").read_text()
    assert card.startswith("# inductor adapter") and "2 of 2 steps" in card
    assert info["command"] == (f"inductor train --steps 2 --batch 1 --rank 2 --max-tokens 96 --from-library {lib} "
                               f"--dreams 3 --dreams-file {dreamed} --domains lists") and info["command"] in card
    from inductor.models.embedded import EmbeddedSettings

    base = load_embedded(EmbeddedSettings(quantize="none", adapter="none"))
    tuned = load_embedded(EmbeddedSettings(quantize="none", adapter=str(adapter)))
    assert tuned.adapter == str(adapter) and not base.adapter
    assert tuned.prompt_format == PromptFormat() and base.prompt_format is None
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
    (tmp_path / "inductor.toml").write_text('[model]\nmax_new_tokens = 12\n[model.smollm2]\nquantize = "none"\n')
    res = CliRunner().invoke(cli, ["bench", "model", "--adapter", str(adapter), "--tasks", str(held_out),
                                   "--per-task", "2", "--json"])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    assert figures["base"]["samples"] == figures["tuned"]["samples"] == 4
    assert figures["tuned"]["model"].startswith("smollm2+") and figures["base"]["model"] == "smollm2"
    # Each prompted as the proposer would: the base with solved examples, the tuned as trained.
    assert figures["base"]["prompt"]["shots"] == 2 and figures["tuned"]["prompt"] == {"shots": 0, "max_helpers": 8}


def test_train_refuses_when_there_is_nothing_to_learn_from(tmp_path):
    res = CliRunner().invoke(cli, ["train", "--dreams", "0", "--from-library", str(tmp_path / "empty")])
    assert res.exit_code == 1 and "no training pairs" in res.output and "Traceback" not in res.output


def test_a_training_prompt_lists_the_helpers_its_program_calls(plugins):
    from inductor.prompts import helpers_from_module

    program = "def f(x):\n    return take_last(sort_desc(x), 2)\n"
    assert called_names(program) == {"take_last", "sort_desc", "f"} - {"f"}
    helpers = [h for m in plugins.primitives("lists") for h in helpers_from_module(m)]
    task = Task("t", [Example(([3, 1, 2],), [2, 1])], domain="lists")
    import random

    drawn = [pick_helpers(helpers, task, 4, include=called_names(program), rng=random.Random(s)) for s in range(5)]
    for listed in drawn:
        names = [h.name for h in listed]
        assert len(names) == 4 and {"take_last", "sort_desc"} <= set(names)
    assert len({tuple(h.name for h in listed) for listed in drawn}) > 1  # the others vary from pair to pair
    # Without a draw, the best ranked fill the list (what the proposer shows at run time).
    assert pick_helpers(helpers, task, 3) == pick_helpers(helpers, task, 3)
    pair = render_pair(task, program, "dream", prompts=Prompts(), plugins=plugins, fmt=PromptFormat(0, 3))
    listed = [line for line in pair.prompt.splitlines() if line.startswith("#   ")]
    assert len(listed) == 3 and any("sort_desc(" in line for line in listed)
    assert ">>> " not in pair.prompt.split("def f(")[0]  # no solved examples before the task with shots = 0


def test_a_tuned_model_is_prompted_in_the_format_it_was_trained_on(tmp_path, monkeypatch):
    from inductor.app import App

    monkeypatch.chdir(tmp_path)
    app = App(None, ())

    class Tuned:
        prompt_format = PromptFormat(shots=0, max_helpers=5)

    with app.sandbox() as sandbox:
        tuned = app.induction(sandbox, Tuned(), None)
        plain = app.induction(sandbox, object(), None)
    assert (tuned.shots, tuned.max_helpers) == (0, 5)
    assert (plain.shots, plain.max_helpers) == (app.settings.run.shots, app.settings.run.max_helpers)
    assert prompt_format(tmp_path) is None  # no adapter here: the configured format


def test_train_names_the_line_of_a_broken_dreams_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task": {"train": []}, "program": "def f(x):\\n    return x\\n"}\n{"nope": 1}\n')
    res = CliRunner().invoke(cli, ["train", "--dreams", "0", "--dreams-file", str(bad),
                                   "--from-library", str(tmp_path / "empty")])
    assert res.exit_code == 1 and f"{bad}:" in res.output and "Traceback" not in res.output
