"""The chat page: questions, answers with their sources, filters, briefings and feedback (Gradio).

Three layers, top to bottom:

* rendering: pure functions from ``Answer``/``Document`` to the HTML and Markdown the page shows;
* turns: pure-ish functions that ask the assistant, check filters and record feedback, returning data
  (tested without a browser);
* ``build_ui``/``launch``: the Gradio page wiring those together, with per-browser ``gr.State``.

Imported lazily by the CLI: gradio costs about 3 s to import.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no telemetry, ever

import gradio as gr  # noqa: E402

from assistant.briefing import understood_as, write_briefing  # noqa: E402
from assistant.errors import AssistantError, ConfigError, InvalidFilterError  # noqa: E402
from assistant.feedback import feedback_entry, record_feedback  # noqa: E402
from assistant.retrieval import allowed_documents  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.text import human_date  # noqa: E402
from assistant.types import Answer, Citation, Document, Filters, RetrievedPassage, Turn  # noqa: E402

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

log = logging.getLogger(__name__)

TITLE = "West Sussex children's services: ask the reports"
EXAMPLES = (
    "What did Ofsted say about care leavers over 21?",
    "How did the judgement change between 2019 and 2023?",
    "What did the Commissioner recommend about a children's trust?",
)
WORKING = '<p class="working" role="status">Looking through the reports…</p>'
NOT_COVERED = "The reports don't cover this"
_MARKER = re.compile(r"\[(\d+)\](?!\()")
# After an answer, show the chat from the latest question down (not scrolled to the end of its sources).
SCROLL_TO_LATEST = """() => { setTimeout(() => {
  const wrap = document.querySelector('#chat .panel-wrap');
  const rows = document.querySelectorAll('#chat .message-row.user-row');
  const last = rows[rows.length - 1];
  if (wrap && last) {
    wrap.scrollTop += last.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 8;
  }
}, 80); }"""


class AskService(Protocol):
    """What the page needs of the assistant (``assistant.pipeline.Assistant`` or a test double)."""

    @property
    def index_version(self) -> str: ...

    def ask(
        self, question: str, history: Sequence[Turn] | None = None, filters: Filters | None = None
    ) -> Answer: ...

    def documents(self) -> list[Document]: ...


@dataclass(frozen=True)
class Exchange:
    """One question and answer of a conversation, with the scope the question was asked in."""

    answer: Answer
    scope: str = ""


# --------------------------------------------------------------------------------------------- rendering


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


def meta_line(publisher: str, kind: str, when: str | None, section: str | None, paragraph: str | None) -> str:
    """Publisher · kind · human date · paragraph · section, escaped for HTML."""
    parts = [publisher, kind, human_date(when)]
    if paragraph:
        parts.append(f"paragraph {paragraph}")
    if section and section != paragraph:
        parts.append(f"section “{' '.join(section.split())}”")
    return " · ".join(esc(p) for p in parts)


def source_html(citation: Citation, turn: int) -> str:
    """One source entry: title, facts, the quote highlighted, and its whole passage on demand."""
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
        f'<p class="source-meta">{meta_line(c.publisher, c.kind, c.date, c.section, c.paragraph)}</p>'
        f'<blockquote class="source-quote"><mark>{esc(quote)}</mark></blockquote>{whole}</li>'
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
            f'<p class="source-meta">{meta_line(p.publisher, p.kind, p.date, p.section, p.paragraph)}</p>'
            f'<details class="passage"><summary>{esc(preview)}</summary>'
            f"<p>{_lines(esc(p.text))}</p></details>"
            "</li>"
        )
    return (
        '<div class="related"><p class="related-title">Possibly related passages '
        "<span>(not an answer to the question)</span></p>"
        f'<ul class="related-list">{"".join(items)}</ul></div>'
    )


def answer_message(answer: Answer, turn: int, scope: str = "") -> str:
    """The chat message for one answer: Markdown answer with linked markers, then its sources.

    HTML blocks are written on one line each, because a blank line would end them in Markdown.

    Args:
        answer: the answer to show.
        turn: its 1-based position in the conversation (makes the source ids unique on the page).
        scope: a note on the filters the question was asked with, if any.
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
        sources = "".join(source_html(c, turn) for c in answer.citations)
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
        messages.append({"role": "assistant", "content": answer_message(ex.answer, turn, ex.scope)})
    if pending is not None:
        messages.append({"role": "user", "content": esc(pending)})
        messages.append({"role": "assistant", "content": WORKING})
    return messages


