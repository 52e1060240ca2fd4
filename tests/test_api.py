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


def test_the_readmes_python_example_runs_as_written(tmp_path, monkeypatch, capsys):
    import re
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- python-api-example:.*?-->\n```python\n(.*?)```", readme, re.S)
    assert block, "the README's Python example is missing"
    shutil.copytree(root / "inductor" / "examples" / "tasks", tmp_path / "inductor" / "examples" / "tasks")
    monkeypatch.chdir(tmp_path)
    exec(compile(block.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "c002 solved" in out and "solved on test; report:" in out
    assert (tmp_path / "my-library" / "library.sqlite").is_file()
    report = next((tmp_path / "runs").glob("*/report.json"))
    assert str(report) in out or str(report.relative_to(tmp_path)) in out
