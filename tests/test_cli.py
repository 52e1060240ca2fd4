"""First contact with the command line: a user's mistakes end in one clear line, and a failed
run still leaves what it finished."""

from __future__ import annotations

import json
import socket

import click
import pytest
from click.testing import CliRunner
from samples import UNSOLVABLE

from inductor.cli import cli
from inductor.tasks import Example, Task

REVERSE = Task("rev", [Example(([1, 2, 3],), [3, 2, 1]), Example(([5, 4],), [4, 5])],
               test=[Example(([7, 8, 9],), [9, 8, 7])], domain="lists")
FIRST = Task("first", [Example(([4, 1],), [4]), Example(([9, 2, 3],), [9])],
             test=[Example(([6],), [6])], domain="lists")


@pytest.fixture
def task_dir(tmp_path):
    folder = tmp_path / "tasks"
    folder.mkdir()
    for task in (FIRST, REVERSE):
        (folder / f"{task.id}.json").write_text(json.dumps(task.to_json()))
    return folder


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _one_line_error(res, *parts: str) -> None:
    assert res.exit_code != 0, res.output
    assert "Traceback" not in res.output and not isinstance(res.exception, (AssertionError, TypeError)), res.output
    errors = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, res.output
    for part in parts:
        assert part in errors[0], res.output


def test_an_unreachable_model_server_fails_before_the_first_task(task_dir, tmp_path):
    port = _closed_port()
    runs = tmp_path / "runs"
    res = CliRunner().invoke(cli, ["run", str(task_dir), "--model", f"openai:qwen@http://127.0.0.1:{port}/v1",
                                   "--no-library", "--runs-dir", str(runs)])
    _one_line_error(res, f"127.0.0.1:{port}", "cannot reach", "openai:qwen")
    assert "✓" not in res.output and "✗" not in res.output  # no task was attempted
    assert not runs.exists()  # and no empty run folder is left


FAILING_MODEL_PLUGIN = '''
from inductor import hookimpl
from inductor.models import FakeModel, ModelError


class Dying(FakeModel):
    def sample(self, prompt, params):
        if "def f" in prompt and self.stats.calls >= 1:
            raise ModelError("model server went away")
        return super().sample(prompt, params)


@hookimpl
def inductor_register_models(register):
    register("dying", lambda arg, settings: Dying([" return x[:1]"], name="dying"))
'''


def test_a_fatal_error_still_writes_the_report_of_the_finished_tasks(task_dir, tmp_path):
    plugins_dir = tmp_path / "plugins"
    plugins_dir.mkdir()
    (plugins_dir / "dying.py").write_text(FAILING_MODEL_PLUGIN)
    report = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["--plugins-dir", str(plugins_dir), "run", str(task_dir), "--model", "dying",
                                   "--samples", "1", "--rounds", "0", "--no-search", "--no-library",
                                   "--report", str(report), "--runs-dir", str(tmp_path / "runs")])
    _one_line_error(res, "model server went away")
    data = json.loads(report.read_text())
    assert [t["id"] for t in data["tasks"]] == ["first"] and data["tasks"][0]["train_solved"]
    assert data["summary"]["error"] == "model server went away"
    run_dir = next((tmp_path / "runs").iterdir())
    assert json.loads((run_dir / "report.json").read_text()) == data
    events = [json.loads(line)["event"] for line in (run_dir / "events.jsonl").read_text().splitlines()]
    assert events[-1] == "run_failed" and "--resume" in res.output


def test_a_failed_start_leaves_no_run_folder(task_dir, tmp_path):
    (tmp_path / "inductor.toml").write_text('[search]\nsearcher = "nope"\n')
    runs = tmp_path / "runs"
    res = CliRunner().invoke(cli, ["run", str(task_dir), "--model", "none", "--no-library", "--runs-dir", str(runs)])
    _one_line_error(res, "searcher 'nope'")
    assert not runs.exists() or not list(runs.iterdir())


def test_only_names_the_pattern_that_matched_nothing(task_dir, tmp_path):
    res = CliRunner().invoke(cli, ["run", str(task_dir), "--only", "c999", "--model", "none", "--no-library",
                                   "--runs-dir", str(tmp_path / "runs")])
    _one_line_error(res, "--only 'c999' matches no task id", "first")
    assert not (tmp_path / "runs").exists()


