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


# Idioms of asking, which say how a question is put rather than what about: "what did he end up
# recommending?" asks what he recommended, "did they manage to keep ...?" whether they kept it; "end" and
# "manage" are not their subject.
_IDIOMS = re.compile(r"\s*\b(?:end(?:s|ed|ing)? up|in the end|manag(?:e|es|ed|ing) to)\b", re.I)


# "How did the commissioner see partnership working?", "how do things look for ...": the verb asks for a
# view; the subject is what follows it. Not "look after" (looked-after children).
_VIEWING = re.compile(
    r"\b(how (?:did|does|do|would) (?:\w+\s+){1,10}?)(?:see|view|look)(?=\s+(?:on\s+)?(?!after\b)\w)", re.I
)


def plain_words(question: str) -> str:
    """The question without its idioms of asking.

    >>> plain_words("What did he end up recommending in the end?")
    'What did he recommending?'
    >>> plain_words("How did Ofsted see partnership working?")
    'How did Ofsted partnership working?'
    """
    return _IDIOMS.sub("", _VIEWING.sub(lambda m: m.group(1).rstrip(), question))


_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_UNIT_ORDINALS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                  "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                  "seventeenth", "eighteenth", "nineteenth")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_TENS_ORDINALS = ("", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth",
                  "ninetieth")
_VALUE = {w: i for words in (_UNITS, _UNIT_ORDINALS) for i, w in enumerate(words)} | {
    w: 10 * i for words in (_TENS, _TENS_ORDINALS) for i, w in enumerate(words) if w}
# "twenty-first", "thirty two", or one word from "two" up ("one" and "first" are rarely figures).
_NUMBER_WORD = re.compile(
    rf"\b(?:{'|'.join(filter(None, _TENS))})(?:[\s-]+(?:{'|'.join(_UNITS[1:10] + _UNIT_ORDINALS[1:10])}))?\b|"
    rf"\b(?:{'|'.join(filter(None, _TENS_ORDINALS + _UNITS[2:] + _UNIT_ORDINALS[2:]))})\b",
    re.I,
)


def numbers_spelled_out(question: str) -> list[str]:
    """The figures a question writes in words, as digits: reports write "aged 21", "16 and 17 year olds".

    >>> numbers_spelled_out("Were those past their twenty-first birthday, or aged sixteen or seventeen?")
    ['21', '16', '17']
    """
    words = (re.split(r"[\s-]+", m.group(0).lower()) for m in _NUMBER_WORD.finditer(question))
    return [str(sum(_VALUE[w] for w in figure)) for figure in words]


def expand(question: str, pack: DomainPack | None = None, glossary: bool = True, numbers: bool = True) -> str:
    """The question with (``glossary``) glossary expansions of its abbreviations, euphemisms and phrases
    appended and the abbreviations of the full forms it spells out, and (``numbers``) the figures it writes
    in words, in digits. ``pack``: the domain pack whose glossary is used (default: the bundled one)."""
    pack = pack or default_pack()
    extra: list[str] = []
    if glossary:
        extra += [pack.glossary[w] for w in sorted(_glossary_words(question, pack))] + _spelled_out(question, pack)
    if numbers:
        extra += numbers_spelled_out(question)
    if glossary:
        low = question.lower()
        extra += dict.fromkeys(words for phrase, words in pack.phrases.items() if phrase in low)
    return question if not extra else f"{question} ({'; '.join(extra)})"


def alternatives(
    question: str, pack: DomainPack | None = None, glossary: bool = True, numbers: bool = True
) -> dict[str, set[str]]:
    """For each question word with a glossary entry, its stem -> the stems of its expansion; for each word
    of a spelled-out full form, its stem -> the abbreviation (both with ``glossary``); for each word of a
    figure written in words ("twenty-first"), its stem -> the figure in digits ("21", with ``numbers``)."""
    pack = pack or default_pack()
    out: dict[str, set[str]] = {}
    for word in _glossary_words(question, pack) if glossary else ():
        for stem in terms(word):
            out.setdefault(stem, set()).update(_glossary_terms(word, pack))
    for short in _spelled_out(question, pack) if glossary else ():
        for stem in _glossary_terms(short, pack):
            out.setdefault(stem, set()).add(short)
    for match in _NUMBER_WORD.finditer(question) if numbers else ():
        for stem in terms(match.group(0)):
            out.setdefault(stem, set()).update(numbers_spelled_out(match.group(0)))
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
