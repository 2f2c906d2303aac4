"""The chat over a national library, in Debian's Chromium: 500 made-up reports from 50 areas and several
years (indexed with the keyword embedder in a temporary folder), browsed, searched and filtered by area."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from library_helpers import area_names, indexed_library
from ui_helpers import headless_chromium, running_app, ui_settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

REPORTS, AREAS = 500, 50
AREA = area_names(AREAS)[13]  # a name of its own (no "Council"), in ten of the reports' titles
QUESTION = "What support do care leavers get from personal advisers?"
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("library")
    assistant = indexed_library(root, REPORTS, AREAS)
    assert len(assistant.documents()) == REPORTS
    with running_app(assistant, ui_settings(root)) as address:
        yield address


def open_page(browser: Browser, url: str, width: int = 1280, height: int = 900) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    page.locator("#question textarea").wait_for()
    page.locator("#send").wait_for()
    return page


def ask(page: Page, question: str) -> None:
    answers = page.locator("#chat .bot-row").count()
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    # Waits, not timings: a busy machine may take seconds over an answer.
    expect(page.locator("#chat .bot-row")).to_have_count(answers + 1, timeout=60_000)
    expect(page.locator("#chat .working")).to_have_count(0, timeout=60_000)
    expect(page.locator("#send")).to_be_enabled(timeout=60_000)


def cited_titles(page: Page) -> list[str]:
    titles = page.locator("#chat .bot-row").last.locator("li.source .source-title")
    expect(titles.first).to_be_visible()
    return titles.all_inner_texts()


def test_searching_the_collection_narrows_the_list_on_a_tablet(browser: Browser, url: str) -> None:
    page = open_page(browser, url, width=768, height=1024)
    try:
        page.locator("#collection").get_by_text("The collection").click()
        rows = page.locator("#collection-list table.collection tbody tr")
        count = page.locator("#collection-count")
        expect(count).to_have_text(f"Showing all {REPORTS} reports.")
        expect(rows).to_have_count(REPORTS)
        search = page.locator("#collection-search textarea, #collection-search input").first
        search.fill(AREA.lower())
        expect(count).to_have_text(f"Showing 10 of {REPORTS} reports, matching “{AREA.lower()}”.")
        expect(rows).to_have_count(10)
        assert set(rows.locator("td[data-label='Area']").all_inner_texts()) == {AREA}
        search.fill("no such report anywhere")
        expect(rows).to_have_count(0)
        expect(count).to_contain_text("No report matching")
        search.fill("")
        expect(rows).to_have_count(REPORTS)
        search.fill(f"ofsted {AREA.lower()}")
        expect(rows).to_have_count(3)
        assert all("Ofsted" in row for row in rows.all_inner_texts())
        # The three listed become the reports a question searches; the list then follows that filter.
        page.locator("#collection-use").click()
        expect(page.locator("#filter-summary")).to_have_text(f"Questions search 3 of {REPORTS} reports.")
        search.fill("")
        expect(count).to_have_text(f"Showing 3 of {REPORTS} reports, within the filters.")
        expect(rows).to_have_count(3)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px window"
    finally:
        page.context.close()


def test_an_area_filter_limits_the_answer_to_that_area(browser: Browser, url: str) -> None:
    page = open_page(browser, url)
    try:
        # Unfiltered, the answer comes from other areas: the filter below is what narrows it.
        ask(page, QUESTION)
        assert any(AREA not in t for t in cited_titles(page))
        page.locator("#filter-areas input").click()
        page.locator("#filter-areas input").fill(AREA[:6])
        page.get_by_role("option", name=AREA, exact=True).click()
        page.locator(".masthead").click()  # close the list
        expect(page.locator("#filter-summary")).to_have_text(f"Questions search 10 of {REPORTS} reports.")
        # The reports list now offers only that area's reports.
        page.locator("#filter-docs input").click()
        expect(page.get_by_role("option")).to_have_count(10)
        assert all(AREA in o for o in page.get_by_role("option").all_inner_texts())
        page.locator(".masthead").click()
        ask(page, QUESTION)
        answer = page.locator("#chat .bot-row").last
        expect(answer.locator(".scope")).to_contain_text(f"Searched 10 of {REPORTS} reports, as filtered.")
        titles = cited_titles(page)
        assert titles and all(t.endswith(f"in {AREA}") for t in titles), titles
        # The collection follows the filters too.
        page.locator("#collection").get_by_text("The collection").click()
        expect(page.locator("#collection-count")).to_have_text(
            f"Showing 10 of {REPORTS} reports, within the filters."
        )
    finally:
        page.context.close()

