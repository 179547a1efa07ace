"""Zip archives read defensively: EPUB and DOCX are zips, and a zip can be a bomb.

Guarantees:
- `open_archive(data)` refuses, before decompressing anything, an archive whose central
  directory lists more than `MAX_MEMBERS` members, whose members declare more than
  `MAX_TOTAL_BYTES` unpacked in all, or any member larger than `MAX_MEMBER_BYTES` or
  compressed more than `MAX_RATIO`:1 (past 1 MiB). zipfile stops each member at its declared
  size (a lying size fails the CRC check), so these declared figures bound memory.
- `Archive.read(name)` returns at most the member's declared size; a damaged member (bad CRC,
  broken deflate stream, encryption, unknown compression) raises `ArchiveError` with a short
  reason naming the member, never Python's exception text.
- `sniff_member(data, name, limit)` reads one small member for format detection and returns
  None for anything unexpected (missing, larger than `limit`, damaged).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

# A 300-chapter novel EPUB has ~700 members; a DOCX with images a few hundred.
MAX_MEMBERS = 10_000
# Unpacked text of the largest real books and reports is tens of MB; images add some more.
MAX_MEMBER_BYTES = 512 * 1024**2
MAX_TOTAL_BYTES = 1024**3
# XHTML and WordprocessingML deflate 5-20:1 (a DOCX of repeated paragraphs: ~90:1);
# the bombs in the issue ran at 2000:1 and more.
MAX_RATIO = 200
_RATIO_FLOOR = 1024**2  # small members may compress well: a 10 KB run of spaces is harmless

_EOCD = b"PK\x05\x06"


class ArchiveError(Exception):
    """The archive is unsafe or damaged; the message says why in a few words."""


def _declared_members(data: bytes) -> int | None:
    """Member count from the end-of-central-directory record, read before zipfile parses
    the directory (parsing millions of entries would itself take gigabytes)."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, at + 10)
    (size,) = struct.unpack_from("<I", data, at + 12)
    if count == 0xFFFF or size == 0xFFFFFFFF:  # ZIP64: bound by the directory's byte size
        return (len(data) - 22) // 46  # 46 bytes is the smallest directory entry
    return int(count)


def _size(n: int) -> str:
    return f"{n / 1024**2:.0f} MB" if n >= 1024**2 else f"{n} bytes"


def bomb_reason(info: zipfile.ZipInfo) -> str | None:
    """Why a member looks like a zip bomb (compressed past `MAX_RATIO`:1), or None."""
    ratio = info.file_size / max(1, info.compress_size)
    if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
        return (
            f"unsafe archive: member {info.filename!r} is compressed {ratio:,.0f}:1 "
            f"(a zip bomb? limit {MAX_RATIO}:1)"
        )
    return None


class Archive:
    """A checked zip archive held in memory."""

    def __init__(self, data: bytes) -> None:
        count = _declared_members(data)
        if count is not None and count > MAX_MEMBERS:
            raise ArchiveError(f"unsafe archive: more than {MAX_MEMBERS:,} members")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            NotImplementedError,  # a member "needs" zip version 6.4 (a damaged header)
            OSError,
            ValueError,
            EOFError,
        ):
            raise ArchiveError("not a zip archive, or a damaged one") from None
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ArchiveError(f"unsafe archive: more than {MAX_MEMBERS:,} members")
        total = 0
        for info in infos:
            if info.file_size > MAX_MEMBER_BYTES:
                raise ArchiveError(
                    f"unsafe archive: member {info.filename!r} unpacks to "
                    f"{_size(info.file_size)} (limit {_size(MAX_MEMBER_BYTES)})"
                )
            bomb = bomb_reason(info)
            if bomb:
                raise ArchiveError(bomb)
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(
                f"unsafe archive: unpacks to {_size(total)} (limit {_size(MAX_TOTAL_BYTES)})"
            )
        self.infos = {info.filename: info for info in infos}

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_: object) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        return list(self.infos)

    def read(self, name: str) -> bytes:
        """The member's bytes; ArchiveError if it is missing or damaged."""
        info = self.infos.get(name)
        if info is None:
            raise ArchiveError(f"{name} is missing")
        try:
            with self._zip.open(info) as member:
                return member.read(info.file_size)
        except RuntimeError:  # zipfile: "File is encrypted, password required"
            raise ArchiveError(f"{name} is encrypted") from None
        except NotImplementedError:
            raise ArchiveError(f"{name} uses an unsupported compression method") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
            raise ArchiveError(f"{name} is damaged (bad CRC or compressed data)") from None


def check_archive(data: bytes) -> None:
    """Raise ArchiveError if the zip is unsafe or not a zip (nothing is decompressed)."""
    Archive(data)._zip.close()


def open_archive(data: bytes) -> Archive:
    """Check an in-memory zip; raise ArchiveError if it is unsafe or not a zip."""
    return Archive(data)


def _zip_for_sniffing(data: bytes) -> zipfile.ZipFile | None:
    count = _declared_members(data)
    if count is not None and count > MAX_MEMBERS:
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        ValueError,
        EOFError,
    ):
        return None


def sniff_member(data: bytes, name: str, limit: int) -> bytes | None:
    """One member's bytes if it exists and is at most `limit` bytes, else None. Reads nothing
    else (a 1 GiB `mimetype` member is not decompressed to learn it is not "application/...")."""
    archive = _zip_for_sniffing(data)
    if archive is None:
        return None
    try:
        with archive:
            info = archive.getinfo(name)
            if info.file_size > limit:
                return None
            with archive.open(info) as member:
                return member.read(limit)
    except (KeyError, RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error):
        return None
    except (EOFError, OSError, ValueError):
        return None


def member_names(data: bytes) -> set[str]:
    """The member names of a zip (empty for anything that is not a readable zip)."""
    archive = _zip_for_sniffing(data)
    if archive is None:
        return set()
    with archive:
        return set(archive.namelist())
