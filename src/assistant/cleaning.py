"""The input-cleaning boundary: every text that enters the assistant passes through here first.

Questions, conversation histories and filters from the chat, its API, the command line, ``--batch`` lines
and the Python API, and the text of the reports when they are indexed, all meet the same rules:

* invalid UTF-8 (bytes, or the lone surrogates Python makes of them in ``sys.argv``) and lone surrogates
  from JSON (``"\\ud800"``) become U+FFFD, the replacement character;
* NUL and other control characters become a space (tab and newline are kept);
* an empty or over-long question, a history that is not a list of turns, a malformed or reversed date
  range are refused with an ``InvalidQuestionError``/``InvalidFilterError`` that says what to do.

Briefings use :func:`xml_safe_answer`, since Word files (XML) cannot hold control characters at all.
Everything here is pure and never raises anything but the ``AssistantError`` family.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass, replace
from datetime import date
from typing import Any, TypeVar

from assistant.errors import InvalidFilterError, InvalidQuestionError
from assistant.types import Answer, Filters, Turn

T = TypeVar("T")

REPLACEMENT = "\ufffd"
#: The most turns a conversation history may hold, and the longest text of one turn.
MAX_HISTORY_TURNS = 200
MAX_TURN_CHARS = 50_000

_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 controls but tab, newline and carriage return; DEL and the C1 controls; the two non-characters XML
# forbids. Each becomes one space, so the length of a text (and every offset into it) is unchanged.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# What XML 1.0 cannot hold at all (python-docx refuses it): the above, surrogates, and no exception for \f.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A report's page breaks (\f, as PDF-to-text tools write them) are kept in document text.
_DOCUMENT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def clean_text(text: str | bytes) -> str:
    """``text`` with invalid UTF-8 and lone surrogates made U+FFFD and control characters made spaces.

    Example:
        >>> clean_text("When\\x00 was the\\x07 visit?\\ud800")
        'When  was the  visit?\\ufffd'
        >>> clean_text(b"\\xff focused visit")
        '\\ufffd focused visit'
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    return _CONTROL.sub(" ", _SURROGATE.sub(REPLACEMENT, text))


def clean_document_text(text: str) -> str:
    """A report's text made safe to quote anywhere, with every character in its place (offsets hold).

    Control characters but tab, newline and form feed (a page break) become spaces; lone surrogates U+FFFD.
    """
    return _DOCUMENT_CONTROL.sub(" ", _SURROGATE.sub(REPLACEMENT, text))


def clean_question(question: object, max_chars: int) -> str:
    """The question, cleaned (:func:`clean_text`) and stripped.

    Raises:
        InvalidQuestionError: not text, empty (once cleaned), or longer than ``max_chars``.
    """
    if isinstance(question, bytes | bytearray):
        question = clean_text(bytes(question))
    if not isinstance(question, str):
        raise InvalidQuestionError(
            f"The question must be text, not {type(question).__name__}. Example: \"When was the focused visit?\""
        )
    text = clean_text(question).strip()
    if not text:
        raise InvalidQuestionError("The question is empty. Type a question about the reports.")
    if len(text) > max_chars:
        raise InvalidQuestionError(
            f"The question is {len(text):,} characters long; the limit is {max_chars:,}. Shorten it and ask again."
        )
    return text


def clean_history(history: object) -> tuple[Turn, ...]:
    """A conversation history given as turns or ``{"role", "content"}`` mappings, each content cleaned.

    Raises:
        InvalidQuestionError: not a list of turns, a malformed turn, or too long a history.
    """
    if history is None:
        return ()
    if isinstance(history, str | bytes | Mapping) or not isinstance(history, Iterable):
        raise InvalidQuestionError(
            f'The history must be a list of turns such as [{{"role": "user", "content": "..."}}], not '
            f"{type(history).__name__}."
        )
    turns = list(history)
    if len(turns) > MAX_HISTORY_TURNS:
        raise InvalidQuestionError(
            f"The history holds {len(turns):,} turns; the limit is {MAX_HISTORY_TURNS}. Start a new conversation."
        )
    out = []
    for turn in turns:
        if not isinstance(turn, Turn | Mapping):
            raise InvalidQuestionError(
                f'Each history entry must be {{"role": "user" or "assistant", "content": "..."}}, not {turn!r:.80}.'
            )
        coerced = Turn.coerce(turn)
        if len(coerced.content) > MAX_TURN_CHARS:
            raise InvalidQuestionError(
                f"A turn of the history is {len(coerced.content):,} characters long; the limit is "
                f"{MAX_TURN_CHARS:,}. Start a new conversation."
            )
        out.append(Turn(coerced.role, clean_text(coerced.content)))
    return tuple(out)


