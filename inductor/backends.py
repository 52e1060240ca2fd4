"""Where a pass's tasks are solved: here, one after another (``local``), or over a Ray cluster (``ray``).

``inductor run --backend ray [--address ADDR]`` spreads each pass's tasks over Ray workers
(actors), each with its own sandbox workers and model, built from this run's settings. The
library travels to them by content hash: at the start of a pass the driver takes a consistent
copy (:meth:`inductor.store.Library.copy_to`), puts it once into Ray's object store and hands
each task its digest; a worker unpacks a digest it has not seen and opens that copy frozen. A
worker returns the task's result and the events it recorded; the driver replays the events and
learns from the result in task order (:meth:`inductor.loop.Induction.adopt`), so the library
has one writer and the same learned functions whatever order the workers finish in. The sleep
(compression, weights) runs between passes, on the driver, as in a local run. A worker that
dies is restarted and its task retried (``[ray] max_retries``); a task whose worker dies past
that ends as ``stopped = "worker-lost"``. Without ``--address``, Ray starts a local cluster on
this machine and stops it at the end. Ray is an optional extra: ``pip install 'inductor[ray]'``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import shutil
import tarfile
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.config import setting
from inductor.errors import InductorError
from inductor.events import Events
from inductor.hookspecs import hookimpl
from inductor.loop import InProcess, Solved
from inductor.results import TaskResult

if TYPE_CHECKING:
    from inductor.app import App
    from inductor.loop import Induction, LibraryUse
    from inductor.tasks import Task

__all__ = ["BackendError", "RayBackend", "RaySettings", "WorkerSpec", "pack_library"]

#: Top-level names of a library folder the workers do not need (the model's adapter is loaded
#: by each worker from the settings, not from the shipped copy).
NOT_SHIPPED = ("adapter",)


class BackendError(InductorError):
    """A backend cannot start (Ray missing, the cluster unreachable) or lost all its workers."""


@dataclass(frozen=True)
class RaySettings:
    """``[ray]``: the Ray backend's settings (declared by its plugin, this module)."""

    address: str = setting("", "the Ray cluster to join (HOST:6379 or ray://HOST:10001); "
                               "empty: start a local cluster on this machine for the run")
    workers: int = setting(2, "task workers (Ray actors), each with its own sandbox and model")
    cpus_per_worker: float = setting(1.0, "CPUs Ray reserves for each worker")
    sandbox_workers: int = setting(0, "sandbox processes per worker; 0: [sandbox] workers, or fewer on a "
                                      "local cluster when this machine's cores run short (cores / workers)")
    max_retries: int = setting(2, "times a worker that died is restarted and its task retried")
    model_slots: int = setting(0, "most model calls in flight across all workers (for one shared model "
                                  "server); 0: no limit but each worker's own")


@hookimpl
def inductor_register_backends(register):
    register("local", lambda app: InProcess())
    register("ray", RayBackend.from_app)


@hookimpl
def inductor_register_settings(register):
    register("ray", RaySettings)


# --- the library, by content hash ---------------------------------------------------------------

def pack_library(library: Any) -> tuple[str, bytes]:
    """The library as one archive and its SHA-256: a consistent copy of the folder (the store
    through SQLite's backup), without what workers do not need; the same library gives the same
    bytes (names sorted, times and owners zeroed)."""
    with tempfile.TemporaryDirectory(prefix="inductor-ship-") as tmp:
        copy = library.copy_to(Path(tmp) / "library", skip=NOT_SHIPPED)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for path in sorted(copy.rglob("*")):
                if not path.is_file():
                    continue
                info = tar.gettarinfo(str(path), arcname=str(path.relative_to(copy)))
                info.mtime = 0
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with path.open("rb") as f:
                    tar.addfile(info, f)
    blob = buffer.getvalue()
    return hashlib.sha256(blob).hexdigest(), blob


def unpack_library(blob: bytes, folder: Path) -> Path:
    """An archive of :func:`pack_library` unpacked into ``folder`` (made)."""
    folder.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r") as tar:
        tar.extractall(folder, filter="data")
    return folder


