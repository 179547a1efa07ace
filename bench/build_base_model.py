"""Build (once, cached in bench/.cache/) a transformer-base-size random-weight Argos package.

Shape of a real Argos zh→en model: 6+6 layers, d_model 512, 8 heads, FFN 2048, a 32,000-piece
vocabulary, int8 weights. The SentencePiece model is trained on the five seeds plus some
English; the seeds cannot fill 32,000 pieces, so the model's vocabulary is padded with
synthetic pieces to 32,000 (the embedding and softmax cost is that of a real model; the padded
pieces never occur in the input). Outputs stop after `OUTPUT_PIECES` pieces (see
`tests.tiny_model.random_transformer`), about the length of an English translation of a seed
sentence, so every method decodes the same amount.

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
}


def _fingerprint() -> str:
    """Changes when the builder or the shape changes, so a stale cached model is rebuilt."""
    import hashlib

    builder = (ROOT / "tests" / "tiny_model.py").read_bytes()
    return hashlib.sha256(builder + repr(sorted(SHAPE.items())).encode()).hexdigest()[:12]


def base_package(force: bool = False) -> Path:
    """The cached .argosmodel, built on first use (~6 s)."""
    archive = CACHE / f"{FOLDER}-{_fingerprint()}.argosmodel"
    if archive.exists() and not force:
        return archive
    CACHE.mkdir(parents=True, exist_ok=True)
    # keep the cache out of git without touching the repository's .gitignore
    (CACHE / ".gitignore").write_text("*\n")
    started = time.perf_counter()
    for old in CACHE.glob(f"{FOLDER}*.argosmodel"):
        old.unlink()
    built = build_package(
        CACHE,
        folder=FOLDER,
        version=VERSION,
        description="transformer-base shape, random weights, for bench/translate_speed.py",
        **SHAPE,  # type: ignore[arg-type]
    )
    built = built.rename(archive)
    print(f"built {built} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return built


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    print(base_package(parser.parse_args().force))
