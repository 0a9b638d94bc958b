"""Write a comparison: JSON, two PNG charts, a self-contained HTML report and an XLSX workbook."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .charts import frequency_bars, heatmap
from .models import Comparison

MAX_PASSAGES_SHOWN = 200
"""Copied-passage pairs shown in the HTML (the XLSX and JSON hold all of them)."""
CSS = """
.cmp table{border-collapse:collapse;margin:8px 0}.cmp td,.cmp th{border:1px solid #ddd;padding:4px 8px;vertical-align:top}
.cmp .warn{color:#c0392b;font-weight:bold}.cmp .side td{width:50%}.cmp .meta{color:#666;font-size:0.9em}
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table class='{cls}'><tr>{head}</tr>{body}</table>"


def _plans_html(c: Comparison) -> str:
    rows = [[_e(p.name), _e(p.title), f"{p.homogeneity:.2f}", f"{p.grounding:.2f}", f"{p.copied_share:.0%}",
             "<span class='warn'>同质化风险</span>" if p.warning else "",
             "<br>".join(_e(r) for r in p.reasons)] for p in sorted(c.plans, key=lambda p: (-p.homogeneity, p.grounding))]
    return _table(["规划", "标题", "同质化", "本地化", "近似段落", "提示", "理由"], rows)


def _fields_html(c: Comparison) -> str:
    rows = [[_e(f.name), _e(f.family), f"{f.share:.0%}（{len(f.plans)}）", str(len(f.grounded_in)), _e("、".join(f.plans))]
            for f in c.fields]
    return _table(["领域", "类别", "出现于", "其中与本地禀赋相连", "规划"], rows)


def _passages_html(c: Comparison) -> str:
    if not c.passages:
        return "<p>未发现跨规划的近似重复段落。</p>"
    rows = [[f"<div class='meta'>{_e(p.a)} 第{p.para_a}段</div>{_e(p.text_a)}",
             f"<div class='meta'>{_e(p.b)} 第{p.para_b}段 · 相似度 {p.similarity:.2f}</div>{_e(p.text_b)}"]
            for p in c.passages[:MAX_PASSAGES_SHOWN]]
    more = f"<p>另有 {len(c.passages) - MAX_PASSAGES_SHOWN} 对见 XLSX。</p>" if len(c.passages) > MAX_PASSAGES_SHOWN else ""
    return _table(["规划甲", "规划乙"], rows, "side") + more


def _clusters_html(c: Comparison) -> str:
    if not c.clusters:
        return "<p>没有大段雷同的规划组。</p>"
    return "".join(f"<p>• {_e('、'.join(k.plans))}：{_e(k.reason)}</p>" for k in c.clusters)


def summary_line(c: Comparison) -> str:
    """The comparison's headline in one sentence."""
    top = "、".join(f"{f.name} {f.share:.0%}" for f in c.fields[:3])
    warned = sum(p.warning for p in c.plans)
    return (f"比较 {len(c.plans)} 份规划：最常见的重点领域为 {top or '（无）'}；{warned} 份规划同质化风险高；"
            f"近似重复段落 {len(c.passages)} 对，雷同规划组 {len(c.clusters)} 个；用时 {c.seconds:.1f} 秒。")


def report_html(c: Comparison, images: dict[str, Path] | None = None) -> str:
    """The comparison as HTML; ``images`` (title → PNG) are embedded so the file stands alone."""
    parts = [f"<div class='cmp'><style>{CSS}</style><h2>横向比较：规划同质化</h2><p>{_e(summary_line(c))}</p>"]
    if c.problems:
        parts.append("<p>未能读取：" + "；".join(_e(p) for p in c.problems) + "</p>")
    for title, png in (images or {}).items():
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        parts.append(f"<h3>{_e(title)}</h3><img alt='{_e(title)}' src='data:image/png;base64,{data}' style='max-width:100%'>")
    parts += ["<h3>各规划得分</h3>", _plans_html(c), "<h3>雷同规划组</h3>", _clusters_html(c),
              "<h3>重点领域出现频率</h3>", _fields_html(c), "<h3>近似重复段落（并排）</h3>", _passages_html(c), "</div>"]
    return "".join(parts)


def _sheets(c: Comparison) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Sheet name → (header, rows)."""
    names = [p.name for p in c.plans]
    pairs = {(p.a, p.b): 0 for p in c.passages}
    for p in c.passages:
        pairs[(p.a, p.b)] += 1
    return {
        "plans": (["plan", "title", "locality", "fields", "homogeneity", "grounding", "copied_share", "warning", "reasons"],
                  [[p.name, p.title, p.locality or "", "、".join(f.name for f in p.fields), p.homogeneity, p.grounding,
                    p.copied_share, "yes" if p.warning else "", "\n".join(p.reasons)] for p in c.plans]),
        "fields": (["field", "name", "family", "plans", "share", "grounded_in"],
                   [[f.field, f.name, f.family, len(f.plans), f.share, "、".join(f.grounded_in)] for f in c.fields]),
        "mentions": (["plan", "field", "alias", "quote", "start", "end", "heading", "paragraph", "grounded", "endowment", "source"],
                     [[p.name, f.field, m.alias, m.quote, m.start, m.end, " / ".join(m.heading_path), m.paragraph,
                       "yes" if m.grounded else "", m.endowment or "", m.source or ""]
                      for p in c.plans for f in p.fields for m in f.mentions]),
        "pairs": (["a", "b", "field_jaccard", "text_similarity", "copied_paragraphs"],
                  [[a, b, c.field_similarity[i][j], c.text_similarity[i][j], pairs.get((a, b), 0)]
                   for i, a in enumerate(names) for j, b in enumerate(names) if j > i]),
        "passages": (["a", "para_a", "text_a", "b", "para_b", "text_b", "similarity"],
                     [[p.a, p.para_a, p.text_a, p.b, p.para_b, p.text_b, p.similarity] for p in c.passages]),
        "clusters": (["plans", "similarity", "reason"], [["、".join(k.plans), k.similarity, k.reason] for k in c.clusters]),
    }


def write_xlsx(c: Comparison, path: Path) -> Path:
    """One sheet each: plans, fields, mentions, pairs, passages, clusters."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, (header, rows) in _sheets(c).items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(str(path))
    return path


def write_outputs(c: Comparison, outdir: Path) -> list[Path]:
    """``comparison.json``, ``heatmap.png``, ``fields.png``, ``comparison.html`` and ``comparison.xlsx`` in ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    json_path = outdir / "comparison.json"
    json_path.write_text(c.model_dump_json(indent=1), encoding="utf-8")
    hm = heatmap(c, outdir / "heatmap.png")
    bars = frequency_bars(c, outdir / "fields.png")
    page = outdir / "comparison.html"
    page.write_text("<!doctype html><meta charset='utf-8'><title>横向比较</title>"
                    + report_html(c, {"两两相似度": hm, "重点领域出现频率": bars}), encoding="utf-8")
    return [json_path, hm, bars, page, write_xlsx(c, outdir / "comparison.xlsx")]
