from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from inductor.cli import cli
from inductor.tasks import Example, Task
from inductor.verify import Verdict, Verifier, is_inert, program_key

EXAMPLES = Path(__file__).parent.parent / "inductor" / "examples"


@pytest.fixture
def task():
    return Task(id="rev", train=[Example(([1, 2, 3],), [3, 2, 1]), Example(([4, 5],), [5, 4])],
                test=[Example(([7, 8, 9],), [9, 8, 7])], domain="lists")


def test_identical_programs_are_checked_once(sandbox, plugins, task):
    verifier = Verifier(sandbox, plugins)
    a = "def f(x):\n    return x[::-1]\n"
    b = "# a comment\ndef f(x):\n\n    return x[::-1]   # same code\n"
    results = verifier.check(task, [a, b, "def f(x):\n    return reverse(x)\n"])
    assert results[0] is results[1] and results[0] and results[2]
    assert verifier.stats["distinct"] == 2 and verifier.stats["duplicates"] == 1


def test_verdicts_per_example_and_test_only_when_asked(sandbox, plugins, task):
    verifier = Verifier(sandbox, plugins)
    wrong = verifier.check(task, ["def f(x):\n    return x\n"])[0]
    assert not wrong and [r.verdict for r in wrong.train] == [Verdict.WRONG, Verdict.WRONG]
    assert wrong.train[0].actual == [1, 2, 3] and wrong.test is None
    right = verifier.check(task, ["def f(x):\n    return x[::-1]\n"], test=True)[0]
    assert right and right.test_solved is True and right.score == 1.0
    crash = verifier.check(task, ["def f(x):\n    return x[5]\n"])[0]
    assert crash.train[0].verdict is Verdict.ERROR and "IndexError" in crash.train[0].message


def test_syntax_errors_and_missing_functions_are_errors_of_the_whole_program(sandbox, plugins, task):
    results = Verifier(sandbox, plugins).check(task, ["def f(x) return x", "x = 1"])
    assert "SyntaxError" in results[0].error and "defines no function" in results[1].error
    assert all(r.verdict is Verdict.ERROR for res in results for r in res.train)


def test_entry_point_falls_back_to_the_last_top_level_function(sandbox, plugins, task):
    verifier = Verifier(sandbox, plugins)
    solve, with_f, method, lam = verifier.check(task, [
        "def helper(x):\n    return x\ndef solve(x):\n    return helper(x)[::-1]\n",
        "def g(x): return x[::-1]\ndef f(x): return x\n",
        "class A:\n    def m(self): return 1\ndef h(x): return x[::-1]\n",
        "g = lambda x: x[::-1]\n",
    ])
    assert solve and not with_f and with_f.train[0].actual == [1, 2, 3] and method
    assert "defines no function (expected 'f')" in lam.error


def test_program_keys_ignore_layout_but_never_string_contents():
    assert program_key("# c\ndef f(x):\n\n    return x  # why\n") == program_key("def f(x):\n    return x\n")
    assert program_key("def f(x):\n    return x\t \r\n") == "def f(x):\n    return x"
    distinct = [
        "def f(x):\n    return '#' + x\n", "def f(x):\n    return '' + x\n",
        'def f(x):\n    return """a\n\n"""\n', 'def f(x):\n    return """a\n"""\n',
        "def f(x):\n    return 'a \\\n  b'\n", "def f(x):\n    return 'a \\\nb'\n",
        "def f(x):\n    return x\xa0\n", "def f(x):\n    return x\n",
    ]
    assert len({program_key(s) for s in distinct}) == len(distinct)


def test_every_pass_is_rechecked_alone_inert_or_not(sandbox, plugins, task):
    verifier = Verifier(sandbox, plugins)
    programs = ["import itertools\ndef f(x):\n    return x[::-1]\n", "def f(x):\n    return list(reversed(x))\n",
                "def f(x):\n    return x\n"]
    results = verifier.check(task, programs)
    assert [bool(r) for r in results] == [True, True, False] and verifier.stats["rechecked"] == 2
    assert is_inert(programs[1]) and not is_inert(programs[0])
    assert not is_inert("def f(x):\n    return x.__class__\n")
    assert not is_inert("def f(x):\n    return getattr(x, 'copy')()\n")
    assert not is_inert("def f(x):\n    return (y for y in x).gi_frame\n")
    assert not is_inert("def f(x):\n    return ｇｅｔａｔｔｒ(x, 'a')\n")


