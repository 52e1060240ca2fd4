"""``inductor bench retrieval --library-size N``: a synthetic library of N functions, stored and
indexed as a run's would be, then opened as a run opens it: open seconds and memory, top-5
latency by meaning, retrieval for a task (meaning, then behaviour on the task's inputs in the
sandbox, pre-filtered by types), and the search's start-up with it (the library functions it
may call, and the terms it evaluates in a fixed time beside an empty library)."""

from __future__ import annotations

import random
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inductor.tasks import Example, Task

#: Function templates of the lists and strings domains: (signature, docstring, body), each
#: body plain Python (the sandbox runs them) with ``{a}`` and ``{b}`` small integers.
TEMPLATES: tuple[tuple[str, str, str, str], ...] = (
    ("lists", "(xs: list[int]) -> list[int]", "Multiply each element by {a} and add {b}.",
     "[x * {a} + {b} for x in xs]"),
    ("lists", "(xs: list[int]) -> list[int]", "Keep the elements that leave {b} when divided by {a}.",
     "[x for x in xs if x % {a} == {b} % {a}]"),
    ("lists", "(xs: list[int]) -> list[int]", "Drop the first {a} elements, then reverse.", "xs[{a}:][::-1]"),
    ("lists", "(xs: list[int]) -> list[int]", "Keep the elements greater than {b}, sorted.",
     "sorted(x for x in xs if x > {b})"),
    ("lists", "(xs: list[int]) -> int", "Count the elements greater than {b}.", "sum(1 for x in xs if x > {b})"),
    ("lists", "(xs: list[int]) -> int", "The sum of the first {a} elements plus {b}.", "sum(xs[:{a}]) + {b}"),
    ("lists", "(xs: list[int], k: int) -> list[int]", "Add k times {a} to the elements above {b}.",
     "[x + k * {a} if x > {b} else x for x in xs]"),
    ("strings", "(s: str) -> str", "The first {a} characters, upper-cased, then {b} dots.",
     "s[:{a}].upper() + '.' * {b}"),
    ("strings", "(s: str) -> str", "Every {a}-th character from position {b}.", "s[{b}::{a}]"),
    ("strings", "(s: str) -> int", "How many times the digit {b} occurs.", "s.count(str({b}))"),
)


def synthetic_functions(n: int, seed: int = 0) -> list[Any]:
    """``n`` distinct functions from :data:`TEMPLATES` with random constants, each from its own task."""
    from inductor.store import Function

    rng = random.Random(seed)
    out = []
    for i in range(n):
        domain, signature, doc, body = TEMPLATES[i % len(TEMPLATES)]
        a, b = rng.randint(1, 9), rng.randint(0, 9)
        name = f"syn{i % len(TEMPLATES)}_{a}_{b}_{i}"
        params = signature[1:signature.index(")")]
        docstring = doc.format(a=a, b=b)
        source = f'def {name}({params}):\n    """{docstring}"""\n    return {body.format(a=a, b=b)}\n'
        out.append(Function(name, domain, signature, source, docstring, tasks=[f"synthetic-{i}"]))
    return out


