"""What runs inside a hardened child: candidates, each with fresh globals and builtins.

The child writes one line per candidate: ``[index,[[code,payload,us],...]]`` with one
entry per input (code 0: payload is the output as JSON; otherwise an error message), or
``[index,code,message]`` for a verdict on the whole program (it does not compile...),
followed by ``,"taint"`` when the candidate changed state shared with later candidates
(builtins, preludes, the JSON encoder, threads, signal handlers, tracing, recursion limit).
The zygote then forks a fresh child for the rest.

Nothing here is out of a candidate's reach: it runs with full Python in this process
(frames, ``gc``, ``ctypes``), so it can patch anything a later candidate uses and write
anything on any descriptor. Fresh namespaces and the guard keep careless or casual
poisoning from spoiling later verdicts; they are not what a pass rests on. A pass is
believed only from a child that ran that candidate alone (see ``inductor.verify``), and
the zygote checks what children write (see ``inductor.sandbox.zygote``).
"""

from __future__ import annotations

import builtins
import json
import json.encoder
import math
import operator
import os
import pickle
import resource
import select
import signal
import sys
import time
from collections.abc import Sequence
from types import CodeType, FunctionType, ModuleType
from typing import Any

OK, ERROR, TIMEOUT, MEMORY, FORBIDDEN, OUTPUT, PROGRAM = range(7)
CO_OPTIMIZED = 0x0001
PAGE = resource.getpagesize()
TAINT = ',"taint"'
#: The line a child writes after a batch's last result line (not after a tainted one: it exits).
END = b"[-1]\n"


class Timeout(BaseException):
    """Raised by the interval timer; a BaseException so ``except Exception`` cannot swallow it."""


class OutputTooLarge(Exception):
    """The output cannot fit the size cap."""


class Clock:
    """Per-example time limits without a system call per example (on a VM, arming a timer
    can cost more than running a small program): while a batch runs, one interval timer
    ticks every few ms and each tick checks the deadline of whatever is running."""

    def __init__(self) -> None:
        self.deadline = math.inf

    def start(self, seconds: float) -> float:
        """Start timing; returns the start time (``time.perf_counter``)."""
        now = time.perf_counter()
        self.deadline = now + seconds
        return now

    def stop(self) -> None:
        self.deadline = math.inf

    def on_tick(self, signum: int, frame: Any) -> None:
        if time.perf_counter() >= self.deadline:
            self.deadline = math.inf
            raise Timeout

    @staticmethod
    def ticking(timeout: float) -> None:
        """Start ticking often enough to end a program within 1/100 of ``timeout`` past it
        (1 to 5 ms: a tick costs a few microseconds)."""
        tick = max(0.001, min(0.005, timeout / 100))
        signal.setitimer(signal.ITIMER_REAL, tick, tick)

    @staticmethod
    def halt() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)


CLOCK = Clock()
#: The SIGALRM handler, one object (each ``CLOCK.on_tick`` is a new bound method; the guard compares identities).
ON_TICK = CLOCK.on_tick


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
    """Cheap check that a candidate left shared state alone (builtins, preludes, the encoder,
    threads, signal handlers, tracing...), run after every candidate.

    Values are compared by identity (``is``), never with ``==``: a planted object whose
    ``__eq__`` says True would pass an equality check. A check is a few C loops. A
    determined candidate (ctypes) can get past this; that is why passes are re-run alone.
    """

    def __init__(self, modules: list[ModuleType], shared: Sequence[dict[str, Any]] = ()) -> None:
        self.dicts = [builtins.__dict__, json.__dict__, json.encoder.__dict__, json._default_encoder.__dict__,
                      pickle.__dict__, sys.__dict__, *shared, *(vars(m) for m in modules)]
        self.functions = [v for m in modules for v in vars(m).values() if isinstance(v, FunctionType)]
        self.before = self.state()

    def state(self) -> tuple[tuple[float, ...], list[list[Any]]]:
        """(numbers compared by value, lists of objects compared by identity)."""
        fs = self.functions
        numbers = (sys.getrecursionlimit(), _thread_count(), *signal.getitimer(signal.ITIMER_VIRTUAL),
                   *signal.getitimer(signal.ITIMER_PROF))
        return numbers, [[sys.gettrace(), sys.getprofile(), *map(signal.getsignal, _WATCHED_SIGNALS)],
                         *(list(d.values()) for d in self.dicts),
                         [f.__code__ for f in fs], [f.__defaults__ for f in fs], [f.__kwdefaults__ for f in fs],
                         [f.__globals__ for f in fs], [f.__closure__ for f in fs]]

    def changed(self) -> bool:
        (numbers, objects), (numbers0, objects0) = self.state(), self.before
        return numbers != numbers0 or any(len(a) != len(b) or not all(map(operator.is_, a, b))
                                          for a, b in zip(objects, objects0))


