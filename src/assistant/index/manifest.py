"""The index folder's self-description: ``manifest.json`` records the format version, model, dimension,
splitter settings, domain pack and every corpus file's sha256, so that a mismatch with the corpus or the
settings is found and explained (``stale_reason``) before anything is served, and without loading a model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.domain import default_pack
from assistant.errors import IndexStoreError
from assistant.ingest.corpus import CATALOG
from assistant.ingest.loaders import EXTRACTION_VERSION
from assistant.ingest.passages import SplitterSettings

FORMAT_VERSION = 5  # 2: vector_keys.json (hash of the exact text behind each vector); 3: titles in dense
# texts; 4: BM25 with weak length normalisation (BM25_B); 5: documents' texts, page lines and skipped files
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    format_version: int
    model: str
    dim: int
    splitter: dict[str, int]
    files: dict[str, str]  # file name -> sha256
    catalog_sha256: str
    documents: int
    passages: int
    sentences: int
    built_at: str
    build_seconds: float
    skipped: dict[str, dict[str, str]] = field(default_factory=dict)
    """Files not indexed: file name -> {"sha256", "reason"}; an unchanged skipped file is not news."""
    extraction_version: int = 0
    """The loaders' ``EXTRACTION_VERSION`` the documents' texts were read with (older: read again)."""
    work: dict[str, float] = field(default_factory=dict)
    """Where the build's time went (seconds reading, splitting, embedding) and how much it did afresh
    (files read, texts embedded) or reused from the previous index."""
    domain_pack: str = ""
    """The domain pack the index was built with, as ``name@version`` (its stopwords decide the keyword
    index's terms); "" in a manifest written before packs were recorded: unknown, not a reason to rebuild."""
    passage_vectors: str = "embedded"
    """How the passage vectors were made: "embedded" from their text or "pooled" from their sentences'
    (``index.vectors``)."""

    @property
    def index_version(self) -> str:
        """A short id of what was indexed and how; shown in briefings and feedback."""
        key = json.dumps([self.format_version, self.model, self.splitter, self.files, self.catalog_sha256])
        return hashlib.sha256(key.encode()).hexdigest()[:12]


# ------------------------------------------------------------------------------------------ checking


def corpus_fingerprint(corpus_dir: Path) -> tuple[dict[str, str], str]:
    """sha256 of every candidate corpus file, and of the catalogue (cheap: no parsing, no model)."""
    files: dict[str, str] = {}
    catalog = ""
    for path in sorted(Path(corpus_dir).glob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
        if path.name == CATALOG:
            catalog = digest
        else:
            files[path.name] = digest
    return files, catalog


def read_manifest(index_dir: Path) -> Manifest:
    path = Path(index_dir) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(**data)
    except FileNotFoundError as exc:
        raise IndexStoreError(f"No index at {index_dir}. Build it with `assistant ingest`.") from exc
    except (OSError, ValueError, TypeError) as exc:
        raise IndexStoreError(
            f"The index manifest {path} is unreadable ({exc}). Rebuild with `assistant ingest`."
        ) from exc


def stale_reason(
    index_dir: Path, corpus_dir: Path | None, embedder_name: str, splitter: SplitterSettings,
    domain_pack: str | None = None, passage_vectors: str = "embedded",
) -> str | None:
    """Why the index at ``index_dir`` cannot serve this corpus and these settings, or None if it can.
    ``domain_pack``: the pack the assistant reads with, as ``name@version`` (default: the bundled pack's);
    ``passage_vectors``: how the settings ask for passage vectors to be made."""
    try:
        manifest = read_manifest(index_dir)
    except IndexStoreError as exc:
        return str(exc).split(". ")[0]
    if manifest.format_version != FORMAT_VERSION:
        return f"the index format is {manifest.format_version}, this version reads {FORMAT_VERSION}"
    if manifest.model != embedder_name:
        return f"the index was built with model {manifest.model!r}, settings ask for {embedder_name!r}"
    if manifest.extraction_version != EXTRACTION_VERSION:
        return (f"the reports were read by loaders of version {manifest.extraction_version}, this version reads "
                f"them as {EXTRACTION_VERSION}")
    if manifest.passage_vectors != passage_vectors:
        return f"the passage vectors are {manifest.passage_vectors}, settings ask for {passage_vectors}"
    if manifest.splitter != asdict(splitter):
        return f"splitter settings changed ({manifest.splitter} -> {asdict(splitter)})"
    pack = domain_pack if domain_pack is not None else default_pack().label
    if manifest.domain_pack and manifest.domain_pack != pack:
        return f"the domain pack changed ({manifest.domain_pack} -> {pack})"
    if corpus_dir is not None:
        files, catalog = corpus_fingerprint(corpus_dir)
        # Files skipped at build time (empty, binary) are not in the manifest; compare only files that
        # were indexed or are new and non-empty.
        known_skips = {n for n, s in manifest.skipped.items() if files.get(n) == s.get("sha256")}
        added = sorted(
            n for n in files
            if n not in manifest.files and n not in known_skips and (Path(corpus_dir) / n).stat().st_size
        )
        removed = sorted(n for n in manifest.files if n not in files)
        changed = sorted(n for n in manifest.files if n in files and files[n] != manifest.files[n])
        parts = []
        if added:
            parts.append(f"new file(s) {', '.join(added)}")
        if removed:
            parts.append(f"removed file(s) {', '.join(removed)}")
        if changed:
            parts.append(f"changed file(s) {', '.join(changed)}")
        if catalog != manifest.catalog_sha256:
            parts.append(f"{CATALOG} changed")
        if parts:
            return "the corpus has " + "; ".join(parts)
    return None
