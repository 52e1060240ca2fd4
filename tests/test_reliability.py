"""Crash safety and concurrent runs: SIGKILL mid-run, --resume, two runs on one library."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import inductor
from inductor.cli import cli
from inductor.store import Library

DEMO = Path(inductor.__file__).parent / "examples" / "demo"
pytestmark = pytest.mark.integration


def _tasks(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        for path in DEMO.glob(f"{name}*"):
            shutil.copy(path, folder / path.name)
    return folder


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n')
    return subprocess.Popen([sys.executable, "-m", "inductor.cli", "run", *args, "--model", "none", "-q"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "INDUCTOR_PLUGINS": ""})


def _events(run_dir: Path) -> list[dict]:
    out = []
    for line in (run_dir / "events.jsonl").read_text().splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # the line being written when the run was killed
    return out


def _learned(events: list[dict]) -> set[str]:
    """The functions a run reported adding: snippets as tasks finish, abstractions at each sleep."""
    return {name for e in events if e["event"] in ("learned", "slept") for name in e["added"]}


def _kept(events: list[dict]) -> set[str]:
    """The tasks whose solutions a run reported keeping for the sleep's compression."""
    return {e["task"] for e in events if e["event"] == "learned" and "s-expression" in e.get("reason", "")}


def test_sigkill_mid_run_loses_no_function_and_resume_finishes_the_run(tmp_path):
    folder = _tasks(tmp_path / "tasks", ["c001", "c002", "c003", "c004", "firstname", "bikes"])
    lib = tmp_path / "lib"
    proc = _start(tmp_path, str(folder), "--library", str(lib))
    deadline = time.time() + 120
    run_dir = None
    while time.time() < deadline and proc.poll() is None:
        dirs = list((tmp_path / "runs").glob("*/events.jsonl"))
        if dirs and _kept(_events(dirs[0].parent)):
            run_dir = dirs[0].parent
            break
        time.sleep(0.05)
    assert run_dir is not None, "the run learned nothing before it ended"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    before = _events(run_dir)
    assert _learned(before) <= Library(lib).names()  # what a run reported learning is in the store
    assert _kept(before) <= {s.task_id for s in Library(lib).solutions()}  # and every solution it kept
    runner = CliRunner()
    check = runner.invoke(cli, ["library", "check", "--library", str(lib), "--repair", "--json"])
    assert check.exit_code == 0, check.output
    assert json.loads(check.output)["failing"] == {}  # nothing half-written
    assert json.loads(runner.invoke(cli, ["library", "check", "--library", str(lib), "--json"]).output)["ok"]
    finished_before = {e["id"] for e in before if e["event"] == "task_finished"}
    res = runner.invoke(cli, ["run", "--resume", str(run_dir), "-q"])
    assert res.exit_code == 0, res.output
    report = json.loads((run_dir / "report.json").read_text())
    assert sorted(t["id"] for t in report["tasks"]) == sorted(["c001", "c002", "c003", "c004", "firstname", "bikes"])
    after = _events(run_dir)
    started = [e["task"] for e in after if e["event"] == "task_started"]
    for task_id in finished_before:  # finished tasks were not run again
        assert started.count(task_id) == 1, task_id
    assert any(e["event"] == "run_resumed" for e in after)


def test_resume_errors_are_one_line(tmp_path):
    res = CliRunner().invoke(cli, ["run", "--resume", str(tmp_path)])
    assert res.exit_code == 1 and "events.jsonl: missing" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(cli, ["run", "--resume", str(tmp_path), str(tmp_path)])
    assert res.exit_code == 2 and "drop FOLDERS" in res.output
    res = CliRunner().invoke(cli, ["run"])
    assert res.exit_code == 2 and "--resume RUN_DIR" in res.output


