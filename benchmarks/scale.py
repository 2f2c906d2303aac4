"""How the embedded default grows: synthetic copies of the national index at 1x, 10x, 50x (a benchmark).

Each copy of a report is the same text under a new id, area and year (so that scope and filters see
distinct reports), and its vectors are the real ones with a little noise (so that search does not meet
exact ties). Nothing is embedded again: embedding time is the measured rate times the texts, printed as an
estimate beside what was measured (writing the folder, building the keyword index, loading, answering).

Per scale: reports, passages, sentences, seconds to build the store and write the folder, folder size on
disk, seconds to load and memory after loading (this process's RSS), and warm answer latency p50/p95 over
the national questions. The machine is shared: compare rows of one run.

    python benchmarks/scale.py                  # 1x and 10x
    python benchmarks/scale.py --factors 1,10,50
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

INDEX = Path("eval/runs/national-index")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def replicate(index: Any, factor: int, seed: int = 0) -> tuple[Any, list[Any], list[Any], np.ndarray, np.ndarray]:
    """``factor`` copies of the index's documents, passages, sentences and vectors (copy 0 is the original)."""
    from assistant.ingest.corpus import CorpusLoad

    rng = np.random.default_rng(seed)
    docs, passages, sentences, layouts = [], [], [], {}
    pv, sv = [], []
    for k in range(factor):
        tag = "" if k == 0 else f"~{k}"
        for d in index.documents.values():
            year = int((d.date or "2020")[:4]) - (k % 10) * 11 if k else None  # other years, still plausible
            date = d.date if k == 0 else f"{year}{(d.date or '2020-01-01')[4:]}"
            area = d.area if k == 0 else f"{d.area or 'Area'} {k}"
            docs.append(replace(d, doc_id=d.doc_id + tag, filename=d.filename + tag, date=date, area=area,
                                sha256=f"{d.sha256[:56]}{k:08d}"))
            layouts[d.doc_id + tag] = index.layout(d.doc_id).lines if index.layout(d.doc_id).lines else ()
        offset = len(sentences)
        passages += [replace(p, passage_id=_renamed(p.passage_id, tag), doc_id=p.doc_id + tag) for p in index.passages]
        sentences += [replace(s, sentence_id=s.sentence_id + offset, passage_id=_renamed(s.passage_id, tag),
                              doc_id=s.doc_id + tag) for s in index.sentences]
        for vectors, out in ((index.passage_vectors, pv), (index.sentence_vectors, sv)):
            noisy = vectors if k == 0 else vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32)
            out.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    loaded = CorpusLoad(documents=tuple(docs), warnings=(), layouts=layouts, extracted={})
    return loaded, passages, sentences, np.vstack(pv), np.vstack(sv)


def _renamed(passage_id: str, tag: str) -> str:
    doc, number = passage_id.rsplit("#", 1)
    return f"{doc}{tag}#{number}"


def one_scale(factor: int, items: list[dict[str, Any]], embed_rate: float, read_rate: float) -> None:
    from assistant.index.build import _write_atomically, load_index
    from assistant.index.embedding import make_embedder, single_threaded
    from assistant.index.manifest import read_manifest
    from assistant.index.search_text import bm25_tokens
    from assistant.index.store import FaissStore
    from assistant.ingest.passages import embedding_text
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    source = load_index(INDEX)
    loaded, passages, sentences, pv, sv = replicate(source, factor)
    docs = {d.doc_id: d for d in loaded.documents}
    del source
    gc.collect()
    with tempfile.TemporaryDirectory(prefix=f"scale-{factor}x-", dir=INDEX.parent) as tmp:
        target = Path(tmp) / "index"
        started = time.perf_counter()
        keyword = bm25_tokens([embedding_text(p, docs[p.doc_id]) for p in passages])
        store = FaissStore.build(pv, sv, keyword, pv.shape[1])
        manifest = replace(read_manifest(INDEX), documents=len(docs), passages=len(passages), sentences=len(sentences),
                           files={d.filename: d.sha256 for d in docs.values()})
        _write_atomically(target, manifest, loaded, passages, sentences, [], store)
        write_s = time.perf_counter() - started
        del loaded, passages, sentences, pv, sv, store, docs
        gc.collect()
        size = folder_mb(target)
        base = rss_mb()
        started = time.perf_counter()
        index = load_index(target)
        load_s = time.perf_counter() - started
        single_threaded()
        settings = Settings.load(environ={})
        assistant = Assistant(index, make_embedder(settings), settings)
        for item in items[:10]:
            assistant.ask(item["question"])
        totals = [assistant.ask(item["question"]).timings_ms["total"] for item in items]
        memory = rss_mb() - base
        texts = len(index.passages) + len(index.sentences)
        print(f"{factor:>3}x  {len(index.documents):>6} reports  {len(index.passages):>8} passages  "
              f"{len(index.sentences):>9} sentences | store+write {write_s:7.1f} s  folder {size:8.0f} MB  "
              f"load {load_s:6.1f} s  memory {memory:7.0f} MB | p50 {np.percentile(totals, 50):6.1f} ms  "
              f"p95 {np.percentile(totals, 95):6.1f} ms | est. ingest from scratch "
              f"{len(index.documents) * read_rate + texts / embed_rate:8.0f} s", flush=True)
        del assistant, index
        gc.collect()
        shutil.rmtree(target, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factors", default="1,10", help="Comma-separated copies of the collection.")
    parser.add_argument("--questions", type=int, default=120, help="National questions answered per scale.")
    parser.add_argument("--embed-rate", type=float, default=0.0,
                        help="Texts embedded per second for the estimate (default: the national index's own).")
    args = parser.parse_args()

    from assistant.evaluation.national import national_data_dir, national_items
    from assistant.index.manifest import read_manifest

    data = national_data_dir()
    if data is None or not (INDEX / "manifest.json").is_file():
        raise SystemExit(f"Needs ../shared/ofsted and {INDEX} (built by `make eval`).")
    items = national_items(data / "judgements.csv", data / "reports")[: args.questions]
    work = read_manifest(INDEX).work
    rate = args.embed_rate or (float(work.get("texts_embedded", 0)) / max(float(work.get("embed_seconds", 1)), 1e-9))
    read_rate = float(work.get("read_seconds", 0)) / max(read_manifest(INDEX).documents, 1)
    print(f"estimates use {rate:.0f} texts/s embedded and {read_rate:.2f} s a report read "
          "(the national index's last build; pass --embed-rate to use another)")
    for factor in (int(f) for f in args.factors.split(",")):
        one_scale(factor, items, rate, read_rate)


if __name__ == "__main__":
    main()
