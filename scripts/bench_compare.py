"""Comparison benchmark: how the time of ``reviewer compare`` grows with the number of plans.

    .venv/bin/python scripts/bench_compare.py [--sizes 30,60,120,300] [--repeat 3] [--json OUT]

The plans are the blind set's 66 real-shaped plans (and the comparison set's, when it is there), then
perturbed copies of them up to 300: place name swapped, numbers changed, paragraphs reordered and one in
five dropped, so that copies are found as such. Each plan is first reviewed with the fake backend (not
timed) so that the comparison reads review reports, as it does after a batch run. For each size the
script reports the median wall time of ``compare`` (read the JSON reports, fields, passages, measures)
and of writing the outputs (PNG, HTML, XLSX), the number of copied-passage pairs and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reviewer import LoadError, Reviewer, load_settings
from reviewer.compare import compare
from reviewer.compare.outputs import write_outputs
from reviewer.scoring import read_dataset

ROOT = Path(__file__).resolve().parents[1]
PLACES = "东西南北中青白金银玉云山河湖海江川林石松桃柳梅兰竹泉溪宁安平和"


def base_plans() -> list[tuple[str, str]]:
    """(name, text) of the blind set's plans and the comparison set's plans."""
    plans = [(e.id, e.text) for split in ("blind_dev", "blind_test") for e in read_dataset(ROOT / "eval" / "data" / f"{split}.jsonl")]
    folder = ROOT / "eval" / "compare" / "plans"
    plans += [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))] if folder.is_dir() else []
    return plans


def perturb(text: str, rng: random.Random) -> str:
    """A copy of ``text`` with its place name swapped, numbers changed, paragraphs shuffled and some dropped."""
    lines = [line for line in text.splitlines() if line.strip()]
    head, body = lines[:1], lines[1:]
    place = re.match(r"^(?:中共)?([\u4e00-\u9fff]{2,3}?)(?:省|市|县|区)", head[0]) if head else None
    new_place = rng.choice(PLACES) + rng.choice(PLACES)
    body = [line for line in body if rng.random() > 0.2]
    rng.shuffle(body)
    copy = "\n".join(head + body)
    if place:
        copy = copy.replace(place.group(1), new_place)
    return re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), copy)


def write_reports(n: int, folder: Path) -> None:
    """Review ``n`` plans (the base plans, then perturbed copies) with the fake backend into ``folder``."""
    rng = random.Random(7)
    base = base_plans()
    reviewer = Reviewer(load_settings(environ={}, backend="fake", embedding="fake", home=folder / ".home"))
    written, i = 0, 0
    while written < n:
        name, text = base[i % len(base)]
        if i >= len(base):
            name, text = f"{name}-copy{i // len(base)}", perturb(text, rng)
        i += 1
        try:
            report = reviewer.review(text.encode("utf-8"), name=f"{name}.txt")
        except LoadError:  # a short notice whose copy lost too many lines: not a plan
            continue
        written += 1
        (folder / f"{written:04d}-{name}.json").write_text(report.model_dump_json(), encoding="utf-8")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bench(folder: Path, n: int, repeat: int) -> dict[str, object]:
    """Median times of comparing the first ``n`` reports of ``folder`` and of writing the outputs."""
    files = sorted(folder.glob("*.json"))[:n]
    compare_s, output_s = [], []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = compare(files)
        compare_s.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            write_outputs(result, Path(out))
            output_s.append(time.perf_counter() - started)
    assert result is not None
    return {"plans": len(result.plans), "compare_s": round(statistics.median(compare_s), 2),
            "outputs_s": round(statistics.median(output_s), 2),
            "total_s": round(statistics.median(compare_s) + statistics.median(output_s), 2),
            "stages": result.stage_seconds, "passage_pairs": len(result.passages), "clusters": len(result.clusters),
            "chars": sum(p.chars for p in result.plans), "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="30,60,120,300")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        write_reports(max(sizes), folder)
        print(f"reviewed {max(sizes)} plans with the fake backend in {time.perf_counter() - started:.0f} s (not timed below)",
              file=sys.stderr)
        rows = [bench(folder, n, args.repeat) for n in sizes]
    print("| plans | characters | compare s | outputs s | total s | s per plan | passage pairs | clusters | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        per_plan = float(r["total_s"]) / int(r["plans"])  # type: ignore[arg-type]
        print(f"| {r['plans']} | {r['chars']:,} | {r['compare_s']} | {r['outputs_s']} | {r['total_s']} | {per_plan:.3f} | "
              f"{r['passage_pairs']} | {r['clusters']} | {r['peak_rss_mb']} |")
    for r in rows:
        print(f"stages at {r['plans']}: {r['stages']}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
