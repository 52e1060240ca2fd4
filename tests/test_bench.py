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


def test_bench_retrieval_measures_a_synthetic_library_opened_as_a_run_opens_it():
    from click.testing import CliRunner

    from inductor.cli import cli

    res = CliRunner().invoke(cli, ["bench", "retrieval", "--sizes", "100", "--no-search", "--no-embedder", "--queries",
                                   "5", "--library-size", "400", "--library-search-seconds", "0.3", "--json"])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output[res.output.index("{"):])["library"]
    assert figures["functions"] == 400 and figures["embedder"].startswith("hash")
    for key in ("store_build_s", "index_build_s", "open_s", "top5_ms", "peak_rss_mb"):
        assert figures[key] >= 0, key
    assert [t["task"] for t in figures["tasks"]] == ["probe-map", "probe-count", "probe-text"]
    for row in figures["tasks"]:
        # Behaviour retrieval ran only functions that fit the task's types.
        assert 0 < row["behaviour_candidates"] <= 200 and row["components"] <= 500
        assert row["search_library_evaluated"] > 0 and row["search_empty_evaluated"] > 0


def test_bench_induction_measures_transfer_at_equal_budgets(tmp_path):
    from samples import ODD_DESC, ODD_PLUS

    from inductor.tasks import Example, Task

    # Two tasks share "add one to each odd element": the sleep compresses their solutions into
    # an abstraction, which the measured task calls (one task alone would teach nothing).
    odd_plus_again = Task("c-odd-plus-one", [Example(([3, 6, 1],), [4, 2]), Example(([5, 5, 2],), [6, 6]),
                                             Example(([11, 4],), [12])], domain="lists")
    for name, tasks in (("learn", (ODD_PLUS, odd_plus_again)), ("measure", (ODD_DESC,))):
        (tmp_path / name).mkdir()
        for task in tasks:
            (tmp_path / name / f"{task.id}.json").write_text(json.dumps(task.to_json()))
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n[search]\nmax_programs = 5000\n')
    res = CliRunner().invoke(cli, ["--config", str(tmp_path / "inductor.toml"), "bench", "induction",
                                   str(tmp_path / "measure"), "--learn-from", str(tmp_path / "learn"), "--model",
                                   "none", "--seeds", "2", "--time-per-task", "20", "--learn-seconds", "30", "--json"])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    assert figures["split"] == "given" and len(figures["seeds"]) == 2
    for row in figures["seeds"]:
        # The wake learns at its own seconds; both measured arms keep the matched budget.
        assert row["learn_seconds_per_task"] == 30.0
        assert row["library"]["budget"] == row["empty"]["budget"] == {"samples": 16, "rounds": -1, "seconds": 20.0}
        assert row["library_size"] >= 1 and row["learn_solved"] == 2
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


# --- bench search: the engines alone on the same tasks -------------------------------------------

REV = Task("rev", [Example(([1, 2, 3],), [3, 2, 1]), Example(([5, 4],), [4, 5]), Example(([0, 7, 7, 2],), [2, 7, 7, 0])],
           test=[Example(([7, 8, 9],), [9, 8, 7])], domain="lists")
# Train fits "the first element", test wants the largest: a program that fits train overfits.
FIRST_OR_MAX = Task("first-or-max", [Example(([5, 2],), [5]), Example(([9, 1, 3],), [9]), Example(([4],), [4])],
                    test=[Example(([1, 8],), [8])], domain="lists")
ODD = Task("odd", [Example(([1, 2],), [42]), Example(([3],), [7])], test=[Example(([4],), [0])], domain="lists")


class ScriptedSearcher:
    """Returns a program per task id, counting ``evaluated`` terms in ``seconds`` (no real search)."""

    def __init__(self, programs, evaluated, seconds):
        self.programs, self.evaluated, self.seconds = programs, evaluated, seconds
        self.deadlines = []
        self.closed = False

    def search(self, task, components, preludes=(), same=None, deadline=None):
        from inductor.search import SearchResult

        self.deadlines.append(deadline)
        program = self.programs.get(task.id)
        return SearchResult(program=program, evaluated=self.evaluated, seconds=self.seconds,
                            stopped="solved" if program else "time")

    def close(self):
        self.closed = True


