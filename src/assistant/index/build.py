"""The index: documents split into passages and sentences, embedded (``vectors``) and made searchable by a
``store`` (FAISS and bm25s by default), in a folder that describes itself (``manifest``).

Builds are written to a temporary folder beside the target and swapped in only when complete, so a
failed or interrupted build leaves the previous index as it was.
``ensure_index`` builds it, or builds it again, only when it is missing or stale.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.cleaning import clean_document_text
from assistant.domain import default_pack
from assistant.errors import IndexStoreError
from assistant.index.embedding import Embedder
from assistant.index.manifest import FORMAT_VERSION, MANIFEST, Manifest, corpus_fingerprint, read_manifest, stale_reason
from assistant.index.search_text import bm25_tokens
from assistant.index.store import FaissStore, Store
from assistant.index.vectors import PoolingPlan, build_vectors
from assistant.ingest.corpus import CorpusLoad, Extracted, load_corpus
from assistant.ingest.layout import NO_PAGES, PageLayout
from assistant.ingest.loaders import EXTRACTION_VERSION, LoadedText
from assistant.ingest.passages import SplitterSettings, embedding_text, split_document
from assistant.settings import Settings
from assistant.types import Box, Document, Passage, Sentence, TextLine

log = logging.getLogger(__name__)

@dataclass
class Index:
    """A loaded index: metadata, documents, passages, sentences, and the store that searches them."""

    path: Path
    manifest: Manifest
    documents: dict[str, Document]
    passages: list[Passage]
    sentences: list[Sentence]
    store: Store
    sentences_of: dict[str, list[int]]  # passage_id -> sentence ids
    layouts: dict[str, PageLayout] = field(default_factory=dict)  # doc_id -> its page lines (paged formats)
    _passage_docs: np.ndarray = field(init=False, repr=False)
    _doc_numbers: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Worked out once (never lazily: answering reads the index from several threads at once).
        self._doc_numbers = {d: i for i, d in enumerate(sorted(self.documents))}
        self._passage_docs = np.array([self._doc_numbers[p.doc_id] for p in self.passages], dtype=np.int32)

    @property
    def passage_vectors(self) -> np.ndarray:
        return self.store.passage_vectors

    @property
    def sentence_vectors(self) -> np.ndarray:
        return self.store.sentence_vectors

    def passages_in(self, doc_ids: Collection[str]) -> np.ndarray:
        """A boolean mask over ``passages``: those of ``doc_ids`` (a filter applied inside the search)."""
        wanted = [self._doc_numbers[d] for d in doc_ids if d in self._doc_numbers]
        return np.isin(self._passage_docs, np.array(wanted, dtype=np.int32))

    def layout(self, doc_id: str) -> PageLayout:
        """Where ``doc_id``'s text sits on its pages (``NO_PAGES`` for formats without pages)."""
        return self.layouts.get(doc_id, NO_PAGES)


# ------------------------------------------------------------------------------------------ building


def splitter_settings(settings: Settings) -> SplitterSettings:
    """The splitter settings that ``settings`` asks for (recorded in, and compared with, the manifest)."""
    return SplitterSettings(max_tokens=settings.chunk_max_tokens, merge_tokens=settings.chunk_merge_tokens)


