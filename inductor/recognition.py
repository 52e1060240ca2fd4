"""The recognition model: a small network that reads a task's examples and predicts the
grammar's weights for that task (DreamCoder's recognition model, unigram).

Training data, per domain:

- **dreams by relabeling**: the value engine enumerates the current grammar (the λ-DSL's
  primitives and the library's shared functions, abstractions first) on a set of inputs, in
  the sandbox workers as the search does, and every term it kept is a correct program for the
  outputs it produced there; sampled across cost levels, each is one (examples -> the names
  the program uses) pair. The inputs are the domain's dream inputs and the train inputs of the
  given tasks and of the library's solved tasks.
- **replay**: every solved task the library stores, with its (rewritten) solution.

The encoder reads each example (a character GRU over the JSON of the arguments and output for
lists, strings and any domain; a small CNN over one-hot colours for grids), pools the examples
(mean and max) and a head gives one logit per name of the vocabulary (the DSL's primitives and
the library's functions). The loss is the program's unigram log-likelihood: the cross-entropy
of the softmax over names against how often the program uses each. Predicted weights are
``V * softmax`` (mean 1), mixed with the library's global weights in log space
(``[recognition] mix``): the search enumerates in that per-task order.

The model is stored in the library folder (``recognition/<domain>.pt`` with a JSON of its
vocabulary and training figures, and a model card); torch is imported only here.
"""

from __future__ import annotations

import json
import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.config import RecognitionSettings
from inductor.errors import InductorError

if TYPE_CHECKING:
    from inductor.plugins import Plugins
    from inductor.store import Library
    from inductor.tasks import Task

#: Where the models go inside a library folder.
RECOGNITION_DIR = "recognition"
#: Characters of one example's JSON the sequence encoder reads (arguments, then output).
MAX_CHARS = 96
#: Largest grid side (ARC's); bigger grids are cropped.
GRID_SIDE = 30


class RecognitionError(ValueError, InductorError):
    """Training cannot start or a stored model cannot be read; the message says why."""


@dataclass
class Sample:
    """One training pair: a task's examples and the names its program uses (with repeats)."""

    inputs: list[list[Any]]
    outputs: list[Any]
    names: list[str]
    origin: str = "dream"


@dataclass
class Trained:
    """What a training run did."""

    domain: str
    kind: str
    vocabulary: list[str]
    samples: dict[str, int]
    losses: list[float] = field(default_factory=list)
    validation_loss: float = math.nan
    uniform_loss: float = math.nan
    seconds: float = 0.0
    parameters: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    bytes: int = 0


# --- data ----------------------------------------------------------------------------------------


def value_types(values: Iterable[Any], dsl: Any) -> list[str]:
    """The DSL type names of ``values`` (grids as ``grid`` where the DSL aliases them)."""
    from inductor.dsl.bottomup import column_type
    from inductor.dsl.core import freeze, type_text

    aliases = getattr(dsl, "ALIASES", None) or {}
    found = {column_type([freeze(v)], aliases) for v in values}
    return sorted(type_text(t) for t in found if t is not None)


#: ``relabel(input_sets, types)``: per input set, ``(outputs, names)`` of programs enumerated there.
Relabel = Callable[[list[list[list[Any]]], list[str]], list[list[tuple[list[Any], list[str]]]]]


def sandboxed_relabel(searcher: Any, library: Library | None, domain: str, settings: RecognitionSettings,
                      aliases: dict[str, str] | None = None, min_tasks: int = 2) -> Relabel:
    """Relabeling by the value searcher's sandbox workers, with the library's shared functions
    (its abstractions and the functions several tasks use) in the grammar, under its weights."""
    from inductor.sandbox import Prelude
    from inductor.search import library_components

    components, preludes, weights = [], [], {}
    if library is not None:
        components = library_components(library, library.shared_functions(domain, min_tasks), aliases)
        path = library.module_path(domain)
        preludes = [Prelude(library.module_name(domain), str(path))] if path.is_file() else []
        weights = library.weights(domain)

    def relabel(input_sets: list[list[list[Any]]], types: list[str]) -> list[list[tuple[list[Any], list[str]]]]:
        return searcher.relabel(domain, input_sets, seconds=settings.seconds_per_set, count=settings.terms_per_set,
                                seed=settings.seed, types=types, components=components, preludes=preludes,
                                weights=weights)

    return relabel


