"""What every translating command needs, assembled once: document, glossary, engine, memory.

The CLI commands and the TUI call these so that `--engine`, `--glossary` and the translation
memory mean the same thing everywhere.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
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


def _print(line: str) -> None:
    print(line, file=sys.stderr)


def open_glossary(
    explicit: str | Sequence[str] | None,
    *,
    warn: bool = True,
    document: str | None = None,
    say: Callable[[str], None] = _print,
) -> LayeredGlossary:
    """Resolve and load the glossary layers (`document` finds a project glossary beside it);
    their problems are warned about (each line given to `say`: the CLI fits it to the width),
    the good rows used."""
    glossary = open_layers(explicit, document=document)
    if warn:
        for problem in glossary.problems:
            say(f"reader: warning: {problem}")
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
    file: str,
    *,
    encoding: str | None,
    engine: str,
    glossary: str | Sequence[str] | None,
    say: Callable[[str], None] = _print,
) -> Session:
    doc = load_document(file, encoding=encoding)
    for warning in doc.warnings:
        say(f"reader: {file}: warning: {warning}")
    gloss = open_glossary(glossary, document=file, say=say)
    chosen, message = select_engine(engine)
    if hasattr(chosen, "notice"):  # an LLM's retries: "retrying (2/5)…", not 16 s of silence
        chosen.notice = lambda line: print(f"reader: {line}", file=sys.stderr, flush=True)
    # warnings (a damaged or full cache) are printed as they happen, not at the end
    memory = TranslationMemory(on_warning=lambda w: say(f"reader: warning: {w}"))
    return Session(doc, gloss, Translator(chosen, gloss, memory), message)
