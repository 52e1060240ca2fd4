"""Compression: the abstractions shared by the library's solutions, found with Stitch.

Every solution the value search found is stored as its canonical s-expression (see
:mod:`inductor.dsl.core`). Here each is closed over its task's parameters (``x`` becomes the
de Bruijn variable of an outer ``lam``, so an abstraction never names a task's input) and the
corpus goes to `stitch-core <https://stitch-bindings.readthedocs.io>`_, the compressor LILO
uses. Stitch proposes, one step at a time, the abstraction that shortens the corpus most; an
abstraction is kept only while it is used by at least ``min_tasks`` tasks. Abstractions may
call earlier ones (the library grows in layers).

One module, past 500 lines: finding the abstractions, typing and naming them, rewriting the
solutions with them and the sleep that stores them all work on one representation of an
abstraction (its Stitch body and its typed function); it splits when a second compressor comes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from inductor.errors import InductorError

_TOKEN = re.compile(r"\(|\)|[^\s()]+")


class CompressionError(InductorError):
    """The corpus cannot be compressed (stitch-core missing, or a program it cannot read)."""


@dataclass(frozen=True)
class Abstraction:
    """A learned function: ``body`` uses ``#0``, ``#1``... for its ``arity`` arguments."""

    name: str
    arity: int
    body: str
    #: The tasks whose rewritten solutions call it.
    tasks: tuple[str, ...]
    #: Stitch's utility: how much it shortens the corpus.
    utility: float


@dataclass
class Compression:
    """What a compression found: abstractions in the order learned, each program rewritten."""

    abstractions: list[Abstraction] = field(default_factory=list)
    #: Task id -> the closed program rewritten with the abstractions.
    rewritten: dict[str, str] = field(default_factory=dict)
    #: Task id -> the closed program before.
    original: dict[str, str] = field(default_factory=dict)
    #: The corpus' cost (Stitch's description length) before and after.
    cost_before: int = 0
    cost_after: int = 0

    @property
    def ratio(self) -> float:
        return self.cost_before / self.cost_after if self.cost_after else 1.0


def close_over(program: str, params: Sequence[str]) -> str:
    """``program`` with its task parameters bound by outer lambdas: for ``params`` ``("x",)``,
    ``(map (lam (+ $0 (head x))) x)`` becomes ``(lam (map (lam (+ $0 (head $1))) $0))``."""
    k = len(params)
    index = {p: i for i, p in enumerate(params)}
    out: list[str] = []
    stack: list[bool] = []  # one entry per open paren: whether it opened a lambda
    tokens = _TOKEN.findall(program)
    for pos, tok in enumerate(tokens):
        if tok == "(":
            stack.append(pos + 1 < len(tokens) and tokens[pos + 1] in ("lam", "lambda"))
            out.append(tok)
        elif tok == ")":
            if not stack:
                raise CompressionError(f"unbalanced parentheses in {program!r}")
            stack.pop()
            out.append(tok)
        elif tok in index:
            depth = sum(stack)
            out.append(f"${depth + k - 1 - index[tok]}")
        else:
            out.append(tok)
    text = " ".join(out).replace("( ", "(").replace(" )", ")")
    for _ in range(k):
        text = f"(lam {text})"
    return text


def _uses(program: str, name: str) -> bool:
    return name in _TOKEN.findall(program)


