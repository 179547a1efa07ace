r"""The glossary: entries that fix how key terms are rendered.

Guarantees:
- `Glossary.load` never raises on bad rows: each becomes a `Problem` with its physical line
  number, the good rows become entries, and the bad rows are still written back by `save`.
- `save` is atomic (the file as it was before this process first saved it is kept as
  `glossary.csv~`), keeps comments, blank lines, row order, unknown columns and the exact text
  of rows that were not changed, and refuses to overwrite a file that changed on disk after it
  was read. It also refuses, in one line, a file it could not reproduce exactly: one not saved
  as UTF-8 (GBK from Excel: `reader glossary convert` first) or whose header lacks `zh`/`en`.
- `locked(path)` holds an exclusive advisory lock (`flock` on `glossary.csv.lock`) so a
  read-modify-write by the CLI or the TUI never loses another process's edit; `save` takes it
  too. Reentrant within a process.
- Entries are frozen: an edit replaces the entry (`update` returns the new one), so a
  translation run holding the old list keeps a consistent snapshot. `revision` is bumped by
  every change and reload.
- Terms compare script-insensitively: 聯防聯控 and 联防联控 are the same term.

## Glossary format

`glossary.csv` is UTF-8 CSV (a byte-order mark is accepted) with a header row. Only `zh` and
`en` are required; other columns may be left out or left empty.

| column      | meaning                                                                |
|-------------|------------------------------------------------------------------------|
| `zh`        | the term, Simplified or Traditional                                    |
| `en`        | the required English rendering                                         |
| `variants`  | other Chinese forms, `\|`-separated (the other script is derived)      |
| `accept`    | other English renderings counted as correct, `\|`-separated            |
| `forbidden` | English renderings to flag, `\|`-separated                             |
| `note`      | free text shown with the term                                          |
| `category`  | free text, e.g. `policy`, `slogan`                                     |
| `priority`  | integer, default 0; the higher wins when two terms match the same text |
| `dnt`       | do not translate (keep the Chinese): `1`, `true`, `yes` or `y`         |
| `exclude`   | Chinese contexts where it is not the term, `\|`-separated (求是: 实事求是) |
| `conflict`  | set by `reader glossary merge`: their value where both sides differ    |

Lines starting with `#` are comments. Columns you add are kept; comments, row order and
unchanged rows are kept byte for byte when the tool writes the file.

```csv
zh,en,variants,accept,forbidden,note,category,priority,dnt
# pandemic-control terms
联防联控机制,joint prevention and control mechanism,,,,,policy,1,
外防输入,preventing imported cases,,guarding against imported cases,,,slogan,,
```

Run `reader glossary check` to list problems as `glossary.csv:LINE: message`.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path

from reader.atomic import write_bytes_atomic, write_text_atomic
from reader.documents.decoding import decode_bytes
from reader.documents.scripts import to_simplified
from reader.errors import ReaderError

COLUMNS = (
    "zh",
    "en",
    "variants",
    "accept",
    "forbidden",
    "note",
    "category",
    "priority",
    "dnt",
    "exclude",
)
REQUIRED = ("zh", "en")
LIST_COLUMNS = ("variants", "accept", "forbidden", "exclude")
TRUE_WORDS = frozenset({"1", "true", "yes", "y"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n"})
CHANGED_ON_DISK = "changed on disk since it was read; reload and retry"
LOCK_TIMEOUT = 10.0  # seconds to wait for another process's save (a save takes ~10 ms)


@dataclass(frozen=True, slots=True)
class Entry:
    zh: str  # source term, either script
    en: str  # required rendering
    variants: list[str] = field(default_factory=list)  # other Chinese forms
    accept: list[str] = field(default_factory=list)  # other renderings that count as correct
    forbidden: list[str] = field(default_factory=list)  # renderings to flag
    note: str = ""
    category: str = ""
    priority: int = 0
    dnt: bool = False  # do not translate: keep the Chinese (with pinyin)
    exclude: list[str] = field(default_factory=list)  # Chinese contexts where it is no term
    extra: dict[str, str] = field(default_factory=dict)  # unknown columns, preserved on write
    line: int = 0  # line in the CSV it was read from (0 when not from a file)
    # frozen, and the lists are never changed in place by reader: edits make a new Entry

    @property
    def renderings(self) -> list[str]:
        """Every English form that counts as correct, required one first."""
        return [self.en, *self.accept]

    @property
    def forms(self) -> list[str]:
        """Every Chinese form (term first, then variants), in Simplified, without repeats."""
        return list(dict.fromkeys(simplify(f) for f in [self.zh, *self.variants] if f))

    @property
    def key(self) -> str:
        """The term in Simplified: two entries with the same key are the same term."""
        return simplify(self.zh)


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# --- scripts ---------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def simplify(text: str) -> str:
    """`text` in Simplified Chinese (cached: the matcher converts every term and variant)."""

    return to_simplified(text)[0]


def find_entry(entries: Iterable[Entry], zh: str, *, variants: bool = False) -> Entry | None:
    """The first entry whose term is `zh` in either script; with `variants`, else the first
    that lists it among its forms."""
    key = simplify(zh.strip())
    entries = list(entries) if variants else entries
    for entry in entries:
        if entry.key == key:
            return entry
    if variants:
        for entry in entries:
            if key in entry.forms:
                return entry
    return None


# --- reading ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """A data row read from the file (or added since), with what is needed to write it back."""

    entry: Entry
    raw: str = ""  # exact text as read, including its line ending; "" for a new row
    fields: dict[str, str] = field(default_factory=dict)  # column -> value as read
    snapshot: Entry | None = None  # the entry as read (frozen, so no copy), to spot a change


@dataclass(slots=True)
class _Record:
    line: int  # physical line the record starts on
    text: str  # the record's text including line endings
    comment: bool = False


def _split_lines(text: str) -> list[str]:
    """Physical lines with their endings; only \\n ends a line (\\r\\n keeps its \\r)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def _ends_inside_quotes(line: str, inside: bool) -> bool:
    """Whether a CSV record is still inside a quoted field at the end of `line` (csv semantics:
    a quote opens a field only at the field's start; "" inside a quoted field is a quote)."""
    if '"' not in line:  # most lines: the state carries over
        return inside
    i, n = 0, len(line)
    while i < n:
        if inside:
            close = line.find('"', i)
            if close < 0:
                return True
            if line.startswith('"', close + 1):  # "" is an escaped quote
                i = close + 2
                continue
            inside, i = False, close + 1
            continue
        # outside quotes: a quote opens a field only right after a comma or at the start
        quote = line.find('"', i)
        if quote < 0:
            return False
        if quote == 0 or line[quote - 1] == ",":
            inside = True
        i = quote + 1
    return inside


