"""The native task format: one task per ``*.json`` file, or many per ``*.jsonl``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inductor.hookspecs import hookimpl
from inductor.tasks import (
    LoadOptions,
    NotATask,
    Task,
    TaskLoadError,
    is_shots_file,
    read_json,
    read_text,
    task_from_json,
)


class JsonTaskLoader:
    """``{"train": [...], "test": [...]}`` per file (ARC files have exactly this shape)."""

    name = "json"
    suffixes = (".json",)

    def load(self, path: Path, options: LoadOptions) -> list[Task] | None:
        data = read_json(path)
        if is_shots_file(data):  # a domain plugin's solved examples beside its plugins.py
            raise NotATask(path)
        return [task_from_json(path, data, path.stem, self.name)]


class JsonlTaskLoader:
    """One native task per line, each with an ``id``."""

    name = "jsonl"
    suffixes = (".jsonl",)

    def load(self, path: Path, options: LoadOptions) -> list[Task] | None:
        tasks = []
        for lineno, line in enumerate(read_text(path).splitlines(), 1):
            if not line.strip():
                continue
            try:
                data: Any = json.loads(line)
            except (json.JSONDecodeError, RecursionError, ValueError) as exc:
                raise TaskLoadError(path, f"line {lineno}: invalid JSON ({exc})") from None
            if not isinstance(data, dict) or "id" not in data:
                raise TaskLoadError(path, f'line {lineno}: each line must be a task object with an "id"')
            try:
                tasks.append(task_from_json(path, data, str(data["id"]), self.name))
            except TaskLoadError as exc:
                raise TaskLoadError(path, f"line {lineno}: {exc.reason}") from None
        if not tasks:
            raise TaskLoadError(path, "no tasks in the file (one JSON task object a line)")
        return tasks


@hookimpl(trylast=True)
def inductor_register_loaders(register):
    # Registered last so that format-specific loaders for .json files are tried first.
    register(JsonTaskLoader())
    register(JsonlTaskLoader())
