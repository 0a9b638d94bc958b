"""Comparing plans across a batch: the library, its outputs and the CLI, on small generated plans."""

import json

import pytest
from click.testing import CliRunner
from compare_fixtures import e3_report, plan_texts, write_plans
from openpyxl import load_workbook
from pydantic import ValidationError

from reviewer.cli import main
from reviewer.compare import FieldMatcher, Taxonomy, compare, compare_plans, load_taxonomy
from reviewer.compare.grounding import EndowmentFinder, place_names
from reviewer.compare.inputs import PlanInput
from reviewer.compare.outputs import write_outputs
from reviewer.compare.passages import mask
from reviewer.compare.taxonomy import load_endowment_cues


@pytest.fixture(scope="module")
def plans_dir(tmp_path_factory):
    return write_plans(tmp_path_factory.mktemp("cmp") / "plans")


@pytest.fixture(scope="module")
def comparison(plans_dir):
    return compare([plans_dir])


@pytest.mark.parametrize("text, field", [
    ("前瞻布局人形机器人和具身智能", "humanoid"),
    ("推广工业机器人", "robotics"),
    ("发展新能源汽车及零部件", "nev"),
    ("建设光伏电站", "new_energy"),
    ("发展AIGC内容产业", None),
    ("推动AI赋能制造业", "ai"),
], ids=["humanoid_before_robot", "industrial_robot", "nev_before_new_energy", "pv", "latin_alias_inside_word", "latin_alias"])
def test_most_specific_alias_wins(text, field):
    assert FieldMatcher(load_taxonomy()).best(text) == field


def test_taxonomy_is_strict():
    data = load_taxonomy().model_dump()
    data["fields"][0]["colour"] = "red"
    with pytest.raises(ValidationError):
        Taxonomy.model_validate(data)
    data = load_taxonomy().model_dump()
    data["fields"][1]["aliases"].append(data["fields"][0]["aliases"][0])
    with pytest.raises(ValidationError, match="belongs to both"):
        Taxonomy.model_validate(data)


@pytest.mark.parametrize("sentence, grounded", [
    ("依托石墨资源，发展负极材料。", True),
    ("全县萤石资源储量居全省第一位。", True),
    ("推动与中南大学共建研究院。", True),
    ("依托县工业园区，招引光伏企业。", False),
    ("推动县工业园区与省内高校共建新材料研究院。", False),
    ("建设通用机场，发展低空经济。", False),
    ("依托云溪经开区，发展储能。", True),
    ("依托云溪低空经济产业园，招引无人机企业。", False),
    ("以翎峰锻造厂等骨干企业为龙头，发展大型锻件。", True),
    ("以人工智能为引领，发展智能终端。", False),
    ("利用冬季平均气温零下25摄氏度的气候条件，建设寒区试验场。", True),
    ("境内分布溶洞群30处、天坑6个。", True),
    ("到2027年，全县数据中心机架达到3万架，新增储能20万千瓦。", False),
    ("支持县内棉纺、针织龙头企业开展技术改造。", True),
    ("支持区内制造、商贸、物流企业开展供需对接。", False),
    ("利用本地精密铸造技术积累，发展航空零部件。", True),
    ("依托本地人工智能产业基础，发展智能终端。", False),
    ("加快建设智能工厂，推广细胞工厂技术。", False),
    ("争创国家级低空经济示范区。", False),
], ids=["anchored_resource", "fact", "named_university", "generic_park", "generic_university", "planned_airport", "own_place",
        "own_place_park_named_after_a_hot_field", "base_role_named_firm", "base_role_abstract", "quantity_in_qualifier",
        "present_quantity", "targets_are_no_endowment", "local_possessive_specific", "local_possessive_generic",
        "accumulated_know_how", "hot_field_base", "factory_as_common_noun", "planned_recognition"])
def test_endowment_cues(sentence, grounded):
    fashionable = [a for f in load_taxonomy().fields if f.family != "traditional" for a in (f.name, *f.aliases)]
    finder = EndowmentFinder(load_endowment_cues(), place_names("云溪县"), fashionable)
    assert (finder.find(sentence) is not None) is grounded


def _fields_of(text: str, locality: str = "云溪县") -> dict[str, bool]:
    plan = PlanInput(name="p", source="p.txt", text=text, title=text.splitlines()[0], locality=locality)
    other = PlanInput(name="q", source="q.txt", text="某县方案\n\n发展食品加工。", title="某县方案", locality="某县")
    return {f.field: f.grounded for f in compare_plans([plan, other]).plan("p").fields}


def test_a_field_chasing_an_opportunity_is_grounded_by_its_own_clause_only():
    fields = _fields_of("云溪县行动方案\n\n一方面依托萤石资源发展新型储能材料，另一方面抢抓人工智能发展机遇，招引大模型企业。")
    assert fields == {"ai": False, "storage": True}


def test_a_term_of_an_endowment_named_elsewhere_grounds_a_field():
    text = ("云溪县行动方案\n\n一、发展基础\n\n地方品种云溪黑山羊存栏量常年保持在30万头左右。\n\n"
            "二、重点任务\n\n（一）延伸产业链。建设黑山羊屠宰和肉制品精深加工项目。\n\n（二）培育人工智能产业。招引大模型企业。")
    assert _fields_of(text) == {"ai": False, "food": True}


def test_a_heading_field_is_grounded_by_its_section():
    text = ("云溪县行动方案\n\n（一）发展新型储能。\n\n推进项目前期工作，力争明年开工。"
            "利用岩口河峡谷上下游天然落差达300米的地形条件，建设抽水蓄能电站。")
    assert _fields_of(text) == {"storage": True}


