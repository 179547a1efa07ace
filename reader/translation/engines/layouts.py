"""How one CTranslate2 model turns text into pieces and back: a small adapter per layout.

The CTranslate2 engine (`engines/argos.py`) does batching, workers, caps and n-best once; a
layout only says which SentencePiece model reads the Chinese, which one writes the English,
and which special tokens go around them. Guarantees:
- `encode_source(text)` is what the model's training saw: Argos, quickmt and OPUS-MT the bare
  pieces (CTranslate2 adds `</s>` itself where the converter's config.json asks, as the
  Marian/OPUS-MT converter does), NLLB `zho_Hans` + pieces + `</s>`, M2M-100 `__zh__` + pieces
  + `</s>` (Transformers converters leave both to the tokenizer, and we are the tokenizer).
- `target_prefix()` is the token the decoder must start with (NLLB `eng_Latn`, M2M `__en__`,
  an Argos package's `target_prefix`), and `decode` drops it again.
- A shared tokenizer is loaded once, not twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sentencepiece

#: layout names, as `reader model list` shows them and reader-model.json records them
ARGOS = "argos"  # an Argos package: sentencepiece.model, model/
SHARED = "shared-spm"  # one SentencePiece model for both sides
SEPARATE = "separate-spm"  # quickmt (src.spm.model/tgt.spm.model), OPUS-MT (source/target.spm)
NLLB = "nllb"  # NLLB-200: sentencepiece.bpe.model, zho_Hans / eng_Latn language tokens
M2M = "m2m100"  # M2M-100: sentencepiece.bpe.model, __zh__ / __en__ language tokens


@dataclass(frozen=True, slots=True)
class Layout:
    """What a CTranslate2 model directory needs around it to translate zh→en."""

    kind: str
    model_dir: Path  # holds model.bin
    source_spm: Path
    target_spm: Path
    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: tuple[str, ...] = ()


class Tokenizer:
    """The SentencePiece side of a `Layout`, loaded on construction (~10 ms per model)."""

    def __init__(self, layout: Layout) -> None:
        import sentencepiece  # ~10 ms

        self.layout = layout
        self.source: sentencepiece.SentencePieceProcessor = sentencepiece.SentencePieceProcessor(
            model_file=str(layout.source_spm)
        )
        self.target = (
            self.source
            if layout.target_spm == layout.source_spm
            else sentencepiece.SentencePieceProcessor(model_file=str(layout.target_spm))
        )

    def encode_source(self, text: str) -> list[str]:
        pieces: list[str] = self.source.encode(text, out_type=str)
        return [*self.layout.source_prefix, *pieces, *self.layout.source_suffix]

    def target_prefix(self, english: str | None = None) -> list[str]:
        """The decoder's forced start: the language token, then `english` in target pieces."""
        prefix = list(self.layout.target_prefix)
        if english:
            prefix += self.target.encode(english, out_type=str)
        return prefix

    def decode(self, tokens: list[str]) -> str:
        start = len(self.layout.target_prefix)
        if start and tuple(tokens[:start]) == self.layout.target_prefix:
            tokens = tokens[start:]
        text = str(self.target.decode_pieces(tokens))
        return text[1:] if text.startswith(" ") else text
