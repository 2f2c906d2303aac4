"""Serve the chat page: ``python app.py``, the same page as ``assistant serve`` (``make app``).

Settings come from defaults, ``assistant.toml`` and ``ASSISTANT_*`` variables (see the README).
"""

from __future__ import annotations

import logging
import sys

from assistant.errors import AssistantError
from assistant.settings import Settings


def main() -> None:
    """Serve until interrupted; a setting or index problem ends with one line saying what to fix."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("assistant").setLevel(logging.INFO)
    from assistant.chat import launch  # gradio is slow to import: only when serving

    try:
        settings = Settings.load()
        launch(settings)
    except AssistantError as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()