def replay(library: Library | None, domain: str, dsl: Any) -> list[Sample]:
    """The library's solved tasks of ``domain``: their examples and the names their solutions use."""
    from inductor.dsl.core import parse

    if library is None:
        return []
    prims = {p.name: p for p in dsl.PRIMITIVES}
    known = set(prims) | set(library.names(domain))
    out = []
    for sol in library.solutions(domain):
        text = sol.rewritten or sol.sexpr
        names = [t for t in re.findall(r"[^\s()]+", text) if t in known]
        try:
            parse(sol.sexpr, prims)
        except ValueError:
            continue
        if names and sol.examples:
            out.append(Sample([list(a) for a, _ in sol.examples], [o for _, o in sol.examples], names, "replay"))
    return out


def training_samples(plugins: Plugins, domain: str, library: Library | None, settings: RecognitionSettings,
                     relabel: Relabel, *, tasks: Sequence[Task] = (),
                     progress: Callable[[str], None] | None = None) -> list[Sample]:
    """Dreams (the grammar enumerated by ``relabel`` on dream inputs, on the inputs of ``tasks``
    and on those of the library's solved tasks) and replay of the solved tasks, for ``domain``.
    Dreams have the types a task of the domain gives: its inputs' or its outputs'."""
    dsl = plugins.dsl(domain)
    if dsl is None:
        raise RecognitionError(f"domain {domain!r} has no λ-DSL: nothing to predict weights for")
    input_sets: list[list[list[Any]]] = []
    for i in range(settings.dream_sets):
        made = plugins.dream_inputs(domain, 5, settings.seed * 1000 + i)
        if made:
            input_sets.append([list(a) for a in made])
    mine = [t for t in tasks if (t.domain or "generic") == domain]
    outputs = [ex.output for t in mine for ex in t.train[:1]]
    input_sets += [[list(ex.args) for ex in t.train] for t in mine]
    if library is not None:
        solved = [s for s in library.solutions(domain) if s.examples]
        outputs += [s.examples[0][1] for s in solved]
        input_sets += [[list(a) for a, _ in s.examples] for s in solved]
    input_sets = [inputs for inputs in input_sets if inputs and len({len(a) for a in inputs}) == 1 and inputs[0]]
    types = sorted(set(value_types(outputs, dsl)) | {t for inputs in input_sets
                                                     for t in value_types([a[0] for a in inputs[:1]], dsl)})
    samples: list[Sample] = []
    step = 16
    for first in range(0, len(input_sets), step):
        chunk = input_sets[first:first + step]
        for inputs, found in zip(chunk, relabel(chunk, types)):
            samples += [Sample(inputs, outs, names) for outs, names in found]
        if progress is not None:
            progress(f"{domain}: {min(first + step, len(input_sets))}/{len(input_sets)} input sets enumerated, "
                     f"{len(samples)} dreams")
    return samples + replay(library, domain, dsl)


# --- the network ---------------------------------------------------------------------------------


#: The encoders a domain's λ-DSL module may name in ``ENCODER``.
ENCODERS = ("sequence", "grid")


def encoder_kind(domain: str, dsl: Any) -> str:
    """The DSL module's ``ENCODER`` when it names one; else ``grid`` for a domain whose values
    are grids (its DSL aliases a grid type), else ``sequence`` (any values, as JSON).

    A plugin supplies its own encoder by setting ``ENCODER`` to a function ``(args, output) ->
    list[float]``, one fixed-length vector per example: the model then reads those through a
    small network (kind ``features:MODULE:ENCODER``; the module is imported again to load it)."""
    named = getattr(dsl, "ENCODER", None)
    if callable(named):
        return f"features:{dsl.__name__}:ENCODER"
    if named is not None:
        if named not in ENCODERS:
            raise RecognitionError(f"{domain}: ENCODER {named!r} in {dsl.__name__} is not one of "
                                   f"{', '.join(ENCODERS)}, nor a function of (args, output)")
        return str(named)
    aliases = getattr(dsl, "ALIASES", None) or {}
    return "grid" if "grid" in set(aliases.values()) else "sequence"


