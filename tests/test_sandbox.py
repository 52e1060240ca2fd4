"""The sandbox on hostile candidates: each ends in a verdict while the run goes on."""

from __future__ import annotations

import os
import subprocess

import pytest

from inductor.sandbox import Limits, Sandbox, Status, bwrap_path
from inductor.tasks import Example, Task
from inductor.verify import Verdict, Verifier

GOOD = "def f(x):\n    return sorted(x)\n"

HOSTILE = {
    "infinite loop": ("def f(x):\n    while True:\n        pass\n", Status.TIMEOUT),
    "C-level loop": ("def f(x):\n    return sum(range(10**13))\n", Status.TIMEOUT),
    "memory bomb": ("def f(x):\n    return [0] * (10**10)\n", Status.MEMORY),
    "fork bomb": ("import os\ndef f(x):\n    while True:\n        os.fork()\n", Status.FORBIDDEN),
    "file write": ("def f(x):\n    open('/tmp/inductor-pwned', 'w').write('x')\n    return x\n", Status.FORBIDDEN),
    "socket": ("import socket\ndef f(x):\n    socket.create_connection(('127.0.0.1', 22))\n", Status.FORBIDDEN),
    "os.system": ("import os\ndef f(x):\n    return os.system('touch /tmp/inductor-pwned')\n", Status.FORBIDDEN),
    "subprocess": ("import subprocess\ndef f(x):\n    return subprocess.run(['true'])\n", Status.FORBIDDEN),
    "deep recursion": ("def f(x):\n    return f(x)\n", Status.ERROR),
    # Building 100 MB takes about 0.5 s on a loaded machine: a timeout (or the memory limit) is a fair verdict too.
    "100 MB of output": ("def f(x):\n    return 'a' * (100 * 2**20)\n", (Status.OUTPUT, Status.TIMEOUT, Status.MEMORY)),
    "100 MB printed": ("def f(x):\n    print('a' * (100 * 2**20))\n    return x\n", (Status.OK, Status.TIMEOUT, Status.MEMORY)),
    "sys.exit": ("import sys\ndef f(x):\n    sys.exit(0)\n", Status.ERROR),
    "os._exit": ("import os\ndef f(x):\n    os._exit(0)\n", Status.ERROR),
    "kill the parent": ("import os, signal\ndef f(x):\n    os.kill(os.getppid(), signal.SIGKILL)\n", Status.FORBIDDEN),
    "kill the group": ("import os, signal\ndef f(x):\n    os.killpg(0, signal.SIGKILL)\n", Status.FORBIDDEN),
    "ctypes crash": ("import ctypes\ndef f(x):\n    return ctypes.string_at(0)\n", Status.ERROR),
    "unlink": ("import os\ndef f(x):\n    os.unlink('/etc/hostname')\n", Status.FORBIDDEN),
    "not JSON": ("def f(x):\n    return {1, 2}\n", Status.OUTPUT),
    "self-reference": ("def f(x):\n    a = []\n    a.append(a)\n    return a\n", Status.OUTPUT),
    "huge integer": ("def f(x):\n    return 10 ** 100000\n", Status.ERROR),
    # Unreadable (Landlock) or absent (the strict executor shows no /etc): contained either way.
    "read /etc/passwd": ("def f(x):\n    return open('/etc/passwd').read()\n", (Status.FORBIDDEN, Status.ERROR)),
    "read ~/.ssh": ("import os\ndef f(x):\n    return os.listdir(os.path.expanduser('~/.ssh'))\n",
                    (Status.FORBIDDEN, Status.ERROR)),
    "read the parent's environment": ("import os\ndef f(x):\n    return open(f'/proc/{os.getppid()}/environ').read()\n",
                                      Status.FORBIDDEN),
    "list the work folder": ("import os\ndef f(x):\n    return os.listdir('/work')\n", (Status.FORBIDDEN, Status.ERROR)),
    "huge power": ("def f(x):\n    return 10 ** 10 ** 8\n", (Status.TIMEOUT, Status.ERROR, Status.MEMORY)),
    "never-ending generator": ("def f(x):\n    def g():\n        while True:\n            yield 1\n    return list(g())\n",
                               (Status.MEMORY, Status.TIMEOUT)),
}


@pytest.fixture(scope="module")
def strict_sandbox():
    """The stricter executor: workers inside a bare bubblewrap (skipped where it cannot run)."""
    if bwrap_path(True) is None:
        pytest.skip("bubblewrap cannot create namespaces here (make setup installs it as root)")
    sb = Sandbox(workers=2, limits=Limits(timeout=0.5, memory_mb=256), wrap="strict")
    sb.start()
    yield sb
    sb.close()


@pytest.fixture(params=["sandbox", "strict"])
def box(request):
    """Every hostile test runs on both executors."""
    return request.getfixturevalue("sandbox" if request.param == "sandbox" else "strict_sandbox")


