"""The execution-guided enumerator: finds known compositions, prunes equivalents, keeps its budget."""

from __future__ import annotations

from inductor.prompts import helpers_from_module
from inductor.search import Component, Enumerator, constants, library_component
from inductor.tasks import Example, Task


def components(plugins, domain):
    return [c for m in plugins.primitives(domain) for h in helpers_from_module(m) if (c := Component.of(h))]


def test_finds_a_known_composition_of_primitives(plugins, sandbox):
    task = Task("t", [Example(([3, 1, 2],), [3, 2, 1]), Example(([5, 9],), [9, 5]), Example(([4],), [4])],
                domain="lists")
    res = Enumerator(sandbox, max_size=3).search(task, components(plugins, "lists"),
                                                 preludes=plugins.primitives("lists"))
    assert res.stopped == "solved" and res.program.startswith("def f(x):\n    return ")
    namespace = {n: getattr(m, n) for m in plugins.primitives("lists") for n in m.__all__}
    exec(res.program, namespace)
    assert namespace["f"]([7, 8, 1]) == [8, 7, 1]


def test_uses_constants_from_the_examples(plugins, sandbox):
    task = Task("dr", [Example(("Ann Lee",), "Dr. Ann"), Example(("Bo Yu",), "Dr. Bo")], domain="strings")
    assert "'Dr. '" in [t.expr for t in constants(task)]
    res = Enumerator(sandbox, max_size=4).search(task, components(plugins, "strings"),
                                                 preludes=plugins.primitives("strings"))
    assert res.program is not None and "'Dr. '" in res.program


def test_equivalent_programs_are_pruned(plugins, sandbox):
    task = Task("t", [Example(([1, 2],), [9]), Example(([3],), [9, 9])], domain="lists")
    comps = [Component("reverse", ("list[int]",), "list[int]"), Component("tail", ("list[int]",), "list[int]")]
    res = Enumerator(sandbox, max_size=3).search(task, comps, preludes=plugins.primitives("lists"))
    # Size 2: reverse(x), tail(x); size 3 runs only on those two (x itself was seen at size 1,
    # and reverse(reverse(x)) equals x, so it is not kept to grow further).
    assert res.program is None and res.evaluated == 2 + 4 and res.stopped == "size"


def test_the_budget_is_kept(plugins, sandbox):
    task = Task("hard", [Example(([1, 2, 3],), [42, 17]), Example(([4],), [0])], domain="lists")
    res = Enumerator(sandbox, max_size=5, max_programs=300).search(task, components(plugins, "lists"),
                                                                   preludes=plugins.primitives("lists"))
    assert res.program is None and res.stopped == "programs" and res.evaluated <= 300 + 500
    timed = Enumerator(sandbox, max_size=6, seconds=0.3).search(task, components(plugins, "lists"),
                                                                preludes=plugins.primitives("lists"))
    assert timed.stopped in ("time", "programs") and timed.seconds < 5


def test_library_signatures_become_components():
    assert library_component("third", "(x: list[int], k: int = 3) -> list[int]") == \
        Component("third", ("list[int]",), "list[int]", library=True)
    assert library_component("untyped", "(x)") is None


def test_programs_of_primitives_alone_are_tried_before_those_calling_the_library(sandbox):
    from inductor.sandbox import Prelude

    # A budget that ends inside size 2: the primitive program must still be found with a
    # library that adds many size-2 candidates of its own.
    task = Task("rev", [Example(([1, 2, 3],), [3, 2, 1]), Example(([4, 5],), [5, 4])], domain="lists")
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    names = [f"noise_{i}" for i in range(30)]
    (folder / "noise.py").write_text("".join(f"def {n}(x: list[int]) -> list[int]:\n    return x + [{i}]\n"
                                             for i, n in enumerate(names)))
    library = [Component(n, ("list[int]",), "list[int]", library=True) for n in names]
    prims = [Component("reverse", ("list[int]",), "list[int]")]
    from inductor_plugins.lists import primitives

    found = Enumerator(sandbox, max_size=2, max_programs=5).search(
        task, [*library, *prims], preludes=[primitives, Prelude("noise", str(folder / "noise.py"))])
    assert found.program is not None and "reverse(x)" in found.program
