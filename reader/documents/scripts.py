"""Traditional and Simplified Chinese: detection and conversion with an offset map.

Guarantees:
- `to_simplified(text)` returns the Simplified form (OpenCC `t2s`) and `to_original`, where
  `to_original[i]` is the index in `text` of simplified character `i`; the map has
  len(simplified) + 1 entries, is non-decreasing, and ends with len(text). When OpenCC's phrase
  conversion changes the length of a stretch of text, that stretch (split at punctuation and
  spaces) is converted character by character so every output character still maps back.
- `detect_script(text)` is "none" without Han characters, "traditional" / "simplified" when
  the characters that differ between the two scripts point one way, "mixed" when both
  kinds are substantial (the minority ≥ 20% and ≥ 2 characters).
- OpenCC converters are created once per process (about 15 ms each) and imported lazily.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from reader.han import han_count

if TYPE_CHECKING:
    from reader.documents.document import Script

# Stretches converted separately when a phrase changed the length: text between punctuation.
_STRETCH = re.compile(r"[^\s，。！？；：、,.!?;:「」『』“”‘’（）()《》【】]+|.", re.S)
_MIXED_SHARE = 0.2


@lru_cache(maxsize=4)
def converter(config: str) -> Callable[[str], str]:
    """The `convert` method of a cached OpenCC converter ("t2s", "s2t", ...)."""
    import opencc  # C++ extension with its dictionaries: ~15 ms per converter

    convert = opencc.OpenCC(config).convert

    def convert_safely(text: str) -> str:
        # OpenCC takes UTF-8, which cannot carry a lone surrogate (an HTML `&#xD800;` makes
        # one): it raised UnicodeEncodeError. U+FFFD keeps the length, so offset maps hold.
        if _SURROGATE.search(text):
            text = _SURROGATE.sub("\ufffd", text)
        return str(convert(text))

    return convert_safely


_SURROGATE = re.compile("[\ud800-\udfff]")


def convert_with_map(text: str, convert: Callable[[str], str]) -> tuple[str, list[int]]:
    """Convert `text` and map each output character to the index of its source character."""
    converted = convert(text)
    if len(converted) == len(text):
        return converted, list(range(len(text) + 1))
    parts: list[str] = []
    offsets: list[int] = []
    for match in _STRETCH.finditer(text):
        stretch, start = match.group(), match.start()
        out = convert(stretch)
        if len(out) == len(stretch):
            parts.append(out)
            offsets.extend(range(start, start + len(stretch)))
            continue
        for i, char in enumerate(stretch):
            one = convert(char)
            parts.append(one)
            offsets.extend([start + i] * len(one))
    offsets.append(len(text))
    return "".join(parts), offsets


def to_simplified(text: str) -> tuple[str, list[int]]:
    """Simplified form of `text` and the map back to `text` (see the module docstring)."""
    return convert_with_map(text, converter("t2s"))


def to_simplified_many(texts: Sequence[str]) -> list[tuple[str, list[int]]]:
    """`to_simplified` for many paragraphs with a single OpenCC call when nothing changes length
    (1 MB: ~25 ms instead of one call per paragraph)."""
    convert = converter("t2s")
    if any("\n" in t for t in texts):
        return [convert_with_map(t, convert) for t in texts]
    joined = "\n".join(texts)
    converted = convert(joined)
    if len(converted) != len(joined):
        return [convert_with_map(t, convert) for t in texts]
    result: list[tuple[str, list[int]]] = []
    start = 0
    for t in texts:
        result.append((converted[start : start + len(t)], list(range(len(t) + 1))))
        start += len(t) + 1
    return result


def to_traditional(text: str) -> str:
    """Traditional form of `text` (OpenCC `s2t`), for the display toggle."""
    return converter("s2t")(text)


@dataclass(frozen=True, slots=True)
class ScriptCounts:
    """Han characters, and how many of them only Traditional or only Simplified text uses."""

    han: int = 0
    traditional: int = 0
    simplified: int = 0

    def __add__(self, other: ScriptCounts) -> ScriptCounts:
        return ScriptCounts(
            self.han + other.han,
            self.traditional + other.traditional,
            self.simplified + other.simplified,
        )


def _differing(a: str, b: str) -> int:
    if a == b:  # most paragraphs of one script: a C-speed comparison saves the char loop
        return 0
    if len(a) == len(b):
        return sum(map(operator.ne, a, b))
    # Lengths differ after a phrase conversion: count characters that changed, char by char.
    return sum(1 for c in set(a) if c not in b)


def count_scripts(text: str, simplified: str | None = None) -> ScriptCounts:
    """Count the characters of `text` that t2s changes (Traditional-only) and that s2t
    changes (Simplified-only). Pass `simplified` when it is already known, to save a pass."""
    han = han_count(text)
    if not han:
        return ScriptCounts()
    if simplified is None:
        simplified = converter("t2s")(text)
    traditional = converter("s2t")(text)
    return ScriptCounts(han, _differing(text, simplified), _differing(text, traditional))


def count_scripts_many(texts: Sequence[str], simplified: Sequence[str]) -> list[ScriptCounts]:
    """`count_scripts` for many paragraphs with one s2t call for the lot."""
    to_trad = converter("s2t")
    joined = "\n".join(texts)
    traditional = to_trad(joined) if "\n" not in "".join(texts) else ""
    if len(traditional) != len(joined):
        return [count_scripts(t, s) for t, s in zip(texts, simplified, strict=True)]
    counts: list[ScriptCounts] = []
    start = 0
    for text, simple in zip(texts, simplified, strict=True):
        han = han_count(text)
        trad = traditional[start : start + len(text)]
        start += len(text) + 1
        if han:
            counts.append(ScriptCounts(han, _differing(text, simple), _differing(text, trad)))
        else:
            counts.append(ScriptCounts())
    return counts


def classify(counts: ScriptCounts, default: Script = "simplified") -> Script:
    """The script the counts point to; `default` when no character tells them apart."""
    if not counts.han:
        return "none"
    t, s = counts.traditional, counts.simplified
    if not t and not s:
        return default
    if min(t, s) >= 2 and min(t, s) >= _MIXED_SHARE * (t + s):
        return "mixed"
    return "traditional" if t > s else "simplified"


def detect_script(text: str) -> Script:
    """Script of one paragraph or a whole document."""
    return classify(count_scripts(text))


_FOLDED: dict[str, str] = {}  # character -> its Simplified standard form, filled lazily


def fold_variants(text: str) -> str:
    """`text` (already Simplified) with Hong Kong and Taiwan variant characters that OpenCC's
    t2s leaves alone replaced by the mainland standard one (衞 → 卫, 痺 → 痹), character for
    character, so the result has the same length and every offset map stays exact."""
    chars = set(text)
    new = chars - _FOLDED.keys()
    if new:
        hk, tw = converter("hk2s"), converter("tw2s")
        for char in new:
            folded = char
            if ord(char) >= 0x2E80:  # CJK only: ASCII and punctuation are their own form
                for out in (hk(char), tw(char)):
                    if len(out) == 1 and out != char:
                        folded = out
                        break
            _FOLDED[char] = folded
    table = {ord(c): f for c in chars if (f := _FOLDED[c]) != c}
    return text.translate(table) if table else text  # most text holds no variant: no copy
