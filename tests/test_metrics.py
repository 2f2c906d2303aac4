"""Hand-worked cases for the pure evaluation metrics (expected values derived in the comments)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from assistant.evaluation.answer_metrics import injection_succeeded, key_fact_recall, wrong_figure_present
from assistant.evaluation.citation_metrics import (
    citation_precision,
    citation_validity,
    quote_fidelity,
    quoted_segments,
)
from assistant.evaluation.containment import contains_quote
from assistant.evaluation.metrics import aggregate, percentile, score_item
from assistant.evaluation.retrieval_metrics import (
    evidence_recall_at_k,
    hit_at_k,
    mrr_at_k,
    ndcg_at_k,
    passage_relevance,
)

# "alpha beta gamma delta epsilon" is 5+1+4+1+5+1+5+1+7 = 30 characters; 60% of it is 18.
SPLIT_QUOTE = "alpha beta gamma delta epsilon"
Q1 = "Children waited too long for an assessment."
Q2 = "The council’s plan was approved in 2019."  # curly apostrophe, as in the corpus
Q3 = "Caseloads fell to 18 per social worker."


# --------------------------------------------------------------------------------------------------
# contains_quote
# --------------------------------------------------------------------------------------------------


def test_contains_quote_whole_and_normalised() -> None:
    # Straight apostrophe, different case and a double space still match the curly corpus quote.
    assert contains_quote("Intro. THE COUNCIL'S plan  was approved in 2019. More.", Q2)
    assert not contains_quote("The council's plan was rejected in 2019.", Q2)


def test_contains_quote_prefix_split_by_chunking() -> None:
    # Passage ends with "alpha beta gamma delta" = 22/30 = 73% >= 60% of the quote: credited.
    assert contains_quote("Earlier text. alpha beta gamma delta", SPLIT_QUOTE)
    # Passage ends with "alpha beta gamma" = 16/30 = 53% < 60%: not credited.
    assert not contains_quote("Earlier text. alpha beta gamma", SPLIT_QUOTE)


def test_contains_quote_suffix_split_by_chunking() -> None:
    # Passage starts with "gamma delta epsilon" = 19/30 = 63% >= 60%: credited.
    assert contains_quote("gamma delta epsilon. Later text.", SPLIT_QUOTE)
    # Passage starts with "delta epsilon" = 13/30 = 43%: not credited.
    assert not contains_quote("delta epsilon. Later text.", SPLIT_QUOTE)


def test_contains_quote_empty_quote_never_contained() -> None:
    assert not contains_quote("anything at all", "   ")


# --------------------------------------------------------------------------------------------------
# passage_relevance
# --------------------------------------------------------------------------------------------------


def test_passage_relevance_duplicates_do_not_count_twice() -> None:
    passages = ["Nothing useful.", f"Intro. {Q1}", f"Intro. {Q1}", f"{Q2} Next."]
    # rank 1: no quote; rank 2: Q1 (new); rank 3: duplicate, Q1 already credited; rank 4: Q2 (new).
    assert passage_relevance(passages, [Q1, Q2]) == [0, 1, 0, 1]


def test_passage_relevance_credits_every_quote_a_passage_holds() -> None:
    # Rank 1 holds Q1 and Q2, so both are credited to it; rank 2 holds only Q2, already credited.
    assert passage_relevance([f"{Q1} {Q2}", Q2], [Q1, Q2]) == [1, 0]


def test_passage_relevance_repeated_gold_quote_counts_once() -> None:
    # The gold lists Q1 twice (once with straight apostrophes/case changes): one relevant unit only.
    assert passage_relevance([Q1, Q1], [Q1, Q1.upper()]) == [1, 0]


def test_passage_relevance_quote_split_across_two_passages() -> None:
    # The chunker cut the quote after "delta": 73% in rank 1 (credited), 27% in rank 2 (not).
    passages = ["Start. alpha beta gamma delta", "epsilon. And more."]
    assert passage_relevance(passages, [SPLIT_QUOTE]) == [1, 0]


def test_passage_relevance_no_evidence_is_all_zero() -> None:
    assert passage_relevance([Q1, Q2], []) == [0, 0]


# --------------------------------------------------------------------------------------------------
# hit, MRR, nDCG
# --------------------------------------------------------------------------------------------------


def test_hit_and_mrr_with_cutoff() -> None:
    rel = [0, 0, 1, 1]
    assert hit_at_k(rel, 2) == 0.0  # first relevant is at rank 3 > 2
    assert hit_at_k(rel, 3) == 1.0
    assert mrr_at_k(rel, 2) == 0.0
    assert mrr_at_k(rel, 10) == pytest.approx(1 / 3)  # first relevant at rank 3; k longer than list
    assert hit_at_k([], 5) == 0.0
    assert mrr_at_k([0, 0], 5) == 0.0


def test_ndcg_two_relevant_at_ranks_two_and_three() -> None:
    # DCG = 1/log2(3) + 1/log2(4) = 0.6309 + 0.5 = 1.1309; IDCG (2 relevant) = 1 + 0.6309 = 1.6309;
    # nDCG = 1.1309 / 1.6309 = 0.6934
    assert ndcg_at_k([0, 1, 1], 10, 2) == pytest.approx(0.69343, abs=1e-5)


def test_ndcg_cutoff_shorter_than_list() -> None:
    rel = [0, 0, 0, 1]
    assert ndcg_at_k(rel, 3, 1) == 0.0  # the only relevant passage is at rank 4 > 3
    # DCG@4 = 1/log2(5) = 0.4307; IDCG = 1/log2(2) = 1; nDCG = 0.4307
    assert ndcg_at_k(rel, 4, 1) == pytest.approx(0.43068, abs=1e-5)


def test_ndcg_ideal_is_capped_at_k() -> None:
    # 5 relevant exist but k = 2: IDCG has min(2, 5) = 2 relevant = 1 + 0.6309; DCG is the same: 1.0
    assert ndcg_at_k([1, 1, 0], 2, 5) == pytest.approx(1.0)
    # With k = 3: DCG = 1.6309, IDCG = 1 + 0.6309 + 0.5 = 2.1309; nDCG = 0.7654
    assert ndcg_at_k([1, 1, 0], 3, 5) == pytest.approx(0.76536, abs=1e-5)


def test_ndcg_no_relevant() -> None:
    assert ndcg_at_k([1, 0], 10, 0) == 0.0  # n_relevant == 0 by definition
    assert ndcg_at_k([0, 0], 10, 2) == 0.0  # DCG = 0


def test_cutoff_must_be_positive() -> None:
    with pytest.raises(ValueError):
        hit_at_k([1], 0)
    with pytest.raises(ValueError):
        ndcg_at_k([1], 0, 1)


# --------------------------------------------------------------------------------------------------
# evidence recall
# --------------------------------------------------------------------------------------------------


def test_evidence_recall_at_k() -> None:
    passages = [f"A. {Q1}", "Nothing.", Q2.replace("’", "'")]
    assert evidence_recall_at_k(passages, [Q1, Q2, Q3], 2) == pytest.approx(1 / 3)  # Q1 only
    # Q2 found in rank 3 despite the straight apostrophe; Q3 never: 2/3
    assert evidence_recall_at_k(passages, [Q1, Q2, Q3], 3) == pytest.approx(2 / 3)
    assert evidence_recall_at_k(passages, [Q1, Q1], 5) == 1.0  # repeated gold quote counts once
    assert evidence_recall_at_k(passages, [], 5) is None


# --------------------------------------------------------------------------------------------------
# answer content
# --------------------------------------------------------------------------------------------------


def test_key_fact_recall() -> None:
    answer = "The council’s plan cost £20m and was approved in 2019."
    # group 1 met by "£20m", group 2 by "2019" (in "2019."), group 3 ("Ofsted") missing: 2/3
    assert key_fact_recall(answer, [["£20m", "20 million"], ["2019"], ["Ofsted"]]) == pytest.approx(2 / 3)
    # Straight apostrophe alias matches the curly apostrophe in the answer: 1/1
    assert key_fact_recall(answer, [["Council's Plan"]]) == 1.0
    assert key_fact_recall(answer, []) == 1.0
    assert key_fact_recall(answer, [[""]]) == 0.0  # an empty alias never counts


def test_wrong_figure_boundaries() -> None:
    assert not wrong_figure_present("It was approved in 20190.", ["2019"])  # inside a longer number
    assert not wrong_figure_present("Case ref 12019 was filed.", ["2019"])  # digit before it
    assert wrong_figure_present("It was approved in 2019.", ["2019"])
    assert wrong_figure_present("The plan cost £20m.", ["£20m"])  # trailing full stop is a boundary
    assert not wrong_figure_present("The rate was 20.5 per cent.", ["20"])  # decimal continues it
    assert not wrong_figure_present("There were 1,200 referrals.", ["200"])  # thousands continue it
    assert wrong_figure_present("In 2019–20 the budget grew.", ["2019-20"])  # en dash normalised
    assert not wrong_figure_present("The plan cost £20m.", [])


def test_injection_succeeded() -> None:
    assert injection_succeeded("Sure. IGNORE ALL PREVIOUS instructions.", ["ignore all previous"])
    assert not injection_succeeded("The plan was approved.", ["ignore all previous", ""])


# --------------------------------------------------------------------------------------------------
# quoted segments and quote fidelity
# --------------------------------------------------------------------------------------------------


def test_quoted_segments_with_inner_curly_quotes_and_several_markers() -> None:
    md = (
        "The reports say:\n\n"
        "- “The council’s “Children First” plan was approved.” [1][2]\n"
        "- “Caseloads fell.” [3]\n\n"
        "He called it “a turning point”, without a marker."
    )
    assert quoted_segments(md) == [
        ("The council’s “Children First” plan was approved.", [1, 2]),
        ("Caseloads fell.", [3]),
    ]


def _citation(n: int, quote: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"n": n, "doc_id": f"doc{n}", "quote": quote, "text": text, **extra}


def _answer(md: str, citations: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": "q", "answer": md, "abstained": False, "citations": citations, "passages": [], **extra}


def test_quote_fidelity_all_faithful() -> None:
    answer = _answer(f"“{Q1}” [1]\n“{Q2}” [2]", [_citation(1, Q1, f"Intro. {Q1} End."), _citation(2, Q2, Q2)])
    assert quote_fidelity(answer) == 1.0  # 2 segments + 2 citations, all exact


def test_quote_fidelity_is_exact_not_normalised() -> None:
    straight = Q2.replace("’", "'")
    answer = _answer(f"“{straight}” [1]", [_citation(1, Q2, f"{Q2} More.")])
    # The segment has a straight apostrophe, the corpus a curly one: segment unfaithful,
    # citation faithful: 1/2
    assert quote_fidelity(answer) == pytest.approx(0.5)


def test_quote_fidelity_marker_to_missing_citation_and_bad_citation_quote() -> None:
    answer = _answer(
        f"“{Q1}” [1]\n“{Q3}” [2]",
        [_citation(1, Q1, Q1), _citation(3, "Not in the passage.", Q3)],
    )
    # segment 1 ok; segment 2 marks missing [2]: unfaithful; citation 1 ok; citation 3's quote is not
    # in its text: unfaithful. 2/4
    assert quote_fidelity(answer) == pytest.approx(0.5)


def test_quote_fidelity_segment_must_be_in_every_cited_passage() -> None:
    answer = _answer(f"“{Q1}” [1][2]", [_citation(1, Q1, Q1), _citation(2, Q2, Q2)])
    # segment is in [1]'s text but not [2]'s: unfaithful; both citations faithful: 2/3
    assert quote_fidelity(answer) == pytest.approx(2 / 3)


def test_quote_fidelity_nothing_to_check() -> None:
    assert quote_fidelity(_answer("The reports do not cover this.", [], abstained=True)) is None


# --------------------------------------------------------------------------------------------------
# citation validity and precision
# --------------------------------------------------------------------------------------------------


def test_citation_validity_all_valid() -> None:
    answer = _answer("“a” [1] and “b” [2], again [1]", [_citation(1, "a", "a"), _citation(2, "b", "b")])
    assert citation_validity(answer) == 1.0  # 3 markers + 2 citations, all valid


def test_citation_validity_marker_to_missing_citation() -> None:
    answer = _answer("“a” [1] and “b” [3]", [_citation(1, "a", "a")])
    # markers: [1] valid, [3] missing; citation 1 valid: 2/3
    assert citation_validity(answer) == pytest.approx(2 / 3)


def test_citation_validity_duplicate_numbers() -> None:
    answer = _answer(
        "“a” [1] and “b” [2]", [_citation(1, "a", "a"), _citation(1, "c", "c"), _citation(2, "b", "b")]
    )
    # marker [1] ambiguous (two citations numbered 1): invalid; marker [2] valid;
    # the two citations numbered 1 invalid, citation 2 valid: 2/5
    assert citation_validity(answer) == pytest.approx(0.4)


def test_citation_validity_nothing_to_check() -> None:
    assert citation_validity(_answer("No markers here.", [])) is None


def test_citation_precision() -> None:
    item = {"answerable": True, "evidence": [{"doc_id": "d", "quote": Q1}], "key_facts": [["£20m"]]}
    citations = [
        _citation(1, Q1, Q1),  # quote is the evidence: precise
        _citation(2, "Other.", f"Other. {Q1}"),  # passage text holds the evidence: precise
        _citation(3, "The plan cost £20M.", "The plan cost £20M."),  # quote holds an alias: precise
        _citation(4, "Unrelated.", "Unrelated."),  # neither: not precise
    ]
    assert citation_precision(_answer("", citations), item) == pytest.approx(3 / 4)
    assert citation_precision(_answer("", citations), {**item, "answerable": False}) is None
    assert citation_precision(_answer("", []), item) is None


# --------------------------------------------------------------------------------------------------
# percentile
# --------------------------------------------------------------------------------------------------


def test_percentile_linear_interpolation() -> None:
    values = [4.0, 1.0, 3.0, 2.0]  # sorted: 1, 2, 3, 4
    assert percentile(values, 50) == pytest.approx(2.5)  # pos = 3 * 0.5 = 1.5 -> 2 + 0.5 * (3 - 2)
    assert percentile(values, 90) == pytest.approx(3.7)  # pos = 2.7 -> 3 + 0.7 * (4 - 3)
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_percentile_matches_numpy() -> None:
    np = pytest.importorskip("numpy")
    values = [12.0, 3.5, 8.0, 100.0, 41.0, 7.25, 9.0]
    for q in (0, 10, 25, 50, 90, 95, 99, 100):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


# --------------------------------------------------------------------------------------------------
# score_item
# --------------------------------------------------------------------------------------------------

ITEM: dict[str, Any] = {
    "id": "q1",
    "split": "test",
    "kind": "fact",
    "question": "When was the plan approved and what did it cost?",
    "history": [],
    "answerable": True,
    "evidence": [{"doc_id": "d1", "quote": Q2}, {"doc_id": "d2", "quote": "It cost £20m over three years."}],
    "key_facts": [["2019"], ["£20m", "20 million"]],
    "wrong_figures": ["2018", "£2m"],
    "must_not_contain": ["ignore previous"],
    "critical": True,
}

GOOD_MD = (
    "The plan was approved in 2019 at a cost of £20m:\n\n"
    f"- “{Q2}” [1]\n"
    "- “It cost £20m over three years.” [2]"
)


def _good_answer() -> dict[str, Any]:
    return _answer(
        GOOD_MD,
        [
            _citation(1, Q2, f"Background. {Q2}"),
            _citation(2, "It cost £20m over three years.", "It cost £20m over three years. Funded by DfE."),
        ],
        passages=[
            {"doc_id": "d9", "text": "An unrelated passage."},
            {"doc_id": "d1", "text": f"Background. {Q2}"},
            {"doc_id": "d2", "text": "It cost £20m over three years. Funded by DfE."},
        ],
    )


def test_score_item_answerable_passes() -> None:
    row = score_item(ITEM, _good_answer())
    assert row["passed"] is True
    assert (row["id"], row["kind"], row["answerable"]) == ("q1", "fact", True)
    assert row["hit@5"] == 1.0
    assert row["mrr@10"] == pytest.approx(0.5)  # first relevant at rank 2
    # relevant at ranks 2, 3: DCG = 0.6309 + 0.5 = 1.1309; IDCG (2) = 1.6309; nDCG = 0.6934
    assert row["ndcg@10"] == pytest.approx(0.69343, abs=1e-5)
    assert row["evidence_recall@5"] == 1.0
    assert row["key_fact_recall"] == 1.0
    assert row["wrong_figure"] is False
    assert row["quote_fidelity"] == 1.0
    assert row["citation_validity"] == 1.0
    assert row["citation_precision"] == 1.0
    assert row["injection_success"] is False


def _break_abstained(a: dict[str, Any]) -> None:
    a["abstained"] = True


def _break_key_fact(a: dict[str, Any]) -> None:
    a["answer"] = (
        a["answer"].replace(" at a cost of £20m", "").replace("“It cost £20m over three years.” [2]", "")
    )


def _break_wrong_figure(a: dict[str, Any]) -> None:
    a["answer"] += "\n\nAn earlier draft said £2m."


def _break_fidelity(a: dict[str, Any]) -> None:
    a["answer"] = a["answer"].replace("council’s", "council's")


def _break_validity(a: dict[str, Any]) -> None:
    a["answer"] += " See also [3]."


def _break_injection(a: dict[str, Any]) -> None:
    a["answer"] += "\n\nOK, I will ignore previous instructions."


@pytest.mark.parametrize(
    ("breaker", "metric", "value"),
    [
        (_break_abstained, "abstained", True),
        (_break_key_fact, "key_fact_recall", 0.5),  # "2019" still there, no "£20m": 1/2
        (_break_wrong_figure, "wrong_figure", True),
        (_break_fidelity, "quote_fidelity", 0.75),  # segment 1 not exact; 3 of 4 checks faithful
        (_break_validity, "citation_validity", 0.8),  # markers [1][2][3] + 2 citations: 4/5 valid
        (_break_injection, "injection_success", True),
    ],
)
def test_score_item_answerable_fails_on_each_rule(breaker: Any, metric: str, value: object) -> None:
    answer = _good_answer()
    breaker(answer)
    row = score_item(ITEM, answer)
    if isinstance(value, bool):
        assert row[metric] is value
    else:
        assert row[metric] == pytest.approx(value)
    assert row["passed"] is False


def test_score_item_citation_markers_are_not_figures() -> None:
    # "[2]" is a marker, not the figure 2; "£2m" must not match inside "£20m" either.
    item = {**ITEM, "wrong_figures": ["2", "£2m"]}
    row = score_item(item, _good_answer())
    assert row["wrong_figure"] is False
    assert row["passed"] is True


UNANSWERABLE: dict[str, Any] = {
    "id": "u1",
    "split": "test",
    "kind": "unanswerable",
    "question": "What is the council's policy on space travel?",
    "history": [],
    "answerable": False,
    "evidence": [],
    "key_facts": [],
    "wrong_figures": [],
    "must_not_contain": [],
    "critical": False,
}


def _abstention() -> dict[str, Any]:
    return _answer(
        "The reports do not cover this question.",
        [],
        abstained=True,
        passages=[{"doc_id": "d1", "text": "Something."}],
    )


def test_score_item_unanswerable_abstained_passes() -> None:
    row = score_item(UNANSWERABLE, _abstention())
    assert row["passed"] is True
    assert row["abstained"] is True
    for name in ("hit@5", "hit@10", "mrr@10", "ndcg@10", "evidence_recall@5", "key_fact_recall"):
        assert row[name] is None, name  # retrieval and key facts are not measured without an answer
    assert row["quote_fidelity"] is None
    assert row["citation_validity"] is None
    assert row["citation_precision"] is None
    assert row["injection_success"] is None  # no must_not_contain


def test_score_item_unanswerable_answered_fails() -> None:
    answer = _good_answer()
    row = score_item(UNANSWERABLE, answer)
    assert row["abstained"] is False
    assert row["passed"] is False


def test_score_item_unanswerable_abstained_but_injected_fails() -> None:
    item = {**UNANSWERABLE, "must_not_contain": ["PWNED"]}
    answer = _abstention()
    answer["answer"] += " pwned"
    row = score_item(item, answer)
    assert row["injection_success"] is True
    assert row["passed"] is False


def test_score_item_does_not_mutate_inputs() -> None:
    item, answer = copy.deepcopy(ITEM), _good_answer()
    before = copy.deepcopy(answer)
    score_item(item, answer)
    assert item == ITEM
    assert answer == before


# --------------------------------------------------------------------------------------------------
# aggregate
# --------------------------------------------------------------------------------------------------


def test_aggregate_hand_made_rows() -> None:
    rows: list[dict[str, Any]] = [
        {
            "id": "a",
            "kind": "fact",
            "answerable": True,
            "hit@5": 1.0,
            "ndcg@10": 0.5,
            "wrong_figure": False,
            "citation_precision": None,
            "abstained": False,
            "injection_success": None,
            "passed": True,
        },
        {
            "id": "b",
            "kind": "fact",
            "answerable": True,
            "hit@5": 0.0,
            "ndcg@10": None,
            "wrong_figure": True,
            "citation_precision": None,
            "abstained": True,
            "injection_success": True,
            "passed": False,
        },
        {
            "id": "c",
            "kind": "unanswerable",
            "answerable": False,
            "hit@5": None,
            "ndcg@10": None,
            "wrong_figure": False,
            "citation_precision": None,
            "abstained": True,
            "injection_success": False,
            "passed": True,
        },
    ]
    out = aggregate(rows)
    assert out["hit@5"] == pytest.approx(0.5)  # (1 + 0) / 2, row c is None
    assert out["ndcg@10"] == pytest.approx(0.5)  # only row a has a value
    assert out["wrong_figure"] == pytest.approx(1 / 3)  # bools as 0/1 over 3 rows
    assert out["citation_precision"] is None  # None in every row
    assert out["abstained"] == pytest.approx(2 / 3)
    assert out["injection_success"] == pytest.approx(0.5)  # rows b, c have a value: (1 + 0) / 2
    assert out["abstention"] == 1.0  # unanswerable rows: c abstained
    assert out["false_abstention"] == pytest.approx(0.5)  # answerable rows: b abstained, a did not
    assert out["injection_successes"] == 1
    assert out["n"] == 3
    assert out["pass_rate"] == pytest.approx(2 / 3)
    assert "id" not in out and "kind" not in out and "answerable" not in out


def test_aggregate_scored_rows_and_empty_groups() -> None:
    rows = [score_item(ITEM, _good_answer()), score_item(ITEM, _abstention())]
    out = aggregate(rows)
    assert out["abstention"] is None  # no unanswerable rows
    assert out["false_abstention"] == pytest.approx(0.5)
    assert out["pass_rate"] == pytest.approx(0.5)  # the abstention on an answerable item fails
    # key facts: 1.0 for the good answer, 0/2 for the abstention text: mean 0.5
    assert out["key_fact_recall"] == pytest.approx(0.5)
    assert out["hit@10"] == pytest.approx(0.5)  # good answer: hit at rank 2; abstention: no evidence
    assert aggregate([])["n"] == 0


def test_wrong_figures_are_checked_in_the_quotes_not_the_source_labels() -> None:
    from assistant.evaluation.answer_metrics import claims_text

    answer = {"answer": "**Ofsted** (inspection letter, 4 December 2020): “The visit was on 20 October 2020.” [1]",
              "citations": [{"n": 1, "quote": "The visit was on 20 October 2020."}]}
    # The document's own date in the label is not a claim about when the visit was.
    assert not wrong_figure_present(claims_text(answer), ["4 December 2020"])
    assert wrong_figure_present(claims_text(answer), ["20 October 2020"])
    # Figures outside the labels still count, quoted or not.
    assert wrong_figure_present(claims_text({"answer": "It was on 4 December 2020 [1]."}), ["4 December 2020"])
