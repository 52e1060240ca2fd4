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


def snapshot(modules: list[ModuleType]) -> tuple[Any, ...]:
    """Identities of everything a candidate could tamper with to affect later candidates."""
    parts: list[Any] = [sys.getrecursionlimit(), _thread_count()]
    for d in (builtins.__dict__, json.__dict__, json.encoder.__dict__, json._default_encoder.__dict__):
        parts.append(tuple(map(id, d.values())))
        parts.append(len(d))
    for mod in modules:
        d = vars(mod)
        parts.append(tuple(map(id, d.values())))
        for value in d.values():
            if isinstance(value, FunctionType):
                parts.append((id(value.__code__), id(value.__defaults__), id(value.__kwdefaults__),
                              len(value.__dict__)))
    return tuple(parts)


def _thread_count() -> int:
    import _thread

    return _thread._count()


def _message(exc: BaseException) -> str:
    try:
        text = f"{type(exc).__name__}: {exc}"
    except BaseException:
        text = type(exc).__name__
    return text[:300]


def run_candidate(code: str, entry: str, inputs: list[bytes], base: dict[str, Any],
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
            exec(compile(code, "<candidate>", "exec"), g)
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
            if halt:
                stop = True
                break
    if stop:  # the remaining inputs are not run after a memory blow-up
        parts += [json.dumps([ERROR, "not run: an earlier input exhausted memory", 0])] * (len(inputs) - len(parts))
    return ",".join(parts), stop


def _classify(exc: BaseException) -> tuple[int, str, bool]:
    """(code, message, child must stop) for an exception raised by candidate code."""
    if isinstance(exc, Timeout):
        return TIMEOUT, "time limit exceeded", False
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


def child_main(job: dict[str, Any], modules: list[ModuleType], indices: list[int], out_fd: int,
               hardening: Any, keep_fds: tuple[int, ...] = ()) -> None:
    """Entry point of a forked child: harden, run ``indices`` of the job, exit."""
    keep = {0, 1, 2, out_fd, hardening.landlock_fd, *keep_fds}
    for fd in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        n = int(fd)
        if n not in keep:
            try:
                os.close(n)
            except OSError:
                pass
    with open("/proc/self/statm", "rb") as fh:
        vsz = int(fh.read().split()[0]) * PAGE
    n_inputs = max(1, len(job["inputs"]))
    cpu = int(job["timeout"] * n_inputs * len(indices) + 2)
    try:
        hardening.apply(memory_bytes=vsz + job["memory_bytes"], cpu_seconds=cpu, max_fds=64)
    except OSError:
        os._exit(72)
    signal.signal(signal.SIGALRM, _on_alarm)
    sys.setrecursionlimit(job.get("recursion_limit", 3000))
    encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
    base = namespace(modules)
    builtins_dict = dict(builtins.__dict__)
    inputs = [pickle.dumps(tuple(args), protocol=pickle.HIGHEST_PROTOCOL) for args in job["inputs"]]
    before = snapshot(modules)
    codes, entries = job["codes"], job["entries"]
    for idx in indices:
        body, stop = run_candidate(codes[idx], entries[idx], inputs, base, builtins_dict,
                                   job["timeout"], job.get("max_output_bytes", 1 << 20), encode)
        tainted = stop or snapshot(modules) != before
        line = f"[{idx},[{body}]{TAINT if tainted else ''}]\n".encode()
        view = memoryview(line)
        while view:
            view = view[os.write(out_fd, view):]
        if tainted:
            os._exit(0)
    os._exit(0)
