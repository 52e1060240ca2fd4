"""Typed expression trees: types, primitives, terms, their s-expression and Python forms.

Types are plain hashable values: ``"int"``, ``"bool"``, ``"str"``, ``"grid"``, ``("list", T)``,
function types ``("fn", (A, ...), R)`` (lambda parameters only) and type variables ``"t0"``,
``"t1"``, ``"t2"`` in primitive signatures (polymorphism, as in DreamCoder's list DSL).

A term is an application of a primitive, a task variable (``x``), a de Bruijn variable
(``$0`` is the innermost lambda's last parameter), a constant or a lambda. Its canonical text
is the s-expression stitch-core reads, ``(map (lam (+ $0 1)) x)``; its Python rendering is
what the verifier runs and the user reads. Standard library only: the sandbox loads this
module as a prelude.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

INT, BOOL, STR, GRID = "int", "bool", "str", "grid"
TYPE_VARS = ("t0", "t1", "t2")

Type = Any  # str | tuple


class DSLTypeError(TypeError):
    """A term that does not type-check; it is never built."""


def list_of(t: Type) -> Type:
    return ("list", t)


def fn_of(args: Sequence[Type], ret: Type) -> Type:
    return ("fn", tuple(args), ret)


def type_text(t: Type) -> str:
    """``list[int]``, ``(int, int) -> int``..."""
    if isinstance(t, tuple):
        if t[0] == "list":
            return f"list[{type_text(t[1])}]"
        return f"({', '.join(type_text(a) for a in t[1])}) -> {type_text(t[2])}"
    return str(t)


def parse_type(text: str) -> Type | None:
    """The type named by ``list[list[int]]``, ``int``...; None for anything else."""
    text = text.replace(" ", "")
    if text in (INT, BOOL, STR, GRID):
        return text
    if text.startswith(("list[", "List[")) and text.endswith("]"):
        inner = parse_type(text[5:-1])
        return None if inner is None else list_of(inner)
    return None


def has_vars(t: Type) -> bool:
    if isinstance(t, tuple):
        if t[0] == "list":
            return has_vars(t[1])
        return any(has_vars(a) for a in t[1]) or has_vars(t[2])
    return t in TYPE_VARS


def match(pattern: Type, concrete: Type, binding: dict[str, Type]) -> dict[str, Type] | None:
    """``binding`` extended so that ``pattern`` becomes ``concrete`` (which has no variables), or None."""
    if isinstance(pattern, str):
        if pattern in TYPE_VARS:
            bound = binding.get(pattern)
            if bound is None:
                return {**binding, pattern: concrete}
            return binding if bound == concrete else None
        return binding if pattern == concrete else None
    if not isinstance(concrete, tuple) or concrete[0] != pattern[0]:
        return None
    if pattern[0] == "list":
        return match(pattern[1], concrete[1], binding)
    if len(pattern[1]) != len(concrete[1]):
        return None
    b: dict[str, Type] | None = binding
    for p, c in zip((*pattern[1], pattern[2]), (*concrete[1], concrete[2])):
        b = match(p, c, b) if b is not None else None
    return b


def subst(t: Type, binding: dict[str, Type]) -> Type:
    if isinstance(t, tuple):
        if t[0] == "list":
            return list_of(subst(t[1], binding))
        return fn_of([subst(a, binding) for a in t[1]], subst(t[2], binding))
    return binding.get(t, t)


def freeze(v: Any) -> Any:
    """The engine's immutable form of a value: lists (at any depth) become tuples."""
    if type(v) is list or type(v) is tuple:
        return tuple(freeze(x) for x in v)
    return v


def thaw(v: Any) -> Any:
    """The plain Python form of an engine value: tuples (at any depth) become lists."""
    if type(v) is tuple or type(v) is list:
        return [thaw(x) for x in v]
    return v


def value_type(v: Any) -> Type | None:
    """The type of one value (an empty list counts as a list of ints); None when outside the DSL.

    Lists and tuples (the engine's form of lists) are both lists."""
    if type(v) is bool:
        return BOOL
    if type(v) is int:
        return INT
    if type(v) is str:
        return STR
    if type(v) is list or type(v) is tuple:
        if not v:
            return list_of(INT)
        inner = value_type(v[0])
        return None if inner is None else list_of(inner)
    return None


def column_type(values: Sequence[Any]) -> Type | None:
    """The type of a column of example values; empty lists take theirs from the others."""
    types = [value_type(v) for v in values]
    if any(t is None for t in types):
        return None
    nonempty = [t for t, v in zip(types, values) if not (type(v) in (list, tuple) and not v)]
    return nonempty[0] if nonempty else (types[0] if types else None)


