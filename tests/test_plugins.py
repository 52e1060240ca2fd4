"""One test per hook (test_hook_<name>), documentation of every hook, and the loading paths."""

from __future__ import annotations

import inspect
import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from inductor import hookspecs
from inductor.cli import cli
from inductor.plugins import PluginError, Plugins
from inductor.tasks import Example, Task, load_folders
from inductor.verify import Verifier

HERE = Path(__file__).parent
HOOKS = sorted(n for n, f in vars(hookspecs).items() if n.startswith("inductor_") and callable(f))


@pytest.fixture
def shout(plugins):
    module = plugins.load_file(HERE / "plugins" / "shouting.py", name="shouting")
    module.EVENTS.clear()
    return module


def test_every_hook_is_documented_in_one_line_and_typed():
    readme = (HERE.parent / "README.md").read_text()
    for name in HOOKS:
        fn = getattr(hookspecs, name)
        doc = inspect.getdoc(fn) or ""
        assert doc and "\n" not in doc, f"{name} needs a one-line docstring"
        assert "return" in fn.__annotations__, f"{name} needs a return annotation"
        assert f"`{name}`" in readme, f"{name} is missing from the README's hook list"


def test_every_hook_has_a_test():
    tests = {n for n in globals() if n.startswith("test_hook_")}
    assert {f"test_hook_{h.removeprefix('inductor_')}" for h in HOOKS} <= tests


def test_hook_register_loaders(plugins, shout, tmp_path):
    (tmp_path / "shout1.shout").write_text(json.dumps([["a", "A"], ["b", "B"]]))
    result = load_folders([tmp_path], plugins.loaders(), detect_domain=plugins.detect_domain)
    assert [t.id for t in result.tasks] == ["shout1"] and result.tasks[0].loader == "shout"


def test_hook_register_models(plugins, shout):
    from inductor.config import load_settings
    from inductor.models import SampleParams, create_model

    settings = load_settings(sections=plugins.settings_sections())
    model = create_model("echo:loud", plugins.models(), settings)  # as `--model echo:loud` builds it
    assert model.name == "echo:loud"
    assert model.sample("def f(x):\n", SampleParams(n=2)) == ["    return x.upper()\n" * 3] * 2


def test_hook_register_settings(plugins, shout, tmp_path):
    from inductor.config import ConfigError, describe, load_settings
    from inductor.models import SampleParams, create_model

    sections = plugins.settings_sections()
    assert {"model.echo", "model.smollm2", "model.openai"} <= set(sections)  # built-ins through the same hook
    (tmp_path / "echo.toml").write_text('[model]\ntemperature = 0.5\n[model.echo]\nvolume = 1\n')
    settings = load_settings(tmp_path / "echo.toml", sections)
    assert settings.section("model.echo").volume == 1 and settings.model.temperature == 0.5
    model = create_model("echo:x", plugins.models(), settings)  # the factory gets its section over [model]
    assert model.sample("", SampleParams(n=1)) == ["    return x.upper()\n"]
    assert ("model.echo", "volume", 3, "how many times the echo model repeats its answer") in describe(sections)
    (tmp_path / "bad.toml").write_text('[model]\nvolume = 2\n')
    with pytest.raises(ConfigError, match=r"unknown setting 'volume' in \[model\] \(it is a setting of \[model.echo\]\)"):
        load_settings(tmp_path / "bad.toml", sections)


def test_hook_register_embedders(plugins, shout, tmp_path):
    from inductor.app import App

    app = App(options={"library": {"embedder": "zeros"}}, plugins=plugins)
    embedder = app.embedder()  # as the engine builds the configured one
    assert embedder.name == "constant-4" and embedder.embed(["a", "b"]).shape == (2, 4)


def test_hook_register_executors(plugins, shout):
    from inductor.app import App

    executors = plugins.executors()
    assert "sandbox" in executors  # the built-in one, registered through the same hook
    app = App(options={"sandbox": {"executor": "inline", "workers": 2}}, plugins=plugins)
    with app.sandbox() as sandbox:  # as the engine builds the configured executor
        assert sandbox.workers == 1
        assert Verifier(sandbox, plugins).check(Task("u", [Example(("a",), "A")]),
                                                ["def f(x):\n    return x.upper()\n"])[0]


