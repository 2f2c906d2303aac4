"""The chat page: questions, answers with their sources, filters, briefings and feedback (Gradio).

Four layers, top to bottom, each of one or more modules:

* ``render`` and ``catalogue``: pure functions from ``Answer``/``Document`` to the HTML and Markdown the page
  shows, and the collection searched, sorted and counted, with the filters' choices read from its metadata;
* ``turns``: pure-ish functions that ask the assistant, check filters and record feedback, returning data
  (tested without a browser);
* ``page``: ``build_ui``, the Gradio page wiring those together, with per-browser ``gr.State``; its filters
  (``filters``), its collection panel (``collection``) and its theme and CSS (``style``) are modules of their own;
* ``serving``: credentials, ``serve`` and ``launch``.

``launch``, ``build_ui`` and ``serve`` are re-exported here lazily: gradio costs about 3 s to import, so
importing this package (or ``render``, ``catalogue`` and ``turns``) does not import it; only ``page`` and
``serving`` (and the page's parts) do.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.chat.page import build_ui
    from assistant.chat.serving import launch, serve

__all__ = ["build_ui", "launch", "serve"]

_LAZY = {"build_ui": "assistant.chat.page", "launch": "assistant.chat.serving", "serve": "assistant.chat.serving"}


def __getattr__(name: str) -> Any:
    """Import ``page``/``serving`` (and so gradio) only when one of their names is first asked for."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
