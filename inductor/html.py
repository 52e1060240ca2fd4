"""``inductor report RUN_DIR``: one self-contained HTML file with plots of a run.

Reads what ``inductor run`` leaves in its folder (report.json, events.jsonl, tasks.jsonl) and,
when the run's library folder still exists, the source of the functions solutions called.
Plots are drawn with matplotlib (Agg) and inlined as SVG, so the page needs no network.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inductor.errors import InductorError
from inductor.events import EVENTS_FILE, read_events
from inductor.plugins import Plugins, get_plugins
from inductor.store import DB_FILE, Library, StoreError


class ReportError(ValueError, InductorError):
    """A run folder that cannot be reported on (the message names the file)."""


@dataclass
class RunData:
    """What a run folder holds, read once."""

    folder: Path
    report: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    functions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Why the library's functions are not shown (it cannot be read), or "".
    library_problem: str = ""

    @classmethod
    def load(cls, folder: Path) -> RunData:
        path = folder / "report.json"
        if not folder.is_dir():
            raise ReportError(f"{folder}: not a run folder")
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ReportError(f"{path}: missing (the run did not finish, or this is not a run folder)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReportError(f"{path}: unreadable: {exc}") from None
        if not isinstance(report, dict) or not isinstance(report.get("tasks"), list):
            raise ReportError(f"{path}: not an inductor report")
        events = folder / EVENTS_FILE
        data = cls(folder, report, list(read_events(events)) if events.is_file() else [])
        for line in _jsonl(folder / "tasks.jsonl"):
            if isinstance(line, dict) and "id" in line:
                data.tasks[str(line["id"])] = line
        data.functions, data.library_problem = _library_functions(
            report.get("summary", {}).get("library"),
            {n for t in report["tasks"] for n in t.get("library_functions_used") or []})
        return data

    @property
    def summary(self) -> dict[str, Any]:
        return self.report.get("summary", {})

    def finished(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == "task_finished"]

    def start_time(self) -> float:
        for e in self.events:
            if e.get("event") == "run_started":
                return float(e["t"])
        return float(self.events[0]["t"]) if self.events else 0.0


def _jsonl(path: Path) -> list[Any]:
    """The JSON lines of ``tasks.jsonl`` (a line cut off by a killed run is skipped)."""
    return list(read_events(path)) if path.is_file() else []


def _library_functions(folder: str | None, names: set[str]) -> tuple[dict[str, dict[str, Any]], str]:
    """Source and docstring of the named functions, read-only from the run's library, and why
    there are none when the library cannot be read (a library folder since removed: no reason)."""
    if not folder or not names or not (Path(folder) / DB_FILE).is_file():
        return {}, ""
    try:
        lib = Library(Path(folder), readonly=True)
    except StoreError as exc:
        return {}, str(exc)
    try:
        found = {name: fn for name in sorted(names) if (fn := lib.get(name)) is not None}
    finally:
        lib.close()
    return {name: {"source": fn.source, "docstring": fn.docstring} for name, fn in found.items()}, ""


# --- plots ------------------------------------------------------------------------------------


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float = 6.0, height: float = 3.0) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
    fig, ax = plt.subplots(figsize=(width, height))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(alpha=0.3)
    return fig, ax


def solve_curve(data: RunData) -> str | None:
    """Tasks solved (on train) over the run's time, with a mark where each pass starts."""
    finished = data.finished()
    if not finished:
        return None
    t0 = data.start_time()
    solved, xs, ys = 0, [0.0], [0]
    for e in finished:
        solved += bool(e.get("train_solved"))
        xs.append(float(e["t"]) - t0)
        ys.append(solved)
    fig, ax = _figure()
    ax.step(xs, ys, where="post", color="#2a7ae2", label="solved (train)")
    for e in data.events:
        if e.get("event") == "pass_started" and e.get("pass_no", 1) > 1:
            ax.axvline(float(e["t"]) - t0, color="#999", linestyle="--")
            ax.text(float(e["t"]) - t0, max(ys) * 0.05, f" pass {e['pass_no']}", color="#666")
    ax.set_xlabel("seconds since the run started")
    ax.set_ylabel("tasks solved")
    ax.set_ylim(0, max(1, len(data.report["tasks"])))
    return _svg(fig)


def pass_bars(data: RunData) -> str | None:
    """Tasks solved per pass (cumulative), the solve curve over passes."""
    passes = data.summary.get("passes") or []
    if not passes:
        return None
    fig, ax = _figure(4.0, 3.0)
    total, heights = 0, []
    for p in passes:
        total += p.get("solved", 0)
        heights.append(total)
    labels = [str(p.get("pass", i + 1)) for i, p in enumerate(passes)]
    ax.bar(labels, heights, color="#2ca02c")
    for i, h in enumerate(heights):
        ax.text(i, h, str(h), ha="center", va="bottom")
    ax.set_xlabel("pass")
    ax.set_ylabel("tasks solved so far")
    return _svg(fig)


