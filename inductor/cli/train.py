"""``inductor dream`` and ``inductor train``: training pairs from the grammar, LoRA fine-tuning of the
embedded model, and the recognition model."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from inductor.app import App
from inductor.cli.base import (
    cli,
    command_line,
    load_tasks,
    pass_app,
)
from inductor.dream import dream, read_dreams, write_dreams
from inductor.models import cache_root, convert_gguf, converted_dir, embedded_gguf
from inductor.prompts import Prompts
from inductor.recognition import train_domains
from inductor.store import DB_FILE
from inductor.train import (
    ADAPTER_DIR,
    PromptFormat,
    TrainSettings,
    dream_pairs,
    train_lora,
)
from inductor.train import library_pairs as pairs_of_library


@cli.command("dream")
@click.argument("domains", nargs=-1, required=True)
@click.option("-n", "count", default=200, show_default=True, help="Dreams per domain.")
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="JSONL file to write: one {task, program} a line.")
@click.option("--seed", default=0, show_default=True)
@click.option("--depth", default=3, show_default=True, help="Deepest nesting of calls.")
@pass_app
def dream_command(app: App, domains: tuple[str, ...], count: int, out_path: Path, seed: int, depth: int) -> None:
    """Make training pairs from random compositions of DOMAINS' primitives, verified in the sandbox.

    \b
    Examples:
      inductor dream lists strings -n 500 --out dreams.jsonl
      inductor train --dreams-file dreams.jsonl
    """
    known = {d for d in domains if app.plugins.primitives(d) and app.plugins.dream_inputs(d, 1, 0)}
    for d in domains:
        if d not in known:
            raise click.BadParameter(f"{d!r} has no plugin with primitives and dream inputs", param_hint="DOMAINS")
    dreams = []
    with app.sandbox() as sandbox:
        for d in domains:
            found = dream(sandbox, app.plugins, d, count, seed=seed, depth=depth)
            click.echo(f"{d}: {len(found)} dreams", err=True)
            dreams += found
    try:
        write_dreams(out_path, dreams)
    except OSError as exc:
        raise click.ClickException(f"{out_path}: cannot write: {exc}") from None
    click.echo(f"wrote {len(dreams)} dreams to {out_path}")


# --- train ------------------------------------------------------------------------------------


def _train_recognition(app: App, library_dir: Path | None, domains: str,
                       task_folders: tuple[Path, ...], **options: Any) -> None:
    """``inductor train --recognition``: a model per domain, stored in the library folder."""
    folder = Path(library_dir or app.settings.library.folder).resolve()
    lib = app.open_library(folder, readonly=True) if (folder / DB_FILE).is_file() else None
    settings = replace(app.settings.recognition, **options)
    for name in ("steps", "batch"):
        if getattr(settings, name) < 1:
            raise click.BadParameter("must be at least 1", param_hint=f"--{name}")
    tasks = load_tasks(app, task_folders, None).tasks if task_folders else []
    names = [d.strip() for d in domains.split(",") if d.strip()]
    unknown = [d for d in names if app.plugins.dsl(d) is None]
    if unknown:
        known = sorted({d for ds in app.plugins.domains().values() for d in ds if app.plugins.dsl(d) is not None})
        raise click.BadParameter(f"{unknown[0]!r} has no λ-DSL (known: {', '.join(known)})", param_hint="--domains")
    with app.sandbox() as sandbox:
        searcher = app.searcher(sandbox, "value", seconds=settings.seconds_per_set + 1.0)
        try:
            trained = train_domains(app.plugins, lib, folder, names, settings, searcher, tasks=tasks,
                                    min_tasks=app.settings.library.min_tasks, say=lambda m: click.echo(m, err=True))
        finally:
            searcher.close()
    for info in trained:
        click.echo(f"{info.domain}: recognition model trained in {info.seconds:.0f} s on {sum(info.samples.values())} "
                   f"samples; held-out loss {info.validation_loss:.3f} (uniform {info.uniform_loss:.3f})")


@cli.command("train")
@click.option("--steps", default=TrainSettings.steps, show_default=True, help="Optimizer steps.")
@click.option("--batch", default=TrainSettings.batch, show_default=True, help="Pairs per step.")
@click.option("--lr", default=TrainSettings.lr, show_default=True, help="Peak learning rate (warm-up, then linear decay).")
@click.option("--rank", default=TrainSettings.rank, show_default=True, help="LoRA rank.")
@click.option("--layers", default=TrainSettings.layers, show_default=True,
              help="LoRA on the top this many decoder layers (0: all; fewer is faster on a CPU).")
@click.option("--max-tokens", default=TrainSettings.max_tokens, show_default=True,
              help="Longest pair; a prompt loses its start first.")
@click.option("--shots", default=PromptFormat.shots, show_default=True,
              help="Solved examples in each training prompt (the proposer then prompts the tuned model alike).")
@click.option("--helpers", "max_helpers", default=PromptFormat.max_helpers, show_default=True,
              help="Helper functions listed in each training prompt (the ones the program calls among them).")
@click.option("--from-library", "library_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Library whose verified functions are training pairs, and where the adapter goes [library].")
@click.option("--library-pairs/--no-library-pairs", default=True, show_default=True,
              help="Train on the library's functions too; without, dreams only (every task stays held out).")
@click.option("--dreams", default=300, show_default=True, help="Dreamed pairs per domain (0: none).")
@click.option("--dreams-file", "dream_files", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="More pairs from a JSONL file: `inductor dream --out`, or a run's relabeled.jsonl (repeatable).")
@click.option("--domains", default="lists,strings", show_default=True, help="Domains to dream in.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where the adapter goes [LIBRARY/adapter].")
@click.option("--seed", default=0, show_default=True)
@click.option("--background", is_flag=True, help="Train in a detached process; progress goes to OUT/train.log.")
@click.option("--recognition", is_flag=True,
              help="Train the recognition model instead (per-task grammar weights for the value search), on "
                   "relabeled enumerations and the library's solved tasks; it goes to LIBRARY/recognition.")
@click.option("--tasks", "task_folders", multiple=True, type=click.Path(path_type=Path),
              help="--recognition: task folders whose train inputs the grammar is also enumerated on (repeatable).")
@pass_app
def train_command(app: App, steps: int, batch: int, lr: float, rank: int, layers: int, max_tokens: int, shots: int,
                  max_helpers: int, library_dir: Path | None, library_pairs: bool, dreams: int,
                  dream_files: tuple[Path, ...], domains: str, out_dir: Path | None, seed: int,
                  background: bool, recognition: bool, task_folders: tuple[Path, ...]) -> None:
    """Fine-tune the embedded model (LoRA) on dreams and the library's programs, in the proposer's prompt
    format; or, with --recognition, train the recognition model that steers the search.

    \b
    Examples:
      inductor train --steps 200
      inductor train --dreams-file runs/20250101-120000/relabeled.jsonl --background
      inductor train --recognition --from-library lib --domains lists,strings,grids
    """
    if recognition:
        if out_dir is not None:
            raise click.BadParameter("the recognition model goes into the library folder (--from-library)",
                                     param_hint="--out")
        ctx = click.get_current_context()
        given = {n for n in ("steps", "batch", "lr", "seed")
                 if ctx.get_parameter_source(n) is click.core.ParameterSource.COMMANDLINE}
        _train_recognition(app, library_dir, domains, task_folders,
                           **{n: v for n, v in (("steps", steps), ("batch", batch), ("lr", lr), ("seed", seed))
                              if n in given})
        return

    for name, value in (("--steps", steps), ("--batch", batch), ("--rank", rank), ("--helpers", max_helpers),
                        ("--max-tokens", max_tokens)):
        if value < 1:
            raise click.BadParameter("must be at least 1", param_hint=name)

    # Training only reads the store (a folder without one gives no pairs); the adapter goes beside it.
    folder = Path(library_dir or app.settings.library.folder).resolve()
    lib = app.open_library(folder, readonly=True) if (folder / DB_FILE).is_file() else None
    out = out_dir or folder / ADAPTER_DIR
    if background:

        out.mkdir(parents=True, exist_ok=True)
        args = [a for a in sys.argv[1:] if a != "--background"]
        with open(out / "train.log", "w") as log:

            # Unbuffered, so the log shows each progress line as it is made.
            proc = subprocess.Popen([sys.executable, "-m", "inductor.cli", *args], stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1"})
        click.echo(f"training in the background (pid {proc.pid}); progress: {out / 'train.log'}")
        return

    if shots < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--shots")
    prompts = Prompts(app.plugins.template_folders())
    fmt = PromptFormat(shots=shots, max_helpers=max_helpers)
    pairs = pairs_of_library(lib, prompts=prompts, plugins=app.plugins, fmt=fmt, seed=seed) \
        if library_pairs and lib is not None else []
    click.echo(f"{len(pairs)} pairs from {folder}" + ("" if lib is not None else " (no library there)"))
    for path in dream_files:
        read = read_dreams(path)
        from_file = dream_pairs(read, prompts=prompts, plugins=app.plugins, fmt=fmt, seed=seed)
        pairs += from_file
        click.echo(f"{len(from_file)} pairs from {path}")
    if dreams:
        with app.sandbox() as sandbox:
            for d in [x.strip() for x in domains.split(",") if x.strip()]:
                made = dream(sandbox, app.plugins, d, dreams, seed=seed)
                pairs += dream_pairs(made, prompts=prompts, plugins=app.plugins, fmt=fmt, seed=seed)
                click.echo(f"{len(made)} dreams in {d}")
    if not pairs:
        raise click.ClickException("no training pairs: dream some (--dreams) or give a library with verified "
                                   "functions (--from-library)")
    gguf = embedded_gguf()
    base = converted_dir(gguf, cache_root(app.settings.model))
    if not (base / "config.json").is_file():
        convert_gguf(gguf, base)
    every = max(1, min(50, steps))
    settings = TrainSettings(steps=steps, batch=batch, lr=lr, rank=rank, layers=layers, seed=seed,
                             checkpoint_every=every, max_tokens=max_tokens, prompt=fmt,
                             command=command_line(click.get_current_context(), skip=("background",)))

    def progress(step: int, loss: float) -> None:
        if step == 1 or step % 10 == 0 or step == steps:
            click.echo(f"step {step}/{steps} loss {loss:.4f}")

    info = train_lora(pairs, base, out, settings, progress=progress)
    click.echo(f"adapter saved in {out} ({info['seconds']} s, loss {info['loss_first']} -> {info['loss_last']})")