# --- a worker -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build the driver's parts: plain values only, so it pickles anywhere."""

    config: str | None
    plugins_dirs: tuple[str, ...]
    #: Every setting, by section: the driver's settings as they stand (file, options, overrides).
    options: dict[str, dict[str, Any]]
    #: Task folders whose ``plugins.py`` the driver loaded.
    task_folders: tuple[str, ...] = ()
    #: Where the driver's library is (for ``adapter = "auto"``); the worker's library is the shipped copy.
    library_dir: str | None = None
    sandbox_workers: int = 0
    seed: int | None = None
    #: The driver's working directory: relative paths in the settings mean the same to a worker
    #: that has it (a local cluster); elsewhere the worker keeps its own.
    cwd: str = ""

    @classmethod
    def of(cls, app: App, sandbox_workers: int = 0, library_dir: str | None = None) -> WorkerSpec:
        config = app.config_path or (Path("inductor.toml") if Path("inductor.toml").is_file() else None)
        return cls(config=str(config.resolve()) if config is not None else None,
                   plugins_dirs=tuple(str(p.resolve()) for p in app.plugins_dirs), options=settings_options(app.settings),
                   task_folders=tuple(str(p.resolve()) for p in app.task_folders), library_dir=library_dir,
                   sandbox_workers=sandbox_workers, cwd=os.getcwd())


def settings_options(settings: Any) -> dict[str, dict[str, Any]]:
    """Every value of ``settings`` as ``{section: {name: value}}`` (what ``App(options=...)`` takes)."""
    out = {f.name: asdict(getattr(settings, f.name)) for f in fields(settings) if f.name != "sections"}
    out.update({name: asdict(section) for name, section in settings.sections.items()})
    return out


class TaskWorker:
    """One worker's parts (sandbox, model, the loop with a frozen library) and the tasks it solves.

    A Ray actor on a cluster; a plain object in tests. ``solve`` returns the result and the
    events recorded while solving, for the driver to replay.
    """

    def __init__(self, spec: WorkerSpec, slots: Any = None) -> None:
        from inductor.app import App

        self.spec = spec
        if spec.cwd and Path(spec.cwd).is_dir():
            os.chdir(spec.cwd)
        self.app = App(spec.config, spec.plugins_dirs, options=spec.options, say=lambda message: None)
        self.app.load_task_plugins(Path(p) for p in spec.task_folders)
        overrides = {"workers": spec.sandbox_workers} if spec.sandbox_workers else {}
        self.sandbox = self.app.sandbox(**overrides).__enter__()
        self.model = self.app.load_model(spec.library_dir)
        if slots is not None and self.model is not None:
            self.model = SlotLimited(self.model, slots)
        self.records: list[dict[str, Any]] = []
        self.events = Events(None, listeners=(self._record,))
        self.folder = Path(tempfile.mkdtemp(prefix="inductor-worker-"))
        self.digest: str | None = None
        self.library: LibraryUse | None = None
        self.induction = self._induction(None)

    def _record(self, record: dict[str, Any], subject: Any = None) -> None:
        self.records.append(record)

    def _induction(self, library: LibraryUse | None) -> Induction:
        return self.app.induction(self.sandbox, self.model, library, events=self.events, seed=self.spec.seed)

    def use_library(self, digest: str | None, blob: bytes | None = None, fetch: Any = None) -> None:
        """Solve with the library ``digest`` names from now on (``None``: no library); its archive
        is ``blob``, or what ``fetch()`` returns, unpacked once per digest."""
        if digest == self.digest:
            return
        if self.library is not None:  # the copy of an earlier pass goes (a large library's is big)
            self.library.library.close()
            shutil.rmtree(self.library.library.folder, ignore_errors=True)
            self.library = None
        if digest is not None:
            where = self.folder / digest[:16]
            if not where.is_dir():
                unpack_library(blob if blob is not None else fetch(), where)
            self.library = self.app.library_use(where, learn=False, model=self.model, quiet=True)
        self.digest = digest
        self.induction = self._induction(self.library)

    def solve(self, task: Task, pass_no: int, library: tuple[str, list[Any]] | None = None
              ) -> tuple[TaskResult, list[dict[str, Any]], int]:
        """Solve ``task``; ``library``: (digest, [the archive's object reference]) or None."""
        if library is None:
            self.use_library(None)
        else:
            import ray

            digest, (ref,) = library
            self.use_library(digest, fetch=lambda: ray.get(ref))
        self.records = []
        result = self.induction.solve(task, pass_no)
        return result, self.records, os.getpid()

    def pid(self) -> int:
        return os.getpid()

    def close(self) -> None:
        if self.library is not None:
            self.library.library.close()
        self.sandbox.close()
        close = getattr(self.model, "close", None)
        if callable(close):
            close()
        shutil.rmtree(self.folder, ignore_errors=True)


