from __future__ import annotations

import pytest
from click.testing import CliRunner

from inductor.cli import cli
from inductor.config import ConfigError, describe, load_settings


def test_defaults_file_and_override(tmp_path):
    assert load_settings().sandbox.timeout == 1.0
    (tmp_path / "inductor.toml").write_text("[sandbox]\ntimeout = 2\nworkers = 1\n[tasks]\ntrain_count = 3\n")
    s = load_settings()
    assert s.sandbox.timeout == 2.0 and s.sandbox.workers == 1 and s.tasks.train_count == 3
    assert s.with_options("sandbox", timeout=0.5, workers=None).sandbox.workers == 1


@pytest.mark.parametrize("text,message", [
    ("[sandbox]\ntimeout = 'x'\n", "timeout must be float"),
    ("[nope]\na = 1\n", "unknown section [nope]"),
    ("[sandbox]\nspeed = 1\n", "unknown setting 'speed'"),
    ("[model.nope]\nx = 1\n", "unknown section [model.nope]"),
    ("[sandbox\n", "invalid TOML"),
    ("[search]\nsplit_examples = -1\n", "[search] split_examples must be 0"),
    ("[search]\nsplit_chance = 1.5\n", "[search] split_chance must be a share from 0 to 1"),
    ("[search]\nambiguity_bits = -1\n", "[search] ambiguity_bits and ambiguity_seconds must be 0"),
])
def test_bad_configuration_names_file_and_setting(tmp_path, text, message):
    (tmp_path / "inductor.toml").write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")) as info:
        load_settings()
    assert "inductor.toml" in str(info.value)


def test_cli_reports_config_errors_in_one_line(tmp_path, data):
    (tmp_path / "bad.toml").write_text("[sandbox]\ntimeout = 'x'\n")
    res = CliRunner().invoke(cli, ["--config", str(tmp_path / "bad.toml"), "tasks", str(data / "arc")])
    assert res.exit_code == 1 and "bad.toml: [sandbox] timeout must be float" in res.output
    res = CliRunner().invoke(cli, ["--config", str(tmp_path / "none.toml"), "tasks", str(data / "arc")])
    assert "none.toml: no such configuration file" in res.output


def test_every_setting_is_described_and_in_the_readme():
    from pathlib import Path

    from inductor.plugins import Plugins

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    built_in = Plugins.create(entrypoints=False).settings_sections()  # the built-in backends' sections
    for section, name, _default, help_text in describe(built_in):
        assert help_text, f"{section}.{name} has no description"
        assert f"{name} =" in readme, f"{section}.{name} is missing from the README"
