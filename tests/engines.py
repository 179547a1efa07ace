"""Deterministic translation engines for tests: each misbehaves in one controlled way.

All implement `reader.translation.engines.base.TranslationEngine` and record what they were asked:
`calls` holds every `translate_batch` input list, `sentences` every sentence sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
TOKEN = re.compile(r"XTERM(\d+)X")

LEXICON = {
    "我们": "we",
    "支持": "support",
    "会议": "the meeting",
    "指出": "pointed out",
    "强调": "stressed",
    "要": "must",
    "加强": "strengthen",
    "完善": "improve",
    "工作": "work",
    "北京": "Beijing",
    "今天": "today",
    "召开": "held",
    "疫情": "epidemic",
    "防控": "prevention and control",
    "的": "",
    "了": "",
    "和": "and",
    "是": "is",
    "在": "in",
    "重要": "important",
    "坚持": "adhere to",
    "落实": "implement",
    "措施": "measures",
    "社区": "community",
    "全市": "the whole city",
    "阴性": "negative",
    "检测": "test",
    "结果": "result",
    "都": "all",
    "病例": "cases",
    "新增": "new",
    "一": "one",
    "例": "",
    "市委": "the municipal committee",
    "书记": "secretary",
    "主持": "chaired",
}
PUNCT = {
    "，": ",",
    "。": ".",
    "、": ",",
    "；": ";",
    "：": ":",
    "！": "!",
    "？": "?",
    "“": '"',
    "”": '"',
}


def dictionary_translate(sentence: str, lexicon: dict[str, str] = LEXICON) -> str:
    """Greedy longest-match word translation; unknown Han characters are dropped, anything
    else (Latin, digits, placeholders) is copied through."""
    words: list[str] = []
    longest = max(map(len, lexicon))
    i = 0
    while i < len(sentence):
        ch = sentence[i]
        if HAN.match(ch):
            for j in range(min(len(sentence), i + longest), i, -1):
                if sentence[i:j] in lexicon:
                    if lexicon[sentence[i:j]]:
                        words.append(lexicon[sentence[i:j]])
                    i = j
                    break
            else:
                i += 1  # unknown character: dropped
            continue
        if ch in PUNCT:
            words.append(PUNCT[ch])
            i += 1
            continue
        if ch.isspace():
            i += 1
            continue
        j = i
        while j < len(sentence) and not (
            HAN.match(sentence[j]) or sentence[j] in PUNCT or sentence[j].isspace()
        ):
            j += 1
        words.append(sentence[i:j])
        i = j
    text = " ".join(words)
    return re.sub(r" ([,.;:!?])", r"\1", text)


class DictEngine:
    """Translates with a fixed dictionary and copies placeholders; `transform` then alters the
    output (see the subclasses)."""

    name = "test"

    def __init__(self, lexicon: dict[str, str] | None = None, model: str = "dict-1") -> None:
        self.lexicon = lexicon or LEXICON
        self.model = model
        self.calls: list[list[str]] = []

    @property
    def model_id(self) -> str:
        return self.model

    @property
    def settings_key(self) -> str:
        return "greedy"

    @property
    def sentences(self) -> list[str]:
        return [s for call in self.calls for s in call]

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [self.transform(dictionary_translate(s, self.lexicon)) for s in sentences]

    def transform(self, output: str) -> str:
        return output


class PlaceholderEngine(DictEngine):
    """Does one thing to every placeholder: "drop", "space" (`X TERM 0 X`), "lower"
    (`xterm0x`), "truncate" (`XTERM0`), "bracket" (`[XTERM0X]`), "duplicate"."""

    def __init__(self, how: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.how = how

    def transform(self, output: str) -> str:
        return mangle(output, self.how)


def mangle(output: str, how: str) -> str:
    change: dict[str, Callable[[re.Match[str]], str]] = {
        "drop": lambda m: "",
        "space": lambda m: f"X TERM {m.group(1)} X",
        "lower": lambda m: m.group(0).lower(),
        "truncate": lambda m: f"XTERM{m.group(1)}",
        "bracket": lambda m: f"[{m.group(0)}]",
        "duplicate": lambda m: f"{m.group(0)} {m.group(0)}",
    }
    return re.sub(r"\s+", " ", TOKEN.sub(change[how], output)).strip()


class RenderingEngine(DictEngine):
    """Replaces each placeholder by a fixed English phrase, as a model that ignored the
    placeholder and translated the term its own way would."""

    def __init__(self, phrase: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.phrase = phrase

    def transform(self, output: str) -> str:
        return TOKEN.sub(self.phrase, output)


class NBestDictEngine(DictEngine):
    """An NBestEngine whose best hypothesis drops placeholders.

    `good_at`: index of the n-best hypothesis that keeps them (None: none does).
    `prefix_ok`: whether a target prefix is honoured (the continuation is the rest of the
    dropped translation, word-aligned with the prefix)."""

    def __init__(self, good_at: int | None = None, prefix_ok: bool = True, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.good_at = good_at
        self.prefix_ok = prefix_ok
        self.nbest_calls: list[tuple[str, int, str | None]] = []

    def transform(self, output: str) -> str:
        return mangle(output, "drop")

    def translate_nbest(self, sentence: str, n: int, target_prefix: str | None = None) -> list[str]:
        self.nbest_calls.append((sentence, n, target_prefix))
        kept = dictionary_translate(sentence, self.lexicon)
        dropped = mangle(kept, "drop")
        if target_prefix is not None:
            if not self.prefix_ok:
                return [dropped]
            # continue with the rest of the plain output after what the prefix shares with
            # it: a crude but deterministic stand-in for forced decoding
            shared = 0
            while shared < min(len(target_prefix), len(dropped)) and (
                target_prefix[shared] == dropped[shared]
            ):
                shared += 1
            rest = dropped[shared:].strip()
            glue = "" if not rest or rest[0] in ",.;:!?" else " "
            return [target_prefix + glue + rest]
        hypotheses = [dropped] * n
        if self.good_at is not None and self.good_at < n:
            hypotheses[self.good_at] = kept
        return hypotheses


class LoopEngine(DictEngine):
    """Loops ("negative negative …") on sentences holding `trigger` and longer than
    `min_length` characters; with `nbest_good`, its second n-best hypothesis is clean."""

    def __init__(
        self,
        trigger: str = "阴性",
        min_length: int = 0,
        nbest_good: bool | None = None,
        **kw: object,
    ) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.trigger = trigger
        self.min_length = min_length
        self.nbest_good = nbest_good
        if nbest_good is not None:
            self.translate_nbest = self._translate_nbest  # type: ignore[method-assign]

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [self._one(s) for s in sentences]

    def _one(self, sentence: str) -> str:
        if self.trigger in sentence and len(sentence) > self.min_length:
            return " ".join(["negative"] * 12)
        return dictionary_translate(sentence, self.lexicon)

    def _translate_nbest(
        self, sentence: str, n: int, target_prefix: str | None = None
    ) -> list[str]:
        loop = self._one(sentence)
        good = dictionary_translate(sentence, self.lexicon)
        return [loop, good if self.nbest_good else loop][:n]


class VariedLoopEngine(LoopEngine):
    """Loops like LoopEngine, but decodes cleanly when asked to decode differently."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.varied_calls: list[list[str]] = []

    def translate_batch_varied(self, sentences: Sequence[str]) -> list[str]:
        self.varied_calls.append(list(sentences))
        return [dictionary_translate(s, self.lexicon) for s in sentences]


