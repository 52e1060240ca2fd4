"""Parent side of the sandbox: a pool of zygote workers and the batches sent to them."""

from __future__ import annotations

import gc
import json
import logging
import os
import pickle
import queue
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from inductor.errors import InductorError
from inductor.sandbox.runner import read_exact

log = logging.getLogger("inductor.sandbox")


class Status(IntEnum):
    """How running a candidate on one input ended (before comparing outputs)."""

    OK = 0
    ERROR = 1
    TIMEOUT = 2
    MEMORY = 3
    FORBIDDEN = 4
    OUTPUT = 5  # output too large or not JSON data
    PROGRAM = 6  # not a usable program (does not compile, defines no function): same for every input
    STOPPED = 7  # not run to its end: ``Sandbox.run(stop_when=...)`` ended the run first


@dataclass(slots=True)
class Outcome:
    """The result of one candidate on one input."""

    status: Status
    value: Any = None
    message: str = ""
    ms: float = 0.0


@dataclass(frozen=True)
class Limits:
    """Per-example limits for candidate code (see ``[sandbox]`` in inductor.toml)."""

    timeout: float = 1.0
    memory_mb: int = 512
    max_output_bytes: int = 1 << 20
    recursion_limit: int = 3000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while results are decoded in bulk.

    Decoded outcomes hold no reference cycles (reference counting frees them), but every
    collection walks all the containers still alive: with thousands of results kept, the
    collector took 3 to 5 times as long as the decoding. A caller that had it off keeps it off.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


#: The ``inductor`` package's folder (found from this file: importing the package would pull in
#: its public API, which sits above the sandbox).
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


#: A sandbox's (empty, read-only) working folder is named after the process that owns it.
WORKDIR_PREFIX = "inductor-sandbox-"


def sweep_workdirs(root: str | None = None) -> list[str]:
    """Remove the empty working folders left by sandboxes whose process was killed (SIGKILL gives
    it no time to clean up); a live process's folders are left alone. Returns those removed."""
    import glob

    removed = []
    for path in glob.glob(os.path.join(root or tempfile.gettempdir(), f"{WORKDIR_PREFIX}*-*")):
        owner = os.path.basename(path)[len(WORKDIR_PREFIX):].split("-", 1)[0]
        if not owner.isdigit() or _alive(int(owner)):
            continue
        try:
            os.chmod(path, 0o755)
            os.rmdir(path)  # only an empty folder: a sandbox keeps nothing in it
            removed.append(path)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class SandboxError(InductorError):
    """The sandbox itself could not start or run (not a candidate's fault)."""


@dataclass
class Prelude:
    """A module loaded into the workers by file path; its public functions are candidates' globals."""

    name: str
    path: str

    @classmethod
    def of(cls, module: ModuleType) -> Prelude:
        path = getattr(module, "__file__", None)
        if not path:
            raise SandboxError(f"module {module.__name__} has no file and cannot be loaded in the sandbox")
        return cls(module.__name__, str(Path(path).resolve()))


BWRAP_ARGS = (
    "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/", "/",
    "--dev", "/dev", "--proc", "/proc", "--setenv", "INDUCTOR_IN_BWRAP", "1",
)


def strict_bwrap_args() -> list[str]:
    """bubblewrap arguments that show the worker only what Python needs to run.

    No /home, /root, /etc (but the dynamic linker's cache), /work, /tmp or /proc of the host:
    the Python installation(s), the system libraries and the ``inductor`` package, read-only.
    Modules the candidates call are sent as source, so no task or library folder is needed.
    """
    args = ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--setenv", "INDUCTOR_IN_BWRAP", "1"]
    for top in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    package = PACKAGE_DIR
    roots = sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix, package)})
    for root in roots:
        if not any(root == r or root.startswith(r.rstrip("/") + "/") for r in ("/usr", "/lib", "/lib64", "/bin")):
            args += ["--ro-bind", root, root]
    exe = os.path.realpath(sys.executable)
    if not any(exe.startswith(r + "/") for r in roots + ["/usr", "/bin"]):
        args += ["--ro-bind", exe, exe]
    return args


def _prelude_source(path: str) -> str:
    """A prelude's source, sent to the workers: they need not (and in strict mode cannot) read it."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise SandboxError(f"{path}: cannot read a module for the sandbox: {exc}") from None
    return _read_source(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _read_source(path: str, mtime_ns: int, size: int) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


@lru_cache(maxsize=2)
def bwrap_path(strict: bool = False) -> str | None:
    """bubblewrap's path when it is installed and works here (user namespaces allowed)."""
    path = shutil.which("bwrap")
    if not path:
        return None
    args = strict_bwrap_args() if strict else list(BWRAP_ARGS)
    try:
        res = subprocess.run([path, *args, "--", sys.executable, "-I", "-c", "import inductor.sandbox.zygote"],
                             capture_output=True, timeout=30, env={})
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if res.returncode == 0 else None


