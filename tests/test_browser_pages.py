"""The cited page on screen, in Debian's Chromium: a PDF citation's "View page" shows the rendered page with
the quoted lines highlighted, and links to the original file at that page.

The collection is a real Ofsted report from ``../shared/ofsted`` when that folder is present (and the
screenshot for the README is saved from it), else a two-page PDF this test builds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from assistant.index.embedding import KeywordEmbedder
from assistant.pipeline import Assistant
from assistant.settings import Settings
from doc_builders import inspection_pdf
from ui_helpers import CHROMIUM_ARGS, require_chromium, running_app, ui_settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

ROOT = Path(__file__).resolve().parents[1]
REAL_REPORT = ROOT.parent / "shared" / "ofsted" / "reports" / "barnet-2019-07-01.pdf"
SCREENSHOT = ROOT / "eval" / "screenshots" / "page-view.png"
QUESTION = "What support do care leavers receive from their personal advisers?"


@pytest.fixture(scope="module")
def pdf_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    root = tmp_path_factory.mktemp("pages")
    corpus = root / "corpus"
    corpus.mkdir()
    if REAL_REPORT.exists():
        shutil.copy(REAL_REPORT, corpus / REAL_REPORT.name)
    else:
        inspection_pdf(corpus / "testshire-2025.pdf")
    assistant = Assistant.load(index_dir=root / "index", corpus_dir=corpus, settings=Settings.load(environ={}),
                               embedder=KeywordEmbedder())
    settings = Settings.load(environ={}, corpus_dir=corpus, **_server(root))
    with running_app(assistant, settings) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=require_chromium(), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 1500})
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.goto(url)
        page.locator("#question textarea").fill(QUESTION)
        page.locator("#question textarea").press("Enter")
        expect(page.locator("#chat .source").first).to_be_visible()
        yield page
        browser.close()


def _server(root: Path) -> dict[str, object]:
    s = ui_settings(root)
    return {"host": s.host, "port": s.port, "feedback_log": s.feedback_log}


def test_view_page_shows_the_rendered_page_with_the_quote_highlighted(pdf_page: Page) -> None:
    source = pdf_page.locator("#chat .source").first
    meta = source.locator(".source-meta").inner_text()
    assert "p. " in meta, meta
    view = source.locator("details.page-view")
    expect(view.locator("summary")).to_have_text("View page " + meta.split("p. ")[1].split(" ")[0].rstrip("·"))
    image = view.locator("img.page-image")
    expect(image).to_be_hidden()
    view.locator("summary").click()
    expect(image).to_be_visible()
    # The image really loaded (a server-rendered PNG), and it holds the highlight's yellow.
    pdf_page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    yellow = image.evaluate(
        """img => {
            const c = document.createElement('canvas');
            c.width = img.naturalWidth; c.height = img.naturalHeight;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) {
                if (d[i] > 230 && d[i + 1] > 200 && d[i + 1] < 245 && d[i + 2] < 170) n++;
            }
            return n;
        }"""
    )
    assert yellow > 500, f"no highlight on the page image ({yellow} yellow pixels)"
    link = view.locator(".page-link a")
    href = link.get_attribute("href") or ""
    assert "#page=" in href and href.split("#")[0].endswith(".pdf")
    response = pdf_page.request.get(pdf_page.url.rstrip("/") + href.split("#")[0])
    assert response.ok and response.body()[:5] == b"%PDF-"
    if REAL_REPORT.exists():
        source.evaluate("e => e.scrollIntoView({block: 'start'})")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        pdf_page.locator("#chat").screenshot(path=str(SCREENSHOT))
