"""The priority-field taxonomy and the endowment cues, both data in ``corpus/compare/``.

A plan's words are mapped to fields by their aliases; where aliases overlap the most specific
(longest) one wins: 人形机器人 before 机器人, 新能源汽车 before 新能源.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, model_validator

from ..resources import data_dir, parse_yaml


class TaxonomyField(BaseModel):
    """One priority field: id, name, family and the words plans use for it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    """The field's name; it counts as an alias too."""
    family: str
    """Key of ``Taxonomy.families``."""
    aliases: list[str]


class Taxonomy(BaseModel):
    """``taxonomy.yaml``: the fields a local plan may prioritise, in three families."""

    model_config = ConfigDict(extra="forbid")

    version: int
    families: dict[str, str]
    """Family key → name in words."""
    fields: list[TaxonomyField]

    @model_validator(mode="after")
    def _consistent(self) -> Taxonomy:
        ids = [f.id for f in self.fields]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate field ids in the taxonomy")
        owner: dict[str, str] = {}
        for f in self.fields:
            if f.family not in self.families:
                raise ValueError(f"field {f.id}: unknown family {f.family!r}")
            for alias in {f.name, *f.aliases}:
                if owner.setdefault(alias, f.id) != f.id:
                    raise ValueError(f"alias {alias!r} belongs to both {owner[alias]} and {f.id}")
        return self

    def field(self, field_id: str) -> TaxonomyField:
        """The field with this id."""
        return next(f for f in self.fields if f.id == field_id)


EvidenceKind = Literal["fact", "anchored", "named", "quantity"]
"""How a sentence names a local endowment (see ``endowment.yaml``)."""
Scope = Literal["neighbour", "section", "reference"]
"""Where, besides the field's own sentence, the endowment may be named."""


class EndowmentCues(BaseModel):
    """``endowment.yaml``: the words that show a plan names a local endowment, and where (see that file)."""

    model_config = ConfigDict(extra="forbid")

    version: int
    kinds: list[EvidenceKind]
    """The kinds of evidence that count."""
    scopes: list[Scope]
    """Where evidence counts besides the field's own sentence."""
    facts: list[str]
    anchors: list[str]
    base_roles: list[str]
    """X in 以X为<role> is anchored (以乌垣煤矿机械厂为龙头)."""
    resources: list[str]
    suffixes: list[str]
    landmarks: list[str]
    not_names: list[str]
    units: list[str]
    targets: list[str]
    qualified: list[str]
    vague: list[str]
    function_chars: str
    generic: list[str]
    planned: list[str]
    opportunistic: list[str]


def _read(path: Path) -> object:
    return parse_yaml(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The shipped taxonomy (``corpus/compare/taxonomy.yaml``) or the one at ``path``."""
    return Taxonomy.model_validate(_read(path or data_dir("corpus") / "compare" / "taxonomy.yaml"))


@lru_cache(maxsize=4)
def load_endowment_cues(path: Path | None = None) -> EndowmentCues:
    """The shipped endowment cues (``corpus/compare/endowment.yaml``) or those at ``path``."""
    return EndowmentCues.model_validate(_read(path or data_dir("corpus") / "compare" / "endowment.yaml"))


class Match(NamedTuple):
    """A field named in a text: the field id, the alias that matched and its offset."""

    field: str
    alias: str
    start: int


class FieldMatcher:
    """Finds the taxonomy's fields in a text, the most specific alias winning where aliases overlap."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._field_of: dict[str, str] = {}
        for f in taxonomy.fields:
            for alias in (f.name, *f.aliases):
                self._field_of[alias] = f.id
        # longest first: at one position the regex engine takes the first alternative that matches
        aliases = sorted(self._field_of, key=lambda a: (-len(a), a))
        self._pattern = re.compile("|".join(_alias_pattern(a) for a in aliases))

    def find(self, text: str) -> list[Match]:
        """Every field mention in ``text``, left to right, overlapping shorter aliases dropped."""
        return [Match(self._field_of[m.group()], m.group(), m.start()) for m in self._pattern.finditer(text)]

    def best(self, text: str) -> str | None:
        """The one field ``text`` names most specifically (its longest alias), or None."""
        found = self.find(text)
        return max(found, key=lambda m: len(m.alias)).field if found else None


def _alias_pattern(alias: str) -> str:
    """An alias as a regex; Latin ones (AI, VR, 6G) must not sit inside a longer Latin word."""
    escaped = re.escape(alias)
    if re.search("[A-Za-z]", alias):
        return f"(?<![A-Za-z]){escaped}(?![A-Za-z])"
    return escaped
