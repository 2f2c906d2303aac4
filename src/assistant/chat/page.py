"""The Gradio page: layout and event wiring of the chat, with per-browser ``gr.State``.

``build_ui`` lays out the conversation, the filters (:mod:`assistant.chat.filters`), the feedback buttons and
the collection panel (:mod:`assistant.chat.collection`), and wires them to the turns of
:mod:`assistant.chat.turns`, showing what :mod:`assistant.chat.render` renders. Every browser gets its own
conversation. The theme and CSS are :mod:`assistant.chat.style`'s; serving it (host, port, credentials) is
:mod:`assistant.chat.serving`.
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

from assistant.chat.collection import CollectionPanel, collection_panel, wire_collection  # noqa: E402
from assistant.chat.filters import FilterControls, filter_controls, wire_filters  # noqa: E402
from assistant.chat.pages import PageViewer  # noqa: E402
from assistant.chat.render import Exchange, chat_messages, esc, page_title  # noqa: E402
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
    clear: gr.Button
    comment: gr.Textbox
    up: gr.Button
    down: gr.Button
    answer_json: gr.JSON
    api: gr.Button  # never shown: carries the API's /respond
    controls: FilterControls
    collection: CollectionPanel

    @property
    def filters(self) -> list[gr.Dropdown]:
        """reports, publishers, kinds, from, to, areas: the order of ``filters_from`` and of ``/respond``."""
        return self.controls.inputs


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
        wire_filters(page.controls, documents)
        wire_collection(page.collection, documents, skipped, page.filters)
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
    """Lay out the page: the conversation on the left, filters and feedback beside it, the collection below."""
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
                controls = filter_controls(documents)
                clear = gr.Button("Clear filters", size="sm", elem_id="clear-filters")
            with gr.Accordion("Was the latest answer useful?", open=True, elem_id="feedback"):
                comment = gr.Textbox(
                    label="Comment (optional)", placeholder="What was right or wrong with it?", lines=2,
                    max_lines=4, elem_id="feedback-comment",
                )
                with gr.Row():
                    up = gr.Button("Helpful", min_width=100, size="sm", elem_id="thumbs-up")
                    down = gr.Button("Not helpful", min_width=100, size="sm", elem_id="thumbs-down")
    collection = collection_panel(documents, skipped, version)
    answer_json = gr.JSON(visible=False, label="Answer")
    api = gr.Button(visible=False, elem_id="api-respond")
    return _Page(
        state, chatbot, question, send, new, word, markdown, clear, comment, up, down, answer_json, api, controls,
        collection,
    )


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