def test_only_warns_about_one_pattern_of_several_that_matched_nothing(task_dir, tmp_path):
    res = CliRunner().invoke(cli, ["run", str(task_dir), "--only", "c999", "--only", "rev", "--model", "none",
                                   "--no-library", "--runs-dir", str(tmp_path / "runs"), "--time-per-task", "5"])
    assert res.exit_code == 0, res.output
    assert "--only 'c999' matches no task id" in res.output and "✓ rev" in res.output


def test_search_only_run_reads_plainly(task_dir, tmp_path):
    (task_dir / "odd.json").write_text(json.dumps(UNSOLVABLE.to_json()))
    res = CliRunner().invoke(cli, ["run", str(task_dir), "--model", "none", "--no-library", "--time-per-task", "3",
                                   "--runs-dir", str(tmp_path / "runs")])
    assert res.exit_code == 0, res.output
    odd = next(line for line in res.output.splitlines() if "✗ odd" in line)
    assert "best -" not in odd and "no program found" in odd
    assert "samples/s" not in res.output and "Model: none (search only)." in res.output


def test_an_unsolved_task_line_says_how_close_it_came():
    from inductor.loop import TaskResult
    from inductor.report import RunConsole
    from inductor.verify import CheckResult, ExampleResult, Verdict

    near = CheckResult("def f(x):\n    return x\n", train=[
        ExampleResult(Verdict.PASS, [1], [1]), ExampleResult(Verdict.WRONG, [2], [3])])
    line = RunConsole().task_line(TaskResult(FIRST, near_misses=[near], lm_samples=4))
    assert "best passed 1/2 train" in line
    crashed = RunConsole().task_line(TaskResult(FIRST, lm_samples=4))
    assert "no candidate ran cleanly" in crashed and "best -" not in crashed


def test_progress_shows_the_current_task_and_an_eta():
    import io

    from rich.console import Console
    from rich.progress import TimeRemainingColumn

    from inductor.loop import TaskResult
    from inductor.report import RunConsole

    out = RunConsole()
    screen = io.StringIO()
    out.console = Console(file=screen, force_terminal=True, width=200)
    with out.progress(2) as progress:
        progress.task_done(TaskResult(FIRST, train_solved=True, seconds=1.0))
        progress.task_started(REVERSE)
        progress._progress.refresh()
        shown = screen.getvalue()
    assert "now: rev" in shown and "ETA" in shown
    assert any(isinstance(c, TimeRemainingColumn) for c in progress._progress.columns)


def test_library_search_refuses_k_0_naming_k(tmp_path):
    res = CliRunner().invoke(cli, ["library", "search", "reverse", "-k", "0", "--library", str(tmp_path / "lib")])
    _one_line_error(res, "-k")


def test_library_search_names_the_known_domains(tmp_path):
    from inductor.store import Library

    Library(tmp_path / "lib").close()
    res = CliRunner().invoke(cli, ["library", "search", "reverse", "--domain", "listz",
                                   "--library", str(tmp_path / "lib")])
    _one_line_error(res, "--domain", "'listz'", "lists", "strings")


def test_tasks_on_a_file_that_is_not_a_task_file_fails_naming_it(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("remember the milk\n")
    res = CliRunner().invoke(cli, ["tasks", str(notes)])
    _one_line_error(res, str(notes), "not a task file")


def test_tasks_in_an_empty_folder_fails_naming_it(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    res = CliRunner().invoke(cli, ["tasks", str(empty)])
    _one_line_error(res, "no tasks found", str(empty))


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


# The plugins command's help belongs to another change.
@pytest.mark.parametrize("path", [p for p, _ in _commands(cli) if p != ("plugins",)], ids=" ".join)
def test_every_command_help_shows_examples(path):
    res = CliRunner().invoke(cli, [*path, "--help"], terminal_width=100)
    assert res.exit_code == 0, res.output
    assert "Examples:" in res.output
    example = res.output.split("Examples:")[1].splitlines()[1]
    assert example.strip().startswith("inductor " + " ".join(path[:1])), res.output


def test_shell_completion_is_what_the_readme_says():
    res = CliRunner().invoke(cli, [], prog_name="inductor", env={"_INDUCTOR_COMPLETE": "bash_source"})
    assert res.exit_code == 0 and "_inductor_completion" in res.output
    res = CliRunner().invoke(cli, [], prog_name="inductor",
                             env={"_INDUCTOR_COMPLETE": "bash_complete", "COMP_WORDS": "inductor ru", "COMP_CWORD": "1"})
    assert "run" in res.output.split("\n")[0]
