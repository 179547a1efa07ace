"""A real, tiny Argos zh→en package with random weights, built in about a second.

`build_tiny_package(dest_dir)` writes `translate-zh_en-tiny.argosmodel`: a zip holding one
top-level folder with metadata.json, a SentencePiece model trained on the seeds plus some
English, and a CTranslate2 Transformer (2+2 layers, d_model 64) whose weights are seeded
random numbers. Its English is junk; its structure is exactly a real package's, so install,
validation, tokenization, batching, n-best and target prefixes run for real.

`build_package(...)` is the general builder; bench/build_base_model.py uses it for a
transformer-base-size model.

Pytest fixtures (enable with `pytest_plugins = ["tests.tiny_model"]` in conftest.py):
- `tiny_argos_archive` (session): the .argosmodel file, built once per session.
- `installed_tiny_model`: installs it with `reader model install --file` into the test's own
  ARGOS_PACKAGES_DIR and returns the `InstalledModel`.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TINY_FOLDER = "translate-zh_en-tiny"
TINY_VERSION = "0.1"
TINY_OUTPUT_PIECES = 12  # every tiny-model output stops after this many pieces
MAX_POSITIONS = 1024  # rows of the decoder position table when it is written out
_DELIMITER = "\u2402"  # split here when training, never a piece (U+2402 START OF TEXT symbol)

# So that the target side has English pieces to emit, and byte fallback has company.
ENGLISH = """\
The State Council held an executive meeting on Wednesday.
The committee discussed the economy, public health and epidemic prevention and control.
Local governments should strengthen coordination and improve public services.
The ministry said the policy would support small and medium-sized enterprises.
Officials reported that exports grew by five percent in the first quarter.
The new regulations take effect on the first of next month.
Reporters asked about the development of rural areas and the protection of the environment.
The people's congress approved the plan for national economic and social development.
Hong Kong and Macao will maintain long-term prosperity and stability.
Science and technology innovation is the core of the country's development strategy.
"""


def corpus_lines() -> list[str]:
    """Training text for the tokenizer: every non-blank seed line plus the English above."""
    lines: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines += ENGLISH.splitlines() * 3
    return [line for line in lines if line]


def train_sentencepiece(
    lines: list[str], vocab_size: int, coverage: float, han_per_piece: int = 0
) -> bytes:
    """Train a BPE SentencePiece model with byte fallback (so any input tokenizes).

    Trained on the very text it will tokenize, BPE learns whole phrases (3.3 characters per
    Chinese piece at 8,000 pieces, some sentences a single piece), which no tokenizer trained
    on a large corpus does. With `han_per_piece` N, no piece spans more than N Han characters
    (English keeps its subwords): 2 is closer to a real zh→en vocabulary."""
    if han_per_piece:
        from reader.han import HAN_CHAR

        run = re.compile(f"(?:{HAN_CHAR.pattern})+")

        def cut(match: re.Match[str]) -> str:
            text = match.group(0)
            return _DELIMITER.join(
                text[i : i + han_per_piece] for i in range(0, len(text), han_per_piece)
            )

        lines = [run.sub(cut, line) for line in lines]
    import sentencepiece as spm  # ~20 ms

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="bpe",
        # the seeds hold ~1,700 distinct characters; rarer ones fall back to bytes
        character_coverage=coverage,
        byte_fallback=True,
        hard_vocab_limit=False,  # the seeds cannot fill every size asked for
        split_digits=True,
        num_threads=2,
        pretokenization_delimiter=_DELIMITER if han_per_piece else "",
        minloglevel=2,
    )
    return model.getvalue()


def sinusoids(length: int, depth: int):  # -> numpy array [length, depth]
    """The usual sinusoidal position table (sines in the first half, cosines in the second)."""
    import numpy as np

    half = depth // 2
    rates = np.exp(-np.log(10000.0) * np.arange(half) / max(half - 1, 1))
    angles = np.arange(length)[:, None] * rates[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(np.float32)


def output_bias(vocabulary: list[str], real_pieces: int | None = None):  # -> numpy array
    """A bias on the output layer so random weights emit English-looking pieces.

    Whole ASCII words get +6, ASCII fragments +3, everything else (Chinese, bytes, <unk>,
    </s>) -8, so the junk is English-looking words rather than Chinese characters. Padding
    pieces past the first `real_pieces` (unknown to SentencePiece) get -8 too.
    """
    import numpy as np

    bias = np.full(len(vocabulary), -8.0, dtype=np.float32)
    for i, piece in enumerate(vocabulary[:real_pieces]):
        word = piece.replace("▁", "")
        if word and word.isascii() and word.isprintable() and not piece.startswith("<"):
            # whole words (▁-prefixed) above fragments, so the junk has spaces in it
            bias[i] = 6.0 if piece.startswith("▁") else 3.0
    return bias


def _import_specs():  # -> (TransformerSpec, model_spec module)
    """Import ctranslate2.specs without torch: it imports torch (~2 s) only to accept torch
    tensors, and we pass numpy arrays. A `None` in sys.modules makes `import torch` fail fast."""
    import sys

    block = "torch" not in sys.modules
    if block:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        from ctranslate2.specs import TransformerSpec, model_spec  # ~60 ms without torch
    finally:
        if block:
            del sys.modules["torch"]
    return TransformerSpec, model_spec


def weight_shape(name: str, d_model: int, ffn: int, vocab: int) -> tuple[int, ...]:
    """The shape of one weight of a TransformerSpec, from its name."""
    parts = name.split("/")
    leaf, layer = parts[-1], parts[-2]
    if leaf in ("gamma", "beta"):
        return (d_model,)
    if "embeddings" in layer or layer == "projection":
        return (vocab, d_model)
    block = parts[-3]
    if block == "ffn":
        return (ffn, d_model) if layer == "linear_0" else (d_model, ffn)
    if block == "self_attention":
        # linear_0 is the fused query/key/value projection
        return (3 * d_model, d_model) if layer == "linear_0" else (d_model, d_model)
    if block == "attention":  # encoder-decoder attention: query, fused key/value, output
        return (2 * d_model, d_model) if layer == "linear_1" else (d_model, d_model)
    raise ValueError(f"no shape rule for {name}")


def fill_weights(
    spec: Any, d_model: int, ffn: int, vocab: int, rng: Any, scale: float = 1.0
) -> None:
    """Give every weight of `spec` not yet set a value: LayerNorm gamma 1 and beta 0, others
    seeded normal with standard deviation `scale` / sqrt(fan-in)."""
    import numpy as np

    _, model_spec = _import_specs()

    def fill(layer_spec: Any, name: str, value: Any) -> None:
        if value is not None:
            return
        leaf = name.split("/")[-1]
        shape = weight_shape(name, d_model, ffn, vocab)
        if leaf == "gamma":
            array = np.ones(shape, dtype=np.float32)
        elif leaf == "beta":
            array = np.zeros(shape, dtype=np.float32)
        else:
            array = rng.normal(0.0, scale * shape[-1] ** -0.5, size=shape).astype(np.float32)
        setattr(layer_spec, leaf, array)

    model_spec.visit_spec(spec, fill)


def random_transformer(
    vocabulary: list[str],
    *,
    layers: tuple[int, int],
    d_model: int,
    heads: int,
    ffn: int,
    seed: int,
    stop_after: int | None = None,
    real_pieces: int | None = None,
    source_vocabulary: list[str] | None = None,
):  # -> ctranslate2.specs.TransformerSpec
    """A CTranslate2 Transformer spec (pre-norm) with seeded random weights; `vocabulary` on
    both sides, or on the target side only when `source_vocabulary` is given.

    Random weights almost never predict </s>, so every output would run to the maximum
    decoding length. With `stop_after=K`, the decoder's position table carries a sign in
    dimension 0 (-6 before position K, +6 from K on) that no layer writes to, and the </s>
    row of the output layer reads only that dimension: outputs are then exactly K pieces long
    (longer only with a longer prefix), like a real model that stops, while every other
    weight stays random.
    """
    import numpy as np

    TransformerSpec, _ = _import_specs()

    spec = TransformerSpec.from_config(layers, heads)
    rng = np.random.default_rng(seed)
    vocab = len(vocabulary)
    if source_vocabulary is not None:  # set first: fill_weights sizes every table by `vocab`
        shape = (len(source_vocabulary), d_model)
        spec.encoder.embeddings[0].weight = rng.normal(0.0, d_model**-0.5, shape).astype(np.float32)

    fill_weights(spec, d_model, ffn, vocab, rng)
    spec.decoder.projection.bias = output_bias(vocabulary, real_pieces)
    if stop_after is not None:
        eos = vocabulary.index("</s>")
        positions = sinusoids(MAX_POSITIONS, d_model)
        positions[:, 0] = np.where(np.arange(MAX_POSITIONS) < stop_after, -6.0, 6.0)
        spec.decoder.position_encodings.encodings = positions
        # nothing else writes to dimension 0 of the decoder's residual stream...
        spec.decoder.embeddings.weight[:, 0] = 0.0
        for layer in spec.decoder.layer:
            for out in (
                layer.self_attention.linear[-1],
                layer.attention.linear[-1],
                layer.ffn.linear_1,
            ):
                out.weight[0, :] = 0.0
        # ...and only </s> reads it
        projection = spec.decoder.projection.weight
        projection[:, 0] = 0.0
        projection[eos] = 0.0
        # after the final layer norm, ±6 becomes about ±3: a </s> logit of about ±24
        projection[eos, 0] = 8.0
        spec.decoder.projection.bias[eos] = 0.0
    spec.register_source_vocabulary(source_vocabulary or vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def metadata(version: str, description: str) -> dict:
    """metadata.json as a real Argos zh→en package has it."""
    return {
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": "zh",
        "from_name": "Chinese",
        "to_code": "en",
        "to_name": "English",
        "type": "translate",
        "languages": [],
        "description": description,
    }


def build_package(
    dest_dir: Path,
    *,
    folder: str,
    version: str,
    layers: tuple[int, int],
    d_model: int,
    heads: int,
    ffn: int,
    sp_vocab_size: int,
    character_coverage: float = 1.0,
    model_vocab_size: int | None = None,
    quantization: str | None = None,
    seed: int = 1234,
    stop_after: int | None = None,
    description: str = "random weights for tests",
    piecewise: bool = False,
    han_per_piece: int = 0,
) -> Path:
    """Write `<dest_dir>/<folder>.argosmodel` and return its path.

    With `model_vocab_size` larger than the trained SentencePiece vocabulary, the model's
    vocabulary is padded with synthetic pieces (`▁zzNNNNN`) so embedding and softmax sizes
    match a real model's. With `han_per_piece` (see train_sentencepiece), the tokenizer also
    learns from the English in capitals, as a real one does from headlines and acronyms (a
    placeholder such as XTERM0X is then 5 pieces, not 8 with E as a byte). With `piecewise`,
    the weights are tests.piecewise_model's (a model
    that translates piece by piece and stops) instead of random ones.
    """
    import sentencepiece as spm

    dest_dir.mkdir(parents=True, exist_ok=True)
    lines = corpus_lines()
    if han_per_piece:  # a vocabulary like a real one: also learnt from capitalised English
        lines += [line.upper() for line in ENGLISH.splitlines()] * 3
    sp_bytes = train_sentencepiece(lines, sp_vocab_size, character_coverage, han_per_piece)
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocabulary = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    real_pieces = len(vocabulary)
    if model_vocab_size and model_vocab_size > len(vocabulary):
        vocabulary += [f"▁zz{i:05d}" for i in range(model_vocab_size - len(vocabulary))]
    shape = {"layers": layers, "d_model": d_model, "heads": heads, "ffn": ffn, "seed": seed}
    if piecewise:
        from tests.piecewise_model import piecewise_transformer

        spec = piecewise_transformer(vocabulary, real_pieces=real_pieces, **shape)
    else:
        spec = random_transformer(
            vocabulary, stop_after=stop_after, real_pieces=real_pieces, **shape
        )
    spec.validate()
    spec.optimize(quantization=quantization)
    stage = dest_dir / f".{folder}.build"
    model_dir = stage / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))
    archive = dest_dir / f"{folder}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{folder}/metadata.json", json.dumps(metadata(version, description), indent=2))
        zf.writestr(f"{folder}/sentencepiece.model", sp_bytes)
        zf.writestr(f"{folder}/README.md", f"# {folder}\n\n{description}\n")
        for path in sorted(model_dir.iterdir()):
            zf.write(path, f"{folder}/model/{path.name}")
    for path in model_dir.iterdir():
        path.unlink()
    model_dir.rmdir()
    stage.rmdir()
    return archive


def build_tiny_package(dest_dir: Path) -> Path:
    """The tiny test package: 2+2 layers, d_model 64, 2000 pieces, float32, deterministic."""
    return build_package(
        dest_dir,
        folder=TINY_FOLDER,
        version=TINY_VERSION,
        layers=(2, 2),
        d_model=64,
        heads=2,
        ffn=128,
        sp_vocab_size=2000,
        character_coverage=0.995,
        stop_after=TINY_OUTPUT_PIECES,
    )


@pytest.fixture(scope="session")
def tiny_argos_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_package(tmp_path_factory.mktemp("tiny-argos"))


@pytest.fixture
def installed_tiny_model(hermetic: Path, tiny_argos_archive: Path) -> Iterator:
    from reader.cli import main
    from reader.translation.packages import find_zh_en

    assert main(["model", "install", "--file", str(tiny_argos_archive)]) == 0
    model = find_zh_en()
    assert model is not None
    yield model