def ensure_index(
    settings: Settings,
    embedder: Embedder,
    index_dir: Path,
    corpus_dir: Path,
    show_progress: bool = False,
    on_warning: Callable[[str], None] | None = None,
) -> Manifest | None:
    """Build the index if it is missing or no longer matches the corpus/settings; say why.

    Returns the new manifest, or None when the index was already current. Without a corpus folder an
    existing index is served as it is.
    """
    recover_interrupted_build(index_dir)
    corpus = corpus_dir if corpus_dir.is_dir() else None
    reason = stale_reason(index_dir, corpus, embedder.name, splitter_settings(settings),
                          passage_vectors=settings.passage_vectors)
    if reason is None:
        return None
    if corpus is None:
        raise IndexStoreError(
            f"Cannot use the index at {index_dir}: {reason}; and there is no corpus folder at {corpus_dir} "
            "to build one from. Point --corpus (or ASSISTANT_CORPUS_DIR) at the reports."
        )
    log.warning("Building the index at %s: %s.", index_dir, reason)
    if on_warning:
        on_warning(f"Building the index at {index_dir}: {reason}.")
    return build_index(corpus, index_dir, embedder, splitter_settings(settings), show_progress, on_warning,
                       passage_vectors=settings.passage_vectors)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    splitter: SplitterSettings,
    show_progress: bool = False,
    on_warning: Callable[[str], None] | None = None,
    passage_vectors: str = "embedded",
) -> Manifest:
    """Read the corpus, split, embed and write a complete index to ``index_dir`` atomically.

    Vectors of passages and sentences whose text is unchanged are reused from the existing index when
    it was built with the same model, so editing one report re-embeds only that report's new text.
    ``passage_vectors``: "embedded" or "pooled" (from the sentences' vectors; ``index.vectors``).
    """
    started = time.perf_counter()
    recover_interrupted_build(Path(index_dir))  # so that its vectors can be reused, and nothing is left over
    extractions = _reusable_extractions(Path(index_dir))
    loaded = load_corpus(Path(corpus_dir), cache=extractions)
    # Control characters in a report (left by PDF conversion) become spaces, one for one, so offsets hold.
    loaded = replace(loaded, documents=tuple(replace(d, text=clean_document_text(d.text)) for d in loaded.documents))
    read_s = time.perf_counter() - started
    for warning in loaded.warnings:
        if on_warning:
            on_warning(warning)
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    for doc in loaded.documents:
        ps, ss = split_document(doc, splitter)
        layout = PageLayout.of((loaded.layouts or {}).get(doc.doc_id, ()))
        if layout.lines:
            ps = [replace(p, page=pg[0], page_end=pg[1]) for p in ps for pg in [layout.pages(p.char_start, p.char_end)]]
        offset = len(sentences)
        passages.extend(ps)
        sentences.extend(Sentence(s.sentence_id + offset, *_rest(s)) for s in ss)
    split_s = time.perf_counter() - started - read_s

    docs = {d.doc_id: d for d in loaded.documents}
    # The document's title helps the embedding place a passage ("the focused visit letter") but, repeated
    # in every passage, would swamp BM25's term weights, so only the embedded text carries it.
    passage_texts = [embedding_text(p, docs[p.doc_id]) for p in passages]
    dense_texts = [embedding_text(p, docs[p.doc_id], with_title=True) for p in passages]
    cache = _reusable_vectors(Path(index_dir), embedder)
    embed_started = time.perf_counter()
    pooling = None
    if passage_vectors == "pooled":
        members: dict[str, list[int]] = {}
        for position, sentence in enumerate(sentences):
            members.setdefault(sentence.passage_id, []).append(position)
        pooling = PoolingPlan([members.get(p.passage_id, []) for p in passages],
                              [docs[p.doc_id].title for p in passages])
    built = build_vectors(dense_texts, sentences, embedder, cache, show_progress, pooling)
    embed_s = time.perf_counter() - embed_started

    files, catalog = corpus_fingerprint(Path(corpus_dir))
    indexed = {d.filename for d in loaded.documents}
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        model=embedder.name,
        dim=embedder.dim,
        splitter=asdict(splitter),
        files={n: h for n, h in files.items() if n in indexed},
        catalog_sha256=catalog,
        documents=len(loaded.documents),
        passages=len(passages),
        sentences=len(sentences),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        build_seconds=round(time.perf_counter() - started, 2),
        skipped={s.filename: {"sha256": s.sha256, "reason": s.reason} for s in loaded.skipped},
        extraction_version=EXTRACTION_VERSION,
        domain_pack=default_pack().label,
        passage_vectors=passage_vectors,
        work={
            "read_seconds": round(read_s, 2),
            "split_seconds": round(split_s, 2),
            "embed_seconds": round(embed_s, 2),
            "files_read": sum(1 for d in loaded.documents if d.sha256 not in extractions),
            "texts_embedded": built.embedded,
            "texts_reused": built.reused,
        },
    )
    store = FaissStore.build(built.passage_vectors, built.sentence_vectors, bm25_tokens(passage_texts), embedder.dim)
    _write_atomically(Path(index_dir), manifest, loaded, passages, sentences, built.keys, store)
    return manifest


