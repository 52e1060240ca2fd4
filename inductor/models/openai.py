"""``openai:MODEL@URL``: an OpenAI-compatible ``/v1/completions`` server (vLLM, llama.cpp, ...)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from inductor.config import setting
from inductor.models.base import ModelError, ModelStats, SampleParams, cut_at_stop


@dataclass(frozen=True)
class OpenAISettings:
    """``[model.openai]``: the OpenAI-compatible backend's own settings (its plugin declares them)."""

    api_url: str = setting("http://localhost:8000/v1", "server base URL when --model openai:MODEL gives none")
    api_key_env: str = setting("OPENAI_API_KEY", "environment variable holding the API key")


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
                                 "set it in the variable [model.openai] api_key_env names") from None
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
