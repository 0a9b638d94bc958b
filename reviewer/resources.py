"""Find the project's data folders (prompts/, corpus/, samples/) in a checkout or a wheel.

In a source checkout they sit beside the package; the wheel maps them inside it as
``reviewer/prompts`` etc. (see ``[tool.setuptools.package-dir]`` in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder ``name`` (``prompts``, ``corpus`` or ``samples``), wherever it is installed."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data folder {name!r} not found beside or inside {_PACKAGE_DIR}")


def parse_yaml(text: str) -> Any:
    """Parse YAML safely, with libyaml's C loader when PyYAML has it (several times faster)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
