"""Batch throughput over 1, 2, 4 and 8 stub OpenAI-compatible endpoints on loopback, and a fault run.

Each stub (``tests/stub_openai.py``) runs in its own process and serves one request at a time with a fixed
service time, so one endpoint answers at most ``1 / service_s`` calls a second. The batch runs here as
``reviewer review folder/ --backend openai --concurrency`` does (``review_batch``), with ``2 × endpoints``
plans in flight and at most 2 requests per endpoint; the plans are the blind test split's, cycled, judged
with the bundled 1.5B's thresholds (so as many calls per plan as in the README's batch), the fake embedder
and the score cache off. Client CPU per plan is this process's user + system time (``resource.getrusage``)
over the batch, divided by the plans; the stubs' CPU is not in it.

The fault run: ``--fault-plans`` plans against 3 endpoints, one of which stops answering about halfway and
one of which fails 10% of its requests with HTTP 500; its verdicts are compared with a sequential run
against one healthy endpoint, and the state file is checked for every plan.

    python scripts/bench_scale.py --out eval/results/bench_scale.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's reviewer, and the stub

from stub_openai import StubServer  # noqa: E402

from reviewer import Reviewer, load_settings  # noqa: E402
from reviewer.batch import BatchState, review_batch  # noqa: E402
from reviewer.embeddings import HashEmbeddings  # noqa: E402
from reviewer.scoring import read_dataset  # noqa: E402

MODEL = "qwen2.5-coder-1.5b"
"""Whose calibrated thresholds pick the sentences asked (the endpoints are stubs)."""


def write_plans(folder: Path, n: int) -> list[Path]:
    """``n`` plan files: the blind test split's texts, cycled."""
    examples = read_dataset(ROOT / "eval" / "data" / "blind_test.jsonl")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        paths.append(folder / f"plan{i:03d}.txt")
        paths[-1].write_text(examples[i % len(examples)].text, encoding="utf-8")
    return paths


def start_stubs(n: int, service_s: float) -> list[subprocess.Popen[str]]:
    """``n`` stub endpoints, each in its own process; their URLs are on ``.url``."""
    procs = []
    for _ in range(n):
        proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "stub_openai.py"), "--service-s", str(service_s)],
                                stdout=subprocess.PIPE, text=True)
        proc.url = proc.stdout.readline().strip()  # type: ignore[attr-defined, union-attr]
        procs.append(proc)
    return procs


def make_reviewer(urls: list[str], home: Path, **settings: Any) -> Reviewer:
    """A reviewer over the endpoints, its corpus index opened."""
    reviewer = Reviewer(load_settings(backend="openai", base_url=",".join(urls), model=MODEL, embedding="fake",
                                      home=home, score_cache=False, **settings), embeddings=HashEmbeddings())
    reviewer.corpus  # noqa: B018 - built before the clock starts
    return reviewer


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def throughput(n: int, service_s: float, plans_per_endpoint: int, work: Path) -> dict[str, Any]:
    """One batch over ``n`` endpoints: plans per minute and client CPU per plan."""
    procs = start_stubs(n, service_s)
    try:
        plans = write_plans(work / f"plans{n}", plans_per_endpoint * n)
        reviewer = make_reviewer([p.url for p in procs], work / "home",  # type: ignore[attr-defined]
                                 concurrency=2 * n, endpoint_concurrency=2)
        reviewer.review(plans[0])  # warm: first-use imports and loads are not counted
        cpu, started = cpu_s(), time.perf_counter()
        result = review_batch(plans, work / f"out{n}", reviewer)
        wall, cpu = time.perf_counter() - started, cpu_s() - cpu
    finally:
        for proc in procs:
            proc.kill()
    calls = sum(json.loads(Path(i.outputs[0]).read_text(encoding="utf-8"))["run"]["usage"]["calls"] for i in result.items)
    return {"endpoints": n, "concurrency": 2 * n, "plans": len(plans), "reviewed": sum(i.status == "reviewed" for i in result.items),
            "wall_s": round(wall, 2), "plans_per_min": round(60 * len(plans) / wall, 1), "calls": calls,
            "calls_per_s": round(calls / wall, 1), "ceiling_calls_per_s": round(n / service_s, 1),
            "client_cpu_s_per_plan": round(cpu / len(plans), 3), "client_cpu_share": round(cpu / wall, 2)}


def verdicts(out: Path) -> dict[str, list[tuple[str, str]]]:
    return {p.stem: [(f["check_id"], f["verdict"]) for f in json.loads(p.read_text(encoding="utf-8"))["findings"]]
            for p in sorted(out.glob("plan*.json"))}


def fault_run(n_plans: int, work: Path) -> dict[str, Any]:
    """``n_plans`` over 3 in-process stubs: one dies halfway, one fails 10%; against a sequential reference."""
    plans, home = write_plans(work / "fault-plans", n_plans), work / "home"
    one = StubServer(0.005).start()
    review_batch(plans, work / "fault-ref", make_reviewer([one.url], home))
    calls_each = one.answered / 3
    one.stop()
    healthy, failing = StubServer(0.005).start(), StubServer(0.005, error_rate=0.1, seed=1).start()
    dying = StubServer(0.005, die_after=int(calls_each / 2)).start()
    reviewer = make_reviewer([healthy.url, failing.url, dying.url], home, concurrency=6, endpoint_concurrency=2,
                             endpoint_cooldown_s=2.0)
    asked: list[str] = []
    review = reviewer.review
    reviewer.review = lambda source, **kw: (asked.append(str(source)), review(source, **kw))[1]  # type: ignore[method-assign]
    result = review_batch(plans, work / "fault", reviewer)
    state = BatchState.read(work / "fault")
    for server in (healthy, failing, dying):
        server.stop()
    return {"plans": n_plans, "reviewed": sum(i.status == "reviewed" for i in result.items),
            "complete": sum(not json.loads(Path(i.outputs[0]).read_text(encoding="utf-8"))["summary"]["failed"]
                            for i in result.items if i.outputs),
            "reviewed_twice": len(asked) - len(set(asked)), "lost": len({str(p) for p in plans} - set(asked)),
            "state_entries_ok": sum(e.error is None and bool(e.sha256) for e in state.plans.values()),
            "verdicts_equal_sequential": verdicts(work / "fault") == verdicts(work / "fault-ref"),
            "dying_answered": dying.answered, "dying_refused_after_death": dying.refused,
            "failing_errors": failing.errors, "failing_answered": failing.answered, "healthy_answered": healthy.answered}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--service-s", type=float, default=0.1)
    parser.add_argument("--plans-per-endpoint", type=int, default=8)
    parser.add_argument("--endpoints", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--fault-plans", type=int, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "bench_scale.json")
    args = parser.parse_args()
    conditions = {"cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in os.getloadavg()],
                  "service_s": args.service_s, "endpoint_concurrency": 2, "thresholds_of": MODEL, "embedding": "fake"}
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for n in args.endpoints:
            rows.append(throughput(n, args.service_s, args.plans_per_endpoint, Path(tmp)))
            print(json.dumps(rows[-1]), flush=True)
        fault = fault_run(args.fault_plans, Path(tmp)) if args.fault_plans else None
        print(json.dumps(fault), flush=True)
    conditions["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    base = rows[0]["plans_per_min"] if rows and rows[0]["endpoints"] == 1 else None
    for row in rows:
        row["speedup"] = round(row["plans_per_min"] / base, 2) if base else None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"conditions": conditions, "throughput": rows, "fault": fault}, indent=1), encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
