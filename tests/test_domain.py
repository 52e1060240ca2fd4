"""A domain is one registered object: what the facade reads from it, and what hooks add."""

from __future__ import annotations

import types

import pytest

from inductor import Domain, hookimpl
from inductor.plugins import PluginError, Plugins
from inductor.tasks import Example, Task

NUMBERS = types.ModuleType("numbers_primitives")
exec("def double(n: int) -> int:\n    return 2 * n\n", NUMBERS.__dict__)
NUMBERS.__all__ = ["double"]


def numbers_task(task: Task) -> bool:
    return all(type(e.output) is float for e in task.train)


class NumbersPlugin:
    @hookimpl
    def inductor_register_domains(self, register):
        register(Domain("numbers", description="Floats in, floats out.", primitives=NUMBERS,
                        detect=numbers_task, dream=lambda count, seed: [(float(seed + i),) for i in range(count)],
                        probes=((0.0,), (1.5,)), type_aliases={"Real": "float"}, noun="number",
                        palette=("#000", "#fff")))


def make(*plugins) -> Plugins:
    pm = Plugins.create(entrypoints=False)
    for n, plugin in enumerate(plugins):
        pm.register(plugin, name=f"p{n}")
    return pm


def task(output, domain=None) -> Task:
    return Task(id="t", train=[Example((1.0,), output)], test=[], domain=domain)


def test_the_facade_reads_every_field_of_a_registered_domain():
    pm = make(NumbersPlugin())
    assert pm.domains()["p0"] == ["numbers"]
    assert pm.detect_domain(task(2.0)) == "numbers"
    assert NUMBERS in pm.primitives("numbers")
    assert pm.prompt_context(task(2.0, "numbers")) == "Floats in, floats out."
    assert pm.dream_inputs("numbers", 2, seed=5) == [(5.0,), (6.0,)]
    assert pm.probe_inputs("numbers", 2) == [(0.0, 1.5), (1.5, 0.0)]
    assert pm.type_aliases()["Real"] == "float" and pm.type_aliases()["Grid"] == "list[list[int]]"
    assert pm.domain("numbers").noun == "number"
    assert pm.domain_problem("numbers") is None


def test_the_built_in_domains_are_domain_objects():
    pm = make()
    by_name = {d.name: d for d in pm.domain_objects()}
    assert {"lists", "strings", "grids"} <= set(by_name)
    for name in ("lists", "strings", "grids"):
        d = by_name[name]
        assert d.description and d.probes and d.detect is not None and d.dream is not None
        assert pm.dsl(name) is not None and pm.primitives(name)
        assert pm.prompt_shots(Task(id="t", train=[], test=[], domain=name))
    assert len(by_name["grids"].palette) == 10 and not by_name["lists"].palette
    assert pm.detect_domain(Task(id="t", train=[Example(([1, 2],), [2])], test=[])) == "lists"
    assert pm.detect_domain(Task(id="t", train=[Example(("a",), "b")], test=[])) == "strings"
    assert pm.detect_domain(Task(id="t", train=[Example(([[1]],), [[2]])], test=[])) == "grids"
    assert pm.detect_domain(task(2.0)) == "generic"


def test_hooks_are_asked_before_the_domain_object_and_add_to_it():
    extra = types.ModuleType("more_numbers")

    class Extras:
        @hookimpl
        def inductor_primitives(self, domain):
            return extra if domain == "numbers" else None

        @hookimpl
        def inductor_prompt_context(self, task):
            return "Also: results are rounded." if task.domain == "numbers" else None

        @hookimpl
        def inductor_detect_domain(self, task):
            return "lists" if task.id == "force" else None

    pm = make(NumbersPlugin(), Extras())
    assert pm.primitives("numbers") == [extra, NUMBERS]
    assert pm.prompt_context(task(2.0, "numbers")) == "Floats in, floats out.\n\nAlso: results are rounded."
    forced = task(2.0)
    forced.id = "force"
    assert pm.detect_domain(forced) == "lists"


def test_a_bare_name_and_a_later_object_fill_one_domain():
    class Named:
        @hookimpl
        def inductor_register_domains(self, register):
            register("numbers")

    pm = make(Named(), NumbersPlugin())
    d = pm.domain("numbers")
    assert d.description == "Floats in, floats out." and d.primitives is NUMBERS
    assert pm.domains()["p0"] == pm.domains()["p1"] == ["numbers"]
    assert [x.name for x in pm.domain_objects()].count("numbers") == 1


def test_a_failing_domain_function_names_the_plugin_and_the_domain():
    class Broken:
        @hookimpl
        def inductor_register_domains(self, register):
            register(Domain("broken", detect=lambda task: 1 / 0))

    pm = make(Broken())
    with pytest.raises(PluginError, match=r"plugin p0: domain 'broken': detect failed: ZeroDivisionError"):
        pm.detect_domain(task(2.0))


def test_register_refuses_what_is_not_a_domain():
    class Wrong:
        @hookimpl
        def inductor_register_domains(self, register):
            register(42)

    pm = make(Wrong())
    with pytest.raises(PluginError, match="register\\(\\) takes a Domain or a domain name, not 42"):
        pm.domains()


def test_a_domain_module_may_be_named_by_its_import_path():
    d = Domain("lists", primitives="inductor_plugins.lists.primitives", dsl="inductor_plugins.lists.dsl")
    assert d.primitives_module().__name__ == "inductor_plugins.lists.primitives"
    assert hasattr(d.dsl_module(), "PRIMITIVES")


def test_the_report_draws_cells_with_the_domain_palette_only():
    from inductor.html import render_value

    pm = make()
    grid = [[0, 1], [2, 3]]
    drawn = str(render_value(grid, pm.domain("grids").palette))
    assert drawn.count("<td") == 4 and "#0074D9" in drawn
    assert str(render_value(grid, pm.domain("lists").palette)) == "<code>[[0, 1], [2, 3]]</code>"


def test_a_library_signature_reads_the_domains_type_aliases():
    from inductor.search import library_component

    aliases = make(NumbersPlugin()).type_aliases()
    grid = library_component("flip", "(g: Grid) -> Grid", aliases)
    assert grid is not None and grid.params == ("list[list[int]]",) and grid.returns == "list[list[int]]"
    real = library_component("half", "(r: Real) -> Real", aliases)
    assert real is not None and real.returns == "float"
    assert library_component("flip", "(g: Grid) -> Grid").returns == "Grid"  # no aliases given


def test_a_library_module_imports_its_primitives_through_the_domain_outside_the_sandbox(tmp_path):
    """With no exported primitives beside it, a written module asks the plugins serving its domain."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    shipped = Path(__file__).parent.parent / "library" / "lists.py"
    shutil.copy(shipped, tmp_path / "lists.py")
    code = "import lists, inspect; print(lists.reverse([1, 2, 3]), 'primitives_namespace' in inspect.getsource(lists))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[3,", "2,", "1]", "True"]
