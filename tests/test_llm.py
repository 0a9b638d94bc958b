"""Backends and structured output, without a real model."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Literal

import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from reviewer import FakeChat, LLMError, ask_structured, load_settings, make_chat
from reviewer.llm import OpenAIChat


class Verdict(BaseModel):
    reasoning: str = Field(max_length=200)
    verdict: Literal["present", "absent", "insufficient_evidence"]


ASK = [HumanMessage(content="该规划是否把传统产业改造升级纳入新质生产力？")]
GOOD = '{"reasoning": "规划提出传统产业数字化改造", "verdict": "absent"}'


def test_valid_answer_first_time():
    chat = FakeChat().enqueue(GOOD)
    result = ask_structured(chat, ASK, Verdict)
    assert result.ok and result.value.verdict == "absent"
    assert result.attempts == 1
    schema = chat.history[0]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["verdict"]["enum"] == ["present", "absent", "insufficient_evidence"]


def test_invalid_json_is_retried_with_the_validation_error():
    chat = FakeChat().enqueue("not json at all", GOOD)
    result = ask_structured(chat, ASK, Verdict)
    assert result.ok and result.attempts == 2
    retry_prompt = chat.history[1]["messages"][-1]["content"]
    assert "无法使用" in retry_prompt and "Invalid JSON" in retry_prompt
    assert chat.history[1]["messages"][-2] == {"role": "assistant", "content": "not json at all"}


def test_answer_cut_off_mid_json_is_retried_and_flagged_as_truncated():
    cut = '{"reasoning": "规划提出传统产业数字化改造，并且'
    chat = FakeChat().enqueue(cut, GOOD)
    result = ask_structured(chat, ASK, Verdict)
    assert result.ok and result.raw[0] == cut


def test_off_menu_label_is_retried():
    chat = FakeChat().enqueue('{"reasoning": "x", "verdict": "通过"}', GOOD)
    result = ask_structured(chat, ASK, Verdict)
    assert result.ok and result.attempts == 2


def test_three_bad_answers_give_a_parse_failure_not_a_verdict():
    chat = FakeChat().enqueue("garbage", '{"verdict": "maybe"}', "{")
    result = ask_structured(chat, ASK, Verdict, max_retries=2)
    assert not result.ok
    assert result.value is None
    assert result.attempts == 3
    assert result.raw == ["garbage", '{"verdict": "maybe"}', "{"]
    assert result.error


def test_code_fenced_json_is_accepted():
    result = ask_structured(FakeChat().enqueue(f"```json\n{GOOD}\n```"), ASK, Verdict)
    assert result.ok


def test_fake_without_script_answers_any_schema_deterministically():
    a = ask_structured(FakeChat(), ASK, Verdict)
    b = ask_structured(FakeChat(), ASK, Verdict)
    assert a.ok and a.value == b.value


def test_backend_errors_propagate_not_as_parse_failures():
    chat = FakeChat().enqueue(LLMError("endpoint died"))
    with pytest.raises(LLMError, match="endpoint died"):
        ask_structured(chat, ASK, Verdict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_openai_endpoint_names_the_endpoint():
    url = f"http://127.0.0.1:{_free_port()}/v1"
    chat = make_chat(load_settings(backend="openai", base_url=url, model="m", timeout_s=5))
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
        content = type(self).replies.pop(0)
        payload = {
            "id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
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


def test_openai_backend_sends_schema_and_key_and_retries(compat_server):
    url, handler = compat_server
    handler.replies += ["{oops", GOOD]
    settings = load_settings(backend="openai", base_url=url, model="qwen-big", api_key="sk-test")
    result = ask_structured(make_chat(settings), ASK, Verdict)
    assert result.ok and result.value.verdict == "absent"
    assert result.usage.prompt_tokens == 22 and result.usage.calls == 2
    first = handler.requests[0]
    assert first["path"] == "/v1/chat/completions"
    assert first["auth"] == "Bearer sk-test"
    assert first["body"]["model"] == "qwen-big"
    assert first["body"]["response_format"]["type"] == "json_schema"