def test_the_strict_executor_shows_the_worker_no_host_files(strict_sandbox):
    assert strict_sandbox.layers["bwrap"] == "strict" and strict_sandbox.layers["read_allowlist"]
    import inductor

    library = os.path.join(os.path.dirname(os.path.dirname(inductor.__file__)), "library")
    probe = ("import os\ndef f(x):\n    return [os.path.exists(p) for p in "
             f"('/etc/passwd', '/root/.ssh', '/home', {library!r}, '/usr/lib')]\n")
    assert strict_sandbox.run([probe], [(0,)])[0][0].value == [False, False, False, False, True]


def _allowed(status):
    return status if isinstance(status, tuple) else (status,)


def test_layers_are_on(sandbox):
    layers = sandbox.layers
    assert layers["rlimits"] and layers["no_new_privs"]
    assert layers["seccomp"], "pyseccomp/libseccomp missing"
    assert layers["landlock"] >= 1, "Landlock unavailable on this kernel"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_candidate_gets_its_verdict_and_the_run_goes_on(box, name):
    code, status = HOSTILE[name]
    outcomes = box.run([GOOD, code, GOOD + "\n# again\n"], [([3, 1, 2],), ([2, 1],)])
    assert outcomes[0][0].status is Status.OK and outcomes[0][0].value == [1, 2, 3]
    assert outcomes[1][0].status in _allowed(status), (name, outcomes[1])
    assert outcomes[2][1].status is Status.OK and outcomes[2][1].value == [1, 2]
    assert not os.path.exists("/tmp/inductor-pwned")


def test_all_hostile_cases_in_one_batch(box):
    codes = [GOOD] + [c for c, _ in HOSTILE.values()] + [GOOD]
    outcomes = box.run(codes, [([3, 1, 2],)])
    for (name, (_, status)), out in zip(HOSTILE.items(), outcomes[1:-1]):
        assert out[0].status in _allowed(status), (name, out)
    assert outcomes[-1][0].value == [1, 2, 3]


def test_monkeypatched_builtins_do_not_reach_the_next_candidate(box):
    poison = "import builtins\nbuiltins.sorted = lambda x: [42]\nbuiltins.len = lambda x: 42\ndef f(x):\n    return x\n"
    outcomes = box.run([poison, GOOD, "def f(x):\n    return len(x)\n"], [([3, 1, 2],)])
    assert outcomes[1][0].value == [1, 2, 3]
    assert outcomes[2][0].value == 3


def test_inert_flags_skip_the_guard_only_where_given(box):
    from inductor.verify import is_inert

    poison = "import builtins\nbuiltins.len = lambda x: 42\ndef f(x):\n    return x\n"
    codes = [GOOD, poison, "def f(x):\n    return len(x)\n"]
    # The verifier flags exactly the programs that cannot reach shared state; the poison is not one.
    flags = [is_inert(c) for c in codes]
    assert flags == [True, False, True]
    outcomes = box.run(codes, [([3, 1, 2],)], inert=flags)
    assert outcomes[0][0].value == [1, 2, 3] and outcomes[2][0].value == 3


def test_patched_primitive_does_not_reach_the_next_candidate(box):
    import inductor_plugins.lists.primitives as prims

    poison = "def f(x):\n    reverse.__code__ = (lambda xs: [7]).__code__\n    return x\n"
    outcomes = box.run([poison, "def f(x):\n    return reverse(x)\n"], [([1, 2],)], preludes=[prims])
    assert outcomes[1][0].value == [2, 1]


def test_threads_left_running_do_not_leak(box):
    code = ("import threading, time\ndef f(x):\n    threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n"
            "    return x\n")
    outcomes = box.run([code, GOOD], [([2, 1],)])
    assert outcomes[0][0].status is Status.OK
    assert outcomes[1][0].value == [1, 2]


def test_sigterm_ignored_still_ends(box):
    code = "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n" \
           "def f(x):\n    while True:\n        pass\n"
    outcomes = box.run([code, GOOD], [([2, 1],)])
    assert outcomes[0][0].status is Status.TIMEOUT
    assert outcomes[1][0].value == [1, 2]


def test_environment_is_empty_in_the_sandbox(box, monkeypatch):
    outcomes = box.run(["import os\ndef f(x):\n    return dict(os.environ)\n"], [(0,)])
    env = outcomes[0][0].value
    assert "INDUCTOR_PLUGINS" not in env and "PATH" not in env


def test_inputs_are_fresh_copies_for_each_candidate(box):
    mutate = "def f(x):\n    x.append(99)\n    return x\n"
    outcomes = box.run([mutate, mutate + "# 2\n", GOOD], [([2, 1],)])
    assert [o[0].value for o in outcomes] == [[2, 1, 99], [2, 1, 99], [1, 2]]


def test_no_processes_leak(box):
    box.run([HOSTILE["fork bomb"][0], HOSTILE["C-level loop"][0]], [(1,)])
    workers = {w.proc.pid for w in box._pool}
    out = subprocess.run(["ps", "-o", "pid=,ppid=", "--ppid", ",".join(map(str, workers))],
                         capture_output=True, text=True).stdout
    # Under bubblewrap each worker has one child (the zygote inside); without it, none.
    assert len(out.split()) // 2 <= len(workers)


