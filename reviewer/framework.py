"""The framework's checks as typed data, loaded from ``corpus/framework/framework.yaml``.

Each check (M1–M4, E1–E4) has concrete indicator questions and an ordered rule list
that turns the indicator answers into a verdict. No check text lives in code.

This module is the one home of the framework's fixed facts: the check ids and their
kinds, the verdicts each kind may give, which verdict flags a problem. Contracts,
scoring, rendering and the page import them from here.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .resources import data_dir, parse_yaml

CheckKind = Literal["misconception", "embedding"]
MisconceptionVerdict = Literal["present", "absent"]
EmbeddingVerdict = Literal["covered", "partial", "missing"]
Verdict = Literal[MisconceptionVerdict, EmbeddingVerdict]

MISCONCEPTION_IDS = ("M1", "M2", "M3", "M4")
EMBEDDING_IDS = ("E1", "E2", "E3", "E4")
CHECK_IDS = (*MISCONCEPTION_IDS, *EMBEDDING_IDS)
"""The eight checks, in report order (``framework.yaml`` must define exactly these)."""
ADVISORY_IDS = ("R1", "R2", "R3")
"""The paper's §3.3 recommendations, citable but not scored."""
CITABLE_IDS = (*CHECK_IDS, *ADVISORY_IDS)
"""Every check a corpus clause may ground."""

KIND_VERDICTS: dict[CheckKind, tuple[Verdict, ...]] = {
    "misconception": get_args(MisconceptionVerdict),
    "embedding": get_args(EmbeddingVerdict),
}
"""The verdicts a check of each kind may give (the classes when scoring)."""
POSITIVE: dict[CheckKind, Verdict] = {"misconception": "present", "embedding": "missing"}
"""The verdict that flags a problem most strongly: the positive class when scoring."""
PROBLEM_VERDICTS: tuple[Verdict, ...] = ("present", "partial", "missing")
"""Verdicts that flag a problem with the plan (and bring a revision suggestion)."""


def kind_of(check_id: str) -> CheckKind:
    """Whether ``check_id`` (M1–M4, E1–E4) is a misconception or an embedding point."""
    if check_id in MISCONCEPTION_IDS:
        return "misconception"
    if check_id in EMBEDDING_IDS:
        return "embedding"
    raise KeyError(f"unknown check {check_id!r}; the checks are {', '.join(CHECK_IDS)}")


class Indicator(BaseModel):
    """A concrete yes/no question about the plan."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    queries: list[str] = Field(default_factory=list)
    """Retrieval queries that find the plan passages this question is about."""
    keywords: list[str] = Field(default_factory=list)
    """Evidence cues: they select candidate sentences, back a yes, and drive the keyword baseline."""
    exclude: list[str] = Field(default_factory=list)
    """Cues that disqualify a sentence as evidence for this indicator (e.g. 退出 for upgrading)."""
    idioms: list[str] = Field(default_factory=list)
    """Phrases in which this indicator's cues are no cue (集中资源, 数据资源平台 for E3a's 资源): masked like the
    reading rules' fixed phrases, but for this indicator only (数据 stays a cue for the data measures of M4b)."""
    about: list[str] = Field(default_factory=list)
    """For a claim about a subject (what NQPF is, who may pursue it, who conferred a role): the sentence must name
    one of these."""
    dated: bool = False
    """For a target: the sentence must carry a time horizon (see :func:`reviewer.candidates.carries_time_horizon`)."""
    future: bool = False
    """For a target or its benchmark: never a sentence under a heading on the past (see
    :func:`reviewer.candidates.about_the_past`), where "高于全国1个百分点" is last year's result."""
    preamble: bool = False
    """Whether the standard political preamble may be evidence (only for a named national plan or strategy)."""
    principles: bool = False
    """Whether a 指导思想/基本原则 section may be evidence: only for indicators about the plan's stance
    (its national positioning, its view of what NQPF is or who may pursue it), never for its measures."""
    titles: bool = True
    """Whether cues inside a cited 《》 title count: not for a role conferred on the place (E1b), since
    《国务院关于印发…的通知》 cites a document (E1a's business) and confers nothing by itself."""
    settled_by: list[str] = Field(default_factory=list)
    """Patterns (regular expressions) of sentences the rubric itself answers yes, such as a national pilot the plan
    seeks for E3b: a candidate that matches one counts as yes without asking the model (see :meth:`settles`)."""

    @model_validator(mode="after")
    def _patterns_compile(self) -> "Indicator":
        for pattern in self.settled_by:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{self.id}: settled_by pattern {pattern!r} is not a regular expression: {exc}") from exc
        return self

    def settles(self, sentence: str) -> bool:
        """Whether the rubric answers this question yes for ``sentence`` by one of the ``settled_by`` patterns."""
        return any(re.search(pattern, sentence) for pattern in self.settled_by)


