"""The life of a run: its folder, its event stream, resuming it, and its report.

``inductor run`` and :meth:`inductor.App.run` both come here. :func:`execute` loads the
model and the library (what can fail at the start fails before the run folder exists), makes
the run folder (``[run] runs_dir``/TIMESTAMP) with ``tasks.jsonl``, registers the event log
and the console as plugins listening on the event stream, runs the loop, and writes
``report.json`` and ``relabeled.jsonl`` whether the run finished, was interrupted or failed.
A run folder's ``run_started`` event records every option, so ``--resume`` continues it
(:func:`resume_state`) without attempting its finished tasks again.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.dream import relabel_results, write_dreams
from inductor.errors import InductorError
from inductor.events import EVENTS_FILE, EventFile, Events, resume_state
from inductor.report import (
    ConsoleReporter,
    RunConsole,
    build_report,
    new_run_dir,
    write_report,
    write_tasks,
)
from inductor.results import RunFailed, RunResult, TaskResult

if TYPE_CHECKING:
    from inductor.app import App
    from inductor.loop import LibraryUse
    from inductor.tasks import Task

__all__ = ["FinishedRun", "RunRequest", "execute", "resume_state"]


class RunError(InductorError):
    """A run cannot start (its folder cannot be made) or its report cannot be written."""


@dataclass
class RunRequest:
    """What a run was asked for beyond the settings: recorded in its ``run_started`` event."""

    folders: Sequence[str] = ()
    only: Sequence[str] = ()
    exclude: Sequence[str] = ()
    sample: int | None = None
    train_count: int | None = None
    adapter: str | None = None
    library: Path | None = None
    frozen_library: bool = False
    no_library: bool = False
    #: Also write the report JSON here.
    report: Path | None = None
    #: Continue the interrupted run in this folder.
    resume_dir: Path | None = None
    #: The finished tasks' ``task_finished`` events of the run being resumed.
    finished: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FinishedRun:
    """A run that ended: the loop's results, the report written, and the run folder."""

    result: RunResult
    report: dict[str, Any]
    run_dir: Path

    @property
    def report_path(self) -> Path:
        return self.run_dir / "report.json"


