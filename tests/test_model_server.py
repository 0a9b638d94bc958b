"""A real OpenAI-compatible server on loopback (``reviewer serve-model``: llama.cpp's, serving the bundled 0.5B).

The same two short plans reviewed over HTTP with ``--backend openai`` and in-process with ``--backend local``
give the same verdicts, and the server's answers carry log-probabilities.
"""

import json
import os
import sys
import time
from pathlib import Path

import pytest

from reviewer import Reviewer, load_settings
from reviewer.batch import review_batch
from reviewer.embeddings import HashEmbeddings

sys.path.insert(0, str(Path(__file__).parent))
from servers import free_port, running  # noqa: E402

pytestmark = [pytest.mark.model, pytest.mark.timeout(600)]

MODEL = "qwen2.5-coder-0.5b"
BLIND = Path(__file__).resolve().parents[1] / "eval" / "blind" / "written" / "texts"
PLANS = [BLIND / "blind-010.txt", BLIND / "blind-065.txt"]


def _findings(out: Path) -> dict[str, list[dict]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))["findings"]
            for p in sorted(out.glob("blind-*.json"))}


def _review(tmp_path: Path, name: str, **settings) -> tuple[dict[str, list[dict]], float]:
    # one sentence per indicator question keeps the test short (about 50 calls in all)
    reviewer = Reviewer(load_settings(model=MODEL, embedding="fake", home=tmp_path / name, score_cache=False, candidates=1,
                                      **settings),
                        embeddings=HashEmbeddings())
    reviewer.corpus  # noqa: B018 - the index is built before timing
    started = time.perf_counter()
    result = review_batch(PLANS, tmp_path / name, reviewer, fmt="json")
    assert [i.status for i in result.items] == ["reviewed", "reviewed"], result.items
    return _findings(tmp_path / name), time.perf_counter() - started


def test_the_served_model_gives_the_in_process_verdicts(tmp_path):
    port = free_port()
    env = dict(os.environ, REVIEWER_HOME=str(tmp_path / "server-home"))
    command = [sys.executable, "-m", "reviewer", "serve-model", "--model", MODEL, "--host", "127.0.0.1", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/health", log=tmp_path / "server.log", wait_s=120, env=env):
        served, served_s = _review(tmp_path, "served", backend="openai", base_url=f"http://127.0.0.1:{port}/v1")
    local, local_s = _review(tmp_path, "local", backend="local")
    calls = sum(f["usage"]["calls"] for fs in served.values() for f in fs)
    print(f"\n{calls} calls: served {served_s:.1f}s, in-process {local_s:.1f}s")  # noqa: T201 - timing for the README

    def verdicts(findings):
        return {plan: [(f["check_id"], f["status"], f["verdict"]) for f in fs] for plan, fs in findings.items()}

    assert verdicts(served) == verdicts(local)
    assert {f["status"] for fs in served.values() for f in fs} <= {"ok", "not_judgeable"}
    assert calls >= 10

    def scores(findings):
        return [c["p_yes"] for fs in findings.values() for f in fs for i in f["indicators"] for c in i["candidates"]
                if c["p_yes"] is not None]

    print(f"largest difference in P(yes): {max(abs(a - b) for a, b in zip(scores(served), scores(local))):.4f}")  # noqa: T201
    # read from log-probabilities: a generated token alone would give only 0 or 1
    assert scores(served) and all(0.0 < p < 1.0 for p in scores(served))
