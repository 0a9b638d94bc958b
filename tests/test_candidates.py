"""Candidate selection: what may ever be put to the model as evidence, over every labelled document."""

from pathlib import Path

import pytest

from reviewer.candidates import QueryVectors, cue_weight, select_candidates
from reviewer.embeddings import HashEmbeddings
from reviewer.framework import load_framework
from reviewer.scope import classify_scope
from reviewer.scoring import read_dataset
from reviewer.sentences import NOT_EVIDENCE, load_reading_rules, segment
from reviewer.verify import has_cue

DATA = Path(__file__).resolve().parents[1] / "eval" / "data"
FW = load_framework()
RULES = load_reading_rules()
EMB = HashEmbeddings()
QUERIES = QueryVectors(FW, EMB)
EXAMPLES = [e for name in ("dev", "test", "blind_dev", "blind_test") for e in read_dataset(DATA / f"{name}.jsonl")]


def _candidates(text):
    sentences = segment(text, RULES)
    vectors = EMB.embed_documents([s.text for s in sentences])
    return sentences, select_candidates(text, sentences, FW, RULES, QUERIES, vectors, k=3)


def test_no_title_wrapper_or_addressee_is_ever_a_candidate_in_the_labelled_set():
    offending = []
    for example in EXAMPLES:
        sentences, candidates = _candidates(example.text)
        for ind, picked in candidates.items():
            for c in picked:
                role = sentences[c.sentence].role
                if role in NOT_EVIDENCE or (role == "preamble" and ind != "E1a"):
                    offending.append((example.id, ind, role, c.text[:30]))
    assert not offending


def test_preamble_is_a_candidate_only_where_it_names_a_national_plan():
    text = ("某县加快发展新质生产力行动方案\n为贯彻落实《成渝地区双城经济圈建设规划纲要》决策部署，结合我县实际，制定本方案。\n"
            "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。\n一、重点任务\n推动纺织产业智能化改造。")
    sentences, candidates = _candidates(text)
    preamble = [c.text for c in candidates["E1a"] if sentences[c.sentence].role == "preamble"]
    assert preamble and all("双城经济圈" in t for t in preamble)
    assert all(sentences[c.sentence].role != "preamble" for ind, cs in candidates.items() if ind != "E1a" for c in cs)
    # a heading's cue words do not make the preamble under it name a national plan
    headed = text.replace("以习近平", "一、指导思想\n（一）融入长江经济带发展\n以习近平")
    sentences, candidates = _candidates(headed)
    assert next(s for s in sentences if s.text.startswith("以习近平")).role == "preamble"
    assert not [c.text for c in candidates["E1a"] if sentences[c.sentence].role == "preamble" and "双城" not in c.text and "长江" not in c.text]



def test_a_conferred_role_between_the_preamble_formulas_is_the_plans_own_content():
    text = ("松川市发展新质生产力三年行动方案\n"
            "为深入贯彻习近平总书记在新时代推动东北全面振兴座谈会上的重要讲话精神，落实《东北全面振兴“十四五”实施方案》，"
            "立足国家赋予我市的国家重要装备制造业基地定位，坚持以新技术改造提升老产业，结合我市实际，制定本方案。\n"
            "一、重点任务\n推动重型机械企业智能化改造。")
    sentences, candidates = _candidates(text)
    roles = {s.text: s.role for s in sentences}
    assert roles["为深入贯彻习近平总书记在新时代推动东北全面振兴座谈会上的重要讲话精神，"] == "preamble"
    assert roles["结合我市实际，制定本方案。"] == "preamble"
    own = next(s for s in sentences if s.text.startswith("落实《东北"))
    assert own.role == "body" and own.text.endswith("坚持以新技术改造提升老产业，")
    assert any("国家赋予我市" in c.text for c in candidates["E1b"])
    # the formula alone, with nothing of the plan's own between, stays preamble throughout
    plain = "某县行动方案\n为深入贯彻党的二十大精神，全面落实省委、省政府工作部署，结合县情实际，制定本方案。\n一、重点任务\n推动企业技术改造。"
    assert [s.role for s in segment(plain, RULES) if "二十大" in s.text] == ["preamble"]
    assert not [s for s in segment(plain, RULES) if s.role == "body" and "实际" in s.text]


