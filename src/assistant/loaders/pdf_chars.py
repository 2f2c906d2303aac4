"""A page's characters read with pypdfium2, as the records the layout code works on.

pdfium's text page is read one character at a time through its C API (``pypdfium2.raw``): its own text
output (``get_text_range``) joins lines, drops tabs and marks line-end hyphens, which is not the report's
text. Each record has what ``pdf_lines`` reads, in top-down page coordinates (points):

- ``text``: the character (pdfium's own inserted spaces and line breaks are left out; a hyphen pdfium marks
  as ending a line is read back as "-");
- ``x0``/``x1``: the origin, and the origin plus the glyph's advance width (not its ink);
- ``baseline``; ``bottom`` = baseline less the font's descent; ``top`` = ``bottom`` less ``size``;
- ``size``: the font size as printed (text size times the text matrix's vertical scale);
- ``fontname`` (its bold marks are what counts) and ``upright``.

This is the box pdfminer (and so pdfplumber) gives a character, so the layout rules tuned on pdfplumber's
records read the pages the same way, at a fraction of the cost.

pdfium's text page leaves out text objects without ink, and Word writes many spaces as objects of their own
(often the space or tab after a paragraph number, in another font). Those spaces separate words, so they
are read from the page's objects and put back as space records.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import pypdfium2.raw as pdfium_c

from assistant.loaders.pdf_paths import Matrix, page_objects

Record = dict[str, Any]
# What every character of one text object shares: font name, printed size, descent below the baseline,
# upright, horizontal scale (text size times the matrix's), font handle.
_Info = tuple[str, float, float, bool, float, int]
# pdfium replaces a hyphen it takes to end a line ("-" or a soft hyphen, both "-" in the output here) by one
# of these marks; FPDFText_IsHyphen says which characters they stand for.
_HYPHEN_MARKS = (0x02, 0xFFFE)
_NAME_BUFFER = 256
_NO_INK = 0.01  # points: a text object this narrow printed only spaces (pdfium's text page skips it)


def _rebind(func: Any, restype: Any, *argtypes: Any) -> Callable[..., Any]:
    """The same C function with handles passed and returned as plain integers: ctypes then skips building
    and casting pointer objects, which is most of the cost of a call made for every character."""
    address = ctypes.cast(func, ctypes.c_void_p).value or 0
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_vp, _int, _float = ctypes.c_void_p, ctypes.c_int, ctypes.c_float
_get_object = _rebind(pdfium_c.FPDFText_GetTextObject, _vp, _vp, _int)
_get_font = _rebind(pdfium_c.FPDFTextObj_GetFont, _vp, _vp)
_obj_font_size = _rebind(pdfium_c.FPDFTextObj_GetFontSize, _int, _vp, ctypes.POINTER(_float))
_font_name = _rebind(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_size_t, _vp, ctypes.c_char_p, ctypes.c_size_t)
_font_descent = _rebind(pdfium_c.FPDFFont_GetDescent, _int, _vp, _float, ctypes.POINTER(_float))
_glyph_width = _rebind(pdfium_c.FPDFFont_GetGlyphWidth, _int, _vp, ctypes.c_uint32, _float, ctypes.POINTER(_float))
_char_origin = _rebind(pdfium_c.FPDFText_GetCharOrigin, _int, _vp, _int, _vp, _vp)
_is_generated = _rebind(pdfium_c.FPDFText_IsGenerated, _int, _vp, _int)
_get_text = _rebind(pdfium_c.FPDFText_GetText, _int, _vp, _int, _int, _vp)


class _Fonts:
    """Per page: what every character of one text object shares, and glyph widths per font."""

    def __init__(self) -> None:
        self.objects: dict[int, _Info] = {}
        self.widths: dict[tuple[int, int], float | None] = {}
        self._size = ctypes.c_float()
        self._out = ctypes.c_float()
        self._name = ctypes.create_string_buffer(_NAME_BUFFER)

    def describe(self, obj: int, matrix: Matrix, fallback_size: float = 0.0) -> _Info:
        """(font name, printed size, descent below the baseline, upright, horizontal scale, font handle)."""
        a, b, c, d = matrix[:4]
        text_size = self._size.value if _obj_font_size(obj, ctypes.byref(self._size)) else fallback_size
        font = _get_font(obj) or 0
        name = ""
        if font and _font_name(font, self._name, _NAME_BUFFER):
            name = self._name.value.decode("utf-8", "replace")
        upright = a * d > 0 and b * c <= 0
        # pdfminer's size is the height of the character box: the text size scaled by the matrix.
        size = text_size * (abs(d) if upright else abs(b) or abs(d))
        descent = 0.0
        if font and _font_descent(font, size, ctypes.byref(self._out)):
            descent = -abs(self._out.value)  # as pdfminer: a positive /Descent is a producer's slip
        return name, size, descent, upright, text_size * a, font

    def advance(self, font: int, unicode: int) -> float | None:
        """The glyph's advance width at text size 1 (None when the font does not map this character)."""
        key = (font, unicode)
        if key not in self.widths:
            ok = font and _glyph_width(font, unicode, 1.0, ctypes.byref(self._out))
            self.widths[key] = float(self._out.value) if ok else None
        return self.widths[key]


