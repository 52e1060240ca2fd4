"""``inductor tasks``: the tasks a folder holds, per domain, and the files that failed to load."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from inductor.app import App
from inductor.cli.base import (
    cli,
    load_tasks,
    pass_app,
)


@cli.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--train-count", type=int, help="List Functions: leading pairs used as train [5].")
@click.option("--sygus-long-as-tasks", is_flag=True,
              help="SyGuS: load X-long.sl files as tasks, not as the test examples of X.sl.")
@click.option("-v", "--verbose", is_flag=True, help="List every task with its example counts.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def tasks(app: App, folders: tuple[Path, ...], train_count: int | None, sygus_long_as_tasks: bool, verbose: bool,
          as_json: bool) -> None:
    """List the tasks found in FOLDERS, per domain, and every file that failed to load.

    Exits with status 1 when some file failed to load, or when no task was found.

    \b
    Examples:
      inductor tasks benchmarks/list-functions
      inductor tasks tasks/rev.json tasks/more/ -v
      inductor tasks benchmarks/sygus --json
    """
    from rich.console import Console
    from rich.table import Table

    result = load_tasks(app, folders, train_count, sygus_long_as_tasks)
    for path in folders:  # a file named on the command line that no loader reads is a mistake
        if path.is_file() and path in result.skipped:
            raise click.ClickException(f"{path}: not a task file (no loader reads files with this name; "
                                       "try .json, .jsonl or .sl)")
    if not result.tasks and not result.errors and not result.folded:
        raise click.ClickException(f"no tasks found in {', '.join(map(str, folders))}")
    if as_json:
        click.echo(json.dumps({
            "tasks": [{"id": t.id, "domain": t.domain, "loader": t.loader, "train": len(t.train),
                       "test": len(t.test), "file": str(t.source)} for t in result.tasks],
            "errors": [{"file": str(e.path), "reason": e.reason} for e in result.errors],
            "folded": [str(p) for p in result.folded],
        }, indent=2))
        sys.exit(1 if result.errors else 0)
    console = Console()
    table = Table(title=f"{len(result.tasks)} tasks in {', '.join(str(f) for f in folders)}")
    for col in ("domain", "tasks", "loaders", "train examples", "test examples", "arguments"):
        table.add_column(col, justify="left" if col in ("domain", "loaders") else "right")
    for domain, items in sorted(result.by_domain().items()):
        table.add_row(
            domain, str(len(items)), ", ".join(sorted({t.loader for t in items})),
            _range(len(t.train) for t in items), _range(len(t.test) for t in items), _range(t.arity for t in items),
        )
    console.print(table)
    if result.folded:
        console.print(f"{len(result.folded)} file(s) read as other tasks' test examples, not as tasks "
                      "(SyGuS X-long.sl and X-long-repeat.sl, for X.sl; --sygus-long-as-tasks loads them as tasks)", highlight=False)
    if verbose:
        for task in result.tasks:
            console.print(f"  {task.id:<32} {task.domain or 'generic':<8} train {len(task.train):>3}  "
                          f"test {len(task.test):>3}  {task.source}", highlight=False)
    if result.errors:
        console.print(f"[red]{len(result.errors)} file(s) failed to load:[/red]")
        for err in result.errors:
            console.print(f"  [red]✗[/red] {err.path}: {err.reason}", highlight=False, markup=True)
        sys.exit(1)


def _range(values: Any) -> str:
    values = list(values)
    if not values:
        return "-"
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}-{hi}"