def _reusable_extractions(index_dir: Path) -> dict[str, Extracted]:
    """What the previous build read from each file, by the file's sha256 (PDF extraction is the slow part
    of reading a corpus, so an unchanged file is never read again)."""
    try:
        if read_manifest(index_dir).extraction_version != EXTRACTION_VERSION:
            return {}  # read by older loaders: read every file again
        rows = _read_jsonl(index_dir / "texts.jsonl")
        lines = {row["doc_id"]: row["lines"] for row in _read_jsonl(index_dir / "layout.jsonl")}
    except (OSError, ValueError, KeyError, IndexStoreError):
        return {}
    out: dict[str, Extracted] = {}
    for row in rows:
        try:
            loaded = LoadedText(
                text=row["text"], lines=_lines_from_rows(lines.get(row["doc_id"], [])), meta=row["meta"],
                page_count=row["page_count"], headings=tuple(row.get("headings", ())),
            )
            out[row["sha256"]] = Extracted(row["format"], loaded)
        except (KeyError, TypeError, ValueError):
            continue
    return out


def _lines_from_rows(rows: list[list[float]]) -> tuple[TextLine, ...]:
    return tuple(
        TextLine(int(a), int(b), int(pg), Box(int(pg), x0, top, x1, bottom)) for a, b, pg, x0, top, x1, bottom in rows
    )


def _line_rows(lines: tuple[TextLine, ...]) -> list[list[float]]:
    b = [[ln.char_start, ln.char_end, ln.page, ln.box.x0, ln.box.top, ln.box.x1, ln.box.bottom] for ln in lines]
    return [[round(v, 2) if isinstance(v, float) else v for v in row] for row in b]


def _rest(s: Sentence) -> tuple[str, str, str, int, int]:
    return (s.passage_id, s.doc_id, s.text, s.char_start, s.char_end)


