"""The labelled set itself: format, verbatim evidence, balance, fixed split."""

import json
from collections import Counter
from pathlib import Path

import pytest

from reviewer.scoring import CLASSES, LABELS, read_dataset

DATA = Path(__file__).resolve().parents[1] / "eval" / "data"
DEV, TEST = read_dataset(DATA / "dev.jsonl"), read_dataset(DATA / "test.jsonl")
ALL = DEV + TEST


def test_size_ids_and_split():
    assert len(ALL) >= 80 and len({e.id for e in ALL}) == len(ALL)
    assert len(TEST) == 28 and not {e.id for e in DEV} & {e.id for e in TEST}


@pytest.mark.parametrize("example", ALL, ids=lambda e: e.id)
def test_example_is_well_formed(example):
    assert set(example.labels) == set(LABELS)
    assert all(example.labels[k] in CLASSES[k] for k in LABELS)
    assert example.level in {"province", "city", "county", "district", "zone"}
    assert example.region in {"east", "central", "west", "northeast"}
    assert 600 <= len(example.text) <= 3000 and example.note
    for label, quotes in example.evidence.items():
        for quote in quotes:
            assert quote in example.text, f"{label}: {quote!r} is not verbatim"


def test_balance():
    for label in LABELS:
        counts = Counter(e.labels[label] for e in ALL)
        if label.startswith("M"):
            assert 0.25 <= counts["present"] / len(ALL) <= 0.42, (label, counts)
        else:
            assert 0.18 <= counts["missing"] / len(ALL) <= 0.32, (label, counts)
            assert 0.18 <= counts["partial"] / len(ALL) <= 0.32, (label, counts)


def test_second_pass_covers_thirty_plans_or_more():
    rows = [json.loads(line) for line in (DATA / "second_pass.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 30 and "kappa" in (DATA / "agreement.md").read_text(encoding="utf-8").lower()


def test_current_labels_are_the_majority_of_the_first_labels_and_two_blind_passes():
    first = {e.id: e for split in ("dev", "test") for e in read_dataset(DATA / "first_labels" / f"{split}.jsonl")}
    passes = DATA.parent / "relabel" / "labels"
    assert {e.id for e in ALL} == set(first)
    changed = 0
    for example in ALL:
        assert example.text == first[example.id].text
        blind = [json.loads((passes / name / f"{example.id}.json").read_text(encoding="utf-8"))["labels"]
                 for name in ("D", "E")]
        for label in LABELS:
            votes = Counter([first[example.id].labels[label]] + [b[label] for b in blind])
            value, count = votes.most_common(1)[0]
            assert count >= 2 and example.labels[label] == value, (example.id, label)
            changed += example.labels[label] != first[example.id].labels[label]
    assert changed == 7  # all present→absent on thematic plans, listed in relabel_agreement.md
