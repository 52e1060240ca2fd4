"""The plugin manager and a typed facade over it.

Plugins come from four places, in this order: the built-in defaults (registered
exactly like outside plugins), the ``inductor`` entry-point group, loose ``.py`` files
in a ``--plugins-dir``, and a ``plugins.py`` inside a task folder (like pytest's
conftest.py). ``INDUCTOR_PLUGINS=a,b`` restricts entry-point loading to those names
(``INDUCTOR_PLUGINS=`` loads none); ``INDUCTOR_DEBUG_HOOKS=1`` prints every hook call.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from inductor import hookspecs
from inductor.domain import Domain, as_domain
from inductor.errors import InductorError

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
    "inductor.backends",
    "inductor_plugins.lists",
    "inductor_plugins.strings",
    "inductor_plugins.grids",
)

ENTRYPOINT_GROUP = "inductor"

#: Module names imported from a ``--plugins-dir``: another folder's file of the same name may
#: replace one (a second manager in the same process), while any other module's name is refused.
_DIR_MODULES: set[str] = set()


class PluginError(InductorError):
    """A plugin could not be loaded, or one of its hooks failed; the message names the file or entry point."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    source: str
    hooks: tuple[str, ...]
    #: Domains the plugin names through ``inductor_register_domains``.
    domains: tuple[str, ...] = ()


#: Every hook name with its arguments, from the hookspecs.
HOOK_ARGS: dict[str, tuple[str, ...]] = {
    name: tuple(inspect.signature(fn).parameters)
    for name, fn in vars(hookspecs).items() if name.startswith("inductor_") and callable(fn)
}


