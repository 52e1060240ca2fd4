from __future__ import annotations

from pathlib import Path

import pytest

from inductor.plugins import Plugins, reset_plugins
from inductor.sandbox import Limits, Sandbox

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def plugins() -> Plugins:
    """A fresh manager with the built-ins only (no entry points from the environment)."""
    return Plugins.create(entrypoints=False)


@pytest.fixture(autouse=True)
def _isolate(monkeypatch, tmp_path):
    # No stray inductor.toml from the working folder, no process-wide plugin state.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INDUCTOR_PLUGINS", "")
    reset_plugins()
    yield
    reset_plugins()


@pytest.fixture(scope="session")
def sandbox():
    """One sandbox (two workers) shared by the tests: starting workers costs ~0.3 s."""
    sb = Sandbox(workers=2, limits=Limits(timeout=0.5, memory_mb=256))
    sb.start()
    yield sb
    sb.close()
