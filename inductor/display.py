"""What a candidate produced, made safe to show on a terminal or in a page.

A candidate's outputs, error messages and even its source are untrusted text: they may hold
terminal escapes (clear the screen, set the window title, write the clipboard, conceal text),
Rich markup (``[/]`` raises MarkupError, ``[green]`` fakes a summary), lone surrogates (not
encodable), or values nested deeper than the recursion limit. Everything shown passes through
`shown` or `shown_value`: control and format characters become visible escapes, the result is
encodable in any encoding the console has, and its length is bounded. Rich prints the result
as plain text (`rich.text.Text`), never as markup.
"""

from __future__ import annotations

from typing import Any

#: Characters shown of one value or message, unless the caller asks for fewer.
LIMIT = 200
#: Nesting shown of one value; deeper levels are written as "...".
MAX_DEPTH = 32


def shown(text: Any, limit: int = LIMIT, *, newlines: bool = False) -> str:
    """`text` as printable ASCII-safe text of at most `limit` characters.

    Control, format, surrogate and unassigned characters are written as escapes (``\\x1b``,
    ``\\u202e``, ``\\ud800``); with `newlines`, line breaks and tabs are kept as they are (for
    program source), otherwise they are escaped too (one line per value).
    """
    try:
        text = text if isinstance(text, str) else str(text)
    except Exception:  # a candidate's object whose __str__ raises
        text = f"<unprintable {type(text).__name__}>"
    cut = len(text) > limit
    text = text[: limit * 2] if cut else text  # bounded work below, however long the input
    out: list[str] = []
    size = 0
    for ch in text:
        if newlines and ch in "\n\t" or ch.isprintable() and ch != "\\" or ch == " ":
            piece = ch
        elif ch == "\\":
            piece = "\\\\"
        else:
            piece = _escape(ch)
        size += len(piece)
        if size > limit:
            cut = True
            break
        out.append(piece)
    result = "".join(out)
    return result + "..." if cut else result


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\x{code:02x}")
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shown_value(value: Any, limit: int = LIMIT) -> str:
    """A compact JSON-like text of `value`, at most `limit` characters, without recursion.

    Handles what a child returns (lists, dicts, strings, numbers, bools, None) nested to any
    depth; other objects are shown through `shown` of their text.
    """
    parts: list[str] = []
    size = 0
    # A stack of pending items: ("v", value, depth) for a value, ("t", text) for literal text.
    stack: list[tuple[Any, ...]] = [("v", value, 0)]
    while stack:
        item = stack.pop()
        if item[0] == "t":
            piece = item[1]
        else:
            _, v, depth = item
            if isinstance(v, (list, tuple, dict)):
                if depth >= MAX_DEPTH:
                    piece = "[...]" if not isinstance(v, dict) else "{...}"
                else:
                    opening, closing = ("{", "}") if isinstance(v, dict) else ("[", "]")
                    entries = list(v.items()) if isinstance(v, dict) else list(v)
                    pending: list[tuple[Any, ...]] = [("t", closing)]
                    for i in range(len(entries) - 1, -1, -1):
                        if isinstance(v, dict):
                            key, val = entries[i]
                            pending.append(("v", val, depth + 1))
                            pending.append(("t", _scalar(key) + ": "))
                        else:
                            pending.append(("v", entries[i], depth + 1))
                        if i:
                            pending.append(("t", ", "))
                    stack.extend(pending)
                    piece = opening
            else:
                piece = _scalar(v)
        parts.append(piece)
        size += len(piece)
        if size > limit:
            return "".join(parts)[: max(0, limit - 3)] + "..."
    return "".join(parts)


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        try:
            text = str(v)
        except ValueError:  # more digits than int->str allows
            return f"<int of ~{v.bit_length() * 0.30103:.0f} digits>"
        return text if len(text) <= LIMIT else text[:20] + f"...({len(text)} digits)"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return '"' + shown(v, LIMIT).replace('"', '\\"') + '"'
    return shown(v)


def rich_text(text: str, style: str = "") -> Any:
    """A Rich Text of `text`, already made safe with `shown`: printed as is, never as markup."""
    from rich.text import Text

    return Text(text, style=style)



def deeper_than(value: Any, depth: int) -> bool:
    """Whether lists or dicts in `value` nest more than `depth` levels (found without recursion)."""
    stack = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, tuple, dict)):
            if d >= depth:
                return True
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return False