def _records(lines: list[str]) -> Iterator[_Record | int]:
    """CSV records with their first line; yields a bare line number for a quoted field that
    never closes (that line is then read again as a record of its own, as text)."""
    i = 0
    while i < len(lines):
        first = lines[i]
        if first.lstrip("\ufeff").startswith("#"):
            yield _Record(i + 1, first, comment=True)
            i += 1
            continue
        j, inside = i, False
        while True:
            inside = _ends_inside_quotes(lines[j], inside)
            if not inside or j + 1 == len(lines):
                break
            j += 1
        if inside:
            yield i + 1
            yield _Record(i + 1, first)  # parsed alone; csv reports it as a bad row
            i += 1
            continue
        yield _Record(i + 1, "".join(lines[i : j + 1]))
        i = j + 1


def _parse_record(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text), strict=True))
    if not rows:
        return []
    if len(rows) > 1:
        raise csv.Error("more than one row")
    return rows[0]


def split_list(value: str) -> list[str]:
    """A `|`-separated cell (variants, accept, forbidden, exclude) as a list, blanks dropped."""
    return [part.strip() for part in value.split("|") if part.strip()]


def _norm_column(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower()


class HeaderRow:
    """Where the header row sits among the file's items (`Glossary.layout`)."""

    def __repr__(self) -> str:
        return "HEADER"


HEADER = _HEADER = HeaderRow()
CONFLICT = "conflict"  # the column `reader glossary merge` puts the other side's value in


# --- the glossary ----------------------------------------------------------------------------


class Glossary:
    """A glossary file: entries plus everything needed to write the file back faithfully."""

    def __init__(self, path: str | Path | None = None, entries: Iterable[Entry] = ()) -> None:
        self.path: Path | None = Path(path) if path is not None else None
        self.entries: list[Entry] = list(entries)
        self.problems: list[Problem] = []
        self.columns: list[str] = list(COLUMNS)  # header as read, original spelling
        # file order: the header marker, rows, and raw text (comments, blank lines, bad rows)
        self._items: list[_Row | str | object] = []
        self._digest: str | None = None  # sha256 of the file as read; None when it was missing
        self._bom = False
        self._newline = "\n"
        self._header_raw = ""
        self._encoding = "utf-8"  # what the file was decoded as; anything else is not saved
        # bumped by every change, so a translation run can tell in O(1) whether its term
        # matcher is stale (comparing every entry cost 27 ms per paragraph at 10k entries)
        self.revision = 0

    # reading

    @classmethod
    def load(cls, path: str | Path, *, missing_ok: bool = False) -> Glossary:
        """Read `path`. Bad rows become `problems`; with `missing_ok`, a missing file is empty."""
        glossary = cls(path)
        data = _read(Path(path), missing_ok=missing_ok)
        if data is not None:
            glossary._digest = hashlib.sha256(data).hexdigest()
            glossary._parse(data)
        return glossary

    def reload(self) -> None:
        """Read the file again in place (after another process changed it); bumps `revision`."""
        if self.path is None:
            return
        fresh = Glossary.load(self.path, missing_ok=True)
        revision = self.revision + 1
        for name in Glossary._STATE:
            setattr(self, name, getattr(fresh, name))
        self.revision = revision

    _STATE = (
        "entries", "problems", "columns", "_items", "_digest", "_bom", "_newline",
        "_header_raw", "_encoding",
    )  # fmt: skip

    @classmethod
    def from_text(cls, text: str, path: str | Path = "glossary.csv") -> Glossary:
        """Parse CSV text as if read from `path` (the file itself is not touched)."""
        glossary = cls(path)
        glossary._parse(text.encode("utf-8"))
        return glossary

    def _problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(str(self.path or "glossary.csv"), line, message))

    def _parse(self, data: bytes) -> None:
        self._bom = data.startswith(b"\xef\xbb\xbf")
        text, self._encoding = _decode(data)
        if self._encoding != "utf-8":
            self._problem(1, _not_utf8(self._encoding, self.path))
        if self._bom:
            text = text[1:]
        self._newline = "\r\n" if "\r\n" in text else "\n"
        header: list[str] | None = None
        unclosed: set[int] = set()
        for record in _records(_split_lines(text)):
            if isinstance(record, int):
                unclosed.add(record)
                continue
            if record.comment or not record.text.strip():
                self._items.append(record.text)
                continue
            try:
                values = _parse_record(record.text)
            except csv.Error as error:
                reason = "quote never closed" if record.line in unclosed else str(error)
                self._problem(record.line, f"unbalanced quotes (CSV parse error: {reason})")
                self._items.append(record.text)
                continue
            if header is None:
                header = self._read_header(values, record.line)
                self._header_raw = record.text
                self._items.append(_HEADER)
                continue
            self._read_row(header, values, record)
        if header is None:
            self.columns = list(COLUMNS)

    def _read_header(self, values: list[str], line: int) -> list[str]:
        self.columns = [v.strip() for v in values]
        names = [_norm_column(v) for v in values]
        for required in REQUIRED:
            if required not in names:
                self._problem(line, f"missing required column {required!r} in the header")
        seen: set[str] = set()
        for name in names:
            if name in seen:
                self._problem(line, f"column {name!r} appears twice in the header")
            seen.add(name)
        return names

    def _read_row(self, header: list[str], values: list[str], record: _Record) -> None:
        line = record.line
        if not any(v.strip() for v in values):
            self._items.append(record.text)
            return
        if len(values) > len(header):
            self._problem(
                line,
                f"row has {len(values)} fields but the header has {len(header)} "
                "(quote a field that contains a comma)",
            )
            self._items.append(record.text)
            return
        by_name: dict[str, str] = {}
        for name, value in zip(header, values, strict=False):
            by_name.setdefault(name, value)
        if "zh" not in header or "en" not in header:
            self._items.append(record.text)  # already reported on the header line
            return
        zh, en = by_name.get("zh", "").strip(), by_name.get("en", "").strip()
        if not zh or not en:
            self._problem(line, f"empty {'zh' if not zh else 'en'}" + (f" for {zh}" if zh else ""))
            self._items.append(record.text)
            return
        priority = 0
        raw_priority = by_name.get("priority", "").strip()
        if raw_priority:
            try:
                priority = int(raw_priority)
            except ValueError:
                self._problem(line, f"bad priority {raw_priority!r} (want an integer); using 0")
        raw_dnt = by_name.get("dnt", "").strip().lower()
        if raw_dnt not in TRUE_WORDS | FALSE_WORDS:
            self._problem(line, f"bad dnt value {raw_dnt!r} (want 1/true/yes/y or empty)")
        extra = {
            col: by_name.get(name, "")
            for col, name in zip(self.columns, header, strict=True)
            if name not in COLUMNS
        }
        entry = Entry(
            zh=zh,
            en=en,
            variants=split_list(by_name.get("variants", "")),
            accept=split_list(by_name.get("accept", "")),
            forbidden=split_list(by_name.get("forbidden", "")),
            note=by_name.get("note", "").strip(),
            category=by_name.get("category", "").strip(),
            priority=priority,
            dnt=raw_dnt in TRUE_WORDS,
            exclude=split_list(by_name.get("exclude", "")),
            extra=extra,
            line=line,
        )
        self.entries.append(entry)
        self._items.append(_Row(entry, record.text, by_name, entry))

    # looking up and editing

    def find(self, zh: str, *, variants: bool = False) -> Entry | None:
        """The entry whose term is `zh` in either script (or, with `variants`, lists it)."""
        return find_entry(self.entries, zh, variants=variants)

    def add(self, entry: Entry) -> Entry:
        """Append `entry` (trimmed; the stored entry is returned); refuses an empty term or
        rendering and a term already present."""
        entry = replace(entry, zh=entry.zh.strip(), en=entry.en.strip())
        if not entry.zh or not entry.en:
            raise ReaderError(self._where(), "a glossary entry needs both zh and en")
        self._refuse_duplicate(entry.zh, None)
        self.entries.append(entry)
        self.revision += 1
        return entry

    def update(self, zh: str, /, **changes: object) -> Entry:
        """Replace the entry for `zh` with one whose fields are changed, e.g.
        `update("四早", en="four earlies")`; returns the new entry (the old one is unchanged)."""
        entry = self._get(zh)
        names = {f.name for f in fields(Entry)} - {"line"}
        for name, value in changes.items():
            if name not in names:
                raise TypeError(f"Entry has no field {name!r}")
            if name in REQUIRED and not str(value).strip():
                raise ReaderError(self._where(), f"{name} cannot be empty")
        if "zh" in changes:
            self._refuse_duplicate(str(changes["zh"]).strip(), entry)
        new = replace(
            entry,
            **{k: v.strip() if isinstance(v, str) else v for k, v in changes.items()},  # type: ignore[arg-type]
        )
        return self.replace_entry(entry, new)

    def replace_entry(self, old: Entry, new: Entry) -> Entry:
        """Put `new` where `old` is (found by identity, so either row of a duplicated term
        can be changed); the row keeps its place and the text as read for unchanged fields."""
        self.replace_entries([(old, new)])
        return new

    def replace_entries(self, pairs: Iterable[tuple[Entry, Entry]]) -> None:
        """`replace_entry` for many (old, new) pairs in one pass (a merge changing 10,000
        rows one by one took 12 s)."""
        new_for = {id(old): new for old, new in pairs}
        if not new_for:
            return
        self.entries[:] = [new_for.get(id(e), e) for e in self.entries]
        for item in self._items:
            if isinstance(item, _Row) and id(item.entry) in new_for:
                item.entry = new_for[id(item.entry)]
        self.revision += 1

    def remove(self, zh: str) -> Entry:
        entry = self._get(zh)
        del self.entries[self._index(entry)]
        self.revision += 1
        return entry

    def layout(self) -> list[Entry | str | HeaderRow]:
        """The file in order: `HEADER`, entries, and the raw text of comments, blank lines and
        rows that are no entry (with their line endings); entries added since come last."""
        current = {id(e) for e in self.entries}
        items: list[Entry | str | HeaderRow] = []
        for item in self._items if _HEADER in self._items else [*self._items, _HEADER]:
            if isinstance(item, _Row):
                if id(item.entry) in current:
                    items.append(item.entry)
            elif isinstance(item, str | HeaderRow):
                items.append(item)
        placed = {id(e) for e in items if isinstance(e, Entry)}
        return items + [e for e in self.entries if id(e) not in placed]

    def set_layout(self, items: Iterable[Entry | str | HeaderRow]) -> None:
        """Rearrange the file as `items` (what `layout` gives, reordered, added to or cut:
        an entry left out is removed). An entry already here keeps its row's text as read;
        new text is written with the file's line ending. Duplicate terms are not refused
        here (merging keeps both sides' rows): `check` reports them."""
        rows = {id(item.entry): item for item in self._items if isinstance(item, _Row)}
        known = {item for item in self._items if isinstance(item, str)}
        arranged: list[_Row | str | object] = []
        entries: list[Entry] = []
        for item in items:
            if isinstance(item, Entry):
                arranged.append(rows.get(id(item)) or _Row(item))
                entries.append(item)
            elif isinstance(item, HeaderRow):
                arranged.append(_HEADER)
            elif item in known or not item.endswith("\n"):
                arranged.append(item)
            else:
                arranged.append(item.rstrip("\r\n") + self._newline)
        if _HEADER not in arranged:  # where `_render` puts a missing one: after the text
            index = next((i for i, a in enumerate(arranged) if isinstance(a, _Row)), None)
            arranged.insert(len(arranged) if index is None else index, _HEADER)
        self._items, self.entries = arranged, entries
        self.revision += 1

    def _index(self, entry: Entry) -> int:
        return next(i for i, e in enumerate(self.entries) if e is entry)

    def _get(self, zh: str) -> Entry:
        entry = self.find(zh)
        if entry is None:
            raise ReaderError(self._where(), f"{zh} is not in the glossary")
        return entry

    def _refuse_duplicate(self, zh: str, editing: Entry | None) -> None:
        key = simplify(zh)
        for other in self.entries:
            if other is editing:
                continue
            where = f" (line {other.line})" if other.line else ""
            if other.key == key:
                raise ReaderError(
                    self._where(),
                    f"{zh} is already in the glossary{where} as {other.en!r}; "
                    "use `reader glossary edit` to change it",
                )
            if key in other.forms:
                raise ReaderError(self._where(), f"{zh} is already a variant of {other.zh}{where}")

    def _where(self) -> str:
        return str(self.path or "glossary")

    # writing

    def to_text(self) -> str:
        """The file as `save` would write it."""
        return self._render()[0]

    def _render(self) -> tuple[str, list[Entry]]:
        columns = self._output_columns()
        # a column added at the end leaves every row valid as written (a short row reads as
        # empty cells), so then only the header is written anew
        rewrite_header = columns != self.columns or not self._header_raw
        rewrite_all = columns[: len(self.columns)] != self.columns or not self._header_raw
        nl = self._newline
        out: list[str] = []
        written: list[Entry] = []
        current = {id(e) for e in self.entries}

        def emit(text: str) -> None:
            if out and not out[-1].endswith("\n"):
                out[-1] += nl
            out.append(text)

        items = self._items if _HEADER in self._items else [*self._items, _HEADER]
        for item in items:
            if item is _HEADER:
                emit(_csv_line(columns, nl) if rewrite_header else self._header_raw)
            elif isinstance(item, str):
                emit(item)
            elif isinstance(item, _Row) and id(item.entry) in current:  # else removed
                written.append(item.entry)
                if not rewrite_all and item.raw and item.entry is item.snapshot:
                    emit(item.raw)
                else:
                    emit(_csv_line(self._row_values(item, columns), nl))
        seen = {id(e) for e in written}
        for entry in self.entries:
            if id(entry) not in seen:
                written.append(entry)
                emit(_csv_line(self._row_values(_Row(entry), columns), nl))
        return ("\ufeff" if self._bom else "") + "".join(out), written

    def _output_columns(self) -> list[str]:
        if not self._header_raw:
            columns: list[str] = []
        else:
            columns = list(self.columns)
        names = [_norm_column(c) for c in columns]
        for name in COLUMNS:
            if name not in names and (name in REQUIRED or self._column_used(name)):
                columns.append(name)
                names.append(name)
        for entry in self.entries:
            for col in entry.extra:
                if col not in columns and _norm_column(col) not in names:
                    columns.append(col)
                    names.append(_norm_column(col))
        return columns

    def _column_used(self, name: str) -> bool:
        default = Entry("", "")
        return any(getattr(e, name) != getattr(default, name) for e in self.entries)

    def _row_values(self, row: _Row, columns: list[str]) -> list[str]:
        entry, old = row.entry, row.snapshot
        values: list[str] = []
        for col in columns:
            name = _norm_column(col)
            if name in COLUMNS:
                current = getattr(entry, name)
                if old is not None and current == getattr(old, name) and name in row.fields:
                    values.append(row.fields[name])  # unchanged: keep the text as written
                else:
                    values.append(format_value(name, current))
            else:
                values.append(entry.extra.get(col, entry.extra.get(name, "")))
        while values and not values[-1] and len(values) > 2:
            values.pop()  # trailing empty fields are optional on read
        return values

    def check_savable(self) -> None:
        """Raise the one-line reason `save` would refuse this file for, before any edit."""
        if self.path is None:
            raise ReaderError("glossary", "this glossary has no path to save to")
        if self._encoding != "utf-8":
            raise ReaderError(self.path, _not_utf8(self._encoding, self.path, saving=True))
        names = [_norm_column(c) for c in self.columns]
        if self._header_raw and not all(name in names for name in REQUIRED):
            raise ReaderError(
                self.path,
                "the header has no zh and en columns, so saving would rewrite the file; "
                "fix the header first (first line: zh,en,…)",
            )

    def save(self) -> None:
        """Write atomically, keeping `path~`; refuses if the file changed since it was read,
        if it was not UTF-8, or if its header lacks `zh`/`en` (saving would lose data)."""
        self.check_savable()
        assert self.path is not None

        with locked(self.path):
            data_now = _read(self.path, missing_ok=True)
            current = hashlib.sha256(data_now).hexdigest() if data_now is not None else None
            if current != self._digest:
                raise ReaderError(self.path, CHANGED_ON_DISK)
            text, written = self._render()
            try:
                write_text_atomic(self.path, text, backup=True)
            except OSError as error:  # disk full, read-only folder: the old file is untouched
                raise ReaderError(self.path, f"cannot save: {error.strerror or error}") from None
        data = text.encode("utf-8")
        self._digest = hashlib.sha256(data).hexdigest()
        # read back what was written so raw rows and line numbers are current, keeping the
        # caller's Entry objects where their line did not move
        fresh = Glossary(self.path)
        fresh._parse(data)
        rows = [item for item in fresh._items if isinstance(item, _Row)]
        if len(rows) == len(written):
            for row, entry in zip(rows, written, strict=True):
                if entry.line != row.entry.line:
                    entry = replace(entry, line=row.entry.line)  # frozen: a moved row is new
                row.entry = row.snapshot = entry
            self.entries = [row.entry for row in rows]
        else:  # a written row did not read back as an entry; trust the file
            self.entries = fresh.entries
        self._items, self.columns, self._header_raw = fresh._items, fresh.columns, fresh._header_raw
        self.problems = fresh.problems