def _featurizer(kind: str) -> Callable[[Any, Any], Sequence[float]]:
    """The plugin's function a ``features:MODULE:ATTR[:DIM]`` kind names."""
    import importlib

    _, module, attr = kind.split(":")[:3]
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise RecognitionError(f"the recognition model's encoder {module}.{attr} cannot be found: {exc}") from None


def _features(kind: str, args: Any, output: Any) -> list[float]:
    """One example's feature vector from the plugin's function, checked."""
    try:
        vector = [float(v) for v in _featurizer(kind)(tuple(args), output)]
    except (TypeError, ValueError) as exc:
        raise RecognitionError(f"{kind.split(':')[1]}.ENCODER did not give numbers: {exc}") from None
    return vector


def _with_dim(kind: str, sample: Sample) -> str:
    """A features kind with the length of its vectors (from a sample) appended."""
    if not kind.startswith("features:") or kind.count(":") > 2:
        return kind
    return f"{kind}:{len(_features(kind, sample.inputs[0], sample.outputs[0]))}"


def _chars(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return repr(value)


def encode_sequence(inputs: Sequence[Sequence[Any]], outputs: Sequence[Any]) -> list[list[int]]:
    """Per example, the character codes (1..96, 0 pads) of its arguments' JSON, a separator and
    its output's JSON, each side cut to half of :data:`MAX_CHARS`."""
    half = MAX_CHARS // 2
    out = []
    for args, o in zip(inputs, outputs):
        text = _chars(list(args))[:half] + "\x7f" + _chars(o)[: MAX_CHARS - half - 1]
        out.append([min(max(ord(c) - 31, 1), 96) for c in text])
    return out


def _grid(value: Any) -> list[list[int]] | None:
    if isinstance(value, (list, tuple)) and value and all(isinstance(r, (list, tuple)) and r for r in value) \
            and all(isinstance(v, int) and not isinstance(v, bool) for r in value for v in r):
        return [[min(max(v, 0), 9) for v in r[:GRID_SIDE]] for r in value[:GRID_SIDE]]
    return None


def _network(kind: str, vocabulary: int, hidden: int) -> Any:
    import torch
    from torch import nn

    class SequenceEncoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(97, 32, padding_idx=0)
            self.gru = nn.GRU(32, hidden, batch_first=True)

        def forward(self, codes: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
            # codes: examples x chars; the hidden state at each example's last character
            out, _ = self.gru(self.embed(codes))
            return out[torch.arange(codes.shape[0]), (lengths - 1).clamp(min=0)]

    class GridEncoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Sequential(nn.Conv2d(20, 32, 3, padding=1), nn.ReLU(),
                                      nn.Conv2d(32, hidden - 4, 3, padding=1), nn.ReLU())

        def forward(self, grids: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
            # grids: examples x 20 x 30 x 30 (input and output one-hot); sizes: examples x 4
            return torch.cat([self.conv(grids).amax(dim=(2, 3)), sizes], dim=1)

    class FeatureEncoder(nn.Module):  # a plugin's own features of each example (ENCODER)
        def __init__(self, dim: int) -> None:
            super().__init__()
            self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())

        def forward(self, features: torch.Tensor, _unused: torch.Tensor) -> torch.Tensor:
            return self.mlp(features)

    class Recognition(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            if kind.startswith("features:"):
                self.encoder: nn.Module = FeatureEncoder(int(kind.split(":")[3]))
            else:
                self.encoder = SequenceEncoder() if kind == "sequence" else GridEncoder()
            self.head = nn.Sequential(nn.Linear(2 * hidden, 128), nn.ReLU(), nn.Linear(128, vocabulary))

        def forward(self, a: torch.Tensor, b: torch.Tensor, owners: torch.Tensor, tasks: int) -> torch.Tensor:
            per_example = self.encoder(a, b)
            total = torch.zeros(tasks, per_example.shape[1]).index_add_(0, owners, per_example)
            count = torch.zeros(tasks).index_add_(0, owners, torch.ones(len(owners))).clamp(min=1)
            peak = torch.full((tasks, per_example.shape[1]), -1e9).scatter_reduce(
                0, owners[:, None].expand_as(per_example), per_example, "amax", include_self=True)
            return self.head(torch.cat([total / count[:, None], peak], dim=1))

    return Recognition()


def _batch(kind: str, samples: Sequence[Sample]) -> tuple[Any, Any, Any]:
    """The tensors for a batch of samples: per example the encoder's input, and its task's index."""
    import torch

    owners: list[int] = []
    if kind.startswith("features:"):
        dim = int(kind.split(":")[3])
        vectors = []
        for i, s in enumerate(samples):
            for args, o in zip(s.inputs, s.outputs):
                vector = _features(kind, args, o)
                if len(vector) != dim:
                    raise RecognitionError(f"{kind.split(':')[1]}.ENCODER gave {len(vector)} numbers, not {dim}")
                vectors.append(vector)
                owners.append(i)
        return torch.tensor(vectors, dtype=torch.float), torch.zeros(len(vectors)), torch.tensor(owners)
    if kind == "sequence":
        rows: list[list[int]] = []
        for i, s in enumerate(samples):
            for codes in encode_sequence(s.inputs, s.outputs):
                rows.append(codes)
                owners.append(i)
        width = max(len(r) for r in rows)
        codes = torch.zeros(len(rows), width, dtype=torch.long)
        for j, r in enumerate(rows):
            codes[j, : len(r)] = torch.tensor(r)
        lengths = torch.tensor([len(r) for r in rows])
        return codes, lengths, torch.tensor(owners)
    grids, sizes = [], []
    pairs = [(_grid(args[0]) if args else None, _grid(o)) for s in samples for args, o in zip(s.inputs, s.outputs)]
    # Padded to the batch's largest grid, not always 30 x 30: the convolutions cost by area.
    side_h = max([len(g) for p in pairs for g in p if g] + [1])
    side_w = max([len(r) for p in pairs for g in p if g for r in g] + [1])
    pair = iter(pairs)
    for i, s in enumerate(samples):
        for _ in zip(s.inputs, s.outputs):
            gin, gout = next(pair)
            planes = torch.zeros(20, side_h, side_w)
            for offset, g in ((0, gin), (10, gout)):
                if g is not None:
                    width = max(len(r) for r in g)
                    t = torch.tensor([r + [0] * (width - len(r)) for r in g])
                    planes[offset:offset + 10, : t.shape[0], : t.shape[1]] = \
                        torch.nn.functional.one_hot(t, 10).permute(2, 0, 1).float()
            grids.append(planes)
            hi, wi = (len(gin), len(gin[0])) if gin else (0, 0)
            ho, wo = (len(gout), len(gout[0])) if gout else (0, 0)
            sizes.append(torch.tensor([hi, wi, ho, wo], dtype=torch.float) / GRID_SIDE)
            owners.append(i)
    return torch.stack(grids), torch.stack(sizes), torch.tensor(owners)


def _targets(samples: Sequence[Sample], index: dict[str, int]) -> Any:
    import torch

    out = torch.zeros(len(samples), len(index))
    for i, s in enumerate(samples):
        counts = Counter(n for n in s.names if n in index)
        total = sum(counts.values()) or 1
        for n, c in counts.items():
            out[i, index[n]] = c / total
    return out


def train(samples: Sequence[Sample], vocabulary: Sequence[str], kind: str, settings: RecognitionSettings,
          *, domain: str = "", progress: Callable[[int, float], None] | None = None) -> tuple[Any, Trained]:
    """Train a recognition model on ``samples``; the model and the figures of the run."""
    import torch

    samples = [s for s in samples if any(n in vocabulary for n in s.names) and s.inputs]
    if len(samples) < 2:
        raise RecognitionError(f"{domain or 'this domain'}: too few training samples ({len(samples)})")
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    kind = _with_dim(kind, samples[0])
    samples = list(samples)
    rng.shuffle(samples)
    held = max(1, int(len(samples) * settings.validation))
    valid, fit = samples[:held], samples[held:]
    index = {n: i for i, n in enumerate(vocabulary)}
    model = _network(kind, len(vocabulary), settings.hidden)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=1e-4)
    start = time.monotonic()
    losses: list[float] = []

    def loss_of(batch: Sequence[Sample]) -> Any:
        a, b, owners = _batch(kind, batch)
        logits = model(a, b, owners, len(batch))
        return -(_targets(batch, index) * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()

    model.train()
    for step in range(1, settings.steps + 1):
        batch = rng.sample(fit, min(settings.batch, len(fit)))
        for group in optimizer.param_groups:  # linear decay
            group["lr"] = settings.lr * (1 - (step - 1) / settings.steps)
        loss = loss_of(batch)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if progress is not None:
            progress(step, losses[-1])
    model.eval()
    with torch.no_grad():
        val = float(sum(float(loss_of(valid[i:i + 64])) * len(valid[i:i + 64]) for i in range(0, len(valid), 64))
                    / len(valid))
    origins = Counter(s.origin for s in samples)
    info = Trained(domain, kind, list(vocabulary), dict(origins), losses, val, math.log(len(vocabulary)),
                   time.monotonic() - start, sum(p.numel() for p in model.parameters()), asdict(settings))
    return model, info


# --- storing and using ---------------------------------------------------------------------------


def save(folder: Path, model: Any, info: Trained) -> Path:
    """Write the model and its figures under ``folder/recognition/``; the weights' path."""
    import torch

    out = Path(folder) / RECOGNITION_DIR
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{info.domain}.pt"
    torch.save(model.state_dict(), path)
    info.bytes = path.stat().st_size
    (out / f"{info.domain}.json").write_text(json.dumps(asdict(info), indent=1) + "\n", encoding="utf-8")
    (out / "README.md").write_text(model_card(out), encoding="utf-8")
    return path


def model_card(folder: Path) -> str:
    """A model card for every recognition model in ``folder``."""
    lines = ["# Recognition models", "",
             "Per domain, a network that reads a task's examples and predicts the value search's grammar",
             "weights for that task (DreamCoder's unigram recognition model), trained by",
             "`inductor train --recognition` on relabeled enumerations of the library's grammar and on",
             "the library's solved tasks. Loaded by `inductor run` unless `--no-recognition`.", ""]
    for meta in sorted(Path(folder).glob("*.json")):
        info = json.loads(meta.read_text(encoding="utf-8"))
        s = info.get("settings", {})
        lines += [f"## {info['domain']}", "",
                  f"- encoder: {info['kind']}, {info['parameters']:,} parameters, {info['bytes'] / 1e6:.2f} MB on disk",
                  f"- vocabulary: {len(info['vocabulary'])} names (primitives and library functions)",
                  f"- samples: {info['samples']}",
                  f"- {s.get('steps')} steps of {s.get('batch')}, lr {s.get('lr')}, seed {s.get('seed')}: "
                  f"{info['seconds']:.0f} s",
                  f"- loss: first {info['losses'][0]:.3f}, last {info['losses'][-1]:.3f}; held-out "
                  f"{info['validation_loss']:.3f} (uniform over the names: {info['uniform_loss']:.3f})", ""]
    return "\n".join(lines)


class Recognizer:
    """A trained model for one domain: per-task weights for the value search."""

    def __init__(self, model: Any, info: dict[str, Any], mix: float = RecognitionSettings.mix,
                 floor: float = RecognitionSettings.floor) -> None:
        self.model, self.info = model, info
        self.vocabulary: list[str] = list(info["vocabulary"])
        self.kind: str = info["kind"]
        self.mix, self.floor = mix, floor

    @classmethod
    def load(cls, folder: Path, domain: str, *, mix: float = RecognitionSettings.mix,
             floor: float = RecognitionSettings.floor) -> Recognizer | None:
        """The model stored for ``domain`` in a library ``folder``, None when there is none."""
        meta = Path(folder) / RECOGNITION_DIR / f"{domain}.json"
        weights = meta.with_suffix(".pt")
        if not meta.is_file() or not weights.is_file():
            return None
        import pickle

        import torch

        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            model = _network(info["kind"], len(info["vocabulary"]), int(info["settings"]["hidden"]))
            model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
        except (OSError, ValueError, KeyError, IndexError, RuntimeError, pickle.UnpicklingError, EOFError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise RecognitionError(f"{weights}: cannot load the recognition model: {reason}") from None
        if info["kind"].startswith("features:"):
            _featurizer(info["kind"])  # its plugin's function must be importable here
        model.eval()
        return cls(model, info, mix, floor)

    def probabilities(self, inputs: Sequence[Sequence[Any]], outputs: Sequence[Any]) -> dict[str, float]:
        """The predicted share of each name in the task's program."""
        import torch

        sample = Sample([list(a) for a in inputs], list(outputs), [])
        a, b, owners = _batch(self.kind, [sample])
        with torch.no_grad():
            p = torch.softmax(self.model(a, b, owners, 1)[0], dim=0).tolist()
        return dict(zip(self.vocabulary, p))

    def weights(self, task: Task, prior: dict[str, float] | None = None) -> dict[str, float]:
        """Per-task weights: ``V * p`` (mean 1, at least ``floor``) mixed in log space with the
        ``prior`` (the library's global weights, 1 where it has none) by ``mix``."""
        prior = prior or {}
        p = self.probabilities([list(ex.args) for ex in task.train], [ex.output for ex in task.train])
        n = len(p)
        out = dict(prior)
        for name, share in p.items():
            predicted = max(self.floor, n * share)
            out[name] = math.exp((1 - self.mix) * math.log(prior.get(name, 1.0)) + self.mix * math.log(predicted))
        return out


def vocabulary(dsl: Any, library: Library | None, domain: str) -> list[str]:
    """The names a model predicts for: the DSL's primitives, then the library's functions."""
    names = [p.name for p in dsl.PRIMITIVES]
    if library is not None:
        names += sorted(set(library.names(domain)) - set(names))
    return names


def train_domains(plugins: Plugins, library: Library | None, folder: Path, domains: Iterable[str],
                  settings: RecognitionSettings, searcher: Any, *, tasks: Sequence[Task] = (),
                  min_tasks: int = 2, say: Callable[[str], None] = print) -> list[Trained]:
    """Dream (with ``searcher``'s sandbox workers: :class:`inductor.value_search.ValueSearcher`),
    train and store a model for each of ``domains``."""
    out = []
    for domain in domains:
        dsl = plugins.dsl(domain)
        if dsl is None:
            raise RecognitionError(f"domain {domain!r} has no λ-DSL: nothing to predict weights for")
        relabel = sandboxed_relabel(searcher, library, domain, settings, plugins.type_aliases(), min_tasks)
        samples = training_samples(plugins, domain, library, settings, relabel, tasks=tasks, progress=say)
        say(f"{domain}: {len(samples)} samples ({dict(Counter(s.origin for s in samples))})")

        def progress(step: int, loss: float, _d: str = domain) -> None:
            if step == 1 or step % 50 == 0 or step == settings.steps:
                say(f"{_d}: step {step}/{settings.steps} loss {loss:.4f}")

        model, info = train(samples, vocabulary(dsl, library, domain), encoder_kind(domain, dsl), settings,
                            domain=domain, progress=progress)
        path = save(folder, model, info)
        say(f"{domain}: held-out loss {info.validation_loss:.3f} (uniform {info.uniform_loss:.3f}), "
            f"{info.seconds:.0f} s, {path}")
        out.append(info)
    return out
