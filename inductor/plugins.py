"""The plugin manager and a typed facade over it.

Plugins come from four places, in this order: the built-in defaults (registered
exactly like outside plugins), the ``inductor`` entry-point group, loose ``.py`` files
in a ``--plugins-dir``, and a ``plugins.py`` inside a task folder (like pytest's
conftest.py). ``INDUCTOR_PLUGINS=a,b`` restricts entry-point loading to those names
(``INDUCTOR_PLUGINS=`` loads none); ``INDUCTOR_DEBUG_HOOKS=1`` prints every hook call.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from inductor import hookspecs

if TYPE_CHECKING:
    from inductor.tasks import Task, TaskLoader

#: Built-in plugins, registered through the same hooks as third-party ones.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "inductor.default_plugins.json_tasks",
    "inductor.default_plugins.compare",
    "inductor.default_plugins.executors",
    "inductor.default_plugins.models",
    "inductor.default_plugins.embedders",
    "inductor.default_plugins.searchers",
    "inductor_plugins.lists",
    "inductor_plugins.strings",
    "inductor_plugins.grids",
)

ENTRYPOINT_GROUP = "inductor"


class PluginError(Exception):
    """A plugin could not be loaded; the message names the file or entry point."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    source: str
    hooks: tuple[str, ...]


