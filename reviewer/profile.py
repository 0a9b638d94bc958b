"""Plan profile: title, issuing locality, level and period, read by pattern from the opening."""

from __future__ import annotations

import re

from .contracts import Document, PlanProfile

_PLACE = re.compile(
    r"^(?:中共)?([\u4e00-\u9fff]{1,12}?(?:自治区|经济技术开发区|高新技术产业开发区|开发区|高新区|新区|园区|试验区|省|市|州|盟|县|旗|区))"
)
_PERIOD = re.compile(r"(20\d\d)\s*[—–\-－~～至到]\s*(20\d\d)\s*年")
_TARGET = re.compile(r"到\s*(20\d\d)\s*年")
_ZONE_SUFFIXES = ("开发区", "高新区", "园区", "新区", "试验区", "示范区", "功能区")
_LEVEL_SUFFIXES = (("自治区", "province"), ("省", "province"), ("市", "city"), ("州", "city"), ("盟", "city"),
                   ("县", "county"), ("旗", "county"), ("区", "district"))


def level_from_name(locality: str) -> str:
    """Administrative level implied by a place name's suffix (云溪县 → county), else ``unknown``."""
    name = locality.strip()
    if name.endswith(_ZONE_SUFFIXES):
        return "zone"
    return next((level for suffix, level in _LEVEL_SUFFIXES if name.endswith(suffix)), "unknown")


def profile(doc: Document) -> PlanProfile:
    """Title = first non-empty line; locality from its start; period from the title or opening."""
    title = next((line.strip() for line in doc.text.splitlines() if line.strip()), doc.source)[:80]
    place = _PLACE.match(title)
    locality = place.group(1) if place else None
    opening = doc.text[:1500]
    period = None
    if m := _PERIOD.search(title) or _PERIOD.search(opening):
        period = f"{m.group(1)}—{m.group(2)}年"
    elif m := _TARGET.search(opening):
        period = f"至{m.group(1)}年"
    return PlanProfile(
        title=title,
        locality=locality,
        level=level_from_name(locality) if locality else "unknown",  # type: ignore[arg-type]  # a Level value
        period=period,
    )
