"""``assistant settings``: every setting with its value, then every answering rule, on or off."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import cli
from assistant.rules import ANSWER, RETRIEVAL, Rule


def test_settings_lists_each_rule_as_on_or_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no assistant.toml of the checkout's is read
    monkeypatch.setattr("assistant.rules.RULES", (
        Rule("year-bonus", RETRIEVAL, "Passages of the year a question names rank higher.", "query/retrieval.py"),
        Rule("grade-words", ANSWER, "A grade question wants a sentence that states a grade.", "query/fact_types.py"),
    ))
    monkeypatch.setenv("ASSISTANT_RULES_OFF", "year-bonus")

    result = CliRunner().invoke(cli.main, ["settings"])

    assert result.exit_code == 0, result.output
    assert "rules_off = ('year-bonus',)" in result.output
    rules = result.output.split("Answering rules (switch off with rules_off / ASSISTANT_RULES_OFF=name,name):\n")[1]
    assert rules == (
        "year-bonus [off] (retrieval, query/retrieval.py)\n    Passages of the year a question names rank higher.\n"
        "grade-words [on] (answer, query/fact_types.py)\n    A grade question wants a sentence that states a grade.\n"
    )
