"""The chat as a person uses it: Debian's Chromium driven by Playwright against a server this module starts.

Most tests use the fast keyword-embedder assistant (the page logic is the same); one uses the real model,
checks the care-leavers answer and saves the README's screenshot to eval/screenshots/chat.png.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Browser, Page, expect

from assistant.settings import Settings
from ui_helpers import CARE_LEAVERS, headless_chromium, running_app, ui_settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "eval" / "screenshots" / "chat.png"
OFSTED_2020_LABEL = "4 December 2020 · Ofsted: Focused visit to West Sussex children's services"
OFSTED_2020_TITLE = "Focused visit to West Sussex children's services"
COUNCIL_2023_TITLE = (
    "Ofsted Inspection of Local Authority Children's Services: "
    "judgement of the County Council's Children's Services"
)
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def server(fake_assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:  # type: ignore[no-untyped-def]
    settings = ui_settings(tmp_path_factory.mktemp("browser"))
    with running_app(fake_assistant, settings) as url:
        yield url, settings


def open_page(browser: Browser, url: str, width: int = 1280, height: int = 900) -> Page:
    """A fresh browser context (its own session) on the chat page, ready to type."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    page.locator("#question textarea").wait_for()
    page.locator("#send").wait_for()  # Gradio renders components one by one: the button can come later
    return page


@pytest.fixture
def page(browser: Browser, server: tuple[str, Settings]) -> Iterator[Page]:
    page = open_page(browser, server[0])
    yield page
    page.context.close()


ANSWER_WAIT_MS = 60_000


def ask(page: Page, question: str, press_enter: bool = True) -> None:
    """Type a question, send it, and wait for its answer (the n-th answer for the n-th question)."""
    answers = page.locator("#chat .bot-row").count()
    page.locator("#question textarea").fill(question)
    if press_enter:
        page.locator("#question textarea").press("Enter")
    else:
        page.locator("#send").click()
    # Waits, not timings: the first answer on the real model may take seconds on a busy machine.
    expect(page.locator("#chat .bot-row")).to_have_count(answers + 1, timeout=ANSWER_WAIT_MS)
    expect(page.locator("#chat .working")).to_have_count(0, timeout=ANSWER_WAIT_MS)
    expect(page.locator("#send")).to_be_enabled(timeout=ANSWER_WAIT_MS)


