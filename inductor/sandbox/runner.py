"""What runs inside a hardened child: candidates, one fresh namespace each.

The child writes one line per candidate: ``[index,[[code,payload,ms],...]]`` with one
entry per input (code 0: payload is the output as JSON; otherwise an error message),
followed by ``,"taint"`` when the candidate changed state shared with later candidates
(builtins, preludes, the JSON encoder, threads, recursion limit). The zygote then forks
a fresh child for the rest.
"""

from __future__ import annotations

import builtins
import json
import json.encoder
import marshal
import os
import pickle
import resource
import signal
import sys
import time
from types import FunctionType, ModuleType
from typing import Any

OK, ERROR, TIMEOUT, MEMORY, FORBIDDEN, OUTPUT = range(6)
PAGE = resource.getpagesize()
TAINT = ',"taint"'


class Timeout(BaseException):
    """Raised by the interval timer; a BaseException so ``except Exception`` cannot swallow it."""


class OutputTooLarge(Exception):
    """The output cannot fit the size cap."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise Timeout


def namespace(modules: list[ModuleType]) -> dict[str, Any]:
    """Globals every candidate starts from: the preludes' public functions."""
    ns: dict[str, Any] = {"__name__": "candidate"}
    for mod in modules:
        names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
        for name in names:
            value = getattr(mod, name, None)
            if value is not None and not isinstance(value, ModuleType):
                ns[name] = value
    return ns


class Guard:
    """Cheap check that a candidate left shared state alone (builtins, preludes, the encoder...).

    Lists compare element by element with an identity shortcut, so a check is a few C loops.
    A determined candidate (ctypes) can get past this; that is why passes are re-run alone.
    """

    def __init__(self, modules: list[ModuleType]) -> None:
        self.dicts = [builtins.__dict__, json.__dict__, json.encoder.__dict__, json._default_encoder.__dict__,
                      pickle.__dict__, *(vars(m) for m in modules)]
        self.functions = [v for m in modules for v in vars(m).values() if isinstance(v, FunctionType)]
        self.before = self.state()

    def state(self) -> list[Any]:
        fs = self.functions
        return [sys.getrecursionlimit(), _thread_count(), *(list(d.values()) for d in self.dicts),
                [f.__code__ for f in fs], [f.__defaults__ for f in fs], [f.__kwdefaults__ for f in fs]]

    def changed(self) -> bool:
        return self.state() != self.before


def _thread_count() -> int:
    import _thread

    return _thread._count()


def _message(exc: BaseException) -> str:
    try:
        text = f"{type(exc).__name__}: {exc}"
    except BaseException:
        text = type(exc).__name__
    return text[:300]


def run_candidate(code: str | bytes, entry: str, inputs: list[bytes], base: dict[str, Any],
                  builtins_dict: dict[str, Any], timeout: float, max_output: int,
                  encode: Any) -> tuple[str, bool]:
    """Run one candidate on every input; return its result entries and whether to stop after."""
    g = dict(base)
    g["__builtins__"] = dict(builtins_dict)
    parts: list[str] = []
    stop = False
    fn = None
    try:
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            exec(marshal.loads(code) if isinstance(code, bytes) else compile(code, "<candidate>", "exec"), g)
            fn = g.get(entry)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if not callable(fn):
            return json.dumps([[ERROR, f"no function named {entry!r}", 0]] * len(inputs))[1:-1], False
    except BaseException as exc:  # the program itself failed to load
        code_, msg, stop = _classify(exc)
        return ",".join(json.dumps([code_, msg, 0]) for _ in inputs), stop
    for raw in inputs:
        args = pickle.loads(raw)  # a fresh copy: candidates may mutate their inputs
        t0 = time.perf_counter()
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                value = fn(*args)
                # Each str character or list element takes at least a byte of JSON.
                if type(value) in (str, list, tuple, dict) and len(value) > max_output:
                    raise OutputTooLarge(len(value))
                text = encode(value)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            ms = (time.perf_counter() - t0) * 1000
            if len(text) > max_output:
                parts.append(json.dumps([OUTPUT, f"output too large ({len(text)} bytes of JSON)", ms]))
            else:
                parts.append(f"[0,{text},{ms:.3f}]")
        except BaseException as exc:
            ms = (time.perf_counter() - t0) * 1000
            code_, msg, halt = _classify(exc)
            parts.append(json.dumps([code_, msg, ms]))
            if code_ in (TIMEOUT, MEMORY):
                # The candidate has failed; running it on more inputs would only burn time.
                rest = json.dumps([code_, f"not run: {msg} on an earlier input", 0])
                parts += [rest] * (len(inputs) - len(parts))
                stop = halt
                break
    return ",".join(parts), stop


