"""Time limits (issue 10, item 10): a total deadline per LLM call and a time budget per review.

Each test runs a loopback endpoint that misbehaves in time (hangs, trickles its answer one byte at a
time, or answers slowly) and finishes by itself within seconds.
"""

import json
import socketserver
import threading
import time

import openai  # noqa: F401 - imported here, so its import time is not counted against a call's deadline
import pytest
from servers import free_port

from reviewer import LLMError, Reviewer, load_settings
from reviewer.deadline import DeadlineExceededError, call_within, time_budget, time_left
from reviewer.embeddings import HashEmbeddings
from reviewer.llm import LLMTimeoutError, OpenAIChat

GAP = 0.2
"""Seconds between two trickled bytes: far below every socket timeout used here."""
GIVE_UP = 8.0
"""A trickling endpoint hangs up after this long, so a test of unfixed code ends too."""


def _completion(content: str = "否") -> bytes:
    body = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6}}).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    return head + body


class _Handler(socketserver.BaseRequestHandler):
    mode = "slow"
    calls = 0

    def _read_request(self) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0)
        while len(body) < length:
            body += self.request.recv(65536)
        return True

    def handle(self) -> None:
        server = self.server
        while self._read_request():  # keep-alive: one connection may carry many calls
            type(self).calls += 1
            reply = _completion()
            if self.mode == "hang":
                server.stop.wait(GIVE_UP)  # type: ignore[attr-defined]
                return
            if self.mode == "slow":
                time.sleep(GAP)
                self.request.sendall(reply)
                continue
            start = reply.index(b"\r\n\r\n") + 4 if self.mode == "trickle_body" else 0
            self.request.sendall(reply[:start])
            started = time.monotonic()
            for i in range(start, len(reply)):
                if server.stop.wait(GAP) or time.monotonic() - started > GIVE_UP:  # type: ignore[attr-defined]
                    return
                try:
                    self.request.sendall(reply[i : i + 1])
                except OSError:
                    return  # the client hung up: what a deadline should make it do


@pytest.fixture
def endpoint():
    """Start a misbehaving endpoint: ``url = endpoint("hang" | "trickle_body" | "trickle_headers" | "slow")``."""
    servers = []

    def start(mode: str) -> str:
        handler = type("Handler", (_Handler,), {"mode": mode, "calls": 0})
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.stop = threading.Event()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, handler))
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    start.handler = lambda: servers[-1][1]
    yield start
    for server, _ in servers:
        server.stop.set()
        server.shutdown()
        server.server_close()


def _timed(fn):
    started = time.perf_counter()
    try:
        fn()
    except LLMError as exc:
        return exc, time.perf_counter() - started
    return None, time.perf_counter() - started


@pytest.mark.parametrize("mode", ["trickle_body", "trickle_headers"])
def test_an_endpoint_that_trickles_its_answer_is_cut_off_at_the_deadline(endpoint, mode):
    """One byte every 0.2 s never trips a 1 s socket timeout; the call's total deadline cuts it off."""
    chat = OpenAIChat(model_name="m", base_url=endpoint(mode), timeout_s=1.0)
    error, seconds = _timed(lambda: chat.invoke("你好"))
    assert isinstance(error, LLMTimeoutError) and "no complete answer within 1s" in str(error)
    assert seconds < 2.5


def test_a_hung_endpoint_gives_up_after_timeout_s_retry_included(endpoint):
    """The client's own retry used to double the wait (and a review waited for two checks: ~20 min by default)."""
    chat = OpenAIChat(model_name="m", base_url=endpoint("hang"), timeout_s=2.0)
    error, seconds = _timed(lambda: chat.invoke("你好"))
    assert isinstance(error, LLMTimeoutError) and "timed out" in str(error)
    assert seconds < 3.5  # a retry after the first timeout would take at least 4 s (margin for a loaded machine)


def test_a_review_against_a_hung_endpoint_stops_after_one_call(endpoint, sample_plan, tmp_path):
    url = endpoint("hang")
    settings = load_settings(environ={}, backend="openai", base_url=url, model="m", embedding="fake", home=tmp_path,
                             timeout_s=1.0, score_cache=False)
    reviewer = Reviewer(settings, embeddings=HashEmbeddings())
    reviewer.corpus  # noqa: B018 - build the corpus index first: only judging is timed
    report = reviewer.review(sample_plan)
    assert report.run.stage_seconds["judge"] < 1.8
    assert endpoint.handler().calls == 1
    assert all(f.status == "failed" for f in report.findings) and not report.summary.complete
    assert "timed out" in report.findings[0].error and "not attempted" in report.findings[-1].error
    assert "审读未完成" in report.summary.text


def test_a_review_over_its_time_budget_fails_the_remaining_checks(endpoint, sample_plan, tmp_path):
    """Each answer takes 0.2 s and the plan needs dozens (over 10 s): the review stops at its 6 s budget, incomplete."""
    url = endpoint("slow")
    settings = load_settings(environ={}, backend="openai", base_url=url, model="m", embedding="fake", home=tmp_path,
                             timeout_s=5.0, review_timeout_s=6.0, score_cache=False)
    reviewer = Reviewer(settings, embeddings=HashEmbeddings())
    reviewer.corpus  # noqa: B018 - build the corpus index first, so the budget goes to reading and judging
    report = reviewer.review(sample_plan)
    assert report.run.seconds < 6.0 + 2.0
    judged = [f for f in report.findings if f.status == "ok"]
    out_of_time = [f for f in report.findings if f.status == "failed"]
    assert judged and out_of_time and "review_timeout_s" in out_of_time[-1].error
    assert not report.summary.complete and report.summary.failed == [f.check_id for f in out_of_time]
    assert "审读未完成" in report.summary.text


def test_the_budget_is_spent_before_any_call_is_made(sample_plan, tmp_path):
    from reviewer import FakeChat

    chat = FakeChat(default="否")
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path, review_timeout_s=0.001)
    report = Reviewer(settings, chat=chat, embeddings=HashEmbeddings()).review(sample_plan)
    assert chat.history == [] and report.summary.failed == [f.check_id for f in report.findings]


def test_call_within_returns_raises_or_gives_up():
    assert call_within(1, lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        call_within(1, lambda: 1 / 0)
    with pytest.raises(DeadlineExceededError):
        call_within(0.05, lambda: time.sleep(1))


def test_nested_budgets_keep_the_earlier_end():
    assert time_left() is None
    with time_budget(10):
        with time_budget(100):
            assert time_left() < 10
        with time_budget(0.5):
            assert time_left() <= 0.5
    assert time_left() is None


def test_a_connection_refused_endpoint_still_fails_fast():
    chat = OpenAIChat(model_name="m", base_url=f"http://127.0.0.1:{free_port()}/v1", timeout_s=5.0)
    error, seconds = _timed(lambda: chat.invoke("你好"))
    assert error is not None and "cannot reach" in str(error) and seconds < 5
