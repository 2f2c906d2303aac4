"""Plain text and Markdown: the file's text with line endings normalised; no pages."""

from __future__ import annotations

from assistant.ingest.loaders.base import LoadedText, SkipFile


def decode(raw: bytes) -> str | None:
    """Text of a file, or None when it looks binary. UTF-8 first, then Windows-1252.

    Example:
        >>> decode(b"Line one\\r\\nLine two"), decode(b"\\x00\\x01binary")
        ('Line one\\nLine two', None)
    """
    if b"\x00" in raw[:8192]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return None


class TextLoader:
    """Reports saved as ``.txt`` or ``.md``: read as they are."""

    format = "text"
    suffixes: tuple[str, ...] = (".txt", ".md")

    def sniff(self, head: bytes) -> bool:
        return b"\x00" not in head

    def load(self, raw: bytes, name: str) -> LoadedText:
        text = decode(raw)
        if text is None:
            raise SkipFile("it looks binary, not text")
        return LoadedText(text=text)