def document_label(doc: Document) -> str:
    """How a document is offered in the filter: ``"4 December 2020 · Ofsted: Focused visit to ..."``."""
    return f"{human_date(doc.date)} · {doc.publisher}: {doc.title}"


def collection_html(documents: Sequence[Document]) -> str:
    """The collection as a table: date, title, publisher, kind (oldest first, as given)."""
    rows = "".join(
        f"<tr><td>{esc(human_date(d.date))}</td><td>{esc(d.title)}</td>"
        f"<td>{esc(d.publisher)}</td><td>{esc(d.kind)}</td></tr>"
        for d in documents
    )
    return (
        '<table class="collection"><thead><tr><th scope="col">Date</th><th scope="col">Title</th>'
        f'<th scope="col">Publisher</th><th scope="col">Kind</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def year_choices(documents: Sequence[Document]) -> list[tuple[str, str]]:
    """Year options for the date range: "Any year" and every year from the oldest report to the newest."""
    years = sorted({int(d.date[:4]) for d in documents if d.date})
    span = range(years[0], years[-1] + 1) if years else range(0)
    return [("Any year", "")] + [(str(y), str(y)) for y in span]


# ------------------------------------------------------------------------------------------------ turns


def filters_from(
    doc_ids: Sequence[str] | None,
    publishers: Sequence[str] | None,
    kinds: Sequence[str] | None,
    date_from: str | None,
    date_to: str | None,
) -> Filters:
    """The filter controls' values as ``Filters``; a range that ends before it starts is refused.

    Raises:
        InvalidFilterError: when ``date_from`` is later than ``date_to``.
    """
    start, end = (date_from or "").strip() or None, (date_to or "").strip() or None
    if start and end and start[: len(end)] > end[: len(start)]:
        raise InvalidFilterError(
            f"The date range runs from {start} to {end}: pick a 'from' no later than 'to'."
        )
    return Filters(
        doc_ids=tuple(doc_ids or ()),
        publishers=tuple(publishers or ()),
        kinds=tuple(kinds or ()),
        date_from=start,
        date_to=end,
    )


def scope_note(documents: Sequence[Document], filters: Filters) -> str:
    """Which reports a filtered question searched ("" when unfiltered).

    Raises:
        InvalidFilterError: when the filters leave no report to search.
    """
    if not filters.active:
        return ""
    by_id = {d.doc_id: d for d in documents}
    allowed = [d for d in documents if d.doc_id in allowed_documents(by_id, filters)]
    if not allowed:
        raise InvalidFilterError("No report matches these filters. Clear some of them and ask again.")
    if len(allowed) == 1:
        d = allowed[0]
        return f"Searched only: {d.title} ({d.publisher}, {human_date(d.date)})."
    return f"Searched {len(allowed)} of {len(documents)} reports, as filtered."


def history_of(exchanges: Sequence[Exchange]) -> list[Turn]:
    """The conversation so far as turns for ``Assistant.ask``."""
    turns: list[Turn] = []
    for ex in exchanges:
        turns += [Turn("user", ex.answer.question), Turn("assistant", ex.answer.answer)]
    return turns


@dataclass(frozen=True)
class TurnResult:
    """What asking gave: a new exchange, or a message for the person (never both)."""

    exchange: Exchange | None = None
    error: str | None = None


def answer_turn(
    assistant: AskService, question: str, exchanges: Sequence[Exchange], filters: Filters
) -> TurnResult:
    """Ask ``question`` as a follow-up of ``exchanges`` within ``filters``; errors become messages.

    Example:
        >>> answer_turn(assistant, "", [], Filters()).error  # doctest: +SKIP
        'The question is empty. Type a question about the reports.'
    """
    try:
        scope = scope_note(assistant.documents(), filters)
        answer = assistant.ask(question, history=history_of(exchanges), filters=filters)
    except AssistantError as exc:
        return TurnResult(error=str(exc))
    except Exception as exc:  # the page must stay up whatever goes wrong inside
        log.exception("Answering %r failed", question)
        return TurnResult(error=f"Something went wrong while answering ({type(exc).__name__}). Try again.")
    return TurnResult(exchange=Exchange(answer, scope))


def rate(
    settings: Settings,
    index_version: str,
    exchanges: Sequence[Exchange],
    position: int,
    rating: str,
    comment: str,
) -> tuple[bool, str]:
    """Record a rating of the answer at ``position`` (0-based; -1 is the latest).

    Returns:
        Whether it was recorded, and a message for the person saying so or why not.
    """
    if not exchanges:
        return False, "There is no answer to rate yet. Ask a question first."
    try:
        answer = exchanges[position].answer
    except IndexError:
        return False, "That answer is no longer in this conversation."
    try:
        record_feedback(settings.feedback_log, feedback_entry(answer, rating, index_version, comment or ""))
    except OSError as exc:
        log.exception("Cannot write feedback to %s", settings.feedback_log)
        return (
            False,
            f"Your feedback could not be saved ({exc.strerror or exc}). Tell the team running the service.",
        )
    return True, "Thank you: your feedback was recorded."


def briefing_files(
    exchanges: Sequence[Exchange], index_version: str, folder: Path, today: date | None = None
) -> tuple[Path, Path] | None:
    """Write the conversation's briefing (Markdown, Word) into a new folder under ``folder``."""
    if not exchanges:
        return None
    _prune(folder, max_age_s=86_400)
    target = Path(tempfile.mkdtemp(dir=folder))
    return write_briefing([ex.answer for ex in exchanges], index_version, today or date.today(), target)


def answer_position(message_index: int | Sequence[int]) -> int:
    """Which answer of the conversation a Chatbot message index points at (messages alternate Q, A)."""
    index = message_index if isinstance(message_index, int) else message_index[0]
    return int(index) // 2


def _prune(folder: Path, max_age_s: float) -> None:
    """Remove briefing folders older than ``max_age_s``: a long-running server must not fill the disk."""
    cutoff = time.time() - max_age_s
    for old in folder.iterdir():
        if old.is_dir() and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)


