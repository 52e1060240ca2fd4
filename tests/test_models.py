"""Model backends without real weights: stop handling, the fake, spec parsing, and the
OpenAI-compatible backend against a small local stub server."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from inductor.config import ModelSettings
from inductor.models import (
    FakeModel,
    ModelError,
    OpenAIModel,
    SampleParams,
    create_model,
    cut_at_stop,
    parse_spec,
)


def test_cut_at_stop_takes_the_earliest_stop_and_leaves_the_body():
    assert cut_at_stop("return x\ndef g():\n", ["\ndef "]) == "return x"
    assert cut_at_stop("a\n#b\ndef ", ["\ndef ", "\n#"]) == "a"
    assert cut_at_stop(" return x\n    y\nprint(1)", [], top_level=True) == " return x\n    y"
    assert cut_at_stop(" x = 1\n\n    return x\n", [], top_level=True) == " x = 1\n\n    return x\n"
    assert cut_at_stop("no stop here", ["\ndef "]) == "no stop here"


def test_fake_model_cycles_its_script_and_records_prompts():
    model = FakeModel(["a\ndef junk", "b"])
    assert model.sample("p1", SampleParams(n=3, stop=("\ndef ",))) == ["a", "b", "a"]
    assert model.prompts == ["p1"] and model.stats.samples == 3

    def script(prompt, params):
        return ["fixed"] if "repair" in prompt else ["first"]

    model = FakeModel(script)
    assert model.sample("repair me", SampleParams(n=2)) == ["fixed", "fixed"]


def test_fake_model_from_file(tmp_path):
    path = tmp_path / "script.json"
    path.write_text(json.dumps(["return x"]))
    assert FakeModel.from_file(path).sample("p", SampleParams(n=2)) == ["return x", "return x"]
    path.write_text("{}")
    with pytest.raises(ModelError, match="script.json"):
        FakeModel.from_file(path)


def test_spec_parsing_names_the_option_on_error(tmp_path):
    known = ["smollm2", "hf", "openai", "fake"]
    assert parse_spec("smollm2", known) == ("smollm2", "")
    assert parse_spec("openai:qwen@http://h:1/v1", known) == ("openai", "qwen@http://h:1/v1")
    assert parse_spec("HuggingFaceTB/SmolLM2-360M", known) == ("hf", "HuggingFaceTB/SmolLM2-360M")
    assert parse_spec(str(tmp_path), known) == ("hf", str(tmp_path))
    with pytest.raises(ModelError, match="--model 'gpt5'"):
        parse_spec("gpt5", known)


def test_built_in_backends_are_registered_through_the_hook(plugins, tmp_path):
    factories = plugins.models()
    assert {"smollm2", "hf", "openai", "fake"} <= set(factories)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(["return 1"]))
    model = create_model(f"fake:{path}", factories, ModelSettings())
    assert model.sample("x", SampleParams(n=1)) == ["return 1"]
    with pytest.raises(ModelError, match="openai:MODEL"):
        create_model("openai:", factories, ModelSettings())


class _Stub(BaseHTTPRequestHandler):
    requests: list[dict] = []
    busy = 0  # answer this many "busy..." requests with 503 first
    lock = threading.Lock()
    in_flight = most_in_flight = 0

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        prompt = body["prompt"]
        if prompt in ("fail", "bad") or (prompt.startswith("busy") and _Stub.busy > 0):
            if prompt.startswith("busy"):
                _Stub.busy -= 1
            self.send_response({"fail": 500, "bad": 400}.get(prompt, 503))
            if prompt == "busy-later":
                self.send_header("Retry-After", "7")
            self.end_headers()
            self.wfile.write(b"boom")
            return
        if prompt == "slow":
            with _Stub.lock:
                _Stub.in_flight += 1
                _Stub.most_in_flight = max(_Stub.most_in_flight, _Stub.in_flight)
            time.sleep(0.15)
            with _Stub.lock:
                _Stub.in_flight -= 1
        n = body["n"]
        # Out of order on purpose: the backend must sort by index.
        choices = [{"index": i, "text": f" return {i}\ndef extra():"} for i in reversed(range(n))]
        data = json.dumps({"choices": choices, "usage": {"completion_tokens": 5 * n}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        _Stub.requests.append({"path": self.path, "auth": self.headers.get("Authorization")})
        data = json.dumps({"object": "list", "data": [{"id": "tiny"}, {"id": "small"}]}).encode()
        self.send_response(401 if self.headers.get("Authorization") == "Bearer wrong" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def stub_server():
    _Stub.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_backend_against_a_local_stub(stub_server):
    model = OpenAIModel(model="tiny", base_url=stub_server + "/", api_key="k")
    params = SampleParams(n=3, temperature=0.5, max_new_tokens=20, seed=7, stop=("\ndef ", "\n#", "a", "b", "c"))
    assert model.sample("def f(x):\n   ", params) == [" return 0", " return 1", " return 2"]
    req = _Stub.requests[-1]
    assert req["path"] == "/v1/completions" and req["auth"] == "Bearer k"
    body = req["body"]
    assert body["model"] == "tiny" and body["n"] == 3 and body["max_tokens"] == 20 and body["seed"] == 7
    assert body["temperature"] == 0.5 and len(body["stop"]) == 4
    assert model.stats.samples == 3 and model.stats.new_tokens == 15


def test_openai_backend_errors_are_one_line(stub_server):
    model = OpenAIModel(model="tiny", base_url=stub_server, retries=0)
    with pytest.raises(ModelError, match="HTTP 500: boom"):
        model.sample("fail", SampleParams(n=1))
    with pytest.raises(ModelError, match="HTTP 400: boom"):  # the request's fault: never retried
        OpenAIModel(model="tiny", base_url=stub_server, sleep=pytest.fail).sample("bad", SampleParams(n=1))
    dead = OpenAIModel(model="tiny", base_url="http://127.0.0.1:9/v1", timeout=2, retries=0)
    with pytest.raises(ModelError, match="127.0.0.1:9"):
        dead.sample("x", SampleParams(n=1))


def test_openai_backend_retries_a_busy_server_with_backoff(stub_server):
    pauses: list[float] = []
    model = OpenAIModel(model="tiny", base_url=stub_server, retries=3, backoff=0.5, sleep=pauses.append)
    _Stub.busy = 2
    assert model.sample("busy", SampleParams(n=1, stop=("\ndef ",))) == [" return 0"]
    assert model.retried == 2 and len(pauses) == 2
    assert 0.25 <= pauses[0] <= 0.75 and 0.5 <= pauses[1] <= 1.5  # doubled, with jitter
    _Stub.busy = 1
    pauses.clear()
    model.sample("busy-later", SampleParams(n=1))
    assert pauses == [7.0]  # the server's Retry-After


def test_openai_backend_says_the_server_is_gone_after_its_retries():
    import socket

    with socket.socket() as s:  # a free port, closed again: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pauses: list[float] = []
    model = OpenAIModel(model="tiny", base_url=f"http://127.0.0.1:{port}/v1", retries=2, sleep=pauses.append)
    with pytest.raises(ModelError) as err:
        model.sample("x", SampleParams(n=1))
    message = str(err.value)
    assert f"127.0.0.1:{port}" in message and "the server is gone" in message and "after 3 tries" in message
    assert "\n" not in message and len(pauses) == 2


def test_openai_backend_keeps_at_most_its_concurrency_in_flight(stub_server):
    model = OpenAIModel(model="tiny", base_url=stub_server, max_concurrency=2)
    _Stub.in_flight = _Stub.most_in_flight = 0
    out: list[list[str]] = []
    threads = [threading.Thread(target=lambda: out.append(model.sample("slow", SampleParams(n=1)))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 6 and _Stub.most_in_flight == 2 and model.stats.calls == 6


def test_openai_factory_reads_the_key_from_the_configured_variable(plugins, monkeypatch, stub_server):
    monkeypatch.setenv("MY_KEY", "secret")
    from inductor.config import load_settings

    settings = load_settings(sections=plugins.settings_sections()).with_options("model.openai", api_key_env="MY_KEY")
    model = create_model(f"openai:tiny@{stub_server}", plugins.models(), settings)
    model.sample("x", SampleParams(n=1))
    assert _Stub.requests[-1]["auth"] == "Bearer secret"


def test_openai_check_fails_fast_on_a_closed_port():
    import socket

    with socket.socket() as s:  # a free port, closed again: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = OpenAIModel(model="tiny", base_url=f"http://127.0.0.1:{port}/v1")
    with pytest.raises(ModelError) as err:
        model.check(timeout=2)
    message = str(err.value)
    assert f"127.0.0.1:{port}" in message and "cannot reach" in message and "\n" not in message


def test_openai_check_names_what_the_server_serves(stub_server):
    OpenAIModel(model="tiny", base_url=stub_server).check()
    assert _Stub.requests[-1]["path"] == "/v1/models"
    with pytest.raises(ModelError, match="does not serve 'huge' .*it serves: tiny, small"):
        OpenAIModel(model="huge", base_url=stub_server).check()
    with pytest.raises(ModelError, match="refused the API key"):
        OpenAIModel(model="tiny", base_url=stub_server, api_key="wrong").check()


def test_create_model_checks_a_remote_model_before_returning_it(plugins, stub_server):
    with pytest.raises(ModelError, match="does not serve 'huge'"):
        create_model(f"openai:huge@{stub_server}", plugins.models(), ModelSettings())
