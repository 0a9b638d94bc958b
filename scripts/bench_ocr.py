"""OCR accuracy and speed on a scanned plan printed in the benchmark (needs the ocr and test extras).

    python scripts/bench_ocr.py                 # RapidOCR: 10 pages of the Qinglan sample at 300 and 150 dpi
    python scripts/bench_ocr.py --tesseract 3   # also Tesseract (Debian's tesseract-ocr-chi-sim) on 3 pages
    python scripts/bench_ocr.py --review        # and review the 10-page scan end to end with the bundled 1.5B

Pages are printed in 14 pt Noto Serif SC with a red header and a seal, tilted 1.5°. CER = Levenshtein distance
over the printed text's length, whitespace removed. Writes eval/results/bench_ocr.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scan_fixtures import Scan, cer, scanned_plan  # noqa: E402

from reviewer.ingest import OcrOptions, read, recognise  # noqa: E402

TEXT = (ROOT / "samples" / "qinglan_city_implementation_opinions.txt").read_text(encoding="utf-8")


def _tesseract(image_png: bytes) -> str:
    out = subprocess.run(["tesseract", "-", "-", "-l", "chi_sim", "--psm", "6"], input=image_png, capture_output=True,
                         env={**os.environ, "OMP_THREAD_LIMIT": "2"}, check=True).stdout.decode()
    return out


def rapid(dpi: int, pages: int) -> tuple[dict[str, object], bytes]:
    plan = scanned_plan(TEXT, Scan(dpi=dpi, rotate=1.5, header="青澜市人民政府文件", seal="青澜市人民政府", seed=dpi),
                        max_pages=pages)
    times: list[float] = []
    last = [time.perf_counter()]

    def tick(i: int, n: int) -> None:
        now = time.perf_counter()
        if i > 1:
            times.append(now - last[0])
        last[0] = now

    started = time.perf_counter()
    raw = recognise(read(plan.pdf, name="scan.pdf"), OcrOptions(threads=2, max_pages=pages), tick)
    times.append(time.perf_counter() - last[0])
    rates = [cer(p, page.text) for p, page in zip(plan.pages, raw.pages)]
    return {"engine": "rapidocr-onnxruntime 1.4.4", "dpi": dpi, "pages": len(plan.pages), "pdf_bytes": len(plan.pdf),
            "seconds_total": round(time.perf_counter() - started, 1), "seconds_per_page": [round(t, 1) for t in times],
            "cer_per_page": [round(r, 4) for r in rates], "cer_mean": round(statistics.mean(rates), 4),
            "confidence": [page.ocr_confidence for page in raw.pages]}, plan.pdf


def tesseract(dpi: int, pages: int) -> dict[str, object]:
    plan = scanned_plan(TEXT, Scan(dpi=dpi, rotate=1.5, header="青澜市人民政府文件", seal="青澜市人民政府", seed=dpi),
                        max_pages=pages)
    rates, times = [], []
    for printed, image in zip(plan.pages, plan.images):
        png = io.BytesIO()
        image.getchannel("R").save(png, "PNG")  # the same red-ink removal as the OCR stage
        t = time.perf_counter()
        text = _tesseract(png.getvalue())
        times.append(time.perf_counter() - t)
        rates.append(cer(printed, text))
    return {"engine": "tesseract 5.3.0 chi_sim (Debian)", "dpi": dpi, "pages": len(plan.pages),
            "seconds_per_page": [round(t, 1) for t in times], "cer_per_page": [round(r, 4) for r in rates],
            "cer_mean": round(statistics.mean(rates), 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--tesseract", type=int, default=0, help="pages to run Tesseract on (0: none)")
    parser.add_argument("--review", action="store_true", help="review the 300 dpi scan with the bundled 1.5B")
    args = parser.parse_args()
    results: dict[str, object] = {"load_average_at_start": os.getloadavg(), "runs": []}
    runs: list[dict[str, object]] = []
    pdf = b""
    for dpi in (300, 150):
        run, scan = rapid(dpi, args.pages)
        pdf = pdf or scan
        runs.append(run)
        print(json.dumps(run, ensure_ascii=False), flush=True)
        if args.tesseract:
            runs.append(tesseract(dpi, args.tesseract))
            print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    results["runs"] = runs
    if args.review:
        from reviewer import Reviewer, load_settings

        reviewer = Reviewer(load_settings(score_cache=False))
        reviewer.corpus  # noqa: B018 - index and models loaded before timing, as in bench_review.py
        started = time.perf_counter()
        report = reviewer.review(pdf, name="qinglan_scanned.pdf")
        results["review"] = {"pages": len(report.quality.pages), "wall_s": round(time.perf_counter() - started, 1),
                             "stage_seconds": report.run.stage_seconds, "complete": report.summary.complete,
                             "verdicts": {f.check_id: f.verdict for f in report.findings}}
        print(json.dumps(results["review"], ensure_ascii=False), flush=True)
    results["load_average_at_end"] = os.getloadavg()
    out = ROOT / "eval" / "results" / "bench_ocr.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
