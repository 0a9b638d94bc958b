"""Write samples/yunxi_county_action_plan_scanned.pdf: the Yunxi sample plan printed and scanned (image-only PDF).

Red header (红头) on the first page, a red seal over the text of the last, pages tilted by a degree, 150 dpi,
printed in 三号 (16 pt) Noto Serif SC as official documents are. Needs the test extra (the font). Deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scan_fixtures import Scan, scanned_plan  # noqa: E402

SAMPLE = ROOT / "samples" / "yunxi_county_action_plan.txt"
OUT = ROOT / "samples" / "yunxi_county_action_plan_scanned.pdf"


def main() -> None:
    scan = Scan(dpi=150, pt=16, rotate=1.0, header="云溪县人民政府文件", seal="云溪县人民政府", quality=60, seed=7)
    plan = scanned_plan(SAMPLE.read_text(encoding="utf-8"), scan)
    OUT.write_bytes(plan.pdf)
    print(f"{OUT.relative_to(ROOT)}: {len(plan.pages)} pages, {len(plan.pdf) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
