"""``inductor bench induction``: the library ablation (learn on one half, solve the other with the
learned library and an empty one) and the recognition model's guided arm, at matched seconds."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.tasks import Task

if TYPE_CHECKING:
    pass


def split_tasks(tasks: Sequence[Task], seed: int) -> tuple[list[Task], list[Task]]:
    """Halves of ``tasks`` shuffled by ``seed``: (learn on, measure on), each in the original order."""
    order = list(range(len(tasks)))
    random.Random(seed).shuffle(order)
    learn = set(order[: len(order) // 2])
    return [t for i, t in enumerate(tasks) if i in learn], [t for i, t in enumerate(tasks) if i not in learn]


def _arm(run: Any, budget: Any) -> dict[str, Any]:
    import statistics

    s = run.summary()
    # Until the program was found: the search's look for other readings afterwards is not solving.
    solved = {r.task.id: round(r.seconds_to_solve, 3) for r in run.results if r.train_solved}
    return {"test_solved": s["test_solved"], "train_solved": s["train_solved"], "tasks": s["tasks"],
            "seconds": s["seconds"], "lm_samples": s["lm_samples"], "candidates_checked": s["candidates_checked"],
            "library_functions_used": sum(1 for r in run.results if r.library_functions_used),
            "median_seconds_solved": round(statistics.median(solved.values()), 3) if solved else None,
            "solved_seconds": solved, "guided": sum(1 for r in run.results if getattr(r, "guided", False)),
            "budget": {"samples": budget.samples, "rounds": budget.rounds, "seconds": budget.seconds}}


def _speedup(fast: dict[str, Any], slow: dict[str, Any]) -> dict[str, Any]:
    """Median seconds to solve over the tasks both arms solved, and their ratio (slow / fast)."""
    import statistics

    both = sorted(set(fast["solved_seconds"]) & set(slow["solved_seconds"]))
    if not both:
        return {"both_solved": 0, "median_fast": None, "median_slow": None, "ratio": None}
    a = statistics.median(fast["solved_seconds"][t] for t in both)
    b = statistics.median(slow["solved_seconds"][t] for t in both)
    return {"both_solved": len(both), "median_fast": round(a, 3), "median_slow": round(b, 3),
            "ratio": round(b / a, 2) if a > 0 else None}


def bench_induction(make_loop: Callable[[Any, int, float | None], Any], open_library: Callable[[Path], Any],
                    tasks: Sequence[Task], *, workdir: Path, seeds: Sequence[int] = (0, 1, 2),
                    learn_tasks: Sequence[Task] | None = None, passes: int = 1, learn_seconds: float | None = None,
                    progress: Callable[[str], None] | None = None,
                    recognition: Callable[[Any, Sequence[Task], int], Any] | None = None) -> dict[str, Any]:
    """Solve rate on test with a learned library against an empty one, at the same budget, per seed.

    For each seed a fresh library learns from one set of tasks (``learn_tasks``, or half of
    ``tasks`` chosen by the seed) and both arms then solve the other set with their library
    frozen: the gain is transfer, not memory. ``make_loop(library_use, seed, seconds)`` builds
    the loop (the same budget for every measured arm; ``seconds`` per task in place of the
    budget's, or None); ``open_library(folder)`` returns a LibraryUse. ``learn_seconds``: the
    seconds per task while learning (the wake's compute, as DreamCoder's, apart from the
    matched budget of the measured arms; default: the same budget).
    ``recognition(library_use, learn_tasks, seed)``, when given, trains the learned library's
    recognition model after learning, and a third arm, "guided", solves with it (the
    "library" arm then searches with the library's global weights only).
    """
    import statistics

    say = progress or (lambda message: None)
    rows = []
    for seed in seeds:
        learn, measure = (list(learn_tasks), list(tasks)) if learn_tasks is not None else split_tasks(tasks, seed)
        learned_use = open_library(workdir / f"seed-{seed}" / "learned")
        say(f"seed {seed}: learning on {len(learn)} tasks")
        learned_use.recognition = False
        learner = make_loop(learned_use, seed, learn_seconds)
        learning = learner.run(learn, passes=passes)
        learned_use.learn = False
        trained_s = None
        if recognition is not None:
            say(f"seed {seed}: training the recognition model on what the learned library holds")
            start = time.monotonic()
            recognition(learned_use, learn, seed)
            trained_s = round(time.monotonic() - start, 1)
        empty_use = open_library(workdir / f"seed-{seed}" / "empty")
        empty_use.learn = empty_use.recognition = False
        arms: dict[str, Any] = {}
        # Alternate which arm goes first so a drift of the machine's speed favours neither.
        order = [("library", learned_use, False), ("empty", empty_use, False)]
        if recognition is not None:
            order.insert(0, ("guided", learned_use, True))
        for name, use, guided in order if seed % 2 == 0 else order[::-1]:
            use.recognition = guided
            say(f"seed {seed}: measuring on {len(measure)} tasks with the {name} library ({len(use.library)} functions)")
            loop = make_loop(use, seed, None)
            arms[name] = _arm(loop.run(measure), loop.budget)
        row = {"seed": seed, "learn_tasks": len(learn), "measure_tasks": len(measure),
               "learn_solved": learning.summary()["train_solved"], "learn_seconds": round(learning.seconds, 1),
               "learn_seconds_per_task": learner.budget.seconds,
               "library_size": len(learned_use.library), "library": arms["library"], "empty": arms["empty"],
               "difference": arms["library"]["test_solved"] - arms["empty"]["test_solved"]}
        if recognition is not None:
            row.update(guided=arms["guided"], recognition_seconds=trained_s,
                       guided_difference=arms["guided"]["test_solved"] - arms["library"]["test_solved"],
                       guided_vs_empty=arms["guided"]["test_solved"] - arms["empty"]["test_solved"],
                       speedup=_speedup(arms["guided"], arms["library"]))
        rows.append(row)
    diffs = [r["difference"] for r in rows]
    out = {"benchmark": "induction", "seeds": rows, "difference_mean": round(statistics.mean(diffs), 2),
           "difference_sd": round(statistics.stdev(diffs), 2) if len(diffs) > 1 else 0.0,
           "passes": passes, "split": "given" if learn_tasks is not None else "halves"}
    if recognition is not None:
        guided = [r["guided_difference"] for r in rows]
        out.update(guided_difference_mean=round(statistics.mean(guided), 2),
                   guided_difference_sd=round(statistics.stdev(guided), 2) if len(guided) > 1 else 0.0)
    return out


def print_induction_figures(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title="inductor bench induction: test solved with the learned library vs an empty one")
    for col in ("seed", "learn on", "library", "measure on", "with library", "empty", "difference",
                "seconds (lib / empty)", "samples (lib / empty)"):
        table.add_column(col, justify="right")
    for r in figures["seeds"]:
        lib, empty = r["library"], r["empty"]
        table.add_row(str(r["seed"]), f"{r['learn_tasks']} ({r['learn_solved']} solved)", f"{r['library_size']} fns",
                      str(r["measure_tasks"]), str(lib["test_solved"]), str(empty["test_solved"]),
                      f"{r['difference']:+d}", f"{lib['seconds']:.0f} / {empty['seconds']:.0f}",
                      f"{lib['lm_samples']} / {empty['lm_samples']}")
    console.print(table)
    if "guided_difference_mean" in figures:
        guided = Table(title="with the recognition model (guided) vs the same library without it")
        for col in ("seed", "guided", "library", "empty", "guided - library", "trained in",
                    "median s to solve, both solved (guided / library)"):
            guided.add_column(col, justify="right")
        for r in figures["seeds"]:
            sp = r["speedup"]
            ratio = f"{sp['median_fast']} / {sp['median_slow']} ({sp['ratio']}x, {sp['both_solved']} tasks)" \
                if sp["ratio"] is not None else "-"
            guided.add_row(str(r["seed"]), str(r["guided"]["test_solved"]), str(r["library"]["test_solved"]),
                           str(r["empty"]["test_solved"]), f"{r['guided_difference']:+d}",
                           f"{r['recognition_seconds']:.0f} s", ratio)
        console.print(guided)
        console.print(f"guided - library {figures['guided_difference_mean']:+.2f} tasks "
                      f"(sd {figures['guided_difference_sd']:.2f}).")
    b = figures["seeds"][0]["library"]["budget"]
    rounds = "rounds while time lasts" if b["rounds"] < 0 else f"{b['rounds'] + 1} round(s)"
    learn = figures["seeds"][0]["learn_seconds_per_task"]
    console.print(f"difference {figures['difference_mean']:+.2f} tasks (sd {figures['difference_sd']:.2f} over "
                  f"{len(figures['seeds'])} seed(s)); budget per task: {b['samples']} samples x {rounds}, "
                  f"{b['seconds']:.0f} s; learning passes {figures['passes']}"
                  + (f" at {learn:g} s per task" if learn != b["seconds"] else "")
                  + f"; split: {figures['split']}.")