class Worker:
    """One zygote process and the pipes to it."""

    def __init__(self, wrap: str | None, workdir: str, strict: bool = False) -> None:
        self.wrap = wrap
        self.workdir = workdir
        self.strict = strict
        self.proc: subprocess.Popen[bytes] | None = None
        self.layers: dict[str, Any] = {}
        self._job = 0
        #: Set by :meth:`kill`, cleared by the pool when it hands the worker a job: a kill that
        #: lands while the worker is (re)starting has no process to end, so ``run`` checks it.
        self.cancelled = False

    def start(self) -> None:
        cmd = [sys.executable, "-I", "-m", "inductor.sandbox.zygote", str(os.getpid())]
        if self.wrap and self.strict:
            cmd = [self.wrap, *strict_bwrap_args(), "--ro-bind", self.workdir, self.workdir, "--chdir", self.workdir,
                   "--", *cmd]
        elif self.wrap:
            cmd = [self.wrap, *BWRAP_ARGS, "--chdir", self.workdir, "--", *cmd]
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, env={}, cwd=self.workdir,
                                         close_fds=True, start_new_session=True)
        except OSError as exc:
            raise SandboxError(f"cannot start sandbox worker: {exc}") from exc
        try:
            kind, payload = self._frame(time.monotonic() + 60)
        except (EOFError, TimeoutError):
            code = self.proc.poll()
            self.close()
            raise SandboxError(f"sandbox worker failed to start (exit status {code}): {' '.join(cmd)}") from None
        msg = json.loads(payload) if kind == b"C" else {}
        if not msg.get("ready"):
            raise SandboxError("sandbox worker did not start")
        self.layers = dict(msg.get("layers", {}))
        self.layers["bwrap"] = ("strict" if self.strict else True) if self.wrap else False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """End the worker now, from any thread (its children die with it: they hold a
        parent-death signal); the thread waiting in ``run`` then sees the pipe close."""
        self.cancelled = True
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # a session of its own (start_new_session)
            except (ProcessLookupError, PermissionError):
                proc.kill()

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            self._send({"op": "exit"})
        except OSError:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def _send(self, msg: dict[str, Any]) -> None:
        assert self.proc and self.proc.stdin
        data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.write(struct.pack(">I", len(data)) + data)
        self.proc.stdin.flush()

    def _frame(self, deadline: float) -> tuple[bytes, bytes]:
        assert self.proc and self.proc.stdout
        fd = self.proc.stdout.fileno()
        head = read_exact(fd, 5, deadline)
        (n,) = struct.unpack(">I", head[1:])
        return head[:1], read_exact(fd, n, deadline)

    def run(self, job: dict[str, Any], budget: float) -> list[bytes]:
        """Send one job; return the raw result lines (one per candidate, in order)."""
        if not self.alive():
            self.close()  # a worker that died (or was killed) between jobs: its pipes go too
            self.start()
        if self.cancelled:
            raise EOFError("the worker was killed while it started")
        self._job += 1
        job = dict(job, op="run", id=self._job)
        self._send(job)
        lines: list[bytes] = []
        deadline = time.monotonic() + budget
        while True:
            kind, payload = self._frame(deadline)
            if kind == b"R":
                if payload:
                    lines.extend(payload.split(b"\n"))
            elif kind == b"C":
                msg = json.loads(payload)
                if msg.get("done") == self._job:
                    if msg.get("error"):
                        raise SandboxError(msg["error"])
                    return lines


def parse_line(line: bytes, n_inputs: int) -> tuple[int, list[Outcome]]:
    """Decode one result line from untrusted bytes; anything malformed is an error outcome."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError, MemoryError):
        idx = _leading_index(line)
        return idx, [Outcome(Status.OUTPUT, message="output is not valid JSON data")] * n_inputs
    return _outcomes(data, line, n_inputs)


def parse_lines(lines: Sequence[bytes], n_inputs: int) -> list[tuple[int, list[Outcome]]]:
    """Decode a child's result lines: in one ``json.loads`` when they parse as one array of
    exactly one result per line, each with its line's index; else line by line."""
    try:
        data = json.loads(b"[" + b",".join(lines) + b"]")
    except (ValueError, RecursionError, MemoryError):
        data = None
    if (isinstance(data, list) and len(data) == len(lines)
            and all(type(d) is list and d and d[0] == _leading_index(line) for d, line in zip(data, lines))):
        return [_outcomes(d, line, n_inputs) for d, line in zip(data, lines)]
    return [parse_line(line, n_inputs) for line in lines]


