"""Search engine 2: the typed λ-DSL enumerated by value inside hardened sandbox workers.

The parent sends the DSL (``inductor.dsl.core``, the domain's primitives, the engine
``inductor.dsl.bottomup``) to the workers as preludes, the way library modules are sent, so
the workers never read them from disk; then one job per worker runs
:func:`inductor.dsl.bottomup.run_job` as a single "candidate" with a time limit of the whole
search: the worker's zygote kills it from outside (SIGKILL of its process group) if it
overruns, and a primitive that loops or allocates without bound ends in a verdict (timeout,
memory) while the run goes on. Both cores work: worker 0 enumerates the full grammar
(lambdas included), worker 1 the first-order part only, which it therefore takes to larger
programs in the same time; the more probable of their programs wins. A found program's
Python is returned to the loop, which re-verifies it like any candidate.
"""

from __future__ import annotations

import atexit
import importlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from inductor.sandbox import Limits, Prelude, Sandbox, Status
from inductor.search import SearchResult

if TYPE_CHECKING:
    from inductor.search import Component
    from inductor.tasks import Task

ENGINE_MODULES = ("inductor.dsl.core",)
ENGINE_LAST = "inductor.dsl.bottomup"


@dataclass
class ValueResult(SearchResult):
    """A search result with the program's s-expression, cost (bits) and each worker's counts."""

    sexpr: str | None = None
    cost: float | None = None
    stored: int = 0
    workers: list[dict[str, Any]] = field(default_factory=list)
    #: The program's reading of the train examples first, then other programs nearly as
    #: probable that fit them too but give other outputs on the task's test inputs: each
    #: ``{"sexpr", "cost", "python", "outputs"}`` (see ``Engine.readings``).
    readings: list[dict[str, Any]] = field(default_factory=list)
    #: Whether every program up to the readings' cost bound was enumerated.
    readings_complete: bool = False
    #: Of ``seconds``, those spent looking for the other readings after the program was found.
    readings_seconds: float = 0.0

    @property
    def ambiguous(self) -> bool | None:
        """True when another reading was found, False when none exists within the bound, None
        when that is unknown (not looked for, or the time ran out first)."""
        if len(self.readings) > 1:
            return True
        return False if self.readings and self.readings_complete else None


def _prelude(name: str) -> Prelude:
    return Prelude.of(importlib.import_module(name))


