"""Checking candidate programs against a task's examples.

Candidates are deduplicated by their text up to layout (blank lines, comments), compiled
and run in the sandbox on the train inputs, and compared with the expected outputs here, in
the parent, by the ``inductor_compare_outputs`` hook. A pass is believed only when it holds alone in a fresh
child, one that ran nothing else: no other candidate can have influenced it, whatever its text.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from types import ModuleType
from typing import TYPE_CHECKING, Any

from inductor.prompts import py
from inductor.sandbox import Outcome, Prelude, Sandbox, Status
from inductor.sandbox.pool import gc_paused
from inductor.tasks import exact_equal

if TYPE_CHECKING:
    from inductor.plugins import Plugins
    from inductor.tasks import Example, Task

#: Longest candidate accepted, in characters.
MAX_CODE_CHARS = 100_000

# A candidate's SyntaxWarnings ("perhaps you missed a comma?") are its own business, not the user's.
warnings.filterwarnings("ignore", category=SyntaxWarning, module="<candidate>")

# Words that could let a program reach state shared with later candidates in the same
# process: imports, reflection builtins, frame and code attributes.
_REACHING = frozenset({
    "import", "getattr", "setattr", "delattr", "globals", "locals", "vars", "dir", "eval", "exec",
    "compile", "open", "breakpoint", "input", "help", "memoryview", "exit", "quit", "gi_frame",
    "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "ag_frame", "ag_code", "f_back", "f_globals",
    "f_locals", "f_builtins", "f_code", "tb_frame", "tb_next", "co_code", "func_globals",
})
# A name (or attribute) that starts with an underscore, or one of those words (the text is
# ASCII, so \b is a boundary of [0-9A-Za-z_]).
_NOT_INERT = re.compile(r"\b(?:_|(?:" + "|".join(sorted(_REACHING)) + r")\b)")


def is_inert(source: str) -> bool:
    """True when a program looks unlikely to touch state shared with later candidates.

    A hint for speed, never a proof: the sandbox holds back the lines of such programs and
    keeps their child for the task's next batch. Textual: ASCII only, no import, no name
    with a leading underscore or dunder, no reflection builtin and no frame or code
    attribute. Text cannot prove a program harmless (a ``match`` class pattern looks up
    attributes whose names are built at run time), so no verdict rests on it: every
    candidate's effect on shared state is checked after it runs, and every pass is run
    again alone.
    """
    return source.isascii() and "__" not in source and _NOT_INERT.search(source) is None


def program_key(source: str) -> str:
    """The text two programs share when they differ only in layout: blank lines, comments,
    trailing spaces. Exact: source with multi-line strings or backslash continuations,
    where such text can be part of a string, is its own key."""
    if '"""' in source or "'''" in source:
        return source
    lines = []
    for line in source.split("\n"):
        # With no multi-line string, a # on a line without quotes starts a comment.
        if "#" in line and "'" not in line and '"' not in line:
            line = line[:line.index("#")]
        line = line.rstrip(" \t\r\f")
        if line.endswith("\\"):
            return source
        if line:
            lines.append(line)
    return "\n".join(lines)


class Verdict(str, Enum):
    """The verdict of one candidate on one example."""

    PASS = "pass"
    WRONG = "wrong"
    ERROR = "error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    FORBIDDEN = "forbidden"


_STATUS_VERDICT = {
    Status.ERROR: Verdict.ERROR,
    Status.TIMEOUT: Verdict.TIMEOUT,
    Status.MEMORY: Verdict.MEMORY,
    Status.FORBIDDEN: Verdict.FORBIDDEN,
    Status.OUTPUT: Verdict.ERROR,
    Status.PROGRAM: Verdict.ERROR,
    Status.STOPPED: Verdict.ERROR,
}


@dataclass(slots=True)
class ExampleResult:
    verdict: Verdict
    expected: Any = None
    actual: Any = None
    message: str = ""
    ms: float = 0.0

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.PASS


