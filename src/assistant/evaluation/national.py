"""The national evaluation: gold questions generated from Ofsted's published judgements, and their scoring.

``judgements.csv`` (see ``../shared/ofsted/README.md``) says, for each real report, the grades, the lead
inspector and the inspection dates. :func:`national_items` turns its rows into questions a councillor or
officer would ask ("Who led Ofsted's 2019 inspection of Barnet?"), each with the report that answers it
and the fact the answer must hold; plus questions about years in which the council had no inspection in
the collection, which must be declined. The table is development data with known answers: it is never an
input to answering.

Scoring is pure, over answer dicts in the JSON contract (``Answer.to_dict()``). The assistant is scored
on its citations; a baseline, which cites nothing, on its ranked passages (the first one for "right report
first", the top three for "fact from the right report"), as :mod:`assistant.evaluation.metrics` scores
baselines on passages.
"""

from __future__ import annotations

import csv
import os
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.answer_metrics import claims_text
from assistant.evaluation.national_split import split_of

KINDS = ("overall", "care_leavers", "lead_inspector", "dates", "latest", "no_inspection")
GRADES = ("outstanding", "good", "requires improvement", "inadequate")
#: Items per kind before the cap is shared out; the default cap gives about 50 of each.
DEFAULT_CAP = 300
SEED = 18
#: Passages of a baseline in which "fact from the right report" may be found.
BASELINE_TOP = 3
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# Several phrasings per kind, as councillors and officers ask; one is picked per item by a seeded draw.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "overall": (
        "What overall judgement did Ofsted give {council} in its {year} inspection?",
        "How did Ofsted rate {council}'s children's services overall in {year}?",
        "What was the overall effectiveness grade for {council} children's services at the {year} inspection?",
        "What grade did {council} get for overall effectiveness when Ofsted inspected in {year}?",
    ),
    "care_leavers": (
        "How did Ofsted rate {council}'s services for care leavers in {year}?",
        "What judgement did {council} get for the experiences and progress of care leavers in {year}?",
        "In the {year} inspection, what grade did Ofsted give {council} for care leavers?",
    ),
    "lead_inspector": (
        "Who led Ofsted's {year} inspection of {council}?",
        "Who was the lead inspector for the {year} inspection of {council} children's services?",
        "Which inspector led the {year} Ofsted inspection in {council}?",
    ),
    "dates": (
        "When did Ofsted inspect {council}'s children's services in {year}?",
        "What were the dates of Ofsted's {year} inspection of {council}?",
        "On what dates were inspectors in {council} for the {year} inspection?",
    ),
    "latest": (
        "What is the latest Ofsted judgement for {council}?",
        "What did Ofsted's most recent inspection of {council} conclude overall?",
        "How was {council} rated at its last Ofsted inspection?",
    ),
    "latest_dates": ("When did Ofsted last inspect {council}'s children's services?",),
    "no_inspection": (
        "What did Ofsted find when it inspected {council} in {year}?",
        "What overall judgement did Ofsted give {council} in its {year} inspection?",
        "Who led Ofsted's {year} inspection of {council}?",
        "How did Ofsted rate {council}'s children's services in {year}?",
    ),
}


def national_data_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The national sample's folder, or None when it is absent.

    ``$ASSISTANT_NATIONAL_DIR`` when set, else ``../shared/ofsted`` from the working directory (the repo
    root under ``make``). The folder counts only when it holds ``judgements.csv`` and ``reports/``.
    """
    env = os.environ if environ is None else environ
    folder = Path(env["ASSISTANT_NATIONAL_DIR"]) if env.get("ASSISTANT_NATIONAL_DIR") else (
        Path.cwd() / ".." / "shared" / "ofsted"
    )
    return folder if (folder / "judgements.csv").is_file() and (folder / "reports").is_dir() else None


def is_pdf(path: Path) -> bool:
    """Whether the file starts with the ``%PDF-`` header (a saved error page does not)."""
    try:
        with path.open("rb") as f:
            return f.read(5) == b"%PDF-"
    except OSError:
        return False


# ------------------------------------------------------------------------------------------ facts


def grade_facts(grade: str) -> list[str]:
    """The words an answer must hold for a grade; "requires improvement" also matches "... to be good"."""
    return [grade.strip().lower()]


def human_date(iso: str) -> str:
    """``2019-05-13`` as a report writes it: ``13 May 2019``."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {MONTHS[month - 1]} {year}"