class Primitive:
    """A typed primitive: its implementation, a phrase for names and docs, a Python template.

    ``py`` is a format string over the rendered arguments; a lambda argument renders as
    ``(lambda v: ...)`` by default, ``{0:body}`` gives its body and ``{0:v0}``, ``{0:v1}`` its
    parameters (so ``map`` can read ``[v + 1 for v in x]``).
    """

    __slots__ = ("name", "params", "returns", "fn", "phrase", "py", "arg_names", "higher_order")

    def __init__(self, name: str, params: Sequence[Type], returns: Type, fn: Callable[..., Any], phrase: str,
                 py: str, arg_names: Sequence[str] = ()) -> None:
        self.name = name
        self.params = tuple(params)
        self.returns = returns
        self.fn = fn
        self.phrase = phrase
        self.py = py
        self.arg_names = tuple(arg_names) or tuple("abcdefgh"[: len(self.params)])
        self.higher_order = any(isinstance(p, tuple) and p[0] == "fn" for p in self.params)

    def __repr__(self) -> str:
        sig = ", ".join(type_text(p) for p in self.params)
        return f"Primitive({self.name}: ({sig}) -> {type_text(self.returns)})"


class Term:
    """A node of an expression tree. ``kind`` is prim, var, arg ($i), const or lam."""

    __slots__ = ("kind", "head", "args", "type", "cost")

    def __init__(self, kind: str, head: Any, args: tuple[Term, ...] = (), type: Type | None = None,
                 cost: int = 0) -> None:
        self.kind = kind
        self.head = head
        self.args = args
        self.type = type
        self.cost = cost

    def __repr__(self) -> str:
        return f"Term({sexpr(self)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and sexpr(self) == sexpr(other)

    def __hash__(self) -> int:
        return hash(sexpr(self))

    def size(self) -> int:
        return 1 + sum(a.size() for a in self.args)


def var(name: str, type: Type | None = None) -> Term:
    return Term("var", name, (), type)


def arg(index: int, type: Type | None = None) -> Term:
    return Term("arg", index, (), type)


def const(value: Any, type: Type | None = None) -> Term:
    return Term("const", value, (), type if type is not None else value_type(value))


def lam(body: Term, params: Sequence[Type] = (), n: int | None = None) -> Term:
    """A lambda of ``n`` parameters (nested ``lam`` in the s-expression: ``$0`` is the last)."""
    n = len(params) if n is None else n
    t = fn_of(params, body.type) if params and body.type is not None else None
    return Term("lam", n, (body,), t, body.cost)


def app(prim: Primitive, *children: Term, cost: int = 0) -> Term:
    """``prim`` applied to typed ``children``; raises :class:`DSLTypeError` when ill-typed."""
    if len(children) != len(prim.params):
        raise DSLTypeError(f"{prim.name} takes {len(prim.params)} arguments, got {len(children)}")
    binding: dict[str, Type] | None = {}
    for p, c in zip(prim.params, children):
        if c.type is None or binding is None:
            raise DSLTypeError(f"{prim.name}: untyped argument {sexpr(c)}")
        binding = match(p, c.type, binding)
        if binding is None:
            raise DSLTypeError(f"{prim.name}: argument {sexpr(c)} of type {type_text(c.type)} "
                               f"where {type_text(subst(p, {}))} is expected")
    ret = subst(prim.returns, binding or {})
    if has_vars(ret):
        raise DSLTypeError(f"{prim.name}: return type {type_text(ret)} is not determined")
    return Term("prim", prim.name, tuple(children), ret, cost)


# --- s-expressions ----------------------------------------------------------------------------

_ESCAPES = {" ": "\\u0020", "(": "\\u0028", ")": "\\u0029"}
_INT = re.compile(r"-?\d+\Z")
_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def const_text(v: Any) -> str:
    """A constant as one s-expression atom: ``3``, ``true``, ``[1,2]``, ``"a\\u0020b"``."""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if type(v) is int:
        return str(v)
    text = json.dumps(v, separators=(",", ":"), ensure_ascii=True)
    return re.sub(r"[ ()]", lambda m: _ESCAPES[m.group()], text)


def sexpr(t: Term) -> str:
    """The canonical text of ``t``."""
    if t.kind == "prim":
        return f"({t.head} {' '.join(sexpr(a) for a in t.args)})" if t.args else str(t.head)
    if t.kind == "var":
        return str(t.head)
    if t.kind == "arg":
        return f"${t.head}"
    if t.kind == "const":
        return const_text(t.head)
    text = sexpr(t.args[0])
    for _ in range(t.head):
        text = f"(lam {text})"
    return text


