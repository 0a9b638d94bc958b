"""Assemble the blind-written labelled set: texts, adjudicated labels, fixed dev/test split, agreement.

Inputs (outside the repo while labelling is blind): a folder with ``texts/<id>.txt`` and
``intent/<id>.json`` (the writers' intended labels), and ``labels/<labeller>/<id>.json``
(blind labellers). Gold = the adjudicated label where one exists (``adjudicated.json``),
else the majority of writer intent and the blind labellers. Writes
``eval/data/blind_{dev,test}.jsonl`` and ``eval/data/blind_agreement.md``.

    python scripts/build_blind_set.py /path/to/blind
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from reviewer.framework import CHECK_IDS as LABELS

SPLIT_SEED = 2026


def split(ids_by_kind: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Half of each document kind to dev and half to test, fixed by a seeded shuffle of sorted ids."""
    rng = random.Random(SPLIT_SEED)
    dev, test = [], []
    for kind in sorted(ids_by_kind):
        ids = sorted(ids_by_kind[kind])
        rng.shuffle(ids)
        half = (len(ids) + 1) // 2
        dev += ids[:half]
        test += ids[half:]
    return sorted(dev), sorted(test)


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two label lists."""
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(a) | set(b)) / (n * n)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def kappa_tables(pairs: dict[str, list[tuple[dict, dict]]]) -> list[str]:
    """Markdown: for each named pairing of label sets, κ and raw agreement per label."""
    lines = []
    for name, rows in pairs.items():
        lines += [f"## {name} ({len(rows)} documents)", "", "| label | κ | agreement |", "|---|---|---|"]
        for label in LABELS:
            a, b = [r[0][label] for r in rows], [r[1][label] for r in rows]
            agree = sum(x == y for x, y in zip(a, b)) / len(rows) if rows else 0
            lines.append(f"| {label} | {kappa(a, b):.2f} | {agree:.2f} |" if rows else f"| {label} | – | – |")
        lines.append("")
    return lines


def main(root: Path) -> None:
    out = Path(__file__).resolve().parents[1] / "eval" / "data"
    intents = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "written" / "intent").glob("*.json"))}
    passes: dict[str, dict[str, dict]] = defaultdict(dict)
    for folder in sorted((root / "labels").iterdir()):
        for p in folder.glob("*.json"):
            passes[p.stem][folder.name] = json.loads(p.read_text(encoding="utf-8"))
    adjudicated = json.loads((root / "adjudicated.json").read_text(encoding="utf-8")) if (root / "adjudicated.json").exists() else {}
    rows, kinds = {}, defaultdict(list)
    for doc_id, intent in intents.items():
        text = (root / "written" / "texts" / f"{doc_id}.txt").read_text(encoding="utf-8")
        first = {k: v for k, v in passes[doc_id].items() if k in ("A", "B")}
        labels, open_calls = {}, []
        for label in LABELS:
            votes = [intent["labels"][label]] + [v["labels"][label] for v in passes[doc_id].values()]
            if label in adjudicated.get(doc_id, {}):
                labels[label] = adjudicated[doc_id][label]
                continue
            value, count = Counter(votes).most_common(1)[0]
            if count * 2 > len(votes):
                labels[label] = value
            else:
                open_calls.append(label)
                labels[label] = next(iter(first.values()))["labels"][label] if first else intent["labels"][label]
        evidence = {k: [q for q in v if q in text] for k, v in intent.get("evidence", {}).items()}
        kinds[intent["kind"]].append(doc_id)
        rows[doc_id] = {
            "id": doc_id, "title": intent["title"], "level": intent["level"], "region": intent["region"],
            "kind": intent["kind"], "text": text, "labels": labels, "evidence": evidence,
            "source": "synthetic (blind-written: the writer never saw the reviewer's cue lists; labels by blind labellers, adjudicated)",
            "note": intent.get("note", ""), "open": open_calls,
        }
    dev, test = split(kinds)
    for name, ids in (("blind_dev", dev), ("blind_test", test)):
        with (out / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for i in ids:
                row = {k: v for k, v in rows[i].items() if k != "open"}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    open_total = sum(len(r["open"]) for r in rows.values())
    print(f"{len(rows)} documents: dev {len(dev)}, test {len(test)}; unresolved calls: {open_total}")
    print(" ".join(f"{r['id']}:{','.join(r['open'])}" for r in rows.values() if r["open"]))
    write_agreement(out / "blind_agreement.md", intents, passes)


def write_agreement(path: Path, intents: dict, passes: dict) -> None:
    """κ per label: first blind pass (A/B) against the second (C), and first pass against the writers' intent."""
    pairs = {"first pass vs second pass": [], "first pass vs writer intent": []}
    for doc_id, by in passes.items():
        first = by.get("A") or by.get("B")
        if first and "C" in by:
            pairs["first pass vs second pass"].append((first["labels"], by["C"]["labels"]))
        if first:
            pairs["first pass vs writer intent"].append((first["labels"], intents[doc_id]["labels"]))
    lines = ["# Agreement on the blind-written set", "",
             "Cohen's κ and raw agreement per label between independent blind labellers (A/B: first pass over all",
             "documents; C: second pass over a subset), and between the first pass and the writers' intended labels.", ""]
    lines += kappa_tables(pairs)
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
