"""Small generated plans for the comparison tests: a copied pair, two hot-list plans, one built on tea."""

from __future__ import annotations

from pathlib import Path

from reviewer.contracts import Evidence, Finding, PlanProfile, QualityReport, Report, RunInfo, Summary

_FLUORITE = [
    "{p}县加快发展新质生产力三年行动方案",
    "一、重点任务",
    "（一）做强含氟新材料产业。{p}县萤石资源储量居全省第{n1}位，已形成氟化工产业基础。依托萤石资源，重点发展电子级氢氟酸和含氟聚合物，到{y}年含氟新材料产值达到{v}亿元。",
    "（二）发展新型储能产业。围绕含氟电解质延伸产业链，引进电池材料企业，建设储能材料中试基地，推动产品进入动力电池供应链。",
    "（三）推进传统化工改造。推动精细化工企业实施数字化改造，建设智能工厂{n2}家，提高安全生产和能耗管理水平。",
    "（四）培育人工智能应用场景。在化工园区推广人工智能安全监测和设备预测性维护，开放应用场景{n2}个。",
    "二、保障措施",
    "（一）加强组织领导。成立工作领导小组，统筹推进各项任务，定期调度重点项目进展情况。",
]

_HOT = [
    "{p}市培育未来产业行动方案",
    "一、重点任务",
    "（一）{v1}人工智能产业。把人工智能作为头号工程，招引大模型企业，建设智算中心，打造人工智能产业高地。",
    "（二）{v2}低空经济。建设低空飞行服务站，发展无人机研发制造，拓展低空物流和低空旅游场景。",
    "（三）前瞻布局人形机器人。设立未来产业基金，支持人形机器人和具身智能企业落户，争创未来产业先导区。",
    "（四）推动量子科技和生物制造。谋划量子计算创新中心和合成生物中试平台，抢占未来产业制高点。",
]

_TEA = [
    "{p}县茶产业高质量发展实施方案",
    "一、发展基础",
    "{p}县是中国名茶之乡，茶园面积{v}万亩，{p}毛尖获国家地理标志产品保护。",
    "二、重点任务",
    "（一）做精茶叶精深加工。依托茶园资源，建设茶叶精深加工园，发展茶饮料和茶多酚提取，延伸茶产业链。",
    "（二）推进茶旅融合。依托{p}古镇和万亩茶园，发展茶文化旅游和康养民宿，打造精品旅游线路。",
    "（三）推动数字化改造。推广茶园物联网监测，建设茶叶质量追溯平台。",
]


def plan_texts() -> dict[str, str]:
    """Five plans: ``yunxi`` and ``qinglan`` are one plan with place, numbers and order changed."""
    yunxi = "\n".join(_FLUORITE).format(p="云溪", n1="一", n2=3, y=2026, v=80)
    qinglan_lines = [line.format(p="青岚", n1="二", n2=5, y=2027, v=120) for line in _FLUORITE]
    qinglan_lines[2], qinglan_lines[3] = qinglan_lines[3], qinglan_lines[2]  # order changed
    return {
        "yunxi": yunxi,
        "qinglan": "\n".join(qinglan_lines),
        "jiashi": "\n".join(_HOT).format(p="甲", v1="做大", v2="抢占"),
        "yishi": "\n".join(line for line in _HOT if "量子" not in line).format(p="乙", v1="壮大", v2="发展")
        + "\n（四）加快发展新能源汽车，建设智能网联汽车测试示范区，培育新型储能产业。",
        "bingxian": "\n".join(_TEA).format(p="丙", v=12),
    }


def write_plans(folder: Path) -> Path:
    """The five plans as UTF-8 text files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in plan_texts().items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def e3_report(name: str, text: str, quote: str, score: float | None = None) -> Report:
    """A review report of ``text`` whose E3 finding quotes ``quote`` as the local endowment (E3a)."""
    start = text.index(quote)
    evidence = Evidence(indicator="E3a", quote=quote, start=start, end=start + len(quote), page=1, score=score)
    finding = Finding(check_id="E3", name="资源特色互嵌", kind="embedding", verdict="partial", evidence=[evidence])
    title = text.splitlines()[0]
    return Report(source=f"{name}.txt", chars=len(text), text=text, profile=PlanProfile(title=title, locality=title[:3]),
                  quality=QualityReport(), findings=[finding], summary=Summary(), run=RunInfo(backend="fake", model="fake"))
