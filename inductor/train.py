"""Fine-tuning the embedded model on its own programs: LoRA (peft) on (examples -> program) pairs.

Pairs come from dreams (``inductor.dream``) and from the library's verified functions, each
rendered in exactly the prompt format the proposer uses (``prompts/propose.j2`` with the
domain's shots and helpers); the loss is on the program's body only. The adapter (a few MB)
is saved in the library folder, with checkpoints while training, and the proposer loads it
when present (``[model.smollm2] adapter``).
"""

from __future__ import annotations

import ast
import builtins
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.errors import InductorError
from inductor.prompts import (  # noqa: F401  (PromptFormat, prompt_format, TRAIN_INFO: re-exported)
    BODY_START,
    TRAIN_INFO,
    Helper,
    PromptFormat,
    choose_shots,
    helpers_from_module,
    prompt_format,
    rank_helpers,
)

if TYPE_CHECKING:
    from inductor.dream import Dream
    from inductor.plugins import Plugins
    from inductor.prompts import Prompt, Prompts
    from inductor.store import Function, Library
    from inductor.tasks import Task

#: Where the adapter goes inside a library folder.
ADAPTER_DIR = "adapter"
#: Names a program may call without the prompt listing them.
BUILTIN_NAMES = frozenset(dir(builtins))


class TrainError(ValueError, InductorError):
    """Training cannot start (no pairs, no peft, a bad option); the message says why."""


@dataclass(frozen=True)
class Pair:
    """A rendered prompt and the continuation the model should write (the program's body)."""

    prompt: str
    target: str
    origin: str


def body_continuation(program: str) -> str | None:
    """What the model writes after a prompt for a one-function ``program``: its body, less the
    indentation the prompt already ends with."""
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return None
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    if len(fns) != 1 or len(tree.body) != 1:
        return None
    lines = program.rstrip().split("\n")[fns[0].body[0].lineno - 1:]
    if ast.get_docstring(fns[0]):
        lines = program.rstrip().split("\n")[fns[0].body[1].lineno - 1:] if len(fns[0].body) > 1 else []
    if not lines or not lines[0].startswith("    "):
        return None
    text = "\n".join(lines)
    return text[len(BODY_START):] + "\n\n"


