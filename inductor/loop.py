"""The induction loop for one task and for a run of tasks.

For a task: the search first, for its share of the task's time (all of it without a model);
then, for the rest of the time, propose ``samples`` candidates from the model (one batched
call), verify them in the sandbox, and while time is left (or up to a fixed number of rounds)
run repair rounds that show the model its nearest misses with the concrete differences
between expected and actual outputs. The first program that passes every train example is
accepted (the shortest when several pass in one round) and only then scored on the test
examples, which never steer the search.
"""

from __future__ import annotations

import itertools
import math
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from inductor.events import EventLog, Events  # noqa: F401  (EventLog: re-exported)
from inductor.extract import strip_docstrings
from inductor.models import Model, SampleParams
from inductor.prompts import (
    STOP,
    Attempt,
    Helper,
    Prompts,
    choose_shots,
    helpers_from_module,
    rank_helpers,
)
from inductor.results import RunFailed, RunResult, TaskResult, miss_json
from inductor.tasks import sample_tasks, select_tasks  # noqa: F401  (re-exported)
from inductor.verify import CheckResult, Verifier, describe_misses

if TYPE_CHECKING:
    from inductor.search import Searcher

if TYPE_CHECKING:
    from inductor.config import ModelSettings, RunSettings, SearchSettings
    from inductor.index import LibraryIndex
    from inductor.plugins import Plugins
    from inductor.store import Library
    from inductor.tasks import Task


@dataclass
class LibraryUse:
    """How a run uses the function library: retrieval into prompts, and learning unless frozen."""

    library: Library
    index: LibraryIndex | None = None
    k: int = 4
    behaviour_limit: int = 200
    learn: bool = True
    run: str = ""
    model: str = ""
    #: Proposes names and summaries of learned functions (None: rule-made names).
    namer: Any = None
    #: After each pass: compress the solutions into abstractions and fit the grammar's weights.
    sleep: bool = True
    compress_iterations: int = 10
    max_arity: int = 3
    min_tasks: int = 2
    pseudocount: float = 1.0
    #: After the sleep, re-read each solution that has other readings under the fitted weights.
    reread: bool = True
    #: Which library functions the search may call: "shared" (:meth:`Library.shared_functions`) or "all".
    search_functions: str = "shared"
    #: At most this many of them per domain, the most used first.
    search_limit: int = 500
    #: Steer the search with the library folder's recognition models (per-task weights), if any.
    recognition: bool = False
    #: Their share of the search's costs, and the smallest weight they give (``[recognition]``).
    recognition_mix: float = 0.5
    recognition_floor: float = 0.01
    _recognizers: dict[str, Any] = field(default_factory=dict, repr=False)
    _searchable: dict[tuple[Any, ...], list[Any]] = field(default_factory=dict, repr=False)

    def components(self, domain: str, aliases: Mapping[str, str] | None = None) -> list[Any]:
        """The library functions the search may call as search components; an abstraction
        carries its body, which the value search evaluates from the DSL's primitives."""
        from inductor.search import library_components

        return library_components(self.library, self.searchable(domain), aliases)

    def recognizer(self, domain: str) -> Any:
        """The recognition model stored for ``domain`` (loaded once), None without one or when off."""
        if not self.recognition:
            return None
        if domain not in self._recognizers:
            from inductor.recognition import Recognizer

            self._recognizers[domain] = Recognizer.load(self.library.folder, domain, mix=self.recognition_mix,
                                                        floor=self.recognition_floor)
        return self._recognizers[domain]

    def search_weights(self, task: Task, domain: str) -> dict[str, float]:
        """The grammar weights to search ``task`` with: the recognition model's for it when there
        is one, mixed with the library's fitted ones, else those alone."""
        fitted = self.library.weights(domain)
        model = self.recognizer(domain)
        return model.weights(task, fitted) if model is not None else fitted

    def searchable(self, domain: str) -> list[Any]:
        """The library functions of ``domain`` the search may call (read again when the store changed)."""
        key = (domain, self.library.revision(), self.search_functions, self.min_tasks, self.search_limit)
        if key not in self._searchable:
            if self.search_functions == "all":
                found = self.library.functions(domain, limit=self.search_limit)
            else:
                found = self.library.shared_functions(domain, self.min_tasks, limit=self.search_limit)
            self._searchable = {key: found}
        return self._searchable[key]

    def module(self, domain: str, also: Iterable[str] = ()) -> tuple[str, Path] | None:
        """The module of ``domain``'s functions for the sandbox, as (import name, path): the
        whole module, or past ``search_limit`` functions only those the search may call and
        ``also`` (with what they call), so a large library's module stays small."""
        lib = self.library
        path = lib.module_path(domain)
        if not path.is_file():
            return None
        if len(lib.ids(domain)) <= self.search_limit:
            return lib.module_name(domain), path
        return lib.module_part(domain, [*(f.name for f in self.searchable(domain)), *also])