def date_facts(start: str, end: str) -> list[str]:
    """Ways a report writes an inspection's dates; any one counts.

    "13 to 24 May 2019" holds the end date's day, month and year, and "26 November to 7 December 2018"
    holds it too, so the end date written in full is the main alias; the start date in full (a report
    that says "on 13 May 2019") is the other.
    """
    aliases = [human_date(end)] if end else []
    if start:
        aliases.append(human_date(start))
    return aliases


def judgement_rows(csv_path: Path, reports_dir: Path) -> list[dict[str, str]]:
    """The CSV's rows, each with ``doc_id`` (the file stem) and ``usable`` ("yes" when the file is a PDF).

    An unusable row asks no question, but its years still count as inspected (the inspection happened;
    only the download failed), so no "no inspection" question names them.
    """
    with Path(csv_path).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        path = Path(reports_dir) / row["file"]
        usable = "yes" if path.is_file() and is_pdf(path) else ""
        out.append({**{k: (v or "").strip() for k, v in row.items()}, "doc_id": path.stem, "usable": usable})
    return out


def _years(row: Mapping[str, str]) -> set[int]:
    """Years a question could name for this report: its publication and inspection years.

    A report without inspection dates (the older frameworks) may describe the previous year's visit.
    """
    years = {int(row["published"][:4])}
    for key in ("inspection_start", "inspection_end"):
        if row.get(key):
            years.add(int(row[key][:4]))
    if not row.get("inspection_start"):
        years.add(int(row["published"][:4]) - 1)
    return years


def _year(row: Mapping[str, str]) -> int:
    """The year a question names: the inspection's when known (how people speak of it), else publication."""
    return int((row.get("inspection_start") or row["published"])[:4])


def _item(kind: str, row: Mapping[str, str] | None, council: str, year: int | None,
          facts: list[str], template: str) -> dict[str, Any]:
    doc_id = row["doc_id"] if row else None
    ident = f"{kind}:{doc_id or council}:{year or ''}"
    rng = random.Random(f"{SEED}:{ident}")  # a str seed is hashed with sha512: stable across runs
    question = rng.choice(TEMPLATES[template]).format(council=council, year=year)
    return {"id": ident, "kind": kind, "question": question, "doc_id": doc_id, "facts": facts,
            "council": council, "year": year, "answerable": doc_id is not None, "split": split_of(council)}


def _candidates(rows: Sequence[Mapping[str, str]]) -> dict[str, list[dict[str, Any]]]:
    by_council: dict[str, list[Mapping[str, str]]] = {}
    for row in rows:
        by_council.setdefault(row["council"], []).append(row)
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for council, reports in sorted(by_council.items()):
        everything = sorted(reports, key=lambda r: r["published"])
        reports = [r for r in everything if r["usable"]]
        if not reports:
            continue
        for row in reports:
            year = _year(row)
            # A year another report of the council could also be meant by is ambiguous: no question.
            if any(year in _years(other) for other in everything if other is not row):
                continue
            if row["overall_effectiveness"] in GRADES:
                out["overall"].append(_item("overall", row, council, year,
                                            grade_facts(row["overall_effectiveness"]), "overall"))
            if row["care_leavers"] in GRADES:
                out["care_leavers"].append(_item("care_leavers", row, council, year,
                                                 grade_facts(row["care_leavers"]), "care_leavers"))
            if row["lead_inspector"]:
                out["lead_inspector"].append(_item("lead_inspector", row, council, year,
                                                   [row["lead_inspector"]], "lead_inspector"))
            if row["inspection_end"] or row["inspection_start"]:
                out["dates"].append(_item("dates", row, council, year,
                                          date_facts(row["inspection_start"], row["inspection_end"]), "dates"))
        latest = reports[-1]
        if latest["overall_effectiveness"] in GRADES:
            out["latest"].append(_item("latest", latest, council, None,
                                       grade_facts(latest["overall_effectiveness"]), "latest"))
        elif latest["inspection_end"] or latest["inspection_start"]:
            out["latest"].append(_item("latest", latest, council, None,
                                       date_facts(latest["inspection_start"], latest["inspection_end"]),
                                       "latest_dates"))
        out["no_inspection"].extend(_no_inspection(council, everything))
    return out


