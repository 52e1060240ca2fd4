"""Malformed and hostile task files: each ends in one error naming the file; loading goes on."""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inductor.tasks import MAX_TASK_FILE_BYTES, load_folders

GOOD = {"train": [{"input": [1, 2], "output": [2, 1]}], "test": [{"input": [3], "output": [3]}]}
SUFFIXES = (".json", ".jsonl", ".sl")


def _load(plugins, folder: Path):
    return load_folders([folder], plugins.loaders(), detect_domain=plugins.detect_domain)


def _check(plugins, folder: Path, bad: Path):
    (folder / "good.json").write_text(json.dumps(GOOD))
    result = _load(plugins, folder)
    assert "good" in [t.id for t in result.tasks]  # the other files still load
    errors = [e for e in result.errors if Path(e.path).name == bad.name]
    loaded = [t for t in result.tasks if t.id != "good"]
    assert loaded or len(errors) == 1, (bad.name, result.errors)
    for err in errors:
        assert bad.name in str(err) and "\n" not in str(err)
    return result


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                                        max_size=4),
                           max_leaves=20)
task_like = st.fixed_dictionaries({}, optional={
    "train": st.lists(st.fixed_dictionaries({}, optional={"input": json_values, "output": json_values,
                                                          "args": json_values}), max_size=3) | json_values,
    "test": json_values, "domain": json_values, "entry_point": json_values, "description": json_values,
    "data": json_values, "id": json_values})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=task_like, suffix=st.sampled_from(SUFFIXES))
def test_fuzzed_task_structures(plugins, tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    bad = folder / f"fuzzed{suffix}"
    bad.write_text(json.dumps(data) if suffix != ".sl" else f"(synth-fun f ({json.dumps(data)[:200]}")
    _check(plugins, folder, bad)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300), suffix=st.sampled_from(SUFFIXES))
def test_fuzzed_bytes(plugins, tmp_path_factory, raw, suffix):
    folder = tmp_path_factory.mktemp("bytes")
    bad = folder / f"raw{suffix}"
    bad.write_bytes(raw)
    _check(plugins, folder, bad)


@pytest.mark.parametrize("name, content", [
    ("deep.json", "[" * 200_000 + "]" * 200_000),
    ("deep-dict.json", '{"train": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}"),
    ("huge-int.json", '{"train": [{"input": ' + "9" * 100_000 + ', "output": 1}]}'),
    ("huge-float.json", '{"train": [{"input": 1e999999, "output": 1}]}'),
    ("not-utf8.json", b'{"train": [{"input": "\xff\xfe", "output": 1}]}'),
    ("not-utf8.sl", b"(set-logic SLIA)\n(synth-fun f ((name String)) String)\n(constraint (= (f \"\xff\") \"a\"))"),
    ("nul.jsonl", b'{"id": "a", "train": []}\n\x00\x00\x00\n'),
    ("unbalanced.sl", "(set-logic SLIA)\n(synth-fun f ((name String)) String\n" + "(" * 100_000),
    ("lf-bad.json", '{"id": "c001", "data": [{"i": [1], "o": "x"}, 5]}'),
])
def test_hostile_files(plugins, tmp_path, name, content):
    bad = tmp_path / name
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    _check(plugins, tmp_path, bad)


def test_a_file_over_the_size_limit_is_refused_without_reading_it(plugins, tmp_path):
    bad = tmp_path / "big.json"
    with bad.open("wb") as f:
        f.truncate(MAX_TASK_FILE_BYTES + 1)  # sparse: 50 MiB without writing them
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = _check(plugins, tmp_path, bad)
    assert "MiB limit" in str(result.errors[0])
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 20_000  # KiB: it was never read


def test_a_symlink_out_of_the_folder_is_refused(plugins, tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(GOOD))
    folder = tmp_path / "tasks"
    folder.mkdir()
    os.symlink(outside, folder / "escape.json")
    result = _check(plugins, folder, folder / "escape.json")
    assert "outside" in str(result.errors[0])
