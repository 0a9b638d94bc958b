"""Corpus loading, the chromadb index and hybrid retrieval (fast: hash embeddings)."""

import pytest
import yaml
from click.testing import CliRunner

from reviewer.cli import main
from reviewer.corpus import CorpusError, default_corpus_dirs, file_passages, read_digest
from reviewer.embeddings import HashEmbeddings
from reviewer.index import VectorIndex, build_index, read_manifest
from reviewer.retrieve import HybridRetriever, tokenize

DIGEST = {
    "id": "test-doc",
    "title": "测试文件",
    "date": "2024-01-01",
    "clauses": [
        {"id": "1", "topic": "传统产业", "text": "推动纺织、建材等传统产业数字化改造和设备更新。", "checks": ["M3", "M2"]},
        {"id": "2", "topic": "未来产业", "text": "布局人形机器人、量子信息等未来产业，建设先导区。", "checks": ["R3"]},
        {"id": "3", "topic": "区域定位", "text": "国家赋予西部地区能源基地的功能定位。", "checks": ["E1"]},
    ],
}


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus" / "central"
    folder.mkdir(parents=True)
    (folder / "test-doc.yaml").write_text(yaml.safe_dump(DIGEST, allow_unicode=True), encoding="utf-8")
    return folder


def test_shipped_corpus_parses_with_unique_citations():
    passages = [p for d in default_corpus_dirs() for f in sorted(d.glob("*.yaml")) for p in file_passages(f)]
    ids = [p.id for p in passages]
    assert len(ids) == len(set(ids))
    framework = [p for p in passages if p.kind == "framework"]
    assert {"3.1-M1", "3.1-M2", "3.1-M3", "3.1-M4", "3.2-E1", "3.2-E2", "3.2-E3", "3.2-E4"} <= {p.clause_id for p in framework}
    assert all("  " not in p.text and "， " not in p.text for p in passages)


def test_malformed_digest_names_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: t\nclauses:\n  - id: '1'\n    text: a\n    checks: [M9]\n")
    with pytest.raises(CorpusError, match="bad.yaml.*M9"):
        read_digest(bad)


def test_rebuild_embeds_only_what_changed(corpus, tmp_path):
    path = tmp_path / "index"
    _, first = build_index([corpus], path, HashEmbeddings())
    assert (first.added, first.total) == (3, 3)
    _, again = build_index([corpus], path, HashEmbeddings())
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    changed = dict(DIGEST, clauses=[dict(DIGEST["clauses"][0], text="改写后的条款。"), *DIGEST["clauses"][1:2]])
    (corpus / "test-doc.yaml").write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    _, third = build_index([corpus], path, HashEmbeddings())
    assert (third.updated, third.removed, third.total) == (1, 1, 2)
    assert read_manifest(path)["passages"] == 2


def test_corrupt_index_is_rebuilt_with_a_message(corpus, tmp_path):
    path = tmp_path / "index"
    build_index([corpus], path, HashEmbeddings())
    for f in path.rglob("*"):
        if f.is_file() and f.name != "manifest.json":
            f.write_bytes(b"this is not a database" * 10)
    messages = []
    index, result = build_index([corpus], path, HashEmbeddings(), notify=messages.append)
    assert result.rebuilt and result.total == 3
    assert any("rebuilding" in m for m in messages)
    assert HybridRetriever(index).search("传统产业", 1)[0].passage.clause_id == "1"


def test_chromadb_default_embedding_function_never_runs(corpus, tmp_path, monkeypatch):
    from chromadb.utils import embedding_functions

    def refuse(*args, **kwargs):
        raise AssertionError("chromadb's downloading default embedding function was used")

    monkeypatch.setattr(embedding_functions.DefaultEmbeddingFunction, "__call__", refuse)
    monkeypatch.setattr(embedding_functions.DefaultEmbeddingFunction, "__init__", refuse)
    index, _ = build_index([corpus], tmp_path / "index", HashEmbeddings())
    reopened = VectorIndex(tmp_path / "index", HashEmbeddings())
    assert reopened.dense("传统产业", 2)


def test_hybrid_search_with_filters(corpus, tmp_path):
    index, _ = build_index([corpus], tmp_path / "index", HashEmbeddings())
    retriever = HybridRetriever(index)
    hits = retriever.search("传统产业数字化改造", 3)
    assert hits[0].passage.citation == "test-doc § 1"
    assert hits[0].dense_rank == 1 and hits[0].bm25_rank == 1
    assert [h.passage.clause_id for h in retriever.search("产业", 5, check="E1")] == ["3"]
    assert retriever.search("产业", 5, doc_id="nope") == []
    assert all(h.bm25_rank and not h.dense_rank for h in retriever.search("未来产业", 2, mode="bm25"))