@dataclass
class CheckResult:
    """A candidate's verdicts on a task; true when it passes every train example."""

    source: str
    #: The program's text up to layout (:func:`program_key`): equal keys, same verdicts.
    key: str = ""
    train: list[ExampleResult] = field(default_factory=list)
    test: list[ExampleResult] | None = None
    #: Set when the program is not usable (it does not compile, or defines no function).
    error: str = ""

    def __bool__(self) -> bool:
        return bool(self.train) and all(r.verdict is Verdict.PASS for r in self.train)

    @property
    def train_passed(self) -> int:
        return sum(r.passed for r in self.train)

    @property
    def test_solved(self) -> bool | None:
        if self.test is None or not self.test:
            return None
        return all(r.passed for r in self.test)

    @property
    def score(self) -> float:
        """Share of train examples passed (used to rank near misses)."""
        return self.train_passed / len(self.train) if self.train else 0.0

    @property
    def closeness(self) -> float:
        """How near the candidate came, 0..1: passes count 1, wrong outputs their similarity."""
        if not self.train:
            return 0.0
        total = sum(1.0 if r.passed else similarity(r.expected, r.actual) if r.verdict is Verdict.WRONG else 0.0
                    for r in self.train)
        return total / len(self.train)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for r in self.train:
            counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
        return ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))


def similarity(expected: Any, actual: Any) -> float:
    """How alike two outputs are, 0..1 (1 only when equal): ranks near misses for repair."""
    if expected == actual and type(expected) is type(actual):
        return 1.0
    if isinstance(expected, str) and isinstance(actual, str):
        return 0.9 * difflib.SequenceMatcher(None, expected, actual, autojunk=False).ratio()
    if isinstance(expected, list) and isinstance(actual, list):
        if not expected or not actual:
            return 0.0
        if len(expected) == len(actual):
            return 0.9 * sum(similarity(e, a) for e, a in zip(expected, actual)) / len(expected)
        try:
            a_items, e_items = [repr(v) for v in actual], [repr(v) for v in expected]
        except (RecursionError, ValueError):
            return 0.0
        return 0.8 * difflib.SequenceMatcher(None, e_items, a_items, autojunk=False).ratio()
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        try:
            return 0.5 / (1.0 + abs(float(expected) - float(actual)))
        except OverflowError:
            return 0.0
    return 0.0


