"""Serving: who may reach the chat page, and starting it on the configured host and port.

A loopback host may serve without a password; any other host needs the credentials of ``ASSISTANT_AUTH``
or ``ASSISTANT_AUTH_FILE``, checked before the (slow) assistant loads. ``serve`` starts the page from
:mod:`assistant.chat.page` with the theme and CSS of :mod:`assistant.chat.style` (never shared publicly);
``launch`` is what ``assistant serve`` and ``python app.py`` call.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.chat.page import SERVED_PATHS, build_ui
from assistant.chat.style import CSS, theme
from assistant.errors import ConfigError
from assistant.settings import Settings

if TYPE_CHECKING:
    import gradio as gr

    from assistant.pipeline import Assistant

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (127.x, ``localhost``, ``::1``)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def credentials(settings: Settings) -> list[tuple[str, str]]:
    """The ``user:password`` pairs of ``settings.auth`` and of the lines of ``settings.auth_file``.

    Raises:
        ConfigError: an unreadable file or a line that is not ``user:password``.
    """
    pairs: list[tuple[str, str]] = []
    sources: list[tuple[str, str]] = []
    if settings.auth.strip():
        sources.append(("ASSISTANT_AUTH", settings.auth.strip()))
    if settings.auth_file.strip():
        try:
            text = Path(settings.auth_file).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"Cannot read the auth file {settings.auth_file} ({exc.strerror}). "
                "Check ASSISTANT_AUTH_FILE names a readable file of 'user:password' lines."
            ) from exc
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                sources.append((f"line {number} of {settings.auth_file}", line.strip()))
    for origin, value in sources:
        user, sep, password = value.partition(":")
        if not sep or not user.strip() or not password:
            raise ConfigError(f"The credentials in {origin} are not of the form 'user:password'. Fix them.")
        pairs.append((user.strip(), password))
    return pairs


def auth_for(settings: Settings) -> list[tuple[str, str]] | None:
    """The credentials to serve with: required when the host is not loopback, optional otherwise.

    Raises:
        ConfigError: a non-loopback host without credentials (the message says how to set them).
    """
    pairs = credentials(settings)
    if not pairs and not is_loopback(settings.host):
        raise ConfigError(
            f"The chat is set to listen on {settings.host}, which other machines can reach, so it needs a "
            "password. Set ASSISTANT_AUTH='user:password', or ASSISTANT_AUTH_FILE=/path/to/file holding one "
            "'user:password' per line; or serve on 127.0.0.1 (ASSISTANT_HOST=127.0.0.1)."
        )
    return pairs or None


#: Seconds every failed sign-in waits before it is answered.
LOGIN_DELAY_S = 1.0


class LoginGuard:
    """Checks passwords, and slows down and then refuses guessing, with the ``limits`` library's moving windows.

    Every failed sign-in waits ``delay_s`` before its answer; after ``per_user`` failures for one user name in
    a minute, or ``overall`` failures in a minute for all names together (guessing across names), further
    attempts are refused without being checked until the window has moved on. Its ``check`` is a coroutine:
    gradio awaits it on its event loop, so a waiting attempt holds up no one else.
    """

    def __init__(self, pairs: list[tuple[str, str]], per_user: int = 5, overall: int = 30,
                 delay_s: float | None = None) -> None:
        from limits import RateLimitItemPerMinute
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self._passwords = dict(pairs)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_user = RateLimitItemPerMinute(per_user)
        self._overall = RateLimitItemPerMinute(overall)
        self.delay_s = LOGIN_DELAY_S if delay_s is None else delay_s

    def allowed(self, username: str) -> bool:
        """Whether an attempt for ``username`` may be checked now (neither window is full)."""
        return self._limiter.test(self._per_user, "login", username) and self._limiter.test(self._overall, "login")

    async def check(self, username: str, password: str) -> bool:
        """Whether ``username``/``password`` may sign in; a failure is counted and answered late."""
        if self.allowed(username):
            expected = self._passwords.get(username)
            given = password.encode("utf-8", "surrogatepass")  # a browser can send a lone surrogate
            if expected is not None and hmac.compare_digest(given, expected.encode("utf-8", "surrogatepass")):
                return True
            self._limiter.hit(self._per_user, "login", username)
            self._limiter.hit(self._overall, "login")
            log.warning("Failed sign-in for user %r", username)
        else:
            log.warning("Sign-in for user %r refused: too many failed attempts in the last minute", username)
        await asyncio.sleep(self.delay_s)
        return False


def login_check(settings: Settings) -> Callable[[str, str], Awaitable[bool]] | None:
    """The sign-in check to serve with (a :class:`LoginGuard`), or None when no credentials are needed."""
    pairs = auth_for(settings)
    return LoginGuard(pairs).check if pairs else None


def headless_matplotlib() -> None:
    """Fix matplotlib's backend to 'agg' (no screen is ever drawn on).

    Gradio switches matplotlib's backend around every request it serves; with the backend left to matplotlib's
    automatic choice, each switch looks for a GUI toolkit again, about 10 ms of every answer (py-spy, under
    `make load`).
    """
    os.environ["MPLBACKEND"] = "agg"
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].use("agg")


def serve(blocks: gr.Blocks, settings: Settings, block: bool = True) -> str:
    """Start serving ``blocks`` on ``settings.host``/``settings.port`` (never shared publicly).

    Args:
        blocks: the page from :func:`build_ui`.
        settings: host, port and credentials.
        block: wait until the server stops (``False`` returns once it is up, for tests).

    Returns:
        The local URL of the page.
    """
    auth = login_check(settings)
    headless_matplotlib()
    _app, url, _share = blocks.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,  # type: ignore[arg-type]  # gradio awaits a coroutine function; its hint omits that
        share=False,
        prevent_thread_lock=not block,
        quiet=not block,
        show_error=False,
        css=CSS,
        theme=theme(),
        footer_links=["api", "settings"],
        auth_message="Sign in to ask the reports." if auth else None,
        allowed_paths=SERVED_PATHS.get(blocks, []),
    )
    return str(url)


def launch(settings: Settings, assistant: Assistant | None = None) -> None:
    """Serve the chat until interrupted: ``assistant serve`` and ``python app.py`` call this.

    Credentials are checked before the (slow) assistant loads, so a missing password fails at once.

    Raises:
        ConfigError: a non-loopback host without credentials.
        AssistantError: the index or model cannot be loaded.
    """
    auth_for(settings)
    if assistant is None:
        from assistant.pipeline import Assistant

        assistant = Assistant.load(settings=settings)
    from assistant.index.embedding import single_threaded

    single_threaded()  # answers run side by side, one per core (page.workers), each on one thread
    if threading.current_thread() is threading.main_thread():
        # `kill` (SIGTERM) stops the server as Ctrl-C does (gradio then shuts down in order), so that the
        # briefing folders (conversation text) and gradio's cache are removed on the way out instead of
        # staying in the temp folder.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    log.info("Serving the chat on http://%s:%s", settings.host, settings.port)
    demo = build_ui(assistant, settings)
    try:
        serve(demo, settings, block=True)
    except KeyboardInterrupt:  # Ctrl-C or `kill` arriving before gradio's own handler is in place
        log.info("Stopping the chat.")
        demo.close()
