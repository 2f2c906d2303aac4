"""The collection panel: every report in the index, searchable, with a count, and the files not indexed.

A person types in the search box (title, area, publisher, kind or year) and the list narrows as they type;
it also follows the chat's filters, so it shows which reports a question will search, and "Ask only about
these reports" puts the reports it lists (up to ``MOST_TO_PICK``) into the reports filter. The list is sorted by
area, then newest first (:func:`assistant.chat.catalogue.browse`); the skipped files stay listed below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.chat.catalogue import browse, count_line, listed_ids, report_choices
from assistant.chat.filters import read_filters
from assistant.chat.render import collection_html, esc
from assistant.types import Document, Filters


@dataclass
class CollectionPanel:
    """The panel's search box, count line and list."""

    search: gr.Textbox
    count: gr.HTML
    listing: gr.HTML
    use: gr.Button


MOST_TO_PICK = 50
"""The most reports "Ask only about these" puts into the reports filter (more is a list no one reads)."""


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
        with gr.Row(equal_height=True):
            count_box = gr.HTML(count, elem_id="collection-count")
            use = gr.Button("Ask only about these reports", size="sm", scale=0, min_width=220,
                            elem_id="collection-use")
        listing_box = gr.HTML(html, elem_id="collection-list")
        gr.Markdown(f"Index version `{version}`")
    return CollectionPanel(search, count_box, listing_box, use)


def wire_collection(
    panel: CollectionPanel,
    documents: Sequence[Document],
    skipped: Sequence[tuple[str, str]],
    filter_inputs: Sequence[gr.Dropdown],
) -> None:
    """Narrow the list as the search box or the filters change (``filter_inputs`` in ``filters_from`` order)."""

    def update(query: str, *values: Any) -> tuple[str, str]:
        return listing(documents, skipped, query, read_filters(values))

    def use_listed(query: str, *values: Any) -> Any:
        filters = read_filters(values)
        ids = listed_ids(documents, filters, query or "", MOST_TO_PICK) if isinstance(filters, Filters) else filters
        if isinstance(ids, str) or isinstance(filters, str):
            gr.Warning(str(ids), title="Ask only about these")
            return gr.skip()
        gr.Info(f"Questions now search only the {len(ids)} report{'s' if len(ids) != 1 else ''} listed "
                "(see “Narrow the search”).", title="Ask only about these")
        return gr.update(choices=report_choices(documents, filters, ids), value=ids)

    inputs: list[gr.Textbox | gr.Dropdown] = [panel.search, *filter_inputs]
    for trigger in inputs:
        trigger.change(update, inputs, [panel.count, panel.listing], api_visibility="private",
                       show_progress="hidden", trigger_mode="always_last")
    # The reports filter is the first of ``filters_from``'s.
    panel.use.click(use_listed, inputs, filter_inputs[0], api_visibility="private", show_progress="hidden")