def make_doc(*texts: str, source: str = "test.txt"):  # -> Document
    """A Document of plain paragraphs, sentences split after 。！？
    (what reader.documents.loading does
    for plain text, without the cleaning)."""
    from reader.documents.document import Document, Sentence
    from reader.glossary.matching import paragraph_from_text

    paragraphs = []
    for number, text in enumerate(texts):
        paragraph = paragraph_from_text(text, f"p{number}")
        paragraph.sentences = [
            Sentence(m.start(), m.end(), m.group())
            for m in re.finditer(r"[^。！？]+[。！？]?", text)
            if m.group().strip()
        ]
        paragraphs.append(paragraph)
    return Document(source, "txt", "utf-8", "simplified", paragraphs)


class MeteredLoopEngine(DictEngine):
    """The worst case: every output, however decoded (batch, varied, n-best, with a prefix),
    is a loop that runs until the decoding cap. Counts its work like ArgosEngine
    (`decoded_tokens`: steps × beams), one piece per source character."""

    def __init__(self, limit: int = 256, beam: int = 4, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.limit = limit
        self.beam = beam
        self.decoded_tokens = 0

    def _loop(self, sentences: Sequence[str], beam: int) -> list[str]:
        from reader.translation.engines.base import decoding_cap

        cap = decoding_cap(max((len(s) for s in sentences), default=0), self.limit)
        self.decoded_tokens += cap * beam * len(sentences)
        return [" ".join(["negative"] * cap) for _ in sentences]

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        self.calls.append(list(sentences))
        return self._loop(sentences, self.beam)

    def translate_batch_varied(self, sentences: Sequence[str]) -> list[str]:
        return self._loop(sentences, self.beam)

    def translate_nbest(self, sentence: str, n: int, target_prefix: str | None = None) -> list[str]:
        (output,) = self._loop([sentence], max(n, self.beam))
        return [f"{target_prefix} {output}" if target_prefix else output] * n
