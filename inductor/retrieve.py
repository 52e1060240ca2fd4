"""Choosing the library functions a task's prompt shows and its candidates may call.

Two rankings are merged: by meaning (the task's description and rendered examples embedded
and searched in the FAISS index) and by behaviour (library functions of the task's domain
that take its arguments, run on its train inputs in the sandbox, scored by how close their
outputs come to the expected ones). Behaviour is bounded: at most ``behaviour_limit``
functions, most used first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.prompts import Helper

if TYPE_CHECKING:
    from inductor.index import LibraryIndex
    from inductor.store import Function, Library
    from inductor.tasks import Task
    from inductor.verify import Verifier


@dataclass
class Retrieved:
    function: Function
    score: float
    meaning: float = 0.0
    behaviour: float = 0.0

    def helper(self) -> Helper:
        fn = self.function
        return Helper(fn.name, f"{fn.name}{fn.signature}", fn.summary, source=fn.source, origin="library")


def task_text(task: Task, examples: int = 3) -> str:
    """What is embedded for a task: its description and a few rendered examples."""
    lines = [task.description.strip()] if task.description.strip() else []
    for ex in task.train[:examples]:
        lines.append(f"{', '.join(repr(a)[:200] for a in ex.args)} -> {repr(ex.output)[:200]}")
    return "\n".join(lines)


def _params(signature: str) -> tuple[list[str], int, str] | None:
    """The parameters' written types (``""`` when unannotated), how many are required and the
    return type, from a stored signature like ``(x: list[int], k: int = 3) -> int``; None when
    it does not parse."""
    import ast

    try:
        fn = ast.parse(f"def _{signature}: pass").body[0]
    except SyntaxError:
        return None
    args = fn.args  # type: ignore[attr-defined]

    def text(node: Any) -> str:
        return ast.unparse(node).replace("List[", "list[") if node is not None else ""

    return [text(a.annotation) for a in args.args], len(args.args) - len(args.defaults), text(fn.returns)  # type: ignore[attr-defined]


def _arity(fn: Function) -> int:
    """Required positional parameters in a stored signature like ``(x: list[int], k: int = 3) -> ...``."""
    parsed = _params(fn.signature)
    return parsed[1] if parsed is not None else -1


def task_types(task: Task) -> tuple[list[str], str]:
    """Each argument's type over the train examples, and the outputs' ("" where they disagree
    or say little)."""
    from inductor.prompts import type_name

    def one(values: list[Any]) -> str:
        seen = {type_name(v) for v in values}
        name = seen.pop() if len(seen) == 1 else ""
        return "" if name in ("list", "object", "dict") else name

    args = [one([ex.args[i] for ex in task.train if i < len(ex.args)]) for i in range(task.arity)]
    return args, one([ex.output for ex in task.train])


def _fits(hints: Sequence[str], types: Sequence[str]) -> bool:
    """No parameter's written type contradicts the task's argument type (either unknown: fits)."""
    return all(not h or not t or h == t or h in ("Any", "object") for h, t in zip(hints, types))


def behaviour_candidates(task: Task, library: Library, limit: int, prefer: Sequence[int] = ()) -> list[Function]:
    """At most ``limit`` of the domain's functions to run on the task's inputs: those whose
    parameters fit its arguments (count and types) and whose return type fits its outputs, the
    ``prefer`` ids (nearest in meaning) first, then the most used. Reads only signatures until
    it has chosen."""
    types, returns = task_types(task)
    chosen = []
    for fid, _name, signature, _uses in library.outlines(task.domain or "generic", prefer):
        parsed = _params(signature)
        if parsed is None or parsed[1] != task.arity:
            continue
        hints, _required, returned = parsed
        if not _fits([*hints[:task.arity], returned], [*types, returns]):
            continue
        chosen.append(fid)
        if len(chosen) >= limit:
            break
    return [f for f in (library.get(i) for i in chosen) if f is not None]


def by_behaviour(task: Task, library: Library, verifier: Verifier, limit: int,
                 prefer: Sequence[int] = ()) -> dict[int, float]:
    """Closeness (0..1) of the outputs of type-compatible library functions (at most ``limit``,
    see :func:`behaviour_candidates`) on the train inputs."""
    from inductor.sandbox import Prelude

    domain = task.domain or "generic"
    path = library.module_path(domain)
    if not path.is_file():
        return {}
    fns = behaviour_candidates(task, library, limit, prefer)
    if not fns:
        return {}
    params = ", ".join(task.params)
    sources = [f"def {task.entry_point}({params}):\n    return {f.name}({params})\n" for f in fns]
    if len(library.ids(domain)) > limit:  # a large library: a module of the candidates alone
        name, part = library.module_part(domain, [f.name for f in fns])
        prelude = Prelude(name, str(part))
    else:
        prelude = Prelude(library.module_name(domain), str(path))
    results = verifier.check(task, sources, extra_preludes=[prelude], notify=False)
    return {f.id: r.closeness for f, r in zip(fns, results) if f.id is not None}


def retrieve(task: Task, library: Library, index: LibraryIndex | None, verifier: Verifier | None, *,
             k: int = 6, behaviour_limit: int = 200) -> list[Retrieved]:
    """The ``k`` library functions most useful for ``task``, best first."""
    domain = task.domain or "generic"
    if not library.module_path(domain).is_file():
        return []
    scores: dict[int, Retrieved] = {}
    nearest: list[int] = []  # by meaning: the first to run by behaviour
    if index is not None and len(index.index):
        for rank, (fid, sim) in enumerate(index.search_ids(task_text(task), k=max(3 * k, behaviour_limit))):
            fn = library.get(fid) if rank < 3 * k else None
            if fn is not None and fn.domain == domain:
                scores[fid] = Retrieved(fn, 0.0, meaning=max(0.0, sim))
            nearest.append(fid)  # another domain's id is skipped by the behaviour pass
    if verifier is not None:
        for fid, closeness in by_behaviour(task, library, verifier, behaviour_limit, prefer=nearest).items():
            if fid not in scores:
                fn = library.get(fid)
                if fn is None:
                    continue
                scores[fid] = Retrieved(fn, 0.0)
            scores[fid].behaviour = closeness
    for r in scores.values():
        # Behaviour is the stronger evidence; meaning breaks ties and finds helpers.
        r.score = 0.65 * r.behaviour + 0.35 * r.meaning
    return sorted(scores.values(), key=lambda r: -r.score)[:k]


def describe(retrieved: list[Retrieved]) -> list[dict[str, Any]]:
    return [{"name": r.function.name, "id": r.function.id, "score": round(r.score, 3),
             "meaning": round(r.meaning, 3), "behaviour": round(r.behaviour, 3)} for r in retrieved]


def primitive_text(helper: Helper) -> str:
    """What is embedded for a primitive: its signature and the first line of its docstring."""
    return f"{helper.name}{helper.signature}\n{helper.summary}"


def search_library(library: Library, index: LibraryIndex, query: str, k: int = 5, *, domain: str | None = None,
                   helpers: list[tuple[str, Helper]] | None = None,
                   cache_dir: Path | None = None) -> list[tuple[float, dict[str, Any]]]:
    """``library search``: the ``k`` learned functions and primitives nearest in meaning to ``query``.

    With ``cache_dir`` the primitives' vectors are kept in a file there (see
    :func:`inductor.index.cached_embed`) instead of being embedded again on every call.
    """
    import numpy as np

    from inductor.index import cached_embed

    hits = index.search(query, k=k * 4 if domain else k)
    found = [(s, f.to_json() | {"kind": "learned"}) for f, s in hits if domain is None or f.domain == domain]
    if helpers:
        texts = [primitive_text(h) for _, h in helpers]
        if cache_dir is not None:
            query_vector = np.asarray(index.embedder.embed([query])[0])
            vectors = cached_embed(index.embedder, texts, cache_dir)
        else:  # no cache: everything embedded again, in one batch
            embedded = index.embedder.embed([query, *texts])
            query_vector, vectors = np.asarray(embedded[0]), np.asarray(embedded[1:])
        scores = vectors @ query_vector
        found += [(float(sc), {"name": h.name, "domain": d, "signature": h.signature[h.signature.find("("):],
                               "docstring": h.summary, "kind": "primitive"}) for (d, h), sc in zip(helpers, scores)]
    return sorted(found, key=lambda x: -x[0])[:k]
