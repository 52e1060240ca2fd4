"""Benchmarks, one per module, each figure printed beside its baseline measured in the same run:
:mod:`~inductor.bench.sandbox`, :mod:`~inductor.bench.model`, :mod:`~inductor.bench.retrieval`,
:mod:`~inductor.bench.induction`, :mod:`~inductor.bench.soak`, :mod:`~inductor.bench.search`,
:mod:`~inductor.bench.scale`, :mod:`~inductor.bench.library`.
``inductor bench VERB`` runs them (:mod:`inductor.cli.bench`)."""

from __future__ import annotations

from inductor.bench.induction import bench_induction, print_induction_figures, split_tasks
from inductor.bench.library import (
    bench_large_library,
    print_large_library_figures,
    synthetic_functions,
)
from inductor.bench.model import (
    bench_adapter,
    bench_model,
    print_adapter_figures,
    print_model_figures,
)
from inductor.bench.retrieval import (
    SEARCH_QUERIES,
    bench_library_search,
    bench_retrieval,
    print_retrieval_figures,
    print_search_figures,
    search_probe,
)
from inductor.bench.sandbox import (
    BASELINES,
    baseline_rate,
    bench_sandbox,
    bench_task,
    candidate_mix,
    fork_check,
    humaneval_check,
    labelled_mix,
    print_figures,
)
from inductor.bench.scale import bench_scale, print_scale_figures
from inductor.bench.search import bench_search, peer_runner, print_search_bench, search_components
from inductor.bench.soak import HOSTILE_KINDS, NORMAL_VERDICTS, bench_soak, print_soak_figures

__all__ = [
    "BASELINES", "HOSTILE_KINDS", "NORMAL_VERDICTS", "SEARCH_QUERIES", "baseline_rate", "bench_adapter",
    "bench_induction", "bench_large_library", "bench_library_search", "bench_model", "bench_retrieval", "bench_sandbox", "bench_scale", "bench_search",
    "bench_soak", "bench_task", "candidate_mix", "fork_check", "humaneval_check", "labelled_mix", "peer_runner",
    "print_adapter_figures", "print_figures", "print_induction_figures", "print_large_library_figures", "print_model_figures",
    "print_retrieval_figures", "print_scale_figures", "print_search_bench", "print_search_figures", "print_soak_figures",
    "search_components", "search_probe", "split_tasks", "synthetic_functions",
]
