"""The chat page's logic without a browser: rendering, asking, filters, feedback, briefings, serving rules."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.chat.catalogue import year_choices
from assistant.chat.page import build_ui
from assistant.chat.render import (
    NOT_COVERED,
    Exchange,
    answer_message,
    chat_messages,
    collection_html,
    highlight,
    link_markers,
    source_html,
)
from assistant.chat.serving import auth_for, credentials, is_loopback, launch
from assistant.chat.turns import (
    answer_position,
    answer_turn,
    briefing_files,
    filters_from,
    history_of,
    rate,
    scope_note,
)
from assistant.errors import ConfigError, IndexStoreError, InvalidFilterError
from assistant.settings import Settings
from assistant.types import Answer, Filters
from ui_helpers import CARE_LEAVERS

OFSTED_2020 = "2020-12-ofsted-focused-visit-letter"


@pytest.fixture(scope="module")
def care_answer(fake_assistant) -> Answer:  # type: ignore[no-untyped-def]
    return fake_assistant.ask(CARE_LEAVERS)


@pytest.fixture(scope="module")
def abstained(fake_assistant) -> Answer:  # type: ignore[no-untyped-def]
    answer = fake_assistant.ask("What is Surrey's budget for 2025?")
    assert answer.abstained and answer.related
    return answer


# ---------------------------------------------------------------------------------------------- rendering


def test_markers_link_to_this_answers_sources_and_html_is_escaped() -> None:
    out = link_markers("**A** “x <script>alert(1)</script> & y” [1] [2] [9] [link](#x)", 4, [1, 2])
    assert '<a class="cite" href="#src-4-1" title="Go to source 1">[1]</a>' in out
    assert 'href="#src-4-2"' in out
    assert "[9]" in out and "src-4-9" not in out  # not a citation: left as typed
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; y" in out
    assert "**A**" in out  # Markdown stays Markdown


def test_highlight_marks_the_quote_inside_its_passage() -> None:
    passage = "First line.\nThe <quoted> sentence\there. Last."
    assert highlight(passage, "The <quoted> sentence\there.") == (
        "First line.<br><mark>The &lt;quoted&gt; sentence\there.</mark> Last."
    )
    # Whitespace may differ between the quote and the passage.
    loose = highlight(passage, "The <quoted>  sentence here.")
    assert "<mark>The &lt;quoted&gt; sentence\there.</mark>" in loose
    assert "<mark>" not in highlight(passage, "Not in it.")


def test_source_entry_has_title_facts_marked_quote_and_passage(care_answer: Answer) -> None:
    c = care_answer.citations[0]
    html = source_html(c, 2)
    assert f'id="src-2-{c.n}"' in html
    assert "Ofsted Inspection of Local Authority Children&#x27;s Services" in html
    assert "West Sussex County Council · council report · 11 May 2023 · paragraph 4.2" in html
    assert f"<mark>{c.quote}</mark>" in html
    assert "<details" in html and "Show the whole passage" in html


def test_answer_message_links_every_marker_to_a_source_entry(care_answer: Answer) -> None:
    message = answer_message(care_answer, 1)
    hrefs = re.findall(r'href="#(src-1-\d+)"', message)
    ids = re.findall(r'<li class="source" id="(src-1-\d+)"', message)
    assert hrefs and sorted(set(hrefs)) == sorted(ids) == [f"src-1-{c.n}" for c in care_answer.citations]
    assert "Understood as" not in message  # typed as it stands alone
    assert "\n\n<div" in message and "</div>\n\n" not in message.split('<div class="sources">')[1]


def test_followup_shows_the_question_it_was_understood_as(care_answer: Answer) -> None:
    followup = replace(care_answer, question="And for children in care?",
                       standalone_question="What did Ofsted say about children in care?")
    shown = answer_message(followup, 2)
    assert "Understood as: <em>What did Ofsted say about children in care?</em>" in shown


def test_abstention_is_a_notice_with_related_passages_not_citations(abstained: Answer) -> None:
    message = answer_message(abstained, 3)
    assert 'class="abstained"' in message and NOT_COVERED in message
    assert "Possibly related passages" in message and "not an answer" in message
    assert message.count('class="related-item"') == len(abstained.related)
    assert "src-3-" not in message and 'class="source"' not in message and "Sources" not in message


def test_chat_messages_alternate_and_show_a_pending_question(care_answer: Answer) -> None:
    messages = chat_messages([Exchange(care_answer)], pending="Next <b>?</b>")
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[2]["content"] == "Next &lt;b&gt;?&lt;/b&gt;"
    assert "Looking through the reports" in messages[3]["content"]


def test_collection_table_and_year_choices(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    documents = fake_assistant.documents()
    table = collection_html(documents)
    assert table.count("<tr>") == len(documents) + 1
    assert "4 December 2020" in table and "Local press" in table
    assert year_choices(documents) == [("Any year", ""), *[(str(y), str(y)) for y in range(2019, 2024)]]


# -------------------------------------------------------------------------------------------------- turns


def test_filters_from_controls() -> None:
    assert filters_from(None, [], [], "", None) == Filters()
    f = filters_from([OFSTED_2020], ["Ofsted"], ["inspection letter"], "2019", "2021")
    assert f.doc_ids == (OFSTED_2020,) and f.date_from == "2019" and f.date_to == "2021"
    with pytest.raises(InvalidFilterError, match="from 2023 to 2019"):
        filters_from([], [], [], "2023", "2019")


def test_scope_note_names_the_reports_searched(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    documents = fake_assistant.documents()
    assert scope_note(documents, Filters()) == ""
    assert scope_note(documents, Filters(doc_ids=(OFSTED_2020,))).startswith(
        "Searched only: Focused visit to West Sussex children's services (Ofsted, 4 December 2020)"
    )
    assert scope_note(documents, Filters(date_from="2022")) == "Searched 3 of 5 reports, as filtered."
    with pytest.raises(InvalidFilterError, match="No report matches"):
        scope_note(documents, Filters(publishers=("Ofsted",), kinds=("news article",)))


def test_answer_turn_asks_with_history_and_filters(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    first = answer_turn(fake_assistant, CARE_LEAVERS, [], Filters())
    assert first.error is None and first.exchange is not None
    follow = answer_turn(fake_assistant, "And for children in care?", [first.exchange], Filters())
    assert follow.exchange is not None
    assert follow.exchange.answer.standalone_question == "What did Ofsted say about children in care?"
    assert history_of([first.exchange])[0].content == CARE_LEAVERS
    only = answer_turn(fake_assistant, "What did Ofsted say about care leavers?", [],
                       Filters(doc_ids=(OFSTED_2020,)))
    assert only.exchange is not None and only.exchange.scope.startswith("Searched only")
    assert {c.doc_id for c in only.exchange.answer.citations} == {OFSTED_2020}


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "The question is empty"), ("   ", "The question is empty"), ("x" * 2001, "the limit is 2,000")],
)
def test_bad_questions_become_messages(fake_assistant, question: str, message: str) -> None:  # type: ignore[no-untyped-def]
    result = answer_turn(fake_assistant, question, [], Filters())
    assert result.exchange is None and result.error is not None and message in result.error


class _Broken:
    """An assistant whose index has gone: the page must say so and stay up."""

    def __init__(self, inner, error: Exception) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.error = inner, error
        self.index_version = inner.index_version

    def documents(self):  # type: ignore[no-untyped-def]
        return self.inner.documents()

    def ask(self, question, history=None, filters=None):  # type: ignore[no-untyped-def]
        raise self.error


def test_index_problems_and_surprises_become_messages(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    missing = "The index at /x is missing. Run `assistant index`."
    gone = answer_turn(_Broken(fake_assistant, IndexStoreError(missing)), "Q?", [], Filters())
    assert gone.error == missing
    odd = answer_turn(_Broken(fake_assistant, RuntimeError("boom")), "Q?", [], Filters())
    assert "Something went wrong while answering (RuntimeError)" in (odd.error or "")


def test_rate_appends_a_line_for_the_chosen_answer(care_answer: Answer, settings: Settings) -> None:
    second = replace(care_answer, question="Second question?")
    ok, message = rate(settings, "v9", [Exchange(care_answer), Exchange(second)], 0, "down", "Too short")
    assert ok and "recorded" in message
    ok, _ = rate(settings, "v9", [Exchange(care_answer), Exchange(second)], -1, "up", "")
    entries = [json.loads(line) for line in settings.feedback_log.read_text(encoding="utf-8").splitlines()]
    assert [(e["question"], e["rating"], e["comment"]) for e in entries] == [
        (CARE_LEAVERS, "down", "Too short"), ("Second question?", "up", ""),
    ]
    assert entries[0]["index_version"] == "v9"
    assert rate(settings, "v9", [], -1, "up", "")[0] is False
    assert rate(settings, "v9", [Exchange(care_answer)], 5, "up", "")[0] is False


def test_thumbs_on_a_message_rate_its_answer() -> None:
    assert [answer_position(i) for i in (1, 3, 5)] == [0, 1, 2]
    assert answer_position([3, 0]) == 1


def test_briefing_files_only_once_there_is_an_answer(care_answer: Answer, tmp_path: Path) -> None:
    assert briefing_files([], "v1", tmp_path) is None
    files = briefing_files([Exchange(care_answer)], "v1", tmp_path)
    assert files is not None
    md, word = files
    assert CARE_LEAVERS in md.read_text(encoding="utf-8") and word.stat().st_size > 0


# ------------------------------------------------------------------------------------------------ serving


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("192.168.1.20", False), ("example.org", False), ("::", False)],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_credentials_from_setting_and_file(tmp_path: Path) -> None:
    auth_file = tmp_path / "users"
    auth_file.write_text("# officers\nana:s3cret:with:colons\n\nbob:pw\n", encoding="utf-8")
    s = Settings.load(environ={}, auth="lead:pw0", auth_file=str(auth_file))
    assert credentials(s) == [("lead", "pw0"), ("ana", "s3cret:with:colons"), ("bob", "pw")]
    auth_file.write_text("nopassword\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1 of .*user:password"):
        credentials(s)
    with pytest.raises(ConfigError, match="Cannot read the auth file"):
        credentials(Settings.load(environ={}, auth_file=str(tmp_path / "missing")))


def test_open_host_needs_credentials() -> None:
    assert auth_for(Settings.load(environ={})) is None
    assert auth_for(Settings.load(environ={}, auth="a:b")) == [("a", "b")]
    assert auth_for(Settings.load(environ={}, host="0.0.0.0", auth="a:b")) == [("a", "b")]
    with pytest.raises(ConfigError) as caught:
        auth_for(Settings.load(environ={}, host="0.0.0.0"))
    assert "ASSISTANT_AUTH=" in str(caught.value) and "ASSISTANT_AUTH_FILE=" in str(caught.value)


def test_launch_refuses_an_open_host_before_loading_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.pipeline

    def no_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the assistant must not load before credentials are checked")

    monkeypatch.setattr(assistant.pipeline.Assistant, "load", no_load)
    with pytest.raises(ConfigError, match="needs a password"):
        launch(Settings.load(environ={}, host="0.0.0.0"))


def test_build_ui_exposes_one_public_respond_endpoint(fake_assistant, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    demo = build_ui(fake_assistant, settings)
    public = [d for d in demo.fns.values() if d.api_visibility == "public"]
    assert [d.api_name for d in public] == ["respond"]


def test_old_briefing_folders_are_pruned(care_answer: Answer, tmp_path: Path) -> None:
    stale = tmp_path / "old"
    stale.mkdir()
    os.utime(stale, (0, 0))
    fresh = briefing_files([Exchange(care_answer)], "v1", tmp_path)
    assert fresh is not None and fresh[0].exists()
    assert not stale.exists()


def test_the_page_title_names_the_collections_own_areas() -> None:
    from assistant.chat.render import page_title
    from assistant.types import Document

    def doc(area: str | None) -> Document:
        return Document("d", "T", "P", "k", None, "d.txt", "", "", area=area)

    assert page_title([doc("West Sussex"), doc("West Sussex")]) == "West Sussex children's services: ask the reports"
    assert page_title([doc("Kent"), doc("Barnet"), doc("Surrey")]) == "Children's services in 3 areas: ask the reports"
    assert page_title([doc(None)]) == "Children's services: ask the reports"
