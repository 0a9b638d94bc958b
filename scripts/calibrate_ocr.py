"""Does OCR confidence flag the pages OCR read badly? Confidence against character error rate over degraded scans.

    python scripts/calibrate_ocr.py            # needs the ocr and test extras; about 5 minutes on 2 cores

Pages of the Qinglan sample are printed and scanned under a grid of conditions, from a clean 300 dpi scan down
to small type at 75 dpi with heavy JPEG compression and a tilt, then read by the bundled OCR. For each
candidate threshold it reports how many badly read pages (CER above 3%) a warning would catch and how many
well read pages (CER at most 2%) it would flag for nothing. Writes eval/results/ocr_confidence.json.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scan_fixtures import Scan, cer, scanned_plan  # noqa: E402

from reviewer.ingest import OcrOptions, read, recognise  # noqa: E402

TEXT = (ROOT / "samples" / "qinglan_city_implementation_opinions.txt").read_text(encoding="utf-8")
BAD, GOOD = 0.03, 0.02
"""A page read with a CER above BAD should be flagged; one at or under GOOD should not."""
THRESHOLDS = (0.85, 0.90, 0.95, 0.96, 0.97, 0.975, 0.98)


def pages_under(dpi: int, pt: float, quality: int, rotate: float, n: int = 2) -> list[dict[str, float]]:
    """CER and mean confidence of each of ``n`` pages scanned under one condition."""
    scan = Scan(dpi=dpi, pt=pt, quality=quality, rotate=rotate, header="青澜市人民政府文件", seal="青澜市人民政府",
                seed=dpi + int(pt * 10) + quality)
    plan = scanned_plan(TEXT, scan, max_pages=n)
    raw = recognise(read(plan.pdf, name="scan.pdf"), OcrOptions(threads=2, max_pages=n))
    return [{"dpi": dpi, "pt": pt, "quality": quality, "rotate": rotate, "cer": round(cer(printed, page.text), 4),
             "confidence": page.ocr_confidence or 0.0} for printed, page in zip(plan.pages, raw.pages)]


def main() -> None:
    rows: list[dict[str, float]] = []
    for dpi, pt, quality, rotate in itertools.product((75, 100, 150, 300), (10.5, 14.0), (20, 75), (0.0, 2.5)):
        rows += pages_under(dpi, pt, quality, rotate)
        print(f"{dpi} dpi {pt} pt q{quality} {rotate}°: " + ", ".join(f"CER {r['cer']:.3f} conf {r['confidence']:.3f}"
                                                                      for r in rows[-2:]), flush=True)
    bad = [r for r in rows if r["cer"] > BAD]
    good = [r for r in rows if r["cer"] <= GOOD]
    table = []
    for t in THRESHOLDS:
        table.append({"threshold": t, "bad_flagged": sum(r["confidence"] < t for r in bad), "bad": len(bad),
                      "good_flagged": sum(r["confidence"] < t for r in good), "good": len(good)})
        print(f"threshold {t:.3f}: flags {table[-1]['bad_flagged']}/{len(bad)} pages with CER > {BAD:.0%}, "
              f"{table[-1]['good_flagged']}/{len(good)} pages with CER <= {GOOD:.0%}")
    out = ROOT / "eval" / "results" / "ocr_confidence.json"
    out.write_text(json.dumps({"bad_cer": BAD, "good_cer": GOOD, "pages": rows, "thresholds": table}, indent=1),
                   encoding="utf-8")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
