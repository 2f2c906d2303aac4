"""``assistant ask``: one question, or a JSON-lines batch of them, answered on the terminal or as JSON."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from assistant.cleaning import check_date_range, clean_question, clean_text, decode_line
from assistant.cli.group import echo, filter_options, index_options, load_settings, main, warn
from assistant.errors import AssistantError, InvalidQuestionError
from assistant.text import json_line

log = logging.getLogger("assistant")


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per answer.")
@click.option("--batch", type=click.File("rb"),
              help='JSON-lines file ("-" for stdin): {"id", "question", "history"} per line; one output line '
                   "per input line, in order, with an \"error\" for a line that cannot be answered (exit 1).")
@click.option("--doc", "doc_ids", multiple=True, help="Only this document id (repeatable).")
@filter_options
@index_options
@click.pass_context
def ask(
    ctx: click.Context,
    question: str | None,
    as_json: bool,
    batch: Any,
    doc_ids: tuple[str, ...],
    publishers: tuple[str, ...],
    kinds: tuple[str, ...],
    areas: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    index_dir: Path | None,
    corpus_dir: Path | None,
) -> None:
    """Ask a question (or a batch of them) and print the answer with its sources.

    The index is built first if it is missing or no longer matches the corpus. Control characters and
    invalid UTF-8 in a question are cleaned; an empty or over-long question, or a bad date, exits with 2.

    \b
    Examples:
      assistant ask "What did Ofsted say about care leavers over 21?"
      assistant ask --doc 2020-12-ofsted-focused-visit-letter "What needs to improve?"
      assistant ask --from 2022 --json "Is a children's trust still planned?"
      echo '{"id": 1, "question": "When was the focused visit?"}' | assistant ask --batch - --json
    """
    if batch is not None and question:
        raise click.UsageError("Give either a QUESTION or --batch FILE, not both.")
    s = load_settings(ctx, corpus_dir=corpus_dir, index_dir=index_dir)
    # Checked before the (slow) model loads: a bad question or date range fails at once, with status 2.
    if batch is None:
        if question is None or not clean_text(question).strip():
            raise InvalidQuestionError('The question is empty. Example: assistant ask "When was the focused visit?"')
        question = clean_question(question, s.max_question_chars)
    date_from, date_to = check_date_range(date_from, date_to)
    from assistant.pipeline import Assistant

    filters = {"doc_ids": doc_ids, "publishers": publishers, "kinds": kinds, "areas": areas,
               "date_from": date_from, "date_to": date_to}
    assistant = Assistant.load(settings=s, show_progress=True, on_warning=warn)
    if batch is None:
        answer = assistant.ask(question or "", filters=filters)
        echo(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else render_text(answer))
        return
    failures = 0
    for number, item in enumerate(_batch_lines(batch), start=1):
        if "error" in item:
            failures += 1
            out: dict[str, Any] = item
        else:
            try:
                answer = assistant.ask(item["question"], item.get("history"), filters, id=item.get("id"))
                out = answer.to_dict()
            except AssistantError as exc:
                failures += 1
                out = {"id": item.get("id"), "question": item.get("question"), "error": str(exc)}
            except Exception as exc:  # noqa: BLE001 - one bad line must never end the run (nothing lost)
                log.exception("Batch line %d failed", number)
                failures += 1
                out = {"id": item.get("id"), "question": item.get("question"),
                       "error": f"This line could not be answered ({type(exc).__name__}: {exc})."}
        if as_json:
            echo(json_line(out))
        else:
            echo(f"## {number}. {out.get('question')}\n")
            echo(f"Error: {out['error']}\n" if "error" in out else render_text(answer) + "\n")
    if failures:
        warn(f"{failures} line(s) of the batch could not be answered; their output carries an \"error\".")
        sys.exit(1)


def _batch_lines(stream: Any) -> Iterator[dict[str, Any]]:
    """Parse each line; a bad line yields an error object in its place so nothing is lost or shifted.

    Lines are read as bytes, so one that is not UTF-8 is reported on its own. Blank lines are skipped.
    """
    for number, raw in enumerate(stream, start=1):
        try:
            line = decode_line(raw, number) if isinstance(raw, bytes) else raw
        except InvalidQuestionError as exc:
            yield {"id": None, "question": None, "error": str(exc)}
            continue
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": None, "question": None, "error": f"Line {number} is not JSON: {exc.msg}."}
            continue
        except RecursionError:
            yield {"id": None, "question": None, "error": f"Line {number} is nested too deeply to read."}
            continue
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            ident = item.get("id") if isinstance(item, dict) else None
            yield {"id": ident, "question": None,
                   "error": f'Line {number} needs a "question" string, e.g. {{"id": 1, "question": "..."}}.'}
            continue
        yield item


def render_text(answer: Any) -> str:
    """An answer for a terminal: the answer, then numbered sources."""
    from assistant.text import human_date

    lines = []
    if answer.standalone_question != answer.question:
        lines.append(f"(Understood as: {answer.standalone_question})\n")
    lines.append(answer.answer)
    if answer.citations:
        lines.append("\nSources:")
        for c in answer.citations:
            facts = ", ".join([c.publisher, human_date(c.date), *c.location.places()])
            lines.append(f"  [{c.n}] {c.title}. {facts}.")
    if answer.related:
        lines.append("\nPossibly related (not an answer):")
        for p in answer.related:
            lines.append(f"  - {p.title} ({human_date(p.date)}): {p.text[:160].strip()}...")
    return "\n".join(lines)