def compress(programs: Mapping[str, str], *, iterations: int = 10, max_arity: int = 3,
             min_tasks: int = 2, prefix: str = "fn_") -> Compression:
    """Abstractions of ``programs`` (task id -> closed s-expression, see :func:`close_over`).

    Each step asks Stitch for the most compressive abstraction of the current corpus; the
    run stops at ``iterations`` abstractions or at the first one used by fewer than
    ``min_tasks`` tasks (which is not kept). Abstractions are first-order in their arguments
    (no partially applied primitive as an argument, no curried body), so each is a typed
    function the search can call.
    """
    try:
        import stitch_core
    except ImportError:
        raise CompressionError("compression needs stitch-core: pip install stitch-core") from None
    ids = list(programs)
    current = [programs[i] for i in ids]
    result = Compression(original=dict(programs), rewritten=dict(programs))
    if not current:
        return result
    options = {"max_arity": max_arity, "abstraction_prefix": prefix, "no_curried_metavars": True,
               "no_curried_bodies": True, "silent": True}
    first = True
    for step in range(iterations):
        try:
            found = stitch_core.compress(current, iterations=1, previous_abstractions=step, **options)
        except Exception as exc:  # the Rust side reports a parse error or a panic as one exception
            raise CompressionError(f"stitch-core: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        if first:
            result.cost_before = result.cost_after = int(found.json["original_cost"])
            first = False
        if not found.abstractions:
            break
        info = found.json["abstractions"][0]
        name = found.abstractions[0].name
        tasks = tuple(i for i, p in zip(ids, found.rewritten) if _uses(p, name))
        if len(tasks) < min_tasks:
            break
        result.abstractions.append(Abstraction(name, int(info["arity"]), str(info["body"]), tasks,
                                               float(info.get("utility", 0))))
        current = list(found.rewritten)
        result.cost_after = int(found.json["final_cost"])
    result.rewritten = dict(zip(ids, current))
    return result


# --- from an abstraction to a typed, named, readable function -----------------------------

_STOP = {"the", "of", "to", "a", "an", "each", "with", "from", "by", "is", "its", "and", "in", "where", "for",
         "if", "else", "at", "on", "as", "that", "than", "which", "whose", "their", "it", "be", "satisfy",
         "satisfies", "element", "elements", "v", "w", "u"}
#: Parameter names by the kind of value, as a person would write them.
_PARAM_NAMES = {"list": ("xs", "ys", "zs"), "int": ("n", "k", "m"), "str": ("s", "t", "u"),
                "bool": ("p", "q", "r"), "grid": ("g", "h", "other")}


@dataclass
class TypedAbstraction:
    """An abstraction the DSL types: its parameters, Python ``def``, docstring and name."""

    abstraction: Abstraction
    name: str
    params: tuple[str, ...]
    param_types: tuple[Any, ...]
    returns: Any
    docstring: str
    python: str

    @property
    def signature(self) -> str:
        from inductor.dsl.core import type_text

        args = ", ".join(f"{p}: {type_text(t)}" for p, t in zip(self.params, self.param_types))
        return f"({args}) -> {type_text(self.returns)}"


def candidate_types(prims: Sequence[Any]) -> list[Any]:
    """The concrete argument types of a DSL's primitives, the most used first (what an
    abstraction's parameters are tried with)."""
    from collections import Counter

    from inductor.dsl.core import has_vars, list_of

    counts: Counter[Any] = Counter()
    for p in prims:
        for t in (*p.params, p.returns):
            if not has_vars(t) and not (isinstance(t, tuple) and t[0] == "fn"):
                counts[t] += 1
    for t in list(counts):  # lists of every scalar type, even where no primitive names them
        if not isinstance(t, tuple):
            counts.setdefault(list_of(t), 0)
    return [t for t, _ in counts.most_common()]


def type_abstraction(abstraction: Abstraction, prims: dict[str, Any], types: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first assignment of ``types`` to the parameters under which the body type-checks:
    ``(param types..., return type)``; None when none does (a parameter that is a function)."""
    import itertools

    from inductor.dsl.core import DSLTypeError, infer, parse

    arity = _arity(abstraction)
    if arity == 0:
        return None  # closed over nothing: a constant, which the search finds by itself
    try:
        term = parse(_placeholders(abstraction.body), prims)
    except (ValueError, KeyError):
        return None
    for combo in itertools.product(types, repeat=arity):
        try:
            ret = infer(term, prims, {f"arg{i}_": t for i, t in enumerate(combo)})
        except (DSLTypeError, KeyError):
            continue
        return (*combo, ret)
    return None


def _placeholders(body: str) -> str:
    """The body with ``#i`` as variables ``argi_``, and its leading lambdas (a function of the
    task's input, closed over by :func:`close_over`) opened into more variables ``argN_``..."""
    text = re.sub(r"#(\d+)", r"arg\1_", body)
    tokens = _TOKEN.findall(text)
    leading = 0
    while tokens[2 * leading: 2 * leading + 2] == ["(", "lam"]:
        leading += 1
    if not leading:
        return text
    first = 1 + max([int(m) for m in re.findall(r"#(\d+)", body)] or [-1])
    inner = tokens[2 * leading: len(tokens) - leading]
    out: list[str] = []
    stack: list[bool] = []
    for pos, tok in enumerate(inner):
        if tok == "(":
            stack.append(pos + 1 < len(inner) and inner[pos + 1] == "lam")
        elif tok == ")":
            stack.pop()
        elif tok.startswith("$") and tok[1:].isdigit():
            i, depth = int(tok[1:]), sum(stack)
            if i >= depth:  # bound by a leading lambda: the outermost is the first new parameter
                tok = f"arg{first + leading - 1 - (i - depth)}_"
        out.append(tok)
    return " ".join(out).replace("( ", "(").replace(" )", ")")


def opened_body(body: str) -> str:
    """A stored abstraction's body over its parameters ``arg0_``, ``arg1_``... in order (its
    ``#i`` arguments, then the task inputs its leading lambdas bind)."""
    return _placeholders(body)


def renames_a_primitive(abstraction: Abstraction) -> bool:
    """Whether the abstraction is one call whose arguments are its own parameters, each once
    (``(lam (take #0 $0))`` is ``take``): it shortens whole-program corpora but adds nothing."""
    tree = _tree(_placeholders(abstraction.body))
    if not isinstance(tree, list) or not tree or tree[0] == "lam":
        return False
    args = tree[1:]
    return all(isinstance(x, str) and re.fullmatch(r"arg\d+_", x) for x in args) and len(set(args)) == len(args)


def _arity(abstraction: Abstraction) -> int:
    """Parameters of the function: the abstraction's arguments and its leading lambdas."""
    leading = 0
    while abstraction.body.startswith("(lam " * (leading + 1)):
        leading += 1
    return abstraction.arity + leading


#: ``{f[each element of {xs}]}`` in a phrase: lambda argument ``f`` said by its body, its
#: parameters read as the bracket's text (``|`` between two parameters).
_SAID_BY_BODY = re.compile(r"\{(\w+)\[([^\]]*)\]\}")


def describe(term: Any, prims: dict[str, Any], names: dict[str, str], bound: tuple[str, ...] = (),
             plain: bool = False) -> str:
    """A phrase for ``term`` made from its primitives' phrases (``names``: placeholder -> parameter).

    A phrase may give alternatives after `` | ``: the last whose lambdas' bodies read each of their
    parameters is used, so ``map`` says "the first character of each of the words of s" rather
    than "apply the first character of v to each of the words of s"; ``plain`` uses the first
    (names are made from it: it says the operation, "apply ... to each")."""
    import json

    from inductor.dsl.core import const_text

    if term.kind == "var":
        return names.get(str(term.head), str(term.head))
    if term.kind == "arg":
        return bound[len(bound) - 1 - term.head] if term.head < len(bound) else f"${term.head}"
    if term.kind == "const":
        if isinstance(term.head, (str, tuple, list)):  # as a reader writes it: '" ("', not '"\u0020\u0028"'
            try:
                return json.dumps(term.head, ensure_ascii=False, separators=(", ", ": "))
            except (TypeError, ValueError):
                pass
        return const_text(term.head)
    if term.kind == "lam":
        fresh = tuple(("v", "w", "u")[i % 3] + ("" if len(bound) + i < 3 else str(len(bound) + i))
                      for i in range(term.head))
        return describe(term.args[0], prims, names, bound + fresh, plain)
    prim = prims[term.head]
    args = dict(zip(prim.arg_names, term.args))
    parts = {n: describe(a, prims, names, bound, plain) for n, a in args.items()}
    forms = _alternatives(prim.phrase, prim.arg_names)
    empty = [f for f in _when_empty(prim.phrase) if _is_empty(args.get(f[0]))]
    if empty:  # "if {xs} is empty: ...": said without the empty argument, in names too
        forms = [empty[0][1]]
    for phrase in reversed(forms[:1] if plain else forms):
        said = _said_by_bodies(phrase, args, parts, prims, names, bound)
        if said is not None:
            return said
    return f"{prim.name} of {', '.join(parts.values())}"


#: A phrase's alternative for an empty argument: ``| if {xs} is empty: a list of just {v}``.
_WHEN_EMPTY = re.compile(r"^if \{(\w+)\} is empty: (.+)$")


def _when_empty(phrase: str) -> list[tuple[str, str]]:
    """(argument, phrase) of each alternative said when that argument is an empty constant."""
    return [(m.group(1), m.group(2)) for part in phrase.split(" | ") if (m := _WHEN_EMPTY.match(part))]


def _is_empty(term: Any) -> bool:
    return term is not None and term.kind == "const" and isinstance(term.head, (str, tuple, list)) \
        and len(term.head) == 0


def _alternatives(phrase: str, arg_names: Sequence[str]) -> list[str]:
    """The phrase's alternatives (but those for an empty argument), or the phrase alone when a
    part lacks an argument (a constant with " | " inside an earlier abstraction's phrase)."""
    parts = [p for p in phrase.split(" | ") if not _WHEN_EMPTY.match(p)]
    phrase = " | ".join(parts)
    if all(set(re.findall(r"\{(\w+)[\[}]", p)) >= set(arg_names) for p in parts):
        return parts
    return [phrase]


def _said_by_bodies(phrase: str, args: dict[str, Any], parts: dict[str, str], prims: dict[str, Any],
                    names: dict[str, str], bound: tuple[str, ...]) -> str | None:
    """``phrase`` filled in, its ``{f[...]}`` by lambda bodies; None when it does not read well
    (a body that does not use a parameter, a placeholder it lacks)."""
    filled = dict(parts)
    for i, m in enumerate(_SAID_BY_BODY.finditer(phrase)):
        lam = args.get(m.group(1))
        if lam is None or lam.kind != "lam":
            return None
        try:
            readings = tuple(r.strip().format(**parts) for r in m.group(2).split("|"))
        except (KeyError, IndexError, ValueError):
            return None
        if len(readings) != lam.head:
            return None
        body = describe(lam.args[0], prims, names, bound + readings)
        if any(r not in body for r in readings):
            return None
        filled[f"said{i}_"] = body
    text = phrase
    for i, m in enumerate(list(_SAID_BY_BODY.finditer(phrase))):
        text = text.replace(m.group(0), "{" + f"said{i}_" + "}", 1)
    try:
        return text.format(**filled)
    except (KeyError, IndexError, ValueError):
        return None


def name_from(phrase: str, params: Sequence[str], taken: set[str], calls: Sequence[str] = ()) -> str:
    """A snake_case name from a phrase's first content words, and the names of the primitives it
    ``calls`` when the phrase has fewer than two; a name already ``taken`` grows by the phrase's
    next words, then by the numbers it says (``positions_1_2_exchanged`` beside
    ``positions_exchanged``), then by those calls, before it ever gets a letter suffix (never a
    counter)."""
    words = [w for w in re.findall(r"[a-z]+", phrase.lower()) if w not in _STOP and w not in params]
    words = list(dict.fromkeys(words))
    more = [w for c in calls for w in c.lower().split("_") if w.isalpha() and w not in words and w not in params]
    more = list(dict.fromkeys(more))
    if len(words) < 2:
        words, more = (words + more[:2 - len(words)]) or ["abstraction"], more[2 - len(words):]
    longer = [*words, *more]
    said = [t for t in re.findall(r"[a-z]+|\d+", phrase.lower()) if t.isdigit() or t in words]
    if not any(t.isdigit() for t in said) or said[0].isdigit():
        said = []
    candidates = ["_".join(words[:n]) for n in range(min(3, len(words)), len(words) + 1)]
    candidates += ["_".join(said[:n]) for n in range(min(4, len(said)), len(said) + 1)] if said else []
    candidates += ["_".join(longer[:n]) for n in range(len(words) + 1, len(longer) + 1)]
    for name in candidates:
        if name and name not in taken:
            return name
    base, letters = "_".join(longer), "bcdefghijklmnopqrstuvwxyz"
    return next(f"{base}_{c}" for c in (*letters, *(a + b for a in letters for b in letters))
                if f"{base}_{c}" not in taken)


def _calls(term: Any, names: Mapping[str, str]) -> list[str]:
    """The primitives ``term`` applies, outermost first (``names``: an earlier abstraction's
    stitch name -> its function name)."""
    inner = [c for a in (term.args or ()) for c in _calls(a, names)]
    return [names.get(term.head, term.head), *inner] if term.kind == "prim" else inner


def typed(abstractions: Sequence[Abstraction], dsl: Any, taken: set[str] = frozenset()) -> list[TypedAbstraction]:
    """Each abstraction the DSL can type, as a named, documented Python function; a later
    abstraction may call an earlier one (it enters the DSL as a primitive for the ones after)."""
    from inductor.dsl.core import parse, program, type_text

    prims = {p.name: p for p in dsl.PRIMITIVES}
    types = candidate_types(dsl.PRIMITIVES)
    aliases_back = {v: k for k, v in (getattr(dsl, "ALIASES", None) or {}).items()}
    used = set(taken) | set(prims)
    readable: dict[str, str] = {}
    out: list[TypedAbstraction] = []
    for a in abstractions:
        if renames_a_primitive(a):
            continue
        sig = type_abstraction(a, prims, types)
        if sig is None:
            continue
        *param_types, returns = sig
        params = _param_names(param_types)
        names = {f"arg{i}_": p for i, p in enumerate(params)}
        term = parse(_placeholders(a.body), prims)
        phrase = describe(term, prims, names)
        name = name_from(describe(term, prims, names, plain=True), params, used, _calls(term, readable))
        readable[a.name] = name
        used.add(name)
        body = program(_rename_vars(term, names), prims, name, params)
        hint = {p: type_text(aliases_back.get(t, t)) for p, t in zip(params, param_types)}
        header = f"def {name}({', '.join(f'{p}: {hint[p]}' for p in params)}) -> " \
                 f"{type_text(aliases_back.get(returns, returns))}:"
        first_word = re.match(r"\w*", phrase).group()
        doc = (phrase if first_word in params else phrase[:1].upper() + phrase[1:]) + \
            ("" if phrase.endswith(".") else ".")
        lines = body.splitlines()
        python = "\n".join([header, f'    """{doc}"""', *lines[1:]]) + "\n"
        out.append(TypedAbstraction(a, name, params, tuple(param_types), returns, doc, python))
        # Later abstractions call this one by its stitch name, described by its own phrase.
        marks = {f"arg{i}_": f"\x00{i}\x00" for i in range(len(params))}
        template = describe(term, prims, marks).replace("{", "{{").replace("}", "}}")
        for i, p in enumerate(params):
            template = template.replace(f"\x00{i}\x00", "{" + p + "}")
        prims[a.name] = _as_primitive(a.name, name, params, tuple(param_types), returns, None, phrase=template)
    return out


def _as_primitive(stitch_name: str, name: str, params: Sequence[str], types: Sequence[Any], returns: Any,
                  impl: Any, phrase: str = "") -> Any:
    """An abstraction as a DSL primitive under its stitch name, rendered as a call of ``name``
    (``phrase``: how a later abstraction's docstring says a call of it, ``{param}`` for each)."""
    from inductor.dsl.core import Primitive

    phrase = phrase or f"{name} of " + ", ".join(f"{{{p}}}" for p in params)
    return Primitive(stitch_name, tuple(types), returns, impl, phrase,
                     f"{name}({', '.join(f'{{{i}}}' for i in range(len(params)))})", tuple(params))


def _param_names(param_types: Sequence[Any]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    out = []
    for t in param_types:
        kind = t[0] if isinstance(t, tuple) else str(t)
        pool = _PARAM_NAMES.get(kind, ("a", "b", "c"))
        i = seen.get(kind, 0)
        seen[kind] = i + 1
        out.append(pool[i] if i < len(pool) else f"{pool[0]}{i}")
    return tuple(out)


def _rename_vars(term: Any, names: dict[str, str]) -> Any:
    from inductor.dsl.core import Term

    if term.kind == "var":
        return Term("var", names.get(str(term.head), term.head), (), term.type, term.cost)
    if not term.args:
        return term
    return Term(term.kind, term.head, tuple(_rename_vars(a, names) for a in term.args), term.type, term.cost)


# --- into the library: rewritten solutions re-verified, abstractions stored -----------------


def _tree(text: str) -> Any:
    tokens = _TOKEN.findall(text)
    pos = 0

    def node() -> Any:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok != "(":
            return tok
        out = []
        while tokens[pos] != ")":
            out.append(node())
        pos += 1
        return out

    return node()


def _text(tree: Any) -> str:
    return tree if isinstance(tree, str) else "(" + " ".join(_text(t) for t in tree) + ")"


def _substitute(tree: Any, name: str, depth: int = 0) -> Any:
    """``tree`` (the body of a lambda) with its parameter replaced by the variable ``name``."""
    if isinstance(tree, str):
        if tree.startswith("$") and tree[1:].isdigit():
            i = int(tree[1:])
            return name if i == depth else f"${i - 1}" if i > depth else tree
        return tree
    if len(tree) == 2 and tree[0] == "lam":
        return ["lam", _substitute(tree[1], name, depth + 1)]
    return [_substitute(t, name, depth) for t in tree]


def open_program(closed: str, params: Sequence[str]) -> str:
    """The inverse of :func:`close_over`: ``closed`` applied to the task's parameters. A
    rewritten program may be a partial application (``(fn_1 2)`` for ``(lam (take 2 (sort $0)))``):
    the parameters then become its last arguments."""
    tree = _tree(closed)
    for name in params:
        if isinstance(tree, list) and len(tree) == 2 and tree[0] == "lam":
            tree = _substitute(tree[1], name)
        else:
            tree = [*tree, name] if isinstance(tree, list) else [tree, name]
    return _text(tree)


@dataclass
class Learned:
    """What :func:`learn_abstractions` did for one domain."""

    compression: Compression
    #: Abstractions stored as library functions, with the tasks whose rewrites passed.
    added: list[tuple[TypedAbstraction, list[str]]] = field(default_factory=list)
    #: Abstraction name -> why it was not stored.
    skipped: dict[str, str] = field(default_factory=dict)
    #: The library functions stored (ids set), in the order of ``added``.
    stored: list[Any] = field(default_factory=list)
    #: Task id -> its solution rewritten with the stored abstractions (kept in the store).
    rewrites: dict[str, str] = field(default_factory=dict)
    #: The stored abstractions whose name and docstring the model proposed.
    model_named: list[str] = field(default_factory=list)


def learn_abstractions(library: Any, domain: str, dsl: Any, verifier: Any, *, iterations: int = 10,
                       max_arity: int = 3, min_tasks: int = 2, max_examples: int = 5,
                       namer: Any = None) -> Learned:
    """Compress ``domain``'s stored solutions and store each abstraction that the DSL types and
    whose rewritten solutions pass their tasks' examples in the sandbox (on at least
    ``min_tasks`` tasks) as a library function, with examples of its calls from those tasks.

    Names and docstrings are made from the primitives' phrases; with a ``namer`` (as
    :class:`inductor.refactor.ModelNamer`) the model proposes them from the function and its
    examples, and a proposal that fails its checks keeps the phrase-made ones."""
    from inductor.dsl.core import closure, freeze, parse, program, thaw
    from inductor.store import Function
    from inductor.tasks import Example, Task

    solutions = {s.task_id: s for s in library.solutions(domain)}
    corpus = {t: close_over(s.sexpr, s.params) for t, s in solutions.items()}
    found = compress(corpus, iterations=iterations, max_arity=max_arity, min_tasks=min_tasks)
    learned = Learned(found)
    functions = {f.abstraction.name: f for f in typed(found.abstractions, dsl, library.names(domain))}
    prims = {p.name: p for p in dsl.PRIMITIVES}
    defined: list[str] = []  # the sources of the abstractions so far, in order (later ones call earlier)
    stored_bodies = set(library.abstraction_bodies(domain))
    stored_now: set[str] = set()
    stored_names: dict[str, str] = {}  # stitch name -> the stored function's name
    verified: set[str] = set()  # tasks whose whole rewrite passed their examples
    for a in found.abstractions:
        fn = functions.get(a.name)
        if fn is None:
            learned.skipped[a.name] = ("only renames a primitive" if renames_a_primitive(a)
                                       else "not a first-order function of the DSL's types")
            continue
        missing = [n for n in _TOKEN.findall(a.body) if n in functions and n not in stored_now]
        if missing:
            learned.skipped[a.name] = f"calls {', '.join(missing)}, which is not stored"
            continue
        body = parse(_placeholders(a.body), prims)
        env_of = closure(_rename_vars(body, {f"arg{i}_": p for i, p in enumerate(fn.params)}), prims, fn.params)
        log: list[tuple[list[Any], Any]] = []  # this abstraction's calls while a rewrite runs

        def call(*args: Any, _env: Any = env_of, _log: list = log) -> Any:
            out = _env((tuple(args),))
            if len(_log) < 1000:
                _log.append(([thaw(v) for v in args], thaw(out)))
            return out

        prims[a.name] = _as_primitive(a.name, fn.name, fn.params, fn.param_types, fn.returns, call)
        defined.append(fn.python)
        # Stored calling earlier abstractions by their function names (a compression's own
        # names, fn_0..., mean nothing after it).
        named_body = _renamed_calls(a.body, stored_names)
        if a.body in stored_bodies or named_body in stored_bodies:
            learned.skipped[a.name] = "already in the library"
            continue
        passed: list[str] = []
        examples: list[tuple[list[Any], Any]] = []  # its calls in the rewrites that passed
        for task_id in a.tasks:
            sol = solutions[task_id]
            log.clear()
            try:
                term = parse(open_program(found.rewritten[task_id], sol.params), prims)
                source = "\n\n".join(defined) + "\n\n" + program(term, prims, "f", sol.params)
                run = closure(term, prims, sol.params)
                for args, _ in sol.examples:  # in-process, on inputs the solution already ran on in the sandbox
                    run((tuple(freeze(v) for v in args),))
            except Exception:  # noqa: BLE001 - a rewrite the DSL cannot read or run is simply not used
                continue
            task = Task(id=f"{task_id}:rewritten", train=[Example(tuple(args), out) for args, out in sol.examples],
                        test=[], domain=domain, entry_point="f", arg_names=list(sol.params))
            if verifier.check(task, [source], notify=False)[0]:
                passed.append(task_id)
                examples.extend(e for e in log if e not in examples)
        if len(passed) < min_tasks:
            learned.skipped[a.name] = f"its rewritten solutions passed on {len(passed)} task(s)"
            continue
        if namer is not None:
            taken = set(library.names(domain)) | {p.name for p in dsl.PRIMITIVES} | \
                {f.name for k, f in functions.items() if k != a.name}
            named = _model_named(fn, namer, examples[:max_examples], domain, taken, _calls(body, stored_names))
            if named is not fn:
                functions[a.name] = fn = _renamed_everywhere(named, fn.name, functions, defined)
                learned.model_named.append(fn.name)
                prims[a.name] = _as_primitive(a.name, fn.name, fn.params, fn.param_types, fn.returns, call)
        stored = library.add(Function(name=fn.name, domain=domain, signature=fn.signature, source=fn.python,
                                      docstring=fn.docstring, examples=examples[:max_examples]), task_id=passed[0])
        library.record_abstraction(stored.id, named_body, a.arity, passed)
        for task_id in passed:  # its rewritten solutions call it: uses, as a solution's calls are
            library.record_uses([stored.id], task_id, solutions[task_id].run)
        learned.added.append((fn, passed))
        learned.stored.append(stored)
        stored_now.add(a.name)
        stored_names[a.name] = stored.name
        verified.update(passed)
    # Keep each verified rewrite (what the grammar's weights are fitted to), calling the
    # abstractions by their function names; a task whose rewrite calls one not stored keeps none.
    rewrites: dict[str, str] = {}
    for task_id, text in found.rewritten.items():
        calls = [t for t in _TOKEN.findall(text) if t in functions or t in learned.skipped]
        if task_id in verified and calls and all(c in stored_names for c in calls):
            rewrites[task_id] = open_program(_renamed_calls(text, stored_names), solutions[task_id].params)
    if rewrites:
        library.record_rewrites(domain, rewrites)
    learned.rewrites = rewrites
    return learned


def _renamed_calls(text: str, names: Mapping[str, str]) -> str:
    """An s-expression with the abstractions it calls by their stitch names renamed by ``names``."""
    return " ".join(names.get(t, t) for t in _TOKEN.findall(text)).replace("( ", "(").replace(" )", ")")


def _model_named(fn: TypedAbstraction, namer: Any, examples: Sequence[tuple[list[Any], Any]], domain: str,
                 taken: set[str], calls: Sequence[str]) -> TypedAbstraction:
    """``fn`` with the name and summary ``namer`` proposes from its Python and ``examples`` of its
    calls, or ``fn`` itself when there is no proposal, or its name is taken."""
    import ast

    from inductor.tasks import Example, Task

    tree = ast.parse(fn.python).body[0]
    task = Task(id=f"abstraction:{fn.name}", train=[Example(tuple(args), out) for args, out in examples],
                test=[], domain=domain, entry_point=fn.name, arg_names=list(fn.params))
    naming = namer(tree, task, fn.name, [fn.docstring, *calls])
    if naming is None or naming.name in taken or naming.name in fn.params:
        return fn
    old_doc = f'    """{fn.docstring}"""'
    lines = fn.python.splitlines()
    lines[0] = lines[0].replace(f"def {fn.name}(", f"def {naming.name}(", 1)
    python = "\n".join(f'    """{naming.summary}"""' if line == old_doc else line for line in lines) + "\n"
    return replace(fn, name=naming.name, docstring=naming.summary, python=python)


def _renamed_everywhere(fn: TypedAbstraction, old: str, functions: dict[str, TypedAbstraction],
                        defined: list[str]) -> TypedAbstraction:
    """After ``old`` became ``fn.name``: the sources that call it (later abstractions, and the
    ones defined so far, the last of which is ``fn``'s own) call the new name."""
    call = re.compile(rf"\b{re.escape(old)}\(")
    for key, other in list(functions.items()):
        if other.name != fn.name and call.search(other.python):
            functions[key] = replace(other, python=call.sub(f"{fn.name}(", other.python))
    defined[:] = [call.sub(f"{fn.name}(", d) for d in defined[:-1]] + [fn.python]
    return fn


@dataclass
class Slept:
    """What one sleep did for a domain: the compression (None when it could not run) and the weights."""

    domain: str
    learned: Learned | None
    fitted: Any
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"domain": self.domain, "error": self.error, "weights": len(self.fitted.weights),
                               "programs": self.fitted.programs,
                               "top_weights": [[n, round(w, 3)] for n, w in self.fitted.top(5)]}
        if self.learned is not None:
            c = self.learned.compression
            out.update(cost_before=c.cost_before, cost_after=c.cost_after, rewritten=len(self.learned.rewrites),
                       added=[{"name": fn.name, "signature": fn.signature, "docstring": fn.docstring,
                               "body": fn.abstraction.body, "tasks": tasks} for fn, tasks in self.learned.added],
                       skipped=self.learned.skipped, model_named=self.learned.model_named)
        return out


def sleep(library: Any, domain: str, dsl: Any, verifier: Any, *, index: Any = None, iterations: int = 10,
          max_arity: int = 3, min_tasks: int = 2, pseudocount: float = 1.0, namer: Any = None) -> Slept:
    """DreamCoder's sleep for one domain: compress its solutions into abstractions (stored,
    indexed; named by ``namer`` where it proposes well-formed names), then fit the grammar's
    weights to the rewritten corpus (stored)."""
    from inductor.grammar import learn_weights

    learned: Learned | None = None
    error = ""
    try:
        learned = learn_abstractions(library, domain, dsl, verifier, iterations=iterations, max_arity=max_arity,
                                     min_tasks=min_tasks, namer=namer)
    except CompressionError as exc:
        error = str(exc)
    if learned is not None and learned.stored and index is not None:
        index.add(learned.stored)
    return Slept(domain, learned, learn_weights(library, domain, dsl, pseudocount), error)


def symbols(program: str) -> int:
    """A program's description length in symbols: its primitives, variables, constants and
    lambdas (every token but the parentheses)."""
    return sum(tok not in "()" for tok in _TOKEN.findall(program))


def compression_figures(library: Any, domain: str) -> dict[str, Any]:
    """What the sleep did to ``domain``'s corpus, from the store: its description length in
    symbols before (the solutions as found) and after (each solution's rewrite where it has one,
    plus the bodies of the abstractions it calls), and the abstractions' number and depth (1: it
    calls primitives only; n: it calls one of depth n - 1)."""
    solutions = library.solutions(domain)
    before = sum(symbols(s.sexpr) for s in solutions)
    rewritten = sum(symbols(s.rewritten or s.sexpr) for s in solutions)
    bodies = library.abstraction_bodies(domain)
    sources = {f.name: f.source for f in library.functions(domain) if library.abstraction(f.id) is not None}
    depth: dict[str, int] = {}

    def depth_of(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in depth:
            calls = {t for t in re.findall(r"\b\w+(?=\()", sources[name]) if t in sources and t != name} - seen
            depth[name] = 1 + max((depth_of(c, seen | {name}) for c in calls), default=0)
        return depth[name]

    after = rewritten + sum(symbols(b) for b in bodies)
    return {"solutions": len(solutions), "rewritten": sum(bool(s.rewritten) for s in solutions),
            "symbols_before": before, "symbols_after": after,
            "ratio": round(before / after, 3) if after else 1.0,
            "abstractions": len(sources), "depth": max((depth_of(n) for n in sources), default=0)}
