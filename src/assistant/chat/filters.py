"""The chat's filters ("Narrow the search"): searchable multi-select lists for council or area, publisher,
kind and particular reports, a year range, and a line saying how many reports a question will search.

Every choice comes from the collection's own metadata (:func:`assistant.chat.catalogue.facet_choices`).
With hundreds of reports a person types to find a choice (the lists are filterable and load as they scroll),
and picking an area, publisher, kind or years narrows the reports list to those they admit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.chat.catalogue import facet_choices, filter_summary, filtered, report_choices, year_choices
from assistant.chat.turns import filters_from
from assistant.errors import InvalidFilterError
from assistant.types import Document, Filters


@dataclass
class FilterControls:
    """The filter components; ``inputs`` lists them in the order of ``filters_from`` and of ``/respond``."""

    reports: gr.Dropdown
    publishers: gr.Dropdown
    kinds: gr.Dropdown
    date_from: gr.Dropdown
    date_to: gr.Dropdown
    areas: gr.Dropdown
    summary: gr.Markdown

    @property
    def inputs(self) -> list[gr.Dropdown]:
        """reports, publishers, kinds, from, to, areas: the order of ``filters_from``."""
        return [self.reports, self.publishers, self.kinds, self.date_from, self.date_to, self.areas]


def _find(what: str, count: int) -> str:
    return f"Type to find one of {count} {what}." if count > 8 else ""


def filter_controls(documents: Sequence[Document]) -> FilterControls:
    """Lay out the filters, the most used first: area, publisher, kind, years, then particular reports."""
    facets = facet_choices(documents)
    names = facets["areas"]
    areas = gr.Dropdown(
        names, value=[], multiselect=True, filterable=True, label="Council or area", elem_id="filter-areas",
        info=_find("areas", len(names)), visible=len(names) > 1,  # one area: nothing to choose between
    )
    publishers = gr.Dropdown(
        facets["publishers"], value=[], multiselect=True, filterable=True, label="Publisher",
        elem_id="filter-publishers", info=_find("publishers", len(facets["publishers"])),
    )
    kinds = gr.Dropdown(
        facets["kinds"], value=[], multiselect=True, filterable=True, label="Kind of report",
        elem_id="filter-kinds", info=_find("kinds", len(facets["kinds"])),
    )
    with gr.Row():
        years = year_choices(documents)
        date_from = gr.Dropdown(years, value="", label="From", min_width=100, elem_id="filter-from")
        date_to = gr.Dropdown(years, value="", label="To", min_width=100, elem_id="filter-to")
    reports = gr.Dropdown(
        report_choices(documents, Filters()), value=[], multiselect=True, filterable=True, label="Reports",
        elem_id="filter-docs", info=_find("reports (by title, date or area)", len(documents)),
    )
    summary = gr.Markdown(filter_summary(len(documents), len(documents)), elem_id="filter-summary")
    return FilterControls(reports, publishers, kinds, date_from, date_to, areas, summary)


def read_filters(values: Sequence[Any]) -> Filters | str:
    """The controls' values (in ``inputs`` order) as ``Filters``, or the message for a bad year range."""
    try:
        return filters_from(*values)
    except InvalidFilterError as exc:
        return str(exc)


def summary_of(documents: Sequence[Document], filters: Filters | str) -> str:
    """The line under the filters for ``filters`` (or the message ``read_filters`` gave instead)."""
    if isinstance(filters, str):
        return filters
    return filter_summary(len(filtered(documents, filters)), len(documents))


def wire_filters(controls: FilterControls, documents: Sequence[Document]) -> None:
    """Keep the reports list and the summary in step with the other filters as a person changes them."""

    def narrowed(*values: Any) -> tuple[dict[str, Any], str]:
        filters = read_filters(values)
        selected = list(values[0] or [])
        scope = filters if isinstance(filters, Filters) else Filters(  # a reversed year range: the rest
            publishers=tuple(values[1] or ()), kinds=tuple(values[2] or ()), areas=tuple(values[5] or ()))
        reports = gr.update(choices=report_choices(documents, scope, selected), value=selected)
        return reports, summary_of(documents, filters)

    def summarised(*values: Any) -> str:
        return summary_of(documents, read_filters(values))

    c = controls
    for control in (c.areas, c.publishers, c.kinds, c.date_from, c.date_to):
        control.change(narrowed, c.inputs, [c.reports, c.summary], api_visibility="private",
                       show_progress="hidden", trigger_mode="always_last")
    c.reports.change(summarised, c.inputs, c.summary, api_visibility="private", show_progress="hidden",
                     trigger_mode="always_last")
