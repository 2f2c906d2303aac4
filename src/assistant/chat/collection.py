"""The collection panel: every report in the index, searchable, with a count, and the files not indexed.

A person types in the search box (title, area, publisher, kind or year) and the list narrows as they type;
it also follows the chat's filters, so it shows which reports a question will search. The list is sorted by
area, then newest first (:func:`assistant.chat.catalogue.browse`); the skipped files stay listed below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.chat.catalogue import browse, count_line
from assistant.chat.filters import read_filters
from assistant.chat.render import collection_html, esc
from assistant.types import Document, Filters


@dataclass
class CollectionPanel:
    """The panel's search box, count line and list."""

    search: gr.Textbox
    count: gr.HTML
    listing: gr.HTML


def listing(
    documents: Sequence[Document], skipped: Sequence[tuple[str, str]], query: str, filters: Filters | str
) -> tuple[str, str]:
    """The count line and the list for a search within ``filters`` (or the message of a bad year range)."""
    if isinstance(filters, str):
        return f'<p class="collection-count" role="status">{esc(filters)}</p>', collection_html([], skipped)
    shown = browse(documents, filters, query or "")
    line = count_line(len(shown), len(documents), query or "", filters.active)
    return f'<p class="collection-count" role="status">{esc(line)}</p>', collection_html(shown, skipped)


def collection_panel(
    documents: Sequence[Document], skipped: Sequence[tuple[str, str]], version: str
) -> CollectionPanel:
    """Lay out the panel (closed until opened): search box, count, list, the index's version."""
    with gr.Accordion(f"The collection ({len(documents)} reports)", open=False, elem_id="collection"):
        search = gr.Textbox(
            label="Search the collection", placeholder="Title, area, publisher, kind or year", lines=1,
            max_lines=1, elem_id="collection-search", show_label=True,
        )
        count, html = listing(documents, skipped, "", Filters())
        count_box = gr.HTML(count, elem_id="collection-count")
        listing_box = gr.HTML(html, elem_id="collection-list")
        gr.Markdown(f"Index version `{version}`")
    return CollectionPanel(search, count_box, listing_box)


def wire_collection(
    panel: CollectionPanel,
    documents: Sequence[Document],
    skipped: Sequence[tuple[str, str]],
    filter_inputs: Sequence[gr.Dropdown],
) -> None:
    """Narrow the list as the search box or the filters change (``filter_inputs`` in ``filters_from`` order)."""

    def update(query: str, *values: Any) -> tuple[str, str]:
        return listing(documents, skipped, query, read_filters(values))

    inputs: list[gr.Textbox | gr.Dropdown] = [panel.search, *filter_inputs]
    for trigger in inputs:
        trigger.change(update, inputs, [panel.count, panel.listing], api_visibility="private",
                       show_progress="hidden", trigger_mode="always_last")
