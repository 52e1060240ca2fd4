"""What the loop returns: a :class:`TaskResult` per attempt at a task, a :class:`RunResult` per run
(and :class:`RunFailed` when an error ended it). Their ``to_report``/``summary`` are the
``--report`` JSON's task entries and summary; :func:`inductor.report.build_report` assembles it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inductor.tasks import Task
    from inductor.verify import CheckResult


@dataclass
class TaskResult:
    """What the loop did on one task."""

    task: Task
    train_solved: bool = False
    test_solved: bool | None = None
    program: str | None = None
    seconds: float = 0.0
    lm_samples: int = 0
    candidates_checked: int = 0
    library_functions_used: list[str] = field(default_factory=list)
    rounds: int = 0
    #: Why the loop stopped: solved, rounds, time, exhausted (the model brought nothing new
    #: twice running), search (no model), no-model or interrupted.
    stopped: str = ""
    #: The best failing candidates, nearest first.
    near_misses: list[CheckResult] = field(default_factory=list)
    #: Unparseable or function-less samples.
    unusable_samples: int = 0
    #: Names of the library functions this task added.
    learned: list[str] = field(default_factory=list)
    #: What found the accepted program: search or model.
    found_by: str = ""
    #: The pass (1, 2, ...) of this attempt; a retried task's costs add up over its attempts.
    pass_no: int = 1
    #: Library size when this attempt started (a later pass retries only when it has grown).
    library_size: int = 0
    #: The accepted program's s-expression, when the value search found it (compression reads it).
    sexpr: str | None = None
    #: Whether a recognition model gave the search its weights.
    guided: bool = False
    #: The search's readings of the train examples: the accepted program's first, then other
    #: programs that fit train too but give other outputs on the test inputs (``ValueResult``).
    readings: list[dict[str, Any]] = field(default_factory=list)
    #: Whether another reading exists (True), none within the bound (False), or unknown (None).
    ambiguous: bool | None = None
    #: The grammar weights the readings' costs were counted under (the names they use).
    reading_weights: dict[str, float] = field(default_factory=dict)
    #: The s-expression of the reading this solution replaced after the sleep (see ``Induction.reread``).
    reread_from: str | None = None
    #: Of ``seconds``, those spent after the solution was found, looking for other readings.
    readings_seconds: float = 0.0

    @property
    def seconds_to_solve(self) -> float:
        """Seconds until the accepted program was found (``seconds`` less the readings' search)."""
        return max(0.0, self.seconds - self.readings_seconds)

    @classmethod
    def from_event(cls, task: Task, event: dict[str, Any]) -> TaskResult:
        """The result a ``task_finished`` event recorded (to resume a run)."""
        return cls(task, train_solved=bool(event.get("train_solved")), test_solved=event.get("test_solved"),
                   program=event.get("program"), seconds=float(event.get("seconds") or 0.0),
                   lm_samples=int(event.get("lm_samples") or 0),
                   candidates_checked=int(event.get("candidates_checked") or 0),
                   library_functions_used=list(event.get("library_functions_used") or []),
                   stopped=str(event.get("stopped") or ""), found_by=str(event.get("found_by") or ""),
                   learned=list(event.get("learned") or []), pass_no=int(event.get("pass_no") or 1),
                   library_size=int(event.get("library_size") or 0))

    def add_costs(self, earlier: TaskResult) -> None:
        """Count an earlier attempt's seconds, samples and candidates in this one."""
        self.seconds += earlier.seconds
        self.lm_samples += earlier.lm_samples
        self.candidates_checked += earlier.candidates_checked
        self.unusable_samples += earlier.unusable_samples
        if not self.near_misses:
            self.near_misses = earlier.near_misses

    def to_report(self) -> dict[str, Any]:
        """The task's entry in the ``--report`` JSON (keys and their order: ``report.TASK_KEYS``)."""
        return {
            "id": self.task.id,
            "domain": self.task.domain or "generic",
            "train_solved": self.train_solved,
            "test_solved": self.test_solved,
            "program": self.program,
            "seconds": round(self.seconds, 3),
            "lm_samples": self.lm_samples,
            "candidates_checked": self.candidates_checked,
            "library_functions_used": list(self.library_functions_used),
        }

    def nearest(self) -> CheckResult | None:
        return self.near_misses[0] if self.near_misses else None


class RunFailed(Exception):
    """An error ended a run: ``error`` is what was raised, ``run`` holds the tasks finished before it."""

    def __init__(self, run: RunResult, error: Exception) -> None:
        super().__init__(str(error))
        self.run = run
        self.error = error


@dataclass
class RunResult:
    results: list[TaskResult] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0
    #: Per pass: attempted, solved, seconds, library size at its start and end.
    passes: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        rs = self.results
        with_test = [r for r in rs if r.test_solved is not None]
        by_domain: dict[str, dict[str, int]] = {}
        for r in rs:
            d = by_domain.setdefault(r.task.domain or "generic", {"tasks": 0, "train_solved": 0, "test_solved": 0})
            d["tasks"] += 1
            d["train_solved"] += r.train_solved
            d["test_solved"] += bool(r.test_solved)
        return {
            "tasks": len(rs),
            "train_solved": sum(r.train_solved for r in rs),
            "test_solved": sum(bool(r.test_solved) for r in rs),
            "tasks_with_test": len(with_test),
            # Solved by a program the train examples leave in doubt: another reading fits them.
            "ambiguous": sum(1 for r in rs if r.train_solved and r.ambiguous),
            "test_solve_rate": round(sum(bool(r.test_solved) for r in rs) / len(with_test), 4) if with_test else None,
            "seconds": round(self.seconds, 3),
            "lm_samples": sum(r.lm_samples for r in rs),
            "candidates_checked": sum(r.candidates_checked for r in rs),
            "interrupted": self.interrupted,
            "by_domain": by_domain,
            "passes": self.passes,
            "solved_in_pass": {r.task.id: r.pass_no for r in rs if r.train_solved},
        }


def miss_json(miss: CheckResult | None) -> dict[str, Any] | None:
    """A near miss as the ``task_finished`` event records it."""
    if miss is None:
        return None
    return {"closeness": round(miss.closeness, 3), "summary": miss.summary(), "program": miss.source}
