"""The dictionary engine: a word-by-word English gloss from CC-CEDICT, no model needed.

It is not a translation, and says so in its name; it keeps the tool useful before an Argos
model is installed, so it aims to read as a learner's gloss:
- dates, times, percentages, ordinals and amounts in English (`2月21日` → `Feb 21`,
  `14时30分` → `14:30`, `7亿多元` → `over 700 million yuan`; see `numbers.py`);
- person and place names CC-CEDICT lacks in pinyin, found by jieba's part-of-speech tags
  (沙雪良 → Sha Xueliang);
- the structural particles 的, 了, 地, 得, 着, 过 dropped where the tagger says they are
  particles, not glossed as "of", "finish", "earth".
Anything else that is not Han text (Arabic numbers, Latin words, placeholders such as
`⟦T0⟧` and English inserted by glossary protection) passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader import dictionary
from reader.han import HAN_RUN
from reader.translation.engines.numbers import find_numbers

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
        return "first-sense-v3"  # bump when the gloss output changes: it keys the memory

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return [self.gloss(s) for s in sentences]

    def gloss(self, sentence: str) -> str:
        pieces: list[str] = []
        pos = 0
        for start, end, english in find_numbers(sentence):
            pieces.extend(_gloss_text(sentence[pos:start]))
            pieces.extend([" ", english, " "])
            pos = end
        pieces.extend(_gloss_text(sentence[pos:]))
        return _join(pieces)


def _gloss_text(text: str) -> list[str]:
    pieces: list[str] = []
    pos = 0
    for match in HAN_RUN.finditer(text):
        pieces.extend(_split_other(text[pos : match.start()]))
        pieces.extend(_gloss_han(match.group()))
        pos = match.end()
    pieces.extend(_split_other(text[pos:]))
    return pieces


def _split_other(text: str) -> list[str]:
    """Non-Han text: map Chinese punctuation, keep everything else as whole tokens."""
    out: list[str] = []
    for token in _OTHER_TOKEN.findall(text):
        out.append(" " if token.isspace() else _PUNCT.get(token, token))
    return out


PARTICLES = set("的了地得着过")
_PARTICLE_TAGS = {"uj", "ul", "uv", "ud", "uz", "ug", "uguo"}
_MODIFIER_TAGS = ("a", "ad", "b", "d", "z")  # 地 after these is the adverbial particle
_PLACE_NAME = re.compile(r"[A-Z][\w'-]*(?: [A-Z][\w'-]*)*")
_PLACE_KIND = r"(?:district|county|province|city|town|prefecture|village|municipality)\b"
_PLACE_SENSE = re.compile(rf"({_PLACE_NAME.pattern}) (?:[a-z]+ ){{0,2}}?{_PLACE_KIND}")


def _place(sense: str, tagged_place: bool) -> str:
    """The name in CC-CEDICT's encyclopedic place senses: "Fangshan district of Beijing",
    "Miyun town and county in Beijing", "Hubei Province" → Fangshan, Miyun, Hubei."""
    match = _PLACE_SENSE.match(sense)
    if match:
        sense = match.group(1)
    elif tagged_place:  # "Shanxi province in north China between Hebei and Shaanxi"
        sense = _PLACE_NAME.match(sense).group()  # type: ignore[union-attr]
    return re.sub(r" (?:Province|Municipality)$", "", sense)


def _gloss_han(run: str) -> list[str]:
    words: list[str] = []
    previous = ""
    for word, flag in dictionary.tag(run):
        tag, previous = previous, flag
        if word in PARTICLES and flag in _PARTICLE_TAGS:
            continue
        if flag[:2] == "nr" and dictionary.is_person_name(word):
            words.append(dictionary.name_pinyin(word))
            continue
        if flag == "ns" and len(word) > 1 and not dictionary.lookup(word):
            words.append(dictionary.name_pinyin(word, "place"))
            continue
        gloss = dictionary.gloss_word(word)
        if gloss[:1].isupper():
            gloss = _place(gloss, flag == "ns")
        if gloss:
            words.append(gloss)
            continue
        # a compound CC-CEDICT lacks: greedy longest dictionary words inside it, then characters
        i = 0
        while i < len(word):
            for j in range(len(word), i, -1):
                piece = word[i:j]
                gloss = dictionary.gloss_word(piece)
                if gloss or j == i + 1:
                    # a lone 的/了/着 inside an unknown compound is a particle (高兴地走了)
                    particle = piece in "的了着" or (piece == "地" and tag in _MODIFIER_TAGS)
                    if not particle:
                        words.append(gloss or piece)
                    tag = ""
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
