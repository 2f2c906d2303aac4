"""Where ingest time goes, as a benchmark (never a unit test): a cold build of a folder of reports, then
the same index with one report added (extracted texts and embeddings reused).

Each build runs in its own process so that its peak memory is its own. Prints, per build: seconds in all
and per report, seconds reading files, splitting and embedding, passages/s and sentences/s, texts embedded
and reused, and peak memory. The machine is shared: compare runs made in the same minutes.

    python benchmarks/ingest.py                       # ../shared/ofsted/reports when present, else corpus/
    python benchmarks/ingest.py --corpus DIR --limit 40
    python benchmarks/ingest.py --limit 10 --runtimes torch,onnx   # the runtimes side by side, same run
    python benchmarks/ingest.py --runtimes onnx,onnx-int8+pooled   # the default and the fast build
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT.parent / "shared" / "ofsted" / "reports"


def build(corpus: Path, index: Path) -> dict[str, object]:
    """Build (or update) ``index`` from ``corpus`` in this process; what it measured."""
    from assistant.index.build import build_index
    from assistant.index.embedding import make_embedder
    from assistant.ingest.passages import SplitterSettings
    from assistant.settings import Settings

    settings = Settings.load()  # ASSISTANT_EMBEDDING_RUNTIME and ASSISTANT_PASSAGE_VECTORS pick what is measured
    embedder = make_embedder(settings)
    started = time.perf_counter()
    manifest = build_index(corpus, index, embedder, SplitterSettings(), passage_vectors=settings.passage_vectors)
    wall = time.perf_counter() - started
    return {
        "wall_seconds": round(wall, 2),
        "documents": manifest.documents,
        "skipped": len(manifest.skipped),
        "passages": manifest.passages,
        "sentences": manifest.sentences,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **manifest.work,
    }


def _in_subprocess(corpus: Path, index: Path, profile: str) -> dict[str, object]:
    runtime, _, passages = profile.partition("+")
    env = {**os.environ, "ASSISTANT_EMBEDDING_RUNTIME": runtime, "ASSISTANT_PASSAGE_VECTORS": passages or "embedded"}
    out = subprocess.run(
        [sys.executable, __file__, "--one-build", str(corpus), str(index)], check=True, capture_output=True,
        text=True, env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _report(label: str, m: dict[str, object]) -> None:
    docs = max(1, int(m["documents"]))  # type: ignore[call-overload]
    embed = float(m.get("embed_seconds", 0) or 0)  # type: ignore[arg-type]
    print(f"{label}: {m['documents']} reports ({m['skipped']} skipped), {m['passages']} passages, "
          f"{m['sentences']} sentences in {m['wall_seconds']} s ({float(m['wall_seconds']) / docs:.2f} s a report)")  # type: ignore[arg-type]
    print(f"  read {m.get('read_seconds')} s ({m.get('files_read')} files read afresh), split "
          f"{m.get('split_seconds')} s, embed {embed} s ({m.get('texts_embedded')} texts embedded, "
          f"{m.get('texts_reused')} reused), peak memory {m['peak_rss_mb']} MB")
    if embed and m.get("texts_embedded"):
        print(f"  {int(m['texts_embedded']) / embed:.1f} texts/s embedded")  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=NATIONAL if NATIONAL.is_dir() else ROOT / "corpus")
    parser.add_argument("--limit", type=int, default=0, help="Use only the first N files (0: all).")
    parser.add_argument("--runtimes", default="onnx",
                        help="Comma-separated embedding runtimes to build with, one after the other: onnx, "
                             "onnx-int8, torch, each optionally with '+pooled' (passage vectors pooled from "
                             "their sentences'); default: onnx.")
    parser.add_argument("--one-build", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_build:
        print(json.dumps(build(*args.one_build)))
        return
    every = sorted(p for p in args.corpus.iterdir() if p.is_file() and not p.name.startswith("."))
    catalog = [p for p in every if p.name == "catalog.toml"]
    files = [p for p in every if p.name != "catalog.toml"]
    files = files[: args.limit] if args.limit else files
    print(f"Corpus: {args.corpus} ({len(files)} files; the last one is added afterwards)")
    for runtime in args.runtimes.split(","):
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
            corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
            corpus.mkdir()
            *first, last = files
            for f in [*catalog, *first]:
                os.symlink(f.resolve(), corpus / f.name)
            _report(f"[{runtime}] cold build", _in_subprocess(corpus, index, runtime))
            shutil.copy(last, corpus / last.name)
            _report(f"[{runtime}] adding {last.name}", _in_subprocess(corpus, index, runtime))


if __name__ == "__main__":
    main()
