"""Run reports: the ``--report`` JSON (keys fixed: docs/design.md, "Contracts other tooling reads") and the files of a run folder."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.hookspecs import hookimpl

if TYPE_CHECKING:
    from inductor.results import RunResult, TaskResult

#: Keys of each task entry, in order; other tooling reads them.
TASK_KEYS = ("id", "domain", "train_solved", "test_solved", "program", "seconds", "lm_samples",
             "candidates_checked", "library_functions_used")


def build_report(run: RunResult, **info: Any) -> dict[str, Any]:
    """``{"tasks": [...], "summary": {...}}`` for a run; ``info`` (model, seed, ...) joins the summary."""
    return {"tasks": [r.to_report() for r in run.results], "summary": {**run.summary(), **info}}


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write the report atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


#: A task bigger than this (as JSON) is recorded in tasks.jsonl with its first few examples only.
TASK_RECORD_CHARS = 100_000


def write_tasks(path: Path, tasks: list[Any]) -> None:
    """The run's tasks, one JSON object a line, for ``inductor report`` to show their examples."""
    with path.open("w", encoding="utf-8") as f:
        for task in tasks:
            data = task.to_json()
            text = json.dumps(data, default=repr)
            if len(text) > TASK_RECORD_CHARS:
                data = {**data, "train": data["train"][:3], "test": data["test"][:1], "truncated": True}
                text = json.dumps(data, default=repr)
                if len(text) > TASK_RECORD_CHARS:
                    text = json.dumps({"id": data["id"], "train": [], "test": [], "truncated": True})
            f.write(text + "\n")


