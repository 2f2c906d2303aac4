"""Reliability: bad input at every entry point, a batch that loses nothing, a chat that never gets stuck,
privacy housekeeping, a crash-safe index swap, several members at once, and a fuzz test of it all.

Each test names the failure it guards against (issue #20); the fast ones use the keyword embedder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assistant import cli
from assistant.chat.briefing import write_briefing
from assistant.chat.render import Exchange, chat_messages, collection_html
from assistant.cleaning import check_date_range, clean_question, xml_safe
from assistant.errors import InvalidFilterError, InvalidQuestionError
from assistant.index.build import build_index, ensure_index, splitter_settings
from assistant.settings import Settings
from assistant.types import Answer
from conftest import CORPUS
from corpus_helpers import one_report
from ui_helpers import CARE_LEAVERS, free_port, running_app, ui_settings

pytestmark = [
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]
CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f\ufffe"


def _json_safe(answer: Answer) -> str:
    """The answer as JSON, encoded as UTF-8 (what a caller receives): fails on a lone surrogate."""
    text = json.dumps(answer.to_dict(), ensure_ascii=False)
    text.encode("utf-8")
    return text


# --------------------------------------------------------------------------- the cleaning boundary


def test_questions_are_cleaned_of_bad_unicode_and_control_characters() -> None:
    assert clean_question("\ud800When\x00 was the\x07 focused visit?\udcff", 100) == (
        "\ufffdWhen  was the  focused visit?\ufffd"
    )
    assert clean_question(b"\xff When?", 100) == "\ufffd When?"
    for bad in ("", " \x00\x01 ", None, 42, ["a question"]):
        with pytest.raises(InvalidQuestionError):
            clean_question(bad, 100)
    with pytest.raises(InvalidQuestionError, match="limit is 10"):
        clean_question("x" * 11, 10)


def test_python_api_cleans_or_refuses_every_bad_input(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    # A lone surrogate (JSON "\ud800", or invalid UTF-8 from argv) once crashed writing the answer out.
    answer = fake_assistant.ask("\ud800When was the focused visit?\x00")
    assert answer.question == "\ufffdWhen was the focused visit?"
    _json_safe(answer)
    with pytest.raises(InvalidQuestionError, match="history must be a list"):
        fake_assistant.ask("And for care leavers?", history="What did Ofsted say?")  # once an AttributeError
    with pytest.raises(InvalidQuestionError, match="history entry"):
        fake_assistant.ask("And for care leavers?", history=["What did Ofsted say?"])
    with pytest.raises(InvalidFilterError, match="not a date"):
        fake_assistant.ask("What did Ofsted find?", filters={"date_from": "yesterday"})  # once accepted
    with pytest.raises(InvalidFilterError, match="no later than"):
        fake_assistant.ask("What did Ofsted find?", filters={"date_from": "2023", "date_to": "2019"})
    with pytest.raises(InvalidFilterError, match="text or a list"):
        fake_assistant.ask("What did Ofsted find?", filters={"publishers": 7})
    with pytest.raises(InvalidFilterError):
        fake_assistant.ask("What did Ofsted find?", filters=["Ofsted"])


def test_date_rules_are_one_rule() -> None:
    assert check_date_range("2019", "2023-05-11") == ("2019", "2023-05-11")
    assert check_date_range("", None) == (None, None)
    for start, end in (("2023", "2019"), ("yesterday", None), (None, "2020-13"), ("2020-02-30", None)):
        with pytest.raises(InvalidFilterError):
            check_date_range(start, end)


# --------------------------------------------------------------------------------- briefings (Word)


def test_control_characters_do_not_break_the_word_briefing(fake_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Once: ``ValueError: All strings must be XML compatible`` from a character pasted from a PDF."""
    answer = fake_assistant.ask(CARE_LEAVERS)
    dirty = replace(
        answer, question=f"Care leavers{CONTROL}?", answer=f"{answer.answer}\x0c\x00",
        citations=tuple(replace(c, quote=f"{c.quote}\x01", title=f"{c.title}\x1b") for c in answer.citations),
    )
    md, docx = write_briefing([dirty], "v1", date(2026, 12, 1), tmp_path)
    from docx import Document

    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "Care leavers" in text and "\x00" not in text and "\x01" not in text
    assert md.read_text(encoding="utf-8").startswith("# Briefing")
    assert xml_safe(f"a{CONTROL}b") == "a" + " " * 29 + "\x7f" + " b"  # DEL is allowed in XML, U+FFFE is not


