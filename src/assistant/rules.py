"""The answering rules, each named, explained and switchable.

Answers are built from the reports' sentences by a pipeline of general mechanisms (search, fusion, sentence
scoring) and a set of *rules*: patterns, word lists, bonuses, penalties and thresholds that correct the
mechanisms for one kind of question. Every rule is listed here with what it is for; ``Settings.rules_off``
switches any of them off (``ASSISTANT_RULES_OFF=glossary,year-bonus``), ``assistant settings`` lists them and
``make ablation`` measures each one by switching it off in turn (``eval/ablation.md``).

A rule stays only while it earns its place on data it was not written from (the gold set's test split and
the national held-out councils); ``written_from`` records what it was written from.
"""

from __future__ import annotations

from dataclasses import dataclass

QUESTION = "question"
RETRIEVAL = "retrieval"
ANSWER = "answer"
STAGES = (QUESTION, RETRIEVAL, ANSWER)

SEED_TUNE = "seed reports, tune split"
NATIONAL_DEV = "national reports, dev councils"


@dataclass(frozen=True)
class Rule:
    """One answering rule: its switch name, the stage it acts in, what it is for and where it lives."""

    name: str
    stage: str
    purpose: str
    where: str
    written_from: str = SEED_TUNE
    #: Why the rule stays although the ablation finds no help for it on unseen data ("" for a rule that helps).
    kept_because: str = ""