#: Bounds on what a result line may carry besides the output itself.
MAX_MICROSECONDS = 10 ** 12
MAX_MESSAGE = 300


def _outcomes(data: Any, line: bytes, n_inputs: int) -> tuple[int, list[Outcome]]:
    """The outcomes a decoded line gives; never raises (a value out of bounds is an error)."""
    try:
        return _outcomes_unguarded(data, line, n_inputs)
    except Exception:
        return _leading_index(line), [Outcome(Status.ERROR, message="malformed result")] * n_inputs


def _outcomes_unguarded(data: Any, line: bytes, n_inputs: int) -> tuple[int, list[Outcome]]:
    if not isinstance(data, list) or len(data) < 2 or type(data[0]) is not int:
        return _leading_index(line), [Outcome(Status.ERROR, message="malformed result")] * n_inputs
    idx = data[0]
    if type(data[1]) is int:  # a verdict on the whole candidate
        status = Status(data[1]) if 0 < data[1] <= Status.PROGRAM else Status.ERROR
        msg = data[2][:MAX_MESSAGE] if len(data) > 2 and type(data[2]) is str else ""
        return idx, [Outcome(status, message=msg)] * n_inputs
    entries = data[1]
    out: list[Outcome] = []
    if isinstance(entries, list):
        for entry in entries[:n_inputs]:
            if (type(entry) is list and len(entry) == 3 and type(entry[0]) is int and 0 <= entry[0] <= 5
                    and type(entry[2]) is int and 0 <= entry[2] <= MAX_MICROSECONDS):
                ms = entry[2] / 1000  # sent in microseconds
                if entry[0] == 0:
                    out.append(Outcome(Status.OK, entry[1], "", ms))
                elif type(entry[1]) is str:
                    out.append(Outcome(Status(entry[0]), None, entry[1][:MAX_MESSAGE], ms))
                else:
                    out.append(Outcome(Status.ERROR, message="malformed result"))
            else:
                out.append(Outcome(Status.ERROR, message="malformed result"))
    while len(out) < n_inputs:
        out.append(Outcome(Status.ERROR, message="no result"))
    return idx, out


def _leading_index(line: bytes) -> int:
    try:
        comma = line.index(b",", 0, 24)  # an index has a few digits: a long run is no index
        return int(line[1:comma])
    except ValueError:
        return -1


