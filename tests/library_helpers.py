"""A made-up national library for the tests of filtering and browsing at scale: many areas, publishers,
kinds and years, as plain records (no index) or as text reports indexed with the keyword embedder.

The area names are invented (syllables put together), so no real place is named.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

from assistant.index.embedding import KeywordEmbedder
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.types import Document

_STARTS = ("Quil", "Zan", "Vey", "Thrum", "Oster", "Pell", "Yarn", "Wix", "Brun", "Kell")
_ENDS = ("dale", "moor", "holt", "mere", "by")
PUBLISHERS = ("Ofsted", "Council", "DfE Commissioner", "Local press")
KINDS = {"Ofsted": "inspection report", "Council": "council report", "DfE Commissioner": "commissioner report",
         "Local press": "news article"}
GRADES = ("outstanding", "good", "requires improvement", "inadequate")


def area_names(count: int) -> list[str]:
    """``count`` invented area names ("Quildale", "Zanmoor", ...); every third is a "... Council"."""
    names = [f"{a}{b} Council" if i % 3 == 2 else f"{a}{b}" for i, (a, b) in enumerate(product(_STARTS, _ENDS))]
    if count > len(names):
        raise ValueError(f"at most {len(names)} areas")
    return names[:count]


def library(n: int = 500, areas: int = 50, first_year: int = 2014, years: int = 10) -> list[Document]:
    """``n`` document records spread over ``areas`` areas, four publishers and ``years`` years."""
    names = area_names(areas)
    docs = []
    for i in range(n):
        area, publisher = names[i % areas], PUBLISHERS[(i // areas) % len(PUBLISHERS)]
        year = first_year + (i + 3 * (i // areas)) % years  # each area: reports in several years
        date = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        title = f"{KINDS[publisher].capitalize()} on children's services in {area}"
        docs.append(Document(doc_id=f"doc-{i:03d}", title=title, publisher=publisher, kind=KINDS[publisher],
                             date=date, filename=f"doc-{i:03d}.txt", sha256=f"{i:064x}", text="", area=area))
    return docs


def indexed_library(root: Path, n: int, areas: int, years: int = 8) -> Assistant:
    """An assistant over ``n`` generated text reports (catalogued with area, publisher, kind and date),
    indexed with the keyword embedder. Every report says something about care leavers in its own area."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    entries = []
    for i, doc in enumerate(library(n, areas, years=years)):
        grade = GRADES[i % len(GRADES)]
        text = (
            f"{doc.title}\n\n"
            f"Inspectors judged children's services in {doc.area} to be {grade} overall.\n\n"
            f"Care leavers in {doc.area} are supported by personal advisers who keep in touch with them, "
            f"and {3 + i % 9} care leavers were helped into suitable accommodation this year.\n\n"
            f"Social workers in {doc.area} carried an average caseload of {12 + i % 10} children.\n"
        )
        (corpus / doc.filename).write_text(text, encoding="utf-8")
        entries.append(f'["{doc.filename}"]\ntitle = "{doc.title}"\npublisher = "{doc.publisher}"\n'
                       f'kind = "{doc.kind}"\ndate = "{doc.date}"\narea = "{doc.area}"\n')
    (corpus / "catalog.toml").write_text("\n".join(entries), encoding="utf-8")
    return Assistant.load(index_dir=root / "index", corpus_dir=corpus, settings=Settings.load(environ={}),
                          embedder=KeywordEmbedder())