def _reusable_vectors(index_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    try:
        manifest = read_manifest(index_dir)
        if manifest.model != embedder.name or manifest.dim != embedder.dim:
            return {}
        old = load_index(index_dir)
    except IndexStoreError:
        return {}
    try:
        # The hashes of the texts that were actually embedded, saved beside the vectors: recomputing them
        # with today's code would pair old vectors with new texts whenever what is embedded changes.
        keys = json.loads((index_dir / "vector_keys.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    vectors = np.vstack([old.passage_vectors, old.sentence_vectors])
    if len(keys) != len(vectors):
        return {}
    return dict(zip(keys, vectors, strict=True))


def _write_atomically(
    index_dir: Path,
    manifest: Manifest,
    loaded: CorpusLoad,
    passages: list[Passage],
    sentences: list[Sentence],
    vector_keys: list[str],
    store: Store,
) -> None:
    """``vector_keys`` say what each vector was made from (the next build's cache)."""
    index_dir = index_dir.resolve()
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in index_dir.parent.glob(f".{index_dir.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by an interrupted build
    tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.tmp-", dir=index_dir.parent))
    try:
        documents = loaded.documents
        docs = [{k: v for k, v in asdict(d).items() if k != "text"} for d in documents]
        (tmp / "documents.json").write_text(json.dumps(docs, indent=1, ensure_ascii=False), encoding="utf-8")
        # The documents' texts (every span points into them) and page lines; also the next build's cache.
        extracted = loaded.extracted or {}
        _write_jsonl(
            tmp / "texts.jsonl",
            (
                {
                    "doc_id": d.doc_id, "sha256": d.sha256, "format": d.format, "page_count": d.page_count,
                    "meta": dict(extracted[d.sha256].loaded.meta) if d.sha256 in extracted else {},
                    "headings": list(d.headings), "text": d.text,
                }
                for d in documents
            ),
        )
        layouts = loaded.layouts or {}
        _write_jsonl(
            tmp / "layout.jsonl",
            ({"doc_id": d.doc_id, "lines": _line_rows(layouts.get(d.doc_id, ()))} for d in documents),
        )
        _write_jsonl(tmp / "passages.jsonl", (asdict(p) for p in passages))
        _write_jsonl(tmp / "sentences.jsonl", (asdict(s) for s in sentences))
        (tmp / "vector_keys.json").write_text(json.dumps(vector_keys), encoding="utf-8")
        store.save(tmp)
        # The manifest goes last: a folder without one is never mistaken for a complete index.
        (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
        old = index_dir.parent / f".{index_dir.name}.old-{tmp.name.rsplit('-', 1)[-1]}"
        if index_dir.exists():
            index_dir.rename(old)
        tmp.rename(index_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def recover_interrupted_build(index_dir: Path) -> None:
    """Finish the swap an interrupted build left half done, and remove the old index it left behind.

    A build writes ``.NAME.tmp-X`` (its manifest last), moves the index aside to ``.NAME.old-X``, moves the
    new one in, then removes the old one. Stopped between the two moves there is no index: the newest
    complete build (one with a readable manifest) is moved into place, or else the old index is moved back.
    ``.old-*`` folders beside a present index are removed (the build that made them had finished its swap).
    """
    index_dir = Path(index_dir).resolve()
    parent = index_dir.parent
    if not parent.is_dir():
        return
    if not index_dir.exists():
        built = sorted(parent.glob(f".{index_dir.name}.tmp-*"), key=_mtime, reverse=True)
        kept = sorted(parent.glob(f".{index_dir.name}.old-*"), key=_mtime, reverse=True)
        for candidate in [*built, *kept]:
            try:
                read_manifest(candidate)
                candidate.rename(index_dir)
            except (IndexStoreError, OSError):
                continue
            log.warning("Recovered the index at %s from %s, left by an interrupted build.", index_dir, candidate.name)
            break
    if index_dir.exists():
        for old in parent.glob(f".{index_dir.name}.old-*"):
            shutil.rmtree(old, ignore_errors=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _write_jsonl(path: Path, rows: Any) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


# ------------------------------------------------------------------------------------------- loading


def load_index(index_dir: Path) -> Index:
    """Load a complete index folder.

    Raises:
        IndexStoreError: the folder is missing, incomplete or from another format version.
    """
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    if manifest.format_version != FORMAT_VERSION:
        raise IndexStoreError(
            f"The index at {index_dir} has format {manifest.format_version}; this version reads "
            f"{FORMAT_VERSION}. Rebuild it with `assistant ingest`."
        )
    try:
        docs = json.loads((index_dir / "documents.json").read_text(encoding="utf-8"))
        texts = {row["doc_id"]: row["text"] for row in _read_jsonl(index_dir / "texts.jsonl")}
        documents = {
            d["doc_id"]: Document(**{**d, "headings": tuple(d.get("headings", ()))}, text=texts[d["doc_id"]])
            for d in docs
        }
        layouts = {
            row["doc_id"]: PageLayout.of(_lines_from_rows(row["lines"]))
            for row in _read_jsonl(index_dir / "layout.jsonl")
            if row["lines"]
        }
        passages = [Passage(**row) for row in _read_jsonl(index_dir / "passages.jsonl")]
        sentences = [Sentence(**row) for row in _read_jsonl(index_dir / "sentences.jsonl")]
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise IndexStoreError(
            f"The index at {index_dir} is incomplete or damaged ({exc}). Rebuild it with `assistant ingest`."
        ) from exc
    store = FaissStore.load(index_dir, manifest.dim, len(passages), len(sentences))
    sentences_of: dict[str, list[int]] = {}
    for s in sentences:
        sentences_of.setdefault(s.passage_id, []).append(s.sentence_id)
    return Index(index_dir, manifest, documents, passages, sentences, store, sentences_of, layouts)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
