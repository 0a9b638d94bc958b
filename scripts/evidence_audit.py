"""Audit every shown quote of recorded runs: none may be a title, document number, wrapper or
addressee line, and the preamble may back only E1a (a national plan or strategy it names).

    python scripts/evidence_audit.py eval/data/blind_dev.jsonl=RUN_FOLDER ...
"""

from __future__ import annotations

import sys
from collections import Counter

from reviewer.evaluate import recorded_reports
from reviewer.sentences import NOT_EVIDENCE, segment


def main(pairs: list[str]) -> None:
    quotes, roles, preamble = 0, Counter(), Counter()
    for pair in pairs:
        for _, report in recorded_reports(pair):
            sentences = segment(report.text)
            for f in report.findings:
                for e in f.evidence:
                    quotes += 1
                    role = next((s.role for s in sentences if s.start <= e.start < s.end), "body")
                    roles[role] += 1
                    if role == "preamble":
                        preamble[e.indicator] += 1
    apparatus = sum(roles[r] for r in NOT_EVIDENCE)
    print(f"{quotes} quotes shown; by sentence role: {dict(roles)}")
    print(f"titles, numbers, wrappers, addressees: {apparatus}; preamble by indicator: {dict(preamble) or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
