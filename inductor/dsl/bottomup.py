"""Bottom-up enumeration by value, in order of cost (minus log probability under a grammar).

Terms are built level by level of integer cost (:data:`UNIT` per bit): an instance of a
primitive (its type variables bound to concrete types) of cost ``k`` applied to children whose
costs add up to ``c - k``, all of them already in the bank. Every new term is evaluated at once
on the train inputs by calling the primitive's implementation on the children's values, one
``map`` over the examples (nothing is compiled per term). Values inside the engine are
immutable (lists are tuples), so a term's values are a hashable tuple: one whose values equal
those of a term already kept for its type is dropped (observational equivalence), and since
levels rise the kept one is the cheaper. The first term whose values are the expected outputs
is the most probable program that fits.

Costs follow a probabilistic grammar conditioned on the requested type, as DreamCoder's: the
probability of a primitive returning ``T`` is its weight over the weights of everything that
can return ``T`` (primitives, the task's variables, constants). Weights are 1 until the library
learns them.

Lambdas are handled as in LambdaBeam: for each tuple of parameter types a separate bank
enumerates lambda bodies bottom-up (first order: no nested lambdas) as values over sampled
bindings of the parameters (values of their types found in the examples, each with its
example's task arguments); bodies equal on every binding are one. A body used by a
higher-order primitive becomes a closure over its node, built once.

A primitive that raises gives no value; ints, strings and lists are bounded; the bank is
bounded by the memory the process may add. Runs inside a sandbox worker through
:func:`run_job`; the caller also enforces the deadline from outside.

One module, past 500 lines, on purpose: it is sent into every sandbox worker as the source of
one prelude beside :mod:`inductor.dsl.core` (the worker imports nothing of inductor's), and its
inner loop is the search's hot path.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import resource
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from inductor.dsl.core import (
    BOOL,
    INT,
    STR,
    Primitive,
    Term,
    Type,
    closure,
    freeze,
    has_vars,
    list_of,
    match,
    parse,
    parse_type,
    program,
    sexpr,
    subst,
    thaw,
    type_text,
)

__all__ = ["Bounds", "Const", "Engine", "Grammar", "example_constants", "node_names", "relabel_job", "run_job"]

#: Costs are integers in these units per bit of -log2 probability.
UNIT = 4
#: Clock (and memory) checks: one per this many evaluations.
CHECK_EVERY = 256
#: Highest cost level tried.
MAX_COST = 600
#: Deepest type built (list[list[int]] is 3).
MAX_TYPE_DEPTH = 3
#: Conditional splits are looked for only on tasks with at most this many train examples
#: (the cover of each subset of the examples is tabulated).
SPLIT_MAX_EXAMPLES = 10
#: A split's condition counts when at most this share of the divisions of the examples is
#: matched by a condition as cheap (``[search] split_chance`` sends the value a run uses).
SPLIT_CHANCE = 0.1
#: Once a split is held, at most this share of a job's seconds (and at most its
#: ``ambiguity_seconds``) is kept back from the enumeration to look for the split's other readings.
SPLIT_RESERVE_SHARE = 0.2
#: The other readings' outputs on the probes are returned up to this size (repr), else left out.
READINGS_MAX_CHARS = 200_000


def is_fn(t: Type) -> bool:
    return isinstance(t, tuple) and t[0] == "fn"


def type_depth(t: Type) -> int:
    if isinstance(t, tuple):
        if t[0] == "list":
            return 1 + type_depth(t[1])
        return max([type_depth(a) for a in t[1]] + [type_depth(t[2])])
    return 1


def engine_type(v: Any, aliases: dict[Type, Type] | None = None) -> Type | None:
    """The type of one engine value (tuples are lists; an empty one is a list of ints)."""
    t = type(v)
    if t is bool:
        return BOOL
    if t is int:
        return INT
    if t is str:
        return STR
    if t is tuple:
        inner = engine_type(v[0], aliases) if v else INT
        if inner is None:
            return None
        lt = list_of(inner)
        return aliases.get(lt, lt) if aliases else lt
    return None


def column_type(values: Sequence[Any], aliases: dict[Type, Type] | None = None) -> Type | None:
    """The type of a column of engine values; empty lists take theirs from the others."""
    types = [engine_type(v, aliases) for v in values]
    if not types or any(t is None for t in types):
        return None
    nonempty = [t for t, v in zip(types, values) if not (type(v) is tuple and not v)]
    return nonempty[0] if nonempty else types[0]


def _units(p: float) -> int:
    return max(1, round(-math.log2(p) * UNIT))


class Grammar:
    """Weights per primitive (1 each until the library learns them), for variables and constants.

    :meth:`cost` of a choice is -log2 of its weight over the total weight of the choices that
    can produce the requested type, in :data:`UNIT` per bit.
    """

    def __init__(self, prims: Sequence[Primitive], weights: dict[str, float] | None = None,
                 var_weight: float = 1.0, const_weight: float = 1.0) -> None:
        weights = weights or {}
        self.prims = list(prims)
        self.weight = {p.name: max(1e-6, float(weights.get(p.name, 1.0))) for p in prims}
        self.var_weight, self.const_weight = var_weight, const_weight
        self._totals: dict[Type, float] = {}

    def total(self, t: Type, n_vars: int, n_consts: int) -> float:
        key = (t, n_vars > 0, n_consts > 0)
        if key not in self._totals:
            z = sum(w for p in self.prims if match(p.returns, t, {}) is not None for w in (self.weight[p.name],))
            z += self.var_weight * (n_vars > 0) + self.const_weight * (n_consts > 0)
            self._totals[key] = max(z, 1e-9)
        return self._totals[key]


class Const:
    """A constant leaf with its weight in the grammar (plain values weigh 1)."""

    __slots__ = ("value", "weight")

    def __init__(self, value: Any, weight: float = 1.0) -> None:
        self.value, self.weight = value, weight

    def __repr__(self) -> str:
        return f"Const({self.value!r}, {self.weight:g})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Const) and (self.value, self.weight) == (other.value, other.weight)

    def __hash__(self) -> int:
        return hash(repr(self.value))


class Bounds:
    """Largest values kept: a term whose value is bigger gives no value."""

    def __init__(self, max_len: int = 100, max_int: int = 10**9, max_str: int = 400) -> None:
        self.max_len, self.max_int, self.max_str = max_len, max_int, max_str

    def ok(self, v: Any) -> bool:
        t = type(v)
        if t is int:
            return -self.max_int <= v <= self.max_int
        if t is bool:
            return True
        if t is tuple or t is list:
            if len(v) > self.max_len:
                return False
            return all(self.ok(x) for x in v)
        if t is str:
            return len(v) <= self.max_str
        return False


class _Stop(Exception):
    """The deadline passed."""


# A node is a tuple: ("v", name, T) a task variable, ("c", value, T) a constant, ("a", k, T)
# the lambda parameter $k, ("p", name, children, T) an application, ("l", n, body, T) a lambda.
# An entry of a bank is a list [values, node, cache]: cache holds a lambda's bound closures.


class Space:
    """A bank of terms with their values over a set of environments (the train examples for
    the main bank; parameter bindings for a lambda bank), grown level by level.

    ``arity`` is 0 for the main bank, else the number of parameters of the lambdas whose
    bodies this bank holds.
    """

    def __init__(self, engine: Engine, envs: list[tuple[Any, ...]],
                 leaves: list[tuple[str, Any, Type, Any, float]], arity: int = 0) -> None:
        self.engine = engine
        self.envs = envs  # the task arguments of each environment
        self.arity = arity
        self.entries: dict[Type, dict[int, list[list[Any]]]] = {}
        self.seen: dict[Type, set[Any]] = {}
        self.level = 0
        self.instances: list[tuple[Primitive, tuple[Type, ...], Type, int]] = []
        self._types_at_instances: frozenset[Type] | None = None
        self._lambda_columns: dict[tuple[Any, ...], list[list[Any]]] = {}
        self._lambda_sources: dict[Type, tuple[int, dict[int, list[list[Any]]]]] = {}
        g = engine.grammar
        # Variables share the grammar's variable weight equally, constants its constant weight
        # in proportion to their own weights.
        n_vars: dict[Type, int] = {}
        n_consts: dict[Type, int] = {}
        w_consts: dict[Type, float] = {}
        for kind, _, t, _, w in leaves:
            if kind == "c":
                n_consts[t] = n_consts.get(t, 0) + 1
                w_consts[t] = w_consts.get(t, 0.0) + w
            else:
                n_vars[t] = n_vars.get(t, 0) + 1
        self.n_vars, self.n_consts = n_vars, n_consts
        self.pending: dict[int, list[tuple[tuple[Any, ...], Any]]] = {}
        for kind, head, t, values, w in leaves:
            z = g.total(t, n_vars.get(t, 0), n_consts.get(t, 0))
            share = g.const_weight * w / w_consts[t] if kind == "c" else g.var_weight / n_vars[t]
            self.pending.setdefault(_units(share / z), []).append((values, (kind, head, t)))
        self.min_cost = min(self.pending) if self.pending else 1

    def __len__(self) -> int:
        return sum(len(s) for s in self.seen.values())

    def add(self, t: Type, cost: int, values: tuple[Any, ...], node: Any) -> bool:
        """Keep ``node`` unless a term of type ``t`` with the same values is kept."""
        seen = self.seen.get(t)
        if seen is None:
            seen = self.seen[t] = set()
        try:
            if values in seen:
                return False
        except TypeError:  # an unhashable value: outside the engine's value forms
            return False
        if self.engine.full:
            return False
        seen.add(values)
        self.entries.setdefault(t, {}).setdefault(cost, []).append([values, node, None])
        self.engine.stored += 1
        return True

    def refresh_instances(self) -> None:
        """Instances of the primitives for the types this bank holds (recomputed as types appear)."""
        if self._types_at_instances is not None and len(self._types_at_instances) == len(self.entries):
            return
        types = frozenset(self.entries)
        self._types_at_instances = types
        e = self.engine
        universe = set(types) | {INT, BOOL}
        if e.out_type is not None:
            universe.add(e.out_type)
        g = e.grammar
        self.instances = []
        for prim, params, ret in e.instance_types(frozenset(t for t in universe if type_depth(t) <= MAX_TYPE_DEPTH),
                                                  first_order=self.arity > 0):
            z = g.total(ret, self.n_vars.get(ret, 0), self.n_consts.get(ret, 0))
            self.instances.append((prim, params, ret, _units(g.weight[prim.name] / z)))

    def grow(self, level: int) -> None:
        """Fill this bank up to ``level`` (lambda banks grow on demand)."""
        while self.level < level:
            self.level += 1
            for _ in self.step(self.level):
                pass

    def step(self, level: int) -> Any:
        """Add the terms of cost ``level``, yielding (type, values, node) of each new behaviour
        (also when the bank is full and keeps it no more, so the target is still recognised)."""
        for values, node in self.pending.pop(level, ()):
            if self.add(node[2], level, values, node):
                yield node[2], values, node
        self.refresh_instances()
        e = self.engine
        max_int, max_len = e.bounds.max_int, e.bounds.max_len
        min_cost = self.min_cost
        count = 0
        # The loops below are the engine's hot path: one per arity, with the bank's
        # bookkeeping written out (no call per candidate but the primitive's own).
        for prim, params, ret, k in self.instances:
            rest = level - k
            n = len(params)
            if rest < n * min_cost:
                continue
            if n == 1 and rest not in self.entries.get(params[0], ()) and not is_fn(params[0]):
                continue
            sources = self._sources(params, rest)
            if sources is None:
                continue
            fn, name = prim.fn, prim.name
            check_int = ret == INT
            check_len = ret == STR or (isinstance(ret, tuple) and ret[0] == "list")
            seen = self.seen.setdefault(ret, set())
            bucket = None  # made at the first term kept: a type enters the bank with a term
            if n == 1:
                for x in sources[0].get(rest, ()):
                    count += 1
                    if count >= CHECK_EVERY:
                        e.check(count)
                        count = 0
                    try:
                        values = tuple(map(fn, x[0]))
                        if check_int:
                            if max(values) > max_int or min(values) < -max_int:
                                continue
                        elif check_len and max(map(len, values)) > max_len:
                            continue
                        size = len(seen)
                        seen.add(values)  # one hash for the test and the insertion
                        if len(seen) == size:
                            continue
                    except Exception:
                        continue
                    node = ("p", name, (x[1],), ret)
                    if e.full:
                        seen.discard(values)  # full: recognised (the target), not kept
                    else:
                        if bucket is None:
                            bucket = self.entries.setdefault(ret, {}).setdefault(level, [])
                        bucket.append([values, node, None])
                        e.stored += 1
                    yield ret, values, node
            elif n == 2:
                a, b = sources
                for ca, ea in list(a.items()):
                    eb = b.get(rest - ca)
                    if not eb:
                        continue
                    for x in ea:
                        vx, nx = x[0], x[1]
                        for y in eb:
                            count += 1
                            if count >= CHECK_EVERY:
                                e.check(count)
                                count = 0
                            try:
                                values = tuple(map(fn, vx, y[0]))
                                if check_int:
                                    if max(values) > max_int or min(values) < -max_int:
                                        continue
                                elif check_len and max(map(len, values)) > max_len:
                                    continue
                                size = len(seen)
                                seen.add(values)
                                if len(seen) == size:
                                    continue
                            except Exception:
                                continue
                            node = ("p", name, (nx, y[1]), ret)
                            if e.full:
                                seen.discard(values)
                            else:
                                if bucket is None:
                                    bucket = self.entries.setdefault(ret, {}).setdefault(level, [])
                                bucket.append([values, node, None])
                                e.stored += 1
                            yield ret, values, node
            else:
                for ch in _combos(sources, rest):
                    count += 1
                    if count >= CHECK_EVERY:
                        e.check(count)
                        count = 0
                    try:
                        values = tuple(map(fn, *[c[0] for c in ch]))
                        if check_int:
                            if max(values) > max_int or min(values) < -max_int:
                                continue
                        elif check_len and max(map(len, values)) > max_len:
                            continue
                        size = len(seen)
                        seen.add(values)  # one hash for the test and the insertion
                        if len(seen) == size:
                            continue
                    except Exception:
                        continue
                    node = ("p", name, tuple(c[1] for c in ch), ret)
                    if e.full:
                        seen.discard(values)  # full: recognised (the target), not kept
                    else:
                        if bucket is None:
                            bucket = self.entries.setdefault(ret, {}).setdefault(level, [])
                        bucket.append([values, node, None])
                        e.stored += 1
                    yield ret, values, node
        e.evaluated += count

    def _sources(self, params: tuple[Type, ...], rest: int) -> list[dict[int, list[list[Any]]]] | None:
        """Per parameter, the entries by cost that may fill it; None when one has none."""
        sources = []
        for p in params:
            if is_fn(p):
                if any(has_vars(a) for a in p[1]):
                    return None
                space = self.engine.lambda_space(p[1])
                space.grow(rest - (len(params) - 1) * self.min_cost)
                by_cost = space.entries.get(p[2])
                if not by_cost:
                    return None
                # Rebuilt only when the lambda bank has grown since (sizes by cost tell).
                size = len(space.seen.get(p[2], ()))
                cached = self._lambda_sources.get(p)
                if cached is None or cached[0] != size:
                    cached = self._lambda_sources[p] = (
                        size, {c: self._as_lambdas(space, p, c, es) for c, es in by_cost.items()})
                sources.append(cached[1])
            else:
                by_cost = self.entries.get(p)
                if not by_cost:
                    return None
                sources.append(by_cost)
        return sources

    def _as_lambdas(self, space: Space, p: Type, cost: int, entries: list[list[Any]]) -> list[list[Any]]:
        """Entries of a lambda bank as [closures bound to this bank's environments, lambda node]."""
        key = (p, cost)
        done = self._lambda_columns.get(key)
        if done is None:
            done = self._lambda_columns[key] = []
        if len(done) < len(entries):
            engine = self.engine
            n = space.arity
            for entry in entries[len(done):]:
                done.append([_bind(engine.closure(entry[1]), self.envs, n), ("l", n, entry[1], p)])
        return done


def _bind(body: Callable[[tuple[Any, ...]], Any], envs: list[tuple[Any, ...]], n: int) -> tuple[Any, ...]:
    """``body`` as one function of the lambda's parameters per environment."""

    def one(a: tuple[Any, ...]) -> Callable[[Any], Any]:
        return lambda v: body((a, v))

    def many(a: tuple[Any, ...]) -> Callable[..., Any]:
        return lambda *vs: body((a, *vs))

    make = one if n == 1 else many
    return tuple(make(a) for a in envs)


def _combos(sources: list[dict[int, list[list[Any]]]], rest: int) -> Any:
    """Tuples of entries, one per source, whose costs add up to ``rest`` (three or more
    parameters: :meth:`Space.step` writes out the loops for one and two)."""
    costs = [sorted(s) for s in sources]
    for split in _splits(costs, rest):
        yield from itertools.product(*[sources[i][c] for i, c in enumerate(split)])


def _splits(costs: list[list[int]], rest: int) -> Any:
    """Choices of one cost per list adding up to ``rest``."""
    if len(costs) == 1:
        if rest in costs[0]:
            yield (rest,)
        return
    for c in costs[0]:
        if c >= rest:
            break
        for more in _splits(costs[1:], rest - c):
            yield (c, *more)


def _bindings(prim: Primitive, universe: list[Type]) -> Any:
    """Bindings of ``prim``'s type variables to types of ``universe`` (value parameters first,
    then the variables only function types and the return type mention)."""
    names: list[str] = []

    def collect(t: Type) -> None:
        if isinstance(t, tuple):
            for part in (t[1:] if t[0] == "list" else (*t[1], t[2])):
                collect(part)
        elif t in ("t0", "t1", "t2") and t not in names:
            names.append(t)

    value_params = [p for p in prim.params if not is_fn(p)]

    def walk(i: int, binding: dict[str, Type]) -> Any:
        if i == len(value_params):
            rest: list[str] = []
            for p in (*prim.params, prim.returns):
                collect(p)
            rest = [n for n in names if n not in binding]
            for combo in itertools.product(universe, repeat=len(rest)):
                yield {**binding, **dict(zip(rest, combo))}
            return
        p = value_params[i]
        if not has_vars(subst(p, binding)):
            yield from walk(i + 1, binding)
            return
        for t in universe:
            b = match(p, t, binding)
            if b is not None:
                yield from walk(i + 1, b)

    yield from walk(0, {})


class Engine:
    """One task's enumeration. ``clock`` is read once per :data:`CHECK_EVERY` evaluations.

    ``inputs`` are the examples' argument tuples and ``outputs`` their outputs, as plain Python
    values (lists); the engine works on their frozen forms.
    """

    def __init__(self, prims: Sequence[Primitive], params: Sequence[str], inputs: Sequence[Sequence[Any]],
                 outputs: Sequence[Any], *, param_types: Sequence[Type | None] | None = None,
                 weights: dict[str, float] | None = None, constants: Sequence[Any] = (),
                 first_order: bool = False, clock: Callable[[], float] = time.monotonic,
                 deadline: float = math.inf, bounds: Bounds | None = None, memory_mb: float = math.inf,
                 aliases: dict[Type, Type] | None = None, lambda_envs: int = 8, split_examples: int = 0,
                 split_chance: float = SPLIT_CHANCE, probes: Sequence[Sequence[Any]] = (),
                 split_reserve: float = 0.0) -> None:
        self.prims = [p for p in prims if not (first_order and p.higher_order)]
        self.by_name = {p.name: p for p in prims}
        self.params = list(params)
        self.aliases = aliases or {}
        self.outputs = tuple(freeze(o) for o in outputs)
        #: Inputs without outputs (a task's test inputs) evaluated after the train ones: terms
        #: that agree on train but not on them are kept apart, so the readings of the train
        #: examples that they tell apart all survive (see :meth:`readings`).
        self.n_probes = len(probes)
        self.inputs = [tuple(freeze(v) for v in a) for a in [*inputs, *probes]]
        self.out_type = column_type(self.outputs, self.aliases)
        # The full grammar's costs even when only its first-order part is enumerated, so that
        # costs compare across workers.
        self.grammar = Grammar(prims, weights)
        self.clock, self.deadline = clock, deadline
        longest = max([len(v) for a in self.inputs for v in a if type(v) in (tuple, str)]
                      + [len(o) for o in self.outputs if type(o) in (tuple, str)] + [10])
        self.bounds = bounds or Bounds(max_len=max(30, 3 * longest), max_str=max(100, 3 * longest))
        self.memory_mb = memory_mb
        self._rss0 = _rss_mb()
        self.full = False
        self.evaluated = 0
        self.stored = 0
        self.level = 0
        self.stopped = ""
        self.found: Term | None = None
        self.lambda_envs = lambda_envs
        types = list(param_types or [None] * len(self.params))
        self.param_types = [self.aliases.get(t, t) if t is not None else
                            column_type([a[i] for a in self.inputs], self.aliases) for i, t in enumerate(types)]
        weighted: dict[str, Const] = {}  # one per value, the heaviest
        for c in constants:
            c = Const(freeze(c.value), c.weight) if isinstance(c, Const) else Const(freeze(c))
            old = weighted.get(repr(c.value))
            if engine_type(c.value, self.aliases) is not None and (old is None or old.weight < c.weight):
                weighted[repr(c.value)] = c
        self.constants = list(weighted.values())
        self._instance_types: dict[tuple[frozenset[Type], bool], list[tuple[Primitive, tuple[Type, ...], Type]]] = {}
        self.bank = Space(self, list(self.inputs), self._leaves(self.inputs))
        self.lambdas: dict[tuple[Type, ...], Space] = {}
        #: Conditional splits (see :meth:`update_split`): each branch must fit at least this
        #: many train examples; 0 turns them off.
        self.split_examples = split_examples
        #: ... and its condition must be one that few partitions of the examples share: at most
        #: this share of the partitions is matched by a condition as cheap (see update_split).
        self.split_chance = split_chance
        self.split: tuple[int, Any] | None = None  # the cheapest split so far: (cost, node)
        #: The costs of its condition and of its two branches.
        self.split_parts: tuple[int, int, int] = (0, 0, 0)
        #: Once a split is held, the enumeration ends this long before the deadline: the time
        #: to look for the split's other readings (a split is the likeliest coincidence).
        self.split_reserve = split_reserve
        self._covers: dict[int, tuple[int, Any]] = {}  # examples fitted (a bit mask): cheapest term
        self._conditions: dict[int, tuple[int, Any]] = {}  # examples where true: cheapest bool term

    def instance_types(self, universe: frozenset[Type], first_order: bool = False
                       ) -> list[tuple[Primitive, tuple[Type, ...], Type]]:
        """The primitives' monomorphic instances over the types of ``universe``: (primitive,
        parameter types, return type), higher-order ones left out when ``first_order`` (lambda
        bodies). Kept per universe: the banks recompute their instances each time a type
        enters them, mostly over a universe seen before (measured: 17 times over 2 universes
        on an easy list task, three quarters of its search)."""
        key = (universe, first_order)
        done = self._instance_types.get(key)
        if done is not None:
            return done
        seen = set()
        done = self._instance_types[key] = []
        ordered = sorted(universe, key=repr)
        for prim in self.prims:
            if prim.higher_order and first_order:
                continue
            for binding in _bindings(prim, ordered):
                params = tuple(subst(p, binding) for p in prim.params)
                ret = subst(prim.returns, binding)
                if has_vars(ret) or any(has_vars(p) for p in params) or type_depth(ret) > MAX_TYPE_DEPTH:
                    continue
                if (prim.name, params) not in seen:
                    seen.add((prim.name, params))
                    done.append((prim, params, ret))
        return done

    def _leaves(self, envs: Sequence[tuple[Any, ...]], extra: Sequence[tuple[int, Type, tuple[Any, ...]]] = ()
                ) -> list[tuple[str, Any, Type, tuple[Any, ...], float]]:
        out: list[tuple[str, Any, Type, tuple[Any, ...], float]] = []
        for k, t, values in extra:
            out.append(("a", k, t, values, 1.0))
        for i, (p, t) in enumerate(zip(self.params, self.param_types)):
            if t is not None:
                out.append(("v", p, t, tuple(a[i] for a in envs), 1.0))
        for c in self.constants:
            out.append(("c", c.value, engine_type(c.value, self.aliases), tuple(c.value for _ in envs), c.weight))
        return out

    # --- the search --------------------------------------------------------------------------

    def run(self) -> Term | None:
        """Enumerate until a term fits, the clock passes the deadline or the levels run out."""
        target_t, target = self.out_type, self.outputs
        if target_t is None:
            self.stopped = "untyped"
            return None
        n = len(target)
        try:
            for level in range(1, MAX_COST + 1):
                self.level = level
                self.bank.level = level
                for t, values, node in self.bank.step(level):
                    if t == target_t and (values[:n] if self.n_probes else values) == target:
                        self.found = self.term(node, level)
                        self.stopped = "solved"
                        return self.found
                self.update_split(level)
                if self.split is not None and self.split[0] <= level:
                    return self._take_split()
        except _Stop:
            return self._take_split() if self.split is not None else None
        self.stopped = "levels"
        return self._take_split() if self.split is not None else None

    # --- conditionals by unification ---------------------------------------------------------

    def _if_cost(self) -> int | None:
        """The cost of the DSL's ``if`` (bool, T, T) -> T at the output type, None without one."""
        t = self.out_type
        for prim, params, ret, k in self.bank.instances:
            if prim.name == "if" and ret == t and params == (BOOL, t, t):
                return k
        return None

    def update_split(self, level: int) -> None:
        """Look for ``(if c a b)`` made of kept terms: ``a`` fits the examples where ``c`` holds,
        ``b`` the others, each side at least :attr:`split_examples` of them (as EUSolver's
        unification of partial solutions). A split is a program like any other, of cost
        ``if + c + a + b``: :meth:`run` returns it once the levels reach that cost, or at the
        deadline when nothing fits before (then it lies beyond the levels enumerated).

        With a few examples nearly every way of dividing them is matched by some cheap
        condition, so a condition is evidence only when few are: it is used only if the
        partitions matched by conditions at most as costly are at most :attr:`split_chance`
        of those possible (the chance that a division of the examples at random would be
        matched as cheaply). Measured on List Functions' 5 train examples the conditions of
        coincidental splits match 40-50% of the partitions; SyGuS's pattern tests 1-4%."""
        n = len(self.outputs)
        k = self.split_examples
        if not k or n < 2 * k or n > SPLIT_MAX_EXAMPLES or self.out_type is None or self.n_probes:
            return
        k_if = self._if_cost()
        if k_if is None:
            return
        target, full = self.outputs, (1 << n) - 1
        covers, conditions = self._covers, self._conditions
        new = False
        for values, node, _ in self.bank.entries.get(self.out_type, {}).get(level, ()):
            if sum(map(operator.eq, values, target)) >= k:
                mask = sum(1 << i for i, (v, o) in enumerate(zip(values, target)) if v == o)
                if mask not in covers:
                    covers[mask] = (level, node)
                    new = True
        for values, node, _ in self.bank.entries.get(BOOL, {}).get(level, ()):
            mask = sum(1 << i for i, v in enumerate(values) if v is True)
            if mask not in conditions and k <= mask.bit_count() <= n - k:
                conditions[mask] = (level, node)
                new = True
        if not new or not covers or not conditions:
            return
        # The cheapest term fitting at least the examples of each mask (a superset's term).
        best: list[tuple[int, Any] | None] = [None] * (full + 1)
        for mask, entry in covers.items():
            best[mask] = entry
        for i in range(n):
            bit = 1 << i
            for mask in range(full + 1):
                if not mask & bit:
                    up = best[mask | bit]
                    if up is not None and (best[mask] is None or up[0] < best[mask][0]):  # type: ignore[index]
                        best[mask] = up
        possible = sum(math.comb(n, j) for j in range(k, n - k + 1))
        costs = sorted(c for c, _ in conditions.values())
        for mask, (c_cost, c_node) in conditions.items():
            if bisect.bisect_right(costs, c_cost) > self.split_chance * possible:
                continue
            yes, no = best[mask], best[full & ~mask]
            if yes is None or no is None:
                continue
            cost = k_if + c_cost + yes[0] + no[0]
            if self.split is None or cost < self.split[0]:
                if self.split is None:
                    self.deadline -= self.split_reserve
                self.split = (cost, ("p", "if", (c_node, yes[1], no[1]), self.out_type))
                self.split_parts = (c_cost, yes[0], no[0])

    def _take_split(self) -> Term:
        assert self.split is not None
        cost, node = self.split
        self.found = self.term(node, cost)
        self.stopped = "split"
        return self.found

    def readings(self, until: int, limit: int = 4) -> tuple[list[tuple[int, Any, tuple[Any, ...]]], bool]:
        """The programs that fit the train examples, up to cost ``until``, each with its own
        values on the probes (``probes``: one program per behaviour there, the cheapest),
        cheapest first, at most ``limit``; and whether the levels up to ``until`` were all
        enumerated (False when the deadline came first)."""
        if self.out_type is None:
            return [], True
        n = len(self.outputs)
        (found,), complete = self.matching(until, [(self.out_type, tuple(range(n)), tuple(self.outputs))], limit)
        return found, complete

    def matching(self, until: int, wants: Sequence[tuple[Type, Sequence[int], Sequence[Any]]],
                 limit: int = 4) -> tuple[list[list[tuple[int, Any, tuple[Any, ...]]]], bool]:
        """Per want ``(type, train example indices, the values wanted there)``, the terms up to
        cost ``until`` with those values on those examples, cheapest first, at most ``limit``
        each: ``(cost, node, values on the probes)``; and whether the levels up to ``until``
        were all enumerated (also True when every want has its ``limit``)."""
        n = len(self.outputs)
        found: list[list[tuple[int, Any, tuple[Any, ...]]]] = [[] for _ in wants]
        types = {t for t, _, _ in wants}
        try:
            for level in range(1, min(until, MAX_COST) + 1):
                self.level = self.bank.level = level
                for t, values, node in self.bank.step(level):
                    if t not in types:
                        continue
                    for k, (want_t, where, wanted) in enumerate(wants):
                        if (t == want_t and len(found[k]) < limit
                                and all(values[i] == v for i, v in zip(where, wanted))):
                            found[k].append((level, node, values[n:]))
                            if all(len(f) >= limit for f in found):
                                return found, True
        except _Stop:
            return found, False
        return found, True

    def check(self, count: int) -> None:
        """Count ``count`` evaluations; stop at the deadline, fill the bank at the memory bound."""
        self.evaluated += count
        if self.clock() >= self.deadline:
            self.stopped = "time"
            raise _Stop
        if not self.full and _rss_mb() - self._rss0 > self.memory_mb:
            self.full = True

    # --- lambdas -----------------------------------------------------------------------------

    def lambda_space(self, arg_types: tuple[Type, ...]) -> Space:
        space = self.lambdas.get(arg_types)
        if space is None:
            envs: list[tuple[Any, ...]] = []
            bindings: list[tuple[Any, ...]] = []  # the parameters' values in each environment
            for inputs in self.inputs:
                pools = [_samples(inputs, t, self.lambda_envs, self.aliases) for t in arg_types]
                combos = list(itertools.product(*pools))
                step = max(1, len(combos) // self.lambda_envs)
                for combo in combos[::step][: self.lambda_envs]:
                    envs.append(inputs)
                    bindings.append(combo)
            n = len(arg_types)
            extra = [(n - 1 - i, t, tuple(b[i] for b in bindings)) for i, t in enumerate(arg_types)]
            space = self.lambdas[arg_types] = Space(self, envs, self._leaves(envs, extra), arity=n)
        return space

    def closure(self, node: Any) -> Callable[[tuple[Any, ...]], Any]:
        """``node`` as a function of an environment ``(task arguments, parameter, ...)`` ($0 last)."""
        return closure(self.term(node), self.by_name, self.params)

    # --- results -----------------------------------------------------------------------------

    def term(self, node: Any, cost: int = 0) -> Term:
        """The :class:`Term` of a node (constants thawed to plain lists)."""
        kind = node[0]
        if kind == "v":
            return Term("var", node[1], (), node[2], cost)
        if kind == "a":
            return Term("arg", node[1], (), node[2], cost)
        if kind == "c":
            return Term("const", thaw(node[1]), (), node[2], cost)
        if kind == "l":
            body = self.term(node[2])
            return Term("lam", node[1], (body,), node[3], cost)
        return Term("prim", node[1], tuple(self.term(c) for c in node[2]), node[3], cost)

    def terms(self) -> list[Term]:
        """Every term the main bank keeps (for tests and reports)."""
        return [self.term(e[1], c) for by_cost in self.bank.entries.values() for c, es in by_cost.items() for e in es]


def _samples(inputs: tuple[Any, ...], t: Type, limit: int, aliases: dict[Type, Type]) -> list[Any]:
    """Values of type ``t`` found in ``inputs`` (elements at any depth), else a few defaults."""
    found: list[Any] = []

    def walk(v: Any) -> None:
        if len(found) >= 8 * limit:
            return
        if engine_type(v, aliases) == t and (type(v) is not tuple or v):
            found.append(v)
        if type(v) is tuple:
            for x in v:
                walk(x)

    for v in inputs:
        walk(v)
    unique = list(dict.fromkeys(found))
    if not unique:
        unique = {INT: [0, 1, 2, 3], BOOL: [True, False], STR: ["", "a"]}.get(t, []) if isinstance(t, str) else [()]
    step = max(1, len(unique) // limit)
    return unique[::step][:limit]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


#: Integers every task may use, each weighted 1 / (1 + |n|): small ones are likelier.
BASE_INTS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1)


def example_constants(inputs: Sequence[Sequence[Any]], outputs: Sequence[Any], limit: int = 4) -> list[Const]:
    """Constants from the examples, as :class:`Const` with weights.

    :data:`BASE_INTS` always; weight 1 for: ints that outputs of two or more examples show
    without their inputs holding them (introduced by the program), the length of the outputs
    when all have one, a prefix or suffix every list output shares that the inputs do not
    (what the program adds), and whole output values that repeat among the examples.
    """
    out = [Const(v, 1.0 / (1 + abs(v))) for v in BASE_INTS]
    introduced: dict[int, int] = {}
    for args, o in zip(inputs, outputs):
        held = set(_ints(args))
        for v in set(_ints(o)) - held:
            if -100 <= v <= 100:
                introduced[v] = introduced.get(v, 0) + 1
    ranked = sorted((v for v, n in introduced.items() if n > 1), key=lambda v: -introduced[v])
    out += [Const(v) for v in ranked[:limit]]
    many = len(outputs) > 1
    sized = [o for o in outputs if type(o) in (list, tuple, str)]
    if many and len(sized) == len(outputs) and len({len(o) for o in sized}) == 1:
        out.append(Const(len(sized[0])))
    lists = [list(o) for o in outputs if type(o) in (list, tuple)]
    if many and len(lists) == len(outputs):
        arg_lists = [list(a) for args in inputs for a in args if type(a) in (list, tuple)]
        for part in (_common(lists), _common([x[::-1] for x in lists])[::-1]):
            # Added by the program: not what every input starts (or ends) with already.
            if part and not all(_affix(a, part) for a in arg_lists or [[]]):
                out.append(Const(part))
    seen: dict[str, int] = {}
    for o in outputs:
        seen[repr(o)] = seen.get(repr(o), 0) + 1
    for o in outputs:
        if seen[repr(o)] > 1 and all(repr(o) != repr(c.value) for c in out):
            out.append(Const(o))
    return out


def _common(lists: list[list[Any]]) -> list[Any]:
    """The longest prefix every list shares."""
    first = lists[0]
    n = 0
    while n < len(first) and all(len(x) > n and x[n] == first[n] for x in lists):
        n += 1
    return first[:n]


def _affix(a: list[Any], part: list[Any]) -> bool:
    return a[: len(part)] == part or (len(a) >= len(part) and a[len(a) - len(part):] == part)


def _ints(v: Any) -> list[int]:
    if type(v) is int:
        return [v]
    if type(v) in (list, tuple):
        return [i for x in v for i in _ints(x)]
    return []


def library_primitive(name: str, params: Sequence[str], returns: str, fn: Callable[..., Any],
                      aliases: dict[Type, Type] | None = None) -> Primitive | None:
    """A library function (plain Python on plain values) as an opaque typed primitive, or None
    when a type is outside the DSL's."""
    aliases = aliases or {}
    types = [parse_type(t) for t in (*params, returns)]
    if not params or any(t is None for t in types):
        return None
    types = [aliases.get(t, t) for t in types]

    def call(*args: Any) -> Any:
        return freeze(fn(*[thaw(a) for a in args]))

    args = ", ".join(f"{{{i}}}" for i in range(len(params)))
    names = tuple(f"a{i}" for i in range(len(params)))
    phrase = f"{name} of " + ", ".join(f"{{{n}}}" for n in names)
    return Primitive(name, types[:-1], types[-1], call, phrase, f"{name}({args})", names)


def _job_engine(job: dict[str, Any], namespace: dict[str, Any] | None, start: float,
                probes: Sequence[Sequence[Any]] = ()) -> tuple[Engine, list[Primitive]]:
    """The engine a job describes (see :func:`run_job`), and its primitives; ``probes``:
    inputs without outputs whose values its bank keeps too (see :meth:`Engine.readings`)."""
    module = sys.modules[job["dsl"]]
    prims = list(module.PRIMITIVES)
    aliases = getattr(module, "ALIASES", None) or {}
    taken = {p.name for p in prims}
    for name, params, returns, *body in job.get("library") or ():
        if name in taken:
            continue
        prim = abstraction_primitive(name, params, returns, body[0], prims, aliases) if body and body[0] else None
        fn = (namespace or {}).get(name)
        if prim is None and callable(fn):
            prim = library_primitive(name, params, returns, fn, aliases)
        if prim is not None:
            prims.append(prim)
            taken.add(name)
    types = [parse_type(t) if t else None for t in job.get("param_types") or [None] * len(job["params"])]
    # Constants the examples suggest (a job without real outputs names what stands for them).
    outputs = job.get("constant_outputs", job["outputs"])
    consts = example_constants(job["inputs"], outputs)
    domain_constants = getattr(module, "constants", None)
    if domain_constants is not None:
        frozen_in = [tuple(freeze(v) for v in a) for a in job["inputs"]]
        consts += list(domain_constants(frozen_in, [freeze(o) for o in outputs]))
    engine = Engine(prims, job["params"], job["inputs"], job["outputs"], param_types=types,
                    weights=job.get("weights"), constants=consts, first_order=job.get("first_order", False),
                    deadline=start + job["seconds"], memory_mb=job.get("memory_mb", math.inf), aliases=aliases,
                    split_examples=int(job.get("split_examples", 0)), split_chance=float(job.get("split_chance", SPLIT_CHANCE)),
                    probes=probes, split_reserve=_split_reserve(job))
    return engine, prims


def _split_reserve(job: dict[str, Any]) -> float:
    """Seconds a split's enumeration leaves for its other readings (0 when none are looked for)."""
    if not job.get("probes") or float(job.get("ambiguity_bits") or 0) <= 0:
        return 0.0
    return min(float(job.get("ambiguity_seconds") or 0), SPLIT_RESERVE_SHARE * float(job["seconds"]))


def abstraction_primitive(name: str, params: Sequence[str], returns: str, body: str, prims: Sequence[Primitive],
                          aliases: dict[Type, Type] | None = None) -> Primitive | None:
    """A learned abstraction as a primitive evaluated from its s-expression ``body`` (over the
    variables ``arg0_``, ``arg1_``...) by the DSL's implementations, on engine values (no
    Python of the library runs, nothing is thawed); rendered as a call of ``name``. None when
    the body does not parse over ``prims`` or a type is outside the DSL's."""
    aliases = aliases or {}
    types = [parse_type(t) for t in (*params, returns)]
    if not params or any(t is None for t in types):
        return None
    types = [aliases.get(t, t) for t in types]
    by_name = {p.name: p for p in prims}
    variables = [f"arg{i}_" for i in range(len(params))]
    try:
        env = closure(parse(body, by_name), by_name, variables)
    except (ValueError, KeyError, IndexError):
        return None

    def call(*args: Any) -> Any:
        return env((args,))

    names = tuple(f"a{i}" for i in range(len(params)))
    phrase = f"{name} of " + ", ".join(f"{{{n}}}" for n in names)
    template = f"{name}({', '.join(f'{{{i}}}' for i in range(len(params)))})"
    return Primitive(name, types[:-1], types[-1], call, phrase, template, names)


def run_job(job: dict[str, Any], namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    """Enumerate for one task (inside a sandbox worker); the found program and counts.

    ``job``: ``dsl`` (the name of a loaded module with ``PRIMITIVES``, optionally ``ALIASES``
    and ``constants(inputs, outputs)``), ``params``, ``inputs``, ``outputs``, ``param_types``
    (names like ``list[int]`` or None), ``seconds``, ``memory_mb``, ``weights``,
    ``first_order``, ``entry``, ``library`` (``[name, param types, return type, body]``: an
    abstraction with a body is evaluated from it, see :func:`abstraction_primitive`; any other
    function, found in ``namespace``, enters as an opaque primitive).
    """
    start = time.monotonic()
    engine, prims = _job_engine(job, namespace, start)
    found = engine.run()
    out: dict[str, Any] = {
        "evaluated": engine.evaluated, "stored": engine.stored, "level": engine.level,
        "stopped": engine.stopped or "levels", "bank_full": engine.full,
        "seconds": time.monotonic() - start, "out_type": type_text(engine.out_type) if engine.out_type else None,
    }
    if found is not None:
        by_name = {p.name: p for p in prims}
        out.update(sexpr=sexpr(found), cost=found.cost / UNIT,
                   python=program(found, by_name, job.get("entry", "f"), job["params"]))
        if engine.stopped in ("solved", "split") and job.get("probes") and float(job.get("ambiguity_bits") or 0) > 0:
            parts = engine.split_parts if engine.stopped == "split" else None
            del engine  # its bank: the readings' engine builds its own
            out.update(_readings(job, namespace, start, found, by_name, parts))
            # The terms its second enumeration evaluated count too, as its seconds do.
            out["evaluated"] += out.get("readings_evaluated", 0)
            out["readings_seconds"] = time.monotonic() - start - out["seconds"]
            out["seconds"] = time.monotonic() - start
    return out


def _readings(job: dict[str, Any], namespace: dict[str, Any] | None, start: float, found: Term,
              by_name: dict[str, Primitive], parts: tuple[int, int, int] | None = None) -> dict[str, Any]:
    """The other readings of the train examples: programs at most ``ambiguity_bits`` less
    probable than ``found`` that fit them too but give other outputs on the job's ``probes``
    (the task's test inputs), enumerated again with the probes in the values, for at most
    ``ambiguity_seconds`` of what is left of the job's time. ``parts``: the costs of the
    condition and branches when ``found`` is a split (see :func:`_split_fits`). ``readings``:
    ``found`` first, then each other one (sexpr, cost in bits, Python, outputs on the probes);
    ``readings_complete``: whether every level up to that cost was enumerated (else more may
    exist); ``readings_evaluated``: the terms that took."""
    now = time.monotonic()
    seconds = min(start + job["seconds"] - now, float(job.get("ambiguity_seconds") or 0))
    probes = [list(a) for a in job["probes"]]
    params, entry = job["params"], job.get("entry", "f")
    try:
        mine = closure(found, by_name, params)
        chosen = tuple(mine((tuple(freeze(v) for v in a),)) for a in probes)
    except Exception:  # the program fails on a probe: no reading of its own there
        chosen = None
    first = {"sexpr": sexpr(found), "cost": found.cost / UNIT, "python": None,
             "outputs": [thaw(v) for v in chosen] if chosen is not None else None}
    if seconds <= 0:
        return {"readings": [first], "readings_complete": False}
    engine, _ = _job_engine(dict(job, seconds=seconds, split_examples=0), namespace, now, probes=probes)
    limit = max(2, int(job.get("ambiguity_limit") or 4))
    bits = max(0, round(float(job["ambiguity_bits"]) * UNIT))
    if parts is None:
        fits, complete = engine.readings(found.cost + bits, limit + 1)
    else:
        fits, complete = _split_fits(engine, found, parts, bits, by_name, params)
    out = [first]
    outputs = {chosen}
    for level, node, values in fits:
        if values in outputs:
            continue
        outputs.add(values)
        term = engine.term(node, level)
        out.append({"sexpr": sexpr(term), "cost": level / UNIT, "python": program(term, by_name, entry, params),
                    "outputs": [thaw(v) for v in values]})
        if len(out) >= limit:
            break
    if len(repr([r["outputs"] for r in out])) > READINGS_MAX_CHARS:
        for r in out:  # large grids: the programs are what matters, and the result stays small
            r["outputs"] = None
    return {"readings": out, "readings_complete": complete, "readings_evaluated": engine.evaluated}


#: A split's other readings combine at most this many conditions, and as many terms per branch.
SPLIT_READINGS = 16


def _split_fits(engine: Engine, found: Term, parts: tuple[int, int, int], bits: int,
                by_name: dict[str, Primitive], params: Sequence[str]) -> tuple[list[tuple[int, Any, tuple[Any, ...]]], bool]:
    """The splits that fit the train examples as ``found`` = ``(if c a b)`` does, at most ``bits``
    dearer: conditions true on the same train examples as ``c``, and terms that fit ``a``'s
    examples and ``b``'s, each enumerated by ``engine`` (with the probes in its values) to its
    part's cost (``parts``) plus ``bits``. Cheapest first, as ``(cost, node, outputs on the
    probes)``; and whether all of them were enumerated."""
    cond = found.args[0]
    n = len(engine.outputs)
    try:
        test = closure(cond, by_name, params)
        mask = tuple(test((a,)) is True for a in engine.inputs[:n])
    except Exception:
        return [], False
    target = tuple(engine.outputs)
    sides = [tuple(i for i in range(n) if mask[i] == side) for side in (True, False)]
    wants = [(BOOL, tuple(range(n)), mask)] + [(engine.out_type, where, tuple(target[i] for i in where))
                                              for where in sides]
    matches, complete = engine.matching(max(parts) + bits, wants, SPLIT_READINGS)
    complete = complete and all(len(m) < SPLIT_READINGS for m in matches)
    fits = []
    for (lc, nc, vc), (la, na, va), (lb, nb, vb) in itertools.product(*matches):
        extra = (lc - parts[0]) + (la - parts[1]) + (lb - parts[2])
        if extra <= bits:
            values = tuple(x if c else y for c, x, y in zip(vc, va, vb))
            fits.append((found.cost + extra, ("p", "if", (nc, na, nb), engine.out_type), values))
    fits.sort(key=lambda f: f[0])
    return fits, complete


def node_names(node: Any) -> list[str]:
    """The primitives and library functions an engine node applies, outermost first, with repeats."""
    if node[0] == "p":
        return [node[1], *(n for c in node[2] for n in node_names(c))]
    if node[0] == "l":
        return node_names(node[2])
    return []


def relabel_job(job: dict[str, Any], namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    """Enumerate a grammar on a task's inputs without a target (inside a sandbox worker) and
    return up to ``count`` of the terms it kept, each a correct program for the outputs it
    produced: ``samples`` of ``[outputs, names]``, evenly across cost levels.

    ``job`` as for :func:`run_job` without ``outputs``, plus ``count``, ``seed``, ``types``
    (the type names a sample may have: the inputs' when empty) and ``max_chars`` (a bound on
    the samples' JSON, under the sandbox's output cap). Leaves, the inputs themselves and
    outputs equal on every example are left out.
    """
    import json
    import random

    start = time.monotonic()
    n = len(job["inputs"])
    # Outputs no term can produce (distinct strings): the engine enumerates to its deadline.
    engine, _ = _job_engine({**job, "outputs": [f"\x00unreachable {i}" for i in range(n)],
                             "constant_outputs": [a[0] for a in job["inputs"]]}, namespace, start)
    engine.run()
    wanted = {parse_type(t) for t in job.get("types") or ()} - {None}
    wanted = {engine.aliases.get(t, t) for t in wanted} or {t for t in engine.param_types if t is not None}
    inputs = {tuple(a[i] for a in engine.inputs) for i in range(len(engine.params))}
    by_cost: dict[int, list[tuple[Any, Any]]] = {}
    for t, costs in engine.bank.entries.items():
        if t not in wanted:
            continue
        for cost, entries in costs.items():
            for values, node, _ in entries:
                if node[0] == "p" and values not in inputs and (n < 2 or len(set(map(repr, values))) > 1):
                    by_cost.setdefault(cost, []).append((values, node))
    rng = random.Random(job.get("seed", 0))
    count = int(job.get("count", 60))
    levels = sorted(by_cost)
    per_level = max(1, count // max(1, len(levels)))
    chosen = []
    for cost in levels:
        found = by_cost[cost]
        chosen += found if len(found) <= per_level else rng.sample(found, per_level)
    rng.shuffle(chosen)
    samples, size, budget = [], 0, int(job.get("max_chars", 500_000))
    for values, node in chosen[:count]:
        sample = [[thaw(v) for v in values], node_names(node)]
        size += len(json.dumps(sample, separators=(",", ":")))
        if size > budget:
            break
        samples.append(sample)
    return {"samples": samples, "evaluated": engine.evaluated, "levels": len(levels),
            "seconds": time.monotonic() - start}
