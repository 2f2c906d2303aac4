"""Command line: ``assistant ingest | ask | documents | serve | eval | settings``.

Heavy libraries (torch, sentence-transformers, gradio) are imported inside the commands that need them,
so ``assistant --help`` answers at once.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant import __version__
from assistant.cleaning import check_date_range, clean_question, clean_text, decode_line
from assistant.errors import AssistantError, InvalidFilterError, InvalidQuestionError
from assistant.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("assistant")


def _debug() -> bool:
    return os.environ.get("ASSISTANT_DEBUG", "") not in ("", "0", "false")


def _fail(exc: BaseException, code: int) -> None:
    if _debug():
        traceback.print_exception(exc, file=sys.stderr)
    click.echo(f"Error: {exc}", err=True)
    sys.exit(code)


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    return Settings.load(ctx.obj.get("config"), **overrides)


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


class _Group(click.Group):
    """Turns every AssistantError into one line on stderr (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (InvalidQuestionError, InvalidFilterError) as exc:
            _fail(exc, 2)
        except AssistantError as exc:
            _fail(exc, 1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="assistant")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Settings file (TOML).")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs (or set ASSISTANT_DEBUG=1).")
@click.pass_context
def main(ctx: click.Context, config: Path | None, debug: bool) -> None:
    """Answer questions about children's-services reports with verbatim, cited quotes.

    Runs offline: passages are found with a bundled embedding model plus keyword search, and answers
    are built only from the reports' own sentences.

    \b
    Examples:
      assistant ingest                       # index ./corpus into ./index
      assistant ask "What did Ofsted say about care leavers over 21?"
      assistant ask --json "When was the focused visit?"
      assistant ask --batch questions.jsonl --json > answers.jsonl
      assistant serve                        # the chat on http://127.0.0.1:7860
      assistant eval                         # score the evaluation set, write eval/report.md
    """
    if debug:
        os.environ["ASSISTANT_DEBUG"] = "1"
    level = logging.DEBUG if _debug() else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # The handler's own level too: a library may set its logger to DEBUG when it is imported (bm25s does,
    # after this runs), and a logger's level alone would then let its debug lines through.
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)
    for noisy in ("faiss", "sentence_transformers", "httpx", "bm25s", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING if not _debug() else logging.DEBUG)
    # Our own warnings go through _warn once; keep the library's copy of them quiet.
    logging.getLogger("assistant").setLevel(logging.ERROR if not _debug() else logging.DEBUG)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    ctx.obj = {"config": config}


def _index_options(f: F) -> F:
    f = click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Index folder (default ./index or ASSISTANT_INDEX_DIR).")(f)
    return click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
                        help="Reports folder (default ./corpus or ASSISTANT_CORPUS_DIR).")(f)


def _filter_options(f: F) -> F:
    """The filters ``ask`` and ``documents`` share: publisher, kind, area and a date range."""
    for option in reversed([
        click.option("--publisher", "publishers", multiple=True, help="Only this publisher (repeatable)."),
        click.option("--kind", "kinds", multiple=True, help="Only this kind of document (repeatable)."),
        click.option("--area", "areas", multiple=True,
                     help="Only documents about this council or area, by full or short name (repeatable)."),
        click.option("--from", "date_from",
                     help="Only documents dated on/after this ISO date (2020, 2020-10, 2020-10-20)."),
        click.option("--to", "date_to", help="Only documents dated on/before this ISO date (no earlier than --from)."),
    ]):
        f = option(f)
    return f