def new_run_dir(root: Path) -> Path:
    """A fresh folder for one run under ``root``: ``YYYYmmdd-HHMMSS`` (with a suffix if taken)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = root / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            continue
    raise OSError(f"{root}: cannot create a run folder")


class RunConsole:
    """What ``inductor run`` prints: a progress bar, a line per task, and the summary."""

    def __init__(self, quiet: bool = False) -> None:
        from rich.console import Console

        self.console = Console(highlight=False)
        self.quiet = quiet

    def warn(self, message: str) -> None:
        self.console.print(f"[yellow]warning:[/yellow] {message}", markup=True)

    def start(self, message: str) -> None:
        if not self.quiet:
            self.console.print(f"[dim]{message}...[/dim]")

    def progress(self, total: int) -> _Progress:
        return _Progress(self, total)

    def task_line(self, res: Any) -> str:
        if res.train_solved:
            test = "test -" if res.test_solved is None else ("test pass" if res.test_solved else "test FAIL")
            line = f"[green]✓[/green] {_safe(res.task.id):<16} {_safe(res.task.domain or 'generic'):<7} {test:<24}"
        else:
            line = f"[red]✗[/red] {_safe(res.task.id):<16} {_safe(res.task.domain or 'generic'):<7} {_closest(res):<24}"
        line += f" {res.seconds:5.1f}s {res.lm_samples:>3} samples {res.candidates_checked:>3} checked"
        if res.found_by == "search":
            line += " (search)"
        if res.pass_no > 1:
            line += f" pass {res.pass_no}"
        if res.library_functions_used:
            line += f" uses {', '.join(res.library_functions_used)}"
        if res.learned:
            line += f" learned {', '.join(res.learned)}"
        if res.stopped in ("time", "interrupted", "no-model"):
            line += f" ({res.stopped})"
        return line

    def summary(self, run: RunResult, report: dict[str, Any], path: Path) -> None:
        from rich.table import Table

        from inductor.extract import strip_docstrings
        from inductor.verify import describe_misses

        s = report["summary"]
        solved = [r for r in run.results if r.train_solved]
        if solved:
            self.console.rule(f"solved {len(solved)}")
            for r in solved:
                self.console.print(f"[bold]{_safe(r.task.id)}[/bold] (test: "
                                   f"{_test_word(r)})",
                                   markup=True)
                self.console.print(_indent(_source(strip_docstrings(r.program or ""))), markup=False)
                for line in ambiguity_lines(r):
                    self.console.print(f"    [dim]# {_safe(line, 300)}[/dim]", markup=True)
        unsolved = sorted((r for r in run.results if not r.train_solved and r.nearest() is not None),
                          key=lambda r: -r.nearest().closeness)
        if unsolved:
            self.console.rule("nearest misses")
            for r in unsolved[:5]:
                near = r.nearest()
                self.console.print(f"[bold]{_safe(r.task.id)}[/bold]: {near.train_passed}/{len(near.train)} train "
                                   f"examples ({_safe(near.summary(), 300)})", markup=True)
                self.console.print(_indent(_first_lines(_source(strip_docstrings(near.source)), 8)), markup=False)
                for miss in describe_misses(r.task, near, limit=2):
                    self.console.print(f"    [dim]# {_safe(miss, 300)}[/dim]", markup=True)
        table = Table(title="run summary")
        for col in ("domain", "tasks", "train solved", "test solved"):
            table.add_column(col, justify="left" if col == "domain" else "right")
        for domain, d in sorted(s["by_domain"].items()):
            table.add_row(domain, str(d["tasks"]), str(d["train_solved"]), str(d["test_solved"]))
        table.add_row("all", str(s["tasks"]), str(s["train_solved"]),
                      f"{s['test_solved']}/{s['tasks_with_test']}", style="bold")
        self.console.print(table)
        if s.get("model") == "none":  # no model: no samples, and no rate to speak of
            self.console.print(f"{s['candidates_checked']} distinct candidates checked, {s['seconds']:.1f}s. "
                               "Model: none (search only).")
        else:
            rate = s["lm_samples"] / s["seconds"] if s["seconds"] else 0.0
            self.console.print(f"{s['lm_samples']} model samples, {s['candidates_checked']} distinct candidates "
                               f"checked, {s['seconds']:.1f}s ({rate:.1f} samples/s). Model: {s.get('model')}"
                               + (f" with the fine-tuned adapter {s['adapter']}." if s.get("adapter") else "."))
        if "library" in s:
            # Refactored from model-written solutions, then the sleeps' abstractions.
            learned = [name for r in run.results for name in r.learned] + \
                [a for p in s.get("passes", []) for z in p.get("sleep", []) for a in z.get("abstractions", [])]
            used = sum(1 for r in run.results if r.library_functions_used)
            self.console.print(f"Library {s['library']}: {s.get('library_size_end', 0)} functions "
                               f"({len(learned)} learned this run{': ' + ', '.join(learned[:10]) if learned else ''}"
                               f"{', ...' if len(learned) > 10 else ''}); {used} solution(s) called library functions"
                               + (" (frozen)" if s.get("frozen_library") else "") + ".", soft_wrap=True)
        reread = [r for r in run.results if r.reread_from]
        if reread:
            said = ", ".join(f"{r.task.id} (test: {_test_word(r)})" for r in reread[:8])
            self.console.print(f"After the sleep, {len(reread)} solution(s) took another reading of their train "
                               f"examples, the one the weights fitted to the other tasks make more probable: "
                               f"{_safe(said, 400)}{', ...' if len(reread) > 8 else ''}.", soft_wrap=True)
        ambiguous = [r.task.id for r in run.results if r.train_solved and r.ambiguous]
        if ambiguous:
            self.console.print(f"{len(ambiguous)} solved task(s) have another reading of their train examples "
                               f"that gives other outputs on their test inputs ({_safe(', '.join(ambiguous[:8]))}"
                               f"{', ...' if len(ambiguous) > 8 else ''}): see the # lines above.", soft_wrap=True)
        guided = sum(1 for r in run.results if r.guided)
        if guided:
            self.console.print(f"The recognition model steered the search in {guided} of {len(run.results)} task(s).")
        for p in s.get("passes", []):
            for z in p.get("sleep", []):
                made = ", ".join(z["abstractions"]) if z["abstractions"] else "none"
                self.console.print(f"Sleep after pass {p['pass']} ({_safe(z['domain'])}): abstractions learned: "
                                   f"{_safe(made)}; grammar weights fitted to {z['weights_fitted_to']} solution(s)"
                                   + (f" (compression: {_safe(z['error'])})" if z["error"] else "") + ".",
                                   soft_wrap=True)
        if len(s.get("passes", [])) > 1:
            for p in s["passes"]:
                self.console.print(f"Pass {p['pass']}: {p['solved']} of {p['attempted']} attempted task(s) solved, "
                                   f"library {p['library_size_start']} -> {p.get('library_size_end', '?')} functions.")
        if s["interrupted"]:
            self.console.print("[yellow]Interrupted: the report holds the tasks finished before Ctrl-C.[/yellow]",
                               markup=True)
        self.console.print(f"Report: {path}   Events: {Path(s.get('run_dir', '.')) / 'events.jsonl'}")


def _test_word(result: TaskResult) -> str:
    return "-" if result.test_solved is None else "pass" if result.test_solved else "fail"


def ambiguity_lines(result: TaskResult, limit: int = 2) -> list[str]:
    """What a user should know of the other readings of a solved task's train examples: each
    other program and a test input where its output differs from the accepted program's."""
    readings = result.readings
    if not result.ambiguous or len(readings) < 2:
        return []
    chosen, others = readings[0], readings[1:]
    inputs = [ex.args for ex in result.task.test]
    bits = max(o["cost"] for o in others) - chosen["cost"]
    what = "another program fits" if len(others) == 1 else f"{len(others)} other programs fit"
    lines = [f"{what} the train examples, {'' if len(others) == 1 else 'at most '}{bits:.1f} bits less probable, "
             "with other outputs on the test inputs (an example telling them apart would decide):"]
    for other in others[:limit]:
        body = next((ln.strip()[len("return "):] for ln in (other.get("python") or "").splitlines()
                     if ln.strip().startswith("return ")), other["sexpr"])
        where = ""
        for k, out in enumerate(other.get("outputs") or []):
            mine = chosen["outputs"][k] if chosen.get("outputs") is not None else None
            if out != mine and k < len(inputs):
                args = ", ".join(repr(a) for a in inputs[k])
                where = f": on f({args}) it gives {out!r}" + (f", this program {mine!r}" if mine is not None else "")
                break
        lines.append(f"  {body}{where}")
    return lines


