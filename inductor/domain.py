"""A domain as one registered object: what inductor knows about one kind of task.

A plugin registers a :class:`Domain` through ``inductor_register_domains`` and inductor reads
everything domain-specific from it: the primitives and λ-DSL the search uses, the prompt text
and solved examples the model sees, how to recognise the domain's tasks, random inputs to dream
on, the probe inputs that fingerprint a function's behaviour, type aliases, and how the report
draws its values. The per-domain hooks (``inductor_primitives``, ``inductor_prompt_context``, ...)
still work and are consulted first, for plugins that add to a domain they do not own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inductor.prompts import Shot
    from inductor.tasks import Task

#: A module given as the module itself or as its dotted import path (imported on first use).
ModuleRef = ModuleType | str


def _module(ref: ModuleRef | None) -> ModuleType | None:
    if ref is None or isinstance(ref, ModuleType):
        return ref
    return importlib.import_module(ref)


@dataclass(frozen=True)
class Domain:
    """One domain, as a plugin registers it; every field but ``name`` is optional."""

    #: The name tasks give in their ``"domain"`` field.
    name: str
    #: A paragraph about the domain's values and typical rules, added to the model's prompts.
    description: str = ""
    #: The primitives module (public functions, typed) that candidates and the search call.
    primitives: ModuleRef | None = None
    #: The λ-DSL module (typed ``PRIMITIVES``) the value search enumerates.
    dsl: ModuleRef | None = None
    #: Solved examples for the prompts: a shots JSON file, or a function returning the shots.
    shots: Path | Callable[[], Sequence[Shot]] | None = None
    #: Whether a task whose file names no domain belongs to this one.
    detect: Callable[[Task], bool] | None = None
    #: ``dream(count, seed)``: random valid inputs (argument tuples), for dreams.
    dream: Callable[[int, int], list[tuple[Any, ...]]] | None = None
    #: Inputs (argument tuples) every learned function is run on to fingerprint its behaviour.
    probes: tuple[tuple[Any, ...], ...] = ()
    #: Type names the domain writes in signatures, and the types they stand for.
    type_aliases: Mapping[str, str] = field(default_factory=dict)
    #: What one value is called in generated names ("list", "text", "grid").
    noun: str = "value"
    #: CSS colours of the cell values 0..n-1: the report draws a list of rows of them as a grid.
    palette: tuple[str, ...] = ()

    def primitives_module(self) -> ModuleType | None:
        return _module(self.primitives)

    def dsl_module(self) -> ModuleType | None:
        return _module(self.dsl)

    def solved_examples(self) -> list[Shot]:
        if self.shots is None:
            return []
        if callable(self.shots):
            return list(self.shots())
        from inductor.prompts import load_shots

        return list(load_shots(Path(self.shots)))

    def probe_inputs(self, arity: int) -> list[tuple[Any, ...]]:
        """The probe values shaped for a function of ``arity`` arguments (the first argument of
        each probe, rotated over the positions)."""
        values = [p[0] for p in self.probes if p]
        if not values or arity < 1:
            return []
        return [tuple(values[(i + j) % len(values)] for j in range(arity)) for i in range(len(values))]


def primitives_namespace(domain: str) -> dict[str, Any]:
    """The public functions of ``domain``'s primitives, from the plugins that serve it: what a
    library module written by the store imports outside the sandbox."""
    from inductor.plugins import get_plugins
    from inductor.store import public_names

    modules = get_plugins().primitives(domain)
    if not modules:
        raise ImportError(f"no installed plugin gives the primitives of the domain {domain!r}")
    out: dict[str, Any] = {}
    for module in reversed(modules):  # the first module's names win
        out.update({n: getattr(module, n) for n in public_names(module)})
    return out


def as_domain(entry: Domain | str) -> Domain:
    """What ``register`` received: a :class:`Domain`, or a bare name (a domain described only by hooks)."""
    if isinstance(entry, Domain):
        return entry
    if isinstance(entry, str) and entry:
        return Domain(entry)
    raise TypeError(f"register() takes a Domain or a domain name, not {entry!r}")
