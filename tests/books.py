"""EPUB and zip files built byte by byte for the tests: well-formed books, and hostile ones."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

CONTAINER = (
    '<?xml version="1.0"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="OEBPS/content.opf" '
    'media-type="application/oebps-package+xml"/></rootfiles></container>'
)

NAV = (
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
    '<body><nav epub:type="toc"><ol><li><a href="c1.xhtml">目录项</a></li></ol></nav>'
    "</body></html>"
)


def opf(title: str, chapters: Sequence[str], spine: Sequence[str], *, prolog: str = "") -> str:
    items = "".join(
        f'<item id="{c}" href="{c}.xhtml" media-type="application/xhtml+xml"/>' for c in chapters
    )
    refs = "".join(f'<itemref idref="{c}"/>' for c in spine)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="id">test-book</dc:identifier><dc:title>{title}</dc:title>'
        "<dc:language>zh</dc:language></metadata>"
        '<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" '
        f'properties="nav"/>{items}</manifest>'
        f"<spine>{refs}</spine></package>"
    )


def zip_bytes(members: Sequence[tuple[str, bytes | str]], *, stored_first: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, content) in enumerate(members):
            kind = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=kind)
    return out.getvalue()


def make_book(
    chapters: dict[str, str],
    spine: Sequence[str],
    *,
    title: str = "测试之书",
    prolog: str = "",
    package: str | None = None,
) -> bytes:
    """An EPUB 3: mimetype first and stored, container, OPF, nav, one XHTML per chapter."""
    members: list[tuple[str, bytes | str]] = [
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", package or opf(title, list(chapters), spine, prolog=prolog)),
        ("OEBPS/nav.xhtml", NAV),
    ]
    members += [
        (f"OEBPS/{name}.xhtml", f"<html><body>{body}</body></html>")
        for name, body in chapters.items()
    ]
    return zip_bytes(members)


def bomb(names: Sequence[str], size: int, *, prefix: Sequence[tuple[str, str]] = ()) -> bytes:
    """A zip whose members `names` each unpack to `size` zero bytes (about 1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in prefix:
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED)
        for name in names:
            with archive.open(name, "w", force_zip64=True) as member:
                block = b"\0" * 1024**2
                for _ in range(size // len(block)):
                    member.write(block)
    return out.getvalue()


def corrupt_member(data: bytes, name: str) -> bytes:
    """`data` with one byte of member `name`'s compressed data flipped (a bad CRC)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    header = info.header_offset
    name_len = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_len = int.from_bytes(data[header + 28 : header + 30], "little")
    at = header + 30 + name_len + extra_len + info.compress_size // 2
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
