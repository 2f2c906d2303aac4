"""Command line: ``assistant ingest | ask | documents | serve | eval | settings``, one module per command.

:mod:`assistant.cli.group` holds the ``assistant`` group (its options, logging, errors as one line) and
what the commands share; importing the command modules here registers them on it. Heavy libraries
(torch, sentence-transformers, gradio) are imported inside the commands that need them, so
``assistant --help`` answers at once.
"""

from assistant.cli import ask, documents, evaluate, ingest, serve, settings  # noqa: F401 - registers the commands
from assistant.cli.group import main

__all__ = ["main"]
