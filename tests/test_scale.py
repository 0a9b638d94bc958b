"""Concurrent batch over several OpenAI-compatible endpoints (issue 13, first slice), on loopback stubs.

The stubs (``tests/stub_openai.py``) answer 是/否 with log-probabilities from a hash of the prompt, so
every endpoint gives the same answer and verdicts can be compared run against run.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer import Reviewer, load_settings
from reviewer.batch import STATE_FILE, BatchState, review_batch
from reviewer.embeddings import HashEmbeddings
from reviewer.pool import EndpointPool, PooledChat

sys.path.insert(0, str(Path(__file__).parent))
from stub_openai import StubServer  # noqa: E402

pytestmark = pytest.mark.timeout(120)

LINES = [
    "到2026年，战略性新兴产业增加值占比达到30%以上，高新技术企业数量达到60家。",
    "重点发展新能源装备、新材料产业，建设县级孵化器。",
    "瞄准人工智能、低空经济，建设县级算力中心。",
    "推动纺织、建材等传统产业智能化改造，实施技术改造项目50个。",
    "依托本地石墨资源，延伸石墨烯材料产业链。",
    "积极争取国家重大科技项目在本地布局，对接国家实验室。",
    "完善科技成果转化机制，建设中试基地。",
    "新质生产力就是战略性新兴产业和未来产业。",
]


def make_plans(folder: Path, n: int) -> list[Path]:
    """``n`` small plans, each with its own mix of sentences (so verdicts differ between plans)."""
    folder.mkdir(parents=True, exist_ok=True)
    plans = []
    for i in range(n):
        body = "\n".join(f"（{k + 1}）{line}" for k, line in enumerate(LINES) if (i >> (k % 6)) & 1 or k == i % 8)
        text = f"第{i}县培育新质生产力行动方案（2024—2026年）\n一、主要目标\n{LINES[0]}\n二、重点任务\n{body}\n"
        plans.append(folder / f"plan{i:03d}.txt")
        plans[-1].write_text(text, encoding="utf-8")
    return plans


def reviewer_for(urls: list[str], home: Path, **settings) -> tuple[Reviewer, list[Path]]:
    """A reviewer over the endpoints, and the list of plans it was asked to review."""
    reviewer = Reviewer(load_settings(backend="openai", base_url=",".join(urls), model="stub", embedding="fake",
                                      home=home, score_cache=False, timeout_s=10, **settings),
                        embeddings=HashEmbeddings())
    reviewed: list[Path] = []
    review = reviewer.review

    def counting(source, **kwargs):
        reviewed.append(Path(source))
        return review(source, **kwargs)

    reviewer.review = counting  # type: ignore[method-assign]
    return reviewer, reviewed


def table(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def verdicts(out: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Plan → (check, status, verdict) of every finding, from the JSON reports."""
    result = {}
    for path in sorted(out.glob("plan*.json")):
        report = json.loads(path.read_text(encoding="utf-8"))
        result[path.stem] = [(f["check_id"], f["status"], f["verdict"]) for f in report["findings"]]
    return result


@pytest.fixture
def stubs():
    servers: list[StubServer] = []

    def start(n: int, service_s: float = 0.003, **kwargs) -> list[StubServer]:
        new = [StubServer(service_s, **kwargs).start() for _ in range(n)]
        servers.extend(new)
        return new

    yield start
    for server in servers:
        if not server.dead:
            server.stop()


N_PLANS = 24


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The plans, a home shared by every run (the corpus index is built once) and the sequential run's folder."""
    root = tmp_path_factory.mktemp("scale")
    plans, home, out = make_plans(root / "plans", N_PLANS), root / "home", root / "sequential"
    one = StubServer(0.003).start()
    try:
        result = review_batch(plans, out, reviewer_for([one.url], home)[0])
    finally:
        one.stop()
    assert {i.status for i in result.items} == {"reviewed"}
    return plans, home, out


def test_a_concurrent_batch_over_four_endpoints_gives_the_sequential_verdicts_and_table(stubs, batch, tmp_path):
    plans, home, sequential = batch
    servers = stubs(4)
    reviewer, reviewed = reviewer_for([s.url for s in servers], home, concurrency=8, endpoint_concurrency=2)
    assert reviewer.settings.workers() == 8
    out = tmp_path / "concurrent"
    result = review_batch(plans, out, reviewer)
    assert [i.status for i in result.items] == ["reviewed"] * N_PLANS and sorted(reviewed) == sorted(plans)
    assert [Path(i.source) for i in result.items] == plans  # items in the order of the plans
    assert verdicts(out) == verdicts(sequential)
    assert len({tuple(v) for v in verdicts(out).values()}) > 3  # the plans do differ
    assert table(out) == table(sequential)
    assert all(s.answered > 20 for s in servers)  # every endpoint took its share
    assert not list(out.glob(".*.tmp*"))  # no temporary file left behind


