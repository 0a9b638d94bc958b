"""Index stage: passages into a chromadb collection, embedded by our own model.

The shipped corpus lives in a persistent collection under ``<home>/index``, or in a Chroma server
(``chroma run``) shared by every worker when ``Settings.index_url`` is set; one collection per embedding
model (see :func:`collection_name`); a plan under review gets a throw-away in-memory collection. Each
passage is stored with a content hash (text + embedder id), so a rebuild re-embeds only what changed, and
a second process against the same server embeds nothing. Vectors are always computed here: chromadb's
default embedding function (which downloads a model) is never used, ours is passed explicitly.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import chromadb
import httpx
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import Documents, Embeddable, EmbeddingFunction
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, Field

from .corpus import Passage
from .errors import ReviewerError, writable_dir
from .framework import CITABLE_IDS

Notify = Callable[[str], None]


class IndexServerError(ReviewerError):
    """The Chroma server that holds the shared corpus index cannot be reached or failed a request."""


def _server_problem(url: str, exc: BaseException) -> IndexServerError:
    return IndexServerError(
        f"the Chroma server at {url} (setting index_url) did not answer: {type(exc).__name__}: {exc}; start it with "
        f"`chroma run --path DIR --host 127.0.0.1 --port PORT`, or unset index_url to keep the index under <home>/index"
    )


def http_client(url: str, settings: ChromaSettings) -> Any:
    """A chromadb client of the server at ``url`` (``http(s)://host:port``); it checks that the server answers."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    return chromadb.HttpClient(host=parts.hostname or "", port=parts.port or (443 if https else 8000), ssl=https,
                               settings=settings)


class SyncResult(BaseModel):
    """What a sync changed, and the resulting size."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    total: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    """True when a corrupt or unreadable index was discarded and rebuilt."""
    messages: list[str] = Field(default_factory=list)


class _NoEmbeddings(Embeddings):
    """Stands in for an embedder chromadb cannot rebuild from its stored config."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise RuntimeError("this index was opened without its embedding function")

    def embed_query(self, text: str) -> list[float]:
        raise RuntimeError("this index was opened without its embedding function")


class _EmbedderFunction(EmbeddingFunction[Documents]):
    """Adapts a LangChain ``Embeddings`` to chromadb's interface."""

    def __init__(self, embeddings: Embeddings) -> None:
        self._embeddings = embeddings

    def __call__(self, input: Documents) -> Any:  # noqa: A002 - chromadb's parameter name
        return self._embeddings.embed_documents(list(input))

    def embed_query(self, input: Documents) -> Any:  # noqa: A002
        return [self._embeddings.embed_query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "reviewer-embeddings"

    def get_config(self) -> dict[str, Any]:
        return {"model_id": getattr(self._embeddings, "model_id", type(self._embeddings).__name__)}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "_EmbedderFunction":
        # chromadb calls this when reopening a collection; we always pass the real function
        # explicitly, so hand back one that refuses to embed rather than a downloading default.
        return _EmbedderFunction(_NoEmbeddings())

    def is_legacy(self) -> bool:
        return False


def _metadata(passage: Passage, content_hash: str) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "kind": passage.kind,
        "doc_id": passage.doc_id,
        "hash": content_hash,
        "passage": passage.model_dump_json(),
    }
    for check in CITABLE_IDS:
        meta[f"chk_{check}"] = check in passage.checks
    return meta


def where_filter(kind: str | None = None, check: str | None = None, doc_id: str | None = None) -> dict[str, Any] | None:
    """A chromadb ``where`` clause for the metadata filters that are set."""
    terms: list[dict[str, Any]] = []
    if kind:
        terms.append({"kind": kind})
    if check:
        terms.append({f"chk_{check}": True})
    if doc_id:
        terms.append({"doc_id": doc_id})
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else {"$and": terms}


def collection_name(name: str, embedder_id: str) -> str:
    """The persistent collection for one embedder: ``corpus-<model>-<hash>``.

    Vectors of different models (often of different sizes) never share a collection, so
    switching the embedding model neither crashes on a dimension mismatch nor re-embeds
    the corpus when switching back.
    """
    slug = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9._-]+", "-", embedder_id)).strip("-._")[:40]
    return f"{name}-{slug}-{hashlib.sha256(embedder_id.encode()).hexdigest()[:8]}"


