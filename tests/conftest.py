"""Hermetic test setup: private REVIEWER_HOME, hub access off, no network but loopback."""

from __future__ import annotations

import ipaddress
import os
import socket

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