def test_a_dead_endpoint_and_a_failing_one_lose_no_plan_and_review_none_twice(stubs, batch, tmp_path):
    plans, home, sequential = batch
    [healthy], [failing] = stubs(1), stubs(1, error_rate=0.1, seed=3)
    dying = stubs(1, die_after=150)[0]  # about halfway through the batch
    urls = [s.url for s in (healthy, failing, dying)]
    reviewer, reviewed = reviewer_for(urls, home, concurrency=6, endpoint_concurrency=2, endpoint_cooldown_s=0.5)
    out = tmp_path / "faults"
    result = review_batch(plans, out, reviewer)
    assert [i.status for i in result.items] == ["reviewed"] * N_PLANS
    assert sorted(reviewed) == sorted(plans)  # none lost, none reviewed twice
    assert verdicts(out) == verdicts(sequential) and table(out) == table(sequential)
    state = BatchState.read(out)
    assert sorted(state.plans) == sorted(str(p.resolve()) for p in plans)
    assert all(e.error is None and e.sha256 and e.config_key for e in state.plans.values())
    assert dying.dead and failing.errors > 0
    # out of rotation once dead: asked again only by the probes after each cool-down
    assert dying.refused < 0.2 * (healthy.answered + failing.answered)
    assert review_batch(plans, out, reviewer).items[0].status == "skipped" and len(reviewed) == N_PLANS


def test_every_endpoint_dead_fails_the_checks_not_the_batch(stubs, batch, tmp_path):
    home = batch[1]
    servers = stubs(2)
    urls = [s.url for s in servers]
    for server in servers:
        server.stop()
    reviewer, _ = reviewer_for(urls, home, concurrency=2, max_retries=0)
    out = tmp_path / "out"
    review_batch(make_plans(tmp_path / "plans", 2), out, reviewer)
    assert {row["status"] for row in table(out)} == {"incomplete"}


def test_the_pool_prefers_the_least_busy_endpoint_and_keeps_its_limit():
    pool = EndpointPool(["a", "b", "c"], limit=1, cooldown_s=60)
    with pool.acquire() as first, pool.acquire() as second, pool.acquire() as third:
        assert {first.url, second.url, third.url} == {"a", "b", "c"}
    with pool.acquire() as e:
        pool.failed(e, down=True)
    assert e.url not in pool.in_rotation() and len(pool.in_rotation()) == 2
    for _ in range(4):
        with pool.acquire() as other:
            assert other.url != e.url


def test_several_base_urls_make_a_pool_and_one_keeps_the_plain_client():
    settings = load_settings(backend="openai", base_url="http://127.0.0.1:1/v1/, http://127.0.0.1:2/v1", model="m")
    assert settings.base_urls() == ["http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"]
    chat = Reviewer(settings).chat
    assert isinstance(chat, PooledChat) and [e.max_retries for e in chat.endpoints] == [0, 0]
    assert not isinstance(Reviewer(load_settings(backend="openai", base_url="http://127.0.0.1:1/v1", model="m")).chat, PooledChat)
    assert load_settings(backend="local", concurrency=8).workers() == 1  # the local model stays sequential


KILLED_RUN = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from test_scale import reviewer_for
from reviewer.batch import review_batch
reviewer, _ = reviewer_for({urls!r}, Path({home!r}), concurrency=4, endpoint_concurrency=2)
review_batch([Path({plans!r})], Path({out!r}), reviewer)
"""


def test_a_batch_killed_midway_resumes_and_ends_with_the_uninterrupted_table(stubs, batch, tmp_path):
    plans, home, sequential = batch
    servers = stubs(2, service_s=0.01)
    urls, out = [s.url for s in servers], tmp_path / "killed"
    code = KILLED_RUN.format(tests=str(Path(__file__).parent), urls=urls, home=str(home), plans=str(plans[0].parent),
                             out=str(out))
    child = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and child.poll() is None:
        if len(BatchState.read(out).plans) >= 6:
            break
        time.sleep(0.05)
    assert child.poll() is None, "the batch ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    done = len(BatchState.read(out).plans)
    assert 6 <= done < N_PLANS
    reviewer, reviewed = reviewer_for(urls, home, concurrency=4, endpoint_concurrency=2)
    result = review_batch(plans, out, reviewer)
    statuses = [i.status for i in result.items]
    # those done before the kill are skipped; those in flight at the kill had no state entry: reviewed now
    assert statuses.count("skipped") == done and statuses.count("reviewed") == len(reviewed) == N_PLANS - done
    assert verdicts(out) == verdicts(sequential) and table(out) == table(sequential)
    assert json.loads((out / STATE_FILE).read_text(encoding="utf-8"))["plans"]


def test_a_toml_list_of_base_urls_is_read_as_several_endpoints(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('backend = "openai"\nbase_url = ["http://127.0.0.1:1/v1/", "http://127.0.0.1:2/v1"]\nconcurrency = 4\n',
                      encoding="utf-8")
    settings = load_settings({"REVIEWER_CONFIG": str(config)})
    assert settings.base_urls() == ["http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"] and settings.workers() == 4
    assert load_settings({"REVIEWER_CONFIG": str(config)}, endpoint_concurrency=1).workers() == 2
