"""Every hook a plugin can implement, grouped by the phase of the loop that calls it.

Built-in domains (``plugins/``) and backends use these same hooks. Registration hooks
receive a ``register`` callable; "firstresult" hooks stop at the first non-None answer.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from inductor.domain import Domain
    from inductor.prompts import Shot
    from inductor.tasks import Task
    from inductor.verify import CheckResult

hookspec = pluggy.HookspecMarker("inductor")
hookimpl = pluggy.HookimplMarker("inductor")


# --- setup: what plugins add to the registries -------------------------------------------


@hookspec
def inductor_register_loaders(register: Callable[[Any], None]) -> None:
    """Register task loaders (objects with ``name``, ``suffixes`` and ``load(path, options)``)."""


@hookspec
def inductor_register_models(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register model (proposer) factories by name: ``register("name", factory)``."""


@hookspec
def inductor_register_embedders(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register text embedder factories by name: ``register("name", factory)``."""


@hookspec
def inductor_register_executors(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register executor factories by name: ``register("name", factory)``; an executor has ``Sandbox``'s methods."""


@hookspec
def inductor_register_searchers(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register model-free search proposers by name: ``register("name", factory(sandbox, settings))``."""


@hookspec
def inductor_register_backends(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register where a pass's tasks run, by name: ``register("name", factory(app))`` (``local``, ``ray``)."""


@hookspec
def inductor_register_domains(register: Callable[[Domain | str], None]) -> None:
    """Register the domains this plugin serves: ``register(Domain(...))`` or a bare ``register("name")``."""


@hookspec
def inductor_register_settings(register: Callable[[str, type], None]) -> None:
    """Declare this plugin's settings: ``register("model.NAME", dataclass)``, read from ``[model.NAME]``."""


@hookspec
def inductor_register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``inductor`` command-line group."""


# --- load: reading tasks --------------------------------------------------------------------


@hookspec(firstresult=True)
def inductor_detect_domain(task: Task) -> str | None:
    """Name the domain of a task whose file did not say; the first answer wins."""


# --- propose: what the search and the model see ---------------------------------------------


@hookspec
def inductor_primitives(domain: str) -> ModuleType | None:
    """Return a module whose public functions are primitives of ``domain`` (sandbox and search)."""


@hookspec(firstresult=True)
def inductor_dsl(domain: str) -> ModuleType | None:
    """Return the λ-DSL module of ``domain`` (typed ``PRIMITIVES``) that the value search enumerates."""


@hookspec
def inductor_prompt_context(task: Task) -> str | None:
    """Return domain text to add to the prompts of ``task`` (answers are joined)."""


@hookspec
def inductor_prompt_shots(task: Task) -> list[Shot] | None:
    """Return solved examples of ``task``'s domain to show before it in prompts (answers are joined)."""


@hookspec
def inductor_prompt_templates() -> str | None:
    """Return a folder of Jinja templates searched before the built-in ``prompts/``."""


@hookspec(firstresult=True)
def inductor_extract_code(text: str, prefix: str, task: Task) -> str | None:
    """Extract program source from a model's continuation of ``prefix``; the first answer wins."""


@hookspec(firstresult=True)
def inductor_dream_inputs(domain: str, count: int, seed: int) -> list[tuple[Any, ...]] | None:
    """Return ``count`` random valid inputs (argument tuples) of ``domain`` to dream on; the first answer wins."""


# --- verify: checking candidates ------------------------------------------------------------


@hookspec(firstresult=True)
def inductor_compare_outputs(task: Task, expected: Any, actual: Any) -> bool | None:
    """Decide whether ``actual`` matches ``expected`` (exact by default); the first answer wins."""


# --- learn: turning solutions into library functions ----------------------------------------


@hookspec(firstresult=True)
def inductor_refactor(program: str, task: Task) -> list[str] | None:
    """Split an accepted program into reusable function sources; the first answer wins."""


# --- events: progress bars, logs and metrics listen here ------------------------------------


@hookspec
def inductor_event(record: dict[str, Any], subject: Any) -> None:
    """Called for every event of a run: ``record`` as events.jsonl keeps it, ``subject`` the object it is about."""


@hookspec
def inductor_task_started(task: Task) -> None:
    """Called when work on a task starts."""


@hookspec
def inductor_candidate_checked(task: Task, result: CheckResult) -> None:
    """Called after each distinct candidate program has been checked on a task's examples."""


@hookspec
def inductor_function_added(function: Any) -> None:
    """Called when a function is added to the library."""
