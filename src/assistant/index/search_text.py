"""Words as the keyword index sees them: tokenising, stemming, and the domain pack's glossary and stopwords.

Both the BM25 index and the answer's coverage check use ``terms``, so a word counts the same everywhere.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from assistant.domain import DomainPack, default_pack

# The domain's vocabulary comes from its pack (``domain.py``, ``data/domains/*.toml``): the glossary of the
# field's abbreviations and euphemisms, the abbreviations expanded only in capitals, the stopwords and the
# words of asking. The names below are the default pack's, for reading and for the split-protection check.
GLOSSARY: dict[str, str] = dict(default_pack().glossary)
CAPITALS_ONLY = default_pack().capitals_only


def _glossary_words(question: str, pack: DomainPack) -> set[str]:
    """The question's words that have a glossary entry, lower-cased."""
    return {
        w.lower() for w in re.findall(r"[A-Za-z']+", question)
        if w.lower() in pack.glossary and (w.lower() not in pack.capitals_only or w.isupper())
    }


_TOKEN = re.compile(r"(?u)\b\w\w+\b|£")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


# Function words and the words of asking ("what did they say about...") carry no topic.
_QUESTION_WORDS = default_pack().function_words + default_pack().asking_words


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN) | default_pack().stopwords


def terms(text: str) -> list[str]:
    """Stemmed, lower-cased content words of ``text`` (stopwords dropped)."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in _stopwords()]
    return list(_stemmer().stemWords(words))


# Words that say how a comparison is asked ("do they agree", "compared with", "versus"), not what about.
_COMPARING_WORDS = " ".join(default_pack().comparing_words)


def subject_terms(question_terms: list[str]) -> list[str]:
    """A comparison's terms without those that only say it compares, so that "do the reports agree about
    the pause?" does not prefer the sentence "It is generally agreed that ...".

    >>> subject_terms(terms("Do the two reports agree about the pause?"))
    ['two', 'paus']
    """
    comparing = set(terms(_COMPARING_WORDS))
    return [t for t in question_terms if t not in comparing]


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    """Token lists for bm25s, built with ``terms``. Empty texts get a placeholder token."""
    return [terms(t) or ["∅"] for t in texts]


@cache
def _full_forms(pack: DomainPack) -> list[tuple[str, re.Pattern[str]]]:
    return [
        (short, re.compile(rf"\b{re.escape(full)}\b"))
        for short, full in sorted(pack.glossary.items()) if " " in full and short not in pack.capitals_only
    ]


def _spelled_out(question: str, pack: DomainPack) -> list[str]:
    """The abbreviations whose full form the question spells out: "director of children's services" -> "dcs".
    Reports use the short form once they have introduced it, so the question should find both."""
    low = re.sub("[’‘]", "'", question.lower())
    return [short for short, full in _full_forms(pack) if full.search(low)]


@cache
def _glossary_terms(word: str, pack: DomainPack) -> tuple[str, ...]:
    return tuple(terms(pack.glossary[word]))


def expand(question: str, pack: DomainPack | None = None, glossary: bool = True) -> str:
    """The question with (``glossary``) glossary expansions of its abbreviations, euphemisms and phrases
    appended and the abbreviations of the full forms it spells out. ``pack``: the domain pack whose glossary
    is used (default: the bundled one)."""
    if not glossary:
        return question
    pack = pack or default_pack()
    low = question.lower()
    extra = [pack.glossary[w] for w in sorted(_glossary_words(question, pack))] + _spelled_out(question, pack)
    extra += dict.fromkeys(words for phrase, words in pack.phrases.items() if phrase in low)
    return question if not extra else f"{question} ({'; '.join(extra)})"


def alternatives(question: str, pack: DomainPack | None = None, glossary: bool = True) -> dict[str, set[str]]:
    """For each question word with a glossary entry, its stem -> the stems of its expansion; for each word
    of a spelled-out full form, its stem -> the abbreviation (both with ``glossary``; {} without)."""
    if not glossary:
        return {}
    pack = pack or default_pack()
    out: dict[str, set[str]] = {}
    for word in _glossary_words(question, pack):
        for stem in terms(word):
            out.setdefault(stem, set()).update(_glossary_terms(word, pack))
    for short in _spelled_out(question, pack):
        for stem in _glossary_terms(short, pack):
            out.setdefault(stem, set()).add(short)
    return out


def idf_table(texts: list[str]) -> dict[str, float]:
    """Smoothed inverse document frequency of every term over ``texts`` (BM25's formula, floored at 0)."""
    import math

    n = len(texts)
    df: dict[str, int] = {}
    for text in texts:
        for term in set(terms(text)):
            df[term] = df.get(term, 0) + 1
    return {t: max(0.0, math.log((n - c + 0.5) / (c + 0.5) + 1)) for t, c in df.items()}


def unseen_idf(n_texts: int) -> float:
    """The IDF a term that appears nowhere in the collection would have: the highest possible."""
    import math

    return math.log((n_texts + 0.5) / 0.5 + 1)
