"""The one base of every error the reviewer reports to a user (CLI, page, library)."""

from __future__ import annotations


class ReviewerError(Exception):
    """Something the user can act on: bad input, bad settings, an unreachable or failing model.

    The CLI and the page catch this base and show its message, never a traceback.
    """
