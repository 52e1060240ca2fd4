"""Getting a Python program out of a model's text.

Models wrap code in prose and fences, write several functions, forget to indent a body,
add calls and prints at the end, or stop in the middle of a line. :func:`extract_code`
keeps the top-level definitions (functions, classes, imports, constant assignments), indents
a body written flush left, drops everything else at top level, and cuts a broken tail until
the rest parses. Plugins may answer first through ``inductor_extract_code``.
"""

from __future__ import annotations

import ast
import re

_SPECIAL = re.compile(r"<\|[a-z_]+\|>(assistant|user|system)?")
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:```|\Z)", re.S)
_BLOCK_START = re.compile(r"(async\s+def|def|class)\s+\w|@\w|import\s+\w|from\s+[\w.]+\s+import\s")
_CONSTANT = re.compile(r"[A-Z_][A-Z0-9_]*\s*(:\s*[\w\[\], ]+)?=[^=]")
_HEADER = re.compile(r"(async\s+def|def)\s+\w+\s*\(.*\)\s*(->.*)?:\s*(#.*)?$")

#: Attempts to cut a broken tail before giving up.
MAX_CUTS = 40


def extract_code(text: str, prefix: str = "") -> str | None:
    """The program in ``text`` (after ``prefix``, the start the model continued), or None.

    Tries, in order: the prefix and the continuation, each fenced block, the text alone.
    Returns source that parses and defines at least one function.
    """
    text = _SPECIAL.sub("", text).replace("\t", "    ").replace("\r\n", "\n")
    attempts = []
    if prefix:
        attempts.append(prefix + text.split("```")[0])
    attempts += [body for _, body in _FENCE.findall(text)]
    attempts.append(text)
    for attempt in attempts:
        source = _clean(attempt)
        if source is not None:
            return source
    return None


def _clean(text: str) -> str | None:
    lines = _indent_bare_bodies(text.split("\n"))
    kept = _top_level_definitions(lines)
    for _ in range(MAX_CUTS):
        while kept and not kept[-1].strip():
            kept.pop()
        if not kept:
            return None
        source = "\n".join(kept) + "\n"
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            # Cut from the failing line (or the last line) and try again.
            kept = _cut(kept, source)
            continue
        except (RecursionError, MemoryError):
            return None
        if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and _has_code(n) for n in tree.body):
            return source
        return None
    return None


def _has_code(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """False for a function whose body is only a docstring (what a cut-off sample leaves)."""
    return any(not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)) for n in fn.body)


def _cut(lines: list[str], source: str) -> list[str]:
    """Drop the line a syntax error points at and everything after it (at least the last line)."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        cut = min((exc.lineno or len(lines)) - 1, len(lines) - 1)
        return lines[:max(cut, 0)]
    except (ValueError, RecursionError, MemoryError):
        pass
    return lines[:-1]


def _indent_bare_bodies(lines: list[str]) -> list[str]:
    """Indent the lines under a top-level header that the model wrote flush left."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if not (line and not line[0].isspace() and _HEADER.match(line.strip())):
            continue
        nxt = next((j for j in range(i, len(lines)) if lines[j].strip()), None)
        if nxt is None or lines[nxt][0].isspace() or _BLOCK_START.match(lines[nxt]):
            continue
        # Body written flush left: indent until a blank line or the next definition.
        while i < len(lines) and lines[i].strip() and not _BLOCK_START.match(lines[i]):
            out.append("    " + lines[i])
            i += 1
    return out


def _top_level_definitions(lines: list[str]) -> list[str]:
    """Lines of the top-level definitions, imports and constants; other top-level code is dropped."""
    kept: list[str] = []
    keep = False
    open_brackets = 0
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if keep:
                kept.append("")
            continue
        top = not line[0].isspace() and open_brackets == 0
        if top:
            keep = bool(_BLOCK_START.match(line) or _CONSTANT.match(line)) and not line.startswith(">>>")
            if keep and kept and kept[-1].strip() and not kept[-1].startswith("@"):
                kept.append("")
        if keep:
            kept.append(line.rstrip())
            open_brackets = max(0, open_brackets + _bracket_balance(line))
    return kept


def _bracket_balance(line: str) -> int:
    code = re.sub(r"'[^']*'|\"[^\"]*\"|#.*", "", line)
    return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")


def strip_docstrings(source: str) -> str:
    """``source`` without function docstrings (repair prompts show the examples once)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return source
    lines = source.split("\n")
    drop: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str) and len(node.body) > 1 and first.end_lineno):
                drop.update(range(first.lineno - 1, first.end_lineno))
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)
