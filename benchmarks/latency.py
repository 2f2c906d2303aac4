"""Warm query latency of ``Assistant.ask`` on this machine, as a benchmark (never a unit test).

Runs every gold-set question a few times after a warm-up and prints p50/p95 per stage, once with torch
and FAISS on one thread and once on all cores, so the two can be compared as a ratio within one run
(the machine is shared and noisy: absolute numbers drift between runs).

    python benchmarks/latency.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="Passes over the question set per setting.")
    parser.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"))
    args = parser.parse_args()

    import faiss
    import torch

    from assistant.pipeline import Assistant

    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line]
    assistant = Assistant.load()
    cores = os.cpu_count() or 1
    for threads in (1, cores):
        torch.set_num_threads(threads)
        faiss.omp_set_num_threads(threads)
        assistant.ask("warm up")
        totals: dict[str, list[float]] = {"retrieve": [], "answer": [], "total": []}
        started = time.perf_counter()
        for _ in range(args.repeat):
            for q in questions:
                timings = assistant.ask(q["question"], q.get("history")).timings_ms
                for key in totals:
                    totals[key].append(timings[key])
        wall = time.perf_counter() - started
        print(f"threads={threads}: {len(totals['total'])} questions in {wall:.1f} s")
        for key, values in totals.items():
            print(f"  {key:8s} p50 {percentile(values, 50):6.1f} ms   p95 {percentile(values, 95):6.1f} ms   "
                  f"mean {statistics.fmean(values):6.1f} ms")


if __name__ == "__main__":
    main()
