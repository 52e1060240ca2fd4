"""The public API: every exported name resolves, and importing inductor stays light."""

from __future__ import annotations

import subprocess
import sys

import inductor


def test_every_public_name_resolves():
    for name in inductor.__all__:
        assert getattr(inductor, name) is not None, name


def test_importing_the_package_and_the_cli_loads_no_heavy_library():
    code = ("import sys, inductor, inductor.cli, inductor.loop, inductor.store, inductor.search; "
            "print(sorted(m for m in ('torch', 'faiss', 'sentence_transformers', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
