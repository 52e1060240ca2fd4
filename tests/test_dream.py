"""Dreaming: random compositions become verified (examples -> program) pairs; relabeling."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from inductor.cli import cli
from inductor.dream import dream, informative, read_dreams, relabel
from inductor.tasks import Example, Task
from inductor.verify import Verifier


@pytest.mark.parametrize("domain", ["lists", "strings", "grids"])
def test_dreams_are_verified_informative_and_distinct(plugins, sandbox, domain):
    dreams = dream(sandbox, plugins, domain, 12, seed=3)
    assert len(dreams) >= 8, f"only {len(dreams)} dreams for {domain}"
    verifier = Verifier(sandbox, plugins)
    behaviours = set()
    for d in dreams:
        res = verifier.check(d.task, [d.program], test=True)[0]
        assert res and res.test_solved, (d.program, res.summary())
        outputs = [ex.output for ex in d.task.train + d.task.test]
        assert informative([ex.args[0] for ex in d.task.train + d.task.test], outputs)
        behaviours.add(json.dumps(outputs))
    assert len(behaviours) == len(dreams)


def test_informative_rejects_constant_and_identity_outputs():
    assert not informative([[1], [2], [3]], [[0], [0], [0]])
    assert not informative([[1], [2], [3]], [[1], [2], [3]])
    assert informative([[1], [2], [3]], [[2], [4], [6]])


def test_relabeling_turns_a_miss_into_the_task_it_solves(plugins, sandbox):
    task = Task("sort", [Example(([3, 1, 2],), [1, 2, 3]), Example(([5, 4],), [4, 5]), Example(([9, 7, 8],), [7, 8, 9])],
                domain="lists")
    miss = Verifier(sandbox, plugins).check(task, ["def f(x):\n    return x[::-1]\n"])[0]
    assert not miss
    d = relabel(task, miss)
    assert d is not None and d.origin == "relabeled"
    assert [ex.output for ex in d.task.train] == [[2, 1, 3], [4, 5], [8, 7, 9]]
    assert Verifier(sandbox, plugins).check(d.task, [d.program])[0]
    crash = Verifier(sandbox, plugins).check(task, ["def f(x):\n    return x[10]\n"])[0]
    assert relabel(task, crash) is None  # nothing it solves


def test_dream_command_writes_pairs(tmp_path):
    out = tmp_path / "dreams.jsonl"
    res = CliRunner().invoke(cli, ["dream", "lists", "strings", "-n", "5", "--out", str(out)])
    assert res.exit_code == 0, res.output
    dreams = read_dreams(out)
    assert len(dreams) == 10 and {d.task.domain for d in dreams} == {"lists", "strings"}
    res = CliRunner().invoke(cli, ["dream", "music", "--out", str(out)])
    assert res.exit_code == 2 and "'music' has no plugin" in res.output