class ValueSearcher:
    """The ``value`` searcher: see the module docstring. Its own sandbox (two workers) has a
    time limit of the whole search per job; ``sandbox`` lends only its wrap setting."""

    def __init__(self, sandbox: Any = None, *, seconds: float = 10.0, bank_mb: int = 256, memory_mb: int = 1024,
                 workers: int = 2, dsls: dict[str, str] | None = None,
                 weights: dict[str, float] | None = None, plugins: Any = None, fallback: Any = None,
                 split_examples: int = 2, split_chance: float = 0.1, ambiguity_bits: float = 1.0,
                 ambiguity_seconds: float = 2.0, probes: int = 8) -> None:
        self.seconds = seconds
        #: Once a program fits, other readings of the train examples are looked for among the
        #: programs at most this many bits less probable (0: not looked for), for at most
        #: ``ambiguity_seconds``, on up to ``probes`` of the task's test inputs.
        self.ambiguity_bits, self.ambiguity_seconds, self.probes = ambiguity_bits, ambiguity_seconds, probes
        #: A conditional may join two programs that each fit this many train examples (0: off),
        #: by a condition that at most this share of the examples' partitions would match.
        self.split_examples, self.split_chance = split_examples, split_chance
        self.bank_mb = bank_mb
        self.memory_mb = memory_mb
        self.workers = max(1, workers)
        #: Module names by domain; a domain not named here asks the plugins' ``inductor_dsl``.
        self.dsls = dict(dsls or {})
        self.plugins = plugins
        self.weights = weights or {}
        #: The searcher for a domain without a λ-DSL (a plugin's own domain that registers
        #: primitives but no ``inductor_dsl``): the typed compositions of ``enumerate``.
        self.fallback = fallback
        self.wrap = getattr(sandbox, "wrap", "auto") if sandbox is not None else "auto"
        self._sandbox: Sandbox | None = None

    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = Sandbox(workers=self.workers, wrap=self.wrap, batch_size=1,
                                    limits=Limits(timeout=self.seconds + 1.0, memory_mb=self.memory_mb))
            self._sandbox.start()
            atexit.register(self.close)
        return self._sandbox

    def close(self) -> None:
        if self.fallback is not None and hasattr(self.fallback, "close"):
            self.fallback.close()
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None

    def dsl(self, domain: str) -> ModuleType | None:
        """``domain``'s λ-DSL module (from the plugins unless named here), None without one."""
        if domain in self.dsls:
            return importlib.import_module(self.dsls[domain])
        if self.plugins is None:
            from inductor.plugins import get_plugins

            self.plugins = get_plugins()
        return self.plugins.dsl(domain)

    def job(self, task: Task, seconds: float, dsl: str, components: Sequence[Component] = (),
            weights: Mapping[str, float] | None = None) -> dict[str, Any]:
        types = getattr(task, "types", None) or {}
        return {"dsl": dsl, "params": list(task.params),
                "inputs": [list(ex.args) for ex in task.train], "outputs": [ex.output for ex in task.train],
                "param_types": [types.get(p) for p in task.params], "seconds": seconds,
                "memory_mb": self.bank_mb, "weights": {**self.weights, **(weights or {})}, "entry": task.entry_point,
                "split_examples": self.split_examples, "split_chance": self.split_chance,
                # Inputs without their outputs, for the other readings of the train examples.
                "probes": [list(ex.args) for ex in task.test][: self.probes],
                "ambiguity_bits": self.ambiguity_bits, "ambiguity_seconds": self.ambiguity_seconds,
                # Learned library functions, called as opaque typed primitives (their modules
                # are among the preludes).
                "library": [[c.name, list(c.params), c.returns, c.body] for c in components if c.library]}

    def relabel(self, domain: str, input_sets: Sequence[Sequence[Sequence[Any]]], *, seconds: float,
                count: int, seed: int = 0, types: Sequence[str] = (), components: Sequence[Component] = (),
                preludes: Sequence[Any] = (), weights: Mapping[str, float] | None = None,
                ) -> list[list[tuple[list[Any], list[str]]]]:
        """Per set of inputs (argument tuples, one per example), up to ``count`` programs of the
        domain's grammar (library ``components`` included) with the outputs they produce there:
        ``(outputs, names used)``. Enumerated in the sandbox workers, a set per worker at a time;
        a set whose job fails gives none."""
        dsl = self.dsl(domain)
        if dsl is None:
            return [[] for _ in input_sets]
        requires = tuple(getattr(dsl, "REQUIRES", ()))
        mine = [*(_prelude(n) for n in (*ENGINE_MODULES, *requires)), Prelude.of(dsl), _prelude(ENGINE_LAST)]
        names = {p.name for p in mine}
        extra = [p for p in preludes if isinstance(p, Prelude) and p.name not in names]
        library = [[c.name, list(c.params), c.returns, c.body] for c in components if c.library]
        # Under the sandbox's cap on one output, with room for the JSON around the samples.
        max_chars = max(10_000, self.sandbox().limits.max_output_bytes // 2)
        out: list[list[tuple[list[Any], list[str]]]] = []
        for first in range(0, len(input_sets), self.workers):
            batch = [{"dsl": dsl.__name__, "params": [f"x{i}" if i else "x" for i in range(len(inputs[0]))],
                      "inputs": [list(a) for a in inputs], "param_types": None, "seconds": min(seconds, self.seconds),
                      "memory_mb": self.bank_mb, "weights": dict(weights or self.weights), "library": library,
                      "count": count, "seed": seed * 100_003 + first + k, "types": list(types),
                      "max_chars": max_chars}
                     for k, inputs in enumerate(input_sets[first:first + self.workers])]
            codes = [f"def entry(jobs):\n    return relabel_job(jobs[{k}], globals())\n" for k in range(len(batch))]
            outcomes = self.sandbox().run(codes, [[batch]], entries="entry", preludes=[*mine, *extra])
            for (o,) in outcomes:
                ok = o.status is Status.OK and isinstance(o.value, dict)
                out.append([(outs, names) for outs, names in (o.value.get("samples") or [])] if ok else [])
        return out

    def search(self, task: Task, components: Sequence[Component] = (), preludes: Sequence[Any] = (),
               same: Any = None, deadline: float | None = None,
               weights: Mapping[str, float] | None = None) -> ValueResult:
        """The most probable program found within the budget (its Python in ``program``), under
        the grammar's ``weights`` (uniform for a name not given)."""
        start = time.perf_counter()
        result = ValueResult()
        dsl = self.dsl(task.domain or "")
        if dsl is None:
            if self.fallback is not None:
                return self.fallback.search(task, components, preludes=preludes, same=same, deadline=deadline,
                                            weights=weights)
            result.stopped = "no-dsl"
            return result
        end = min(deadline or float("inf"), start + self.seconds)
        seconds = end - time.perf_counter() - 0.2
        if seconds <= 0:
            result.stopped = "time"
            return result
        requires = tuple(getattr(dsl, "REQUIRES", ()))
        mine = [*(_prelude(n) for n in (*ENGINE_MODULES, *requires)), Prelude.of(dsl), _prelude(ENGINE_LAST)]
        names = {p.name for p in mine}
        extra = [p for p in preludes if isinstance(p, Prelude) and p.name not in names]
        job = self.job(task, seconds, dsl.__name__, components, weights)
        # The entry's globals hold the preludes' public functions: the library's among them.
        codes = [f"def entry(job):\n    return run_job(dict(job, first_order={k % 2 == 1}), globals())\n"
                 for k in range(self.workers)]
        full = [k for k in range(self.workers) if k % 2 == 0]

        def found(results: list[Any]) -> bool:
            # A full-grammar worker enumerates every program in cost order, the first-order
            # ones included: once it has one, no other worker can return a more probable one.
            # Not so for a split made at the deadline: the other worker, deeper in its levels,
            # is about to return its own, and the cheaper wins.
            return any(results[k] is not None and results[k][0].status is Status.OK
                       and isinstance(results[k][0].value, dict) and results[k][0].value.get("python")
                       and results[k][0].value.get("stopped") == "solved" for k in full)

        outcomes = self.sandbox().run(codes, [[job]], entries="entry", preludes=[*mine, *extra], stop_when=found)
        best: dict[str, Any] | None = None
        verdicts = []
        for (out,) in outcomes:
            if out.status is Status.STOPPED:
                result.workers.append({"status": "stopped", "message": out.message})
                continue
            if out.status is not Status.OK or not isinstance(out.value, dict):
                verdicts.append(out.status.name.lower())
                result.workers.append({"status": out.status.name.lower(), "message": out.message})
                continue
            info = out.value
            result.workers.append(info)
            result.evaluated += int(info.get("evaluated", 0))
            result.stored += int(info.get("stored", 0))
            result.sizes_done = max(result.sizes_done, int(info.get("level", 0)))
            verdicts.append(str(info.get("stopped", "")))
            if info.get("python") and (best is None or info["cost"] < best["cost"]):
                best = info
        if best is not None:
            result.program, result.sexpr, result.cost = best["python"], best["sexpr"], best["cost"]
            result.readings = list(best.get("readings") or [])
            result.readings_complete = bool(best.get("readings_complete"))
            result.readings_seconds = float(best.get("readings_seconds") or 0.0)
            result.stopped = "solved"
        else:
            # A worker's verdict (timeout, memory...) when one ended that way, else why they stopped.
            bad = [v for v in verdicts if v in ("timeout", "memory", "error", "forbidden", "output", "program")]
            result.stopped = bad[0] if bad else (verdicts[0] if verdicts else "none")
        result.seconds = time.perf_counter() - start
        return result
