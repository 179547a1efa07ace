"""One glossary edit from the reader (add, change, delete) and what it touches in a document.

Guarantees:
- `apply_edit` changes the glossary only through `Glossary.add/update/remove` (it never mutates
  an entry), and returns the Simplified keys of every term the edit touched, old and new;
- `conflict` says when the file on disk changed the very entry an unsaved edit was based on, so
  the caller can show both instead of overwriting the other program's change;
- `affected_paragraphs` lists, in document order, the paragraphs whose glossary hits changed in
  any way (a term added, removed, moved or edited, by this program or another) or that contain
  a touched key: only these need translating again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from reader.glossary.file import Entry, Glossary, simplify, split_list
from reader.glossary.layers import LayeredGlossary
from reader.glossary.matching import matcher_for

if TYPE_CHECKING:
    from reader.documents.document import Document
    from reader.glossary.matching import TermHit

Hits = Mapping[str, Sequence["TermHit"]]  # paragraph id -> the glossary terms found in it
# one file, or layers (an edit of a reference layer's term becomes an override in the first)
Editable = Glossary | LayeredGlossary


@dataclass
class TermEdit:
    """What the user asked for: the fields of the entry, or its deletion."""

    action: Literal["save", "delete"]
    original_zh: str | None  # None when adding
    zh: str = ""
    en: str = ""
    accept: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    note: str = ""
    base: Entry | None = None  # the entry as the user saw it when the edit began


LIST_SEPARATOR = "|"  # as in glossary.csv and the CLI's --accept/--forbidden/--variants


def split_field(value: str) -> list[str]:
    """A form field listing renderings, separated by "|" as everywhere else, as a list."""
    return split_list(value)


def list_field_problem(value: str) -> str | None:
    """Why a list field cannot be saved as typed, or None: a ";" (which the add-term dialog
    once took as the separator) would silently make one rendering of "a; b"."""
    if ";" in value:
        return f"separate renderings with {LIST_SEPARATOR} (as in glossary.csv and the CLI), not ;"
    return None


def refusal(glossary: Editable, zh: str, original: str | None) -> str | None:
    """Why `zh` cannot be saved (it belongs to another entry), or None."""
    existing = glossary.find(zh, variants=True)
    if existing is not None and (original is None or existing is not glossary.find(original)):
        return f"{zh} is already in the glossary as {existing.en!r}"
    return None


def apply_edit(glossary: Editable, edit: TermEdit) -> set[str]:
    """Apply `edit` to `glossary`; return the keys (Simplified) of the terms it touched."""
    keys = {simplify(edit.zh)} if edit.zh else set()
    old = glossary.find(edit.original_zh) if edit.original_zh is not None else None
    if old is not None:
        keys |= {old.key, *old.forms}
    if edit.action == "delete":
        if edit.original_zh is None:
            raise ValueError("a delete needs the term it deletes")
        glossary.remove(edit.original_zh)
    elif old is None:
        glossary.add(
            Entry(
                edit.zh.strip(),
                edit.en.strip(),
                accept=list(edit.accept),
                forbidden=list(edit.forbidden),
                note=edit.note,
            )
        )
    else:
        assert edit.original_zh is not None
        glossary.update(
            edit.original_zh,
            zh=edit.zh,
            en=edit.en,
            accept=list(edit.accept),
            forbidden=list(edit.forbidden),
            note=edit.note,
        )
    return keys


def conflict(fresh: Editable, edit: TermEdit) -> Entry | None:
    """The entry in `fresh` that another program changed under `edit`, or None.

    An add conflicts when the term now exists; a change or delete when the entry it was based
    on differs from (or is gone from) the file on disk.
    """
    if edit.original_zh is None:
        return fresh.find(edit.zh, variants=True)
    current = fresh.find(edit.original_zh)
    # the line number moves when other rows are added above it: not a change of the entry
    if edit.base is None or (
        current is not None and replace(current, line=edit.base.line) == edit.base
    ):
        return None
    return current if current is not None else Entry(edit.original_zh, "(deleted)")


def find_hits(glossary: Editable, doc: Document) -> dict[str, list[TermHit]]:
    """Paragraph id -> the glossary terms found in it, for the whole document."""
    hits: dict[str, list[TermHit]] = defaultdict(list)
    for hit in matcher_for(glossary).find_in_document(doc):
        hits[hit.paragraph_id].append(hit)
    return dict(hits)


def affected_paragraphs(
    paragraph_ids: Iterable[str], old: Hits, new: Hits, keys: Iterable[str] = ()
) -> list[str]:
    """Paragraphs (in the order given) whose hits differ between `old` and `new`, or that
    contain one of `keys` in either."""
    touched = set(keys)

    def signature(hits: Sequence[TermHit]) -> list[tuple[int, int, Entry]]:
        return [(h.start, h.end, h.entry) for h in hits]

    out = []
    for pid in paragraph_ids:
        before, after = old.get(pid, ()), new.get(pid, ())
        if signature(before) != signature(after) or any(
            h.entry.key in touched for h in (*before, *after)
        ):
            out.append(pid)
    return out
