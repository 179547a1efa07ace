"""What every translating command needs, assembled once: document, glossary, engine, memory.

The CLI commands and the TUI call these so that `--engine`, `--glossary` and the translation
memory mean the same thing everywhere.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.documents.document import Document
from reader.documents.loading import load_document
from reader.glossary.file import Glossary, resolve_glossary_path
from reader.translation.engines.select import select_engine
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import Translator

if TYPE_CHECKING:
    from reader.translation.pipeline import Translator


def open_glossary(explicit: str | None, *, warn: bool = True) -> Glossary:
    """Resolve and load the glossary; its problems are warned about, the good rows used."""
    glossary = Glossary.load(resolve_glossary_path(explicit))
    if warn:
        for problem in glossary.problems:
            print(f"reader: warning: {problem}", file=sys.stderr)
    return glossary


@dataclass
class Session:
    doc: Document
    glossary: Glossary
    translator: Translator
    engine_message: str

    @property
    def engine_name(self) -> str:
        engine = self.translator.engine
        return f"{engine.name} ({engine.model_id})"


def open_session(file: str, *, encoding: str | None, engine: str, glossary: str | None) -> Session:
    doc = load_document(file, encoding=encoding)
    for warning in doc.warnings:
        print(f"reader: {file}: warning: {warning}", file=sys.stderr)
    gloss = open_glossary(glossary)
    chosen, message = select_engine(engine)
    if hasattr(chosen, "notice"):  # an LLM's retries: "retrying (2/5)…", not 16 s of silence
        chosen.notice = lambda line: print(f"reader: {line}", file=sys.stderr, flush=True)
    # warnings (a damaged or full cache) are printed as they happen, not at the end
    memory = TranslationMemory(on_warning=lambda w: print(f"reader: warning: {w}", file=sys.stderr))
    return Session(doc, gloss, Translator(chosen, gloss, memory), message)