#: Signals whose handlers a candidate could set to run code while a later one runs.
_WATCHED_SIGNALS = tuple(s for s in (signal.SIGALRM, signal.SIGVTALRM, signal.SIGPROF, signal.SIGUSR1,
                                     signal.SIGUSR2, signal.SIGCHLD, signal.SIGPIPE, signal.SIGXCPU,
                                     signal.SIGTERM, signal.SIGINT))


def _thread_count() -> int:
    import _thread

    return _thread._count()


def entry_name(code: CodeType, preferred: str) -> str | None:
    """The function a program is called through: ``preferred`` when it defines it at top
    level, otherwise its last top-level function; None when it defines none."""
    functions = [c.co_name for c in code.co_consts
                 if isinstance(c, CodeType) and c.co_flags & CO_OPTIMIZED and not c.co_name.startswith("<")]
    if preferred in functions:
        return preferred
    return functions[-1] if functions else None


def compile_program(source: str) -> CodeType:
    """Compile candidate source; any failure is a ``SyntaxError`` with a one-line message."""
    try:
        return compile(source, "<candidate>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise SyntaxError(f"{type(exc).__name__}: {exc.msg} (line {exc.lineno})") from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        raise SyntaxError(f"{type(exc).__name__}: cannot compile the program") from None


def _message(exc: BaseException) -> str:
    """``Type: text`` of a candidate's exception, whatever its ``__str__`` (or its class's
    ``__name__``) does: raise, return a non-string, run long (the clock stops it)."""
    name = _type_name(exc)
    CLOCK.start(0.05)
    try:
        text = exc.__str__()
        text = f"{name}: {text}" if type(text) is str else name
    except BaseException:
        text = name
    finally:
        CLOCK.stop()
    return text[:300]


def _type_name(exc: BaseException) -> str:
    try:
        name = type.__dict__["__name__"].__get__(type(exc))  # not a metaclass's override
    except BaseException:
        return "Exception"
    return name if type(name) is str else "Exception"


def precompile(source: str, timeout: float) -> CodeType | BaseException:
    """Compile ahead of running (many in a row run faster than each just before it runs);
    what went wrong, if anything, is returned for :func:`run_candidate` to report."""
    CLOCK.start(timeout)
    try:
        return compile_program(source)
    except BaseException as exc:
        return exc
    finally:
        CLOCK.stop()


def run_candidate(code: str | CodeType | BaseException, entry: str, inputs: list[bytes],
                  base: dict[str, Any], builtins_dict: dict[str, Any], timeout: float, max_output: int,
                  encode: Any) -> tuple[str, bool]:
    """Run one candidate on every input; return the rest of its result line and whether to stop after.

    ``code`` is source (compiled here, so untrusted text is never compiled by the parent) or
    what :func:`precompile` made of it. The program is
    called through ``entry``, or its last top-level function when it defines no ``entry``; a
    program that does not compile or defines no function gets one ``PROGRAM`` verdict for
    all inputs. Every candidate gets its own copy of ``base`` and of ``builtins_dict`` (a
    copy costs well under a microsecond): what it writes there, no later candidate sees.
    """
    g = dict(base)
    g["__builtins__"] = dict(builtins_dict)
    parts: list[str] = []
    stop = False
    fn = None
    try:
        CLOCK.start(timeout)
        try:
            try:
                if isinstance(code, BaseException):
                    raise code
                program = code if isinstance(code, CodeType) else compile_program(code)
            except SyntaxError as exc:
                return f"{PROGRAM},{json.dumps(exc.msg)}", False
            name = entry_name(program, entry)
            if name is None:
                return f"{PROGRAM},{json.dumps(f'the program defines no function (expected {entry!r})')}", False
            exec(program, g)
            fn = g.get(name)
        finally:
            CLOCK.stop()
        if not callable(fn):
            return json.dumps([[ERROR, f"no function named {name!r}", 0]] * len(inputs)), False
    except BaseException as exc:  # the program itself failed to load
        code_, msg, stop = _classify(exc)
        return "[" + ",".join(json.dumps([code_, msg, 0]) for _ in inputs) + "]", stop
    clock, sized, perf_counter = CLOCK, (str, list, tuple, dict), time.perf_counter  # hot loop
    for raw in inputs:
        args = pickle.loads(raw)  # a fresh copy: candidates may mutate their inputs
        t0 = clock.start(timeout)
        try:
            try:
                value = fn(*args)
                # Each str character or list element takes at least a byte of JSON.
                if type(value) in sized and len(value) > max_output:
                    raise OutputTooLarge(len(value))
                text = encode(value)
            finally:
                clock.deadline = math.inf
            us = int((perf_counter() - t0) * 1e6)
            if len(text) > max_output:
                parts.append(json.dumps([OUTPUT, f"output too large ({len(text)} bytes of JSON)", us]))
            else:
                parts.append(f"[0,{text},{us}]")
        except BaseException as exc:
            us = int((perf_counter() - t0) * 1e6)
            code_, msg, halt = _classify(exc)
            parts.append(json.dumps([code_, msg, us]))
            if code_ in (TIMEOUT, MEMORY):
                # The candidate has failed; running it on more inputs would only burn time.
                rest = json.dumps([code_, f"not run: {msg} on an earlier input", 0])
                parts += [rest] * (len(inputs) - len(parts))
                stop = halt
                break
    return "[" + ",".join(parts) + "]", stop


def _classify(exc: BaseException) -> tuple[int, str, bool]:
    """(code, message, child must stop) for an exception raised by candidate code; never raises."""
    try:
        return _classify_unguarded(exc)
    except BaseException:  # a class whose __class__, __str__... raise
        return ERROR, f"{_type_name(exc)} (its message cannot be read)", False


def _classify_unguarded(exc: BaseException) -> tuple[int, str, bool]:
    kind = type(exc)  # what it is, not what its __class__ says
    if issubclass(kind, Timeout):
        return TIMEOUT, "time limit exceeded", False
    if kind is OutputTooLarge:
        return OUTPUT, f"output too large (over {exc.args[0]} bytes of JSON)", False
    if issubclass(kind, MemoryError):
        return MEMORY, "memory limit exceeded", True
    text = _message(exc)
    if issubclass(kind, (TypeError, ValueError)) and "JSON serializable" in text:
        return OUTPUT, f"output is not JSON data: {text[:200]}", False
    if issubclass(kind, ValueError) and "Circular reference" in text:
        return OUTPUT, "output contains a reference to itself", False
    if issubclass(kind, PermissionError):
        return FORBIDDEN, text, False
    if issubclass(kind, RecursionError):
        return ERROR, "RecursionError: maximum recursion depth exceeded", False
    return ERROR, text, False


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class Encoder:
    """Compact ASCII JSON, as ``json.dumps`` writes it, through one C encoder made once
    (``JSONEncoder.encode`` makes a new one per call)."""

    def __init__(self) -> None:
        self.markers: dict[int, Any] = {}  # what the encoder is inside of, for reference cycles
        make = json.encoder.c_make_encoder
        self.c = make(self.markers, _not_json, json.encoder.encode_basestring_ascii, None, ":", ",",
                      False, False, True) if make else None
        self.py = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode

    def __call__(self, value: Any) -> str:
        if self.c is None:
            return self.py(value)
        try:
            return "".join(self.c(value, 0))
        except BaseException:
            self.markers.clear()  # an encoding cut short leaves its containers marked
            raise


class Prepared:
    """What children need for one task (inputs, preludes, limits), built once in the zygote;
    children only read it."""

    def __init__(self, job: dict[str, Any], modules: list[ModuleType], *, guard: bool = True) -> None:
        self.base = namespace(modules)
        self.builtins = dict(builtins.__dict__)
        self.inputs = [pickle.dumps(tuple(a), protocol=pickle.HIGHEST_PROTOCOL) for a in job["inputs"]]
        self.timeout: float = job["timeout"]
        self.memory_bytes: int = job["memory_bytes"]
        self.max_output: int = job.get("max_output_bytes", 1 << 20)
        self.encode = Encoder()
        with open("/proc/self/statm", "rb") as fh:
            self.vsz = int(fh.read().split()[0]) * PAGE
        # Set here, inherited by children: nothing below needs to run after fork.
        self.recursion_limit: int = job.get("recursion_limit", 3000)
        signal.signal(signal.SIGALRM, ON_TICK)
        sys.setrecursionlimit(self.recursion_limit)
        # Isolated children run one candidate and exit: they need no guard, and building
        # one after fork would touch (and copy) hundreds of shared pages.
        self.guard = Guard(modules, [self.base, self.builtins]) if guard else None


#: A child holds result lines of inert candidates back until it has this many bytes or
#: this many seconds passed: one write (and one wake-up of the zygote) per many candidates.
FLUSH_BYTES = 1 << 16
FLUSH_SECONDS = 0.02


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd``."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def run_batch(prep: Prepared, batch: dict[str, Any], out_fd: int) -> bool:
    """Run ``batch["indices"]`` of ``batch["codes"]``, one result line each; True when the
    child may serve another batch (it ran inert programs only and none changed shared state).

    A program that is not inert runs with every earlier line already written, and its own
    written right after: lines a child holds back are only ever those of programs flagged
    inert, a hint for speed only. ``buffered=False`` writes every line at once (the zygote
    asks for it after a child died holding lines back, to learn which program ended it).
    """
    codes, entries, indices = batch["codes"], batch["entries"], batch["indices"]
    inert = batch.get("inert") or [False] * len(codes)
    buffered = batch.get("buffered", True)
    guard = prep.guard
    held: list[bytes] = []
    size = 0
    since = time.monotonic()
    clean = True
    CLOCK.ticking(prep.timeout)
    # Inert programs are compiled first, all together. Should compiling one kill the child,
    # the zygote runs the batch again unbuffered: each compiled just before it runs.
    compiled = {i: precompile(codes[i], prep.timeout) for i in indices
                if buffered and inert[i]}
    for idx in indices:
        alone = not inert[idx]
        if alone and held:
            write_all(out_fd, b"".join(held))
            held, size = [], 0
        body, stop = run_candidate(compiled.pop(idx, codes[idx]), entries[idx], prep.inputs, prep.base,
                                   prep.builtins, prep.timeout, prep.max_output, prep.encode)
        # Every program is checked, inert or not: is_inert is a hint for speed, not a proof.
        tainted = stop or (guard is not None and guard.changed())
        line = f"[{idx},{body}{TAINT if tainted else ''}]\n".encode()
        held.append(line)
        size += len(line)
        now = time.monotonic()
        if alone or tainted or not buffered or size >= FLUSH_BYTES or now - since >= FLUSH_SECONDS:
            write_all(out_fd, b"".join(held))
            held, size, since = [], 0, now
        if tainted:
            return False
        clean = clean and not alone
    CLOCK.halt()  # no ticks while the child waits for the next batch
    write_all(out_fd, b"".join(held) + END)
    return clean


def read_exact(fd: int, n: int, deadline: float | None = None) -> bytes:
    """Exactly ``n`` bytes from ``fd``; EOFError when it closes first, TimeoutError when
    ``deadline`` (``time.monotonic()``) passes first."""
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not select.select([fd], [], [], left)[0]:
                continue
        chunk = os.read(fd, n - got)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_batch(fd: int) -> dict[str, Any] | None:
    """The next batch the zygote sends a waiting child (length-prefixed pickle); None at EOF."""
    try:
        size = int.from_bytes(read_exact(fd, 4), "big")
        return pickle.loads(read_exact(fd, size))  # noqa: S301 (written by the zygote, which is trusted)
    except EOFError:
        return None


def child_main(prep: Prepared, batch: dict[str, Any], out_fd: int, jobs_fd: int, hardening: Any,
               close_fds: Sequence[int], cpu_seconds: int) -> None:
    """Entry point of a forked child: harden, run ``batch``; then, while it ran inert
    programs only, wait on ``jobs_fd`` for more batches of the same task (-1: exit)."""
    for fd in close_fds:  # the zygote's other pipes: a candidate must never reach the parent
        os.close(fd)
    try:
        hardening.apply(memory_bytes=prep.vsz + prep.memory_bytes, cpu_seconds=cpu_seconds, max_fds=64)
        # The zygote may have prepared another task since this one (an isolated re-check
        # sets its own limit): this task's settings, and the guard's picture taken from them.
        signal.signal(signal.SIGALRM, ON_TICK)
        sys.setrecursionlimit(prep.recursion_limit)
        if prep.guard is not None:
            prep.guard.before = prep.guard.state()
    except OSError:
        os._exit(72)
    while run_batch(prep, batch, out_fd) and jobs_fd >= 0:
        next_batch = read_batch(jobs_fd)
        if next_batch is None:
            break
        batch = next_batch
    os._exit(0)
