"""The Gradio page: layout, event wiring, theme and CSS of the chat, with per-browser ``gr.State``.

``build_ui`` lays out the conversation, the filters, the feedback buttons and the collection, and wires them
to the turns of :mod:`assistant.chat.turns`, showing what :mod:`assistant.chat.render` renders. Every
browser gets its own conversation. Serving it (host, port, credentials) is :mod:`assistant.chat.serving`.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no telemetry, ever

import gradio as gr  # noqa: E402

from assistant.chat.pages import PageViewer  # noqa: E402
from assistant.chat.render import (  # noqa: E402
    Exchange,
    chat_messages,
    collection_html,
    document_label,
    esc,
    page_title,
    year_choices,
)
from assistant.chat.turns import AskService, answer_position, answer_turn, briefing_files, filters_from, rate  # noqa: E402
from assistant.cleaning import clean_text  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.text import human_date  # noqa: E402
from assistant.types import Document  # noqa: E402

log = logging.getLogger(__name__)

EXAMPLES = (
    "What did Ofsted say about care leavers over 21?",
    "How did the judgement change between 2019 and 2023?",
    "What did the Commissioner recommend about a children's trust?",
)
# After an answer, show the chat from the latest question down (not scrolled to the end of its sources).
SCROLL_TO_LATEST = """() => { setTimeout(() => {
  const wrap = document.querySelector('#chat .panel-wrap');
  const rows = document.querySelectorAll('#chat .message-row.user-row');
  const last = rows[rows.length - 1];
  if (wrap && last) {
    wrap.scrollTop += last.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 8;
  }
}, 80); }"""


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
    filters: list[gr.Dropdown]  # reports, publishers, kinds, from, to, areas (the order of filters_from)
    clear: gr.Button
    comment: gr.Textbox
    up: gr.Button
    down: gr.Button
    answer_json: gr.JSON
    api: gr.Button  # never shown: carries the API's /respond


def build_ui(assistant: AskService, settings: Settings) -> gr.Blocks:
    """Build the chat page for ``assistant``; every browser gets its own conversation (``gr.State``).

    The answer endpoint is ``/respond`` for gradio_client: ``(question, doc_ids, publishers, kinds,
    date_from, date_to, areas) -> (chat messages, question box, answer JSON)``; ``areas`` may be left out.

    Example:
        >>> demo = build_ui(Assistant.load(), Settings.load())  # doctest: +SKIP
        >>> serve(demo, Settings.load())                        # doctest: +SKIP
    """
    documents = assistant.documents()
    viewer = None
    if any(d.format == "pdf" for d in documents):
        viewer = PageViewer(settings.corpus_dir, {d.doc_id: d for d in documents})
    skipped = assistant.skipped() if hasattr(assistant, "skipped") else []
    # Gradio's copies of briefings (its cache) are deleted after an hour, and all of them when the server stops.
    with gr.Blocks(title=page_title(documents), analytics_enabled=False, delete_cache=(600, 3600)) as demo:
        page = _layout(documents, assistant.index_version, skipped)
        _wire_asking(page, assistant, demo, viewer)
        _wire_feedback(page, settings, assistant.index_version)
    # Several members ask at once: up to ``workers`` events of each kind run side by side (Gradio's default is
    # one at a time). Answering is thread-safe (Assistant.ask reads only; the embedder guards its tokenizer).
    demo.queue(default_concurrency_limit=workers(settings))
    if viewer is not None:
        SERVED_PATHS[demo] = viewer.allowed_paths
        atexit.register(viewer.close)  # the rendered pages go with the process
    return demo


SERVED_PATHS: weakref.WeakKeyDictionary[gr.Blocks, list[str]] = weakref.WeakKeyDictionary()
"""Folders a page needs served besides Gradio's own (the rendered PDF pages and the original files)."""


def workers(settings: Settings) -> int:
    """How many answers the chat computes at once: ``settings.workers``, or one per core when it is 0."""
    return settings.workers or os.cpu_count() or 1


