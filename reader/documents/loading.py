"""Load any supported document into a cleaned `Document`: the one entry point for other modules.

Guarantees:
- `load_document(source, encoding=None, *, data=None, max_bytes=...)` reads a path (or stdin
  for "-", or `data` when given), picks the format from the extension or, for stdin and
  unknown extensions, from the content, extracts, cleans and builds paragraphs with ids,
  scripts, Simplified text, offset maps and sentences. The user's file is only ever read.
- Input is capped at `max_bytes` (default `DEFAULT_MAX_BYTES`, 200 MB; `--max-size` raises
  it through `set_max_bytes`): a regular file by its size before reading; stdin, FIFOs and
  devices (/dev/zero) by reading at most one byte past the cap. Archives are checked before
  decompression (reader/documents/archives.py); sniffing an extensionless zip reads at most
  64 bytes of it.
- Problems the user can fix raise `ReaderError` rendering as one line `reader: <path>: <what>`:
  missing file, a directory, a symbolic-link loop, unreadable file, closed stdin, input over
  the cap, binary or unsupported file, unknown encoding name, broken or unsafe EPUB/DOCX, a
  missing Python module behind a format, and an empty document (nothing left after cleaning,
  with the parser limit that caused it when there is one).
- Every paragraph has non-empty single-line text; `Document.warnings` carries decoding
  problems; `Document.dropped` every line cleaning removed.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from reader.documents import (
    archives,
    cleaning,
    decoding,
    epub,
    formats,
    htmlparse,
    scripts,
    sentences,
    word,
)
from reader.documents.document import Chapter, Document, DroppedLine, Kind, Paragraph
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
# Documents people read are < 20 MB (a 1,000-page novel is ~3 MB of UTF-8); 200 MB leaves
# room and still bounds memory (the pipeline needs ~10x the file size) on a laptop.
DEFAULT_MAX_BYTES = 200 * 1024**2
_max_bytes = DEFAULT_MAX_BYTES  # the process-wide cap: `--max-size` sets it once, at start-up
_CHUNK = 1024**2
_TITLE_MAX = 50  # a first paragraph this short, not ending a sentence, is the document's title


def load_document(
    source: str | Path,
    encoding: str | None = None,
    *,
    data: bytes | None = None,
    max_bytes: int | None = None,
) -> Document:
    """Load, clean and structure a document; see the module docstring."""
    where = str(source)
    if data is None:
        data = read_source(where, max_bytes)
    elif len(data) > (max_bytes or _max_bytes):
        raise _over(where, max_bytes or _max_bytes)
    fmt = check_document(where, data)
    if fmt in ("epub", "docx"):
        blocks, title = _extract(where, fmt, data)
        return _from_blocks(where, fmt, "utf-8", blocks, [], [], title)

    decoded = _decode(where, data, encoding, fmt)
    if fmt == "txt":
        return load_text(
            decoded.text, where, "txt", encoding=decoded.encoding, warnings=decoded.warnings
        )
    if fmt == "md":
        blocks, code = formats.extract_markdown(cleaning.normalise_newlines(decoded.text))
        return _from_blocks(where, fmt, decoded.encoding, blocks, code, decoded.warnings, "")
    limits = htmlparse.limit_warnings(decoded.text)
    blocks, title = _extract_html(where, decoded.text)
    try:
        return _from_blocks(
            where, fmt, decoded.encoding, blocks, [], [*decoded.warnings, *limits], title
        )
    except ReaderError as error:
        if limits and not blocks:  # "empty" would hide why: say which limit emptied it
            raise ReaderError(where, f"no text read: {limits[0]}") from None
        raise error


def check_document(where: str, data: bytes) -> str:
    """The document's format, after the checks that need no extraction (empty, binary,
    unsupported, not a zip, unsafe archive); ReaderError otherwise. Cheap enough to run before
    the reader opens: a few ms for 100 MB."""
    if not data.strip():
        raise ReaderError(where, "empty file" if not data else "empty document: only whitespace")
    fmt = _detect_format(where, data)
    if fmt in ("epub", "docx"):
        try:
            archives.check_archive(data)
        except archives.ArchiveError as error:
            kind = "EPUB" if fmt == "epub" else "DOCX"
            raise ReaderError(where, f"not a valid {kind} file: {error}") from None
    return fmt


def _missing_module(where: str, fmt: str, error: ImportError) -> ReaderError:
    # e.g. lxml_html_clean, which trafilatura needs and pip < 23.3 may leave out
    return ReaderError(
        where,
        f"cannot read {fmt.upper()} files: the Python module '{error.name}' is missing; "
        "reinstall reader (`pip install --upgrade pip` first)",
    )


def _extract(where: str, fmt: str, data: bytes) -> tuple[list[formats.Block], str]:
    extract: Callable[[bytes], tuple[list[formats.Block], str]] = (
        epub.extract_epub if fmt == "epub" else word.extract_docx
    )
    try:
        return extract(data)
    except formats.FormatError as exc:
        raise ReaderError(where, str(exc)) from None
    except ImportError as exc:
        raise _missing_module(where, fmt, exc) from None


def _extract_html(where: str, html: str) -> tuple[list[formats.Block], str]:
    try:
        return formats.extract_html(html)
    except ImportError as exc:
        raise _missing_module(where, "html", exc) from None


def parse_size(text: str) -> int:
    """Bytes in a size such as "200M", "1.5G", "800k" or "1000000"; ValueError otherwise."""
    units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
    cleaned = text.strip().lower().removesuffix("b").removesuffix("i")
    number, unit = (cleaned[:-1], cleaned[-1]) if cleaned[-1:].isalpha() else (cleaned, "")
    if unit not in units:
        raise ValueError(f"unknown size unit in {text!r}")
    value = float(number) * units[unit]
    if not value > 0:
        raise ValueError(f"size must be positive: {text!r}")
    return int(value)


def format_size(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


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


def _over(where: str, max_bytes: int) -> ReaderError:
    return ReaderError(
        where,
        f"larger than the {format_size(max_bytes)} input limit; "
        "raise it with --max-size (e.g. --max-size 1G)",
    )


def _read_capped(stream: BinaryIO, where: str, max_bytes: int) -> bytes:
    """At most `max_bytes` from a stream of unknown length (stdin, a FIFO, /dev/zero)."""
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        chunk = stream.read(min(_CHUNK, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    raise _over(where, max_bytes)


def set_max_bytes(max_bytes: int) -> None:
    """Set the input cap every later load uses unless given its own (`--max-size`)."""
    global _max_bytes
    _max_bytes = max_bytes


def read_source(where: str, max_bytes: int | None = None) -> bytes:
    """The bytes of a document path, or of stdin for "-", at most `max_bytes` (default: the
    process-wide cap, 200 MB unless `set_max_bytes` changed it)."""
    max_bytes = max_bytes or _max_bytes
    if where == "-":
        stdin = sys.stdin
        if stdin is None or getattr(stdin, "closed", False):  # Python sets None when fd 0 is shut
            raise ReaderError("-", "stdin is closed; pipe a document in, or give a file")
        try:
            return _read_capped(stdin.buffer, "-", max_bytes)
        except (OSError, ValueError) as exc:
            raise ReaderError("-", f"cannot read stdin: {_reason(exc)}") from None
    try:
        info = os.stat(where)
        if stat.S_ISDIR(info.st_mode):
            raise ReaderError(where, "is a directory, not a document")
        if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
            raise _over(where, max_bytes)
        with open(where, "rb") as stream:
            # a regular file can grow between stat and read: stay capped anyway
            return _read_capped(stream, where, max_bytes)
    except OSError as exc:
        raise ReaderError(where, _reason(exc)) from None


def _reason(exc: OSError | ValueError) -> str:
    if not isinstance(exc, OSError):
        return str(exc)
    reasons = {
        errno.ENOENT: "no such file",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ELOOP: "symbolic link loop (a link that points back to itself)",
        errno.EISDIR: "is a directory, not a document",
        errno.ENOTDIR: "no such file (a part of the path is not a directory)",
        errno.ENAMETOOLONG: "file name too long",
    }
    return reasons.get(exc.errno or 0) or f"cannot read: {exc.strerror or exc}"


def _zip_format(data: bytes) -> str | None:
    # only the 64 bytes sniffing needs: a 1 GiB `mimetype` member is not decompressed
    mimetype = archives.sniff_member(data, "mimetype", 64)
    if mimetype is not None and mimetype.strip() == b"application/epub+zip":
        return "epub"
    if "word/document.xml" in archives.member_names(data):
        return "docx"
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
            raise ReaderError(where, f"not a valid {kind} file: not a zip archive")
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


def block_text(text: str) -> str:
    """A block's text as its paragraph holds it (the EPUB export finds paragraphs by it)."""
    return cleaning.clean_inline(text).replace("\n", " ").strip()


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
    everything = [(b, block_text(b.text)) for b in blocks]
    cleaned = [(b, t) for b, t in everything if t]
    headings = {i for i, (b, _) in enumerate(cleaned) if b.kind == "heading" and b.level <= 2}
    mask = cleaning.boilerplate_mask([t for _, t in cleaned], protected=headings)
    dropped = dropped + [DroppedLine(cleaned[i][0].line, cleaned[i][1], r) for i, r in mask.items()]
    dropped.sort(key=lambda d: d.line)
    items = [(b.kind, b.level, t) for i, (b, t) in enumerate(cleaned) if i not in mask]
    doc = _build(where, fmt, encoding, items, dropped, warnings, title)
    doc.chapters = _chapters(everything, {id(cleaned[i][0]) for i in mask})
    return doc


def _chapters(blocks: Sequence[tuple[formats.Block, str]], masked: set[int]) -> list[Chapter]:
    """The chapters blocks start, each at the first paragraph kept from its block on (a
    chapter whose first block cleaning dropped starts at the next one)."""
    chapters: list[Chapter] = []
    pending: list[tuple[str, int]] = []
    kept = 0
    for block, text in blocks:
        pending.extend(block.chapters)
        if text and id(block) not in masked:
            chapters.extend(Chapter(title, kept, depth) for title, depth in pending)
            pending = []
            kept += 1
    return chapters


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
