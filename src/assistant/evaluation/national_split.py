"""The national set's dev / held-out split: by council, decided by a hash of the council's name.

A rule that answers national questions better must earn its place on councils it was not written from.
Every question about a council falls on the same side, so a rule written while reading one council's
misses (its reports' layout, its inspectors' phrasing) is measured on other councils' reports. Which side a
council falls on is decided by a hash of its name, not by hand: :data:`SPLIT_RULE` states the rule, and
the reports print it beside the figures. Only dev councils' misses are read when deciding what to change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

DEV = "dev"
HELD_OUT = "held-out"
ALL = "all"
SPLITS = (DEV, HELD_OUT)
#: The rule, as the reports state it.
SPLIT_RULE = (
    "a council is dev when the first byte of the SHA-256 of its name (stripped, lower case, UTF-8) is even, "
    "held-out when it is odd; every question about a council falls on its side, and no-inspection questions too"
)


def split_of(council: str) -> str:
    """The side of the split a council's questions fall on: ``"dev"`` or ``"held-out"`` (see the module).

    Example:
        >>> split_of("Medway"), split_of("Medway ") == split_of("medway")
        ('dev', True)
    """
    digest = hashlib.sha256(council.strip().lower().encode("utf-8")).digest()
    return DEV if digest[0] % 2 == 0 else HELD_OUT


def summarise_splits(
    rows: Sequence[Mapping[str, Any]], summarise: Callable[[Sequence[Mapping[str, Any]]], dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """``{"dev": summary, "held-out": summary, "all": summary}`` of scored rows, each side's rows picked by
    their council (``summarise``: :func:`assistant.evaluation.national.summarise`)."""
    out = {side: summarise([r for r in rows if split_of(str(r.get("council") or "")) == side]) for side in SPLITS}
    out[ALL] = summarise(rows)
    return out


def share_summary(rows: Sequence[Mapping[str, Any]], metrics: Sequence[str]) -> dict[str, Any]:
    """``{"overall": {metric: share of the rows it applies to that are true, "n": count}}``, the shape
    ``summarise_splits`` expects of a question set scored yes or no (None where a metric does not apply).

    Example:
        >>> share_summary([{"a": True, "b": None}, {"a": False, "b": True}], ("a", "b"))
        {'overall': {'a': 0.5, 'b': 1.0, 'n': 2}}
    """
    overall: dict[str, float | None] = {}
    for metric in metrics:
        values = [bool(r[metric]) for r in rows if r.get(metric) is not None]
        overall[metric] = sum(values) / len(values) if values else None
    overall["n"] = len(rows)
    return {"overall": overall}