def _layout(documents: Sequence[Document], version: str, skipped: Sequence[tuple[str, str]] = ()) -> _Page:
    """Lay out the page: the conversation on the left, filters, feedback and the collection beside it."""
    state = gr.State([])
    gr.HTML(
        f'<header class="masthead"><h1>{esc(page_title(documents))}</h1>'
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
                gr.HTML(collection_html(documents, skipped))
                gr.Markdown(f"Index version `{version}`")
    answer_json = gr.JSON(visible=False, label="Answer")
    api = gr.Button(visible=False, elem_id="api-respond")
    return _Page(
        state, chatbot, question, send, new, word, markdown, filters, clear, comment, up, down, answer_json, api
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
    area_names = sorted({d.area for d in documents if d.area})
    areas = gr.Dropdown(
        area_names, value=[], multiselect=True, label="Council or area", elem_id="filter-areas",
        visible=bool(area_names),
    )
    return [reports, publishers, kinds, date_from, date_to, areas]


def _wire_asking(page: _Page, assistant: AskService, demo: gr.Blocks, viewer: PageViewer | None = None) -> None:
    """Ask (button, Enter or an example): show it pending, answer it, then refresh the briefing files.

    Bad input raises ``gr.Error``, so an API caller gets the message too (not only a toast); the step after
    answering always runs, puts the conversation back as it is, re-enables Ask and never leaves a stale
    briefing behind, whatever failed. With a ``viewer``, PDF citations get their page rendered.
    """
    version = assistant.index_version
    # Each browser session writes its briefings into its own folder, removed when the session ends (the tab
    # closes) and, with the whole folder, when the server stops.
    briefing_dir = tempfile.TemporaryDirectory(prefix="assistant-briefings-")

    def start(text: str, state: list[Exchange]) -> tuple[list[dict[str, str]], dict[str, Any]]:
        pending = clean_text(text) if text and text.strip() else None
        return chat_messages(state, pending), gr.update(interactive=False, value="Working…")

    def respond(
        question: str,
        state: list[Exchange],
        doc_ids: list[str] | None,
        publishers: list[str] | None,
        kinds: list[str] | None,
        date_from: str | None,
        date_to: str | None,
        areas: list[str] | None = None,
    ) -> tuple[list[dict[str, str]], list[Exchange], str, Any]:
        """The API's /respond: bad input is a ``gr.Error``, whose message reaches the caller."""
        try:
            filters = filters_from(doc_ids, publishers, kinds, date_from, date_to, areas)
        except AssistantError as exc:
            raise gr.Error(str(exc), title="Check the filters", print_exception=False) from None
        result = answer_turn(assistant, question, state, filters, viewer)
        if result.exchange is None:
            raise gr.Error(result.error or "The question could not be answered.", title="Not asked",
                           print_exception=False)
        new_state = [*state, result.exchange]
        return chat_messages(new_state), new_state, "", result.exchange.answer.to_dict()

    def respond_on_page(
        question: str,
        state: list[Exchange],
        doc_ids: list[str] | None,
        publishers: list[str] | None,
        kinds: list[str] | None,
        date_from: str | None,
        date_to: str | None,
        areas: list[str] | None = None,
    ) -> tuple[list[dict[str, str]], list[Exchange], str, Any]:
        """The page's: bad input is a warning beside the chat (an error would stop the steps after it)."""
        try:
            return respond(question, state, doc_ids, publishers, kinds, date_from, date_to, areas)
        except gr.Error as exc:
            gr.Warning(exc.message, title=exc.title)
            return chat_messages(state), state, question, gr.skip()

    def finish(
        state: list[Exchange], shown: list[Any] | None, request: gr.Request
    ) -> tuple[Any, dict[str, Any], dict[str, Any], dict[str, Any]]:
        # After a refused question the chat still shows it as pending: show the conversation as it is.
        chat = gr.skip() if len(shown or []) == 2 * len(state) else chat_messages(state)
        try:
            files = briefing_files(state, version, session_folder(Path(briefing_dir.name), request.session_hash))
        except Exception:  # the chat must stay usable, and never offer a briefing of an earlier conversation
            log.exception("Writing the briefing failed")
            gr.Warning("The briefing could not be written for this conversation; the chat still works.",
                       title="Briefing")
            files = None
        md, docx = files if files else (None, None)
        return (
            chat,
            gr.update(interactive=True, value="Ask"),
            gr.update(value=docx, interactive=files is not None),
            gr.update(value=md, interactive=files is not None),
        )

    def forget(request: gr.Request) -> None:
        shutil.rmtree(session_folder(Path(briefing_dir.name), request.session_hash), ignore_errors=True)

    demo.unload(forget)

    def pick_example(evt: gr.SelectData) -> str:
        return str(evt.value.get("text", "")) if isinstance(evt.value, dict) else str(evt.value)

    def new_conversation() -> tuple[list[Any], list[Exchange], str, str, dict[str, Any], dict[str, Any]]:
        off = gr.update(value=None, interactive=False)
        return [], [], "", "", off, off

    def clear_filters() -> tuple[list[str], list[str], list[str], str, str, list[str]]:
        return [], [], [], "", "", []

    p = page
    pending: dict[str, Any] = {
        "fn": start, "inputs": [p.question, p.state], "outputs": [p.chatbot, p.send],
        "api_visibility": "private", "show_progress": "hidden",
    }

    def chain(first: Any) -> None:
        first.then(
            respond_on_page, [p.question, p.state, *p.filters], [p.chatbot, p.state, p.question, p.answer_json],
            show_progress="minimal", api_visibility="private",
        ).then(
            finish, [p.state, p.chatbot], [p.chatbot, p.send, p.word, p.markdown], api_visibility="private",
            show_progress="hidden",
        ).then(None, js=SCROLL_TO_LATEST)

    chain(p.send.click(**pending))
    chain(p.question.submit(**pending))
    example = p.chatbot.example_select(pick_example, None, p.question, api_visibility="private")
    chain(example.then(**pending))
    # The /respond endpoint of gradio_client, on a button never shown: same inputs and outputs as the page's.
    p.api.click(
        respond, [p.question, p.state, *p.filters], [p.chatbot, p.state, p.question, p.answer_json],
        api_name="respond", api_visibility="public",
    )
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


def session_folder(root: Path, session_hash: str | None) -> Path:
    """The folder of one browser session's briefings under ``root`` (named by a hash: the session id comes
    from the browser, so it never becomes a path itself)."""
    return root / hashlib.sha256((session_hash or "anonymous").encode("utf-8", "replace")).hexdigest()[:24]


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
#chat details.page-view summary { cursor: pointer; font-size: 0.88em; color: var(--color-accent); }
#chat details.page-view img.page-image { display: block; width: 100%; max-width: 820px; height: auto;
  max-height: none; object-fit: contain; margin: 0.4em 0; border: 1px solid var(--border-color-primary); }
#chat details.page-view .page-link { font-size: 0.88em; margin: 0.2em 0 0; }
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
