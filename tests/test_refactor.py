"""Refactoring accepted programs into library functions keeps their behaviour."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inductor.refactor import describe_name, learn, parametrize, refactor_program
from inductor.store import Library
from inductor.tasks import Example, Task
from inductor.verify import Verifier

TASK = Task("c900", [Example(([1, 2, 3],), [5, 4, 3]), Example(([7],), [9])], domain="lists")
PROGRAM = '''def helper(v):
    return v + 2

def f(x: list[int]) -> list[int]:
    """
    >>> f([1, 2, 3])
    [5, 4, 3]
    """
    return [helper(v) for v in x[::-1]]
'''
CONSTANTS = "def f(x):\n    return [v * 7 for v in x if v > 3] + [42]\n"


def run(source: str, name: str, *args):
    namespace: dict = {}
    exec(compile(source, "<test>", "exec"), namespace)
    return namespace[name](*args)


def test_split_names_docstring_and_rewritten_solution():
    ref = refactor_program(PROGRAM, TASK, known=set(), taken=set())
    names = [f.name for f in ref.functions]
    assert names[0] == "helper" and names[-1] == ref.entry != "f"
    entry = ref.functions[-1]
    assert entry.docstring.startswith(entry.name.replace("_", " ").capitalize())
    assert f">>> {entry.name}([1, 2, 3])" in entry.docstring and entry.signature == "(x: list[int]) -> list[int]"
    program = "".join(f.source + "\n" for f in ref.functions) + ref.solution
    assert run(program, "f", [1, 2, 3]) == [5, 4, 3]


def test_names_are_descriptive_and_avoid_taken_ones():
    fn = ast.parse("def f(x):\n    return sorted(set(x))\n").body[0]
    assert describe_name(fn, TASK, set()) == "sort_unique"
    ref = refactor_program("def f(x):\n    return sorted(set(x))\n", TASK, known=set(), taken={"sort_unique"})
    assert ref.entry == "sort_unique_2"


def test_a_program_that_only_calls_a_library_function_adds_nothing():
    ref = refactor_program("def f(x):\n    return reverse(x)\n", TASK, known={"reverse"}, taken=set())
    assert ref.functions == [] and ref.entry == "reverse" and ref.calls == ["reverse"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-50, max_value=50), max_size=12))
def test_parametrized_constants_keep_the_behaviour(xs):
    tree = ast.parse(CONSTANTS)
    fn = tree.body[0]
    params = parametrize(fn)
    assert set(params.values()) == {7, 3, 42}
    assert run(ast.unparse(tree), "f", xs) == run(CONSTANTS, "f", xs)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=99), max_size=10))
def test_refactored_program_behaves_like_the_original(xs):
    ref = refactor_program(PROGRAM, TASK, known=set(), taken=set())
    program = "".join(f.source + "\n" for f in ref.functions) + ref.solution
    assert run(program, "f", xs) == run(PROGRAM, "f", xs)


def test_learn_verifies_stores_and_merges_duplicates(tmp_path, plugins, sandbox):
    lib = Library(tmp_path / "lib")
    verifier = Verifier(sandbox, plugins)
    first = learn(TASK, PROGRAM, library=lib, index=None, verifier=verifier, plugins=plugins, primitives=set(),
                  run="r1", model="m")
    assert [f.name for f in first.added][-1] == lib.functions()[-1].name and not first.reason
    assert lib.functions()[-1].fingerprint
    # The same behaviour written differently is merged, not added again.
    other = Task("c901", TASK.train, domain="lists")
    same = "def f(x):\n    out = []\n    for v in reversed(x):\n        out.append(v + 2)\n    return out\n"
    second = learn(other, same, library=lib, index=None, verifier=verifier, plugins=plugins, primitives=set())
    assert second.merged and not second.added and "c901" in lib.get(second.merged[0].id).tasks
    # The stored module is what candidates call in the sandbox.
    from inductor.sandbox import Prelude

    entry = first.added[-1].name
    check = verifier.check(TASK, [f"def f(x):\n    return {entry}(x)\n"],
                           extra_preludes=[Prelude(lib.module_name("lists"), str(lib.module_path("lists")))])[0]
    assert check


def test_learn_stores_a_plugins_split_as_the_plugin_wrote_it(tmp_path, plugins, sandbox):
    from inductor.hookspecs import hookimpl

    class Splitter:  # a plugin whose inductor_refactor answers: its functions, named as written
        @hookimpl
        def inductor_refactor(self, program, task):
            return ['def helper(v: int) -> int:\n    """Two more than v."""\n    return v + 2\n']

    plugins.register(Splitter(), name="splitter")
    lib = Library(tmp_path / "lib")
    accepted = "def helper(v):\n    return v + 2\n\ndef f(x):\n    return [helper(v) for v in x[::-1]]\n"
    res = learn(TASK, accepted, library=lib, index=None,
                verifier=Verifier(sandbox, plugins), plugins=plugins, primitives=set())
    assert not res.reason, res.reason
    assert "helper" in [f.name for f in res.added]
    assert lib.get("helper").docstring == "Two more than v."  # the plugin's function, as it wrote it
    assert len(res.added) == 2  # and the entry function calling it

def test_learn_refuses_a_rewrite_that_fails(tmp_path, plugins, sandbox):
    lib = Library(tmp_path / "lib")
    wrong = Task("c902", [Example(([1],), [99])], domain="lists")
    res = learn(wrong, "def f(x):\n    return x\n", library=lib, index=None, verifier=Verifier(sandbox, plugins),
                plugins=plugins, primitives=set())
    assert res.reason.startswith("the rewritten solution fails") and len(lib) == 0


def test_names_of_compositions_of_learned_functions_stay_short():
    fn = ast.parse("def f(x):\n    return remove_at_list_take_list(reverse(x))\n").body[0]
    name = describe_name(fn, TASK, {"remove_at_list_take_list", "reverse"})
    assert name == "remove_at_reverse"


SORT_UNIQUE = "def f(x):\n    return sorted(set(x))\n"


def _namer(answer: str):
    from inductor.models import FakeModel
    from inductor.prompts import Prompts
    from inductor.refactor import ModelNamer

    model = FakeModel([answer])
    return ModelNamer(model, Prompts()), model


def test_the_model_names_and_summarises_a_function_when_its_answer_holds_up():
    namer, model = _namer(" sorted_distinct\nsummary: the distinct numbers of a list, smallest first\n\nname: x")
    ref = refactor_program(SORT_UNIQUE, TASK, known=set(), taken=set(), namer=namer)
    assert ref.entry == "sorted_distinct" and ref.functions[0].summary == "The distinct numbers of a list, smallest first."
    assert ">>> sorted_distinct([1, 2, 3])" in ref.functions[0].docstring
    prompt = model.prompts[0]
    assert prompt.endswith("name: ") and "def function(x):\n    return sorted(set(x))" in prompt
    assert "# [1, 2, 3] -> [5, 4, 3]" in prompt  # the task's examples, as the worked ones show them
    assert (namer.proposed, namer.accepted) == (1, 1)


@pytest.mark.parametrize("answer", [
    " f\nsummary: Sort the list of numbers.",  # vague
    " SortedDistinct\nsummary: Sort the list of numbers.",  # not snake_case
    " sorted_distinct",  # no summary
    " sorted_distinct\nsummary: ok",  # a summary too short to say anything
    " sorted_distinct\nsummary: return sorted(set(x)) == {x}",  # code, not prose
    " banana_bread\nsummary: Bake a loaf of banana bread.",  # unrelated to what the function calls
    " class\nsummary: Sort the list of numbers.",  # a keyword
])
def test_a_malformed_or_unrelated_proposal_falls_back_to_the_rule_made_name(answer):
    namer, _ = _namer(answer)
    ref = refactor_program(SORT_UNIQUE, TASK, known=set(), taken=set(), namer=namer)
    assert ref.entry == "sort_unique" and (namer.proposed, namer.accepted) == (1, 0)


def test_a_proposed_name_already_taken_gets_a_suffix():
    namer, _ = _namer(" sorted_distinct\nsummary: The distinct numbers of a list, smallest first.")
    ref = refactor_program(SORT_UNIQUE, TASK, known=set(), taken={"sorted_distinct"}, namer=namer)
    assert ref.entry == "sorted_distinct_2"


def test_functions_alike_on_the_probes_but_not_on_the_examples_are_not_merged(tmp_path, plugins, sandbox):
    # x[:7] and x[:8] agree on every probe input (none is longer than 7) but not on these tasks.
    lib = Library(tmp_path / "lib")
    verifier = Verifier(sandbox, plugins)
    long = [([1, 2, 3, 4, 5, 6, 7, 8, 9],), ([9, 8, 7, 6, 5, 4, 3, 2, 1, 0],)]
    seven = Task("take7", [Example(a, a[0][:7]) for a in long], domain="lists")
    eight = Task("take8", [Example(a, a[0][:8]) for a in long], domain="lists")
    first = learn(seven, "def f(x):\n    return x[:7]\n", library=lib, index=None, verifier=verifier,
                  plugins=plugins, primitives=set())
    second = learn(eight, "def f(x):\n    return x[:8]\n", library=lib, index=None, verifier=verifier,
                   plugins=plugins, primitives=set())
    assert first.added and second.added and not second.merged
    assert first.added[0].fingerprint == second.added[0].fingerprint
    for fn in lib.functions():  # each stored function still does what its examples say
        task = Task(f"check-{fn.name}", [Example(tuple(a), o) for a, o in fn.examples], domain="lists")
        from inductor.sandbox import Prelude

        prelude = Prelude(lib.module_name("lists"), str(lib.module_path("lists")))
        assert verifier.check(task, [f"def f(x):\n    return {fn.name}(x)\n"], extra_preludes=[prelude])[0]
