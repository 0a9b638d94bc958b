"""Audit every shown quote of recorded runs: none may be a title, document number, wrapper or
addressee line, the preamble may back only E1a (a national plan or strategy it names), and the
body of a 指导思想/基本原则 section only an indicator about the plan's stance (``principles: true``).

    python scripts/evidence_audit.py eval/data/blind_dev.jsonl=RUN_FOLDER ...
"""

from __future__ import annotations

import sys
from collections import Counter

from reviewer.evaluate import recorded_reports
from reviewer.framework import load_framework
from reviewer.sentences import NOT_EVIDENCE, segment


def main(pairs: list[str]) -> None:
    stance = {i.id for check in load_framework().checks for i in check.indicators if i.principles}
    quotes, roles, preamble, principle = 0, Counter[str](), Counter[str](), Counter[str]()
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
                    if role == "principle":
                        principle[e.indicator if e.indicator in stance else f"{e.indicator} (a measure!)"] += 1
    apparatus = sum(roles[r] for r in NOT_EVIDENCE)
    print(f"{quotes} quotes shown; by sentence role: {dict(roles)}")
    print(f"titles, numbers, wrappers, addressees: {apparatus}; preamble by indicator: {dict(preamble) or 'none'}; "
          f"principle sections by indicator: {dict(principle) or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
