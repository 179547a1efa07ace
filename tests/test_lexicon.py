"""The lexicon: built once, rebuilt when a source changes, never seen half-written; its
segmentation is jieba's own and its pinyin pypinyin's (reader/lexicon.py promises identity
with jieba's cut and posseg and pypinyin's lazy_pinyin, so that is what is compared: against
jieba and pypinyin themselves, loaded here as the references)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader import dictionary, lexicon
from reader.glossary.file import Glossary
from reader.glossary.matching import TermMatcher
from reader.lexicon import Segmenter, Sources, open_lexicon
from reader.paths import shipped_glossary
from tests.conftest import SEEDS

SEED_LINES = [
    line
    for path in sorted(SEEDS.glob("*.txt"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.fixture(scope="module")
def jieba() -> Iterator[Any]:
    """jieba itself, the reference (~1 s to load its dictionary)."""
    import jieba as module

    module.setLogLevel(logging.WARNING)
    module.initialize()
    yield module


def jieba_tags(text: str, tagger: Any = None) -> list[tuple[str, str]]:
    import jieba.posseg

    return [(pair.word, pair.flag) for pair in (tagger or jieba.posseg.dt).cut(text, HMM=True)]


def test_cuts_are_jiebas_on_the_seeds(jieba: Any) -> None:
    for line in SEED_LINES:
        assert dictionary.segment(line) == list(jieba.cut(line, HMM=True)), line


def test_tags_are_jiebas_on_a_seed(jieba: Any) -> None:
    # jieba.posseg tags ~2 KB/s here (our shortcut in its HMM: ~8 KB/s), so one seed's first
    # 3,000 characters: names, numbers, Latin and unknown words among them
    (path,) = SEEDS.glob("001_*.txt")
    for line in path.read_text(encoding="utf-8")[:3000].splitlines():
        assert dictionary.tag(line) == jieba_tags(line), line


def test_added_words_cut_and_tag_as_jiebas_add_word(jieba: Any) -> None:
    """The matcher's segmenter holds every shipped glossary form, added in the same order as
    jieba's `add_word` (each count depends on the words added before it)."""
    matcher = TermMatcher(Glossary.load(shipped_glossary()).entries)
    ours = matcher.segmenter()
    theirs = jieba.Tokenizer()
    theirs.FREQ, theirs.total = dict(jieba.dt.FREQ), jieba.dt.total
    theirs.initialized = True
    for form in matcher._forms:
        if len(form) > 1 and not theirs.FREQ.get(form):
            theirs.add_word(form, tag="nz")
    assert ours.total == theirs.total
    for line in SEED_LINES:
        assert ours.cut(line) == list(theirs.cut(line, HMM=True)), line
    import jieba.posseg

    tagger = jieba.posseg.POSTokenizer(theirs)  # takes the added words' nz tags once
    for line in SEED_LINES[:6]:
        assert ours.tag(line) == jieba_tags(line, tagger), line


# characters from the seeds (common words, names, numbers), Latin and jieba's special ones
_ALPHABET = sorted(set("".join(SEED_LINES[:40])) | set("abcXYZ019 .%-+#&_\t\r\n，。"))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_random_text_cuts_and_tags_as_jieba(jieba: Any, text: str) -> None:
    assert dictionary.segment(text) == list(jieba.cut(text, HMM=True))
    assert dictionary.tag(text) == jieba_tags(text)


def test_pinyin_is_pypinyins_on_the_seeds() -> None:
    """Every word and every paragraph of the seeds, tone marks and NORMAL (names)."""
    from pypinyin import Style, lazy_pinyin

    lex = lexicon.lexicon()
    words = {w for line in SEED_LINES for w in dictionary.segment(line)}
    for text in [*sorted(words), *SEED_LINES]:
        assert lex.lazy_pinyin(text) == lazy_pinyin(text, style=Style.TONE, errors="ignore")
        normal = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
        assert lex.lazy_pinyin(text, normal=True) == normal, text


# Han, rare and astral Han (pypinyin reads some, not all), ü, Latin, digits, punctuation
_PINYIN_ALPHABET = sorted(set("".join(SEED_LINES[:20])) | set("绿女略〇㐀𠀀𪜀ab1，。 \n"))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_PINYIN_ALPHABET, max_size=30))
def test_random_text_reads_as_pypinyin(text: str) -> None:
    from pypinyin import Style, lazy_pinyin

    lex = lexicon.lexicon()
    assert lex.lazy_pinyin(text) == lazy_pinyin(text, style=Style.TONE, errors="ignore")
    normal = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    assert lex.lazy_pinyin(text, normal=True) == normal


def test_lookup_gives_cedicts_lines_in_file_order() -> None:
    """As the index it replaced: both scripts, every line, in file order (面 face before
    面 flour decides the gloss)."""
    index: dict[str, list[str]] = {}
    with dictionary.cedict_path().open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                trad, simp, _ = line.split(" ", 2)
                index.setdefault(simp, []).append(line)
                if trad != simp:
                    index.setdefault(trad, []).append(line)
    words = {w for line in SEED_LINES[:60] for w in dictionary.segment(line)} | {"面", "當", "冲"}
    lex = lexicon.lexicon()
    for word in words:
        assert lex.cedict_lines(word) == index.get(word, []), word
    assert dictionary.lookup("面")[0].senses[0] == "face"


