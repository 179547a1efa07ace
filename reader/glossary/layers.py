"""Glossary layers: one writable glossary over read-only reference glossaries, seen as one.

Guarantees:
- Precedence: for the same term (script-insensitive: 聯防聯控 is 联防联控) the earlier layer's
  entry wins. `entries` lists the first layer's entries, then each later layer's that no
  earlier layer has, each in file order; `layer_of` says which layer an entry came from.
- `revision` changes whenever any layer changes, is saved or is reloaded, so a matcher built
  on `entries` (the pipeline keys it on `(id, revision)`) knows when it is stale; `entries` is
  merged once per change, not per call (10k entries over two layers: 5-15 ms on a shared
  2-core machine; a cached call: 5 µs).
- Only the first layer is ever written. Editing an entry of a reference layer adds an override
  (a copy with the change) to the first layer; removing one is refused. The first layer on a
  read-only path (file or folder not writable: mode bits or access(), as `reader.atomic`
  judges) is read-only too: every edit is refused, in one line naming it, before anything
  changes.
- Each layer keeps `Glossary`'s guarantees: its own lock, atomic save with `~` backup, and the
  refusal of a file changed on disk since it was read.

Which layers (`resolve_layers`): every `--glossary` in order, else `READER_GLOSSARY`
(`:`-separated), else the project glossary — `glossary.csv` in the document's folder, else
`./glossary.csv` — over the config file's `[glossary] layers` or, without them, the user's own
glossary (created on first use from the shipped one). The same file named twice is one layer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reader.atomic import check_output, write_bytes_atomic
from reader.errors import ReaderError
from reader.glossary.file import COLUMNS, Entry, Glossary, Problem, find_entry

ENV = "READER_GLOSSARY"
BESIDE_DOCUMENT = "glossary.csv beside the document"
IN_CWD = "./glossary.csv in the current directory"
YOURS = "your glossary"
REFERENCE = "a reference layer: only the first glossary layer is written to"
_EMPTY_HEADER = ",".join(COLUMNS) + "\n"


# --- which layers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerSource:
    """A glossary file chosen as a layer, and why (for `reader glossary path`)."""

    path: Path
    reason: str  # "--glossary", "READER_GLOSSARY", "your glossary", …
    label: str  # short name shown beside each term: "project", "user", "team"


def resolve_layers(
    explicit: str | Path | Sequence[str | Path] | None = None, *, document: str | None = None
) -> list[LayerSource]:
    """The glossary layers, first (writable) to last; see the module docstring."""
    if isinstance(explicit, str | Path):
        explicit = [explicit]
    if explicit:
        chosen = [(Path(p), "--glossary") for p in explicit]
    elif os.environ.get(ENV, "").strip(":"):
        chosen = [(Path(p), ENV) for p in os.environ[ENV].split(":") if p]
    else:
        chosen = _project(document) + _base()
    out: list[LayerSource] = []
    seen: set[str] = set()
    for path, reason in chosen:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            label = _label(path, reason, {s.label for s in out})
            out.append(LayerSource(path, reason, label))
    return out


def _project(document: str | None) -> list[tuple[Path, str]]:
    if document and document != "-":
        beside = Path(document).parent / "glossary.csv"
        if beside.is_file() and os.path.realpath(beside) != os.path.realpath("glossary.csv"):
            return [(beside, BESIDE_DOCUMENT)]
    local = Path("glossary.csv")
    return [(local, IN_CWD)] if local.is_file() else []


def _base() -> list[tuple[Path, str]]:
    """The config file's layers, else the user's own glossary (created if missing)."""
    from reader import config, paths

    listed = config.glossary_layers()
    if listed:
        return [(p, f"config file {config.config_path()}") for p in listed]
    user = paths.data_dir() / "glossary.csv"
    if user.exists():
        return [(user, YOURS)]
    source = _create_user_glossary(user)
    return [(user, f"{YOURS} (created now from {source})")]


def _label(path: Path, reason: str, taken: set[str]) -> str:
    """A short name for the layer, at most 8 cells where it can be (a table column never cuts
    those): "project", "user", else the file's stem, or its folder's name for a glossary.csv;
    "-2", "-3" … make it unique."""
    if reason in (BESIDE_DOCUMENT, IN_CWD):
        label = "project"
    elif reason.startswith(YOURS):
        label = "user"
    elif path.stem.lower() != "glossary":
        label = path.stem
    else:
        label = Path(os.path.abspath(path)).parent.name or path.stem
    unique, n = label, 1
    while unique in taken:
        n += 1
        unique = f"{label}-{n}"
    return unique


def _create_user_glossary(target: Path) -> str:
    from reader import paths

    repo_copy = Path(__file__).resolve().parent.parent.parent / "glossary.csv"
    for source, name in ((paths.shipped_glossary(), "the shipped one"), (repo_copy, repo_copy)):
        if source.is_file():
            write_bytes_atomic(target, source.read_bytes())
            return str(name)
    write_bytes_atomic(target, _EMPTY_HEADER.encode("utf-8"))
    return "an empty header, as no shipped glossary was found"


# --- read-only paths ------------------------------------------------------------------------


def read_only_reason(path: Path, first: bool) -> str:
    """Why the layer at `path` is never written ("" when it may be): not the first layer, or a
    file or folder that is not writable (judged fresh: a chmod takes effect at once)."""
    if not first:
        return REFERENCE
    try:
        check_output(path)
    except ReaderError as error:
        return error.message  # "is read-only; make it writable (chmod u+w) to save to it"
    return ""


def refuse_read_only(source: LayerSource) -> None:
    """Raise, in one line naming it, when the first layer `source` is on a read-only path."""
    reason = read_only_reason(source.path, first=True)
    if reason:
        raise ReaderError(source.path, f"glossary edits refused: {reason}")


# --- the layered glossary --------------------------------------------------------------------


@dataclass
class Layer:
    glossary: Glossary
    source: LayerSource
    first: bool  # the one edits go to, unless its path is read-only

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def label(self) -> str:
        return self.source.label

    @property
    def read_only(self) -> str:
        return read_only_reason(self.path, self.first)


@dataclass
class LayeredGlossary:
    """Glossary layers seen as one glossary, with `Glossary`'s reading and editing methods."""

    layers: list[Layer]
    _entries: list[Entry] = field(default_factory=list, init=False, repr=False)
    _owners: dict[int, Layer] = field(default_factory=dict, init=False, repr=False)
    _shadowed: dict[str, list[tuple[Layer, Entry]]] = field(
        default_factory=dict, init=False, repr=False
    )
    _seen: list[tuple[Glossary, int, list[Entry]]] | None = field(
        default=None, init=False, repr=False
    )
    _revision: int = field(default=0, init=False, repr=False)

    @classmethod
    def load(cls, sources: Sequence[LayerSource], *, create: bool = False) -> LayeredGlossary:
        """Read every layer. With `create`, a missing first layer is an empty glossary (it is
        created on save); a missing reference layer is an error naming it."""
        if not sources:
            raise ValueError("a glossary needs at least one layer")
        layers = [
            Layer(Glossary.load(s.path, missing_ok=create and i == 0), s, first=i == 0)
            for i, s in enumerate(sources)
        ]
        return cls(layers)

    @classmethod
    def single(cls, glossary: Glossary, reason: str = "--glossary") -> LayeredGlossary:
        """One glossary as the only layer."""
        path = glossary.path or Path("glossary.csv")
        source = LayerSource(path, reason, _label(path, reason, set()))
        return cls([Layer(glossary, source, first=True)])

    def reloaded(self) -> LayeredGlossary:
        """A new LayeredGlossary with every layer read again (a missing file is empty)."""
        return LayeredGlossary(
            [
                Layer(Glossary.load(layer.path, missing_ok=True), layer.source, layer.first)
                for layer in self.layers
            ]
        )

    # reading

    @property
    def entries(self) -> list[Entry]:
        self._refresh()
        return self._entries

    @property
    def revision(self) -> int:
        self._refresh()
        return self._revision

    @property
    def path(self) -> Path:
        """The first layer's file: the one edits are saved to."""
        return self.layers[0].path

    @property
    def writable(self) -> Layer:
        return self.layers[0]

    @property
    def problems(self) -> list[Problem]:
        return [problem for layer in self.layers for problem in layer.glossary.problems]

    def find(self, zh: str, *, variants: bool = False) -> Entry | None:
        """The entry in effect for `zh` (either script; with `variants`, else one listing it)."""
        return find_entry(self.entries, zh, variants=variants)

    def layer_of(self, entry: Entry) -> Layer:
        """The layer `entry` came from (or, for an entry a save has since replaced by an equal
        one with its new line number, the layer of the entry in effect for its term)."""
        self._refresh()
        owner = self._owners.get(id(entry))
        if owner is None:
            current = self.find(entry.zh)
            if current is None:
                raise KeyError(f"{entry.zh} is in no glossary layer")
            owner = self._owners[id(current)]
        return owner

    def label_of(self, entry: Entry) -> str:
        """The label of `entry`'s layer, or "" when there is only one layer (nothing to tell)."""
        return self.layer_of(entry).label if len(self.layers) > 1 else ""

    def shadowed(self, entry: Entry) -> list[tuple[Layer, Entry]]:
        """The entries of later layers that the entry in effect for `entry`'s term overrides,
        with their layers."""
        self._refresh()
        return list(self._shadowed.get(entry.key, ()))

    def _refresh(self) -> None:
        # the identity of each layer's list too: `save` replaces it without bumping `revision`
        seen = [(g, g.revision, g.entries) for g in (layer.glossary for layer in self.layers)]
        if self._seen is not None and _same(seen, self._seen):
            return
        entries: list[Entry] = []
        owners: dict[int, Layer] = {}
        shadowed: dict[str, list[tuple[Layer, Entry]]] = {}
        winner: dict[str, Entry] = {}
        for layer in self.layers:
            mine: set[str] = set()
            for entry in layer.glossary.entries:
                key = entry.key  # ~1 µs (simplify's cache): once per entry
                if key not in winner or key in mine:  # a duplicate within a layer stays
                    winner.setdefault(key, entry)
                    mine.add(key)
                    entries.append(entry)
                    owners[id(entry)] = layer
                else:
                    shadowed.setdefault(key, []).append((layer, entry))
        self._entries, self._owners, self._shadowed = entries, owners, shadowed
        self._seen = seen
        self._revision += 1

    # editing: the first layer only

    def check_savable(self) -> None:
        """Raise the one-line reason an edit would be refused: the first layer is on a
        read-only path, or `Glossary.check_savable` refuses it."""
        refuse_read_only(self.writable.source)
        self.writable.glossary.check_savable()

    def add(self, entry: Entry) -> Entry:
        """Add `entry` to the first layer; a term a reference layer has is overridden."""
        self.check_savable()
        return self.writable.glossary.add(entry)

    def update(self, zh: str, /, **changes: object) -> Entry:
        """Change the entry in effect for `zh`: in the first layer, or, when it comes from a
        reference layer, by adding an override (a copy with `changes`) to the first layer."""
        self.check_savable()
        entry = self.find(zh)
        if entry is None:
            raise ReaderError(self.path, f"{zh} is not in the glossary")
        layer = self.layer_of(entry)
        if layer is self.writable:
            return self.writable.glossary.update(entry.zh, **changes)
        new_zh = str(changes.get("zh", entry.zh))
        # a scratch glossary validates `changes` as an edit in place would; unknown columns
        # (a merge's `conflict`) stay with the reference entry
        scratch = Glossary(self.path, [replace(entry, line=0, extra={})])
        override = scratch.update(entry.zh, **changes)
        if override.key != entry.key:
            raise ReaderError(
                layer.path,
                f"{entry.zh} is in layer {layer.label}, a read-only reference: an override "
                f"keeps its term; add {new_zh.strip()} as a term of its own instead",
            )
        return self.writable.glossary.add(override)

    def remove(self, zh: str) -> Entry:
        """Remove the first layer's entry for `zh` (a reference layer's entry for the same term,
        if any, is in effect again); refuses a term only a reference layer has."""
        self.check_savable()
        entry = self.find(zh)
        if entry is None:
            raise ReaderError(self.path, f"{zh} is not in the glossary")
        layer = self.layer_of(entry)
        if layer is not self.writable:
            raise ReaderError(
                layer.path,
                f"{entry.zh} is in layer {layer.label}, a read-only reference; it can be "
                "overridden (edit it) but not removed",
            )
        return self.writable.glossary.remove(entry.zh)

    def save(self) -> None:
        """Save the first layer (atomic, under its lock, refused if it changed on disk)."""
        self.check_savable()
        self.writable.glossary.save()

    def reload(self) -> None:
        for layer in self.layers:
            layer.glossary.reload()


def _same(
    now: list[tuple[Glossary, int, list[Entry]]], then: list[tuple[Glossary, int, list[Entry]]]
) -> bool:
    return len(now) == len(then) and all(
        a[0] is b[0] and a[1] == b[1] and a[2] is b[2] for a, b in zip(now, then, strict=True)
    )


def open_layers(
    explicit: str | Path | Sequence[str | Path] | None = None,
    *,
    document: str | None = None,
    create: bool = False,
) -> LayeredGlossary:
    """Resolve and read the glossary layers (see `resolve_layers`)."""
    return LayeredGlossary.load(resolve_layers(explicit, document=document), create=create)
