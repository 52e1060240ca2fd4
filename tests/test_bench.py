from __future__ import annotations

from inductor.bench import bench_sandbox, candidate_mix
from inductor.sandbox import Limits, Sandbox


def test_candidate_mix_is_distinct_and_mostly_wrong():
    codes, kinds = candidate_mix(2000, seed=1)
    assert len(set(codes)) == 2000
    assert 0.05 < kinds["right"] / 2000 < 0.15 and kinds["wrong"] > 1600


def test_bench_sandbox_reports_figures_beside_the_baseline(plugins):
    sandbox = Sandbox(workers=2, limits=Limits(timeout=0.2))
    figures = bench_sandbox(sandbox, plugins, n=300, n_baseline=10)
    assert figures["candidates"] == 300 and figures["baseline_candidates"] == 10
    assert figures["verdicts"]["pass"] == figures["mix"]["right"]
    assert figures["verdicts"]["wrong"] == figures["mix"]["wrong"]
    assert figures["ratio"] > 0 and figures["layers"]["seccomp"]
