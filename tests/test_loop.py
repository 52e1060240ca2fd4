"""The loop with a scripted fake model and the real sandbox: solve, repair, give up, report."""

from __future__ import annotations

import json
import math
import time

import pytest
from click.testing import CliRunner
from samples import ODD_DESC, ODD_PLUS

from inductor.cli import cli
from inductor.config import ModelSettings
from inductor.dream import read_dreams
from inductor.loop import Budget, EventLog, Induction, TaskResult, select_tasks
from inductor.models import FakeModel
from inductor.prompts import Prompts
from inductor.report import TASK_KEYS, build_report
from inductor.tasks import Example, Task
from inductor.verify import Verifier

REVERSE = Task("rev", [Example(([1, 2, 3],), [3, 2, 1]), Example(([5, 4],), [4, 5])],
               test=[Example(([7, 8, 9],), [9, 8, 7])], domain="lists")
FIRST = Task("first", [Example(([4, 1],), [4]), Example(([9, 2, 3],), [9])],
             test=[Example(([6],), [6])], domain="lists")


def induction(plugins, sandbox, model, events=None, **budget):
    return Induction(model, Verifier(sandbox, plugins), plugins, prompts=Prompts(),
                     budget=Budget(**{"samples": 4, "rounds": 2, "seconds": 30, **budget}),
                     model_settings=ModelSettings(), events=events)


def test_solves_in_the_first_round_and_scores_on_test(plugins, sandbox):
    model = FakeModel([" return x[:1]", " return x[::-1]", " return sorted(x)"])
    res = induction(plugins, sandbox, model).solve(REVERSE)
    assert res.train_solved and res.test_solved is True and res.stopped == "solved"
    assert "return x[::-1]" in res.program and res.rounds == 1
    assert res.lm_samples == 4 and res.candidates_checked == 3  # the fourth sample repeats the first
    assert len(model.prompts) == 1 and "9, 8, 7" not in model.prompts[0]


def test_repairs_a_near_miss_with_the_concrete_differences(plugins, sandbox):
    def script(prompt, params):
        return [" return x[::-1]"] if "The function above is wrong" in prompt else [" return x"]

    model = FakeModel(script)
    res = induction(plugins, sandbox, model).solve(REVERSE)
    assert res.train_solved and res.rounds == 2
    repair = model.prompts[1]
    assert "f([1, 2, 3]) returned [1, 2, 3] but should return [3, 2, 1]" in repair
    assert "def f(x: list[int]) -> list[int]:\n    return x\n" in repair  # the attempt, docstring stripped


def test_gives_up_when_the_rounds_are_spent(plugins, sandbox):
    model = FakeModel([" return [0]", " return x + x", "I do not know."])
    res = induction(plugins, sandbox, model, rounds=1).solve(FIRST)
    assert not res.train_solved and res.test_solved is False and res.program is None
    assert res.stopped == "rounds" and res.lm_samples == 8 and res.rounds == 2
    assert res.unusable_samples > 0 and res.near_misses
    assert res.nearest().closeness >= res.near_misses[-1].closeness


def test_gives_up_when_the_time_is_spent(plugins, sandbox):
    def slow(prompt, params):
        time.sleep(0.3)
        return [" return [0]"]

    res = induction(plugins, sandbox, FakeModel(slow), seconds=0.2, rounds=5).solve(FIRST)
    assert res.stopped == "time" and res.rounds == 1 and res.lm_samples == 4


def test_without_a_model_nothing_is_sampled(plugins, sandbox):
    res = induction(plugins, sandbox, None).solve(FIRST)
    assert res.stopped == "no-model" and res.lm_samples == 0


