"""The index: passages and sentences in, a folder that describes itself out, and loaded back as ``Index``.

``build`` embeds the passages and sentences (``embedding``, reusing unchanged vectors through
``vectors``), makes them searchable behind the ``Store`` seam (``store``: FAISS and bm25s by default,
with ``search_text`` deciding how words are seen), records what the folder was built from
(``manifest``, so a stale folder is rebuilt saying why) and swaps the new folder in atomically.
"""
