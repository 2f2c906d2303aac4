"""The ``assistant`` command group, and what its commands share.

The group sets up logging, turns every :class:`~assistant.errors.AssistantError` into one line on stderr
(a traceback only with ``--debug`` or ``ASSISTANT_DEBUG=1``) and keeps ``--config`` for the commands,
which build their :class:`~assistant.settings.Settings` with :func:`load_settings`.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant import __version__
from assistant.cleaning import clean_text
from assistant.errors import AssistantError, InvalidFilterError, InvalidQuestionError
from assistant.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def _debug() -> bool:
    return os.environ.get("ASSISTANT_DEBUG", "") not in ("", "0", "false")


def _fail(exc: BaseException, code: int) -> None:
    if _debug():
        traceback.print_exception(exc, file=sys.stderr)
    click.echo(f"Error: {exc}", err=True)
    sys.exit(code)


def load_settings(ctx: click.Context, **overrides: Any) -> Settings:
    """The command's settings: defaults, ``--config``, ``ASSISTANT_*`` variables, then its options (None: unset)."""
    return Settings.load(ctx.obj.get("config"), **overrides)


def warn(message: str) -> None:
    """A warning for the user: one line on stderr."""
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
    # Our own warnings go through warn once; keep the library's copy of them quiet.
    logging.getLogger("assistant").setLevel(logging.ERROR if not _debug() else logging.DEBUG)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    ctx.obj = {"config": config}


def index_options(f: F) -> F:
    f = click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Index folder (default ./index or ASSISTANT_INDEX_DIR).")(f)
    return click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path),
                        help="Reports folder (default ./corpus or ASSISTANT_CORPUS_DIR).")(f)


def filter_options(f: F) -> F:
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


def echo(text: str) -> None:
    """Print ``text``, with whatever could not be printed (a lone surrogate echoed back) made U+FFFD."""
    click.echo(clean_text(text))