def test_hook_register_commands(monkeypatch):
    monkeypatch.setenv("INDUCTOR_PLUGINS", "")
    import click

    group = click.Group()
    plugins = Plugins.create(entrypoints=False)
    plugins.load_file(HERE / "plugins" / "shouting.py", name="shouting")
    plugins.register_commands(group)
    res = CliRunner().invoke(group, ["shout", "hey"])
    assert res.output == "HEY!\n"


def test_hook_detect_domain(plugins, shout):
    assert plugins.detect_domain(Task("shout-x", [Example(("a",), "A")])) == "shout"
    assert plugins.detect_domain(Task("t", [Example(([1],), [1])])) == "lists"
    assert plugins.detect_domain(Task("t", [Example(("a",), "b")])) == "strings"
    assert plugins.detect_domain(Task("t", [Example(([[1]],), [[1]])])) == "grids"
    assert plugins.detect_domain(Task("t", [Example(({"a": 1},), 1)])) == "generic"


def test_hook_primitives(plugins, shout):
    assert plugins.primitives("shout") == [shout.primitives]
    names = {m.__name__ for m in plugins.primitives("lists")}
    assert names == {"inductor_plugins.lists.primitives"}


def test_hook_dsl(plugins, shout):
    assert plugins.dsl("shout") is shout.dsl
    assert plugins.dsl("lists").__name__ == "inductor_plugins.lists.dsl"
    assert plugins.dsl("no-such-domain") is None
    # The value search enumerates a third-party DSL inside its workers like a built-in one.
    from inductor.value_search import ValueSearcher

    s = ValueSearcher(seconds=3.0, memory_mb=300, bank_mb=32, plugins=plugins)
    try:
        task = Task("shout-dsl", [Example(("hey",), "HEY!"), Example(("no",), "NO!")], domain="shout")
        found = s.search(task)
        assert found.stopped == "solved" and found.sexpr in ('(concat (upper x) "!")', '(upper (concat x "!"))')
    finally:
        s.close()


def test_hook_prompt_context(plugins, shout):
    assert plugins.prompt_context(Task("s", [Example(("a",), "A")], domain="shout")) == "Outputs are loud."
    assert "grids" in plugins.prompt_context(Task("g", [Example(([[1]],), [[1]])], domain="grids"))


def test_hook_extract_code(plugins, shout):
    task = Task("s", [Example(("a",), "A")])
    assert plugins.extract_code("text ```def f(x): pass``` more", task) == "def f(x): pass"
    # Without a plugin's answer the built-in extraction continues the prefix.
    assert plugins.extract_code("return x\nprint(1)", task, "def f(x):\n    ") == "def f(x):\n    return x\n"


def test_hook_prompt_shots(plugins, shout):
    task = Task("shout-1", [Example(("a",), "A")], domain="shout")
    assert [s.name for s in plugins.prompt_shots(task)] == ["exclaim"]
    lists = plugins.prompt_shots(Task("l", [Example(([1],), [1])], domain="lists"))
    assert len(lists) >= 5 and all(s.body.startswith("    ") for s in lists)


def test_hook_prompt_templates(plugins, shout):
    from inductor.prompts import Prompts

    folders = plugins.template_folders()
    assert [f.name for f in folders] == ["shout_templates"]
    task = Task("shout-1", [Example(("a",), "A")], domain="shout")
    prompt = Prompts(folders).propose(task, shots=plugins.prompt_shots(task), helpers=[], domain_text="")
    assert prompt.text.startswith("# LOUD PROMPT FOR shout-1\n# shot: exclaim")
    assert prompt.prefix == "def f(x: str):\n   "


def test_hook_compare_outputs(plugins, shout, sandbox):
    task = Task("s", [Example(("a",), "A")], domain="shout")
    assert plugins.compare(task, "A", "a") is True  # the plugin relaxes case
    plain = Task("p", [Example(("a",), "A")], domain="strings")
    assert plugins.compare(plain, "A", "a") is False
    assert plugins.compare(plain, 1, True) is False and plugins.compare(plain, [1, 2], (1, 2)) is True
    result = Verifier(sandbox, plugins).check(task, ["def f(x):\n    return shout(x)[:-1].lower()\n"])[0]
    assert result


