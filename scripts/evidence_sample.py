"""Draw shown evidence quotes for a blind precision check, and score the reader's verdicts.

    python scripts/evidence_sample.py draw OUT.json DATASET=RUN ...   # quotes from long and thematic plans
    python scripts/evidence_sample.py score OUT.json VERDICTS.json     # precision of accepted quotes

The reader sees the plan, the claim (the indicator question the quote is shown for) and the
quote, never the model's score or the verdict; ``VERDICTS.json`` maps item id to accept/reject.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from reviewer.aggregate import shown
from reviewer.contracts import Evidence
from reviewer.evaluate import recorded_reports
from reviewer.framework import load_framework

SEED = 7
LONG_CHARS = 8000


def draw(out: Path, pairs: list[str], n: int = 70) -> None:
    """Every quote shown for long or thematic plans, then a seeded sample of ``n``."""
    questions = {i.id: i.question for c in load_framework().checks for i in c.indicators}
    items = []
    for pair in pairs:
        for example, report in recorded_reports(pair):
            if len(example.text) < LONG_CHARS and (report.scope is None or report.scope.kind != "thematic"):
                continue
            for f in report.findings:
                # the shipped display rule, also for runs recorded before it (they kept up to 3 per indicator)
                by_indicator: dict[str, list[Evidence]] = {}
                for e in f.evidence:
                    by_indicator.setdefault(e.indicator, []).append(e)
                for e in (e for group in by_indicator.values() for e in shown(group)):
                    items.append({"plan": example.id, "check": f.check_id, "claim": questions[e.indicator],
                                  "section": " / ".join(e.heading_path), "quote": e.quote, "score": e.score})
    random.Random(SEED).shuffle(items)
    sample = [dict(item, item=f"q{i:03d}") for i, item in enumerate(items[:n])]
    out.write_text(json.dumps(sample, ensure_ascii=False, indent=1), encoding="utf-8")
    # what the reader sees: no model score
    reader = [{k: v for k, v in item.items() if k != "score"} for item in sample]
    out.with_suffix(".reader.json").write_text(json.dumps(reader, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(items)} quotes shown for long or thematic plans; {len(sample)} drawn to {out}")


def score(items_path: Path, verdicts_path: Path) -> None:
    """Precision: share of drawn quotes the reader accepted, overall and per check."""
    items = json.loads(items_path.read_text(encoding="utf-8"))
    verdicts = json.loads(verdicts_path.read_text(encoding="utf-8"))
    judged = [(i, verdicts[i["item"]]) for i in items if i["item"] in verdicts]
    accepted = sum(1 for _, v in judged if v == "accept")
    print(f"accepted {accepted} of {len(judged)}: precision {accepted / len(judged):.3f}")
    for check in sorted({i["check"] for i, _ in judged}):
        rows = [v for i, v in judged if i["check"] == check]
        print(f"  {check}: {sum(v == 'accept' for v in rows)}/{len(rows)}")
    for label, keep in (("score >= 0.6", lambda x: x >= 0.6), ("score < 0.6", lambda x: x < 0.6)):
        rows = [v for i, v in judged if i.get("score") is not None and keep(i["score"])]
        if rows:
            print(f"  {label}: {sum(v == 'accept' for v in rows)}/{len(rows)}")


if __name__ == "__main__":
    if sys.argv[1] == "draw":
        draw(Path(sys.argv[2]), sys.argv[3:])
    else:
        score(Path(sys.argv[2]), Path(sys.argv[3]))
