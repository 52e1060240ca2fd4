"""``inductor verify``: one program against every example of a task, in the sandbox."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from inductor.app import App
from inductor.cli.base import check_at_least_one, cli, pass_app
from inductor.display import deeper_than, rich_text, shown, shown_value
from inductor.sandbox import SandboxError
from inductor.tasks import load_task_file
from inductor.verify import Verifier


@cli.command()
@click.argument("task_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("program", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--task", "task_id", help="Which task of a file that holds several (.jsonl).")
@click.option("--train-count", type=int, help="List Functions: leading pairs used as train [5].")
@click.option("--timeout", type=float, help="Seconds per example [1.0].")
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
@pass_app
def verify(app: App, task_file: Path, program: Path, task_id: str | None, train_count: int | None,
           timeout: float | None, as_json: bool) -> None:
    """Check PROGRAM against every example of the task in TASK_FILE.

    Prints a verdict per train and test example; exits 0 only when every train example passes.

    \b
    Examples:
      inductor verify tasks/rev.json solution.py
      inductor verify tasks/all.jsonl solution.py --task rev --json
    """
    from rich.console import Console
    from rich.table import Table


    check_at_least_one(train_count=train_count)
    app.load_task_plugins([task_file.parent])
    found = load_task_file(task_file, app.plugins.loaders(), app.load_options(train_count),
                           app.plugins.detect_domain, app.plugins.domain_problem)
    if task_id is not None:
        matching = [t for t in found if t.id == task_id]
        if not matching:
            raise click.ClickException(f"{task_file}: no task with id {task_id!r}")
        task = matching[0]
    elif len(found) > 1:
        raise click.ClickException(f"{task_file} holds {len(found)} tasks: choose one with --task ID")
    else:
        task = found[0]
    try:
        source = program.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{program}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        with app.sandbox(timeout=timeout) as sandbox:
            result = Verifier(sandbox, app.plugins).check(task, [source], test=True)[0]
    except SandboxError as exc:
        raise click.ClickException(f"sandbox: {exc}") from None
    if as_json:
        click.echo(_dumps_guarded({
            "task": task.id, "program": str(program), "error": result.error or None,
            "train_solved": bool(result), "test_solved": result.test_solved,
            "train": [_verdict_json(r) for r in result.train],
            "test": [_verdict_json(r) for r in result.test or []],
        }))
        sys.exit(0 if result else 1)
    # Everything the program produced is shown through display.shown: no markup, no terminal
    # escapes, encodable, bounded. Only the verdict's colour is ours.
    console = Console()
    if result.error:  # not a usable program: one line says why
        console.print(rich_text(f"{program}: {shown(result.error, 300)}", "red"), highlight=False, soft_wrap=True)
        sys.exit(1)
    table = Table(title=rich_text(shown(f"{program.name} on task {task.id} ({task.domain or 'generic'})")))
    for col in ("split", "#", "verdict", "ms", "detail"):
        table.add_column(col)
    colours = {"pass": "green", "wrong": "yellow"}
    for split, rows in (("train", result.train), ("test", result.test or [])):
        for i, r in enumerate(rows):
            detail = shown(r.message) if r.message else (
                "" if r.passed else f"expected {shown_value(r.expected, 60)}, got {shown_value(r.actual, 60)}")
            verdict = r.verdict.value
            table.add_row(split, str(i), rich_text(shown(verdict), colours.get(verdict, "red")), f"{r.ms:.1f}",
                          rich_text(detail))
    console.print(table)
    train_ok = sum(r.passed for r in result.train)
    test_ok = sum(r.passed for r in result.test or [])
    console.print(f"train {train_ok}/{len(result.train)} passed, test {test_ok}/{len(result.test or [])} passed",
                  highlight=False)
    sys.exit(0 if result else 1)


def _verdict_json(r: Any) -> dict[str, Any]:
    return {"verdict": r.verdict.value, "expected": r.expected, "actual": r.actual, "message": r.message,
            "ms": round(r.ms, 3)}


def _dumps_guarded(report: dict[str, Any]) -> str:
    """JSON of a verdict report; an output too deep or too odd to encode is given as its shown text."""
    for row in report["train"] + report["test"]:
        for key in ("expected", "actual", "message"):
            try:
                if deeper_than(row[key], 100):  # json's indenting encoder recurses in Python
                    raise RecursionError
                json.dumps(row[key])
            except (RecursionError, ValueError, TypeError):
                row[key] = shown(row[key], 10_000) if key == "message" else shown_value(row[key], 10_000)
    return json.dumps(report, indent=2)