def test_a_long_sentence_is_clipped_at_clause_boundaries_never_inside_a_title():
    long = ("按照《全国国土空间规划纲要（2021—2035年）》和《中共中央 国务院关于新时代推动中部地区高质量发展的意见》的总体部署，"
            "我市坚持生态优先、绿色发展，统筹推进传统产业改造和新兴产业培育，加快建设国家重要先进制造业基地，"
            "持续扩大有效投资，稳步提升城乡居民收入水平，不断增强区域综合竞争力和可持续发展能力。")
    text = "某市发展新质生产力实施方案\n一、重点任务\n" + long + "\n二、保障措施\n强化资金保障。"
    sentences, candidates = _candidates(text)
    quoted = [c.text for cs in candidates.values() for c in cs if c.text != long and c.text in long]
    assert quoted, "the long sentence was never clipped"
    for q in quoted:
        assert len(q) <= 90
        assert q.count("《") == q.count("》")
        assert long.startswith(q) or long[long.index(q) - 1] in "，；："
        assert q.endswith(("，", "；", "。")) or long.endswith(q)



def test_a_list_of_titles_too_long_for_whole_clauses_is_quoted_from_its_clause_and_ends_after_a_title():
    long = ("为抢抓新一轮科技革命和产业变革机遇，加快构建我市数据驱动发展新模式，推进数字产业化和产业数字化，培育经济发展新动能，"
            "根据《国务院关于印发“十四五”数字经济发展规划的通知》（国发〔2021〕29号）、《某省人民政府关于印发某省数字经济发展"
            "“十四五”规划的通知》（某政发〔2021〕24号）和《某市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》要求，制定本规划。")
    text = "某市数字经济发展规划\n" + long + "\n一、重点任务\n建设数据中心。"
    _, candidates = _candidates(text)
    [quote] = [c.text for c in candidates["E1a"] if "国务院" in c.text]
    assert quote.startswith("根据《国务院关于印发") and quote.endswith("）") and len(quote) <= 90


def test_a_huge_run_on_sentence_is_clipped_at_once():
    import time

    from reviewer.candidates import clip
    from reviewer.sentences import Sentence

    text = "推动产业发展，" * 20000 + "推动传统产业改造提升。"
    sentence = Sentence(index=0, text=text, start=0, end=len(text), role="body")
    started = time.perf_counter()
    start, end = clip(sentence, ["传统产业"])
    assert time.perf_counter() - started < 1.0  # the window looks only near the cue, not at 20,000 clause ends
    assert "传统产业" in text[start:end] and end - start <= 90 and text[start - 1] == "，"

PRINCIPLED = ("某市加快发展新质生产力实施方案\n一、总体要求\n（一）基本原则\n"
              "坚持要素保障，强化人才、资金、用地、用能等要素支撑，以改革激发创新活力。\n"
              "坚持特色发展，发挥资源优势，不搞一哄而上。\n二、重点任务\n"
              "实施青年人才安居工程，每年引进高校毕业生2000人以上。\n依托全市320万吨石墨储量发展负极材料。")


def test_principle_sections_are_evidence_only_of_the_plans_stance():
    sentences, candidates = _candidates(PRINCIPLED)
    roles = {s.text[:6]: s.role for s in sentences}
    assert roles["坚持要素保障"] == roles["坚持特色发展"] == "principle"
    assert roles["实施青年人才"] == "body"
    stance = {ind.id for check in FW.checks for ind in check.indicators if ind.principles}
    assert {"E1a", "M2c", "M3d"} <= stance and not {"M4b", "E3a", "E2a", "E4a"} & stance
    for ind, picked in candidates.items():
        for c in picked:
            assert sentences[c.sentence].role != "principle" or ind in stance, (ind, c.text)
    assert any("人才安居" in c.text for c in candidates["M4b"])
    assert not any("要素支撑" in c.text for c in candidates["M4b"])


def test_no_principle_sentence_is_a_candidate_for_a_measure_in_the_labelled_set():
    stance = {ind.id for check in FW.checks for ind in check.indicators if ind.principles}
    offending, principle_sentences = [], 0
    for example in EXAMPLES:
        sentences, candidates = _candidates(example.text)
        principle_sentences += sum(s.role == "principle" for s in sentences)
        offending += [(example.id, ind, c.text[:30]) for ind, picked in candidates.items() for c in picked
                      if sentences[c.sentence].role == "principle" and ind not in stance]
    assert principle_sentences > 50 and not offending


