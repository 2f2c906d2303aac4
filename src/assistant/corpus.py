"""Corpus: report files plus ``catalog.toml`` in, ``Document``s out.

Every document's text is the file's text with line endings normalised to ``\\n``; all character spans
elsewhere in the project are offsets into that text.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import CorpusError
from assistant.types import Document

log = logging.getLogger(__name__)

CATALOG = "catalog.toml"
SUFFIXES = (".txt", ".md")
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_NUM = {m: i for i, m in enumerate(_MONTHS.split("|"), start=1)}
_DATE = re.compile(rf"\b(?:(\d{{1,2}})\s+)?({_MONTHS})\s+((?:19|20)\d\d)\b")
_MARKUP = re.compile(r"[#*_`>]+")


@dataclass(frozen=True)
class CorpusLoad:
    """The documents that loaded, and a warning for each file that was skipped or guessed."""

    documents: tuple[Document, ...]
    warnings: tuple[str, ...]


def load_corpus(corpus_dir: Path) -> CorpusLoad:
    """Read every report in ``corpus_dir`` with its catalogue entry.

    Empty, unreadable, binary and unsupported files are skipped with a warning naming them; files
    missing from the catalogue load with a title and date read from their text, and a warning.

    Raises:
        CorpusError: the folder is missing, the catalogue is malformed, or no document loaded.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"Corpus folder {corpus_dir} does not exist. Put report files (.txt or .md) there, "
            "or point to another folder with --corpus or ASSISTANT_CORPUS_DIR."
        )
    catalog = read_catalog(corpus_dir / CATALOG)
    documents: list[Document] = []
    warnings: list[str] = []
    for path in sorted(p for p in corpus_dir.iterdir() if p.is_file()):
        if path.name == CATALOG or path.name.startswith("."):
            continue
        if path.suffix.lower() not in SUFFIXES:
            warnings.append(f"Skipped {path.name}: only {', '.join(SUFFIXES)} files are read.")
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            warnings.append(f"Skipped {path.name}: cannot be read ({exc.strerror or exc}).")
            continue
        text = decode(raw)
        if text is None:
            warnings.append(f"Skipped {path.name}: it looks binary, not text.")
            continue
        if not text.strip():
            warnings.append(f"Skipped {path.name}: it is empty.")
            continue
        entry = catalog.get(path.name)
        if entry is None:
            warnings.append(
                f"{path.name} has no entry in {CATALOG}: title and date were read from its text; "
                "add an entry to give its publisher and kind."
            )
            entry = {}
        documents.append(make_document(path.name, raw, text, entry))
    unknown = sorted(set(catalog) - {d.filename for d in documents})
    for name in unknown:
        warnings.append(f"{CATALOG} lists {name}, which was not loaded.")
    for w in warnings:
        log.warning(w)
    if not documents:
        raise CorpusError(
            f"No readable report in {corpus_dir}. Add .txt or .md files (one report each) and run "
            "`assistant ingest` again."
        )
    return CorpusLoad(tuple(documents), tuple(warnings))


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
        bad = set(entry) - {"title", "publisher", "kind", "date"}
        if bad:
            raise CorpusError(f"{path}: [{name!r}] has unknown keys {sorted(bad)}; use title, publisher, kind, date.")
        if "date" in entry:
            entry = {**entry, "date": check_iso_date(str(entry["date"]), f"{path}: [{name!r}]")}
        out[name] = entry
    return out


def check_iso_date(value: str, where: str) -> str:
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise CorpusError(f"{where}: date {value!r} is not ISO; write YYYY-MM-DD or YYYY-MM.")
    return value


def decode(raw: bytes) -> str | None:
    """Text of a file, or None when it looks binary. UTF-8 first, then Windows-1252."""
    if b"\x00" in raw[:8192]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return None


def make_document(filename: str, raw: bytes, text: str, entry: dict[str, Any]) -> Document:
    return Document(
        doc_id=Path(filename).stem,
        title=str(entry.get("title") or infer_title(text, filename)),
        publisher=str(entry.get("publisher") or "Unknown publisher"),
        kind=str(entry.get("kind") or "document"),
        date=entry.get("date") or infer_date(text),
        filename=filename,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
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
