"""A corpus of PDF, Word and web pages: each read by its loader, bad files skipped with their reason,
page numbers and line boxes carried from the PDF to the passages and the citations."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.index.build import build_index, load_index, stale_reason
from assistant.index.embedding import KeywordEmbedder
from assistant.ingest.corpus import load_corpus
from assistant.ingest.passages import SplitterSettings
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.types import Location
from doc_builders import inspection_pdf, report_docx, report_html


@pytest.fixture
def mixed_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    inspection_pdf(corpus / "testshire-2025.pdf")
    report_docx(corpus / "corporate-parenting.docx")
    report_html(corpus / "scrutiny.html")
    (corpus / "catalog.toml").write_text(
        '["corporate-parenting.docx"]\npublisher = "Testshire Council"\nkind = "council report"\n'
        'date = "2024-06"\narea = "Testshire"\n',
        encoding="utf-8",
    )
    return corpus


def _add_bad_files(corpus: Path) -> None:
    (corpus / "error-page.pdf").write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>", encoding="utf-8")
    good = (corpus / "testshire-2025.pdf").read_bytes()
    (corpus / "truncated.pdf").write_bytes(good[: len(good) // 3])
    inspection_pdf(corpus / "locked.pdf", encrypt="secret")
    (corpus / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)


def test_each_format_loads_with_metadata_read_from_the_document(mixed_corpus: Path) -> None:
    loaded = load_corpus(mixed_corpus)
    docs = {d.filename: d for d in loaded.documents}
    assert set(docs) == {"testshire-2025.pdf", "corporate-parenting.docx", "scrutiny.html"}
    pdf = docs["testshire-2025.pdf"]
    assert (pdf.format, pdf.page_count, pdf.date, pdf.area) == ("pdf", 2, "2025-11-07", "Testshire")
    assert pdf.title == "Inspection of Testshire local authority children's services"
    word = docs["corporate-parenting.docx"]
    assert (word.format, word.page_count, word.area, word.publisher) == ("docx", None, "Testshire", "Testshire Council")
    assert docs["scrutiny.html"].format == "html" and "Cookies" not in docs["scrutiny.html"].text
    # Uncatalogued files load with a warning that says their facts were read from the document.
    assert any("testshire-2025.pdf" in w and "catalog.toml" in w for w in loaded.warnings)


def test_bad_files_are_skipped_each_with_its_reason_and_the_rest_indexed(mixed_corpus: Path) -> None:
    _add_bad_files(mixed_corpus)
    loaded = load_corpus(mixed_corpus)
    assert {d.filename for d in loaded.documents} == {"testshire-2025.pdf", "corporate-parenting.docx", "scrutiny.html"}
    reasons = {s.filename: s.reason for s in loaded.skipped}
    assert set(reasons) == {"error-page.pdf", "truncated.pdf", "locked.pdf", "notes.doc"}
    assert "HTML page" in reasons["error-page.pdf"]
    assert "password" in reasons["locked.pdf"]
    assert "damaged" in reasons["truncated.pdf"] or "incomplete" in reasons["truncated.pdf"]
    assert ".docx" in reasons["notes.doc"]
    for name, reason in reasons.items():
        assert any(w.startswith(f"Skipped {name}: {reason}") for w in loaded.warnings)


def test_a_bad_file_arriving_loses_nothing_and_is_not_news_twice(mixed_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    embedder = KeywordEmbedder()
    first = build_index(mixed_corpus, index_dir, embedder, SplitterSettings())
    _add_bad_files(mixed_corpus)
    reason = stale_reason(index_dir, mixed_corpus, embedder.name, SplitterSettings())
    assert reason is not None and "error-page.pdf" in reason
    second = build_index(mixed_corpus, index_dir, embedder, SplitterSettings())
    assert (second.documents, second.passages) == (first.documents, first.passages)
    assert set(second.skipped) == {"error-page.pdf", "truncated.pdf", "locked.pdf", "notes.doc"}
    # Skipped files are recorded with their hash: unchanged, they do not trigger another build.
    assert stale_reason(index_dir, mixed_corpus, embedder.name, SplitterSettings()) is None


def test_pdf_passages_carry_pages_and_a_paragraph_crossing_the_break(mixed_corpus: Path, tmp_path: Path) -> None:
    build_index(mixed_corpus, tmp_path / "index", KeywordEmbedder(), SplitterSettings())
    index = load_index(tmp_path / "index")
    pdf = [p for p in index.passages if p.doc_id == "testshire-2025"]
    assert all(p.page is not None and 1 <= p.page <= (p.page_end or 0) <= 2 for p in pdf)
    third = next(p for p in pdf if p.paragraph == "3")
    assert (third.page, third.page_end) == (1, 2)
    assert "decision-making" in third.text and "timescales for actions" in third.text
    doc = index.documents["testshire-2025"]
    for p in pdf:
        assert doc.text[p.char_start : p.char_end] == p.text
        assert "Page 1 of 2" not in p.text
    others = [p for p in index.passages if p.doc_id != "testshire-2025"]
    assert others and all(p.page is None and p.page_end is None for p in others)


def test_pdf_answers_cite_pages_and_boxes_with_quotes_found_at_their_span(mixed_corpus: Path, tmp_path: Path) -> None:
    assistant = Assistant.load(index_dir=tmp_path / "index", corpus_dir=mixed_corpus,
                               settings=Settings.load(environ={}), embedder=KeywordEmbedder())
    out = json.loads(json.dumps(assistant.ask("What support do care leavers aged 21 and over receive?").to_dict()))
    assert not out["abstained"]
    cited = [c for c in out["citations"] if c["doc_id"] == "testshire-2025"]
    assert cited, out["answer"]
    texts = {d.doc_id: d.text for d in assistant.index.documents.values()}
    for c in cited:
        assert texts[c["doc_id"]][c["char_start"] : c["char_end"]] == c["quote"]
        assert c["page"] == 1 and c["page_end"] == 1 and c["area"] == "Testshire"
        assert c["boxes"] and all(box[0] == 1 and box[1] < box[3] and box[2] < box[4] for box in c["boxes"])


def test_an_unchanged_pdf_is_not_read_again(
    mixed_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_index(mixed_corpus, index_dir, KeywordEmbedder(), SplitterSettings())
    shutil.copy(mixed_corpus / "testshire-2025.pdf", tmp_path / "keep.pdf")
    import assistant.ingest.loaders.pdf as pdf_module

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("an unchanged PDF was read again")

    monkeypatch.setattr(pdf_module.PdfLoader, "load", fail)
    (mixed_corpus / "new.txt").write_text("A new report about adoption.\n", encoding="utf-8")
    manifest = build_index(mixed_corpus, index_dir, KeywordEmbedder(), SplitterSettings())
    assert manifest.documents == 4


def test_cli_ingest_summarises_what_was_skipped_and_ask_json_gives_pages(
    mixed_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from assistant import cli

    for where in ("assistant.index.embedding.make_embedder", "assistant.pipeline.make_embedder"):
        monkeypatch.setattr(where, lambda *a, **k: KeywordEmbedder())
    _add_bad_files(mixed_corpus)
    index = str(tmp_path / "index")
    result = CliRunner().invoke(cli.main, ["ingest", str(mixed_corpus), "--index", index])
    assert result.exit_code == 0, result.output
    assert "Indexed 3 document(s)" in result.output and "Skipped 4 file(s):" in result.output
    assert "  locked.pdf: it is password-protected" in result.output
    assert "Traceback" not in result.output
    asked = CliRunner().invoke(
        cli.main,
        ["ask", "--json", "--index", index, "--corpus", str(mixed_corpus), "--area", "Testshire",
         "Who visits children regularly?"],
    )
    assert asked.exit_code == 0, asked.output
    assert "Building the index" not in asked.output  # ingest's index serves the question as it is
    out = json.loads(asked.stdout)
    assert {p["area"] for p in out["passages"]} == {"Testshire"}
    assert any(c["page"] for c in out["citations"])


def test_pages_reach_the_briefing_the_collection_and_the_source_entry(mixed_corpus: Path, tmp_path: Path) -> None:
    from assistant.chat.briefing import source_note
    from assistant.chat.pages import PageViewer
    from assistant.chat.render import collection_html, source_html

    _add_bad_files(mixed_corpus)
    assistant = Assistant.load(index_dir=tmp_path / "index", corpus_dir=mixed_corpus,
                               settings=Settings.load(environ={}), embedder=KeywordEmbedder())
    answer = assistant.ask("Who visits children regularly and knows them well?")
    cited = next(c for c in answer.citations if c.page is not None)
    assert f"p. {cited.page}" in source_note(cited)
    viewer = PageViewer(mixed_corpus, assistant.index.documents, tmp_path / "pages")
    view = viewer.view(cited)
    assert view is not None and view.page == cited.page
    image = Path(view.image_url.removeprefix("/gradio_api/file="))
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.parent == (tmp_path / "pages").resolve()
    entry = source_html(cited, 1, view)
    assert f"View page {cited.page}" in entry and f"#page={cited.page}" in entry
    word = replace(cited, doc_id="corporate-parenting", location=Location(None, None, 0, 10))
    assert viewer.view(word) is None  # no pages: no "View page"
    table = collection_html(assistant.documents(), assistant.skipped())
    assert "<th scope=\"col\">Area</th>" in table and "Testshire" in table
    assert "locked.pdf</code>: it is password-protected" in table


def test_texts_read_by_older_loaders_are_read_again(
    mixed_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.index.build as index_module
    import assistant.ingest.loaders.pdf as pdf_module

    index_dir = tmp_path / "index"
    build_index(mixed_corpus, index_dir, KeywordEmbedder(), SplitterSettings())
    import assistant.index.manifest as manifest_module

    for module in (index_module, manifest_module):  # the check reads it in one, the build in the other
        monkeypatch.setattr(module, "EXTRACTION_VERSION", index_module.EXTRACTION_VERSION + 1)
    reason = stale_reason(index_dir, mixed_corpus, KeywordEmbedder().name, SplitterSettings())
    assert reason is not None and "loaders of version" in reason
    reads: list[str] = []
    real_load = pdf_module.PdfLoader.load

    def counting(self, raw: bytes, name: str):  # type: ignore[no-untyped-def]
        reads.append(name)
        return real_load(self, raw, name)

    monkeypatch.setattr(pdf_module.PdfLoader, "load", counting)
    build_index(mixed_corpus, index_dir, KeywordEmbedder(), SplitterSettings())
    assert reads == ["testshire-2025.pdf"]
