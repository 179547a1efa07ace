"""Flags: why a sentence's English must not be trusted as a translation.

One definition for every kind of distrust, set where it is found and read by every output:
- "degenerate": the guard (reader.translation.degenerate) still rejects the output after the
  retries (a loop, passthrough Chinese, an absurd length);
- "placeholder": pieces of a glossary placeholder were left in the engine's output and could
  not be put back as the term's rendering (reader.translation.enforcement removes them from
  the English, so the flag says the sentence lost what they stood for);
- "not-english": an engine knows its reply is no translation (an LLM reply still in Chinese,
  replaced by the gloss): it returns a `FlaggedOutput`, which the pipeline keeps as the English
  and flags.

A flagged sentence is shown and exported, but marked: the TUI's status line names the flag of
the paragraph at the cursor, HTML/Markdown/EPUB mark it (class `reader-flagged`, the reason as
its title), TMX writes it with `x-status` "flagged" (or leaves it out: `--skip-flagged`), so it
never enters a translator's memory as a machine translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FlagKind = Literal["degenerate", "placeholder", "not-english"]
FLAG_KINDS: tuple[FlagKind, ...] = ("degenerate", "placeholder", "not-english")
FLAG_TEXT: dict[FlagKind, str] = {
    "degenerate": "degenerate output",
    "placeholder": "placeholder remnant",
    "not-english": "reply not English",
}


@dataclass(frozen=True, slots=True)
class Flag:
    """One sentence's flag: what kind and why, in a few words."""

    kind: FlagKind
    reason: str  # e.g. "repetition loop ('the' ×5)"
    sentence: int = -1  # 0-based within its paragraph; -1 until the paragraph is assembled

    @property
    def summary(self) -> str:
        """`degenerate output: repetition loop ('the' ×5)`: for titles and status lines."""
        return f"{FLAG_TEXT[self.kind]}: {self.reason}"

    def __str__(self) -> str:
        where = f" in sentence {self.sentence + 1}" if self.sentence >= 0 else ""
        return f"{FLAG_TEXT[self.kind]}{where}: {self.reason}"

    def to_meta(self) -> list[str]:
        """As the translation memory stores it (JSON)."""
        return [self.kind, self.reason]

    @classmethod
    def from_meta(cls, meta: dict[str, object]) -> Flag | None:
        """The flag a memory entry was stored with; entries written before flags had kinds
        stored only the guard's reason, as "degenerate"."""
        stored = meta.get("flag")
        if isinstance(stored, list) and len(stored) == 2 and stored[0] in FLAG_KINDS:
            kind: FlagKind = stored[0]
            return cls(kind, str(stored[1]))
        old = meta.get("degenerate")
        return cls("degenerate", str(old)) if old else None


class FlaggedOutput(str):
    """An engine's output that the engine itself knows is not a translation: the pipeline
    keeps the text as the sentence's English and flags the sentence with `flag`. Empty, it
    says the engine has no English at all (an LLM reply still mostly Chinese, U+FFFD or a
    loop after every retry): the pipeline shows the word gloss in its place, flagged, and
    keeps it out of the memory, so a re-run asks the engine again."""

    flag: Flag

    def __new__(cls, text: str, flag: Flag) -> FlaggedOutput:
        self = super().__new__(cls, text)
        self.flag = flag
        return self
