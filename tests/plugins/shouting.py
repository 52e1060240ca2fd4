"""A third-party-style plugin used by the tests: a loader, a domain, a comparison, a command."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import click

from inductor import hookimpl
from inductor.tasks import Example, Task

EVENTS: list[tuple[str, object]] = []

_spec = importlib.util.spec_from_file_location("shout_primitives", Path(__file__).with_name("shout_primitives.py"))
primitives = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(primitives)
_spec = importlib.util.spec_from_file_location("shout_dsl", Path(__file__).with_name("shout_dsl.py"))
dsl = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dsl)


class ShoutLoader:
    name = "shout"
    suffixes = (".shout",)

    def load(self, path: Path, options):
        pairs = json.loads(path.read_text())
        return [Task(id=path.stem, train=[Example((a,), b) for a, b in pairs], domain="shout", loader=self.name)]


@hookimpl
def inductor_register_loaders(register):
    register(ShoutLoader())


@hookimpl
def inductor_register_models(register):
    def echo(arg, settings):  # called as the engine calls a model factory: (ARG of NAME:ARG, [model] settings)
        from inductor.models import FakeModel

        return FakeModel(["    return x.upper()\n" * settings.volume], name=f"echo:{arg}")

    register("echo", echo)


@hookimpl
def inductor_register_settings(register):
    from dataclasses import dataclass

    from inductor.config import setting

    @dataclass(frozen=True)
    class EchoSettings:
        volume: int = setting(3, "how many times the echo model repeats its answer")

    register("model.echo", EchoSettings)


@hookimpl
def inductor_register_embedders(register):
    class Constant:  # an embedder: name, dim, embed(texts) -> float32 array of unit vectors
        name, dim = "constant-4", 4

        def embed(self, texts):
            import numpy as np

            return np.full((len(texts), 4), 0.5, dtype="float32")

    register("zeros", Constant)  # the engine calls an embedder factory without arguments


@hookimpl
def inductor_register_executors(register):
    def one_worker(*, workers, limits, wrap, batch_size):  # the keywords the engine passes
        from inductor.sandbox import Sandbox

        return Sandbox(workers=1, limits=limits, wrap=wrap, batch_size=batch_size)

    register("inline", one_worker)


@hookimpl
def inductor_register_commands(cli):
    @cli.command(name="shout")
    @click.argument("word")
    def shout(word):
        """Say WORD loudly."""
        click.echo(word.upper() + "!")


@hookimpl
def inductor_register_domains(register):
    register("shout")


@hookimpl
def inductor_detect_domain(task):
    if task.id.startswith("shout"):
        return "shout"
    return None


@hookimpl
def inductor_primitives(domain):
    return primitives if domain == "shout" else None


@hookimpl
def inductor_dsl(domain):
    return dsl if domain == "shout" else None


@hookimpl
def inductor_prompt_context(task):
    return "Outputs are loud." if task.domain == "shout" else None


@hookimpl
def inductor_extract_code(text, task):
    return text.split("```")[1] if "```" in text else None


@hookimpl(tryfirst=True)
def inductor_compare_outputs(task, expected, actual):
    if task.domain == "shout" and isinstance(expected, str) and isinstance(actual, str):
        return expected.lower() == actual.lower()
    return None


@hookimpl
def inductor_refactor(program, task):
    return [program.upper()]


@hookimpl
def inductor_task_started(task):
    EVENTS.append(("task_started", task.id))


@hookimpl
def inductor_event(record, subject):
    EVENTS.append(("event", record["event"], getattr(subject, "id", None)))


@hookimpl
def inductor_candidate_checked(task, result):
    EVENTS.append(("candidate_checked", bool(result)))


@hookimpl
def inductor_function_added(function):
    EVENTS.append(("function_added", function))


@hookimpl
def inductor_prompt_shots(task):
    if task.domain != "shout":
        return None
    from inductor.prompts import Shot

    return [Shot("exclaim", "Add an exclamation mark.", (Example(("hi",), "hi!"),), '    return s + "!"', "s: str")]


@hookimpl
def inductor_prompt_templates():
    return str(Path(__file__).with_name("shout_templates"))


class LookupSearcher:
    """A search proposer that answers every shout task with the same program."""

    def __init__(self, sandbox, settings):
        self.settings = settings

    def search(self, task, components, preludes=(), same=None, deadline=None):
        from inductor.search import SearchResult

        if task.domain != "shout":
            return SearchResult(stopped="not mine")
        param = task.params[0]
        return SearchResult(program=f"def {task.entry_point}({param}):\n    return {param}.upper()\n", evaluated=1)


class LastFirst:
    """A backend that solves a pass's tasks last one first (in this process)."""

    name = "last-first"
    solves_here = True

    def __init__(self, app):
        self.order = []

    def solve(self, induction, tasks, pass_no):
        from inductor.loop import Solved

        done = {}
        for i in reversed(range(len(tasks))):
            self.order.append(tasks[i].id)
            done[i] = induction.solve(tasks[i], pass_no)
        for i in range(len(tasks)):
            yield Solved(i, done[i])

    def close(self):
        pass


@hookimpl
def inductor_register_backends(register):
    register("last-first", LastFirst)


@hookimpl
def inductor_register_searchers(register):
    register("lookup", LookupSearcher)


@hookimpl
def inductor_dream_inputs(domain, count, seed):
    return [(chr(ord("a") + i),) for i in range(count)] if domain == "shout" else None
