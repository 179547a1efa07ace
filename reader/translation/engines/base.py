"""The one seam between the tool and any translation engine.

An engine translates plain sentences; everything else (sentence splitting, batching order,
glossary protection and verification, caching) is done once, above it,
in `reader.translation.pipeline`,
so the Argos engine, the dictionary engine and test engines are interchangeable.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from reader.translation.enforcement import Protected


@runtime_checkable
class TranslationEngine(Protocol):
    #: short name shown to the user and used in cache keys: "argos", "gloss", "test"
    name: str

    @property
    def model_id(self) -> str:
        """Model package and version, e.g. "translate-zh_en-1.9"; part of the cache key."""
        ...

    @property
    def settings_key(self) -> str:
        """Decoding settings that change output (beam size, max length); part of the cache key."""
        ...

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate source sentences (already protected) into English, one output per input."""
        ...


@runtime_checkable
class NBestEngine(TranslationEngine, Protocol):
    """An engine that can offer alternatives and be steered; used to repair glossary terms."""

    def translate_nbest(self, sentence: str, n: int, target_prefix: str | None = None) -> list[str]:
        """Return up to `n` hypotheses, best first; with a prefix, each starts with it."""
        ...


@runtime_checkable
class VariedEngine(TranslationEngine, Protocol):
    """An engine that can decode a batch again differently (e.g. with repeats forbidden);
    the pipeline sends every degenerate output of a batch through it in one call."""

    def translate_batch_varied(self, sentences: Sequence[str]) -> list[str]: ...


class Cancelled(Exception):
    """Raised by a `TermsEngine` that saw the caller's cancel event mid-batch; nothing of
    that batch is kept."""


@runtime_checkable
class TermsEngine(TranslationEngine, Protocol):
    """An engine that reads each sentence's glossary terms itself (an LLM gets the batch's
    terms as a table in its prompt) and can abandon a batch when `cancel` is set.

    It receives the unprotected Simplified sentence (`Protected.original`) with its
    `Protected.terms`; verification and repair above it work on renderings, as for inline
    protection."""

    def translate_protected(
        self, sentences: Sequence[Protected], cancel: threading.Event | None = None
    ) -> list[str]: ...


@runtime_checkable
class MeteredEngine(TranslationEngine, Protocol):
    """An engine that counts its decoding work, so the pipeline can give retries a budget."""

    #: target tokens decoded so far, summed over every beam (steps × beams); only grows
    decoded_tokens: int


# A translation is rarely over 3× its source in pieces; a loop runs to whatever limit it gets.
CAP_FACTOR = 3
CAP_EXTRA = 10


def decoding_cap(source_pieces: int, limit: int) -> int:
    """Most tokens to decode for a source of `source_pieces` (a batch: its longest)."""
    return max(1, min(limit, CAP_FACTOR * source_pieces + CAP_EXTRA))
