"""What a candidate produced reaches the user escaped: no markup, no terminal escapes, bounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from inductor.cli import cli
from inductor.display import shown, shown_value

# Each train input picks one attack on the terminal or on the code that shows the verdicts.
HOSTILE = r'''
def f(x):
    if x == 0:
        r = []
        for _ in range(980):
            r = [r]
        return r
    if x == 1:
        return "[/] [bold red]not markup[/bold red] [link=file:///etc/passwd]x[/link]"
    if x == 2:
        raise ValueError("[/]\x1b[2J\x1b]0;pwned\x07\x1b]52;c;aGVsbG8=\x07\x1b[8mhidden\x1b[32m train 5/5 passed")
    if x == 3:
        raise ValueError("lone \ud800 surrogate \u202e reversed")
    if x == 4:
        class Nasty(Exception):
            def __str__(self):
                raise RuntimeError("no text for you")
        raise Nasty()
    return "A" * 100000
'''


@pytest.fixture
def hostile_task(tmp_path):
    task = {"train": [{"input": i, "output": i} for i in range(6)], "test": [{"input": 0, "output": 0}]}
    (tmp_path / "t.json").write_text(json.dumps(task))
    (tmp_path / "p.py").write_text(HOSTILE)
    return tmp_path


def _assert_safe(text: str) -> None:
    assert "Traceback" not in text and "MarkupError" not in text
    assert not any(ord(c) < 32 and c not in "\n" for c in text), repr([c for c in text if ord(c) < 32][:5])
    assert "\u202e" not in text and "\x9b" not in text
    assert max(len(line) for line in text.splitlines()) < 400


def test_shown_escapes_controls_surrogates_and_bounds_length():
    assert shown("a\x1b[2Jb\x07") == "a\\x1b[2Jb\\x07"
    assert shown("x\ud800y\u202ez") == "x\\ud800y\\u202ez"
    assert shown("tab\there\nline", newlines=True) == "tab\there\nline"
    assert shown("tab\there") == "tab\\there"
    assert len(shown("é" * 10_000, 50)) <= 53 and shown("é" * 10_000, 50).endswith("...")
    shown("\ud800" * 500).encode("ascii")  # encodable anywhere

    class Raises:
        def __str__(self):
            raise RuntimeError("no")

    assert shown(Raises()) == "<unprintable Raises>"


def test_shown_value_is_bounded_and_handles_any_depth():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    text = shown_value(deep, 100)
    assert text.startswith("[[[[") and len(text) <= 100
    assert shown_value({"a": [1, True, None, "q\x1b"]}) == '{"a": [1, true, null, "q\\x1b"]}'
    assert "5000 digits" in shown_value(10 ** 5000) and "digits" in shown_value(10 ** 300)
    assert shown_value(list(range(10_000)), 30).endswith("...")


def test_cli_verify_shows_hostile_outputs_escaped(hostile_task):
    res = CliRunner().invoke(cli, ["verify", str(hostile_task / "t.json"), str(hostile_task / "p.py")])
    assert res.exit_code == 1, res.output
    _assert_safe(res.output)
    assert "[/]" in res.output  # shown literally, not read as markup
    assert "\\x1b[2J" in res.output and "train 0/6 passed" in res.output


def test_cli_verify_json_survives_deep_and_odd_outputs(hostile_task):
    res = CliRunner().invoke(cli, ["verify", "--json", str(hostile_task / "t.json"), str(hostile_task / "p.py")])
    assert res.exit_code == 1, res.output
    payload = json.loads(res.output)
    assert payload["train_solved"] is False and len(payload["train"]) == 6
    assert "\x1b" not in res.output


def test_cli_verify_on_an_ascii_terminal(hostile_task):
    """A console that cannot encode a surrogate or an accent still gets every verdict, no traceback."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C", "COLUMNS": "120"}
    proc = subprocess.run([sys.executable, "-m", "inductor.cli", "verify", str(hostile_task / "t.json"),
                           str(hostile_task / "p.py")], capture_output=True, env=env, timeout=300)
    out = proc.stdout.decode("ascii", "replace") + proc.stderr.decode("ascii", "replace")
    assert proc.returncode == 1, out
    _assert_safe(out)
    assert "train 0/6 passed" in out


def test_run_console_shows_a_candidates_errors_and_source_escaped(tmp_path):
    folder = tmp_path / "tasks"
    folder.mkdir()
    task = {"train": [{"input": [1, 2], "output": [2, 1]}, {"input": [3], "output": [3]}]}
    (folder / "[bold]t[red].json").write_text(json.dumps(task))
    script = tmp_path / "script.json"
    attacks = [' raise ValueError("[/]\\x1b[2J\\x1b]0;pwned\\x07 [green]all solved[/green]")',
               ' s = "\x1b[2J"\n    return [s, "[/]"] if len(x) > 1 else x']
    script.write_text(json.dumps(attacks))
    res = CliRunner().invoke(cli, ["run", str(folder), "--model", f"fake:{script}", "--samples", "2", "--rounds", "0",
                                   "--no-search", "--no-library", "--runs-dir", str(tmp_path / "runs")])
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "Traceback" not in res.output
    assert "[bold]t[red]" in res.output  # the task id is shown as written, not read as markup
    assert "\\x1b[2J" in res.output  # the miss's source is shown with its escape made visible