def test_a_cue_inside_a_fixed_phrase_is_no_cue():
    e3a = FW.get("E3").indicators[0]
    assert cue_weight("以习近平新时代中国特色社会主义思想为指导", e3a.keywords, RULES) == 0
    assert cue_weight("发挥我县富硒茶特色资源优势", e3a.keywords, RULES) > 0
    # an indicator's own idioms: pooled effort or a data platform is no endowment, yet 数据 stays a data measure
    assert cue_weight("集中资源开展前沿技术攻关", e3a.keywords, RULES, e3a.idioms) == 0
    assert cue_weight("升级市公共数据资源平台", e3a.keywords, RULES, e3a.idioms) == 0
    assert cue_weight("我县石英砂资源储量丰富", e3a.keywords, RULES, e3a.idioms) > 0
    _, candidates = _candidates("某市方案\n一、重点任务\n升级市公共数据资源平台，汇聚政务数据。\n集中资源开展前沿技术攻关。")
    assert not [c for c in candidates["E3a"] if c.cue_weight] and candidates["M4b"][0].cue_weight


def test_leaning_on_a_park_or_seeking_a_provincial_title_is_no_resource():
    e3a, e3b = FW.get("E3").indicators
    assert cue_weight("依托县工业园区，重点招引光伏组件、储能电池及配套企业。", e3a.keywords, RULES, e3a.idioms) == 0
    assert cue_weight("依托两家骨干企业梳理上下游配套清单。", e3a.keywords, RULES, e3a.idioms) == 0
    # a cue inside the gap, or after it, still counts; 依托 beside an endowment stays a cue
    assert cue_weight("依托化工园区副产氢资源，发展氢气提纯。", e3a.keywords, RULES, e3a.idioms) > 0
    assert cue_weight("依托丰富资源建设产业园区。", e3a.keywords, RULES, e3a.idioms) > 0
    assert cue_weight("依托深水港区和千万吨级炼化基地，发展化工新材料。", e3a.keywords, RULES, e3a.idioms) > 0
    # the gap stays inside one clause
    assert cue_weight("依托港口，建设园区。", e3a.keywords, RULES, e3a.idioms) > 0
    assert cue_weight("设立未来产业专项基金，积极争创省级未来产业先导区。", e3b.keywords, RULES, e3b.idioms) == 0
    assert cue_weight("争创国家级和省级试点示范。", e3b.keywords, RULES, e3b.idioms) > 0


def test_a_shortfall_word_before_a_number_is_a_quantity_not_a_lack():
    plan = ("某县方案\n一、重点任务\n发挥我县距离整车企业不足80公里的区位优势，以及县内高纯石英砂资源优势，引进正极材料项目。\n"
            "我县科技资源不足，创新基础薄弱。")
    sentences, candidates = _candidates(plan)
    texts = [c.text for c in candidates["E3a"]]
    assert any("石英砂" in t for t in texts) and not any("科技资源不足" in t for t in texts)


def test_a_ministry_document_named_is_a_national_plan_but_the_preamble_formula_and_a_sales_trip_are_not():
    e1a = FW.get("E1").indicators[0]
    assert cue_weight("贯彻落实《工业和信息化部等七部门关于推动未来产业创新发展的实施意见》", e1a.keywords, RULES, e1a.idioms) > 0
    assert cue_weight("为深入贯彻落实党中央、国务院关于发展新质生产力的决策部署", e1a.keywords, RULES, e1a.idioms) == 0
    # a State Council document named by its title is national policy; the formula's 国务院关于…决策部署 is not
    assert cue_weight("全面贯彻落实《国务院关于支持某省深化新旧动能转换推动高质量发展的意见》", e1a.keywords, RULES, e1a.idioms) > 0
    assert cue_weight("每年赴长三角、珠三角开展专题招商不少于10次", e1a.keywords, RULES, e1a.idioms) == 0
    assert cue_weight("主动融入长三角一体化发展", e1a.keywords, RULES, e1a.idioms) > 0
    # a region named in the plan's own aspiration or a centre's name is no national strategy
    assert cue_weight("打造全省数字产业新兴增长极、长三角数字治理示范高地", e1a.keywords, RULES, e1a.idioms) == 0
    # a title opening with 全国 names a national plan; 全国 outside a title does not (compared as written)
    assert cue_weight("《全国沿海港口布局规划》确定帆港港为全国沿海主要港口", e1a.keywords, RULES, e1a.idioms) > 0
    assert cue_weight("研发经费投入强度达到全国平均水平", e1a.keywords, RULES, e1a.idioms) == 0
    assert has_cue("落实国家《海峡西岸经济区发展规划》", e1a.keywords) and not has_cue("全国统一大市场", ["《全国"])
    e1b = FW.get("E1").indicators[1]
    assert cue_weight("我市要正确认识自身定位，不追求在本地培育新质生产力", e1b.keywords, RULES, e1b.idioms) == 0


