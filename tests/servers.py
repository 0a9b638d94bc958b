"""Real servers for the tests, on loopback: start a process, wait (bounded) until it answers, always stop it."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a loopback URL built by the test
            return bool(response.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def running(command: list[str], ready_url: str, *, log: Path, wait_s: float, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` until the block ends; it must answer ``ready_url`` within ``wait_s`` seconds.

    The process is stopped (SIGTERM, then SIGKILL after 10 s) whatever happens in the block.
    """
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + wait_s
        while not _answers(ready_url):
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not answer {ready_url} within {wait_s:g}s: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def chroma_command() -> str:
    """The ``chroma`` executable of the environment that runs the tests (it comes with the chromadb package)."""
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else (shutil.which("chroma") or "chroma")


@contextlib.contextmanager
def chroma_server(folder: Path, *, wait_s: float = 60) -> Iterator[str]:
    """A real ``chroma run`` storing in ``folder``, on a free loopback port; yields its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [chroma_command(), "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)]
    with running(command, f"{url}/api/v2/heartbeat", log=folder / "chroma.log", wait_s=wait_s):
        yield url
