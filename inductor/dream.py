"""Dreaming: training pairs (examples -> program) made without any human data.

Random typed compositions of a domain's primitives and library functions are run in the
sandbox on random valid inputs from the domain plugin (``inductor_dream_inputs``); a program
whose outputs are informative (no errors, not the same for every input, not its input
unchanged, a behaviour not seen before) becomes a task with that program as its solution.
Hindsight relabeling does the same for a candidate that ran but missed its task: it is a
correct program for the examples it actually produced.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.errors import InductorError
from inductor.prompts import type_name
from inductor.sandbox import Status
from inductor.search import Component, value_type
from inductor.tasks import Example, Task, TaskLoadError

if TYPE_CHECKING:
    from inductor.plugins import Plugins
    from inductor.results import TaskResult
    from inductor.sandbox import Sandbox
    from inductor.verify import CheckResult

#: Small integer constants a dreamed program may use.
DREAM_INTS = (0, 1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Dream:
    """A task and a program that solves it (by construction)."""

    task: Task
    program: str
    origin: str = "dream"

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task.to_json(), "program": self.program, "origin": self.origin}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Dream:
        from inductor.tasks import task_from_json

        task = task_from_json(Path("<dream>"), data["task"], str(data["task"].get("id", "dream")), "dream")
        return cls(task, str(data["program"]), str(data.get("origin", "dream")))


def _expression(rng: random.Random, want: str, components: Sequence[Component], param: str, param_type: str,
                depth: int) -> str | None:
    """A random expression of type ``want`` using at most ``depth`` nested calls."""
    leaves = [param] if param_type == want else []
    if want == "int":
        leaves.append(str(rng.choice(DREAM_INTS)))
    usable = [c for c in components if c.returns == want]
    if depth <= 0 or not usable or (leaves and rng.random() < 0.25):
        return rng.choice(leaves) if leaves else None
    comp = rng.choice(usable)
    args = []
    for ty in comp.params:
        arg = _expression(rng, ty, components, param, param_type, depth - 1)
        if arg is None:
            return None
        args.append(arg)
    return f"{comp.name}({', '.join(args)})"


def informative(inputs: Sequence[Any], outputs: Sequence[Any]) -> bool:
    """Outputs worth learning from: not all equal, not the input unchanged, not huge."""
    if len({json.dumps(o, sort_keys=True) for o in outputs}) < 2:
        return False
    if sum(o == i for i, o in zip(inputs, outputs)) > len(outputs) // 2:
        return False
    return all(len(json.dumps(o)) <= 400 for o in outputs)


def dream(sandbox: Sandbox, plugins: Plugins, domain: str, count: int, *, seed: int = 0, depth: int = 3,
          train: int = 5, test: int = 3, components: Sequence[Component] | None = None,
          max_tries: int = 40) -> list[Dream]:
    """Up to ``count`` dreams of ``domain``: distinct behaviours, each verified in the sandbox."""
    from inductor.prompts import helpers_from_module

    modules = plugins.primitives(domain)
    if components is None:
        components = [c for m in modules for h in helpers_from_module(m) if (c := Component.of(h)) is not None]
    inputs = plugins.dream_inputs(domain, train + test, seed)
    if not inputs or not components:
        return []
    param_type = value_type([args[0] for args in inputs])
    out_types = sorted({c.returns for c in components})
    rng = random.Random(seed)
    dreams: list[Dream] = []
    seen: set[str] = set()
    for attempt in range(max_tries):
        if len(dreams) >= count:
            break
        exprs: dict[str, str] = {}
        for _ in range(max(64, 4 * (count - len(dreams)))):
            want = rng.choice(out_types)
            expr = _expression(rng, want, components, "x", param_type, rng.randint(1, depth))
            if expr and expr != "x" and "(" in expr:
                exprs[expr] = want
        codes = [f"def f(x):\n    return {e}\n" for e in exprs]
        outcomes = sandbox.run(codes, inputs, preludes=modules)
        for want, code, outs in zip(exprs.values(), codes, outcomes):
            if not all(o.status is Status.OK for o in outs):
                continue
            values = [o.value for o in outs]
            if not all(type_name(v) == want or (want.startswith("list") and v == []) for v in values):
                continue
            key = json.dumps(values, sort_keys=True)
            if key in seen or not informative([a[0] for a in inputs], values):
                continue
            seen.add(key)
            examples = [Example(args, v) for args, v in zip(inputs, values)]
            task = Task(f"dream-{domain}-{seed}-{len(dreams)}", examples[:train], test=examples[train:],
                        domain=domain, types={"x": param_type, "return": want})
            dreams.append(Dream(task, code))
            if len(dreams) >= count:
                break
        if attempt % 4 == 3:  # fresh inputs now and then, so the dreams do not all share them
            inputs = plugins.dream_inputs(domain, train + test, seed * 1000 + attempt)
    return dreams


def relabel(task: Task, result: CheckResult) -> Dream | None:
    """A candidate that ran on every train example but missed: the task it does solve."""
    if not result.train or result.error or any(r.verdict.value not in ("pass", "wrong") for r in result.train):
        return None
    outputs = [r.actual for r in result.train]
    if not informative([ex.args[0] if len(ex.args) == 1 else list(ex.args) for ex in task.train], outputs):
        return None
    from inductor.extract import strip_docstrings

    examples = [Example(ex.args, out) for ex, out in zip(task.train, outputs)]
    # Without the docstring: it shows the examples of the task the program missed.
    return Dream(Task(f"{task.id}:relabeled", examples, domain=task.domain, entry_point=task.entry_point,
                      arg_names=task.arg_names), strip_docstrings(result.source).rstrip() + "\n", "relabeled")


def relabel_results(results: Sequence[TaskResult]) -> list[Dream]:
    """Hindsight relabels of a run's nearest misses: each a program (once) and the examples it produced."""
    out = []
    seen: set[str] = set()
    for res in results:
        for miss in res.near_misses:
            d = relabel(res.task, miss)
            if d is not None and d.program not in seen:
                seen.add(d.program)
                out.append(d)
    return out


def write_dreams(path: Path, dreams: Sequence[Dream]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for d in dreams:
            f.write(json.dumps(d.to_json()) + "\n")


class DreamFileError(ValueError, InductorError):
    """A dreams file cannot be read; the message names the file and line."""


def read_dreams(path: Path) -> list[Dream]:
    """Dreams from a JSONL file written by ``inductor dream`` or a run (``relabeled.jsonl``)."""
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DreamFileError(f"{path}: cannot read: {exc}") from None
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(Dream.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError, TaskLoadError) as exc:
            raise DreamFileError(f"{path}:{no}: not a dream ({{task, program}}): {exc}") from None
    return out
