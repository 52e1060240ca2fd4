"""``inductor bench scale``: the same tasks as a plain local run and over 1, 2, ... Ray workers on
a local cluster, in one run: tasks per second, the speed-up over the local run, and whether the
solved set is the same."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inductor.app import App
    from inductor.tasks import Task


def bench_scale(app: App, tasks: Sequence[Task], *, workdir: Path, workers: Sequence[int] = (1, 2),
                folders: Sequence[str] = (), progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run ``tasks`` as ``inductor run`` does (a fresh library each time, learning) with the local
    backend, then with ``--backend ray`` and each count of ``workers``; the wall seconds include
    starting the cluster and its workers."""
    from inductor.runs import RunRequest, execute

    say = progress or (lambda message: None)
    app.say = lambda message: None  # each arm creates its library: that is expected here
    arms = [("local", 0), *(("ray", n) for n in workers)]
    rows = []
    for backend, n in arms:
        label = "local" if backend == "local" else f"ray x{n}"
        say(f"{label}: {len(tasks)} tasks")
        app.configure("run", backend=backend, runs_dir=str(workdir / "runs"))
        if n:
            app.configure("ray", workers=n)
        folder = workdir / label.replace(" ", "-") / "library"
        start = time.perf_counter()
        finished = execute(app, list(tasks), RunRequest(folders=list(folders), library=folder))
        wall = time.perf_counter() - start
        summary = finished.report["summary"]
        solved = sorted(t["id"] for t in finished.report["tasks"] if t["train_solved"])
        rows.append({"arm": label, "backend": backend, "workers": n or 1, "tasks": len(tasks),
                     "wall_seconds": round(wall, 2), "run_seconds": summary.get("seconds"),
                     "tasks_per_second": round(len(tasks) / wall, 3) if wall > 0 else None,
                     "train_solved": summary.get("train_solved"), "test_solved": summary.get("test_solved"),
                     "solved": solved, "restarts": summary.get("backend_restarts"),
                     "lost": summary.get("backend_lost"), "run_dir": str(finished.run_dir)})
    base = rows[0]
    for row in rows:
        row["speedup"] = round(base["wall_seconds"] / row["wall_seconds"], 2) if row["wall_seconds"] else None
        row["same_solved"] = row["solved"] == base["solved"]
        row["only_here"] = sorted(set(row["solved"]) - set(base["solved"]))
        row["only_local"] = sorted(set(base["solved"]) - set(row["solved"]))
    return {"benchmark": "scale", "tasks": len(tasks), "rows": rows,
            "time_per_task": app.settings.run.time_per_task, "model": app.settings.model.name,
            "sandbox_workers": app.settings.sandbox.workers}


def print_scale_figures(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title=f"inductor bench scale: {figures['tasks']} tasks, {figures['time_per_task']:g} s each, "
                        f"model {figures['model']}")
    for col in ("arm", "wall s", "run s", "tasks/s", "speed-up", "train", "test", "same set", "restarts"):
        table.add_column(col, justify="right")
    for r in figures["rows"]:
        same = "yes" if r["same_solved"] else f"no (+{len(r['only_here'])} / -{len(r['only_local'])})"
        table.add_row(r["arm"], f"{r['wall_seconds']:.1f}", f"{r['run_seconds'] or 0:.1f}",
                      f"{r['tasks_per_second']:.3f}", f"{r['speedup']:.2f}x", str(r["train_solved"]),
                      str(r["test_solved"]), same, str(r["restarts"] if r["restarts"] is not None else "-"))
    console.print(table)
    for r in figures["rows"]:
        if not r["same_solved"]:
            console.print(f"{r['arm']}: solved only here {', '.join(r['only_here']) or '-'}; "
                          f"only in the local run {', '.join(r['only_local']) or '-'}")