@main.command()
@click.argument("corpus_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Index folder to write (default ./index).")
@click.option("--if-needed", is_flag=True, help="Only build when the index is missing or stale (say why).")
@click.pass_context
def ingest(ctx: click.Context, corpus_dir: Path | None, index_dir: Path | None, if_needed: bool) -> None:
    """Index the reports: read, split, embed, and write a FAISS + BM25 index.

    Reads .txt, .md, .pdf, .docx and .html files (by their content: a .pdf holding a web page is
    skipped). Files that cannot be read are skipped, each with its reason, and listed at the end.
    Files whose text is unchanged reuse their extracted text and embeddings. The index is written to a temporary folder
    and swapped in when complete, so an interrupted build keeps the previous index.

    \b
    Examples:
      assistant ingest
      assistant ingest ../other-council/reports --index other-index
      assistant ingest --if-needed           # what `make app` runs
    """
    from assistant.embedding import embedder_name, make_embedder
    from assistant.index import build_index, splitter_settings, stale_reason

    s = _settings(ctx, corpus_dir=corpus_dir, index_dir=index_dir)
    if if_needed:
        reason = stale_reason(s.index_dir, s.corpus_dir, embedder_name(s), splitter_settings(s))
        if reason is None:
            click.echo(f"The index at {s.index_dir} is up to date.")
            return
        click.echo(f"Building the index at {s.index_dir}: {reason}.", err=True)
    embedder = make_embedder(s)
    manifest = build_index(s.corpus_dir, s.index_dir, embedder, splitter_settings(s), show_progress=True,
                           on_warning=_warn)
    click.echo(
        f"Indexed {manifest.documents} document(s): {manifest.passages} passages, {manifest.sentences} "
        f"sentences in {manifest.build_seconds:.1f} s -> {s.index_dir} (version {manifest.index_version})."
    )
    if manifest.skipped:
        click.echo(f"Skipped {len(manifest.skipped)} file(s):")
        for name, why in sorted(manifest.skipped.items()):
            click.echo(f"  {name}: {why['reason']}")


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per answer.")
@click.option("--batch", type=click.File("rb"),
              help='JSON-lines file ("-" for stdin): {"id", "question", "history"} per line; one output line '
                   "per input line, in order, with an \"error\" for a line that cannot be answered (exit 1).")
@click.option("--doc", "doc_ids", multiple=True, help="Only this document id (repeatable).")
@_filter_options
@_index_options
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
    s = _settings(ctx, corpus_dir=corpus_dir, index_dir=index_dir)
    # Checked before the (slow) model loads: a bad question or date range fails at once, with status 2.
    if batch is None:
        if question is None or not clean_text(question).strip():
            raise InvalidQuestionError('The question is empty. Example: assistant ask "When was the focused visit?"')
        question = clean_question(question, s.max_question_chars)
    date_from, date_to = check_date_range(date_from, date_to)
    from assistant.pipeline import Assistant

    filters = {"doc_ids": doc_ids, "publishers": publishers, "kinds": kinds, "areas": areas,
               "date_from": date_from, "date_to": date_to}
    assistant = Assistant.load(settings=s, show_progress=True, on_warning=_warn)
    if batch is None:
        answer = assistant.ask(question or "", filters=filters)
        _echo(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else render_text(answer))
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
            _echo(json.dumps(out, ensure_ascii=False))
        else:
            _echo(f"## {number}. {out.get('question')}\n")
            _echo(f"Error: {out['error']}\n" if "error" in out else render_text(answer) + "\n")
    if failures:
        _warn(f"{failures} line(s) of the batch could not be answered; their output carries an \"error\".")
        sys.exit(1)


@main.command(name="documents")
@click.option("--search", "query", default="",
              help='Only reports whose title, area, publisher, kind or date hold every word ("ofsted 2021").')
@_filter_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per report.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Index folder (default ./index or ASSISTANT_INDEX_DIR).")
@click.pass_context
def documents(
    ctx: click.Context,
    query: str,
    publishers: tuple[str, ...],
    kinds: tuple[str, ...],
    areas: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    as_json: bool,
    index_dir: Path | None,
) -> None:
    """List the indexed reports by area, then newest first, narrowed as `ask` narrows a question.

    Ends with how many it shows, and the files that could not be indexed, with why. A publisher, kind or
    area no report has exits with 2 and names the nearest the collection has.

    \b
    Examples:
      assistant documents --search "focused visit"
      assistant documents --kind "inspection report" --from 2020 --json
    """
    from assistant.chat.catalogue import browse, count_line
    from assistant.index import load_index
    from assistant.text import human_date
    from assistant.types import Filters

    start, end = check_date_range(date_from, date_to)
    filters = Filters(publishers=publishers, kinds=kinds, areas=areas, date_from=start, date_to=end)
    index = load_index(_settings(ctx, index_dir=index_dir).index_dir)
    everything = list(index.documents.values())
    shown = browse(everything, filters, query)
    for d in shown:
        if as_json:
            _echo(json.dumps({"doc_id": d.doc_id, "title": d.title, "publisher": d.publisher, "kind": d.kind,
                              "date": d.date, "area": d.area, "filename": d.filename}, ensure_ascii=False))
        else:
            _echo(f"{d.area or '(no area)'} · {human_date(d.date)} · {d.publisher} · {d.kind}\n"
                  f"    {d.title}  [{d.doc_id}]")
    if not as_json:
        _echo(count_line(len(shown), len(everything), query, filters.active))
        for name, why in sorted(index.manifest.skipped.items()):
            _echo(f"Not indexed: {name}: {why.get('reason', '')}")


