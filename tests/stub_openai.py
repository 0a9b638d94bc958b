"""A stub OpenAI-compatible endpoint on loopback: a fixed service time, a deterministic 是/否 with log-probabilities.

It serves one request at a time (a server of fixed capacity: ``1 / service_s`` requests per second), answers
P(是) from a hash of the messages (so every replica gives the same answer), can fail a share of requests
with HTTP 500, and can die (drop every connection unanswered) after a number of calls. Used by
``tests/test_scale.py`` in-process and by ``scripts/bench_scale.py`` as a separate process
(``python tests/stub_openai.py --port 0 --service-s 0.02`` prints its URL).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def answer(messages: list[dict[str, Any]]) -> tuple[str, float]:
    """The stub's deterministic answer to a chat: the token and P(是)."""
    digest = hashlib.sha256(json.dumps(messages, ensure_ascii=False, sort_keys=True).encode()).digest()
    p = 0.04 + 0.92 * digest[0] / 255
    return ("是" if p >= 0.5 else "否"), p


def completion(body: dict[str, Any]) -> dict[str, Any]:
    """A chat completion for the request ``body``, with top log-probabilities when asked."""
    token, p = answer(body.get("messages", []))
    choice: dict[str, Any] = {"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": token}}
    if body.get("logprobs"):
        top = [{"token": "是", "logprob": math.log(p)}, {"token": "否", "logprob": math.log(1 - p)}]
        choice["logprobs"] = {"content": [{"token": token, "logprob": math.log(max(p, 1 - p)), "top_logprobs": top}]}
    return {"id": "stub", "object": "chat.completion", "created": 0, "model": body.get("model", "stub"),
            "choices": [choice], "usage": {"prompt_tokens": 100, "completion_tokens": 1, "total_tokens": 101}}


class StubServer(ThreadingHTTPServer):
    """The endpoint's settings and counters."""

    daemon_threads = True

    def __init__(self, service_s: float = 0.01, error_rate: float = 0.0, die_after: int | None = None,
                 seed: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.service_s, self.error_rate, self.die_after = service_s, error_rate, die_after
        self.random = random.Random(seed)
        self.busy = threading.Lock()
        self.calls = self.answered = self.errors = self.refused = 0
        self.dead = False

    @property
    def url(self) -> str:
        """The base URL to give the client."""
        return f"http://127.0.0.1:{self.server_port}/v1"

    def start(self) -> "StubServer":
        """Serve in a daemon thread."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket (new connections are refused)."""
        self.dead = True
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no delayed-ACK stall
    server: StubServer

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        s = self.server
        with s.busy:  # one request at a time: a fixed capacity
            s.calls += 1
            if s.die_after is not None and s.calls > s.die_after:
                s.dead = True
            if s.dead:
                s.refused += 1
                self.close_connection = True
                return  # hang up unanswered, as a crashed server does
            time.sleep(s.service_s)
            failing = s.error_rate > 0 and s.random.random() < s.error_rate
            s.errors += failing
            s.answered += not failing
        status, payload = (500, {"error": {"message": "stub failure"}}) if failing else (200, completion(body))
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def main() -> None:
    """Run one stub endpoint in this process until killed; print its URL."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--service-s", type=float, default=0.01)
    parser.add_argument("--error-rate", type=float, default=0.0)
    args = parser.parse_args()
    server = StubServer(args.service_s, args.error_rate)
    print(server.url, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
