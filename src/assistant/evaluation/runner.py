"""Run the gold set through the assistant (and the baselines), score it, and write the reports.

The assistant answers every item twice: the first pass is scored and timed (after one warm-up
question), the second is compared with the first to measure determinism. Baselines answer once. The
scoring itself is :mod:`assistant.evaluation.metrics`; the rendering is :mod:`assistant.evaluation.report`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.evaluation import metrics

if TYPE_CHECKING:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

log = logging.getLogger(__name__)

ASSISTANT = "assistant"
#: The empty answer a failed item is scored against, so that it counts as a miss everywhere.
_NO_ANSWER: dict[str, Any] = {"answer": "", "abstained": False, "citations": [], "passages": []}


@dataclass
class SystemResult:
    """One system's answers, per-item rows and summaries.

    ``overall``, each ``by_split`` and each ``by_kind`` value are :func:`metrics.aggregate` dicts; the
    overall and per-split ones also carry ``key_fact_recall_numbers_dates`` and
    ``key_fact_recall_followups``, and for the assistant the overall one carries ``latency_p50_ms``,
    ``latency_p95_ms`` and ``determinism``.
    """

    name: str
    rows: list[dict[str, Any]]
    answers: list[dict[str, Any] | None]
    overall: dict[str, Any]
    by_split: dict[str, dict[str, Any]]
    by_kind: dict[str, dict[str, Any]]

    def summary(self) -> dict[str, Any]:
        """The summaries in the shape :func:`assistant.evaluation.gate.check` reads."""
        return {"overall": self.overall, "split": self.by_split, "kind": self.by_kind}


@dataclass
class EvalResult:
    """Everything one evaluation run measured; the renderers and the gate read only this."""

    items: list[dict[str, Any]]
    systems: dict[str, SystemResult]
    latency: dict[str, float | None]
    determinism: float | None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def assistant(self) -> SystemResult:
        return self.systems[ASSISTANT]


# ------------------------------------------------------------------------------------------ scoring


def score_answers(
    items: Sequence[Mapping[str, Any]],
    answers: Sequence[Mapping[str, Any] | None],
    errors: Sequence[str | None],
) -> list[dict[str, Any]]:
    """Score each answer; a failed item (``None`` answer) is scored as an empty answer and fails.

    Args:
        items: Gold items.
        answers: Answer dicts in the same order; ``None`` where the system raised.
        errors: The error message per item, or ``None``.

    Returns:
        One :func:`metrics.score_item` row per item; failed rows also have ``error`` and ``passed=False``.
    """
    rows = []
    for item, answer, error in zip(items, answers, errors, strict=True):
        row = metrics.score_item(item, answer if answer is not None else _NO_ANSWER)
        if error is not None:
            row["error"] = error
            row["passed"] = False
        rows.append(row)
    return rows


def _mean_of(rows: Sequence[Mapping[str, Any]], metric: str, kinds: Sequence[str]) -> float | None:
    values = [float(r[metric]) for r in rows if r.get("kind") in kinds and r.get(metric) is not None]
    return sum(values) / len(values) if values else None


def summarise(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """:func:`metrics.aggregate` plus the two named key-fact recalls.

    Args:
        rows: Scored rows.

    Returns:
        The aggregate with ``key_fact_recall_numbers_dates`` (mean over number and date rows) and
        ``key_fact_recall_followups`` (mean over follow-up rows); None where there are no such rows.
    """
    out: dict[str, Any] = dict(metrics.aggregate(rows))
    out["key_fact_recall_numbers_dates"] = _mean_of(rows, "key_fact_recall", ("number", "date"))
    out["key_fact_recall_followups"] = _mean_of(rows, "key_fact_recall", ("followup",))
    return out


def system_result(
    name: str,
    items: Sequence[Mapping[str, Any]],
    answers: Sequence[Mapping[str, Any] | None],
    errors: Sequence[str | None],
) -> SystemResult:
    """Score and summarise one system's answers overall, per split and per kind."""
    rows = score_answers(items, answers, errors)
    splits = sorted({str(r["split"]) for r in rows})
    kinds = list(dict.fromkeys(str(r["kind"]) for r in rows))
    return SystemResult(
        name=name,
        rows=rows,
        answers=[dict(a) if a is not None else None for a in answers],
        overall=summarise(rows),
        by_split={s: summarise([r for r in rows if r["split"] == s]) for s in splits},
        by_kind={k: dict(metrics.aggregate([r for r in rows if r["kind"] == k])) for k in kinds},
    )