def latest(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#chat .bot-row").last


def test_ask_shows_answer_sources_and_markers_lead_to_them(page: Page) -> None:
    # Record whether the send button is ever disabled while the answer is prepared.
    page.evaluate(
        """() => { window.sendWasDisabled = false; const b = document.querySelector('#send');
        new MutationObserver(() => { if (b.disabled) window.sendWasDisabled = true; })
          .observe(b, {attributes: true}); }"""
    )
    expect(page.get_by_text("What did Ofsted say about care leavers over 21?")).to_be_visible()  # an example
    ask(page, CARE_LEAVERS)
    assert page.evaluate("window.sendWasDisabled") is True
    answer = latest(page)
    expect(answer.locator("li.source").first).to_be_visible()
    expect(answer.locator("li.source mark").first).to_contain_text("aged 21 and over")
    expect(answer.locator("li.source .source-meta").first).to_contain_text("11 May 2023 · paragraph")
    passage = answer.locator("li.source details").first
    expect(passage.locator("p")).to_be_hidden()
    passage.locator("summary").click()
    expect(passage.locator("p mark")).to_be_visible()
    # Clicking a marker brings its source into view.
    answer.locator("a.cite").first.click()
    target = answer.locator("li.source").first
    assert target.get_attribute("id") == "src-1-1"
    expect(target).to_be_in_viewport()
    assert page.evaluate("location.hash") == "#src-1-1"


def test_example_question_is_asked_on_click(page: Page) -> None:
    page.get_by_text("What did the Commissioner recommend about a children's trust?").click()
    expect(page.locator("#chat .bot-row")).to_have_count(1)
    expect(latest(page).locator("li.source").first).to_be_visible()
    expect(page.locator("#chat .user-row").first).to_contain_text("children's trust")


def test_followup_shows_the_standalone_question(page: Page) -> None:
    ask(page, CARE_LEAVERS)
    ask(page, "And for children in care?", press_enter=False)
    expect(latest(page).locator(".understood")).to_contain_text("What did Ofsted say about children in care?")
    # The second answer's sources have their own ids.
    expect(latest(page).locator("li.source").first).to_have_attribute("id", "src-2-1")


def test_document_filter_limits_the_sources(page: Page) -> None:
    page.locator("#filter-docs input").click()
    page.get_by_role("option", name=OFSTED_2020_LABEL).click()
    page.locator(".masthead").click()  # close the list
    ask(page, "What did Ofsted say about care leavers?")
    answer = latest(page)
    expect(answer.locator(".scope")).to_contain_text(f"Searched only: {OFSTED_2020_TITLE}")
    titles = answer.locator("li.source .source-title").all_inner_texts()
    assert titles and all(OFSTED_2020_TITLE in t for t in titles)


def test_abstention_looks_different_and_offers_related_passages(page: Page) -> None:
    ask(page, "What is Surrey's budget for 2025?")
    answer = latest(page)
    expect(answer.locator(".abstained")).to_contain_text("The reports don't cover this")
    expect(answer.locator(".related")).to_contain_text("Possibly related passages")
    expect(answer.locator("li.source")).to_have_count(0)
    expect(answer.locator("a.cite")).to_have_count(0)


def test_briefing_downloads_as_markdown_and_word(page: Page, fake_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("#briefing-md")).to_be_disabled()
    ask(page, CARE_LEAVERS)
    quote = latest(page).locator("li.source blockquote mark").first.inner_text()
    version = fake_assistant.index_version
    with page.expect_download() as md_download:
        page.locator("#briefing-md").click()
    md = Path(md_download.value.path()).read_text(encoding="utf-8")
    assert md_download.value.suggested_filename.endswith(".md")
    assert CARE_LEAVERS in md and quote in md and version in md
    with page.expect_download() as word_download:
        page.locator("#briefing-docx").click()
    saved = tmp_path / word_download.value.suggested_filename
    word_download.value.save_as(saved)
    document = docx.Document(str(saved))
    body = "\n".join(p.text for p in document.paragraphs)
    assert CARE_LEAVERS in body and quote in body
    assert version in document.sections[0].footer.paragraphs[0].text


def _log_entries(settings: Settings) -> list[dict]:  # type: ignore[type-arg]
    if not settings.feedback_log.exists():
        return []
    return [json.loads(line) for line in settings.feedback_log.read_text(encoding="utf-8").splitlines()]


def test_feedback_with_a_comment_reaches_the_log(page: Page, server: tuple[str, Settings]) -> None:
    settings = server[1]
    before = len(_log_entries(settings))
    ask(page, CARE_LEAVERS)
    page.locator("#feedback-comment textarea").fill("Clear, and the quote is the right one.")
    page.locator("#thumbs-down").click()
    expect(page.locator("#feedback-comment textarea")).to_have_value("")
    expect(page.get_by_text("your feedback was recorded").first).to_be_visible()
    # The thumbs on the answer itself work too.
    latest(page).get_by_role("button", name="Like", exact=True).click()
    for _ in range(100):  # the log is on the server: wait for the second line
        if len(_log_entries(settings)) >= before + 2:
            break
        page.wait_for_timeout(100)
    entries = _log_entries(settings)[before:]
    assert [(e["rating"], e["comment"]) for e in entries] == [
        ("down", "Clear, and the quote is the right one."), ("up", ""),
    ]
    assert entries[0]["question"] == CARE_LEAVERS and entries[0]["citations"]


def test_empty_question_shows_a_message_and_the_page_still_works(page: Page) -> None:
    page.locator("#send").click()
    expect(page.get_by_text("The question is empty").first).to_be_visible()
    expect(page.locator("#chat .bot-row")).to_have_count(0)
    page.locator("#question textarea").fill("Why? " * 401)
    page.locator("#send").click()
    expect(page.get_by_text("the limit is 2,000").first).to_be_visible()
    expect(page.locator("#question textarea")).not_to_have_value("")  # kept, to be shortened
    ask(page, CARE_LEAVERS)
    expect(latest(page).locator("li.source").first).to_be_visible()


def test_new_conversation_starts_afresh(page: Page) -> None:
    ask(page, CARE_LEAVERS)
    page.locator("#new-conversation").click()
    expect(page.locator("#chat .bot-row")).to_have_count(0)
    expect(page.locator("#briefing-md")).to_be_disabled()
    ask(page, "And for children in care?")
    expect(latest(page).locator(".understood")).to_have_count(0)  # no history to follow on from


def test_two_browsers_never_see_each_others_conversation(browser: Browser, server: tuple[str, Settings]
                                                         ) -> None:
    first, second = open_page(browser, server[0]), open_page(browser, server[0])
    try:
        ask(first, CARE_LEAVERS)
        expect(second.locator("#chat .bot-row")).to_have_count(0)
        second.reload()
        second.locator("#question textarea").wait_for()
        expect(second.locator("#chat .bot-row")).to_have_count(0)
    finally:
        first.context.close()
        second.context.close()


def test_tablet_width_has_no_horizontal_overflow(browser: Browser, server: tuple[str, Settings]) -> None:
    page = open_page(browser, server[0], width=768, height=1024)
    try:
        ask(page, CARE_LEAVERS)
        latest(page).locator("li.source details summary").first.click()
        page.locator("#collection").get_by_text("The collection").click()
        expect(page.locator("table.collection")).to_be_visible()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px window"
        expect(page.locator("#send")).to_be_in_viewport()
    finally:
        page.context.close()


@pytest.mark.slow
def test_real_model_answers_care_leavers_and_screenshot(  # type: ignore[no-untyped-def]
    browser: Browser, real_assistant, tmp_path: Path
) -> None:
    settings = ui_settings(tmp_path)
    with running_app(real_assistant, settings) as url:
        page = open_page(browser, url, width=1280, height=900)
        try:
            ask(page, CARE_LEAVERS)
            sources = latest(page).locator("li.source")
            expect(sources.first).to_be_visible()
            council = sources.filter(has_text=COUNCIL_2023_TITLE).filter(has_text="11 May 2023")
            quote = council.locator("blockquote mark").filter(has_text="aged 21 and over")
            expect(quote.first).to_be_visible()
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.wait_for_timeout(300)  # let the scroll to the new answer settle
            page.screenshot(path=str(SCREENSHOT))
        finally:
            page.context.close()
    assert SCREENSHOT.stat().st_size > 20_000
