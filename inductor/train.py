"""Fine-tuning the embedded model on its own programs: LoRA (peft) on (examples -> program) pairs.

Pairs come from dreams (``inductor.dream``) and from the library's verified functions, each
rendered in exactly the prompt format the proposer uses (``prompts/propose.j2`` with the
domain's shots and helpers); the loss is on the program's body only. The adapter (a few MB)
is saved in the library folder, with checkpoints while training, and the proposer loads it
when present (``[model] adapter``).
"""

from __future__ import annotations

import ast
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.prompts import BODY_START, choose_shots, helpers_from_module, rank_helpers

if TYPE_CHECKING:
    from inductor.dream import Dream
    from inductor.plugins import Plugins
    from inductor.prompts import Prompts
    from inductor.store import Function, Library
    from inductor.tasks import Task

#: Where the adapter goes inside a library folder.
ADAPTER_DIR = "adapter"


class TrainError(ValueError):
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


def render_pair(task: Task, program: str, origin: str, *, prompts: Prompts, plugins: Plugins, shots: int = 2,
                max_helpers: int = 8, seed: int = 0) -> Pair | None:
    """``task`` as the proposer would prompt for it, and ``program``'s body as the answer."""
    target = body_continuation(program)
    if target is None:
        return None
    helpers = [h for m in plugins.primitives(task.domain or "generic") for h in helpers_from_module(m)]
    chosen = choose_shots(plugins.prompt_shots(task), shots, seed)
    prompt = prompts.propose(task, shots=chosen, helpers=rank_helpers(helpers, task, max_helpers),
                             domain_text=plugins.prompt_context(task))
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


def library_pairs(library: Library, *, prompts: Prompts, plugins: Plugins, seed: int = 0) -> list[Pair]:
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
        pair = render_pair(task, program, "library", prompts=prompts, plugins=plugins, seed=seed)
        if pair is not None:
            out.append(pair)
    return out


def dream_pairs(dreams: Sequence[Dream], *, prompts: Prompts, plugins: Plugins, seed: int = 0) -> list[Pair]:
    out = []
    for i, d in enumerate(dreams):
        pair = render_pair(d.task, d.program, d.origin, prompts=prompts, plugins=plugins, seed=seed + i)
        if pair is not None:
            out.append(pair)
    return out


@dataclass
class TrainSettings:
    steps: int = 200
    batch: int = 4
    lr: float = 3e-4
    rank: int = 8
    max_tokens: int = 512
    checkpoint_every: int = 50
    seed: int = 0


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
    model = AutoModelForCausalLM.from_pretrained(str(base_dir), torch_dtype=torch.float32).to(device)
    config = peft.LoraConfig(r=settings.rank, lora_alpha=2 * settings.rank, lora_dropout=0.05,
                             target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], task_type="CAUSAL_LM")
    model = peft.get_peft_model(model, config)
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=settings.lr)
    encoded = [_encode(tokenizer, p, settings.max_tokens) for p in pairs]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    losses: list[float] = []
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
        optimizer.zero_grad()
        losses.append(float(loss.detach()))
        if progress is not None:
            progress(step, losses[-1])
        if step % settings.checkpoint_every == 0 or step == settings.steps:
            model.save_pretrained(str(out_dir))
    info = {"pairs": len(pairs), "steps": settings.steps, "batch": settings.batch, "rank": settings.rank,
            "lr": settings.lr, "seconds": round(time.perf_counter() - start, 1), "device": device,
            "loss_first": round(sum(losses[:10]) / len(losses[:10]), 4),
            "loss_last": round(sum(losses[-10:]) / len(losses[-10:]), 4),
            "origins": {o: sum(p.origin == o for p in pairs) for o in sorted({p.origin for p in pairs})}}
    (out_dir / "inductor-train.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info
