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

Run directly to (re)build: `python bench/build_base_model.py [--force]`.
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
    shape = repr(sorted(SHAPES[kind].items())).encode()
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    parser.add_argument("--kind", choices=sorted(SHAPES), default="piecewise")
    arguments = parser.parse_args()
    print(base_package(arguments.kind, arguments.force))