def test_eq_tricks_cannot_forge_a_pass(box, plugins):
    task = Task(id="t", train=[Example(([1, 2],), [2, 1])], domain="lists")
    trick = ("class Liar(list):\n    def __eq__(self, other):\n        return True\n"
             "def f(x):\n    return Liar()\n")
    always = "class A:\n    def __eq__(self, o):\n        return True\ndef f(x):\n    return A()\n"
    results = Verifier(box, plugins).check(task, [trick, always])
    assert not results[0] and results[0].train[0].verdict is Verdict.WRONG
    assert not results[1] and results[1].train[0].verdict is Verdict.ERROR


def test_a_candidate_cannot_touch_the_library_files(box, tmp_path):
    from inductor.store import Function, Library

    lib = Library(tmp_path / "lib")
    lib.add(Function(name="twice", domain="lists", signature="(x: list[int]) -> list[int]",
                     source="def twice(x: list[int]) -> list[int]:\n    return x + x\n"))
    module, db = lib.module_path("lists"), lib.folder / "library.sqlite"
    before = (module.read_bytes(), db.read_bytes())
    attacks = [f"def f(x):\n    open({str(module)!r}, 'a').write('def twice(x): return [1]')\n    return x\n",
               f"import os\ndef f(x):\n    os.remove({str(db)!r})\n    return x\n",
               f"def f(x):\n    return open({str(db)!r}, 'rb').read(100).hex()\n"]
    outcomes = box.run([*attacks, GOOD], [([2, 1],)])
    for out in outcomes[:3]:
        assert out[0].status in (Status.FORBIDDEN, Status.ERROR), out
    assert outcomes[3][0].value == [1, 2]
    assert (module.read_bytes(), db.read_bytes()) == before


@pytest.fixture(scope="module")
def one_worker():
    """A sandbox of one worker, so consecutive batches go to the same zygote."""
    with Sandbox(workers=1, limits=Limits(timeout=0.3, memory_mb=256)) as sb:
        yield sb


def test_a_child_that_ran_inert_programs_only_serves_the_next_batch(one_worker):
    # The probe is not inert; flagging it inert (which the verifier never does) shows which
    # child ran it without ending that child.
    probe = "import os\ndef f(x):\n    return os.getpid()\n"
    pid = lambda inert, inputs=((1,),): one_worker.run([probe], list(inputs), inert=[inert])[0][0].value  # noqa: E731
    first = pid(True)
    assert pid(True) == first  # the same task: the waiting child ran it
    assert pid(False) == first  # ... and exits after it: it ran a program that is not inert
    second = pid(True)
    assert second != first
    assert pid(True, [(2,)]) != second  # another task's inputs: a fresh child


def test_a_child_that_dies_holding_lines_back_costs_no_other_program_its_verdict(one_worker):
    # Inert programs' lines are written a few at a time; a C-level loop (no signal handler
    # runs) gets the child killed with earlier lines unsent. They run again, one line each.
    ok = [f"def f(x):\n    return x + {i}\n" for i in range(3)]
    hang = "def f(x):\n    return sum(range(10 ** 13))\n"
    outcomes = one_worker.run([ok[0], ok[1], hang, ok[2]], [(1,)], inert=[True] * 4)
    assert [o[0].status for o in outcomes] == [Status.OK, Status.OK, Status.TIMEOUT, Status.OK]
    assert [outcomes[i][0].value for i in (0, 1, 3)] == [1, 2, 3]


def test_result_lines_decode_together_and_a_forged_one_alone():
    from inductor.sandbox.pool import parse_lines

    good = [b'[0,[[0,[1,2],15]]]', b'[1,6,"SyntaxError: invalid syntax (line 1)"]', b'[2,[[1,"IndexError: x",3]]]']
    decoded = parse_lines(good, 1)
    assert [i for i, _ in decoded] == [0, 1, 2]
    assert decoded[0][1][0].value == [1, 2] and decoded[0][1][0].ms == 0.015
    assert decoded[1][1][0].status is Status.PROGRAM and decoded[2][1][0].status is Status.ERROR
    # A line that would pass for two (or swallow the next) when joined is decoded on its own.
    forged = [b'[0,[[0,1,0]]],[1,[[0,[2,1],0]]]', b'[1,[[0,[9],0]]]']
    assert [(i, o[0].status, o[0].value) for i, o in parse_lines(forged, 1)] == [
        (0, Status.OUTPUT, None), (1, Status.OK, [9])]


def test_the_collector_is_paused_only_while_checking(sandbox, plugins):
    import gc

    task = Task(id="t", train=[Example(([1, 2],), [2, 1])], domain="lists")
    assert gc.isenabled()
    Verifier(sandbox, plugins).check(task, [GOOD])
    assert gc.isenabled()
    gc.disable()
    try:
        Verifier(sandbox, plugins).check(task, [GOOD])
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()