class Plugins:
    """Typed access to the hooks: the rest of inductor calls these methods, not ``pm.hook``."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self._sources: dict[str, str] = {}

    # --- construction -------------------------------------------------------------------

    @classmethod
    def create(cls, *, entrypoints: bool = True, defaults: bool = True) -> Plugins:
        pm = pluggy.PluginManager("inductor")
        pm.add_hookspecs(hookspecs)
        plugins = cls(pm)
        if os.environ.get("INDUCTOR_DEBUG_HOOKS"):
            pm.trace.root.setwriter(lambda msg: print(msg, end="", file=sys.stderr))
            pm.enable_tracing()
        if defaults:
            for name in DEFAULT_PLUGINS:
                plugins.register(importlib.import_module(name), name=name, source="built-in")
        if entrypoints:
            plugins.load_entrypoints()
        return plugins

    def register(self, plugin: Any, name: str | None = None, source: str = "") -> None:
        name = name or getattr(plugin, "__name__", None) or repr(plugin)
        if self.pm.has_plugin(name) or self.pm.is_registered(plugin):
            return
        self.pm.register(plugin, name=name)
        self._sources[name] = source
        self.pm.check_pending()

    def load_entrypoints(self) -> None:
        allowed = os.environ.get("INDUCTOR_PLUGINS")
        names = None if allowed is None else {n.strip() for n in allowed.split(",") if n.strip()}
        for ep in importlib.metadata.entry_points(group=ENTRYPOINT_GROUP):
            if names is not None and ep.name not in names:
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(f"entry point {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
            self.register(plugin, name=ep.name, source=f"entry point {ep.value}")

    def load_file(self, path: Path, name: str | None = None) -> ModuleType:
        """Import one ``.py`` file as a plugin module and register it."""
        path = Path(path).resolve()
        name = name or path.stem
        if self.pm.has_plugin(name):
            return self.pm.get_plugin(name)
        mod_name = f"inductor_local_plugin_{abs(hash(str(path))):x}_{path.stem}"
        spec = importlib.util.spec_from_file_location(mod_name, path)
        if spec is None or spec.loader is None:
            raise PluginError(f"{path}: not a Python file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[mod_name]
            raise PluginError(f"{path}: failed to import: {type(exc).__name__}: {exc}") from exc
        try:
            self.register(module, name=name, source=str(path))
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(name=name)
            raise PluginError(f"{path}: {exc}") from exc
        return module

    def load_dir(self, folder: Path) -> None:
        """Load every ``*.py`` file in a ``--plugins-dir``."""
        folder = Path(folder)
        if not folder.is_dir():
            raise PluginError(f"{folder}: --plugins-dir is not a folder")
        for path in sorted(folder.glob("*.py")):
            if not path.name.startswith("_"):
                self.load_file(path)

    def load_task_folder(self, folder: Path) -> None:
        """Load a task folder's own ``plugins.py`` when it has one."""
        folder = Path(folder)
        candidate = (folder if folder.is_dir() else folder.parent) / "plugins.py"
        if candidate.is_file():
            self.load_file(candidate, name=f"task-folder:{candidate.parent.name}")

    # --- introspection ------------------------------------------------------------------

    def info(self) -> list[PluginInfo]:
        out = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or []))
            out.append(PluginInfo(name, self._sources.get(name, ""), hooks))
        return out

    # --- registries ---------------------------------------------------------------------

    def _collect(self, hook: Callable[..., Any]) -> dict[str, Callable[..., Any]]:
        found: dict[str, Callable[..., Any]] = {}

        def register(name: str, factory: Callable[..., Any]) -> None:
            found.setdefault(name, factory)

        hook(register=register)
        return found

    def loaders(self) -> list[TaskLoader]:
        found: list[TaskLoader] = []
        self.pm.hook.inductor_register_loaders(register=found.append)
        return found

    def models(self) -> dict[str, Callable[..., Any]]:
        return self._collect(self.pm.hook.inductor_register_models)

    def embedders(self) -> dict[str, Callable[..., Any]]:
        return self._collect(self.pm.hook.inductor_register_embedders)

    def executors(self) -> dict[str, Callable[..., Any]]:
        return self._collect(self.pm.hook.inductor_register_executors)

    def searchers(self) -> dict[str, Callable[..., Any]]:
        return self._collect(self.pm.hook.inductor_register_searchers)

    def register_commands(self, cli: Any) -> None:
        self.pm.hook.inductor_register_commands(cli=cli)

    # --- domain hooks -------------------------------------------------------------------

    def detect_domain(self, task: Task) -> str:
        return self.pm.hook.inductor_detect_domain(task=task) or "generic"

    def primitives(self, domain: str) -> list[ModuleType]:
        return [m for m in self.pm.hook.inductor_primitives(domain=domain) if m is not None]

    def dream_inputs(self, domain: str, count: int, seed: int) -> list[tuple[Any, ...]]:
        """Random valid inputs of ``domain`` from its plugin (empty when no plugin gives any)."""
        return list(self.pm.hook.inductor_dream_inputs(domain=domain, count=count, seed=seed) or [])

    def prompt_context(self, task: Task) -> str:
        parts = [p for p in self.pm.hook.inductor_prompt_context(task=task) if p]
        return "\n\n".join(reversed(parts))

    def prompt_shots(self, task: Task) -> list[Any]:
        """Solved examples of the task's domain from every plugin, in registration order."""
        return [s for answer in reversed(self.pm.hook.inductor_prompt_shots(task=task)) if answer for s in answer]

    def template_folders(self) -> list[Path]:
        """Plugins' template folders, searched before the built-in prompts."""
        return [Path(f) for f in self.pm.hook.inductor_prompt_templates() if f]

    def compare(self, task: Task, expected: Any, actual: Any) -> bool:
        return bool(self.pm.hook.inductor_compare_outputs(task=task, expected=expected, actual=actual))

    def comparator(self, task: Task) -> Callable[[Any, Any], bool]:
        """``compare`` bound to a task; skips the hook machinery when only the default exact
        comparison is registered (it runs once per example of every candidate)."""
        impls = self.pm.hook.inductor_compare_outputs.get_hookimpls()
        if len(impls) == 1 and impls[0].plugin_name == "inductor.default_plugins.compare":
            from inductor.default_plugins.compare import exact_equal

            return exact_equal
        return lambda expected, actual: self.compare(task, expected, actual)

    def extract_code(self, text: str, task: Task, prefix: str = "") -> str | None:
        """A plugin's extraction when one answers, else the built-in :func:`inductor.extract.extract_code`."""
        answer = self.pm.hook.inductor_extract_code(text=text, prefix=prefix, task=task)
        if answer is not None:
            return answer
        from inductor.extract import extract_code

        return extract_code(text, prefix)

    # --- events -------------------------------------------------------------------------

    def task_started(self, task: Task) -> None:
        self.pm.hook.inductor_task_started(task=task)

    def candidate_checked(self, task: Task, result: Any) -> None:
        self.pm.hook.inductor_candidate_checked(task=task, result=result)

    def function_added(self, function: Any) -> None:
        self.pm.hook.inductor_function_added(function=function)


_default: Plugins | None = None


def get_plugins() -> Plugins:
    """The process-wide plugin manager, created on first use."""
    global _default
    if _default is None:
        _default = Plugins.create()
    return _default


def reset_plugins() -> None:
    """Forget the process-wide manager (tests use this)."""
    global _default
    _default = None
