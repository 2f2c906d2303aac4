"""Run the national evaluation: index the real reports, ask every generated question, score, write reports.

The assistant and the baselines answer the same :func:`assistant.evaluation.national.national_items` over
the same collection: ``bm25`` and ``dense`` reuse the assistant's national index as they are; stock
``llama-index`` (default ``SentenceSplitter``, ``VectorStoreIndex``) reads the text the assistant's loaders
extracted from each PDF, written as one ``.txt`` per report beside the index, because llama-index's own
PDF reader (``llama-index-readers-file``) is not installed here. The questions are asked once each
(determinism and latency are the gold set's business).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.evaluation import national, national_compare, national_injected, national_wording
from assistant.evaluation.national_split import SPLITS, summarise_splits

if TYPE_CHECKING:
    from assistant.index.build import Index
    from assistant.index.embedding import Embedder
    from assistant.settings import Settings

log = logging.getLogger(__name__)

ASSISTANT = "assistant"
#: Where the national index is built and kept (eval/runs/ is not committed).
DEFAULT_INDEX_DIR = Path("eval/runs/national-index")


@dataclass
class SystemRun:
    """One system's answers to the national items, their scored rows and summary."""

    name: str
    answers: list[dict[str, Any] | None]
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    seconds: float


@dataclass
class NationalResult:
    """Everything a national run measured; the renderers read only this."""

    items: list[dict[str, Any]]
    systems: dict[str, SystemRun]
    #: Ids of items whose expected fact (from the table) is not in the expected report's indexed text.
    unverified: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    #: The assistant on the comparison questions (``national_compare``): per side, ``{"overall": figures}``.
    comparisons: dict[str, Any] = field(default_factory=dict)
    #: The assistant on the questions carrying a prompt injection (``national_injected``), the same shape.
    injected: dict[str, Any] = field(default_factory=dict)
    #: The assistant on the overall grade asked in other words (``national_wording``), the same shape.
    wording: dict[str, Any] = field(default_factory=dict)


def answer_all(
    answer: Callable[[Mapping[str, Any]], dict[str, Any]], items: Sequence[Mapping[str, Any]], desc: str,
    progress: bool,
) -> tuple[list[dict[str, Any] | None], float]:
    """Every item's answer (None where the system raised an AssistantError) and the seconds taken."""
    from tqdm import tqdm

    started = time.perf_counter()
    answers: list[dict[str, Any] | None] = []
    for item in tqdm(items, desc=desc, unit="q", disable=not progress, leave=False, dynamic_ncols=True):
        try:
            answers.append(answer(item))
        except AssistantError as exc:
            log.warning("%s could not answer %s: %s", desc, item.get("id"), exc)
            answers.append(None)
    return answers, round(time.perf_counter() - started, 1)


def _system(name: str, items: Sequence[Mapping[str, Any]], answers: list[dict[str, Any] | None],
            seconds: float, by: str) -> SystemRun:
    rows = national.score_all(items, answers, by)
    summary = national.summarise(rows)
    summary["splits"] = summarise_splits(rows, national.summarise)  # dev, held-out and all, by council
    return SystemRun(name, answers, rows, summary, seconds)


