"""Prompt templates: YAML files in ``prompts/`` loaded into a strict model.

Every string the model sees comes from a file here, rendered with Jinja2 in a sandbox
with ``StrictUndefined`` so that a missing variable is an error, never an empty hole.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict

from .errors import ReviewerError
from .resources import data_dir, parse_yaml

_ENV = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)


@functools.lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    """A template compiled once (compiling costs milliseconds, more than a call to a fast endpoint)."""
    return _ENV.from_string(source)


class PromptError(ReviewerError, ValueError):
    """A prompt file is missing, malformed, or rendered without all its variables."""


class RenderedPrompt(BaseModel):
    """A prompt ready to send: system and user text plus the template's identity."""

    id: str
    version: str
    sha256: str
    system: str
    user: str


class PromptTemplate(BaseModel):
    """One prompt file: ``id``, ``version``, ``description``, ``system`` and ``user`` templates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: str
    description: str = ""
    system: str = ""
    user: str

    @property
    def sha256(self) -> str:
        """Content hash of the template, recorded with every answer it produces."""
        blob = "\x00".join([self.id, self.version, self.system, self.user])
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def render(self, **variables: Any) -> RenderedPrompt:
        """Fill the template; any variable it uses but is not given raises PromptError."""
        try:
            system = _compiled(self.system).render(**variables).strip()
            user = _compiled(self.user).render(**variables).strip()
        except TemplateError as exc:
            raise PromptError(f"prompt {self.id}: {exc}") from exc
        return RenderedPrompt(id=self.id, version=self.version, sha256=self.sha256, system=system, user=user)


def load_prompt(name: str, folder: Path | None = None) -> PromptTemplate:
    """Load ``<folder>/<name>.yaml`` (default folder: the project's ``prompts/``)."""
    path = (folder or data_dir("prompts")) / f"{name}.yaml"
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
        return PromptTemplate.model_validate(data)
    except FileNotFoundError:
        raise PromptError(f"prompt file {path} not found") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise PromptError(f"prompt file {path} is invalid: {exc}") from exc
