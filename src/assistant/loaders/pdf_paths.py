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
from collections.abc import Iterator
from typing import Any

import pypdfium2.raw as pdfium_c

Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]
Edge = dict[str, Any]

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MAX_FORM_DEPTH = 8  # forms nest rarely; a bound keeps a malformed file from recursing without end


def _multiply(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _walk(
    parent: Any, count: int, get: Any, outer: Matrix, kinds: tuple[int, ...], depth: int
) -> Iterator[tuple[Any, int, Matrix]]:
    raw = pdfium_c.FS_MATRIX()
    for i in range(count):
        obj = get(parent, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in kinds and kind != pdfium_c.FPDF_PAGEOBJ_FORM:
            continue
        matrix = outer
        if pdfium_c.FPDFPageObj_GetMatrix(obj, raw):
            matrix = _multiply((raw.a, raw.b, raw.c, raw.d, raw.e, raw.f), outer)
        if kind in kinds:
            yield obj, kind, matrix
        elif depth < _MAX_FORM_DEPTH:
            inner = max(pdfium_c.FPDFFormObj_CountObjects(obj), 0)
            yield from _walk(obj, inner, pdfium_c.FPDFFormObj_GetObject, matrix, kinds, depth + 1)


def page_objects(page: Any, *kinds: int) -> Iterator[tuple[Any, int, Matrix]]:
    """The page objects of the given kinds (``FPDF_PAGEOBJ_*``) on a raw ``FPDF_PAGE``, those inside form
    XObjects included, each with its kind and its matrix to page space (PDF coordinates)."""
    count = pdfium_c.FPDFPage_CountObjects(page)
    yield from _walk(page, count, pdfium_c.FPDFPage_GetObject, _IDENTITY, kinds, 0)


def _subpaths(path: Any, matrix: Matrix, top: float) -> list[tuple[str, list[Point]]]:
    """The path's subpaths as pdfminer sees them: operator letters ("mlc...h") and one end point each."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[tuple[str, list[Point]]] = []
    ops: list[str] = []
    pts: list[Point] = []
    bezier = 0
    for i in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, i)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e, top - (b * x.value + d * y.value + f))
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
        if ops and pdfium_c.FPDFPathSegment_GetClose(segment):
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


def page_edges(page: Any, top: float) -> tuple[list[Edge], bool]:
    """The edges of every path on one page (a raw ``FPDF_PAGE``), and whether any path is a line or a rect
    (a page with only curves has no ruled table). ``top`` is the page's top edge in PDF coordinates."""
    edges: list[Edge] = []
    ruled = False
    for path, _, matrix in page_objects(page, pdfium_c.FPDF_PAGEOBJ_PATH):
        for shape, pts in _subpaths(path, matrix, top):
            kind, found = _edges(shape, pts)
            ruled = ruled or kind in ("line", "rect")
            edges.extend(found)
    return edges, ruled
