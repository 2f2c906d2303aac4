"""``assistant settings``: every setting with its value and description, then the answering rules.

The rules come from :mod:`assistant.rules`; each is listed as on or off (``rules_off`` switches it off).
"""

from __future__ import annotations

import click

from assistant.cli.group import load_settings, main
from assistant.settings import Settings


@main.command(name="settings")
@click.pass_context
def show_settings(ctx: click.Context) -> None:
    """List every setting with its value and description (set as ASSISTANT_<NAME>), then the answering rules."""
    from assistant.rules import describe

    s = load_settings(ctx)
    for name, default, description in Settings.describe():
        click.echo(f"{name} = {getattr(s, name)!s}\n    {description} (ASSISTANT_{name.upper()}; default {default!r})")
    click.echo("\nAnswering rules (switch off with rules_off / ASSISTANT_RULES_OFF=name,name):")
    rules = describe()
    for name, stage, purpose, where in rules:
        click.echo(f"{name} [{'on' if s.on(name) else 'off'}] ({stage}, {where})\n    {purpose}")
    if not rules:
        click.echo("(none registered)")
