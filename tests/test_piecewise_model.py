"""The hand-built benchmark model (tests/piecewise_model.py) behaves as its docstring says.

bench/translate_speed.py rests on it: if it stopped early, looped or mangled placeholders,
the benchmark would time something else than a trained model's work.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.piecewise_model import english_words, targets_of
from tests.tiny_model import build_package

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def piecewise(tmp_path_factory: pytest.TempPathFactory):  # -> (translator, sentencepiece)
    import ctranslate2
    import sentencepiece as spm

    root = tmp_path_factory.mktemp("piecewise")
    archive = build_package(
        root,
        folder="translate-zh_en-piecewise",
        version="1.0",
        layers=(1, 1),
        d_model=512,  # 256-dimensional heads, as in the benchmark's model
        heads=2,
        ffn=256,
        sp_vocab_size=3000,
        han_per_piece=2,
        piecewise=True,
    )
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(root)
    folder = root / "translate-zh_en-piecewise"
    sp = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    return ctranslate2.Translator(str(folder / "model"), intra_threads=1), sp


def seed_sentences() -> list[str]:
    from reader.documents.loading import load_document

    root = Path(__file__).resolve().parent.parent / "seeds"
    docs = [load_document(path) for path in sorted(root.glob("*.txt"))]
    return [s.text for d in docs for p in d.paragraphs[:6] for s in p.sentences]


def test_one_target_piece_per_source_piece_then_stop(piecewise) -> None:
    translator, sp = piecewise
    vocabulary = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    words = english_words(vocabulary)
    sources = [sp.encode(s, out_type=str) for s in seed_sentences()]
    sources = [s for s in sources if len(s) >= 3]  # one- and two-piece sources may loop
    outputs = translator.translate_batch(
        sources, beam_size=4, length_penalty=0.2, max_decoding_length=128
    )
    same_length = chosen = pieces = 0
    for source, output in zip(sources, outputs, strict=True):
        hypothesis = output.hypotheses[0]
        same_length += len(hypothesis) == len(source)
        for piece, written in zip(source, hypothesis, strict=False):
            pieces += 1
            chosen += written in {t for t, _ in targets_of(piece, set(vocabulary), words)}
    assert len(sources) > 50
    assert same_length >= 0.95 * len(sources)
    assert chosen >= 0.95 * pieces  # piece t is written at step t


def test_placeholders_are_copied_and_the_output_is_english(piecewise) -> None:
    from reader.han import han_count
    from reader.translation.degenerate import degenerate_reason

    translator, sp = piecewise
    sources = [f"各地要落实XTERM{i}X和XTERM{i + 1}X的要求，做好防控工作。" for i in range(5)]
    outputs = translator.translate_batch(
        [sp.encode(s, out_type=str) for s in sources], beam_size=4, length_penalty=0.2
    )
    for i, (source, output) in enumerate(zip(sources, outputs, strict=True)):
        english = sp.decode_pieces(output.hypotheses[0])
        assert f"XTERM{i}X" in english and f"XTERM{i + 1}X" in english, english
        assert han_count(english) == 0
        assert degenerate_reason(source, english) is None, english