def as_json_values(value: Any) -> Any:
    """``value`` as the sandbox's JSON would bring it back: tuples become lists."""
    if isinstance(value, (list, tuple)):
        return [as_json_values(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json_values(v) for k, v in value.items()}
    return value


class Verifier:
    """Checks candidates for tasks with a sandbox and the plugins' output comparison."""

    def __init__(self, sandbox: Sandbox, plugins: Plugins) -> None:
        self.sandbox = sandbox
        self.plugins = plugins
        self._preludes: dict[str, list[ModuleType]] = {}
        #: Counters: distinct candidates run, passes re-run alone, duplicates skipped.
        self.stats = {"distinct": 0, "rechecked": 0, "duplicates": 0}
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="verify")

    def preludes(self, task: Task) -> list[ModuleType]:
        domain = task.domain or "generic"
        if domain not in self._preludes:
            self._preludes[domain] = self.plugins.primitives(domain)
        return self._preludes[domain]

    def compare(self, task: Task, examples: Sequence[Example], outcomes: Sequence[Outcome],
                same: Callable[[Any, Any], bool] | None = None, plain: Sequence[Any] | None = None,
                ) -> list[ExampleResult]:
        """Verdicts for outcomes against expected outputs (``same`` defaults to the task's comparator).

        ``plain``: the expected outputs as JSON brings values back (:func:`as_json_values`), for
        outcomes decoded from JSON under the exact comparison: one C-level ``!=`` then settles
        most wrong outputs before the structural check.
        """
        same = same or self.plugins.comparator(task)
        results = []
        ok, wrong, passed, result = Status.OK, Verdict.WRONG, Verdict.PASS, ExampleResult  # hot loop
        for i, (ex, out) in enumerate(zip(examples, outcomes)):
            expected, value = ex.output, out.value
            if out.status is not ok:
                results.append(result(_STATUS_VERDICT[out.status], expected, None, out.message, out.ms))
            elif plain is not None and plain[i] != value:
                # Exact equality implies == on these values, so != means wrong.
                results.append(result(wrong, expected, value, "", out.ms))
            else:
                results.append(result(passed if same(expected, value) else wrong, expected, value, "", out.ms))
        return results

    def check(self, task: Task, sources: Sequence[str], *, test: bool = False,
              extra_preludes: Sequence[ModuleType | Prelude] = (), notify: bool = True) -> list[CheckResult]:
        """Verdicts for each source in order; identical programs are run once and share a result.

        With ``test=True`` the test examples are run too (only for accepted programs:
        they must never steer the search).
        """
        with gc_paused():
            return self._check(task, sources, test, [*self.preludes(task), *extra_preludes], notify)

    def _check(self, task: Task, sources: Sequence[str], test: bool, preludes: list[ModuleType | Prelude],
               notify: bool) -> list[CheckResult]:
        examples = list(task.train) + (list(task.test) if test else [])
        inputs = [e.args for e in examples]
        distinct: dict[str, CheckResult] = {}
        results: list[CheckResult] = []
        inert: set[int] = set()
        chunks: list[tuple[list[CheckResult], Future[list[list[Outcome]]]]] = []
        # Hand the sandbox a chunk at a time, so the workers run while this process
        # prepares the next one. The workers compile: untrusted text is never compiled here.
        chunk_size = max(1, self.sandbox.batch_size * self.sandbox.workers)
        for start in range(0, len(sources), chunk_size):
            to_run: list[CheckResult] = []
            for source in sources[start:start + chunk_size]:
                if len(source) > MAX_CODE_CHARS:
                    res = CheckResult(source, error=f"program is longer than {MAX_CODE_CHARS} characters")
                    res.train = [ExampleResult(Verdict.ERROR, e.output, None, res.error) for e in task.train]
                    results.append(res)
                    continue
                key = program_key(source)
                res = distinct.get(key)
                if res is None:
                    res = distinct[key] = CheckResult(source, key=key)
                    to_run.append(res)
                    if is_inert(source):
                        inert.add(id(res))
                else:
                    self.stats["duplicates"] += 1
                results.append(res)
            if to_run:
                # Inert programs first: their child then mostly serves the next batch too.
                to_run.sort(key=lambda r: id(r) not in inert)
                future = self._pool.submit(self.sandbox.run, [r.source for r in to_run], inputs,
                                           entries=task.entry_point, preludes=preludes,
                                           inert=[id(r) in inert for r in to_run])
                chunks.append((to_run, future))
        passed: list[CheckResult] = []
        for to_run, future in chunks:
            self._fill(task, to_run, future.result(), test)
            # A pass is believed only when it holds alone in a fresh child: in a shared one, an
            # earlier candidate may have patched what this one called, or written its line.
            recheck = {id(r) for r in to_run if r}
            passed += [r for r in to_run if id(r) in recheck]
            self.stats["distinct"] += len(to_run)
            if notify:  # now, while the workers run the next chunks, for the verdicts that are final
                for res in to_run:
                    if id(res) not in recheck:
                        self.plugins.candidate_checked(task, res)
        self.stats["rechecked"] += len(passed)
        if passed:
            again = self.sandbox.run([r.source for r in passed], inputs, entries=task.entry_point,
                                     preludes=preludes, isolate=True)
            self._fill(task, passed, again, test)
            if notify:
                for res in passed:
                    self.plugins.candidate_checked(task, res)
        return results

    def _fill(self, task: Task, results: Sequence[CheckResult], outcomes: Sequence[Sequence[Outcome]],
              test: bool) -> None:
        n = len(task.train)
        same = self.plugins.comparator(task)  # resolved once, not per candidate
        exact = same is exact_equal
        train_plain = [as_json_values(e.output) for e in task.train] if exact else None
        test_plain = [as_json_values(e.output) for e in task.test] if exact and test else None
        for res, outs in zip(results, outcomes):
            if outs and outs[0].status is Status.PROGRAM:
                res.error = outs[0].message
            res.train = self.compare(task, task.train, outs[:n], same, train_plain)
            if test:
                res.test = self.compare(task, task.test, outs[n:], same, test_plain)