def called_names(program: str) -> set[str]:
    """Names ``program`` calls directly (``f(...)``)."""
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return set()
    return {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def pick_helpers(helpers: Sequence[Helper], task: Task, limit: int, *, include: Iterable[str] = (),
                 rng: random.Random | None = None) -> list[Helper]:
    """``limit`` helpers for ``task``'s prompt: those named in ``include`` always, the rest the best
    ranked (or, with ``rng``, a random draw of the usable ones, so training sees varied lists)."""
    ranked = rank_helpers(helpers, task, len(helpers))
    wanted = set(include)
    must = [h for h in helpers if h.name in wanted]
    rest = [h for h in ranked if h.name not in wanted]
    room = max(0, limit - len(must))
    fill = rng.sample(rest, min(room, len(rest))) if rng is not None else rest[:room]
    chosen = {h.name for h in [*must, *fill]}
    order = [*ranked, *(h for h in must if h not in ranked)]
    return [h for h in order if h.name in chosen]


def primitive_helpers(plugins: Plugins, task: Task) -> list[Helper]:
    """The primitives of ``task``'s domain, as a prompt lists them."""
    return [h for m in plugins.primitives(task.domain or "generic") for h in helpers_from_module(m)]


def task_prompt(task: Task, *, prompts: Prompts, plugins: Plugins, fmt: PromptFormat, seed: int = 0,
                include: Iterable[str] = (), vary: bool = False, helpers: Sequence[Helper] | None = None) -> Prompt:
    """The proposer's first prompt for ``task`` (primitives as helpers, no library) in ``fmt``."""
    helpers = primitive_helpers(plugins, task) if helpers is None else helpers
    chosen = choose_shots(plugins.prompt_shots(task), fmt.shots, seed)
    listed = pick_helpers(helpers, task, fmt.max_helpers, include=include,
                          rng=random.Random(seed) if vary else None)
    return prompts.propose(task, shots=chosen, helpers=listed, domain_text=plugins.prompt_context(task))


def render_pair(task: Task, program: str, origin: str, *, prompts: Prompts, plugins: Plugins,
                fmt: PromptFormat | None = None, seed: int = 0) -> Pair | None:
    """``task`` as the proposer would prompt for it, and ``program``'s body as the answer.

    The helpers ``program`` calls are always listed, among others drawn at random, so the
    model learns to use what the prompt lists rather than to guess names.
    """
    target = body_continuation(program)
    if target is None:
        return None
    calls = called_names(program)
    helpers = primitive_helpers(plugins, task)
    if calls - {h.name for h in helpers} - BUILTIN_NAMES:  # it calls what the prompt cannot list (the library)
        return None
    prompt = task_prompt(task, prompts=prompts, plugins=plugins, fmt=fmt or PromptFormat(), seed=seed,
                         include=calls, vary=True, helpers=helpers)
    return Pair(prompt.text, target, origin)


def inline_defaults(fn: Function) -> str | None:
    """A library function as a plain solution ``def f(x): ...``: its defaults inlined, no docstring."""
    try:
        node = next(n for n in ast.parse(fn.source).body if isinstance(n, ast.FunctionDef) and n.name == fn.name)
    except (SyntaxError, StopIteration):
        return None
    args = node.args.args
    required = args[: len(args) - len(node.args.defaults)]
    defaults = {a.arg: d for a, d in zip(args[len(required):], node.args.defaults)}

    class Inline(ast.NodeTransformer):
        def visit_Name(self, n: ast.Name) -> ast.AST:  # noqa: N802
            return defaults[n.id] if isinstance(n.ctx, ast.Load) and n.id in defaults else n

    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    new = ast.FunctionDef(name="f", args=ast.arguments(posonlyargs=[], args=[ast.arg(a.arg) for a in required],
                                                        kwonlyargs=[], kw_defaults=[], defaults=[]),
                          body=[Inline().visit(s) for s in body], decorator_list=[], returns=None, type_params=[])
    return ast.unparse(ast.fix_missing_locations(ast.Module(body=[new], type_ignores=[]))) + "\n"


def library_pairs(library: Library, *, prompts: Prompts, plugins: Plugins, fmt: PromptFormat | None = None,
                  seed: int = 0) -> list[Pair]:
    """Every library function with examples whose body calls only primitives and builtins."""
    from inductor.tasks import Example
    from inductor.tasks import Task as TaskType

    names = library.names()
    out = []
    for fn in library.functions():
        if not fn.examples:
            continue
        program = inline_defaults(fn)
        if program is None or any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(ast.parse(program))):
            continue
        task = TaskType(f"library:{fn.name}", [Example(tuple(a), o) for a, o in fn.examples], domain=fn.domain,
                        arg_names=[a.arg for a in ast.parse(program).body[0].args.args])  # type: ignore[attr-defined]
        pair = render_pair(task, program, "library", prompts=prompts, plugins=plugins, fmt=fmt, seed=seed)
        if pair is not None:
            out.append(pair)
    return out


def dream_pairs(dreams: Sequence[Dream], *, prompts: Prompts, plugins: Plugins, fmt: PromptFormat | None = None,
                seed: int = 0) -> list[Pair]:
    """Each dream rendered as a training pair (dreams whose program has no plain body are left out)."""
    out = []
    for i, d in enumerate(dreams):
        pair = render_pair(d.task, d.program, d.origin, prompts=prompts, plugins=plugins, fmt=fmt, seed=seed + i)
        if pair is not None:
            out.append(pair)
    return out


@dataclass
class TrainSettings:
    steps: int = 120
    batch: int = 4
    lr: float = 5e-4
    rank: int = 8
    #: LoRA on the top this many decoder layers only (0: all); gradients stop below them, which
    #: makes a CPU step cheaper.
    layers: int = 15
    max_tokens: int = 768
    checkpoint_every: int = 50
    seed: int = 0
    #: The prompt format the pairs were rendered in; recorded so the proposer prompts the same way.
    prompt: PromptFormat = PromptFormat()
    #: The command line that started the run, for the record.
    command: str = ""


def _encode(tokenizer: Any, pair: Pair, max_tokens: int) -> tuple[list[int], list[int]]:
    prompt = tokenizer(pair.prompt, add_special_tokens=False)["input_ids"]
    target = tokenizer(pair.target, add_special_tokens=False)["input_ids"]
    prompt = prompt[-max(1, max_tokens - len(target)):]  # keep the prompt's end: the task itself
    return prompt + target, [-100] * len(prompt) + target