def _classify(exc: BaseException) -> tuple[int, str, bool]:
    """(code, message, child must stop) for an exception raised by candidate code."""
    if isinstance(exc, Timeout):
        return TIMEOUT, "time limit exceeded", False
    if isinstance(exc, OutputTooLarge):
        return OUTPUT, f"output too large (over {exc.args[0]} bytes of JSON)", False
    if isinstance(exc, MemoryError):
        return MEMORY, "memory limit exceeded", True
    if isinstance(exc, (TypeError, ValueError)) and "JSON serializable" in str(exc):
        return OUTPUT, f"output is not JSON data: {str(exc)[:200]}", False
    if isinstance(exc, ValueError) and "Circular reference" in str(exc):
        return OUTPUT, "output contains a reference to itself", False
    if isinstance(exc, PermissionError):
        return FORBIDDEN, _message(exc), False
    if isinstance(exc, RecursionError):
        return ERROR, "RecursionError: maximum recursion depth exceeded", False
    return ERROR, _message(exc), False


class Prepared:
    """Everything a child needs, built once per job in the zygote so children only read it."""

    def __init__(self, job: dict[str, Any], modules: list[ModuleType]) -> None:
        self.job = job
        self.base = namespace(modules)
        self.builtins = dict(builtins.__dict__)
        self.inputs = [pickle.dumps(tuple(a), protocol=pickle.HIGHEST_PROTOCOL) for a in job["inputs"]]
        self.encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
        with open("/proc/self/statm", "rb") as fh:
            self.vsz = int(fh.read().split()[0]) * PAGE
        # Set here, inherited by children: nothing below needs to run after fork.
        signal.signal(signal.SIGALRM, _on_alarm)
        sys.setrecursionlimit(job.get("recursion_limit", 3000))
        # Isolated children run one candidate and exit: they need no guard, and building
        # one after fork would touch (and copy) hundreds of shared pages.
        self.guard = None if job.get("isolate") else Guard(modules)


def child_main(prep: Prepared, indices: list[int], out_fd: int, hardening: Any, close_fds: tuple[int, ...]) -> None:
    """Entry point of a forked child: harden, run ``indices`` of the job, exit."""
    for fd in close_fds:  # the zygote's own pipes: a candidate must never reach the parent
        os.close(fd)
    job = prep.job
    cpu = int(job["timeout"] * max(1, len(job["inputs"])) * len(indices) + 2)
    try:
        hardening.apply(memory_bytes=prep.vsz + job["memory_bytes"], cpu_seconds=cpu, max_fds=64)
    except OSError:
        os._exit(72)
    codes, entries, timeout = job["codes"], job["entries"], job["timeout"]
    inert = job.get("inert") or [False] * len(codes)
    max_output = job.get("max_output_bytes", 1 << 20)
    guard = prep.guard
    for idx in indices:
        body, stop = run_candidate(codes[idx], entries[idx], prep.inputs, prep.base, prep.builtins,
                                   timeout, max_output, prep.encode)
        # An inert program cannot reach shared state (see inductor.verify.is_inert): no check needed.
        tainted = stop or (guard is not None and not inert[idx] and guard.changed())
        line = f"[{idx},[{body}]{TAINT if tainted else ''}]\n".encode()
        view = memoryview(line)
        while view:
            view = view[os.write(out_fd, view):]
        if tainted:
            os._exit(0)
    os._exit(0)
