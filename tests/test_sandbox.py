"""The sandbox on hostile candidates: each ends in a verdict while the run goes on."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

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


# --- red-team classes (issue 15): poisoning, reads of task data, forged lines, crashes ------------

#: Finds the candidate's slot and its child's result pipe in the runner's frames, as a
#: determined candidate would.
SLOT = ("import os, sys, signal, time\n"
        "def slot():\n"
        "    fr = sys._getframe()\n"
        "    while 'indices' not in fr.f_locals:\n"
        "        fr = fr.f_back\n"
        "    loc = fr.f_locals\n"
        "    return loc['idx'], list(loc['indices']), loc['out_fd']\n"
        "def every_fd(data):\n"
        "    for fd in range(64):\n"
        "        try:\n"
        "            os.write(fd, data)\n"
        "        except OSError:\n"
        "            pass\n")

#: Inert by their text, yet they reflect: a class pattern looks up the attribute named by its
#: class's match arguments, a name built at run time; ``attr(obj, name)`` is getattr.
REFLECT = ("def attr(obj, name):\n"
           "    u = chr(95) * 2\n"
           "    meta = type('M', (type,), {u + 'instancecheck' + u: lambda c, o: True})\n"
           "    k = meta('K', (), {u + 'match' + chr(95) + 'args' + u: (name,)})\n"
           "    match obj:\n"
           "        case k(v):\n"
           "            return v\n"
           "def dunder(word):\n"
           "    return chr(95) * 2 + word + chr(95) * 2\n")
INERT_POISONS = {
    # What the candidate's own globals hold as builtins (once the very dict later ones ran with).
    "own builtins": REFLECT + ("def f(x):\n"
                               "    g = attr(f, dunder('glob' + 'als'))\n"
                               "    g[dunder('builtins')]['sorted'] = lambda v: list(v)[::-1]\n"
                               "    return x[::-1]\n"),
    # Through the runner's frames: the builtins every candidate's copy is made from, the real
    # ones, and the shared-state check's picture of them, so that the check sees no change.
    "the runner's state, the check fooled": REFLECT + (
        "def f(x):\n"
        "    new = lambda v: list(v)[::-1]\n"
        "    try:\n"
        "        1 // 0\n"
        "    except ZeroDivisionError as e:\n"
        "        fr = attr(attr(e, dunder('trace' + 'back')), 'tb' + chr(95) + 'frame')\n"
        "    while fr is not None:\n"
        "        p = attr(fr, 'f' + chr(95) + 'loc' + 'als').get('prep')\n"
        "        if p is not None:\n"
        "            b = attr(p, 'builtins')\n"
        "            old = b['sorted']\n"
        "            b['sorted'] = new\n"
        "            attr(fr, 'f' + chr(95) + 'builtins')['sorted'] = new\n"
        "            g = attr(p, 'guard')\n"
        "            if g is not None:\n"
        "                for values in attr(g, 'before')[1]:\n"
        "                    for i, v in enumerate(values):\n"
        "                        if v is old:\n"
        "                            values[i] = new\n"
        "        fr = attr(fr, 'f' + chr(95) + 'back')\n"
        "    return x[::-1]\n"),
}
#: A poison that first turns the shared-state check off: what no check in the child can stop.
GUARD_OFF = ("import sys\n"
             "def f(x):\n"
             "    fr = sys._getframe()\n"
             "    while fr is not None:\n"
             "        p = fr.f_locals.get('prep')\n"
             "        if p is not None and p.guard is not None:\n"
             "            type(p.guard).changed = lambda self: False\n"
             "            p.builtins['sorted'] = lambda v: list(v)[::-1]\n"
             "        fr = fr.f_back\n"
             "    return x[::-1]\n")
WRONG_SORTED = [f"def f(x):\n    y = {i}\n    return sorted(x)\n" for i in range(6)]


@pytest.mark.parametrize("name", sorted(INERT_POISONS))
def test_a_program_inert_by_its_text_cannot_make_a_wrong_one_pass(box, plugins, name):
    from inductor.verify import is_inert

    poison = INERT_POISONS[name]
    assert is_inert(poison)  # the text check is fooled: the verdicts must not rest on it
    task = Task(id="rev", train=[Example(([1, 2, 3],), [3, 2, 1]), Example(([5, 4, 6],), [6, 4, 5])], domain="lists")
    verifier = Verifier(box, plugins)
    results = verifier.check(task, [poison, *WRONG_SORTED])
    assert results[0]  # the poison itself reverses
    assert not any(results[1:]), [r.summary() for r in results[1:]]
    # Not even in a later check of the same task (the child may serve the next batch).
    assert not any(verifier.check(task, [WRONG_SORTED[0] + "# later\n"]))


def test_a_poison_that_turns_the_guard_off_still_cannot_make_a_wrong_one_pass(box, plugins):
    task = Task(id="rev", train=[Example(([1, 2, 3],), [3, 2, 1])], domain="lists")
    results = Verifier(box, plugins).check(task, [GUARD_OFF, *WRONG_SORTED])
    assert results[0] and not any(results[1:])
    assert all(r.train[0].verdict is Verdict.WRONG and r.train[0].actual == [1, 2, 3] for r in results[1:])


def test_every_candidate_gets_fresh_builtins(box):
    # Written to its own builtins, read by the next one: inert programs once shared the dict.
    write = "def f(x):\n    g = attr(f, dunder('glob' + 'als'))\n    g[dunder('builtins')]['marker'] = 1\n    return 0\n"
    read = "def f(x):\n    return attr(f, dunder('glob' + 'als'))[dunder('builtins')].get('marker', 0)\n"
    outcomes = box.run([REFLECT + write, REFLECT + read, REFLECT + read + "# 2\n"], [(0,)], inert=[True] * 3)
    assert [o[0].value for o in outcomes] == [0, 0, 0]


def test_a_candidate_cannot_read_task_data(box, tmp_path):
    import inductor
    import inductor_plugins

    examples = Path(inductor.__file__).parent / "examples"
    example_file = next(p for p in sorted(examples.rglob("*")) if p.is_file())
    task_dir = tmp_path / "tasks"
    task_dir.mkdir()
    task_file = task_dir / "t1.json"
    task_file.write_text('{"train": [{"input": [1], "output": [2]}]}')
    shots = next(Path(inductor_plugins.__path__[0]).rglob("*.json"))
    attacks = [f"def f(x):\n    return open({str(p)!r}).read()\n" for p in (example_file, task_file, shots)]
    attacks += [f"import os\ndef f(x):\n    return os.listdir({str(p)!r})\n" for p in (examples, task_dir)]
    attacks.append(f"import os\ndef f(x):\n    return [n for _, _, fs in os.walk({str(examples)!r}) for n in fs]\n")
    outcomes = box.run([*attacks, "import xml.dom.minidom\ndef f(x):\n    return x\n"], [(1,)])
    for code, out in zip(attacks, outcomes):
        assert out[0].status in (Status.FORBIDDEN, Status.ERROR) or out[0].value == [], (code, out)
    assert outcomes[-1][0].value == 1  # the Python installation is still readable: imports work


def test_the_read_allowlist_holds_no_package_or_plugin_folder():
    import inductor
    import inductor_plugins
    from inductor.sandbox.harden import readable_paths

    hidden = [os.path.realpath(Path(inductor.__file__).parent), *map(os.path.realpath, inductor_plugins.__path__)]
    for root in readable_paths():
        for folder in hidden:
            assert not (folder == root or folder.startswith(root.rstrip("/") + "/")), (root, folder)


def test_the_allowlist_leaves_out_a_package_installed_inside_the_python_installation(tmp_path):
    from inductor.sandbox.harden import _beneath_except

    site = tmp_path / "lib" / "site-packages"
    for name in ("inductor/examples", "numpy", "other"):
        (site / name).mkdir(parents=True)
    (tmp_path / "bin").mkdir()
    hidden = {str((site / "inductor").resolve())}
    got = set(_beneath_except(str(tmp_path), hidden))
    assert got == {str((tmp_path / "bin").resolve()), str((site / "numpy").resolve()), str((site / "other").resolve())}


GOOD_13 = "def f(x):\n    return sorted(x)\n"
NOT_SORTED = [f"def f(x):\n    z = {i}\n    return x\n" for i in range(4)]
FORGERS = {
    # Lines claiming the expected output for itself and every later candidate, on every fd; then returns.
    "lines for the neighbours": SLOT + ("def f(x):\n"
                                        "    idx, indices, fd = slot()\n"
                                        "    every_fd(b''.join(b'[%d,[[0,[1,2,3],1]]]\\n' % j\n"
                                        "                      for j in indices[indices.index(idx):]))\n"
                                        "    return x\n"),
    # Exactly the lines expected (for itself and the rest), then the child exits: undetectable.
    "exact lines, then exit": SLOT + ("def f(x):\n"
                                      "    idx, indices, fd = slot()\n"
                                      "    os.write(fd, b''.join(b'[%d,[[0,[1,2,3],1]]]\\n' % j\n"
                                      "                          for j in indices[indices.index(idx):]))\n"
                                      "    os._exit(0)\n"),
    # Its own line, then a hang the timer cannot stop: the zygote waits on the next one's.
    "own line, then hang": SLOT + ("def f(x):\n"
                                   "    idx, indices, fd = slot()\n"
                                   "    os.write(fd, b'[%d,[[0,[1,2,3],1]]]\\n' % idx)\n"
                                   "    return sum(range(10 ** 13))\n"),
    # Timer off, one byte at a time: a deadline reset by every read never comes.
    "drip": SLOT + ("def f(x):\n"
                    "    idx, indices, fd = slot()\n"
                    "    signal.setitimer(signal.ITIMER_REAL, 0)\n"
                    "    while True:\n"
                    "        every_fd(b'[')\n"
                    "        time.sleep(0.05)\n"),
    "garbage": SLOT + "def f(x):\n    every_fd(b'\\n]]][,,\\n' * 1000)\n    return x\n",
    "an endless line": SLOT + "def f(x):\n    idx, indices, fd = slot()\n    os.write(fd, b'[%d,' % idx + b'7' * (1 << 22))\n"
                              "    return x\n",
}


@pytest.mark.parametrize("name", sorted(set(FORGERS) - {"exact lines, then exit"}))
def test_forged_lines_give_no_candidate_another_ones_verdict(box, name):
    # (A forger writing exactly the lines expected, then ending its child, cannot be told
    # from the child: it can make later candidates fail. It cannot make them pass, below.)
    codes = [GOOD_13, FORGERS[name], NOT_SORTED[0], GOOD_13 + "# 2\n", NOT_SORTED[1]]
    # Flagged inert (the verifier never flags these): lines held back, the child kept.
    for inert in (None, [True] * len(codes)):
        outcomes = box.run(codes, [([3, 1, 2],)], inert=inert)
        assert [outcomes[i][0].value for i in (0, 2, 3, 4)] == [[1, 2, 3], [3, 1, 2], [1, 2, 3], [3, 1, 2]], \
            (name, outcomes)
        for i in (0, 2, 3, 4):
            assert outcomes[i][0].status is Status.OK


@pytest.mark.parametrize("name", sorted(FORGERS))
def test_forged_lines_make_no_wrong_program_pass(box, plugins, name):
    task = Task(id="sort", train=[Example(([3, 1, 2],), [1, 2, 3])], domain="lists")
    results = Verifier(box, plugins).check(task, [FORGERS[name], *NOT_SORTED, GOOD_13])
    assert not any(results[1:-1]) and results[-1]


#: Result lines a candidate forges for itself with values out of bounds, then ends its child.
BAD_FIELDS = [b"[%d,[[0,[1,2,3]," + b"9" * 4000 + b"]]]", b"[%d,[[0,[1,2,3],-5]]]", b"[%d,[[1,{\"a\":1},5]]]",
              b"[%d,3,[1]]", b"[%d,99,\"x\"]", b"[%d,[[7,\"x\",1]]]", b"[%d,[[0,1,1.5e308]]]",
              b"[%d,[[0," + b"[" * 5000 + b"]" * 5000 + b",1]]]", b"[%d," + b"1" * 5000 + b"]"]


@pytest.mark.parametrize("payload", BAD_FIELDS, ids=range(len(BAD_FIELDS)))
def test_a_forged_line_out_of_bounds_is_that_candidates_verdict(box, plugins, payload):
    code = SLOT + ("def f(x):\n"
                   "    idx, indices, fd = slot()\n"
                   f"    os.write(fd, {payload!r} % idx + b'\\n')\n"
                   "    os._exit(0)\n")
    outcomes = box.run([GOOD_13, code, GOOD_13 + "# 2\n"], [([3, 1, 2],)])
    assert outcomes[0][0].value == [1, 2, 3] and outcomes[2][0].value == [1, 2, 3]
    out = outcomes[1][0]
    assert out.status is not Status.OK or (out.value == [1, 2, 3] and 0 <= out.ms <= 10 ** 9)
    task = Task(id="sort", train=[Example(([3, 1, 2],), [1, 2, 3])], domain="lists")
    assert Verifier(box, plugins).check(task, [code, GOOD_13])[1]  # no exception out of the verifier


def test_decoding_never_raises_on_hostile_lines():
    from inductor.sandbox.pool import parse_lines

    lines = [p % 0 if b"%d" in p else p for p in BAD_FIELDS] + [b"", b"[", b"[0", b"[0,", b"x" * 100, b"[0,[[0]]]",
                                                               b"[0,[null]]", b"[" + b"9" * 30 + b",1]"]
    for line in lines:
        for decoded in (parse_lines([line], 2), parse_lines([line, b"[1,[[0,1,1],[0,2,1]]]"], 2)):
            for _, outs in decoded:
                assert len(outs) == 2
                assert all(isinstance(o.status, Status) and isinstance(o.message, str) and len(o.message) <= 300
                           and isinstance(o.ms, float) for o in outs)


#: Exceptions whose description raises, lies or never ends.
RAISING = {
    "__str__ raises": "class E(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n",
    "TypeError whose __str__ raises": "class E(TypeError):\n    def __str__(self):\n        raise RuntimeError('no')\n",
    "ValueError whose __str__ raises": "class E(ValueError):\n    def __str__(self):\n        raise E()\n",
    "__class__ raises": ("class E(Exception):\n    @property\n    def __class__(self):\n        raise RuntimeError('no')\n"),
    "__str__ returns no string": "class E(Exception):\n    def __str__(self):\n        return 42\n",
    "__str__ never ends": "class E(TypeError):\n    def __str__(self):\n        while True:\n            pass\n",
    "class name raises": ("class M(type):\n    @property\n    def __name__(cls):\n        raise RuntimeError('no')\n"
                          "class E(Exception, metaclass=M):\n    pass\n"),
}


@pytest.mark.parametrize("name", sorted(RAISING))
def test_an_exception_that_cannot_be_described_is_still_a_verdict(box, name):
    code = RAISING[name] + "def f(x):\n    raise E()\n"
    at_load = "def f(x):\n    return x\n" + RAISING[name] + "raise E()\n"
    outcomes = box.run([GOOD_13, code, at_load, GOOD_13 + "# 2\n"], [([3, 1, 2],), ([2, 1],)])
    for out in outcomes[1] + outcomes[2]:
        assert out.status is Status.ERROR and out.message and "exited" not in out.message, (name, out)
    assert outcomes[0][0].value == [1, 2, 3] and outcomes[3][1].value == [1, 2]


def test_the_soak_with_every_hostile_kind_loses_no_other_verdict(plugins):
    from inductor.bench import HOSTILE_KINDS, bench_soak

    with Sandbox(workers=2, limits=Limits(timeout=0.1, memory_mb=256)) as sb:
        figures = bench_soak(sb, plugins, n=240, hostile=0.35, seed=2, chunk=120)  # a seed that draws every kind
    assert set(figures["hostile_kinds"]) == set(HOSTILE_KINDS)
    assert figures["normal_verdicts_lost"] == 0 and figures["hostile_passes"] == 0
    assert figures["leaked_processes"] == 0 and sum(figures["verdicts"].values()) == 240


@pytest.mark.parametrize("wrap", ["auto", "none"])
def test_stop_when_ends_the_busy_workers_and_the_next_run_is_whole(wrap):
    spin = "def f(x):\n    while True:\n        pass\n"
    quick = "def f(x):\n    return x + 1\n"
    with Sandbox(workers=2, batch_size=1, wrap=wrap, limits=Limits(timeout=30)) as sb:
        for _ in range(3):  # the second and third runs find the killed worker restarting
            out = sb.run([quick, spin], [(1,)], stop_when=lambda results: results[0] is not None)
            assert out[0][0].status is Status.OK and out[0][0].value == 2
            assert out[1][0].status is Status.STOPPED
        # Without stop_when every candidate runs to its end, on restarted workers.
        out = sb.run([quick, "def f(x):\n    return x * 3\n"], [(2,)])
        assert [o[0].value for o in out] == [3, 6]
        pids = {w.proc.pid for w in sb._pool if w.proc is not None}
    # The killed workers left no process behind (their children die with them).
    left = subprocess.run(["ps", "-o", "pid=", "--ppid", ",".join(map(str, pids))], capture_output=True, text=True)
    assert left.stdout.split() == []


def test_a_kill_that_lands_while_a_worker_restarts_is_not_lost(tmp_path):
    # The race behind a flaky stop_when run: the pool kills a worker that has no process yet
    # (it was killed last run and is starting again); the job must not then run to its end.
    from inductor.sandbox.pool import Worker

    worker = Worker(None, str(tmp_path))
    worker.kill()  # no process to end: only the flag records it
    with pytest.raises(EOFError):
        worker.run({"codes": ["def f(x):\n    while True:\n        pass\n"], "inputs": [[1]]}, budget=60)
    worker.cancelled = False  # what the pool does when it hands the worker its next job
    worker.close()


def test_a_run_stopped_before_any_batch_starts_runs_nothing(sandbox):
    codes = [f"def f(x):\n    return x + {i}\n" for i in range(4)]
    out = sandbox.run(codes, [(1,)], stop_when=lambda results: True)
    # The first batch to finish stops the run: every candidate has an outcome, none is lost.
    assert len(out) == 4 and all(len(o) == 1 for o in out)
    assert all(o[0].status in (Status.OK, Status.STOPPED) for o in out)
    assert any(o[0].status is Status.OK for o in out)


def test_a_killed_sandboxs_empty_workdir_is_swept_and_a_live_ones_kept(tmp_path):
    import os
    import subprocess
    import sys

    from inductor.sandbox.pool import WORKDIR_PREFIX, sweep_workdirs

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid names a process that is gone (as after a SIGKILL)
    gone = tmp_path / f"{WORKDIR_PREFIX}{dead.pid}-abc"
    mine = tmp_path / f"{WORKDIR_PREFIX}{os.getpid()}-def"
    full = tmp_path / f"{WORKDIR_PREFIX}{dead.pid}-ghi"
    for folder in (gone, mine, full):
        folder.mkdir()
    (full / "kept").write_text("not a sandbox's: it holds a file")
    gone.chmod(0o555)  # as a sandbox leaves it
    assert sweep_workdirs(str(tmp_path)) == [str(gone)]
    assert not gone.exists() and mine.is_dir() and full.is_dir()
