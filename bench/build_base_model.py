"""Build (once, cached in bench/.cache/) the two transformer-base-size Argos packages.

Shape of a real Argos zh→en model: 6+6 layers, d_model 512, 8 heads, FFN 2048, a 32,000-piece
vocabulary, int8 weights. The SentencePiece model is trained on the five seeds plus some
English, no piece spanning more than two Han characters (tests.tiny_model.train_sentencepiece);
the seeds cannot fill 32,000 pieces, so the model's vocabulary is padded with synthetic pieces to
32,000 (the embedding and softmax cost is that of a real model; the padded pieces never occur
in the input).

- "piecewise" (`tests.piecewise_model`): weights set by hand so the model behaves like a
  trained one where it costs time: one English piece per source piece, then `</s>`; Latin
  pieces and placeholders copied; alternatives a few nats away. 2 heads of 256 instead of 8 of
  64 (the same multiply-adds: attention costs d_model per position whatever the split).
- "looping" (`tests.tiny_model.random_transformer`): random weights; almost every output is a
  repetition loop, stopped after `OUTPUT_PIECES` pieces or by the decoding cap. The worst case.

`layout_model(kind)` builds the same random-weight "looping" shape (outputs stop after
`OUTPUT_PIECES`) in the other CTranslate2 layouts, as model folders the reader installs:
"quickmt" (src.spm.model/tgt.spm.model), "opus-mt" (source.spm/target.spm, `add_source_eos`
as ct2-opus-mt-converter writes it), each side's vocabulary padded to 32,000; "nllb"
(sentencepiece.bpe.model, one vocabulary of 32,000 ending with `zho_Hans`/`eng_Latn`; a real
NLLB-200 has 256,206 pieces and d1024, so its softmax costs ~16x this one's per step).

Run directly to (re)build: `python bench/build_base_model.py [--force] [--kind K]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.tiny_model import build_package  # noqa: E402

LAYOUT_KINDS = ("quickmt", "opus-mt", "nllb")

CACHE = Path(__file__).resolve().parent / ".cache"
FOLDER = "translate-zh_en-benchbase"
VERSION = "1.0"
OUTPUT_PIECES = 48  # a ~35-character seed sentence is ~25 English words, ~40-50 pieces
SHAPE = {
    "layers": (6, 6),
    "d_model": 512,
    "heads": 8,
    "ffn": 2048,
    "sp_vocab_size": 8000,  # the most the seeds support is fewer; hard_vocab_limit is off
    "model_vocab_size": 32000,
    "quantization": "int8",
    "stop_after": OUTPUT_PIECES,
    "han_per_piece": 2,
}
PIECEWISE_SHAPE = {
    **{key: value for key, value in SHAPE.items() if key != "stop_after"},
    "heads": 2,
    "piecewise": True,
}
SHAPES = {"looping": SHAPE, "piecewise": PIECEWISE_SHAPE}


def _fingerprint(kind: str) -> str:
    """Changes when a builder or the shape changes, so a stale cached model is rebuilt."""
    import hashlib

    builders = b"".join(
        (ROOT / "tests" / name).read_bytes() for name in ("tiny_model.py", "piecewise_model.py")
    )
    if kind in LAYOUT_KINDS:  # the Argos packages' fingerprints stay what they were
        builders += (ROOT / "tests" / "layout_models.py").read_bytes()
        builders += Path(__file__).read_bytes()
    shape = repr(sorted(SHAPES.get(kind, SHAPE).items())).encode()
    return hashlib.sha256(builders + shape).hexdigest()[:12]


def base_package(kind: str = "piecewise", force: bool = False) -> Path:
    """The cached .argosmodel of `kind` ("piecewise" or "looping"), built on first use (~8 s)."""
    folder = f"{FOLDER}-{kind}"
    archive = CACHE / f"{folder}-{_fingerprint(kind)}.argosmodel"
    if archive.exists() and not force:
        return archive
    CACHE.mkdir(parents=True, exist_ok=True)
    # keep the cache out of git without touching the repository's .gitignore
    (CACHE / ".gitignore").write_text("*\n")
    started = time.perf_counter()
    for old in CACHE.glob(f"{folder}-*.argosmodel"):
        old.unlink()
    built = build_package(
        CACHE,
        folder=folder,
        version=VERSION,
        description=f"transformer-base shape, {kind} weights, for bench/translate_speed.py",
        **SHAPES[kind],  # type: ignore[arg-type]
    )
    built = built.rename(archive)
    print(f"built {built} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return built


def _padded(pieces: list[str], size: int) -> list[str]:
    """`pieces` padded with synthetic ones to `size` (they never occur in the input)."""
    return pieces + [f"▁zz{i:05d}" for i in range(size - len(pieces))]


def layout_model(kind: str, force: bool = False) -> Path:
    """The cached model folder of `kind` (LAYOUT_KINDS) at the looping model's shape, built on
    first use (~10 s)."""
    import shutil

    from reader.han import has_han
    from tests.layout_models import NLLB_TOKENS, _pieces
    from tests.tiny_model import ENGLISH, corpus_lines, random_transformer, train_sentencepiece

    folder = CACHE / f"{kind}-zh-en-benchbase-{_fingerprint(kind)}"
    if folder.exists() and not force:
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    started = time.perf_counter()
    for old in CACHE.glob(f"{kind}-zh-en-benchbase-*"):
        shutil.rmtree(old)
    vocab = SHAPE["model_vocab_size"]
    english = ENGLISH.splitlines() + [line.upper() for line in ENGLISH.splitlines()]
    shape = {key: SHAPE[key] for key in ("layers", "d_model", "heads", "ffn", "stop_after")}
    files: dict[str, bytes] = {}
    if kind == "nllb":
        model = train_sentencepiece(corpus_lines() + english * 3, 8000, 1.0, 2)
        real = _pieces(model)
        vocabulary = [*_padded(real, vocab - len(NLLB_TOKENS)), *NLLB_TOKENS]
        spec = random_transformer(vocabulary, seed=1234, real_pieces=len(real), **shape)
        spec.config.decoder_start_token = "</s>"  # as the Transformers converter writes it
        files["sentencepiece.bpe.model"] = model
    else:
        chinese = [line for line in corpus_lines() if has_han(line)]
        source_model = train_sentencepiece(chinese, 8000, 1.0, 2)
        target_model = train_sentencepiece(english * 3, 8000, 1.0)
        target = _pieces(target_model)
        spec = random_transformer(
            _padded(target, vocab),
            seed=1234,
            real_pieces=len(target),
            source_vocabulary=_padded(_pieces(source_model), vocab),
            **shape,
        )
        names = (
            ("src.spm.model", "tgt.spm.model")
            if kind == "quickmt"
            else ("source.spm", "target.spm")
        )
        if kind == "opus-mt":
            spec.config.add_source_eos = True  # what ct2-opus-mt-converter (Marian) writes
        files = dict(zip(names, (source_model, target_model), strict=True))
    spec.validate()
    spec.optimize(quantization=str(SHAPE["quantization"]))
    stage = CACHE / f".{folder.name}.build"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    spec.save(str(stage))
    for name, data in files.items():
        (stage / name).write_bytes(data)
    (stage / "README.md").write_text(f"random weights, {kind} layout, for bench/\n")
    stage.rename(folder)
    print(f"built {folder} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return folder


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    parser.add_argument("--kind", choices=[*sorted(SHAPES), *LAYOUT_KINDS], default="piecewise")
    arguments = parser.parse_args()
    if arguments.kind in LAYOUT_KINDS:
        print(layout_model(arguments.kind, arguments.force))
    else:
        print(base_package(arguments.kind, arguments.force))
