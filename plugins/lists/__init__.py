"""The lists domain: lists of integers, and the List Functions benchmark format (Rule 2020)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from inductor.domain import Domain
from inductor.hookspecs import hookimpl
from inductor.tasks import Example, LoadOptions, Task, TaskLoadError, read_json

from . import primitives

DOMAIN = "lists"


def is_int_list(value: object) -> bool:
    return isinstance(value, list) and all(type(v) is int for v in value)


class ListFunctionsLoader:
    """``{"id": "c001", "data": [{"i": [...], "o": [...]}, ...]}``: no split given, so the first
    ``train_count`` pairs are train and the rest test."""

    name = "list-functions"
    suffixes = (".json",)

    def load(self, path: Path, options: LoadOptions) -> list[Task] | None:
        data = read_json(path)
        if not isinstance(data, dict) or "data" not in data or "train" in data:
            return None  # not this format: the native JSON loader takes it
        pairs = data["data"]
        if not isinstance(pairs, list) or not pairs:
            raise TaskLoadError(path, '"data" must be a non-empty list of {"i": ..., "o": ...} pairs')
        examples = []
        for n, pair in enumerate(pairs):
            if not isinstance(pair, dict) or "i" not in pair or "o" not in pair:
                raise TaskLoadError(path, f'data[{n}] must be an object with "i" and "o"')
            examples.append(Example((pair["i"],), pair["o"]))
        k = max(1, min(options.train_count, len(examples)))
        task_id = str(data.get("id", path.stem))
        return [
            Task(id=task_id, train=examples[:k], test=examples[k:], domain=DOMAIN, source=path,
                 loader=self.name, types={"x": "list[int]"})
        ]


@hookimpl
def inductor_register_loaders(register):
    register(ListFunctionsLoader())


def is_lists_task(task: Task) -> bool:
    """Every example maps integers and integer lists (at least one list) to a list or an integer."""
    examples = task.train + task.test
    return bool(examples) and all(
        all(is_int_list(a) or type(a) is int for a in e.args)
        and (is_int_list(e.output) or type(e.output) is int)
        and any(is_int_list(a) for a in e.args)
        for e in examples
    )


def dream_inputs(count: int, seed: int) -> list[tuple[Any, ...]]:
    """Lists like List Functions': 1-10 integers, mostly small, sometimes repeated."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        top = rng.choice((9, 9, 20, 99))
        out.append(([rng.randint(0, top) for _ in range(rng.randint(1, 10))],))
    return out


LISTS = Domain(
    DOMAIN,
    description=(
        "Inputs and outputs are Python lists of non-negative integers (or single integers). "
        "Typical rules select, reorder, count, insert or transform elements, often depending on "
        "the first or last element or on positions."
    ),
    primitives=primitives,
    dsl=f"{__name__}.dsl",
    shots=Path(__file__).with_name("shots.json"),
    detect=is_lists_task,
    dream=dream_inputs,
    probes=(([],), ([0],), ([3, 1, 2],), ([5, 5, 1, 9, 0, 2, 7],), ([10, 20, 30, 40, 50, 60],)),
    noun="list",
)


@hookimpl
def inductor_register_domains(register):
    register(LISTS)
