"""The program's wiring: settings in, the parts out, no command line.

:class:`App` reads the settings (``inductor.toml``, then overrides), loads the plugins and
builds what a command or a Python caller needs: the task loader's options, the sandbox, the
model, the library with its FAISS index, the search proposer and the induction loop. Each
part fails with an :class:`~inductor.errors.InductorError` whose one line names the setting or
file. :meth:`App.run` runs the loop on tasks as ``inductor run`` does (a run folder, its event
log and report); see :mod:`inductor.runs`.

    >>> import inductor
    >>> app = inductor.App(options={"model": {"name": "none"}, "run": {"time_per_task": 2}})
    >>> tasks = app.load_tasks(["tasks/"]).tasks        # doctest: +SKIP
    >>> finished = app.run(tasks, library="my-library")  # doctest: +SKIP
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.config import Settings, check, load_settings
from inductor.errors import InductorError
from inductor.plugins import Plugins, get_plugins
from inductor.prompts import PromptFormat, Prompts
from inductor.store import DB_FILE, Library
from inductor.tasks import LoadOptions, LoadResult, load_folders

if TYPE_CHECKING:
    from inductor.index import Embedder, LibraryIndex
    from inductor.loop import Backend, Induction, LibraryUse
    from inductor.models import Model
    from inductor.runs import FinishedRun
    from inductor.sandbox import Sandbox
    from inductor.tasks import Task


class SetupError(InductorError):
    """A part cannot be built from the settings (an unknown plugin name, a value out of range)."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


