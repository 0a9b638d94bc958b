"""Where a plan's bytes come from, and what kind of file they are.

A source is a path, the file's bytes, or pasted text (a string with a line break). The
file type is decided by content (``%PDF``, a zip holding ``word/document.xml``, ``<html``)
before the file name; a name that disagrees gets a warning, and a kind of file that is not
read (an old Office file, an image, a spreadsheet...) is refused with what to do instead.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .limits import FORMATS, SUPPORTED, LoadError, LoadLimits, too_large
from .read_text import decode_text

_ADVICE = {
    "ole": "an old Office file (.doc/.xls/.wps): open it and save as .docx or PDF",
    "image": "an image: run OCR on it (e.g. ocrmypdf -l chi_sim) and load the PDF",
    "rtf": "an RTF file: open it and save as .docx or PDF",
    "xlsx": "a spreadsheet: save the plan as .docx, PDF or text",
    "pptx": "a presentation: export it as PDF",
    "odt": "an OpenDocument file: save it as .docx or PDF",
    "zip": "a zip archive: unpack it and load the plan itself",
    "ofd": "an OFD file: export it as PDF",
}
_OTHER_SUFFIXES = {".doc", ".wps", ".xls", ".xlsx", ".ppt", ".pptx", ".rtf", ".odt", ".ofd", ".zip",
                   ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
"""Suffixes of files a plan may come as but that are not read: a string ending in one is a path."""


# --- reading the source ------------------------------------------------------


def read_source(source: str | Path | bytes, name: str | None, limits: LoadLimits) -> tuple[bytes, str, str]:
    """The bytes, label and lower-case suffix of a path, bytes or pasted text."""
    if isinstance(source, bytes):
        label, data = name or "upload", source
    elif isinstance(source, str) and _is_pasted_text(source):
        label, data = name or "pasted text", source.encode("utf-8")
    else:
        path = Path(source)
        label = name or path.name
        data = _read_file(path, limits)
    if len(data) > limits.max_bytes:
        raise too_large(label, len(data), limits)
    return data, label, Path(label).suffix.lower()


def _is_pasted_text(source: str) -> bool:
    """A string with a line break, or a long one that names no file and does not look like a path."""
    if "\n" not in source and len(source.encode("utf-8")) <= 255:
        return False
    try:
        if Path(source).is_file():
            return False
    except (OSError, ValueError):  # not even a valid path
        pass
    return "\n" in source or not _looks_like_path(source.strip())


def _looks_like_path(text: str) -> bool:
    r"""Starts like a path (``/``, ``~``, ``./``, ``C:\``) or ends in a file suffix."""
    if text.startswith(("/", "~", "./", "../", ".\\", "\\\\")) or re.match(r"[A-Za-z]:[\\/]", text):
        return True
    return Path(text).suffix.lower() in (set(FORMATS) | _OTHER_SUFFIXES) - {""}


def _shown(path: Path) -> str:
    """A path for a message, shortened in the middle if very long."""
    text = str(path)
    return text if len(text) <= 120 else f"{text[:60]}…{text[-40:]}"


def _read_file(path: Path, limits: LoadLimits) -> bytes:
    """Read a file after checking it exists and is not too large."""
    try:
        exists, is_file = path.exists(), path.is_file()
    except (OSError, ValueError):
        exists = is_file = False
    if not exists:
        too_long = max((len(part.encode("utf-8")) for part in path.parts), default=0) > 255
        why = " (a file or folder name is longer than the 255 bytes a name may have)" if too_long else ""
        raise LoadError(f"{_shown(path)}: file not found{why}; check the path", "not_found")
    if not is_file:
        raise LoadError(f"{path}: is a folder, not a file; give the plan file itself", "not_found")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_large(path.name, size, limits)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot be read ({exc.strerror}); check its permissions", "unreadable") from exc


# --- deciding the type -------------------------------------------------------


def _magic(data: bytes) -> str | None:
    """The file type its first bytes show, or None for text (or unknown binary)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if re.search(rb"<(?:!doctype\s+html|html|head|body)[\s>]", head.lower().lstrip(b"\xef\xbb\xbf")):
        return "html"
    return None


def _zip_kind(data: bytes, label: str) -> str:
    """What a zip holds: ``docx``, or a reason for refusing it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.open("mimetype").read(80) if "mimetype" in names else b""  # never inflate it all
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise LoadError(f"{label}: the file is damaged or truncated ({exc}); download or save it again",
                        "corrupt") from exc
    if "word/document.xml" in names:
        return "docx"
    if b"opendocument" in mimetype:
        return "odt"
    if mimetype.startswith(b"application/ofd") or any(n.startswith("OFD.xml") for n in names):
        return "ofd"
    for prefix, kind in (("xl/", "xlsx"), ("ppt/", "pptx")):
        if any(n.startswith(prefix) for n in names):
            return kind
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    """Decodable as UTF-8, UTF-16 or GB18030 into text without NUL characters."""
    try:
        return "\x00" not in decode_text(data, "")[:8192]
    except LoadError:
        return False


def _binary(label: str, suffix: str) -> LoadError:
    named = f"although it is named {suffix}: it is another kind of file renamed, or damaged" if suffix else \
        "of an unknown kind"
    return LoadError(f"{label}: this is binary data, not text, {named}. Open the plan in the program that made it "
                     f"and save it as DOCX, PDF or UTF-8 text ({SUPPORTED})", "unsupported_type")


def sniff(data: bytes, label: str, suffix: str, warns: list[str]) -> str:
    """Decide the format from content first, then the suffix; warn when they disagree."""
    magic = _magic(data)
    named = FORMATS.get(suffix)
    if magic == "zip":
        magic = _zip_kind(data, label)
    if magic in _ADVICE:
        raise LoadError(f"{label}: unsupported file type: this is {_ADVICE[magic]} ({SUPPORTED})", "unsupported_type")
    if magic is None:
        if named is None:
            raise LoadError(f"{label}: unsupported file type {suffix}; {SUPPORTED}", "unsupported_type")
        if named in ("txt", "md") and b"\x00" in data[:8192] and not _looks_like_text(data):
            raise _binary(label, suffix)
        if named in ("pdf", "docx"):
            if not _looks_like_text(data):
                what = "does not start with %PDF" if named == "pdf" else "is not a Word (zip) package"
                raise LoadError(f"{label}: not a valid {named.upper()} file: it {what}; it is damaged or "
                                "mis-named: download or export it again", "corrupt")
            warns.append(f"the file is named {suffix} but holds plain text; it was read as text")
            return "txt"
        return named
    if suffix and named != magic:
        warns.append(f"the file is named {suffix} but is {magic.upper()}; it was read as {magic.upper()}")
    return magic
