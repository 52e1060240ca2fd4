"""Configuration in one place: every setting with its type, default and description.

Values come from the defaults below, then ``inductor.toml`` (the current folder's, or
``--config FILE``), then command-line options. Sections of the file match the
dataclasses: ``[tasks]``, ``[sandbox]``, ``[model]``, ``[run]``, ``[library]``, ``[search]``,
``[recognition]``. A plugin declares its own sections through ``inductor_register_settings``
(as tox's ``tox_add_core_config``), named under a core one: the embedded model's
``[model.smollm2]``, the OpenAI backend's ``[model.openai]``; a model factory gets its own
section over ``[model]`` (:class:`BackendSettings`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from inductor.errors import InductorError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILE = "inductor.toml"


class ConfigError(InductorError):
    """The configuration file or an option is invalid; the message names it."""


def setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class TaskSettings:
    train_count: int = setting(5, "List Functions: leading pairs used as train (the rest are test)")
    sygus_test_from_long: bool = setting(True, "SyGuS: test examples of X.sl from a sibling X-long.sl")


@dataclass(frozen=True)
class SandboxSettings:
    executor: str = setting("sandbox", "executor, by the name a plugin registers it under")
    workers: int = setting(2, "sandbox worker processes (zygotes); one per core is right")
    timeout: float = setting(1.0, "seconds a candidate may run on one example")
    memory_mb: int = setting(512, "memory a candidate's process may add, in MiB")
    max_output_bytes: int = setting(1 << 20, "largest output of one example, as JSON bytes")
    batch_size: int = setting(500, "candidates sent to a sandbox worker at a time")
    wrap: str = setting("auto", "bubblewrap around the workers: auto (when it works), bwrap (required), none")


@dataclass(frozen=True)
class ModelSettings:
    name: str = setting("smollm2", "model: smollm2 (embedded), hf:ID_OR_PATH, openai:MODEL@URL, fake:FILE.json")
    temperature: float = setting(0.8, "sampling temperature (0 = greedy)")
    top_p: float = setting(0.95, "nucleus sampling: smallest token set with this much probability")
    max_new_tokens: int = setting(96, "longest continuation of one sample, in tokens")
    device: str = setting("auto", "local models (smollm2, hf): cuda when present (auto), cpu, cuda, cuda:1, ...")
    cache_dir: str = setting("", "converted weights (default $INDUCTOR_CACHE_DIR or ~/.cache/inductor)")


@dataclass(frozen=True)
class RunSettings:
    samples: int = setting(16, "candidates sampled from the model per round (one batched call)")
    rounds: int = setting(-1, "repair rounds after the first proposal round; -1: as many as the task's time "
                              "allows (a round that brings nothing new twice running ends them)")
    passes: int = setting(1, "passes over the tasks; a later pass retries the unsolved ones the library has grown for")
    repair_width: int = setting(1, "near misses shown to the model per repair round")
    time_per_task: float = setting(60.0, "seconds of work per task before giving up, split between the search "
                                         "([search] share) and the model (the rest)")
    shots: int = setting(2, "solved examples of the domain shown before the task")
    max_helpers: int = setting(8, "helper functions listed in a prompt")
    seed: int = setting(0, "seed for sampling; the same seed repeats a run")
    runs_dir: str = setting("runs", "folder that gets one sub-folder (event log, report) per run")
    backend: str = setting("local", "where a pass's tasks are solved: local (this process, one after another) "
                                    "or ray (Ray workers; [ray] settings, pip install 'inductor[ray]')")


@dataclass(frozen=True)
class SearchSettings:
    enabled: bool = setting(True, "try compositions of primitives and library functions before the model")
    searcher: str = setting("value", "search proposer, by the name a plugin registers it under: value "
                                          "(the λ-DSL by value) or enumerate (compositions, a run per batch)")
    max_size: int = setting(4, "enumerate searcher: largest composition, counting calls, arguments and constants")
    max_programs: int = setting(20000, "enumerate searcher: programs it may run per task")
    share: float = setting(0.8, "share of [run] time_per_task the search may use before the model's turn "
                                "(all of it with --model none); the model gets what the search leaves")
    seconds: float = setting(0.0, "most seconds the search may take per task, below its share "
                                  "(0: no limit but the share)")
    value_bank_mb: int = setting(256, "value searcher: values its bank may keep per worker, in MiB (about)")
    value_memory_mb: int = setting(1024, "value searcher: memory a search worker may add, in MiB")
    split_examples: int = setting(2, "value searcher: an if may join two programs found apart, each fitting at "
                                     "least this many train examples, split by a condition (0: off)")
    split_chance: float = setting(0.1, "value searcher: an if's condition counts only when at most this share of "
                                       "the ways to divide the examples is matched by a condition as cheap")
    ambiguity_bits: float = setting(1.0, "value searcher: once a program fits, look for other readings of the train "
                                         "examples (programs that fit too but differ on the test inputs) at most this "
                                         "many bits less probable (0: off)")
    ambiguity_seconds: float = setting(2.0, "value searcher: most seconds spent looking for those other readings "
                                            "(a conditional found ends its enumeration that much early, at most 20% "
                                            "of it, to look for its own)")


@dataclass(frozen=True)
class LibrarySettings:
    folder: str = setting("library", "the function library: SQLite store, domain modules, FAISS index")
    embedder: str = setting("minilm", "embedder for the index: minilm (all-MiniLM-L6-v2, offline, torch-free), "
                                      "minilm-torch (the same through sentence-transformers) or hash")
    k: int = setting(4, "library functions retrieved into a task's prompt")
    behaviour_limit: int = setting(200, "library functions run on a task's inputs when retrieving by behaviour")
    names: str = setting("rules", "who names learned functions: rules, or model (checked, rules as fallback)")
    learn: bool = setting(True, "add functions refactored from accepted programs (false: like --frozen-library)")
    compress_iterations: int = setting(10, "most abstractions one compression learns (stitch-core steps)")
    max_arity: int = setting(3, "most arguments of a learned abstraction")
    min_tasks: int = setting(2, "fewest tasks whose solutions must use an abstraction for it to be kept")
    search_functions: str = setting("shared", "library functions the search may call: shared (abstractions, "
                                              "functions min_tasks tasks learned or used, model- or user-written "
                                              "ones) or all")
    search_limit: int = setting(500, "most library functions of a domain the search may call (the most used "
                                     "first): a large library's grammar stays bounded")
    sleep: bool = setting(True, "after each pass of a run that learns: compress the solutions into abstractions "
                                "and fit the grammar's weights")
    weight_pseudocount: float = setting(1.0, "grammar weights: added to each name's count in the corpus "
                                              "(larger: closer to uniform)")
    reread: bool = setting(True, "after the sleep: a solution with other readings of its train examples takes the "
                                 "one the fitted weights (from the other tasks' solutions) make the most probable")


@dataclass(frozen=True)
class RecognitionSettings:
    enabled: bool = setting(True, "steer the value search with the library's recognition model when it has one "
                                  "(per-task grammar weights; --no-recognition turns it off)")
    mix: float = setting(0.5, "share of the predicted weights in the search's costs, in log space (0: the "
                              "library's global weights only, 1: the prediction only)")
    floor: float = setting(0.01, "smallest predicted weight (a name the model rules out stays reachable)")
    steps: int = setting(600, "training: optimizer steps")
    batch: int = setting(32, "training: tasks per step")
    lr: float = setting(2e-3, "training: peak learning rate (linear decay)")
    hidden: int = setting(96, "training: width of the encoder")
    seed: int = setting(0, "training: seed for dreams, splits and initial weights")
    dream_sets: int = setting(48, "training: sets of dream inputs per domain the grammar is enumerated on")
    seconds_per_set: float = setting(1.0, "training: seconds of enumeration per input set")
    terms_per_set: int = setting(60, "training: programs kept per input set, evenly across cost levels")
    validation: float = setting(0.1, "training: share of the samples held out for the held-out loss")


@dataclass(frozen=True)
class Settings:
    tasks: TaskSettings = field(default_factory=TaskSettings)
    sandbox: SandboxSettings = field(default_factory=SandboxSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    run: RunSettings = field(default_factory=RunSettings)
    library: LibrarySettings = field(default_factory=LibrarySettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    recognition: RecognitionSettings = field(default_factory=RecognitionSettings)
    #: The sections plugins declare, by name ("model.smollm2"): each a dataclass of ``setting`` fields.
    sections: dict[str, Any] = field(default_factory=dict)

    def with_options(self, section: str, **values: Any) -> Settings:
        """A copy with the given (non-None) values of one section (core or a plugin's) replaced."""
        values = {k: v for k, v in values.items() if v is not None}
        if not values:
            return self
        if section in self.sections:
            return replace(self, sections={**self.sections, section: replace(self.sections[section], **values)})
        if section not in _CORE:
            raise ConfigError(f"[{section}]: no such section (no loaded plugin declares it)")
        return replace(self, **{section: replace(getattr(self, section), **values)})

    def section(self, name: str) -> Any:
        """A core section or a plugin's, by name (``"run"``, ``"model.smollm2"``); None when unknown."""
        if name in self.sections:
            return self.sections[name]
        return getattr(self, name, None) if name in _CORE else None


_CORE = ("tasks", "sandbox", "model", "run", "library", "search", "recognition")


@dataclass(frozen=True)
class BackendSettings:
    """What a model factory is given: its backend's own section (``[model.NAME]``, declared by
    its plugin; None when it declares none) over the shared ``[model]`` settings. An attribute is
    looked up in the backend's section first."""

    model: ModelSettings
    own: Any = None

    def __getattr__(self, name: str) -> Any:  # called only for names that are not fields
        if name.startswith("__"):
            raise AttributeError(name)
        own = object.__getattribute__(self, "own")
        if own is not None and hasattr(own, name):
            return getattr(own, name)
        return getattr(object.__getattribute__(self, "model"), name)


def backend_settings(settings: Settings, backend: str) -> BackendSettings:
    """The settings a model factory of ``backend`` (``smollm2``, ``openai``, ...) is given."""
    return BackendSettings(settings.model, settings.sections.get(f"model.{backend}"))


def _coerce(path: Path, section: str, name: str, expected: Any, value: Any) -> Any:
    kind = {"int": int, "float": float, "bool": bool, "str": str}.get(getattr(expected, "__name__", str(expected)))
    if kind is float and type(value) is int:
        return float(value)
    if kind is not None and type(value) is not kind:
        raise ConfigError(f"{path}: [{section}] {name} must be {kind.__name__}, got {value!r}")
    return value


def load_settings(path: Path | str | None = None, sections: Mapping[str, type] | None = None) -> Settings:
    """Settings from ``path`` (or ./inductor.toml when present) over the defaults; ``sections``:
    the dataclasses plugins declare, by name (``"model.smollm2"``), read from ``[model.smollm2]``."""
    explicit = path is not None
    path = Path(path) if path is not None else Path(CONFIG_FILE)
    settings = Settings(sections={name: cls() for name, cls in (sections or {}).items()})
    if not path.is_file():
        if explicit:
            raise ConfigError(f"{path}: no such configuration file")
        return settings
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    core = {f.name for f in fields(Settings)} - {"sections"}
    for section, values in data.items():
        if section not in core and section not in settings.sections:
            known = [*sorted(core), *sorted(settings.sections)]
            raise ConfigError(f"{path}: unknown section [{section}] (known: {', '.join(known)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
        for name, value in values.items():
            if isinstance(value, dict) and f"{section}.{name}" not in settings.sections:
                known = ", ".join(f"[{s}]" for s in sorted(settings.sections) if s.startswith(f"{section}.")) or "none"
                raise ConfigError(f"{path}: unknown section [{section}.{name}] (known under [{section}]: {known})")
        own = {k: v for k, v in values.items() if not isinstance(v, dict)}
        settings = _read_section(settings, path, section, own)
        for name, table in values.items():
            if name not in own:
                settings = _read_section(settings, path, f"{section}.{name}", table)
    check(settings, path)
    return settings


def _read_section(settings: Settings, path: Path, section: str, values: dict[str, Any]) -> Settings:
    current = settings.section(section)
    if current is None:
        raise ConfigError(f"{path}: unknown section [{section}]")
    known = {f.name: f for f in fields(current)}
    read = {}
    for name, value in values.items():
        if name not in known:
            elsewhere = [s for s, v in settings.sections.items() if s.startswith(f"{section}.")
                         and name in {f.name for f in fields(v)}]
            hint = f" (it is a setting of [{elsewhere[0]}])" if elsewhere else ""
            raise ConfigError(f"{path}: unknown setting {name!r} in [{section}]{hint}")
        read[name] = _coerce(path, section, name, known[name].type, value)
    return settings.with_options(section, **read) if read else settings


def check(settings: Settings, where: Path | str = CONFIG_FILE) -> None:
    """Values out of range, named with their section (``where``: the file, or the options)."""
    s = settings.search
    if not 0 < s.share <= 1:
        raise ConfigError(f"{where}: [search] share must be above 0 and at most 1 (a share of "
                          f"[run] time_per_task), got {s.share!r}")
    if s.seconds < 0:
        raise ConfigError(f"{where}: [search] seconds must be 0 (no limit) or positive, got {s.seconds!r}")
    if s.split_examples < 0:
        raise ConfigError(f"{where}: [search] split_examples must be 0 (no splits) or positive, "
                          f"got {s.split_examples!r}")
    if not 0 <= s.split_chance <= 1:
        raise ConfigError(f"{where}: [search] split_chance must be a share from 0 to 1, got {s.split_chance!r}")
    if s.ambiguity_bits < 0 or s.ambiguity_seconds < 0:
        raise ConfigError(f"{where}: [search] ambiguity_bits and ambiguity_seconds must be 0 (off) or positive, "
                          f"got {s.ambiguity_bits!r} and {s.ambiguity_seconds!r}")
    if settings.run.rounds < -1:
        raise ConfigError(f"{where}: [run] rounds must be -1 (while time is left) or at least 0, "
                          f"got {settings.run.rounds!r}")


def describe(sections: Mapping[str, type] | None = None) -> list[tuple[str, str, Any, str]]:
    """(section, name, default, help) for every setting (and those of the plugins' ``sections``),
    for docs and ``--help``."""
    out = []
    for section in fields(Settings):
        if section.name == "sections":
            continue
        for f in fields(section.default_factory()):  # type: ignore[misc]
            out.append((section.name, f.name, f.default, f.metadata.get("help", "")))
    for name, cls in (sections or {}).items():
        for f in fields(cls):
            out.append((name, f.name, f.default, f.metadata.get("help", "")))
    return out
