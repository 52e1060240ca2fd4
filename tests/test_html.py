"""``inductor report RUN_DIR``: the HTML report's contents, and how a browser draws it."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from samples import ODD_DESC, ODD_PLUS, UNSOLVABLE

from inductor.cli import cli
from inductor.tasks import Example, Task

GRID = Task("flip", [Example(([[1, 2], [3, 4]],), [[2, 1], [4, 3]]), Example(([[5, 0]],), [[0, 5]])], domain="grids")


# The enumerate searcher (size 4) cannot solve the first task until the second has taught it: the
# report then has a task found in pass 2 and a library function it used.
@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("html")
    folder = tmp / "tasks"
    folder.mkdir()
    for task in (ODD_DESC, ODD_PLUS, GRID, UNSOLVABLE):
        (folder / f"{task.id}.json").write_text(json.dumps(task.to_json()))
    (tmp / "inductor.toml").write_text('[library]\nembedder = "hash"\n[search]\nsearcher = "enumerate"\nmax_programs = 5000\n')
    res = CliRunner().invoke(cli, ["--config", str(tmp / "inductor.toml"), "run", str(folder), "--model", "none",
                                   "--passes", "2", "--library", str(tmp / "lib"), "--runs-dir", str(tmp / "runs"),
                                   "-q"])
    assert res.exit_code == 0, res.output
    return next((tmp / "runs").iterdir())


def test_the_report_holds_plots_tables_and_a_section_per_task(run_dir):
    res = CliRunner().invoke(cli, ["report", str(run_dir)])
    assert res.exit_code == 0, res.output
    page = (run_dir / "report.html").read_text()
    assert page.count("<svg") >= 4  # solve curve, passes, library growth, most-used functions
    for heading in ("Solved over time", "Solved over passes", "Library growth", "By domain", "Most-used"):
        assert heading in page
    assert page.count('<section class="task"') == 4
    assert "return add_each(keep_odd(x), 1)" in page  # an accepted program
    assert "found by search in pass 2" in page  # the task that needed what another taught
    assert "def add_each_keep_odd(" in page  # the source of a library function a solution used
    assert 'class="grid"' in page and "#0074D9" in page  # grids drawn as coloured cells
    assert "No program passed every train example" in page
    # self-contained: nothing is fetched from anywhere
    assert "<script src" not in page and "<link" not in page and 'src="http' not in page


def test_the_report_goes_where_asked(run_dir, tmp_path):
    out = tmp_path / "r.html"
    res = CliRunner().invoke(cli, ["report", str(run_dir), "-o", str(out)])
    assert res.exit_code == 0 and out.is_file() and str(out) in res.output


@pytest.mark.parametrize("make, message", [
    (lambda p: p, "report.json: missing"),
    (lambda p: (p / "report.json").write_text("{nope") and p, "report.json: unreadable"),
    (lambda p: p / "absent", "not a run folder"),
])
def test_report_errors_are_one_line(tmp_path, make, message):
    target = make(tmp_path) or tmp_path
    res = CliRunner().invoke(cli, ["report", str(target)])
    assert res.exit_code == 1 and message in res.output and "Traceback" not in res.output


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.integration
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (make report-check installs it)")
def test_headless_chromium_draws_the_plots_with_no_network(run_dir, tmp_path):
    from PIL import Image

    page = run_dir / "report.html"
    CliRunner().invoke(cli, ["report", str(run_dir)])
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9",
                    f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    # The solve curve's blue and the pass bars' green are on screen, so the SVG plots were drawn.
    assert any(abs(r - 0x2A) + abs(g - 0x7A) + abs(b - 0xE2) < 30 for _, (r, g, b) in colours)
    assert any(abs(r - 0x2C) + abs(g - 0xA0) + abs(b - 0x2C) < 30 for _, (r, g, b) in colours)


def test_the_report_escapes_hostile_program_text_task_ids_and_values(tmp_path):
    """Program text, task ids and example values are data: none of it becomes markup in the page."""
    folder = tmp_path / "tasks"
    folder.mkdir()
    attack = "<img src=x onerror=alert(1)>"
    task = Task(attack, [Example((["</pre><script>alert(2)</script>"],), ["</pre><script>alert(2)</script>"])],
                test=[Example((["<b>x</b>"],), ["<b>x</b>"])])
    (folder / "evil.json").write_text(json.dumps({**task.to_json(), "id": attack}))
    (folder / "evil.json").rename(folder / f"{attack.replace('/', '')}.json")
    script = tmp_path / "script.json"
    script.write_text(json.dumps([' s = "</pre><script>alert(3)</script>"\n    return x\n']))
    res = CliRunner().invoke(cli, ["run", str(folder), "--model", f"fake:{script}", "--samples", "1", "--rounds", "0",
                                   "--no-search", "--no-library", "--runs-dir", str(tmp_path / "runs"), "-q"])
    assert res.exit_code == 0, res.output
    run = next((tmp_path / "runs").iterdir())
    assert json.loads((run / "report.json").read_text())["tasks"][0]["train_solved"]
    res = CliRunner().invoke(cli, ["report", str(run)])
    assert res.exit_code == 0, res.output
    page = (run / "report.html").read_text()
    assert "<script" not in page and "<img" not in page and "<b>x</b>" not in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(3)" in page  # the program is shown, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_report_shows_the_other_readings_of_a_solved_task(tmp_path):
    """The value search's other readings (here head and min, which agree on every train list)
    are listed under the accepted program, with their outputs on the test inputs."""
    folder = tmp_path / "tasks"
    folder.mkdir()
    ins = [[1, 5, 3], [2, 9, 4], [0, 7], [3, 8, 6]]
    task = Task("head-or-min", [Example((xs,), xs[0]) for xs in ins], test=[Example(([5, 1, 2],), 5)], domain="lists")
    (folder / "head-or-min.json").write_text(json.dumps(task.to_json()))
    res = CliRunner().invoke(cli, ["run", str(folder), "--model", "none", "--no-library", "--time-per-task", "10",
                                   "--runs-dir", str(tmp_path / "runs")])
    assert res.exit_code == 0, res.output
    assert "another program fits the train examples" in res.output and "on f([5, 1, 2]) it gives" in res.output
    run = next((tmp_path / "runs").iterdir())
    assert json.loads((run / "report.json").read_text())["summary"]["ambiguous"] == 1
    res = CliRunner().invoke(cli, ["report", str(run)])
    assert res.exit_code == 0, res.output
    page = (run / "report.html").read_text()
    assert "Other readings of the train examples" in page and ("return x[0]" in page or "return min(x)" in page)
