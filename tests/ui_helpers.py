"""Helpers for the chat tests: serve the page on a free local port, and find Debian's Chromium."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
CARE_LEAVERS = "What did Ofsted say about care leavers over 21?"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ui_settings(folder: Path) -> Settings:
    """Settings for a test server: loopback, a free port, a feedback log in ``folder``."""
    log = folder / "feedback.jsonl"
    return Settings.load(environ={}, host="127.0.0.1", port=free_port(), feedback_log=log)


@contextmanager
def running_app(assistant: Any, settings: Settings) -> Iterator[str]:
    """Serve the chat for ``assistant`` in this process (server thread) and yield its URL."""
    from assistant.chat.page import build_ui
    from assistant.chat.serving import serve

    demo = build_ui(assistant, settings)
    url = serve(demo, settings, block=False)
    try:
        yield url
    finally:
        demo.close()


def require_chromium() -> str:
    """The Chromium executable; a missing one FAILS the test (never a silent skip)."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.fail(
            f"Debian's Chromium is not installed at {CHROMIUM}, so the browser tests cannot run. "
            "Run `make test` (it installs it), or `apt-get update && apt-get install -y chromium`."
        )
    return str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))


@contextmanager
def headless_chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (its own browser download does not work offline)."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
