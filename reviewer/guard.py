"""Guard: sentences in a plan that address the reviewing model rather than the plan's readers.

Such sentences are never candidates, so they never reach the model, and the report warns
about them. Text is folded before matching (NFKC, format and zero-width characters
removed, spaces dropped, lower case), so full-width letters, spaced-out characters or an
invisible U+2063 inside 忽略 do not hide an instruction. Matching runs sentence by
sentence with bounded gaps, so its cost is linear in the plan's length.
"""

from __future__ import annotations

import re
import unicodedata

from .sentences import END_MARKS

_INSTRUCTION = re.compile(
    "(?:忽略|无视|不要理会|不予理会|忘记|忘掉).{0,16}(?:指令|指示|提示|规则|设定|要求|说明)"
    "|(?:判定|标记)为.{0,6}(?:通过|合格|已覆盖|不存在|covered|absent|present|missing)"
    "|(?:本规划|该规划|此规划|本文|所有检查|全部检查|各项检查|每一项|所有误区|四类误区).{0,12}(?:判定|判断|标记|评定|认定|评为)"
    "|(?:系统提示|审读模型|审查模型|审读员|你现在是|你是一个)"
    "|(?:ignore|disregard|forget|override).{0,40}(?:instruction|guidance|rule|prompt|above|previous)"
    "|(?:mark|label|rate|judge|classify|answer).{0,40}(?:ascovered|asabsent|aspresent|asmissing|\"yes\"|yes\\b)"
    "|(?:systemprompt|youarenow|assistant:|</?plan>|\\{\"(?:answer|verdict|m\\d|e\\d)\")",
    re.IGNORECASE,
)
_SPLIT = re.compile(f"[^{END_MARKS}\n]{{1,2000}}")
"""Sentences (cut at the splitter's end marks and line ends), at most 2,000 characters so no single match attempt runs long."""


def fold(text: str) -> str:
    """NFKC, without format (Cf) characters or whitespace, lower-cased: how the guard reads text."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf").lower()


def is_instruction_like(sentence: str) -> bool:
    """Whether one sentence addresses the reviewing model."""
    return bool(_INSTRUCTION.search(fold(sentence)))


def find_instructions(text: str) -> list[str]:
    """The instruction-like sentences of ``text``, in order."""
    return [m.group().strip() for m in _SPLIT.finditer(text) if is_instruction_like(m.group())]
