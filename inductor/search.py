"""Execution-guided search: bottom-up enumeration of typed compositions, no model needed.

Terms grow by size from the task's arguments and small constants drawn from its examples
(size 1) through calls of domain primitives and library functions on smaller terms. Every
new term is run on the train inputs in the sandbox, in one batch per size; a term whose
outputs equal those of a term already seen is dropped (observational equivalence), so the
search spends its budget on distinct behaviours only. It stops at the first term whose
outputs match every expected output, or when the budget (programs, seconds) is spent.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from inductor.prompts import type_name
from inductor.sandbox import Status
from inductor.verify import is_inert

if TYPE_CHECKING:
    from inductor.prompts import Helper
    from inductor.sandbox import Sandbox
    from inductor.tasks import Task

#: Integer constants always available besides those drawn from the examples.
BASE_INTS = (0, 1, 2, 3)


@dataclass(frozen=True)
class Component:
    """A function the search may call: its name and parameter/return types."""

    name: str
    params: tuple[str, ...]
    returns: str
    #: A learned library function (a primitive otherwise).
    library: bool = False
    #: A learned abstraction's s-expression over its parameters ``arg0_``, ``arg1_``... (empty
    #: for any other function): the value search evaluates it from its DSL primitives.
    body: str = ""

    @classmethod
    def of(cls, helper: Helper) -> Component | None:
        if not helper.params or not helper.returns or any(not p for p in helper.params):
            return None
        return cls(helper.name, tuple(helper.params), helper.returns)


def library_component(name: str, signature: str, aliases: Mapping[str, str] | None = None,
                      body: str = "") -> Component | None:
    """A component from a stored signature like ``(x: list[int], k: int = 3) -> list[int]``;
    ``aliases`` are the domains' type aliases (``Grid``); ``body``: an abstraction's opened
    s-expression (see :attr:`Component.body`)."""
    import ast

    from inductor.prompts import normalize_type

    try:
        fn = ast.parse(f"def _{signature}: pass").body[0]
    except SyntaxError:
        return None
    assert isinstance(fn, ast.FunctionDef)
    required = fn.args.args[: len(fn.args.args) - len(fn.args.defaults)]
    if not required or any(a.annotation is None for a in required) or fn.returns is None:
        return None
    return Component(name, tuple(normalize_type(ast.unparse(a.annotation), aliases) for a in required),
                     normalize_type(ast.unparse(fn.returns), aliases), library=True, body=body)


def library_components(library: Any, functions: Iterable[Any], aliases: Mapping[str, str] | None = None
                       ) -> list[Component]:
    """Stored ``functions`` of ``library`` as search components; an abstraction carries its
    opened body (the value search evaluates it from the DSL's primitives)."""
    from inductor.compress import opened_body

    out = []
    for f in functions:
        row = library.abstraction(f.id)
        c = library_component(f.name, f.signature, aliases, body=opened_body(row["body"]) if row else "")
        if c is not None:
            out.append(c)
    return out


class Searcher(Protocol):
    """What a search proposer plugin returns: finds a program for a task without a model."""

    def search(self, task: Task, components: Sequence[Component], preludes: Sequence[Any] = (),
               same: Any = None, deadline: float | None = None,
               weights: Mapping[str, float] | None = None) -> SearchResult:
        """``weights``: the grammar's weight per primitive or library function (the library's
        fitted ones; passed only when there are any), 1 for a name not given."""
        ...


@dataclass
class Term:
    expr: str
    type: str
    size: int
    values: list[Any]
    #: Calls a library function somewhere.
    library: bool = False


@dataclass
class SearchResult:
    program: str | None = None
    evaluated: int = 0
    sizes_done: int = 0
    stopped: str = ""
    seconds: float = 0.0


def value_type(values: Sequence[Any]) -> str:
    """The type of a column of example values (an empty list takes its type from the others)."""
    names = [type_name(v) for v in values]
    precise = [n for n in names if n not in ("list", "object")]
    return precise[0] if precise else names[0]


def constants(task: Task, limit: int = 8) -> list[Term]:
    """Small constants drawn from the examples: ints, separators, shared prefixes and suffixes."""
    n = len(task.train)
    ints: list[int] = list(BASE_INTS)
    strs: list[str] = []
    for ex in task.train:
        for v in (*ex.args, ex.output):
            if isinstance(v, list):
                ints.append(len(v))
            elif type(v) is int and -10 <= v <= 100:
                ints.append(v)
            if isinstance(v, str):
                strs += [c for c in v if not c.isalnum()]
    outputs = [ex.output for ex in task.train]
    if outputs and all(isinstance(o, str) for o in outputs):
        prefix, suffix = os.path.commonprefix(outputs), os.path.commonprefix([o[::-1] for o in outputs])[::-1]
        strs += [s for s in (prefix, suffix) if s and len(s) <= 12]
    terms = [Term(repr(v), "int", 1, [v] * n) for v in dict.fromkeys(ints)][:limit]
    terms += [Term(repr(s), "str", 1, [s] * n) for s in dict.fromkeys(strs)][:limit]
    return terms


class Enumerator:
    """Bottom-up enumeration over a task's train examples, run in the sandbox."""

    def __init__(self, sandbox: Sandbox, *, max_size: int = 3, max_programs: int = 20_000,
                 seconds: float = 10.0) -> None:
        self.sandbox = sandbox
        self.max_size = max_size
        self.max_programs = max_programs
        self.seconds = seconds

    def search(self, task: Task, components: Sequence[Component], preludes: Sequence[Any] = (),
               same: Any = None, deadline: float | None = None,
               weights: Mapping[str, float] | None = None) -> SearchResult:
        """The first program found (``def entry(params): return <expr>``), or None within budget
        (compositions in size order: ``weights`` do not change it)."""
        start = time.perf_counter()
        deadline = min(deadline or float("inf"), start + self.seconds)
        result = SearchResult()
        same = same or (lambda a, b: a == b)
        expected = [ex.output for ex in task.train]
        out_type = value_type(expected)
        params = task.params
        terms: dict[str, list[Term]] = {}
        seen: set[tuple[str, str]] = set()

        def keep(term: Term) -> bool:
            key = (term.type, json.dumps(term.values, sort_keys=True, default=repr))
            if key in seen:
                return False
            seen.add(key)
            terms.setdefault(term.type, []).append(term)
            return True

        def solves(term: Term) -> bool:
            return term.type == out_type and all(same(e, v) for e, v in zip(expected, term.values))

        leaves = [Term(p, value_type([ex.args[i] for ex in task.train]), 1, [ex.args[i] for ex in task.train])
                  for i, p in enumerate(params)] + constants(task)
        for leaf in leaves:
            if keep(leaf) and leaf.size == 1 and leaf.expr in params and solves(leaf):
                result.program = self.program(task, leaf.expr)
        if result.program:
            result.stopped = "solved"
            return self._done(result, start)
        by_size: dict[int, list[Term]] = {1: [t for ts in terms.values() for t in ts]}
        for size in range(2, self.max_size + 1):
            # Programs of primitives alone first, then those calling the library: a level cut
            # short by the budget loses library programs, never what the primitives alone find.
            exprs: list[tuple[str, str, bool]] = []
            for with_library in (False, True):
                for comp in components:
                    if comp.library and not with_library:
                        continue
                    for args in self._arguments(comp, by_size, size - 1):
                        uses = comp.library or any(a.library for a in args)
                        if uses != with_library:
                            continue
                        exprs.append((f"{comp.name}({', '.join(a.expr for a in args)})", comp.returns, uses))
                        if result.evaluated + len(exprs) >= self.max_programs:
                            break
                    if result.evaluated + len(exprs) >= self.max_programs:
                        break
            if not exprs:
                continue
            found = self._evaluate(task, exprs, preludes, deadline, result, size)
            by_size[size] = []
            for term in found:
                if keep(term):
                    by_size[size].append(term)
                    if solves(term):
                        result.program = self.program(task, term.expr)
                        result.stopped = "solved"
                        return self._done(result, start)
            result.sizes_done = size
            if time.perf_counter() >= deadline:
                result.stopped = "time"
                return self._done(result, start)
            if result.evaluated >= self.max_programs:
                result.stopped = "programs"
                return self._done(result, start)
        result.stopped = result.stopped or "size"
        return self._done(result, start)

    @staticmethod
    def program(task: Task, expr: str) -> str:
        return f"def {task.entry_point}({', '.join(task.params)}):\n    return {expr}\n"

    @staticmethod
    def _done(result: SearchResult, start: float) -> SearchResult:
        result.seconds = time.perf_counter() - start
        return result

    @staticmethod
    def _arguments(comp: Component, by_size: dict[int, list[Term]], total: int) -> list[tuple[Term, ...]]:
        """Argument tuples of ``comp``'s types whose sizes add up to ``total``."""
        k = len(comp.params)
        out: list[tuple[Term, ...]] = []
        for sizes in _compositions(total, k):
            pools = [[t for t in by_size.get(s, []) if t.type == ty] for s, ty in zip(sizes, comp.params)]
            if all(pools):
                out.extend(itertools.product(*pools))
        return out

    def _evaluate(self, task: Task, exprs: list[tuple[str, str, bool]], preludes: Sequence[Any], deadline: float,
                  result: SearchResult, level: int) -> list[Term]:
        inputs = [ex.args for ex in task.train]
        size = self.sandbox.batch_size * self.sandbox.workers
        terms: list[Term] = []
        for start in range(0, len(exprs), size):
            if time.perf_counter() >= deadline:
                break
            chunk = exprs[start:start + size]
            codes = [self.program(task, e) for e, _, _ in chunk]
            # Inert programs share a waiting child and write their lines a few at a time; what
            # the search finds is checked again by the verifier before it is believed.
            outcomes = self.sandbox.run(codes, inputs, entries=task.entry_point, preludes=preludes,
                                        inert=[is_inert(c) for c in codes])
            result.evaluated += len(chunk)
            for (expr, returns, uses), outs in zip(chunk, outcomes):
                if all(o.status is Status.OK for o in outs):
                    values = [o.value for o in outs]
                    if all(type_name(v) == returns or (returns.startswith("list") and v == []) for v in values):
                        terms.append(Term(expr, returns, level, values, uses))
        return terms


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    """Ordered ways to write ``total`` as ``parts`` positive sizes."""
    if parts == 1:
        return [(total,)] if total >= 1 else []
    return [(first, *rest) for first in range(1, total - parts + 2) for rest in _compositions(total - first, parts - 1)]
