"""docs/plugins.md and its example plugin (inductor/examples/integers) cannot drift apart."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from inductor import hookspecs
from inductor.cli import cli

ROOT = Path(__file__).parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
EXAMPLE = ROOT / "inductor" / "examples" / "integers"
HOOKS = sorted(n for n, f in vars(hookspecs).items() if n.startswith("inductor_") and callable(f))


@pytest.fixture
def import_state():
    """Put sys.path back and forget the modules a --plugins-dir imported."""
    from inductor.plugins import _DIR_MODULES

    path, modules = list(sys.path), set(sys.modules)
    yield
    sys.path[:] = path
    for name in (set(sys.modules) - modules) & _DIR_MODULES:
        del sys.modules[name]


def shown_files() -> dict[str, str]:
    """The guide's code blocks that name a file (``<!-- file: PATH -->`` before the fence)."""
    pattern = re.compile(r"<!-- file: (\S+) -->\n```\w*\n(.*?)\n```", re.S)
    return dict(pattern.findall(GUIDE.read_text()))


def test_the_guide_shows_the_example_files_as_they_are():
    shown = shown_files()
    assert set(shown) >= {"inductor/examples/integers/plugin/integers.py",
                          "inductor/examples/integers/plugin/integer_primitives.py",
                          "inductor/examples/integers/plugin/shots.json",
                          "inductor/examples/integers/tasks/square-plus-one.json"}
    for path, text in shown.items():
        assert (ROOT / path).read_text().rstrip("\n") == text, f"docs/plugins.md shows an old {path}"


def test_the_guide_documents_every_hook():
    text = GUIDE.read_text()
    for name in HOOKS:
        assert f"### `{name}(" in text, f"docs/plugins.md has no section for {name}"


def test_the_readme_links_the_guide():
    assert "(docs/plugins.md)" in (ROOT / "README.md").read_text()


def test_the_example_plugin_solves_its_tasks_with_the_search_alone(tmp_path, import_state):
    plugin_dir = EXAMPLE / "plugin"
    res = CliRunner().invoke(cli, ["--plugins-dir", str(plugin_dir), "plugins", "--json"])
    assert res.exit_code == 0, res.output
    listed = {p["name"]: p for p in json.loads(res.output)}
    assert listed["integers"]["domains"] == ["integers"] and "integer_primitives" not in listed
    res = CliRunner().invoke(cli, ["--plugins-dir", str(plugin_dir), "tasks", "--json", str(EXAMPLE / "tasks")])
    assert res.exit_code == 0, res.output
    assert {t["domain"] for t in json.loads(res.output)["tasks"]} == {"integers"}
    report = tmp_path / "report.json"
    res = CliRunner().invoke(cli, ["--plugins-dir", str(plugin_dir), "run", str(EXAMPLE / "tasks"), "--model", "none",
                                   "--no-library", "--runs-dir", str(tmp_path / "runs"), "--report", str(report),
                                   "-q"])
    assert res.exit_code == 0, res.output
    summary = json.loads(report.read_text())["summary"]
    assert summary["tasks"] == 2 and summary["train_solved"] == 2 and summary["test_solved"] == 2


def test_the_example_primitives_reach_the_sandbox_as_source(tmp_path, import_state, sandbox):
    """The plugins-dir module the hook returns is what candidates call in the sandbox's workers."""
    from inductor.plugins import Plugins
    from inductor.tasks import Example, Task
    from inductor.verify import Verifier

    plugins = Plugins.create(entrypoints=False)
    plugins.load_dir(EXAMPLE / "plugin")
    [module] = plugins.primitives("integers")
    assert Path(module.__file__).parent == EXAMPLE / "plugin"
    task = Task("t", [Example((12,), 9), Example((7,), 49)], domain="integers")
    result = Verifier(sandbox, plugins).check(task, ["def f(x):\n    return square(digit_sum(x))\n"])[0]
    assert result, result.train
