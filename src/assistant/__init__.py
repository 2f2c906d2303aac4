"""Cited question answering over public reports on children's services."""

__version__ = "0.1.0"
