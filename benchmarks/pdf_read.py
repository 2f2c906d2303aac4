"""PDF reading benchmark: the loader's pypdfium2 path against the pdfplumber path it replaced (issue #18).

For every PDF in a folder (default ``../shared/ofsted/reports``), in a pool of worker processes, each file is
loaded twice in the same worker, by the old path (pdfplumber's characters and ruling, kept here and only here)
and by the product's ``PdfLoader``, in alternating order so neither always runs on a warm cache. Both paths
share everything after the reading (``page_lines``, ``judgement_table``, ``compose_report``), so any
difference comes from the characters and edges the two libraries give.

Prints CPU seconds per page (reading only, and the whole load) for both paths and their ratio; how many
reports give identical ``text``, ``headings``, ``meta`` and line boxes (same spans, every box edge within
0.5 pt); and, for each report that differs, a short summary (the first differing lines of text, the meta keys
that differ, the largest box difference).

    python benchmarks/pdf_read.py [--folder DIR] [--workers 2] [--limit N] [--json out.json]
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from assistant.ingest.loaders.base import LoadedText, SkipFile
from assistant.ingest.loaders.pdf import PdfLoader, compose_report, read_pages
from assistant.ingest.loaders.pdf_layout import PageContent
from assistant.ingest.loaders.pdf_lines import page_lines
from assistant.ingest.loaders.pdf_table import TableRow, judgement_table

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = ROOT.parent / "shared" / "ofsted" / "reports"
BOX_TOLERANCE = 0.5  # points


def _plumber_char(char: dict[str, Any]) -> dict[str, Any]:
    """pdfplumber's character with the baseline the old ``pdf_lines`` computed from its matrix."""
    record = dict(char)
    record["baseline"] = float(char["bottom"]) - (float(char["matrix"][5]) - float(char["y0"]))
    return record


def old_read_pages(raw: bytes) -> tuple[dict[str, str], list[PageContent]]:
    """The loader's reading before issue #18: pdfplumber's characters, and its ruling for the table pages."""
    import pdfplumber

    pages: list[PageContent] = []
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        meta = {str(k): str(v) for k, v in (pdf.metadata or {}).items()}
        found_table = False
        for number, page in enumerate(pdf.pages, start=1):
            chars = [_plumber_char(c) for c in page.chars]
            rows: list[TableRow] = []
            used: set[int] = set()
            if not found_table and number <= 2:
                rows, used = judgement_table(page.edges, bool(page.rects or page.lines), chars, number)
                found_table = bool(rows)
            lines = page_lines([c for c in chars if id(c) not in used] if used else chars, number)
            pages.append(PageContent(number, float(page.height), tuple(lines), tuple(rows)))
            page.flush_cache()
    return meta, pages


def _timed(read: Any, raw: bytes) -> tuple[LoadedText | str, float, float]:
    """The loaded text (or the skip reason), CPU seconds reading and CPU seconds in all."""
    start = time.process_time()
    try:
        meta, pages = read(raw)
        read_end = time.process_time()
        loaded: LoadedText | str = compose_report(pages, meta)
    except SkipFile as exc:
        return exc.reason, time.process_time() - start, time.process_time() - start
    return loaded, read_end - start, time.process_time() - start


def _box_gap(old: LoadedText, new: LoadedText) -> float | None:
    """The largest difference between matching line boxes, or None when the lines do not pair up."""
    if len(old.lines) != len(new.lines):
        return None
    worst = 0.0
    for a, b in zip(old.lines, new.lines, strict=True):
        if (a.char_start, a.char_end, a.page) != (b.char_start, b.char_end, b.page):
            return None
        worst = max(worst, *(abs(x - y) for x, y in zip(
            (a.box.x0, a.box.top, a.box.x1, a.box.bottom), (b.box.x0, b.box.top, b.box.x1, b.box.bottom),
            strict=True)))
    return worst