def test_rewards_for_national_recognition_are_not_national_links():
    e4b = FW.get("E4").indicators[1]
    sentences, candidates = _candidates("某县行动方案\n一、重点任务\n对新认定的国家级研发平台给予300万元奖励。\n建设县科技企业孵化器。")
    assert all("奖励" not in c.text for c in candidates[e4b.id])


def test_matching_funds_for_national_projects_are_not_national_links():
    text = "某区方案\n一、重点任务\n对承担国家级科技项目的企业，按国拨经费的20%给予配套支持。\n支持园区争创国家级高新区。"
    sentences, candidates = _candidates(text)
    assert [c.text[:6] for c in candidates["E4b"]] == ["支持园区争创"]


def test_a_national_designation_of_the_whole_place_is_no_carrier_link():
    text = ("某市方案\n一、重点任务\n国家“东数西算”工程将我市纳入全国一体化算力网络国家枢纽节点。\n"
            "我市是国家布局建设的算力枢纽节点所在城市。\n推动市大数据产业园接入全国一体化算力网络调度平台。")
    _, candidates = _candidates(text)
    assert [c.text[:6] for c in candidates["E4b"]] == ["推动市大数据"]


def test_a_positioning_is_no_carrier():
    text = ("某市方案\n一、总体要求\n锚定国家赋予的绿色低碳发展示范区定位，坚持系统布局、创新驱动。\n"
            "二、重点任务\n依托市高新区建设低空经济产业园和无人机中试基地。\n")
    _, candidates = _candidates(text)
    assert [c.text[:6] for c in candidates["E4a"] if c.source == "cue"] == ["依托市高新区"]


def test_a_national_strategy_named_in_the_preamble_is_an_e1_candidate():
    text = ("某市海洋经济发展行动计划\n为深入贯彻习近平总书记关于建设海洋强国的系列重要论述，认真落实省委省政府发展海洋经济的决策部署，"
            "结合我市实际，制定本行动计划。\n一、重点任务\n建设海洋装备产业园。")
    _, candidates = _candidates(text)
    assert any("海洋强国" in c.text for c in candidates["E1a"] if c.source == "cue")


def test_a_firms_national_title_or_an_approval_system_is_no_carrier():
    e4b = FW.get("E4").indicators[1]
    assert cue_weight("新增省级博士后创新实践基地两家、国家级绿色工厂两家。", e4b.keywords, RULES, e4b.idioms) == 0
    assert cue_weight("依托国家级高新区建设智能制造产业园。", e4b.keywords, RULES, e4b.idioms) > 0
    # nor is an administrative system a carrier for industry
    e4a = FW.get("E4").indicators[0]
    assert cue_weight("5G网络在全省率先纳入工程建设项目联合审批平台。", e4a.keywords, RULES, e4a.idioms) == 0
    assert cue_weight("建设市工业互联网公共服务平台。", e4a.keywords, RULES, e4a.idioms) > 0


def test_a_role_the_centre_gives_in_other_words_is_an_e1b_candidate():
    e1b = FW.get("E1").indicators[1]
    assert cue_weight("强调四川是我国发展的战略腹地，在实施西部大开发战略中具有独特而重要的地位；", e1b.keywords, RULES, e1b.idioms) > 0