def test_ctrl_c_keeps_what_was_finished(plugins, sandbox, tmp_path):
    calls = []

    def script(prompt, params):
        calls.append(prompt)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return [" return x[:1]"]

    events = EventLog(tmp_path / "events.jsonl")
    run = induction(plugins, sandbox, FakeModel(script), events=events).run([FIRST, REVERSE])
    events.close()
    assert run.interrupted and [r.task.id for r in run.results] == ["first"]
    report = build_report(run)
    assert report["summary"]["interrupted"] is True and report["summary"]["train_solved"] == 1
    kinds = [json.loads(line)["event"] for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert kinds.count("task_finished") == 2  # the interrupted task is logged too


def test_report_entries_have_exactly_the_documented_keys():
    entry = TaskResult(FIRST).to_report()
    assert tuple(entry) == TASK_KEYS == ("id", "domain", "train_solved", "test_solved", "program", "seconds",
                                         "lm_samples", "candidates_checked", "library_functions_used")


def test_select_tasks_by_glob():
    tasks = [Task(i, [Example((1,), 1)]) for i in ("bikes", "bikes_small", "phone-1", "phone-10")]
    assert [t.id for t in select_tasks(tasks, only=["phone-*"])] == ["phone-1", "phone-10"]
    assert [t.id for t in select_tasks(tasks, exclude=["*_small", "phone-1?"])] == ["bikes", "phone-1"]


@pytest.fixture
def task_dir(tmp_path):
    folder = tmp_path / "tasks"
    folder.mkdir()
    for task in (REVERSE, FIRST):
        (folder / f"{task.id}.json").write_text(json.dumps(task.to_json()))
    script = tmp_path / "script.json"
    script.write_text(json.dumps([" return x[::-1]", " return x[:1]"]))
    return folder, script


def test_cli_run_writes_the_report_and_the_event_log(task_dir, tmp_path):
    folder, script = task_dir
    report_path = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["run", str(folder), "--model", f"fake:{script}", "--samples", "2",
                                   "--rounds", "0", "--report", str(report_path), "--runs-dir", str(tmp_path / "runs"),
                                   "--no-search", "--no-library"])
    assert res.exit_code == 0, res.output
    report = json.loads(report_path.read_text())
    assert [t["id"] for t in report["tasks"]] == ["first", "rev"]
    assert all(tuple(t) == TASK_KEYS and t["train_solved"] and t["test_solved"] for t in report["tasks"])
    assert report["summary"]["tasks"] == 2 and report["summary"]["test_solved"] == 2
    run_dir = next((tmp_path / "runs").iterdir())
    assert json.loads((run_dir / "report.json").read_text()) == report
    events = [json.loads(line)["event"] for line in (run_dir / "events.jsonl").read_text().splitlines()]
    assert events[0] == "run_started" and events[-1] == "run_finished" and events.count("task_finished") == 2
    assert "solved 2" in res.output and "return x[::-1]" in res.output
    # The misses, relabeled: each program with the outputs it did produce, ready for `inductor train`.
    relabeled = read_dreams(run_dir / "relabeled.jsonl")
    head = "def f(x: list[int]) -> list[int]:\n    return "
    assert {(d.task.id, d.program) for d in relabeled} == {("first:relabeled", head + "x[::-1]\n"),
                                                          ("rev:relabeled", head + "x[:1]\n")}
    first = next(d for d in relabeled if d.task.id == "first:relabeled")
    assert [ex.output for ex in first.task.train] == [[1, 4], [3, 2, 9]]


def test_cli_run_with_search_and_library_learns_then_reuses(task_dir, tmp_path):
    folder, _ = task_dir
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n')
    base = ["run", str(folder), "--model", "none", "--library", str(tmp_path / "lib"), "-q"]
    first = CliRunner().invoke(cli, [*base, "--report", str(tmp_path / "a.json")])
    assert first.exit_code == 0, first.output
    a = json.loads((tmp_path / "a.json").read_text())
    assert a["summary"]["train_solved"] == 2 and a["summary"]["search"] is True
    assert a["summary"]["library_size_end"] >= a["summary"]["library_size_start"] == 0
    frozen = CliRunner().invoke(cli, [*base, "--frozen-library", "--report", str(tmp_path / "b.json")])
    assert frozen.exit_code == 0, frozen.output
    b = json.loads((tmp_path / "b.json").read_text())
    assert b["summary"]["frozen_library"] is True
    assert b["summary"]["library_size_end"] == a["summary"]["library_size_end"]


@pytest.mark.parametrize("args, message", [
    (["--model", "nonsense"], "--model 'nonsense': unknown model"),
    (["--samples", "0"], "--samples"),
    (["--only", "zzz*"], "no tasks to run"),
    (["--model", "fake:missing.json"], "missing.json"),
    (["--adapter", "no-such-adapter"], "no-such-adapter: no LoRA adapter here"),
])
def test_cli_run_user_errors_are_one_line(task_dir, args, message):
    folder, _ = task_dir
    res = CliRunner().invoke(cli, ["run", str(folder), *args])
    assert res.exit_code != 0 and message in res.output and "Traceback" not in res.output