def check_date(value: str | None, which: str) -> str | None:
    """An ISO date (``2020``, ``2020-10`` or ``2020-10-20``) cleaned, or None when empty.

    Raises:
        InvalidFilterError: anything else ("yesterday", "2020-13").
    """
    if value is None:
        return None
    text = clean_text(str(value)).strip()
    if not text:
        return None
    match = _ISO_DATE.fullmatch(text)
    valid = match is not None
    if match is not None:
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            date(year or 1, month or 1, day or 1)
        except ValueError:
            valid = False
    if not valid:
        raise InvalidFilterError(
            f"The '{which}' date {text!r:.40} is not a date: give a year, a month or a day in ISO form, "
            "such as 2020, 2020-10 or 2020-10-20."
        )
    return text


def check_date_range(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """Both dates checked (:func:`check_date`), and the range refused when it ends before it starts.

    Example:
        >>> check_date_range("2019", " 2023-05 ")
        ('2019', '2023-05')
    """
    start, end = check_date(date_from, "from"), check_date(date_to, "to")
    if start and end and start[: len(end)] > end[: len(start)]:
        raise InvalidFilterError(f"The date range runs from {start} to {end}: pick a 'from' no later than 'to'.")
    return start, end


def clean_filters(filters: object) -> Filters:
    """``Filters`` from ``None``, ``Filters`` or a mapping, with their texts cleaned and dates checked.

    Raises:
        InvalidFilterError: not a mapping, an unknown key, a malformed date or a reversed range.
    """
    if filters is not None and not isinstance(filters, Filters | Mapping):
        raise InvalidFilterError(
            f'Filters must be a mapping such as {{"publishers": ["Ofsted"], "date_from": "2020"}}, not '
            f"{type(filters).__name__}."
        )
    for key, value in (filters.items() if isinstance(filters, Mapping) else ()):
        ok = value is None or isinstance(value, str) or (
            isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        )
        if not ok:
            raise InvalidFilterError(f"The filter {key!r} must be text or a list of texts, not {value!r:.60}.")
    coerced = Filters.coerce(filters)
    start, end = check_date_range(coerced.date_from, coerced.date_to)
    return replace(
        coerced,
        doc_ids=tuple(clean_text(v).strip() for v in coerced.doc_ids),
        publishers=tuple(clean_text(v).strip() for v in coerced.publishers),
        kinds=tuple(clean_text(v).strip() for v in coerced.kinds),
        date_from=start,
        date_to=end,
    )


def decode_line(raw: bytes, number: int) -> str:
    """One line of a file read as bytes, decoded as UTF-8.

    Raises:
        InvalidQuestionError: the line is not valid UTF-8 (the message says where, and what to do).
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidQuestionError(
            f"Line {number} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}). "
            "Save the file as UTF-8."
        ) from None


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML file (a Word briefing) cannot hold: controls become spaces."""
    return _NOT_XML.sub(" ", text)


def xml_safe_answer(answer: Answer) -> Answer:
    """``answer`` with every text in it, its citations' and passages' included, made :func:`xml_safe`."""
    return _xml_safe_fields(answer)


def _xml_safe_fields(value: T) -> T:
    if isinstance(value, str):
        return xml_safe(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(_xml_safe_fields(v) for v in value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {}
        for f in fields(value):
            old = getattr(value, f.name)
            new = _xml_safe_fields(old)
            if new is not old:
                changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value