def _page_fn(demo: Any, name: str) -> Any:
    return next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name)


def _raise(*args: Any) -> Any:
    raise ValueError("All strings must be XML compatible")


class _Request:
    def __init__(self, session_hash: str) -> None:
        self.session_hash = session_hash


def test_the_step_after_answering_never_leaves_the_chat_stuck(  # type: ignore[no-untyped-def]
    fake_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once: a briefing that failed kept Ask on "Working…" and the previous briefing on offer."""
    from assistant.chat import page
    from assistant.chat.page import build_ui

    demo = build_ui(fake_assistant, ui_settings(tmp_path))
    finish, forget = _page_fn(demo, "finish"), _page_fn(demo, "forget")
    good = Exchange(fake_assistant.ask(CARE_LEAVERS), "")
    control = Exchange(fake_assistant.ask(f"What did Ofsted say about care leavers?{CONTROL}"), "")
    chat, ask, word, markdown = finish([good, control], chat_messages([good, control]), _Request("alice"))
    assert ask["interactive"] and word["interactive"] and Path(word["value"]).is_file()
    folder = Path(word["value"]).parents[1]
    # A briefing that cannot be written: a message, Ask back, and no briefing of an earlier turn offered.
    monkeypatch.setattr(page, "briefing_files", _raise)
    with pytest.warns(UserWarning, match="briefing could not be written"):
        chat, ask, word, markdown = finish([good, good], chat_messages([good, good]), _Request("alice"))
    assert ask["interactive"] and ask["value"] == "Ask"
    assert word["value"] is None and not word["interactive"] and markdown["value"] is None
    monkeypatch.undo()
    # A refused question leaves its pending message: the conversation is shown as it is again.
    chat, *_ = finish([good], chat_messages([good], "a refused question"), _Request("alice"))
    assert chat == chat_messages([good])
    # The session's briefings go when the session ends.
    assert folder.is_dir()
    forget(_Request("alice"))
    assert not folder.exists()
    demo.close()


# ------------------------------------------------------------------------------------------- batch


@pytest.fixture
def fake_cli(fake_assistant, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("assistant.pipeline.Assistant.load", lambda *a, **k: fake_assistant)

    def invoke(*args: str, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli.main, ["ask", *args], input=stdin)

    return invoke


def test_batch_gives_one_line_per_input_line_whatever_is_wrong_with_it(fake_cli) -> None:  # type: ignore[no-untyped-def]
    """Once: a string history, a lone surrogate or one non-UTF-8 byte ended the run with a traceback."""
    lines = [
        json.dumps({"id": 1, "question": "What did Ofsted say about care leavers?"}).encode(),
        json.dumps({"id": 2, "question": "And for care leavers?", "history": "a string"}).encode(),
        json.dumps({"id": 3, "question": "\ud800 When was the focused visit?"}).encode(),
        b'{"id": 4, "question": "When was the \xff focused visit?"}',
        json.dumps({"id": 5, "question": "When was the focused visit?", "history": [{"role": "x"}]}).encode(),
        json.dumps({"id": 6, "question": 7}).encode(),
        b"[1, 2]",
        json.dumps({"id": 8, "question": "What needs to improve?"}).encode(),
    ]
    result = fake_cli("--batch", "-", "--json", stdin=b"\n".join(lines) + b"\n")
    assert result.exit_code == 1, result.output
    outs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outs) == len(lines)
    assert [o.get("id") for o in outs] == [1, 2, 3, None, 5, 6, None, 8]
    assert "error" not in outs[0] and "error" not in outs[2] and "error" not in outs[7]
    assert outs[2]["question"] == "\ufffd When was the focused visit?"
    assert "history must be a list" in outs[1]["error"]
    assert "not UTF-8" in outs[3]["error"] and "Line 4" in outs[3]["error"]
    assert "role" in outs[4]["error"] and "question" in outs[5]["error"] and "question" in outs[6]["error"]
    assert "Traceback" not in result.output


def test_batch_text_output_survives_bad_lines_too(fake_cli) -> None:  # type: ignore[no-untyped-def]
    result = fake_cli("--batch", "-", stdin=b'{"question": "\\ud800 care leavers?"}\n\xff\n')
    assert result.exit_code == 1 and result.stdout.count("## ") == 2 and "Traceback" not in result.output


def test_cli_refuses_bad_dates_and_empty_questions_before_loading_anything() -> None:
    """Once: ``--from 2023 --to 2019`` and ``--from yesterday`` were accepted (the chat refused them)."""
    for args in (["--from", "2023", "--to", "2019", "Q?"], ["--from", "yesterday", "Q?"], ["\x01\x02 "]):
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "assistant", "ask", *args], capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith("Error: ") and proc.stderr.count("\n") == 1
        assert time.monotonic() - started < 30  # refused before the model loads


@pytest.mark.slow
def test_invalid_utf8_in_a_cli_question_is_answered_not_a_traceback(real_index_dir: Path) -> None:
    """Once: ``assistant ask $'\\xff When was the focused visit?'`` gave a 94-line traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--index", str(real_index_dir), "--corpus", str(CORPUS),
         "--json", b"\xff When was the focused visit?"], capture_output=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    out = json.loads(proc.stdout.decode("utf-8"))
    assert out["question"] == "\ufffd When was the focused visit?" and out["citations"]


