"""The FAISS index over the library: add, search, save, load, rebuild with stable ids; the
torch-free MiniLM and the embeddings cache behind ``library search``."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from inductor import index as index_module
from inductor.cli import cli
from inductor.index import (
    INDEX_FILE,
    HashEmbedder,
    LibraryIndex,
    MiniLMEmbedder,
    SentenceEmbedder,
    VectorIndex,
    cached_embed,
    embeddings_path,
)
from inductor.plugins import get_plugins
from inductor.prompts import helpers_from_module
from inductor.retrieve import primitive_text, search_library
from inductor.store import Function, Library


def add(lib, name, doc):
    return lib.add(Function(name=name, domain="lists", signature="(x: list[int]) -> list[int]",
                            source=f"def {name}(x: list[int]) -> list[int]:\n    return x\n", docstring=doc))


def test_hash_embedder_is_normalized_and_deterministic():
    emb = HashEmbedder(64)
    a, b = emb.embed(["reverse the list", "reverse the list"]), emb.embed(["sum of the elements"])
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0) and np.allclose(a[0], a[1])
    assert float(a[0] @ b[0]) < 0.9


def test_vector_index_round_trip_keeps_ids(tmp_path):
    index = VectorIndex(8, "test")
    vectors = np.eye(8, dtype="float32")[:3]
    index.add([10, 20, 30], vectors)
    assert index.search(vectors[1], 2)[0] == (20, 1.0)
    index.save(tmp_path)
    again = VectorIndex.load(tmp_path)
    assert again is not None and len(again) == 3 and again.search(vectors[2], 1)[0][0] == 30
    again.remove([20])
    assert [i for i, _ in again.search(vectors[1], 3)] == [10, 30] or 20 not in dict(again.search(vectors[1], 3))


def test_approximate_index_finds_the_same_nearest(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.normal(size=(500, 16)).astype("float32")
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    exact, approx = VectorIndex(16, "t"), VectorIndex(16, "t", approximate=True)
    ids = list(range(1000, 1500))
    exact.add(ids, data)
    approx.add(ids, data)
    hits = sum(exact.search(v, 1)[0][0] == approx.search(v, 1)[0][0] for v in data[:50])
    assert hits >= 45


def test_library_index_follows_the_store_and_rebuilds(tmp_path):
    lib = Library(tmp_path / "lib")
    emb = HashEmbedder()
    index = LibraryIndex(lib, emb)
    rev = add(lib, "reverse_list", "Reverse the order of the list.")
    total = add(lib, "sum_all", "Sum of all the elements.")
    index.add([rev, total])
    assert index.search("reverse order of a list", 1)[0][0].name == "reverse_list"
    # A fresh LibraryIndex loads the saved one; deleting the file makes it rebuild from the store.
    assert len(LibraryIndex(lib, emb).index) == 2
    (tmp_path / "lib" / INDEX_FILE).unlink()
    again = LibraryIndex(lib, emb)
    assert len(again.index) == 2 and again.search("sum of elements", 1)[0][0].id == total.id
    # Another embedder invalidates the saved index.
    assert LibraryIndex(lib, HashEmbedder(32)).index.dim == 32


# --- the torch-free MiniLM and the embeddings cache (library search) ---------------------------

TEXTS = ["reverse the list", "Sum of all the elements.", "", "x",
         "def keep_above(x: list[int], k: int) -> list[int]:\n    return [v for v in x if v > k]\n",
         "Rotate the grid 90 degrees clockwise, then mirror it; ünïcödé and CAPITALS " * 40]  # truncated at 256


class Counting:
    """An embedder that counts the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.seen = inner, inner.name, inner.dim, []

    def embed(self, texts):
        self.seen.extend(texts)
        return self.inner.embed(texts)


@pytest.fixture(autouse=True)
def _fresh_memo(monkeypatch):
    monkeypatch.setattr(index_module, "_memo", {})  # as in a new process: the cache file is read again


@pytest.fixture(scope="module")
def reference():
    return SentenceEmbedder()


