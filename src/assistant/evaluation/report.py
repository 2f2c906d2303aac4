"""Renderers of an evaluation result: a terminal table, Markdown, JSON and a chart.

All pure: each takes the result (and, for Markdown, the previous report's text) and returns a string or
PNG bytes; :func:`assistant.evaluation.runner.write_reports` writes them.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.evaluation.gate import failure_reasons

if TYPE_CHECKING:
    from assistant.evaluation.runner import EvalResult, SystemResult

#: Rows of the summary tables, in order ("lower is better" ones are marked in :data:`LOWER_IS_BETTER`).
TABLE_METRICS = (
    "hit@5",
    "hit@10",
    "mrr@10",
    "ndcg@10",
    "evidence_recall@5",
    "evidence_recall@10",
    "key_fact_recall",
    "key_fact_recall_numbers_dates",
    "key_fact_recall_followups",
    "quote_fidelity",
    "citation_validity",
    "citation_precision",
    "abstention",
    "false_abstention",
    "wrong_figure",
    "injection_successes",
    "pass_rate",
    "n",
    "latency_p50_ms",
    "latency_p95_ms",
    "determinism",
)
LOWER_IS_BETTER = frozenset(
    {"false_abstention", "wrong_figure", "injection_successes", "latency_p50_ms", "latency_p95_ms"}
)
#: Columns of the per-kind tables.
KIND_METRICS = (
    "n",
    "hit@5",
    "mrr@10",
    "ndcg@10",
    "evidence_recall@5",
    "key_fact_recall",
    "abstained",
    "pass_rate",
)
#: Bars of the chart.
CHART_METRICS = (
    ("hit@5", "hit@5"),
    ("mrr@10", "MRR@10"),
    ("ndcg@10", "nDCG@10"),
    ("evidence_recall@5", "evidence recall@5"),
    ("key_fact_recall", "key-fact recall"),
)
HISTORY = "## History"
_HISTORY_HINT = (
    "<!-- Written by hand: one entry per change (date, what changed, its effect on the figures). "
    "This section is kept when `assistant eval` rewrites the report. -->"
)
_ANSWER_CHARS = 300


def fmt(value: Any, metric: str = "", empty: str = "-") -> str:
    """A metric value for a table: ``n`` and counts as integers, milliseconds with 1 decimal, else 3.

    Args:
        value: The value (None prints as ``empty``).
        metric: The metric's name, which decides the precision.
        empty: What to print for None.

    Returns:
        The formatted value.
    """
    if value is None:
        return empty
    if isinstance(value, bool):
        return "yes" if value else "no"
    if metric in ("n", "injection_successes"):
        return str(int(value))
    if metric.endswith("_ms"):
        return f"{float(value):.1f}"
    return f"{float(value):.3f}"


def _label(metric: str) -> str:
    return f"{metric} (lower is better)" if metric in LOWER_IS_BETTER else metric


# -------------------------------------------------------------------------------------- plain text


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _scopes(result: EvalResult) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    """(title, {system: summary}) for overall and each split."""
    scopes: list[tuple[str, dict[str, dict[str, Any]]]] = [
        ("overall", {name: s.overall for name, s in result.systems.items()})
    ]
    for split in result.assistant.by_split:
        scopes.append(
            (f"split: {split}", {name: s.by_split.get(split, {}) for name, s in result.systems.items()})
        )
    return scopes


def render_table(result: EvalResult) -> str:
    """The terminal table: metrics as rows, systems as columns, for overall and each split.

    Args:
        result: The evaluation result.

    Returns:
        Plain text, one block per scope.
    """
    blocks = []
    for title, summaries in _scopes(result):
        header = [title, *summaries]
        rows = [
            [_label(m), *(fmt(s.get(m), m) for s in summaries.values())]
            for m in TABLE_METRICS
            if any(m in s for s in summaries.values())
        ]
        blocks.append(_text_table(header, rows))
    return "\n\n".join(blocks)


def render_gate(failures: Sequence[str] | None, thresholds: Path) -> str:
    """One line (or a list) saying whether the assistant met the thresholds.

    Args:
        failures: From :func:`assistant.evaluation.gate.check`, or None when no thresholds file exists.
        thresholds: The thresholds file's path, for the message.

    Returns:
        The text to print.
    """
    if failures is None:
        return f"Gate: not checked (no {thresholds})."
    if not failures:
        return f"Gate ({thresholds}): passed."
    return f"Gate ({thresholds}): {len(failures)} failure(s):\n" + "\n".join(f"  - {f}" for f in failures)


# -------------------------------------------------------------------------------------- Markdown


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    aligns = ["---", *("---:" for _ in header[1:])]
    return "\n".join([line(header), "| " + " | ".join(aligns) + " |", *(line(r) for r in rows)])


def _summary_md(summaries: Mapping[str, Mapping[str, Any]]) -> str:
    rows = [
        [_label(m), *(fmt(s.get(m), m, "–") for s in summaries.values())]
        for m in TABLE_METRICS
        if any(m in s for s in summaries.values())
    ]
    return _md_table(["metric", *summaries], rows)


def _kind_md(system: SystemResult) -> str:
    rows = [
        [kind, *(fmt(summary.get(m), m, "–") for m in KIND_METRICS)]
        for kind, summary in system.by_kind.items()
    ]
    return _md_table(["kind", *KIND_METRICS], rows)


def history_section(previous: str | None) -> str:
    """The "## History" section of a previous report, verbatim, or a fresh empty one.

    Args:
        previous: The old report.md text, or None.

    Returns:
        The section from its heading up to the next level-2 heading (or the end), without trailing
        blank lines.
    """
    match = re.search(r"^## History[ \t]*$.*?(?=^## |\Z)", previous or "", flags=re.M | re.S)
    return match.group(0).rstrip() if match else f"{HISTORY}\n\n{_HISTORY_HINT}"


def _expected(item: Mapping[str, Any]) -> str:
    parts = []
    if item.get("answerable"):
        facts = ["/".join(group) for group in item.get("key_facts") or []]
        parts.append("key facts: " + ("; ".join(facts) if facts else "(none)"))
    else:
        parts.append("an abstention")
    if item.get("wrong_figures"):
        parts.append("not: " + "; ".join(item["wrong_figures"]))
    if item.get("must_not_contain"):
        parts.append("must not say: " + "; ".join(item["must_not_contain"]))
    return ", ".join(parts)


def _one_line(text: str, limit: int = _ANSWER_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


def _failing_md(result: EvalResult) -> str:
    system = result.assistant
    lines = []
    for item, row, answer in zip(result.items, system.rows, system.answers, strict=True):
        if row.get("passed"):
            continue
        critical = ", critical" if row.get("critical") else ""
        lines.append(f"- **{row['id']}** ({row['kind']}, {row['split']}{critical}): {item['question']}")
        lines.append(f"  - why: {'; '.join(failure_reasons(row)) or 'did not pass'}")
        lines.append(f"  - expected: {_expected(item)}")
        if answer is not None:
            lines.append(f"  - answer: {_one_line(str(answer.get('answer') or ''))}")
            top = [
                f"{p.get('doc_id')} ¶{p.get('paragraph') or '–'}" for p in (answer.get("passages") or [])[:3]
            ]
            lines.append(f"  - top passages: {', '.join(top) or '(none)'}")
    return "\n".join(lines) if lines else "None: every item passed."


def render_markdown(
    result: EvalResult, previous: str | None = None, failures: Sequence[str] | None = None
) -> str:
    """``eval/report.md``: summaries, per kind, per split, latency, determinism, failing items, History.

    Args:
        result: The evaluation result.
        previous: The existing report's text; its "## History" section is carried over unchanged.
        failures: Gate failures, or None when no gate was checked.

    Returns:
        The Markdown document.
    """
    meta = result.meta
    scopes = _scopes(result)
    parts = [
        "# Evaluation report",
        f"{meta.get('items', len(result.items))} questions, model {meta.get('model', '?')}, index "
        f"{meta.get('index_version', '?')}, run {meta.get('date', '?')} in {meta.get('seconds', '?')} s. "
        "Generated by `assistant eval`; edit only the History section.",
        "Baselines (bm25, dense, llama-index) answer with their top passage, never abstain and cite nothing; "
        "they get a follow-up's question text without its history.",
        "## Summary",
        _summary_md(scopes[0][1]),
    ]
    parts += ["## Per kind of question"]
    for name, system in result.systems.items():
        parts += [f"### {name}", _kind_md(system)]
    parts += ["## Per split"]
    for title, summaries in scopes[1:]:
        parts += [f"### {title.removeprefix('split: ')}", _summary_md(summaries)]
    lat = result.latency
    parts += [
        "## Latency (assistant, warm)",
        _md_table(
            ["p50 ms", "p95 ms", "mean ms", "questions"],
            [
                [
                    fmt(lat.get("p50_ms"), "_ms", "–"),
                    fmt(lat.get("p95_ms"), "_ms", "–"),
                    fmt(lat.get("mean_ms"), "_ms", "–"),
                    fmt(lat.get("n"), "n", "–"),
                ]
            ],
        ),
        "## Determinism",
        f"Answers identical (apart from timings) when the whole set is asked twice: "
        f"{fmt(result.determinism, 'determinism', '–')}.",
        "## Gate",
        _gate_md(failures),
        "## Failing assistant items",
        _failing_md(result),
        history_section(previous),
    ]
    return "\n\n".join(parts) + "\n"


def _gate_md(failures: Sequence[str] | None) -> str:
    if failures is None:
        return "Not checked: no thresholds file beside the gold set."
    if not failures:
        return "Passed: every threshold in `thresholds.toml` is met and every critical item passed."
    return "\n".join(f"- {f}" for f in failures)


# -------------------------------------------------------------------------------------- JSON


def _compact_answer(answer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    return {
        "id": answer.get("id"),
        "standalone_question": answer.get("standalone_question"),
        "answer": answer.get("answer"),
        "abstained": answer.get("abstained"),
        "citations": [
            {k: c.get(k) for k in ("n", "doc_id", "paragraph", "quote")}
            for c in answer.get("citations") or []
        ],
        "passages": [
            {k: p.get(k) for k in ("doc_id", "paragraph", "char_start", "char_end", "score")}
            for p in answer.get("passages") or []
        ],
        "timings_ms": answer.get("timings_ms"),
    }


def to_jsonable(result: EvalResult, failures: Sequence[str] | None = None) -> dict[str, Any]:
    """Everything in the result as plain JSON-ready data (answers compacted: passage texts left out).

    Args:
        result: The evaluation result.
        failures: Gate failures, or None when no gate was checked.

    Returns:
        ``meta``, ``latency``, ``determinism``, ``gate``, ``systems`` (each with ``overall``, ``split``,
        ``kind`` and ``rows``) and the assistant's ``answers``.
    """
    return {
        "meta": result.meta,
        "latency": result.latency,
        "determinism": result.determinism,
        "gate": {"checked": failures is not None, "failures": list(failures or [])},
        "systems": {name: {**s.summary(), "rows": s.rows} for name, s in result.systems.items()},
        "answers": [_compact_answer(a) for a in result.assistant.answers],
    }


def render_json(result: EvalResult, failures: Sequence[str] | None = None) -> str:
    """:func:`to_jsonable` as indented JSON text."""
    return json.dumps(to_jsonable(result, failures), ensure_ascii=False, indent=1) + "\n"


# -------------------------------------------------------------------------------------- chart


def render_chart(result: EvalResult) -> bytes:
    """A grouped bar chart (PNG) of hit@5, MRR@10, nDCG@10, evidence recall@5 and key-fact recall.

    Args:
        result: The evaluation result.

    Returns:
        PNG bytes. Drawn with the Agg canvas directly, so no display or pyplot state is involved.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    systems = list(result.systems.values())
    fig = Figure(figsize=(9, 4.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.8 / max(len(systems), 1)
    for i, system in enumerate(systems):
        xs = [m + (i - (len(systems) - 1) / 2) * width for m in range(len(CHART_METRICS))]
        values = [float(system.overall.get(key) or 0.0) for key, _ in CHART_METRICS]
        bars = ax.bar(xs, values, width, label=system.name)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7, padding=1)
    ax.set_xticks(range(len(CHART_METRICS)), [label for _, label in CHART_METRICS])
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("mean over the gold set")
    ax.set_title(f"Assistant vs baselines ({result.meta.get('items', len(result.items))} questions)")
    # Below the axes, so no bar is hidden whatever the values.
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=max(len(systems), 1), fontsize=8, frameon=False
    )
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
