"""Pinyin above Chinese, word by word, in a terminal (no textual import).

Guarantees of `ruby_wrap(text, start, end, words, width)`:
- the lines' spans cover text[start:end] contiguously, in order, and their pieces
  `(a, b, pad)` cover each line's span: the line is drawn as text[a:b] followed by `pad`
  spaces, piece after piece;
- each word's reading starts in the pinyin line at the very column where the word starts in
  the Chinese line below it: the Chinese is spaced out to the wider of the two (a word's
  syllables are joined, as Hanyu Pinyin writes words, with an apostrophe before a syllable
  that starts with a, o or e: xī'ān), so the alignment holds whatever the readings' lengths;
- no line is wider than `width` cells (Han characters are two), except a single character
  wider than the whole width; a word wider than the line is split into its characters, each
  under its own syllable, and a reading that still does not fit is cut with "…".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

_VOWEL_START = tuple("aoeāáǎàōóǒòēéěè")


@dataclass(frozen=True, slots=True)
class RubyLine:
    start: int  # span of the text on this Chinese line
    end: int
    pieces: tuple[tuple[int, int, int], ...]  # (a, b, pad): text[a:b], then pad spaces
    pinyin: str  # the readings, each at its word's column


def join_syllables(reading: str) -> str:
    """'xī ān' -> "xī'ān", 'běi jīng' -> 'běijīng' (a word's syllables as one written word)."""
    syllables = reading.split()
    out = syllables[0] if syllables else ""
    for syllable in syllables[1:]:
        out += ("'" if syllable.lower().startswith(_VOWEL_START) else "") + syllable
    return out


def _units(
    text: str, start: int, end: int, words: Sequence[tuple[int, int, str]], width: int
) -> list[tuple[int, int, str]]:
    """(a, b, written reading) per word inside [start, end), split where wider than `width`;
    text the words do not cover is a unit without reading."""
    units: list[tuple[int, int, str]] = []
    at = start
    for a, b, reading in sorted(words):
        a, b = max(a, start), min(b, end)
        if b <= a or a < at:
            continue
        if a > at:
            units.append((at, a, ""))
        units += _fit(text, a, b, reading, width)
        at = b
    if at < end:
        units.append((at, end, ""))
    return units


def _fit(text: str, a: int, b: int, reading: str, width: int) -> list[tuple[int, int, str]]:
    written = join_syllables(reading)
    if max(cell_len(text[a:b]), cell_len(written)) <= width:
        return [(a, b, written)]
    if b - a > 1:  # character by character: one syllable each, or the reading on the first
        syllables = reading.split()
        each = syllables if len(syllables) == b - a else [reading] + [""] * (b - a - 1)
        return [u for k in range(b - a) for u in _fit(text, a + k, a + k + 1, each[k], width)]
    if cell_len(written) <= width:  # a character wider than the line: it gets one of its own
        return [(a, b, written)]
    return [(a, b, written[: max(0, width - 1)] + "…")]


def ruby_wrap(
    text: str, start: int, end: int, words: Sequence[tuple[int, int, str]], width: int
) -> list[RubyLine]:
    """text[start:end] as lines of Chinese with a pinyin line above each (module docstring).
    `words`: (start, end, reading) spans of `text`, reading '' for punctuation and Latin."""
    width = max(1, width)
    lines: list[RubyLine] = []
    pieces: list[tuple[int, int, int]] = []
    pinyin = ""
    used = 0
    for a, b, reading in _units(text, start, end, words, width):
        zh_cells, py_cells = cell_len(text[a:b]), cell_len(reading)
        cells = max(zh_cells, py_cells)
        gap = 1 if reading else 0
        if pieces and used + cells > width:
            lines.append(RubyLine(pieces[0][0], pieces[-1][1], tuple(pieces), pinyin.rstrip()))
            pieces, pinyin, used = [], "", 0
        pinyin += " " * (used - cell_len(pinyin)) + reading
        pieces.append((a, b, cells - zh_cells + gap))
        used += cells + gap
    if pieces:
        lines.append(RubyLine(pieces[0][0], pieces[-1][1], tuple(pieces), pinyin.rstrip()))
    return lines or [RubyLine(start, end, ((start, end, 0),), "")]