@pytest.fixture(scope="module")
def minilm():
    return MiniLMEmbedder()


@pytest.mark.integration
def test_torch_free_minilm_gives_the_sentence_transformers_vectors(reference, minilm):
    assert (minilm.name, minilm.dim) == (reference.name, reference.dim)  # a saved index stays valid
    ours, theirs = minilm.embed(TEXTS), reference.embed(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(ours * theirs, axis=1))) > 1 - 1e-4
    # One text alone gives the vector it gets in a padded batch.
    assert float(minilm.embed([TEXTS[1]])[0] @ ours[1]) > 1 - 1e-5
    # Large batches (an index rebuild) go to sentence-transformers: the same vectors again.
    bulk = MiniLMEmbedder()
    bulk.BULK_FROM = 3
    assert float(np.min(np.sum(bulk.embed(TEXTS[:3]) * ours[:3], axis=1))) > 1 - 1e-4
    assert bulk._bulk is not None and bulk._encoder is None


@pytest.mark.integration
def test_the_default_library_search_ranks_as_the_sentence_transformers_path(tmp_path, reference, minilm):
    lib = Library(tmp_path / "lib")
    for name, doc in (("reverse_order", "Reverse the order of the list."), ("sum_as_list", "Sum of the elements."),
                      ("drop_evens", "Remove the even numbers."), ("first_three", "The first three elements.")):
        add(lib, name, doc)
    plugins = get_plugins()
    helpers = [(d, h) for d in ("lists", "strings") for m in plugins.primitives(d) for h in helpers_from_module(m)]
    assert len(helpers) > 40
    new, before = LibraryIndex(lib, minilm), LibraryIndex(lib, reference)
    for query in ("reverse the list", "sum of the elements", "upper case the first letter", "remove evens",
                  "split into words"):
        ours = search_library(lib, new, query, 8, helpers=helpers, cache_dir=tmp_path / "cache")
        theirs = search_library(lib, before, query, 8, helpers=helpers)  # the path before: no cache, torch
        assert [f["name"] for _, f in ours] == [f["name"] for _, f in theirs], query
        assert np.allclose([s for s, _ in ours], [s for s, _ in theirs], atol=1e-4)