@pytest.mark.slow
def test_ingest_prints_no_debug_lines_without_debug(tmp_path: Path) -> None:
    """Once: ``ingest`` printed "DEBUG bm25s ..." lines without ``--debug``."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "report.txt").write_text("A report\n\nThe council met on 4 May 2021 to agree a plan.\n",
                                       encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(corpus), "--index", str(tmp_path / "i")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "DEBUG" not in proc.stderr and "DEBUG" not in proc.stdout


# -------------------------------------------------------------------------------------- the API


@pytest.fixture(scope="module")
def app_url(fake_assistant, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with running_app(fake_assistant, ui_settings(tmp_path_factory.mktemp("reliability"))) as url:
        yield url


def test_bad_input_over_the_api_is_an_error_the_caller_reads(app_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once: an empty question gave only a UI warning; a lone surrogate crashed the stream for good."""
    import httpx._content
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    # Send JSON as most clients do, with "\ud800" escaped (httpx would refuse to encode a lone surrogate).
    monkeypatch.setattr(httpx._content, "json_dumps", lambda obj, **kw: json.dumps(obj, **{**kw, "ensure_ascii": True}))

    client = Client(app_url, verbose=False, download_files=False)
    chat, _, answer = client.submit("\ud800 What did Ofsted say about care leavers?",
                                    api_name="/respond").result(timeout=30)
    assert answer["question"].startswith("\ufffd") and len(chat) == 2
    for kwargs, message in (
        ({"question": "  "}, "The question is empty"),
        ({"question": "x" * 5000}, "limit is 2,000"),
        ({"question": "Q?", "doc_ids": ["no-such-report"]}, "not in the list of choices"),
        ({"question": "Q?", "publishers": ["Nobody"]}, "not in the list of choices"),
        ({"question": "Q?", "date_from": "2023", "date_to": "2019"}, "no later than"),
    ):
        with pytest.raises(AppError, match=message):
            client.submit(api_name="/respond", **kwargs).result(timeout=30)
    chat, _, _ = client.submit("And for children in care?", api_name="/respond").result(timeout=30)
    assert len(chat) == 4  # the refused questions changed nothing
    client.close()


