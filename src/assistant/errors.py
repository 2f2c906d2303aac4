"""One error family; every message says what was wrong and what to do about it."""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the assistant raises on purpose. Its message is meant for a person."""


class InvalidQuestionError(AssistantError, ValueError):
    """The question (or its history) cannot be asked: empty, too long, or malformed."""


class InvalidFilterError(AssistantError, ValueError):
    """A filter names something that does not exist or is malformed."""


class CorpusError(AssistantError):
    """The corpus folder or its catalogue cannot be used."""


class IndexStoreError(AssistantError):
    """The index folder is missing, unreadable or does not match the corpus or settings."""


class ModelError(AssistantError):
    """The embedding model cannot be loaded."""


class ConfigError(AssistantError):
    """A setting has a bad value."""
