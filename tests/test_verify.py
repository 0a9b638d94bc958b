"""Verify: text matching after normalisation, and the last check before a quote is shown."""

from reviewer.sentences import segment
from reviewer.verify import check_quote, has_cue, normalise

NOTICE = "某县人民政府关于印发《某县行动方案》的通知\n经县人民政府同意，现将《某县行动方案》印发给你们，请认真贯彻执行。\n一、重点任务\n推动纺织产业智能化改造。"


def test_normalise_keeps_offsets():
    norm, offsets = normalise("研发 投入（%）")
    assert norm == "研发投入" and offsets == [0, 1, 3, 4]


def test_cues_match_after_normalisation():
    assert has_cue("推动“上云用数赋智”", ["上云 用数"])
    assert not has_cue("推动产业升级", ["上云"])


def test_body_quotes_pass_and_apparatus_never_does():
    sentences = segment(NOTICE)
    body = next(s for s in sentences if "纺织" in s.text)
    assert check_quote(NOTICE, body, body.text, body.start, body.end, preamble_ok=False, principles_ok=False).ok
    for s in sentences[:2]:  # the notice title and its 印发 sentence
        result = check_quote(NOTICE, s, s.text, s.start, s.end, preamble_ok=True, principles_ok=True)
        assert not result.ok and "不能作为证据" in result.reason


def test_a_quote_that_is_not_the_text_at_its_span_is_refused():
    body = segment(NOTICE)[-1]
    assert not check_quote(NOTICE, body, "推动纺织产业数字化改造。", body.start, body.end, preamble_ok=False, principles_ok=False).ok


def test_a_principle_is_shown_only_for_an_indicator_about_the_plans_stance():
    text = "某市实施方案\n一、基本原则\n坚持要素保障，强化人才、资金等要素支撑。\n二、重点任务\n推动纺织产业智能化改造。"
    principle = next(s for s in segment(text) if "要素" in s.text)
    assert principle.role == "principle"
    refused = check_quote(text, principle, principle.text, principle.start, principle.end, preamble_ok=False,
                         principles_ok=False)
    assert not refused.ok and "立场" in (refused.reason or "")
    assert check_quote(text, principle, principle.text, principle.start, principle.end, preamble_ok=False,
                       principles_ok=True).ok


def test_a_line_that_only_assigns_duties_is_never_evidence():
    text = ("某省行动方案\n一、重点任务\n支持国家高新区建设中试平台。（责任单位：省科技厅，各国家高新区管委会）\n"
            "（牵头单位：省工业和信息化厅；配合单位：各市人民政府）\n推动纺织企业智能化改造。")
    sentences = segment(text)
    duties = [s for s in sentences if "单位" in s.text]
    assert len(duties) == 3 and all(s.role == "apparatus" for s in duties)
    for s in duties:
        assert not check_quote(text, s, s.text, s.start, s.end, preamble_ok=True, principles_ok=True).ok
    assert next(s for s in sentences if "中试平台" in s.text).role == "body"
