"""The wheel carries the data folders the library reads at run time."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_prompts_corpus_and_samples(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
    )
    wheel = next(tmp_path.glob("reviewer-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "reviewer/prompts/judge_sentence.yaml" in names
    assert "reviewer/samples/yunxi_county_action_plan.txt" in names
    assert "reviewer/corpus/README.md" in names
    assert "reviewer/corpus/framework/framework.yaml" in names
    assert "reviewer/corpus/central/gwr-2024.yaml" in names
    assert "reviewer/resources.py" in names
    assert "reviewer/ingest/__init__.py" in names and "reviewer/ingest/read_pdf.py" in names  # subpackages listed in pyproject
    assert "reviewer/compare/core.py" in names and "reviewer/corpus/compare/endowment.yaml" in names
    assert "reviewer/corrections/page.py" in names and "reviewer/progress.py" in names
