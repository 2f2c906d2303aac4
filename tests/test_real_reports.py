"""The PDF loader over the real Ofsted reports in ../shared/ofsted (skipped when that folder is absent).

Every file is read once, in a pool of two processes, and each check below reads the results:

- the three HTML error pages saved as .pdf are not sniffed as PDF;
- every real PDF loads;
- numbered paragraphs come out in sequence with none missing (1, 2, 3 ...; "2.1"-style sub-numbers in order;
  a new run may start again at 1);
- no passage holds a running header or footer line, found independently of the loader: the first and last
  lines of each page in pypdfium2's plain text that recur, digits removed, on most pages;
- the page-1 judgement table pairs "Overall effectiveness" with the grade published in judgements.csv.
"""

from __future__ import annotations

import csv
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "ofsted"
REPORTS = SHARED / "reports"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1800),  # 1.5 min on a loaded shared machine since pypdfium2 (4 to 13 min with pdfplumber)
    pytest.mark.skipif(not REPORTS.is_dir(), reason=f"the real reports folder {SHARED} is absent"),
]

HTML_PAGES = {"birmingham-2012-10-19.pdf", "bromley-2012-08-17.pdf", "rotherham-2012-08-10.pdf"}
GRADES = ("outstanding", "good", "requires improvement", "inadequate")
# Reports that cannot pass a check for a reason in the report itself: {file: {check: reason}}.
KNOWN_EXCEPTIONS: dict[str, dict[str, str]] = {
    "windsor-maidenhead-2020-02-24.pdf": {"numbering": "the report itself goes from paragraph 14 to 16"},
}

# Councils the catalogue names otherwise than their reports do: a person asks by the reports' name.
REPORTS_CALL = {"London Corporation": "City of London"}

_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(?:\.\s*|\s+)(?=\S)")
_DATE_LINE = re.compile(r"^\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\b")


def _norm(text: str) -> str:
    return " ".join(re.sub(r"\d+", " ", text).split())  # case kept: "the last inspection of X" is not a footer


def paragraph_numbers(text: str) -> list[tuple[int, ...]]:
    """The numbers that open the text's lines (table rows and date lines left out), in order."""
    out = []
    for line in text.split("\n"):
        match = _NUMBER.match(line)
        if match and "\t" not in line and not _DATE_LINE.match(line):
            out.append(tuple(int(part) for part in match.group(1).split(".")))
    return out


def _follows(prev: tuple[int, ...] | None, cur: tuple[int, ...]) -> bool:
    if cur == (1,) or (prev is None and cur in ((1,), (1, 1))):
        return True
    if prev is None:
        return False
    candidates = {prev + (1,)}
    for k in range(len(prev)):
        bumped = prev[:k] + (prev[k] + 1,)
        candidates.update({bumped, bumped + (1,)})
    return cur in candidates


def sequence_breaks(numbers: list[tuple[int, ...]]) -> list[str]:
    """Where the numbering jumps, as "after 12: 14" strings.

    Example:
        >>> sequence_breaks([(1,), (2,), (2, 1), (2, 2), (3,), (1,), (2,), (4,)])
        ['after 2: 4']
    """
    breaks, prev = [], None
    for cur in numbers:
        if not _follows(prev, cur):
            label = ".".join(map(str, prev)) if prev else "start"
            breaks.append(f"after {label}: {'.'.join(map(str, cur))}")
        prev = cur
    return breaks


