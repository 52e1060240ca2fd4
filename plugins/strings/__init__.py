"""The strings domain: text transformations, and the SyGuS PBE ``.sl`` format."""

from __future__ import annotations

import keyword
import random
from pathlib import Path
from typing import Any

from inductor.domain import Domain
from inductor.hookspecs import hookimpl
from inductor.tasks import Example, LoadOptions, Task, TaskLoadError, read_text

from . import primitives
from .sygus import SORTS, SygusError, read_problem

DOMAIN = "strings"


def _py_name(name: str) -> str:
    clean = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "x"
    if clean[0].isdigit() or keyword.iskeyword(clean):
        clean = "_" + clean
    return clean


class SygusLoader:
    """SyGuS-IF PBE files: every constraint is a train example. For ``X.sl`` with a sibling
    ``X-long.sl``, the sibling's extra examples become the test set (an option)."""

    name = "sygus"
    suffixes = (".sl",)

    def load(self, path: Path, options: LoadOptions) -> list[Task] | None:
        if options.sygus_test_from_long and self.test_set_of(path) is not None:
            return []  # it is the test set of its sibling, not a task of its own
        try:
            problem = read_problem(read_text(path))
        except SygusError as exc:
            raise TaskLoadError(path, f"SyGuS: {exc}") from None
        train = [Example(args, out) for args, out in problem.examples]
        test: list[Example] = []
        long_file = path.with_name(path.stem + "-long.sl")
        if options.sygus_test_from_long and long_file.is_file():
            try:
                seen = {e.args for e in train}
                extra = read_problem(read_text(long_file)).examples
                test = [Example(a, o) for a, o in dict(extra).items() if a not in seen]
            except (SygusError, TaskLoadError):
                test = []  # the sibling reports its own error when it is loaded
        names = [_py_name(n) for n in problem.arg_names]
        types = {n: SORTS.get(s, s) for n, s in zip(names, problem.arg_sorts)}
        types["return"] = SORTS.get(problem.return_sort, problem.return_sort)
        return [
            Task(id=path.stem, train=train, test=test, domain=DOMAIN, entry_point="f",
                 arg_names=names, types=types, source=path, loader=self.name,
                 meta={"sygus_name": problem.name})
        ]


    @staticmethod
    def test_set_of(path: Path) -> Path | None:
        """The base file ``X.sl`` whose test set ``X-long.sl`` (or ``X-long-repeat.sl``) is."""
        for suffix in ("-long-repeat", "-long"):
            if path.stem.endswith(suffix):
                base = path.with_name(path.stem[: -len(suffix)] + ".sl")
                if base.is_file():
                    return base
        return None


@hookimpl
def inductor_register_loaders(register):
    register(SygusLoader())


def is_strings_task(task: Task) -> bool:
    """Every example maps strings to a string."""
    examples = task.train + task.test
    return bool(examples) and all(all(isinstance(a, str) for a in e.args) and isinstance(e.output, str)
                                  for e in examples)


_FIRST = ("Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "John")
_LAST = ("Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Allen", "Backus")


def dream_inputs(count: int, seed: int) -> list[tuple[Any, ...]]:
    """Short texts like SyGuS': names, phone numbers, dates, words with separators."""
    rng = random.Random(seed)

    def one() -> str:
        kind = rng.randrange(5)
        if kind == 0:
            return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if kind == 1:
            return f"{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
        if kind == 2:
            return f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(1990, 2030)}"
        if kind == 3:
            return rng.choice(_LAST).lower() + rng.choice(("", ".", "-", "_")) + str(rng.randint(0, 99))
        return " ".join(rng.choice(_FIRST + _LAST) for _ in range(rng.randint(1, 3)))

    return [(one(),) for _ in range(count)]


STRINGS = Domain(
    DOMAIN,
    description=(
        "Inputs and outputs are Python strings: names, phone numbers, addresses and similar "
        "records. Typical rules extract fields, reorder parts, change case or insert separators."
    ),
    primitives=primitives,
    dsl=f"{__name__}.dsl",
    shots=Path(__file__).with_name("shots.json"),
    detect=is_strings_task,
    dream=dream_inputs,
    probes=(("",), ("a",), ("Hello World",), ("abc-123 x.y",), ("Jane Q. Doe, 42",)),
    noun="text",
)


@hookimpl
def inductor_register_domains(register):
    register(STRINGS)