#: ``Budget.rounds`` for "repair rounds while the task's time lasts".
WHILE_TIME_LASTS = -1


@dataclass(frozen=True)
class Budget:
    """What one task may spend: samples per round, repair rounds after the first (-1: while time
    is left), seconds in all, and how they are split between the search and the model."""

    samples: int = 16
    rounds: int = WHILE_TIME_LASTS
    seconds: float = 60.0
    repair_width: int = 1
    #: Share of ``seconds`` the search may use when a model follows (without one: all of it).
    search_share: float = 0.8
    #: At most this many seconds of search per task (0: no limit but the share).
    search_seconds: float = 0.0

    @classmethod
    def from_settings(cls, run: RunSettings, search: SearchSettings | None = None) -> Budget:
        split = {} if search is None else {"search_share": search.share, "search_seconds": search.seconds}
        return cls(samples=run.samples, rounds=run.rounds, seconds=run.time_per_task, repair_width=run.repair_width,
                   **split)

    def search_time(self, with_model: bool) -> float:
        """Seconds the search may take on a task: its share when a model follows, else all the time."""
        seconds = self.seconds * (self.search_share if with_model else 1.0)
        return min(seconds, self.search_seconds) if self.search_seconds > 0 else seconds


@dataclass
class Solved:
    """A task a backend finished: its position in the pass, its result and, when a worker
    elsewhere solved it, the events that worker recorded (``None``: solved here, already emitted)."""

    index: int
    result: TaskResult
    events: list[dict[str, Any]] | None = None


class Backend(Protocol):
    """Where a pass's tasks are solved (``[run] backend``; plugins register them by name).

    ``solve`` yields one :class:`Solved` per task, in the order of ``tasks``. A backend whose
    workers solve elsewhere calls ``induction.announce`` as it hands a task out and returns the
    worker's events; :meth:`Induction.adopt` then learns from the result here, the one writer.
    """

    name: str
    #: Whether tasks are solved in this process (the model loads here) or by workers elsewhere.
    solves_here: bool

    def solve(self, induction: Induction, tasks: Sequence[Task], pass_no: int) -> Iterator[Solved]: ...

    def close(self) -> None: ...


class InProcess:
    """The ``local`` backend: one task after another in this process (what a run does by default)."""

    name = "local"
    solves_here = True

    def solve(self, induction: Induction, tasks: Sequence[Task], pass_no: int) -> Iterator[Solved]:
        for i, task in enumerate(tasks):
            yield Solved(i, induction.solve(task, pass_no))

    def close(self) -> None:
        pass


def _seed(*parts: Any) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode()) & 0x7FFFFFFF