# -------------------------------------------------------------------------------------------- serving


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


def serve(blocks: gr.Blocks, settings: Settings, block: bool = True) -> str:
    """Start serving ``blocks`` on ``settings.host``/``settings.port`` (never shared publicly).

    Args:
        blocks: the page from :func:`build_ui`.
        settings: host, port and credentials.
        block: wait until the server stops (``False`` returns once it is up, for tests).

    Returns:
        The local URL of the page.
    """
    auth = auth_for(settings)
    _app, url, _share = blocks.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        share=False,
        prevent_thread_lock=not block,
        quiet=not block,
        show_error=False,
        css=CSS,
        theme=theme(),
        footer_links=["api", "settings"],
        auth_message="Sign in to ask the reports." if auth else None,
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
    log.info("Serving the chat on http://%s:%s", settings.host, settings.port)
    serve(build_ui(assistant, settings), settings, block=True)


# The device's own fonts (San Francisco on an iPad, Segoe UI on Windows, Liberation Sans on Debian): the
# subsetted web fonts bundled with gradio lack glyphs and mix typefaces within a word, and nothing may be
# fetched from the internet.
FONTS = (
    "-apple-system",
    "BlinkMacSystemFont",
    "Segoe UI",
    "Roboto",
    "Helvetica Neue",
    "Arial",
    "Liberation Sans",
    "sans-serif",
)
MONO_FONTS = ("ui-monospace", "Menlo", "Consolas", "DejaVu Sans Mono", "monospace")


def theme() -> gr.themes.Base:
    """A calm, readable theme using the device's fonts (nothing is fetched from the internet)."""
    return gr.themes.Default(
        primary_hue="teal",
        secondary_hue="slate",
        neutral_hue="slate",
        font=FONTS,
        font_mono=MONO_FONTS,
    ).set(  # the default subdued grey is too faint to read source details comfortably
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_300",
    )


# ------------------------------------------------------------------------------------------------ page


@dataclass
class _Page:
    """The page's components, so that the event wiring can be written in small functions."""

    state: gr.State
    chatbot: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    new: gr.Button
    word: gr.DownloadButton
    markdown: gr.DownloadButton
    filters: list[gr.Dropdown]  # reports, publishers, kinds, from, to (the order of filters_from)
    clear: gr.Button
    comment: gr.Textbox
    up: gr.Button
    down: gr.Button
    answer_json: gr.JSON


