"""Score ``reviewer compare`` on the labelled comparison set (``eval/compare``).

    .venv/bin/python scripts/eval_compare.py [--set eval/compare] [--json OUT] [--show] [--reports DIR]

The set holds ``plans/*.txt`` and ``manifest.json``: per-plan ``grounding`` labels (0–1), the copied
paragraph pairs ``copied_paragraphs`` [{a, para_a, b, para_b}] (1-based paragraph = i-th non-empty line)
and ``field_mentions`` [{plan, quote, field}]. The plans are split in two halves that keep copy families
(plans linked by copied paragraphs) together: the *tuning* half (at most half the plans; the only one the
settings were fitted on) and the *test* half (reported). Each half is compared as its own batch, text
only (no reviews), and scored on:

- copied-paragraph pairs: precision and recall of the predicted pairs against the labelled ones;
- grounding: Spearman correlation between the plans' grounding scores and the labels;
- taxonomy: accuracy of the field the matcher gives each labelled mention's quote.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scipy.stats import spearmanr

from reviewer.compare import FieldMatcher, compare, load_taxonomy
from reviewer.compare.models import Comparison

ROOT = Path(__file__).resolve().parents[1]
Pair = frozenset[tuple[str, int]]


def plan_id(ref: str) -> str:
    """A plan reference as the plan's file stem (``plans/p01.txt`` → ``p01``)."""
    return Path(str(ref)).stem


def _records(value: Any, key: str = "id") -> list[dict[str, Any]]:
    """A list of records from a list of dicts or a dict keyed by id."""
    if isinstance(value, dict):
        return [{key: k, **(v if isinstance(v, dict) else {"value": v})} for k, v in value.items()]
    return list(value or [])


def grounding_labels(manifest: dict[str, Any]) -> dict[str, float]:
    """Plan → labelled grounding, from ``grounding`` or from the plan records."""
    if isinstance(manifest.get("grounding"), dict):
        return {plan_id(k): float(v) for k, v in manifest["grounding"].items()}
    labels = {}
    for record in _records(manifest.get("plans")):
        ref = record.get("id") or record.get("plan") or record.get("file") or record.get("name")
        if ref is not None and record.get("grounding") is not None:
            labels[plan_id(ref)] = float(record["grounding"])
    return labels


def copied_pairs(manifest: dict[str, Any]) -> set[Pair]:
    """The labelled copied-paragraph pairs, unordered."""
    return {frozenset({(plan_id(r["a"]), int(r["para_a"])), (plan_id(r["b"]), int(r["para_b"]))})
            for r in manifest.get("copied_paragraphs", [])}


def split(plans: list[str], pairs: Iterable[Pair]) -> tuple[list[str], list[str]]:
    """(tuning, test): copy families kept whole, in name order, each to the smaller half (tuning at most half)."""
    parent = {p: p for p in plans}

    def root(p: str) -> str:
        while parent[p] != p:
            p = parent[p]
        return p

    for pair in pairs:
        (a, _), (b, _) = sorted(pair)
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    families: dict[str, list[str]] = {}
    for p in sorted(plans):
        families.setdefault(root(p), []).append(p)
    tune: list[str] = []
    test: list[str] = []
    for members in sorted(families.values()):
        fits = len(tune) + len(members) <= len(plans) // 2 and len(tune) <= len(test)
        (tune if fits else test).extend(members)
    return sorted(tune), sorted(test)


def predicted_pairs(result: Comparison) -> set[Pair]:
    """The comparison's copied-passage pairs, unordered."""
    return {frozenset({(p.a, p.para_a), (p.b, p.para_b)}) for p in result.passages}


def _input(folder: Path, plan: str, reports: Path | None) -> Path:
    """The plan's review report from ``reports`` when there is one (its E3 evidence then grounds fields), else its text."""
    report = reports / f"{plan}.json" if reports else None
    return report if report is not None and report.is_file() else folder / "plans" / f"{plan}.txt"


