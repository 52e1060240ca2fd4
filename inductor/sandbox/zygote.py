"""The sandbox worker ("zygote"): a small, pre-warmed process that forks hardened children.

Started by :class:`inductor.sandbox.pool.Worker` as ``python -I -m inductor.sandbox.zygote``
with an empty environment (optionally inside bubblewrap). It never runs candidate code
itself: it forks a child that applies :mod:`inductor.sandbox.harden`, compiles and runs
candidates and writes one JSON line per candidate back. The zygote enforces the deadline
from outside (SIGKILL of the child's process group), caps what the child may send, turns
deaths into verdicts and forks a fresh child for the candidates still to run.

A child that ran programs flagged inert only (:func:`inductor.verify.is_inert`, a hint for
speed) and changed no shared state waits for the next batch of the same task instead of
exiting, so a task's candidates mostly run in one child per worker; any other child exits
after its batch. The zygote takes a child's lines strictly in sequence and re-runs alone
any candidate whose line another could have written (see :meth:`Zygote.run_batch`).

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
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from inductor.sandbox import runner
from inductor.sandbox.harden import Hardening, libc_fork
from inductor.sandbox.runner import END, TAINT, write_all

TAINT_END = TAINT.encode() + b"]"

# Result codes shared with the parent (inductor.sandbox.Status mirrors them).
OK, ERROR, TIMEOUT, MEMORY, FORBIDDEN, OUTPUT = range(6)

# Modules candidates commonly import, loaded once here so children do not pay for them.
WARM_MODULES = (
    "re", "math", "itertools", "functools", "collections", "string", "heapq", "bisect",
    "operator", "copy", "typing", "statistics", "fractions", "decimal", "random", "json",
    "dataclasses", "enum", "textwrap", "unicodedata", "numbers",
)


#: A child serves at most this many candidates before a fresh one is forked, so that a slow
#: leak in one cannot grow without bound.
CHILD_LIFETIME = 5000


def _per_candidate(prep: runner.Prepared, job: dict[str, Any]) -> float:
    """Seconds a child may take per candidate before the zygote kills it."""
    return prep.timeout * max(1, len(prep.inputs)) + job.get("slack", 0.5)


def max_line_bytes(prep: runner.Prepared) -> int:
    """The longest result line a child writes: an output of at most ``max_output`` bytes
    or a short message per input (a longer one was not written by the runner)."""
    return max(1, len(prep.inputs)) * (prep.max_output + 4096) + 4096


@dataclass
class Child:
    """A forked child, the pipe it writes results to and (when it may serve more batches)
    the pipe it reads them from."""

    pid: int
    results: int
    jobs: int = -1
    served: int = 0
    alive: bool = True

    def fds(self) -> list[int]:
        return [fd for fd in (self.results, self.jobs) if fd >= 0]


class Zygote:
    def __init__(self, in_fd: int, out_fd: int) -> None:
        self.in_fd = in_fd
        self.out_fd = out_fd
        self.modules: dict[str, ModuleType] = {}
        self.hardening = Hardening()
        #: The child kept waiting for more batches of the same task, and what it was forked with.
        self.live: Child | None = None
        self.prep: runner.Prepared | None = None
        self.prep_key: tuple[Any, ...] = ()
        #: Children killed and not reaped yet.
        self.dying: list[int] = []

    # --- framing --------------------------------------------------------------------------

    def send(self, kind: bytes, payload: bytes) -> None:
        write_all(self.out_fd, kind + struct.pack(">I", len(payload)) + payload)

    def control(self, **msg: Any) -> None:
        self.send(b"C", json.dumps(msg).encode())

    def receive(self) -> dict[str, Any]:
        job = runner.read_batch(self.in_fd)  # the same framing as the zygote's own batches
        if job is None:
            raise EOFError
        return job

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
                self.retire()
                return
            if job.get("op") == "exit":
                self.retire()
                return
            try:
                modules: list[ModuleType] = []
                for n, p, src in job.get("preludes", ()):
                    modules.append(self.prelude(n, p, src, modules))
            except Exception as exc:
                self.control(done=job["id"], error=f"prelude failed: {type(exc).__name__}: {exc}")
                continue
            self.run_job(job, modules)
            self.reap_dying(block=True)
            self.control(done=job["id"])

    def run_job(self, job: dict[str, Any], modules: list[ModuleType]) -> None:
        isolate = job.get("isolate", False)
        if isolate:
            prep = runner.Prepared(job, modules, guard=False)
        else:
            key = (tuple((n, p, hash(src)) for n, p, src in job.get("preludes", ())),
                   pickle.dumps(job["inputs"]), job["timeout"], job["memory_bytes"],
                   job.get("max_output_bytes"), job.get("recursion_limit"))
            if self.prep is None or key != self.prep_key:
                self.retire()  # a waiting child holds another task's inputs
                self.prep, self.prep_key = runner.Prepared(job, modules), key
            prep = self.prep
        codes = job["codes"]
        batch = {"codes": codes, "entries": job["entries"], "inert": job.get("inert") or [False] * len(codes),
                 "buffered": True}
        # ``pending`` run together in one child; ``alone`` each in a fresh child of its own,
        # where whatever comes back is that candidate's doing.
        pending = [] if isolate else list(range(len(codes)))
        alone = list(range(len(codes))) if isolate else []
        while pending or alone:
            if alone:
                batch["indices"] = alone[:1]
                self.run_batch(prep, batch, job, keep=False)  # alone, a candidate always gets its line
                alone = alone[1:]
                continue
            batch["indices"] = pending
            pending, suspects, unbuffer = self.run_batch(prep, batch, job, keep=True)
            alone += suspects
            # A child that died holding lines back: run the rest writing every line, to
            # learn which program ended it.
            batch["buffered"] = batch["buffered"] and not unbuffer

    def retire(self) -> None:
        """End the waiting child, if any."""
        if self.live is not None:
            self._end(self.live)
            self.live = None

    def _end(self, child: Child, wait: bool = True) -> int:
        """Kill ``child``; its exit status when ``wait``, else it is reaped later (its exit,
        which unmaps its memory, then overlaps the next child's start)."""
        if child.alive:
            self._kill(child.pid)
            child.alive = False
            for fd in child.fds():
                os.close(fd)
            if not wait:
                self.dying.append(child.pid)
                return 0
            return self._reap(child.pid)
        return 0

    def reap_dying(self, block: bool = False) -> None:
        """Reap the children killed without waiting (all of them with ``block``)."""
        still = []
        for pid in self.dying:
            try:
                done, _ = os.waitpid(pid, 0 if block else os.WNOHANG)
            except ChildProcessError:
                continue
            if not done:
                still.append(pid)
        self.dying = still

    def _start(self, prep: runner.Prepared, batch: dict[str, Any], job: dict[str, Any], keep: bool) -> Child:
        """Fork a child for ``batch``; with ``keep`` it waits for more batches after it."""
        if len(self.dying) > 8:
            self.reap_dying()
        r, w = os.pipe()
        jr, jw = os.pipe() if keep else (-1, -1)
        cpu = int(_per_candidate(prep, job) * (CHILD_LIFETIME if keep else len(batch["indices"])) + 2)
        others = [self.in_fd, self.out_fd, r, jw, *(self.live.fds() if self.live else [])]
        pid = libc_fork()
        if pid < 0:
            for fd in (r, w, jr, jw):
                if fd >= 0:
                    os.close(fd)
            raise OSError("fork failed")
        if pid == 0:  # child
            try:
                runner.child_main(prep, batch, w, jr, self.hardening, [fd for fd in others if fd >= 0], cpu)
            finally:
                os._exit(70)
        os.close(w)
        if jr >= 0:
            os.close(jr)
        return Child(pid, r, jw)

    def run_batch(self, prep: runner.Prepared, batch: dict[str, Any], job: dict[str, Any],
                  keep: bool) -> tuple[list[int], list[int], bool]:
        """Run ``batch`` in the waiting child or a new one; relay in one frame the lines it
        can vouch for, each that of the candidate it names.

        Returns the indices still to run together, those to run each alone (their lines
        may have been forged), and whether the next child must write every line at once.

        Why the lines relayed are the candidates' own. A candidate has full Python in the
        child and can write anything on any of its descriptors, and it can read any secret
        the child holds, so no mark on a line proves who wrote it. What holds is order:

        - lines are taken strictly in sequence (``[index,`` of the next index, ``]`` at the
          end, a bounded length); anything else (a wrong index, extra bytes, an endless or
          over-long line) shows that some candidate that ran in this child wrote on the
          channel. The child is ended, and every line it gave that another candidate could
          have written is discarded: those candidates run again, each alone in a fresh child.
        - In a fresh child, nothing ran before the first candidate: its line (or its death)
          is its own. A candidate running alone can forge only its own line, which is no
          more than returning that value; the parent still compares it.
        - A death or an expired deadline is blamed on a candidate only when it was the
          first in a fresh child writing its lines at once; otherwise the rest run again
          from it in such a child (a candidate can write a complete line for itself, then
          hang or kill the child while the zygote waits for the next one's).

        What a shared child's other lines cannot show is a careful forger that writes
        exactly the lines expected: it can make later candidates fail, never pass, since
        every pass is believed only from a child that ran that candidate alone.
        Deadlines are absolute: a slot gets ``per_candidate`` seconds from when the line
        before it was complete; bytes that make no complete line extend nothing.
        """
        indices = batch["indices"]
        child = self.live if keep else None
        if child is not None:
            data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
            try:
                write_all(child.jobs, struct.pack(">I", len(data)) + data)
            except OSError:
                self.retire()
                child = None
        fresh = child is None
        if child is None:
            child = self._start(prep, batch, job, keep)
            if keep:
                self.live = child
        per_candidate = _per_candidate(prep, job)
        max_line = job.get("max_line_bytes") or max_line_bytes(prep)
        deadline = time.monotonic() + per_candidate + job.get("startup", 1.0)
        buf = bytearray()
        lines: list[bytes] = []
        done = 0
        # ``complete``: the end line came after the last result line (or, after a tainted
        # line, the child exited): only then is it known that no line was written twice.
        stop = forged = timed_out = complete = False
        end = END.rstrip(b"\n")
        r = child.results
        while not complete and not forged:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([r], [], [], left)
            if not ready:
                continue
            chunk = os.read(r, 1 << 20)
            if not chunk:  # the child exited or died
                complete = stop and not buf
                forged = bool(buf) and (stop or done == len(indices))
                break
            if stop:
                forged = True  # a child writes nothing after a tainted line
                break
            buf += chunk
            start = 0
            while True:
                nl = buf.find(b"\n", start)
                if nl < 0:
                    break
                line = bytes(buf[start:nl])
                start = nl + 1
                if done == len(indices):
                    complete = line == end and start == len(buf)
                    forged = not complete
                    break
                if len(line) > max_line or not line.startswith(b"[%d," % indices[done]) or not line.endswith(b"]"):
                    forged = True
                    break
                lines.append(line)
                done += 1
                deadline = time.monotonic() + per_candidate
                # The child exits after a candidate changed shared state.
                stop = line.endswith(TAINT_END)
                if stop:
                    forged = start < len(buf)
                    break
            del buf[:start]
            if len(buf) > max_line:
                forged = True  # no genuine line is this long
        if not complete and not forged and (stop or done == len(indices)):
            forged = True  # every line expected came, the end did not: some came from a candidate
        inert = batch["inert"]
        child.served += done
        stays = (keep and complete and not stop and child.served < CHILD_LIFETIME
                 and all(inert[i] for i in indices))
        status = 0
        if not stays:
            # Only a death that may be blamed on a candidate needs its exit status.
            status = self._end(child, wait=not forged and not timed_out and not stop and done < len(indices))
            if child is self.live:
                self.live = None
        # Whether the first slot's line (or death) is its candidate's own: nothing ran before
        # it in this child, and its line was written before the next candidate ran (a child
        # may hold back the lines of programs flagged inert).
        own_first = fresh and (not batch["buffered"] or not inert[indices[0]] or len(indices) == 1)
        rest: list[int] = []
        suspects: list[int] = []
        unbuffer = False
        if forged:
            if own_first and done == 0:
                lines.append(json.dumps([indices[0], ERROR, "wrote to the sandbox's result channel"]).encode())
                done = 1
            else:
                trusted = 1 if own_first else 0
                done = min(done + 1, len(indices))
                suspects = indices[trusted:done]
                del lines[trusted:]
            rest = indices[done:]
        elif done < len(indices) and not stop:
            first = indices[done]
            if own_first and done == 0:
                verdict = (TIMEOUT, "time limit exceeded (killed)") if timed_out else self._death_verdict(status)
                lines.append(json.dumps([first, verdict[0], verdict[1]]).encode())
                done += 1
            else:
                unbuffer = True
            rest = indices[done:]
        else:
            rest = indices[done:]
        # One frame per child run: lines hold no newline (they were split on it).
        if lines:
            self.send(b"R", b"\n".join(lines))
        return rest, suspects, unbuffer

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
