"""Questions about a whole document: "What did the focused visit find?", "Summarise the 2023 inspection",
"What were the commissioner's recommendations?".

Such a question names one document and asks for its findings, conclusions or recommendations, with no
subject of its own. Its words (the document's and the words of asking) are in every passage of that
document, so ordinary ranking picks whichever sentence repeats them ("This letter summarises the
findings of ..."). It is answered instead from the document's own summary: the sections whose headings
say they hold its overview, findings, conclusions or recommendations. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from assistant.answer_types import answer_type
from assistant.domain import default_pack
from assistant.search_text import terms
from assistant.types import Passage, Sentence

# The words a question asks for an overview with.
_FINDINGS = re.compile(
    r"\b(?:say|says|said|tell|about|find|found|findings?|summar\w*|key|main|overall|outcomes?|results?|"
    r"highlights?|conclu\w*|recommend\w*)\b",
    re.I,
)
_CONCLUSIONS = re.compile(r"\bconclu\w*", re.I)
_RECOMMENDATIONS = re.compile(r"\brecommend\w*|\bnext steps?\b", re.I)
_ASKING = " ".join(default_pack().overview_words)


def _heading_pattern(words: Sequence[str]) -> re.Pattern[str]:
    """Heading words as one pattern: whole words, case aside; a trailing "*" allows any ending."""
    parts = (re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words)
    return re.compile(rf"\b(?:{'|'.join(parts)})\b", re.I)


# The headings of the sections that hold a report's overview, by what the question asks for, most fitting
# first (from the domain pack): "What did the commissioner conclude?" reads the conclusions before the summary.
_SECTIONS = {
    wanted: [_heading_pattern(group) for group in groups]
    for wanted, groups in default_pack().overview_headings.items()
}
# A passage that announces the document's own summary of its findings, whatever its section is called:
# "The Ofsted report is attached at Appendix 1 but key findings are summarised as follows:".
_ANNOUNCES_FINDINGS = re.compile(
    r"\b(?:key|main|principal) findings\b|\bfindings (?:are|were|can be) (?:summari[sz]ed|as follows)\b", re.I
)
# Publication boilerplate that closes many reports: never part of what a report says.
_BOILERPLATE = re.compile(r"©|\bcopyright\b|\blicen[cs]ed?\b|www\.|https?://|\S+@\S+", re.I)


def overview_wanted(question: str) -> str | None:
    """What a question asks of a document: "recommendations" (or its next steps), "conclusions",
    "findings", or None.

    >>> overview_wanted("What were the commissioner's recommendations?"), overview_wanted("Summarise the letter")
    ('recommendations', 'findings')
    """
    if _RECOMMENDATIONS.search(question):
        return "recommendations"
    if _CONCLUSIONS.search(question):
        return "conclusions"
    return "findings" if _FINDINGS.search(question) else None


def overview_document(question: str, described: Mapping[str, set[str]]) -> str | None:
    """The one document a question asks about as a whole, or None.

    ``described`` holds each document's words: its title, publisher, kind and date. The question asks
    about a document as a whole when it asks for an overview (see ``overview_wanted``) and every other
    word it has describes that document, and that document only: "What did the 2023 inspection find?",
    not "What did the 2023 inspection find about care leavers?". When the words before "about" already
    name the document, those after it are a subject even if its title holds them: "What did the
    commissioner say about the children's trust?" is not a question about the whole report, though "What
    did the commissioner recommend about the trust?" reads its recommendations.
    """
    wanted = overview_wanted(question)
    if wanted is None or answer_type(question) is not None:
        return None  # "what was the 2023 overall judgement?" asks for one fact
    asking = set(terms(_ASKING))
    own = set(terms(question)) - asking
    if not own:
        return None
    matching = [doc for doc, words in described.items() if own <= words]
    if len(matching) != 1:
        return None
    # "What did the commissioner say about the children's trust?": the words before "about" name the
    # document, so those after it are a subject, even one its title names. (A question for recommendations
    # or conclusions "about" the title's subject still reads those sections.)
    about = re.search(r"\babout\b", question, re.I)
    if about and wanted == "findings":
        before = set(terms(question[: about.start()])) - asking
        if before and before <= described[matching[0]] and set(terms(question[about.end() :])) - asking:
            return None
    return matching[0]


def summary_passages(passages: Sequence[Passage], wanted: str) -> list[Passage]:
    """The passages of one document (given in reading order) that hold what is ``wanted``. For findings,
    the passages announcing the document's own summary of them ("key findings are summarised as
    follows:"), when there are any: that summary is the answer. Otherwise those of the sections whose
    headings fit best first, each section's in reading order; when no heading fits, the document's opening
    passages (a news article's lead)."""
    announced = [p for p in passages if _ANNOUNCES_FINDINGS.search(p.text)] if wanted == "findings" else []
    if announced:
        return announced
    out: list[Passage] = []
    for heading in _SECTIONS[wanted]:
        out += [p for p in passages if p.section and heading.search(p.section) and p not in out]
    return out or list(passages[:3])


def boilerplate(text: str) -> bool:
    """Whether a sentence is publication boilerplate (a copyright or licence notice, an address).

    >>> boilerplate("© Crown copyright 2022"), boilerplate("Leaders know their services well.")
    (True, False)
    """
    return bool(_BOILERPLATE.search(text))


def lead_sentences(
    passages: Sequence[Passage],
    sentences: Mapping[str, Sequence[Sentence]],
    usable: Callable[[Sentence], bool],
    limit: int,
    lines: int,
    per_passage: int = 2,
) -> list[tuple[Sentence, Passage]]:
    """A document's own summary from its summary ``passages``: the first ``per_passage`` usable sentences of
    each prose passage and the first ``lines`` lines of each list or table (after its lead-in, if the
    passage opens with one), in the order given, until
    ``limit`` passages have been read; a passage holding publication boilerplate is skipped.
    ``sentences``: each passage's sentences, by passage id."""
    lead: list[tuple[Sentence, Passage]] = []
    for passage in passages[:limit]:
        if any(boilerplate(s.text) for s in sentences.get(passage.passage_id, ())):
            continue  # a copyright or contact block
        own = [s for s in sentences.get(passage.passage_id, ()) if usable(s)]
        lead_in = 1 if own and own[0].text.rstrip().endswith(":") else 0  # "... summarised as follows:"
        listed = own[lead_in:]
        take = lead_in + lines if listed and all(_opens_line(s, passage) for s in listed) else per_passage
        lead += [(s, passage) for s in own[:take]]
    return lead


def _opens_line(sentence: Sentence, passage: Passage) -> bool:
    """Whether a sentence is a line of its passage's list or table (it starts a line, after any marker)."""
    from assistant.passages import marker_length

    text, at = passage.text, sentence.char_start - passage.char_start
    start = text.rfind("\n", 0, at) + 1
    return "\n" in text and at - start == marker_length(text[start:])