class Induction:
    """Solves tasks with a model, a verifier and the plugins' domain knowledge."""

    def __init__(self, model: Model | None, verifier: Verifier, plugins: Plugins, *, prompts: Prompts,
                 budget: Budget, model_settings: ModelSettings, shots: int = 2, max_helpers: int = 8,
                 seed: int = 0, events: Events | None = None, library: LibraryUse | None = None,
                 search: Searcher | None = None, clock: Callable[[], float] = time.perf_counter,
                 backend: Backend | None = None) -> None:
        self.model = model
        self.verifier = verifier
        self.plugins = plugins
        self.prompts = prompts
        self.budget = budget
        self.model_settings = model_settings
        self.shots = shots
        self.max_helpers = max_helpers
        self.seed = seed
        self.events = events if events is not None else Events(plugins)
        self.library = library
        self.search = search
        #: Where a pass's tasks are solved (default: here, one after another).
        self.backend: Backend = backend if backend is not None else InProcess()
        #: Seconds, as ``time.perf_counter`` counts them (a test passes a fake clock).
        self.clock = clock
        self._pass = 1
        self._helpers: dict[str, list[Helper]] = {}
        self._primitive_names: dict[str, set[str]] = {}

    def helpers(self, task: Task, limit: int | None = None) -> list[Helper]:
        domain = task.domain or "generic"
        if domain not in self._helpers:
            self._helpers[domain] = [h for m in self.plugins.primitives(domain) for h in helpers_from_module(m)]
            self._primitive_names[domain] = {h.name for h in self._helpers[domain]}
        return rank_helpers(self._helpers[domain], task, self.max_helpers if limit is None else limit)

    def _library_prelude(self, task: Task, also: Iterable[str] = ()) -> list[Any]:
        """The library's module of the task's domain as a prelude (its functions callable; of a
        large library, those the search may call and ``also``: see :meth:`LibraryUse.module`)."""
        if self.library is None:
            return []
        from inductor.sandbox import Prelude

        module = self.library.module(task.domain or "generic", also)
        return [Prelude(module[0], str(module[1]))] if module is not None else []

    def _retrieve(self, task: Task) -> list[Helper]:
        """Library functions retrieved by meaning and behaviour, as prompt helpers. Only a
        prompt uses them, so a task the search solves (or a run without a model) skips this."""
        if self.library is None or not self.library.library.module_path(task.domain or "generic").is_file():
            return []
        from inductor.retrieve import describe, retrieve

        lib = self.library
        found = retrieve(task, lib.library, lib.index, self.verifier, k=lib.k, behaviour_limit=lib.behaviour_limit)
        self.events.emit("retrieved", task=task.id, functions=describe(found))
        return [r.helper() for r in found]

    def _seed(self, task: Task, *parts: Any) -> int:
        # A later pass samples afresh; the first keeps the seeds runs had before passes existed.
        return _seed(self.seed, task.id, *parts) if self._pass == 1 else _seed(self.seed, task.id, *parts, self._pass)

    def _params(self, n: int, seed: int, seconds: float) -> SampleParams:
        s = self.model_settings
        return SampleParams(n=n, temperature=s.temperature, top_p=s.top_p, max_new_tokens=s.max_new_tokens,
                            seed=seed, stop=STOP, stop_at_top_level=True, max_seconds=seconds)

    def _library_size(self) -> int:
        return len(self.library.library) if self.library is not None else 0

    def solve(self, task: Task, pass_no: int = 1) -> TaskResult:
        """Propose, verify and repair until ``task`` is solved or its budget is spent."""
        start = self.clock()
        deadline = start + self.budget.seconds
        result = TaskResult(task, test_solved=False if task.test else None, pass_no=pass_no,
                            library_size=self._library_size())
        self._pass = pass_no
        self.plugins.task_started(task)
        self.announce(task, pass_no)
        try:
            self._attempt(task, result, deadline)
        except KeyboardInterrupt:
            result.stopped = "interrupted"
            raise
        finally:
            result.seconds = self.clock() - start
            self._finished(result, pass_no)
        return result

    def announce(self, task: Task, pass_no: int) -> None:
        """Work on ``task`` begins (here, or in a worker a backend handed it to)."""
        self.events.emit("task_started", subject=task, task=task.id, domain=task.domain, train=len(task.train),
                         test=len(task.test), pass_no=pass_no)

    def _finished(self, result: TaskResult, pass_no: int) -> None:
        self.events.emit("task_finished", subject=result, **result.to_report(), stopped=result.stopped,
                         found_by=result.found_by, rounds=result.rounds, pass_no=pass_no, learned=result.learned,
                         library_size=result.library_size, nearest=miss_json(result.nearest()))

    def adopt(self, task: Task, result: TaskResult, events: Sequence[dict[str, Any]]) -> TaskResult:
        """A result a worker elsewhere found (with a frozen copy of the library): its events are
        replayed here, then what it teaches is learned into this process's library."""
        result.task = task
        for record in events:
            if record.get("event") not in ("task_started", "task_finished"):
                self.events.replay(record)
        if result.train_solved and result.program is not None and self.library is not None:
            self._learn(task, result)
        self._finished(result, result.pass_no)
        return result

    def _run_search(self, task: Task, result: TaskResult, deadline: float, preludes: list[Any]) -> bool:
        """Compositions of library functions and primitives, before any model call, for the
        search's share of the task's time (``deadline`` ends the whole task)."""
        if self.search is None:
            return False
        start = self.clock()
        deadline = min(deadline, start + self.budget.search_time(with_model=self.model is not None))
        from inductor.search import Component

        domain = task.domain or "generic"
        self.helpers(task)
        components: list[Component] = []
        if self.library is not None:
            components += self.library.components(domain, self.plugins.type_aliases())
        components += [c for h in self._helpers.get(domain, []) if (c := Component.of(h)) is not None]
        # The library's grammar for this task (fitted, and predicted by its recognition model when
        # it has one), when it has one: a searcher plugin without weights still works.
        weights = self.library.search_weights(task, domain) if self.library is not None else {}
        found = self.search.search(task, components, preludes=[*self.verifier.preludes(task), *preludes],
                                   same=self.plugins.comparator(task), deadline=deadline,
                                   **({"weights": weights} if weights else {}))
        result.candidates_checked += found.evaluated
        guided = result.guided = self.library is not None and self.library.recognizer(domain) is not None
        self.events.emit("searched", task=task.id, evaluated=found.evaluated, size=found.sizes_done,
                         stopped=found.stopped, seconds=round(found.seconds, 3), program=found.program,
                         budget_s=round(deadline - start, 3), guided=guided)
        result.sexpr = getattr(found, "sexpr", None)
        if found.program is None or not self._accept(task, result, found.program, preludes):
            result.sexpr = None
            return False
        result.found_by = "search"
        result.readings = list(getattr(found, "readings", None) or [])
        result.ambiguous = getattr(found, "ambiguous", None)
        result.readings_seconds = float(getattr(found, "readings_seconds", 0.0) or 0.0)
        if result.ambiguous:
            # The weights the readings' costs were counted under, for a re-reading after the sleep.
            from inductor.grammar import usage_counts

            names = {n for n, c in usage_counts([r["sexpr"] for r in result.readings], weights or {}).items() if c}
            result.reading_weights = {n: float(weights[n]) for n in names}
            self.events.emit("ambiguous", task=task.id, readings=result.readings)
        return True

    def _attempt(self, task: Task, result: TaskResult, deadline: float) -> None:
        """The search for its share of the task's time, then the model's rounds for the rest."""
        preludes = self._library_prelude(task)
        if self._run_search(task, result, deadline, preludes):
            return
        if self.model is None:
            result.stopped = result.stopped or ("no-model" if self.search is None else "search")
            return
        self._model_rounds(task, result, deadline, preludes)

    def _model_rounds(self, task: Task, result: TaskResult, deadline: float, preludes: list[Any]) -> None:
        """Propose with the model, verify, and repair the nearest misses until ``deadline``
        (or the fixed number of rounds)."""
        library_helpers = self._retrieve(task)
        if library_helpers:  # the retrieved functions are callable too (a large library's part grows)
            preludes = self._library_prelude(task, [h.name for h in library_helpers])
        helpers = library_helpers + self.helpers(task, max(0, self.max_helpers - len(library_helpers)))
        domain_text = self.plugins.prompt_context(task)
        shot_pool = self.plugins.prompt_shots(task)
        seen_sources: set[str] = set()
        seen_keys: set[Any] = set()
        misses: list[CheckResult] = []
        # A fixed number of rounds, or (-1) rounds while the task's time lasts; those end early
        # when two rounds running bring no candidate not seen before (a greedy or scripted
        # model repeats itself).
        bounded = self.budget.rounds >= 0
        barren = 0
        for round_no in range(1 + self.budget.rounds) if bounded else itertools.count():
            if self.clock() >= deadline:
                result.stopped = "time"
                return
            if not bounded and barren >= 2:
                result.stopped = "exhausted"
                return
            result.rounds = round_no + 1
            if round_no == 0 or not misses:
                shots = choose_shots(shot_pool, self.shots, self._seed(task, round_no))
                prompts = [self.prompts.propose(task, shots=shots, helpers=helpers, domain_text=domain_text)]
            else:
                # Each near miss is shown once; later rounds repair the next best.
                chosen, misses = misses[: self.budget.repair_width], misses[self.budget.repair_width:]
                prompts = [
                    self.prompts.repair(task, Attempt(strip_docstrings(m.source).rstrip(), describe_misses(task, m)),
                                        helpers=helpers, domain_text=domain_text)
                    for m in chosen
                ]
            per_prompt = max(1, math.ceil(self.budget.samples / len(prompts)))
            sources: list[str] = []
            for i, prompt in enumerate(prompts):
                if self.clock() >= deadline:
                    break
                t0 = self.clock()
                params = self._params(per_prompt, self._seed(task, round_no, i), deadline - t0)
                texts = self.model.sample(prompt.text, params)
                result.lm_samples += len(texts)
                self.events.emit("model_called", task=task.id, round=round_no, template=prompt.template,
                                 n=len(texts), prompt_chars=len(prompt.text),
                                 seconds=round(self.clock() - t0, 3))
                for text in texts:
                    source = self.plugins.extract_code(text, task, prompt.prefix)
                    if source is None:
                        result.unusable_samples += 1
                    elif source not in seen_sources:
                        seen_sources.add(source)
                        sources.append(source)
            if not sources:
                barren += 1
                continue
            checked = self.verifier.check(task, sources, extra_preludes=preludes)
            fresh = []
            for res in checked:
                if res.key and res.key in seen_keys:
                    continue
                if res.key:
                    seen_keys.add(res.key)
                fresh.append(res)
            barren = 0 if fresh else barren + 1
            result.candidates_checked += len(fresh)
            passing = [r for r in fresh if r]
            self.events.emit("candidates_checked", task=task.id, round=round_no, distinct=len(fresh),
                             passed=len(passing), best=round(max((r.closeness for r in fresh), default=0.0), 3))
            usable = [r for r in fresh if not r.error and not r]
            # Kept even when the task is solved: a miss is a correct program for what it produced.
            result.near_misses = sorted([*result.near_misses, *usable], key=lambda r: -r.closeness)[:3]
            if passing and self._accept(task, result, min(passing, key=lambda r: len(r.source)).source, preludes):
                result.found_by = "model"
                return
            misses = sorted([*misses, *usable], key=lambda r: -r.closeness)[:8]
        result.stopped = result.stopped or "rounds"

    def _accept(self, task: Task, result: TaskResult, program: str, preludes: list[Any]) -> bool:
        """Check ``program`` on train and test; when train holds, record it as the solution (and learn)."""
        final = self.verifier.check(task, [program], test=bool(task.test), extra_preludes=preludes)[0]
        if not final:
            return False
        result.train_solved = True
        result.program = final.source
        result.test_solved = final.test_solved
        result.stopped = "solved"
        if self.library is not None:
            self._learn(task, result)
        return True

    def _learn(self, task: Task, result: TaskResult) -> None:
        """Record which library functions the solution calls; add what it teaches unless frozen."""
        from inductor.refactor import calls_in, learn

        lib = self.library
        assert lib is not None and result.program is not None
        domain = task.domain or "generic"
        names = lib.library.names(domain)
        used = calls_in(result.program, names)
        result.library_functions_used = used
        if not lib.learn:
            return
        if used:
            ids = [f.id for f in (lib.library.get(n) for n in used) if f is not None and f.id is not None]
            lib.library.record_uses(ids, task.id, lib.run)
        if result.sexpr:
            self._record_solution(task, result)
            # A λ-DSL solution joins the corpus the sleep compresses into abstractions; a
            # whole-task snippet refactored from it would only rename what the DSL reaches.
            self.events.emit("learned", task=task.id, added=[], merged=[],
                             reason="kept as an s-expression solution, for the sleep's compression")
            return
        self.helpers(task)  # fills the primitive names of the domain
        learned = learn(task, result.program, library=lib.library, index=lib.index, verifier=self.verifier,
                        plugins=self.plugins, primitives=self._primitive_names.get(domain, set()), run=lib.run,
                        model=lib.model, namer=lib.namer)
        result.learned = [f.name for f in learned.added]
        self.events.emit("learned", task=task.id, added=[f.name for f in learned.added],
                         merged=[f.name for f in learned.merged], reason=learned.reason)

    def sleep(self, domains: Iterable[str]) -> list[Any]:
        """After a pass, for each domain it solved tasks of: compress the library's solutions
        into abstractions and fit the grammar's weights (see :func:`inductor.compress.sleep`)."""
        lib = self.library
        if lib is None or not lib.learn or not lib.sleep:
            return []
        from inductor.compress import sleep

        out = []
        for domain in sorted(domains):
            dsl = self.plugins.dsl(domain)
            if dsl is None or not lib.library.solutions(domain):
                continue
            slept = sleep(lib.library, domain, dsl, self.verifier, index=lib.index,
                          iterations=lib.compress_iterations, max_arity=lib.max_arity, min_tasks=lib.min_tasks,
                          pseudocount=lib.pseudocount, namer=lib.namer)
            info = slept.to_json()
            self.events.emit("slept", **{**info, "added": [a["name"] for a in info.get("added", [])],
                                         "skipped": len(info.get("skipped", {}))})
            out.append(slept)
        return out

    def _record_solution(self, task: Task, result: TaskResult) -> None:
        """Store ``result``'s s-expression solution (with its Python and the task's train
        examples) for the sleep's compression."""
        from inductor.store import Solution

        lib = self.library
        assert lib is not None and result.sexpr and result.program is not None
        lib.library.record_solution(Solution(task.domain or "generic", task.id, tuple(task.params), result.sexpr,
                                             result.program, lib.run,
                                             tuple((list(e.args), e.output) for e in task.train)))

    def reread(self, results: Iterable[TaskResult], slept: Sequence[Any]) -> list[TaskResult]:
        """Each solved task with other readings of its train examples, scored again under the
        weights the sleep fitted to the other tasks' solutions (its own left out): the reading
        they make the most probable becomes the solution when it is another one (verified like
        any program; a ``reread`` event says what changed). DreamCoder rescores a task's frontier
        under the new grammar the same way. The changed results are returned."""
        lib = self.library
        if lib is None or not lib.reread:
            return []
        from inductor.grammar import rescore

        fitted = {z.domain: z.fitted for z in slept if getattr(z, "fitted", None) is not None and z.fitted.weights}
        changed = []
        for res in results:
            fit = fitted.get(res.task.domain or "generic")
            if fit is None or not res.train_solved or len(res.readings) < 2:
                continue
            scores = rescore(res.readings, fit, res.reading_weights, lib.pseudocount)
            best = min(range(len(scores)), key=lambda k: (scores[k], k))
            if best == 0 or scores[best] >= scores[0] or not res.readings[best].get("python"):
                continue
            task, reading = res.task, res.readings[best]
            final = self.verifier.check(task, [reading["python"]], test=bool(task.test),
                                        extra_preludes=self._library_prelude(task))[0]
            if not final:
                continue
            before = res.readings[0]["sexpr"]
            res.readings[0] = {**res.readings[0], "python": res.readings[0].get("python") or res.program}
            res.program, res.sexpr, res.test_solved = final.source, reading["sexpr"], final.test_solved
            res.reread_from = before
            order = [best, *(k for k in range(len(scores)) if k != best)]
            res.readings = [{**res.readings[k], "cost": round(scores[k], 3)} for k in order]
            if lib.learn:
                self._record_solution(task, res)
            self.events.emit("reread", task=task.id, before=before, after=res.sexpr,
                             scores=[round(s, 3) for s in scores], test_solved=res.test_solved)
            changed.append(res)
        return changed

    def run(self, tasks: Iterable[Task], on_result: Callable[[TaskResult], None] | None = None, *,
            passes: int = 1, on_pass: Callable[[int, int], None] | None = None,
            done: Sequence[TaskResult] = ()) -> RunResult:
        """Every task, then up to ``passes - 1`` more passes over the unsolved ones (Ctrl-C keeps what finished).

        An error that ends the run (the model's server went away, a plugin raised) comes out
        as :class:`RunFailed`, which carries the results of the tasks finished before it.

        A later pass retries an unsolved task only when the library has grown since its last
        attempt: that is what a pass is for (DreamCoder's wake after a sleep), and without new
        functions the search would repeat itself. ``done`` are results of an earlier,
        interrupted run of the same tasks (``--resume``): those tasks are not attempted again
        in the pass that recorded them.
        """
        order = list(tasks)
        run = RunResult()
        latest: dict[int, TaskResult] = {}  # by position: two folders may hold tasks with one id
        for earlier in done:
            i = next((i for i, t in enumerate(order) if t is earlier.task), None)
            if i is not None:
                latest[i] = earlier
        resumed_pass = max((r.pass_no for r in latest.values()), default=0)
        start = time.perf_counter()
        try:
            for pass_no in range(max(1, resumed_pass), passes + 1):
                todo = [i for i in range(len(order)) if i not in latest
                        or (latest[i].pass_no < pass_no and not latest[i].train_solved
                            and self._library_size() > latest[i].library_size)]
                if not todo:
                    break
                if on_pass is not None:
                    on_pass(pass_no, len(todo))
                self.events.emit("pass_started", pass_no=pass_no, tasks=len(todo), library_size=self._library_size())
                t0 = time.perf_counter()
                stats = {"pass": pass_no, "attempted": len(todo), "solved": 0, "library_size_start": self._library_size()}
                run.passes.append(stats)
                for solved in self.backend.solve(self, [order[i] for i in todo], pass_no):
                    i = todo[solved.index]
                    res = solved.result
                    if solved.events is not None:
                        res = self.adopt(order[i], res, solved.events)
                    if i in latest:
                        res.add_costs(latest[i])
                    latest[i] = res
                    stats["solved"] += res.train_solved
                    stats["seconds"] = round(time.perf_counter() - t0, 3)
                    stats["library_size_end"] = self._library_size()
                    if on_result is not None:
                        on_result(res)
                slept = self.sleep({order[i].domain or "generic" for i in todo if latest[i].train_solved})
                self.reread([latest[i] for i in todo if latest[i].ambiguous], slept)
                if slept:
                    stats["sleep"] = [{"domain": z.domain, "abstractions": [fn.name for fn, _ in z.learned.added]
                                       if z.learned else [], "weights_fitted_to": z.fitted.programs,
                                       "error": z.error} for z in slept]
                    stats["library_size_end"] = self._library_size()
        except KeyboardInterrupt:
            run.interrupted = True
        except Exception as exc:
            run.results = [latest[i] for i in range(len(order)) if i in latest]
            run.seconds = time.perf_counter() - start
            raise RunFailed(run, exc) from exc
        run.results = [latest[i] for i in range(len(order)) if i in latest]
        run.seconds = time.perf_counter() - start
        return run
