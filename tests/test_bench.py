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


def test_bench_retrieval_reports_both_indexes_per_size():
    from inductor.bench import bench_retrieval
    from inductor.index import HashEmbedder

    figures = bench_retrieval((200, 500), dim=32, queries=10, embedder=HashEmbedder(32), embed_texts=16)
    assert [r["functions"] for r in figures["sizes"]] == [200, 500]
    for row in figures["sizes"]:
        assert row["exact_ms"] > 0 and row["approximate_ms"] > 0 and 0 <= row["approximate_recall_at_1"] <= 1
    assert figures["embed_per_second"] > 0