def running_lines(raw: bytes) -> set[str]:
    """Header/footer lines found without the loader: pypdfium2's first and last lines of each page that
    recur (digits removed) on most pages."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(raw)
    counts: dict[str, int] = {}
    try:
        for page in pdf:
            lines = [ln.strip() for ln in page.get_textpage().get_text_range().splitlines() if ln.strip()]
            ends = {_norm(ln) for ln in lines[:2] + lines[-3:]}
            for key in ends:
                counts[key] = counts.get(key, 0) + 1
        need = max(3, len(pdf) // 2)
    finally:
        pdf.close()
    return {key for key, n in counts.items() if n >= need and sum(c.isalpha() for c in key) >= 10}


def check_file(path: Path) -> dict[str, Any]:
    """Everything the tests need to know about one file (run in a worker process)."""
    from assistant.ingest.loaders.base import SkipFile
    from assistant.ingest.loaders.pdf import PdfLoader
    from assistant.ingest.passages import split_document
    from assistant.types import Document

    raw = path.read_bytes()
    loader = PdfLoader()
    out: dict[str, Any] = {"name": path.name, "sniffed": loader.sniff(raw[:1024])}
    if not out["sniffed"]:
        return out
    start = time.perf_counter()
    try:
        loaded = loader.load(raw, path.name)
    except SkipFile as exc:
        out["skipped"] = exc.reason
        return out
    out["seconds"] = time.perf_counter() - start
    out["pages"] = loaded.page_count
    doc = Document(path.stem, loaded.meta.get("title", path.stem), "", "report", None, path.name, "", loaded.text)
    passages, _ = split_document(doc)
    out["breaks"] = sequence_breaks(paragraph_numbers(loaded.text))
    texts = [_norm(p.text) for p in passages]
    out["running_in_passages"] = sorted(r for r in running_lines(raw) if any(r in t for t in texts))
    out["rows"] = [ln for ln in loaded.text.split("\n") if "\t" in ln]
    out["meta"] = dict(loaded.meta)
    return out


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    files = sorted(REPORTS.glob("*.pdf"))
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        found = {r["name"]: r for r in pool.map(check_file, files)}
    total = time.perf_counter() - start
    loaded = [r for r in found.values() if "seconds" in r]
    pages = sum(r["pages"] for r in loaded)
    per_page = sum(r["seconds"] for r in loaded) / max(pages, 1)
    print(f"\n{len(files)} files, {len(loaded)} loaded, {pages} pages in {total:.1f} s "
          f"(2 processes); loader {per_page:.3f} s a page")
    return found


def _failing(results: dict[str, dict[str, Any]], check: str, failed: dict[str, Any]) -> dict[str, Any]:
    known = {name for name, checks in KNOWN_EXCEPTIONS.items() if check in checks}
    return {name: why for name, why in failed.items() if name not in known}


def test_html_error_pages_are_not_sniffed_as_pdf(results: dict[str, dict[str, Any]]) -> None:
    assert {name for name, r in results.items() if not r["sniffed"]} == HTML_PAGES


def test_every_real_pdf_loads(results: dict[str, dict[str, Any]]) -> None:
    failed = {name: r["skipped"] for name, r in results.items() if "skipped" in r}
    assert not failed, failed
    assert len([r for r in results.values() if "seconds" in r]) == len(results) - len(HTML_PAGES)


def test_numbered_paragraphs_come_in_sequence(results: dict[str, dict[str, Any]]) -> None:
    failed = {name: r["breaks"] for name, r in results.items() if r.get("breaks")}
    passed = len([r for r in results.values() if "breaks" in r]) - len(failed)
    print(f"\nnumbering in sequence: {passed} reports")
    assert not _failing(results, "numbering", failed), failed


def test_no_passage_holds_a_running_header_or_footer(results: dict[str, dict[str, Any]]) -> None:
    failed = {name: r["running_in_passages"] for name, r in results.items() if r.get("running_in_passages")}
    assert not _failing(results, "running", failed), failed


def test_judgement_table_pairs_overall_effectiveness_with_its_grade(results: dict[str, dict[str, Any]]) -> None:
    with (SHARED / "judgements.csv").open(encoding="utf-8") as handle:
        expected = {row["file"]: row["overall_effectiveness"] for row in csv.DictReader(handle)}
    failed, checked = {}, 0
    for name, grade in expected.items():
        if grade not in GRADES or name not in results:
            continue
        checked += 1
        rows = [row.lower() for row in results[name].get("rows", [])]
        if not any(row.startswith("overall effectiveness:\t" + grade) for row in rows):
            failed[name] = (grade, rows)
    print(f"\njudgement tables: {checked - len(failed)} of {checked} pair overall effectiveness with its grade")
    assert checked > 0
    assert not _failing(results, "table", failed), failed


def test_a_question_naming_a_council_selects_exactly_its_reports(results: dict[str, dict[str, Any]]) -> None:
    """Each report's area, read from the report, groups it with the council's other reports: a question that
    names the council (as judgements.csv does) selects exactly that council's reports, whatever each report
    calls it ("Halton Borough Council", "Bradford Children and Families Trust", "Newcastle")."""
    from assistant.query.scope import areas_of, named_areas
    from assistant.types import Document

    with (SHARED / "judgements.csv").open(encoding="utf-8") as handle:
        council_of = {row["file"]: row["council"] for row in csv.DictReader(handle)}
    docs = {name: Document(name, name, "", "report", None, name, "", "", area=r["meta"].get("area"))
            for name, r in results.items() if "meta" in r}
    areas = areas_of(docs)
    failed = {}
    for council in sorted(set(council_of.values())):
        files = {f for f, c in council_of.items() if c == council and f in docs}
        called = REPORTS_CALL.get(council, council)
        named = named_areas(f"What did Ofsted say about {called}'s children's services?", list(areas))
        selected = {d.doc_id for name in named for d in areas[name]}
        if selected != files:
            failed[council] = (named, sorted(files - selected), sorted(selected - files))
    print(f"\ncouncils named in a question: {len(set(council_of.values())) - len(failed)} select exactly their reports")
    assert not failed, failed