def test_mask_hides_places_and_numbers():
    a = mask("云溪县萤石资源储量居全省第一位，到2026年产值达到80亿元。", place_names("云溪县"))
    b = mask("青岚市萤石资源储量居全省第二位，到2027年产值达到120.5亿元。", place_names("青岚市"))
    assert a == b and "#" in a and "□" in a


def test_copied_pair_is_found_despite_swapped_place_numbers_and_order(comparison):
    pairs = {(p.a, p.para_a, p.b, p.para_b) for p in comparison.passages if {p.a, p.b} == {"qinglan", "yunxi"}}
    assert ("qinglan", 4, "yunxi", 3) in pairs and ("qinglan", 3, "yunxi", 4) in pairs
    titles = [p for p in comparison.passages if p.kind == "heading" and p.para_a == 1]
    # titles are paired only inside near-identical plans (the two hot-list plans share most paragraphs too)
    assert sorted((p.a, p.b, p.para_b) for p in titles) == [("jiashi", "yishi", 1), ("qinglan", "yunxi", 1)]
    assert not [p for p in comparison.passages if "bingxian" in (p.a, p.b)]
    assert ["qinglan", "yunxi"] in [c.plans for c in comparison.clusters]
    assert comparison.plan("yunxi").copied_share == 1.0


def test_fields_grounding_and_homogeneity(comparison):
    tea, hot = comparison.plan("bingxian"), comparison.plan("jiashi")
    assert {"special_agri", "tourism"} <= {f.field for f in tea.fields if f.grounded}
    assert tea.grounding > 0.5 and hot.grounding == 0.0
    assert hot.homogeneity > tea.homogeneity
    mention = next(f for f in comparison.plan("yunxi").fields if f.field == "new_materials").mentions[0]
    text = plan_texts()["yunxi"]
    assert text[mention.start:mention.end] == mention.quote and mention.heading_path[0] == "一、重点任务"
    assert mention.grounded and mention.source == "text cues" and "萤石" in (mention.endowment or "")
    ai = next(f for f in comparison.fields if f.field == "ai")
    assert ai.share == 0.8 and len(ai.plans) == 4
    assert any("本地化得分" in r for r in hot.reasons)


def test_matrices_are_square_and_symmetric(comparison):
    n = len(comparison.plans)
    for matrix in (comparison.field_similarity, comparison.text_similarity):
        assert len(matrix) == n and all(len(row) == n for row in matrix)
        assert all(matrix[i][j] == matrix[j][i] for i in range(n) for j in range(n))


def test_a_report_is_used_instead_of_its_plan_and_its_e3_grounds(tmp_path):
    texts = plan_texts()
    folder = write_plans(tmp_path / "plans")
    reports = tmp_path / "reports"
    reports.mkdir()
    report = e3_report("jiashi", texts["jiashi"], "把人工智能作为头号工程")
    (reports / "jiashi.json").write_text(report.model_dump_json(), encoding="utf-8")
    (reports / "jiashi.md").write_text("# 审读报告\n这不是规划。", encoding="utf-8")
    result = compare([folder, reports])
    assert sorted(p.name for p in result.plans) == ["bingxian", "jiashi", "qinglan", "yishi", "yunxi"]
    plan = result.plan("jiashi")
    assert plan.from_report and not result.plan("yunxi").from_report
    ai = next(f for f in plan.fields if f.field == "ai")
    assert ai.grounded and ai.mentions[0].source == "E3 evidence"


def test_an_unsure_e3_quote_does_not_ground():
    texts = plan_texts()
    report = e3_report("jiashi", texts["jiashi"], "把人工智能作为头号工程", score=0.3)
    result = compare([report, e3_report("yishi", texts["yishi"], "把人工智能作为头号工程", score=0.9)])
    assert result.plan("jiashi").grounding == 0.0 and result.plan("yishi").grounding > 0.0


def test_warning_needs_common_fields_and_no_grounding(comparison):
    warned = {p.name for p in comparison.plans if p.warning}
    assert "yishi" in warned and not warned & {"yunxi", "qinglan", "bingxian"}
    assert any("同质化布局" in r for r in comparison.plan("yishi").reasons)


def test_unreadable_inputs_are_listed_not_raised(tmp_path):
    folder = write_plans(tmp_path / "plans")
    (folder / "empty.txt").write_text("  ", encoding="utf-8")
    (folder / "other.json").write_text('{"a": 1}', encoding="utf-8")
    result = compare([folder])
    assert len(result.plans) == 5 and len(result.problems) == 2


def test_outputs(comparison, tmp_path):
    written = write_outputs(comparison, tmp_path / "out")
    assert sorted(p.name for p in written) == ["comparison.html", "comparison.json", "comparison.xlsx", "fields.png", "heatmap.png"]
    assert (tmp_path / "out" / "heatmap.png").read_bytes()[:4] == b"\x89PNG"
    page = (tmp_path / "out" / "comparison.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "近似重复段落（并排）" in page and "萤石资源储量" in page
    book = load_workbook(tmp_path / "out" / "comparison.xlsx")
    assert book.sheetnames == ["plans", "fields", "mentions", "pairs", "passages", "clusters"]
    assert book["pairs"].max_row == 1 + 10
    assert json.loads((tmp_path / "out" / "comparison.json").read_text(encoding="utf-8"))["plans"]


def test_cli_end_to_end(plans_dir, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["compare", str(plans_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "cluster: qinglan, yunxi" in result.output and "jiashi: homogeneity" in result.output
    assert (out / "comparison.xlsx").is_file() and (out / "heatmap.png").is_file()


def test_cli_needs_two_plans(plans_dir, tmp_path):
    result = CliRunner().invoke(main, ["compare", str(plans_dir / "yunxi.txt"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "at least two" in result.output