def hook_problems(pm: pluggy.PluginManager, plugin: Any) -> list[str]:
    """Every mistake in a plugin's hook implementations: unknown (misspelled) hook names, with the
    nearest real name, arguments a hook does not pass, and hook functions missing ``@hookimpl``."""
    problems = []
    for attr in sorted(dir(plugin)):
        try:
            fn = getattr(plugin, attr)
        except Exception:
            continue
        marked = callable(fn) and pm.parse_hookimpl_opts(plugin, attr) is not None
        if not marked and not (attr.startswith("inductor_") and inspect.isfunction(fn)):
            continue
        if attr not in HOOK_ARGS:
            near = difflib.get_close_matches(attr if attr.startswith("inductor_") else f"inductor_{attr}",
                                             list(HOOK_ARGS), n=1, cutoff=0.6)
            if marked or near:
                problems.append(f"unknown hook {attr}" + (f" (did you mean {near[0]}?)" if near else ""))
            continue
        if not marked:
            problems.append(f"{attr} is not decorated with @hookimpl (inductor ignores it)")
            continue
        try:
            params = [p.name for p in inspect.signature(fn).parameters.values()
                      if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        except (TypeError, ValueError):
            continue
        extra = [p for p in params if p not in HOOK_ARGS[attr]]
        if extra:
            problems.append(f"{attr} takes {', '.join(extra)}, which the hook does not pass "
                            f"(it passes: {', '.join(HOOK_ARGS[attr]) or 'nothing'})")
    return problems


def _implements_hooks(pm: pluggy.PluginManager, module: ModuleType) -> bool:
    """Whether a module holds hook implementations (or hook-like names, right or wrong)."""
    return any(attr.startswith("inductor_") or (callable(getattr(module, attr, None))
                                                 and pm.parse_hookimpl_opts(module, attr) is not None)
               for attr in vars(module))


class Plugins:
    """Typed access to the hooks: the rest of inductor calls these methods, not ``pm.hook``."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self._sources: dict[str, str] = {}
        self._domains: dict[str, tuple[Domain, ...]] | None = None  # by plugin; reset on register

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
        """Register a plugin; every hook mistake it makes is reported in one :class:`PluginError`."""
        name = name or getattr(plugin, "__name__", None) or repr(plugin)
        if self.pm.has_plugin(name) or self.pm.is_registered(plugin):
            return
        problems = hook_problems(self.pm, plugin)
        if problems:
            where = source if source and source != "built-in" else f"plugin {name}"
            raise PluginError(f"{where}: {'; '.join(problems)}")
        self.pm.register(plugin, name=name)
        self._sources[name] = source
        self._domains = None
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

    def load_file(self, path: Path, name: str | None = None, module_name: str | None = None,
                  helpers: bool = False) -> ModuleType:
        """Import one ``.py`` file as a plugin module and register it.

        ``module_name``: the name it is imported under (a private one by default); a module of
        that name imported from this very file is reused. ``helpers``: a module that implements
        no hook is a helper of the other plugins (primitives, say), imported but not registered.
        """
        path = Path(path).resolve()
        name = name or path.stem
        if self.pm.has_plugin(name):
            return self.pm.get_plugin(name)
        mod_name = module_name or f"inductor_local_plugin_{abs(hash(str(path))):x}_{path.stem}"
        module = sys.modules.get(mod_name) if module_name else None
        if module is not None:
            other = getattr(module, "__file__", None)
            if not other or Path(other).resolve() != path:
                if mod_name not in _DIR_MODULES:
                    raise PluginError(f"{path}: the module name {mod_name!r} is taken by "
                                      f"{other or 'a built-in module'}; rename the file")
                module = None
        if module is None:
            if module_name and module_name in sys.stdlib_module_names:
                raise PluginError(f"{path}: the module name {mod_name!r} is taken by the standard library; "
                                  "rename the file")
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
        if module_name:
            _DIR_MODULES.add(module_name)
        if helpers and not _implements_hooks(self.pm, module):
            return module
        try:
            self.register(module, name=name, source=str(path))
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(name=name)
            self._domains = None
            raise PluginError(f"{path}: {exc}") from exc
        return module

    def load_dir(self, folder: Path) -> None:
        """Load every ``*.py`` file in a ``--plugins-dir``, each under its own module name.

        The folder goes first on the import path (as pytest's rootdir does), so its plugins
        import each other and their helper modules (``import my_primitives``).
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise PluginError(f"{folder}: --plugins-dir is not a folder")
        where = str(folder.resolve())
        if where not in sys.path:
            sys.path.insert(0, where)
        for path in folder.glob("*.py"):  # a same-named file another folder gave: this one's wins
            old = sys.modules.get(path.stem)
            if path.stem in _DIR_MODULES and old is not None and getattr(old, "__file__", None) != str(path.resolve()):
                del sys.modules[path.stem]
        for path in sorted(folder.glob("*.py")):
            if not path.name.startswith("_"):
                self.load_file(path, module_name=path.stem, helpers=True)

    def load_task_folder(self, folder: Path) -> None:
        """Load a task folder's own ``plugins.py`` when it has one.

        As with ``--plugins-dir``, the folder goes first on the import path, so ``plugins.py``
        imports the helper modules beside it (``import my_primitives``).
        """
        folder = Path(folder)
        candidate = (folder if folder.is_dir() else folder.parent) / "plugins.py"
        if candidate.is_file():
            where = str(candidate.parent.resolve())
            if where not in sys.path:
                sys.path.insert(0, where)
            self.load_file(candidate, name=f"task-folder:{candidate.parent.name}")

    # --- introspection ------------------------------------------------------------------

    def info(self) -> list[PluginInfo]:
        out = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or []))
            out.append(PluginInfo(name, self._sources.get(name, ""), hooks, tuple(self.domains().get(name, ()))))
        return out

    def domains(self) -> dict[str, list[str]]:
        """The domains each plugin registers, by plugin name."""
        return {plugin: [d.name for d in ds] for plugin, ds in self._registered_domains().items()}

    def _registered_domains(self) -> dict[str, tuple[Domain, ...]]:
        if self._domains is None:
            out: dict[str, tuple[Domain, ...]] = {}
            # get_hookimpls() is in reverse registration order: built-ins come out last
            for impl in reversed(self.pm.hook.inductor_register_domains.get_hookimpls()):
                found: list[Domain] = []
                self._call_impl("inductor_register_domains", impl, register=lambda d, found=found: found.append(as_domain(d)))
                out[impl.plugin_name] = tuple(found)
            self._domains = out
        return self._domains

    def domain_objects(self) -> list[Domain]:
        """Every registered domain in registration order; a name registered twice keeps its
        first object, filled in field by field from the later ones."""
        merged: dict[str, Domain] = {}
        for ds in self._registered_domains().values():
            for d in ds:
                first = merged.get(d.name)
                merged[d.name] = d if first is None else _fill(first, d)
        return list(merged.values())

    def domain(self, name: str) -> Domain:
        """The registered :class:`Domain` of ``name`` (an empty one when no plugin describes it)."""
        for d in self.domain_objects():
            if d.name == name:
                return d
        return Domain(name)

    def domain_problem(self, domain: str) -> str | None:
        """Why no plugin serves ``domain`` (naming the known ones), or None when one does."""
        known = sorted({"generic", *(d for ds in self.domains().values() for d in ds)})
        if domain in known or self.primitives(domain):
            return None
        near = difflib.get_close_matches(domain, known, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        return f"no plugin serves the domain {domain!r} ({hint}known: {', '.join(known)})"

    # --- calling hooks ------------------------------------------------------------------

    def _call(self, hook: str, **kwargs: Any) -> Any:
        """Call a hook; an exception inside a plugin becomes one PluginError naming it and the hook."""
        try:
            return getattr(self.pm.hook, hook)(**kwargs)
        except PluginError:
            raise
        except Exception as exc:
            raise self._hook_error(hook, exc) from exc

    def _call_impl(self, hook: str, impl: Any, **kwargs: Any) -> Any:
        try:
            return impl.function(*(kwargs[a] for a in impl.argnames))
        except PluginError:
            raise
        except Exception as exc:
            raise self._hook_error(hook, exc) from exc

    def _hook_error(self, hook: str, exc: Exception) -> PluginError:
        impls = {getattr(i.function, "__code__", None): i for i in getattr(self.pm.hook, hook).get_hookimpls()}
        culprit = None
        tb = exc.__traceback__
        last = None
        while tb is not None:
            culprit = impls.get(tb.tb_frame.f_code, culprit)
            last = tb
            tb = tb.tb_next
        where = ""
        if last is not None:
            where = f" (at {last.tb_frame.f_code.co_filename}:{last.tb_lineno})"
        if culprit is None:
            return PluginError(f"hook {hook} failed: {type(exc).__name__}: {exc}{where}")
        source = self._sources.get(culprit.plugin_name, "")
        who = source if source.endswith(".py") else f"plugin {culprit.plugin_name}"
        return PluginError(f"{who}: hook {hook} failed: {type(exc).__name__}: {exc}{where}")

    # --- registries ---------------------------------------------------------------------

    def _collect(self, hook: str) -> dict[str, Callable[..., Any]]:
        found: dict[str, Callable[..., Any]] = {}

        def register(name: str, factory: Callable[..., Any]) -> None:
            found.setdefault(name, factory)

        self._call(hook, register=register)
        return found

    def loaders(self) -> list[TaskLoader]:
        found: list[TaskLoader] = []
        self._call("inductor_register_loaders", register=found.append)
        return found

    def models(self) -> dict[str, Callable[..., Any]]:
        return self._collect("inductor_register_models")

    def embedders(self) -> dict[str, Callable[..., Any]]:
        return self._collect("inductor_register_embedders")

    def executors(self) -> dict[str, Callable[..., Any]]:
        return self._collect("inductor_register_executors")

    def searchers(self) -> dict[str, Callable[..., Any]]:
        return self._collect("inductor_register_searchers")

    def backends(self) -> dict[str, Callable[..., Any]]:
        """Where a pass's tasks may run (``[run] backend``), by name: factories of an app."""
        return self._collect("inductor_register_backends")

    def settings_sections(self) -> dict[str, type]:
        """The settings sections plugins declare, by name (``"model.smollm2"``): dataclasses."""
        return self._collect("inductor_register_settings")

    def register_commands(self, cli: Any) -> None:
        self._call("inductor_register_commands", cli=cli)

    # --- domain hooks -------------------------------------------------------------------

    def detect_domain(self, task: Task) -> str:
        """A plugin's answer to ``inductor_detect_domain``, else the domain whose ``detect`` accepts
        the task (the last registered asked first, as pluggy asks hooks), else ``generic``."""
        answer = self._call("inductor_detect_domain", task=task)
        if answer:
            return answer
        for d in reversed(self.domain_objects()):
            if d.detect is not None and self._domain_call(d, "detect", d.detect, task):
                return d.name
        return "generic"

    def primitives(self, domain: str) -> list[ModuleType]:
        """Every module the ``inductor_primitives`` hook gives (the last registered plugin first),
        then the domain's own primitives module."""
        d = self.domain(domain)
        own = self._domain_call(d, "primitives", d.primitives_module)
        found = [m for m in self._call("inductor_primitives", domain=domain) if m is not None]
        return found + ([own] if own is not None and own not in found else [])

    def dsl(self, domain: str) -> ModuleType | None:
        """The λ-DSL module of ``domain`` for the value search, None when no plugin gives one."""
        answer = self._call("inductor_dsl", domain=domain)
        if answer is not None:
            return answer
        d = self.domain(domain)
        return self._domain_call(d, "dsl", d.dsl_module)

    def dream_inputs(self, domain: str, count: int, seed: int) -> list[tuple[Any, ...]]:
        """Random valid inputs of ``domain`` from its plugin (empty when no plugin gives any)."""
        answer = self._call("inductor_dream_inputs", domain=domain, count=count, seed=seed)
        if answer is None:
            d = self.domain(domain)
            answer = self._domain_call(d, "dream", d.dream, count, seed) if d.dream is not None else None
        return list(answer or [])

    def prompt_context(self, task: Task) -> str:
        """The domain's description, then what ``inductor_prompt_context`` adds."""
        own = self.domain(task.domain or "generic").description
        parts = [own] + list(reversed(self._call("inductor_prompt_context", task=task)))
        return "\n\n".join(p for p in parts if p)

    def prompt_shots(self, task: Task) -> list[Any]:
        """The domain's solved examples, then every plugin's, in registration order."""
        d = self.domain(task.domain or "generic")
        own = self._domain_call(d, "shots", d.solved_examples)
        return own + [s for answer in reversed(self._call("inductor_prompt_shots", task=task)) if answer for s in answer]

    def probe_inputs(self, domain: str, arity: int) -> list[tuple[Any, ...]]:
        """The domain's probe inputs for a function of ``arity`` arguments (empty when it has none)."""
        return self.domain(domain).probe_inputs(arity)

    def type_aliases(self) -> dict[str, str]:
        """Every domain's type aliases (``Grid`` -> ``list[list[int]]``), the first registered winning."""
        out: dict[str, str] = {}
        for d in self.domain_objects():
            for name, meaning in d.type_aliases.items():
                out.setdefault(name, meaning)
        return out

    def _domain_call(self, domain: Domain, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        """Call one of a Domain's functions; a failure becomes a PluginError naming the domain."""
        try:
            return fn(*args)
        except PluginError:
            raise
        except Exception as exc:
            plugin = next((p for p, ds in self._registered_domains().items() if any(d.name == domain.name for d in ds)),
                          "?")
            raise PluginError(f"plugin {plugin}: domain {domain.name!r}: {what} failed: "
                              f"{type(exc).__name__}: {exc}") from exc

    def template_folders(self) -> list[Path]:
        """Plugins' template folders, searched before the built-in prompts."""
        return [Path(f) for f in self._call("inductor_prompt_templates") if f]

    def compare(self, task: Task, expected: Any, actual: Any) -> bool:
        return bool(self._call("inductor_compare_outputs", task=task, expected=expected, actual=actual))

    def comparator(self, task: Task) -> Callable[[Any, Any], bool]:
        """``compare`` bound to a task; skips the hook machinery when only the default exact
        comparison is registered (it runs once per example of every candidate)."""
        impls = self.pm.hook.inductor_compare_outputs.get_hookimpls()
        if len(impls) == 1 and impls[0].plugin_name == "inductor.default_plugins.compare":
            from inductor.tasks import exact_equal

            return exact_equal
        return lambda expected, actual: self.compare(task, expected, actual)

    def extract_code(self, text: str, task: Task, prefix: str = "") -> str | None:
        """A plugin's extraction when one answers, else the built-in :func:`inductor.extract.extract_code`."""
        answer = self._call("inductor_extract_code", text=text, prefix=prefix, task=task)
        if answer is not None:
            return answer
        from inductor.extract import extract_code

        return extract_code(text, prefix)

    def refactor(self, program: str, task: Task) -> list[str] | None:
        """A plugin's split of an accepted program into function sources (None: the built-in split)."""
        return self._call("inductor_refactor", program=program, task=task)

    # --- events -------------------------------------------------------------------------

    def event(self, record: dict[str, Any], subject: Any = None) -> None:
        """Hand one event record (:mod:`inductor.events`) to every listening plugin."""
        self._call("inductor_event", record=record, subject=subject)

    def unregister(self, plugin: Any) -> None:
        """Remove a plugin registered for a while (a run's event log and console)."""
        if self.pm.is_registered(plugin):
            self._sources.pop(self.pm.get_name(plugin) or "", None)
            self.pm.unregister(plugin)
            self._domains = None

    def task_started(self, task: Task) -> None:
        self._call("inductor_task_started", task=task)

    def candidate_checked(self, task: Task, result: Any) -> None:
        self._call("inductor_candidate_checked", task=task, result=result)

    def function_added(self, function: Any) -> None:
        self._call("inductor_function_added", function=function)


def _fill(first: Domain, later: Domain) -> Domain:
    """``first`` with each field it leaves empty taken from ``later``."""
    from dataclasses import fields, replace

    empty = Domain(first.name)
    changes = {f.name: getattr(later, f.name) for f in fields(Domain)
               if getattr(first, f.name) == getattr(empty, f.name) and getattr(later, f.name) != getattr(empty, f.name)}
    return replace(first, **changes) if changes else first


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
