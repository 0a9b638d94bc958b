"""Scoring maths on hand-built predictions: no model, no I/O."""

import pytest

from reviewer.evaluate import keyword_prediction, majority_predictions, markdown_report
from reviewer.framework import load_framework
from reviewer.scoring import GoldExample, Prediction, flip_rate, label_metrics, score_item, system_metrics

ALL_ABSENT = {"M1": "absent", "M2": "absent", "M3": "absent", "M4": "absent",
              "E1": "covered", "E2": "covered", "E3": "covered", "E4": "covered"}


def gold(i, **labels):
    return GoldExample(id=f"g{i}", text="某县方案", labels={**ALL_ABSENT, **labels})


def pred(i, **labels):
    return Prediction(id=f"g{i}", system="s", verdicts={**ALL_ABSENT, **labels})


def test_precision_recall_f1_for_the_positive_class():
    golds = [gold(1, M3="present"), gold(2, M3="present"), gold(3), gold(4)]
    preds = [pred(1, M3="present"), pred(2), pred(3, M3="present"), pred(4)]
    m = label_metrics([s for p, g in zip(preds, golds) for s in score_item(p, g)], "M3")
    assert (m.precision, m.recall, m.f1, m.accuracy) == (0.5, 0.5, 0.5, 0.5)
    assert m.confusion == {"present": {"present": 1, "absent": 1}, "absent": {"present": 1, "absent": 1}}


def test_three_class_accuracy_and_missing_as_positive():
    golds = [gold(1, E1="missing"), gold(2, E1="partial"), gold(3)]
    preds = [pred(1, E1="missing"), pred(2, E1="missing"), pred(3, E1="partial")]
    m = label_metrics([s for p, g in zip(preds, golds) for s in score_item(p, g)], "E1")
    assert m.precision == 0.5 and m.recall == 1.0 and m.accuracy == pytest.approx(0.333, abs=1e-3)


def test_unscored_items_are_left_out_and_counted():
    golds = [gold(1, M1="present"), gold(2)]
    preds = [pred(1, M1=None), pred(2)]
    m = system_metrics("s", [preds[0].model_copy(update={"checks_unparseable": 1}), preds[1]], golds)
    assert m.labels["M1"].scored == 1 and m.labels["M1"].unscored == 1
    assert m.unscored_rate == pytest.approx(1 / 16, abs=1e-3) and m.parse_failure_rate == pytest.approx(1 / 16, abs=1e-3)


def test_macro_averages_and_verbatim_rate():
    golds = [gold(1, M1="present", E1="missing"), gold(2)]
    preds = [pred(1, M1="present", E1="missing").model_copy(update={"quotes_given": 4, "quotes_verified": 3}), pred(2)]
    m = system_metrics("s", preds, golds)
    assert m.labels["M1"].f1 == 1.0 and m.labels["M2"].f1 == 0.0
    assert m.macro_f1_m == 0.25 and m.macro_f1_e == 0.25 and m.verbatim_rate == 0.75


def test_flip_rate_counts_plans_whose_verdict_changed():
    run1 = [pred(1), pred(2)]
    run2 = [pred(1, M3="present"), pred(2)]
    rates = flip_rate([run1, run2])
    assert rates["M3"] == 0.5 and rates["M1"] == 0.0


def test_baselines_and_report():
    golds = [gold(1, M3="present"), gold(2), gold(3)]
    majority = majority_predictions(golds, golds)
    assert all(p.verdicts["M3"] == "absent" for p in majority)
    kw = keyword_prediction(GoldExample(id="k", text="推动纺织产业技术改造。聚焦新能源产业。", labels=ALL_ABSENT), load_framework())
    assert kw.verdicts["M3"] == "absent"  # upgrading cue present
    kw = keyword_prediction(GoldExample(id="k", text="聚焦新能源产业。推动纺织企业整体退出。", labels=ALL_ABSENT), load_framework())
    assert kw.verdicts["M3"] == "present"  # the only traditional-industry sentence is an exit
    from reviewer.evaluate import EvalResult

    result = EvalResult(dataset="x.jsonl", plans=3, reviewer=system_metrics("r", [pred(1, M3="present"), pred(2), pred(3)], golds),
                        baselines=[system_metrics("majority", majority, golds)])
    text = markdown_report(result)
    assert "beats the majority by +0.125 macro-F1" in text


def test_document_kind_agreement_counts_only_plans_with_both_kinds():
    golds = [gold(1).model_copy(update={"kind": "thematic"}), gold(2).model_copy(update={"kind": "comprehensive"}),
             gold(3).model_copy(update={"kind": "thematic"}), gold(4)]
    preds = [pred(1).model_copy(update={"scope": "thematic"}), pred(2).model_copy(update={"scope": "comprehensive"}),
             pred(3).model_copy(update={"scope": "comprehensive"}), pred(4).model_copy(update={"scope": "excerpt"})]
    m = system_metrics("s", preds, golds)
    assert m.scope_agreement == (2, 3) and m.scope_confusion == {"thematic→comprehensive": 1}
    assert system_metrics("k", [pred(i) for i in range(1, 5)], golds).scope_agreement is None