def test_the_default_embedder_does_not_import_torch():
    code = ("import sys; from inductor.default_plugins.embedders import _minilm; e = _minilm(); "
            "v = e.embed(['reverse the list']); print(type(e).__name__, v.shape, 'torch' in sys.modules, "
            "'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["MiniLMEmbedder", "(1,", "384)", "False", "False"]


def test_cached_embed_reuses_vectors_and_embeds_only_what_changed(tmp_path):
    emb = Counting(HashEmbedder(64))
    texts = ["reverse(xs)\nThe elements in reverse order.", "head(xs)\nThe first element.", "head(xs)\nThe first element."]
    first = cached_embed(emb, texts, tmp_path)
    assert emb.seen == texts[:2]  # each distinct text once
    assert np.allclose(first, HashEmbedder(64).embed(texts))
    assert embeddings_path(tmp_path, emb).is_file()
    index_module._memo.clear()  # a new process: read from the file, embed nothing
    emb.seen.clear()
    assert np.allclose(cached_embed(emb, texts, tmp_path), first) and emb.seen == []
    # A new primitive is embedded alone; the others come from the cache.
    index_module._memo.clear()
    added = [*texts, "tail(xs)\nEverything but the first element."]
    cached_embed(emb, added, tmp_path)
    assert emb.seen == added[3:]
    # A changed docstring is a new text.
    emb.seen.clear()
    cached_embed(emb, ["reverse(xs)\nReversed."], tmp_path)
    assert emb.seen == ["reverse(xs)\nReversed."]
    # Another embedder (other name or dimension) embeds everything again, in its own file.
    other = Counting(HashEmbedder(32))
    assert cached_embed(other, texts, tmp_path).shape == (3, 32) and other.seen == texts[:2]
    assert embeddings_path(tmp_path, other) != embeddings_path(tmp_path, emb)


def test_cached_embed_survives_a_folder_it_cannot_write_and_a_broken_file(tmp_path):
    emb = Counting(HashEmbedder(16))
    path = embeddings_path(tmp_path, emb)
    path.write_bytes(b"not an npz file")
    assert cached_embed(emb, ["a", "b"], tmp_path).shape == (2, 16) and emb.seen == ["a", "b"]
    index_module._memo.clear()
    emb.seen.clear()
    assert cached_embed(emb, ["a", "b"], tmp_path).shape == (2, 16) and emb.seen == []  # rewritten
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert cached_embed(emb, ["c"], blocked / "sub").shape == (1, 16)  # cannot be created: still answers


def test_library_search_caches_the_primitives_outside_a_read_only_library(tmp_path, monkeypatch):
    lib = Library(tmp_path / "lib")
    add(lib, "reverse_order", "Reverse the order of the list.")
    monkeypatch.setenv("INDUCTOR_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "inductor.toml").write_text('[library]\nembedder = "hash"\n')
    before = sorted(p.name for p in (tmp_path / "lib").iterdir())
    args = ["--config", str(tmp_path / "inductor.toml"), "library", "search", "reverse the list", "--library",
            str(tmp_path / "lib"), "--json"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    found = json.loads(res.output)
    assert {f["kind"] for f in found} == {"learned", "primitive"}
    cache = embeddings_path(tmp_path / "cache" / "embeddings", HashEmbedder())
    assert cache.is_file()
    assert sorted(p.name for p in (tmp_path / "lib").iterdir()) == before  # a read verb writes nothing there
    texts = {primitive_text(h) for d in Library(tmp_path / "lib").domains()
             for m in get_plugins().primitives(d) for h in helpers_from_module(m)}
    with np.load(cache) as data:
        assert len(data["keys"]) == len(texts) > 5  # every primitive of the library's domains, once
    index_module._memo.clear()
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and json.loads(again.output) == found


def test_bench_retrieval_times_library_search_new_and_before_in_fresh_processes(tmp_path):
    from inductor.bench import bench_library_search, print_search_figures

    lib = Library(tmp_path / "lib")
    add(lib, "reverse_order", "Reverse the order of the list.")
    figures = bench_library_search(tmp_path / "lib", runs=1, embedder="hash", reference="hash")
    for path in ("cached", "reference"):
        assert figures[path]["cold_s"] > 0 and figures[path]["second_query_s"] >= 0
        first, second = figures[path]["top5"]
        assert len(first) == 5 and first != second
    assert figures["same_ranking"] is True
    from rich.console import Console

    console = Console(record=True, width=120)
    print_search_figures(figures, console)
    assert "cold (start to answer)" in console.export_text()


#: Plain-English queries a user might type, each with the functions it means (written for this
#: test, before looking at the rankings: issue 17 asks for 8 of 10 in the top 3).
QUERIES = {
    "add a number to every element": {"add_each"},
    "keep the even numbers": {"keep_even"},
    "first word of a name": {"first_word"},
    "remove duplicates": {"unique", "dedupe_adjacent"},
    "sort from smallest to largest": {"sort_asc"},
    "make the text upper case": {"upper"},
    "how many elements the list has": {"length"},
    "the sum of all the numbers": {"sum_list"},
    "all but the first element": {"tail", "drop"},
    "join two lists together": {"concat"},
}


@pytest.mark.integration
def test_library_search_finds_the_intended_function_for_plain_english_queries(tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("INDUCTOR_CACHE_DIR", str(tmp_path / "cache"))
    shipped = Path(__file__).resolve().parents[1] / "library"
    hits, misses = 0, {}
    for query, intended in QUERIES.items():
        out = CliRunner().invoke(cli, ["library", "search", query, "-k", "3", "--library", str(shipped), "--json"])
        assert out.exit_code == 0, out.output
        names = [f["name"] for f in json.loads(out.output)]
        if intended & set(names):
            hits += 1
        else:
            misses[query] = names
    assert hits >= 8, misses