def test_many_sessions_at_once_get_their_own_answers(fake_assistant, app_url: str) -> None:  # type: ignore[no-untyped-def]
    """Several members at once: every session's follow-up is read against its own conversation."""
    from gradio_client import Client

    openers = [CARE_LEAVERS, "What did the Commissioner recommend about a children's trust?",
               "When was the focused visit?", "What needs to improve?"] * 2
    expected = []
    for opener in openers:
        first = fake_assistant.ask(opener)
        history = [{"role": "user", "content": first.question}, {"role": "assistant", "content": first.answer}]
        expected.append(fake_assistant.ask("And for children in care?", history).standalone_question)
    got: dict[int, str] = {}
    errors: list[BaseException] = []

    def session(k: int) -> None:
        try:
            client = Client(app_url, verbose=False, download_files=False)
            client.submit(openers[k], api_name="/respond").result(timeout=60)
            _, _, answer = client.submit("And for children in care?", api_name="/respond").result(timeout=60)
            got[k] = answer["standalone_question"]
            client.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(k,)) for k in range(len(openers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert [got[k] for k in range(len(openers))] == expected


def test_answering_is_thread_safe(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    questions = [CARE_LEAVERS, "When was the focused visit?", "What needs to improve?",
                 "How did the judgement change between 2019 and 2023?"] * 5
    alone = [fake_assistant.ask(q).to_dict()["answer"] for q in questions]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda q: fake_assistant.ask(q).to_dict()["answer"], questions))
    assert together == alone


def test_the_queue_runs_one_answer_per_core_by_default(fake_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Once: no concurrency limit was set, so Gradio answered one question at a time."""
    from assistant.chat.page import build_ui, workers

    settings = ui_settings(tmp_path)
    assert workers(settings) == (os.cpu_count() or 1)
    assert workers(replace(settings, workers=3)) == 3
    demo = build_ui(fake_assistant, replace(settings, workers=3))
    respond = next(f for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "respond")
    assert respond.concurrency_limit in (3, "default") and demo._queue.default_concurrency_limit == 3
    demo.close()


# ------------------------------------------------------------------------------ privacy, security


def test_failed_sign_ins_are_slowed_then_refused() -> None:
    """Once: unlimited wrong passwords were checked at full speed."""
    import asyncio

    from assistant.chat.serving import LoginGuard

    guard = LoginGuard([("officer", "a-long-passphrase")], per_user=3, overall=10, delay_s=0.05)

    async def attempts() -> list[bool]:
        started = time.perf_counter()
        results = [await guard.check("officer", "guess") for _ in range(3)]
        assert time.perf_counter() - started >= 3 * 0.05  # every failure waits
        results.append(await guard.check("officer", "a-long-passphrase"))  # refused: too many failures
        results.append(await guard.check("other", "guess"))
        return results

    assert asyncio.run(attempts()) == [False, False, False, False, False]
    fresh = LoginGuard([("officer", "a-long-passphrase")], delay_s=0.0)
    assert asyncio.run(fresh.check("officer", "\ud800")) is False  # a lone surrogate is a wrong password
    assert asyncio.run(fresh.check("officer", "a-long-passphrase")) is True


def test_sign_in_through_the_server_is_throttled(  # type: ignore[no-untyped-def]
    fake_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    monkeypatch.setattr("assistant.chat.serving.LOGIN_DELAY_S", 0.2)
    settings = replace(ui_settings(tmp_path), auth="officer:a-long-passphrase")
    with running_app(fake_assistant, settings) as url:
        def login(password: str) -> int:
            return httpx.post(f"{url}login", data={"username": "officer", "password": password}).status_code

        started = time.perf_counter()
        assert [login("guess") for _ in range(5)] == [400] * 5
        assert time.perf_counter() - started >= 5 * 0.2
        assert login("a-long-passphrase") == 400  # refused until the minute has passed


@pytest.mark.slow
def test_briefing_folders_are_removed_when_the_server_is_stopped(tmp_path: Path, corpus_copy: Path) -> None:
    """Once: briefing folders holding conversation text stayed in the temp folder after the server stopped."""
    temp = tmp_path / "temp"
    temp.mkdir()
    port = free_port()
    script = (
        "import sys\n"
        "from assistant.index.embedding import KeywordEmbedder\n"
        "from assistant.pipeline import Assistant\n"
        "from assistant.settings import Settings\n"
        "from assistant.chat.serving import launch\n"
        f"s = Settings.load(environ={{}}, port={port}, index_dir={str(tmp_path / 'index')!r}, "
        f"corpus_dir={str(corpus_copy)!r})\n"
        "launch(s, Assistant.load(settings=s, embedder=KeywordEmbedder()))\n"
    )
    env = {**os.environ, "TMPDIR": str(temp), "GRADIO_TEMP_DIR": str(temp / "gradio")}
    server = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        import urllib.request

        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.5)
        assert list(temp.glob("assistant-briefings-*"))
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0
    assert not list(temp.glob("assistant-briefings-*"))


# ------------------------------------------------------------------------------ the index swap


@pytest.fixture
def built(tmp_path: Path, keyword_embedder) -> tuple[Path, Settings]:  # type: ignore[no-untyped-def]
    settings = Settings.load(environ={})
    index_dir = tmp_path / "index"
    build_index(CORPUS, index_dir, keyword_embedder, splitter_settings(settings))
    return index_dir, settings


def test_an_index_swap_interrupted_between_its_renames_is_recovered(  # type: ignore[no-untyped-def]
    built, keyword_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once: a build stopped between its two renames left no index and an ``.old-*`` folder for good."""
    index_dir, settings = built
    renames: list[Path] = []
    real_rename = Path.rename

    def rename(self: Path, target: Any) -> Any:
        renames.append(self)
        if len(renames) == 2:
            raise KeyboardInterrupt  # stopped after moving the old index aside, before moving the new one in
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        build_index(CORPUS, index_dir, keyword_embedder, splitter_settings(settings))
    monkeypatch.setattr(Path, "rename", real_rename)
    assert not index_dir.exists() and list(index_dir.parent.glob(".index.old-*"))
    assert ensure_index(settings, keyword_embedder, index_dir, CORPUS) is None  # recovered, no rebuild needed
    assert (index_dir / "manifest.json").is_file()
    assert not list(index_dir.parent.glob(".index.*"))


def test_a_killed_swap_takes_the_complete_new_build(built, keyword_embedder) -> None:  # type: ignore[no-untyped-def]
    """Killed (no clean-up ran) between the renames: the new build is complete, so it is the one used."""
    import shutil

    index_dir, settings = built
    shutil.copytree(index_dir, index_dir.parent / ".index.tmp-abc")
    index_dir.rename(index_dir.parent / ".index.old-abc")
    assert ensure_index(settings, keyword_embedder, index_dir, CORPUS) is None
    assert (index_dir / "manifest.json").is_file() and not list(index_dir.parent.glob(".index.*"))


def test_control_characters_in_a_report_are_indexed_as_spaces(tmp_path: Path) -> None:
    text = "A report\n\nThe council\x0b met on\x07 4 May 2021 to agree a plan for care leavers.\n"
    answer = one_report(tmp_path, "r.txt", text).ask("What did the council agree for care leavers?")
    assert all("\x0b" not in c.quote and "\x07" not in c.quote for c in answer.citations)
    assert any("4 May 2021" in c.quote for c in answer.citations)


# ------------------------------------------------------------------------------------------ XSS


def test_markup_in_a_report_is_shown_as_text_never_run(tmp_path: Path) -> None:
    report = (
        "Report <script>alert('t')</script>\n\n"
        "The council <img src=x onerror=alert(1)> agreed a <b>plan</b> for care leavers on 4 May 2021. "
        'See <a href="javascript:alert(2)">this</a> and [link](javascript:alert(3)).\n'
    )
    assistant = one_report(tmp_path, "r.txt", report)
    answer = assistant.ask("What did the council agree for care leavers?")
    assert answer.citations
    html = "".join(m["content"] for m in chat_messages([Exchange(answer, "")]) if isinstance(m["content"], str))
    html += collection_html(assistant.documents())
    for raw in ("<script", "<img", "<b>", 'href="javascript', "onerror=alert(1)>"):
        assert raw not in html, raw
    assert "&lt;img" in html


# ------------------------------------------------------------------------------------------ fuzz

_ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=120)  # surrogates and controls too
_FUZZ = hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@_FUZZ
@given(question=_ANY_TEXT, history=st.one_of(
    st.none(), _ANY_TEXT, st.lists(st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "bot"]),
                                                          "content": _ANY_TEXT}), max_size=3),
    st.lists(st.one_of(st.integers(), _ANY_TEXT), max_size=2)))
