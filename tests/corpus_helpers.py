"""Helpers for tests that need a small made-up collection, indexed for real with the keyword embedder."""

from __future__ import annotations

from pathlib import Path

from assistant.index.embedding import KeywordEmbedder
from assistant.pipeline import Assistant
from assistant.settings import Settings


def one_report(root: Path, name: str, text: str, settings: Settings | None = None) -> Assistant:
    """An assistant over a collection of one made-up report, indexed with the keyword embedder."""
    (root / "corpus").mkdir(exist_ok=True)
    (root / "corpus" / name).write_text(text, encoding="utf-8")
    return Assistant.load(index_dir=root / "index", corpus_dir=root / "corpus",
                          settings=settings or Settings.load(environ={}), embedder=KeywordEmbedder())


def catalogued(root: Path, reports: list[tuple[str, str, str, str, str, str]]) -> Assistant:
    """An assistant over made-up reports, each (name, title, publisher, kind, date, text) and described in
    the collection's catalog.toml, indexed with the keyword embedder."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    entries = []
    for name, title, publisher, kind, date, text in reports:
        (corpus / f"{name}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        entries.append(f'["{name}.txt"]\ntitle = "{title}"\npublisher = "{publisher}"\nkind = "{kind}"\n'
                       f'date = "{date}"\n')
    (corpus / "catalog.toml").write_text("\n".join(entries), encoding="utf-8")
    return Assistant.load(index_dir=root / "index", corpus_dir=corpus, settings=Settings.load(environ={}),
                          embedder=KeywordEmbedder())


def catalogued_with_areas(root: Path, reports: list[tuple[str, str, str, str]]) -> Assistant:
    """An assistant over made-up inspection reports, each (name, area, date, text), catalogued with their
    area, indexed with the keyword embedder."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    entries = []
    for name, area, date, text in reports:
        (corpus / f"{name}.txt").write_text(f"Inspection of {area}\n\n{text}\n", encoding="utf-8")
        entries.append(f'["{name}.txt"]\ntitle = "Inspection of {area}"\npublisher = "Ofsted"\n'
                       f'kind = "inspection report"\ndate = "{date}"\narea = "{area}"\n')
    (corpus / "catalog.toml").write_text("\n".join(entries), encoding="utf-8")
    return Assistant.load(index_dir=root / "index", corpus_dir=corpus, settings=Settings.load(environ={}),
                          embedder=KeywordEmbedder())
