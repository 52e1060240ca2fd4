"""The probabilistic grammar the value search enumerates in, fitted to the library's corpus.

A weight per primitive and library function (1 each until fitted): the search's cost of a
choice is -log2 of its weight over the total weight of the choices that give the requested
type (:class:`inductor.dsl.bottomup.Grammar`). Fitting is DreamCoder's unigram estimate:
smoothed counts of each name in the corpus of solutions, rewritten with the learned
abstractions where they are (a call of an abstraction counts once, not its body's
primitives), scaled so that the mean weight stays 1 (variables and constants keep their
share). Learned abstractions become cheap to enumerate, unused primitives sink.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def usage_counts(programs: Iterable[str], names: Iterable[str]) -> Counter[str]:
    """How often each of ``names`` occurs in the s-expressions ``programs`` (every name appears, 0 if unused)."""
    known = set(names)
    counts: Counter[str] = Counter({n: 0 for n in known})
    for text in programs:
        counts.update(t for t in _TOKEN.findall(text) if t in known)
    return counts


def fit_weights(programs: Iterable[str], names: Iterable[str], pseudocount: float = 1.0) -> dict[str, float]:
    """Each name's weight: its count in ``programs`` plus ``pseudocount``, over the mean of those
    (a corpus that uses every name alike gives 1 each). Empty without a program."""
    programs = list(programs)
    counts = usage_counts(programs, names)
    if not programs or not counts:
        return {}
    smoothed = {n: c + pseudocount for n, c in counts.items()}
    mean = sum(smoothed.values()) / len(smoothed)
    return {n: v / mean for n, v in smoothed.items()} if mean > 0 else {}


@dataclass
class Fitted:
    """The weights fitted for one domain and what they were fitted to."""

    domain: str
    weights: dict[str, float] = field(default_factory=dict)
    uses: dict[str, int] = field(default_factory=dict)
    programs: int = 0

    def top(self, n: int = 10) -> list[tuple[str, float]]:
        return sorted(self.weights.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def rescore(readings: Sequence[Mapping[str, Any]], fitted: Fitted, counted_under: Mapping[str, float],
            pseudocount: float = 1.0) -> list[float]:
    """Each reading's cost in bits (``readings[k]["cost"]``, counted under the weights
    ``counted_under``, 1 for a name not there) again under ``fitted``, whose counts include the
    first reading's program: that program's own uses are taken out, so a task does not vote for
    its own reading. A name's cost changes by log2 of its old weight over its new one."""
    own = usage_counts([str(readings[0]["sexpr"])], fitted.weights) if readings else Counter()

    def weight(name: str) -> float:
        count = fitted.uses.get(name, 0)
        w = fitted.weights.get(name, 1.0)
        return w * max(count - own.get(name, 0) + pseudocount, 1e-9) / (count + pseudocount)

    out = []
    for r in readings:
        uses = usage_counts([str(r["sexpr"])], fitted.weights)
        out.append(float(r["cost"]) + sum(c * (math.log2(counted_under.get(n, 1.0)) - math.log2(weight(n)))
                                          for n, c in uses.items() if c))
    return out


def learn_weights(library: Any, domain: str, dsl: Any, pseudocount: float = 1.0) -> Fitted:
    """Fit ``domain``'s weights to its stored solutions (rewritten where they are) over the
    DSL's primitives and the library's functions, and store them with the library."""
    names = [p.name for p in dsl.PRIMITIVES] + sorted(library.names(domain))
    programs = [s.rewritten or s.sexpr for s in library.solutions(domain)]
    weights = fit_weights(programs, names, pseudocount)
    uses = dict(usage_counts(programs, names))
    if weights:
        library.set_weights(domain, weights, uses)
    return Fitted(domain, weights, uses, len(programs))
