"""The FAISS index over the library: add, search, save, load, rebuild with stable ids."""

from __future__ import annotations

import numpy as np

from inductor.index import INDEX_FILE, HashEmbedder, LibraryIndex, VectorIndex
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
