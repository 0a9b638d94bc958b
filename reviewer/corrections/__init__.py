"""Human-in-the-loop corrections: accept, dismiss or correct each finding; saved as labelled examples.

``core`` turns a report plus a person's decisions into an example in the rubric's dataset format,
``store`` keeps them under ``$REVIEWER_HOME/corrections/``, and ``page`` is the review tab's section.
"""

from .core import ACTIONS, Action, CorrectedExample, CorrectionError, Decision, apply_decision, content_hash, to_example
from .store import corrections_path, count_corrections, save_corrections, save_example

__all__ = [
    "ACTIONS",
    "Action",
    "CorrectedExample",
    "CorrectionError",
    "Decision",
    "apply_decision",
    "content_hash",
    "corrections_path",
    "count_corrections",
    "save_corrections",
    "save_example",
    "to_example",
]
