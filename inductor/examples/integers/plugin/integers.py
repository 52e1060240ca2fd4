"""The integers domain: functions from integers to integers (an example plugin).

Load it with ``inductor --plugins-dir inductor/examples/integers/plugin``; docs/plugins.md
walks through this file.
"""

from __future__ import annotations

import random
from pathlib import Path

import integer_primitives  # a module beside this file: a --plugins-dir is on the import path

from inductor import Domain, hookimpl
from inductor.prompts import load_shots


def is_integers_task(task):
    examples = task.train + task.test
    return bool(examples) and all(all(type(a) is int for a in e.args) and type(e.output) is int
                                  for e in examples)


def dream_inputs(count, seed):
    rng = random.Random(seed)
    return [(rng.randint(0, 999),) for _ in range(count)]


INTEGERS = Domain(
    "integers",
    description="Inputs and outputs are Python integers; rules use arithmetic and decimal digits.",
    primitives=integer_primitives,
    shots=lambda: load_shots(Path(__file__).with_name("shots.json"), "n: int", "int"),
    detect=is_integers_task,
    dream=dream_inputs,
    probes=((0,), (1,), (7,), (42,), (-3,), (1000,)),
    noun="number",
)


@hookimpl
def inductor_register_domains(register):
    register(INTEGERS)