def build_ui(assistant: AskService, settings: Settings) -> gr.Blocks:
    """Build the chat page for ``assistant``; every browser gets its own conversation (``gr.State``).

    The answer endpoint is ``/respond`` for gradio_client: ``(question, doc_ids, publishers, kinds,
    date_from, date_to) -> (chat messages, question box, answer JSON)``.

    Example:
        >>> demo = build_ui(Assistant.load(), Settings.load())  # doctest: +SKIP
        >>> serve(demo, Settings.load())                        # doctest: +SKIP
    """
    documents = assistant.documents()
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        page = _layout(documents, assistant.index_version)
        _wire_asking(page, assistant)
        _wire_feedback(page, settings, assistant.index_version)
    return demo


def _layout(documents: Sequence[Document], version: str) -> _Page:
    """Lay out the page: the conversation on the left, filters, feedback and the collection beside it."""
    state = gr.State([])
    gr.HTML(
        f'<header class="masthead"><h1>{esc(TITLE)}</h1>'
        f"<p>Answers quote the public reports word for word ({len(documents)} reports, "
        f"{esc(_span(documents))}), with each source. Ask a follow-up, narrow the search, then download "
        "the conversation as a briefing.</p></header>"
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=480):
            chatbot = gr.Chatbot(
                label="Conversation", show_label=False, elem_id="chat", height="64vh", min_height=380,
                layout="panel", autoscroll=False, buttons=[], latex_delimiters=[],
                feedback_options=["Like", "Dislike"], examples=[{"text": q} for q in EXAMPLES],
                placeholder="**Ask about the reports**<br>Pick an example or type your own question.",
            )
            with gr.Row(elem_id="ask-row"):
                question = gr.Textbox(
                    label="Question", show_label=False, placeholder="Type a question and press Enter",
                    lines=1, max_lines=5, scale=5, elem_id="question", autofocus=True, submit_btn=False,
                    container=False,
                )
                send = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="send")
            with gr.Row(elem_id="actions"):
                new = gr.Button("New conversation", elem_id="new-conversation", min_width=160)
                word = gr.DownloadButton(
                    "Briefing (Word)", interactive=False, elem_id="briefing-docx", min_width=160
                )
                markdown = gr.DownloadButton(
                    "Briefing (Markdown)", interactive=False, elem_id="briefing-md", min_width=160
                )
        with gr.Column(scale=1, min_width=260, elem_id="side"):
            with gr.Accordion("Narrow the search", open=True, elem_id="filters"):
                filters = _filter_controls(documents)
                clear = gr.Button("Clear filters", size="sm")
            with gr.Accordion("Was the latest answer useful?", open=True, elem_id="feedback"):
                comment = gr.Textbox(
                    label="Comment (optional)", placeholder="What was right or wrong with it?", lines=2,
                    max_lines=4, elem_id="feedback-comment",
                )
                with gr.Row():
                    up = gr.Button("Helpful", min_width=100, size="sm", elem_id="thumbs-up")
                    down = gr.Button("Not helpful", min_width=100, size="sm", elem_id="thumbs-down")
            with gr.Accordion(f"The collection ({len(documents)} reports)", open=False, elem_id="collection"):
                gr.HTML(collection_html(documents))
                gr.Markdown(f"Index version `{version}`")
    answer_json = gr.JSON(visible=False, label="Answer")
    return _Page(
        state, chatbot, question, send, new, word, markdown, filters, clear, comment, up, down, answer_json
    )


def _filter_controls(documents: Sequence[Document]) -> list[gr.Dropdown]:
    """Reports, publishers, kinds (multi-select) and a year range, in the order of ``filters_from``."""
    reports = gr.Dropdown(
        [(document_label(d), d.doc_id) for d in documents], value=[], multiselect=True, label="Reports",
        elem_id="filter-docs",
    )
    publishers = gr.Dropdown(
        sorted({d.publisher for d in documents}), value=[], multiselect=True, label="Publisher",
        elem_id="filter-publishers",
    )
    kinds = gr.Dropdown(
        sorted({d.kind for d in documents}), value=[], multiselect=True, label="Kind of report",
        elem_id="filter-kinds",
    )
    with gr.Row():
        years = year_choices(documents)
        date_from = gr.Dropdown(years, value="", label="From", min_width=100, elem_id="filter-from")
        date_to = gr.Dropdown(years, value="", label="To", min_width=100, elem_id="filter-to")
    return [reports, publishers, kinds, date_from, date_to]


