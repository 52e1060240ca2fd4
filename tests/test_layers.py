"""Every module of inductor sits in one layer of the import contract (pyproject.toml), so a new
module cannot slip past `lint-imports`; the layers the design document describes are those."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    return [{m.strip() for m in re.split(r"[|:]", layer)} for layer in contract["layers"]]


def test_every_module_of_the_package_is_in_one_layer():
    package = ROOT / "inductor"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    modules -= {"examples"}  # sample tasks and programs, not code the engine imports
    layered = [m for layer in _layers() for m in layer]
    assert len(layered) == len(set(layered)), "a module is in two layers"
    assert modules == set(layered), (f"not in a layer: {sorted(modules - set(layered))}; "
                                     f"layered but gone: {sorted(set(layered) - modules)}")


def test_the_design_document_names_every_layer_module():
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    for layer in _layers():
        for module in layer:
            assert f"`{module}`" in design, f"docs/design.md does not name the layer module {module}"
