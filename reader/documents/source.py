"""A document's bytes and what they are, before any extraction: the input cap, reading a path
or stdin, and the checks `reader read` makes before the full-screen reader opens.

Guarantees: input is capped at `cap()` (`DEFAULT_MAX_BYTES`, 200 MB, unless `set_max_bytes`
changed it): a regular file by its size before reading; stdin, FIFOs and devices by reading at
most one byte past the cap. `check_document` says what is wrong (empty, binary, unsupported,
not a zip, unsafe archive) as a `ReaderError` of one line. Light on purpose (~5 ms to import,
against ~45 ms for reader.documents.loading with its parsers and cleaning): the reader checks
a document before Textual starts.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from reader.documents import archives, decoding
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


def over_cap(where: str, max_bytes: int) -> ReaderError:
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
    raise over_cap(where, max_bytes)


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
            raise over_cap(where, max_bytes)
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


def cap() -> int:
    """The process-wide input cap in bytes."""
    return _max_bytes
