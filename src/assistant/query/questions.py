"""Reading a question: its shape (a comparison, a list), the years and documents it names, and the
names the collection never mentions. Pure functions over text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from assistant.types import Document

_COMPARE = re.compile(
    r"\b(compare|comparison|compared|chang(e|ed|es|ing)|differ(s|ed|ence|ences)?|between\b.*\band\b|over time|"
    r"since|evolv\w*|progress\w* from|each|both|then and now|trend|(dis)?agree\w*|versus|vs|"
    r"as (many|much|often) (\w+ ){0,4}as)\b",
    re.I,
)
_LIST = re.compile(r"\b(list|areas|points|which|what are|what were|main|key|all the|priorities|findings)\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def named_years(question: str) -> list[str]:
    """The years a question names, in order, each once: "in 2019, 2020 and 2023" -> ["2019", "2020", "2023"]."""
    return sorted(set(_YEAR.findall(question)))


def question_shape(question: str) -> tuple[bool, bool]:
    """(is a comparison / change-over-time question, asks for a list). A question naming two or more years
    ("in 2019, 2020 and 2023") compares them, and so does one asking whether two sources agree or whether
    one did "as many ... as" another said.

    >>> question_shape("Do the commissioner's report and the scrutiny report agree?")
    (True, False)
    >>> question_shape("How many different IT systems are there?")
    (False, False)
    """
    return bool(_COMPARE.search(question)) or len(named_years(question)) > 1, bool(_LIST.search(question))


def naming_words(documents: Mapping[str, Document]) -> dict[str, frozenset[str]]:
    """Per document, the search terms a question can name it by: the words of its kind and publisher
    ("article", "scrutiny", "commissioner", "Ofsted", "council") that describe at most half of the
    collection's documents, titles counted, so that words every report shares ("West Sussex",
    "children's services", "report") name none."""
    from assistant.index.search_text import terms

    described = {d: set(terms(f"{doc.title} {doc.kind} {doc.publisher}")) for d, doc in documents.items()}
    counts = Counter(t for words in described.values() for t in words)
    shared = {t for t, n in counts.items() if n * 2 > len(documents)}
    return {d: frozenset(set(terms(f"{doc.kind} {doc.publisher}")) - shared) for d, doc in documents.items()}


def documents_named(question: str, naming: Mapping[str, frozenset[str]]) -> list[list[str]]:
    """The documents a question names by their kind or publisher ("the scrutiny report", "the
    commissioner", "the 2019 article"), one group per naming word: "the council" names every document
    the council published. ``naming``: see ``naming_words``."""
    from assistant.index.search_text import terms

    groups: list[list[str]] = []
    for term in dict.fromkeys(terms(question)):
        group = [d for d, words in naming.items() if term in words]
        if group and group not in groups:
            groups.append(group)
    return groups


_NAME_OR_YEAR = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:-[A-Za-z]+)?(?:'s)?)\b|\b((?:19|20)\d\d)\b")


_FINANCIAL_YEAR = re.compile(r"\b((?:19|20)\d\d)\s*[/-]\s*(?:19|20)?(\d\d)\b")


def financial_years(text: str) -> list[str]:
    """Financial years written in ``text``, each as "2022/23" ("2022-23" and "2022/2023" too), in order."""
    return [f"{m.group(1)}/{m.group(2)}" for m in _FINANCIAL_YEAR.finditer(text)
            if (int(m.group(1)) + 1) % 100 == int(m.group(2))]


def unknown_names(question: str, known_terms: set[str] | dict[str, float]) -> list[str]:
    """Names (capitalised words not opening a sentence), years and financial years ("2023/24") in the
    question that the collection never mentions: "Surrey", "2025". A question about them cannot be
    answered from these reports. ``known_terms`` holds the collection's search terms and its financial
    years."""
    from assistant.index.search_text import terms

    out = [fy for fy in financial_years(question) if fy not in known_terms]
    for match in _NAME_OR_YEAR.finditer(question.strip()):
        word = match.group(1) or match.group(2)
        stems = terms(word)
        if stems and all(t not in known_terms for t in stems):
            out.append(re.sub(r"'s$", "", word))
    return out
