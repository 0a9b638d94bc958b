"""OCR stage: the pages of a PDF that have no text layer, only a scan, read by an offline OCR engine.

Runs between :func:`~reviewer.ingest.read` and :func:`~reviewer.ingest.clean`: a page that shows an image and has
no text (:func:`needs_ocr`) is rendered with pdfium and recognised by RapidOCR (PP-OCRv4 models run by
onnxruntime; the models ship inside the ``rapidocr-onnxruntime`` wheel, nothing is downloaded) in its red
channel, so red ink (seals, the red header) is left out. Every other page keeps its text layer. The OCR'd text comes out a line per printed line, like pypdf's, so the PDF repair
in :mod:`.repair` joins it into paragraphs the same way. Both packages are the optional ``ocr`` extra:
without them, or with the setting off, a scanned PDF is refused as before, and the message says why.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from .limits import LoadError
from .pages import RawDocument, RawPage
from .textquality import CJK

ENGINE = "RapidOCR (PP-OCRv4, onnxruntime)"
"""The engine as reports name it."""
MAX_SIDE_PX = 2000
"""RapidOCR shrinks a larger image to this long side before it detects text, so pages are rendered no larger."""
MAX_DPI = 200
"""Nor finer than this (a small page)."""

OnPage = Callable[[int, int], None]
"""Told ``(i, n)`` before the ``i``-th of ``n`` pages is recognised."""


class OcrOptions(BaseModel):
    """How the OCR stage runs (from the ``ocr*`` settings)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    """Recognise pages without a text layer (when the engine is installed)."""
    max_pages: int = Field(default=50, ge=1)
    """A document with more pages to recognise than this is refused before OCR starts."""
    timeout_s: float = Field(default=900.0, gt=0)
    """Seconds OCR may take on one document; past it the document is refused."""
    threads: int = Field(default=2, ge=1)
    """CPU threads of the OCR engine."""


class _Line(NamedTuple):
    text: str
    score: float
    top: float
    bottom: float
    left: float


def needs_ocr(page: RawPage) -> bool:
    """A page that shows an image and has no text layer: a scan."""
    return page.has_images and not page.text.strip() and page.error is None


def ocr_missing() -> str | None:
    """Why the OCR engine cannot run here (a package missing), or None when it can."""
    try:
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as exc:
        return f"the OCR engine is not installed ({exc.name} is missing; install the project with its ocr extra: pip install -e '.[ocr]')"
    return None


_engine_lock = threading.Lock()


@lru_cache(maxsize=2)
def _engine(threads: int) -> Any:
    """The OCR engine, loaded once per thread count (about a second)."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False, print_verbose=False)


def _lines(result: list[Any] | None) -> list[_Line]:
    """RapidOCR's boxes as lines of text with their score and place."""
    lines = []
    for box, text, score in result or []:
        ys, xs = [p[1] for p in box], [p[0] for p in box]
        if text.strip():
            lines.append(_Line(text.strip(), float(score), min(ys), max(ys), min(xs)))
    return lines


_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
_HALF_NEAR_CJK = re.compile(f"(?<=[{CJK}])[,;:?!)]|[,;:?!(](?=[{CJK}])|(?<=[{CJK}])\\.(?!\\d)|\\((?=[{CJK}])")
"""Half-width punctuation next to an ideograph: the recogniser often returns ``,`` for ``，`` in Chinese text."""


def full_width(text: str) -> str:
    """Half-width punctuation beside Chinese characters made full-width, as the printed plan has it."""
    return _HALF_NEAR_CJK.sub(lambda m: _HALF[m.group()], text)


def _page_text(lines: list[_Line]) -> str:
    """Boxes joined into printed lines, top to bottom: boxes whose middles lie within one another's height are one line."""
    rows: list[list[_Line]] = []
    for line in sorted(lines, key=lambda b: (b.top + b.bottom) / 2):
        middle = (line.top + line.bottom) / 2
        if rows and rows[-1][0].top <= middle <= rows[-1][0].bottom:
            rows[-1].append(line)
        else:
            rows.append([line])
    return full_width("\n".join("".join(b.text for b in sorted(row, key=lambda b: b.left)) for row in rows))


