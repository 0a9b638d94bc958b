"""Threshold fitting on dev runs: what the fit chooses when several thresholds score alike."""

from reviewer import Reviewer, load_settings
from reviewer.calibrate import fit_thresholds
from reviewer.framework import load_framework
from reviewer.llm import FakeChat

PLAN = ("某县发展新质生产力实施方案\n一、重点任务\n"
        "我县缺乏高校和科研院所，发展新质生产力的条件尚不成熟，近期暂缓布局前沿产业。\n"
        "新质生产力只有发达地区才能发展，我县主要做好配套。\n推动纺织企业实施技术改造和设备更新。\n")
ABSENT = {"M1": "absent", "M2": "absent", "M3": "absent", "M4": "absent",
          "E1": "missing", "E2": "missing", "E3": "missing", "E4": "missing"}


def _scored(report, scores):
    """The report with each M1 indicator's candidates given the probability ``scores[indicator]``."""
    findings = []
    for f in report.findings:
        indicators = [i.model_copy(update={"candidates": [c.model_copy(update={"p_yes": scores.get(i.id, 0.0)})
                                                          for c in i.candidates]}) for i in f.indicators]
        findings.append(f.model_copy(update={"indicators": indicators}))
    return report.model_copy(update={"findings": findings})


def test_a_tie_between_thresholds_goes_to_the_one_that_keeps_the_stated_misconceptions(tmp_path):
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path)
    report = Reviewer(settings, chat=FakeChat(default="是")).review(PLAN.encode(), name="plan.txt")
    m1 = {i.id: i for i in report.finding("M1").indicators}
    assert m1["M1a"].candidates and m1["M1c"].candidates
    # Plan 1 states the deferral clearly; plan 2 states it weakly, and says NQPF belongs to developed regions;
    # plan 3 has neither (its deferral-like sentence scores low). Every threshold of M1a from 0.30 to 0.45
    # decides all three plans right, since plan 2 is present through M1c anyway.
    reports = [_scored(report, {"M1a": 0.48, "M1c": 0.1}), _scored(report, {"M1a": 0.33, "M1c": 0.6}),
               _scored(report, {"M1a": 0.22, "M1c": 0.1})]
    golds = [{**ABSENT, "M1": "present"}, {**ABSENT, "M1": "present"}, ABSENT]
    fitted = fit_thresholds(reports, golds, load_framework())
    # nearest the default (0.45) would lose an unseen plan that states its deferral as weakly as plan 2;
    # the fit keeps every stated deferral a yes and the low one a no (0.25 and 0.30 do both: nearer the default)
    assert fitted["M1a"] == 0.30


def test_a_tie_the_dev_splits_leave_goes_to_the_tiebreak_set_and_only_a_tie(tmp_path):
    settings = load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path)
    report = Reviewer(settings, chat=FakeChat(default="是")).review(PLAN.encode(), name="plan.txt")
    # dev: a stated deferral at 0.60 and a plan without at 0.20 — every M1a threshold from 0.25 to 0.60 ties
    dev = [_scored(report, {"M1a": 0.60}), _scored(report, {"M1a": 0.20})]
    dev_golds = [{**ABSENT, "M1": "present"}, ABSENT]
    # the tiebreak set holds a stated deferral at 0.42: the tie goes to a threshold that keeps it
    tie = ([_scored(report, {"M1a": 0.42})], [{**ABSENT, "M1": "present"}])
    assert fit_thresholds(dev, dev_golds, load_framework())["M1a"] > 0.42
    assert fit_thresholds(dev, dev_golds, load_framework(), tiebreak=tie)["M1a"] <= 0.42
    # but it never overrules the dev splits: a tiebreak plan at 0.15 cannot pull the threshold below dev's 0.20
    low = ([_scored(report, {"M1a": 0.15})], [{**ABSENT, "M1": "present"}])
    assert fit_thresholds(dev, dev_golds, load_framework(), tiebreak=low)["M1a"] > 0.20
