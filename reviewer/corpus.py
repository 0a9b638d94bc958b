"""The grounding corpus: framework and central-policy clauses as citable passages.

``corpus/framework/*.yaml`` and ``corpus/central/*.yaml`` hold digests split into clauses
with stable ids; a user may also drop official PDF/DOCX/TXT texts into a corpus folder of
their own, which are chunked and cited the same way ("doc id § clause id").
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .contracts import Document
from .errors import ReviewerError
from .framework import CITABLE_IDS
from .ingest import PLAN_SUFFIXES, LoadLimits, OcrOptions
from .resources import data_dir, parse_yaml

DIGEST_SUFFIXES = frozenset({".yaml", ".yml"})
"""Corpus files that are our own digests (YAML), not official texts to read."""

Kind = Literal["framework", "central", "plan"]


_CJK_GAP = re.compile(r"(?<=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef])\s+(?=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef])")


def squash_text(text: str) -> str:
    """Collapse whitespace; drop it entirely between CJK characters (YAML folding adds it)."""
    return _CJK_GAP.sub("", " ".join(text.split()))


class CorpusError(ReviewerError, ValueError):
    """A corpus file is malformed; the message names the file."""


class Passage(BaseModel):
    """One retrievable, citable unit: a clause of a corpus document or a chunk of a plan."""

    id: str
    """Unique id: ``<doc_id>§<clause_id>``."""
    kind: Kind
    doc_id: str
    clause_id: str
    title: str
    """Short title of the source document."""
    topic: str = ""
    """Clause heading or the chunk's heading path."""
    text: str
    checks: list[str] = Field(default_factory=list)
    """Checks (M1–M4, E1–E4, R1–R3) this clause can ground."""
    date: str | None = None
    url: str | None = None
    page_start: int | None = None
    page_end: int | None = None
    start: int | None = None
    """Character span in the source text (plans and user documents)."""
    end: int | None = None

    @property
    def citation(self) -> str:
        """How a finding cites this passage: ``doc id § clause id``."""
        return f"{self.doc_id} § {self.clause_id}"

    def search_text(self) -> str:
        """The text that is embedded and BM25-indexed: source title, topic and body."""
        head = "｜".join(part for part in (self.title if self.kind != "plan" else "", self.topic) if part)
        return f"{head}：{self.text}" if head else self.text

    def content_hash(self, embedder_id: str) -> str:
        """Hash of what the index stores for this passage under a given embedder."""
        blob = "\x00".join([embedder_id, self.search_text(), self.title, ",".join(self.checks)])
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


class Clause(BaseModel):
    """A clause as written in a digest file."""

    model_config = ConfigDict(extra="allow")

    id: str
    topic: str = ""
    text: str
    checks: list[str] = Field(default_factory=list)


class Digest(BaseModel):
    """A corpus YAML file: front matter plus clauses (extra keys such as ``checks`` allowed)."""

    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    short_title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    url: str | None = None
    clauses: list[Clause]


def read_digest(path: Path) -> Digest:
    """Parse and check one digest file."""
    try:
        digest = Digest.model_validate(parse_yaml(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValueError, OSError) as exc:
        raise CorpusError(f"{path}: {exc}") from exc
    ids = [c.id for c in digest.clauses]
    if len(ids) != len(set(ids)):
        raise CorpusError(f"{path}: duplicate clause ids")
    for clause in digest.clauses:
        unknown = set(clause.checks) - set(CITABLE_IDS)
        if unknown:
            raise CorpusError(f"{path}: clause {clause.id} has unknown checks {sorted(unknown)}")
    return digest


def digest_passages(digest: Digest, kind: Kind) -> list[Passage]:
    """Turn a digest's clauses into passages."""
    title = digest.short_title or digest.title
    return [
        Passage(
            id=f"{digest.id}§{c.id}",
            kind=kind,
            doc_id=digest.id,
            clause_id=c.id,
            title=title,
            topic=c.topic,
            text=squash_text(c.text),
            checks=c.checks,
            date=str(digest.date) if digest.date else None,
            url=digest.url,
        )
        for c in digest.clauses
    ]


def slugify(name: str) -> str:
    """A doc id from a file name: ASCII letters/digits kept, anything else hashed in."""
    stem = Path(name).stem
    ascii_part = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if ascii_part and ascii_part == stem.lower():
        return ascii_part
    suffix = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return f"{ascii_part}-{suffix}" if ascii_part else f"doc-{suffix}"


def document_passages(path: Path) -> list[Passage]:
    """Load a user's official text (PDF/DOCX/TXT/HTML) and chunk it into citable passages."""
    from .ingest import load

    return passages_of(load(path), path)


def passages_of(doc: Document, path: Path) -> list[Passage]:
    """A loaded official text chunked into citable passages, named after its file."""
    from .chunk import chunk

    doc_id = slugify(path.name)
    passages = []
    for piece in chunk(doc):
        passages.append(
            Passage(
                id=f"{doc_id}§{piece.id}",
                kind="central",
                doc_id=doc_id,
                clause_id=piece.id,
                title=path.stem,
                topic=" / ".join(piece.heading_path),
                text=piece.text,
                page_start=piece.page_start,
                page_end=piece.page_end,
                start=piece.start,
                end=piece.end,
            )
        )
    return passages


def corpus_files(folders: list[Path]) -> list[Path]:
    """All corpus files under the given folders, in a stable order."""
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files += sorted(
                p for p in folder.rglob("*")
                if p.is_file() and (p.suffix in DIGEST_SUFFIXES or p.suffix.lower() in PLAN_SUFFIXES)
                and p.name.lower() != "readme.md"
            )
    return files


def add_file(file: Path, target: Path, *, limits: LoadLimits | None = None, ocr: OcrOptions | None = None) -> str:
    """Put one official text into the user corpus folder ``target``; the line that says what was added.

    A digest or a document with a text layer is copied. A scanned PDF is read by OCR here, once, and its
    text kept as ``<stem>.txt``, so later index builds never OCR it again. Raises LoadError or ValueError
    for what cannot be read.
    """
    if file.suffix.lower() in DIGEST_SUFFIXES:
        count = len(file_passages(file))
    else:
        from .ingest import load

        doc = load(file, limits=limits, ocr=ocr)
        count = len(passages_of(doc, file))
        if scanned := sum(page.source == "ocr" for page in doc.quality.pages):
            kept = target / f"{file.stem}.txt"
            kept.write_text(doc.text, encoding="utf-8")
            return (f"added {file.name} as {kept.name}: {scanned} scanned page(s) read by OCR, "
                    f"{count} passages (check the text in {kept})")
    shutil.copy2(file, target / file.name)
    return f"added {file.name}: {count} passages"


def file_passages(path: Path) -> list[Passage]:
    """Passages of one corpus file: a YAML digest or a user's document."""
    if path.suffix in DIGEST_SUFFIXES:
        digest = read_digest(path)
        kind: Kind = "framework" if path.parent.name == "framework" or digest.id == "framework" else "central"
        return digest_passages(digest, kind)
    return document_passages(path)


def default_corpus_dirs() -> list[Path]:
    """The shipped corpus: ``corpus/framework`` and ``corpus/central``."""
    root = data_dir("corpus")
    return [root / "framework", root / "central"]
