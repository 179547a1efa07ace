"""Encoding detection: BOMs, UTF-8, GB18030/GBK/GB2312, Big5, overrides, replacement warnings."""

from __future__ import annotations

import codecs

import pytest

from reader.documents.decoding import decode_bytes, plausibility, sniff_binary
from tests.conftest import seed

SIMPLIFIED = "北京市新型冠状病毒肺炎疫情防控工作领导小组召开会议，要求坚决防止高风险人员进京。"
TRADITIONAL = "北京市新型冠狀病毒肺炎疫情防控工作領導小組召開會議，要求堅決防止高風險人員進京。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8"),
        (SIMPLIFIED.encode("utf-16"), "utf-16"),  # Python writes a BOM
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        (SIMPLIFIED.encode("gb2312"), "gb18030"),
        (SIMPLIFIED.encode("gbk"), "gb18030"),
        (SIMPLIFIED.encode("gb18030"), "gb18030"),
        (TRADITIONAL.encode("big5"), "big5"),
        (TRADITIONAL.encode("gbk"), "gb18030"),  # Traditional text saved as GBK
    ],
)
def test_detects_encoding(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.text in (SIMPLIFIED, TRADITIONAL)
    assert decoded.warnings == []


@pytest.mark.parametrize("name", ["000", "002", "003"])
def test_gbk_seed_is_not_read_as_big5(name: str) -> None:
    text = seed(name).read_text(encoding="utf-8")
    data = text.encode("gbk")
    assert data.decode("big5", errors="replace") != text  # the trap exists
    decoded = decode_bytes(data)
    assert (decoded.encoding, decoded.text) == ("gb18030", text)


@pytest.mark.parametrize("name", ["001", "004"])
def test_big5_seed_is_not_read_as_gbk(name: str) -> None:
    lines = seed(name).read_text(encoding="utf-8").split("\n")
    text = "\n".join(line for line in lines if _encodable(line, "big5"))
    data = text.encode("big5")
    assert _strict_ok(data, "gb18030"), "Big5 bytes decode as GB18030 too: the classic trap"
    decoded = decode_bytes(data)
    assert (decoded.encoding, decoded.text) == ("big5", text)


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _strict_ok(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def test_encoding_override_wins() -> None:
    data = TRADITIONAL.encode("big5")
    forced = decode_bytes(data, "gb18030")
    assert forced.encoding == "gb18030"
    assert forced.text != TRADITIONAL


def test_override_with_replacements_warns_with_position() -> None:
    data = "第一行\n第二行".encode() + b"\xff\xfe!"
    decoded = decode_bytes(data, "utf-8")
    assert decoded.text.count("\ufffd") == 2
    assert decoded.warnings == [
        "decoding as utf-8 needed 2 replacement characters (first at 2:4); some text may be garbled"
    ]


def test_mostly_utf8_with_a_bad_byte_warns() -> None:
    data = (SIMPLIFIED * 20).encode("utf-8") + b"\n\xe5\x8c"  # truncated last character
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text.startswith(SIMPLIFIED)
    assert len(decoded.warnings) == 1 and "first at 2:1" in decoded.warnings[0]


def test_unknown_encoding_name_raises_lookup_error() -> None:
    with pytest.raises(LookupError):
        decode_bytes(b"abc", "no-such-codec")


def test_ascii_is_utf8() -> None:
    assert decode_bytes(b"plain text").encoding == "utf-8"


def test_plausibility_separates_right_from_wrong_decoding() -> None:
    data = TRADITIONAL.encode("big5")
    assert plausibility(data.decode("big5")) > 0.95
    assert plausibility(data.decode("gb18030")) < 0.6


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"%PDF-1.7\n", "PDF document"),
        (b"abc\x00def", "binary data"),
        (b"PK\x03\x04rest", "ZIP archive"),
    ],
)
def test_sniff_binary(data: bytes, what: str) -> None:
    assert sniff_binary(data) == what


@pytest.mark.parametrize("data", [SIMPLIFIED.encode("utf-16"), SIMPLIFIED.encode("gbk"), b"plain"])
def test_text_is_not_binary(data: bytes) -> None:
    assert sniff_binary(data) is None
