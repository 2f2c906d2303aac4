"""The judgement table of a report's first pages: ruled cells read row by row as judgement and grade.

pdfplumber's table finder finds the table from the page's ruling (both the ILACS "Judgement | Grade" table
and the numbered grade rows of the older single-inspection-framework reports are ruled); the ruling's edges
come from pdfium (``pdf_paths``), so only the finder's geometry runs, not pdfplumber's page parsing.

A row counts when at least two of its cells hold text: the last cell is the grade, the others (in order)
the judgement. Rows with one cell (a
spanning line such as "Children's services in X are good") are left to the ordinary text flow. Only a table
with at least two such rows is taken, and only when its grades are short, so a boxed paragraph or a data
table of figures is not mistaken for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from assistant.ingest.loaders.pdf_lines import Char, PdfLine, page_lines

_MAX_GRADE_CHARS = 60


@dataclass(frozen=True)
class TableRow:
    """One row of the judgement table: the lines of its judgement cell(s) and of its grade cell."""

    judgement: tuple[PdfLine, ...]
    grade: tuple[PdfLine, ...]

    @property
    def top(self) -> float:
        return min(line.top for line in (*self.judgement, *self.grade))


def _inside(char: Char, box: Sequence[float]) -> bool:
    x = (float(char["x0"]) + float(char["x1"])) / 2
    y = (float(char["top"]) + float(char["bottom"])) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


class _Ruling:
    """What pdfplumber's ``TableFinder`` reads of a page with the default ("lines") settings: its edges."""

    def __init__(self, edges: list[dict[str, Any]]) -> None:
        self.edges = edges


def _tables(edges: list[dict[str, Any]]) -> list[Any]:
    from pdfplumber.table import TableFinder, TableSettings  # a few hundred ms once: only for ruled pages

    return TableFinder(cast(Any, _Ruling(edges)), TableSettings.resolve(None)).tables


def judgement_table(
    edges: list[dict[str, Any]], ruled: bool, chars: Sequence[Char], page_no: int
) -> tuple[list[TableRow], set[int]]:
    """The judgement rows of a page and the ids of the characters they use, from the page's ruling
    (``pdf_paths.page_edges``: its edges, and whether it has any line or box) and its characters.

    Returns no rows when the page has no ruled table of judgement and grade.
    """
    if not ruled:
        return [], set()
    for table in _tables(edges):
        in_table = [c for c in chars if _inside(c, table.bbox)]
        rows: list[TableRow] = []
        used: set[int] = set()
        for row in table.rows:
            cells: list[tuple[list[Char], list[PdfLine]]] = []
            for box in row.cells:
                if box is None:
                    continue
                cell_chars = [c for c in in_table if _inside(c, box)]
                lines = page_lines(cell_chars, page_no)
                if lines:
                    cells.append((cell_chars, lines))
            if len(cells) < 2:
                continue
            grade = cells[-1][1]
            if sum(len(line.text) for line in grade) > _MAX_GRADE_CHARS:
                continue
            rows.append(TableRow(tuple(ln for _, lines in cells[:-1] for ln in lines), tuple(grade)))
            used.update(id(c) for cell_chars, _ in cells for c in cell_chars)
        if len(rows) >= 2:
            return rows, used
    return [], set()