def test_hook_refactor(plugins, shout):
    task = Task("s", [Example(("a",), "A")])
    assert plugins.pm.hook.inductor_refactor(program="def f(x): pass", task=task) == ["DEF F(X): PASS"]


def test_hook_task_started(plugins, shout):
    plugins.task_started(Task("s1", [Example(("a",), "A")]))
    assert ("task_started", "s1") in shout.EVENTS


def test_hook_event(plugins, shout):
    from inductor.events import EventError, Events

    task = Task("s2", [Example(("a",), "A")])
    record = Events(plugins).emit("task_started", subject=task, task=task.id)
    assert ("event", "task_started", "s2") in shout.EVENTS
    assert record["event"] == "task_started" and record["task"] == "s2" and "t" in record
    with pytest.raises(EventError, match="not an event type"):
        Events(plugins).emit("no_such_event")


def test_hook_candidate_checked(plugins, shout, sandbox):
    task = Task("s", [Example(("a",), "A")], domain="strings")
    Verifier(sandbox, plugins).check(task, ["def f(x):\n    return x.upper()\n", "def f(x):\n    return x\n"])
    assert sorted(e for e in shout.EVENTS if e[0] == "candidate_checked") == [
        ("candidate_checked", False), ("candidate_checked", True)]


def test_hook_function_added(plugins, shout):
    plugins.function_added("reverse_list")
    assert ("function_added", "reverse_list") in shout.EVENTS


def test_plugins_dir_and_cli_listing(tmp_path):
    shutil.copy(HERE / "plugins" / "shouting.py", tmp_path / "shouting.py")
    shutil.copy(HERE / "plugins" / "shout_primitives.py", tmp_path / "_shout_primitives.py")
    shutil.copy(HERE / "plugins" / "shout_dsl.py", tmp_path / "shout_dsl.py")
    (tmp_path / "shouting.py").write_text((tmp_path / "shouting.py").read_text().replace(
        '"shout_primitives.py"', '"_shout_primitives.py"'))
    res = CliRunner().invoke(cli, ["--plugins-dir", str(tmp_path), "plugins", "--json"])
    assert res.exit_code == 0, res.output
    listed = {p["name"]: p for p in json.loads(res.output)}
    assert "inductor_compare_outputs" in listed["shouting"]["hooks"]
    assert listed["inductor_plugins.grids"]["source"] == "built-in"
    res = CliRunner().invoke(cli, ["plugins"])
    assert "inductor_plugins.lists" in res.output and "register_loaders" in res.output