def execute(app: App, tasks: list[Task], request: RunRequest, console: RunConsole | None = None) -> FinishedRun:
    """Run the loop on ``tasks`` with ``app``'s settings; see the module's docstring.

    An error that ends the run after it started still writes the report of the tasks that
    finished, then comes out as itself (a :class:`~inductor.errors.InductorError` names its cause).
    """
    console = console or RunConsole(quiet=True)
    settings = app.settings
    r, m = settings.run, settings.model
    if request.library is not None:  # what the workers of a backend elsewhere see as the library
        app.configure("library", folder=str(request.library))
    backend = app.backend()
    # Workers elsewhere load their own model: this process needs one only to name functions.
    here = getattr(backend, "solves_here", True) or settings.library.names == "model"
    if m.name != "none" and here:
        console.start(f"loading model {m.name}")
    library_use = None
    learn = settings.library.learn and not request.frozen_library
    try:
        model = app.load_model(None if request.no_library else request.library) if here else None
        if not request.no_library:
            library_use = app.library_use(request.library, learn=learn, model=model)
            if model is None and m.name != "none":
                library_use.model = m.name  # the functions learned here came from the workers' model
        start = getattr(backend, "start", None)
        if callable(start):  # a cluster that cannot be reached fails before the run folder exists
            start()
    except BaseException:
        backend.close()
        raise
    info: dict[str, Any] = {"model": m.name, "seed": r.seed, "samples": r.samples, "rounds": r.rounds,
                            "max_passes": r.passes, "time_per_task": r.time_per_task,
                            "searcher": settings.search.searcher if settings.search.enabled else None,
                            "search_share": settings.search.share, "backend": backend.name}
    run_dir: Path | None = None
    events = Events(app.plugins)
    event_file: EventFile | None = None
    listeners: list[Any] = []
    result: RunResult | None = None
    started = False
    resumed = request.resume_dir is not None
    try:
        with app.sandbox() as sandbox:
            induction = app.induction(sandbox, model, library_use)
            induction.backend = backend
            if request.resume_dir is not None:
                run_dir = request.resume_dir
            else:
                try:
                    run_dir = new_run_dir(Path(r.runs_dir))
                except OSError as exc:
                    raise RunError(f"{r.runs_dir}: cannot create a run folder: {exc}") from None
            info["run_dir"] = str(run_dir)
            event_file = EventFile(run_dir / EVENTS_FILE)
            app.plugins.register(event_file, name=f"inductor.event_log:{run_dir}", source="built-in")
            listeners.append(event_file)
            induction.events = events
            write_tasks(run_dir / "tasks.jsonl", tasks)
            library_path = None if request.no_library else str(app.library_folder(request.library).resolve())
            events.emit("run_resumed" if resumed else "run_started",
                        folders=[str(Path(f).resolve()) for f in request.folders], tasks=len(tasks), **info,
                        adapter=request.adapter, only=list(request.only), exclude=list(request.exclude),
                        sample=request.sample, train_count=request.train_count, library=library_path,
                        frozen_library=request.frozen_library, no_library=request.no_library,
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
            done = resumed_results(tasks, request.finished)
            if done:
                console.start(f"resuming {run_dir}: {len(done)} of {len(tasks)} task(s) already finished")
            info["search"] = settings.search.enabled
            started = True
            with console.progress(len(tasks)) as progress:
                reporter = ConsoleReporter(progress)
                app.plugins.register(reporter, name=f"inductor.console:{run_dir}", source="built-in")
                listeners.append(reporter)
                result = induction.run(tasks, passes=r.passes, done=done)
    except RunFailed as exc:  # the tasks finished before the error still get their report
        assert run_dir is not None
        _close_backend(backend, info)
        try:
            _finish(run_dir, events, library_use, exc.run, info, request.report,
                    error=str(exc.error) or type(exc.error).__name__)
        finally:
            _unregister(app, listeners)
        console.warn(f"the run stopped; {len(exc.run.results)} finished task(s) are in "
                     f"{request.report or run_dir / 'report.json'} (--resume {run_dir} continues it)")
        raise exc.error from None
    except BaseException:
        _close_backend(backend, info)
        _unregister(app, listeners)
        if not resumed and run_dir is not None and not started:  # a failed start leaves no folder
            shutil.rmtree(run_dir, ignore_errors=True)
        raise
    assert run_dir is not None and result is not None
    _close_backend(backend, info)
    try:
        report = _finish(run_dir, events, library_use, result, info, request.report)
    finally:
        _unregister(app, listeners)
    return FinishedRun(result, report, run_dir)


def _close_backend(backend: Any, info: dict[str, Any]) -> None:
    """Stop the backend's workers; what it knows of them joins the report's summary."""
    try:
        backend.close()
    finally:
        for key in ("restarts", "lost"):
            if hasattr(backend, key):
                info[f"backend_{key}"] = getattr(backend, key)


def _unregister(app: App, listeners: list[Any]) -> None:
    """The run's event log and console stop listening (the log's file is closed)."""
    for listener in listeners:
        app.plugins.unregister(listener)
        if isinstance(listener, EventFile):
            listener.close()
    listeners.clear()


def _finish(run_dir: Path, events: Events, library_use: LibraryUse | None,
            result: RunResult, info: dict[str, Any], report_path: Path | None,
            error: str | None = None) -> dict[str, Any]:
    """Write the report (and the relabeled misses) of a finished, interrupted or failed run."""
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
            raise RunError(f"{report_path}: cannot write the report: {exc}") from None
    events.emit("run_failed" if error is not None else "run_finished", **report["summary"])
    return report


def resumed_results(tasks: Sequence[Task], finished: Sequence[dict[str, Any]]) -> list[TaskResult]:
    """The last recorded result of each task the interrupted run finished."""
    by_id: dict[str, Task] = {}
    for task in tasks:
        by_id.setdefault(task.id, task)
    last: dict[str, dict[str, Any]] = {}
    for event in finished:
        last[str(event.get("id"))] = event
    return [TaskResult.from_event(by_id[i], e) for i, e in last.items() if i in by_id]
