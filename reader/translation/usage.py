"""Which documents the reader knows mention a glossary term (`reader glossary show`).

Guarantees:
- The known documents are those the reader remembers: every document with a post-edit in the
  translation memory and every document with a reading position (opened in the reader), the
  most recent first; stdin has no path and is left out. The machine-translation cache keeps
  sentences, not documents, so it cannot name any.
- A document is read again from disk and searched for every form of the term (the term and its
  variants, in Simplified) in its Simplified text: a plain search, the glossary's word-boundary
  and `exclude` rules are not applied, so it may count a few more than a translation would.
- A known document that cannot be read (moved, deleted) is a warning, never skipped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.documents.loading import load_document
from reader.documents.positions import remembered_documents
from reader.errors import ReaderError
from reader.glossary.file import Entry
from reader.translation.memory import TranslationMemory


@dataclass(frozen=True, slots=True)
class TermUse:
    path: str
    paragraphs: int  # paragraphs that mention the term
    mentions: int


def known_documents(memory: TranslationMemory) -> list[str]:
    """Paths of the documents the reader knows (see the module docstring)."""
    edited = [e.doc_key for e in memory.post_edits()]
    return [p for p in dict.fromkeys([*remembered_documents(), *edited]) if p != "-"]


def term_uses(entry: Entry, paths: list[str]) -> tuple[list[TermUse], list[str]]:
    """The documents among `paths` that mention `entry`, and a warning per unreadable one."""
    # longest first, one match per place: a variant containing the term counts once
    pattern = re.compile("|".join(re.escape(f) for f in sorted(entry.forms, key=len, reverse=True)))
    uses: list[TermUse] = []
    warnings: list[str] = []
    for path in paths:
        try:
            doc = load_document(path)
        except ReaderError as error:
            warnings.append(f"{error.message}: not searched ({path})")
            continue
        counts = [len(pattern.findall(p.simplified)) for p in doc.paragraphs]
        if any(counts):
            uses.append(TermUse(path, sum(1 for c in counts if c), sum(counts)))
    return uses, warnings
