"""Scanned-plan fixtures made on the spot: plan text set in a CJK font on A4 page images, saved as an image-only PDF.

A page is typeset like a printed plan (a line per printed line, paragraphs indented two characters), then made
to look scanned: an optional red header (红头) and a red seal over the text, a tilt of a degree or two, a grey
paper tone, a little noise and JPEG compression. The reference text of each page is kept, so the OCR's
character error rate can be measured against what was printed.
"""

from __future__ import annotations

import io
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

A4_INCHES = (8.27, 11.69)
RED = (200, 20, 30)
_NO_LINE_START = "，。、；：？！）》”’%％"
"""Punctuation a Chinese line never starts with: it stays at the end of the line before."""


def font_path(serif: bool = True) -> Path:
    """A Simplified Chinese font installed with the test extra (Noto Serif/Sans SC, from PyPI)."""
    import pylopdf_fonts_zh_cn as fonts  # the test extra installs it

    return fonts.serif_path() if serif else fonts.sans_path()


@dataclass
class Scan:
    """How a page is printed and scanned."""

    dpi: int = 300
    pt: float = 14.0
    """Body text size in points (四号 = 14 pt; official documents use 三号 = 16 pt)."""
    rotate: float = 0.0
    """Tilt in degrees (positive: anticlockwise)."""
    header: str | None = None
    """A red header line (红头) on the first page, with a red rule under it."""
    seal: str | None = None
    """Text of a red round seal stamped over the body of the last page."""
    quality: int = 75
    """JPEG quality of the page images in the PDF."""
    seed: int = 0
    serif: bool = True


@dataclass
class ScannedPlan:
    """An image-only PDF and the text printed on each of its pages."""

    pdf: bytes
    pages: list[str] = field(default_factory=list)
    """The black text of each page; the red header and the seal are red ink, which the OCR leaves out."""
    images: list[Image.Image] = field(default_factory=list)


def _wrap(paragraph: str, font: ImageFont.FreeTypeFont, width: float, indent: float) -> list[str]:
    """Break a paragraph into printed lines no wider than ``width`` (first line indented)."""
    lines, line, room = [], "", width - indent
    for ch in paragraph:
        if line and font.getlength(line + ch) > room and ch not in _NO_LINE_START:
            lines.append(line)
            line, room = "", width
        line += ch
    return [*lines, line] if line else lines


def layout(text: str, scan: Scan) -> list[list[tuple[str, bool]]]:
    """Pages of (line, starts a paragraph) for ``text`` printed as ``scan`` says."""
    px = scan.pt * scan.dpi / 72
    font = ImageFont.truetype(str(font_path(scan.serif)), round(px))
    width = (A4_INCHES[0] - 2 * 1.1) * scan.dpi
    per_page = int((A4_INCHES[1] - 2 * 1.0) * scan.dpi / (px * 1.7))
    lines: list[tuple[str, bool]] = []
    for paragraph in (p.strip() for p in text.split("\n")):
        if paragraph:
            lines += [(line, i == 0) for i, line in enumerate(_wrap(paragraph, font, width, 2 * px))]
    return [lines[i:i + per_page] for i in range(0, len(lines), per_page)]