class Rule(BaseModel):
    """``when`` all listed indicators are answered yes (or the ``else`` rule), give ``verdict``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    when: dict[str, Literal["yes"]] | None = None
    otherwise: Verdict | None = Field(default=None, alias="else")
    verdict: Verdict | None = None
    why: str
    absence_based: bool = False
    """The rule infers from what the plan leaves out: applied only where the document's scope allows."""

    @model_validator(mode="after")
    def _one_form(self) -> "Rule":
        if (self.when is None) == (self.otherwise is None):
            raise ValueError("a rule has either `when` + `verdict` or `else`")
        if self.when is not None and self.verdict is None:
            raise ValueError("a `when` rule needs a `verdict`")
        return self

    @property
    def result(self) -> Verdict:
        """The verdict this rule gives."""
        return self.verdict or self.otherwise  # type: ignore[return-value]  # one is set (validated)


class Check(BaseModel):
    """One misconception or embedding point."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: CheckKind
    name: str
    clause: str
    """Framework clause id that defines the check (for citations)."""
    definition: str
    indicators: list[Indicator]
    rule: list[Rule]
    recommendations: list[str] = Field(default_factory=list)
    """Framework clause ids (§3.3) the suggestions draw on."""
    suggestions: dict[Verdict, str] = Field(default_factory=dict)
    """Revision advice for each problem verdict (present, partial, missing)."""

    @model_validator(mode="after")
    def _consistent(self) -> "Check":
        if self.id in CHECK_IDS and self.kind != kind_of(self.id):
            raise ValueError(f"{self.id}: is a {kind_of(self.id)}, not a {self.kind}")
        allowed = KIND_VERDICTS[self.kind]
        ids = {i.id for i in self.indicators}
        for rule in self.rule:
            if rule.result not in allowed:
                raise ValueError(f"{self.id}: verdict {rule.result!r} not allowed for a {self.kind}")
            if rule.when and not set(rule.when) <= ids:
                raise ValueError(f"{self.id}: rule uses unknown indicators {sorted(set(rule.when) - ids)}")
        if self.rule[-1].otherwise is None:
            raise ValueError(f"{self.id}: the last rule must be `else`")
        return self

    @property
    def positive(self) -> Verdict:
        """The label that flags a problem: ``present`` or ``missing``."""
        return POSITIVE[self.kind]


class Framework(BaseModel):
    """All checks, in report order."""

    checks: list[Check]
    sha256: str = ""
    """Content hash of the framework file, recorded in every report."""

    def get(self, check_id: str) -> Check:
        """The check with this id."""
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(check_id)


@lru_cache(maxsize=4)
def _load(path: Path) -> Framework:
    raw = path.read_bytes()
    data = parse_yaml(raw.decode("utf-8"))
    framework = Framework(checks=data["checks"], sha256=hashlib.sha256(raw).hexdigest()[:16])
    if tuple(c.id for c in framework.checks) != CHECK_IDS:
        raise ValueError(f"{path}: the checks must be {', '.join(CHECK_IDS)} in that order")
    return framework


def load_framework(path: Path | None = None) -> Framework:
    """The framework's checks (default: the shipped ``corpus/framework/framework.yaml``)."""
    return _load(path or data_dir("corpus") / "framework" / "framework.yaml")
