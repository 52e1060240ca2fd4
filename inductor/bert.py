"""A torch-free BERT sentence encoder: numpy forward pass over a sentence-transformers folder.

Reads ``config.json``, ``tokenizer.json`` (with the ``tokenizers`` package) and
``model.safetensors`` of a BERT model with mean pooling and normalization (all-MiniLM-L6-v2),
and gives the vectors sentence-transformers gives to within float32 rounding, without
importing torch: a query is embedded in milliseconds after a load of a fraction of a second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Layers of a sentence-transformers folder this encoder reproduces, in order.
SUPPORTED_MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
                     "sentence_transformers.models.Normalize"]


class BertError(Exception):
    """The folder is not a BERT model this encoder can run; the message names the file."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BertError(f"{path}: cannot be read: {exc}") from None


def supported(folder: str | Path) -> str:
    """Why ``folder`` cannot be run by :class:`BertEncoder` ("" when it can)."""
    folder = Path(folder)
    for name in ("config.json", "tokenizer.json", "model.safetensors", "modules.json"):
        if not (folder / name).is_file():
            return f"{folder / name}: missing"
    config = _read_json(folder / "config.json")
    if config.get("model_type") != "bert" or config.get("hidden_act", "gelu") != "gelu" \
            or config.get("position_embedding_type", "absolute") != "absolute":
        return f"{folder / 'config.json'}: not a BERT model with gelu and absolute positions"
    modules = [m.get("type") for m in _read_json(folder / "modules.json")]
    if modules != SUPPORTED_MODULES:
        return f"{folder / 'modules.json'}: modules {modules}, not Transformer, Pooling, Normalize"
    pooling = _read_json(folder / "1_Pooling" / "config.json") if (folder / "1_Pooling").is_dir() else {}
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
    if modes != {"pooling_mode_mean_tokens"}:
        return f"{folder / '1_Pooling' / 'config.json'}: pooling {sorted(modes)}, not mean"
    return ""


def _gelu(x: Any) -> Any:
    """Exact (erf) GELU, with erf to within 1.5e-7 (Abramowitz and Stegun 7.1.26); consumes ``x``."""
    import numpy as np

    # gelu(x) = (x + |x| erf(|x| / sqrt 2)) / 2, and erf(a) = 1 - poly(t) exp(-a^2), t = 1 / (1 + p a)
    absx = np.abs(x)
    a = absx * np.float32(0.7071067811865476)
    t = a * np.float32(0.3275911)
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(c)
        poly *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a
    np.subtract(1.0, poly, out=poly)
    poly *= absx
    x += poly
    x *= 0.5
    return x


def _layer_norm(x: Any, weight: Any, bias: Any, eps: float) -> Any:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / (var + eps) ** 0.5 * weight + bias


class BertEncoder:
    """Mean-pooled, L2-normalized BERT sentence vectors from a sentence-transformers folder."""

    def __init__(self, folder: str | Path) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = Path(folder)
        problem = supported(folder)
        if problem:
            raise BertError(problem)
        config = _read_json(folder / "config.json")
        st_config = _read_json(folder / "sentence_bert_config.json") \
            if (folder / "sentence_bert_config.json").is_file() else {}
        self.max_length = int(st_config.get("max_seq_length") or config.get("max_position_embeddings", 512))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dim = int(config["hidden_size"])
        try:
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            weights = load_file(str(folder / "model.safetensors"))
        except Exception as exc:  # the two libraries raise their own exception types
            raise BertError(f"{folder}: cannot be loaded: {exc}") from None
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        self.w = {k[len(prefix):]: np.ascontiguousarray(v, dtype="float32")
                  for k, v in weights.items() if k.startswith(prefix) and v.dtype.kind == "f"}
        # Linear weights are stored (out, in): keep them transposed for x @ W.
        for key in [k for k in self.w if k.endswith(".weight") and self.w[k].ndim == 2 and k.startswith("encoder.")]:
            self.w[key] = np.ascontiguousarray(self.w[key].T)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Any:
        """A float32 array (len(texts), dim) of normalized sentence vectors."""
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype="float32")
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # little padding per batch
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype="int64")
            types = np.zeros((len(batch), width), dtype="int64")
            mask = np.zeros((len(batch), width), dtype="float32")
            for row, i in enumerate(batch):
                n = len(encodings[i].ids)
                ids[row, :n], types[row, :n], mask[row, :n] = encodings[i].ids, encodings[i].type_ids, 1.0
            out[batch] = self._forward(ids, types, mask)
        return out

    def _forward(self, ids: Any, types: Any, mask: Any) -> Any:
        import numpy as np

        w, eps = self.w, self.eps
        batch, width = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:width] \
            + w["embeddings.token_type_embeddings.weight"][types]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        head = self.dim // self.heads
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        x = x.reshape(batch * width, self.dim)  # linear layers as one 2-D product each

        def heads(t: Any) -> Any:
            return np.ascontiguousarray(t.reshape(batch, width, self.heads, head).transpose(0, 2, 1, 3))

        for n in range(self.layers):
            p = f"encoder.layer.{n}."
            q = heads(x @ w[p + "attention.self.query.weight"] + w[p + "attention.self.query.bias"])
            k = heads(x @ w[p + "attention.self.key.weight"] + w[p + "attention.self.key.bias"])
            v = heads(x @ w[p + "attention.self.value.weight"] + w[p + "attention.self.value.bias"])
            scores = q @ k.transpose(0, 1, 3, 2) * np.float32(head ** -0.5) + bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * width, self.dim)
            attended = context @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(attended + x, w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], eps)
            inner = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            x = _layer_norm(inner @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"] + x,
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        x = x.reshape(batch, width, self.dim)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype("float32")
