"""Load any supported document into a cleaned `Document`: the one entry point for other modules.

Guarantees:
- `load_document(source, encoding=None, *, data=None)` reads a path (or stdin for "-", or
  `data` when given), picks the format from the extension or, for stdin and unknown extensions,
  from the content, extracts, cleans and builds paragraphs with ids, scripts, Simplified text,
  offset maps and sentences. The user's file is only ever read.
- Problems the user can fix raise `ReaderError` rendering as one line `reader: <path>: <what>`:
  missing file, a directory, unreadable file, binary or unsupported file, unknown encoding name,
  broken EPUB/DOCX, and an empty document (nothing left after cleaning).
- Every paragraph has non-empty single-line text; `Document.warnings` carries decoding
  problems; `Document.dropped` every line cleaning removed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from reader.documents import cleaning, decoding, formats, scripts, sentences
from reader.documents.document import Document, DroppedLine, Kind, Paragraph
from reader.errors import ReaderError

FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".epub": "epub",
    ".docx": "docx",
}
_SUPPORTED = ".txt .md .html .htm .epub .docx"
_UNSUPPORTED = frozenset(
    {
        ".pdf",
        ".doc",
        ".rtf",
        ".mobi",
        ".azw",
        ".azw3",
        ".odt",
        ".pages",
        ".ppt",
        ".pptx",
        ".xls",
        ".xlsx",
        ".djvu",
        ".caj",
    }
)
_TITLE_MAX = 50  # a first paragraph this short, not ending a sentence, is the document's title


def load_document(
    source: str | Path, encoding: str | None = None, *, data: bytes | None = None
) -> Document:
    """Load, clean and structure a document; see the module docstring."""
    where = str(source)
    if data is None:
        data = sys.stdin.buffer.read() if where == "-" else _read(Path(source))
    if not data:
        raise ReaderError(where, "empty file")
    fmt = _detect_format(where, data)
    if fmt in ("epub", "docx"):
        extract = formats.extract_epub if fmt == "epub" else formats.extract_docx
        try:
            blocks, title = extract(data)
        except formats.FormatError as exc:
            raise ReaderError(where, str(exc)) from exc
        return _from_blocks(where, fmt, "utf-8", blocks, [], [], title)

    decoded = _decode(where, data, encoding, fmt)
    if fmt == "txt":
        return load_text(
            decoded.text, where, "txt", encoding=decoded.encoding, warnings=decoded.warnings
        )
    if fmt == "md":
        blocks, code = formats.extract_markdown(cleaning.normalise_newlines(decoded.text))
        return _from_blocks(where, fmt, decoded.encoding, blocks, code, decoded.warnings, "")
    blocks, title = formats.extract_html(decoded.text)
    return _from_blocks(where, fmt, decoded.encoding, blocks, [], decoded.warnings, title)


def load_text(
    text: str,
    source: str = "<text>",
    format: str = "txt",
    *,
    encoding: str = "utf-8",
    warnings: Sequence[str] = (),
) -> Document:
    """A Document from already-decoded text (plain text or, with format="md"/"html", markup)."""
    if format == "md":
        blocks, code = formats.extract_markdown(cleaning.normalise_newlines(text))
        return _from_blocks(source, format, encoding, blocks, code, list(warnings), "")
    if format == "html":
        blocks, title = formats.extract_html(text)
        return _from_blocks(source, format, encoding, blocks, [], list(warnings), title)
    result = cleaning.clean(text)
    texts = [p for p in result.text.split("\n\n") if p]
    items: list[tuple[Kind, int, str]] = [("paragraph", 0, t) for t in texts]
    return _build(source, format, encoding, items, result.dropped, list(warnings), "")


# --- reading and detection ---------------------------------------------------------------------


def _read(path: Path) -> bytes:
    if path.is_dir():
        raise ReaderError(path, "is a directory, not a document")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReaderError(path, "no such file") from None
    except PermissionError:
        raise ReaderError(path, "permission denied") from None
    except OSError as exc:
        raise ReaderError(path, f"cannot read: {exc.strerror or exc}") from None


def _zip_format(data: bytes) -> str | None:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == b"application/epub+zip":
                return "epub"
            if "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or (
        head.startswith(b"<") and (b"<body" in head or b"<p>" in head or b"<div" in head)
    )


def _detect_format(where: str, data: bytes) -> str:
    suffix = Path(where).suffix.lower() if where != "-" else ""
    fmt = FORMATS.get(suffix)
    if fmt in ("epub", "docx"):
        if not data.startswith(b"PK\x03\x04"):
            kind = "EPUB" if fmt == "epub" else "DOCX"
            raise ReaderError(where, f"not a valid {kind} file (not a zip archive)")
        return fmt
    binary = decoding.sniff_binary(data)
    if binary == "ZIP archive" and fmt is None:
        detected = _zip_format(data)
        if detected:
            return detected
    if binary and suffix in _UNSUPPORTED:
        raise ReaderError(where, f"unsupported file type '{suffix}' (supported: {_SUPPORTED})")
    if binary:
        hint = f" (found {suffix} extension)" if fmt else ""
        raise ReaderError(where, f"binary file ({binary}), not a text document{hint}")
    if fmt:
        return fmt
    if suffix in _UNSUPPORTED or (suffix and decoding.decode_bytes(data[:65536]).warnings):
        # An unknown extension is fine for text (notes.text, README): not for anything else.
        raise ReaderError(where, f"unsupported file type '{suffix}' (supported: {_SUPPORTED})")
    return "html" if _looks_like_html(data) else "txt"


def _decode(where: str, data: bytes, encoding: str | None, fmt: str) -> decoding.Decoded:
    if encoding is None and fmt == "html":
        declared = formats.declared_charset(data)
        if declared and decoding.bom_encoding(data) is None:
            try:
                return decoding.Decoded(data.decode(declared), declared)
            except (UnicodeDecodeError, LookupError):
                pass  # a wrong declaration: detect instead
    try:
        return decoding.decode_bytes(data, encoding)
    except LookupError:
        raise ReaderError(where, f"unknown encoding '{encoding}'") from None


# --- building ----------------------------------------------------------------------------------


def _from_blocks(
    where: str,
    fmt: str,
    encoding: str,
    blocks: Sequence[formats.Block],
    dropped: list[DroppedLine],
    warnings: list[str],
    title: str,
) -> Document:
    """Clean structured blocks: character-level steps per block, boilerplate over the list."""
    cleaned = [(b, cleaning.clean_inline(b.text).replace("\n", " ").strip()) for b in blocks]
    cleaned = [(b, t) for b, t in cleaned if t]
    headings = {i for i, (b, _) in enumerate(cleaned) if b.kind == "heading" and b.level <= 2}
    mask = cleaning.boilerplate_mask([t for _, t in cleaned], protected=headings)
    dropped = dropped + [DroppedLine(cleaned[i][0].line, cleaned[i][1], r) for i, r in mask.items()]
    dropped.sort(key=lambda d: d.line)
    items = [(b.kind, b.level, t) for i, (b, t) in enumerate(cleaned) if i not in mask]
    return _build(where, fmt, encoding, items, dropped, warnings, title)


def _build(
    where: str,
    fmt: str,
    encoding: str,
    items: Sequence[tuple[Kind, int, str]],
    dropped: list[DroppedLine],
    warnings: list[str],
    title: str,
) -> Document:
    if not items:
        raise ReaderError(where, "empty document: no text left after cleaning")
    texts = [text for _, _, text in items]
    converted = scripts.to_simplified_many(texts)
    counts = scripts.count_scripts_many(texts, [s for s, _ in converted])
    total = sum(counts, scripts.ScriptCounts())
    doc_script = scripts.classify(total)
    default = doc_script if doc_script in ("simplified", "traditional") else "simplified"
    paragraphs = [
        Paragraph(
            id=pid,
            text=text,
            simplified=simplified,
            to_original=offsets,
            script=scripts.classify(count, default),
            kind=kind,
            level=level if kind == "heading" else 0,
            sentences=sentences.split_sentences(text),
        )
        for pid, (kind, level, text), (simplified, offsets), count in zip(
            sentences.paragraph_ids(texts), items, converted, counts, strict=True
        )
    ]
    if not title:
        title = _guess_title(paragraphs)
    return Document(
        source=where,
        format=fmt,
        encoding=encoding,
        script=doc_script,
        paragraphs=paragraphs,
        dropped=dropped,
        warnings=list(warnings),
        title=title,
    )


def _guess_title(paragraphs: Sequence[Paragraph]) -> str:
    for p in paragraphs:
        if p.kind == "heading":
            return p.text
    first = paragraphs[0].text
    if len(first) <= _TITLE_MAX and first[-1] not in "。.;；…":
        return first
    return ""
