"""Tiny CTranslate2 models of every non-Argos layout, built at test time in about a second each.

- `build_separate(dest, names)`: a random-weight Transformer with separate source and target
  SentencePiece models and vocabularies (the source trained on the seeds' Chinese, the target
  on English), saved under quickmt's names (`src.spm.model`/`tgt.spm.model`) or OPUS-MT's
  (`source.spm`/`target.spm`, with `add_source_eos` as the Marian converter writes it).
- `build_nllb(dest)`: one SentencePiece model (`sentencepiece.bpe.model`) and a shared
  vocabulary that ends with the language tokens `zho_Hans` and `eng_Latn`, as NLLB-200's does;
  config.json as the Transformers converter writes it (no implicit `</s>`, decoding starts
  from `</s>`), so the reader must add `zho_Hans … </s>` and the `eng_Latn` target prefix.
Each writes a model folder (model.bin, config.json, vocabularies, tokenizers, README.md);
`archive(folder, kind)` packs one as .zip or .tar.gz. Outputs are junk English-looking words
that stop after `TINY_OUTPUT_PIECES`, so every run is short and deterministic.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from pathlib import Path

from tests.tiny_model import (
    ENGLISH,
    TINY_OUTPUT_PIECES,
    corpus_lines,
    random_transformer,
    train_sentencepiece,
)

QUICKMT = ("src.spm.model", "tgt.spm.model")
OPUS = ("source.spm", "target.spm")
NLLB_TOKENS = ("zho_Hans", "eng_Latn")


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _save(spec, folder: Path) -> None:  # spec: ctranslate2.specs.TransformerSpec
    spec.validate()
    spec.optimize()
    folder.mkdir(parents=True, exist_ok=True)
    spec.save(str(folder))
    (folder / "README.md").write_text("random weights for tests\n", encoding="utf-8")


def build_separate(dest: Path, names: tuple[str, str] = QUICKMT, seed: int = 7) -> Path:
    from reader.han import has_han

    chinese = [line for line in corpus_lines() if has_han(line)]
    source_model = train_sentencepiece(chinese, 2000, 0.995)
    target_model = train_sentencepiece(ENGLISH.splitlines() * 3, 300, 1.0)
    source, target = _pieces(source_model), _pieces(target_model)
    spec = random_transformer(
        target,
        layers=(2, 2),
        d_model=64,
        heads=2,
        ffn=128,
        seed=seed,
        stop_after=TINY_OUTPUT_PIECES,
        source_vocabulary=source,
    )
    if names == OPUS:
        spec.config.add_source_eos = True  # what ct2-opus-mt-converter (Marian) writes
    folder = dest / ("quickmt-zh-en-tiny" if names == QUICKMT else "opus-mt-zh-en-tiny")
    _save(spec, folder)
    (folder / names[0]).write_bytes(source_model)
    (folder / names[1]).write_bytes(target_model)
    return folder


def build_nllb(dest: Path, seed: int = 11) -> Path:
    sp_model = train_sentencepiece(corpus_lines(), 2000, 0.995)
    vocabulary = [*_pieces(sp_model), *NLLB_TOKENS]  # NLLB appends its language codes
    spec = random_transformer(
        vocabulary,
        layers=(2, 2),
        d_model=64,
        heads=2,
        ffn=128,
        seed=seed,
        stop_after=TINY_OUTPUT_PIECES,
        real_pieces=len(vocabulary) - len(NLLB_TOKENS),  # the model never writes a language
    )
    spec.config.decoder_start_token = "</s>"  # as the Transformers converter writes NLLB's
    folder = dest / "nllb-200-tiny-ct2"
    _save(spec, folder)
    (folder / "sentencepiece.bpe.model").write_bytes(sp_model)
    return folder


def archive(folder: Path, kind: str) -> Path:
    """`folder` packed as `<folder>.zip` or `<folder>.tar.gz` (one top-level folder)."""
    if kind == "zip":
        out = folder.with_suffix(".zip")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.iterdir()):
                zf.write(path, f"{folder.name}/{path.name}")
        return out
    out = folder.parent / f"{folder.name}.tar.gz"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
        tf.add(folder, arcname=folder.name)
    out.write_bytes(buffer.getvalue())
    return out


def copy_of(folder: Path, dest: Path) -> Path:
    return Path(shutil.copytree(folder, dest / folder.name))
