"""The structure-aware splitter: layout units, exact spans, sentences, token bounds."""

from __future__ import annotations

from assistant.ingest.corpus import load_corpus
from assistant.ingest.passages import SplitterSettings, sentence_spans, split_document
from assistant.ingest.tokens import count_tokens
from assistant.types import Document
from conftest import CORPUS


def doc(text: str) -> Document:
    return Document("d", "Title", "Publisher", "kind", None, "d.txt", "", text)


REPORT = """Introduction

Some opening words about the report. They run to two sentences.

1. Background and Context

- 1.1 This report confirms the progress made by the Council. It reverses the 2019 judgement.
- 1.2 The shortcomings were widespread.

2. Findings

2.1 The key findings are summarised as follows:
- Most children coming into care make good progress
 - Placement choices require improvement

Judgement\tGrade
Overall effectiveness\tRequires improvement to be good
The experiences and progress of care leavers\tRequires improvement to be good

23. A paragraph numbered the way the Commissioner numbers them, which ends

here after a page break.
"""


def test_numbered_paragraphs_sections_and_lead_in_bullets() -> None:
    passages, _ = split_document(doc(REPORT))
    found = [(p.section, p.paragraph, p.text.splitlines()[0]) for p in passages]
    assert ("1. Background and Context", "1.1", found[1][2]) == found[1]
    assert found[1][2].startswith("- 1.1 This report")
    assert (found[2][0], found[2][1]) == ("1. Background and Context", "1.2")
    lead = next(p for p in passages if p.paragraph == "2.1")
    # The lead-in ending in ':' and its bullet run are one unit.
    assert "Most children coming into care" in lead.text and "Placement choices" in lead.text
    assert lead.section == "2. Findings"


def test_table_rows_stay_with_their_header() -> None:
    passages, sentences = split_document(doc(REPORT))
    table = next(p for p in passages if "\t" in p.text)
    assert table.text.startswith("Judgement\tGrade")
    assert "Overall effectiveness\tRequires improvement to be good" in table.text
    rows = [s.text for s in sentences if s.passage_id == table.passage_id]
    assert "Overall effectiveness\tRequires improvement to be good" in rows


def test_page_break_continuation_joins_the_paragraph() -> None:
    passages, _ = split_document(doc(REPORT))
    last = passages[-1]
    assert last.paragraph == "23"
    assert last.text.endswith("here after a page break.")


def test_spans_are_exact_and_sentences_never_cross_passages() -> None:
    for document in load_corpus(CORPUS).documents:
        passages, sentences = split_document(document)
        by_id = {p.passage_id: p for p in passages}
        assert passages, document.doc_id
        for p in passages:
            assert document.text[p.char_start : p.char_end] == p.text
        for s in sentences:
            assert document.text[s.char_start : s.char_end] == s.text
            p = by_id[s.passage_id]
            assert p.char_start <= s.char_start and s.char_end <= p.char_end


def test_long_units_are_cut_between_sentences_within_the_token_budget() -> None:
    sentence = "The service has improved its practice with children and families across the county. "
    text = "Section\n\n- 4.1 " + sentence * 40 + "\n"
    settings = SplitterSettings(max_tokens=120)
    passages, _ = split_document(doc(text), settings)
    assert len(passages) > 1
    assert all(count_tokens(p.text) <= 120 for p in passages)
    assert all(p.paragraph == "4.1" for p in passages)
    # Never mid-sentence: every piece ends where a sentence ends.
    assert all(p.text.rstrip().endswith(".") for p in passages)


def test_real_corpus_passages_respect_the_budget() -> None:
    settings = SplitterSettings()
    for document in load_corpus(CORPUS).documents:
        passages, _ = split_document(document, settings)
        over = [p.passage_id for p in passages if count_tokens(p.text) > settings.max_tokens]
        # Only a single sentence longer than the budget may exceed it (it is never cut).
        for pid in over:
            p = next(x for x in passages if x.passage_id == pid)
            assert len(sentence_spans(p.text, 0, len(p.text))) == 1, pid


def test_sentence_splitting_keeps_abbreviations_and_list_numbers() -> None:
    text = "1. The purpose of this report is twofold. Ms Butler met Mr Readman, i.e. the DCS. It ended."
    spans = sentence_spans(text, 0, len(text))
    assert [text[a:b] for a, b in spans] == [
        "The purpose of this report is twofold.",
        "Ms Butler met Mr Readman, i.e. the DCS.",
        "It ended.",
    ]


def test_care_leaver_sentence_is_its_own_sentence_in_the_2023_report() -> None:
    document = next(d for d in load_corpus(CORPUS).documents if d.doc_id.startswith("2023"))
    _, sentences = split_document(document)
    assert "The advice and support provided to care leavers aged 21 and over requires further improvement" in [
        s.text for s in sentences
    ]
