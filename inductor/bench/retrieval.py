"""``inductor bench retrieval``: top-5 latency of the approximate index against the exact one,
and ``library search``'s start-up and query time."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


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
            # The probe imports what the command imports before it runs (the CLI), then searches.
            code = (f"import inductor.cli; from inductor.bench import search_probe; search_probe({str(library_dir)!r}, {name!r}, "
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
    if "library" in figures:
        from inductor.bench.library import print_large_library_figures

        print_large_library_figures(figures["library"], console)


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
