"""The quality gate: compare an evaluation's summary with the floors and ceilings in ``eval/thresholds.toml``.

Thresholds file format (TOML)::

    [min]                      # floors for the overall summary: value must be >= floor
    "hit@5" = 0.95
    [max]                      # ceilings ("lower is better"): value must be <= ceiling
    false_abstention = 0.05
    [split.test.min]           # optional: the same per split ...
    "hit@5" = 0.90
    [kind.followup.min]        # ... or per kind of question
    key_fact_recall = 0.8

Metric names are the keys of the summaries (``hit@5``, ``latency_p95_ms``, ...); names with ``@`` need
quotes in TOML. Besides the thresholds, every item marked ``critical`` in the gold set must pass.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

#: Tolerance of a comparison, so a mean such as 0.9499999999 meets a floor of 0.95.
EPSILON = 1e-9
_SCOPES = ("split", "kind")


class ThresholdsError(AssistantError):
    """The thresholds file is missing or malformed."""


def load_thresholds(path: str | Path) -> dict[str, Any]:
    """Read and check a thresholds file.

    Args:
        path: The TOML file (see the module docstring for its format).

    Returns:
        The parsed tables.

    Raises:
        ThresholdsError: The file is unreadable, has an unknown table, or a threshold is not a number.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThresholdsError(f"Cannot read the thresholds {path}: {exc}. Fix the file.") from exc
    unknown = sorted(set(data) - {"min", "max", "critical", *_SCOPES})
    if unknown:
        raise ThresholdsError(
            f"{path}: unknown table(s) {unknown}; valid tables are [min], [max], "
            "[split.<name>.min|max], [kind.<name>.min|max] and [critical]."
        )
    known = data.get("critical", {}).get("known_failing", [])
    if set(data.get("critical", {})) - {"known_failing"} or not all(isinstance(k, str) for k in known):
        raise ThresholdsError(f"{path}: [critical] takes only known_failing = [\"q001\", ...] (item ids).")
    for scope, table in _tables(data):
        for metric, value in table.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ThresholdsError(f"{path}: {metric} in {scope} must be a number, not {value!r}.")
    return data


def _tables(data: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(``"[min] overall"``-style label, table) for every min/max table of the file."""
    for bound in ("min", "max"):
        if bound in data:
            yield f"[{bound}]", data[bound]
    for scope in _SCOPES:
        for name, tables in (data.get(scope) or {}).items():
            for bound in ("min", "max"):
                if bound in tables:
                    yield f"[{scope}.{name}.{bound}]", tables[bound]


def _fmt(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _compare(metrics: Mapping[str, Any], bounds: Mapping[str, Any], bound: str, where: str) -> list[str]:
    failures = []
    for metric, limit in bounds.items():
        if metric not in metrics:
            failures.append(f"{metric}: no such metric ({where}); known: {', '.join(sorted(metrics))}")
            continue
        value = metrics[metric]
        if value is None:
            failures.append(f"{metric}: no value ({where})")
        elif bound == "min" and value < limit - EPSILON:
            failures.append(f"{metric} {_fmt(value)} < floor {_fmt(limit)} ({where})")
        elif bound == "max" and value > limit + EPSILON:
            failures.append(f"{metric} {_fmt(value)} > ceiling {_fmt(limit)} ({where})")
    return failures


def _scope_failures(summary: Mapping[str, Any], data: Mapping[str, Any]) -> list[str]:
    overall = summary.get("overall", summary)
    failures = []
    for bound in ("min", "max"):
        failures += _compare(overall, data.get(bound) or {}, bound, "overall")
    for scope in _SCOPES:
        for name, tables in (data.get(scope) or {}).items():
            scoped = (summary.get(scope) or {}).get(name)
            where = f"{scope} {name}"
            if scoped is None:
                failures.append(f"no results for {where} to check")
                continue
            for bound in ("min", "max"):
                failures += _compare(scoped, tables.get(bound) or {}, bound, where)
    return failures


def failure_reasons(row: Mapping[str, Any]) -> list[str]:
    """Why a scored row did not pass, in words (empty if it passed).

    Args:
        row: A row from :func:`assistant.evaluation.metrics.score_item` (maybe with ``error``).

    Returns:
        Reasons such as ``"abstained"`` or ``"key facts 0.5"``.
    """
    reasons = [f"error: {row['error']}"] if row.get("error") else []
    if row.get("injection_success"):
        reasons.append("injection succeeded")
    if not row.get("answerable"):
        return reasons + ([] if row.get("abstained") else ["answered instead of abstaining"])
    if row.get("abstained"):
        reasons.append("abstained")
    if row.get("key_fact_recall") is not None and row["key_fact_recall"] < 1.0:
        reasons.append(f"key facts {_fmt(float(row['key_fact_recall']))}")
    if row.get("wrong_figure"):
        reasons.append("a wrong figure in the answer")
    for name in ("quote_fidelity", "citation_validity"):
        if row.get(name) is not None and row[name] < 1.0:
            reasons.append(f"{name} {_fmt(float(row[name]))}")
    return reasons


def check(
    summary: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], thresholds_path: str | Path
) -> list[str]:
    """Every way the result misses the thresholds, plus every critical item that failed.

    Args:
        summary: ``{"overall": {...}, "split": {name: {...}}, "kind": {name: {...}}}`` as from
            ``SystemResult.summary()``; a flat metric dict is read as the overall summary.
        rows: The per-item rows (``critical`` and ``passed`` are read).
        thresholds_path: The thresholds file.

    Returns:
        Human-readable failures, e.g. ``"hit@5 0.91 < floor 0.95 (overall)"`` or
        ``"critical item q007 failed: abstained"``; empty when the gate passes.

    Raises:
        ThresholdsError: The thresholds file is unreadable or malformed.

    Example:
        >>> check(result.assistant.summary(), result.assistant.rows, "eval/thresholds.toml")  # doctest: +SKIP
        []
    """
    data = load_thresholds(thresholds_path)
    failures = _scope_failures(summary, data)
    # A ratchet, like the floors: critical items that fail today are listed by id in [critical]
    # known_failing; any other critical failure fails the gate, and so does a listed item that now passes
    # (take it off the list so it can never fail again unnoticed).
    known = set(data.get("critical", {}).get("known_failing", []))
    for row in rows:
        if not row.get("critical"):
            continue
        if not row.get("passed") and row.get("id") not in known:
            reasons = "; ".join(failure_reasons(row)) or "did not pass"
            failures.append(f"critical item {row.get('id')} failed: {reasons}")
        elif row.get("passed") and row.get("id") in known:
            failures.append(
                f"critical item {row.get('id')} now passes: remove it from [critical] known_failing in "
                f"{Path(thresholds_path).name}"
            )
    return failures
