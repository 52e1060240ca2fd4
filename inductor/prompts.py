"""Rendering the prompts the engine sends: Jinja templates from ``prompts/`` (and plugins' folders).

Prompts are completion-style, which suits small models: domain text and the helper
functions in scope as comments, a few solved functions of the domain with their examples as
doctests, then the task's own header and docstring so the model writes the body. The text
from the task's ``def`` line to the end of the prompt is the program's beginning
(:attr:`Prompt.prefix`): a candidate is that prefix plus the model's continuation.
"""

from __future__ import annotations

import functools
import inspect
import json
import random
import types
import typing
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from inductor.errors import InductorError

if TYPE_CHECKING:
    from inductor.tasks import Example, Task


#: Strings that end a continuation: anything after the function body.
STOP = ("\ndef ", "\nclass ", "\n#", "\nif __name__", "\nprint(", "\n>>>", "\n```", "\nassert ", "\n@",
        "\n\n\n")


#: What the prompt ends with after the docstring. Byte-pair tokenizers of code models encode a
#: body line as "newline + three spaces" then " return": ending on that token boundary lets
#: the model go on as in its training text (four spaces make it write " return" after them).
BODY_START = "   "


#: What a training run records beside its adapter (settings, losses, the prompt format).
TRAIN_INFO = "inductor-train.json"


@dataclass(frozen=True)
class PromptFormat:
    """How the proposer prompts a model. An adapter records the format it was trained on, and
    the proposer prompts it the same way (a tuned model needs no solved examples first)."""

    shots: int = 0
    max_helpers: int = 8

    def to_json(self) -> dict[str, int]:
        return {"shots": self.shots, "max_helpers": self.max_helpers}