class VectorIndex:
    """A chromadb collection of passages: in a Chroma server (``url``), on disk (``path``), or in memory.

    The first two hold one collection per embedder and outlive the process; the last is dropped by :meth:`close`.
    """

    def __init__(self, path: Path | None, embeddings: Embeddings, *, name: str = "corpus", url: str | None = None,
                 notify: Notify | None = None) -> None:
        self.path = None if url else path
        self.url = url
        self.embeddings = embeddings
        self.embedder_id = getattr(embeddings, "model_id", type(embeddings).__name__)
        self._legacy = name  # the one collection of indexes built before they were keyed on the embedder
        kept = self.path is not None or url is not None
        self.name = collection_name(name, self.embedder_id) if kept else f"{name}-{uuid.uuid4().hex[:12]}"
        self._notify = notify or (lambda message: None)
        self._function = _EmbedderFunction(embeddings)
        self.rebuilt = False
        self._client, self._collection = self._open()

    def _connect(self) -> tuple[Any, Any]:
        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        if self.url:
            client = http_client(self.url, settings)
        elif self.path is None:
            client = chromadb.EphemeralClient(settings=settings)
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(self.path), settings=settings)
            # the collection of an index built before the key: its embedder is unknown, so drop it
            with contextlib.suppress(NotFoundError):
                client.delete_collection(self._legacy)
        # chromadb types the parameter as embedding images too; this index only ever embeds documents
        function = cast("EmbeddingFunction[Embeddable]", self._function)
        collection = client.get_or_create_collection(
            self.name, embedding_function=function, metadata={"hnsw:space": "cosine", "embedder": self.embedder_id}
        )
        collection.count()  # touch the data so a damaged store fails here, not later
        return client, collection

    @contextlib.contextmanager
    def _served(self) -> Iterator[None]:
        """Turn a failure of the Chroma server (gone, refusing, answering nonsense) into :class:`IndexServerError`."""
        try:
            yield
        except (httpx.HTTPError, ChromaError, ValueError, ConnectionError) as exc:
            if self.url is None:
                raise
            raise _server_problem(self.url, exc) from exc

    def _open(self) -> tuple[Any, Any]:
        if self.url:
            with self._served():
                return self._connect()
        try:
            return self._connect()
        except Exception as exc:  # noqa: BLE001 - chromadb raises many unrelated types on damage
            if self.path is None:
                raise
            self._notify(f"index at {self.path} is unreadable ({type(exc).__name__}: {exc}); rebuilding it")
            SharedSystemClient.clear_system_cache()
            shutil.rmtree(self.path, ignore_errors=True)
            self.rebuilt = True
            return self._connect()

    def stored_hashes(self) -> dict[str, str]:
        """Passage id → content hash of what is stored now."""
        with self._served():
            got = self._collection.get(include=["metadatas"])
        return {pid: meta["hash"] for pid, meta in zip(got["ids"], got["metadatas"])}

    def sync(self, passages: list[Passage], *, remove_missing: bool = True) -> SyncResult:
        """Make the collection hold exactly ``passages`` (or add to it), embedding only what changed."""
        started = time.perf_counter()
        stored = self.stored_hashes()
        wanted = {p.id: (p, p.content_hash(self.embedder_id)) for p in passages}
        changed = [(p, h) for pid, (p, h) in wanted.items() if stored.get(pid) != h]
        result = SyncResult(rebuilt=self.rebuilt)
        for start in range(0, len(changed), 64):
            batch = changed[start : start + 64]
            texts = [p.search_text() for p, _ in batch]
            vectors = self.embeddings.embed_documents(texts)  # here, not in the server
            with self._served():
                self._collection.upsert(ids=[p.id for p, _ in batch], embeddings=vectors, documents=texts,  # type: ignore[arg-type]  # list[list[float]] is a valid Embeddings
                                        metadatas=[_metadata(p, h) for p, h in batch])
        result.added = sum(1 for p, _ in changed if p.id not in stored)
        result.updated = len(changed) - result.added
        result.unchanged = len(wanted) - len(changed)
        stale = [pid for pid in stored if pid not in wanted] if remove_missing else []
        with self._served():
            if stale:
                self._collection.delete(ids=stale)
            result.total = self._collection.count()
        result.removed = len(stale)
        result.seconds = time.perf_counter() - started
        return result

    def passages(self) -> list[Passage]:
        """Every stored passage, in id order."""
        with self._served():
            got = self._collection.get(include=["metadatas"])
        items = sorted(zip(got["ids"], got["metadatas"]))
        return [Passage.model_validate_json(meta["passage"]) for _, meta in items]

    def dense(self, query: str, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Top-``k`` passage ids by cosine similarity to ``query``, with similarities."""
        vector = self.embeddings.embed_query(query)
        with self._served():
            count = self._collection.count()
            if count == 0:
                return []
            got = self._collection.query(query_embeddings=[vector], n_results=min(k, count), where=where, include=["distances"])
        return [(pid, 1.0 - dist) for pid, dist in zip(got["ids"][0], got["distances"][0])]

    def manifest(self) -> dict[str, Any]:
        """What the index was last built from (see :func:`build_index`), or {}."""
        if self.url:
            with self._served():
                stored = self._client.get_collection(self.name).metadata or {}
            data: dict[str, Any] = json.loads(stored.get("manifest") or "{}")
            return data
        return read_manifest(self.path) if self.path else {}

    def record_manifest(self, data: dict[str, Any]) -> None:
        """Keep ``data`` with the index: in the server's collection metadata, or beside the index on disk."""
        if self.url:
            with self._served():  # the distance function stays in the collection's configuration
                self._collection.modify(metadata={"embedder": self.embedder_id, "manifest": json.dumps(data)})
        elif self.path:
            write_manifest(self.path, data)

    def close(self) -> None:
        """Drop an in-memory collection (persistent and served ones stay)."""
        if self.path is None and self.url is None:
            with contextlib.suppress(Exception):  # already gone
                self._client.delete_collection(self.name)


def write_manifest(path: Path, data: dict[str, Any]) -> None:
    """Record what the index was built from (embedder, corpus hash, counts)."""
    (path / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest written by the last build, or {}."""
    try:
        manifest: dict[str, Any] = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest


def index_dir(home: Path) -> Path:
    """Where the persistent corpus index lives."""
    return home / "index"


PASSAGE_CACHE = "passages.json"
"""File in the index folder that keeps each corpus file's passages, so an unchanged PDF is not parsed again."""


@lru_cache(maxsize=1)
def _reader_fingerprint() -> str:
    """Hash of the code that turns a corpus file into passages: a change to it invalidates the cache."""
    package = Path(__file__).resolve().parent
    sources = [package / "corpus.py", package / "chunk.py", *sorted((package / "ingest").glob("*.py"))]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


class PassageCache:
    """Each corpus file's passages, keyed by its path and the sha256 of its bytes.

    Opening the index reads every corpus file; parsing a 60-page PDF takes about 1.5 s, so without this a
    user corpus of twenty PDFs would cost half a minute at every start. Reading the bytes to hash them is
    cheap. A missing, unreadable or outdated cache file (other reader code) is simply rebuilt; a folder
    that cannot be written (a shared server's index) only means nothing is kept.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reader = _reader_fingerprint()
        self.kept: dict[str, list[dict[str, Any]]] = {}
        self.used: dict[str, list[dict[str, Any]]] = {}
        self._keys: dict[Path, str] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("reader") == self.reader and isinstance(data.get("files"), dict):
                self.kept = data["files"]
        except (OSError, ValueError):
            pass

    def _key(self, file: Path) -> str | None:
        """The file's path and content hash, or None when it cannot be read (the parser then says why)."""
        if file not in self._keys:
            try:
                self._keys[file] = f"{file.resolve()}|{hashlib.sha256(file.read_bytes()).hexdigest()}"
            except OSError:
                return None
        return self._keys[file]

    def get(self, file: Path) -> list[Passage] | None:
        """The file's passages as last parsed, if its bytes are unchanged."""
        key = self._key(file)
        if key is None or key not in self.kept:
            return None
        try:
            passages = [Passage.model_validate(p) for p in self.kept[key]]
        except ValueError:
            return None
        self.used[key] = self.kept[key]
        return passages

    def put(self, file: Path, passages: list[Passage]) -> list[Passage]:
        """Remember the file's passages; returns them."""
        if (key := self._key(file)) is not None:
            self.used[key] = [p.model_dump(mode="json") for p in passages]
        return passages

    def save(self) -> None:
        """Keep the passages of the files seen this time (dropping removed or changed files)."""
        if self.used == self.kept:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{uuid.uuid4().hex}.tmp")
            tmp.write_text(json.dumps({"reader": self.reader, "files": self.used}, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)


def build_index(
    corpus_dirs: list[Path], path: Path, embeddings: Embeddings, *, url: str | None = None, notify: Notify | None = None
) -> tuple[VectorIndex, SyncResult]:
    """Sync the persistent index at ``path`` (or in the Chroma server at ``url``) with every corpus file under ``corpus_dirs``.

    Unreadable user documents are skipped with a message; malformed digests stop the build; a
    folder that cannot be written is a :class:`~reviewer.errors.StorageError` before any work, a
    server that does not answer an :class:`IndexServerError`.
    """
    from .corpus import corpus_files, file_passages
    from .ingest import LoadError

    notify = notify or (lambda message: None)
    if url is None:
        writable_dir(path, "the corpus index", "set REVIEWER_HOME (or the home setting) to a writable folder")
    cached = PassageCache(path / PASSAGE_CACHE)
    passages: list[Passage] = []
    skipped: list[str] = []
    for file in corpus_files(corpus_dirs):
        try:
            hit = cached.get(file)
            passages += hit if hit is not None else cached.put(file, file_passages(file))
        except LoadError as exc:
            skipped.append(f"skipped {file}: {exc}")
            notify(skipped[-1])
    index = VectorIndex(path, embeddings, url=url, notify=notify)
    result = index.sync(passages)
    if url is None:  # a shared index keeps nothing on this machine
        cached.save()  # after the index is open: rebuilding a damaged index empties its folder
    result.messages = skipped + ([f"index at {path} was unreadable and has been rebuilt"] if index.rebuilt else [])
    hashes = sorted(p.content_hash(index.embedder_id) for p in passages)
    corpus_sha256 = hashlib.sha256("".join(hashes).encode()).hexdigest()[:16]
    if result.added or result.updated or result.removed or index.manifest().get("corpus_sha256") != corpus_sha256:
        index.record_manifest({
            "embedder": index.embedder_id,
            "corpus_sha256": corpus_sha256,
            "passages": len(passages),
            "documents": len({p.doc_id for p in passages}),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        })
    return index, result
