"""Small pure pieces: settings, follow-up rewriting, dates, offline token counting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.query.conversation import is_followup, standalone_question
from assistant.query.questions import question_shape
from assistant.settings import Settings
from assistant.text import human_date
from assistant.types import Turn


def test_settings_precedence_file_then_environment(tmp_path: Path) -> None:
    config = tmp_path / "assistant.toml"
    config.write_text("top_k = 7\nport = 9000\n")
    s = Settings.load(config, environ={"ASSISTANT_PORT": "9100"})
    assert (s.top_k, s.port) == (7, 9100)


def test_settings_errors_name_the_setting_and_the_fix() -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_TOP_K"):
        Settings.load(environ={"ASSISTANT_TOP_K": "many"})
    with pytest.raises(ConfigError, match="Valid settings"):
        Settings().with_values({"colour": "blue"})
    with pytest.raises(ConfigError, match="fusion"):
        Settings.load(environ={"ASSISTANT_FUSION": "magic"})
    with pytest.raises(ConfigError, match="self_reference_penalty must not be negative"):
        Settings.load(environ={"ASSISTANT_SELF_REFERENCE_PENALTY": "-0.1"})
    with pytest.raises(ConfigError, match="rerank_passages must not be negative"):
        Settings.load(environ={"ASSISTANT_RERANK_PASSAGES": "-1"})


HISTORY = [Turn("user", "What did Ofsted say about care leavers over 21?"), Turn("assistant", "...")]


def test_readme_lists_every_setting_with_its_default() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name, default, description in Settings.describe():
        assert f"| `{name}` | `ASSISTANT_{name.upper()}` | `{default}` | {description} |" in readme, name


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("And children in care?", "What did Ofsted say about children in care?"),
        ("what about the workforce?", "What did Ofsted say about the workforce?"),
        ("What did he recommend?", "What did he recommend? (following on from: What did Ofsted say about care "
                                   "leavers over 21?)"),
        ("How many social workers were recruited in 2021?", "How many social workers were recruited in 2021?"),
        # Long, but ending on a pronoun: it points back.
        ("Was government money supposed to cover part of that?", "Was government money supposed to cover part of "
         "that? (following on from: What did Ofsted say about care leavers over 21?)"),
    ],
)
def test_standalone_question(question: str, expected: str) -> None:
    assert standalone_question(question, HISTORY) == expected


@pytest.mark.parametrize(
    ("previous", "question", "expected"),
    [
        ("What did Ofsted say about disabled children in 2020?", "And by 2023?",
         "What did Ofsted say about disabled children by 2023?"),
        ("What was the overall judgement in 2019?", "And in 2023?", "What was the overall judgement in 2023?"),
        ("What did Ofsted say about care leavers?", "and in 2023?", "What did Ofsted say about care leavers in 2023?"),
        ("How many foster carers were there in 2021?", "What about 2022?",
         "How many foster carers were there in 2022?"),
    ],
)
def test_a_follow_up_that_names_only_a_year_asks_the_previous_question_of_that_year(
    previous: str, question: str, expected: str
) -> None:
    history = [Turn("user", previous), Turn("assistant", "...")]
    assert standalone_question(question, history) == expected


def test_a_chain_of_follow_ups_carries_the_earlier_questions_one_after_the_other() -> None:
    history: list[Turn] = []
    asked = []
    for question in ("What is the Family Safeguarding model?", "When did it start?", "How much did it cost?",
                     "When?"):
        asked.append(standalone_question(question, history))
        history += [Turn("user", question), Turn("assistant", "...")]
    assert asked[2] == ("How much did it cost? (following on from: When did it start? What is the Family "
                        "Safeguarding model?)")  # not nested in brackets
    # Question words alone ask something new of the same subject; they are not a topic to swap in.
    assert asked[3].startswith("When? (following on from: How much did it cost? When did it start?")
    # A topic swaps into the previous question's own words, never into what that question carried along.
    history = [Turn("user", "Who is John Coughlan?"), Turn("assistant", "..."),
               Turn("user", "What did he say about the trust?"), Turn("assistant", "...")]
    assert standalone_question("And about schools?", history) == (
        "What did he say about schools? (following on from: Who is John Coughlan?)")


def test_follow_ups_chain_through_earlier_turns() -> None:
    history = [*HISTORY, Turn("user", "And children in care?"), Turn("assistant", "...")]
    assert standalone_question("and the workforce?", history) == "What did Ofsted say about the workforce?"
    assert not is_followup("What did the Commissioner recommend about a children's trust?")


def test_own_words_drop_the_context_carried_along() -> None:
    from assistant.query.conversation import own_words

    history = [Turn("user", "How much did the council spend on fostering?"), Turn("assistant", "...")]
    standalone = standalone_question("Did the government pay for any of that?", history)
    assert standalone.endswith("(following on from: How much did the council spend on fostering?)")
    assert own_words(standalone) == "Did the government pay for any of that?"
    assert own_words("When was the visit?") == "When was the visit?"


def test_no_history_means_no_rewrite() -> None:
    assert standalone_question("And children in care?", []) == "And children in care?"


def test_human_date_and_question_shape() -> None:
    assert human_date("2020-12-04") == "4 December 2020"
    assert human_date("2019-07") == "July 2019"
    assert human_date(None) == "undated"
    assert question_shape("How did the judgement change between 2019 and 2023?")[0]
    assert not question_shape("When was the focused visit?")[0]


def test_token_counting_works_offline_with_no_cache_configured(tmp_path: Path) -> None:
    # A fresh process: tiktoken caches encodings per process, so only a new one proves this.
    env = {k: v for k, v in os.environ.items() if k not in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR")}
    env["HOME"] = str(tmp_path)
    env["HTTPS_PROXY"] = env["HTTP_PROXY"] = "http://127.0.0.1:9"  # any download attempt fails fast
    proc = subprocess.run(
        [sys.executable, "-c", "from assistant.ingest.tokens import encoding; print(encoding().encode('hello world'))"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[15339, 1917]"  # cl100k_base's published ids for these words