def library_growth(data: RunData) -> str | None:
    """Library size after each finished task."""
    start = data.summary.get("library_size_start")
    if start is None:
        return None
    size, xs, ys = int(start), [0], [int(start)]
    for i, e in enumerate(data.finished(), 1):
        size += len(e.get("learned") or [])
        xs.append(i)
        ys.append(size)
    fig, ax = _figure()
    ax.step(xs, ys, where="post", color="#9467bd")
    ax.set_xlabel("tasks attempted")
    ax.set_ylabel("library functions")
    return _svg(fig)


def most_used(data: RunData, limit: int = 15) -> list[tuple[str, int]]:
    counts = Counter(n for t in data.report["tasks"] for n in t.get("library_functions_used") or [])
    return counts.most_common(limit)


def usage_bars(usage: list[tuple[str, int]]) -> str | None:
    if not usage:
        return None
    fig, ax = _figure(6.0, 0.6 + 0.3 * len(usage))
    names = [n for n, _ in usage][::-1]
    ax.barh(names, [c for _, c in usage][::-1], color="#ff7f0e")
    ax.set_xlabel("solutions calling it")
    return _svg(fig)


# --- page -------------------------------------------------------------------------------------


def _is_grid(value: Any, colours: int) -> bool:
    return (isinstance(value, list) and 0 < len(value) <= 60 and all(isinstance(r, list) for r in value)
            and all(type(c) is int and 0 <= c < colours for r in value for c in r))


def render_value(value: Any, palette: Sequence[str] = (), limit: int = 400) -> str:
    """HTML for an input or output: with a domain's ``palette``, a list of rows of its cell values as
    coloured cells (ARC grids); the rest as Python literals."""
    from markupsafe import Markup, escape

    if palette and _is_grid(value, len(palette)):
        rows = "".join("<tr>" + "".join(f'<td style="background:{escape(palette[c])}"></td>' for c in row) + "</tr>"
                       for row in value)
        return Markup(f'<table class="grid">{rows}</table>')
    text = repr(value)
    if len(text) > limit:
        text = text[:limit] + " ..."
    return Markup(f"<code>{escape(text)}</code>")


def _examples(task: dict[str, Any] | None, key: str) -> list[dict[str, Any]]:
    if not task:
        return []
    out = []
    for ex in task.get(key) or []:
        args = ex.get("args") if "args" in ex else [ex.get("input")]
        out.append({"args": args, "output": ex.get("output")})
    return out


def build_html(data: RunData, plugins: Plugins | None = None) -> str:
    """The report page for a loaded run; ``plugins`` (the process's by default) say how each
    domain's values are drawn."""
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("inductor", "templates"), autoescape=True)  # every field is escaped; only our own SVG is |safe
    env.filters["value"] = render_value
    plugins = plugins or get_plugins()
    finished = {}
    for e in data.finished():
        finished[e.get("id")] = e  # the last attempt of each task
    readings = {e.get("task"): e.get("readings") or [] for e in data.events if e.get("event") == "ambiguous"}
    tasks = []
    for t in data.report["tasks"]:
        task = data.tasks.get(t["id"])
        event = finished.get(t["id"], {})
        tasks.append({**t, "palette": plugins.domain(t.get("domain") or "generic").palette,
                      "train": _examples(task, "train"), "test": _examples(task, "test"),
                      "truncated": bool(task and task.get("truncated")), "found_by": event.get("found_by", ""),
                      "pass_no": event.get("pass_no", 1), "learned": event.get("learned") or [],
                      "stopped": event.get("stopped", ""),
                      # Other programs that fit train but differ on the test inputs (the accepted one first).
                      "readings": readings.get(t["id"], []) if t.get("train_solved") else [],
                      "used": [(n, data.functions.get(n)) for n in t.get("library_functions_used") or []]})
    usage = most_used(data)
    s = data.summary
    return env.get_template("report.html.j2").render(
        title=f"inductor run {data.folder.name}", summary=s, tasks=tasks, usage=usage,
        library_problem=data.library_problem,
        solve_curve=solve_curve(data), pass_bars=pass_bars(data), library_growth=library_growth(data),
        usage_bars=usage_bars(usage), domains=sorted((s.get("by_domain") or {}).items()),
        info={k: s.get(k) for k in ("model", "seed", "samples", "rounds", "max_passes", "time_per_task", "search",
                                    "library", "frozen_library", "library_size_start", "library_size_end")
              if s.get(k) is not None})


def write_html(folder: Path, out: Path | None = None) -> Path:
    """Write ``report.html`` for the run in ``folder`` (or to ``out``); returns its path."""
    data = RunData.load(folder)
    path = out or folder / "report.html"
    try:
        path.write_text(build_html(data), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{path}: cannot write: {exc}") from None
    return path