def _wire_asking(page: _Page, assistant: AskService) -> None:
    """Ask (button, Enter or an example): show it pending, answer it, then refresh the briefing files."""
    version = assistant.index_version
    briefing_dir = tempfile.TemporaryDirectory(prefix="assistant-briefings-")  # removed with the page

    def start(text: str, state: list[Exchange]) -> tuple[list[dict[str, str]], dict[str, Any]]:
        pending = text if text and text.strip() else None
        return chat_messages(state, pending), gr.update(interactive=False, value="Working…")

    def respond(
        question: str,
        state: list[Exchange],
        doc_ids: list[str] | None,
        publishers: list[str] | None,
        kinds: list[str] | None,
        date_from: str | None,
        date_to: str | None,
    ) -> tuple[list[dict[str, str]], list[Exchange], str, Any]:
        try:
            filters = filters_from(doc_ids, publishers, kinds, date_from, date_to)
        except AssistantError as exc:
            gr.Warning(str(exc), title="Check the filters")
            return chat_messages(state), state, question, gr.skip()
        result = answer_turn(assistant, question, state, filters)
        if result.exchange is None:
            gr.Warning(result.error or "The question could not be answered.", title="Not asked")
            return chat_messages(state), state, question, gr.skip()
        new_state = [*state, result.exchange]
        return chat_messages(new_state), new_state, "", result.exchange.answer.to_dict()

    def finish(state: list[Exchange]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        files = briefing_files(state, version, Path(briefing_dir.name))
        md, docx = files if files else (None, None)
        return (
            gr.update(interactive=True, value="Ask"),
            gr.update(value=docx, interactive=files is not None),
            gr.update(value=md, interactive=files is not None),
        )

    def pick_example(evt: gr.SelectData) -> str:
        return str(evt.value.get("text", "")) if isinstance(evt.value, dict) else str(evt.value)

    def new_conversation() -> tuple[list[Any], list[Exchange], str, str, dict[str, Any], dict[str, Any]]:
        off = gr.update(value=None, interactive=False)
        return [], [], "", "", off, off

    def clear_filters() -> tuple[list[str], list[str], list[str], str, str]:
        return [], [], [], "", ""

    p = page
    pending: dict[str, Any] = {
        "fn": start, "inputs": [p.question, p.state], "outputs": [p.chatbot, p.send],
        "api_visibility": "private", "show_progress": "hidden",
    }

    def chain(first: Any, public: bool) -> None:
        first.then(
            respond, [p.question, p.state, *p.filters], [p.chatbot, p.state, p.question, p.answer_json],
            show_progress="minimal", api_name="respond" if public else None,
            api_visibility="public" if public else "private",
        ).then(
            finish, [p.state], [p.send, p.word, p.markdown], api_visibility="private", show_progress="hidden"
        ).then(None, js=SCROLL_TO_LATEST)

    chain(p.send.click(**pending), public=True)  # the /respond endpoint of gradio_client
    chain(p.question.submit(**pending), public=False)
    example = p.chatbot.example_select(pick_example, None, p.question, api_visibility="private")
    chain(example.then(**pending), public=False)
    p.new.click(
        new_conversation, None, [p.chatbot, p.state, p.question, p.comment, p.word, p.markdown],
        api_visibility="private",
    )
    p.clear.click(clear_filters, None, p.filters, api_visibility="private")


def _wire_feedback(page: _Page, settings: Settings, version: str) -> None:
    """Thumbs on each answer (the Chatbot's like event) and buttons for the latest, with the comment."""

    def feedback(state: list[Exchange], note: str, position: int, rating: str) -> str:
        ok, message = rate(settings, version, state, position, rating, note)
        if ok:
            gr.Info(message, title="Feedback")
            return ""
        gr.Warning(message, title="Feedback")
        return note

    def like(state: list[Exchange], note: str, data: gr.LikeData) -> str:
        if data.liked not in (True, False):
            return note  # a thumb taken back: nothing to record
        position = answer_position(data.index)
        return feedback(state, note, position, "up" if data.liked else "down")

    def thumbs_up(state: list[Exchange], note: str) -> str:
        return feedback(state, note, -1, "up")

    def thumbs_down(state: list[Exchange], note: str) -> str:
        return feedback(state, note, -1, "down")

    inputs, outputs = [page.state, page.comment], [page.comment]
    page.chatbot.like(like, inputs, outputs, api_visibility="private")
    page.up.click(thumbs_up, inputs, outputs, api_visibility="private")
    page.down.click(thumbs_down, inputs, outputs, api_visibility="private")


def _span(documents: Sequence[Document]) -> str:
    dated = sorted(d.date for d in documents if d.date)
    return f"{human_date(dated[0])} to {human_date(dated[-1])}" if dated else "undated"


CSS = """
.gradio-container { max-width: 1280px !important; }
.masthead h1 { font-size: 1.55rem; margin: 0.2rem 0 0.3rem; }
.masthead p { margin: 0 0 0.4rem; color: var(--body-text-color-subdued); max-width: 62rem; }
#chat .user-row .message-content { font-weight: 600; }
#chat .user-row { padding-top: 6px; padding-bottom: 2px; }
#chat .message-content { line-height: 1.55; font-size: 1.06rem; }
#chat .message-content p, #chat .source-title, #chat .source-meta, #chat .sources-title,
#chat .related-title, #chat .abstained-title { display: block; }
#chat a.cite { text-decoration: none; font-weight: 600; font-size: 0.85em; padding: 0 0.2em;
  border-radius: 4px;
  color: var(--color-accent); background: var(--color-accent-soft); white-space: nowrap; }
#chat a.cite:hover, #chat a.cite:focus { text-decoration: underline; }
#chat .understood, #chat .scope { font-size: 0.92em; color: var(--body-text-color-subdued);
  margin: 0 0 0.5em; }
#chat .sources { margin-top: 0.9em; padding-top: 0.6em; border-top: 1px solid var(--border-color-primary); }
#chat .sources-title, #chat .related-title { font-weight: 700; font-size: 0.95em; margin: 0 0 0.4em; }
#chat .related-title span { font-weight: 400; color: var(--body-text-color-subdued); }
#chat ol.source-list, #chat ul.related-list { list-style: none; padding: 0; margin: 0; }
#chat li.source, #chat li.related-item { margin: 0 0 0.7em; padding: 0.55em 0.75em; border-radius: 8px;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
  scroll-margin-top: 12px; overflow-wrap: anywhere; }
#chat li.source:target { outline: 3px solid var(--color-accent); outline-offset: 1px; }
#chat .source-title { font-weight: 600; margin: 0; }
#chat .source-n { color: var(--color-accent); margin-right: 0.2em; }
#chat .source-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 0.15em 0 0.35em; }
#chat blockquote.source-quote { margin: 0.3em 0; padding: 0 0 0 0.7em;
  border-left: 3px solid var(--color-accent);
  font-style: normal; }
#chat mark { background: #fde68a; color: #1f2937; padding: 0 0.1em; border-radius: 2px; }
#chat details.passage summary { cursor: pointer; font-size: 0.88em; color: var(--color-accent); }
#chat details.passage p { font-size: 0.92em; margin: 0.4em 0 0; }
#chat .abstained { border-left: 5px solid #b45309; background: rgba(245, 158, 11, 0.12); border-radius: 6px;
  padding: 0.5em 0.9em; margin-bottom: 0.8em; }
#chat .abstained-title { font-weight: 700; color: #92400e; margin: 0 0 0.2em; }
.dark #chat .abstained-title { color: #fbbf24; }
#chat .related { opacity: 0.95; }
#chat li.related-item { border-style: dashed; }
#chat .working { font-style: italic; color: var(--body-text-color-subdued); }
#chat .working { animation: pulse 1.2s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: 0.45; } }
#chat .related details.passage summary { color: var(--body-text-color); }
table.collection { width: 100%; border-collapse: collapse; font-size: 0.88rem; }
table.collection th, table.collection td { text-align: left; vertical-align: top; padding: 0.35em 0.4em;
  border-bottom: 1px solid var(--border-color-primary); overflow-wrap: anywhere; }
#side { overflow-wrap: anywhere; }
@media (max-width: 820px) {
  .masthead h1 { font-size: 1.3rem; }
  #chat li.source, #chat li.related-item { padding: 0.45em 0.55em; }
}
"""
