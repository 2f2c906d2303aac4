"""``assistant serve``: the chat page."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.group import index_options, load_settings, main


@main.command()
@click.option("--host", help="Address to bind (default 127.0.0.1; others need ASSISTANT_AUTH).")
@click.option("--port", type=int, help="Port (default 7860).")
@index_options
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

    launch(load_settings(ctx, host=host, port=port, index_dir=index_dir, corpus_dir=corpus_dir))
