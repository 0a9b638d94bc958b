"""Cross-plan measures: field frequency, pairwise field overlap, per-plan scores with reasons, clusters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pydantic import BaseModel

from .models import Cluster, FieldFrequency, PassagePair, PlanResult


class ScoreSettings(BaseModel):
    """When a plan is flagged, and when two plans count as near-identical."""

    shared: float = 0.5
    """A field named by at least this share of the other plans is "common" (in the reasons)."""
    warn_shared: float = 0.5
    """Flag a plan when at least this share of its fields are named by another plan of the batch …"""
    warn_grounding: float = 0.34
    """… and its grounding is below this. (A bar on homogeneity itself, such as the batch median, missed every
    hot-list plan of a batch where few plans chase the same fields: see the README.)"""
    cluster_copied: float = 0.5
    """Two plans are near-identical when this share of the smaller one's comparable paragraphs are copies…"""
    cluster_text: float = 0.6
    """…or when their masked texts' similarity reaches this."""


def field_frequency(plans: Sequence[PlanResult]) -> list[FieldFrequency]:
    """Every field named in the batch with the plans naming it, most common first."""
    named: dict[str, list[str]] = defaultdict(list)
    grounded: dict[str, list[str]] = defaultdict(list)
    meta: dict[str, tuple[str, str]] = {}
    for plan in plans:
        for f in plan.fields:
            named[f.field].append(plan.name)
            meta[f.field] = (f.name, f.family)
            if f.grounded:
                grounded[f.field].append(plan.name)
    total = max(1, len(plans))
    rows = [FieldFrequency(field=k, name=meta[k][0], family=meta[k][1], plans=v, share=round(len(v) / total, 3),
                           grounded_in=grounded[k]) for k, v in named.items()]
    return sorted(rows, key=lambda r: (-len(r.plans), r.field))


def field_similarity(plans: Sequence[PlanResult]) -> list[list[float]]:
    """Jaccard overlap of the field sets of every pair of plans (1 on the diagonal)."""
    sets = [{f.field for f in p.fields} for p in plans]
    return [[1.0 if i == j else round(len(a & b) / len(a | b), 3) if a | b else 0.0 for j, b in enumerate(sets)]
            for i, a in enumerate(sets)]


def score_plans(plans: list[PlanResult], pairs: Sequence[PassagePair], comparable: Sequence[int],
                settings: ScoreSettings) -> None:
    """Fill each plan's batch shares, homogeneity, grounding, copied share, warning and reasons."""
    counts: dict[str, int] = defaultdict(int)
    for plan in plans:
        for f in plan.fields:
            counts[f.field] += 1
    others = max(1, len(plans) - 1)
    copied = _copied_paragraphs(pairs)
    for plan, n_comparable in zip(plans, comparable):
        for f in plan.fields:
            f.batch_share = round((counts[f.field] - 1) / others, 3)
        shares = [f.batch_share for f in plan.fields]
        plan.homogeneity = round(sum(shares) / len(shares), 3) if shares else 0.0
        plan.grounding = round(sum(f.grounded for f in plan.fields) / len(plan.fields), 3) if plan.fields else 0.0
        plan.copied_share = round(len(copied[plan.name]) / n_comparable, 3) if n_comparable else 0.0
    for plan in plans:
        plan.warning = bool(plan.fields) and _shared_share(plan) >= settings.warn_shared \
            and plan.grounding < settings.warn_grounding
        plan.reasons = _reasons(plan, pairs, settings)


def _shared_share(plan: PlanResult) -> float:
    """Share of the plan's fields that another plan of the batch names too."""
    return sum(f.batch_share > 0 for f in plan.fields) / len(plan.fields) if plan.fields else 0.0


def _copied_paragraphs(pairs: Sequence[PassagePair]) -> dict[str, set[int]]:
    copied: dict[str, set[int]] = defaultdict(set)
    for p in (p for p in pairs if p.kind == "body"):
        copied[p.a].add(p.para_a)
        copied[p.b].add(p.para_b)
    return copied


def _names(fields: Sequence[str], limit: int = 6) -> str:
    return "、".join(fields[:limit]) + (f"等 {len(fields)} 个" if len(fields) > limit else "")


def _reasons(plan: PlanResult, pairs: Sequence[PassagePair], settings: ScoreSettings) -> list[str]:
    """The scores in words: which fields are common, which are grounded, where text is copied."""
    if not plan.fields:
        return ["未识别出分类表中的重点领域，无法评价同质化与本地化程度。"]
    common = [f.name for f in sorted(plan.fields, key=lambda f: -f.batch_share) if f.batch_share >= settings.shared]
    grounded = [f.name for f in plan.fields if f.grounded]
    alone = [f.name for f in plan.fields if not f.grounded]
    reasons = [f"识别出 {len(plan.fields)} 个重点领域，{_shared_share(plan):.0%} 也见于本批其他规划，其中 {len(common)} 个"
               f"在一半以上的其他规划中出现" + (f"（{_names(common)}）" if common else "") + f"；同质化得分 {plan.homogeneity:.2f}。"]
    if grounded:
        reasons.append(f"{len(grounded)} 个领域与规划点名的本地禀赋相连（{_names(grounded)}）；本地化得分 {plan.grounding:.2f}。")
    else:
        reasons.append("没有一个重点领域与规划点名的本地资源、产业基础、园区或高校相连；本地化得分 0。")
    if alone and grounded:
        reasons.append(f"未与本地禀赋相连的领域：{_names(alone)}。")
    partners = sorted({p.b if p.a == plan.name else p.a for p in pairs if plan.name in (p.a, p.b)})
    if partners:
        reasons.append(f"{plan.copied_share:.0%} 的段落与其他规划近似重复（替换地名和数字后），涉及：{_names(partners)}。")
    if plan.warning:
        reasons.append("重点领域多与本批其他规划雷同且缺少本地禀赋支撑，属框架所警示的同质化布局，建议按因地制宜原则（E3）修改。")
    return reasons


def near_identical(names: Sequence[str], pairs: Sequence[PassagePair], comparable: Sequence[int],
                   text: Sequence[Sequence[float]], settings: ScoreSettings) -> list[tuple[int, int]]:
    """Pairs of plans (by index) that are near-identical: many copied paragraphs, or very similar texts."""
    index = {name: i for i, name in enumerate(names)}
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for p in pairs:
        if p.kind == "body":
            shared[(index[p.a], index[p.b])] += 1
    links = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            smaller = min(comparable[i], comparable[j])
            copied = shared.get((i, j), 0) / smaller if smaller else 0.0
            if copied >= settings.cluster_copied or text[i][j] >= settings.cluster_text:
                links.append((i, j))
    return links


def clusters(names: Sequence[str], links: Sequence[tuple[int, int]], text: Sequence[Sequence[float]]) -> list[Cluster]:
    """Groups of plans joined by near-identical links, largest first."""
    parent = list(range(len(names)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in links:
        parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(names)):
        groups[root(i)].append(i)
    result = []
    for members in groups.values():
        if len(members) < 2:
            continue
        inside = [text[i][j] for i, j in links if i in members]
        mean = sum(inside) / len(inside)
        result.append(Cluster(plans=[names[i] for i in members], similarity=round(mean, 3),
                              reason=f"{len(members)} 份规划大段雷同（替换地名和数字后），相连规划对的平均文本相似度 {mean:.2f}。"))
    return sorted(result, key=lambda c: (-len(c.plans), -c.similarity))
