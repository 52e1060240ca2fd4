"""``inductor bench model``: candidates per second batched vs one at a time and the load time;
the base model against a fine-tuned adapter on held-out tasks."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.models.embedded import embedded_settings
from inductor.tasks import Task

if TYPE_CHECKING:
    from inductor.plugins import Plugins
    from inductor.sandbox import Sandbox


def bench_model(settings: Any, plugins: Plugins, *, n: int = 16, n_single: int = 4, max_new_tokens: int = 64,
                seed: int = 0, task: Task | None = None) -> dict[str, Any]:
    """The embedded model: candidates/s sampled in one batch vs one at a time on the same
    prompt, and the cached load time vs the first conversion (into a fresh cache folder)."""
    import tempfile

    from inductor.models import SampleParams, load_embedded
    from inductor.prompts import STOP, Prompts, choose_shots, helpers_from_module, rank_helpers

    with tempfile.TemporaryDirectory(prefix="inductor-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        load_embedded(embedded_settings(settings), root=root)  # converts the GGUF file, quantizes, saves both
        first = time.perf_counter() - start
        start = time.perf_counter()
        model = load_embedded(embedded_settings(settings), root=root)
        cached = time.perf_counter() - start
    task = task or _bench_task(plugins)
    helpers = rank_helpers([h for m in plugins.primitives(task.domain or "generic") for h in helpers_from_module(m)],
                           task, settings.run.max_helpers)
    prompt = Prompts().propose(task, shots=choose_shots(plugins.prompt_shots(task), settings.run.shots, seed),
                               helpers=helpers, domain_text=plugins.prompt_context(task))
    prompt_tokens = len(model.tokenizer(prompt.text).input_ids)

    def params(k: int, s: int) -> SampleParams:
        return SampleParams(n=k, temperature=settings.model.temperature, top_p=settings.model.top_p,
                            max_new_tokens=max_new_tokens, seed=s, stop=STOP, stop_at_top_level=True)

    model.sample(prompt.text, params(2, seed))  # warm-up: first-call allocations
    start = time.perf_counter()
    batched = model.sample(prompt.text, params(n, seed))
    batch_seconds = time.perf_counter() - start
    start = time.perf_counter()
    single = [model.sample(prompt.text, params(1, seed + i))[0] for i in range(n_single)]
    single_seconds = time.perf_counter() - start
    rate, base_rate = len(batched) / batch_seconds, len(single) / single_seconds
    return {
        "benchmark": "model",
        "model": model.name,
        "quantize": embedded_settings(settings).quantize,
        "task": task.id,
        "prompt_tokens": prompt_tokens,
        "max_new_tokens": max_new_tokens,
        "batched_samples": len(batched),
        "batched_seconds": round(batch_seconds, 3),
        "per_second": round(rate, 3),
        "single_samples": len(single),
        "single_seconds": round(single_seconds, 3),
        "baseline_per_second": round(base_rate, 3),
        "ratio": round(rate / base_rate, 2),
        "first_load_seconds": round(first, 2),
        "cached_load_seconds": round(cached, 2),
        "usable": sum(1 for t in batched if prompt.program(t).strip()),
    }


def _bench_task(plugins: Plugins) -> Task:
    from inductor.tasks import LoadOptions, load_task_file

    path = Path(__file__).parent.parent / "examples" / "demo" / "c001.json"
    return load_task_file(path, plugins.loaders(), LoadOptions(), plugins.detect_domain)[0]


def print_model_figures(figures: dict[str, Any]) -> None:
    """The model benchmark as a table: batched vs one at a time, cached load vs first conversion."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="inductor bench model")
    for col in ("figure", "inductor", "baseline", "ratio"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    table.add_row("candidates / s (batched vs one at a time)", f"{figures['per_second']:.2f}",
                  f"{figures['baseline_per_second']:.2f}", f"{figures['ratio']:.1f}x")
    table.add_row("samples", str(figures["batched_samples"]), str(figures["single_samples"]), "")
    table.add_row("seconds", f"{figures['batched_seconds']:.2f}", f"{figures['single_seconds']:.2f}", "")
    table.add_row("load seconds (cached vs first conversion)", f"{figures['cached_load_seconds']:.2f}",
                  f"{figures['first_load_seconds']:.2f}",
                  f"{figures['first_load_seconds'] / max(figures['cached_load_seconds'], 1e-9):.1f}x")
    console.print(table)
    console.print(f"model {figures['model']} ({figures['quantize']}), prompt {figures['prompt_tokens']} tokens "
                  f"(task {figures['task']}), up to {figures['max_new_tokens']} new tokens per sample", highlight=False)
    console.print("goals: >= 5x batched, <= 2 s cached load", highlight=False)


def bench_adapter(settings: Any, plugins: Plugins, sandbox: Sandbox, tasks: Sequence[Task], adapter: Path, *,
                  n: int = 8, seed: int = 0, base: bool = True) -> dict[str, Any]:
    """At ``n`` samples per task: candidates passing train (and test) and tasks solved, base vs tuned
    (``base=False``: the tuned model only, e.g. for another checkpoint beside an earlier run)."""

    from inductor.models import SampleParams, load_embedded
    from inductor.prompts import STOP, Prompts
    from inductor.train import PromptFormat, task_prompt
    from inductor.verify import Verifier

    verifier = Verifier(sandbox, plugins)
    prompts = Prompts(plugins.template_folders())
    rows = {}
    for label, adapter_setting in [*([("base", "none")] if base else []), ("tuned", str(adapter))]:
        model = load_embedded(embedded_settings(settings, adapter=adapter_setting))
        # Each model prompted as the proposer prompts it: the tuned one in its trained format.
        fmt = model.prompt_format or PromptFormat(settings.run.shots, settings.run.max_helpers)
        passed_train = passed_both = solved = samples = 0
        solved_ids: list[str] = []
        start = time.perf_counter()
        for i, task in enumerate(tasks):
            prompt = task_prompt(task, prompts=prompts, plugins=plugins, fmt=fmt, seed=seed + i)
            texts = model.sample(prompt.text, SampleParams(n=n, temperature=settings.model.temperature,
                                                           top_p=settings.model.top_p,
                                                           max_new_tokens=settings.model.max_new_tokens,
                                                           seed=seed + i, stop=STOP, stop_at_top_level=True))
            samples += len(texts)
            sources = [s for t in texts if (s := plugins.extract_code(t, task, prompt.prefix))]
            results = verifier.check(task, sources, test=bool(task.test)) if sources else []
            ok = [r for r in results if r]
            passed_train += len(ok)
            both = [r for r in ok if r.test_solved or (r.test_solved is None and not task.test)]
            passed_both += len(both)
            solved += bool(both)
            if both:
                solved_ids.append(task.id)
        seconds = time.perf_counter() - start
        rows[label] = {"samples": samples, "passed_train": passed_train, "passed_train_and_test": passed_both,
                       "tasks_solved": solved, "solved": solved_ids, "prompt": fmt.to_json(),
                       "seconds": round(seconds, 1),
                       "per_second": round(samples / seconds, 2) if seconds else 0.0, "model": model.name}
    return {"benchmark": "model-adapter", "tasks": len(tasks), "samples_per_task": n, "adapter": str(adapter),
            **rows}


def print_adapter_figures(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"inductor bench model --adapter: {figures['tasks']} held-out tasks, "
                        f"{figures['samples_per_task']} samples each")
    columns = [c for c in ("tuned", "base") if c in figures]
    for col in ("figure", *columns):
        table.add_column(col, justify="left" if col == "figure" else "right")
    for key in ("passed_train", "passed_train_and_test", "tasks_solved", "samples", "seconds", "per_second"):
        table.add_row(key.replace("_", " "), *(str(figures[c][key]) for c in columns))
    Console(highlight=False).print(table)
