"""End to end on the real corpus with the real bundled model (loaded once per session)."""

from __future__ import annotations

import pytest

from assistant.pipeline import Assistant

pytestmark = pytest.mark.slow


def test_care_leavers_over_21_is_answered_from_the_2023_report(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What did Ofsted say about care leavers over 21?")
    assert not answer.abstained
    first = answer.citations[0]
    assert "care leavers aged 21 and over" in first.quote
    assert first.doc_id == "2023-05-council-report-ofsted-ilacs-2023"
    assert first.date == "2023-05-11"
    assert "11 May 2023" in answer.answer and "[1]" in answer.answer


def test_another_council_is_not_answered(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What did Ofsted rate Surrey County Council's children's services?")
    assert answer.abstained
    assert answer.citations == ()
    assert "do not cover" in answer.answer and "never mention Surrey." in answer.answer


def test_embedder_is_offline_and_normalised(real_assistant: Assistant) -> None:
    import numpy as np

    vectors = real_assistant.embedder.embed(["care leavers", "children in care"])
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ vectors[1]) > 0.3