def page_chars(page: Any, top: float) -> list[Record]:
    """The characters of one page (a raw ``FPDF_PAGE``), the text page's in its order, then the spaces it
    left out; ``top`` is the page's top edge in PDF coordinates (y grows upwards there, downwards here)."""
    textpage = pdfium_c.FPDFText_LoadPage(page)
    if not textpage:
        return []
    fonts = _Fonts()
    try:
        out = _read(textpage, top, fonts)
    finally:
        pdfium_c.FPDFText_ClosePage(textpage)
    out.extend(_unread_spaces(page, top, fonts))
    return out


def _record(text: str, x0: float, x1: float, baseline: float, info: _Info) -> Record:
    name, size, descent, upright = info[:4]
    bottom = baseline - descent
    return {"text": text, "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom, "baseline": baseline,
            "size": size, "fontname": name, "upright": upright}


def _unicodes(textpage: int, count: int) -> list[int]:
    """Every character's code in one call (UTF-16 units, one per character unless a character lies outside
    the Basic Multilingual Plane; then one call per character, as FPDFText_GetUnicode gives)."""
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = _get_text(textpage, 0, count, ctypes.addressof(buffer))
    units = memoryview(buffer.raw).cast("H")[:count].tolist()
    if written == count + 1 and not any(0xD800 <= unit <= 0xDFFF for unit in units):
        return units
    return [pdfium_c.FPDFText_GetUnicode(textpage, index) for index in range(count)]


def _read(textpage: Any, top: float, fonts: _Fonts) -> list[Record]:
    handle = ctypes.cast(textpage, ctypes.c_void_p).value or 0
    x, y = ctypes.c_double(), ctypes.c_double()
    x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    objects, advance = fonts.objects, fonts.advance
    out: list[Record] = []
    for index, unicode in enumerate(_unicodes(handle, pdfium_c.FPDFText_CountChars(textpage))):
        if unicode <= 32 and _is_generated(handle, index):
            continue  # a space or line break pdfium inferred from the layout, not printed
        obj = _get_object(handle, index)
        if not obj:
            continue
        info = objects.get(obj)
        if info is None:
            pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
            m = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            info = objects[obj] = fonts.describe(obj, m, pdfium_c.FPDFText_GetFontSize(textpage, index))
        _char_origin(handle, index, x_at, y_at)
        if unicode in _HYPHEN_MARKS and pdfium_c.FPDFText_IsHyphen(textpage, index):
            unicode = ord("-")
        width = advance(info[5], unicode)
        if width is not None:
            x1 = x.value + width * info[4]
        else:  # no width for this character code: pdfium's own box is the next best
            pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
            x1 = box.right
        name, size, descent, upright = info[:4]
        bottom = top - y.value - descent
        out.append({"text": chr(unicode), "x0": x.value, "x1": x1, "top": bottom - size, "bottom": bottom,
                    "baseline": top - y.value, "size": size, "fontname": name, "upright": upright})
    return out


def _unread_spaces(page: Any, top: float, fonts: _Fonts) -> list[Record]:
    """A space record for each text object the text page skipped for having no ink (see the module
    docstring). An object the text page skipped for another reason (an overprinted copy) has ink: not taken."""
    left, bottom, right, upper = (ctypes.c_float() for _ in range(4))
    out: list[Record] = []
    for obj, _, matrix in page_objects(page, pdfium_c.FPDF_PAGEOBJ_TEXT):
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        if key in fonts.objects or not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, upper):
            continue
        if right.value - left.value > _NO_INK:
            continue
        info = fonts.describe(key, matrix)
        width = fonts.advance(info[5], 32) or 0.0
        x0 = matrix[4]
        out.append(_record(" ", x0, x0 + width * info[4], top - matrix[5], info))
    return out
