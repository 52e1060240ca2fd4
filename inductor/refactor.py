"""Turning accepted programs into library functions.

An accepted program is split into its top-level functions; the entry function gets a
descriptive snake_case name, a docstring with the task's examples, and its task-specific
constants become keyword parameters (their defaults keep the behaviour); the solution is
rewritten to call it. :func:`learn` re-verifies the rewritten solution in the sandbox,
merges a function that behaves like one already stored (same outputs on probe inputs), and
stores and indexes the rest. Plugins may replace the split through ``inductor_refactor``.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import keyword
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from inductor.store import Function, rename_def

if TYPE_CHECKING:
    from inductor.index import LibraryIndex
    from inductor.plugins import Plugins
    from inductor.store import Library
    from inductor.tasks import Task
    from inductor.verify import Verifier

#: Names a call or an operation contributes to a function's descriptive name.
_WORDS = {
    "sorted": "sort", "reversed": "reverse", "sum": "sum", "len": "count", "max": "max", "min": "min",
    "set": "unique", "enumerate": "indexed", "zip": "pairs", "upper": "upper", "lower": "lower",
    "split": "split", "join": "join", "replace": "replace", "strip": "strip", "find": "find",
    "title": "title", "capitalize": "capitalize", "count": "count", "index": "index",
    "insert": "insert", "append": "collect", "extend": "concat", "pop": "pop", "remove": "remove",
    "sort": "sort", "reverse": "reverse", "startswith": "prefix", "endswith": "suffix", "isdigit": "digits",
    "isalpha": "letters", "abs": "abs", "range": "range", "any": "any", "all": "all", "map": "map",
    "filter": "filter", "rsplit": "split", "partition": "partition", "rfind": "find", "rindex": "index",
}
#: Constant values that stay literal (too generic to be a parameter).
_PLAIN = {0, 1, -1, 2, "", " "}


class RefactorError(ValueError):
    """The program cannot be refactored (no function, syntax error)."""


@dataclass(frozen=True)
class Naming:
    """A name and a one-line summary proposed for a function."""

    name: str
    summary: str


#: A proposed name: lower snake_case, one to five words.
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+){0,4}$")
#: Names that say nothing about what a function does.
_VAGUE = {"f", "fn", "func", "function", "solve", "solution", "main", "helper", "task", "foo", "bar", "process",
          "transform", "compute", "calculate", "do", "run", "result", "output", "get", "new"}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if len(w) >= 3]


def related(name: str, vocabulary: Sequence[str]) -> bool:
    """Whether ``name`` shares a word (by its first four letters) with ``vocabulary``."""
    stems = {w[:4] for v in vocabulary for w in _words(v)}
    return any(w[:4] in stems for w in _words(name))


def parse_naming(text: str) -> Naming | None:
    """``" keep_even\nsummary: Keep the even numbers."`` -> Naming, or None when malformed."""
    lines = text.strip().splitlines()
    if len(lines) < 2 or not lines[1].lower().startswith("summary:"):
        return None
    name = lines[0].strip().strip("`'\"")
    summary = " ".join(lines[1].split(":", 1)[1].split())
    if not NAME_RE.match(name) or keyword.iskeyword(name) or name in _VAGUE or not 3 <= len(name) <= 40:
        return None
    if not 3 <= len(summary.split()) <= 25 or any(c in summary for c in "`{}<>=\\") \
            or summary.lower().startswith(("def ", "return ")):
        return None
    summary = summary[0].upper() + summary[1:]
    return Naming(name, summary if summary.endswith(".") else summary + ".")


class ModelNamer:
    """Asks the model for a function's name and summary (prompts/describe.j2), greedy and short.

    A proposal is kept only when it is well formed and shares a word with what the function
    is known to do (the names it calls, the rule-made name, the task's description); otherwise
    the rule-made name stays. ``proposed`` and ``accepted`` count what happened.
    """

    def __init__(self, model: Any, prompts: Any, *, max_new_tokens: int = 40, max_seconds: float = 20.0) -> None:
        self.model = model
        self.prompts = prompts
        self.max_new_tokens = max_new_tokens
        self.max_seconds = max_seconds
        self.proposed = 0
        self.accepted = 0

    def __call__(self, fn: ast.FunctionDef, task: Task, fallback: str, vocabulary: Sequence[str]) -> Naming | None:
        from inductor.models import SampleParams

        clone = copy.deepcopy(fn)
        clone.name = "function"
        if ast.get_docstring(clone):
            clone.body = clone.body[1:] or [ast.Pass()]
        text = self.prompts.describe(ast.unparse(clone), task)
        params = SampleParams(n=1, temperature=0.0, max_new_tokens=self.max_new_tokens, seed=0,
                              stop=("\n\n", "\ndef ", "\n#"), max_seconds=self.max_seconds)
        self.proposed += 1
        try:
            out = self.model.sample(text, params)
        except Exception:  # naming is optional: a model failure keeps the rule-made name
            return None
        naming = parse_naming(out[0]) if out else None
        if naming is None or not related(naming.name, [fallback, *vocabulary]):
            return None
        self.accepted += 1
        return naming


@dataclass
class Refactored:
    """A program split into library functions and the solution rewritten to call them."""

    functions: list[Function]
    solution: str
    entry: str
    #: Library or primitive names the solution already called.
    calls: list[str] = field(default_factory=list)


def snake(words: Sequence[str]) -> str:
    name = "_".join(w for w in (re.sub(r"[^a-z0-9]+", "_", w.lower()).strip("_") for w in words) if w)
    name = re.sub(r"_+", "_", name) or "function"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = f"fn_{name}"
    return name


def describe_name(fn: ast.FunctionDef, task: Task, known: set[str], noun: str = "value") -> str:
    """A descriptive name from what the function does: the calls and operations it uses."""
    words: list[str] = []

    def add(word: str) -> None:
        if word and word not in words:
            words.append(word)

    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            target = node.func
            name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
            if name in known:
                add(name)
            elif name in _WORDS:
                add(_WORDS[name])
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            step = node.slice.step
            if isinstance(step, ast.UnaryOp) and isinstance(step.op, ast.USub):
                add("reverse")
            elif node.slice.lower is not None and node.slice.upper is None:
                add("drop")
            elif node.slice.upper is not None and node.slice.lower is None:
                add("take")
            else:
                add("slice")
        elif isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            add("filter" if any(g.ifs for g in node.generators) else "map")
    if not words:
        return snake([task.domain or "task", task.id])
    # A called function's long name contributes its first two parts only, so names of
    # compositions of learned functions stay short (remove_at_list_take(...) -> remove_at).
    words = list(dict.fromkeys("_".join(w.split("_")[:2]) for w in words))
    if len(words) == 1 and noun not in words[0]:  # one word alone ("insert") says too little
        words.append(noun)
    return snake(words[:3])


def _constants(fn: ast.FunctionDef) -> list[Any]:
    seen: list[Any] = []
    for node in ast.walk(fn):
        if (isinstance(node, ast.Constant) and type(node.value) in (int, str) and node.value not in _PLAIN
                and node.value not in seen and not (isinstance(node.value, str) and len(node.value) > 20)):
            seen.append(node.value)
    # The docstring is not a constant of the behaviour.
    doc = ast.get_docstring(fn, clean=False)
    return [v for v in seen if v != doc][:3]


class _Parametrize(ast.NodeTransformer):
    def __init__(self, names: dict[Any, str]) -> None:
        self.names = names

    def visit_Constant(self, node: ast.Constant) -> ast.AST:  # noqa: N802
        if type(node.value) in (int, str) and node.value in self.names:
            return ast.copy_location(ast.Name(self.names[node.value], ast.Load()), node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:  # noqa: N802 (f-string parts must stay literal)
        return node


def parametrize(fn: ast.FunctionDef) -> dict[str, Any]:
    """Turn the function's task-specific constants into keyword parameters (defaults: the constants)."""
    values = _constants(fn)
    if not values:
        return {}
    taken = {a.arg for a in fn.args.args + fn.args.kwonlyargs} | {
        n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
    names: dict[Any, str] = {}
    for v in values:
        base = "k" if isinstance(v, int) else ("sep" if len(v) == 1 and not v.isalnum() else "text")
        name, n = base, 2
        while name in taken:
            name, n = f"{base}{n}", n + 1
        taken.add(name)
        names[v] = name
    body = fn.body
    doc = body[0] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else None
    transformer = _Parametrize(names)
    fn.body = ([doc] if doc else []) + [transformer.visit(s) for s in (body[1:] if doc else body)]
    for value, name in names.items():
        fn.args.args.append(ast.arg(name, ast.Name(type(value).__name__, ast.Load())))
        fn.args.defaults.append(ast.Constant(value))
    return {name: value for value, name in names.items()}


def _docstring(name: str, task: Task, params: Sequence[str], summary: str = "") -> str:
    first = summary or (task.description.strip().splitlines()[0] if task.description.strip() else
                        f"{name.replace('_', ' ').capitalize()} (learned from task {task.id}).")
    lines = [first, ""]
    for ex in task.train[:2]:
        call = ", ".join(_short(a) for a in ex.args)
        lines += [f">>> {name}({call})", _short(ex.output)]
    return "\n".join(lines)


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _set_docstring(fn: ast.FunctionDef, text: str) -> None:
    lines = text.strip("\n").split("\n")
    if len(lines) > 1:  # indented like the body, as ast.unparse writes the text as it is
        text = lines[0] + "\n" + "\n".join(("    " + line) if line else "" for line in lines[1:]) + "\n    "
    node = ast.Expr(ast.Constant(text))
    if fn.body and isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant) \
            and isinstance(fn.body[0].value.value, str):
        fn.body[0] = node
    else:
        fn.body.insert(0, node)


def _annotate(fn: ast.FunctionDef, task: Task) -> None:
    """Type hints from the task's examples where the program gave none."""
    from inductor.search import value_type

    for i, arg in enumerate(fn.args.args[: len(task.train[0].args)]):
        if arg.annotation is None:
            arg.annotation = ast.parse(value_type([ex.args[i] for ex in task.train]), mode="eval").body
    if fn.returns is None:
        fn.returns = ast.parse(value_type([ex.output for ex in task.train]), mode="eval").body


def _signature(fn: ast.FunctionDef) -> str:
    clone = copy.deepcopy(fn)
    clone.body = [ast.Pass()]
    clone.decorator_list = []
    text = ast.unparse(clone)
    return text[text.index("("): text.rindex(":")]


def _is_alias(fn: ast.FunctionDef, known: set[str]) -> bool:
    """``def g(x): return known(x)``: nothing new to learn."""
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return False
    call = body[0].value
    params = [a.arg for a in fn.args.args]
    return (isinstance(call.func, ast.Name) and call.func.id in known and not call.keywords
            and [a.id if isinstance(a, ast.Name) else None for a in call.args] == params)


def refactor_program(program: str, task: Task, known: set[str], taken: set[str],
                     namer: Callable[..., Naming | None] | None = None, noun: str = "value") -> Refactored:
    """Split ``program`` into functions for the library; ``known`` are names already callable
    (primitives, library functions), ``taken`` the names already used in the library; ``namer``
    may propose the entry function's name and summary (see :class:`ModelNamer`); ``noun`` is
    what the domain's values are called in generated names (the domain's ``noun``)."""
    try:
        tree = ast.parse(program)
    except SyntaxError as exc:
        raise RefactorError(f"the program does not parse: {exc.msg}") from None
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    if not fns:
        raise RefactorError("the program defines no function")
    entry = next((f for f in fns if f.name == task.entry_point), fns[-1])
    others = [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
    calls = sorted({n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                    and n.func.id in known})
    params = [a.arg for a in entry.args.args]
    if _is_alias(entry, known):
        call = entry.body[-1].value  # type: ignore[attr-defined]
        target = call.func.id
        return Refactored([], f"def {task.entry_point}({', '.join(params)}):\n    return {target}({', '.join(params)})\n",
                          target, calls)
    # Names: the entry gets a descriptive one; helpers keep theirs unless taken.
    renames: dict[str, str] = {}
    used = set(taken) | set(known)
    naming = None
    if namer is not None:
        vocabulary = [*calls, task.description, noun]
        naming = namer(entry, task, describe_name(entry, task, known, noun), vocabulary)
    for fn in fns:
        if fn is entry:
            wanted = naming.name if naming is not None else describe_name(fn, task, known, noun)
        else:
            wanted = snake([fn.name])
        name, n = wanted, 2
        while name in used:
            name, n = f"{wanted}_{n}", n + 1
        used.add(name)
        renames[fn.name] = name
    header = "".join(ast.unparse(n) + "\n" for n in others)  # imports and constants the functions need
    out: list[Function] = []
    for fn in fns:
        new = copy.deepcopy(fn)
        for node in ast.walk(new):
            if isinstance(node, ast.Name) and node.id in renames and node.id != new.name:
                node.id = renames[node.id]
        new.name = renames[fn.name]
        if fn is entry:
            _annotate(new, task)
            parametrize(new)
            _set_docstring(new, _docstring(new.name, task, params, naming.summary if naming else ""))
        elif not ast.get_docstring(new):
            _set_docstring(new, f"{new.name.replace('_', ' ').capitalize()} (a helper of task {task.id}).")
        ast.fix_missing_locations(new)
        source = (header + ast.unparse(new) + "\n") if header else ast.unparse(new) + "\n"
        out.append(Function(name=new.name, domain=task.domain or "generic", signature=_signature(new),
                            source=source, docstring=ast.get_docstring(new) or "",
                            examples=[(list(e.args), e.output) for e in task.train] if fn is entry else []))
    entry_name = renames[entry.name]
    # Helpers first: a function is defined after what it calls.
    out.sort(key=lambda f: f.name == entry_name)
    solution = f"def {task.entry_point}({', '.join(params)}):\n    return {entry_name}({', '.join(params)})\n"
    return Refactored(out, solution, entry_name, calls)


def fingerprint(outputs: Sequence[Any]) -> str:
    return hashlib.sha256(json.dumps(outputs, sort_keys=True, default=repr).encode()).hexdigest()[:16]


def calls_in(program: str, names: set[str]) -> list[str]:
    """The names of ``names`` that ``program`` calls, sorted."""
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return []
    return sorted({n.func.id for n in ast.walk(tree)
                   if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in names})


@dataclass
class Learned:
    added: list[Function] = field(default_factory=list)
    merged: list[Function] = field(default_factory=list)
    solution: str = ""
    reason: str = ""


def with_functions(program: str, sources: list[str]) -> str:
    """``program`` with the function ``sources`` first, in place of its own defs of their names."""
    try:
        defined = {n.name for s in sources for n in ast.parse(s).body if isinstance(n, ast.FunctionDef)}
        tree = ast.parse(program)
    except SyntaxError as exc:
        raise RefactorError(f"the plugin's split does not parse: {exc.msg}") from None
    kept = [ast.unparse(n) for n in tree.body if not (isinstance(n, ast.FunctionDef) and n.name in defined)]
    return "\n\n".join([*(s.strip() for s in sources), *kept]) + "\n"


def learn(task: Task, program: str, *, library: Library, index: LibraryIndex | None, verifier: Verifier,
          plugins: Plugins, primitives: set[str], run: str = "", model: str = "",
          namer: Callable[..., Naming | None] | None = None) -> Learned:
    """Refactor an accepted program, re-verify it, and store what is new; returns what happened."""
    from inductor.sandbox import Prelude
    from inductor.tasks import Example
    from inductor.tasks import Task as TaskType

    domain = task.domain or "generic"
    library_names = library.names(domain)
    known = primitives | library_names
    custom = plugins.refactor(program, task)
    try:
        noun = plugins.domain(domain).noun
        # A plugin's split: its functions, as it wrote them, in place of the program's own defs
        # of the same names; the entry function is named and documented as any other.
        source = with_functions(program, custom) if custom else program
        ref = refactor_program(source, task, known, library.names(), namer, noun)
    except RefactorError as exc:
        return Learned(reason=str(exc))
    if not ref.functions:
        return Learned(solution=ref.solution, reason=f"the program only calls {ref.entry}")
    library_preludes = [Prelude(library.module_name(domain), str(library.module_path(domain)))] \
        if library.module_path(domain).is_file() else []
    combined = "".join(f.source + "\n\n" for f in ref.functions) + ref.solution
    check = verifier.check(task, [combined], extra_preludes=library_preludes, notify=False)[0]
    if not check:
        return Learned(reason=f"the rewritten solution fails: {check.summary() or check.error}")
    entry = ref.functions[-1]
    # Behaviour on the domain's probe inputs (the same for every task) identifies duplicates.
    probes = plugins.probe_inputs(domain, len(task.train[0].args)) or [e.args for e in task.train]
    probe_task = TaskType(f"{task.id}:probe", [Example(args, None) for args in probes], domain=domain,
                          entry_point=entry.name)
    runs = verifier.check(probe_task, [combined], extra_preludes=library_preludes, notify=False)[0]
    entry.fingerprint = fingerprint([[r.verdict.value, r.actual] for r in runs.train])
    learned = Learned(solution=ref.solution)
    same = library.by_fingerprint(domain, entry.fingerprint)
    # Probe inputs can miss a difference: merge only when the stored function also solves this
    # task, and take the shorter source only when it passes the stored function's examples.
    if same is not None and same.id is not None and _solves(verifier, task, same.name, library_preludes):
        library.add_provenance(same.id, task.id, run, model)
        shorter = rename_def(entry.source, entry.name, same.name)
        if len(entry.source) < len(same.source) and not any(f is not entry for f in ref.functions) \
                and _passes_examples(verifier, same, shorter, library_preludes):
            library.replace_source(same.id, with_docstring(shorter, same.docstring))
        learned.merged.append(same)
        learned.solution = ref.solution.replace(f"return {entry.name}(", f"return {same.name}(")
        return learned
    for fn in ref.functions:
        stored = library.add(fn, task_id=task.id, run=run, model=model)
        learned.added.append(stored)
        plugins.function_added(stored)
    if index is not None:
        index.add(learned.added)
    return learned


def _solves(verifier: Verifier, task: Task, name: str, preludes: list[Any]) -> bool:
    """Whether calling library function ``name`` passes ``task``'s train examples."""
    params = ", ".join(task.params)
    program = f"def {task.entry_point}({params}):\n    return {name}({params})\n"
    return bool(verifier.check(task, [program], extra_preludes=preludes, notify=False)[0])


def _passes_examples(verifier: Verifier, fn: Function, source: str, preludes: list[Any]) -> bool:
    """Whether ``source`` (defining ``fn.name``) passes the examples ``fn`` was verified on."""
    from inductor.tasks import Example
    from inductor.tasks import Task as TaskType

    if not fn.examples:
        return False
    task = TaskType(f"{fn.name}:examples", [Example(tuple(a), o) for a, o in fn.examples], domain=fn.domain,
                    entry_point=fn.name)
    return bool(verifier.check(task, [source], extra_preludes=preludes, notify=False)[0])


def with_docstring(source: str, docstring: str) -> str:
    """``source``'s first function with ``docstring`` in place of its own."""
    tree = ast.parse(source)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    if docstring:
        _set_docstring(fn, docstring)
    return ast.unparse(tree) + "\n"
