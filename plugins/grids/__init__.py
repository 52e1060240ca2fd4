"""The grids domain: ARC-style grids of colours 0-9, and ARC task files."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from inductor.domain import Domain
from inductor.hookspecs import hookimpl
from inductor.tasks import LoadOptions, Task, TaskLoadError, read_json, task_from_json

from . import primitives

DOMAIN = "grids"


def is_grid(value: Any) -> bool:
    """A non-empty rectangular list of rows of ints 0-9."""
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(row, list) for row in value)
        and len(value[0]) > 0
        and all(len(row) == len(value[0]) for row in value)
        and all(type(v) is int and 0 <= v <= 9 for row in value for v in row)
    )


def _looks_like_arc(data: Any) -> bool:
    if not isinstance(data, dict) or data.get("domain", DOMAIN) != DOMAIN:
        return False
    train = data.get("train")
    if not isinstance(train, list) or not train or not isinstance(train[0], dict):
        return False
    first = train[0].get("input")
    return isinstance(first, list) and bool(first) and isinstance(first[0], list)


class ArcLoader:
    """ARC task files: native JSON whose inputs and outputs are grids; every grid is checked."""

    name = "arc"
    suffixes = (".json",)

    def load(self, path: Path, options: LoadOptions) -> list[Task] | None:
        data = read_json(path)
        if not _looks_like_arc(data):
            return None
        task = task_from_json(path, data, path.stem, self.name)
        for split, examples in (("train", task.train), ("test", task.test)):
            for i, ex in enumerate(examples):
                for what, grid in (("input", ex.input), ("output", ex.output)):
                    if not is_grid(grid):
                        raise TaskLoadError(path, f"{split}[{i}].{what} is not a rectangular grid of colours 0-9")
        task.domain = DOMAIN
        task.types = {"x": "list[list[int]]", "return": "list[list[int]]"}
        return [task]


@hookimpl
def inductor_register_loaders(register):
    register(ArcLoader())


def is_grids_task(task: Task) -> bool:
    """Every example maps arguments including a grid to a grid."""
    examples = task.train + task.test
    return bool(examples) and all(any(is_grid(a) for a in e.args) and is_grid(e.output) for e in examples)


def dream_inputs(count: int, seed: int) -> list[tuple[Any, ...]]:
    """Small ARC-like grids: 2-6 rows and columns, a background and a few coloured cells."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        h, w = rng.randint(2, 6), rng.randint(2, 6)
        colours = rng.sample(range(1, 10), rng.randint(1, 3))
        grid = [[rng.choice(colours) if rng.random() < 0.3 else 0 for _ in range(w)] for _ in range(h)]
        out.append((grid,))
    return out


#: ARC's colours 0-9 as the ARC testing interface draws them.
ARC_COLOURS = ("#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00", "#AAAAAA", "#F012BE", "#FF851B",
               "#7FDBFF", "#870C25")

GRIDS = Domain(
    DOMAIN,
    description=(
        "Inputs and outputs are grids: lists of rows, each a list of colours 0-9, where 0 is "
        "usually the background. Typical rules rotate, mirror, crop, recolour, move or count "
        "objects (connected cells of one colour), or tile and scale the grid."
    ),
    primitives=primitives,
    dsl=f"{__name__}.dsl",
    shots=Path(__file__).with_name("shots.json"),
    detect=is_grids_task,
    dream=dream_inputs,
    probes=(([[0]],), ([[1, 2], [3, 4]],), ([[0, 5, 0], [5, 5, 5], [0, 5, 0]],)),
    type_aliases={"Grid": "list[list[int]]"},
    noun="grid",
    palette=ARC_COLOURS,
)


@hookimpl
def inductor_register_domains(register):
    register(GRIDS)