def parse(text: str, prims: dict[str, Primitive]) -> Term:
    """The term written ``text`` (untyped: see :func:`infer`); ValueError when malformed."""
    tokens = _TOKEN.findall(text)
    pos = 0

    def atom(tok: str) -> Term:
        if tok.startswith("$") and tok[1:].isdigit():
            return arg(int(tok[1:]))
        if _INT.match(tok):
            return const(int(tok))
        if tok in ("true", "false"):
            return const(tok == "true")
        if tok[0] in "\"[":
            try:
                return const(json.loads(tok))
            except ValueError:
                raise ValueError(f"bad constant {tok!r}") from None
        if tok in prims:
            if prims[tok].params:
                raise ValueError(f"{tok} takes {len(prims[tok].params)} arguments")
            return Term("prim", tok)
        if tok == "lam" or not tok.isidentifier():
            raise ValueError(f"unexpected {tok!r}")
        return var(tok)

    def node() -> Term:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("unexpected end of text")
        tok = tokens[pos]
        pos += 1
        if tok == ")":
            raise ValueError("unexpected ')'")
        if tok != "(":
            return atom(tok)
        if pos >= len(tokens):
            raise ValueError("unexpected end of text")
        head = tokens[pos]
        pos += 1
        children = []
        while pos < len(tokens) and tokens[pos] != ")":
            children.append(node())
        if pos >= len(tokens):
            raise ValueError("missing ')'")
        pos += 1
        if head == "lam":
            if len(children) != 1:
                raise ValueError("lam takes one body")
            body = children[0]
            if body.kind == "lam":  # (lam (lam b)): one lambda of two parameters
                return Term("lam", body.head + 1, body.args)
            return Term("lam", 1, (body,))
        if head not in prims:
            raise ValueError(f"unknown primitive {head!r}")
        if len(children) != len(prims[head].params):
            raise ValueError(f"{head} takes {len(prims[head].params)} arguments, got {len(children)}")
        return Term("prim", head, tuple(children))

    term = node()
    if pos != len(tokens):
        raise ValueError(f"text after the term: {' '.join(tokens[pos:])!r}")
    return term


def infer(t: Term, prims: dict[str, Primitive], var_types: dict[str, Type], env: tuple[Type, ...] = ()) -> Type:
    """The type of ``t`` (``env``: de Bruijn variables' types, innermost last); DSLTypeError if none."""
    if t.kind == "var":
        if t.head not in var_types:
            raise DSLTypeError(f"unknown variable {t.head}")
        return var_types[t.head]
    if t.kind == "arg":
        if t.head >= len(env):
            raise DSLTypeError(f"${t.head} outside a lambda")
        return env[len(env) - 1 - t.head]
    if t.kind == "const":
        ty = t.type if t.type is not None else value_type(t.head)
        if ty is None:
            raise DSLTypeError(f"constant {const_text(t.head)} has no DSL type")
        return ty
    if t.kind == "lam":
        raise DSLTypeError("a lambda is only allowed where a function is expected")
    prim = prims[t.head]
    binding: dict[str, Type] | None = {}
    order = sorted(range(len(prim.params)), key=lambda i: isinstance(prim.params[i], tuple)
                   and prim.params[i][0] == "fn")
    for i in order:
        p, c = prim.params[i], t.args[i]
        assert binding is not None
        if isinstance(p, tuple) and p[0] == "fn":
            params = tuple(subst(a, binding) for a in p[1])
            if c.kind != "lam" or c.head != len(params) or any(has_vars(a) for a in params):
                raise DSLTypeError(f"{prim.name}: argument {i} must be a lambda of {len(params)} parameters")
            got = fn_of(params, infer(c.args[0], prims, var_types, env + params))
        else:
            got = infer(c, prims, var_types, env)
        binding = match(p, got, binding)
        if binding is None:
            raise DSLTypeError(f"{prim.name}: argument {sexpr(c)} of type {type_text(got)} where "
                               f"{type_text(p)} is expected")
    ret = subst(prim.returns, binding or {})
    if has_vars(ret):
        raise DSLTypeError(f"{prim.name}: return type not determined")
    return ret


# --- evaluation -------------------------------------------------------------------------------

def closure(t: Term, prims: dict[str, Primitive], params: Sequence[str]) -> Callable[[tuple[Any, ...]], Any]:
    """``t`` as a Python function of an environment ``(inputs, arg, arg, ...)`` (``$0`` last).

    Built once per term from the primitives' implementations; nothing is compiled.
    """
    if t.kind == "var":
        i = list(params).index(t.head)
        return lambda e: e[0][i]
    if t.kind == "arg":
        k = t.head + 1
        return lambda e: e[-k]
    if t.kind == "const":
        v = freeze(t.head)
        return lambda e: v
    if t.kind == "lam":
        body = closure(t.args[0], prims, params)
        return lambda e: (lambda *xs: body(e + xs))
    fn = prims[t.head].fn
    cs = [closure(a, prims, params) for a in t.args]
    if len(cs) == 0:
        return lambda e: fn()
    if len(cs) == 1:
        (a,) = cs
        return lambda e: fn(a(e))
    if len(cs) == 2:
        a, b = cs
        return lambda e: fn(a(e), b(e))
    if len(cs) == 3:
        a, b, c = cs
        return lambda e: fn(a(e), b(e), c(e))
    return lambda e: fn(*[c(e) for c in cs])


