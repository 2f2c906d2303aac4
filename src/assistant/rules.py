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


RULES: tuple[Rule, ...] = ()


def rule_names() -> tuple[str, ...]:
    """Every registered rule's name, in registry order."""
    return tuple(r.name for r in RULES)


def describe() -> list[tuple[str, str, str, str]]:
    """(name, stage, purpose, where) for every rule, for ``assistant settings`` and the README."""
    return [(r.name, r.stage, r.purpose, r.where) for r in RULES]
