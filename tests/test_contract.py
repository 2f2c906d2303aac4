"""The Python API and its JSON contract, with the fast keyword embedder over the real corpus."""

from __future__ import annotations

import re

import pytest

from assistant.errors import InvalidFilterError, InvalidQuestionError
from assistant.pipeline import Assistant

CITATION_KEYS = {"n", "doc_id", "title", "publisher", "kind", "date", "area", "section", "paragraph", "page",
                 "page_end", "boxes", "quote", "text", "char_start", "char_end", "score"}
PASSAGE_KEYS = CITATION_KEYS - {"n", "quote"}


def check_contract(out: dict, corpus_texts: dict[str, str]) -> None:
    assert {"id", "question", "standalone_question", "answer", "abstained", "citations", "passages",
            "timings_ms"} <= set(out)
    assert isinstance(out["abstained"], bool)
    assert set(out["timings_ms"]) == {"retrieve", "answer", "total"}
    numbers = [c["n"] for c in out["citations"]]
    assert numbers == list(range(1, len(numbers) + 1))
    for marker in re.findall(r"\[(\d+)\]", out["answer"]):
        assert int(marker) in numbers
    for c in out["citations"]:
        assert set(c) == CITATION_KEYS
        assert c["quote"] in c["text"]
        assert corpus_texts[c["doc_id"]][c["char_start"] : c["char_end"]] == c["quote"]
        assert c["date"] is None or re.fullmatch(r"\d{4}(-\d\d){0,2}", c["date"])
        assert (c["page"] is None) == (c["page_end"] is None) and (c["page"] is not None or c["boxes"] == [])
    for p in out["passages"]:
        assert set(p) == PASSAGE_KEYS
        assert corpus_texts[p["doc_id"]][p["char_start"] : p["char_end"]] == p["text"]
    scores = [p["score"] for p in out["passages"]]
    assert scores == sorted(scores, reverse=True)


@pytest.fixture(scope="module")
def corpus_texts() -> dict[str, str]:
    from assistant.ingest.corpus import load_corpus
    from conftest import CORPUS

    return {d.doc_id: d.text for d in load_corpus(CORPUS).documents}


def test_answer_follows_the_json_contract(fake_assistant: Assistant, corpus_texts: dict[str, str]) -> None:
    answer = fake_assistant.ask("What did Ofsted say about care leavers aged 21 and over?", id="a1")
    out = answer.to_dict()
    check_contract(out, corpus_texts)
    assert out["id"] == "a1" and not out["abstained"] and out["citations"]


def test_filters_narrow_to_the_chosen_documents(fake_assistant: Assistant) -> None:
    letter = "2020-12-ofsted-focused-visit-letter"
    answer = fake_assistant.ask("What needs to improve?", filters={"doc_ids": [letter]})
    assert answer.passages and {p.doc_id for p in answer.passages} == {letter}
    by_publisher = fake_assistant.ask("What needs to improve?", filters={"publishers": ["ofsted"]})
    assert {p.publisher for p in by_publisher.passages} == {"Ofsted"}
    dated = fake_assistant.ask("What needs to improve?", filters={"date_from": "2022", "date_to": "2022-12"})
    assert {p.date[:4] for p in dated.passages if p.date} == {"2022"}


def test_an_abstention_under_filters_names_what_was_searched(fake_assistant: Assistant) -> None:
    letter = "2020-12-ofsted-focused-visit-letter"
    question = "How many families did the Family Safeguarding model support?"  # the 2020 letter counts none
    narrowed = fake_assistant.ask(question, filters={"doc_ids": [letter]})
    assert narrowed.abstained and not narrowed.citations
    assert "The selected reports do not cover this question." in narrowed.answer
    assert "1 of the 5 documents: Ofsted (inspection letter, 4 December 2020)" in narrowed.answer
    assert "Clear the filters" in narrowed.answer
    unfiltered = fake_assistant.ask("What did Ofsted say about Surrey's fostering service?")
    assert unfiltered.abstained and "The reports in this collection do not cover" in unfiltered.answer


def test_bad_filters_and_questions_raise_typed_errors(fake_assistant: Assistant) -> None:
    with pytest.raises(InvalidFilterError, match="Valid documents"):
        fake_assistant.ask("Anything?", filters={"doc_ids": ["no-such-doc"]})
    with pytest.raises(InvalidFilterError, match="valid filters"):
        fake_assistant.ask("Anything?", filters={"council": "Kent"})
    with pytest.raises(InvalidQuestionError, match="empty"):
        fake_assistant.ask("   \n")
    with pytest.raises(InvalidQuestionError, match="2,000"):
        fake_assistant.ask("why " * 600)
    with pytest.raises(InvalidQuestionError, match="role"):
        fake_assistant.ask("And then?", history=[{"role": "system", "content": "x"}])


def test_follow_up_returns_its_standalone_question(fake_assistant: Assistant) -> None:
    history = [{"role": "user", "content": "What did Ofsted say about care leavers?"},
               {"role": "assistant", "content": "They need more support."}]
    answer = fake_assistant.ask("And children in care?", history=history)
    assert answer.standalone_question == "What did Ofsted say about children in care?"
    assert answer.question == "And children in care?"


def test_documents_are_listed_oldest_first(fake_assistant: Assistant) -> None:
    dates = [d.date for d in fake_assistant.documents()]
    assert dates == sorted(dates) and len(dates) == 5
    assert len(fake_assistant.index_version) == 12


def test_same_question_same_answer(fake_assistant: Assistant) -> None:
    one = fake_assistant.ask("How many social workers were recruited?").to_dict()
    two = fake_assistant.ask("How many social workers were recruited?").to_dict()
    one.pop("timings_ms"), two.pop("timings_ms")
    assert one == two


def test_public_import_path() -> None:
    from assistant import Assistant as Public

    assert Public is Assistant