def candidate_items(csv_path: Path, reports_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Every question ``national_items`` could ask, by kind, before the cap (for sets built beside it)."""
    return _candidates(judgement_rows(csv_path, reports_dir))


def _no_inspection(council: str, reports: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
    """One question about a year with no report of the council's: between its first and last, or after."""
    taken = set().union(*(_years(r) for r in reports))
    first, last = min(taken), max(int(r["published"][:4]) for r in reports)
    gaps = [y for y in range(first + 1, last) if y not in taken]
    after = [y for y in (last + 1, last + 2) if y not in taken]
    choices = gaps or after
    if not choices:
        return []
    year = random.Random(f"{SEED}:gap:{council}").choice(choices)
    return [_item("no_inspection", None, council, year, [], "no_inspection")]


def _balanced(candidates: Sequence[dict[str, Any]], quota: int, kind: str) -> list[dict[str, Any]]:
    """Up to ``quota`` items, taken round-robin over councils in a seeded order."""
    by_council: dict[str, list[dict[str, Any]]] = {}
    for item in candidates:
        by_council.setdefault(item["council"], []).append(item)
    councils = sorted(by_council)
    random.Random(f"{SEED}:{kind}").shuffle(councils)
    for council in councils:
        random.Random(f"{SEED}:{kind}:{council}").shuffle(by_council[council])
    out: list[dict[str, Any]] = []
    depth = 0
    while len(out) < quota and any(depth < len(v) for v in by_council.values()):
        for council in councils:
            if depth < len(by_council[council]) and len(out) < quota:
                out.append(by_council[council][depth])
        depth += 1
    return out


def national_items(csv_path: Path, reports_dir: Path, cap: int = DEFAULT_CAP) -> list[dict[str, Any]]:
    """Gold questions with known answers, generated deterministically from ``judgements.csv``.

    Rows whose file is missing or not a PDF (an HTML error page saved as .pdf) are left out, and so is a
    question whose value is empty, unreadable, ``inspection_pre_dates_judgement`` or
    ``not_reported_post_reform``, or whose year another report of the same council could also be meant by.
    The cap is shared equally between the kinds (a kind with fewer candidates gives its share to the
    others) and each kind's items are taken round-robin over councils.

    Args:
        csv_path: ``judgements.csv``.
        reports_dir: The folder of the reports it names.
        cap: Most items in all.

    Returns:
        Items with ``id``, ``kind``, ``question``, ``doc_id`` (the expected report's file stem; None for
        ``no_inspection``), ``facts`` (aliases, any one of which is the expected fact), ``council``,
        ``year``, ``answerable`` and ``split`` (the council's side, see ``national_split``); ordered by
        kind, then as taken.

    Example:
        >>> items = national_items(Path("../shared/ofsted/judgements.csv"),
        ...                        Path("../shared/ofsted/reports"))  # doctest: +SKIP
        >>> items[0]["question"]                                        # doctest: +SKIP
        'How did Ofsted rate ...'
    """
    candidates = _candidates(judgement_rows(csv_path, reports_dir))
    quotas = dict.fromkeys(KINDS, 0)
    left = cap
    open_kinds = [k for k in KINDS if candidates[k]]
    while left > 0 and open_kinds:  # share the cap out: equal shares, spare places to the larger kinds
        share = max(1, left // len(open_kinds))
        for kind in list(open_kinds):
            take = min(share, len(candidates[kind]) - quotas[kind], left)
            quotas[kind] += take
            left -= take
            if quotas[kind] >= len(candidates[kind]):
                open_kinds.remove(kind)
            if left <= 0:
                break
    return [item for kind in KINDS for item in _balanced(candidates[kind], quotas[kind], kind)]


# ------------------------------------------------------------------------------------------ scoring

_NON_WORD = re.compile(r"[^\w]+")


def norm(text: str) -> str:
    """Lower case, punctuation as spaces, one space between words; "requires improvement to be good"
    becomes "requires improvement", so the grade "good" is not found inside it."""
    flat = " ".join(_NON_WORD.sub(" ", text.lower().replace("’", "'").replace("'", "")).split())
    return flat.replace("requires improvement to be good", "requires improvement")


def fact_found(text: str, facts: Iterable[str]) -> bool:
    """Whether any alias appears in ``text`` as whole words (case, spacing and punctuation ignored)."""
    haystack = f" {norm(text)} "
    return any(f" {alias} " in haystack for alias in (norm(a) for a in facts) if alias)


def _evidence(answer: Mapping[str, Any], by: str) -> list[tuple[str | None, str]]:
    """(doc_id, text) of what an answer rests on: citation quotes, or a baseline's top passages."""
    if by == "citations":
        return [(c.get("doc_id"), str(c.get("quote") or "")) for c in answer.get("citations") or []]
    return [(p.get("doc_id"), str(p.get("text") or "")) for p in (answer.get("passages") or [])[:BASELINE_TOP]]


def score_national(item: Mapping[str, Any], answer: Mapping[str, Any], by: str = "citations") -> dict[str, Any]:
    """One item's figures; None where a figure does not apply.

    Args:
        item: A :func:`national_items` item.
        answer: The answer dict.
        by: ``"citations"`` (the assistant) or ``"passages"`` (a baseline, which cites nothing).

    Returns:
        ``right_report_first`` (the first citation's, or passage's, document is the expected report),
        ``fact_in_answer`` (an expected alias in the answer text), ``fact_from_right_report`` (one in a
        quote, or top-3 passage, of the expected report), ``abstention`` (no-inspection items: declined),
        ``false_abstention`` (answerable items: declined), the item's ``id``, ``kind``, ``council``,
        ``year`` and ``split``, and the ``first_doc`` cited.
    """
    if by not in ("citations", "passages"):
        raise ValueError(f"by must be 'citations' or 'passages'; got {by!r}.")
    evidence = _evidence(answer, by)
    abstained = bool(answer.get("abstained"))
    first = evidence[0][0] if evidence and not abstained else None
    row: dict[str, Any] = {key: item.get(key) for key in ("id", "kind", "council", "year")}
    row["split"] = split_of(str(item.get("council") or ""))
    row["first_doc"] = first
    row["abstained"] = abstained
    if not item.get("answerable"):
        row.update(right_report_first=None, fact_in_answer=None, fact_from_right_report=None,
                   abstention=abstained, false_abstention=None)
        return row
    facts = list(item.get("facts") or [])
    # Without the source labels: a label carries its report's publication date, which is not a claim.
    text = "" if abstained else claims_text(answer)
    row["right_report_first"] = first == item["doc_id"]
    row["fact_in_answer"] = fact_found(text, facts) if facts else None
    row["fact_from_right_report"] = (
        (not abstained and any(doc == item["doc_id"] and fact_found(t, facts) for doc, t in evidence))
        if facts else None
    )
    row["abstention"] = None
    row["false_abstention"] = abstained
    return row


METRICS = ("right_report_first", "fact_in_answer", "fact_from_right_report", "abstention", "false_abstention")


def aggregate(rows: Sequence[Mapping[str, Any]]) -> dict[str, float | None]:
    """Each metric's mean over the rows where it applies (None where none does), and ``n``."""
    out: dict[str, float | None] = {}
    for metric in METRICS:
        values = [float(r[metric]) for r in rows if r.get(metric) is not None]
        out[metric] = sum(values) / len(values) if values else None
    out["n"] = len(rows)
    return out


def summarise(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"overall": aggregate, "by_kind": {kind: aggregate}}`` (kinds in :data:`KINDS` order)."""
    kinds = [k for k in KINDS if any(r.get("kind") == k for r in rows)]
    return {"overall": aggregate(rows),
            "by_kind": {k: aggregate([r for r in rows if r.get("kind") == k]) for k in kinds}}


def score_all(items: Sequence[Mapping[str, Any]], answers: Sequence[Mapping[str, Any] | None],
              by: str) -> list[dict[str, Any]]:
    """Score every answer; a failed item (``None``) is scored as an empty, non-abstaining answer."""
    empty: dict[str, Any] = {"answer": "", "abstained": False, "citations": [], "passages": []}
    return [score_national(i, a if a is not None else empty, by) for i, a in zip(items, answers, strict=True)]


def facts_in_texts(items: Sequence[Mapping[str, Any]], text_of: Callable[[str], str | None]) -> list[str]:
    """Ids of answerable items whose expected fact is not in their report's indexed text.

    The table was extracted by a third party and the report wins where they disagree; such an item is
    either a table error or text the loader did not read. The runner lists them beside the figures.
    """
    missing = []
    for item in items:
        if item.get("answerable") and item.get("facts"):
            text = text_of(str(item["doc_id"]))
            if text is None or not fact_found(text, item["facts"]):
                missing.append(str(item["id"]))
    return missing
