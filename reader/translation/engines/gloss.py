"""The dictionary engine: a word-by-word English gloss from CC-CEDICT, no model needed.

It is not a translation, and says so in its name; it keeps the tool useful before an Argos
model is installed. Anything that is not Han text (numbers, Latin words, placeholders such as
`⟦T0⟧` and English inserted by glossary protection) passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader import dictionary
from reader.han import HAN_RUN

# Chinese punctuation to its English counterpart, spacing handled by _join
_PUNCT = {
    "，": ",",
    "、": ",",
    "。": ".",
    "！": "!",
    "？": "?",
    "；": ";",
    "：": ":",
    "（": "(",
    "）": ")",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "「": '"',
    "」": '"',
    "『": '"',
    "』": '"',
    "《": '"',
    "》": '"',
    "【": "[",
    "】": "]",
    "—": "-",
    "…": "...",
    "·": " ",
    "　": " ",
}
_OTHER_TOKEN = re.compile("\\s+|[" + "".join(_PUNCT) + "]|[^\\s" + "".join(_PUNCT) + "]+")
_NO_SPACE_BEFORE = set(",.!?;:)]%")
_NO_SPACE_AFTER = set("([")


class GlossEngine:
    """Word-by-word gloss; implements `reader.translation.engines.base.TranslationEngine`."""

    name = "gloss"

    @property
    def model_id(self) -> str:
        return "cc-cedict-2020-12"

    @property
    def settings_key(self) -> str:
        return "first-sense-v2"  # bump when the gloss output changes: it keys the memory

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return [self.gloss(s) for s in sentences]

    def gloss(self, sentence: str) -> str:
        pieces: list[str] = []
        pos = 0
        for match in HAN_RUN.finditer(sentence):
            pieces.extend(_split_other(sentence[pos : match.start()]))
            pieces.extend(_gloss_han(match.group()))
            pos = match.end()
        pieces.extend(_split_other(sentence[pos:]))
        return _join(pieces)


def _split_other(text: str) -> list[str]:
    """Non-Han text: map Chinese punctuation, keep everything else as whole tokens."""
    out: list[str] = []
    for token in _OTHER_TOKEN.findall(text):
        out.append(" " if token.isspace() else _PUNCT.get(token, token))
    return out


def _gloss_han(run: str) -> list[str]:
    words: list[str] = []
    for word in dictionary.segment(run):
        gloss = dictionary.gloss_word(word)
        if gloss:
            words.append(gloss)
            continue
        # a compound CC-CEDICT lacks: greedy longest dictionary words inside it, then characters
        i = 0
        while i < len(word):
            for j in range(len(word), i, -1):
                gloss = dictionary.gloss_word(word[i:j])
                if gloss or j == i + 1:
                    words.append(gloss or word[i:j])
                    i = j
                    break
    return words


def _join(pieces: list[str]) -> str:
    text = ""
    quotes_open = False
    for piece in pieces:
        if piece == " ":
            opened = text.endswith(("(", "[")) or (quotes_open and text.endswith(('"', "'")))
            if text and not text.endswith(" ") and not opened:
                text += " "
            continue
        if piece in ('"', "'"):
            # straight quotes alternate: opening hugs what follows, closing what precedes
            quotes_open = not quotes_open
            if quotes_open:
                text += piece if not text or text.endswith((" ", "(")) else " " + piece
            else:
                text = text.rstrip() + piece
            continue
        glue = not text or text.endswith(" ") or text[-1] in _NO_SPACE_AFTER
        glue = glue or (quotes_open and text[-1] in "\"'") or piece[0] in _NO_SPACE_BEFORE
        if piece[0] in _NO_SPACE_BEFORE:
            text = text.rstrip(" ")
        text += piece if glue else " " + piece
    return text.strip()
