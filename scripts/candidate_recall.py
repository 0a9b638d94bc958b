"""How often the sentences the model is shown include one the labellers chose as evidence.

The model can only say yes to what it is shown, so the candidate stage caps recall (``STYLE`` lesson:
measure the filter on its own). For every positive label with labelled evidence (M ``present``, E
``covered`` or ``partial``), a hit is a candidate of any of the check's indicators whose sentence contains a
labelled quote, or half of a quote's character bigrams. Two candidate sets, as the reviewer builds them:
*cues*, the two cue-richest sentences per indicator (what the bundled 1.5B is shown, its thresholds having
switched meaning-found sentences off), and *cues + meaning*, three per indicator with the third nearest to the
question in the embedding space (what an uncalibrated, stronger model is shown). *Any cue* is the bound of
a cue stage: every cue-bearing sentence that may be evidence (a sentence standing in for its heading carries
the heading's cues), as if the model were shown them all.

    python scripts/candidate_recall.py eval/data/blind_dev.jsonl eval/data/dev.jsonl ...
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from reviewer.candidates import bigrams, overlap, select_candidates
from reviewer.evaluate import document_name
from reviewer.ingest import clean, read
from reviewer.pipeline import Reviewer
from reviewer.scoring import read_dataset
from reviewer.sentences import segment

POSITIVE = {"present", "covered", "partial"}


def contains(sentence: str, quote: str) -> bool:
    """The sentence holds the quote, or half of its bigrams (both folded, as the reviewer compares text)."""
    return quote in sentence or sentence in quote or overlap(sentence, bigrams(quote)) >= 0.5


def main(datasets: list[str]) -> None:
    reviewer = Reviewer()
    framework, rules, k = reviewer.framework, reviewer.reading, reviewer.settings.candidates
    print("| split | label | positives with evidence | any cue | cues (1.5B) | cues + meaning |")
    print("|---|---|---|---|---|---|")
    for dataset in datasets:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for example in read_dataset(Path(dataset)):
            doc = clean(read(example.text.encode("utf-8"), name=document_name(example)))
            sentences = segment(doc.text, rules)
            vectors = reviewer.embeddings.embed_documents([s.text for s in sentences])
            cue_only = select_candidates(doc.text, sentences, framework, rules, None, [], k=k, semantic=False)
            every_cue = select_candidates(doc.text, sentences, framework, rules, None, [], k=2 * len(sentences) + 1,
                                          semantic=False)
            both = select_candidates(doc.text, sentences, framework, rules, reviewer.queries, vectors, k=k)
            for check in framework.checks:
                quotes = [q for q in (example.evidence or {}).get(check.id, []) if q.strip()]
                if example.labels.get(check.id) not in POSITIVE or not quotes:
                    continue
                cued = [sentences[c.sentence].text for ind in check.indicators for c in every_cue[ind.id]]
                shown_cue = [sentences[c.sentence].text for ind in check.indicators for c in cue_only[ind.id]]
                shown_both = [sentences[c.sentence].text for ind in check.indicators for c in both[ind.id]]
                row = counts[check.id]
                row[0] += 1
                for i, pool in enumerate((cued, shown_cue, shown_both), 1):
                    row[i] += any(contains(s, q) for s in pool for q in quotes)
        total = [sum(r[i] for r in counts.values()) for i in range(4)]
        for label, row in [*sorted(counts.items()), ("all", total)]:
            n = row[0]
            print(f"| {Path(dataset).stem} | {label} | {n} | " + " | ".join(f"{row[i] / n:.2f}" for i in (1, 2, 3)) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
