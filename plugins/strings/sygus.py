"""Reader for SyGuS-IF programming-by-example files (``*.sl``).

Only what PBE needs: the ``synth-fun`` signature (argument names and sorts) and the
``(constraint (= (f in ...) out))`` examples. The grammar is parsed but not used.
String literals follow SMT-LIB 2.6: ``""`` inside a literal is one quote, and
``\\u{XX}`` / ``\\uXXXX`` are unicode escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class SygusError(ValueError):
    """The file is not valid SyGuS PBE; the message says where."""


@dataclass(frozen=True)
class Sym:
    name: str


@dataclass(frozen=True)
class Str:
    value: str


SORTS = {"String": "str", "Int": "int", "Bool": "bool"}
_UNICODE = re.compile(r"\\u\{([0-9a-fA-F]{1,5})\}|\\u([0-9a-fA-F]{4})")


def _unescape(raw: str) -> str:
    text = raw.replace('""', '"')
    return _UNICODE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def tokenize(text: str) -> list[Any]:
    """Tokens: "(", ")", Str, int, or Sym."""
    tokens: list[Any] = []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif c == ";":
            while i < n and text[i] != "\n":
                i += 1
        elif c in "()":
            tokens.append(c)
            i += 1
        elif c == '"':
            j = i + 1
            buf = []
            while True:
                if j >= n:
                    raise SygusError(f"line {line}: unterminated string literal")
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        buf.append('""')
                        j += 2
                        continue
                    break
                if text[j] == "\n":
                    line += 1
                buf.append(text[j])
                j += 1
            tokens.append(Str(_unescape("".join(buf))))
            i = j + 1
        elif c == "|":
            j = text.find("|", i + 1)
            if j < 0:
                raise SygusError(f"line {line}: unterminated |symbol|")
            tokens.append(Sym(text[i + 1:j]))
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '();"':
                j += 1
            atom = text[i:j]
            tokens.append(int(atom) if atom.isdigit() else Sym(atom))
            i = j
    return tokens


def parse(text: str) -> list[Any]:
    """Top-level s-expressions as nested Python lists."""
    stack: list[list[Any]] = [[]]
    for tok in tokenize(text):
        if tok == "(":
            stack.append([])
        elif tok == ")":
            if len(stack) == 1:
                raise SygusError("unbalanced ')'")
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(tok)
    if len(stack) != 1:
        raise SygusError("unbalanced '(': the file ends inside an expression")
    return stack[0]


def _literal(expr: Any) -> Any:
    if isinstance(expr, Str):
        return expr.value
    if isinstance(expr, int) and not isinstance(expr, bool):
        return expr
    if isinstance(expr, Sym) and expr.name in ("true", "false"):
        return expr.name == "true"
    if isinstance(expr, list) and len(expr) == 2 and expr[0] == Sym("-") and isinstance(expr[1], int):
        return -expr[1]
    raise SygusError(f"not a literal: {render(expr)}")


def render(expr: Any) -> str:
    if isinstance(expr, list):
        return "(" + " ".join(render(e) for e in expr) + ")"
    if isinstance(expr, Str):
        return '"' + expr.value.replace('"', '""') + '"'
    if isinstance(expr, Sym):
        return expr.name
    return str(expr)


@dataclass
class SygusProblem:
    name: str
    arg_names: list[str]
    arg_sorts: list[str]
    return_sort: str
    examples: list[tuple[tuple[Any, ...], Any]]


def read_problem(text: str) -> SygusProblem:
    """The synth-fun signature and the example constraints of a PBE file."""
    forms = parse(text)
    synth = [f for f in forms if isinstance(f, list) and f and f[0] == Sym("synth-fun")]
    if not synth:
        raise SygusError("no (synth-fun ...) declaration")
    if len(synth) > 1:
        raise SygusError("more than one synth-fun: only single-function PBE files are supported")
    form = synth[0]
    if len(form) < 4 or not isinstance(form[1], Sym) or not isinstance(form[2], list):
        raise SygusError(f"malformed synth-fun: {render(form)[:80]}")
    name = form[1].name
    arg_names, arg_sorts = [], []
    for arg in form[2]:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], Sym) and isinstance(arg[1], Sym)):
            raise SygusError(f"malformed argument in synth-fun: {render(arg)}")
        arg_names.append(arg[0].name)
        arg_sorts.append(arg[1].name)
    if not isinstance(form[3], Sym):
        raise SygusError("synth-fun has no return sort")
    examples = []
    for n, f in enumerate(f for f in forms if isinstance(f, list) and f and f[0] == Sym("constraint")):
        if len(f) != 2:
            raise SygusError(f"constraint {n + 1} is malformed")
        body = f[1]
        if not (isinstance(body, list) and len(body) == 3 and body[0] == Sym("=")):
            raise SygusError(f"constraint {n + 1} is not an example (= (f ...) out): {render(body)[:80]}")
        lhs, rhs = body[1], body[2]
        if not (isinstance(lhs, list) and lhs and lhs[0] == Sym(name)):
            lhs, rhs = rhs, lhs
        if not (isinstance(lhs, list) and lhs and lhs[0] == Sym(name)):
            raise SygusError(f"constraint {n + 1} does not apply {name}: {render(body)[:80]}")
        args = tuple(_literal(a) for a in lhs[1:])
        if len(args) != len(arg_names):
            raise SygusError(f"constraint {n + 1} gives {len(args)} arguments, {name} takes {len(arg_names)}")
        examples.append((args, _literal(rhs)))
    if not examples:
        raise SygusError("no (constraint (= (f ...) out)) examples")
    return SygusProblem(name, arg_names, [s.replace("-", "_") for s in arg_sorts], form[3].name, examples)