def test_a_role_names_who_conferred_it_and_a_cited_title_confers_nothing():
    text = ("某市方案\n一、总体要求\n认真落实中央经济工作会议精神，锚定绿色低碳发展示范区定位，统筹高质量发展与高水平安全。\n"
            "根据《国务院关于印发“十四五”数字经济发展规划的通知》，结合我市实际，制定本方案。\n"
            "落实国务院批复赋予我市的国家重要先进制造业基地定位。\n")
    _, candidates = _candidates(text)
    assert [c.text[:6] for c in candidates["E1b"] if c.source == "cue"] == ["落实国务院批"]
    e1b = FW.get("E1").indicators[1]
    title_only = "根据《国务院关于印发“十四五”数字经济发展规划的通知》，制定本方案。"
    assert cue_weight(title_only, e1b.keywords, RULES, e1b.idioms, titles=e1b.titles) == 0
    assert cue_weight(title_only, e1b.keywords, RULES, e1b.idioms) > 0  # it is the title that held the cue


def test_the_period_of_a_cited_plan_is_no_time_horizon_of_this_one():
    text = ("某市方案\n一、重点任务\n根据《湖北省数字经济发展“十四五”规划》和《某市第十四个五年规划和二〇三五年远景目标纲要》，"
            "数字经济核心产业增加值占比达到10%。\n到2026年，全市数字经济核心产业增加值占比达到12%。\n")
    _, candidates = _candidates(text)
    assert [c.text[:6] for c in candidates["E2a"]] == ["到2026年"]


def test_a_cue_never_spans_a_clause_or_item_break():
    m3a = FW.get("M3").indicators[0]
    assert cue_weight("推动口岸扩能改造，提升通关效率。", m3a.keywords, RULES, m3a.idioms) == 0
    assert cue_weight("改造提升纺织产业。", m3a.keywords, RULES, m3a.idioms) > 0
    assert not has_cue("聚焦纺织、机械、化工等行业推行数字化改造。", ["机械化"])
    assert has_cue("提高农业机械化水平。", ["机械化"])
    # so M3a's idiom 机械化 (farming by machine) leaves the machinery industry of a list of sectors a cue
    assert cue_weight("围绕物流配送、农业机械化等领域打造示范应用场景。", m3a.keywords, RULES, m3a.idioms) == 0
    assert cue_weight("聚焦纺织、机械、化工等行业推行数字化改造。", m3a.keywords, RULES, m3a.idioms) > 0
    # a cue written with its break matches the text with it: 中共中央、国务院关于
    e1a = FW.get("E1").indicators[0]
    assert cue_weight("贯彻《中共中央、国务院关于加快建设统一大市场的意见》。", e1a.keywords, RULES, e1a.idioms) > 0


def test_a_web_pages_furniture_copied_with_the_plan_is_never_plan_text():
    plan = ("某市推进低空经济发展实施方案\n为加快发展低空经济，结合我市实际，制定本方案。\n一、主要目标\n"
            "到2026年，建成通用机场1个，低空经济产业规模突破100亿元。\n二、重点任务\n依托市高新区建设低空经济产业园。\n")
    head = ("首页 | 政务公开 | 政务服务 | 互动交流\n当前位置：首页 > 政务公开 > 政策文件\n"
            "索引号：002489505/2025-00123　发布机构：市政府办公厅\n发布日期：2025-05-21　来源：市发展改革委　浏览次数：3265\n"
            "【字体：大 中 小】【打印】【关闭】\n")
    tail = ("分享到：微信 微博\n主办单位：某市人民政府办公室　承办单位：某市大数据中心\n"
            "网站标识码：3301000001　某ICP备05021243号　某公网安备 33010002000001号\n")
    sentences = segment(head + plan + tail, RULES)
    furniture = [s for s in sentences if s.start < len(head) or s.start >= len(head) + len(plan)]
    assert furniture and {s.role for s in furniture} == {"apparatus"}
    clean = segment(plan, RULES)
    assert [s.role for s in sentences if s not in furniture] == [s.role for s in clean]
    assert classify_scope(sentences, "plan.txt", RULES).kind == classify_scope(clean, "plan.txt", RULES).kind


