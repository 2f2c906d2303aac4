"""Answer units: a quote is a whole unit of the report. A lead-in ending on a colon brings what it introduces
(``complete_lead_ins``), and a sentence cut inside a clause by a break in the text is quoted whole
(``complete_cut_sentences``). Pure functions over the chosen ``Evidence`` and the collection's neighbouring
sentences (``CollectionStats.following`` / ``preceding``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.answer.quotes import Evidence
from assistant.ingest.passages import marker_length
from assistant.types import Passage, Sentence


def complete_lead_ins(
    chosen: Sequence[Evidence],
    following: Callable[[Sentence], tuple[Sentence, Passage] | None],
    items: int = 1,
) -> list[Evidence]:
    """A quote never ends on a colon. A chosen sentence that introduces what follows ("... with one
    additional area for improvement ...:", "key findings are summarised as follows:") is followed by what
    it introduces, at the same score (so it is quoted right after it): the ``following`` sentence (the
    next one of its passage, or the first of the next passage when a long list was split off), and, when
    that one starts a list, the list's next lines up to ``items`` in all (see ``_continues_list``). A
    sentence already chosen, or one spanning lines, is left out. When the list goes on past ``items``,
    its last quoted line is marked ``list_continues``, so the answer can say so."""
    have = {e.sentence.sentence_id for e in chosen}
    out: list[Evidence] = []
    for e in chosen:
        out.append(e)
        if not e.sentence.text.rstrip().endswith(":"):
            continue
        nxt, added = following(e.sentence), 0
        while nxt is not None:
            sentence, passage = nxt
            if sentence.sentence_id in have or "\n" in sentence.text:
                break
            if added and not _continues_list(sentence, passage, out[-1].passage):
                break  # the list has ended
            if added == items:
                out[-1] = replace(out[-1], list_continues=True)  # it goes on past what is quoted
                break
            out.append(replace(e, sentence=sentence, passage=passage))
            have.add(sentence.sentence_id)
            added += 1
            nxt = following(sentence)
    return out


_CUT = re.compile(r"[\w,]$")
Neighbour = Callable[[Sentence], tuple[Sentence, Passage] | None]


def complete_cut_sentences(chosen: Sequence[Evidence], following: Neighbour, preceding: Neighbour) -> list[Evidence]:
    """A quote never stops inside a clause. A sentence that ends without closing punctuation (on a word or
    a comma) before a sentence opening in lower case was cut by a break in the text (a page end in copied
    text: "... including the courts," / "police, schools ..."): whichever half is chosen brings the other,
    and both halves take the better one's score, so that they are quoted together, in order. Table rows and
    blocks spanning lines are left alone.

    Example:
        >>> from assistant.types import Passage, Sentence
        >>> head = Sentence(0, "d#0", "d", "It works with the courts,", 0, 25)
        >>> rest = Sentence(1, "d#1", "d", "police and schools.", 27, 46)
        >>> p0, p1 = (Passage(f"d#{i}", "d", i, s.text, None, None, s.char_start, s.char_end)
        ...           for i, s in enumerate((head, rest)))
        >>> after = lambda s: (rest, p1) if s is head else None
        >>> before = lambda s: (head, p0) if s is rest else None
        >>> chosen = [Evidence(rest, p1, 0.9, 0.9, 0.5)]
        >>> [(x.sentence.text, x.score) for x in complete_cut_sentences(chosen, after, before)]
        [('It works with the courts,', 0.9), ('police and schools.', 0.9)]
    """
    have = {e.sentence.sentence_id for e in chosen}
    out: list[Evidence] = []
    for e in chosen:
        before = preceding(e.sentence)
        if before and _cut_before(before[0], e.sentence) and before[0].sentence_id not in have:
            out.append(replace(e, sentence=before[0], passage=before[1]))
            have.add(before[0].sentence_id)
        out.append(e)
        after = following(e.sentence)
        if after and _cut_before(e.sentence, after[0]) and after[0].sentence_id not in have:
            out.append(replace(e, sentence=after[0], passage=after[1]))
            have.add(after[0].sentence_id)
    at = {e.sentence.sentence_id: i for i, e in enumerate(out)}
    for i, e in enumerate(list(out)):
        after = following(e.sentence)
        if after and after[0].sentence_id in at and _cut_before(e.sentence, after[0]):
            j = at[after[0].sentence_id]
            top = max(out[i].score, out[j].score)
            out[i], out[j] = replace(out[i], score=top), replace(out[j], score=top)
    return out


def _cut_before(sentence: Sentence, nxt: Sentence) -> bool:
    text = sentence.text.rstrip()
    return (bool(_CUT.search(text)) and nxt.text[:1].islower()
            and not any(c in t for t in (text, nxt.text) for c in "\t\n"))


def _continues_list(sentence: Sentence, passage: Passage, previous: Passage) -> bool:
    """Whether ``sentence`` is the next line of the list whose last line was in ``previous``: a sentence
    opening a line of the same passage (after its bullet marker, if any), or opening a bullet run split
    off from the same paragraph."""
    text, at = passage.text, sentence.char_start - passage.char_start
    line_start = text.rfind("\n", 0, at) + 1
    if passage.passage_id == previous.passage_id:
        return line_start > 0 and at - line_start == marker_length(text[line_start:])
    return (
        passage.doc_id == previous.doc_id
        and (passage.section, passage.paragraph) == (previous.section, previous.paragraph)
        and line_start == 0
        and at == marker_length(text) > 0
    )