def test_two_runs_on_one_library_at_once_lose_nothing(tmp_path):
    first = _tasks(tmp_path / "a", ["c001", "c002", "c003", "c004"])
    second = _tasks(tmp_path / "b", ["c016", "c017", "dr-name", "bikes"])
    lib = tmp_path / "lib"
    procs = [_start(tmp_path, str(folder), "--library", str(lib), "--runs-dir", str(tmp_path / f"runs-{i}"))
             for i, folder in enumerate((first, second))]
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, out.decode()
    learned, kept = set(), set()
    for i in range(2):
        events = _events(next((tmp_path / f"runs-{i}").iterdir()))
        learned |= _learned(events)
        kept |= _kept(events)
    assert learned <= Library(lib).names()
    assert len(kept) >= 3 and kept <= {s.task_id for s in Library(lib).solutions()}  # both runs' solutions
    res = CliRunner().invoke(cli, ["library", "check", "--library", str(lib), "--json"])
    assert res.exit_code == 0, res.output  # store, modules and index in step, every function passes


@pytest.mark.parametrize("config, args, message", [
    ('[library]\nembedder = "nope"\n', ["run", "TASKS", "--model", "none"], "embedder 'nope': unknown"),
    ("[library\n", ["library", "list"], "inductor.toml: invalid TOML"),
    ('[sandbox]\nexecutor = "nope"\n', ["run", "TASKS", "--model", "none"], "executor 'nope': unknown"),
    ('[search]\nsearcher = "nope"\n', ["run", "TASKS", "--model", "none"], "searcher 'nope': unknown"),
    ("", ["run", "TASKS", "--model", "nope"], "--model 'nope': unknown model"),
    ('[library]\nnames = "poetry"\n', ["run", "TASKS", "--model", "fake:script.json"], "names 'poetry'"),
])
def test_bad_configuration_is_one_line(tmp_path, config, args, message):
    (tmp_path / "inductor.toml").write_text(config)
    (tmp_path / "script.json").write_text('[" return x"]')
    tasks = _tasks(tmp_path / "tasks", ["c001"])
    res = CliRunner().invoke(cli, [a.replace("TASKS", str(tasks)) for a in args])
    assert res.exit_code != 0 and message in res.output and "Traceback" not in res.output, res.output
    lines = res.output.strip().splitlines()
    assert lines[-1].startswith("Error: ") and message in lines[-1]  # one line, after any progress line


def test_a_damaged_library_is_one_line_and_a_damaged_index_is_rebuilt(tmp_path):
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n')
    lib = tmp_path / "lib"
    tasks = _tasks(tmp_path / "tasks", ["c001"])
    assert CliRunner().invoke(cli, ["run", str(tasks), "--model", "none", "--library", str(lib), "-q"]).exit_code == 0
    (lib / "index.faiss").write_bytes(b"garbage")
    res = CliRunner().invoke(cli, ["library", "search", "slice", "--library", str(lib), "--json"])
    assert res.exit_code == 0 and json.loads(res.output)  # rebuilt from the store
    (lib / "library.sqlite").write_bytes(b"not a database at all" * 100)
    for f in lib.glob("library.sqlite-*"):
        f.unlink()
    res = CliRunner().invoke(cli, ["library", "list", "--library", str(lib)])
    assert res.exit_code == 1 and "library.sqlite: not a usable library store" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize("delay", [0.8, 1.7, 2.9])  # into the search, a learn step, or between tasks
def test_sigkill_at_other_points_leaves_store_modules_and_index_consistent(tmp_path, delay):
    folder = _tasks(tmp_path / "tasks", ["c001", "c002", "c003", "c017", "dr-name"])
    lib = tmp_path / "lib"
    proc = _start(tmp_path, str(folder), "--library", str(lib))
    deadline = time.time() + 60
    while time.time() < deadline and not list((tmp_path / "runs").glob("*/events.jsonl")):
        time.sleep(0.05)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    run_dir = next((tmp_path / "runs").iterdir())
    assert _learned(_events(run_dir)) <= (Library(lib).names() if (lib / "library.sqlite").exists() else set())
    # A kill between a commit and the files written after it leaves modules or index behind the
    # store, never a function half-stored: nothing fails its examples, and a repair catches up.
    res = CliRunner().invoke(cli, ["library", "check", "--library", str(lib), "--repair", "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["failing"] == {}, res.output
    assert json.loads(CliRunner().invoke(cli, ["library", "check", "--library", str(lib), "--json"]).output)["ok"]
    assert CliRunner().invoke(cli, ["run", "--resume", str(run_dir), "-q"]).exit_code == 0
    report = json.loads((run_dir / "report.json").read_text())
    assert len(report["tasks"]) == 5
