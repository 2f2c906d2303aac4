"""Loading the corpus: the catalogue, inferred metadata, and bad files skipped with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.ingest.corpus import infer_date, load_corpus
from conftest import CORPUS


def test_catalogue_gives_every_real_report_its_metadata() -> None:
    loaded = load_corpus(CORPUS)
    assert loaded.warnings == ()
    assert len(loaded.documents) == 5
    letter = next(d for d in loaded.documents if d.doc_id == "2020-12-ofsted-focused-visit-letter")
    assert (letter.publisher, letter.kind, letter.date) == ("Ofsted", "inspection letter", "2020-12-04")


def test_uncatalogued_file_loads_with_inferred_title_and_date_and_a_warning(tmp_path: Path) -> None:
    (tmp_path / "visit.txt").write_text("\n## Monitoring visit letter\n\n12 January 2021\n\nDear Sir\n", encoding="utf-8")  # noqa: E501
    loaded = load_corpus(tmp_path)
    (document,) = loaded.documents
    assert document.title == "Monitoring visit letter"
    assert document.date == "2021-01-12"
    assert any("visit.txt" in w and "catalog.toml" in w for w in loaded.warnings)


def test_bad_files_are_skipped_with_a_warning_naming_them(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("A real report.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    loaded = load_corpus(tmp_path)
    assert [d.filename for d in loaded.documents] == ["good.txt"]
    joined = " ".join(loaded.warnings)
    for name in ("empty.txt", "binary.txt", "scan.pdf"):
        assert name in joined


def test_empty_corpus_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="Add report files"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "missing")


def test_malformed_catalogue_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.\n", encoding="utf-8")
    (tmp_path / "catalog.toml").write_text('["a.txt"]\ndate = "May 2023"\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="not ISO"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Dated 4 December 2020.", "2020-12-04"), ("January 2022 report", "2022-01"), ("no date here", None)],
)
def test_infer_date(text: str, expected: str | None) -> None:
    assert infer_date(text) == expected
