"""Warm query latency of ``Assistant.ask`` on this machine, as a benchmark (never a unit test).

Measures each index in the same run, one line each, so they compare as ratios (the machine is shared and
noisy: absolute numbers drift between runs):

- the seed index (``./index``) with the gold-set questions;
- the national index (``eval/runs/national-index``, 171 real Ofsted reports, built by ``make eval``) with the
  national evaluation's questions, when ``../shared/ofsted`` and that index are there.

Torch, onnxruntime and FAISS run on one thread, as when serving (answers run side by side, one per core).
Prints p50/p95 per stage (retrieve, answer, total) after a warm-up pass.

    python benchmarks/latency.py [--repeat 3] [--no-national]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(label: str, assistant: Any, questions: list[dict[str, Any]], repeat: int) -> None:
    for q in questions[:20]:  # warm-up: caches, lazily built structures, the one-thread session
        assistant.ask(q["question"], q.get("history"))
    totals: dict[str, list[float]] = {"retrieve": [], "answer": [], "total": []}
    started = time.perf_counter()
    for _ in range(repeat):
        for q in questions:
            timings = assistant.ask(q["question"], q.get("history")).timings_ms
            for key in totals:
                totals[key].append(timings[key])
    wall = time.perf_counter() - started
    index = assistant.index
    print(f"{label}: {len(index.documents)} reports, {len(index.passages)} passages, {len(index.sentences)} "
          f"sentences; {len(totals['total'])} questions in {wall:.1f} s")
    for key, values in totals.items():
        print(f"  {key:8s} p50 {percentile(values, 50):6.1f} ms   p95 {percentile(values, 95):6.1f} ms   "
              f"mean {statistics.fmean(values):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="Passes over each question set.")
    parser.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"))
    parser.add_argument("--national", action=argparse.BooleanOptionalAction, default=True,
                        help="Also measure the national index when it is there (default: yes).")
    args = parser.parse_args()

    from assistant.evaluation.national import national_data_dir, national_items
    from assistant.evaluation.national_run import DEFAULT_INDEX_DIR
    from assistant.index.build import read_manifest
    from assistant.index.embedding import make_embedder, single_threaded
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    single_threaded()
    settings = Settings.load()
    embedder = make_embedder(settings)
    gold = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line]
    print(f"embedder: {embedder.name} ({settings.embedding_runtime})")
    measure("seed index", Assistant.load(settings=settings, embedder=embedder), gold, args.repeat)

    data = national_data_dir()
    if not args.national:
        return
    if data is None or not (DEFAULT_INDEX_DIR / "manifest.json").is_file():
        print(f"national index: skipped (needs ../shared/ofsted and {DEFAULT_INDEX_DIR}, built by `make eval`)")
        return
    items = national_items(data / "judgements.csv", data / "reports")
    # Served as built: the benchmark never starts an hour-long rebuild.
    national = Assistant.load(index_dir=DEFAULT_INDEX_DIR, corpus_dir=Path("/nonexistent"), settings=settings,
                              embedder=embedder)
    print(f"national index built {read_manifest(DEFAULT_INDEX_DIR).built_at}")
    measure("national index", national, items, max(1, args.repeat - 1))


if __name__ == "__main__":
    main()