def prompt_format(adapter: str | Path) -> PromptFormat | None:
    """The format recorded with the adapter in ``adapter`` (``inductor-train.json``), if any."""
    try:
        info = json.loads((Path(adapter) / TRAIN_INFO).read_text(encoding="utf-8"))
        fmt = info["prompt"]
        return PromptFormat(shots=int(fmt["shots"]), max_helpers=int(fmt["max_helpers"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class PromptError(InductorError):
    """A template is missing or fails to render; the message names the template."""


@dataclass(frozen=True)
class Helper:
    """A function in scope for candidates, as a prompt shows it."""

    name: str
    signature: str
    summary: str
    source: str = ""
    origin: str = "primitive"
    params: tuple[str, ...] = ()
    returns: str = ""


@dataclass(frozen=True)
class Shot:
    """A solved example of a domain shown before the task (never a benchmark task)."""

    name: str
    description: str
    examples: tuple[Example, ...]
    body: str
    params: str = "x"
    returns: str = ""


@dataclass(frozen=True)
class Prompt:
    text: str
    #: The program's beginning (the task's header and docstring), which the model continues.
    prefix: str
    template: str

    def program(self, continuation: str) -> str:
        """The candidate program: prefix plus the model's continuation."""
        return self.prefix + continuation


@dataclass
class Attempt:
    """A failed candidate shown in a repair prompt."""

    body: str
    misses: list[str] = field(default_factory=list)


def py(value: Any, limit: int = 400) -> str:
    """Python literal of a JSON value, shortened with ``...`` beyond ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_name(value: Any) -> str:
    """A Python type hint for a JSON value: int, str, list[int], list[list[int]], ..."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float, str)):
        return type(value).__name__
    if isinstance(value, list):
        inner = {type_name(v) for v in value}
        return f"list[{inner.pop()}]" if len(inner) == 1 else "list"
    if isinstance(value, dict):
        return "dict"
    return "object"


#: typing's spellings of types, as the search spells them.
_TYPING_NAMES = {"List[int]": "list[int]", "List[str]": "list[str]", "List[List[int]]": "list[list[int]]"}


def normalize_type(hint: str, aliases: Mapping[str, str] | None = None) -> str:
    """A written type as the search spells it: typing's ``List[int]`` as ``list[int]``, and a
    domain's alias (``aliases``, from :meth:`Plugins.type_aliases`: ``Grid``) as what it stands for."""
    hint = hint.strip()
    return (aliases or {}).get(hint) or _TYPING_NAMES.get(hint, hint)


class UntypedPrimitiveWarning(UserWarning):
    """A primitive's types cannot be read: the search cannot call it (prompts still show it)."""


def hint_text(hint: Any) -> str:
    """A type hint as the search spells types: ``int``, ``list[int]``, ``int | None``."""
    if isinstance(hint, str):
        return normalize_type(hint)
    if hint is None or hint is type(None):
        return "None"
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return " | ".join(hint_text(a) for a in args)
    if isinstance(origin, type):
        return f"{origin.__name__}[{', '.join(hint_text(a) for a in args)}]" if args else origin.__name__
    if isinstance(hint, type):
        return hint.__name__
    return normalize_type(str(hint).replace("typing.", ""))


def _type_hints(fn: Any) -> tuple[dict[str, Any], str]:
    """``fn``'s resolved annotations (ordinary or postponed), and why they could not be resolved."""
    try:
        return typing.get_type_hints(fn), ""
    except Exception as exc:  # a name only imported under TYPE_CHECKING, a typo in a string hint
        return dict(getattr(fn, "__annotations__", {})), f"{type(exc).__name__}: {exc}"


class _Written(str):
    """An annotation's text, shown as written (a postponed annotation is a string)."""

    def __repr__(self) -> str:
        return str(self)


def signature_text(sig: inspect.Signature) -> str:
    """``sig`` as valid Python: annotations as written, defaults as their repr (``sep: str = ''``)."""
    def written(annotation: Any) -> Any:
        return _Written(annotation) if isinstance(annotation, str) else annotation

    params = [p.replace(annotation=written(p.annotation)) for p in sig.parameters.values()]
    return str(sig.replace(parameters=params, return_annotation=written(sig.return_annotation)))


def helpers_from_module(module: ModuleType) -> list[Helper]:
    """Every public function of a primitives module (``__all__`` order) as a Helper.

    Types come from :func:`typing.get_type_hints`, so ordinary and postponed annotations both
    work; a primitive whose types cannot be read gets an :class:`UntypedPrimitiveWarning`.
    """
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    out = []
    for name in names:
        fn = getattr(module, name, None)
        if not inspect.isfunction(fn):
            continue
        sig = inspect.signature(fn)
        doc = inspect.getdoc(fn) or ""
        hints, error = _type_hints(fn)
        required = [p.name for p in sig.parameters.values() if p.default is inspect.Parameter.empty]
        params = tuple(hint_text(hints[p]) if p in hints else "" for p in required)
        returns = hint_text(hints["return"]) if "return" in hints else ""
        missing = [p for p in required if p not in hints] + ([] if "return" in hints else ["the return value"])
        if missing:
            warnings.warn(f"primitive {module.__name__}.{name} cannot be typed (no type for "
                          f"{', '.join(missing)}): the search will not use it", UntypedPrimitiveWarning, stacklevel=2)
        elif error:
            warnings.warn(f"primitive {module.__name__}.{name}: its annotations do not resolve ({error}); "
                          "the search reads them as written", UntypedPrimitiveWarning, stacklevel=2)
        out.append(Helper(name, f"{name}{signature_text(sig)}", doc.splitlines()[0] if doc else "",
                          origin="primitive", params=params, returns=returns))
    return out


def rank_helpers(helpers: Sequence[Helper], task: Task, limit: int) -> list[Helper]:
    """Helpers whose parameter types the task's inputs can feed, best first, at most ``limit``.

    A helper scores 2 when it maps the task's input types to its output type, 1 when its
    parameters take the task's input or output types; others are left out. Library
    retrieval replaces this once the library is in use.
    """
    ex = (task.train or task.test)[0]
    inputs = {type_name(a) for a in ex.args}
    output = type_name(ex.output)
    usable = inputs | {output, "int"}
    scored = []
    for i, h in enumerate(helpers):
        if not h.params or not all(p in usable for p in h.params):
            continue
        score = 2 if h.params[0] in inputs and h.returns == output else 1
        scored.append((-score, i, h))
    return [h for _, _, h in sorted(scored)[:limit]]


@functools.lru_cache(maxsize=64)
def load_shots(path: Path, domain_params: str = "x", domain_returns: str = "") -> tuple[Shot, ...]:
    """Shots from a JSON file: ``[{"name", "description", "examples": [{"input"|"args", "output"}], "body"}]``."""
    from inductor.tasks import Example

    data = json.loads(path.read_text(encoding="utf-8"))
    shots = []
    for item in data:
        examples = tuple(Example(tuple(e["args"]) if "args" in e else (e["input"],), e["output"])
                         for e in item["examples"])
        shots.append(Shot(item["name"], item.get("description", ""), examples, item["body"].rstrip("\n"),
                          item.get("params", domain_params), item.get("returns", domain_returns)))
    return tuple(shots)


def choose_shots(shots: Sequence[Shot], k: int, seed: int) -> list[Shot]:
    """``k`` shots picked with ``seed`` (different rounds see different solved examples)."""
    if k <= 0 or not shots:
        return []
    return random.Random(seed).sample(list(shots), min(k, len(shots)))


def _needs_raw(examples: Iterable[Example]) -> bool:
    return any("\\" in repr(e.args) or "\\" in repr(e.output) for e in examples)


def fit_examples(examples: Sequence[Example], budget: int) -> list[Example]:
    """Leading examples whose rendered size fits ``budget`` characters (at least one)."""
    out: list[Example] = []
    used = 0
    for e in examples:
        size = len(repr(e.args)) + len(repr(e.output))
        if out and used + size > budget:
            break
        out.append(e)
        used += size
    return out


class Prompts:
    """The template environment: plugin folders first, then the built-in ``prompts/``."""

    def __init__(self, folders: Sequence[Path] = (), example_chars: int = 3000) -> None:
        import jinja2

        builtin = Path(__import__("inductor_prompts").__file__).parent
        self.folders = [*folders, builtin]
        self.example_chars = example_chars
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f) for f in self.folders]),
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False,
        )
        self.env.filters["py"] = py
        self.env.filters["needs_raw"] = _needs_raw

    def render(self, name: str, **context: Any) -> Prompt:
        """Render template ``name`` (e.g. ``propose.j2``); the prefix starts at its last ``def``."""
        text = self.render_text(name, **context)
        text = text.rstrip("\n") + "\n" + BODY_START
        start = text.rfind("\ndef ") + 1
        return Prompt(text, text[start:], name)

    def render_text(self, name: str, **context: Any) -> str:
        """Template ``name`` rendered as it is."""
        import jinja2

        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateNotFound:
            raise PromptError(f"prompt template {name!r} not found in {', '.join(map(str, self.folders))}") from None
        except jinja2.TemplateError as exc:
            where = f"{name}:{exc.lineno}" if getattr(exc, "lineno", None) else name
            raise PromptError(f"prompt template {where}: {exc}") from None

    def task_view(self, task: Task) -> dict[str, Any]:
        """What templates see of a task: name, params, returns, description and examples."""
        ex = (task.train or task.test)[0]
        types = task.types or {}
        params = ", ".join(f"{n}: {types.get(n) or type_name(a)}" for n, a in zip(task.params, ex.args))
        return {"name": task.entry_point, "params": params, "returns": types.get("return") or type_name(ex.output),
                "description": task.description.strip(), "examples": fit_examples(task.train, self.example_chars),
                "id": task.id, "domain": task.domain or "generic"}

    def propose(self, task: Task, *, shots: Sequence[Shot], helpers: Sequence[Helper], domain_text: str) -> Prompt:
        return self.render("propose.j2", task=self.task_view(task), shots=shots, helpers=helpers,
                           domain_text=domain_text)

    def describe(self, source: str, task: Task) -> str:
        """The prompt asking for a function's name and summary; it ends where the name goes."""
        examples = fit_examples(task.train, min(self.example_chars, 600))[:3]
        return self.render_text("describe.j2", source=source.rstrip(), examples=examples,
                                domain=task.domain or "generic").rstrip() + " "

    def repair(self, task: Task, attempt: Attempt, *, helpers: Sequence[Helper], domain_text: str) -> Prompt:
        return self.render("repair.j2", task=self.task_view(task), attempt=attempt, helpers=helpers,
                           domain_text=domain_text)