# ------------------------------------------------------------------------------------------ running


def _progress(total: int, desc: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="q", disable=not enabled, leave=False, dynamic_ncols=True)


def _run(
    answer: Callable[[Mapping[str, Any]], dict[str, Any]],
    items: Sequence[Mapping[str, Any]],
    desc: str,
    progress: bool,
) -> tuple[list[dict[str, Any] | None], list[str | None]]:
    """Answer every item; an AssistantError fails that item only."""
    answers: list[dict[str, Any] | None] = []
    errors: list[str | None] = []
    with _progress(len(items), desc, progress) as bar:
        for item in items:
            try:
                answers.append(answer(item))
                errors.append(None)
            except AssistantError as exc:
                log.warning("%s could not answer %s: %s", desc, item.get("id"), exc)
                answers.append(None)
                errors.append(f"{type(exc).__name__}: {exc}")
            bar.update(1)
    return answers, errors


def _asker(assistant: Assistant) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    def ask(item: Mapping[str, Any]) -> dict[str, Any]:
        return assistant.ask(item["question"], item.get("history") or None, id=item.get("id")).to_dict()

    return ask


def _without_timings(answer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if answer is None else {k: v for k, v in answer.items() if k != "timings_ms"}


def determinism(
    first: Sequence[Mapping[str, Any] | None], second: Sequence[Mapping[str, Any] | None]
) -> float | None:
    """Share of items whose two answers are identical apart from ``timings_ms``.

    Args:
        first: Answers of the first pass (``None`` for a failed item).
        second: Answers of the second pass, same order.

    Returns:
        The identical fraction (two failures count as identical), or None for no items.
    """
    if not first:
        return None
    same = sum(1 for a, b in zip(first, second, strict=True) if _without_timings(a) == _without_timings(b))
    return same / len(first)


def latency(answers: Sequence[Mapping[str, Any] | None]) -> dict[str, float | None]:
    """p50, p95 and mean of the answers' ``timings_ms["total"]`` in milliseconds (None without any)."""
    totals = [float(a["timings_ms"]["total"]) for a in answers if a is not None and a.get("timings_ms")]
    if not totals:
        return {"p50_ms": None, "p95_ms": None, "mean_ms": None, "n": 0}
    return {
        "p50_ms": round(metrics.percentile(totals, 50), 2),
        "p95_ms": round(metrics.percentile(totals, 95), 2),
        "mean_ms": round(sum(totals) / len(totals), 2),
        "n": len(totals),
    }


def evaluate(
    assistant: Assistant,
    items: Sequence[Mapping[str, Any]],
    with_baselines: bool = True,
    progress: bool = True,
    corpus_dir: Path | None = None,
) -> EvalResult:
    """Score the assistant (and, optionally, the three baselines) on the gold items.

    Args:
        assistant: A loaded :class:`assistant.pipeline.Assistant`.
        items: Gold items, as from :func:`assistant.evaluation.gold.load_gold`.
        with_baselines: Also score ``bm25``, ``dense`` and ``llama-index``.
        progress: Show tqdm progress bars on stderr.
        corpus_dir: Reports folder for the llama-index baseline; default ``assistant.settings.corpus_dir``.

    Returns:
        The :class:`EvalResult`.

    Example:
        >>> result = evaluate(Assistant.load(), load_gold("eval/questions.jsonl"))  # doctest: +SKIP
        >>> result.assistant.overall["hit@5"]                                         # doctest: +SKIP
        0.97
    """
    started = time.perf_counter()
    gold = [dict(item) for item in items]
    if gold:
        assistant.ask(gold[0]["question"])  # warm-up: first-call costs are not latency
    first, errors = _run(_asker(assistant), gold, "assistant", progress)
    second, _ = _run(_asker(assistant), gold, "assistant (repeat)", progress)
    ours = system_result(ASSISTANT, gold, first, errors)
    lat = latency(first)
    same = determinism(first, second)
    ours.overall.update(latency_p50_ms=lat["p50_ms"], latency_p95_ms=lat["p95_ms"], determinism=same)
    systems = {ASSISTANT: ours}
    if with_baselines:
        systems.update(_baselines(assistant, gold, progress, corpus_dir))
    meta = {
        "items": len(gold),
        "index_version": assistant.index_version,
        "model": assistant.embedder.name,
        "seconds": round(time.perf_counter() - started, 1),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    return EvalResult(gold, systems, lat, same, meta)


def _baselines(
    assistant: Assistant, items: Sequence[Mapping[str, Any]], progress: bool, corpus_dir: Path | None
) -> dict[str, SystemResult]:
    from assistant.evaluation.baselines import build_baselines

    out = {}
    for baseline in build_baselines(
        assistant.index, assistant.embedder, corpus_dir or assistant.settings.corpus_dir
    ):
        answers, errors = _run(baseline.answer, items, baseline.name, progress)
        out[baseline.name] = system_result(baseline.name, items, answers, errors)
    return out


# ------------------------------------------------------------------------------------------ the CLI


def write_reports(result: EvalResult, out_dir: Path, failures: list[str] | None = None) -> dict[str, Path]:
    """Write ``report.md`` (keeping its "## History" section), ``report.json`` and ``chart.png``.

    Args:
        result: The evaluation result.
        out_dir: Folder to write to (created if missing).
        failures: Gate failures to list in the report, or None when no gate was checked.

    Returns:
        The written paths by name (``"md"``, ``"json"``, ``"chart"``).
    """
    from assistant.evaluation import report

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"md": out_dir / "report.md", "json": out_dir / "report.json", "chart": out_dir / "chart.png"}
    previous = paths["md"].read_text(encoding="utf-8") if paths["md"].is_file() else None
    paths["md"].write_text(report.render_markdown(result, previous, failures), encoding="utf-8")
    paths["json"].write_text(report.render_json(result, failures), encoding="utf-8")
    paths["chart"].write_bytes(report.render_chart(result))
    return paths


def run_cli(
    settings: Settings, questions_path: Path, out_dir: Path, as_json: bool, with_baselines: bool
) -> bool:
    """The ``assistant eval`` command: load, evaluate, write the reports, print a table (or JSON).

    The gate (``thresholds.toml`` beside the gold set) is checked when that file exists; its failures
    are listed in the output and the report. Returns whether the gate passed (True when there is none);
    the reports are written either way.

    Args:
        settings: The CLI's settings (index and corpus folders, retrieval tunables).
        questions_path: The gold set (JSON lines).
        out_dir: Where ``report.md``, ``report.json`` and ``chart.png`` go.
        as_json: Print the JSON report instead of the table.
        with_baselines: Also score the three baselines.
    """
    import click

    from assistant.evaluation import gate, report
    from assistant.evaluation.gold import load_gold
    from assistant.pipeline import Assistant

    items = load_gold(questions_path)
    assistant = Assistant.load(
        settings=settings, show_progress=True, on_warning=lambda m: click.echo(f"Warning: {m}", err=True)
    )
    result = evaluate(assistant, items, with_baselines=with_baselines, progress=True)
    thresholds = Path(questions_path).with_name("thresholds.toml")
    failures = (
        gate.check(result.assistant.summary(), result.assistant.rows, thresholds)
        if thresholds.is_file()
        else None
    )
    paths = write_reports(result, Path(out_dir), failures)
    if as_json:
        click.echo(json.dumps(report.to_jsonable(result, failures), ensure_ascii=False, indent=1))
        return not failures
    click.echo(report.render_table(result))
    click.echo(report.render_gate(failures, thresholds))
    click.echo(f"Wrote {paths['md']}, {paths['json']} and {paths['chart']} ({result.meta['seconds']} s).")
    return not failures