def score_half(folder: Path, plans: list[str], manifest: dict[str, Any], show: bool,
               reports: Path | None = None) -> dict[str, Any]:
    """Compare one half as a batch and score it."""
    result = compare([_input(folder, p, reports) for p in plans])
    keep = set(plans)
    gold = {pair for pair in copied_pairs(manifest) if all(plan in keep for plan, _ in pair)}
    found = predicted_pairs(result)
    hits = gold & found
    labels = grounding_labels(manifest)
    scored = [(p, result.plan(p).grounding, labels[p]) for p in plans if p in labels]
    rho = spearmanr([s for _, s, _ in scored], [g for _, _, g in scored]).statistic if len(scored) > 2 else float("nan")
    matcher = FieldMatcher(load_taxonomy())
    names = {f.name: f.id for f in matcher.taxonomy.fields}
    mentions = [m for m in manifest.get("field_mentions", []) if plan_id(m["plan"]) in keep]
    right = [m for m in mentions if matcher.best(m["quote"]) == names.get(m["field"], m["field"])]
    field_agree, field_total = _field_grounding(result, manifest, plans)
    if show:
        _show(gold - found, found - gold, [m for m in mentions if m not in right], matcher, scored)
    return {
        "plans": len(plans), "seconds": result.seconds,
        "pairs_gold": len(gold), "pairs_found": len(found),
        "precision": round(len(hits) / len(found), 3) if found else None,
        "recall": round(len(hits) / len(gold), 3) if gold else None,
        "spearman": round(float(rho), 3), "grounding_plans": len(scored),
        "mentions": len(mentions), "taxonomy_accuracy": round(len(right) / len(mentions), 3) if mentions else None,
        "fields_labelled": field_total, "field_grounding_accuracy": round(field_agree / field_total, 3) if field_total else None,
    }


def _field_grounding(result: Comparison, manifest: dict[str, Any], plans: list[str]) -> tuple[int, int]:
    """(agreeing, labelled): labelled plan fields whose grounded flag the comparison gets right (a missed field is wrong)."""
    records = {plan_id(r.get("id", "")): r for r in _records(manifest.get("plans"))}
    agree = total = 0
    for name in plans:
        found = {f.field: f.grounded for f in result.plan(name).fields}
        for label in records.get(name, {}).get("fields", []):
            total += 1
            agree += found.get(label["field"]) == bool(label["grounded"])
    return agree, total


def _show(missed: set[Pair], wrong: set[Pair], bad: list[dict[str, Any]], matcher: FieldMatcher,
          scored: list[tuple[str, float, float]]) -> None:
    for title, pairs in (("missed", missed), ("wrong", wrong)):
        for pair in sorted(pairs, key=sorted):
            print(f"{title}: {sorted(pair)}", file=sys.stderr)
    for m in bad:
        print(f"mapping: {m['plan']} {m['quote']!r} label {m['field']} got {matcher.best(m['quote'])}", file=sys.stderr)
    for plan, score, label in sorted(scored, key=lambda s: s[2]):
        print(f"grounding: {plan} score {score:.2f} label {label:.2f}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", dest="folder", type=Path, default=ROOT / "eval" / "compare")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--show", action="store_true", help="List the errors of the tuning half (never of the test half).")
    parser.add_argument("--half", choices=["tuning", "test", "both"], default="both",
                        help="Score only one half (tune with --half tuning, so the test figures stay unseen).")
    parser.add_argument("--reports", type=Path, default=None,
                        help="A batch-review folder: plans with a report there are compared from it (E3 evidence grounds).")
    args = parser.parse_args()
    manifest_path = args.folder / "manifest.json"
    if not manifest_path.is_file():
        sys.exit(f"{manifest_path} is not there yet: nothing to score")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    plans = sorted(p.stem for p in (args.folder / "plans").glob("*.txt"))
    tune, test = split(plans, copied_pairs(manifest))
    rows = {}
    if args.half in ("tuning", "both"):
        rows["tuning"] = score_half(args.folder, tune, manifest, args.show, args.reports)
    if args.half in ("test", "both"):
        rows["test"] = score_half(args.folder, test, manifest, False, args.reports)
    print(f"tuning half ({len(tune)}): {', '.join(tune)}")
    print(f"test half ({len(test)}): {', '.join(test)}")
    print("| half | plans | copied pairs (labelled / found) | precision | recall | Spearman (grounding) | "
          "field grounded right | mentions | taxonomy accuracy | s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for half, r in rows.items():
        print(f"| {half} | {r['plans']} | {r['pairs_gold']} / {r['pairs_found']} | {r['precision']} | {r['recall']} | "
              f"{r['spearman']} | {r['field_grounding_accuracy']} of {r['fields_labelled']} | {r['mentions']} | "
              f"{r['taxonomy_accuracy']} | {r['seconds']} |")
    if args.json:
        args.json.write_text(json.dumps({"tuning_plans": tune, "test_plans": test, **rows}, ensure_ascii=False, indent=1),
                             encoding="utf-8")


if __name__ == "__main__":
    main()
