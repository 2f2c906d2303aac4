"""Rendering: pure functions from ``Answer``/``Document`` to the HTML and Markdown the chat page shows.

Answers with their ``[n]`` markers linked to the source entries, quotes highlighted in their passages,
abstentions with their possibly related passages, the chat's messages for a conversation of
``Exchange``s, and the collection table (which reports it lists, and in what order, is
:mod:`assistant.chat.catalogue`'s). Nothing here imports gradio, so rendering is imported and tested without
its slow import.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.chat.briefing import understood_as
from assistant.chat.pages import PageView
from assistant.text import human_date, subject_of
from assistant.types import Answer, Citation, Document, Location, RetrievedPassage

WORKING = '<p class="working" role="status">Looking through the reports…</p>'
NOT_COVERED = "The reports don't cover this"
_MARKER = re.compile(r"\[(\d+)\](?!\()")


@dataclass(frozen=True)
class Exchange:
    """One question and answer of a conversation, with the scope the question was asked in."""

    answer: Answer
    scope: str = ""
    views: tuple[PageView | None, ...] = ()
    """The cited page of each citation, in citation order (None: no page to show)."""


def esc(text: str) -> str:
    """Report text made safe to put into HTML (``<``, ``>``, ``&`` and quotes escaped)."""
    return html.escape(text, quote=True)


def source_id(turn: int, n: int) -> str:
    """The element id of source ``n`` of the ``turn``-th answer (1-based): unique on the page."""
    return f"src-{turn}-{n}"


def link_markers(answer_markdown: str, turn: int, numbers: Sequence[int]) -> str:
    """Escape the answer's HTML and make each ``[n]`` marker a link to its source entry.

    Example:
        >>> link_markers("“Good” [1]", 2, [1])
        '“Good” <a class="cite" href="#src-2-1" title="Go to source 1">[1]</a>'
    """
    known = set(numbers)

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in known:
            return match.group(0)
        return f'<a class="cite" href="#{source_id(turn, n)}" title="Go to source {n}">[{n}]</a>'

    return _MARKER.sub(link, html.escape(answer_markdown, quote=False))


def highlight(passage: str, quote: str) -> str:
    """The passage as HTML with the quote inside ``<mark>``; line breaks kept as ``<br>``.

    The quote is matched exactly, else with any whitespace between its words; if it cannot be found
    the passage is shown unmarked.
    """
    start = passage.find(quote) if quote else -1
    end = start + len(quote)
    if start < 0 and quote.split():
        found = re.search(r"\s+".join(re.escape(w) for w in quote.split()), passage)
        if found:
            start, end = found.start(), found.end()
    if start < 0:
        return _lines(esc(passage))
    return _lines(f"{esc(passage[:start])}<mark>{esc(passage[start:end])}</mark>{esc(passage[end:])}")


def _lines(escaped: str) -> str:
    return "<br>".join(line for line in escaped.strip().splitlines())


def meta_line(publisher: str, kind: str, when: str | None, location: Location) -> str:
    """Publisher · kind · human date · pages · paragraph · section, escaped for HTML."""
    parts = [publisher, kind, human_date(when), *location.places()]
    return " · ".join(esc(p) for p in parts)


def page_view_html(view: PageView, title: str) -> str:
    """The "View page" control: the rendered page with the quoted lines marked, and the original file."""
    alt = f"Page {view.page} of {title}, with the quoted lines highlighted"
    return (
        f'<details class="page-view"><summary>View page {view.page}</summary>'
        f'<img class="page-image" src="{esc(view.image_url)}" alt="{esc(alt)}" width="{view.width}" '
        f'height="{view.height}" loading="lazy">'
        f'<p class="page-link"><a href="{esc(view.file_url)}" target="_blank" rel="noopener">'
        f"Open the original at page {view.page}</a></p></details>"
    )


def source_html(citation: Citation, turn: int, view: PageView | None = None) -> str:
    """One source entry: title, facts, the quote highlighted, its whole passage and its page on demand."""
    c = citation
    quote = " ".join(c.quote.split())
    whole = ""
    if len(" ".join(c.text.split())) > len(quote) + 20:
        whole = (
            '<details class="passage"><summary>Show the whole passage</summary>'
            f"<p>{highlight(c.text, c.quote)}</p></details>"
        )
    return (
        f'<li class="source" id="{source_id(turn, c.n)}">'
        f'<p class="source-title"><span class="source-n">[{c.n}]</span> {esc(c.title)}</p>'
        f'<p class="source-meta">{meta_line(c.publisher, c.kind, c.date, c.location)}</p>'
        f'<blockquote class="source-quote"><mark>{esc(quote)}</mark></blockquote>{whole}'
        f'{page_view_html(view, c.title) if view else ""}</li>'
    )


def related_html(passages: Sequence[RetrievedPassage], turn: int) -> str:
    """The "possibly related" passages of an abstention: clearly labelled, never numbered as sources."""
    if not passages:
        return ""
    items = []
    for k, p in enumerate(passages, start=1):
        words = p.text.split()
        preview = " ".join(words[:30]) + (" …" if len(words) > 30 else "")
        items.append(
            f'<li class="related-item" id="rel-{turn}-{k}">'
            f'<p class="source-title">{esc(p.title)}</p>'
            f'<p class="source-meta">{meta_line(p.publisher, p.kind, p.date, p.location)}</p>'
            f'<details class="passage"><summary>{esc(preview)}</summary>'
            f"<p>{_lines(esc(p.text))}</p></details>"
            "</li>"
        )
    return (
        '<div class="related"><p class="related-title">Possibly related passages '
        "<span>(not an answer to the question)</span></p>"
        f'<ul class="related-list">{"".join(items)}</ul></div>'
    )


def answer_message(answer: Answer, turn: int, scope: str = "", views: Sequence[PageView | None] = ()) -> str:
    """The chat message for one answer: Markdown answer with linked markers, then its sources.

    HTML blocks are written on one line each, because a blank line would end them in Markdown.

    Args:
        answer: the answer to show.
        turn: its 1-based position in the conversation (makes the source ids unique on the page).
        scope: a note on the filters the question was asked with, if any.
        views: the cited page of each citation, in order, where it has one.
    """
    parts = []
    if (standalone := understood_as(answer)) is not None:
        parts.append(f'<p class="understood">Understood as: <em>{esc(standalone)}</em></p>')
    if scope:
        parts.append(f'<p class="scope">{esc(scope)}</p>')
    if answer.abstained:
        parts.append(
            f'<div class="abstained" role="note"><p class="abstained-title">{NOT_COVERED}</p>\n\n'
            f"{html.escape(answer.answer, quote=False)}\n\n</div>"
        )
        parts.append(related_html(answer.related, turn))
    else:
        parts.append(link_markers(answer.answer, turn, [c.n for c in answer.citations]))
        views = list(views) + [None] * (len(answer.citations) - len(views))
        sources = "".join(source_html(c, turn, v) for c, v in zip(answer.citations, views, strict=False))
        parts.append(
            '<div class="sources"><p class="sources-title">Sources</p>'
            f'<ol class="source-list">{sources}</ol></div>'
        )
    return "\n\n".join(p for p in parts if p)


def chat_messages(exchanges: Sequence[Exchange], pending: str | None = None) -> list[dict[str, str]]:
    """The Chatbot's messages for a conversation, plus an optional question still being answered."""
    messages: list[dict[str, str]] = []
    for turn, ex in enumerate(exchanges, start=1):
        messages.append({"role": "user", "content": esc(ex.answer.question)})
        messages.append({"role": "assistant", "content": answer_message(ex.answer, turn, ex.scope, ex.views)})
    if pending is not None:
        messages.append({"role": "user", "content": esc(pending)})
        messages.append({"role": "assistant", "content": WORKING})
    return messages


