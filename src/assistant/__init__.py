"""Cited question answering over public reports on children's services.

    >>> from assistant import Assistant          # doctest: +SKIP
    >>> Assistant.load().ask("When was the focused visit?").answer   # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Answer", "Assistant", "Filters", "Settings", "__version__"]

if TYPE_CHECKING:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings
    from assistant.types import Answer, Filters


def __getattr__(name: str) -> Any:
    # Imported on first use, so `assistant --help` does not pay for numpy/FAISS.
    if name == "Assistant":
        from assistant.pipeline import Assistant

        return Assistant
    if name == "Settings":
        from assistant.settings import Settings

        return Settings
    if name in ("Answer", "Filters"):
        from assistant import types

        return getattr(types, name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
