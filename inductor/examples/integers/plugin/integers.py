"""The integers domain: functions from integers to integers (an example plugin).

Load it with ``inductor --plugins-dir inductor/examples/integers/plugin``; docs/plugins.md
walks through this file.
"""

from __future__ import annotations

import random
from pathlib import Path

import integer_primitives  # a module beside this file: a --plugins-dir is on the import path

from inductor import hookimpl
from inductor.prompts import load_shots

DOMAIN = "integers"


@hookimpl
def inductor_register_domains(register):
    register(DOMAIN)


@hookimpl
def inductor_detect_domain(task):
    examples = task.train + task.test
    if examples and all(all(type(a) is int for a in e.args) and type(e.output) is int for e in examples):
        return DOMAIN
    return None


@hookimpl
def inductor_primitives(domain):
    return integer_primitives if domain == DOMAIN else None


@hookimpl
def inductor_prompt_context(task):
    if task.domain != DOMAIN:
        return None
    return "Inputs and outputs are Python integers; rules use arithmetic and decimal digits."


@hookimpl
def inductor_prompt_shots(task):
    if task.domain != DOMAIN:
        return None
    return load_shots(Path(__file__).with_name("shots.json"), "n: int", "int")


@hookimpl
def inductor_dream_inputs(domain, count, seed):
    if domain != DOMAIN:
        return None
    rng = random.Random(seed)
    return [(rng.randint(0, 999),) for _ in range(count)]