def page_title(documents: Sequence[Document]) -> str:
    """The chat's title, named from the collection's own areas: "West Sussex children's services: ask the
    reports" (no place is written in code)."""
    subject = subject_of(d.area for d in documents)
    return f"{subject[0].upper()}{subject[1:]}: ask the reports"


def collection_html(documents: Sequence[Document], skipped: Sequence[tuple[str, str]] = ()) -> str:
    """The collection as a table, in the order given (the panel sorts by area, then date): area where any
    document has one, date, title, publisher, kind; then the files that could not be read, each with its
    reason (shown whatever a search leaves of the table)."""
    with_area = any(d.area for d in documents)
    rows = "".join(
        "<tr>"
        + (f'<td data-label="Area">{esc(d.area or "")}</td>' if with_area else "")
        + f'<td data-label="Date">{esc(human_date(d.date))}</td><td data-label="Title">{esc(d.title)}</td>'
        f'<td data-label="Publisher">{esc(d.publisher)}</td><td data-label="Kind">{esc(d.kind)}</td></tr>'
        for d in documents
    )
    area_head = '<th scope="col">Area</th>' if with_area else ""
    table = (
        '<div class="collection-scroll" tabindex="0">'  # scrolls on its own: hundreds of reports
        f'<table class="collection"><thead><tr>{area_head}<th scope="col">Date</th><th scope="col">Title</th>'
        '<th scope="col">Publisher</th><th scope="col">Kind</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
        if documents
        else ""
    )
    if not skipped:
        return table
    items = "".join(f"<li><code>{esc(name)}</code>: {esc(reason)}</li>" for name, reason in skipped)
    return (
        f'{table}<div class="skipped"><p class="skipped-title">Not indexed ({len(skipped)} '
        f'file{"s" if len(skipped) != 1 else ""})</p><ul>{items}</ul></div>'
    )