def test_a_quoted_slogan_names_no_carrier_or_resource():
    e3a, e4a = FW.get("E3").indicators[0], FW.get("E4").indicators[0]
    assert cue_weight("实施“内搭平台、外联老乡”发展路径", e4a.keywords, RULES, e4a.idioms) == 0
    assert cue_weight("要求建设“两高地、两基地、一屏障”", e4a.keywords, RULES, e4a.idioms) == 0
    assert cue_weight("坚持“特色立县、资源强县”", e3a.keywords, RULES, e3a.idioms) == 0
    # a named carrier in quotes, or a quoted list of longer items, is read as written
    assert cue_weight("建设“北斗+低空”应用示范基地", e4a.keywords, RULES, e4a.idioms) > 0
    assert cue_weight("建设“新能源汽车产业基地、储能装备基地”", e4a.keywords, RULES, e4a.idioms) > 0
    text = ("某县政府工作报告\n一、今年工作\n实施“内搭平台、外联老乡”发展路径，推动经济实现质的有效提升。\n"
            "建设县智能装备产业园，引进整机企业3家。\n")
    _, candidates = _candidates(text)
    assert [c.text[:4] for c in candidates["E4a"] if c.source == "cue"] == ["建设县智"]


def test_a_target_needs_a_time_horizon():
    tasks = ("某县行动方案\n一、重点任务\n支持龙头企业联合攻关高端芯片，力争在关键技术上实现从0到1的突破。\n"
             "到2026年，全县规上工业增加值年均增长8%以上。\n")
    _, candidates = _candidates(tasks)
    assert [c.text[:6] for c in candidates["E2a"]] == ["到2026年"]
    # a targets section shares the period the plan states; a plan that states none has no dated aims
    with_period = "某县行动方案（2024—2027年）\n一、主要目标\n全县数字经济核心产业增加值占比达到10%。\n二、重点任务\n推动产业升级。"
    _, candidates = _candidates(with_period)
    assert [c.text[:6] for c in candidates["E2a"]] == ["全县数字经济"]
    _, candidates = _candidates(with_period.replace("（2024—2027年）", ""))
    assert candidates["E2a"] == []


def test_a_result_in_a_section_on_the_past_is_no_target():
    report = ("某市政府工作报告\n一、2024年工作回顾\n全年地区生产总值增长6%，高于全国1个百分点，规上工业增加值增长9%。\n"
              "二、2025年主要目标\n全市地区生产总值增长6%左右，研发经费投入强度高于全国平均水平。\n")
    _, candidates = _candidates(report)
    assert [c.text[:6] for c in candidates["E2a"]] == ["全市地区生产"]
    assert [c.text[:6] for c in candidates["E2b"]] == ["全市地区生产"]
    # an endowment may still be read from a section on the present base
    base = "某县行动方案\n一、发展基础\n我县已探明石灰石储量约6.8亿吨，是全省重要的建材生产基地。\n"
    _, candidates = _candidates(base)
    assert [c.text[:6] for c in candidates["E3a"]] == ["我县已探明石"]


def test_a_lead_in_or_bullet_label_is_quoted_with_the_sentence_it_introduces():
    text = ("某省方案\n一、发展目标\n按照国家对枢纽节点的建设要求，到2027年：\n——算力规模跃升。全省标准机架达到20万架。\n"
            "——国家重要清洁能源基地。国家能源规划把我省列为清洁能源基地重点省份。\n"
            "——发挥优势，特色发展。\n二、重点任务\n建设城市数据资源平台：\n")
    sentences = segment(text, RULES)
    texts = [s.text for s in sentences]
    assert "按照国家对枢纽节点的建设要求，到2027年：\n——算力规模跃升。全省标准机架达到20万架。" in texts
    assert "——国家重要清洁能源基地。国家能源规划把我省列为清洁能源基地重点省份。" in texts
    assert "——发挥优势，特色发展。" in texts  # a slogan with a clause of its own is no label
    assert "建设城市数据资源平台：" in texts  # a lead-in with nothing after it in its section stays as it is
    assert all(text[s.start:s.end] == s.text and s.index == i for i, s in enumerate(sentences))
    _, candidates = _candidates(text)
    shown = {c.text for cs in candidates.values() for c in cs}
    assert not {"——算力规模跃升。", "——国家重要清洁能源基地。"} & shown


