"""Where a document's text sat on its pages: the page range and line boxes of any character span.

Built from the ``TextLine``s a paged format's loader gives (PDF); for other formats every lookup answers
"no pages". Pure: lines in, locations out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.types import Box, Location, TextLine


@dataclass(frozen=True)
class PageLayout:
    """The lines of one document in text order, searchable by character offset.

    Example:
        >>> from assistant.types import Box, TextLine
        >>> lines = [TextLine(0, 10, 1, Box(1, 72, 700, 300, 712)), TextLine(11, 20, 2, Box(2, 72, 80, 200, 92))]
        >>> layout = PageLayout.of(lines)
        >>> layout.pages(3, 15), layout.pages(12, 18), PageLayout.of([]).pages(0, 5)
        ((1, 2), (2, 2), (None, None))
    """

    lines: tuple[TextLine, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, lines: Sequence[TextLine]) -> PageLayout:
        ordered = tuple(sorted(lines, key=lambda ln: ln.char_start))
        return cls(ordered, tuple(ln.char_start for ln in ordered), tuple(ln.char_end for ln in ordered))

    def covering(self, start: int, end: int) -> tuple[TextLine, ...]:
        """The lines that share at least one character with ``[start, end)``."""
        if not self.lines or end <= start:
            return ()
        first = bisect_right(self.ends, start)  # the first line ending after ``start``
        last = bisect_left(self.starts, end)  # lines from here on start at or after ``end``
        return tuple(ln for ln in self.lines[first:last] if ln.char_end > start and ln.char_start < end)

    def pages(self, start: int, end: int) -> tuple[int | None, int | None]:
        """First and last page of the span, or ``(None, None)`` when the document has no pages."""
        covered = self.covering(start, end)
        if not covered:
            if not self.lines:
                return None, None
            # A span between lines (a blank separator): the page of the line before it.
            i = max(0, bisect_right(self.starts, start) - 1)
            return self.lines[i].page, self.lines[i].page
        return min(ln.page for ln in covered), max(ln.page for ln in covered)

    def boxes(self, start: int, end: int) -> tuple[Box, ...]:
        """The boxes of the lines the span covers, in text order; a line the span starts or ends inside is
        narrowed to about the span's share of it (characters are taken as equally wide).

        Example:
            >>> from assistant.types import Box, TextLine
            >>> PageLayout.of([TextLine(0, 10, 1, Box(1, 100, 0, 200, 12))]).boxes(5, 10)
            (Box(page=1, x0=150.0, top=0, x1=200.0, bottom=12),)
        """
        out = []
        for ln in self.covering(start, end):
            b, width = ln.box, ln.char_end - ln.char_start
            left = max(0, start - ln.char_start) / width
            right = min(width, end - ln.char_start) / width
            if left > 0 or right < 1:
                span = b.x1 - b.x0
                b = Box(b.page, b.x0 + span * left, b.top, b.x0 + span * right, b.bottom)
            out.append(b)
        return tuple(out)

    def locate(
        self, section: str | None, paragraph: str | None, start: int, end: int, with_boxes: bool = False
    ) -> Location:
        """The ``Location`` of ``[start, end)``, with the covered lines' boxes when ``with_boxes``."""
        page, page_end = self.pages(start, end)
        return Location(
            section, paragraph, start, end, page, page_end, self.boxes(start, end) if with_boxes else ()
        )


NO_PAGES = PageLayout((), (), ())
