"""Relabel the first synthetic set under the rubric's reading rules: majority of the first labels and two blind passes.

The first synthetic set (``syn-*``) was labelled before the rubric had its reading rules on document
scope and boilerplate, so some excerpts carry misconceptions inferred from silence. Two blind
labellers (``eval/relabel/labels/D`` and ``E``) labelled all 84 texts again from the rubric alone,
without the first labels, the cue lists or any output of the reviewer. Gold = the majority of the
first label and the two blind passes; where all three differ, a ruling in ``adjudicated.json``,
else the first label (and the call is reported as open). ``kind`` is D's document kind (D and E
disagree on it for 6 of the 84 texts; ``relabel_agreement.md`` lists the labels, not the kinds).

Inputs: ``eval/data/first_labels/{dev,test}.jsonl`` (the first labels, kept unchanged) and the
relabel folder. Writes ``eval/data/{dev,test}.jsonl`` (same ids and texts, current labels) and
``eval/data/relabel_agreement.md``.

    python scripts/relabel_synthetic.py eval/relabel
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_blind_set import kappa_tables  # noqa: E402

from reviewer.framework import CHECK_IDS as LABELS  # noqa: E402
from reviewer.scoring import read_dataset  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "eval" / "data"
PASSES = ("D", "E")


def relabel(row: dict, passes: dict[str, dict], rulings: dict[str, str]) -> tuple[dict, list[str], list[str]]:
    """The row with current labels; the labels that changed; the calls left open."""
    text = row["text"]
    labels, evidence, changed, open_calls = {}, {}, [], []
    for label in LABELS:
        first = row["labels"][label]
        votes = [first] + [p["labels"][label] for p in passes.values()]
        value, count = Counter(votes).most_common(1)[0]
        if count < 2:
            value = rulings.get(label, first)
            if label not in rulings:
                open_calls.append(label)
        labels[label] = value
        if value == first:
            if label in row.get("evidence", {}):
                evidence[label] = row["evidence"][label]
        else:
            changed.append(f"{label} {first}→{value}")
            if value not in ("absent", "missing"):
                quotes = [q for p in passes.values() if p["labels"][label] == value
                          for q in p.get("evidence", {}).get(label, []) if q and q in text]
                evidence[label] = list(dict.fromkeys(quotes))
    kind = passes["D"].get("scope", "")
    note = row.get("note", "")
    if changed:
        note = f"{note} Relabelled under the rubric's reading rules (majority with two blind passes): {', '.join(changed)}."
    new = {**row, "kind": kind, "labels": labels, "evidence": evidence, "note": note.strip()}
    return new, changed, open_calls


def main(root: Path) -> None:
    rulings = json.loads((root / "adjudicated.json").read_text(encoding="utf-8")) if (root / "adjudicated.json").exists() else {}
    pairs: dict[str, list[tuple[dict, dict]]] = {"D vs E": [], "D vs first labels": [], "E vs first labels": []}
    changes: Counter[str] = Counter()
    lines_changed, open_total = [], []
    for split in ("dev", "test"):
        rows = [e.model_dump(exclude={"kind"}) for e in read_dataset(DATA / "first_labels" / f"{split}.jsonl")]
        out = []
        for row in rows:
            passes = {}
            for name in PASSES:
                path = root / "labels" / name / f"{row['id']}.json"
                if not path.exists():
                    raise SystemExit(f"missing blind label {path}")
                passes[name] = json.loads(path.read_text(encoding="utf-8"))
            new, changed, open_calls = relabel(row, passes, rulings.get(row["id"], {}))
            out.append(new)
            pairs["D vs E"].append((passes["D"]["labels"], passes["E"]["labels"]))
            pairs["D vs first labels"].append((passes["D"]["labels"], row["labels"]))
            pairs["E vs first labels"].append((passes["E"]["labels"], row["labels"]))
            for c in changed:
                changes[f"{split} {c}"] += 1
            if changed:
                lines_changed.append(f"| {row['id']} | {split} | {new['kind']} | {', '.join(changed)} |")
            open_total += [f"{row['id']}:{c}" for c in open_calls]
        with (DATA / f"{split}.jsonl").open("w", encoding="utf-8") as f:
            for row in out:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"changed labels: {sum(changes.values())}; open calls: {len(open_total)} {' '.join(open_total)}")
    for key, n in sorted(changes.items()):
        print(f"  {key}: {n}")
    write_agreement(DATA / "relabel_agreement.md", pairs, lines_changed, open_total)


def write_agreement(path: Path, pairs: dict, lines_changed: list[str], open_calls: list[str]) -> None:
    """κ per label between the two blind passes and against the first labels, and every changed label."""
    lines = ["# Relabelling the first synthetic set under the reading rules", "",
             "Two blind labellers (D, E) labelled all 84 `syn-*` texts from the rubric alone. Gold is the majority",
             "of the first label and the two passes (`scripts/relabel_synthetic.py`); the first labels are kept",
             "unchanged in `first_labels/`.", ""]
    lines += kappa_tables(pairs)
    lines += ["## Labels that changed", "", "| id | split | kind (labeller D) | change |", "|---|---|---|---|",
              *lines_changed, "", f"Open calls (no majority, no ruling): {', '.join(open_calls) or 'none'}.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