def test_in_memory_index_for_a_plan_is_private_and_dropped():
    from reviewer.corpus import Passage

    plan = [Passage(id=f"plan§{i}", kind="plan", doc_id="plan", clause_id=str(i), title="plan", text=t)
            for i, t in enumerate(["建设县级孵化器", "传统产业技术改造"])]
    a, b = VectorIndex(None, HashEmbeddings(), name="plan"), VectorIndex(None, HashEmbeddings(), name="plan")
    a.sync(plan)
    assert b.sync([]).total == 0  # separate collections
    assert HybridRetriever(a).search("技术改造", 1)[0].passage.clause_id == "1"
    a.close()
    b.close()


def test_tokenizer_drops_punctuation_and_stopwords():
    tokens = tokenize("推动传统产业的数字化改造，建设国家级高新区。")
    assert "传统产业" in tokens and "国家级" in tokens
    assert "，" not in tokens and "的" not in tokens


def test_cli_index_build_search_stats_add(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_EMBEDDING", "fake")
    runner = CliRunner()
    built = runner.invoke(main, ["index", "build"])
    assert built.exit_code == 0, built.output
    assert "passages" in built.output
    added = runner.invoke(main, ["index", "add", str(corpus / "test-doc.yaml")])
    assert added.exit_code == 0, added.output
    assert "added test-doc.yaml: 3 passages" in added.output
    found = runner.invoke(main, ["index", "search", "传统产业数字化改造", "-k", "2", "--doc", "test-doc"])
    assert found.exit_code == 0 and "test-doc § 1" in found.output and "dense #" in found.output
    stats = runner.invoke(main, ["index", "stats"])
    assert "framework:" in stats.output and "test-doc: 3" in stats.output


def test_another_embedding_model_gets_its_own_collection(corpus, tmp_path):
    """Issue 10, item 9: a 256-d index reopened with a 64-d embedder crashed with chromadb's dimension error."""
    path = tmp_path / "index"
    build_index([corpus], path, HashEmbeddings(dim=256))
    index, other = build_index([corpus], path, HashEmbeddings(dim=64))
    assert (other.added, other.total) == (3, 3)
    assert HybridRetriever(index).search("传统产业", 1)[0].passage.clause_id == "1"
    assert read_manifest(path)["embedder"] == "hash-64"
    _, back = build_index([corpus], path, HashEmbeddings(dim=256))
    assert (back.added, back.unchanged) == (0, 3)  # switching back re-embeds nothing
    assert VectorIndex(path, HashEmbeddings(dim=64)).dense("传统产业", 1)


def test_an_index_from_before_the_embedder_key_is_dropped(corpus, tmp_path):
    import chromadb
    from chromadb.config import Settings

    path = tmp_path / "index"
    old = chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=True))
    old.get_or_create_collection("corpus").add(ids=["x"], embeddings=[[0.5] * 384], documents=["旧索引"])
    index, result = build_index([corpus], path, HashEmbeddings())
    assert result.total == 3 and index.dense("传统产业", 1)
    with pytest.raises(chromadb.errors.NotFoundError):
        index._client.get_collection("corpus")


def test_unchanged_corpus_files_are_not_parsed_again(corpus, tmp_path, monkeypatch):
    import reviewer.corpus

    parsed = []
    real = reviewer.corpus.file_passages
    monkeypatch.setattr(reviewer.corpus, "file_passages", lambda file: parsed.append(file.name) or real(file))
    path = tmp_path / "index"
    build_index([corpus], path, HashEmbeddings())
    assert parsed == ["test-doc.yaml"]
    _, again = build_index([corpus], path, HashEmbeddings())
    assert parsed == ["test-doc.yaml"] and again.total == 3
    changed = dict(DIGEST, clauses=DIGEST["clauses"][:2])
    (corpus / "test-doc.yaml").write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    _, third = build_index([corpus], path, HashEmbeddings())
    assert parsed == ["test-doc.yaml"] * 2 and third.total == 2
    (path / "passages.json").write_text("{not json", encoding="utf-8")
    _, fourth = build_index([corpus], path, HashEmbeddings())
    assert parsed == ["test-doc.yaml"] * 3 and fourth.total == 2