SLOW_MODEL_PLUGIN = '''
import time
from inductor import hookimpl
from inductor.models import FakeModel


class Slow(FakeModel):
    def sample(self, prompt, params):
        time.sleep(0.4)
        return super().sample(prompt, params)


@hookimpl
def inductor_register_models(register):
    register("slow", lambda arg, settings: Slow([" return x[:1]"], name="slow"))
'''


def test_ctrl_c_on_the_command_line_writes_the_report(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    folder = tmp_path / "tasks"
    folder.mkdir()
    for i in range(30):
        (folder / f"t{i:02d}.json").write_text(json.dumps(FIRST.to_json()))
    plugins_dir = tmp_path / "plugins"
    plugins_dir.mkdir()
    (plugins_dir / "slow.py").write_text(SLOW_MODEL_PLUGIN)
    report = tmp_path / "r.json"
    proc = subprocess.Popen([sys.executable, "-m", "inductor.cli", "--plugins-dir", str(plugins_dir), "run",
                             str(folder), "--model", "slow", "--rounds", "0", "--samples", "1", "--report",
                             str(report), "-q", "--no-search", "--no-library"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env={**os.environ, "INDUCTOR_PLUGINS": ""},
                            # A shell's background job starts with SIGINT ignored; a user's terminal does not.
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 60
    while time.time() < deadline and not list((tmp_path / "runs").glob("*/events.jsonl")):
        time.sleep(0.1)
    events = next((tmp_path / "runs").glob("*/events.jsonl"))
    while time.time() < deadline and events.read_text().count("task_finished") < 2:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, out.decode()
    data = json.loads(report.read_text())
    assert data["summary"]["interrupted"] is True and 2 <= len(data["tasks"]) < 30
    assert all(t["train_solved"] for t in data["tasks"])
    assert b"Interrupted" in out and b"Traceback" not in out


def test_the_search_runs_before_the_model(plugins, sandbox):
    from inductor.search import Enumerator

    model = FakeModel([" return []"])
    loop = Induction(model, Verifier(sandbox, plugins), plugins, prompts=Prompts(),
                     budget=Budget(samples=2, rounds=0), model_settings=ModelSettings(),
                     search=Enumerator(sandbox, max_size=2))
    res = loop.solve(REVERSE)
    assert res.train_solved and res.found_by == "search" and res.lm_samples == 0 and model.prompts == []
    assert res.candidates_checked >= 1 and res.test_solved
    unsolvable = Task("odd", [Example(([1, 2],), [42]), Example(([3],), [7])], domain="lists")
    res = loop.solve(unsolvable)
    assert not res.train_solved and res.lm_samples == 2 and len(model.prompts) == 1  # the model's turn came


def _learning_loop(plugins, sandbox, tmp_path):
    from inductor.index import HashEmbedder, LibraryIndex
    from inductor.loop import LibraryUse
    from inductor.search import Enumerator
    from inductor.store import Library

    lib = Library(tmp_path / "lib")
    return Induction(None, Verifier(sandbox, plugins), plugins, prompts=Prompts(), budget=Budget(samples=1, rounds=0),
                     model_settings=ModelSettings(), library=LibraryUse(lib, LibraryIndex(lib, HashEmbedder())),
                     search=Enumerator(sandbox, max_size=4, max_programs=5000))


def test_a_later_pass_solves_with_what_an_earlier_one_learned(plugins, sandbox, tmp_path):
    passes_seen = []
    run = _learning_loop(plugins, sandbox, tmp_path).run([ODD_DESC, ODD_PLUS], passes=3,
                                                         on_pass=lambda p, n: passes_seen.append((p, n)))
    first, second = run.results
    assert (first.task.id, first.train_solved, first.pass_no) == ("a-odd-plus-one-desc", True, 2)
    assert second.pass_no == 1 and second.learned
    assert first.library_functions_used == second.learned  # calls what the other task taught
    assert first.candidates_checked > 0 and first.seconds > 0  # both attempts counted
    assert passes_seen == [(1, 2), (2, 1)]  # nothing left for a third pass
    summary = run.summary()
    assert summary["solved_in_pass"] == {"a-odd-plus-one-desc": 2, "b-odd-plus-one": 1}
    assert [p["solved"] for p in summary["passes"]] == [1, 1]
    assert summary["passes"][1]["library_size_start"] == 1


def test_one_pass_leaves_what_it_could_not_solve(plugins, sandbox, tmp_path):
    run = _learning_loop(plugins, sandbox, tmp_path).run([ODD_DESC, ODD_PLUS], passes=1)
    assert [r.train_solved for r in run.results] == [False, True] and len(run.passes) == 1


def test_a_later_pass_skips_tasks_the_library_has_not_grown_for(plugins, sandbox, tmp_path):
    unsolvable = Task("odd", [Example(([1, 2],), [42]), Example(([3],), [7])], domain="lists")
    run = _learning_loop(plugins, sandbox, tmp_path).run([unsolvable], passes=3)
    assert len(run.passes) == 1 and not run.results[0].train_solved


def test_sample_tasks_is_fixed_and_keeps_the_order():
    from inductor.loop import sample_tasks

    tasks = [Task(f"t{i:03}", [Example((1,), 1)]) for i in range(50)]
    chosen = sample_tasks(tasks, 10)
    assert len(chosen) == 10 and chosen == sample_tasks(list(reversed(tasks)), 10)[::-1]
    assert [t.id for t in chosen] == sorted(t.id for t in chosen)
    assert sample_tasks(tasks, 500) == tasks


def test_a_fatal_error_carries_the_finished_tasks(plugins, sandbox):
    from inductor.loop import RunFailed
    from inductor.models import ModelError

    def script(prompt, params):
        if "def f" in prompt and "[5, 4]" in prompt:  # REVERSE's prompt: the server goes away
            raise ModelError("gone")
        return [" return x[:1]"]

    with pytest.raises(RunFailed) as failed:
        induction(plugins, sandbox, FakeModel(script)).run([FIRST, REVERSE])
    assert isinstance(failed.value.error, ModelError) and str(failed.value) == "gone"
    assert [r.task.id for r in failed.value.run.results] == ["first"] and failed.value.run.results[0].train_solved


# --- the budget is used: the search's share, the model's rest, rounds while time lasts ----------


class FakeClock:
    """Seconds that pass only when a fake searcher or model says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class SpendingSearcher:
    """Finds nothing, and spends its whole deadline (or ``spend`` seconds) doing it."""

    def __init__(self, clock: FakeClock, spend: float | None = None) -> None:
        self.clock, self.spend = clock, spend
        self.deadlines: list[float] = []

    def search(self, task, components, preludes=(), same=None, deadline=None):
        from inductor.search import SearchResult

        self.deadlines.append(deadline)
        start = self.clock.now
        self.clock.now = deadline if self.spend is None else min(deadline, start + self.spend)
        return SearchResult(evaluated=10, stopped="time", seconds=self.clock.now - start)


def _timed_loop(plugins, sandbox, clock, model, searcher, **budget):
    return Induction(model, Verifier(sandbox, plugins), plugins, prompts=Prompts(),
                     budget=Budget(**{"samples": 1, "seconds": 60.0, **budget}), model_settings=ModelSettings(),
                     search=searcher, clock=clock)


def _new_answer_each_call(clock, seconds_per_call=1.0):
    calls, given = [], []

    def script(prompt, params):
        calls.append(clock.now)
        given.append(params.max_seconds)
        clock.now += seconds_per_call
        return [f" return [{len(calls)}]"]  # never right for FIRST, never seen before

    return script, calls, given


def test_an_unsolved_task_gets_its_time_split_between_search_and_model(plugins, sandbox):
    clock = FakeClock()
    searcher = SpendingSearcher(clock)
    script, calls, given = _new_answer_each_call(clock)
    start = clock.now
    res = _timed_loop(plugins, sandbox, clock, FakeModel(script), searcher, search_share=0.8).solve(FIRST)
    assert searcher.deadlines == [start + 48.0]  # 0.8 of time_per_task
    assert given[0] == pytest.approx(12.0)  # the model gets the rest
    # Rounds go on while time is left (not a fixed number): 12 one-second model calls.
    assert len(calls) == 12 and res.rounds == 12 and res.stopped == "time" and not res.train_solved
    assert res.seconds == pytest.approx(60.0)


def test_the_model_gets_what_an_early_search_leaves(plugins, sandbox):
    clock = FakeClock()
    searcher = SpendingSearcher(clock, spend=2.0)  # the enumeration ran out of programs at 2 s
    script, calls, given = _new_answer_each_call(clock, seconds_per_call=10.0)
    start = clock.now
    res = _timed_loop(plugins, sandbox, clock, FakeModel(script), searcher).solve(FIRST)
    assert searcher.deadlines == [start + 48.0] and given[0] == pytest.approx(58.0)
    assert len(calls) == 6 and res.stopped == "time"


def test_without_a_model_the_search_gets_all_the_time(plugins, sandbox):
    clock = FakeClock()
    searcher = SpendingSearcher(clock)
    start = clock.now
    res = _timed_loop(plugins, sandbox, clock, None, searcher, search_share=0.5).solve(FIRST)
    assert searcher.deadlines == [start + 60.0] and res.stopped == "search"


def test_search_seconds_caps_the_search_below_its_share(plugins, sandbox):
    clock = FakeClock()
    searcher = SpendingSearcher(clock)
    script, calls, given = _new_answer_each_call(clock, seconds_per_call=30.0)
    start = clock.now
    _timed_loop(plugins, sandbox, clock, FakeModel(script), searcher, search_seconds=5.0).solve(FIRST)
    assert searcher.deadlines == [start + 5.0] and given[0] == pytest.approx(55.0)


def test_a_fixed_number_of_rounds_still_ends_the_model_early(plugins, sandbox):
    clock = FakeClock()
    script, calls, _ = _new_answer_each_call(clock)
    res = _timed_loop(plugins, sandbox, clock, FakeModel(script), SpendingSearcher(clock, spend=0.0),
                      rounds=2).solve(FIRST)
    assert len(calls) == 3 and res.stopped == "rounds" and clock.now - 1000.0 == pytest.approx(3.0)


def test_rounds_while_time_lasts_end_when_the_model_repeats_itself(plugins, sandbox):
    clock = FakeClock()  # no time passes: only the repetition can end the rounds
    model = FakeModel([" return [0]", " return x + x"])
    res = _timed_loop(plugins, sandbox, clock, model, None, samples=2).solve(FIRST)
    assert res.stopped == "exhausted" and res.lm_samples == 6 and res.rounds == 3


def test_the_budget_is_read_from_the_settings():
    from inductor.config import RunSettings, SearchSettings

    budget = Budget.from_settings(RunSettings(time_per_task=30.0), SearchSettings(share=0.5, seconds=4.0))
    assert (budget.seconds, budget.search_share, budget.search_seconds, budget.rounds) == (30.0, 0.5, 4.0, -1)
    assert budget.search_time(with_model=True) == 4.0 and Budget(seconds=30).search_time(with_model=True) == 24.0
    assert Budget(seconds=30).search_time(with_model=False) == 30.0


# --- other readings of the train examples ----------------------------------------------------


class ReadingSearcher:
    """Returns ``(take 1 x)`` with a second reading that differs on the task's test input."""

    def search(self, task, components, preludes=(), same=None, deadline=None, weights=None):
        from inductor.value_search import ValueResult

        return ValueResult(program="def f(x):\n    return x[:1]\n", sexpr="(take 1 x)", cost=10.0, stopped="solved",
                           readings=[{"sexpr": "(take 1 x)", "cost": 10.0, "python": None, "outputs": [[6]]},
                                     {"sexpr": "(cons (max x) [])", "cost": 10.5,
                                      "python": "def f(x):\n    return [max(x)]\n", "outputs": [[9]]}],
                           readings_complete=True, readings_seconds=0.25, seconds=0.5)


def test_a_solution_with_another_reading_is_flagged_and_explained(plugins, sandbox, tmp_path):
    from inductor.events import read_events
    from inductor.report import ambiguity_lines

    task = Task("first", FIRST.train, test=[Example(([6, 9],), [6])], domain="lists")
    events = EventLog(tmp_path / "events.jsonl")
    loop = Induction(None, Verifier(sandbox, plugins), plugins, prompts=Prompts(),
                     budget=Budget(samples=1, seconds=10.0), model_settings=ModelSettings(), events=events,
                     search=ReadingSearcher())
    res = loop.solve(task)
    assert res.train_solved and res.found_by == "search" and res.ambiguous is True and len(res.readings) == 2
    # The time to solve leaves out the look for other readings after the program was found.
    assert res.readings_seconds == 0.25 and res.seconds_to_solve == pytest.approx(max(0.0, res.seconds - 0.25))
    flagged = [e for e in read_events(tmp_path / "events.jsonl") if e["event"] == "ambiguous"]
    assert len(flagged) == 1 and flagged[0]["task"] == "first" and flagged[0]["readings"][1]["outputs"] == [[9]]
    lines = ambiguity_lines(res)
    assert "another program fits the train examples, 0.5 bits less probable" in lines[0] and lines[1].strip() == "[max(x)]: on f([6, 9]) it gives [9], this program [6]"
    from inductor.results import RunResult

    assert RunResult(results=[res]).summary()["ambiguous"] == 1
    # A reading alone, or no reading looked for: nothing to say.
    res.readings, res.ambiguous = res.readings[:1], False
    assert ambiguity_lines(res) == []


def test_after_the_sleep_a_solution_takes_the_reading_the_other_tasks_make_more_probable(plugins, sandbox, tmp_path):
    from types import SimpleNamespace

    from inductor.grammar import Fitted
    from inductor.index import HashEmbedder, LibraryIndex
    from inductor.loop import LibraryUse
    from inductor.store import Library

    lib = Library(tmp_path / "lib")
    events = EventLog(tmp_path / "events.jsonl")
    loop = Induction(None, Verifier(sandbox, plugins), plugins, prompts=Prompts(), budget=Budget(samples=1, seconds=10.0),
                     model_settings=ModelSettings(), events=events, search=ReadingSearcher(),
                     library=LibraryUse(lib, LibraryIndex(lib, HashEmbedder())))
    task = Task("first", FIRST.train, test=[Example(([6, 9],), [6])], domain="lists")
    # The search read "the largest" first this time (its readings: max, then take), ...
    res = loop.solve(task)
    res.readings = [{"sexpr": "(cons (max x) [])", "cost": 10.0, "python": "def f(x):\n    return [max(x)]\n",
                     "outputs": [[9]]},
                    {"sexpr": "(take 1 x)", "cost": 10.5, "python": "def f(x):\n    return x[:1]\n", "outputs": [[6]]}]
    res.program, res.sexpr, res.test_solved = res.readings[0]["python"], res.readings[0]["sexpr"], False
    # ... and the other tasks' solutions use take often, max once (this task's own use of it).
    fitted = Fitted("lists", {"take": 4.0, "max": 0.5, "cons": 1.0}, {"take": 7, "max": 1, "cons": 1}, 9)
    slept = [SimpleNamespace(domain="lists", fitted=fitted)]
    assert loop.reread([res], slept) == [res]
    assert res.sexpr == "(take 1 x)" and res.program.strip().endswith("return x[:1]") and res.test_solved is True
    assert res.reread_from == "(cons (max x) [])" and [r["sexpr"] for r in res.readings] == ["(take 1 x)",
                                                                                            "(cons (max x) [])"]
    assert res.readings[0]["cost"] < res.readings[1]["cost"]
    assert [s.sexpr for s in lib.solutions("lists")] == ["(take 1 x)"]  # the stored solution follows
    from inductor.events import read_events

    [event] = [e for e in read_events(tmp_path / "events.jsonl") if e["event"] == "reread"]
    assert event["before"] == "(cons (max x) [])" and event["after"] == "(take 1 x)" and event["test_solved"]
    # Weights that favour the reading already chosen change nothing; nor does reread = false.
    assert loop.reread([res], slept) == []
    loop.library.reread = False
    res.readings.reverse()
    assert loop.reread([res], slept) == []


def test_rescore_leaves_out_the_task_s_own_uses():
    from inductor.grammar import Fitted, rescore

    readings = [{"sexpr": "(min x)", "cost": 5.0}, {"sexpr": "(head x)", "cost": 5.0}]
    # min's only use is this task's own: without it, min is as rare as an unused name.
    fitted = Fitted("lists", {"min": 1.0, "head": 1.0}, {"min": 1, "head": 1}, 2)
    mine, other = rescore(readings, fitted, {})
    assert mine > other
    # Counted under weights already: only the change counts.
    # Counted under weight 2 each; fitted 2 each, but min's 3 uses include this task's: 2 * 3/4.
    fitted = Fitted("lists", {"min": 2.0, "head": 2.0}, {"min": 3, "head": 3}, 6)
    assert rescore(readings, fitted, {"min": 2.0, "head": 2.0}) == pytest.approx([5.0 + 1 - math.log2(1.5), 5.0])
