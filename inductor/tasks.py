"""Tasks, examples and task-folder discovery.

A task is a set of input/output examples split into train (shown to the search and
the model) and test (held out, used only to score an accepted program). Loaders are
plugins (see :mod:`inductor.hookspecs`); this module walks folders, hands each file
to the loaders that claim its suffix and collects tasks and load errors.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from inductor.errors import InductorError

#: Largest task file a loader will read; bigger files are reported, not loaded.
MAX_TASK_FILE_BYTES = 50 * 1024 * 1024


class TaskLoadError(InductorError):
    """A task file could not be read; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NotATask(Exception):
    """Raised by a loader for a file it recognises as data, not a task (a plugin's shots file)."""


def is_shots_file(data: Any) -> bool:
    """Whether parsed JSON is in the shots format (:func:`inductor.prompts.load_shots`), not a task."""
    return (isinstance(data, list) and bool(data)
            and all(isinstance(d, dict) and {"name", "body", "examples"} <= d.keys() for d in data))


@dataclass(frozen=True)
class Example:
    """One input/output pair. ``args`` holds the positional arguments of the call."""

    args: tuple[Any, ...]
    output: Any

    @property
    def input(self) -> Any:
        """The single argument of a one-argument example (the args tuple otherwise)."""
        return self.args[0] if len(self.args) == 1 else self.args

    def to_json(self) -> dict[str, Any]:
        if len(self.args) == 1:
            return {"input": self.args[0], "output": self.output}
        return {"args": list(self.args), "output": self.output}


@dataclass
class Task:
    """A program-induction task: find ``entry_point`` mapping each input to its output."""

    id: str
    train: list[Example]
    test: list[Example] = field(default_factory=list)
    domain: str | None = None
    description: str = ""
    entry_point: str = "f"
    #: Argument names when the format gives them (SyGuS); otherwise x, or x1..xn.
    arg_names: list[str] | None = None
    #: Optional type names, e.g. {"name": "str", "return": "str"}.
    types: dict[str, str] = field(default_factory=dict)
    source: Path | None = None
    loader: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def arity(self) -> int:
        examples = self.train or self.test
        return len(examples[0].args) if examples else 1

    @property
    def params(self) -> list[str]:
        """Parameter names for the entry point's signature."""
        if self.arg_names:
            return list(self.arg_names)
        return ["x"] if self.arity == 1 else [f"x{i + 1}" for i in range(self.arity)]

    def to_json(self) -> dict[str, Any]:
        """The task in the native JSON format (round-trips through the JSON loader)."""
        data: dict[str, Any] = {
            "id": self.id,
            "train": [e.to_json() for e in self.train],
            "test": [e.to_json() for e in self.test],
        }
        if self.domain:
            data["domain"] = self.domain
        if self.description:
            data["description"] = self.description
        if self.entry_point != "f":
            data["entry_point"] = self.entry_point
        if self.arg_names:
            data["arg_names"] = self.arg_names
        return data


@dataclass
class LoadOptions:
    """Options every loader receives (see ``[tasks]`` in inductor.toml)."""

    #: List Functions gives no split: this many leading pairs are train, the rest test.
    train_count: int = 5
    #: SyGuS: use the extra examples of a sibling ``X-long.sl`` as the test set of ``X.sl``.
    sygus_test_from_long: bool = True


class TaskLoader(Protocol):
    """What a loader plugin registers through ``inductor_register_loaders``."""

    #: Short name shown by ``inductor tasks``.
    name: str
    #: File name endings this loader reads, e.g. (".json",).
    suffixes: tuple[str, ...]

    def load(self, path: Path, options: LoadOptions) -> list[Task] | None:
        """Tasks in ``path``; None when the file is not in this loader's format.

        Raise TaskLoadError (naming the reason) when it is this loader's format but broken.
        """


