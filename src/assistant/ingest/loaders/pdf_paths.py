"""A page's ruling read with pypdfium2: its path objects as the edges pdfplumber's table finder works on.

The judgement table is found from the lines and boxes drawn on the page. pdfplumber builds them with
pdfminer; this module reads the same paths from pdfium's page objects and classifies each subpath the way
pdfminer does, so the table finder gets the same edges:

- a subpath of one straight segment (``m l``) is a *line*: one edge, "h" when level, else "v";
- a closed axis-aligned four-sided subpath (``re``, or ``m l l l h``) is a *rect*: its four sides;
- anything else is a *curve*: one edge per pair of consecutive points (level or plumb ones only count).

Coordinates are top-down page points, as in ``pdf_chars``. Paths inside form XObjects are included,
placed by the form's matrix (``page_objects``, which ``pdf_chars`` also uses).
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c

from assistant.ingest.loaders.pdf_pdfium import (
    IDENTITY,
    Matrix,
    handle,
    page_objects,
    path_segment,
    path_segments,
    segment_closes,
    segment_point,
    segment_type,
)

Point = tuple[float, float]
Edge = dict[str, Any]


def _subpaths(path: int, matrix: Matrix, top: float) -> list[tuple[str, list[Point]]]:
    """The path's subpaths as pdfminer sees them: operator letters ("mlc...h") and one end point each."""
    a, b, c, d, e, f = (round(v, 4) for v in matrix)  # as pdf_chars.exact: the decimals the PDF wrote
    x, y = ctypes.c_float(), ctypes.c_float()
    x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
    out: list[tuple[str, list[Point]]] = []
    ops: list[str] = []
    pts: list[Point] = []
    bezier = 0
    for i in range(path_segments(path)):
        segment = path_segment(path, i)
        kind = segment_type(segment)
        segment_point(segment, x_at, y_at)
        px, py = round(x.value, 4), round(y.value, 4)
        point = (a * px + c * py + e, top - (b * px + d * py + f))
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if ops:
                out.append(("".join(ops), pts))
            ops, pts, bezier = ["m"], [point], 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:  # pdfium gives a curve's two control points and its end as three segments
                continue
            ops.append("c")
            pts.append(point)
        else:
            ops.append("l")
            pts.append(point)
        if ops and segment_closes(segment):
            ops.append("h")
            pts.append(pts[0])
    if ops:
        out.append(("".join(ops), pts))
    return out


def _rect_edges(x0: float, top: float, x1: float, bottom: float) -> list[Edge]:
    width, height = x1 - x0, bottom - top
    base = {"object_type": "rect_edge", "x0": x0, "x1": x1, "top": top, "bottom": bottom}
    return [
        {**base, "bottom": top, "width": width, "height": 0, "orientation": "h"},
        {**base, "top": bottom, "width": width, "height": 0, "orientation": "h"},
        {**base, "x1": x0, "width": 0, "height": height, "orientation": "v"},
        {**base, "x0": x1, "width": 0, "height": height, "orientation": "v"},
    ]


def _box(p: Point, q: Point) -> tuple[float, float, float, float]:
    return min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])


def _edges(shape: str, pts: list[Point]) -> tuple[str, list[Edge]]:
    """One subpath's kind ("line", "rect", "curve" or "" when not drawn) and its edges (pdfminer's rules)."""
    if shape[:1] != "m":
        return "", []
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"  # a redundant closing "l" before "h"
        pts = pts[:-1]
    if shape in ("mlh", "ml"):
        x0, top, x1, bottom = _box(pts[0], pts[1])
        orientation = "h" if top == bottom else "v"
        edge = {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                "width": x1 - x0, "height": bottom - top, "orientation": orientation}
        return "line", [edge]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            return "rect", _rect_edges(*_box(pts[0], pts[2]))
    return "curve", [
        {"object_type": "curve_edge", "x0": min(p[0], q[0]), "x1": max(p[0], q[0]), "top": min(p[1], q[1]),
         "bottom": max(p[1], q[1]), "width": abs(p[0] - q[0]), "height": abs(p[1] - q[1]),
         "orientation": "v" if p[0] == q[0] else ("h" if p[1] == q[1] else None)}
        for p, q in zip(pts, pts[1:], strict=False)
    ]


def page_edges(page: Any, top: float, space: Matrix = IDENTITY) -> tuple[list[Edge], bool]:
    """The edges of every path on one page (pypdfium2's raw ``FPDF_PAGE``), and whether any path is a line
    or a rect (a page with only curves has no ruled table). ``space`` and ``top``: the matrix to the page
    as displayed and the page's height there (``pdf_pdfium.page_space``)."""
    edges: list[Edge] = []
    ruled = False
    for path, _, matrix in page_objects(handle(page), pdfium_c.FPDF_PAGEOBJ_PATH, outer=space):
        for shape, pts in _subpaths(path, matrix, top):
            kind, found = _edges(shape, pts)
            ruled = ruled or kind in ("line", "rect")
            edges.extend(found)
    return edges, ruled
