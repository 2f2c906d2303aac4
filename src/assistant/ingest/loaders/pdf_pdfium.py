"""The pdfium C functions the PDF loader calls per character or page object, and the page-object walk.

pypdfium2's raw bindings pass handles as typed ctypes pointers; building and casting those is most of the
cost of a call made for every character (about 2,500 on a page). The functions here are the same C
functions bound to take and return handles as plain integers (``ctypes.c_void_p``), which ctypes converts
for free; handles from pypdfium2 go in through ``handle``.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from typing import Any

import pypdfium2.raw as pdfium_c

Matrix = tuple[float, float, float, float, float, float]

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MAX_FORM_DEPTH = 8  # forms nest rarely; a bound keeps a malformed file from recursing without end


def handle(pointer: Any) -> int:
    """A pypdfium2 handle (``FPDF_PAGE``, ``FPDF_TEXTPAGE`` ...) as the integer the functions here take."""
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


def _bind(func: Any, restype: Any, *argtypes: Any) -> Callable[..., Any]:
    return ctypes.CFUNCTYPE(restype, *argtypes)(handle(func))


_vp, _int, _float, _double = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_double

# The text page, per character (pointer arguments are addresses: ``ctypes.addressof``).
text_object = _bind(pdfium_c.FPDFText_GetTextObject, _vp, _vp, _int)
char_origin = _bind(pdfium_c.FPDFText_GetCharOrigin, _int, _vp, _int, _vp, _vp)
is_generated = _bind(pdfium_c.FPDFText_IsGenerated, _int, _vp, _int)
page_text = _bind(pdfium_c.FPDFText_GetText, _int, _vp, _int, _int, _vp)
# Text objects and fonts, once per object or font.
object_font = _bind(pdfium_c.FPDFTextObj_GetFont, _vp, _vp)
object_font_size = _bind(pdfium_c.FPDFTextObj_GetFontSize, _int, _vp, ctypes.POINTER(_float))
font_name = _bind(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_size_t, _vp, ctypes.c_char_p, ctypes.c_size_t)
font_descent = _bind(pdfium_c.FPDFFont_GetDescent, _int, _vp, _float, ctypes.POINTER(_float))
glyph_width = _bind(pdfium_c.FPDFFont_GetGlyphWidth, _int, _vp, ctypes.c_uint32, _float, ctypes.POINTER(_float))
# Page objects and paths.
object_bounds = _bind(pdfium_c.FPDFPageObj_GetBounds, _int, _vp, _vp, _vp, _vp, _vp)
_count_objects = _bind(pdfium_c.FPDFPage_CountObjects, _int, _vp)
_get_object = _bind(pdfium_c.FPDFPage_GetObject, _vp, _vp, _int)
_form_count = _bind(pdfium_c.FPDFFormObj_CountObjects, _int, _vp)
_form_object = _bind(pdfium_c.FPDFFormObj_GetObject, _vp, _vp, ctypes.c_ulong)
_object_type = _bind(pdfium_c.FPDFPageObj_GetType, _int, _vp)
_object_matrix = _bind(pdfium_c.FPDFPageObj_GetMatrix, _int, _vp, _vp)
path_segments = _bind(pdfium_c.FPDFPath_CountSegments, _int, _vp)
path_segment = _bind(pdfium_c.FPDFPath_GetPathSegment, _vp, _vp, _int)
segment_type = _bind(pdfium_c.FPDFPathSegment_GetType, _int, _vp)
segment_point = _bind(pdfium_c.FPDFPathSegment_GetPoint, _int, _vp, _vp, _vp)
segment_closes = _bind(pdfium_c.FPDFPathSegment_GetClose, _int, _vp)


def multiply(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _walk(
    parent: int, count: int, get: Callable[..., Any], outer: Matrix, kinds: tuple[int, ...], depth: int
) -> Iterator[tuple[int, int, Matrix]]:
    raw = pdfium_c.FS_MATRIX()
    at = ctypes.addressof(raw)
    for i in range(count):
        obj = get(parent, i)
        if not obj:
            continue
        kind = _object_type(obj)
        if kind not in kinds and kind != pdfium_c.FPDF_PAGEOBJ_FORM:
            continue
        matrix = outer
        if _object_matrix(obj, at):
            matrix = multiply((raw.a, raw.b, raw.c, raw.d, raw.e, raw.f), outer)
        if kind in kinds:
            yield obj, kind, matrix
        elif depth < _MAX_FORM_DEPTH:
            yield from _walk(obj, max(_form_count(obj), 0), _form_object, matrix, kinds, depth + 1)


def page_objects(page: int, *kinds: int, outer: Matrix = IDENTITY) -> Iterator[tuple[int, int, Matrix]]:
    """The objects of the given kinds (``FPDF_PAGEOBJ_*``) on a page, in content order, those inside form
    XObjects included: each object's handle, kind and matrix to page space (PDF coordinates), then through
    ``outer`` (``page_space``)."""
    yield from _walk(page, _count_objects(page), _get_object, outer, kinds, 0)


def page_space(mediabox: tuple[float, float, float, float], rotation: int) -> tuple[Matrix, float]:
    """The matrix from PDF coordinates to the page as displayed (its /Rotate applied, the media box's
    corner at the origin), as pdfminer sets it up, and the displayed page's height.

    Example:
        >>> page_space((0.0, 0.0, 595.0, 842.0), 90)
        ((0, -1, 1, 0, -0.0, 595.0), 595.0)
    """
    x0, y0, x1, y1 = mediabox
    if rotation == 90:
        return (0, -1, 1, 0, -y0, x1), x1 - x0
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1), y1 - y0
    if rotation == 270:
        return (0, 1, -1, 0, y1, -x0), x1 - x0
    return (1, 0, 0, 1, -x0, -y0), y1 - y0