def _seal(size: int, text: str, font: Path) -> Image.Image:
    """A red round seal: a ring, a star and ``text`` around the upper arc, on a transparent ground."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    ring = max(3, size // 40)
    draw.ellipse((ring, ring, size - ring, size - ring), outline=(*RED, 255), width=ring)
    c, r = size / 2, size * 0.12
    star = [(c + r * math.cos(math.radians(-90 + 36 * k)) * (1 if k % 2 == 0 else 0.4),
             c + r * math.sin(math.radians(-90 + 36 * k)) * (1 if k % 2 == 0 else 0.4)) for k in range(10)]
    draw.polygon(star, fill=(*RED, 255))
    glyph = ImageFont.truetype(str(font), size // 9)
    span = 220
    for k, ch in enumerate(text):
        angle = -90 - span / 2 + span * (k + 0.5) / len(text)
        tile = Image.new("RGBA", (size // 8, size // 8), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((size // 16, size // 16), ch, font=glyph, fill=(*RED, 255), anchor="mm")
        tile = tile.rotate(-angle - 90, resample=Image.Resampling.BICUBIC)
        x = c + size * 0.36 * math.cos(math.radians(angle)) - tile.width / 2
        y = c + size * 0.36 * math.sin(math.radians(angle)) - tile.height / 2
        img.alpha_composite(tile, (round(x), round(y)))
    return img


def _page(lines: list[tuple[str, bool]], scan: Scan, first: bool, last: bool, rng: random.Random) -> Image.Image:
    """One printed page as an RGB image, before the scanner's tilt and noise."""
    w, h = (round(d * scan.dpi) for d in A4_INCHES)
    px = scan.pt * scan.dpi / 72
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_path(scan.serif)), round(px))
    x0, y = 1.1 * scan.dpi, 1.0 * scan.dpi
    if first and scan.header:
        big = ImageFont.truetype(str(font_path(True)), round(px * 2.2))
        draw.text((w / 2, y + px), scan.header, font=big, fill=RED, anchor="mm")
        y += px * 3
        draw.line((x0, y, w - x0, y), fill=RED, width=max(2, scan.dpi // 100))
        y += px * 1.2
    for line, starts in lines:
        draw.text((x0 + (2 * px if starts else 0), y), line, font=font, fill=(25, 25, 25))
        y += px * 1.7
    if last and scan.seal:
        size = round(1.6 * scan.dpi)
        stamp = _seal(size, scan.seal, font_path(True))
        spot = (round(w * 0.55), round(max(y - size * 0.75, 1.2 * scan.dpi)))
        red = Image.new("RGB", (size, size), "white")
        red.paste(stamp, (0, 0), stamp)
        # ink multiplies: black text stays black where the seal covers it
        img.paste(ImageChops.multiply(img.crop((*spot, spot[0] + size, spot[1] + size)), red), spot)
    return img


def _scanned(img: Image.Image, scan: Scan, rng: random.Random) -> Image.Image:
    """The page as a scanner returns it: tilted, on grey-white paper, slightly soft and noisy."""
    if scan.rotate:
        img = img.rotate(scan.rotate, resample=Image.Resampling.BICUBIC, fillcolor="white")
    img = img.filter(ImageFilter.GaussianBlur(0.4 * scan.dpi / 300))
    tone = Image.new("RGB", img.size, (238, 236, 230))
    img = ImageChops.multiply(img, tone)
    noise = Image.effect_noise(img.size, 10).convert("RGB")
    return ImageChops.add(img, noise, scale=1.0, offset=-128)


def scanned_plan(text: str, scan: Scan, max_pages: int | None = None) -> ScannedPlan:
    """Print ``text`` and scan it into an image-only PDF (at most ``max_pages`` pages)."""
    rng = random.Random(scan.seed)
    pages = layout(text, scan)[:max_pages]
    plan = ScannedPlan(pdf=b"")
    for i, lines in enumerate(pages):
        plan.images.append(_scanned(_page(lines, scan, i == 0, i == len(pages) - 1, rng), scan, rng))
        plan.pages.append("\n".join(line for line, _ in lines))
    buf = io.BytesIO()
    plan.images[0].save(buf, "PDF", save_all=True, append_images=plan.images[1:], resolution=scan.dpi, quality=scan.quality)
    plan.pdf = buf.getvalue()
    return plan


def squeeze(text: str) -> str:
    """Text without whitespace: what the character error rate compares."""
    return re.sub(r"\s+", "", text)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein distance over the reference's length, whitespace removed."""
    ref, hyp = squeeze(reference), squeeze(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, a in enumerate(ref, 1):
        current = [i]
        for j, b in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] / max(1, len(ref))
