"""The gold set: read ``eval/questions.jsonl`` and check every line's shape before anything is scored.

Items stay plain dicts (the metrics work on plain data). A bad line stops the run with an error that
names the file, the line number and the field, so it can be fixed by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

SPLITS = ("tune", "test")
KINDS = ("fact", "number", "date", "comparison", "followup", "unanswerable", "paraphrase", "injection")
ROLES = ("user", "assistant")

#: Field name -> (expected type(s), description for the error message).
_FIELDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "id": (str, "a string"),
    "split": (str, f"one of {list(SPLITS)}"),
    "kind": (str, f"one of {list(KINDS)}"),
    "question": (str, "a non-empty string"),
    "history": (list, 'a list of {"role", "content"} objects'),
    "answerable": (bool, "true or false"),
    "evidence": (list, 'a list of {"doc_id", "quote"} objects'),
    "key_facts": (list, "a list of lists of alias strings"),
    "wrong_figures": (list, "a list of strings"),
    "must_not_contain": (list, "a list of strings"),
    "critical": (bool, "true or false"),
}


class GoldSetError(AssistantError):
    """The gold set file is missing or one of its lines is malformed."""


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate the gold set, one JSON object per line (blank lines are skipped).

    Args:
        path: The JSON-lines file, usually ``eval/questions.jsonl``.

    Returns:
        The items in file order, as dicts.

    Raises:
        GoldSetError: The file cannot be read, a line is not a JSON object, a field is missing or has
            the wrong type or value, or an id repeats. The message names the line.

    Example:
        >>> items = load_gold("eval/questions.jsonl")  # doctest: +SKIP
        >>> items[0]["id"], items[0]["kind"]           # doctest: +SKIP
        ('q001', 'fact')
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldSetError(f"Cannot read the gold set {path}: {exc}. Pass --questions FILE.") from exc
    items: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = _parse(line, path, number)
        seen = first_line.setdefault(item["id"], number)
        if seen != number:
            raise GoldSetError(
                f"{path} line {number}: id {item['id']!r} repeats line {seen}. Give it a new id."
            )
        items.append(item)
    if not items:
        raise GoldSetError(f"The gold set {path} has no items. Add one JSON object per line.")
    return items


def _parse(line: str, path: Path, number: int) -> dict[str, Any]:
    where = f"{path} line {number}"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldSetError(
            f"{where} is not valid JSON ({exc.msg} at column {exc.colno}). Fix the line."
        ) from exc
    if not isinstance(item, dict):
        raise GoldSetError(f"{where} must be a JSON object, not {type(item).__name__}.")
    problem = validate_item(item)
    if problem:
        ident = f" (id {item['id']!r})" if isinstance(item.get("id"), str) else ""
        raise GoldSetError(f"{where}{ident}: {problem}. Fix the line.")
    return item


def validate_item(item: Mapping[str, Any]) -> str | None:
    """The first problem with one gold item, or None if it is well-formed.

    Args:
        item: One parsed line.

    Returns:
        A short description such as ``'"split" must be one of ['tune', 'test'], not 'dev''``, or None.
    """
    for name, (kind, description) in _FIELDS.items():
        if name not in item:
            return f'the field "{name}" is missing (it must be {description})'
        value = item[name]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            return f'"{name}" must be {description}, not {value!r}'
    return _check_values(item)


def _check_values(item: Mapping[str, Any]) -> str | None:
    if item["split"] not in SPLITS:
        return f'"split" must be one of {list(SPLITS)}, not {item["split"]!r}'
    if item["kind"] not in KINDS:
        return f'"kind" must be one of {list(KINDS)}, not {item["kind"]!r}'
    if not item["question"].strip():
        return '"question" is empty'
    for turn in item["history"]:
        if (
            not isinstance(turn, dict)
            or turn.get("role") not in ROLES
            or not isinstance(turn.get("content"), str)
        ):
            return f'each "history" entry needs "role" in {list(ROLES)} and a "content" string; got {turn!r}'
    for evidence in item["evidence"]:
        if not (
            isinstance(evidence, dict)
            and isinstance(evidence.get("doc_id"), str)
            and isinstance(evidence.get("quote"), str)
        ):
            return f'each "evidence" entry needs "doc_id" and "quote" strings; got {evidence!r}'
    for group in item["key_facts"]:
        if not isinstance(group, list) or not all(isinstance(alias, str) for alias in group):
            return f'each "key_facts" entry must be a list of alias strings; got {group!r}'
    for name in ("wrong_figures", "must_not_contain"):
        if not all(isinstance(value, str) for value in item[name]):
            return f'"{name}" must hold only strings; got {item[name]!r}'
    if item["answerable"] and not item["evidence"]:
        return 'an answerable item needs at least one "evidence" quote'
    return None