def evaluate(t: Term, prims: dict[str, Primitive], params: Sequence[str], args: Sequence[Any]) -> Any:
    """The value of ``t`` for the task arguments ``args`` (plain values in, a plain value out:
    the primitives work on the frozen forms, see :func:`freeze`)."""
    return thaw(closure(t, prims, params)((tuple(freeze(a) for a in args),)))


# --- Python -----------------------------------------------------------------------------------

_NAMES = ("v", "w", "u", "p", "q", "r", "s", "y", "z")


class _Lambda:
    """A rendered lambda: formats as ``(lambda v: body)``, or its ``body`` / ``v0`` / ``v1``."""

    def __init__(self, names: list[str], body: str) -> None:
        self.names, self.body = names, body

    def __format__(self, spec: str) -> str:
        if spec == "body":
            return self.body
        if spec.startswith("v") and spec[1:].isdigit():
            return self.names[int(spec[1:])]
        return f"(lambda {', '.join(self.names)}: {self.body})"


def python(t: Term, prims: dict[str, Primitive], params: Sequence[str] = ("x",), bound: tuple[str, ...] = ()) -> str:
    """The readable Python expression for ``t``."""
    if t.kind == "var":
        return str(t.head)
    if t.kind == "arg":
        return bound[len(bound) - 1 - t.head]
    if t.kind == "const":
        return repr(t.head)
    if t.kind == "lam":
        return format(_render_lambda(t, prims, params, bound))
    prim = prims[t.head]
    parts = [_render_lambda(a, prims, params, bound) if a.kind == "lam" else python(a, prims, params, bound)
             for a in t.args]
    template = prim.py
    for i, part in enumerate(parts):
        # An empty list spread into a list display adds nothing: ``[n, *[]]`` reads ``[n]``.
        if part in ("[]", "()") and f"*{{{i}}}" in template:
            template = template.replace(f", *{{{i}}}", "").replace(f"*{{{i}}}, ", "")
        # An int literal plus or minus the template's own: ``x[{0} + 1:]`` reads ``x[3:]``.
        if isinstance(part, str) and _INT.fullmatch(part) and f"{{{i}}} " in template:
            template = _fold(template, i, int(part))
    text = template.format(*parts)
    # A template like ``{1}[:{0}] + {1}[{0} + 1:]`` is an operand of its parent's (``...[::-1]``).
    return text if _atomic(text) else f"({text})"


_INT = re.compile(r"-?\d+")


def _fold(template: str, i: int, value: int) -> str:
    """``template`` with ``{i} + K`` / ``{i} - K`` as one literal where nothing binds tighter
    around it (inside brackets, parentheses, after a colon or comma)."""
    pattern = r"(?:(?<=[\[(:])|(?<=, )|^)" + re.escape(f"{{{i}}}") + r" ([+-]) (\d+)(?=[\]:),]|$)"

    def literal(m: re.Match[str]) -> str:
        return str(value + int(m[2]) if m[1] == "+" else value - int(m[2]))

    return re.sub(pattern, literal, template)


#: Expressions that bind tighter than any operator: safe as an operand anywhere.
_ATOMS = (ast.Name, ast.Constant, ast.Call, ast.Subscript, ast.Attribute, ast.List, ast.ListComp, ast.Dict,
          ast.Set, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _atomic(text: str) -> bool:
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and text.lstrip().startswith("-"):
        return False
    if isinstance(node, ast.Tuple):
        return False
    return isinstance(node, _ATOMS) or (text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]))


def _render_lambda(t: Term, prims: dict[str, Primitive], params: Sequence[str], bound: tuple[str, ...]) -> _Lambda:
    pool = [n for n in _NAMES if n not in params and n not in bound]
    names = [pool[i] if i < len(pool) else f"v{len(bound) + i}" for i in range(t.head)]
    return _Lambda(names, python(t.args[0], prims, params, bound + tuple(names)))


def program(t: Term, prims: dict[str, Primitive], entry: str, params: Sequence[str]) -> str:
    """``def entry(params): return <python>`` (with the imports it needs)."""
    expr = python(t, prims, params)
    if expr.startswith("(") and expr.endswith(")") and _balanced(expr[1:-1]):
        expr = expr[1:-1]
    lines = [f"def {entry}({', '.join(params)}):"]
    if "functools." in expr:
        lines.append("    import functools")
    lines.append(f"    return {expr}")
    return "\n".join(lines) + "\n"


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0
