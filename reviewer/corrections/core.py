"""A reviewer's decision on each finding, turned into a labelled example in the rubric's dataset format.

For every check of a :class:`~reviewer.contracts.Report` a person says one of:

- ``accepted``: the model's verdict is right (only for a judged finding); its verified quotes become the evidence;
- ``dismissed``: the problem the finding flags is not one (a reason is required); the label becomes the
  check's no-problem verdict (``absent`` for a misconception, ``covered`` for an embedding point);
- ``corrected``: the right verdict, and optionally the right quote, which must occur character for
  character in the plan's text.

The example's labels are the model's verdicts with these decisions applied; its note holds the reasons.
:mod:`.store` keeps one line per plan under ``$REVIEWER_HOME/corrections/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..contracts import Finding, Report
from ..errors import ReviewerError
from ..framework import CHECK_IDS, KIND_VERDICTS, PROBLEM_VERDICTS, Verdict, kind_of
from ..render import VERDICTS, verdict_label
from ..scoring import GoldExample

Action = Literal["accepted", "dismissed", "corrected"]
ACTIONS: dict[Action, str] = {"accepted": "接受", "dismissed": "驳回", "corrected": "更正"}
"""Each decision in the page's words."""
NO_PROBLEM: dict[str, Verdict] = {"misconception": "absent", "embedding": "covered"}
"""The label a dismissed finding gets: the check's verdict that flags nothing."""
SOURCE = "correction"
"""The ``source`` of every example saved from a review."""


class CorrectionError(ReviewerError, ValueError):
    """A decision that cannot be applied: the message says which check and why."""


class Decision(BaseModel):
    """What a person decided about one finding."""

    model_config = ConfigDict(extra="forbid")

    check_id: str
    action: Action
    reason: str = ""
    """Why: required to dismiss, kept in the example's note whenever given."""
    verdict: Verdict | None = None
    """The right verdict (``corrected`` only)."""
    quote: str | None = None
    """The right quote (``corrected`` only, optional): the plan's exact words."""

    @field_validator("reason")
    @classmethod
    def _strip_reason(cls, value: str) -> str:
        return value.strip()

    @field_validator("quote")
    @classmethod
    def _blank_quote_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _fits_the_action(self) -> Decision:
        if self.check_id not in CHECK_IDS:
            raise ValueError(f"unknown check {self.check_id!r}; the checks are {', '.join(CHECK_IDS)}")
        if self.action == "dismissed" and not self.reason:
            raise ValueError(f"{self.check_id}: a dismissal needs a reason")
        if self.action == "corrected":
            allowed = KIND_VERDICTS[kind_of(self.check_id)]
            if self.verdict not in allowed:
                raise ValueError(f"{self.check_id}: a correction needs the right verdict, one of {', '.join(allowed)}")
        elif self.verdict is not None or self.quote is not None:
            raise ValueError(f"{self.check_id}: only a correction carries a verdict or a quote")
        return self


class CorrectedExample(GoldExample):
    """A reviewed plan in the dataset format, plus how each label was decided (extra fields a reader may ignore)."""

    sha256: str
    """Content hash of ``text``: the key under which the example is stored."""
    file: str = ""
    """The plan's file name as reviewed."""
    model_verdicts: dict[str, str | None] = Field(default_factory=dict)
    """What the model said (None: not judged)."""
    decisions: dict[str, Decision] = Field(default_factory=dict)
    reviewed_at: str = ""
    config_key: str = ""
    """The review's configuration key, so a later evaluation can tell which settings were corrected."""


def content_hash(text: str) -> str:
    """SHA-256 of the plan text (the example's key)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _judged(finding: Finding) -> bool:
    return finding.status == "ok" and finding.verdict is not None


def _accepted_quotes(finding: Finding, text: str) -> list[str]:
    return list(dict.fromkeys(e.quote for e in finding.evidence if e.quote and e.quote in text))


def apply_decision(finding: Finding, decision: Decision, text: str) -> tuple[str, list[str], str]:
    """The label, evidence quotes and note line for one finding; :class:`CorrectionError` if the decision does not fit."""
    check = finding.check_id
    title = f"{check} {finding.name}"
    if decision.action == "accepted":
        if not _judged(finding):
            raise CorrectionError(f"{check} was not judged ({verdict_label(finding)}): correct it with the right verdict instead")
        note = f"{title}：接受（{VERDICTS[str(finding.verdict)]}）" + (f"，{decision.reason}" if decision.reason else "")
        return str(finding.verdict), _accepted_quotes(finding, text), note
    if decision.action == "dismissed":
        if not _judged(finding) or finding.verdict not in PROBLEM_VERDICTS:
            raise CorrectionError(f"{check} flags no problem ({verdict_label(finding)}), so there is nothing to dismiss: "
                                  "correct it with the right verdict instead")
        label = NO_PROBLEM[kind_of(check)]
        return label, [], f"{title}：驳回模型的“{verdict_label(finding)}”，改为{VERDICTS[label]}，理由：{decision.reason}"
    assert decision.verdict is not None  # a correction always carries one (Decision's validator)
    if decision.quote is not None and decision.quote not in text:
        raise CorrectionError(f"{check}: the quote is not in the plan's text word for word: {decision.quote[:60]!r}")
    note = f"{title}：更正为{VERDICTS[decision.verdict]}（模型：{verdict_label(finding)}）"
    return decision.verdict, [decision.quote] if decision.quote else [], note + (f"，理由：{decision.reason}" if decision.reason else "")


def to_example(report: Report, decisions: Iterable[Decision], *, others: Literal["accepted"] | None = None) -> CorrectedExample:
    """The reviewed plan as a labelled example; every check needs a decision (``others="accepted"`` accepts the rest)."""
    given: dict[str, Decision] = {}
    for decision in decisions:
        if decision.check_id in given:
            raise CorrectionError(f"{decision.check_id} has two decisions; give one")
        given[decision.check_id] = decision
    findings = {f.check_id: f for f in report.findings}
    if missing := [c for c in CHECK_IDS if c not in findings]:
        raise CorrectionError(f"the report has no finding for {', '.join(missing)}")
    if others == "accepted":
        given = {c: given.get(c) or Decision(check_id=c, action="accepted") for c in CHECK_IDS}
    if undecided := [c for c in CHECK_IDS if c not in given]:
        raise CorrectionError(f"no decision for {', '.join(undecided)}: accept, dismiss or correct every finding")
    labels: dict[str, str] = {}
    evidence: dict[str, list[str]] = {}
    notes: list[str] = []
    for check in CHECK_IDS:
        labels[check], quotes, note = apply_decision(findings[check], given[check], report.text)
        if quotes:
            evidence[check] = quotes
        if given[check].action != "accepted" or given[check].reason:
            notes.append(note)
    sha = content_hash(report.text)
    level = report.profile.level
    return CorrectedExample(
        id=f"corr-{sha[:12]}", title=report.profile.title or report.source, level="" if level == "unknown" else level,
        text=report.text, labels=labels, evidence=evidence, source=SOURCE,
        note="人工复核：" + ("；".join(notes) if notes else "接受模型的全部结论") + "。",
        sha256=sha, file=report.source, decisions=given, config_key=report.run.config_key,
        model_verdicts={f.check_id: f.verdict if _judged(f) else None for f in report.findings},
        reviewed_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
