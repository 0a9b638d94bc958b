"""Backends and the one-token judge, without a real model."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from servers import free_port

from reviewer import FakeChat, LLMError, load_settings, make_chat
from reviewer.candidates import Candidate
from reviewer.framework import load_framework
from reviewer.judge import SentenceJudge, p_yes_from_logprobs, p_yes_from_text
from reviewer.llm import OpenAIChat
from reviewer.prompts import load_prompt

INDICATOR = load_framework().get("M3").indicators[0]
CANDIDATE = Candidate(indicator="M3a", sentence=0, text="推动纺织、建材等传统产业智能化改造。", start=0, end=18, section="重点任务")


def _judge(chat):
    return SentenceJudge(chat, load_prompt("judge_sentence"))


def test_log_probabilities_give_the_probability_of_yes():
    top = [{"token": "是", "logprob": -0.2}, {"token": "否", "logprob": -1.8}, {"token": "不", "logprob": -6.0}]
    assert 0.8 < p_yes_from_logprobs(top) < 0.85
    assert p_yes_from_logprobs([{"token": "the", "logprob": -0.1}]) is None


@pytest.mark.parametrize("text, p", [("是", 1.0), ("是。", 1.0), ("Yes", 1.0), ("否", 0.0), ("不是", 0.0), ("可能", None)])
def test_generated_answers_count_as_one_or_zero_or_unscored(text, p):
    assert p_yes_from_text(text) == p


def test_fake_answers_with_log_probabilities_through_the_real_request_path():
    chat = FakeChat(default="否").when("传统产业智能化改造")
    [score], usage = _judge(chat).score(INDICATOR, [CANDIDATE])
    assert score.method == "logprob" and score.p_yes > 0.8 and usage.calls == 1
    request = chat.history[0]
    assert request["max_tokens"] == 1 and request["logprobs"] and request["top_logprobs"]


def test_backend_errors_propagate_not_as_unscored_answers():
    chat = FakeChat().enqueue(LLMError("endpoint down"))
    with pytest.raises(LLMError, match="endpoint down"):
        _judge(chat).score(INDICATOR, [CANDIDATE])


def test_unreachable_openai_endpoint_names_the_endpoint():
    url = f"http://127.0.0.1:{free_port()}/v1"
    # a refused connection is retried with backoff; the timeout is long enough that a loaded machine
    # still reports the refusal, not a timeout
    chat = make_chat(load_settings(backend="openai", base_url=url, model="m", timeout_s=60))
    with pytest.raises(LLMError, match=f"cannot reach LLM endpoint {url}"):
        chat.invoke("你好")


def test_openai_endpoint_that_never_answers_times_out_with_its_name():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections, never replies
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    try:
        chat = OpenAIChat(model_name="m", base_url=url, timeout_s=0.5)
        with pytest.raises(LLMError, match=f"{url} timed out"):
            chat.invoke("你好")
    finally:
        listener.close()


def test_openai_backend_without_base_url_is_a_clear_error():
    with pytest.raises(LLMError, match="needs a base URL"):
        make_chat(load_settings(backend="openai"))


class _CompatHandler(BaseHTTPRequestHandler):
    requests: list = []
    replies: list = []

    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        reply = type(self).replies.pop(0)
        status, payload = reply if isinstance(reply, tuple) else (200, None)
        if payload is None:
            choice = {"index": 0, "finish_reason": "stop", "message": {"role": "assistant"}}
            if isinstance(reply, dict):
                choice["message"]["content"] = reply["content"]
                choice["logprobs"] = reply.get("logprobs")
            else:
                choice["message"]["content"] = reply
            payload = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"], "choices": [choice],
                       "usage": {"prompt_tokens": 11, "completion_tokens": 1, "total_tokens": 12}}
        data = (json.dumps(payload) if not isinstance(payload, str) else payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def compat_server():
    _CompatHandler.requests, _CompatHandler.replies = [], []
    server = HTTPServer(("127.0.0.1", 0), _CompatHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1", _CompatHandler
    server.shutdown()


def test_openai_backend_reads_log_probabilities_and_sends_the_key(compat_server):
    url, handler = compat_server
    handler.replies += [{"content": "是", "logprobs": {"content": [{"token": "是", "logprob": -0.1, "top_logprobs": [
        {"token": "是", "logprob": -0.1}, {"token": "否", "logprob": -2.5}]}]}}]
    chat = make_chat(load_settings(backend="openai", base_url=url, model="qwen-big", api_key="sk-test"))
    [score], usage = _judge(chat).score(INDICATOR, [CANDIDATE])
    assert score.method == "logprob" and score.p_yes > 0.9 and usage.prompt_tokens == 11
    first = handler.requests[0]
    assert first["path"] == "/v1/chat/completions" and first["auth"] == "Bearer sk-test"
    assert first["body"]["model"] == "qwen-big" and first["body"]["logprobs"] is True


def test_an_endpoint_that_refuses_log_probabilities_is_asked_for_a_generated_answer(compat_server):
    url, handler = compat_server
    handler.replies += [(400, {"error": {"message": "logprobs are not supported by this model"}}), "否"]
    chat = make_chat(load_settings(backend="openai", base_url=url, model="cloud", max_retries=0))
    judge = _judge(chat)
    [score], _ = judge.score(INDICATOR, [CANDIDATE])
    assert score.method == "generated" and score.p_yes == 0.0 and not judge.logprobs
    assert "logprobs" not in handler.requests[-1]["body"]


@pytest.mark.parametrize("reply", [(200, {"choices": []}), (200, "not json at all"), (200, {"choices": [{"message": None}]})],
                         ids=["no_choices", "invalid_json", "null_message"])
def test_malformed_replies_are_backend_errors_not_crashes(compat_server, reply):
    url, handler = compat_server
    handler.replies += [reply] * 3
    chat = make_chat(load_settings(backend="openai", base_url=url, model="m", max_retries=0))
    try:
        [score], _ = _judge(chat).score(INDICATOR, [CANDIDATE])
    except LLMError:
        return
    assert score.p_yes is None  # an empty answer is unscored, never a verdict


def test_an_api_key_echoed_in_an_error_body_is_redacted(compat_server):
    url, handler = compat_server
    handler.replies += [(401, {"error": {"message": "invalid key sk-secret-123456 for this endpoint"}})] * 2
    chat = make_chat(load_settings(backend="openai", base_url=url, model="m", api_key="sk-secret-123456"))
    with pytest.raises(LLMError) as caught:
        chat.invoke("你好")
    assert "sk-secret-123456" not in str(caught.value) and "***" in str(caught.value)


@pytest.mark.parametrize("retries", [0, 2])
def test_busy_endpoints_are_retried_max_retries_times(compat_server, retries):
    url, handler = compat_server
    handler.replies += [(503, {"error": {"message": "busy"}}), (429, {"error": {"message": "slow down"}}), "是"]
    chat = make_chat(load_settings(backend="openai", base_url=url, model="m", max_retries=retries))
    if retries:
        assert chat.invoke("你好").content == "是" and len(handler.requests) == 3
    else:
        with pytest.raises(LLMError, match="503"):
            chat.invoke("你好")
        assert len(handler.requests) == 1