def test_bench_search_counts_what_the_verifier_says_of_each_engine(plugins, sandbox):
    from inductor.bench import bench_search
    from inductor.verify import Verifier

    made = {}

    def make(name, seconds):
        made[name, seconds] = {
            # fast: right on rev, overfits first-or-max, a program that fails train on odd
            "fast": ScriptedSearcher({"rev": "def f(x):\n    return x[::-1]\n",
                                      "first-or-max": "def f(x):\n    return x[:1]\n",
                                      "odd": "def f(x):\n    return [42]\n"}, evaluated=3000, seconds=0.5),
            "slow": ScriptedSearcher({"rev": "def f(x):\n    return list(reversed(x))\n"}, evaluated=100, seconds=1.0),
        }[name]
        return made[name, seconds]

    figures = bench_search([REV, FIRST_OR_MAX, ODD], make, Verifier(sandbox, plugins), plugins,
                           engines=["fast", "slow"], budgets=[2.0, 5.0])
    assert figures["tasks"] == 3 and [r["seconds"] for r in figures["runs"]] == [2.0, 5.0]
    for run in figures["runs"]:
        fast, slow = run["engines"]["fast"], run["engines"]["slow"]
        assert (fast["solved"], fast["fit"], fast["overfit"], fast["rejected"]) == (1, 2, 1, 1)
        assert fast["overfit_share"] == 0.5 and fast["tasks"] == fast["tasks_with_test"] == 3
        assert (slow["solved"], slow["fit"], slow["overfit"], slow["overfit_share"]) == (1, 1, 0, 0.0)
        # Terms per second are the searchers' counts over their seconds (scripted here).
        assert fast["evaluated"] == 3 * 3000 and fast["terms_per_second"] == 6000.0
        assert slow["terms_per_second"] == 100.0 and slow["mean_seconds"] == 1.0
        assert run["ratio"] == {"of": "fast / slow", "terms_per_second": 60.0, "solved": 1.0}
        # Only rev is fitted by both: fast's overfit on first-or-max is not on a common task.
        assert run["common_fits"] == {"tasks": 1, "overfit": {"fast": [], "slow": []}}
        for f in (fast, slow):
            assert f["solved"] <= f["fit"] <= f["tasks"] and f["overfit"] == f["fit"] - f["solved"]
    # Every engine ran every task at every budget, with that budget as its deadline, and was closed.
    assert len(figures["rows"]) == 3 * 2 * 2
    for searcher in made.values():
        assert searcher.closed and len(searcher.deadlines) == 1 + 3  # a warm-up, then the tasks
    assert {r["task"] for r in figures["rows"] if r["solved"]} == {"rev"}


def test_bench_search_takes_a_peer_beside_the_engines(plugins, sandbox):
    from inductor.bench import bench_search
    from inductor.verify import Verifier

    peer_calls = []

    def peer(seconds):
        peer_calls.append(seconds)
        return {"name": "naive", "seconds": seconds, "tasks": 3, "solved": 2, "fit": 2, "overfit": 0,
                "overfit_share": 0.0, "tasks_with_test": 3, "evaluated": 10, "terms_per_second": 10.0,
                "mean_seconds": 0.3, "notes": []}

    figures = bench_search([REV], lambda n, s: ScriptedSearcher({}, 1, 0.1), Verifier(sandbox, plugins), plugins,
                           engines=["only"], budgets=[1.0], peer=peer, peer_budgets=[1.0, 3.0])
    assert peer_calls == [1.0, 3.0] and [p["seconds"] for p in figures["peers"]] == [1.0, 3.0]
    assert "ratio" not in figures["runs"][0]  # one engine: nothing to divide by


PEER_SCRIPT = '''
import glob, json, os, sys
a = sys.argv[1:]
out, folder, limit = a[1], a[a.index("--lists") + 1], float(a[a.index("--limit") + 1])
with open(out, "a") as f:
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        task = json.load(open(path))
        fit = task["data"][0]["o"] == task["data"][0]["i"][::-1]
        f.write(json.dumps({"task": os.path.basename(path), "fit_train": fit, "solved_test": fit, "secs": limit / 10,
                            "candidates": 500, "n_test": len(task["data"]) - 5, "stop": "fit" if fit else "time"}) + "\\n")
'''


def _lf_file(folder, task_id, fn):
    pairs = [[3, 1, 2], [5, 4], [0, 7, 7, 2], [9], [1, 2], [6, 6, 1], [8, 3]]
    (folder / f"{task_id}.json").write_text(json.dumps({"id": task_id, "data": [{"i": p, "o": fn(p)} for p in pairs]}))