def write_texts(index: Index, folder: Path) -> Path:
    """Write each indexed document's text as ``<doc_id>.txt`` (only files that changed); drop others."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"{doc_id}.txt": doc.text for doc_id, doc in index.documents.items()}
    for path in folder.glob("*.txt"):
        if path.name not in wanted:
            path.unlink()
    for name, text in wanted.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return folder


def _baselines(index: Index, embedder: Embedder, texts_dir: Path) -> list[Any]:
    from assistant.evaluation.baselines import BM25Baseline, DenseBaseline, LlamaIndexBaseline

    return [
        BM25Baseline(index),
        DenseBaseline(index, embedder),
        LlamaIndexBaseline(write_texts(index, texts_dir), embedder, index.documents),
    ]


def run_national(
    settings: Settings,
    data_dir: Path,
    index_dir: Path = DEFAULT_INDEX_DIR,
    with_baselines: bool = True,
    progress: bool = True,
    cap: int = national.DEFAULT_CAP,
    embedder: Embedder | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> NationalResult:
    """Build (or reuse, when current) the national index, then score the assistant and the baselines.

    Args:
        settings: Retrieval and answering settings (its ``index_dir`` and ``corpus_dir`` are not used).
        data_dir: The national sample: ``judgements.csv`` and ``reports/``.
        index_dir: Where the national index is kept; rebuilt only when stale.
        with_baselines: Also score ``bm25``, ``dense`` and ``llama-index``.
        progress: Progress bars on stderr.
        cap: Most questions.
        embedder: Defaults to the bundled model.
        on_warning: Called with each loader or index warning.

    Returns:
        The :class:`NationalResult`.

    Example:
        >>> result = run_national(Settings.load(), national_data_dir())   # doctest: +SKIP
        >>> result.systems["assistant"].summary["overall"]["right_report_first"]  # doctest: +SKIP
        0.9
    """
    from assistant.pipeline import Assistant

    started = time.perf_counter()
    reports = Path(data_dir) / "reports"
    items = national.national_items(Path(data_dir) / "judgements.csv", reports, cap)
    assistant = Assistant.load(index_dir=index_dir, corpus_dir=reports, settings=settings, embedder=embedder,
                               show_progress=progress, on_warning=on_warning)
    load_seconds = round(time.perf_counter() - started, 1)
    documents = assistant.index.documents
    unverified = national.facts_in_texts(items, lambda d: documents[d].text if d in documents else None)

    def ask(item: Mapping[str, Any]) -> dict[str, Any]:
        return assistant.ask(item["question"], id=item["id"]).to_dict()

    answers, seconds = answer_all(ask, items, ASSISTANT, progress)
    systems = {ASSISTANT: _system(ASSISTANT, items, answers, seconds, "citations")}
    pairs = national_compare.comparison_items(Path(data_dir) / "judgements.csv", reports)
    pair_answers, _ = answer_all(ask, pairs, "comparisons", progress)
    pair_rows = [national_compare.score_comparison(i, a or {}) for i, a in zip(pairs, pair_answers, strict=True)]
    comparisons = summarise_splits(pair_rows, national_compare.summarise)
    attacked = national_injected.injected_items(items)
    attacked_answers, _ = answer_all(ask, attacked, "injected", progress)
    attacked_rows = [national_injected.score_injected(i, a or {})
                     for i, a in zip(attacked, attacked_answers, strict=True)]
    injected = summarise_splits(attacked_rows, national_injected.summarise)
    reworded = national_wording.wording_items(Path(data_dir) / "judgements.csv", reports)
    reworded_answers, _ = answer_all(ask, reworded, "wording", progress)
    wording = summarise_splits(national.score_all(reworded, reworded_answers, "citations"),
                               national_wording.summarise)
    if with_baselines:
        build_started = time.perf_counter()
        baselines = _baselines(assistant.index, assistant.embedder, Path(index_dir).parent / "national-texts")
        baseline_build = round(time.perf_counter() - build_started, 1)
        for baseline in baselines:
            answers, seconds = answer_all(baseline.answer, items, baseline.name, progress)
            systems[baseline.name] = _system(baseline.name, items, answers, seconds, "passages")
    meta = {
        "items": len(items),
        "councils": len({i["council"] for i in items}),
        "split_councils": {side: sorted({i["council"] for i in items if i["split"] == side}) for side in SPLITS},
        "documents": len(documents),
        "passages": len(assistant.index.passages),
        "skipped": sorted(assistant.index.manifest.skipped),
        "index_version": assistant.index_version,
        "model": assistant.embedder.name,
        "load_seconds": load_seconds,
        "baseline_build_seconds": baseline_build if with_baselines else None,
        "seconds": round(time.perf_counter() - started, 1),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    return NationalResult(items, systems, unverified, meta, comparisons, injected, wording)


def write_national(result: NationalResult, out_dir: Path) -> dict[str, Path]:
    """Write ``national.md``, ``national.json`` and ``national.png`` into ``out_dir``; return their paths."""
    from assistant.evaluation import national_report

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"md": out_dir / "national.md", "json": out_dir / "national.json", "chart": out_dir / "national.png"}
    paths["md"].write_text(national_report.render_markdown(result), encoding="utf-8")
    paths["json"].write_text(national_report.render_json(result), encoding="utf-8")
    paths["chart"].write_bytes(national_report.render_chart(result))
    return paths


def run_national_cli(settings: Settings, data_dir: Path, out_dir: Path, with_baselines: bool,
                     to_stderr: bool = False) -> None:
    """The national part of ``assistant eval``: run, write the reports, print the table.

    Args:
        settings: The CLI's settings.
        data_dir: The national sample folder (see :func:`national.national_data_dir`).
        out_dir: Where ``national.md``, ``national.json`` and ``national.png`` go.
        with_baselines: Also score the baselines.
        to_stderr: Print to stderr (when stdout carries the gold set's JSON).
    """
    import click

    from assistant.evaluation.national_report import render_table

    click.echo(f"National evaluation over {data_dir} (index {DEFAULT_INDEX_DIR}).", err=True)
    # Every uncatalogued report warns once on a build: count them rather than print 170 lines.
    warnings: list[str] = []
    result = run_national(settings, data_dir, with_baselines=with_baselines, on_warning=warnings.append)
    if warnings:
        click.echo(f"{len(warnings)} warning(s) while indexing the national reports, e.g. {warnings[0]}", err=True)

    paths = write_national(result, Path(out_dir))
    click.echo(render_table(result), err=to_stderr)
    click.echo(f"Wrote {paths['md']}, {paths['json']} and {paths['chart']} ({result.meta['seconds']} s).",
               err=to_stderr)
