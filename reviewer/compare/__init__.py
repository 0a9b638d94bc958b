"""Homogeneity across plans (同质化): priority fields, local grounding and copied passages in a batch.

``compare(paths)`` reads plans (files or folders) or earlier review reports (JSON) and returns a
:class:`Comparison`; :mod:`reviewer.compare.outputs` writes it as PNG, HTML and XLSX.
"""

from .core import CompareSettings, compare, compare_plans
from .models import Comparison, FieldMention, PassagePair, PlanField, PlanResult
from .taxonomy import FieldMatcher, Taxonomy, load_endowment_cues, load_taxonomy

__all__ = [
    "CompareSettings",
    "Comparison",
    "FieldMatcher",
    "FieldMention",
    "PassagePair",
    "PlanField",
    "PlanResult",
    "Taxonomy",
    "compare",
    "compare_plans",
    "load_endowment_cues",
    "load_taxonomy",
]