@pytest.fixture
def search_tasks(tmp_path):
    folder = tmp_path / "lf"
    folder.mkdir()
    _lf_file(folder, "c901", lambda p: p[::-1])
    _lf_file(folder, "c902", lambda p: [len(p) * 13 + 5])
    (folder / "first-or-max.json").write_text(json.dumps(FIRST_OR_MAX.to_json()))
    return folder


def test_cli_bench_search_runs_both_engines_on_the_same_tasks(search_tasks, tmp_path):
    report = tmp_path / "search.json"
    peer = tmp_path / "peer.py"
    peer.write_text(PEER_SCRIPT)
    res = CliRunner().invoke(cli, ["bench", "search", str(search_tasks), "--engines", "value,enumerate",
                                   "--seconds", "1", "--peer", str(peer), "--peer-seconds", "0.5", "--json",
                                   "--report", str(report)])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    assert json.loads(report.read_text()) == figures
    assert figures["engines"] == ["value", "enumerate"] and figures["budgets"] == [1.0] and figures["tasks"] == 3
    (run,) = figures["runs"]
    assert set(run["engines"]) == {"value", "enumerate"} and run["ratio"]["of"] == "value / enumerate"
    for f in run["engines"].values():
        assert f["tasks"] == 3 and f["solved"] <= f["fit"] <= 3 and f["overfit"] == f["fit"] - f["solved"]
        assert f["evaluated"] > 0 and f["terms_per_second"] > 0 and f["mean_seconds"] >= 0
    rows = figures["rows"]
    assert sorted((r["engine"], r["task"]) for r in rows) == sorted(
        (e, t) for e in ("value", "enumerate") for t in ("c901", "c902", "first-or-max"))
    assert all(r["solved"] <= r["fit"] <= r["found"] for r in rows)
    # The peer saw the two List Functions files only, and said so.
    (p,) = figures["peers"]
    assert p["tasks"] == 2 and p["answered"] == 2 and p["solved"] == 1 and p["seconds"] == 0.5
    assert any("1 task(s) not in List Functions files" in n for n in p["notes"])
    assert figures["command"].startswith("inductor bench search")


def test_cli_bench_search_prints_a_table_and_skips_a_peer_it_cannot_feed(tmp_path):
    folder = tmp_path / "native"
    folder.mkdir()
    (folder / "rev.json").write_text(json.dumps(REV.to_json()))
    peer = tmp_path / "peer.py"
    peer.write_text(PEER_SCRIPT)
    res = CliRunner().invoke(cli, ["bench", "search", str(folder), "--engines", "enumerate", "--seconds", "1",
                                   "--peer", str(peer), "-q"])
    assert res.exit_code == 0, res.output
    assert "inductor bench search" in res.output and "enumerate" in res.output and "1/1" in res.output
    assert "skipped" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("args, message", [
    (["--engines", "nope"], "'nope': unknown searcher"),
    (["--seconds", "ten"], "'ten': seconds"),
    (["--seconds", "0"], "must be positive"),
    (["--only", "zzz"], "no tasks"),
])
def test_cli_bench_search_user_errors_are_one_line(search_tasks, args, message):
    res = CliRunner().invoke(cli, ["bench", "search", str(search_tasks), *args])
    assert res.exit_code != 0 and message in res.output and "Traceback" not in res.output, res.output


def test_seconds_take_repeats_and_comma_lists():
    from inductor.cli.bench import _seconds_list

    assert _seconds_list(("10,60", "10", "2.5"), "--seconds") == [10.0, 60.0, 2.5]


@pytest.mark.parametrize("args, hint", [(["--learn-seconds", "0"], "--learn-seconds"), (["--seeds", "0"], "--seeds")])
def test_cli_bench_induction_user_errors_name_the_option(tmp_path, args, hint):
    from samples import ODD_PLUS

    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "t.json").write_text(json.dumps(ODD_PLUS.to_json()))
    res = CliRunner().invoke(cli, ["bench", "induction", str(tmp_path / "tasks"), "--model", "none", *args])
    assert res.exit_code == 2 and hint in res.output and "Traceback" not in res.output, res.output


def test_bench_induction_refuses_a_workdir_holding_an_earlier_benchs_library(tmp_path):
    from samples import ODD_PLUS

    from inductor.store import Library

    (tmp_path / "tasks").mkdir()
    for n in range(2):
        (tmp_path / "tasks" / f"t{n}.json").write_text(json.dumps(ODD_PLUS.to_json()))
    Library(tmp_path / "work" / "seed-0" / "learned").close()
    res = CliRunner().invoke(cli, ["bench", "induction", str(tmp_path / "tasks"), "--model", "none",
                                   "--workdir", str(tmp_path / "work")])
    assert res.exit_code == 2 and "--workdir" in res.output and "seed-0" in res.output


