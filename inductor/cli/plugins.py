"""``inductor plugins``: the loaded plugins, the domains each serves and its hooks."""

from __future__ import annotations

import json
from pathlib import Path

import click

from inductor.app import App
from inductor.cli.base import (
    cli,
    pass_app,
)


@cli.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.argument("task_folders", nargs=-1, type=click.Path(path_type=Path, exists=True))
@pass_app
def plugins_cmd(app: App, as_json: bool, task_folders: tuple[Path, ...]) -> None:
    """List loaded plugins, the domains each serves and the hooks each implements (with
    TASK_FOLDERS' own plugins.py). The table fits the terminal: long cells wrap, none is cut."""
    app.load_task_plugins(list(task_folders))
    infos = app.plugins.info()
    if as_json:
        click.echo(json.dumps([{"name": i.name, "source": i.source, "domains": list(i.domains), "hooks": list(i.hooks)}
                               for i in infos], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title=f"{len(infos)} plugins")
    for column in ("plugin", "from", "domains", "hooks"):
        table.add_column(column, overflow="fold")
    for i in infos:
        table.add_row(i.name, _short_path(i.source), ", ".join(i.domains) or "-",
                      ", ".join(h.removeprefix("inductor_") for h in i.hooks))
    console.print(table)


def _short_path(source: str) -> str:
    """A plugin file's path relative to the working folder when it is under it."""
    try:
        return str(Path(source).relative_to(Path.cwd()))
    except ValueError:
        return source