def test_cli_verify_names_the_file_of_a_program_that_does_not_compile(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(x)\n    return x\n")
    res = CliRunner().invoke(cli, ["verify", str(EXAMPLES / "tasks" / "c002.json"), str(bad)])
    assert res.exit_code == 1 and res.output.strip() == f"{bad}: SyntaxError: expected ':' (line 1)"


def test_cli_verify_exit_codes_and_output():
    runner = CliRunner()
    ok = runner.invoke(cli, ["verify", str(EXAMPLES / "tasks" / "c002.json"), str(EXAMPLES / "programs" / "third_element.py")])
    assert ok.exit_code == 0, ok.output
    assert "train 5/5 passed, test 6/6 passed" in ok.output
    bad = runner.invoke(cli, ["verify", "--json", str(EXAMPLES / "tasks" / "c002.json"),
                              str(EXAMPLES / "programs" / "first_element_wrong.py")])
    assert bad.exit_code == 1
    payload = json.loads(bad.output)
    assert payload["train_solved"] is False and payload["train"][1] == {
        "verdict": "wrong", "expected": [1], "actual": [5], "message": "", "ms": payload["train"][1]["ms"]}
    hostile = runner.invoke(cli, ["verify", str(EXAMPLES / "tasks" / "bikes.sl"), str(EXAMPLES / "programs" / "hostile.py")])
    assert hostile.exit_code == 1 and "forbidden" in hostile.output


def test_cli_verify_errors_name_the_file(tmp_path, data):
    runner = CliRunner()
    prog = tmp_path / "p.py"
    prog.write_text("def f(x):\n    return x\n")
    res = runner.invoke(cli, ["verify", str(data / "broken" / "bad_json.json"), str(prog)])
    assert res.exit_code == 1 and "bad_json.json: invalid JSON" in res.output and "Traceback" not in res.output
    res = runner.invoke(cli, ["verify", str(data / "list-functions" / "c001.json"), str(tmp_path / "missing.py")])
    assert res.exit_code == 1 and "missing.py" in res.output
    res = runner.invoke(cli, ["verify", str(data / "native" / "many.jsonl"), str(prog)])
    assert res.exit_code == 1 and "choose one with --task ID" in res.output
    res = runner.invoke(cli, ["verify", "--task", "upper", str(data / "native" / "many.jsonl"), str(prog)])
    assert res.exit_code == 1 and "train 0/2 passed" in res.output
    res = runner.invoke(cli, ["verify", "--task", "nope", str(data / "native" / "many.jsonl"), str(prog)])
    assert "no task with id 'nope'" in res.output


def test_help_is_instant_and_imports_no_heavy_library():
    code = "import sys\nfrom inductor.cli import main\nsys.argv=['inductor','--help']\ntry:\n    main()\n" \
           "except SystemExit:\n    pass\nassert not {'torch','faiss','sentence_transformers'} & set(sys.modules), sys.modules"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "verify" in res.stdout


def test_a_candidates_syntax_warnings_do_not_reach_the_user():
    import subprocess
    import sys

    code = ("import inductor.verify\n"
            "compile('def f(x):\\n    return [1][...] + (1)(2)\\n', '<candidate>', 'exec')\n"
            "compile('y = (1)(2)\\n', 'user.py', 'exec')\n")
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr
    assert "<candidate>" not in err and "user.py" in err  # only the candidate's are silenced


def test_the_quick_inequality_check_agrees_with_the_exact_comparison(sandbox, plugins):
    from inductor.default_plugins.compare import exact_equal
    from inductor.sandbox import Outcome, Status
    from inductor.verify import as_json_values

    cases = [  # (expected, actual as JSON brings it back)
        ((1, 2), [1, 2]), ([(1, 2), 3], [[1, 2], 3]), ([1, 2], [2, 1]), (1, True), (True, 1), (1, 1.0),
        ({"a": (1,)}, {"a": [1]}), ({"a": 1}, {"a": 2}), ([[0, 1]], [[0, True]]), ("x", "x"), (None, None),
        ([1, [2, [3]]], [1, [2, [3]]]), ([1, [2, [3]]], [1, [2, [4]]]), (2.5, 2.5), ([], [[]]),
    ]
    examples = [Example((0,), e) for e, _ in cases]
    outcomes = [Outcome(Status.OK, value=a) for _, a in cases]
    task = Task("t", examples)
    verifier = Verifier(sandbox, plugins)
    quick = verifier.compare(task, examples, outcomes, exact_equal, [as_json_values(e.output) for e in examples])
    slow = verifier.compare(task, examples, outcomes, exact_equal)
    assert [r.verdict for r in quick] == [r.verdict for r in slow]
    assert [r.passed for r in slow] == [exact_equal(e, a) for e, a in cases]
    assert [r.passed for r in slow][:6] == [True, True, False, False, False, False]