def test_bench_induction_with_recognition_trains_the_learned_library_s_model_and_adds_a_guided_arm(tmp_path):
    from samples import ODD_DESC, ODD_PLUS

    for name, tasks in (("learn", (ODD_PLUS,)), ("measure", (ODD_DESC,))):
        (tmp_path / name).mkdir()
        for task in tasks:
            (tmp_path / name / f"{task.id}.json").write_text(json.dumps(task.to_json()))
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n[recognition]\nsteps = 5\nhidden = 16\n'
                                            'dream_sets = 1\nseconds_per_set = 0.2\nterms_per_set = 10\n')
    args = ["--config", str(tmp_path / "inductor.toml"), "bench", "induction", str(tmp_path / "measure"),
            "--learn-from", str(tmp_path / "learn"), "--model", "none", "--seeds", "1", "--time-per-task", "2",
            "--recognition", "--workdir", str(tmp_path / "w")]
    res = CliRunner().invoke(cli, [*args, "--json"])
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    row = figures["seeds"][0]
    assert row["guided"]["guided"] == 1 and row["library"]["guided"] == row["empty"]["guided"] == 0
    assert row["guided"]["budget"] == row["library"]["budget"] == row["empty"]["budget"]
    assert row["guided_difference"] == row["guided"]["test_solved"] - row["library"]["test_solved"]
    assert set(row["speedup"]) == {"both_solved", "median_fast", "median_slow", "ratio"}
    assert "guided_difference_mean" in figures and row["recognition_seconds"] >= 0
    assert (tmp_path / "w" / "seed-0" / "learned" / "recognition" / "lists.pt").is_file()
    table = CliRunner().invoke(cli, [*args[:-1], str(tmp_path / "w2")])
    assert table.exit_code == 0 and "guided - library" in table.output


def test_bench_search_counts_the_fits_left_ambiguous_and_the_overfits_among_them():
    from inductor.bench.search import _engine_figures

    def row(fit, solved, ambiguous):
        return {"fit": fit, "solved": solved, "test": 2, "found": fit, "evaluated": 10, "seconds": 1.0,
                "stopped": "solved" if fit else "time", "ambiguous": ambiguous}

    rows = [row(True, True, False), row(True, True, True), row(True, False, True), row(True, False, False),
            row(True, True, None), row(False, False, None)]
    rows[2]["other_reading_right"] = True
    f = _engine_figures(rows)
    assert (f["fit"], f["overfit"], f["ambiguous"], f["ambiguous_overfit"], f["ambiguity_unknown"]) == (5, 2, 2, 1, 1)
    assert f["overfit_other_reading_right"] == 1 and f["solved_two_attempts"] == f["solved"] + 1
    # Rows of a searcher that does not look for readings count as unknown.
    assert _engine_figures([{k: v for k, v in r.items() if k != "ambiguous"} for r in rows])["ambiguity_unknown"] == 5


def test_bench_search_checks_the_other_readings_of_an_overfit_on_test(plugins, sandbox):
    from inductor.bench import bench_search
    from inductor.value_search import ValueResult
    from inductor.verify import Verifier

    class Reading(ScriptedSearcher):
        def search(self, task, components, preludes=(), same=None, deadline=None):
            first = {"sexpr": "(take 1 x)", "cost": 9.0, "python": None, "outputs": [[1]]}
            other = {"sexpr": "(cons (max x) [])", "cost": 9.5, "python": "def f(x):\n    return [max(x)]\n",
                     "outputs": [[8]]}
            return ValueResult(program="def f(x):\n    return x[:1]\n", evaluated=1, seconds=0.1, stopped="solved",
                               readings=[first, other], readings_complete=True)

    figures = bench_search([FIRST_OR_MAX], lambda name, s: Reading({}, 1, 0.1), Verifier(sandbox, plugins), plugins,
                           engines=["value"], budgets=[1.0])
    f = figures["runs"][0]["engines"]["value"]
    assert (f["overfit"], f["ambiguous"], f["ambiguous_overfit"], f["overfit_other_reading_right"]) == (1, 1, 1, 1)
    assert f["solved"] == 0 and f["solved_two_attempts"] == 1
    assert figures["rows"][0]["readings"] == ["(take 1 x)", "(cons (max x) [])"]