def train_lora(pairs: Sequence[Pair], base_dir: Path, out_dir: Path, settings: TrainSettings, *,
               progress: Callable[[int, float], None] | None = None) -> dict[str, Any]:
    """Train a LoRA adapter of the model in ``base_dir`` on ``pairs``; saves it (and checkpoints) in ``out_dir``."""
    if not pairs:
        raise TrainError("no training pairs: dream some (--dreams) or give a library with verified functions")
    try:
        import peft
    except ImportError:
        raise TrainError("fine-tuning needs peft: pip install peft") from None
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    model = AutoModelForCausalLM.from_pretrained(str(base_dir), dtype=torch.float32).to(device)
    depth = int(model.config.num_hidden_layers)
    top = list(range(depth - settings.layers, depth)) if 0 < settings.layers < depth else None
    config = peft.LoraConfig(r=settings.rank, lora_alpha=2 * settings.rank, lora_dropout=0.05,
                             target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], layers_to_transform=top,
                             task_type="CAUSAL_LM")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # transformers' deprecations, seen inside peft
        model = peft.get_peft_model(model, config)
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=settings.lr)
    warmup = max(1, settings.steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(  # a short warm-up, then linear decay to zero
        optimizer, lambda i: min((i + 1) / warmup, (settings.steps - i) / max(1, settings.steps - warmup)))
    encoded = [_encode(tokenizer, p, settings.max_tokens) for p in pairs]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    losses: list[float] = []
    info: dict[str, Any] = {}
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    for step in range(1, settings.steps + 1):
        batch = rng.sample(encoded, min(settings.batch, len(encoded)))
        width = max(len(ids) for ids, _ in batch)
        ids = torch.tensor([i + [pad] * (width - len(i)) for i, _ in batch], device=device)
        labels = torch.tensor([lab + [-100] * (width - len(lab)) for _, lab in batch], device=device)
        mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i, _ in batch], device=device)
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        losses.append(float(loss.detach()))
        if progress is not None:
            progress(step, losses[-1])
        if step % settings.checkpoint_every == 0 or step == settings.steps:
            model.save_pretrained(str(out_dir))
            info = _info(pairs, settings, losses, time.perf_counter() - start, device)
            (out_dir / TRAIN_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
            # In place of peft's blank model card template.
            (out_dir / "README.md").write_text(model_card(info), encoding="utf-8")
    return info


def model_card(info: dict[str, Any]) -> str:
    """A short README for an adapter folder: what it is, how it was trained, how it is prompted."""
    origins = ", ".join(f"{k}: {v}" for k, v in info["origins"].items())
    fmt = info["prompt"]
    return (f"# inductor adapter\n\nA LoRA adapter of SmolLM2-135M-Instruct (the model embedded in inductor), "
            f"made by `{info.get('command') or 'inductor train'}`.\n\n"
            f"- pairs: {info['pairs']} ({origins})\n"
            f"- {info['steps']} of {info['of_steps']} steps of {info['batch']} pairs, rank {info['rank']}, "
            f"top {info['layers'] or 'all'} layers, peak learning rate {info['lr']}, "
            f"{info['seconds']} s on {info['device']}\n"
            f"- loss {info['loss_first']} -> {info['loss_last']}\n"
            f"- prompt format: {fmt['shots']} solved examples, {fmt['max_helpers']} helpers listed\n\n"
            f"The proposer loads it from `LIBRARY/adapter`, or with `inductor run --adapter DIR`; "
            f"`{TRAIN_INFO}` has the same figures as JSON.\n")


def _info(pairs: Sequence[Pair], settings: TrainSettings, losses: Sequence[float], seconds: float,
          device: str) -> dict[str, Any]:
    """What ``inductor-train.json`` records: the run's settings, its losses so far, the prompt format."""
    head, tail = losses[:10], losses[-10:]
    return {"pairs": len(pairs), "steps": len(losses), "of_steps": settings.steps, "batch": settings.batch,
            "rank": settings.rank, "layers": settings.layers, "lr": settings.lr, "max_tokens": settings.max_tokens,
            "seconds": round(seconds, 1), "device": device,
            "loss_first": round(sum(head) / len(head), 4), "loss_last": round(sum(tail) / len(tail), 4),
            "origins": {o: sum(p.origin == o for p in pairs) for o in sorted({p.origin for p in pairs})},
            "prompt": settings.prompt.to_json(), "command": settings.command}