@dataclass
class Sandbox:
    """Runs untrusted candidate programs on inputs in hardened processes.

    ``run`` takes many candidates for the same inputs and returns an outcome per candidate
    per input. Candidates are sent in batches (``batch_size`` each) to ``workers`` zygotes;
    ``isolate=True`` gives every candidate a fresh child (used to re-check passes).
    """

    workers: int = 2
    limits: Limits = field(default_factory=Limits)
    wrap: str = "auto"
    batch_size: int = 500
    _pool: list[Worker] = field(default_factory=list, init=False, repr=False)
    _free: queue.Queue[Worker] = field(default_factory=queue.Queue, init=False, repr=False)
    _executor: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _workdir: str = field(default="", init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def start(self) -> None:
        with self._lock:
            if self._pool:
                return
            wrap = None
            if self.wrap in ("auto", "bwrap", "strict"):
                wrap = bwrap_path(self.wrap == "strict")
                if wrap is None and self.wrap != "auto":
                    raise SandboxError("bubblewrap (bwrap) is not installed or cannot create namespaces here"
                                       + (" (make setup installs it with apt when run as root)"
                                          if self.wrap == "strict" else ""))
            elif self.wrap != "none":
                raise SandboxError(f"unknown sandbox wrap {self.wrap!r} (use auto, bwrap, strict or none)")
            sweep_workdirs()
            self._workdir = tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-")
            os.chmod(self._workdir, 0o555)
            for _ in range(max(1, self.workers)):
                worker = Worker(wrap, self._workdir, strict=self.wrap == "strict")
                worker.start()
                self._pool.append(worker)
                self._free.put(worker)
            # Two threads per worker: one decodes a batch while the other already feeds the
            # worker its next (a worker must not wait on the decoding).
            self._executor = ThreadPoolExecutor(max_workers=2 * len(self._pool), thread_name_prefix="sandbox")
            missing = [k for k, v in self.layers.items() if not v]
            if missing:
                log.warning("sandbox hardening layers unavailable: %s", ", ".join(missing))

    @property
    def layers(self) -> dict[str, Any]:
        """Which hardening layers are active (seccomp, landlock ABI, bwrap, ...)."""
        return dict(self._pool[0].layers) if self._pool else {}

    def close(self) -> None:
        with self._lock:
            for worker in self._pool:
                worker.close()
            self._pool.clear()
            self._free = queue.Queue()
            if self._executor:
                self._executor.shutdown(wait=True)
                self._executor = None
            if self._workdir:
                os.chmod(self._workdir, 0o755)
                shutil.rmtree(self._workdir, ignore_errors=True)
                self._workdir = ""

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, codes: Sequence[str], inputs: Sequence[Sequence[Any]], *, entries: Sequence[str] | str = "f",
            preludes: Sequence[ModuleType | Prelude] = (), isolate: bool = False,
            inert: Sequence[bool] | None = None,
            stop_when: Callable[[list[list[Outcome] | None]], bool] | None = None) -> list[list[Outcome]]:
        """Run every code on every input; outcomes[i][j] is candidate i on input j.

        A code is Python source, compiled in the sandbox. ``entries[i]`` names the function
        code i is called through (its last top-level function when it has none of that
        name). ``inert[i]`` says code i provably cannot change shared state
        (:func:`inductor.verify.is_inert`): it may share a child with the task's next
        batches, and its child skips the check that it left the shared state alone.

        ``stop_when(results)`` is asked after each batch, with the outcomes so far (None for
        a candidate not done): once it says yes, the workers still busy are killed (and
        restarted on their next use), no further batch starts, and every candidate not done
        gets a ``STOPPED`` outcome.
        """
        if not codes:
            return []
        self.start()
        assert self._executor is not None
        entries = [entries] * len(codes) if isinstance(entries, str) else list(entries)
        pre = [p if isinstance(p, Prelude) else Prelude.of(p) for p in preludes]
        base = {
            "inputs": [list(args) for args in inputs],
            "preludes": [(p.name, p.path, _prelude_source(p.path)) for p in pre],
            "timeout": self.limits.timeout,
            "memory_bytes": self.limits.memory_mb << 20,
            "max_output_bytes": self.limits.max_output_bytes,
            "recursion_limit": self.limits.recursion_limit,
            "isolate": isolate,
        }
        size = max(1, min(self.batch_size, -(-len(codes) // len(self._pool))))
        batches = [range(i, min(i + size, len(codes))) for i in range(0, len(codes), size)]
        results: list[list[Outcome] | None] = [None] * len(codes)
        stopped = threading.Event()
        busy: set[Worker] = set()
        guard = threading.Lock()

        def work(batch: range) -> None:
            if stopped.is_set():
                return
            job = dict(base, codes=[codes[i] for i in batch], entries=[entries[i] for i in batch],
                       inert=[bool(inert[i]) for i in batch] if inert is not None else [])
            # A candidate may run up to three times (see Zygote.run_batch), each within the
            # zygote's deadline per candidate: past this the worker itself is stuck.
            per = self.limits.timeout * max(1, len(inputs)) + 1.5
            budget = 3 * per * len(batch) + 30
            for attempt in range(2):
                worker = self._free.get()
                with guard:
                    if stopped.is_set():
                        self._free.put(worker)
                        return
                    worker.cancelled = False
                    busy.add(worker)
                try:
                    lines = worker.run(job, budget)
                    break
                except (EOFError, TimeoutError, OSError, BrokenPipeError, SandboxError) as exc:
                    worker.close()
                    lines = []
                    if stopped.is_set():
                        return  # killed on purpose (running, or still starting): its candidates were not done
                    if isinstance(exc, SandboxError):
                        raise
                    log.warning("sandbox worker failed (%s); restarting it", type(exc).__name__)
                    if attempt:
                        break
                finally:
                    with guard:
                        busy.discard(worker)
                    self._free.put(worker)
            with guard:
                for idx, outs in parse_lines(lines, len(inputs)):
                    if 0 <= idx < len(batch) and results[batch[idx]] is None:
                        results[batch[idx]] = outs
                if stop_when is not None and not stopped.is_set() and stop_when(list(results)):
                    stopped.set()
                    for other in busy:
                        other.kill()

        with gc_paused():
            list(self._executor.map(work, batches))
        missing = (Outcome(Status.STOPPED, message="not run to its end: the run was stopped") if stopped.is_set()
                   else Outcome(Status.ERROR, message="the sandbox worker died"))
        return [r if r is not None else [missing] * len(inputs) for r in results]
