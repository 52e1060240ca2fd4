"""Domain primitives: documented, typed, standard-library only, and right on a few cases."""

from __future__ import annotations

import ast
import inspect
import sys

import pytest

from inductor_plugins.grids import primitives as grids
from inductor_plugins.lists import primitives as lists
from inductor_plugins.strings import primitives as strings

MODULES = [lists, strings, grids]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_primitives_are_documented_typed_and_exported(module):
    assert len(module.__all__) >= 30
    for name in module.__all__:
        fn = getattr(module, name)
        assert inspect.getdoc(fn), f"{name} needs a docstring"
        sig = inspect.signature(fn)
        assert sig.return_annotation is not inspect.Signature.empty, name
        assert all(p.annotation is not inspect.Parameter.empty for p in sig.parameters.values()), name


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_primitives_import_only_the_standard_library(module):
    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                top = (name or "").split(".")[0]
                assert top == "__future__" or top in sys.stdlib_module_names, name


def test_list_primitives():
    assert lists.rotate_left([1, 2, 3, 4], 1) == [2, 3, 4, 1]
    assert lists.unique([3, 1, 3, 2, 1]) == [3, 1, 2]
    assert lists.sort_by_frequency([1, 2, 2, 3, 3, 3]) == [3, 2, 1]
    assert lists.head([]) == 0 and lists.nth([1, 2], 5) == 0
    xs = [1, 2, 3]
    lists.replace_at(xs, 0, 9)
    assert xs == [1, 2, 3]  # pure


def test_string_primitives():
    assert strings.after("john.smith@x.com", "@") == "x.com"
    assert strings.between("(555) 123", "(", ")") == "555"
    assert strings.substr("abcdef", 2, 3) == "cde" and strings.substr("abc", 5, 1) == ""
    assert strings.initials("Nancy FreeHafer", ".") == "N.F"
    assert strings.regex_find("Honda125", r"[A-Za-z]+") == "Honda"
    assert strings.str_to_int("12a") == -1


def test_grid_primitives():
    g = [[1, 2], [3, 4]]
    assert grids.rotate90(g) == [[3, 1], [4, 2]]
    assert grids.rotate270(grids.rotate90(g)) == g
    assert grids.flip_h(g) == [[2, 1], [4, 3]] and grids.flip_v(g) == [[3, 4], [1, 2]]
    assert grids.scale([[5]], 2) == [[5, 5], [5, 5]]
    assert grids.tile(g, 1, 2) == [[1, 2, 1, 2], [3, 4, 3, 4]]
    scene = [[0, 1, 0, 2], [0, 1, 0, 2], [0, 0, 0, 0], [3, 0, 0, 0]]
    objs = grids.objects(scene)
    assert objs == [[[1], [1]], [[2], [2]], [[3]]]
    assert grids.crop_to_content([[0, 0], [0, 7]]) == [[7]]
    assert grids.largest_object(scene) == [[1], [1]]
    assert grids.gravity_down([[1, 0], [0, 0], [0, 2]]) == [[0, 0], [0, 0], [1, 2]]