def _echo(text: str) -> None:
    """Print ``text``, with whatever could not be printed (a lone surrogate echoed back) made U+FFFD."""
    click.echo(clean_text(text))


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


@main.command()
@click.option("--host", help="Address to bind (default 127.0.0.1; others need ASSISTANT_AUTH).")
@click.option("--port", type=int, help="Port (default 7860).")
@_index_options
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, index_dir: Path | None,
          corpus_dir: Path | None) -> None:
    """Serve the chat page (builds the index first when needed).

    Answers up to one question per core at once (ASSISTANT_WORKERS to change); stop it with Ctrl-C or
    `kill`, which removes the conversations' briefing files. Failed sign-ins are slowed, then refused.

    \b
    Examples:
      assistant serve
      ASSISTANT_AUTH_FILE=/etc/assistant/users assistant serve --host 0.0.0.0
    """
    from assistant.chat import launch

    launch(_settings(ctx, host=host, port=port, index_dir=index_dir, corpus_dir=corpus_dir))


@main.command(name="eval")
@click.option("--questions", type=click.Path(dir_okay=False, path_type=Path), default=Path("eval/questions.jsonl"),
              show_default=True, help="Gold set (JSON lines).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("eval"),
              show_default=True, help="Where report.md, report.json and chart.png go.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of tables.")
@click.option("--no-baselines", is_flag=True, help="Score only the assistant (faster).")
@click.option("--national/--no-national", default=None,
              help="Also run the national evaluation over ../shared/ofsted (or ASSISTANT_NATIONAL_DIR); "
                   "default: when that folder exists.")
@_index_options
@click.pass_context
def evaluate(ctx: click.Context, questions: Path, out_dir: Path, as_json: bool, no_baselines: bool,
             national: bool | None, index_dir: Path | None, corpus_dir: Path | None) -> None:
    """Score the assistant and the baselines on the gold set; write eval/report.md and a chart.

    Then, when the national sample of real Ofsted reports is there, score them on questions generated from
    its judgements table and write eval/national.md, national.json and national.png (no gate).
    Exits with status 1 when the quality gate (thresholds.toml beside the gold set) fails; the reports are
    written either way.

    \b
    Examples:
      assistant eval
      assistant eval --no-baselines --json > results.json
      assistant eval --no-national           # the gold set only
    """
    from assistant.evaluation.national import national_data_dir
    from assistant.evaluation.runner import run_cli

    s = _settings(ctx, index_dir=index_dir, corpus_dir=corpus_dir)
    passed = run_cli(s, questions, out_dir, as_json, not no_baselines)
    data_dir = national_data_dir() if national is not False else None
    if data_dir is not None:
        from assistant.evaluation.national_run import run_national_cli

        run_national_cli(s, data_dir, out_dir, not no_baselines, to_stderr=as_json)
    elif national is not False:
        click.echo("National evaluation skipped: ../shared/ofsted not found.", err=as_json)
    if not passed:
        sys.exit(1)


@main.command(name="settings")
@click.pass_context
def show_settings(ctx: click.Context) -> None:
    """List every setting with its current value and description (set them as ASSISTANT_<NAME>)."""
    s = _settings(ctx)
    for name, default, description in Settings.describe():
        click.echo(f"{name} = {getattr(s, name)!s}\n    {description} (ASSISTANT_{name.upper()}; default {default!r})")
