"""``inductor bench search``: each search engine alone on the same tasks, verified, with the
peer script beside them."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.tasks import Task

if TYPE_CHECKING:
    from inductor.plugins import Plugins


def search_components(plugins: Plugins, domain: str) -> list[Any]:
    """The domain's primitives as the search's components (no library: the search from an empty one)."""
    from inductor.prompts import helpers_from_module
    from inductor.search import Component

    return [c for m in plugins.primitives(domain) for h in helpers_from_module(m)
            if (c := Component.of(h)) is not None]


def _engine_figures(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Counts and rates over one engine's rows (one per task) at one budget."""
    fit = sum(r["fit"] for r in rows)
    solved = sum(r["solved"] for r in rows)
    overfit = sum(r["fit"] and not r["solved"] and r["test"] > 0 for r in rows)
    second_right = sum(bool(r.get("other_reading_right")) for r in rows)
    evaluated = sum(r["evaluated"] for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    return {
        "tasks": len(rows),
        "tasks_with_test": sum(r["test"] > 0 for r in rows),
        "solved": solved,
        "fit": fit,
        "overfit": overfit,
        "overfit_share": round(overfit / fit, 3) if fit else None,
        # Fits the searcher found another reading of the train examples for (other outputs on
        # the test inputs), the overfits among them, and fits where that is unknown.
        "ambiguous": sum(r["fit"] and r.get("ambiguous") is True for r in rows),
        "ambiguous_overfit": sum(r["fit"] and not r["solved"] and r["test"] > 0 and r.get("ambiguous") is True
                                 for r in rows),
        "ambiguity_unknown": sum(r["fit"] and r.get("ambiguous") is None for r in rows),
        "overfit_other_reading_right": second_right,
        # Solved on test by the program or, failing that, by the next reading (two attempts).
        "solved_two_attempts": solved + second_right,
        # Programs the searcher returned that the verifier did not pass on train.
        "rejected": sum(r["found"] and not r["fit"] for r in rows),
        "evaluated": evaluated,
        "search_seconds": round(seconds, 3),
        "terms_per_second": round(evaluated / seconds, 1) if seconds > 0 else None,
        "mean_seconds": round(seconds / len(rows), 3) if rows else None,
        "stopped": dict(Counter(r["stopped"] or "-" for r in rows)),
    }


def _common_fits(done: dict[str, list[dict[str, Any]]], engines: Sequence[str]) -> dict[str, Any]:
    """Overfitting on the tasks with a test set that every engine fits: a deeper engine's share
    of fits also counts tasks a shallower one cannot fit at all, this compares like with like."""
    by_task: dict[str, dict[str, dict[str, Any]]] = {}
    for name in engines:
        for r in done[name]:
            by_task.setdefault(r["task"], {})[name] = r
    common = [t for t, rs in by_task.items()
              if len(rs) == len(engines) and all(r["fit"] and r["test"] > 0 for r in rs.values())]
    return {"tasks": len(common),
            "overfit": {name: sorted(t for t in common if not by_task[t][name]["solved"]) for name in engines}}


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def bench_search(tasks: Sequence[Task], make_searcher: Callable[[str, float], Any], verifier: Any,
                 plugins: Plugins, *, engines: Sequence[str], budgets: Sequence[float],
                 peer: Callable[[float], dict[str, Any]] | None = None, peer_budgets: Sequence[float] = (),
                 progress: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> dict[str, Any]:
    """Each search engine alone (no model, no library) on the same tasks, at each budget.

    ``make_searcher(engine, seconds)`` returns a searcher limited to ``seconds`` per task.
    Per task the engines take turns (the order alternates, so a drift of the machine's speed
    favours neither); a program an engine returns is checked again by the verifier on train
    and test, and "solved" means every test example passes. ``peer(seconds)`` runs a peer
    program on the same tasks (its figures go beside the engines'). Ctrl-C keeps the tasks
    every engine finished.
    """
    say = progress or (lambda message: None)
    runs: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    peers: list[dict[str, Any]] = []
    interrupted = False
    components: dict[str, list[Any]] = {}
    for seconds in budgets:
        done: dict[str, list[dict[str, Any]]] = {name: [] for name in engines}
        searchers: dict[str, Any] = {}
        try:
            searchers = {name: make_searcher(name, seconds) for name in engines}
            if tasks:  # start each engine's workers outside the measured searches
                for searcher in searchers.values():
                    _search_once(searcher, tasks[0], components, verifier, plugins, clock() + 0.5)
            for i, task in enumerate(tasks):
                order = list(engines) if i % 2 == 0 else list(engines)[::-1]
                per_task = {name: _search_row(searchers[name], name, seconds, task, components, verifier,
                                              plugins, clock) for name in order}
                for name in engines:  # a task counts once every engine has finished it
                    done[name].append(per_task[name])
                    rows.append(per_task[name])
                say(f"{seconds:g} s  {i + 1}/{len(tasks)} {task.id}: " + ", ".join(
                    f"{name} {_row_word(per_task[name])}" for name in engines))
        except KeyboardInterrupt:
            interrupted = True
        finally:
            for searcher in searchers.values():
                close = getattr(searcher, "close", None)
                if callable(close):
                    close()
        figures = {name: _engine_figures(done[name]) for name in engines}
        run: dict[str, Any] = {"seconds": seconds, "engines": figures}
        if len(engines) >= 2:
            a, b = figures[engines[0]], figures[engines[1]]
            run["ratio"] = {"of": f"{engines[0]} / {engines[1]}",
                            "terms_per_second": _ratio(a["terms_per_second"], b["terms_per_second"]),
                            "solved": _ratio(a["solved"], b["solved"])}
            run["common_fits"] = _common_fits(done, engines)
        runs.append(run)
        if interrupted:
            break
    if peer is not None and not interrupted:
        try:
            for seconds in peer_budgets:
                say(f"peer at {seconds:g} s per task")
                peers.append(peer(seconds))
        except KeyboardInterrupt:
            interrupted = True
    return {"benchmark": "search", "tasks": len(tasks), "engines": list(engines), "budgets": list(budgets),
            "runs": runs, "peers": peers, "interrupted": interrupted, "rows": rows}


def _search_once(searcher: Any, task: Task, components: dict[str, list[Any]], verifier: Any, plugins: Plugins,
                 deadline: float) -> Any:
    domain = task.domain or "generic"
    if domain not in components:
        components[domain] = search_components(plugins, domain)
    return searcher.search(task, components[domain], preludes=verifier.preludes(task),
                           same=plugins.comparator(task), deadline=deadline)


def _search_row(searcher: Any, name: str, seconds: float, task: Task, components: dict[str, list[Any]],
                verifier: Any, plugins: Plugins, clock: Callable[[], float]) -> dict[str, Any]:
    """One engine on one task: what it found and what the verifier says of it."""
    t0 = clock()
    found = _search_once(searcher, task, components, verifier, plugins, t0 + seconds)
    wall = clock() - t0
    fit = solved = False
    other_right = None
    readings = getattr(found, "readings", None) or []
    if found.program:
        final = verifier.check(task, [found.program], test=bool(task.test))[0]
        fit, solved = bool(final), bool(final) and bool(final.test_solved)
        if fit and not solved and len(readings) > 1 and readings[1].get("python"):
            # Was the next reading right: a second attempt (ARC's rule allows two) or a prior
            # that broke the tie the other way would have solved the task.
            second = verifier.check(task, [readings[1]["python"]], test=True)[0]
            other_right = bool(second) and bool(second.test_solved)
    return {"engine": name, "budget": seconds, "task": task.id, "domain": task.domain or "generic",
            "test": len(task.test), "found": bool(found.program), "fit": fit, "solved": solved,
            "evaluated": int(found.evaluated or 0),
            # The searcher's own measure of its time, else the wall time around the call.
            "seconds": round(float(found.seconds or 0.0) or wall, 4), "stopped": found.stopped,
            "program": found.program, "sexpr": getattr(found, "sexpr", None),
            "ambiguous": getattr(found, "ambiguous", None), "other_reading_right": other_right,
            "readings": [r.get("sexpr") for r in readings],
            # How each of the value engine's workers ended (solved, time, stopped...).
            "workers": [str(w.get("stopped") or w.get("status") or "") for w in getattr(found, "workers", [])]}


def _row_word(row: dict[str, Any]) -> str:
    what = "solved" if row["solved"] else "overfit" if row["fit"] else "-"
    if row.get("ambiguous"):
        what += f", {len(row.get('readings') or []) - 1} other reading(s)"
    return f"{what} ({row['seconds']:.1f} s, {row['evaluated']:,} terms, {row['stopped'] or '-'})"


def peer_runner(script: Path, tasks: Sequence[Task], *, procs: int = 2, train_count: int = 5,
                python: str | None = None) -> Callable[[float], dict[str, Any]]:
    """``peer(seconds)``: a peer program in the form of ``../shared/peers/naive_search.py``
    (``run OUT.jsonl --lists DIR --limit S --procs P``, one JSON line per task with ``task``,
    ``fit_train``, ``solved_test``, ``secs``, ``candidates``) on the List Functions files among
    ``tasks`` (linked into a folder of their own, so it sees the same tasks); other kinds are
    left out with a note."""
    import shutil
    import subprocess
    import sys
    import tempfile

    lists = [t for t in tasks if t.loader == "list-functions" and t.source is not None]
    others = len(tasks) - len(lists)

    def run(seconds: float) -> dict[str, Any]:
        out: dict[str, Any] = {"name": script.stem, "seconds": seconds, "tasks": len(lists), "notes": []}
        if others:
            out["notes"].append(f"{others} task(s) not in List Functions files left out (the peer reads those only)")
        if train_count != 5:
            out["notes"].append(f"the peer takes 5 pairs as train, this run {train_count}")
        if not lists:
            out["skipped"] = True
            return out
        with tempfile.TemporaryDirectory(prefix="inductor-peer-") as tmp:
            folder = Path(tmp) / "lists"
            folder.mkdir()
            names = set()
            for t in lists:
                src = Path(t.source)  # type: ignore[arg-type]
                if src.name in names:
                    continue
                names.add(src.name)
                (folder / src.name).symlink_to(src.resolve())
            report = Path(tmp) / "peer.jsonl"
            limit = 120 + 2 * seconds * len(names) / max(1, procs) + 10 * len(names)
            try:
                proc = subprocess.run([python or sys.executable, str(script), "run", str(report), "--lists",
                                       str(folder), "--limit", str(seconds), "--procs", str(procs)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=limit)
                failed = proc.returncode != 0
                error = (proc.stderr or "").strip().splitlines()[-1:] if failed else []
            except subprocess.TimeoutExpired:
                failed, error = True, [f"no answer within {limit:.0f} s"]
            lines = []
            if report.is_file():
                for line in report.read_text(encoding="utf-8", errors="replace").splitlines():
                    try:
                        lines.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass
            shutil.rmtree(folder, ignore_errors=True)
        if failed:
            out["notes"].append(f"the peer failed: {error[0] if error else 'exit status ' + str(proc.returncode)}")
        rows = [{"fit": bool(r.get("fit_train")), "solved": bool(r.get("solved_test")),
                 "test": int(r.get("n_test") or 1), "found": bool(r.get("fit_train")),
                 "evaluated": int(r.get("candidates") or 0), "seconds": float(r.get("secs") or 0.0),
                 "stopped": str(r.get("stop") or "")} for r in lines if isinstance(r, dict)]
        out.update(_engine_figures(rows))
        out["tasks"] = len(names)
        out["answered"] = len(rows)
        return out

    return run


def print_search_bench(figures: dict[str, Any]) -> None:
    """One row per engine and budget, the peer's beside them, and each budget's ratio row."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title=f"inductor bench search: each engine alone on the same {figures['tasks']} tasks "
                        "(no model, no library)")
    for col in ("engine", "s / task", "solved on test", "fit train", "overfit (share of fits)", "terms / s",
                "mean s / task", "terms"):
        table.add_column(col, justify="left" if col == "engine" else "right")

    def row(name: str, seconds: float, f: dict[str, Any]) -> None:
        share = f"{f['overfit_share']:.0%}" if f.get("overfit_share") is not None else "-"
        rate = f"{f['terms_per_second']:,.0f}" if f.get("terms_per_second") is not None else "-"
        mean = f"{f['mean_seconds']:.2f}" if f.get("mean_seconds") is not None else "-"
        table.add_row(name, f"{seconds:g}", f"{f['solved']}/{f['tasks_with_test']}", str(f["fit"]),
                      f"{f['overfit']} ({share})", rate, mean, f"{f['evaluated']:,}")

    for run in figures["runs"]:
        for name, f in run["engines"].items():
            row(name, run["seconds"], f)
        if run.get("ratio"):
            r = run["ratio"]
            tps = f"{r['terms_per_second']:,.1f}x" if r["terms_per_second"] is not None else "-"
            solved = f"{r['solved']:.2f}x" if r["solved"] is not None else "-"
            table.add_row(f"[bold]ratio {r['of']}[/bold]", f"{run['seconds']:g}", solved, "", "", tps, "", "",
                          end_section=True)
    for p in figures.get("peers", []):
        if p.get("skipped"):
            continue
        row(f"peer {p['name']}", p["seconds"], p)
    console.print(table)
    for run in figures["runs"]:
        for name, f in run["engines"].items():
            stops = ", ".join(f"{k} {v}" for k, v in sorted(f["stopped"].items(), key=lambda kv: -kv[1]))
            extra = f"; {f['rejected']} returned program(s) the verifier rejected" if f["rejected"] else ""
            console.print(f"{name} at {run['seconds']:g} s: stopped {stops}{extra}")
            if f.get("ambiguous") or f.get("ambiguous_overfit"):
                console.print(f"{name} at {run['seconds']:g} s: {f['ambiguous']} of {f['fit']} fits have another "
                              f"reading of the train examples (other outputs on the test inputs), "
                              f"{f['ambiguous_overfit']} of the {f['overfit']} overfits among them "
                              f"(the next reading right on test in {f['overfit_other_reading_right']}: "
                              f"{f['solved_two_attempts']}/{f['tasks_with_test']} solved in two attempts); "
                              f"{f['ambiguity_unknown']} fit(s) not checked to the end (time)")
        common = run.get("common_fits")
        if common:
            said = ", ".join(f"{name} {len(ids)}" + (f" ({', '.join(ids)})" if ids else "")
                             for name, ids in common["overfit"].items())
            console.print(f"overfit on the {common['tasks']} task(s) every engine fits at {run['seconds']:g} s: {said}")
    for p in figures.get("peers", []):
        notes = "; ".join(p.get("notes", []))
        if p.get("skipped"):
            console.print(f"peer {p['name']}: skipped ({notes or 'no List Functions tasks'})")
        elif notes or p.get("answered", p["tasks"]) < p["tasks"]:
            console.print(f"peer {p['name']} at {p['seconds']:g} s: {p.get('answered', 0)} of {p['tasks']} "
                          f"task(s) answered{'; ' + notes if notes else ''}")
    console.print("solved: the verifier passes every test example of the program found (re-run in the "
                  "sandbox); overfit: it fits train but fails a test example; terms / s: terms evaluated "
                  "over the search's seconds, both engines on the same tasks in this run (a peer counts "
                  "its own candidates, in its own process).")
    if figures.get("interrupted"):
        console.print("[yellow]interrupted: the figures cover the tasks every engine finished[/yellow]")
