"""Clean stage: repairing pypdf's Chinese output, on the real seed extraction and on small cases."""

from pathlib import Path

import pytest

from reviewer.ingest.headings import heading_rank
from reviewer.ingest.repair import (
    PageText,
    clean_pdf_pages,
    clean_pdf_text,
    fix_spacing,
    is_page_number,
    normalise_chars,
    repair_numbers,
)
from reviewer.ingest.textquality import cjk_share, common_cjk_share, garbled_share, stray_space_ratio

SEED = Path(__file__).parent / "fixtures" / "seed_pypdf_extraction.txt"


@pytest.fixture(scope="module")
def seed() -> tuple[str, str]:
    raw = SEED.read_text(encoding="utf-8")
    return raw, clean_pdf_text(raw)


def test_seed_stray_spaces_drop_below_one_percent(seed):
    raw, clean = seed
    before, after = stray_space_ratio(raw), stray_space_ratio(clean)
    print(f"stray spaces per CJK char: before {before.stray}/{before.cjk} = {before.ratio:.2%}, "
          f"after {after.stray}/{after.cjk} = {after.ratio:.2%}")
    assert before.ratio > 0.04  # the seed really is damaged: 541 stray spaces in 10,550 CJK characters
    assert after.ratio < 0.01
    assert after.cjk == before.cjk  # no Chinese character lost


def test_seed_lines_are_rejoined_but_headings_keep_their_own_lines(seed):
    raw, clean = seed
    lines = clean.split("\n")
    assert raw.count("\n") > 1000 and len(lines) < 80
    assert "1.1\u3000理论逻辑" in lines and "1.2\u3000实践逻辑" in lines
    assert "1\u3000央地战略互嵌推进新质生产力发展的逻辑" in lines  # a heading wrapped over two PDF lines
    assert "3\u3000央地战略互嵌推进新质生产力发展的路径建议" in lines
    assert any(line.startswith("第二，错误认为新质生产力只能依托科技创新来实现。") for line in lines)
    assert "发展新质生产力，既是把握新一轮科技革命和产业变革的战略机遇" in clean  # broken mid-sentence in the PDF


def test_seed_numbers_are_repaired_and_english_stays_spaced(seed):
    _, clean = seed
    for fixed in ("10.06%", "2.65%", "1187 万人", "635.4 万人年", "1169 人", "3.3 万亿元", "17.36%", "2.3 万美元"):
        assert fixed in clean
    assert "new quality productivity" in clean and "top-level platform status" in clean
    assert "2035 年人均 GDP 能" in clean  # spaces between Chinese and ASCII are not stray


def test_seed_page_number_line_is_removed(seed):
    raw, clean = seed
    assert "\n14\n" in raw
    assert "\n14\n" not in clean and "世界大" in clean


@pytest.mark.parametrize(
    "line, fixed",
    [
        ("研发投入强度达到 2. 65%", "研发投入强度达到 2.65%"),
        ("毕业生规模达到 1 187 万人", "毕业生规模达到 1187 万人"),
        ("年均增长率达到 10. 06%， 同期", "年均增长率达到 10.06%， 同期"),
        ("当量已攀升至 635. 4 万人年", "当量已攀升至 635.4 万人年"),
        ("增长 5 %", "增长 5%"),
        ("1. 1　理论逻辑", "1.1　理论逻辑"),
        ("1. 2024年底前完成", "1. 2024年底前完成"),  # a list marker before a year stays
        ("从 2014 年的 111 人", "从 2014 年的 111 人"),
        ("in 2020. 2021 was", "in 2020. 2021 was"),
    ],
)
def test_repair_numbers(line, fixed):
    assert repair_numbers(line) == fixed


@pytest.mark.parametrize(
    "line, fixed",
    [
        ("摘 要： 在推动新质生产力发展进程中， 中央政府", "摘要：在推动新质生产力发展进程中，中央政府"),
        ("“脱 钩断链” 和 “小院高墙”", "“脱钩断链”和“小院高墙”"),
        ("研究 ［3］ 。然而", "研究［3］。然而"),
        ("In the process of new quality productivity， the central", "In the process of new quality productivity， the central"),
        ("growth.  Local governments", "growth. Local governments"),
        ("在 2022 年， 我国", "在 2022 年，我国"),
        ("GDP （国内生产总值） ，", "GDP（国内生产总值），"),
    ],
)
def test_fix_spacing(line, fixed):
    assert fix_spacing(line) == fixed


