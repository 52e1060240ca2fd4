from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from inductor.bench import bench_sandbox, candidate_mix
from inductor.cli import cli
from inductor.sandbox import Limits, Sandbox
from inductor.tasks import Example, Task


def test_candidate_mix_is_distinct_and_mostly_wrong():
    codes, kinds = candidate_mix(2000, seed=1)
    assert len(set(codes)) == 2000
    assert 0.05 < kinds["right"] / 2000 < 0.15 and kinds["wrong"] > 1600


def test_bench_sandbox_reports_figures_beside_the_baselines(plugins):
    sandbox = Sandbox(workers=2, limits=Limits(timeout=0.2))
    figures = bench_sandbox(sandbox, plugins, n=300, n_baseline=10)
    assert figures["candidates"] == 300
    # Every kind of the mix is in each baseline's sample, however rare; each baseline passes
    # exactly the right programs it sampled (it checks, not only runs them).
    assert set(figures["baselines"]) == {"humaneval", "fork"}
    for base in figures["baselines"].values():
        assert set(base["kinds"]) == set(figures["mix"]) and base["candidates"] >= 10
        assert base["passes"] == base["kinds"]["right"]["sampled"]
        # Rounded to one decimal: a slow machine's small ratio is within 0.05 of the quotient.
        assert base["ratio"] == pytest.approx(figures["per_second"] / base["per_second"], rel=0.01, abs=0.051)
    assert figures["ratio"] == figures["baselines"]["humaneval"]["ratio"]
    assert figures["verdicts"]["pass"] == figures["mix"]["right"]
    assert figures["verdicts"]["wrong"] == figures["mix"]["wrong"]
    assert figures["ratio"] > 0 and figures["layers"]["seccomp"]
    # CPU seconds are figures of the machine (a fast one rounds a short run's to 0.0): the bench
    # reports them as numbers, and the test asserts only that, never how large they are.
    for key in ("cpu_main_s", "cpu_sandbox_s", "seconds", "startup_s"):
        assert isinstance(figures[key], float) and figures[key] >= 0, key


def test_bench_retrieval_reports_both_indexes_per_size():
    from inductor.bench import bench_retrieval
    from inductor.index import HashEmbedder

    figures = bench_retrieval((200, 500), dim=32, queries=10, embedder=HashEmbedder(32), embed_texts=16)
    assert [r["functions"] for r in figures["sizes"]] == [200, 500]
    for row in figures["sizes"]:
        assert row["exact_ms"] >= 0 and row["approximate_ms"] >= 0 and 0 <= row["approximate_recall_at_1"] <= 1
    assert figures["embed_per_second"] > 0


def test_bench_induction_measures_transfer_at_equal_budgets(tmp_path):
    from samples import ODD_DESC, ODD_PLUS

    for name, task in (("learn", ODD_PLUS), ("measure", ODD_DESC)):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{task.id}.json").write_text(json.dumps(task.to_json()))
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n[search]\nmax_programs = 5000\n')
    res = CliRunner().invoke(cli, ["--config", str(tmp_path / "inductor.toml"), "bench", "induction",
                                   str(tmp_path / "measure"), "--learn-from", str(tmp_path / "learn"), "--model",
                                   "none", "--seeds", "2", "--time-per-task", "20", "--json"])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    assert figures["split"] == "given" and len(figures["seeds"]) == 2
    for row in figures["seeds"]:
        assert row["library"]["budget"] == row["empty"]["budget"] == {"samples": 16, "rounds": 2, "seconds": 20.0}
        assert row["library_size"] >= 1 and row["learn_solved"] == 1
        assert row["library"]["test_solved"] == 1 and row["empty"]["test_solved"] == 0  # transfer, not memory
        assert row["library"]["library_functions_used"] == 1
    assert figures["difference_mean"] == 1 and figures["difference_sd"] == 0


def test_split_tasks_halves_by_seed():
    from inductor.bench import split_tasks

    tasks = [Task(f"t{i}", [Example((i,), i)]) for i in range(9)]
    learn, measure = split_tasks(tasks, 0)
    assert len(learn) == 4 and len(measure) == 5 and not {t.id for t in learn} & {t.id for t in measure}
    assert split_tasks(tasks, 0) == (learn, measure) and split_tasks(tasks, 1) != (learn, measure)


def test_bench_soak_contains_every_hostile_candidate_and_leaks_nothing():
    res = CliRunner().invoke(cli, ["bench", "soak", "-n", "200", "--hostile", "0.3", "--seed", "1", "--json"])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    assert figures["candidates"] == 200 and sum(figures["verdicts"].values()) == 200
    assert figures["hostile"] >= 30 and figures["leaked_processes"] == 0 and not figures["stray_file"]
    assert figures["sandbox_processes_while_running"] >= 2
    # The right programs are the only passes: no hostile candidate forged one.
    assert figures["verdicts"].get("pass", 0) <= 200 - figures["hostile"]
    assert figures["verdicts"].get("forbidden", 0) > 0 and figures["verdicts"].get("timeout", 0) > 0


def test_the_adapter_table_shows_the_columns_measured(capsys):
    from inductor.bench import print_adapter_figures

    row = {"passed_train": 3, "passed_train_and_test": 2, "tasks_solved": 1, "samples": 16, "seconds": 9.5,
           "per_second": 1.68}
    figures = {"tasks": 2, "samples_per_task": 8, "tuned": row}
    print_adapter_figures(figures)  # --no-base: the tuned model alone
    out = capsys.readouterr().out
    assert "tuned" in out and "base" not in out and "1.68" in out
    print_adapter_figures({**figures, "base": {**row, "tasks_solved": 0}})
    assert "base" in capsys.readouterr().out