def test_task_folder_plugins_py_is_loaded(tmp_path):
    shutil.copy(HERE / "plugins" / "shouting.py", tmp_path / "plugins.py")
    shutil.copy(HERE / "plugins" / "shout_primitives.py", tmp_path / "shout_primitives.py")
    shutil.copy(HERE / "plugins" / "shout_dsl.py", tmp_path / "shout_dsl.py")
    (tmp_path / "shout1.shout").write_text(json.dumps([["a", "A"]]))
    res = CliRunner().invoke(cli, ["tasks", "--json", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["tasks"][0]["domain"] == "shout"


def test_a_task_folder_plugins_py_imports_its_siblings(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "tf_helpers_mod.py").write_text("DOMAIN = 'sibling'\n")
    (tmp_path / "plugins.py").write_text(
        "from inductor import hookimpl\n"
        "import tf_helpers_mod\n\n\n"
        "@hookimpl\n"
        "def inductor_register_domains(register):\n"
        "    register(tf_helpers_mod.DOMAIN)\n")
    (tmp_path / "t1.json").write_text(json.dumps({"domain": "sibling", "train": [{"input": 1, "output": 1}]}))
    try:
        res = CliRunner().invoke(cli, ["tasks", "--json", str(tmp_path)])
    finally:
        sys.modules.pop("tf_helpers_mod", None)
    assert res.exit_code == 0, res.output
    assert "ModuleNotFoundError" not in res.output


def test_entry_points_are_loaded_and_can_be_restricted(monkeypatch):
    from importlib import metadata

    sys.path.insert(0, str(HERE / "plugins"))
    try:
        ep = metadata.EntryPoint(name="shouting", value="shouting", group="inductor")
        monkeypatch.setattr(metadata, "entry_points", lambda group=None: [ep] if group == "inductor" else [])
        monkeypatch.delenv("INDUCTOR_PLUGINS")
        assert "shouting" in {i.name for i in Plugins.create().info()}
        monkeypatch.setenv("INDUCTOR_PLUGINS", "other")
        assert "shouting" not in {i.name for i in Plugins.create().info()}
    finally:
        sys.path.remove(str(HERE / "plugins"))
        sys.modules.pop("shouting", None)


def test_misspelled_hook_and_broken_plugin_are_clear_errors(plugins, tmp_path):
    bad = tmp_path / "typo.py"
    bad.write_text("from inductor import hookimpl\n\n@hookimpl\ndef inductor_register_loader(register):\n    pass\n")
    with pytest.raises(PluginError, match="typo.py"):
        plugins.load_file(bad)
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(PluginError, match="broken.py: failed to import: RuntimeError: boom"):
        plugins.load_file(broken)
    res = CliRunner().invoke(cli, ["--plugins-dir", str(tmp_path), "plugins"])
    assert res.exit_code == 1 and "Error:" in res.output and "Traceback" not in res.output


def test_hook_register_searchers(plugins, shout, sandbox):
    from inductor.config import ModelSettings, SearchSettings
    from inductor.loop import Budget, Induction
    from inductor.prompts import Prompts

    searchers = plugins.searchers()
    assert "enumerate" in searchers  # the built-in one, registered through the same hook
    loop = Induction(None, Verifier(sandbox, plugins), plugins, prompts=Prompts(), budget=Budget(),
                     model_settings=ModelSettings(), search=searchers["lookup"](sandbox, SearchSettings()))
    res = loop.solve(Task("shout2", [Example(("hey",), "HEY"), Example(("no",), "NO")], domain="shout"))
    assert res.train_solved and res.found_by == "search" and "upper()" in res.program


def test_hook_register_backends(plugins, shout, sandbox):
    from inductor.config import ModelSettings, SearchSettings
    from inductor.loop import Budget, Induction
    from inductor.prompts import Prompts

    backends = plugins.backends()
    assert {"local", "ray"} <= set(backends)  # the built-in ones, registered through the same hook
    backend = backends["last-first"](None)
    loop = Induction(None, Verifier(sandbox, plugins), plugins, prompts=Prompts(), budget=Budget(),
                     model_settings=ModelSettings(), search=plugins.searchers()["lookup"](sandbox, SearchSettings()),
                     backend=backend)
    tasks = [Task(f"shout{i}", [Example(("hey",), "HEY"), Example(("no",), "NO")], domain="shout") for i in (1, 2)]
    run = loop.run(tasks)
    assert backend.order == ["shout2", "shout1"]
    assert [r.task.id for r in run.results] == ["shout1", "shout2"] and all(r.train_solved for r in run.results)


def test_hook_dream_inputs(plugins, shout):
    inputs = plugins.dream_inputs("shout", 4, seed=1)
    assert inputs == [("a",), ("b",), ("c",), ("d",)]
    lists = plugins.dream_inputs("lists", 3, seed=1)  # a built-in domain, through the same hook
    assert len(lists) == 3 and all(isinstance(args[0], list) for args in lists)
    assert plugins.dream_inputs("music", 3, seed=1) == []


def test_hook_register_domains(plugins, shout):
    domains = plugins.domains()
    assert domains["shouting"] == ["shout"] and domains["inductor_plugins.grids"] == ["grids"]
    assert {i.name: i.domains for i in plugins.info()}["inductor_plugins.lists"] == ("lists",)
    assert plugins.domain_problem("shout") is None and plugins.domain_problem("generic") is None
    problem = plugins.domain_problem("shuot")
    assert "'shuot'" in problem and "did you mean 'shout'?" in problem
    assert "known: generic, grids, lists, shout, strings" in problem


@pytest.fixture
def import_state():
    """Put sys.path back and forget the modules a --plugins-dir imported."""
    from inductor.plugins import _DIR_MODULES

    path, modules = list(sys.path), set(sys.modules)
    yield
    sys.path[:] = path
    for name in (set(sys.modules) - modules) & _DIR_MODULES:
        del sys.modules[name]


def test_primitives_with_ordinary_annotations_are_typed_and_untyped_ones_are_named(tmp_path, import_state):
    import importlib.util

    from inductor.prompts import UntypedPrimitiveWarning, helpers_from_module
    from inductor.search import Component

    (tmp_path / "plain_prims.py").write_text(  # no `from __future__ import annotations`
        "from typing import List, Optional\n\n"
        "def inc(n: int) -> int:\n    return n + 1\n\n"
        "def firsts(xs: List[List[int]], k: int = 1) -> list[int]:\n    return [x[0] for x in xs]\n\n"
        "def maybe(s: str) -> Optional[str]:\n    return s or None\n\n"
        "def untyped(n):\n    return n\n")
    spec = importlib.util.spec_from_file_location("plain_prims", tmp_path / "plain_prims.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.warns(UntypedPrimitiveWarning) as caught:
        helpers = {h.name: h for h in helpers_from_module(module)}
    assert (helpers["inc"].params, helpers["inc"].returns) == (("int",), "int")
    assert (helpers["firsts"].params, helpers["firsts"].returns) == (("list[list[int]]",), "list[int]")
    assert helpers["maybe"].returns == "str | None"
    assert Component.of(helpers["inc"]) == Component("inc", ("int",), "int")
    assert [str(w.message) for w in caught] == [
        "primitive plain_prims.untyped cannot be typed (no type for n, the return value): "
        "the search will not use it"]


def test_a_plugins_dir_is_importable_and_its_helper_modules_are_not_plugins(plugins, tmp_path, import_state):
    (tmp_path / "alpha.py").write_text(
        "import zz_prims\nfrom inductor import hookimpl\n\n"
        "@hookimpl\ndef inductor_primitives(domain):\n    return zz_prims if domain == 'alpha' else None\n")
    (tmp_path / "zz_prims.py").write_text("def one() -> int:\n    return 1\n")
    plugins.load_dir(tmp_path)
    names = {i.name for i in plugins.info()}
    assert "alpha" in names and "zz_prims" not in names
    assert plugins.primitives("alpha") == [sys.modules["zz_prims"]]  # one module, not a second copy
    (tmp_path / "json.py").write_text("x = 1\n")
    with pytest.raises(PluginError, match=r"json\.py: the module name 'json' is taken"):
        plugins.load_dir(tmp_path)


def test_every_hook_mistake_is_reported_at_once_with_did_you_mean(plugins, tmp_path):
    bad = tmp_path / "typos.py"
    bad.write_text("from inductor import hookimpl\n\n"
                   "@hookimpl\ndef inductor_primitive(domain):\n    pass\n\n"
                   "@hookimpl\ndef inductor_prompt_context(taks):\n    pass\n\n"
                   "def inductor_detect_domain(task):\n    pass\n\n"
                   "@hookimpl\ndef inductor_register_loader(register):\n    pass\n")
    with pytest.raises(PluginError) as err:
        plugins.load_file(bad)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{bad}: ")
    assert "inductor_detect_domain is not decorated with @hookimpl" in message
    assert "unknown hook inductor_primitive (did you mean inductor_primitives?)" in message
    assert "inductor_prompt_context takes taks, which the hook does not pass (it passes: task)" in message
    assert "unknown hook inductor_register_loader (did you mean inductor_register_loaders?)" in message


def test_an_exception_in_a_hook_is_one_line_naming_the_plugin_file_and_the_hook(plugins, tmp_path, data):
    bad = tmp_path / "bad_domain.py"
    bad.write_text("from inductor import hookimpl\n\n@hookimpl\ndef inductor_detect_domain(task):\n"
                   "    raise ValueError('cannot tell')\n")
    plugins.load_file(bad)
    with pytest.raises(PluginError) as err:
        plugins.detect_domain(Task("t", [Example((1,), 2)]))
    assert str(err.value).startswith(f"{bad}: hook inductor_detect_domain failed: ValueError: cannot tell (at {bad}:5)")
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "t.json").write_text(json.dumps({"train": [{"input": 1, "output": 2}]}))
    res = CliRunner().invoke(cli, ["--plugins-dir", str(tmp_path), "tasks", str(tasks)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert res.output.startswith("Error: ") and res.output.count("\n") == 1
    assert "bad_domain.py: hook inductor_detect_domain failed: ValueError: cannot tell" in res.output


def test_a_task_folder_plugins_shots_file_is_not_read_as_a_task(tmp_path):
    shutil.copy(HERE / "plugins" / "shouting.py", tmp_path / "plugins.py")
    shutil.copy(HERE / "plugins" / "shout_primitives.py", tmp_path / "shout_primitives.py")
    shutil.copy(HERE / "plugins" / "shout_dsl.py", tmp_path / "shout_dsl.py")
    (tmp_path / "shout1.shout").write_text(json.dumps([["a", "A"]]))
    (tmp_path / "shots.json").write_text(json.dumps([{"name": "exclaim", "description": "Add a '!'.",
                                                      "body": "    return s + '!'",
                                                      "examples": [{"input": "hi", "output": "hi!"}]}]))
    res = CliRunner().invoke(cli, ["tasks", "--json", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert [t["id"] for t in json.loads(res.output)["tasks"]] == ["shout1"]


def test_a_task_naming_an_unknown_domain_is_a_load_error_naming_the_file(tmp_path):
    (tmp_path / "inc.json").write_text(json.dumps({"domain": "integrs", "train": [{"input": 1, "output": 2}]}))
    res = CliRunner().invoke(cli, ["tasks", "--json", str(tmp_path)])
    assert res.exit_code == 1
    errors = json.loads(res.output)["errors"]
    assert errors == [{"file": str(tmp_path / "inc.json"),
                       "reason": "task 'inc': no plugin serves the domain 'integrs' "
                                 "(known: generic, grids, lists, strings)"}]
    (tmp_path / "inc.py").write_text("def f(x):\n    return x + 1\n")
    res = CliRunner().invoke(cli, ["verify", str(tmp_path / "inc.json"), str(tmp_path / "inc.py")])
    assert res.exit_code != 0 and "no plugin serves the domain 'integrs'" in res.output


def test_plugins_listing_shows_domains_and_fits_the_terminal(tmp_path):
    res = CliRunner().invoke(cli, ["plugins", "--json"])
    assert {p["name"]: p["domains"] for p in json.loads(res.output)}["inductor_plugins.strings"] == ["strings"]
    res = CliRunner(env={"COLUMNS": "60"}).invoke(cli, ["plugins"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert max(len(line) for line in lines) <= 60 and "…" not in res.output
    assert "domains" in lines[2] and any("grids" in line for line in lines)


def test_an_untyped_primitive_is_a_one_line_warning_on_the_command_line(tmp_path, import_state):
    plugin_dir = tmp_path / "plugin"
    shutil.copytree(HERE.parent / "inductor" / "examples" / "integers" / "plugin", plugin_dir)
    with (plugin_dir / "integer_primitives.py").open("a") as f:
        f.write("\n\ndef cube(n):\n    return n ** 3\n\n\n__all__.append('cube')\n")
    res = CliRunner().invoke(cli, ["--plugins-dir", str(plugin_dir), "run",
                                   str(HERE.parent / "inductor" / "examples" / "integers" / "tasks"),
                                   "--model", "none", "--no-library", "--runs-dir", str(tmp_path / "runs"), "-q"])
    assert res.exit_code == 0, res.output
    assert ("warning: primitive integer_primitives.cube cannot be typed (no type for n, the return value): "
            "the search will not use it\n") in res.output
    assert "UntypedPrimitiveWarning" not in res.output