class _Progress:
    def __init__(self, out: RunConsole, total: int) -> None:
        self.out = out
        self.total = total
        self.solved = 0
        self.candidates = 0
        self.started = time.perf_counter()
        self._progress: Any = None
        self._bar: Any = None

    def __enter__(self) -> _Progress:
        if not self.out.quiet:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(TextColumn("tasks"), BarColumn(), MofNCompleteColumn(),
                                      TextColumn("solved {task.fields[solved]}"),
                                      TextColumn("{task.fields[rate]:.2f} candidates/s"), TimeElapsedColumn(),
                                      TextColumn("ETA"), TimeRemainingColumn(),
                                      TextColumn("{task.fields[current]}", markup=False),
                                      console=self.out.console, transient=True)
            self._progress.__enter__()
            self._bar = self._progress.add_task("run", total=self.total, solved=0, rate=0.0, current="")
        return self

    def task_started(self, task: Any) -> None:
        """Name the task now being worked on."""
        if self._progress is not None:
            self._progress.update(self._bar, current=f"now: {task.id}")

    def pass_started(self, pass_no: int, tasks: int) -> None:
        if pass_no == 1:
            return
        if self._progress is not None:
            self._progress.console.rule(f"pass {pass_no}: retrying {tasks} unsolved task(s) with what was learned")
            self.total += tasks
            self._progress.update(self._bar, total=self.total)

    def task_done(self, res: Any) -> None:
        self.solved += res.train_solved
        self.candidates += res.candidates_checked
        if self._progress is None:
            return
        rate = self.candidates / max(1e-9, time.perf_counter() - self.started)
        self._progress.console.print(self.out.task_line(res), markup=True, soft_wrap=True)
        self._progress.update(self._bar, advance=1, solved=self.solved, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)


def _closest(res: Any) -> str:
    """How near an unsolved task came, in words: its best candidate's passing train examples."""
    near = res.nearest()
    if near is not None:
        return f"best passed {near.train_passed}/{len(near.train)} train"
    if res.lm_samples:
        return "no candidate ran cleanly"
    return "no program found"


def _safe(text: str, limit: int = 80) -> str:
    """Untrusted text (task ids, a candidate's errors and outputs) for a line printed as markup."""
    from rich.markup import escape

    from inductor.display import shown

    return escape(shown(text, limit))


def _source(text: str) -> str:
    """A program's source for printing as plain text: its lines kept, control characters escaped."""
    from inductor.display import shown

    return shown(text, 20_000, newlines=True)


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.rstrip().split("\n"))


def _first_lines(text: str, n: int) -> str:
    lines = text.rstrip().split("\n")
    return "\n".join(lines[:n] + (["..."] if len(lines) > n else []))


class ConsoleReporter:
    """The console as a listener of the event stream: a built-in plugin for the length of a run
    (as pytest's terminal reporter), moving ``progress`` on ``pass_started``, ``task_started``
    and ``task_finished``."""

    def __init__(self, progress: _Progress) -> None:
        self.progress = progress

    @hookimpl
    def inductor_event(self, record: dict[str, Any], subject: Any) -> None:
        event = record["event"]
        if event == "pass_started":
            self.progress.pass_started(int(record["pass_no"]), int(record["tasks"]))
        elif event == "task_started" and subject is not None:
            self.progress.task_started(subject)
        elif event == "task_finished" and subject is not None:
            self.progress.task_done(subject)