@dataclass
class LoadResult:
    """Tasks found in some folders, and the files that failed to load."""

    tasks: list[Task] = field(default_factory=list)
    errors: list[TaskLoadError] = field(default_factory=list)
    #: Files no loader claimed (README, LICENSE, ...) or that a loader found to be data (shots).
    skipped: list[Path] = field(default_factory=list)
    #: Files read into other tasks, with no task of their own (SyGuS ``X-long.sl``: X's test examples).
    folded: list[Path] = field(default_factory=list)

    def by_domain(self) -> dict[str, list[Task]]:
        out: dict[str, list[Task]] = {}
        for task in self.tasks:
            out.setdefault(task.domain or "generic", []).append(task)
        return out

    def get(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning every failure into a TaskLoadError naming it."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TaskLoadError(path, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise TaskLoadError(path, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. integer string too long to convert
        raise TaskLoadError(path, f"invalid JSON: {exc}") from None


def read_text(path: Path) -> str:
    """Read a UTF-8 task file with a size cap; errors name the file."""
    try:
        size = path.stat().st_size
        if size > MAX_TASK_FILE_BYTES:
            raise TaskLoadError(path, f"file is {size // 2**20} MiB, over the {MAX_TASK_FILE_BYTES // 2**20} MiB limit")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TaskLoadError(path, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise TaskLoadError(path, exc.strerror or str(exc)) from None


def _examples(path: Path, items: Any, key: str) -> list[Example]:
    if not isinstance(items, list):
        raise TaskLoadError(path, f'"{key}" must be a list of examples, got {type(items).__name__}')
    out = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise TaskLoadError(path, f"{where} must be an object with input/output, got {type(item).__name__}")
        if "output" not in item:
            raise TaskLoadError(path, f'{where} has no "output"')
        if "args" in item:
            if not isinstance(item["args"], list):
                raise TaskLoadError(path, f'{where}: "args" must be a list')
            args = tuple(item["args"])
        elif "input" in item:
            args = (item["input"],)
        else:
            raise TaskLoadError(path, f'{where} has neither "input" nor "args"')
        out.append(Example(args, item["output"]))
    return out


def task_from_json(path: Path, data: Any, task_id: str, loader: str) -> Task:
    """Build a task from the native JSON shape (ARC files are this shape too)."""
    if not isinstance(data, dict):
        raise TaskLoadError(path, f"a task must be a JSON object, got {type(data).__name__}")
    if "train" not in data:
        raise TaskLoadError(path, 'missing key "train"')
    train = _examples(path, data["train"], "train")
    test = _examples(path, data.get("test", []), "test")
    if not train:
        raise TaskLoadError(path, '"train" holds no examples')
    arities = {len(e.args) for e in train + test}
    if len(arities) > 1:
        raise TaskLoadError(path, f"examples disagree on the number of arguments: {sorted(arities)}")
    for key in ("description", "domain", "entry_point"):
        if key in data and not isinstance(data[key], str):
            raise TaskLoadError(path, f'"{key}" must be a string')
    entry = data.get("entry_point", "f")
    if not entry.isidentifier():
        raise TaskLoadError(path, f'"entry_point" {entry!r} is not a Python identifier')
    names = data.get("arg_names")
    if names is not None and (
        not isinstance(names, list) or not all(isinstance(n, str) and n.isidentifier() for n in names)
    ):
        raise TaskLoadError(path, '"arg_names" must be a list of identifiers')
    return Task(
        id=str(data.get("id", task_id)),
        train=train,
        test=test,
        domain=data.get("domain"),
        description=data.get("description", ""),
        entry_point=entry,
        arg_names=names,
        source=path,
        loader=loader,
    )


def iter_task_files(folder: Path) -> Iterable[Path]:
    """Files under ``folder`` in a stable order, skipping hidden ones and plugins.py."""
    if folder.is_file():
        yield folder
        return
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        if path.name == "plugins.py" or not path.is_file():
            continue
        yield path


def load_folders(
    folders: Sequence[Path | str],
    loaders: Sequence[TaskLoader],
    options: LoadOptions | None = None,
    detect_domain: Any = None,
    domain_problem: Any = None,
) -> LoadResult:
    """Load every task under ``folders`` with ``loaders`` (tried in order per file).

    ``domain_problem(domain)``: why no plugin serves a task's domain (None when one does); such
    a task is a load error naming its file, not a task whose every example fails.
    """
    options = options or LoadOptions()
    result = LoadResult()
    seen: dict[str, Path] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.exists():
            result.errors.append(TaskLoadError(folder, "no such file or folder"))
            continue
        root = folder.resolve()
        for path in iter_task_files(folder):
            name = path.name
            if folder.is_dir() and not path.resolve().is_relative_to(root):
                result.errors.append(TaskLoadError(path, f"a link to {path.resolve()}, outside {folder} (skipped)"))
                continue
            candidates = [ld for ld in loaders if name.endswith(tuple(ld.suffixes))]
            if not candidates:
                result.skipped.append(path)
                continue
            try:
                tasks = _load_one(path, candidates, options)
            except NotATask:
                result.skipped.append(path)
                continue
            except TaskLoadError as exc:
                result.errors.append(exc)
                continue
            except Exception as exc:  # a buggy loader plugin must not end the run
                result.errors.append(TaskLoadError(path, f"loader crashed: {type(exc).__name__}: {exc}"))
                continue
            if not tasks:
                result.folded.append(path)
            for task in tasks:
                if task.id in seen and seen[task.id] != path:
                    task.id = f"{path.parent.name}/{task.id}"
                seen[task.id] = path
                if task.domain is None and detect_domain is not None:
                    task.domain = detect_domain(task)
                problem = domain_problem(task.domain) if domain_problem is not None and task.domain else None
                if problem:
                    result.errors.append(TaskLoadError(path, f"task {task.id!r}: {problem}"))
                    continue
                result.tasks.append(task)
    return result


def _load_one(path: Path, loaders: Sequence[TaskLoader], options: LoadOptions) -> list[Task]:
    for loader in loaders:
        tasks = loader.load(path, options)
        if tasks is not None:
            for task in tasks:
                task.loader = task.loader or loader.name
            return tasks
    raise TaskLoadError(path, "no loader recognised this file's format")


def load_task_file(path: Path | str, loaders: Sequence[TaskLoader], options: LoadOptions | None = None,
                   detect_domain: Any = None, domain_problem: Any = None) -> list[Task]:
    """Load the tasks in one file, raising TaskLoadError when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise TaskLoadError(path, "no such file")
    result = load_folders([path], loaders, options, detect_domain, domain_problem)
    if result.errors:
        raise result.errors[0]
    if not result.tasks:
        raise TaskLoadError(path, "no loader reads files with this name (try .json, .jsonl or .sl)")
    return result.tasks


def exact_equal(expected: Any, actual: Any) -> bool:
    """Structural equality on JSON values that, unlike ``==``, tells True from 1 and 1 from 1.0.

    Tuples count as lists: outputs come back from the sandbox as JSON.
    """
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(actual, (list, tuple))
            and len(expected) == len(actual)
            and all(exact_equal(e, a) for e, a in zip(expected, actual))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(exact_equal(v, actual[k]) for k, v in expected.items())
        )
    if type(expected) is not type(actual):
        return False
    return expected == actual


def select_tasks(tasks: Sequence[Task], only: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[Task]:
    """Tasks whose id matches one of ``only`` (globs; all when empty) and none of ``exclude``."""
    from fnmatch import fnmatchcase

    return [t for t in tasks
            if (not only or any(fnmatchcase(t.id, p) for p in only)) and not any(fnmatchcase(t.id, p) for p in exclude)]


def sample_tasks(tasks: Sequence[Task], n: int) -> list[Task]:
    """A fixed sample of ``n`` tasks: those whose ids hash lowest (CRC-32), in their original order."""
    chosen = {t.id for t in sorted(tasks, key=lambda t: (zlib.crc32(t.id.encode()), t.id))[:n]}
    return [t for t in tasks if t.id in chosen]
