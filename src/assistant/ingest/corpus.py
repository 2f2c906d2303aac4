"""Corpus: report files plus ``catalog.toml`` in, ``Document``s out.

Every document's text is the file's text with line endings normalised to ``\\n``; all character spans
elsewhere in the project are offsets into that text.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import CorpusError
from assistant.ingest.loaders import SUFFIXES, LoadedText, SkipFile, read_file
from assistant.types import Document, TextLine

log = logging.getLogger(__name__)

CATALOG = "catalog.toml"
CATALOG_KEYS = ("title", "publisher", "kind", "date", "area")
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_NUM = {m: i for i, m in enumerate(_MONTHS.split("|"), start=1)}
_DATE = re.compile(rf"\b(?:(\d{{1,2}})\s+)?({_MONTHS})\s+((?:19|20)\d\d)\b")
_MARKUP = re.compile(r"[#*_`>]+")


@dataclass(frozen=True)
class Skipped:
    """A corpus file that was not indexed, and why (in words for a person)."""

    filename: str
    sha256: str
    reason: str


@dataclass(frozen=True)
class Extracted:
    """What a loader read from one file, kept so that an unchanged file is never read twice."""

    format: str
    loaded: LoadedText


@dataclass(frozen=True)
class CorpusLoad:
    """The documents that loaded (with their page lines), the files skipped, and a warning for each file
    that was skipped or whose facts were guessed."""

    documents: tuple[Document, ...]
    warnings: tuple[str, ...]
    skipped: tuple[Skipped, ...] = ()
    layouts: Mapping[str, tuple[TextLine, ...]] | None = None
    extracted: Mapping[str, Extracted] | None = None
    """By sha256: what was read from each loaded file (the next build's cache)."""


def load_corpus(corpus_dir: Path, cache: Mapping[str, Extracted] | None = None) -> CorpusLoad:
    """Read every report in ``corpus_dir`` (text, Markdown, PDF, Word, HTML) with its catalogue entry.

    Each file is read by the loader its content shows (``assistant.ingest.loaders``). Empty, unreadable, damaged,
    password-protected, scanned (no text layer) and unsupported files are skipped with a warning naming
    them and the reason; the rest load. Files missing from the catalogue load with the title, date,
    publisher and area read from the document, and a warning. ``cache`` maps a file's sha256 to what was
    read from it before, so an unchanged file is not read again.

    Raises:
        CorpusError: the folder is missing, the catalogue is malformed, or no document loaded.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"Corpus folder {corpus_dir} does not exist. Put report files ({', '.join(SUFFIXES)}) there, "
            "or point to another folder with --corpus or ASSISTANT_CORPUS_DIR."
        )
    catalog = read_catalog(corpus_dir / CATALOG)
    cache = cache or {}
    documents: list[Document] = []
    warnings: list[str] = []
    skipped: list[Skipped] = []
    layouts: dict[str, tuple[TextLine, ...]] = {}
    extracted: dict[str, Extracted] = {}
    ids: set[str] = set()
    files: list[tuple[Path, str]] = []
    for path in sorted(p for p in corpus_dir.iterdir() if p.is_file()):
        if path.name == CATALOG or path.name.startswith("."):
            continue
        try:
            files.append((path, hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError as exc:
            warnings.append(f"Skipped {path.name}: it cannot be read ({exc.strerror or exc}).")
            skipped.append(Skipped(path.name, "", f"it cannot be read ({exc.strerror or exc})"))
    fresh = _extract_all([path for path, sha in files if sha not in cache])
    for path, sha in files:
        outcome = cache.get(sha) or fresh[path.name]
        if isinstance(outcome, str):
            warnings.append(f"Skipped {path.name}: {outcome}.")
            skipped.append(Skipped(path.name, sha, outcome))
            continue
        found = outcome
        entry = catalog.get(path.name)
        if entry is None:
            warnings.append(
                f"{path.name} has no entry in {CATALOG}: its title, date, publisher, kind and area were read "
                "from the document where it states them; add an entry to correct or complete them."
            )
            entry = {}
        doc = make_document(path.name, sha, found, entry, ids)
        ids.add(doc.doc_id)
        documents.append(doc)
        layouts[doc.doc_id] = found.loaded.lines
        extracted[sha] = found
    unknown = sorted(set(catalog) - {d.filename for d in documents} - {s.filename for s in skipped})
    for name in unknown:
        warnings.append(f"{CATALOG} lists {name}, which is not in the folder.")
    for w in warnings:
        log.warning(w)
    if not documents:
        raise CorpusError(
            f"No readable report in {corpus_dir}. Add report files ({', '.join(SUFFIXES)}) and run "
            "`assistant ingest` again."
        )
    return CorpusLoad(tuple(documents), tuple(warnings), tuple(skipped), layouts, extracted)


def extract(path: Path) -> Extracted | str:
    """What the loader for ``path``'s content reads from it, or the reason it cannot be read."""
    try:
        return Extracted(*read_file(path.name, path.read_bytes()))
    except SkipFile as exc:
        return exc.reason
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    except Exception as exc:  # a loader's library failing on a file it should have refused
        log.debug("Loader failure on %s", path.name, exc_info=True)
        return f"it could not be read ({type(exc).__name__}: {exc})"


def _extract_all(paths: list[Path]) -> dict[str, Extracted | str]:
    """``extract`` for each file, by name; several PDFs or Word files are read in parallel, one process a
    core (reading a PDF's layout is the slow part of building an index)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    slow = [p for p in paths if p.suffix.lower() in (".pdf", ".docx")]
    workers = min(os.cpu_count() or 1, len(slow))
    if workers < 2 or len(slow) < 4 or "fork" not in multiprocessing.get_all_start_methods():
        return {p.name: extract(p) for p in paths}
    # "fork": workers start at once and need no import guard in the caller's script (a spawned worker re-runs
    # the script that built the index). They only read files, never touching the parent's model threads.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        out = dict(zip([p.name for p in slow], pool.map(extract, slow, chunksize=1), strict=True))
    out.update({p.name: extract(p) for p in paths if p.name not in out})
    return out


def read_catalog(path: Path) -> dict[str, dict[str, Any]]:
    """The catalogue's tables keyed by file name; an absent catalogue is an empty one."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"Cannot read {path}: {exc}. Fix the file (it is TOML) and retry.") from exc
    out: dict[str, dict[str, Any]] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise CorpusError(f"{path}: [{name!r}] must be a table with title, publisher, kind and date.")
        bad = set(entry) - set(CATALOG_KEYS)
        if bad:
            raise CorpusError(
                f"{path}: [{name!r}] has unknown keys {sorted(bad)}; use {', '.join(CATALOG_KEYS)}."
            )
        if "date" in entry:
            entry = {**entry, "date": check_iso_date(str(entry["date"]), f"{path}: [{name!r}]")}
        out[name] = entry
    return out


def check_iso_date(value: str, where: str) -> str:
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise CorpusError(f"{where}: date {value!r} is not ISO; write YYYY-MM-DD or YYYY-MM.")
    return value


def make_document(
    filename: str, sha256: str, found: Extracted, entry: Mapping[str, Any], taken: Collection[str] = ()
) -> Document:
    """A ``Document`` from a file's loaded text: the catalogue entry first, then what the file states
    about itself, then what its text shows (its first line, its first date)."""
    text, meta = found.loaded.text, found.loaded.meta
    doc_id = Path(filename).stem
    if doc_id in taken:  # "report.pdf" beside "report.docx"
        doc_id = f"{doc_id}-{found.format}"
    return Document(
        doc_id=doc_id,
        title=str(entry.get("title") or meta.get("title") or infer_title(text, filename)),
        publisher=str(entry.get("publisher") or meta.get("publisher") or "Unknown publisher"),
        kind=str(entry.get("kind") or meta.get("kind") or "document"),
        date=entry.get("date") or meta.get("date") or infer_date(text),
        filename=filename,
        sha256=sha256,
        text=text,
        area=entry.get("area") or meta.get("area") or None,
        format=found.format,
        page_count=found.loaded.page_count,
        headings=tuple(found.loaded.headings),
    )


def infer_title(text: str, filename: str) -> str:
    """The first line with words in it, without Markdown marks; else the file name."""
    for line in text.splitlines():
        clean = _MARKUP.sub("", line).strip(" -\t")
        if len(clean) >= 3 and any(c.isalpha() for c in clean):
            return clean[:200]
    return Path(filename).stem


def infer_date(text: str) -> str | None:
    """The first date written out in the text ("4 December 2020", "January 2022"), as ISO."""
    match = _DATE.search(text[:5000])
    if not match:
        return None
    day, month, year = match.groups()
    iso = f"{year}-{_MONTH_NUM[month]:02d}"
    return f"{iso}-{int(day):02d}" if day else iso