def _pages(*texts: str) -> list[PageText]:
    return [PageText(i, text) for i, text in enumerate(texts, start=1)]


def test_running_headers_footers_and_page_numbers_are_removed():
    body = "这是第{n}页的正文内容，用于测试页眉页脚的去除效果，并且足够长以形成完整的一行文字"
    pages = _pages(*(f"云溪县人民政府文件\n{body.format(n=n)}。\n- {n} -" for n in range(1, 5)))
    pages[2] = PageText(3, f"云溪县人民政府文件\n{body.format(n=3)}。\n第 3 页 共 4 页")
    cleaned = clean_pdf_pages(pages)
    assert "云溪县人民政府文件" not in cleaned.text and "- 2 -" not in cleaned.text and "第 3 页" not in cleaned.text
    assert cleaned.text.count("正文内容") == 4
    assert set(cleaned.starts) == {1, 2, 3, 4}
    assert cleaned.text[cleaned.starts[3]:].startswith("这是第3页")


def test_sentence_running_over_a_page_break_is_joined_and_page_starts_are_exact():
    first = "以习近平新时代中国特色社会主义思想为指导，完整准确全面贯彻新发展理念，坚持创新驱动"
    pages = _pages(f"一、总体要求\n{first}\n", "项目为王，力争用三年时间初步形成新格局。\n二、主要目标\n到2026年达到60家。")
    cleaned = clean_pdf_pages(pages)
    assert f"{first}项目为王" in cleaned.text
    assert cleaned.text[cleaned.starts[2]:].startswith("项目为王")
    assert "\n二、主要目标\n" in cleaned.text


def test_table_numbers_in_the_middle_of_a_page_are_kept():
    body = "全县战略性新兴产业增加值占规模以上工业增加值比重达到三成以上，高新技术企业数量持续增长"
    page = f"{body}\n{body}\n{body}。\n表1　主要指标\n企业数量\n14\n研发投入\n2.2\n{body}\n{body}。"
    lines = clean_pdf_pages(_pages(page)).text.split("\n")
    assert "14" in lines and "2.2" in lines and "企业数量" in lines


@pytest.mark.parametrize("line", ["14", "- 3 -", "— 12 —", "第 3 页", "第3页 共10页", "3 / 10", "Page 7", "·5·"])
def test_page_number_patterns(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["2024", "14 家", "第三页内容", "1. 加强"])
def test_not_page_numbers(line):
    assert not is_page_number(line)


@pytest.mark.parametrize(
    "line, rank",
    [
        ("第一章 总则", 0), ("第二章总则", 0), ("第三节 产业布局", 1), ("一、总体要求", 2), ("第五条 本办法自印发之日起施行。", 3),
        ("（一）培育壮大战略性新兴产业", 4), ("1.1　理论逻辑", 4), ("1. 新能源装备产业。依托", 5), ("2、新材料产业", 5),
        ("（1）光伏组件", 6), ("1）本文对", 6), ("①加强组织领导", 7),
        ("第三条规定的情形，不适用本办法。", None), ("2026年，全县", None), ("10.5万元", None), ("一是劳动者。", None),
    ],
)
def test_heading_rank(line, rank):
    assert heading_rank(line) == rank


def test_kangxi_radicals_become_ideographs():
    assert normalise_chars("⼈⼯智能与⽣产⼒") == "人工智能与生产力"


def test_quality_measures():
    assert cjk_share("新质生产力 new") == pytest.approx(5 / 8)
    assert garbled_share("(cid:12)(cid:345)新质") > 0.8
    assert garbled_share("新质生产力\ufffd\ufffd") == pytest.approx(2 / 7)
    assert garbled_share("ĖҐȍôϹΛϊ̌ưÃϪ") > 0.5  # glyph ids read as code points
    assert garbled_share("到2026年，研发投入强度达到2.2%（同比+0.3%），≥60家①℃") == 0
    assert common_cjk_share(SEED.read_text(encoding="utf-8")) > 0.99
    assert common_cjk_share("".join(chr(0x4E00 + i * 379 % 20000) for i in range(200))) < 0.5
