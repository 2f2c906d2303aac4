"""The command line, in-process with the real model (the session's), and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import cli
from conftest import CORPUS


@pytest.fixture
def run(real_embedder, real_index_dir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke the CLI with the session's already-loaded model, against the prebuilt real index."""
    monkeypatch.setattr("assistant.index.embedding.make_embedder", lambda *a, **k: real_embedder)
    monkeypatch.setattr("assistant.pipeline.make_embedder", lambda *a, **k: real_embedder)

    def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(
            cli.main, ["ask", "--index", str(real_index_dir), "--corpus", str(CORPUS), *args], input=stdin
        )

    return invoke


@pytest.mark.slow
def test_ask_prints_the_answer_and_its_sources(run) -> None:  # type: ignore[no-untyped-def]
    result = run("What did Ofsted say about care leavers over 21?")
    assert result.exit_code == 0, result.output
    assert "aged 21 and over" in result.output
    assert "Sources:" in result.output and "[1]" in result.output


@pytest.mark.slow
def test_ask_json_is_one_object(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--json", "When was the focused visit?")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["question"] == "When was the focused visit?" and "citations" in out


@pytest.mark.slow
def test_batch_answers_every_line_in_order_and_loses_none(run) -> None:  # type: ignore[no-untyped-def]
    lines = [
        json.dumps({"id": "a", "question": "What was the overall judgement in 2023?"}),
        "this is not json",
        json.dumps({"id": "c", "question": "   "}),
        json.dumps({"question": "And for care leavers?",
                    "history": [{"role": "user", "content": "What did Ofsted say about children in care?"},
                                {"role": "assistant", "content": "..."}]}),
    ]
    result = run("--batch", "-", "--json", stdin="\n".join(lines) + "\n")
    assert result.exit_code == 1  # some lines failed, and said so
    outs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in outs] == ["a", None, "c", None]
    assert "citations" in outs[0] and "error" not in outs[0]
    assert "not JSON" in outs[1]["error"]
    assert "empty" in outs[2]["error"]
    assert outs[3]["standalone_question"] == "What did Ofsted say about care leavers?"
    assert "could not be answered" in result.stderr


def test_empty_question_exits_2_with_one_line() -> None:
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "  "], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "empty" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_lists_commands_with_examples() -> None:
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    assert "--batch" in proc.stdout and "Examples:" in proc.stdout


def test_missing_corpus_is_one_actionable_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(tmp_path / "nope"), "--index", str(tmp_path / "i")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: Corpus folder") and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("floor", "exit_code"), [(0.0, 0), (1.01, 1)])
def test_eval_exits_1_when_the_gate_fails_and_writes_the_reports_anyway(  # type: ignore[no-untyped-def]
    fake_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, floor: float, exit_code: int
) -> None:
    lines = (CORPUS.parent / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    questions = tmp_path / "gold" / "questions.jsonl"
    questions.parent.mkdir()
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (questions.parent / "thresholds.toml").write_text(f'[min]\n"hit@5" = {floor}\n', encoding="utf-8")
    monkeypatch.setattr("assistant.pipeline.Assistant.load", lambda *a, **k: fake_assistant)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.main, ["eval", "--questions", str(questions), "--out", str(out), "--no-baselines", "--no-national"]
    )
    assert result.exit_code == exit_code, result.output
    assert (out / "report.md").is_file() and (out / "report.json").is_file()
    assert ("passed" if exit_code == 0 else "hit@5") in result.output
