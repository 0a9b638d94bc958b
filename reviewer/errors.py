"""The one base of every error the reviewer reports to a user (CLI, page, library)."""

from __future__ import annotations

import tempfile
from pathlib import Path


class ReviewerError(Exception):
    """Something the user can act on: bad input, bad settings, an unreachable or failing model.

    The CLI and the page catch this base and show its message, never a traceback.
    """


class StorageError(ReviewerError, OSError):
    """A folder the reviewer must write to (home, model cache, report folder) cannot be written."""


def writable_dir(path: Path, what: str, remedy: str) -> Path:
    """Create ``path`` if needed and prove a file can be written in it, else raise :class:`StorageError`.

    ``what`` names what goes there and ``remedy`` says how to point it elsewhere; both end up in
    the message. Checked before the work that needs the folder, so no finished work is lost.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".reviewer-write-test-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise StorageError(f"cannot write {what} in {path} ({reason}); {remedy}") from exc
    return path
