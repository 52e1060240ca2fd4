"""The ``inductor`` command group and what its verbs share: the :class:`~inductor.app.App` each
command is passed, the task loading every verb does the same way, and the one-line errors.

Every error a user can cause ends in one line naming the file, option or id (an
:class:`~inductor.errors.InductorError` raised anywhere becomes a ``click.ClickException``
here), never a traceback.
"""

from __future__ import annotations

import json
import shlex
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from inductor import __version__
from inductor.app import App
from inductor.errors import InductorError
from inductor.plugins import PluginError, get_plugins
from inductor.prompts import UntypedPrimitiveWarning
from inductor.tasks import LoadResult

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

pass_app = click.make_pass_decorator(App)


class InductorGroup(click.Group):
    """The command group: an :class:`~inductor.errors.InductorError` (a plugin's failing hook, a
    bad setting, a missing file) ends a command in one line, and a primitive the search cannot
    type is a one-line warning."""

    def invoke(self, ctx: click.Context) -> Any:
        shown = warnings.showwarning

        def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
            if issubclass(category, UntypedPrimitiveWarning):
                click.echo(f"warning: {message}", err=True)
            else:
                shown(message, category, *args, **kwargs)

        try:
            with warnings.catch_warnings():
                warnings.showwarning = show
                return super().invoke(ctx)
        except InductorError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:  # the run loop wraps what ended it (RunFailed)
            if isinstance(exc.__cause__, PluginError):
                raise click.ClickException(str(exc.__cause__)) from None
            raise


@click.group(cls=InductorGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="inductor")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False),
              help="Settings file (default: ./inductor.toml when present).")
@click.option("--plugins-dir", "plugins_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Load every .py file in this folder as a plugin (repeatable).")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, plugins_dirs: tuple[Path, ...]) -> None:
    """Program induction from examples, with a growing library of reusable functions.

    \b
    Examples:
      inductor tasks benchmarks/list-functions
      inductor run benchmarks/list-functions --only 'c00*' --model none
      inductor report runs/20250101-120000
    """
    ctx.obj = App(config, plugins_dirs, say=lambda message: click.echo(message, err=True))


def load_tasks(app: App, folders: Iterable[Path], train_count: int | None,
               sygus_long_as_tasks: bool = False) -> LoadResult:
    """The tasks in ``folders`` as every verb loads them (``--train-count`` checked here)."""
    if train_count is not None and train_count < 1:
        raise click.BadParameter("must be at least 1", param_hint="--train-count")
    return app.load_tasks(list(folders), train_count, sygus_long_as_tasks)


def check_at_least_one(**values: int | None) -> None:
    """Each given option (``--name``: value) is at least 1."""
    for name, value in values.items():
        if value is not None and value < 1:
            raise click.BadParameter("must be at least 1", param_hint=f"--{name.replace('_', '-')}")


def library_option(f: Any) -> Any:
    """``--library`` and ``--json``, as every ``library`` verb takes them."""
    f = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(f)
    return click.option("--library", "library_dir", type=click.Path(path_type=Path, file_okay=False),
                        help="Library folder [library].")(f)


def show_figures(figures: dict[str, Any], as_json: bool, printer: Callable[[dict[str, Any]], None]) -> None:
    """A benchmark's figures as JSON, or as its table."""
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        printer(figures)


def command_line(ctx: click.Context, skip: tuple[str, ...] = ()) -> str:
    """The command as a user would type it: its options that were given, not defaulted."""
    parts = ["inductor", *ctx.command_path.split()[1:]]  # the program's name varies (cli under -m)
    for param in ctx.command.params:
        name = param.name or ""
        if name in skip or ctx.get_parameter_source(name) is click.core.ParameterSource.DEFAULT:
            continue
        value = ctx.params.get(name)
        if isinstance(param, click.Option) and param.is_flag:
            if param.secondary_opts and not value:
                parts.append(param.secondary_opts[0])
            elif value:
                parts.append(param.opts[0])
            continue
        for v in value if isinstance(value, (tuple, list)) else (value,):
            parts += [*param.opts[:1], str(v)] if isinstance(param, click.Option) else [str(v)]
    return " ".join(shlex.quote(p) for p in parts)


def main() -> None:
    """Console entry point: plugins may add commands before the group runs."""
    try:
        try:
            get_plugins().register_commands(cli)
        except PluginError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        cli(prog_name="inductor")
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