def _rss_mb() -> float:
    """This process's resident memory now, in MiB (Linux; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


#: Tasks the retrieval and the search start-up are measured on.
PROBE_TASKS = (
    Task("probe-map", [Example(([1, 2, 3],), [4, 7, 10]), Example(([0, 5],), [1, 16])], domain="lists"),
    Task("probe-count", [Example(([1, 8, 9],), 2), Example(([7, 2, 9, 9],), 3)], domain="lists"),
    Task("probe-text", [Example(("hello",), "HEL.."), Example(("abc",), "ABC..")], domain="strings"),
)


def bench_large_library(folder: Path, n: int, *, embedder: Any, verifier: Any, searcher: Any,
                        library_use: Callable[[Path], Any], queries: int = 50, seed: int = 0,
                        search_seconds: float = 2.0, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Build a synthetic library of ``n`` functions in ``folder`` (made), then measure it opened
    afresh: see the module docstring. ``library_use(folder)`` opens it as a frozen run does."""
    from inductor.index import LibraryIndex
    from inductor.retrieve import behaviour_candidates, retrieve, task_text
    from inductor.sandbox import Prelude
    from inductor.store import Library

    say = progress or (lambda message: None)
    out: dict[str, Any] = {"functions": n, "embedder": embedder.name, "search_seconds": search_seconds}
    say(f"building a synthetic library of {n:,} functions in {folder}")
    start = time.perf_counter()
    lib = Library(folder, create=True)
    lib.add_many(synthetic_functions(n, seed))
    out["store_build_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    index = LibraryIndex(lib, embedder)
    out["index_build_s"] = round(time.perf_counter() - start, 2)
    out["approximate_index"] = index.index.approximate
    lib.close()
    out["folder_mb"] = round(sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 2**20, 1)

    say("opening it as a run does")
    before = _rss_mb()
    start = time.perf_counter()
    use = library_use(folder)
    out["open_s"] = round(time.perf_counter() - start, 3)
    out["open_rss_mb"] = round(_rss_mb() - before, 1)
    lib, index = use.library, use.index

    rng = random.Random(seed)
    texts = [f"{t[2].format(a=rng.randint(1, 9), b=rng.randint(0, 9))}" for t in
             (TEMPLATES[rng.randrange(len(TEMPLATES))] for _ in range(queries))]
    index.search(texts[0], 5)  # warm-up
    start = time.perf_counter()
    for text in texts:
        index.search(text, 5)
    out["top5_ms"] = round((time.perf_counter() - start) / queries * 1000, 3)

    rows = []
    for task in PROBE_TASKS:
        say(f"retrieval and search start-up for {task.id}")
        row: dict[str, Any] = {"task": task.id, "domain": task.domain}
        nearest = [fid for fid, _ in index.search_ids(task_text(task), use.behaviour_limit)]
        start = time.perf_counter()
        candidates = behaviour_candidates(task, lib, use.behaviour_limit, nearest)
        row["prefilter_s"] = round(time.perf_counter() - start, 3)
        row["behaviour_candidates"] = len(candidates)
        start = time.perf_counter()
        found = retrieve(task, lib, index, verifier, k=use.k, behaviour_limit=use.behaviour_limit)
        row["retrieve_s"] = round(time.perf_counter() - start, 3)
        row["top"] = [r.function.name for r in found[:3]]
        start = time.perf_counter()
        components = use.components(task.domain)
        row["components_s"] = round(time.perf_counter() - start, 3)
        row["components"] = len(components)
        start = time.perf_counter()
        name, path = use.module(task.domain)  # as the loop sends it: a large library's part
        module = Prelude(name, str(path))
        row["module_s"] = round(time.perf_counter() - start, 3)
        row["module_kb"] = round(path.stat().st_size / 1024, 1)
        for arm, comps, preludes in (("library", components, [module]), ("empty", [], [])):
            start = time.perf_counter()
            result = searcher.search(task, comps, preludes=[*verifier.preludes(task), *preludes],
                                     deadline=time.perf_counter() + search_seconds)
            row[f"search_{arm}_evaluated"] = result.evaluated
            row[f"search_{arm}_s"] = round(time.perf_counter() - start, 3)
            row[f"search_{arm}_found"] = result.program is not None
        rows.append(row)
    out["tasks"] = rows
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    use.library.close()
    return out


def print_large_library_figures(figures: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    console.print(f"synthetic library: {figures['functions']:,} functions ({figures['folder_mb']} MB on disk, "
                  f"embedder {figures['embedder']}, {'approximate' if figures['approximate_index'] else 'exact'} "
                  f"index); built in {figures['store_build_s']} s (store) + {figures['index_build_s']} s (index)",
                  highlight=False)
    console.print(f"opened in {figures['open_s']} s, +{figures['open_rss_mb']} MiB resident; top-5 by meaning "
                  f"{figures['top5_ms']} ms; peak resident {figures['peak_rss_mb']} MiB", highlight=False)
    table = Table(title="per task: retrieval and the search's start-up with the library")
    for col in ("task", "type-fit candidates", "prefilter s", "retrieve s", "search fns", "fns s",
                f"terms in {figures['search_seconds']:g} s (lib / empty)"):
        table.add_column(col, justify="right")
    for r in figures["tasks"]:
        table.add_row(r["task"], str(r["behaviour_candidates"]), f"{r['prefilter_s']:.3f}", f"{r['retrieve_s']:.3f}",
                      str(r["components"]), f"{r['components_s']:.3f}",
                      f"{r['search_library_evaluated']:,} / {r['search_empty_evaluated']:,}")
    console.print(table)
