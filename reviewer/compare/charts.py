"""The comparison's two pictures (matplotlib, Agg): pairwise similarity heatmaps and field frequency bars.

Chinese labels need a CJK font (Debian's ``fonts-noto-cjk``); without one the charts use field ids and
plan numbers instead of Chinese names, so they stay readable.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from .models import Comparison

_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimHei", "Microsoft YaHei")
_FILES = ("NotoSansCJK-Regular", "NotoSansCJK", "NotoSerifCJK-Regular", "SourceHanSans", "wqy-zenhei", "wqy-microhei",
          "DroidSansFallback")
FAMILY_COLOURS = {"emerging": "#2e86c1", "future": "#8e44ad", "traditional": "#b9770e"}
MAX_LABELLED = 40
"""Above this many plans the heatmap's axes are not labelled plan by plan."""


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """A font family able to draw Chinese, registered with matplotlib; None when the system has none."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    if found := next((name for name in _FAMILIES if name in known), None):
        return found
    files = font_manager.findSystemFonts()
    for marker in _FILES:
        path = next((f for f in sorted(files) if marker.lower() in Path(f).name.lower()), None)
        if path:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()  # type: ignore[no-any-return]  # a str
    return None


def _labels(comparison: Comparison, chinese: bool) -> list[str]:
    return [p.name if chinese else f"P{i + 1}" for i, p in enumerate(comparison.plans)]


def heatmap(comparison: Comparison, path: Path) -> Path:
    """Two heatmaps side by side: priority-field overlap and masked-text similarity of every pair of plans."""
    plt = _pyplot()
    font = cjk_font()
    n = len(comparison.plans)
    size = min(18.0, 4.0 + 0.25 * n)
    with plt.rc_context({"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}):
        fig, axes = plt.subplots(1, 2, figsize=(2 * size + 1.5, size), constrained_layout=True)
        titles = ("重点领域重合度（Jaccard）", "文本相似度（屏蔽地名和数字后）") if font else \
            ("priority-field overlap (Jaccard)", "text similarity (places and numbers masked)")
        labels = _labels(comparison, font is not None)
        image = None
        for ax, matrix, title in zip(axes, (comparison.field_similarity, comparison.text_similarity), titles):
            image = ax.imshow(matrix, vmin=0.0, vmax=1.0, cmap="YlOrRd")
            ax.set_title(title)
            if n <= MAX_LABELLED:
                ax.set_xticks(range(n), labels, rotation=90, fontsize=7)
                ax.set_yticks(range(n), labels, fontsize=7)
            else:
                ax.set_xticks([])
                ax.set_yticks([])
        if image is not None:
            fig.colorbar(image, ax=list(axes), shrink=0.8)
        fig.savefig(path, dpi=100)
        plt.close(fig)
    return path


def frequency_bars(comparison: Comparison, path: Path, top: int = 25) -> Path:
    """Share of plans naming each field (most common first); the dark part: plans grounding it locally."""
    plt = _pyplot()
    font = cjk_font()
    rows = comparison.fields[:top][::-1]
    with plt.rc_context({"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(9, 1.5 + 0.32 * max(1, len(rows))), constrained_layout=True)
        total = max(1, len(comparison.plans))
        names = [r.name if font else r.field for r in rows]
        colours = [FAMILY_COLOURS.get(r.family, "#7f8c8d") for r in rows]
        ax.barh(names, [r.share for r in rows], color=colours, alpha=0.45)
        ax.barh(names, [len(r.grounded_in) / total for r in rows], color=colours)
        for y, r in enumerate(rows):
            ax.text(r.share + 0.01, y, f"{r.share:.0%}", va="center", fontsize=8)
        ax.set_xlim(0, 1.1)
        ax.set_xlabel("规划占比（深色：与本地禀赋相连）" if font else "share of plans (dark: grounded locally)")
        ax.set_title("重点领域出现频率" if font else "priority fields across the batch")
        fig.savefig(path, dpi=100)
        plt.close(fig)
    return path