def test_a_claim_about_nqpf_needs_a_sentence_that_names_it():
    text = ("某县行动方案\n一、重点任务\n围绕省会汽车产业配套需求，引进线束项目，暂缓建设第二期标准厂房。\n"
            "我县现阶段不具备发展新质生产力的条件，主要承接发达地区转移项目。")
    sentences, candidates = _candidates(text)
    about = {ind.id for check in FW.checks for ind in check.indicators if ind.about}
    assert {"M1a", "M1c", "M2c", "M3d", "M4d"} <= about
    assert [c.text[:6] for c in candidates["M1a"]] == ["我县现阶段不"]
    assert all("新质生产力" in c.text for ind in about for c in candidates[ind])


def test_a_heading_with_content_under_it_gives_way_to_that_content():
    text = ("某市方案\n三、重点任务\n（八）深化改革激发要素活力\n3．推进数据和土地要素市场化配置改革。\n"
            "开展数据资产登记试点，建立工业用地弹性年期出让制度。\n4．建设国家级科技企业孵化器和众创空间。\n")
    sentences, candidates = _candidates(text)
    m4a = [c.text for c in candidates["M4a"]]
    assert m4a and m4a[0].startswith("开展数据资产登记试点")  # the heading's cues carried by its first sentence
    shown = {c.text for cs in candidates.values() for c in cs}
    assert not any(t.startswith(("3．", "（八）", "三、")) for t in shown)
    assert any(t.startswith("4．建设国家级科技企业孵化器") for t in shown)  # a heading with nothing under it may still serve


def test_a_title_set_over_several_lines_is_title_and_its_bracketed_line_is_apparatus():
    text = ("中共某某市委\n关于以发展新质生产力为重要着力点\n加快构建现代化产业体系推动高质量发展的决定\n"
            "（2024年7月2日中国共产党某某市第九届委员会第六次全体会议通过）\n"
            "为深入贯彻落实党中央关于发展新质生产力的决策部署，全会作出如下决定。\n一、目标任务\n"
            "到2027年，全市战略性新兴产业增加值占地区生产总值比重达到20%，规上工业企业数字化改造覆盖率达到80%。\n")
    sentences, candidates = _candidates(text)
    roles = {s.text: s.role for s in sentences}
    assert roles["中共某某市委"] == "apparatus" and roles["关于以发展新质生产力为重要着力点"] == "title"
    assert roles["（2024年7月2日中国共产党某某市第九届委员会第六次全体会议通过）"] == "apparatus"
    shown = {c.text for cs in candidates.values() for c in cs}
    assert shown and not any("着力点" in t or "全体会议" in t for t in shown)
    scope = classify_scope(sentences, "decision.txt", RULES)
    assert scope.kind == "decision" and scope.title == "关于以发展新质生产力为重要着力点加快构建现代化产业体系推动高质量发展的决定"
    plan = classify_scope(segment("某市加快发展新质生产力行动方案\n（2024—2026年）\n" + text.split("\n", 4)[4], RULES), "p.txt", RULES)
    assert plan.title == "某市加快发展新质生产力行动方案"


@pytest.mark.parametrize("doc_id, kind", [("blind-010", "wrapper"), ("blind-004", "thematic"), ("blind-001", "comprehensive"),
                                          ("blind-009", "decision"), ("blind-011", "excerpt"), ("blind-003", "comprehensive")])
def test_scope_of_real_shaped_documents(doc_id, kind):
    example = next(e for e in EXAMPLES if e.id == doc_id)
    assert classify_scope(segment(example.text, RULES), f"{example.id}.txt", RULES).kind == kind


def test_a_title_that_names_a_field_beside_nqpf_makes_a_thematic_plan():
    tasks = "".join(f"（{n}）{verb}某项工作。\n内容说明，推动各项举措落实到位，确保取得实效。\n" * 3
                    for n, verb in zip("一二三四五", ("实施", "推动", "建设", "培育", "强化")))
    body = "一、总体要求\n坚持创新驱动。\n二、重点任务\n" + tasks + "三、保障措施\n加强组织领导。\n"
    field = classify_scope(segment("某市加快发展海洋新质生产力三年行动方案\n" + body, RULES), "a.txt", RULES)
    whole = classify_scope(segment("某市加快发展新质生产力三年行动方案\n" + body, RULES), "b.txt", RULES)
    assert (field.kind, field.absence_rules_apply, whole.kind, whole.absence_rules_apply) == ("thematic", False, "comprehensive", True)
    assert "海洋" in field.reason
    future = classify_scope(segment("某区加快培育未来产业发展新质生产力的意见\n" + body, RULES), "c.txt", RULES)
    agenda = classify_scope(segment("某区聚焦新兴产业和未来产业发展新质生产力行动计划\n" + body, RULES), "d.txt", RULES)
    assert (future.kind, agenda.kind) == ("thematic", "comprehensive")


