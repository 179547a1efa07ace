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
- `preview_document` loads only the first `PREVIEW_CHARS` of a large plain-text or Markdown
  document, the same way: what its first screen shows while the whole loads (cleaning rules
  that look at the whole, such as boilerplate repeated through it, may still change it).
- Every paragraph has non-empty single-line text; `Document.warnings` carries decoding
  problems; `Document.dropped` every line cleaning removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.documents import (
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
from reader.documents.source import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    cap,
    check_document,
    format_size,
    over_cap,
    parse_size,
    read_source,
    set_max_bytes,
)
from reader.errors import ReaderError

__all__ = [  # the reading functions stay importable from here, the one entry point
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "block_text",
    "check_document",
    "format_size",
    "load_document",
    "load_text",
    "parse_size",
    "preview_document",
    "read_source",
    "set_max_bytes",
]

# A document over PREVIEW_ABOVE bytes takes longer to load (2 MB: ~0.35 s) than the screen's
# first paint; its first PREVIEW_CHARS load in ~10 ms and fill any screen (300x100 cells side
# by side: ~14,000 characters)
PREVIEW_ABOVE = 64_000
PREVIEW_CHARS = 16_000
_TITLE_MAX = 50  # a first paragraph this short, not ending a sentence, is the document's title
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    elif len(data) > (max_bytes or cap()):
        raise over_cap(where, max_bytes or cap())
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


def preview_document(
    source: str, data: bytes, encoding: str | None = None, chars: int = PREVIEW_CHARS
) -> Document | None:
    """The document's first `chars` (cut at a line's end), loaded as `load_document` loads
    the whole; None for a document of at most PREVIEW_ABOVE bytes (the whole is as quick) and
    for formats other than plain text and Markdown (markup and archives cannot be cut)."""
    if len(data) <= PREVIEW_ABOVE:
        return None
    fmt = check_document(source, data)
    if fmt not in ("txt", "md"):
        return None
    decoded = _decode(source, data, encoding, fmt)
    text = decoded.text[:chars]
    if len(decoded.text) > chars and (end := text.rfind("\n")) > 0:
        text = text[:end]
    return load_text(text, source, fmt, encoding=decoded.encoding)


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


def load_text(
    text: str,
    source: str = "<text>",
    format: str = "txt",
    *,
    encoding: str = "utf-8",
    warnings: Sequence[str] = (),
) -> Document:
    """A Document from already-decoded text (plain text or, with format="md"/"html", markup).
    A lone surrogate (a str from elsewhere: decoding never makes one) becomes U+FFFD, as an
    undecodable byte does: ids, the memory and exports all need text UTF-8 can hold."""
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
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