# -- building -------------------------------------------------------------------------------


def tiny_sources(folder: Path, words: str = "中国 100 ns\n中国人 50 n\n人 80 n\n") -> Sources:
    """A three-word jieba dictionary and a two-line CC-CEDICT: builds in ~50 ms."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dict.txt").write_text(words, encoding="utf-8")
    (folder / "cedict.txt").write_bytes(
        "# CC-CEDICT\r\n中國 中国 [Zhong1 guo2] /China/\r\n人 人 [ren2] /person/\r\n".encode()
    )
    installed = Sources.installed()
    return Sources(folder / "dict.txt", folder / "cedict.txt", installed.jieba, installed.pypinyin)


def test_a_tiny_lexicon_reads_its_sources(tmp_path: Path) -> None:
    lex = open_lexicon(tmp_path / "root", tiny_sources(tmp_path / "src"))
    assert (lex.freq("中国"), lex.freq("中"), lex.freq("日本")) == (100, 0, 0)
    assert lex.tag("中国人") == "n" and lex.tag("中") is None
    assert lex.total == 230 and lex.has_prefix("中") and not lex.has_prefix("日")
    assert [line.split(" ")[1] for line in lex.cedict_lines("中國")] == ["中国"]
    assert lex.cedict_lines("中国") == lex.cedict_lines("中國")
    assert Segmenter(lex).cut("中国人民") == ["中国人", "民"]


def test_a_changed_source_builds_a_new_lexicon_and_drops_the_old(tmp_path: Path) -> None:
    root, sources = tmp_path / "root", tiny_sources(tmp_path / "src")
    first = open_lexicon(root, sources)
    assert first.freq("日本") == 0
    assert open_lexicon(root, sources) is first  # same key: opened once
    words = sources.dictionary.read_text(encoding="utf-8") + "日本 70 ns\n"
    sources.dictionary.write_text(words, encoding="utf-8")
    os.utime(sources.dictionary, ns=(time.time_ns(), time.time_ns() + 10**9))
    second = open_lexicon(root, sources)
    assert second.folder != first.folder and second.freq("日本") == 70
    assert [p.name for p in root.iterdir()] == [second.folder.name]
    assert first.freq("中国") == 100  # the old files stay mapped for whoever opened them


def test_an_interrupted_build_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, sources = tmp_path / "root", tiny_sources(tmp_path / "src")

    def killed(path: Path, data: bytes) -> None:
        if path.name == "meta.json":
            raise KeyboardInterrupt  # stands for a kill: not an error we could handle
        real_write(path, data)

    real_write = lexicon._write
    monkeypatch.setattr(lexicon, "_write", killed)
    with pytest.raises(KeyboardInterrupt):
        open_lexicon(root, sources)
    assert list(root.iterdir()) == []  # no lexicon folder, and the temp build is gone
    monkeypatch.setattr(lexicon, "_write", real_write)
    assert open_lexicon(root, sources).freq("人") == 80


def test_dead_builds_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    root, sources = tmp_path / "root", tiny_sources(tmp_path / "src")
    dead, live = root / ".build-x-dead", root / ".build-x-live"
    for folder in (dead, live):
        folder.mkdir(parents=True)
    old = time.time() - lexicon._STALE_BUILD_SECONDS - 60
    os.utime(dead, (old, old))
    lex = open_lexicon(root, sources)
    assert sorted(p.name for p in root.iterdir()) == sorted([live.name, lex.folder.name])


def test_a_build_that_finds_its_folder_taken_keeps_the_other(tmp_path: Path) -> None:
    """Two processes building at once: the second rename fails, both use the first copy."""
    root, sources = tmp_path / "root", tiny_sources(tmp_path / "src")
    key = sources.key()
    first = lexicon._build_into(root, key, sources)
    stamp = (first / "meta.json").stat().st_mtime_ns
    assert lexicon._build_into(root, key, sources) == first
    assert (first / "meta.json").stat().st_mtime_ns == stamp
    assert [p.name for p in root.iterdir()] == [key]


def test_a_damaged_lexicon_is_built_again(tmp_path: Path) -> None:
    root, sources = tmp_path / "root", tiny_sources(tmp_path / "src")
    folder = lexicon._build_into(root, sources.key(), sources)
    (folder / "words.freq").unlink()  # a cleaner took part of it
    assert open_lexicon(root, sources).freq("中国") == 100


def test_an_unwritable_cache_still_gives_a_lexicon(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    lex = open_lexicon(blocker / "lexicon", tiny_sources(tmp_path / "src"))
    assert lex.freq("中国") == 100 and not lex.folder.is_relative_to(tmp_path)
