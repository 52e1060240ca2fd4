"""``openai:MODEL@URL``: an OpenAI-compatible ``/v1/completions`` server (vLLM, llama.cpp, ...).

Many workers may share one server (``--backend ray``, several runs): each model object holds at
most ``max_concurrency`` requests in flight (its callers wait for a slot), and a request that
meets a busy or restarting server (connection refused or reset, a timeout, HTTP 429 or 5xx) is
retried ``retries`` times with exponential backoff and jitter, honouring ``Retry-After``. When
the tries are spent the error says the server is gone, in one line naming it.
"""

from __future__ import annotations

import json
import random
import threading
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
    max_concurrency: int = setting(4, "requests one process keeps in flight at once (the server sees "
                                      "this times the workers sharing it)")
    retries: int = setting(4, "retries of a request the server refused, dropped or answered 429 / 5xx")
    backoff: float = setting(1.0, "seconds before the first retry, doubled for each next one (with jitter)")
    timeout: float = setting(120.0, "seconds one request may take")

#: HTTP statuses that mean "busy or restarting: try again" (the rest are the request's fault).
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass
class OpenAIModel:
    """A ``/v1/completions`` endpoint (vLLM, llama.cpp server, ...)."""

    model: str
    base_url: str
    api_key: str = ""
    timeout: float = 120.0
    name: str = ""
    stats: ModelStats = field(default_factory=ModelStats)
    max_concurrency: int = 4
    retries: int = 4
    backoff: float = 1.0
    #: Requests retried, over the model's life.
    retried: int = 0
    sleep: Any = time.sleep

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.name = self.name or f"openai:{self.model}@{self.base_url}"
        self._slots = threading.BoundedSemaphore(max(1, self.max_concurrency))
        self._lock = threading.Lock()

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
        deadline = start + params.max_seconds if params.max_seconds else None
        raw = self._post(url, json.dumps(body).encode(), headers, max(1.0, timeout), deadline)
        try:
            data = json.loads(raw)
            choices = sorted(data["choices"], key=lambda c: c.get("index", 0))
            texts = [str(c["text"]) for c in choices]
        except (ValueError, KeyError, TypeError):
            raise ModelError(f"{url}: the answer is not an OpenAI completions response") from None
        with self._lock:
            self.stats.calls += 1
            self.stats.samples += len(texts)
            self.stats.new_tokens += int(data.get("usage", {}).get("completion_tokens", 0) or 0)
            self.stats.seconds += time.perf_counter() - start
        return [cut_at_stop(t, params.stop, params.stop_at_top_level) for t in texts]

    def _post(self, url: str, data: bytes, headers: dict[str, str], timeout: float,
              deadline: float | None) -> bytes:
        """POST under the concurrency limit, retrying what a busy or restarting server causes."""
        import urllib.error
        import urllib.request

        tries = max(0, self.retries) + 1
        why = ""
        for attempt in range(tries):
            request = urllib.request.Request(url, data=data, headers=headers, method="POST")
            wait: float | None = None
            with self._slots:
                try:
                    with urllib.request.urlopen(request, timeout=timeout) as resp:
                        return resp.read()
                except urllib.error.HTTPError as exc:
                    detail = exc.read()[:200].decode(errors="replace")
                    if exc.code not in RETRY_STATUSES:
                        raise ModelError(f"{url}: HTTP {exc.code}: {detail}") from None
                    why = f"HTTP {exc.code}: {detail}".strip()
                    wait = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
                except (urllib.error.URLError, OSError) as exc:  # refused, reset, timed out
                    reason = getattr(exc, "reason", exc)
                    why = str(getattr(reason, "strerror", None) or reason)
            if attempt + 1 == tries:
                break
            pause = wait if wait is not None else self.backoff * (2 ** attempt) * (0.5 + random.random())
            if deadline is not None and time.perf_counter() + pause >= deadline:
                break  # the task's time is up before the next try
            with self._lock:
                self.retried += 1
            self.sleep(pause)
        if tries == 1:
            raise ModelError(f"{url}: {why}")
        raise ModelError(f"{url}: the server is gone or overloaded ({why}) after {attempt + 1} tries")


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds only; an HTTP date is ignored)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
