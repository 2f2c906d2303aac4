"""The cited page on screen: a PDF citation's page rendered as an image, with the quoted lines marked.

``page_image`` is pure (PDF bytes, page and boxes in; PNG bytes out) and uses pypdfium2, which comes with
pdfplumber. ``PageViewer`` renders each cited page once into a cache folder the chat serves, and names the
URLs the page shows: the image, and the original file opened at that page. Nothing here imports gradio.
"""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from assistant.types import Box, Citation, Document

log = logging.getLogger(__name__)

# How the quoted lines are marked on the page image: a translucent yellow fill under a darker edge.
HIGHLIGHT_FILL = (255, 213, 0, 90)
HIGHLIGHT_EDGE = (214, 160, 0, 255)
FILE_ROUTE = "/gradio_api/file="


@dataclass(frozen=True)
class PageView:
    """What the chat shows for one cited page: its image (highlighted) and the original file at it."""

    page: int
    image_url: str
    file_url: str
    width: int
    height: int
    marks: tuple[tuple[float, float, float, float], ...]
    """The highlighted boxes as fractions of the image (left, top, width, height), for the page's markup."""


def page_image(pdf: bytes, page: int, boxes: Sequence[Box], scale: float = 1.5) -> tuple[bytes, int, int]:
    """PNG bytes of 1-based ``page`` of ``pdf`` with ``boxes`` (of that page) highlighted, and its size.

    Raises:
        ValueError: the page does not exist or the PDF cannot be opened.
    """
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise ValueError(f"cannot open the PDF ({exc})") from exc
    try:
        if not 1 <= page <= len(document):
            raise ValueError(f"page {page} is not in a {len(document)}-page file")
        bitmap = document[page - 1].render(scale=scale)
        image = bitmap.to_pil().convert("RGBA")
    finally:
        document.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for b in boxes:
        if b.page != page:
            continue
        rect = (b.x0 * scale - 2, b.top * scale - 2, b.x1 * scale + 2, b.bottom * scale + 2)
        draw.rectangle(rect, fill=HIGHLIGHT_FILL, outline=HIGHLIGHT_EDGE, width=2)
    out = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue(), image.width, image.height


class PageViewer:
    """Renders cited PDF pages into ``cache_dir`` (made when not given) for the chat to serve.

    Example:
        >>> viewer = PageViewer(Path("corpus"), {d.doc_id: d for d in documents})   # doctest: +SKIP
        >>> viewer.view(citation).image_url                                        # doctest: +SKIP
        '/gradio_api/file=/tmp/assistant-pages-x1y2/3f2a....png'
    """

    def __init__(
        self, corpus_dir: Path, documents: Mapping[str, Document], cache_dir: Path | None = None, scale: float = 1.5
    ) -> None:
        self.corpus_dir = Path(corpus_dir).resolve()
        self.documents = documents
        self.cache_dir = Path(cache_dir or tempfile.mkdtemp(prefix="assistant-pages-")).resolve()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.scale = scale

    @property
    def allowed_paths(self) -> list[str]:
        """The folders the chat must serve: the rendered pages and the original files."""
        return [str(self.cache_dir), str(self.corpus_dir)]

    def view(self, citation: Citation) -> PageView | None:
        """The page view of a citation, or None when it has no page or its file cannot be rendered."""
        doc = self.documents.get(citation.doc_id)
        page = citation.page
        if doc is None or page is None or doc.format != "pdf":
            return None
        source = self.corpus_dir / doc.filename
        boxes = tuple(b for b in citation.location.boxes if b.page == page)
        key = hashlib.sha256(repr((doc.sha256, page, boxes, self.scale)).encode()).hexdigest()[:24]
        target = self.cache_dir / f"{key}.png"
        try:
            if not target.exists():
                png, _, _ = page_image(source.read_bytes(), page, boxes, self.scale)
                tmp = target.with_suffix(".tmp")
                tmp.write_bytes(png)
                tmp.replace(target)
            from PIL import Image

            with Image.open(target) as img:
                width, height = img.size
        except (OSError, ValueError) as exc:
            log.warning("Cannot show page %s of %s: %s", page, doc.filename, exc)
            return None
        s = self.scale
        marks = tuple(
            (
                max(0.0, (b.x0 * s - 2) / width),
                max(0.0, (b.top * s - 2) / height),
                min(1.0, (b.x1 - b.x0) * s / width + 4 / width),
                min(1.0, (b.bottom - b.top) * s / height + 4 / height),
            )
            for b in boxes
        )
        return PageView(
            page=page,
            image_url=FILE_ROUTE + quote(str(target)),
            file_url=FILE_ROUTE + quote(str(source)) + f"#page={page}",
            width=width,
            height=height,
            marks=marks,
        )

    def close(self) -> None:
        """Remove the rendered pages (the server is stopping)."""
        shutil.rmtree(self.cache_dir, ignore_errors=True)