class App:
    """What commands and Python callers share: settings and plugins, and the parts built from them.

    ``config``: a settings file (default: ``./inductor.toml`` when present); ``plugins_dirs``:
    folders whose ``.py`` files are loaded as plugins; ``options``: overrides per section,
    ``{"run": {"time_per_task": 2}}`` (``None`` values are ignored, as unset options are);
    ``plugins``: a plugin manager to use instead of the process-wide one (``plugins_dirs`` are
    then not loaded); ``say``: where notices go (default: stderr).
    """

    def __init__(self, config: Path | str | None = None, plugins_dirs: Sequence[Path | str] = (), *,
                 options: Mapping[str, Mapping[str, Any]] | None = None, plugins: Plugins | None = None,
                 say: Callable[[str], None] = _stderr) -> None:
        self.config_path = Path(config) if config is not None else None
        self.plugins_dirs = tuple(Path(p) for p in plugins_dirs)
        self.say = say
        self._settings: Settings | None = None
        self._plugins: Plugins | None = plugins
        self._options = {section: dict(values) for section, values in (options or {}).items()}
        #: Task folders whose ``plugins.py`` was loaded (a backend's workers load them too).
        self.task_folders: list[Path] = []

    # --- settings and plugins ---------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings: defaults, then the file, then the overrides given so far."""
        if self._settings is None:
            settings = load_settings(self.config_path, self.plugins.settings_sections())
            for section, values in self._options.items():
                settings = settings.with_options(section, **values)
            self._settings = settings
        return self._settings

    def configure(self, section: str, **values: Any) -> App:
        """Override settings of ``section`` (``None`` values leave a setting as it is); returns self."""
        self._settings = self.settings.with_options(section, **values)
        return self

    def check_settings(self) -> None:
        """Every setting in range (a value out of range is a :class:`~inductor.config.ConfigError`)."""
        check(self.settings, self.config_path or "options")

    @property
    def plugins(self) -> Plugins:
        """The plugin manager: built-ins, installed entry points and ``plugins_dirs``."""
        if self._plugins is None:
            plugins = get_plugins()
            for folder in self.plugins_dirs:
                plugins.load_dir(folder)
            self._plugins = plugins
        return self._plugins

    def load_task_plugins(self, paths: Iterable[Path]) -> None:
        """The ``plugins.py`` of each task folder in ``paths``."""
        for path in paths:
            self.plugins.load_task_folder(path)
            if path not in self.task_folders:
                self.task_folders.append(path)

    # --- tasks ------------------------------------------------------------------------------

    def load_options(self, train_count: int | None = None, sygus_long_as_tasks: bool = False) -> LoadOptions:
        """How task files are read: ``[tasks]`` settings, with ``train_count`` when given."""
        if train_count is not None and train_count < 1:
            raise SetupError(f"train_count {train_count}: must be at least 1")
        t = self.settings.tasks
        return LoadOptions(train_count=train_count or t.train_count,
                           sygus_test_from_long=t.sygus_test_from_long and not sygus_long_as_tasks)

    def load_tasks(self, folders: Iterable[Path | str], train_count: int | None = None,
                   sygus_long_as_tasks: bool = False) -> LoadResult:
        """The tasks in ``folders`` (files or folders), with the files that failed to load."""
        paths = [Path(f) for f in folders]
        self.load_task_plugins(paths)
        plugins = self.plugins
        return load_folders(paths, plugins.loaders(), self.load_options(train_count, sygus_long_as_tasks),
                            plugins.detect_domain, plugins.domain_problem)

    # --- the library ------------------------------------------------------------------------

    def library_folder(self, folder: Path | str | None = None) -> Path:
        """``folder``, or the configured ``[library] folder``."""
        return Path(folder or self.settings.library.folder)

    def open_library(self, folder: Path | str | None = None, *, create: bool = False,
                     readonly: bool = False) -> Library:
        """The library at ``folder`` (default: the configured one); a folder without one is refused
        unless ``create``. ``readonly``: nothing in the folder is written (for the read verbs)."""
        return Library(self.library_folder(folder), create=create, readonly=readonly)

    def embedder(self) -> Embedder:
        """The ``[library] embedder`` a plugin registers."""
        name = self.settings.library.embedder
        factories = self.plugins.embedders()
        if name not in factories:
            raise SetupError(f"[library] embedder {name!r}: unknown (known: {', '.join(sorted(factories))})")
        return factories[name]()

    def embeddings_cache(self, library: Library) -> Path:
        """Where recurring texts' vectors are kept: beside the index, or (a library opened
        read-only) under the user cache, ``[model] cache_dir``/embeddings."""
        if not getattr(library, "readonly", False):
            return Path(library.folder)
        from inductor.models import cache_root

        return cache_root(self.settings.model) / "embeddings"

    def library_index(self, library: Library) -> LibraryIndex:
        """The library's FAISS index, built or refreshed with the configured embedder."""
        from inductor.index import LibraryIndex

        return LibraryIndex(library, self.embedder())

    def library_use(self, folder: Path | str | None = None, *, learn: bool, run: str = "", model: Model | None = None,
                    quiet: bool = False) -> LibraryUse:
        """The library at ``folder`` (default: the configured one) as a run uses it: read-only unless
        it learns; a run that learns creates the library when there is none, and says so."""
        from inductor.loop import LibraryUse

        where = self.library_folder(folder)
        new = learn and not (where / DB_FILE).is_file()
        s = self.settings.library
        if s.names not in ("model", "rules"):
            raise SetupError(f"[library] names {s.names!r}: must be model or rules")
        if s.search_functions not in ("shared", "all"):
            raise SetupError(f"[library] search_functions {s.search_functions!r}: must be shared or all")
        lib = self.open_library(where, create=learn, readonly=not learn)
        if new and not quiet:
            self.say(f"{lib.folder}: no library there yet, created an empty one to learn into")
        namer = None
        if learn and model is not None and s.names == "model":
            from inductor.refactor import ModelNamer

            namer = ModelNamer(model, Prompts(self.plugins.template_folders()))
        r = self.settings.recognition
        return LibraryUse(lib, self.library_index(lib), k=s.k, behaviour_limit=s.behaviour_limit, learn=learn,
                          run=run, model=model.name if model is not None else "search", namer=namer,
                          sleep=s.sleep, compress_iterations=s.compress_iterations, max_arity=s.max_arity,
                          min_tasks=s.min_tasks, pseudocount=s.weight_pseudocount, reread=s.reread,
                          search_functions=s.search_functions, search_limit=s.search_limit, recognition=r.enabled,
                          recognition_mix=r.mix, recognition_floor=r.floor)

    # --- the engine's parts -----------------------------------------------------------------

    def sandbox(self, **overrides: Any) -> Sandbox:
        """The ``[sandbox] executor`` a plugin registers, with ``overrides`` of ``[sandbox]``."""
        from inductor.sandbox import Limits

        s = self.settings.with_options("sandbox", **overrides).sandbox
        factories = self.plugins.executors()
        if s.executor not in factories:
            raise SetupError(f"[sandbox] executor {s.executor!r}: unknown (known: {', '.join(sorted(factories))})")
        limits = Limits(timeout=s.timeout, memory_mb=s.memory_mb, max_output_bytes=s.max_output_bytes)
        return factories[s.executor](workers=s.workers, limits=limits, wrap=s.wrap, batch_size=s.batch_size)

    def load_model(self, library_dir: Path | str | None = None) -> Model | None:
        """The configured model, or None for ``[model] name = "none"``; a backend whose section says
        ``adapter = "auto"`` (``[model.smollm2]``) gets the library's adapter (``library_dir``,
        default the configured one) when it has one."""
        from inductor.models import ModelError, create_model, parse_spec

        settings = self.settings
        m = settings.model
        if m.name == "none":
            if not settings.search.enabled:
                raise SetupError("--model none needs the search (drop --no-search)")
            return None
        factories = self.plugins.models()
        backend, _ = parse_spec(m.name, list(factories))
        section = f"model.{backend}"
        if getattr(settings.sections.get(section), "adapter", None) == "auto":  # the library's, when it has one
            from inductor.train import ADAPTER_DIR

            found = self.library_folder(library_dir) / ADAPTER_DIR
            settings = settings.with_options(
                section, adapter=str(found) if (found / "adapter_model.safetensors").is_file() else "none")
        try:
            return create_model(m.name, factories, settings)
        except KeyboardInterrupt:
            raise ModelError("interrupted while loading the model") from None

    def searcher(self, sandbox: Sandbox, name: str | None = None, seconds: float | None = None) -> Any:
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
            raise SetupError(f"[search] searcher {name!r}: unknown (known: {', '.join(sorted(factories))})")
        limit = seconds if seconds is not None else (sc.seconds or self.settings.run.time_per_task)
        return factories[name](sandbox, replace(sc, searcher=name, seconds=limit))

    def backend(self, name: str | None = None) -> Backend:
        """Where a run's tasks are solved: ``[run] backend`` (or ``name``), as a plugin registers it."""
        name = name or self.settings.run.backend
        factories = self.plugins.backends()
        if name not in factories:
            raise SetupError(f"[run] backend {name!r}: unknown (known: {', '.join(sorted(factories))})")
        return factories[name](self)

    def induction(self, sandbox: Sandbox, model: Model | None, library: LibraryUse | None, events: Any = None,
                  seed: int | None = None, time_per_task: float | None = None) -> Induction:
        """The loop with this app's settings, plugins and prompts; ``time_per_task``: that many
        seconds per task in place of ``[run] time_per_task`` (the search's limit with them)."""
        from inductor.loop import Budget, Induction
        from inductor.verify import Verifier

        r = self.settings.run if time_per_task is None else replace(self.settings.run, time_per_task=time_per_task)
        # A fine-tuned model is prompted the way it was trained (its adapter records how).
        fmt = getattr(model, "prompt_format", None) or PromptFormat(r.shots, r.max_helpers)
        return Induction(model, Verifier(sandbox, self.plugins), self.plugins,
                         prompts=Prompts(self.plugins.template_folders()),
                         budget=Budget.from_settings(r, self.settings.search),
                         model_settings=self.settings.model, shots=fmt.shots, max_helpers=fmt.max_helpers,
                         seed=r.seed if seed is None else seed, events=events, library=library,
                         search=self.searcher(sandbox, seconds=None if time_per_task is None
                                              else self.settings.search.seconds or time_per_task))

    # --- a whole run ------------------------------------------------------------------------

    def run(self, tasks: Sequence[Task], *, library: Path | str | None = None, frozen_library: bool = False,
            no_library: bool = False, report: Path | str | None = None, console: Any = None) -> FinishedRun:
        """Run the induction loop on ``tasks`` as ``inductor run`` does: a run folder under
        ``[run] runs_dir`` with its event log and report, the library learned into unless
        ``frozen_library`` (or left out with ``no_library``). ``report``: also write the report
        JSON there. ``console``: a :class:`~inductor.report.RunConsole` (default: a quiet one)."""
        from inductor.runs import RunRequest, execute

        request = RunRequest(folders=sorted({str(t.source.parent) for t in tasks if t.source is not None}),
                             library=Path(library) if library is not None else None,
                             frozen_library=frozen_library, no_library=no_library,
                             report=Path(report) if report is not None else None)
        return execute(self, list(tasks), request, console=console)