class ModelSlots:
    """A cluster-wide semaphore for model calls (an async Ray actor): ``[ray] model_slots``."""

    def __init__(self, slots: int) -> None:
        import asyncio

        self.slots = asyncio.Semaphore(max(1, slots))

    async def acquire(self) -> None:
        await self.slots.acquire()

    async def release(self) -> None:
        self.slots.release()


class SlotLimited:
    """A model whose every call first takes one of the cluster's model slots (:class:`ModelSlots`)."""

    def __init__(self, model: Any, slots: Any) -> None:
        self._model = model
        self._slots = slots

    def sample(self, prompt: str, params: Any) -> list[str]:
        import ray

        ray.get(self._slots.acquire.remote())
        try:
            return self._model.sample(prompt, params)
        finally:
            self._slots.release.remote()

    def __getattr__(self, name: str) -> Any:  # name, stats, prompt_format, ... as the model has them
        return getattr(self._model, name)


# --- the backend --------------------------------------------------------------------------------

@dataclass
class RayBackend:
    """The ``ray`` backend: see the module docstring."""

    spec: WorkerSpec
    settings: RaySettings = field(default_factory=RaySettings)
    name: str = "ray"
    solves_here: bool = False
    #: Tasks lost with a worker that died past its retries.
    lost: int = 0
    #: The process ids each worker answered from: more than one means Ray restarted it.
    pids: dict[int, set[int]] = field(default_factory=dict)
    _actors: list[Any] = field(default_factory=list)
    _started_ray: bool = False
    _shipped: tuple[str, Any] | None = None
    _shipped_revision: tuple[Any, ...] | None = None
    _slots: Any = None

    @classmethod
    def from_app(cls, app: App) -> RayBackend:
        s: RaySettings = app.settings.section("ray")
        if s.workers < 1:
            raise BackendError(f"[ray] workers {s.workers}: must be at least 1")
        share = s.sandbox_workers
        if share == 0 and not s.address:  # a local cluster shares this machine's cores out
            share = max(1, min(app.settings.sandbox.workers, (os.cpu_count() or 1) // s.workers))
        library = app.settings.library.folder
        return cls(WorkerSpec.of(app, sandbox_workers=share, library_dir=library), s)

    def _ray(self) -> Any:
        try:
            import ray
        except ImportError:
            raise BackendError("--backend ray needs Ray: pip install 'inductor[ray]'") from None
        return ray

    def start(self) -> None:
        """Join (or start) the cluster and start the workers; a second call does nothing."""
        if self._actors:
            return
        ray = self._ray()
        if not ray.is_initialized():
            _check_reachable(self.settings.address)
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "logging_level": logging.ERROR}
            if not self.settings.address:
                kwargs["num_cpus"] = max(os.cpu_count() or 1, int(self.settings.workers * self.settings.cpus_per_worker))
            try:
                ray.init(address=self.settings.address or None, **kwargs)
            except Exception as exc:  # ConnectionError, RuntimeError: Ray's own
                where = self.settings.address or "a local cluster"
                raise BackendError(f"--backend ray: cannot start or reach {where}: {exc}") from None
            self._started_ray = True
        retries = self.settings.max_retries
        actor = ray.remote(num_cpus=self.settings.cpus_per_worker, max_restarts=retries,
                           max_task_retries=retries)(TaskWorker)
        if self.settings.model_slots > 0 and self._slots is None:
            self._slots = ray.remote(ModelSlots).options(max_concurrency=1000).remote(self.settings.model_slots)
        self._actors = [actor.remote(self.spec, self._slots) for _ in range(self.settings.workers)]
        # Each worker's process id, once its parts are built: a worker that cannot build them
        # (a model that does not load) stops the run here, with its reason.
        try:
            self.pids = {k: {pid} for k, pid in enumerate(ray.get([a.pid.remote() for a in self._actors]))}
        except Exception as exc:
            self.close()
            raise BackendError(f"--backend ray: a worker could not start: {_cause(exc)}") from None

    def _ship(self, library: LibraryUse | None) -> tuple[str, list[Any]] | None:
        """The library's digest and object reference; packed again only when the store changed."""
        if library is None:
            return None
        folder = library.library.folder
        files = tuple(sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns) for p in folder.rglob("*")
                             if p.is_file() and not p.name.startswith(".") and "-wal" not in p.name
                             and "-shm" not in p.name))
        revision = (str(folder), library.library.revision(), files)
        if self._shipped is None or self._shipped_revision != revision:
            digest, blob = pack_library(library.library)
            if self._shipped is None or self._shipped[0] != digest:
                self._shipped = (digest, self._ray().put(blob))
            self._shipped_revision = revision
        return self._shipped[0], [self._shipped[1]]

    def solve(self, induction: Induction, tasks: Sequence[Task], pass_no: int) -> Iterator[Solved]:
        self.start()
        ray = self._ray()
        library = self._ship(induction.library)
        queue = deque(range(len(tasks)))
        free = list(self._actors)
        pending: dict[Any, tuple[int, Any]] = {}
        done: dict[int, tuple[TaskResult, list[dict[str, Any]]]] = {}
        next_out = 0
        try:
            while next_out < len(tasks):
                while free and queue:
                    i = queue.popleft()
                    worker = free.pop(0)
                    induction.announce(tasks[i], pass_no)
                    pending[worker.solve.remote(tasks[i], pass_no, library)] = (i, worker)
                if not pending:
                    raise BackendError("--backend ray: every worker is gone")
                ready, _ = ray.wait(list(pending), num_returns=1)
                for ref in ready:
                    i, worker = pending.pop(ref)
                    done[i], alive = self._collect(ref, tasks[i], pass_no, self._actors.index(worker))
                    if alive:
                        free.append(worker)
                while next_out in done:  # in task order: the library learns the same whatever finishes first
                    result, records = done.pop(next_out)
                    yield Solved(next_out, result, records)
                    next_out += 1
        except KeyboardInterrupt:
            # What finished still counts (and --resume skips it); the rest is stopped by close().
            finished, _ = ray.wait(list(pending), num_returns=len(pending), timeout=0) if pending else ([], [])
            for ref in finished:
                i, worker = pending.pop(ref)
                done[i], _ = self._collect(ref, tasks[i], pass_no, self._actors.index(worker))
            for i in sorted(done):
                result, records = done[i]
                yield Solved(i, result, records)
            raise

    @property
    def restarts(self) -> int:
        """Times Ray restarted a worker (its task then retried) in this backend's runs."""
        return sum(len(p) - 1 for p in self.pids.values())

    def _collect(self, ref: Any, task: Task, pass_no: int, worker: int
                 ) -> tuple[tuple[TaskResult, list[dict[str, Any]]], bool]:
        """A finished call's result and records, and whether its worker lives on."""
        from ray.exceptions import (
            ActorDiedError,
            ActorUnavailableError,
            RayActorError,
            RayTaskError,
        )

        ray = self._ray()
        try:
            result, records, pid = ray.get(ref)
        except RayTaskError as exc:  # the worker raised: the run stops on it, as a local run would
            cause = getattr(exc, "cause", None)
            if isinstance(cause, InductorError | KeyboardInterrupt):
                raise cause from None
            raise BackendError(f"task {task.id}: a worker failed: {_cause(exc)}") from None
        except (ActorDiedError, ActorUnavailableError, RayActorError):
            self.lost += 1
            lost = TaskResult(task, test_solved=False if task.test else None, pass_no=pass_no, stopped="worker-lost")
            return (lost, []), False
        self.pids.setdefault(worker, set()).add(pid)
        return (result, records), True

    def close(self) -> None:
        """Stop the workers (each closes its sandbox) and the local cluster this backend started."""
        if not self._actors and not self._started_ray:
            return
        ray = self._ray()
        with contextlib.suppress(Exception):
            ray.get([a.close.remote() for a in self._actors], timeout=30)
        for a in self._actors:
            with contextlib.suppress(Exception):
                ray.kill(a)
        if self._slots is not None:
            with contextlib.suppress(Exception):
                ray.kill(self._slots)
            self._slots = None
        self._actors = []
        self._shipped = self._shipped_revision = None
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False


def _cause(exc: BaseException) -> str:
    """The first line of what went wrong in a worker (Ray wraps it with its traceback)."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        exc = cause
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail in one line, at once, when ``address`` (HOST:PORT or ray://HOST:PORT) does not answer:
    Ray itself retries for minutes. Empty (a local cluster) and ``auto`` are not checked."""
    import socket

    if not address or address == "auto":
        return
    where = address.removeprefix("ray://")
    host, sep, port = where.rpartition(":")
    if not sep or not port.isdigit():
        raise BackendError(f"[ray] address {address!r}: expected HOST:PORT (the head's GCS port, 6379) "
                           "or ray://HOST:10001")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise BackendError(f"--backend ray: cannot reach the Ray cluster at {address} ({reason}); "
                           "is `ray start --head` running there?") from None
