"""Recognise machine translation that went wrong in a way no glossary check would catch.

`degenerate_reason(source, output)` returns a short reason or None. It recognises:
- repetition loops: a unit repeated back to back (`阴性阴性阴性阴性`, `(applause) (applause)
  (applause)`, `the the the the`) or one phrase filling most of the output;
- untranslated passthrough: the output is mostly Han characters copied from the source;
- absurd length: English output shorter than 0.3× or longer than 12× the source's characters.

Thresholds: on hand translations of 26 seed sentences of 6+ characters (GOOD in
tests/test_degenerate.py), English non-space characters run 1.27–5.22× the Chinese
(median 3.66×), so 0.3× and 12× leave a wide margin for headlines and number-heavy lines;
ratios are judged only for sources of 6+ characters, since `是。` → `Yes.` or
`中共` → `Communist Party of China` are fine at any ratio.
A source that itself repeats (`哈哈哈哈`) may be echoed as a repetition without being flagged.
"""

from __future__ import annotations

import re

from reader.han import HAN_CHAR, han_count

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

MIN_RATIO = 0.3
MAX_RATIO = 12.0
MIN_CHARS_FOR_RATIO = 6  # ratios of very short sentences say nothing
PASSTHROUGH_SHARE = 0.5  # Han characters as a share of the output's non-space characters

# back-to-back repeats of a character unit (1–20 chars holding a letter or Han character)
_CHAR_LOOP = re.compile(r"(\S{1,20}?)(?:\s*\1){3,}")


def degenerate_reason(source: str, output: str) -> str | None:
    """Why `output` is not a usable translation of `source`, or None when it looks usable."""
    src = "".join(source.split())
    out = "".join(output.split())
    if not src:
        return None
    if not out:
        return "empty output"
    loop = repetition(output)
    if loop and repetition(source) is None:
        return f"repetition loop ({loop})"
    han_out = han_count(out)
    if han_out >= 2 and han_out >= PASSTHROUGH_SHARE * len(out):
        copied = sum(1 for ch in HAN_CHAR.findall(out) if ch in source)
        if copied >= 0.8 * han_out:
            return "untranslated (output copies the Chinese)"
    if len(src) >= MIN_CHARS_FOR_RATIO:
        ratio = len(out) / len(src)
        if ratio < MIN_RATIO:
            return f"too short ({ratio:.2f}× the source length)"
        if ratio > MAX_RATIO:
            return f"too long ({ratio:.1f}× the source length)"
    return None


def repetition(text: str) -> str | None:
    """A description of the repetition loop in `text`, or None."""
    for match in _CHAR_LOOP.finditer(text):
        unit = match.group(1)
        if not any(ch.isalpha() for ch in unit):
            continue  # "……", "——", "0000" are punctuation and numbers, not loops
        count = len(re.findall(re.escape(unit), match.group(0)))
        # a 1-character unit needs more repeats: "哈哈哈" or "...aaa" happen in real text
        if len(unit) == 1 and count < 6:
            continue
        return f"{unit!r} ×{count}"
    words = [w.lower() for w in _WORD.findall(text)]
    for n in range(1, 7):
        run = _longest_run(words, n)
        unit = " ".join(run[0]) if run else ""
        if not run:
            continue
        count = run[1]
        # "very very" is English; three of a long word or a phrase is a loop
        if count >= 4 or (count >= 3 and (n >= 2 or len(unit) >= 4)):
            return f"{unit!r} ×{count}"
    # one phrase of 3+ words filling half the output, even with other words between
    if len(words) >= 12:
        for n in (3, 4, 5):
            grams: dict[tuple[str, ...], int] = {}
            for i in range(len(words) - n + 1):
                gram = tuple(words[i : i + n])
                grams[gram] = grams.get(gram, 0) + 1
            gram, count = max(grams.items(), key=lambda kv: kv[1])
            if count >= 4 and count * n >= 0.5 * len(words):
                return f"{' '.join(gram)!r} ×{count}"
    return None


def _longest_run(words: list[str], n: int) -> tuple[tuple[str, ...], int] | None:
    """The n-gram with the most back-to-back repeats (at least 2), and that count."""
    best: tuple[tuple[str, ...], int] | None = None
    for offset in range(n):
        i = offset
        while i + n <= len(words):
            gram = tuple(words[i : i + n])
            count = 1
            j = i + n
            while j + n <= len(words) and tuple(words[j : j + n]) == gram:
                count += 1
                j += n
            if count >= 2 and (best is None or count > best[1]):
                best = (gram, count)
            i = j if count > 1 else i + n
    return best
