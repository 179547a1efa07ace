"""Exports of a translated document: bilingual Markdown, HTML, EPUB and a TMX memory.

`render_export` gives the bytes of one format; `write_export` writes them atomically. The
format is named (`md`, `html`, `epub`, `tmx`) or inferred from the output's extension.
An EPUB made from an EPUB is the original book with the English inside it
(reader/exports/epub_inplace.py); one that cannot be kept whole is rebuilt from the text
(reader/exports/epub.py), and `warn` is told why in one line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from reader.atomic import write_bytes_atomic
from reader.documents.document import Document
from reader.exports.common import ExportInfo
from reader.exports.epub import export_epub
from reader.exports.epub_inplace import NotKeptWhole, export_epub_inplace
from reader.exports.html import export_html
from reader.exports.markdown import export_markdown
from reader.exports.tmx import export_tmx
from reader.translation.pipeline import ParagraphTranslation

FORMATS = ("md", "html", "epub", "tmx")
SUFFIXES = {"md": ".md", "html": ".html", "epub": ".epub", "tmx": ".tmx"}
_BY_SUFFIX = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"} | {
    ".epub": "epub",
    ".tmx": "tmx",
}
LAYOUTS = ("table", "interleaved")  # Markdown
CONTENTS = ("bilingual", "english", "chinese")  # EPUB


def format_for_path(path: str | Path) -> str | None:
    """The format an output name asks for by its extension, None when it names none."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def default_output_path(source: str, fmt: str = "md") -> Path:
    """`news.txt` → `news.bilingual.md` (or .html, .epub, .tmx) beside the source; stdin →
    `stdin.bilingual.md`."""
    suffix = SUFFIXES[fmt]
    if source in ("", "-"):
        return Path("stdin.bilingual" + suffix)
    src = Path(source)
    return src.with_name(src.stem + ".bilingual" + suffix)


def render_export(
    doc: Document,
    translations: Mapping[str, ParagraphTranslation],
    fmt: str,
    info: ExportInfo,
    *,
    layout: str = "table",
    content: str = "bilingual",
    show_dropped: bool = True,
    original: bytes | None = None,
    warn: Callable[[str], None] | None = None,
    skip_flagged: bool = False,
) -> bytes:
    """The export in `fmt` as bytes (UTF-8 for the text formats). An EPUB of an EPUB
    document is made in place from `original` (read again from `doc.source` when None);
    `skip_flagged` leaves flagged sentences out of a TMX (the other formats mark them)."""
    if fmt == "md":
        text = export_markdown(
            doc,
            translations,
            layout=layout,
            engine_name=info.engine_label,
            date=info.date,
            show_dropped=show_dropped,
        )
        return text.encode("utf-8")
    if fmt == "html":
        return export_html(doc, translations, info, show_dropped=show_dropped).encode("utf-8")
    if fmt == "epub":
        if doc.format == "epub":
            try:
                return export_epub_inplace(
                    _original(doc, original), doc, translations, info, content=content
                )
            except NotKeptWhole as error:
                if warn is not None:
                    why = f"cannot keep the book whole: {error}; rebuilt from its text"
                    warn(f"{doc.source}: {why}")
        return export_epub(doc, translations, info, content=content)
    if fmt == "tmx":
        return export_tmx(doc, translations, info, skip_flagged=skip_flagged).encode("utf-8")
    raise ValueError(f"format must be one of {FORMATS}")


def _original(doc: Document, original: bytes | None) -> bytes:
    from reader.documents.source import read_source
    from reader.errors import ReaderError

    if original is not None:
        return original
    if doc.source in ("", "-"):
        raise NotKeptWhole("it came from standard input")
    try:
        return read_source(doc.source)
    except ReaderError as error:
        raise NotKeptWhole(f"cannot read it again: {error.message}") from None


def write_export(data: str | bytes, path: str | Path) -> Path:
    path = Path(path)
    write_bytes_atomic(path, data.encode("utf-8") if isinstance(data, str) else data)
    return path