def _text_diff(old: str, new: str, limit: int = 6) -> list[str]:
    """The first differing lines ("-" old, "+" new), blank ones left out; or, when only blank lines differ,
    how many paragraph breaks moved."""
    changed = [ln for ln in difflib.unified_diff(old.split("\n"), new.split("\n"), lineterm="", n=0)
               if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    lines = [ln for ln in changed if ln[1:].strip()]
    if not lines:
        return [f"same lines of text; only blank lines between them differ ({len(changed)} added or removed)"]
    return [ln[:160] for ln in lines[:limit]]


def compare_file(path: Path, new_first: bool) -> dict[str, Any]:
    """Both paths on one file (run in a worker process)."""
    raw = path.read_bytes()
    out: dict[str, Any] = {"name": path.name}
    if not PdfLoader().sniff(raw[:1024]):
        out["skipped"] = "not a PDF"
        return out
    paths = {"old": old_read_pages, "new": lambda data: read_pages(data, path.name)}
    order = ("new", "old") if new_first else ("old", "new")
    results = {which: _timed(paths[which], raw) for which in order}
    old, new = results["old"][0], results["new"][0]
    out.update({f"{which}_read": results[which][1] for which in paths})
    out.update({f"{which}_total": results[which][2] for which in paths})
    if isinstance(old, str) or isinstance(new, str):
        says = {which: r if isinstance(r, str) else "loaded" for which, r in (("old", old), ("new", new))}
        out["skipped"] = f"old: {says['old']}; new: {says['new']}"
        out["same_skip"] = old == new
        return out
    out["pages"] = new.page_count
    out["same_pages"] = old.page_count == new.page_count
    out["same_text"] = old.text == new.text
    out["same_headings"] = old.headings == new.headings
    out["same_meta"] = dict(old.meta) == dict(new.meta)
    gap = _box_gap(old, new)
    out["box_gap"] = gap
    out["same_boxes"] = gap is not None and gap <= BOX_TOLERANCE
    if not out["same_text"]:
        out["text_diff"] = _text_diff(old.text, new.text)
    if not out["same_meta"]:
        keys = sorted(set(old.meta) | set(new.meta))
        out["meta_diff"] = {k: [old.meta.get(k), new.meta.get(k)] for k in keys if old.meta.get(k) != new.meta.get(k)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER, help="folder of PDFs (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (default: all)")
    parser.add_argument("--json", type=Path, help="also write every file's result to this JSON file")
    args = parser.parse_args(argv)
    files = sorted(args.folder.glob("*.pdf"))[: args.limit or None]
    if not files:
        print(f"no PDFs in {args.folder}; pass --folder", file=sys.stderr)
        return 2
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(compare_file, files, [i % 2 == 0 for i in range(len(files))]))
    wall = time.perf_counter() - start
    loaded = [r for r in results if "pages" in r]
    pages = sum(r["pages"] for r in loaded)
    print(f"{len(files)} files, {len(loaded)} loaded by both paths, {pages} pages; {wall:.0f} s wall "
          f"({args.workers} processes)")
    for part in ("read", "total"):
        old = sum(r[f"old_{part}"] for r in loaded)
        new = sum(r[f"new_{part}"] for r in loaded)
        label = "reading" if part == "read" else "whole load"
        print(f"  {label:10s} old {old / pages:.4f} s/page ({old:.1f} s CPU), new {new / pages:.4f} s/page "
              f"({new:.1f} s CPU): {old / new:.1f}x faster")
    for key in ("same_pages", "same_text", "same_headings", "same_meta", "same_boxes"):
        print(f"  {key.replace('_', ' ')}: {sum(bool(r[key]) for r in loaded)} of {len(loaded)}")
    skipped = [r for r in results if "skipped" in r]
    for r in skipped:
        print(f"  skipped {r['name']}: {r['skipped']}")
    worst = max((r["box_gap"] for r in loaded if r["box_gap"] is not None), default=0.0)
    print(f"  largest line-box difference where the lines pair up: {worst:.3f} pt")
    for r in loaded:
        if all(r[k] for k in ("same_text", "same_headings", "same_meta", "same_boxes")):
            continue
        boxes = "within 0.5 pt" if r["same_boxes"] else f"differ (largest {r['box_gap']})"
        print(f"\n{r['name']}: text {'same' if r['same_text'] else 'differs'}, headings "
              f"{'same' if r['same_headings'] else 'differ'}, meta {'same' if r['same_meta'] else 'differs'}, "
              f"boxes {boxes}")
        for line in r.get("text_diff", []):
            print(f"    {line}")
        if "meta_diff" in r:
            print(f"    meta (old, new): {r['meta_diff']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
