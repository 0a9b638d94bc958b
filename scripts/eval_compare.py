"""Score ``reviewer compare`` on a labelled comparison set (``eval/compare``, or any set in its format).

    .venv/bin/python scripts/eval_compare.py [--set DIR | --manifest FILE --plans DIR] [--half all]
                                             [--cv] [--json OUT] [--show] [--reports DIR]

A set holds ``plans/*.txt`` and ``manifest.json`` (``--manifest``/``--plans`` name them apart): per-plan
``grounding`` labels (0–1) and ``fields`` [{field, grounded}], the copied paragraph pairs
``copied_paragraphs`` [{a, para_a, b, para_b}] (1-based paragraph = i-th non-empty line), ``field_mentions``
[{plan, quote, field}] and ``group`` per plan. The plans are split in two halves that keep copy families
(plans linked by copied paragraphs) together (*tuning* and *test*); ``--half all`` compares the whole set
as one batch (a new held-out set is scored so). Each batch is compared text only (no reviews) and scored on:

- copied-paragraph pairs: precision and recall of the predicted pairs against the labelled ones;
- grounding: Spearman correlation between the plans' grounding scores and the labels, and the share of
  labelled plan fields whose grounded flag is right (a field not found counts as wrong);
- taxonomy: accuracy of the field the matcher gives each labelled mention's quote;
- the ⚠ warning against the groups (it should fire on hot-list plans and their copies, on no other) and the
  near-identical clusters against the copy families (plan pairs linked by ``copy_of`` in group ``copy``).

``--cv`` fits the grounding switches (which kinds of evidence and which scopes count) on each half and
scores them on the other, both ways.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any, get_args

from scipy.stats import spearmanr

from reviewer.compare import CompareSettings, FieldMatcher, compare_plans, load_taxonomy
from reviewer.compare.inputs import gather
from reviewer.compare.models import Comparison
from reviewer.compare.taxonomy import EvidenceKind, Scope

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
    return report if report is not None and report.is_file() else folder / f"{plan}.txt"


def warned_groups(manifest: dict[str, Any]) -> set[str]:
    """Plans the ⚠ warning should fire on: hot-list plans and copies of them."""
    records = {plan_id(r.get("id", "")): r for r in _records(manifest.get("plans"))}
    hot = {p for p, r in records.items() if r.get("group") == "hotlist"}
    return hot | {p for p, r in records.items() if r.get("group") == "copy" and plan_id(r.get("copy_of") or "") in hot}


def copy_families(manifest: dict[str, Any], keep: set[str]) -> set[frozenset[str]]:
    """Labelled near-identical plan pairs: each copy with its source (both in ``keep``)."""
    return {frozenset({p, plan_id(r["copy_of"])}) for r in _records(manifest.get("plans"))
            if r.get("group") == "copy" and r.get("copy_of") and (p := plan_id(r["id"])) in keep
            and plan_id(r["copy_of"]) in keep}


def _pr(found: set[Any], gold: set[Any]) -> tuple[float | None, float | None]:
    hits = len(found & gold)
    return (round(hits / len(found), 3) if found else None, round(hits / len(gold), 3) if gold else None)


def compare_half(folder: Path, plans: list[str], reports: Path | None = None,
                 settings: CompareSettings | None = None) -> Comparison:
    """Compare one half (or the whole set) as a batch."""
    return compare_plans(gather([_input(folder, p, reports) for p in plans]).plans, settings)


def score_half(result: Comparison, plans: list[str], manifest: dict[str, Any], show: bool = False) -> dict[str, Any]:
    """Score one batch's comparison against the labels."""
    keep = set(plans)
    gold = {pair for pair in copied_pairs(manifest) if all(plan in keep for plan, _ in pair)}
    found = predicted_pairs(result)
    precision, recall = _pr(found, gold)
    labels = grounding_labels(manifest)
    scored = [(p, result.plan(p).grounding, labels[p]) for p in plans if p in labels]
    rho = spearmanr([s for _, s, _ in scored], [g for _, _, g in scored]).statistic if len(scored) > 2 else float("nan")
    matcher = FieldMatcher(load_taxonomy())
    names = {f.name: f.id for f in matcher.taxonomy.fields}
    mentions = [m for m in manifest.get("field_mentions", []) if plan_id(m["plan"]) in keep]
    right = [m for m in mentions if matcher.best(m["quote"]) == names.get(m["field"], m["field"])]
    field_agree, field_total = _field_grounding(result, manifest, plans)
    warn_p, warn_r = _pr({p.name for p in result.plans if p.warning}, warned_groups(manifest) & keep)
    linked = {frozenset(pair) for c in result.clusters for pair in combinations(c.plans, 2)}
    cluster_p, cluster_r = _pr(linked, copy_families(manifest, keep))
    if show:
        _show(gold - found, found - gold, [m for m in mentions if m not in right], matcher, scored)
    return {
        "plans": len(plans), "seconds": result.seconds,
        "pairs_gold": len(gold), "pairs_found": len(found), "precision": precision, "recall": recall,
        "spearman": round(float(rho), 3), "grounding_plans": len(scored),
        "mentions": len(mentions), "taxonomy_accuracy": round(len(right) / len(mentions), 3) if mentions else None,
        "fields_labelled": field_total, "field_grounding_accuracy": round(field_agree / field_total, 3) if field_total else None,
        "warnings": sum(p.warning for p in result.plans), "warn_precision": warn_p, "warn_recall": warn_r,
        "cluster_pairs": len(linked), "cluster_precision": cluster_p, "cluster_recall": cluster_r,
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


SWITCHES: list[tuple[str, str]] = [("kinds", k) for k in get_args(EvidenceKind)] + [("scopes", s) for s in get_args(Scope)]


def _switched(on: tuple[int, ...]) -> CompareSettings:
    return CompareSettings(kinds=[SWITCHES[i][1] for i in on if SWITCHES[i][0] == "kinds"],  # type: ignore[misc]
                           scopes=[SWITCHES[i][1] for i in on if SWITCHES[i][0] == "scopes"])  # type: ignore[misc]


def fit_switches(folder: Path, plans: list[str], manifest: dict[str, Any]) -> tuple[int, ...]:
    """The grounding switches that score best on ``plans``: field accuracy, then Spearman, then the fewest on."""
    inputs = gather([_input(folder, p, None) for p in plans]).plans
    best: tuple[tuple[float, float, int], tuple[int, ...]] | None = None
    for n in range(len(SWITCHES) + 1):
        for on in combinations(range(len(SWITCHES)), n):
            row = score_half(compare_plans(inputs, _switched(on)), plans, manifest)
            key = (row["field_grounding_accuracy"] or 0.0, row["spearman"], -n)
            if best is None or key > best[0]:
                best = (key, on)
    assert best is not None
    return best[1]


def cross_validate(folder: Path, halves: dict[str, list[str]], manifest: dict[str, Any]) -> dict[str, Any]:
    """Fit the switches on each half, score them on the other."""
    rows = {}
    for fit, score in (("tuning", "test"), ("test", "tuning")):
        on = fit_switches(folder, halves[fit], manifest)
        row = score_half(compare_half(folder, halves[score], settings=_switched(on)), halves[score], manifest)
        rows[f"fitted on {fit}, scored on {score}"] = {**row, "switches": [SWITCHES[i][1] for i in on]}
    return rows


def _table(rows: dict[str, dict[str, Any]]) -> None:
    print("| batch | plans | copied pairs (labelled / found) | precision | recall | Spearman (grounding) | "
          "field grounded right | taxonomy accuracy (mentions) | ⚠ P / R (n) | clusters P / R (pairs) | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for half, r in rows.items():
        switches = f" [{', '.join(r['switches'])}]" if "switches" in r else ""
        print(f"| {half}{switches} | {r['plans']} | {r['pairs_gold']} / {r['pairs_found']} | {r['precision']} | {r['recall']} | "
              f"{r['spearman']} | {r['field_grounding_accuracy']} of {r['fields_labelled']} | "
              f"{r['taxonomy_accuracy']} ({r['mentions']}) | {r['warn_precision']} / {r['warn_recall']} ({r['warnings']}) | "
              f"{r['cluster_precision']} / {r['cluster_recall']} ({r['cluster_pairs']}) | {r['seconds']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", dest="folder", type=Path, default=ROOT / "eval" / "compare",
                        help="A set folder holding manifest.json and plans/ (default: eval/compare).")
    parser.add_argument("--manifest", type=Path, default=None, help="The manifest, if not SET/manifest.json.")
    parser.add_argument("--plans", type=Path, default=None, help="The folder of plans/*.txt, if not SET/plans.")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--show", action="store_true", help="List the errors of the tuning half (never of the test half).")
    parser.add_argument("--half", choices=["tuning", "test", "both", "all"], default="both",
                        help="Score one half, both halves (each its own batch), or all plans as one batch.")
    parser.add_argument("--cv", action="store_true", help="Also fit the grounding switches on each half and score on the other.")
    parser.add_argument("--reports", type=Path, default=None,
                        help="A batch-review folder: plans with a report there are compared from it (E3 evidence grounds).")
    args = parser.parse_args()
    manifest_path = args.manifest or args.folder / "manifest.json"
    plans_dir = args.plans or args.folder / "plans"
    if not manifest_path.is_file():
        sys.exit(f"{manifest_path} is not there yet: nothing to score")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    plans = sorted(p.stem for p in plans_dir.glob("*.txt"))
    tune, test = split(plans, copied_pairs(manifest))
    batches = {"tuning": tune, "test": test, "all": plans}
    chosen = {"both": ["tuning", "test"], "all": ["all"]}.get(args.half, [args.half])
    rows = {b: score_half(compare_half(plans_dir, batches[b], args.reports), batches[b], manifest, args.show and b == "tuning")
            for b in chosen}
    if args.cv:
        rows |= cross_validate(plans_dir, {"tuning": tune, "test": test}, manifest)
    print(f"tuning half ({len(tune)}): {', '.join(tune)}")
    print(f"test half ({len(test)}): {', '.join(test)}")
    _table(rows)
    if args.json:
        args.json.write_text(json.dumps({"tuning_plans": tune, "test_plans": test, **rows}, ensure_ascii=False, indent=1),
                             encoding="utf-8")


if __name__ == "__main__":
    main()
