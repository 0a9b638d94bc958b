"""reviewer: grounded review of local 新质生产力 plans."""

from .config import Settings, load_settings
from .contracts import Document, Finding, Report
from .ingest import LoadError, load
from .llm import FakeChat, LLMError, LocalChat, OpenAIChat, make_chat
from .models import BUNDLED_MODELS, ModelError
from .pipeline import Progress, Reviewer, review

__all__ = [
    "BUNDLED_MODELS",
    "Document",
    "FakeChat",
    "Finding",
    "LLMError",
    "LoadError",
    "LocalChat",
    "ModelError",
    "OpenAIChat",
    "Progress",
    "Report",
    "Reviewer",
    "Settings",
    "load",
    "load_settings",
    "make_chat",
    "review",
]
