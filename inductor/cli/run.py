"""``inductor run`` and ``inductor report``: the loop on task folders (resumable), and a run's HTML report.

The run itself (its folder, events, resume and report) is :mod:`inductor.runs`; this module
turns the options into settings and a :class:`~inductor.runs.RunRequest`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from inductor.app import App
from inductor.cli.base import check_at_least_one, cli, load_tasks, pass_app
from inductor.html import write_html
from inductor.report import RunConsole
from inductor.runs import RunRequest, execute, resume_state
from inductor.tasks import sample_tasks, select_tasks


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
@click.option("--backend", help="Where tasks are solved: local, or ray (Ray workers; pip install 'inductor[ray]') [local].")
@click.option("--address", help="--backend ray: the cluster to join (HOST:6379) [a local cluster for the run].")
@click.option("--ray-workers", type=int, help="--backend ray: task workers, each with its own sandbox and model [2].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or per-task lines; only the summary.")
@pass_app
def run(app: App, folders: tuple[Path, ...], resume_dir: Path | None, model_spec: str | None, adapter: str | None,
        samples: int | None,
        rounds: int | None,
        passes: int | None, time_per_task: float | None, workers: int | None, report_path: Path | None,
        seed: int | None, only: tuple[str, ...], exclude: tuple[str, ...], sample: int | None,
        train_count: int | None, runs_dir: Path | None,
        library_dir: Path | None, frozen_library: bool, no_library: bool, use_search: bool | None,
        searcher: str | None, use_recognition: bool | None, backend: str | None, address: str | None,
        ray_workers: int | None, quiet: bool) -> None:
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
      inductor run benchmarks/list-functions --model none --backend ray --ray-workers 2
      inductor run --resume runs/20250101-120000
    """
    resumed: dict[str, Any] = {}
    if resume_dir is not None:
        if folders:
            raise click.UsageError("--resume continues a run with its own folders: drop FOLDERS")
        resumed = resume_state(resume_dir)
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
        backend = backend or o.get("backend")
    elif not folders:
        raise click.UsageError("give task FOLDERS, or --resume RUN_DIR")
    check_at_least_one(samples=samples, workers=workers, passes=passes, sample=sample, ray_workers=ray_workers)
    if rounds is not None and rounds < -1:
        raise click.BadParameter("must be at least 0, or -1 (repair rounds while the task's time lasts)",
                                 param_hint="--rounds")
    if time_per_task is not None and time_per_task <= 0:
        raise click.BadParameter("must be positive", param_hint="--time-per-task")
    if adapter not in (None, "auto", "none") and not (Path(adapter) / "adapter_model.safetensors").is_file():
        raise click.BadParameter(f"{adapter}: no LoRA adapter here (adapter_model.safetensors)", param_hint="--adapter")
    app.configure("run", samples=samples, rounds=rounds, passes=passes, time_per_task=time_per_task, seed=seed,
                  runs_dir=str(runs_dir) if runs_dir else None)
    app.configure("model", name=model_spec).configure("model.smollm2", adapter=adapter)
    app.configure("sandbox", workers=workers)
    app.configure("search", enabled=use_search, searcher=searcher).configure("recognition", enabled=use_recognition)
    app.configure("run", backend=backend).configure("ray", address=address, workers=ray_workers)
    app.check_settings()
    loaded = load_tasks(app, folders, train_count)
    if searcher is not None and searcher not in (known := app.plugins.searchers()):
        raise click.BadParameter(f"{searcher!r}: unknown searcher (known: {', '.join(sorted(known))})",
                                 param_hint="--searcher")
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
    request = RunRequest(folders=[str(f) for f in folders], only=only, exclude=exclude, sample=sample,
                         train_count=train_count, adapter=adapter, library=library_dir, frozen_library=frozen_library,
                         no_library=no_library, report=report_path, resume_dir=resume_dir,
                         finished=resumed.get("finished", []))
    finished = execute(app, tasks, request, console=console)
    console.summary(finished.result, finished.report, report_path or finished.report_path)
    sys.exit(130 if finished.result.interrupted else 0)


def _unmatched(patterns: list[str]) -> str:
    """The --only patterns that match no task, as a user typed them."""
    return " ".join(f"--only {p!r}" for p in patterns) + (" matches" if len(patterns) == 1 else " match") \
        + " no task id"


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
    path = write_html(run_dir, output)
    click.echo(f"wrote {path}")
