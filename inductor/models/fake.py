"""``fake:FILE.json``: a scripted model for tests and demos, answering from a list or a function."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from inductor.models.base import ModelError, ModelStats, SampleParams, cut_at_stop


class FakeModel:
    """Answers from a script: a list of continuations (cycled), or a function of the prompt.

    ``script(prompt, params)`` may return a list of strings; the model cycles through it to
    give ``params.n`` answers. Records every prompt it was given in ``prompts``.
    """

    def __init__(self, script: Sequence[str] | Callable[[str, SampleParams], Sequence[str]],
                 name: str = "fake") -> None:
        self.name = name
        self.stats = ModelStats()
        self.prompts: list[str] = []
        self._script = script
        self._cycle = itertools.cycle(list(script)) if not callable(script) else None

    def sample(self, prompt: str, params: SampleParams) -> list[str]:
        self.prompts.append(prompt)
        if self._cycle is not None:
            answers = [next(self._cycle) for _ in range(params.n)]
        else:
            given = list(self._script(prompt, params))  # type: ignore[operator]
            answers = list(itertools.islice(itertools.cycle(given), params.n)) if given else [""] * params.n
        self.stats.calls += 1
        self.stats.samples += len(answers)
        return [cut_at_stop(a, params.stop, params.stop_at_top_level) for a in answers]

    @classmethod
    def from_file(cls, path: Path) -> FakeModel:
        """A fake model answering from a JSON file: a list of strings (cycled)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read the fake model's script: {exc}") from None
        if not isinstance(data, list) or not all(isinstance(s, str) for s in data) or not data:
            raise ModelError(f"{path}: the fake model's script must be a non-empty JSON list of strings")
        return cls(data, name=f"fake:{path}")