def test_lead_ins_and_slogans_too_short_to_show_anything_are_never_candidates():
    text = ("某县行动方案\n一、发展目标\n到2027年：\n全县规模以上工业企业数字化改造覆盖率达到80%。\n"
            "二、基本原则\n——发挥优势，特色发展。\n——立足本县富硒茶和中药材资源，做强特色产业。")
    sentences, candidates = _candidates(text)
    shown = {c.text for cs in candidates.values() for c in cs}
    assert not {"到2027年：", "——发挥优势，特色发展。"} & shown
    assert any("富硒茶" in t for t in shown) and any("80%" in t for t in shown)


def test_without_embeddings_all_candidates_come_from_cues_best_match_first():
    text = "某县行动方案\n一、重点任务\n推动纺织企业数字化改造。\n推动数字化。\n推进食品企业技术改造和设备更新。"
    sentences = segment(text, RULES)
    picked = select_candidates(text, sentences, FW, RULES, None, [], k=1, semantic=False)["M2a"]
    assert [c.source for c in picked] == ["cue"] and "技术改造和设备更新" in picked[0].text


def test_the_centres_definition_restated_is_no_evidence_of_the_plans_stance():
    text = ("某市方案\n一、总体要求\n新质生产力的本质是先进生产力，关键在于提高全要素生产率。\n"
            "新质生产力关键在于前沿科技突破，一般的数字化改造不算新质生产力。\n二、重点任务\n推动企业数字化改造。\n")
    _, candidates = _candidates(text)
    stance = [ind.id for check in FW.checks for ind in check.indicators if ind.about]
    assert not any(c.text.startswith("新质生产力的本质") for ind in stance for c in candidates[ind])
    # a plan's own claim about NQPF is still put to the stance questions
    assert any(c.text.startswith("新质生产力关键在于前沿") for c in candidates["M2c"])


def test_a_departments_name_is_no_measure_and_taking_part_in_a_national_scheme_no_national_target():
    m4c, m4b = FW.get("M4").indicators[3], FW.get("M4").indicators[2]
    assert (m4b.id, m4c.id) == ("M4b", "M4c")
    assert cue_weight("省发展改革委、省数据局要会同有关部门加强统筹协调和跟踪督促。", m4c.keywords, RULES, m4c.idioms) == 0
    assert cue_weight("省发展改革委、省数据局要会同有关部门加强统筹协调和跟踪督促。", m4b.keywords, RULES, m4b.idioms) == 0
    assert cue_weight("深化科技成果转化机制改革，推进公共数据授权运营。", m4c.keywords, RULES, m4c.idioms) > 0
    e3a = FW.get("E3").indicators[0]
    assert cue_weight("由县人力资源社会保障局负责组织实施。", e3a.keywords, RULES, e3a.idioms) == 0
    e2b = FW.get("E2").indicators[1]
    assert cue_weight("积极参与全国碳排放权交易，拓展绿色收益渠道。", e2b.keywords, RULES, e2b.idioms) == 0
    assert cue_weight("到2027年，研发经费投入强度达到全国平均水平。", e2b.keywords, RULES, e2b.idioms) > 0


def test_the_settled_e3b_pattern_fires_only_where_the_labellers_saw_central_resources():
    """Where the rubric's own pattern settles a sentence, the labellers found the central side of E3: the plan's E3 is
    `covered`, or `partial` with central resources as its evidence, never `missing` or local features alone."""
    e3b = FW.get("E3").indicators[1]
    fired = [example for example in EXAMPLES
             if any(s.role == "body" and e3b.settles(s.text) for s in segment(example.text, RULES))]
    assert len(fired) >= 20  # the pattern is exercised by the labelled set
    assert all(example.labels["E3"] in ("covered", "partial") for example in fired)
    for example in (e for e in fired if e.labels["E3"] == "partial"):
        quotes = (example.evidence or {}).get("E3", [])
        assert quotes and all(any(w in q for w in ("中央", "国家", "全国")) for q in quotes), (example.id, quotes)
