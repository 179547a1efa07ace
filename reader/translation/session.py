"""What every translating command needs, assembled once: document, glossary, engine, memory.

The CLI commands and the TUI call these so that `--engine`, `--glossary` and the translation
memory mean the same thing everywhere.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.documents.document import Document
from reader.documents.loading import load_document
from reader.glossary.layers import LayeredGlossary, open_layers
from reader.translation.engines.select import select_engine
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import Translator

if TYPE_CHECKING:
    from reader.translation.pipeline import Translator


def open_glossary(
    explicit: str | Sequence[str] | None, *, warn: bool = True, document: str | None = None
) -> LayeredGlossary:
    """Resolve and load the glossary layers (`document` finds a project glossary beside it);
    their problems are warned about, the good rows used."""
    glossary = open_layers(explicit, document=document)
    if warn:
        for problem in glossary.problems:
            print(f"reader: warning: {problem}", file=sys.stderr)
    return glossary


@dataclass
class Session:
    doc: Document
    glossary: LayeredGlossary
    translator: Translator
    engine_message: str

    @property
    def engine_name(self) -> str:
        engine = self.translator.engine
        return f"{engine.name} ({engine.model_id})"


def open_session(
    file: str, *, encoding: str | None, engine: str, glossary: str | Sequence[str] | None
) -> Session:
    doc = load_document(file, encoding=encoding)
    for warning in doc.warnings:
        print(f"reader: {file}: warning: {warning}", file=sys.stderr)
    gloss = open_glossary(glossary, document=file)
    chosen, message = select_engine(engine)
    # warnings (a damaged or full cache) are printed as they happen, not at the end
    memory = TranslationMemory(on_warning=lambda w: print(f"reader: warning: {w}", file=sys.stderr))
    return Session(doc, gloss, Translator(chosen, gloss, memory), message)
