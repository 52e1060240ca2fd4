"""Where a pass's tasks are solved: the local backend, a worker in this process, and Ray workers
on a local cluster (skipped where Ray is not installed; ``make setup`` installs it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from inductor.app import App, SetupError
from inductor.backends import (
    BackendError,
    RayBackend,
    TaskWorker,
    WorkerSpec,
    pack_library,
    unpack_library,
)
from inductor.events import read_events
from inductor.loop import InProcess
from inductor.plugins import Plugins
from inductor.runs import RunRequest, execute
from inductor.store import Function, Library
from inductor.tasks import Example, Task

try:
    import ray
except ImportError:  # the extra is not installed: the Ray tests say so and skip
    ray = None

needs_ray = pytest.mark.skipif(ray is None, reason="Ray is not installed (pip install 'inductor[ray]')")

# Five list tasks the value search solves at once (its programs are found in cost order, so
# every backend finds the same ones).
TASKS = [
    Task("rev", [Example(([1, 2, 3],), [3, 2, 1]), Example(([5, 4],), [4, 5])],
         test=[Example(([7, 8, 9],), [9, 8, 7])], domain="lists"),
    Task("first", [Example(([4, 1],), [4]), Example(([9, 2, 3],), [9])], test=[Example(([6],), [6])], domain="lists"),
    Task("tail", [Example(([4, 1, 2],), [1, 2]), Example(([9, 2, 3, 5],), [2, 3, 5])],
         test=[Example(([6, 7],), [7])], domain="lists"),
    Task("sort", [Example(([4, 1, 2],), [1, 2, 4]), Example(([9, 2, 3, 5],), [2, 3, 5, 9])],
         test=[Example(([7, 6],), [6, 7])], domain="lists"),
    Task("double", [Example(([1, 2],), [2, 4]), Example(([3, 0, 5],), [6, 0, 10])],
         test=[Example(([4],), [8])], domain="lists"),
]


def write_tasks(folder: Path, tasks: list[Task]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for task in tasks:
        (folder / f"{task.id}.json").write_text(json.dumps(task.to_json()))
    return folder


def app_for(tmp_path: Path, backend: str = "local", plugins_dirs: tuple[Path, ...] = (), **options) -> App:
    opts = {"model": {"name": "none"}, "run": {"time_per_task": 3, "runs_dir": str(tmp_path / "runs"),
                                              "backend": backend},
            "library": {"embedder": "hash"}, "ray": {"workers": 2}}
    for section, values in options.items():
        opts.setdefault(section, {}).update(values)
    return App(plugins_dirs=plugins_dirs, options=opts, say=lambda m: None)


def run(app: App, folder: Path, library: Path, **request):
    tasks = app.load_tasks([folder]).tasks
    return execute(app, tasks, RunRequest(folders=[str(folder)], library=library, **request))


def test_the_built_in_backends_register_through_the_hook():
    backends = Plugins.create(entrypoints=False).backends()
    assert {"local", "ray"} <= set(backends)
    assert isinstance(backends["local"](None), InProcess)


def test_an_unknown_backend_is_named(tmp_path):
    with pytest.raises(SetupError, match=r"\[run\] backend 'spark': unknown \(known: local, ray"):
        app_for(tmp_path, backend="spark").backend()


def test_ray_missing_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    backend = app_for(tmp_path, backend="ray").backend()
    with pytest.raises(BackendError, match=r"--backend ray needs Ray: pip install 'inductor\[ray\]'"):
        backend.start()


def test_a_local_cluster_shares_the_cores_out_among_its_workers(tmp_path, monkeypatch):
    import inductor.backends as backends

    app = app_for(tmp_path, backend="ray")
    for cores, workers, expected in ((2, 2, 1), (16, 4, 2), (4, 8, 1)):
        monkeypatch.setattr(backends.os, "cpu_count", lambda cores=cores: cores)
        app.configure("ray", workers=workers)
        assert RayBackend.from_app(app).spec.sandbox_workers == expected, (cores, workers)
    app.configure("ray", address="head:6379")  # a remote cluster: each worker's own [sandbox] workers
    assert RayBackend.from_app(app).spec.sandbox_workers == 0


def test_the_library_ships_by_content_hash(tmp_path):
    lib = Library(tmp_path / "lib")
    lib.add(Function("add_one", "lists", "add_one(xs)", "def add_one(xs):\n    return [x + 1 for x in xs]\n"))
    digest, blob = pack_library(lib)
    assert pack_library(lib) == (digest, blob)  # the same library, the same bytes
    copy = unpack_library(blob, tmp_path / "copy")
    assert Library(copy, readonly=True).names() == {"add_one"}
    lib.add(Function("add_two", "lists", "add_two(xs)", "def add_two(xs):\n    return [x + 2 for x in xs]\n"))
    assert pack_library(lib)[0] != digest


def test_the_library_is_packed_again_only_when_it_changed(tmp_path, monkeypatch):
    import inductor.backends as backends

    packed, put = [], []
    real = backends.pack_library
    monkeypatch.setattr(backends, "pack_library", lambda lib: packed.append(1) or real(lib))

    class FakeRay:
        def put(self, blob):
            put.append(len(blob))
            return f"ref{len(put)}"

    backend = RayBackend(WorkerSpec.of(app_for(tmp_path)))
    monkeypatch.setattr(backend, "_ray", lambda: FakeRay())
    use = app_for(tmp_path).library_use(tmp_path / "lib", learn=True, quiet=True)
    first = backend._ship(use)
    assert backend._ship(use) == first and len(packed) == 1 and len(put) == 1
    use.library.set_weights("lists", {"head": 2.0})  # the sleep's fitted weights: workers need them
    second = backend._ship(use)
    assert second[0] != first[0] and len(packed) == 2 and second[1] == ["ref2"]
    use.library.close()


def test_a_worker_solves_with_the_shipped_library_and_the_driver_learns(tmp_path):
    """The worker's half without Ray: it solves with a frozen copy and hands back its events;
    the driver replays them and is the one that writes the library."""
    folder = write_tasks(tmp_path / "tasks", TASKS[:2])
    driver = app_for(tmp_path)
    tasks = driver.load_tasks([folder]).tasks
    use = driver.library_use(tmp_path / "lib", learn=True, quiet=True)
    worker = TaskWorker(WorkerSpec.of(driver))
    try:
        digest, blob = pack_library(use.library)
        worker.use_library(digest, blob)
        assert worker.library is not None and not worker.library.learn
        first_copy = worker.library.library.folder
        result, records, _pid = worker.solve(tasks[0], 1, None)  # None: no library
        assert worker.library is None and not first_copy.exists()  # an earlier copy is removed
        worker.use_library(digest, blob)
        result, records, _pid = worker.solve(tasks[0], 1)
        assert result.train_solved and result.sexpr
        assert [r["event"] for r in records][0] == "task_started" and records[-1]["event"] == "task_finished"
        assert use.library.solutions("lists") == []  # the worker wrote nothing
        with driver.sandbox() as sandbox:
            induction = driver.induction(sandbox, None, use)
            seen = []
            induction.events.listeners.append(lambda record, subject=None: seen.append(record["event"]))
            induction.adopt(tasks[0], result, records)
        assert seen == ["searched", "learned", "task_finished"]
        assert [s.task_id for s in use.library.solutions("lists")] == [tasks[0].id]
    finally:
        worker.close()
        use.library.close()


@needs_ray
def test_the_backend_stops_the_local_cluster_it_started(tmp_path):
    if ray.is_initialized():
        pytest.skip("a cluster from another test is running")
    backend = RayBackend(WorkerSpec.of(app_for(tmp_path)))
    backend.start()
    assert ray.is_initialized() and len(backend._actors) == 2
    backend.close()
    assert not ray.is_initialized()


@needs_ray
def test_an_unreachable_cluster_is_one_line_before_the_run_folder_exists(tmp_path):
    import socket

    with socket.socket() as s:  # a free port, closed again: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    if ray.is_initialized():
        pytest.skip("a cluster from another test is running")
    folder = write_tasks(tmp_path / "tasks", TASKS[:1])
    app = app_for(tmp_path, backend="ray")
    app.configure("ray", address=f"127.0.0.1:{port}")
    with pytest.raises(BackendError, match=rf"cannot reach the Ray cluster at 127.0.0.1:{port} .*ray start --head"):
        run(app, folder, tmp_path / "lib", no_library=True)
    assert not (tmp_path / "runs").exists()
    app.configure("ray", address="nowhere")
    with pytest.raises(BackendError, match=r"\[ray\] address 'nowhere': expected HOST:PORT"):
        run(app, folder, tmp_path / "lib", no_library=True)


# --- Ray workers on a local cluster --------------------------------------------------------------

@pytest.fixture(scope="module")
def ray_cluster():
    """One local cluster for the module (starting one takes a few seconds); the backends join it."""
    if ray is None:
        pytest.skip("Ray is not installed (pip install 'inductor[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def solved(finished) -> dict[str, str | None]:
    return {t["id"]: t["program"] for t in finished.report["tasks"] if t["train_solved"]}


@needs_ray
def test_a_ray_run_solves_and_learns_what_a_local_run_does(ray_cluster, tmp_path):
    folder = write_tasks(tmp_path / "tasks", TASKS)
    local = run(app_for(tmp_path), folder, tmp_path / "lib-local")
    on_ray = run(app_for(tmp_path, backend="ray"), folder, tmp_path / "lib-ray")
    assert solved(on_ray) == solved(local) and len(solved(local)) == len(TASKS)
    assert on_ray.report["summary"]["backend"] == "ray" and local.report["summary"]["backend"] == "local"
    # The driver learned from the workers' results in task order: the same library.
    a, b = Library(tmp_path / "lib-local", readonly=True), Library(tmp_path / "lib-ray", readonly=True)
    assert [(s.task_id, s.sexpr) for s in a.solutions()] == [(s.task_id, s.sexpr) for s in b.solutions()]
    assert a.names() == b.names()
    kinds = [e["event"] for e in read_events(on_ray.run_dir / "events.jsonl")]
    assert kinds.count("task_started") == kinds.count("task_finished") == kinds.count("searched") == len(TASKS)


@needs_ray
def test_two_workers_learning_the_same_function_merge_into_one(ray_cluster, tmp_path):
    """Two tasks of one behaviour, each solved by a model-written program on its own worker:
    the library gets one function that records both tasks, as a local run does."""
    same = [Task(f"inc{i}", [Example(([1, 2],), [2, 3]), Example(([5],), [6])], test=[Example(([0],), [1])],
                 domain="lists") for i in (1, 2)]
    folder = write_tasks(tmp_path / "tasks", same)
    script = tmp_path / "script.json"
    script.write_text(json.dumps([" return [v + 1 for v in x]"]))
    opts = {"model": {"name": f"fake:{script}"}, "search": {"enabled": False}, "run": {"samples": 1, "rounds": 0}}
    libraries = {}
    for backend in ("local", "ray"):
        finished = run(app_for(tmp_path, backend=backend, **opts), folder, tmp_path / f"lib-{backend}")
        assert len(solved(finished)) == 2, finished.report
        lib = libraries[backend] = Library(tmp_path / f"lib-{backend}", readonly=True)
        (fn,) = lib.functions("lists")
        assert sorted(fn.tasks) == ["inc1", "inc2"]
    assert libraries["local"].names() == libraries["ray"].names()


KILLER = '''
import os
from pathlib import Path
from inductor.hookspecs import hookimpl

@hookimpl
def inductor_task_started(task):
    # The first worker to start task "first" dies there; the retry (a fresh worker) goes on.
    marker = Path(__file__).with_name("marker")
    if task.id == "first" and not marker.exists():
        marker.write_text("killed")
        os._exit(1)
'''


@needs_ray
def test_a_killed_worker_s_task_is_retried(ray_cluster, tmp_path):
    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    (plugin_dir / "killer.py").write_text(KILLER)
    marker = plugin_dir / "marker"
    folder = write_tasks(tmp_path / "tasks", TASKS[:3])
    app = app_for(tmp_path, backend="ray", plugins_dirs=(plugin_dir,))
    app.configure("ray", workers=1)
    finished = run(app, folder, tmp_path / "lib", no_library=True)
    assert marker.read_text() == "killed"  # a worker did die
    assert set(solved(finished)) == {"rev", "first", "tail"}
    assert finished.report["summary"]["backend_restarts"] == 1 and finished.report["summary"]["backend_lost"] == 0


STOPPER = '''
from inductor.hookspecs import hookimpl

FINISHED = []

@hookimpl
def inductor_event(record, subject):
    # Ctrl-C on the driver after the second task's result came back.
    if record["event"] == "task_finished":
        FINISHED.append(record["id"])
        if len(FINISHED) == 2:
            raise KeyboardInterrupt
'''


@needs_ray
def test_an_interrupted_ray_run_resumes_without_redoing_finished_tasks(ray_cluster, tmp_path):
    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    (plugin_dir / "stopper.py").write_text(STOPPER)
    folder = write_tasks(tmp_path / "tasks", TASKS)
    first = run(app_for(tmp_path, backend="ray", plugins_dirs=(plugin_dir,)), folder, tmp_path / "lib")
    assert first.result.interrupted
    from inductor.events import resume_state

    state = resume_state(first.run_dir)
    finished_before = {e["id"] for e in state["finished"]}
    assert state["options"]["backend"] == "ray" and len(finished_before) == 2
    n_events = len(list(read_events(first.run_dir / "events.jsonl")))
    again = run(app_for(tmp_path, backend="ray"), folder, tmp_path / "lib", resume_dir=first.run_dir,
                finished=state["finished"])
    assert not again.result.interrupted and {t["id"] for t in again.report["tasks"]} == {t.id for t in TASKS}
    resumed = list(read_events(first.run_dir / "events.jsonl"))[n_events:]
    started = {e["task"] for e in resumed if e["event"] == "task_started"}
    assert started == {t.id for t in TASKS} - finished_before


@needs_ray
def test_bench_scale_measures_local_and_ray_runs_of_the_same_tasks(ray_cluster, tmp_path):
    from inductor.bench import bench_scale

    folder = write_tasks(tmp_path / "tasks", TASKS[:3])
    app = app_for(tmp_path)
    tasks = app.load_tasks([folder]).tasks
    figures = bench_scale(app, tasks, workdir=tmp_path / "work", workers=(1, 2))
    assert [r["arm"] for r in figures["rows"]] == ["local", "ray x1", "ray x2"]
    for row in figures["rows"]:
        assert row["tasks"] == 3 and row["train_solved"] == 3 and row["same_solved"]
        assert row["tasks_per_second"] > 0 and row["speedup"] > 0
    assert figures["rows"][0]["speedup"] == 1.0


SLOW_MODEL = '''
import os
import time
from pathlib import Path
from inductor.hookspecs import hookimpl
from inductor.models import ModelStats

LOG = Path(__file__).with_name("calls.log")


class Slow:
    name = "slow"

    def __init__(self):
        self.stats = ModelStats()

    def sample(self, prompt, params):
        start = time.time()
        time.sleep(0.4)
        with LOG.open("a") as f:  # one line per call: its start and end
            f.write(f"{start} {time.time()} {os.getpid()}\\n")
        return [" return [v + 1 for v in x]"] * params.n


@hookimpl
def inductor_register_models(register):
    register("slow", lambda arg, settings: Slow())
'''


@needs_ray
def test_model_slots_limit_the_calls_in_flight_across_workers(ray_cluster, tmp_path):
    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    (plugin_dir / "slow_model.py").write_text(SLOW_MODEL)
    tasks = [Task(f"inc{i}", [Example(([1, 2],), [2, 3])], domain="lists") for i in range(4)]
    folder = write_tasks(tmp_path / "tasks", tasks)
    app = app_for(tmp_path, backend="ray", plugins_dirs=(plugin_dir,), model={"name": "slow"},
                  search={"enabled": False}, run={"samples": 1, "rounds": 0})
    app.configure("ray", workers=2, model_slots=1)
    finished = run(app, folder, tmp_path / "lib", no_library=True)
    assert len(solved(finished)) == 4
    calls = [tuple(map(float, line.split()[:2])) for line in (plugin_dir / "calls.log").read_text().splitlines()]
    pids = {line.split()[2] for line in (plugin_dir / "calls.log").read_text().splitlines()}
    assert len(calls) == 4 and len(pids) == 2  # both workers called the model ...
    calls.sort()
    assert all(end <= nxt_start + 0.01 for (_, end), (nxt_start, _) in zip(calls, calls[1:]))  # ... one at a time

