"""Load a plan from a path, bytes or text into a :class:`Document`."""

from __future__ import annotations

from pathlib import Path

from .contracts import Document, Page

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md"}


class LoadError(ValueError):
    """The input cannot be read as a plan; the message says why and what to do."""


def decode_text(data: bytes, source: str) -> str:
    """Decode text bytes as UTF-8 (with or without BOM), falling back to GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError(f"{source}: not UTF-8 or GB18030 text; save it as UTF-8 and try again")


def load(source: str | Path | bytes, *, name: str | None = None) -> Document:
    """Read a plan file (``.txt``/``.md``) or raw bytes into a one-page Document."""
    if isinstance(source, bytes):
        data, label, suffix = source, name or "upload.txt", Path(name or "upload.txt").suffix.lower()
    else:
        path = Path(source)
        label, suffix = name or path.name, path.suffix.lower()
        if not path.is_file():
            raise LoadError(f"{path}: file not found")
        if path.stat().st_size > MAX_BYTES:
            raise LoadError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB; split the plan or trim annexes")
        data = path.read_bytes()
    if suffix not in TEXT_SUFFIXES:
        raise LoadError(f"{label}: unsupported file type {suffix or '(none)'}; use .txt or .md")
    text = decode_text(data, label).replace("\r\n", "\n").strip()
    if not text:
        raise LoadError(f"{label}: the file is empty; nothing to review")
    return Document(source=label, format=TEXT_SUFFIXES[suffix], text=text, pages=[Page(number=1, start=0, end=len(text))])
