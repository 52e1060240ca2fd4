"""What every model backend is: the :class:`Model` protocol, its sampling parameters and
statistics, stop-string cutting, and resolving ``--model NAME[:ARG]`` to a registered factory."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from inductor.config import BackendSettings, Settings, backend_settings
from inductor.errors import InductorError

if TYPE_CHECKING:
    from inductor.config import ModelSettings


class ModelError(InductorError):
    """A model cannot be created or called; the message names the model or option."""


@dataclass(frozen=True)
class SampleParams:
    """How to sample one call: ``n`` continuations at ``temperature``, each up to ``max_new_tokens``."""

    n: int = 8
    temperature: float = 0.8
    top_p: float = 0.95
    max_new_tokens: int = 96
    seed: int | None = None
    stop: tuple[str, ...] = ()
    #: End a continuation at its first line that starts at column 0 (a function body is over).
    stop_at_top_level: bool = False
    #: Seconds the call may take (backends stop generating when it is up); None: no limit.
    max_seconds: float | None = None


@dataclass
class ModelStats:
    calls: int = 0
    samples: int = 0
    new_tokens: int = 0
    seconds: float = 0.0


@runtime_checkable
class Model(Protocol):
    """Anything that continues a prompt ``n`` times.

    A backend may also define ``check()``, raising :class:`ModelError` when it cannot answer
    (an unreachable server); :func:`create_model` calls it before any task is attempted.
    """

    name: str
    stats: ModelStats

    def sample(self, prompt: str, params: SampleParams) -> list[str]:
        """``params.n`` continuations of ``prompt``, each cut before its first stop string."""
        ...


_TOP_LEVEL = re.compile(r"\n(?=\S)")


def cut_at_stop(text: str, stop: Sequence[str], top_level: bool = False) -> str:
    """``text`` up to (not including) the earliest stop string, or with ``top_level`` the first
    newline followed by a character at column 0."""
    end = len(text)
    for s in stop:
        i = text.find(s)
        if i != -1 and i < end:
            end = i
    if top_level:
        m = _TOP_LEVEL.search(text)
        if m is not None and m.start() < end:
            end = m.start()
    return text[:end]


def cache_root(settings: ModelSettings | BackendSettings | None = None) -> Path:
    """Where converted weights are kept: [model] cache_dir, $INDUCTOR_CACHE_DIR, or ~/.cache/inductor."""
    if getattr(settings, "cache_dir", ""):
        return Path(settings.cache_dir).expanduser()  # type: ignore[union-attr]
    if os.environ.get("INDUCTOR_CACHE_DIR"):
        return Path(os.environ["INDUCTOR_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "inductor"



def parse_spec(spec: str, known: Sequence[str]) -> tuple[str, str]:
    """``NAME[:ARG]`` -> (name, arg); a bare path or hub id (``org/model``) means ``hf:``."""
    name, sep, arg = spec.partition(":")
    if name in known:
        return name, arg
    if "/" in spec or Path(spec).exists():
        return "hf", spec
    raise ModelError(f"--model {spec!r}: unknown model (known: {', '.join(sorted(known))}; "
                     "or a local folder, or a hub id like org/name)")


def create_model(spec: str, factories: dict[str, Callable[..., Model]], settings: Settings | ModelSettings) -> Model:
    """The model ``spec`` names, built by its registered factory as ``factory(ARG, settings)``:
    ``settings`` are the backend's own section (``[model.NAME]``) over ``[model]``
    (:class:`~inductor.config.BackendSettings`; given ``[model]`` alone, the factory sees only it).

    A model with a ``check()`` method (a remote server) is checked here, before any task.
    """
    name, arg = parse_spec(spec, list(factories))
    given = backend_settings(settings, name) if isinstance(settings, Settings) else BackendSettings(settings)
    model = factories[name](arg, given)
    if not isinstance(model, Model):
        raise ModelError(f"--model {spec!r}: the factory of {name!r} did not return a model")
    check = getattr(model, "check", None)
    if callable(check):
        check()
    return model
