"""``inductor bench soak``: normal and hostile candidates for a long stretch; memory, processes
and CPU of the sandbox before and after."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.bench.sandbox import (
    _rss_mb,
    _sandbox_processes,
    bench_task,
    labelled_mix,
)

if TYPE_CHECKING:
    from inductor.plugins import Plugins
    from inductor.sandbox import Sandbox


HOSTILE_KINDS: dict[str, str] = {
    "infinite loop": "def f(x):\n    while True:\n        pass\n",
    "memory bomb": "def f(x):\n    return [0] * (10**10)\n",
    "fork bomb": "import os\ndef f(x):\n    while True:\n        os.fork()\n",
    "file write": "def f(x):\n    open('/tmp/inductor-soak', 'w').write('x')\n    return x\n",
    "read secrets": "def f(x):\n    return open('/etc/passwd').read()\n",
    "socket": "import socket\ndef f(x):\n    socket.create_connection(('127.0.0.1', 22))\n",
    "subprocess": "import subprocess\ndef f(x):\n    return subprocess.run(['true'])\n",
    "kill the parent": "import os, signal\ndef f(x):\n    os.kill(os.getppid(), signal.SIGKILL)\n",
    "os._exit": "import os\ndef f(x):\n    os._exit(0)\n",
    "ctypes crash": "import ctypes\ndef f(x):\n    return ctypes.string_at(0)\n",
    "deep recursion": "def f(x):\n    return f(x)\n",
    "thread left running": ("import threading, time\ndef f(x):\n    threading.Thread(target=time.sleep, args=(30,),"
                            " daemon=True).start()\n    return x\n"),
    "SIGTERM ignored": ("import signal\ndef f(x):\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                        "    while True:\n        pass\n"),
    "huge output": "def f(x):\n    return 'a' * (50 * 2**20)\n",
    "lying __eq__": "class L(list):\n    def __eq__(self, o):\n        return True\ndef f(x):\n    return L()\n",
    "self-reference": "def f(x):\n    a = []\n    a.append(a)\n    return a\n",
}

# Red-team classes (issue 15). A candidate finds its slot and its child's result pipe in the
# runner's frames, as a determined one would.
_SLOT = ("import os, sys, signal, time\n"
         "def slot():\n"
         "    fr = sys._getframe()\n"
         "    while 'indices' not in fr.f_locals:\n"
         "        fr = fr.f_back\n"
         "    loc = fr.f_locals\n"
         "    return loc['idx'], list(loc['indices']), loc['out_fd']\n")
_EXAMPLES = Path(__file__).parent.parent / "examples"
_EXAMPLE_FILE = next(iter(sorted(_EXAMPLES.rglob("*.json"))), _EXAMPLES)
HOSTILE_KINDS.update({
    # Inert by its text (no underscore, import or reflection word), yet it reflects: a class
    # pattern looks up the attribute its class's match arguments name, built here at run time.
    "inert-looking poison": (
        "def f(x):\n"
        "    u = chr(95) * 2\n"
        "    meta = type('M', (type,), {u + 'instancecheck' + u: lambda c, o: True})\n"
        "    k = meta('K', (), {u + 'match' + chr(95) + 'args' + u: (u + 'glob' + 'als' + u,)})\n"
        "    for fn in (f, reverse, add_each):\n"
        "        match fn:\n"
        "            case k(g):\n"
        "                b = g[u + 'builtins' + u]\n"
        "                b['len'] = lambda v: 0\n"
        "                b['range'] = lambda *a: []\n"
        "                g['reversed'] = lambda v: v\n"
        "    return x\n"),
    "read task data": (f"import os\ndef f(x):\n    return [os.listdir({str(_EXAMPLES)!r}), "
                       f"open({str(_EXAMPLE_FILE)!r}).read()]\n"),
    "forged lines on every fd": (
        _SLOT + "def f(x):\n"
        "    idx, indices, fd = slot()\n"
        "    forged = b''.join(b'[%d,[[0,[1],1]]]\\n' % j for j in indices[indices.index(idx):])\n"
        "    for fd in range(64):\n"
        "        try:\n"
        "            os.write(fd, forged)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return x\n"),
    "own line forged, then hang": (
        _SLOT + "def f(x):\n"
        "    idx, indices, fd = slot()\n"
        "    os.write(fd, b'[%d,[[0,[1],1]]]\\n' % idx)\n"
        "    return sum(range(10 ** 13))\n"),
    "timer off, drip": (
        _SLOT + "def f(x):\n"
        "    idx, indices, fd = slot()\n"
        "    signal.setitimer(signal.ITIMER_REAL, 0)\n"
        "    while True:\n"
        "        os.write(fd, b'[')\n"
        "        time.sleep(0.05)\n"),
    "4,000-digit timing": (
        _SLOT + "def f(x):\n"
        "    idx, indices, fd = slot()\n"
        "    os.write(fd, b'[%d,[[0,[1],%s]]]\\n' % (idx, b'9' * 4000))\n"
        "    os._exit(0)\n"),
    "raising __str__": (
        "class E(TypeError):\n"
        "    @property\n"
        "    def __class__(self):\n"
        "        raise RuntimeError('no class')\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no message')\n"
        "def f(x):\n"
        "    raise E()\n"),
})

#: The verdict each kind of normal candidate earns on its own (:func:`labelled_mix`).
NORMAL_VERDICTS = {"right": "pass", "wrong": "wrong", "crash": "error", "loop": "timeout"}


def bench_soak(sandbox: Sandbox, plugins: Plugins, n: int = 5000, hostile: float = 0.1, seed: int = 0,
               chunk: int = 500, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Check ``n`` candidates (``hostile`` of them hostile) in chunks, as a long run would."""
    from inductor.verify import Verifier

    rng = random.Random(seed)
    task = bench_task(seed)
    normal = labelled_mix(n, seed)
    kinds: Counter[str] = Counter()
    codes = []
    owed: list[str | None] = []  # the verdict a normal candidate earns on its own
    names = sorted(HOSTILE_KINDS)
    for i, (code, label) in enumerate(normal):
        if rng.random() < hostile:
            kind = rng.choice(names)
            kinds[kind] += 1
            codes.append(f"{HOSTILE_KINDS[kind]}# {i}\n")
            owed.append(None)
        else:
            codes.append(code)
            owed.append(NORMAL_VERDICTS[label])
    rss_start = _rss_mb()
    others = set(_sandbox_processes())  # other sandboxes of this process (a test's, say)
    sandbox.start()
    verifier = Verifier(sandbox, plugins)
    verdicts: Counter[str] = Counter()
    lost = hostile_passes = 0
    t0 = time.perf_counter()
    for start in range(0, len(codes), chunk):
        for res, due in zip(verifier.check(task, codes[start:start + chunk]), owed[start:start + chunk]):
            verdict = "pass" if res else (res.train[0].verdict.value if res.train else "error")
            verdicts[verdict] += 1
            lost += due is not None and verdict != due
            hostile_passes += due is None and verdict == "pass"
        if progress is not None:
            progress(min(len(codes), start + chunk))
    seconds = time.perf_counter() - t0
    rss_end = _rss_mb()
    during = len(set(_sandbox_processes()) - others)
    layers = sandbox.layers
    sandbox.close()
    time.sleep(0.5)
    leaked = set(_sandbox_processes()) - others
    import os

    return {"benchmark": "soak", "candidates": len(codes), "hostile": sum(kinds.values()),
            "hostile_kinds": dict(sorted(kinds.items())), "verdicts": dict(sorted(verdicts.items())),
            "seconds": round(seconds, 2), "per_second": round(len(codes) / seconds, 1),
            "rss_mb_start": round(rss_start, 1), "rss_mb_end": round(rss_end, 1),
            "sandbox_processes_while_running": during, "leaked_processes": len(leaked),
            "normal_verdicts_lost": lost, "hostile_passes": hostile_passes,
            "stray_file": os.path.exists("/tmp/inductor-soak"), "layers": layers}


def print_soak_figures(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title="inductor bench soak")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key in ("candidates", "hostile", "seconds", "per_second", "rss_mb_start", "rss_mb_end",
                "sandbox_processes_while_running", "leaked_processes", "normal_verdicts_lost", "hostile_passes"):
        table.add_row(key.replace("_", " "), str(figures[key]))
    console.print(table)
    console.print(f"verdicts: {figures['verdicts']}")
    console.print(f"hostile kinds: {figures['hostile_kinds']}")
    console.print(f"hardening: {', '.join(f'{k}={v}' for k, v in figures['layers'].items())}; "
                  f"stray file written: {figures['stray_file']}")
