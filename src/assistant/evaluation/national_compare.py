"""Comparison questions over the national reports: two councils' latest judgements, side by side.

Officers compare their council with others ("How did Barnet and Kent compare at their latest Ofsted
inspections?"). :func:`comparison_items` pairs councils from ``judgements.csv`` whose newest report in the
collection has an overall judgement, both of a pair on the same side of the council split (so a rule written
from dev councils is measured on held-out pairs only), and asks for the comparison; :func:`score_comparison`
asks whether the answer quotes each council's grade from that council's own report. These questions are a
set of their own beside :func:`national.national_items` (adding a kind there would redraw its 300).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.national import GRADES, SEED, fact_found, grade_facts, judgement_rows
from assistant.evaluation.national_split import SPLITS, share_summary, split_of

TEMPLATES = (
    "How did {a} and {b} compare at their latest Ofsted inspections?",
    "Compare the most recent Ofsted judgements for {a} and {b}.",
    "What were the latest overall Ofsted judgements for {a} and {b}?",
)
#: Each council is paired this many times, with a different council each time.
ROUNDS = 2
METRICS = ("both_reports_cited", "both_facts_from_right_reports", "false_abstention")


def _latest_graded(rows: Sequence[Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    """Per council, its newest report when that report is readable and gives an overall judgement."""
    by_council: dict[str, list[Mapping[str, str]]] = {}
    for row in rows:
        by_council.setdefault(row["council"], []).append(row)
    out = {}
    for council, reports in by_council.items():
        newest = max(reports, key=lambda r: r["published"])
        if newest["usable"] and newest["overall_effectiveness"] in GRADES:
            out[council] = newest
    return out


def comparison_items(csv_path: Path, reports_dir: Path) -> list[dict[str, Any]]:
    """Pairs of councils on the same side of the split, each council in ``ROUNDS`` pairs, in seeded orders.

    Returns:
        Items with ``id``, ``kind`` ("comparison"), ``question``, ``doc_ids`` (the two expected reports),
        ``facts`` (per doc_id, the grade aliases), ``councils``, ``council`` (the first, for the split) and
        ``split``.
    """
    latest = _latest_graded(judgement_rows(csv_path, reports_dir))
    items: list[dict[str, Any]] = []
    seen: set[frozenset[str]] = set()
    for side in SPLITS:
        for round_ in range(ROUNDS):  # each round pairs every council once, in another seeded order
            councils = sorted(c for c in latest if split_of(c) == side)
            random.Random(f"{SEED}:compare:{side}:{round_}").shuffle(councils)
            for a, b in zip(councils[0::2], councils[1::2], strict=False):
                if frozenset((a, b)) in seen:
                    continue
                seen.add(frozenset((a, b)))
                items.append(_item(a, b, latest[a], latest[b], side))
    return items


def _item(a: str, b: str, ra: Mapping[str, str], rb: Mapping[str, str], side: str) -> dict[str, Any]:
    ident = f"comparison:{ra['doc_id']}:{rb['doc_id']}"
    question = random.Random(f"{SEED}:{ident}").choice(TEMPLATES).format(a=a, b=b)
    return {
        "id": ident, "kind": "comparison", "question": question, "doc_ids": [ra["doc_id"], rb["doc_id"]],
        "facts": {ra["doc_id"]: grade_facts(ra["overall_effectiveness"]),
                  rb["doc_id"]: grade_facts(rb["overall_effectiveness"])},
        "councils": [a, b], "council": a, "split": side,
    }


def score_comparison(item: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """``both_reports_cited`` (a quote from each expected report), ``both_facts_from_right_reports`` (each
    report's grade in one of its own quotes) and ``false_abstention``, with the item's ``id`` and ``split``."""
    abstained = bool(answer.get("abstained"))
    quotes = [] if abstained else [(c.get("doc_id"), str(c.get("quote") or "")) for c in answer.get("citations") or []]
    cited = {doc for doc, _ in quotes}
    facts = item["facts"]
    return {
        "id": item["id"], "split": item["split"], "council": item["council"],
        "both_reports_cited": all(doc in cited for doc in item["doc_ids"]),
        "both_facts_from_right_reports": all(
            any(d == doc and fact_found(q, facts[doc]) for d, q in quotes) for doc in item["doc_ids"]),
        "false_abstention": abstained,
    }


def summarise(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"overall": {metric: share, "n": count}}`` (``national_split.share_summary`` over ``METRICS``)."""
    return share_summary(rows, METRICS)
