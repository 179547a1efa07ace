"""Turn the bytes of a text document into str, detecting the Chinese encoding it was saved in.

Guarantees:
- `encoding=` given by the user always wins (decoded with replacements if the bytes do not fit).
- Otherwise, in order: a BOM (UTF-8, UTF-16, UTF-32) → strict UTF-8 → strict GB18030 and strict
  Big5 (CP950), keeping whichever reads as plausible Chinese (share of common characters) →
  the best candidate decoded with replacements.
- Mojibake is never silent: when replacements were needed, `Decoded.warnings` says how many and
  where the first one is (line:col, 1-based).
- UTF-16 without a BOM is recognised when its first 8 KB decode strictly to printable text
  (ASCII-heavy text has a NUL in every other byte; see `utf16_without_bom`), and otherwise
  competes with GB18030 and Big5 on plausibility.
- Binary data (NUL bytes that are not UTF-16/32 text, or a known file signature) is reported
  as such by `sniff_binary`, so the loader can refuse it with a clear message.
"""

from __future__ import annotations

import codecs
import contextlib
from dataclasses import dataclass, field
from functools import lru_cache

# Signatures of binary files users are likely to pass by mistake.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x7fELF", "executable"),
    (b"\xd0\xcf\x11\xe0", "old Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7z archive"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# How many characters of a candidate decoding are scored: 20k is plenty to tell GBK from Big5
# and keeps detection of a 1 MB file to a few milliseconds.
_SAMPLE_CHARS = 20_000

# Below this share of common characters a strict decoding is taken for mojibake. Correct Chinese
# text scores > 0.95; Big5 read as GBK scores ~0.4, GBK read as Big5 ~0.6.
_PLAUSIBLE = 0.8

# Counted as plausible besides common Han: CJK punctuation, pinyin vowels, full-width ASCII.
_CJK_PUNCT = (
    "，。、；：？！“”‘’「」『』（）《》〈〉【】—…·～％＋－：　"
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü" + "".join(chr(c) for c in range(0xFF01, 0xFF5F))
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def bom_encoding(data: bytes) -> str | None:
    """The encoding announced by a byte-order mark, or None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def sniff_binary(data: bytes) -> str | None:
    """A short description if `data` is clearly not text ("PNG image", "binary data"), else None."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    if bom_encoding(data) is None and b"\x00" in data[:8192] and not utf16_without_bom(data):
        return "binary data"
    return None


# Text that is not this printable (controls other than tab/newline, unassigned, private
# use, NUL) is not taken for UTF-16: binary files decode "strictly" as UTF-16 surprisingly often.
_PRINTABLE_SHARE = 0.98


def utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" if the first 8 KB read as printable, plausible UTF-16 text
    with NUL bytes in alternate positions (English or mixed text), else None."""
    sample = data[:8192]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if not even and not odd:
        return None
    # ASCII puts its NUL second in little-endian; Han like 一 (U+4E00) puts it first: try both
    names = ("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le")
    for name in names:
        text = _strict(sample, name)
        if text is None:  # the sample may end inside a surrogate pair
            text = _strict(sample[:-2], name)
        # its non-ASCII characters must be common Chinese ones: "abc\0def" decodes to
        # printable but rare Han ("扡c敤") and is binary
        if text and _printable_share(text) >= _PRINTABLE_SHARE and plausibility(text) >= _PLAUSIBLE:
            return name
    return None


def _printable_share(text: str) -> float:
    if not text:
        return 0.0
    good = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
    return good / len(text)


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    """The ~9k commonest Han characters: GB2312 level 1 (3755 Simplified) plus Big5 level 1
    (5401 Traditional), read straight out of the codecs; built once in ~5 ms."""
    chars: set[str] = set(_CJK_PUNCT)
    for lead in range(0xB0, 0xD8):  # GB2312 level 1: rows 16-55
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    for lead in range(0xA4, 0xC7):  # Big5 level 1: 0xA440-0xC67E
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("big5"))
    return frozenset(chars)


def plausibility(text: str) -> float:
    """Share of non-ASCII characters in (a sample of) `text` that are common Chinese characters
    or punctuation; 1.0 for text with no non-ASCII characters at all."""
    common = _common_chars()
    sample = [c for c in text[:_SAMPLE_CHARS] if c > "\x7f" and not c.isspace()]
    if not sample:
        return 1.0
    return sum(c in common for c in sample) / len(sample)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def replacement_warning(text: str, encoding: str) -> str | None:
    """A warning naming how many U+FFFD replacements `text` has and where the first one is."""
    count = text.count("\ufffd")
    if not count:
        return None
    first = text.index("\ufffd")
    line = text.count("\n", 0, first) + 1
    col = first - (text.rfind("\n", 0, first) + 1) + 1
    return (
        f"decoding as {encoding} needed {count} replacement character"
        f"{'s' if count != 1 else ''} (first at {line}:{col}); some text may be garbled"
    )


def _with_replacements(data: bytes, encoding: str) -> Decoded:
    text = data.decode(encoding, errors="replace")
    warning = replacement_warning(text, encoding)
    return Decoded(text, _display_name(encoding), [warning] if warning else [])


def _printable(text: str) -> bool:
    return _printable_share(text[:_SAMPLE_CHARS]) >= _PRINTABLE_SHARE


def _display_name(encoding: str) -> str:
    return {"utf-8-sig": "utf-8", "cp950": "big5"}.get(encoding, encoding)


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode a text document; see the module docstring for the order of attempts.

    Raises LookupError for an unknown `encoding` name (the loader turns it into a ReaderError).
    """
    if encoding:
        codecs.lookup(encoding)  # unknown names fail here, before any decoding
        if codecs.lookup(encoding).name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        return _with_replacements(data, encoding)

    bom = bom_encoding(data)
    if bom:
        return _with_replacements(data, bom)
    utf16 = utf16_without_bom(data)
    if utf16:
        return _with_replacements(data, utf16)

    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")

    # GB18030 decodes almost any byte string (Big5 bytes included), so strictness alone cannot
    # choose: score each strict candidate and keep the most plausible.
    candidates: list[tuple[float, str, str]] = []
    # UTF-16 last: on a tie of plausibility the legacy encodings win
    for name in ("gb18030", "big5", "cp950", "utf-16-le", "utf-16-be"):
        if name.startswith("utf-16") and len(data) % 2:
            continue
        decoded = _strict(data, name)
        if decoded is not None and (not name.startswith("utf-16") or _printable(decoded)):
            candidates.append((plausibility(decoded), name, decoded))
    if candidates:
        score, name, decoded = max(candidates, key=lambda c: c[0])
        if score >= _PLAUSIBLE:
            return Decoded(decoded, _display_name(name))
    # A UTF-8 file with a few bad bytes (truncated download, one corrupt sequence) is far more
    # likely than a legacy file that happens to read badly: 0.5% replacements at most.
    utf8 = _with_replacements(data, "utf-8")
    if utf8.text.count("\ufffd") <= max(1, len(utf8.text) // 200):
        return utf8
    if candidates:
        score, name, decoded = max(candidates, key=lambda c: c[0])
        # Decodes strictly but reads like mojibake: use it, and say so.
        return Decoded(
            decoded,
            _display_name(name),
            [
                f"encoding unsure: read as {_display_name(name)} but only {score:.0%} of the "
                "characters are common Chinese ones; try --encoding"
            ],
        )

    # Last resort: the encoding that needs the fewest replacements, with a warning.
    attempts = [_with_replacements(data, name) for name in ("utf-8", "gb18030", "big5")]
    return min(attempts, key=lambda d: d.text.count("\ufffd"))
