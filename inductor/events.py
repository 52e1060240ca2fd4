"""A run's event stream: named event types, one writer, one reader.

Everything the loop does that a log, a progress bar or a metrics plugin may want to see is an
*event*: a JSON object ``{"t": UNIX_SECONDS, "event": NAME, ...fields}`` whose ``NAME`` is one of
:data:`EVENTS`. :class:`Events` is the one writer: ``emit`` builds the record and hands it to
the ``inductor_event`` hook, where the listeners are plugins. The event log (:class:`EventFile`,
``RUN_DIR/events.jsonl``) and the console (:class:`inductor.report.ConsoleReporter`) are two
built-in ones, registered for the length of a run, as pytest registers its terminal reporter.
:func:`read_events` is the one reader (``--resume`` and ``inductor report`` use it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from inductor.errors import InductorError
from inductor.hookspecs import hookimpl

if TYPE_CHECKING:
    from inductor.plugins import Plugins

#: Every event type, with what it records. The ``subject`` passed beside a record (in
#: process only, never written) is named in brackets.
EVENTS: dict[str, str] = {
    "run_started": "a run began: its folders, task count and every option (what --resume reads back)",
    "run_resumed": "an interrupted run continues, with the same fields as run_started",
    "model_loaded": "the model is ready: its name, load seconds and adapter",
    "pass_started": "a pass over the tasks began: pass_no, tasks to attempt, library_size",
    "task_started": "work on a task began: task, domain, train and test counts, pass_no [the Task]",
    "retrieved": "library functions retrieved for a task's prompt: task, functions",
    "searched": "the search proposer finished on a task: terms evaluated, sizes done, stop reason",
    "ambiguous": "the search's program has other readings of the train examples (they differ on the test "
                 "inputs): task, readings (sexpr, cost, python, outputs; the accepted one first)",
    "reread": "after the sleep, a solution with other readings took the one the fitted weights make the most "
              "probable: task, before, after, scores (bits), test_solved",
    "model_called": "one model call: task, round, template, samples, seconds",
    "candidates_checked": "a round's distinct candidates verified: task, round, distinct, passing",
    "learned": "what a solved task added to the library: task, added, merged",
    "slept": "a sleep (compression and fitted weights) after a pass: domain, abstractions added",
    "task_finished": "a task's outcome: its --report entry, stopped, found_by, nearest miss [the TaskResult]",
    "run_finished": "the run ended: its report's summary",
    "run_failed": "the run stopped on an error: its report's summary and the error",
}

#: The file of a run folder that holds its events.
EVENTS_FILE = "events.jsonl"


class EventError(InductorError):
    """An event file cannot be read, or an event has no registered name."""


class Events:
    """The one writer of events: ``emit`` checks the name, stamps the time and hands the record
    to the ``inductor_event`` hook of ``plugins`` and to each of ``listeners``."""

    def __init__(self, plugins: Plugins | None = None,
                 listeners: tuple[Callable[[dict[str, Any], Any], None], ...] = ()) -> None:
        self.plugins = plugins
        self.listeners = list(listeners)

    def emit(self, event: str, *, subject: Any = None, **data: Any) -> dict[str, Any]:
        """Record ``event`` with ``data``; ``subject`` is the object it is about, for in-process listeners."""
        if event not in EVENTS:
            raise EventError(f"event {event!r}: not an event type (known: {', '.join(EVENTS)})")
        record = {"t": round(time.time(), 3), "event": event, **data}
        self._send(record, subject)
        return record

    def replay(self, record: dict[str, Any], subject: Any = None) -> dict[str, Any]:
        """Hand on a record emitted elsewhere (a worker of another process), its time kept."""
        if record.get("event") not in EVENTS:
            raise EventError(f"event {record.get('event')!r}: not an event type (known: {', '.join(EVENTS)})")
        self._send(record, subject)
        return record

    def _send(self, record: dict[str, Any], subject: Any) -> None:
        if self.plugins is not None:
            self.plugins.event(record, subject)
        for listener in self.listeners:
            listener(record, subject)

    def close(self) -> None:
        """Close the listeners that hold a file."""
        for listener in self.listeners:
            close = getattr(listener, "close", None)
            if callable(close):
                close()


class EventFile:
    """The event log: every record as one JSON line, flushed as it comes (a killed run keeps
    all but the line it was writing). A built-in plugin for the length of a run, and a plain
    listener of :class:`Events`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: TextIO | None = path.open("a", encoding="utf-8")

    @hookimpl
    def inductor_event(self, record: dict[str, Any], subject: Any) -> None:
        self(record, subject)

    def __call__(self, record: dict[str, Any], subject: Any = None) -> None:
        if self._file is not None:
            self._file.write(json.dumps(record, default=str) + "\n")
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class EventLog(Events):
    """Events written to ``path`` (``None``: kept nowhere), without the plugin hook: the loop's
    own log when it runs outside ``inductor run`` (tests, Python callers)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        super().__init__(listeners=(EventFile(path),) if path is not None else ())


def read_events(path: Path) -> Iterator[dict[str, Any]]:
    """The records of an event file in order; a line that is not JSON (the one a killed run was
    writing) is skipped."""
    try:
        f = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise EventError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    with f:
        for line in f:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                yield record


def resume_state(run_dir: Path) -> dict[str, Any]:
    """What an (interrupted) run folder recorded: its options (the ``run_started`` event) and
    its finished tasks (their ``task_finished`` events, the interrupted one left out)."""
    path = run_dir / EVENTS_FILE
    if not path.is_file():
        raise EventError(f"{path}: missing (not a run folder)")
    options: dict[str, Any] | None = None
    finished: list[dict[str, Any]] = []
    for event in read_events(path):
        if event.get("event") == "run_started":
            options = event
        elif event.get("event") == "task_finished" and event.get("stopped") != "interrupted":
            finished.append(event)
    if options is None or "folders" not in options:
        raise EventError(f"{path}: no run_started event to resume from")
    return {"options": options, "finished": finished}