RED_MARGIN = 40
"""A pixel whose red exceeds its green and blue by more than this is red ink."""
BLACK = 120
"""Pixels darker than this in the red channel are black print, kept even beside red ink (text under a seal)."""


def without_red(rgb: Any) -> Any:
    """The page in grey with red ink (seals, the red header, signatures) turned to the paper's tone.

    Black print under a seal stays dark (the ink multiplies), so a seal neither hides a line nor adds its own
    words; in the red channel the rest of a red stroke's edge is light.
    """
    import numpy as np

    pixels = rgb.astype(np.int16)
    red = pixels[..., 0] - np.maximum(pixels[..., 1], pixels[..., 2]) > RED_MARGIN
    near = red.copy()
    for dy in range(-2, 3):  # two pixels round red ink too: JPEG blurs its colour at the edges, leaving outlines
        for dx in range(-2, 3):
            near |= np.roll(red, (dy, dx), axis=(0, 1))
    paper = np.median(pixels[::4, ::4, 0])  # the paper's tone: pure white would leave a white glyph on grey paper
    grey = np.where(near & (pixels[..., 0] > BLACK), paper, pixels[..., 0]).astype(np.uint8)
    return np.stack([grey] * 3, axis=-1)


def recognise_page(pdf: Any, number: int, threads: int = 2) -> tuple[str, float]:
    """The text of page ``number`` (1-based) of an open ``pypdfium2`` document and the mean confidence of its characters (0 if none)."""
    import numpy as np

    page = pdf[number - 1]
    width, height = page.get_size()
    scale = min(MAX_DPI / 72, MAX_SIDE_PX / max(width, height, 1.0))
    image = np.asarray(page.render(scale=scale).to_pil().convert("RGB"))
    with _engine_lock:  # one onnxruntime session, used by one thread at a time
        result, _ = _engine(threads)(without_red(image))
    lines = _lines(result)
    chars = sum(len(b.text) for b in lines)
    confidence = sum(b.score * len(b.text) for b in lines) / chars if chars else 0.0
    return _page_text(lines), round(confidence, 4)


def recognise(raw: RawDocument, options: OcrOptions, on_page: OnPage | None = None) -> RawDocument:
    """OCR stage: fill in the text of the scanned pages of a PDF; other pages and other formats pass unchanged."""
    todo = [page for page in raw.pages if needs_ocr(page)]
    if raw.format != "pdf" or not todo or raw.data is None:
        return raw
    if not options.enabled:
        return raw._replace(ocr_note="OCR is switched off (setting ocr)")
    if missing := ocr_missing():
        return raw._replace(ocr_note=missing)
    if len(todo) > options.max_pages:
        raise LoadError(f"{raw.label}: {len(todo)} scanned pages to recognise is over the OCR limit of {options.max_pages} "
                        "pages (setting ocr_max_pages); split the scan or load the plan's main text only", "too_many_pages")
    import pypdfium2 as pdfium

    started, read = time.perf_counter(), {}
    pdf = pdfium.PdfDocument(raw.data)  # parsed once for all its scanned pages
    try:
        for i, page in enumerate(todo, 1):
            if (spent := time.perf_counter() - started) > options.timeout_s:
                raise LoadError(f"{raw.label}: OCR took {spent:.0f} s for {i - 1} of {len(todo)} scanned pages, over its "
                                f"{options.timeout_s:g} s limit (setting ocr_timeout_s); raise it, or split the scan",
                                "too_large")
            if on_page:
                on_page(i, len(todo))
            read[page.number] = recognise_page(pdf, page.number, options.threads)
    finally:
        pdf.close()
    pages = [page._replace(text=read[page.number][0], ocr_confidence=read[page.number][1]) if page.number in read else page
             for page in raw.pages]
    blank = sum(1 for text, _ in read.values() if not text.strip())
    note = f"OCR ran here but found no text on {blank} of {len(todo)} scanned pages" if blank else ""
    return raw._replace(pages=pages, ocr_note=note)