def test_fuzz_every_question_gets_one_clean_result(  # type: ignore[no-untyped-def]
    fake_assistant, scratch: Path, question: str, history: Any
) -> None:
    """Any text and any history: an answer that can be sent as UTF-8 JSON and written as a Word briefing,
    or an error of the family that tells a person what to do; never anything else."""
    try:
        answer = fake_assistant.ask(question, history)
    except (InvalidQuestionError, InvalidFilterError) as exc:
        assert str(exc)
        return
    _json_safe(answer)
    write_briefing([answer], "v", date(2026, 12, 1), scratch)


_LINE = st.one_of(
    st.binary(max_size=80).map(lambda b: b.replace(b"\n", b" ")),
    st.builds(lambda q, h: json.dumps({"question": q, "history": h}).encode(), _ANY_TEXT,
              st.one_of(st.none(), _ANY_TEXT, st.lists(st.dictionaries(_ANY_TEXT, _ANY_TEXT, max_size=2), max_size=2))),
    st.builds(lambda q: json.dumps({"question": q}, ensure_ascii=False).encode("utf-8", "surrogatepass"), _ANY_TEXT),
)
MARKER = "When was the focused visit?"


@_FUZZ
@given(lines=st.lists(_LINE, min_size=1, max_size=5))
def test_fuzz_every_batch_line_gets_exactly_one_output_line(  # type: ignore[no-untyped-def]
    fake_assistant, cli_on_fake, lines: list[bytes]
) -> None:
    """Any bytes on any line: one output line per (non-blank) input line, in order, and no traceback."""
    numbered = [json.dumps({"id": k, "question": MARKER}).encode() + b"\n" + line for k, line in enumerate(lines)]
    result = CliRunner().invoke(cli.main, ["ask", "--batch", "-", "--json"], input=b"\n".join(numbered) + b"\n")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    outs = [json.loads(line) for line in result.stdout.splitlines()]

    def counted(raw: bytes) -> int:
        try:
            return int(bool(raw.decode("utf-8").strip()))
        except UnicodeDecodeError:
            return 1  # reported as a line that is not UTF-8

    assert len(outs) == sum(1 + counted(line) for line in lines)
    markers = [o["id"] for o in outs if o.get("question") == MARKER and isinstance(o.get("id"), int)]
    assert markers == list(range(len(lines)))  # every marker line, in order: nothing lost or shifted


@pytest.fixture(scope="module")
def cli_on_fake(fake_assistant):  # type: ignore[no-untyped-def]
    """The CLI's ``Assistant.load`` gives the keyword-embedder assistant, for the whole module's fuzzing."""
    mp = pytest.MonkeyPatch()
    mp.setattr("assistant.pipeline.Assistant.load", lambda *a, **k: fake_assistant)
    yield mp
    mp.undo()


def test_a_batch_answer_is_one_line_whatever_line_separators_its_text_holds(  # type: ignore[no-untyped-def]
    fake_assistant, cli_on_fake
) -> None:
    """U+2028, U+2029 and NEL are line ends to str.splitlines and to some JSON Lines readers: a question (echoed
    in its answer) holding them still gets exactly one output line (found by the fuzz test above)."""
    lines = [json.dumps({"id": k, "question": f"When{sep}was the focused visit?"}, ensure_ascii=False)
             for k, sep in enumerate(["\u2028", "\u2029", "\x85"])]
    result = CliRunner().invoke(cli.main, ["ask", "--batch", "-", "--json"], input="\n".join(lines) + "\n")
    assert result.exit_code in (0, 1), result.output
    outs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in outs] == [0, 1, 2]
