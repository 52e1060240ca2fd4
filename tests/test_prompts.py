"""Prompt rendering per template, the domains' shots, and helper selection."""

from __future__ import annotations

import pytest

from inductor.prompts import (
    BODY_START,
    Attempt,
    PromptError,
    Prompts,
    helpers_from_module,
    rank_helpers,
)
from inductor.tasks import Example, Task
from inductor.verify import Verifier

REVERSE = Task("rev", [Example(([1, 2, 3],), [3, 2, 1]), Example(([5],), [5])],
               test=[Example(([7, 8],), [8, 7])], domain="lists")
JOIN = Task("join", [Example(("a", "b"), "a b")], domain="strings", arg_names=["first", "last"],
            types={"first": "str", "last": "str", "return": "str"})
GRID = Task("grid", [Example(([[1, 0]],), [[0, 1]])], domain="grids")


def _propose(plugins, task, **kw):
    helpers = rank_helpers([h for m in plugins.primitives(task.domain) for h in helpers_from_module(m)], task, 5)
    return Prompts().propose(task, shots=plugins.prompt_shots(task)[:2], helpers=helpers,
                             domain_text=plugins.prompt_context(task), **kw)


@pytest.mark.parametrize("task", [REVERSE, JOIN, GRID], ids=lambda t: t.id)
def test_propose_prompt_ends_with_the_task_header(plugins, task):
    prompt = _propose(plugins, task)
    assert prompt.template == "propose.j2"
    assert prompt.text.endswith(prompt.prefix) and prompt.prefix.startswith("def f(")
    assert prompt.prefix.endswith('"""\n' + BODY_START)
    for ex in task.train:
        assert f"    >>> f({', '.join(repr(a) for a in ex.args)})\n    {ex.output!r}\n" in prompt.prefix
    # The test examples never reach a prompt.
    for ex in task.test:
        assert repr(ex.output) not in prompt.text
    # Shots come before the task, helpers are listed, and prefix + a body is a program.
    assert prompt.text.count("\ndef ") == 3 and "# Helper functions" in prompt.text
    compile(prompt.program(" return " + ", ".join(task.params)), "<test>", "exec")


def test_two_argument_header_uses_the_task_names_and_types(plugins):
    assert _propose(plugins, JOIN).prefix.startswith("def f(first: str, last: str) -> str:\n")


def test_repair_prompt_shows_the_attempt_and_its_misses(plugins):
    attempt = Attempt("def f(x):\n    return x", ["f([1, 2, 3]) returned [1, 2, 3] but should return [3, 2, 1]"])
    prompt = Prompts().repair(REVERSE, attempt, helpers=[], domain_text="")
    assert "def f(x):\n    return x\n\n# The function above is wrong" in prompt.text
    assert "# f([1, 2, 3]) returned [1, 2, 3] but should return [3, 2, 1]" in prompt.text
    assert prompt.template == "repair.j2" and prompt.prefix.startswith("def f(x: list[int]) -> list[int]:")


def test_backslashes_in_examples_keep_the_prefix_valid_python(plugins):
    task = Task("esc", [Example(("a\\nb",), "a\\N{x}")], domain="strings")
    prompt = _propose(plugins, task)
    compile(prompt.program(" return s"), "<test>", "exec")


def test_long_examples_are_cut_to_the_budget_but_one_stays():
    big = Task("big", [Example(([1] * 500,), [2] * 500), Example(([3] * 500,), [4] * 500)], domain="lists")
    prompt = Prompts(example_chars=1000).propose(big, shots=[], helpers=[], domain_text="")
    assert prompt.prefix.count(">>> f(") == 1


def test_template_errors_name_the_template(tmp_path):
    (tmp_path / "propose.j2").write_text("{{ no_such_variable }}")
    with pytest.raises(PromptError, match="propose.j2"):
        Prompts([tmp_path]).propose(REVERSE, shots=[], helpers=[], domain_text="")
    with pytest.raises(PromptError, match="missing.j2"):
        Prompts().render("missing.j2")


def test_every_shot_of_every_domain_passes_its_own_examples(plugins, sandbox):
    verifier = Verifier(sandbox, plugins)
    for task in (REVERSE, JOIN, GRID):
        shots = plugins.prompt_shots(task)
        assert len(shots) >= 5
        for shot in shots:
            source = f"def {shot.name}({shot.params}):\n{shot.body}\n"
            check = Task(shot.name, list(shot.examples), domain=task.domain, entry_point=shot.name)
            assert verifier.check(check, [source])[0], shot.name


def test_helpers_are_ranked_by_the_task_types(plugins):
    helpers = [h for m in plugins.primitives("lists") for h in helpers_from_module(m)]
    chosen = rank_helpers(helpers, REVERSE, 8)
    assert len(chosen) == 8 and chosen[0].params[0] == "list[int]" and chosen[0].returns == "list[int]"
    assert all(h.summary and h.signature.startswith(h.name + "(") for h in chosen)
    string_helpers = [h for m in plugins.primitives("strings") for h in helpers_from_module(m)]
    assert all(set(h.params) <= {"str", "int"} for h in rank_helpers(string_helpers, JOIN, 50))


def test_every_primitive_signature_is_valid_python_with_its_string_defaults(plugins):
    import ast

    helpers = {h.name: h for d in ("lists", "strings", "grids") for m in plugins.primitives(d)
               for h in helpers_from_module(m)}
    for h in helpers.values():
        ast.parse(f"def {h.signature}: pass")  # raises on `sep: str = ) -> str`
    assert helpers["initials"].signature == "initials(s: str, sep: str = '') -> str"
    assert helpers["pad_left"].signature == "pad_left(s: str, width: int, fill: str = '0') -> str"
    assert helpers["head"].signature == "head(xs: list[int]) -> int"  # annotations as written, unquoted
