"""Hermetic test setup: private REVIEWER_HOME, hub access off, no network but loopback."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from pathlib import Path

import pytest

# Must be set before huggingface_hub / sentence_transformers are imported anywhere.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_real_connect = socket.socket.connect


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a host other than this machine."""


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise NetworkBlockedError(f"test tried to connect to {address!r}")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]  # network guard for the whole run


@pytest.fixture(autouse=True)
def _hermetic_settings(tmp_path, monkeypatch):
    """Point REVIEWER_HOME at a temp dir and clear REVIEWER_* variables from the caller."""
    for key in list(os.environ):
        if key.startswith("REVIEWER_") and key != "REVIEWER_MODEL_CACHE":
            monkeypatch.delenv(key)
    monkeypatch.setenv("REVIEWER_HOME", str(tmp_path / "home"))
    yield


@pytest.fixture(scope="session")
def sample_plan():
    from reviewer.resources import data_dir

    return data_dir("samples") / "yunxi_county_action_plan.txt"


# ---- the page in a real headless Chromium (Debian's chromium, driven by Playwright) ----

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def served_page(tmp_path_factory):
    """The page with the fake backend, served on 127.0.0.1 for the module: ``(url, home)``."""
    from reviewer import load_settings
    from reviewer.app import CSS, build_app

    home = tmp_path_factory.mktemp("home")
    app = build_app(load_settings(environ={}, backend="fake", embedding="fake", home=home))
    app.queue(default_concurrency_limit=1).launch(server_name="127.0.0.1", prevent_thread_lock=True, css=CSS, quiet=True)
    yield app.local_url, home
    app.close()


@pytest.fixture
def browser_page():
    """A fresh page in headless Chromium; ``browser_page(width, height)`` opens it (the browser closes after the test)."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail("Debian's chromium is not installed: scripts/test.sh installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield lambda width=1400, height=1800: browser.new_page(viewport={"width": width, "height": height})
        browser.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG under tests/artifacts and returns its path."""
    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        return ARTIFACTS / name

    return take