RULES: tuple[Rule, ...] = (
    # ---------------------------------------------------------------- reading the question
    Rule("instructions", QUESTION, "Instructions embedded in a question (hidden comments, 'ignore your rules', "
         "'write a poem', 'translate') are removed and the answer says so; a question of instructions only is "
         "declined.", "query/instructions.py"),
    Rule("follow-ups", QUESTION, "A follow-up ('and in 2020?', 'who paid for it?', 'what about care leavers?') "
         "is read as a standalone question from the conversation before it.", "query/conversation.py"),
    Rule("glossary", QUESTION, "The domain pack's glossary: abbreviations, euphemisms and phrases are expanded "
         "into the search, and count as the question's words when judging coverage.", "index.search_text.expand"),
    Rule("council-and-time", QUESTION, "A question naming a council searches only its reports, and its year (of "
         "publication or of the inspection dates a report states), 'latest', 'previous' or 'since' picks among "
         "them; a council with no report for the time asked, or "
         "one the reports only mention, is declined with what the collection has.", "query.scope.question_scope",
         NATIONAL_DEV),
    Rule("compare-by-report", QUESTION, "A question comparing councils, or one council over time, is answered "
         "report by report: one cited block per report under its council's name.", "answer/compare.py", NATIONAL_DEV),
    # ---------------------------------------------------------------- kinds of fact asked for
    Rule("type-date", QUESTION, "'When', 'what date', 'which year' ask for a date.", "query.fact_types._WHEN"),
    Rule("type-frequency", QUESTION, "'How often' asks for a rhythm ('monthly', 'every six weeks').",
         "query.fact_types._HOW_OFTEN"),
    Rule("type-duration", QUESTION, "'How long' asks for a span of time.", "query.fact_types._HOW_LONG"),
    Rule("type-count", QUESTION, "'How many', 'the average' ask for a count.", "query.fact_types._COUNT_QUESTION"),
    Rule("type-grade", QUESTION, "'Judged', 'rated', 'how did X rate' ask for an inspection judgement (the "
         "domain pack's grade scale).", "query.fact_types._GRADE_QUESTION"),
    Rule("type-number", QUESTION, "Any other 'how many / how much' asks for a figure.", "query.fact_types._HOW_MANY"),
    # ---------------------------------------------------------------- finding passages
    Rule("sentence-dense", RETRIEVAL, "A passage's dense score is the mean of its own cosine and its best "
         "sentence's, so a passage holding one exactly matching sentence ranks with it.", "query.retrieval.retrieve"),
    Rule("year-bonus", RETRIEVAL, "Passages of documents dated in a year the question names gain year_bonus.",
         "query.ranking.Ranker._prefer_named_years"),
    Rule("type-passage-bonus", RETRIEVAL, "Passages holding the kind of fact asked for (a date, a count, a grade "
         "...) gain type_passage_bonus.", "query.ranking.Ranker.prefer_answer_type"),
    Rule("rerank-by-sentence", RETRIEVAL, "The top rerank_passages passages are reordered by their best "
         "sentence's answer score, so the passages listed lead with those the quotes come from.",
         "answer.rerank.SentenceReranker"),
    Rule("label-passage-fit", RETRIEVAL, "A passage whose labelled line gives the fact under the label asked for "
         "('Inspection dates: ...') gains up to three times type_passage_bonus.", "query.fact_types.passage_fit",
         NATIONAL_DEV),
    # ---------------------------------------------------------------- choosing sentences
    Rule("title-lines", ANSWER, "A document's title line is never quoted (it matches every question about the "
         "document and says nothing).", "query.collection.title_sentences",
         kept_because="issue #19 asks that a title line is never the whole answer; no unseen figure moves with it "
                      "(only plain-text reports have title lines as sentences; a PDF's title is a heading)"),
    Rule("headline", ANSWER, "A question about one report as a whole (no subject left once its place and "
         "time are taken out: 'How did X do in its 2019 inspection?') is answered with the report's judgement "
         "lines ('Overall effectiveness: Good').", "answer.headline.answer", NATIONAL_DEV),
    Rule("type-bonus", ANSWER, "A sentence holding the kind of fact asked for gains type_bonus.",
         "answer.quotes.score_sentences"),
    Rule("label-bonus", ANSWER, "A labelled line or table row whose label the question asks for gains up to "
         "LABEL_BONUS (0.15).", "answer.quotes.score_sentences", NATIONAL_DEV),
    Rule("self-reference", ANSWER, "A sentence about its own document ('this report provides ...') loses "
         "self_reference_penalty.", "answer.quotes.refers_to_itself"),
    Rule("quote-floors", ANSWER, "A quote from another passage of the best quote's report needs 0.85 of the best "
         "score, one from another report 0.9 (otherwise 0.8).", "answer.quotes.select_quotes"),
    Rule("per-document", ANSWER, "A comparison quotes each document's best sentence first (if it scores 0.6 of "
         "the best).", "answer.quotes.select_quotes"),
    Rule("answering-quotes", ANSWER, "For a date, frequency, duration, count or grade question, only the quotes "
         "that give one are kept; for a single fact, only the best.", "answer.quotes.answering_quotes"),
    Rule("lead-ins", ANSWER, "A quote ending on a colon brings the list it introduces.",
         "answer.units.complete_lead_ins"),
    Rule("cut-sentences", ANSWER, "A sentence cut inside a clause by a break in the text (ending on a word or a "
         "comma before a line opening in lower case) is quoted whole, its halves together and in order.",
         "answer.units.complete_cut_sentences"),
    # ---------------------------------------------------------------- declining
    Rule("min-score", ANSWER, "Below min_sentence_score for the best sentence the assistant declines.",
         "answer.answerer.QuoteAnswerer.supported"),
    Rule("coverage", ANSWER, "The best passages must hold min_coverage of the question's content words "
         "(IDF-weighted), unless a sentence is within cosine dense_support (0.62) of the question.",
         "answer.answerer.QuoteAnswerer.supported"),
    Rule("unknown-names", ANSWER, "A question naming a word the collection never uses (a place, a name) is "
         "declined, saying which.", "query.questions.unknown_names"),
    Rule("strict-type", ANSWER, "A date, frequency, duration or count question none of whose quotes gives one "
         "is declined, saying so.", "answer.quotes.unanswered_reason"),
)


def rule_names() -> tuple[str, ...]:
    """Every registered rule's name, in registry order."""
    return tuple(r.name for r in RULES)


def describe() -> list[tuple[str, str, str, str]]:
    """(name, stage, purpose, where) for every rule, for ``assistant settings`` and the README."""
    return [(r.name, r.stage, r.purpose, r.where) for r in RULES]