def unverifiable_functions(library: Any, plugins: Plugins) -> dict[str, str]:
    """Library functions whose check cannot run: they call names that no loaded plugin's
    primitives define (their domain's plugin is not loaded, say): name -> why."""
    from inductor.store import public_names

    out: dict[str, str] = {}
    for domain in library.domains():
        available = {n for m in plugins.primitives(domain) for n in public_names(m)}
        for name, missing in library.missing_names(domain, available).items():
            out[name] = (f"needs {', '.join(sorted(missing))}, which no loaded plugin defines "
                         f"(is the plugin of the {domain} domain loaded?)")
    return out


def failing_functions(library: Any, verifier: Verifier) -> dict[str, str]:
    """Library functions that do not pass the examples they were stored with: name -> why.

    The functions run as the store has them (its modules written afresh to a temporary
    folder), whatever the module files in the library folder say. Those whose check cannot
    run (:func:`unverifiable_functions`) are not checked, so never reported as failing.
    """
    import hashlib
    import tempfile
    from pathlib import Path

    from inductor.sandbox import Prelude
    from inductor.store import SANDBOX_PREFIX
    from inductor.tasks import Example, Task

    failing: dict[str, str] = {}
    unverifiable = unverifiable_functions(library, verifier.plugins)
    with tempfile.TemporaryDirectory(prefix="inductor-check-") as tmp:
        library.export_modules(Path(tmp))
        for domain in library.domains():
            path = Path(tmp) / library.module_path(domain).name
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            prelude = Prelude(f"{SANDBOX_PREFIX}check_{path.stem}_{digest}", str(path))
            for fn in library.functions(domain):
                if not fn.examples or fn.name in unverifiable:
                    continue  # a helper split out of a solution (its callers' examples check it), or uncheckable
                arity = len(fn.examples[0][0])
                params = ", ".join(f"a{i}" for i in range(arity))
                task = Task(f"check:{fn.name}", [Example(tuple(a), o) for a, o in fn.examples], domain=domain)
                res = verifier.check(task, [f"def f({params}):\n    return {fn.name}({params})\n"],
                                     extra_preludes=[prelude], notify=False)[0]
                if not res:
                    failing[fn.name] = res.summary() or res.error or "fails its examples"
    return failing


def describe_misses(task: Task, result: CheckResult, limit: int = 3) -> list[str]:
    """One line per failed train example: what the candidate did instead."""
    out = []
    for ex, r in zip(task.train, result.train):
        if r.passed:
            continue
        call = f"{task.entry_point}({', '.join(py(a, 120) for a in ex.args)})"
        if r.verdict is Verdict.WRONG:
            out.append(f"{call} returned {py(r.actual, 120)} but should return {py(ex.output, 120)}")
        elif r.verdict is Verdict.TIMEOUT:
            out.append(f"{call} ran too long (should return {py(ex.output, 120)})")
        else:
            message = (r.message or r.verdict.value).strip().splitlines()[-1][:160] if (r.message or "").strip() \
                else r.verdict.value
            out.append(f"{call} failed with {message} (should return {py(ex.output, 120)})")
        if len(out) >= limit:
            break
    return out
