"""``assistant settings``: every setting with its value and description."""

from __future__ import annotations

import click

from assistant.cli.group import load_settings, main
from assistant.settings import Settings


@main.command(name="settings")
@click.pass_context
def show_settings(ctx: click.Context) -> None:
    """List every setting with its current value and description (set them as ASSISTANT_<NAME>)."""
    s = load_settings(ctx)
    for name, default, description in Settings.describe():
        click.echo(f"{name} = {getattr(s, name)!s}\n    {description} (ASSISTANT_{name.upper()}; default {default!r})")
