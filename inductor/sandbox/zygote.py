"""The sandbox worker ("zygote"): a small, pre-warmed process that forks hardened children.

Started by :class:`inductor.sandbox.pool.Zygote` as ``python -I -m inductor.sandbox.zygote``
with an empty environment (optionally inside bubblewrap). It never runs candidate code
itself: for each job it forks a child that applies :mod:`inductor.sandbox.harden` and runs
candidates, streaming one JSON line per candidate back. The zygote enforces the deadline
from outside (SIGKILL of the child's process group), caps what the child may send, turns
deaths into verdicts and forks a fresh child for the candidates still to run.

Wire format, parent to zygote: 4-byte big-endian length + pickle (the parent is trusted).
Zygote to parent: 1-byte kind + 4-byte length + payload, never pickle, because payloads
carry bytes written by untrusted code: ``R`` a child's result lines (JSON, relayed as is, joined by newlines),
``C`` a control message in JSON written by the zygote.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import os
import pickle
import select
import signal
import struct
import sys
import time
from types import ModuleType
from typing import Any

from inductor.sandbox import runner
from inductor.sandbox.harden import Hardening, libc_fork
from inductor.sandbox.runner import TAINT

TAINT_END = TAINT.encode() + b"]"

# Result codes shared with the parent (inductor.sandbox.Status mirrors them).
OK, ERROR, TIMEOUT, MEMORY, FORBIDDEN, OUTPUT = range(6)

# Modules candidates commonly import, loaded once here so children do not pay for them.
WARM_MODULES = (
    "re", "math", "itertools", "functools", "collections", "string", "heapq", "bisect",
    "operator", "copy", "typing", "statistics", "fractions", "decimal", "random", "json",
    "dataclasses", "enum", "textwrap", "unicodedata", "numbers",
)


def read_exact(fd: int, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, n - got)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class Zygote:
    def __init__(self, in_fd: int, out_fd: int) -> None:
        self.in_fd = in_fd
        self.out_fd = out_fd
        self.modules: dict[str, ModuleType] = {}
        self.hardening = Hardening()

    # --- framing --------------------------------------------------------------------------

    def send(self, kind: bytes, payload: bytes) -> None:
        data = kind + struct.pack(">I", len(payload)) + payload
        view = memoryview(data)
        while view:
            view = view[os.write(self.out_fd, view):]

    def control(self, **msg: Any) -> None:
        self.send(b"C", json.dumps(msg).encode())

    def receive(self) -> dict[str, Any]:
        (n,) = struct.unpack(">I", read_exact(self.in_fd, 4))
        return pickle.loads(read_exact(self.in_fd, n))

    # --- jobs -----------------------------------------------------------------------------

    def prelude(self, name: str, path: str, source: str, earlier: list[ModuleType] | None = None) -> ModuleType:
        """Run a domain/library module's ``source`` (sent by the parent) once; children inherit it.

        The public names of the ``earlier`` preludes are in its globals before it runs, so a
        library module can call its domain's primitives.
        """
        key = f"{name}@{path}@{hash(source)}"
        mod = self.modules.get(key)
        if mod is None:
            spec = importlib.util.spec_from_loader(name, loader=None, origin=path)
            assert spec is not None
            mod = importlib.util.module_from_spec(spec)
            mod.__file__ = path
            mod.__dict__.update({k: v for k, v in runner.namespace(earlier or []).items() if k != "__name__"})
            sys.modules[name] = mod
            exec(compile(source, path, "exec"), mod.__dict__)  # noqa: S102 (trusted: plugin or library code)
            self.modules[key] = mod
            gc.freeze()
        return mod

    def serve(self) -> None:
        self.control(ready=True, pid=os.getpid(), layers=self.hardening.layers())
        while True:
            try:
                job = self.receive()
            except EOFError:
                return
            if job.get("op") == "exit":
                return
            try:
                modules: list[ModuleType] = []
                for n, p, src in job.get("preludes", ()):
                    modules.append(self.prelude(n, p, src, modules))
            except Exception as exc:
                self.control(done=job["id"], error=f"prelude failed: {type(exc).__name__}: {exc}")
                continue
            self.run_job(job, modules)
            self.control(done=job["id"])

    def run_job(self, job: dict[str, Any], modules: list[ModuleType]) -> None:
        prep = runner.Prepared(job, modules)
        pending = list(range(len(job["codes"])))
        isolate = job.get("isolate", False)
        while pending:
            chunk = pending[:1] if isolate else pending
            finished = self.run_child(prep, chunk)
            pending = pending[finished:]

    def run_child(self, prep: runner.Prepared, indices: list[int]) -> int:
        """Fork one child for ``indices``; return how many of them got a result line."""
        r, w = os.pipe()
        pid = libc_fork()
        if pid < 0:
            raise OSError("fork failed")
        if pid == 0:  # child
            try:
                runner.child_main(prep, indices, w, self.hardening, (r, self.in_fd, self.out_fd))
            finally:
                os._exit(70)
        os.close(w)
        job = prep.job
        per_candidate = job["timeout"] * max(1, len(job["inputs"])) + job.get("slack", 0.5)
        max_line = job.get("max_line_bytes", 8 << 20)
        deadline = time.monotonic() + per_candidate + job.get("startup", 1.0)
        buf = bytearray()
        lines: list[bytes] = []
        done = 0
        stop = False
        verdict: tuple[int, str] | None = None
        try:
            while done < len(indices) and not stop:
                left = deadline - time.monotonic()
                if left <= 0:
                    verdict = (TIMEOUT, "time limit exceeded (killed)")
                    break
                ready, _, _ = select.select([r], [], [], left)
                if not ready:
                    continue
                chunk = os.read(r, 1 << 20)
                if not chunk:
                    break  # the child exited or died
                buf += chunk
                while done < len(indices) and not stop:
                    nl = buf.find(b"\n")
                    if nl < 0:
                        break
                    line = bytes(buf[:nl])
                    del buf[: nl + 1]
                    if not line.startswith(b"[%d," % indices[done]):
                        verdict = (ERROR, "wrote to the sandbox's result channel")
                        stop = True
                        break
                    lines.append(line)
                    done += 1
                    deadline = time.monotonic() + per_candidate
                    # The child exits after a candidate changed shared state.
                    stop = line.endswith(TAINT_END)
                if not stop and len(buf) > max_line:
                    verdict = (OUTPUT, "output too large")
                    break
        finally:
            self._kill(pid)
            os.close(r)
            status = self._reap(pid)
        if done < len(indices) and (verdict is not None or not stop):
            if verdict is None:
                verdict = self._death_verdict(status)
            lines.append(json.dumps([indices[done], verdict[0], verdict[1]]).encode())
            done += 1
        # One frame per child: lines hold no newline (they were split on it).
        self.send(b"R", b"\n".join(lines))
        return done

    @staticmethod
    def _kill(pid: int) -> None:
        for target in (-pid, pid):
            try:
                os.kill(target, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    @staticmethod
    def _reap(pid: int) -> int:
        try:
            _, status = os.waitpid(pid, 0)
            return status
        except ChildProcessError:
            return 0

    @staticmethod
    def _death_verdict(status: int) -> tuple[int, str]:
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGSYS:
                return FORBIDDEN, "forbidden system call (killed by the sandbox)"
            if sig in (signal.SIGXCPU, signal.SIGKILL):
                return TIMEOUT, "CPU time limit exceeded"
            if sig == signal.SIGSEGV:
                return ERROR, "crashed (segmentation fault)"
            return ERROR, f"crashed (signal {signal.Signals(sig).name})"
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
        if code == 71:
            return MEMORY, "memory limit exceeded"
        return ERROR, f"the process exited early (exit status {code})"


def main() -> None:
    # Die with the parent, and refuse to start orphaned.
    parent = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass
    if parent and os.getppid() != parent and not os.environ.get("INDUCTOR_IN_BWRAP"):
        return
    for name in WARM_MODULES:
        try:
            __import__(name)
        except ImportError:
            pass
    in_fd, out_fd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    zygote = Zygote(in_fd, out_fd)
    gc.collect()
    gc.freeze()
    zygote.serve()


if __name__ == "__main__":
    main()
