from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from inductor.cli import cli
from inductor.tasks import LoadOptions, load_folders, load_task_file


def load(plugins, *folders, **options):
    return load_folders(list(folders), plugins.loaders(), LoadOptions(**options), plugins.detect_domain)


def test_arc_loader_reads_real_files_and_skips_licence(plugins, data):
    result = load(plugins, data / "arc")
    assert not result.errors
    assert sorted(t.id for t in result.tasks) == ["3c9b0459", "6150a2bd", "67a3c6ac"]
    task = result.get("67a3c6ac")
    assert task.domain == "grids" and task.loader == "arc"
    assert task.train[0].input == [[6, 6, 6, 2], [6, 1, 6, 2], [7, 2, 7, 2], [1, 7, 2, 2]]
    assert len(task.test) == 1
    assert any(p.name == "LICENSE" for p in result.skipped)


def test_list_functions_split_is_an_option(plugins, data):
    task = load(plugins, data / "list-functions").get("c001")
    assert (len(task.train), len(task.test)) == (5, 6)
    assert task.domain == "lists" and task.loader == "list-functions"
    assert task.train[0].args == ([2, 2, 2, 8],) and task.train[0].output == [2]
    task = load(plugins, data / "list-functions", train_count=8).get("c001")
    assert (len(task.train), len(task.test)) == (8, 3)


def test_sygus_loader_signature_constraints_and_long_sibling(plugins, data):
    result = load(plugins, data / "sygus")
    assert not result.errors
    bikes = result.get("bikes")
    assert bikes.domain == "strings" and bikes.arg_names == ["name"]
    assert bikes.types == {"name": "str", "return": "str"}
    assert bikes.train[0].args == ("Ducati100",) and bikes.train[0].output == "Ducati"
    assert len(bikes.train) == 6
    # Test examples come from bikes-long.sl, without those already in train.
    assert bikes.test and not {e.args for e in bikes.test} & {e.args for e in bikes.train}
    univ = result.get("univ_1")  # two arguments, constraints spread over several lines
    assert univ.arg_names == ["col1", "col2"] and univ.arity == 2
    assert univ.train[0].args == ("University of Pennsylvania", "Phialdelphia, PA, USA")
    # bikes-long.sl is bikes' test set, not a task of its own (it would leak the test examples).
    assert "bikes-long" not in {t.id for t in result.tasks}
    separate = load(plugins, data / "sygus", sygus_test_from_long=False)
    assert separate.get("bikes").test == [] and separate.get("bikes-long").test == []


def test_native_json_jsonl_args_and_domain_detection(plugins, data):
    result = load(plugins, data / "native")
    assert not result.errors
    add = result.get("add")
    assert add.train[0].args == (1, 2) and add.arity == 2 and add.params == ["x1", "x2"]
    assert add.description == "add the two numbers"
    assert result.get("double").domain == "lists"
    assert result.get("upper").domain == "strings"
    grid = result.get("grid")
    assert grid.domain == "grids" and grid.entry_point == "solve"


def test_malformed_files_are_reported_by_name_and_the_rest_load(plugins, data):
    result = load(plugins, data / "broken")
    reasons = {e.path.name: e.reason for e in result.errors}
    assert set(reasons) == {"bad_json.json", "missing_train.json", "not_a_list.json", "no_output.json",
                            "unbalanced.sl", "no_synth.sl"}
    assert "invalid JSON" in reasons["bad_json.json"]
    assert '"train"' in reasons["missing_train.json"]
    assert "must be a list" in reasons["not_a_list.json"]
    assert "output" in reasons["no_output.json"]
    assert "SyGuS" in reasons["unbalanced.sl"] and "synth-fun" in reasons["no_synth.sl"]
    assert [t.id for t in result.tasks] == ["c001"]  # broken/fine.json


def test_non_utf8_and_missing_folder(plugins, tmp_path):
    (tmp_path / "latin1.json").write_bytes(b'{"train": "\xe9"}')
    result = load(plugins, tmp_path, tmp_path / "nope")
    reasons = sorted(str(e) for e in result.errors)
    assert any("latin1.json: not UTF-8" in r for r in reasons)
    assert any("nope: no such file or folder" in r for r in reasons)


def test_task_round_trips_through_native_json(plugins, data, tmp_path):
    task = load(plugins, data / "sygus").get("univ_1")
    (tmp_path / "univ.json").write_text(json.dumps(task.to_json()))
    again = load_task_file(tmp_path / "univ.json", plugins.loaders(), detect_domain=plugins.detect_domain)[0]
    assert again.train == task.train and again.test == task.test and again.arg_names == task.arg_names


def test_cli_tasks_lists_domains_and_failures(data):
    runner = CliRunner()
    res = runner.invoke(cli, ["tasks", str(data / "arc"), str(data / "list-functions"), str(data / "sygus")])
    assert res.exit_code == 0, res.output
    assert "grids" in res.output and "lists" in res.output and "strings" in res.output
    res = runner.invoke(cli, ["tasks", str(data / "broken")])
    assert res.exit_code == 1
    assert "bad_json.json" in res.output and "6 file(s) failed to load" in res.output
    res = runner.invoke(cli, ["tasks", "--json", str(data / "list-functions"), "--train-count", "3"])
    payload = json.loads(res.output)
    assert {t["id"] for t in payload["tasks"]} == {"c001", "c002", "c003"}
    assert all(t["train"] == 3 and t["test"] == 8 for t in payload["tasks"])


def test_cli_tasks_says_which_files_are_other_tasks_test_sets(data):
    runner = CliRunner()
    res = runner.invoke(cli, ["tasks", "--json", str(data / "sygus")])
    payload = json.loads(res.output)
    assert [Path(p).name for p in payload["folded"]] == ["bikes-long.sl"]
    assert "bikes-long" not in {t["id"] for t in payload["tasks"]}
    res = runner.invoke(cli, ["tasks", str(data / "sygus")], terminal_width=200)
    assert "1 file(s) read as other tasks' test examples" in res.output
    res = runner.invoke(cli, ["tasks", "--json", "--sygus-long-as-tasks", str(data / "sygus")])
    payload = json.loads(res.output)
    assert payload["folded"] == [] and "bikes-long" in {t["id"] for t in payload["tasks"]}
