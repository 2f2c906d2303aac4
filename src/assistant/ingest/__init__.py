"""Ingest: report files in, ``Document``s and their ``Passage``s and ``Sentence``s out.

Each file is read by what it holds (``loaders``: PDF, Word, web page, text; the ``Loader`` seam), joined
with ``catalog.toml`` into a ``Document`` (``corpus``; an unreadable file is skipped with its reason), its
page lines kept (``layout``), and split into citable passages and sentences with exact character spans
(``passages``). No model and no index: the stage only reads files.
"""