# --- bytes, encodings and the lock ----------------------------------------------------------


def _read(path: Path, *, missing_ok: bool) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return None
        raise ReaderError(path, "no such glossary file") from None
    except IsADirectoryError:
        raise ReaderError(path, "is a directory, not a glossary file") from None
    except OSError as error:
        raise ReaderError(path, f"cannot read: {error.strerror}") from None


def _decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read in: "utf-8" only when the bytes are exactly
    UTF-8 (a BOM allowed); otherwise detected as documents are (GBK, Big5, UTF-16)."""
    if encoding is None:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass

    decoded = decode_bytes(data, encoding)
    exact = not decoded.warnings
    name = decoded.encoding if exact else f"{decoded.encoding} (with undecodable bytes)"
    text = decoded.text
    if decoded.encoding.startswith("utf-8") and exact:  # "utf-8-sig": the BOM was removed
        return "\ufeff" + text if data.startswith(b"\xef\xbb\xbf") else text, "utf-8"
    return text, name


def _not_utf8(encoding: str, path: Path | None, *, saving: bool = False) -> str:
    where = path or "glossary.csv"
    name, _, rest = encoding.partition(" ")
    what = f"saved as {name.upper()}{' ' + rest if rest else ''}, not UTF-8"
    fix = f"convert it first with `reader glossary convert {where}`"
    if "undecodable" in encoding:
        fix += " --encoding NAME"
    if saving:
        return f"{what}; not saved, as rewriting it could damage rows: {fix}"
    return f"{what}; read-only until converted: {fix}"


def convert(path: Path, encoding: str | None = None) -> tuple[str, Path | None]:
    """Rewrite the glossary at `path` as UTF-8; return the encoding it had and where its
    original bytes were kept (None when it was UTF-8 already: then nothing is written).

    The original goes to `original_copy_path` (`glossary.csv.gb18030~`), a name no later save
    writes: `glossary.csv~` is replaced by each run's first save, so a second `convert` or an
    edit would overwrite the only copy of the user's GBK file. Bytes that do not decode exactly
    are refused, so nothing is replaced by U+FFFD."""
    with locked(path):
        data = _read(path, missing_ok=False)
        assert data is not None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # converting UTF-8 "from GBK" would garble it; and there is nothing to do
            return "utf-8", None
        text, found = _decode(data, encoding)
        if "undecodable" in found:
            raise ReaderError(
                path, f"does not decode exactly as {found.split()[0]}; give --encoding NAME"
            )
        original = original_copy_path(path, found)
        write_bytes_atomic(original, data)  # first: the original is safe before it is replaced
        write_text_atomic(path, text)
    return found, original


def original_copy_path(path: Path, encoding: str) -> Path:
    """A free name for the original of a converted file: `NAME.ENCODING~`, else
    `NAME.ENCODING.2~`, `.3~`… (an earlier conversion's copy is never replaced)."""
    stem = f"{path.name}.{encoding.split()[0].lower()}"
    candidate, n = path.with_name(stem + "~"), 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{stem}.{n}~")
    return candidate


_local_locks: dict[str, threading.RLock] = {}
_local_depth: dict[str, int] = {}
_local_fds: dict[str, int] = {}
_registry = threading.Lock()


@contextlib.contextmanager
def locked(path: str | Path) -> Iterator[None]:
    """Hold the glossary's exclusive lock: wrap load-modify-save in it. Reentrant within a
    process (flock on two descriptors of one file would deadlock the process on itself)."""
    import fcntl  # POSIX; the tool targets Linux and macOS

    target = Path(os.path.realpath(path))  # a symlink and its target share one lock
    key = str(target)
    with _registry:
        local = _local_locks.setdefault(key, threading.RLock())
    with local:
        if _local_depth.get(key, 0) == 0:
            _local_fds[key] = _acquire(fcntl, target, Path(path))
        _local_depth[key] = _local_depth.get(key, 0) + 1
        try:
            yield
        finally:
            _local_depth[key] -= 1
            if _local_depth[key] == 0:
                fd = _local_fds.pop(key)
                if fd >= 0:
                    os.close(fd)  # closing releases the flock


def _acquire(fcntl: object, target: Path, where: Path) -> int:
    lock_path = target.with_name(target.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        return -1  # a read-only folder: nothing can be saved there, so nothing to guard
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise ReaderError(
                    where,
                    f"another reader process has held the glossary lock ({lock_path.name}) "
                    f"for over {LOCK_TIMEOUT:.0f} s; try again",
                ) from None
            time.sleep(0.005)


def format_value(name: str, value: object) -> str:
    """A field as its CSV cell: lists `|`-joined, dnt `1` or empty, priority 0 empty."""
    if name in LIST_COLUMNS:
        return "|".join(value)  # type: ignore[arg-type]
    if name == "dnt":
        return "1" if value else ""
    if name == "priority":
        return str(value) if value else ""
    return str(value)


def _csv_line(values: list[str], newline: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow(values)
    return buffer.getvalue()


# --- validation ------------------------------------------------------------------------------

_PAIRS = (("“", "”"), ("「", "」"), ("『", "』"), ("‘", "’"))


def check(glossary: Glossary) -> list[Problem]:
    """Every problem: the ones found while reading plus duplicates, conflicts and quoting."""
    problems = list(glossary.problems)
    where = str(glossary.path or "glossary.csv")

    def report(line: int, message: str) -> None:
        problems.append(Problem(where, line, message))

    by_key: dict[str, Entry] = {}
    by_variant: dict[str, Entry] = {}
    for entry in glossary.entries:
        for form in entry.forms[1:]:
            other = by_variant.setdefault(form, entry)
            if other is not entry and other.en.strip().lower() != entry.en.strip().lower():
                report(
                    entry.line,
                    f"conflicting renderings for variant {form}: {entry.en!r} here, "
                    f"{other.en!r} for {other.zh} on line {other.line}",
                )
    for entry in glossary.entries:
        key = entry.key
        first = by_key.get(key)
        if first is not None:
            if first.en.strip().lower() != entry.en.strip().lower():
                report(
                    entry.line,
                    f"conflicting renderings for {entry.zh}: {entry.en!r} here, "
                    f"{first.en!r} on line {first.line}",
                )
            else:
                report(entry.line, f"duplicate term {entry.zh} (first on line {first.line})")
            continue
        by_key[key] = entry
        owner = by_variant.get(key)
        if owner is not None and owner is not entry:
            report(
                entry.line,
                f"{entry.zh} is also a variant of {owner.zh} (line {owner.line}); keep one of them",
            )
    for entry in glossary.entries:
        for part in conflicts(entry):
            report(entry.line, f"merge conflict on {entry.zh}: {part}; {RESOLVE}")
    for item in glossary._items:
        if isinstance(item, _Row):
            for name, value in item.fields.items():
                message = _quote_problem(value)
                if message:
                    report(item.entry.line, f"{message} in column {name}")
    problems.sort(key=lambda p: p.line)
    return problems


CONFLICT_SEPARATOR = " ‖ "  # between two conflicts in one cell: ‖ is in no term or rendering
RESOLVE = "keep one, then empty the conflict cell"


def conflicts(entry: Entry) -> list[str]:
    """The merge conflicts recorded in the entry's `conflict` cell, e.g. `en in theirs: …`."""
    cell = next((v for k, v in entry.extra.items() if _norm_column(k) == CONFLICT), "")
    return [part.strip() for part in cell.split(CONFLICT_SEPARATOR) if part.strip()]


def _quote_problem(value: str) -> str:
    if value.count('"') % 2:
        return 'unbalanced quotes (odd number of ")'
    for left, right in _PAIRS:
        if value.count(left) != value.count(right):
            return f"unbalanced quotes (mismatched {left}{right})"
    return ""
