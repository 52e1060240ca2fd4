"""``hf:ID_OR_PATH``: causal language models loaded with transformers, offline, sampled in one
batch per call. torch and transformers are imported only when a model is loaded."""

from __future__ import annotations

import inspect
import os
import time
from typing import Any

from inductor.models.base import ModelError, ModelStats, SampleParams, cut_at_stop


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
