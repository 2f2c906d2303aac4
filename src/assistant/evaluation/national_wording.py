"""The overall grade asked in other words: every report's overall-judgement question of the national set,
re-worded the way a councillor might put it in a chat.

The national questions use a few careful templates ("What overall judgement did Ofsted give X in its 2019
inspection?"). People are terser, ask yes or no, or assume a grade ("Was X rated outstanding ...?"). These
templates were written on 2 December 2026, before the assistant was asked any of them, and are not changed
to suit its answers: they measure whether the answering carries to wording no rule was written from. Each
item expects what the overall question expects: the report's overall grade, quoted from that report.
:func:`wording_items` draws one template per report with a seed; scoring is ``national.score_national``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.national import SEED, candidate_items
from assistant.evaluation.national_split import share_summary

TEMPLATES = (
    "Was {council} rated outstanding at its {year} Ofsted inspection?",
    "How did {council} do in its {year} Ofsted inspection?",
    "What was Ofsted's verdict on {council} children's services in {year}?",
    "{council} Ofsted rating {year}?",
    "Did Ofsted judge {council}'s children's services to be good in {year}?",
    "Where did {council} land overall when Ofsted came in {year}?",
)
METRICS = ("right_report_first", "fact_from_right_report", "false_abstention")


def wording_items(csv_path: Path, reports_dir: Path) -> list[dict[str, Any]]:
    """One re-worded question per report with an overall grade (the national set's overall candidates, not
    capped), its template drawn by a seed from the item's id.

    Returns:
        Items as ``national.national_items`` makes them, ``id`` prefixed "wording:", ``kind`` "wording".
    """
    out = []
    for item in candidate_items(csv_path, reports_dir)["overall"]:
        ident = f"wording:{item['id']}"
        template = random.Random(f"{SEED}:{ident}").choice(TEMPLATES)
        out.append({**item, "id": ident, "kind": "wording",
                    "question": template.format(council=item["council"], year=item["year"])})
    return out


def summarise(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"overall": {metric: share, "n": count}}`` (``national_split.share_summary`` over ``METRICS``)."""
    return share_summary(rows, METRICS)
