"""Translation speed on the five seeds: plain Argos vs raw CTranslate2 vs our pipeline.

    python bench/translate_speed.py [--argos-paragraphs N] [--threads 2]

Model: a transformer-base-size random-weight Argos package (bench/build_base_model.py, built
once and cached). All four methods use beam 4, max_decoding_length 128, length penalty 0.2,
the same threads, and the model stops after 48 pieces, so each decodes the same amount:

(a) `argostranslate.translate.translate()` once per paragraph, as Argos users call it. It runs
    offline: ARGOS_CHUNK_TYPE=SPACY with a blank spaCy "zh" pipeline (character tokens plus
    the sentencizer) packaged in the model's spacy/ folder, and an empty spaCy cache folder
    so argostranslate does not try to download xx_sent_ud_sm. Its CTranslate2 call gets
    max_decoding_length=128 (argostranslate has no setting for it) through a thin wrapper.
(b) raw CTranslate2 over all sentences, length-sorted, batches of 32: the limit.
(c) our pipeline: `reader.translation.pipeline.Translator(ArgosEngine, glossary=None,
    memory)` over each
    seed document, memory empty, with the degenerate-output guard switched off: random
    weights make every output loop, which a trained model rarely does, so this is the
    pipeline's own cost.
(c') the same with the guard on: the worst case of a model that loops on every sentence;
    every output is decoded a second time (one batched call with repeats forbidden) and what
    still loops goes through the per-sentence retries.
(d) (c) again: every sentence now comes from the translation memory.

Figures are sentences per second over the sentences of the seeds as reader splits them;
model loading is excluded (each method translates one sentence first).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BEAM = 4
MAX_DECODING_LENGTH = 128
BATCH = 32


def hermetic_env(root: Path, threads: int) -> None:
    """Point argostranslate and reader at temp dirs; must run before argostranslate is imported."""
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        (root / var).mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(root / var)
    os.environ["HOME"] = str(root)
    os.environ["ARGOS_PACKAGES_DIR"] = str(root / "packages")
    os.environ["ARGOS_CHUNK_TYPE"] = "SPACY"
    os.environ["ARGOS_BEAM_SIZE"] = str(BEAM)
    os.environ["ARGOS_INTRA_THREADS"] = str(threads)
    os.environ["ARGOS_INTER_THREADS"] = "1"
    os.environ["ARGOS_COMPUTE_TYPE"] = "auto"
    # argostranslate.networking.cache_spacy downloads unless this folder exists; the package's
    # own spacy/ folder is what gets loaded
    (root / "XDG_CACHE_HOME" / "argos-translate" / "spacy" / "senter" / "model").mkdir(
        parents=True, exist_ok=True
    )
    os.environ.pop("READER_GLOSSARY", None)


def load_seeds():  # -> list[reader.documents.document.Document]
    from reader.documents.loading import load_document

    return [load_document(path) for path in sorted((ROOT / "seeds").glob("*.txt"))]


def timed(label: str, sentences: int, run) -> float:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    rate = sentences / seconds
    print(f"{label:<58} {sentences:5d} sentences {seconds:8.2f} s {rate:8.2f} sentences/s")
    return rate


class MaxLengthTranslator:
    """Wraps argostranslate's ctranslate2.Translator to pass our max_decoding_length."""

    def __init__(self, translator, max_decoding_length: int) -> None:
        self.translator = translator
        self.max_decoding_length = max_decoding_length

    def translate_batch(self, *args, **kwargs):
        kwargs.setdefault("max_decoding_length", self.max_decoding_length)
        return self.translator.translate_batch(*args, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description="translation speed: Argos vs CTranslate2 vs us")
    parser.add_argument(
        "--argos-paragraphs",
        type=int,
        default=0,
        metavar="N",
        help="time (a) on the first N paragraphs of each seed only (default: all)",
    )
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument(
        "--no-guard-run",
        action="store_true",
        help="skip (c'), the run with the degenerate-output guard on",
    )
    args = parser.parse_args()

    from bench.build_base_model import OUTPUT_PIECES, base_package

    archive = base_package()
    tmp = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    hermetic_env(tmp, args.threads)

    from reader.translation.packages import install_from_file

    model = install_from_file(archive)
    import spacy  # ~2 s

    spacy.blank("zh").to_disk(model.path / "spacy")

    docs = load_seeds()
    paragraphs = [p for d in docs for p in d.paragraphs]
    sentences = [s.text for p in paragraphs for s in p.sentences]
    print(
        f"model: {model.name} {model.version} (6+6 layers, d512, 32k vocab, int8, random weights, "
        f"outputs stop after {OUTPUT_PIECES} pieces); beam {BEAM}, "
        f"max_decoding_length {MAX_DECODING_LENGTH}, {args.threads} threads"
    )
    print(f"seeds: {len(docs)} documents, {len(paragraphs)} paragraphs, {len(sentences)} sentences")

    # (b) raw CTranslate2, length-sorted batches ------------------------------------------------
    import ctranslate2
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor(model_file=str(model.sentencepiece_model))
    raw = ctranslate2.Translator(
        str(model.model_dir), device="cpu", inter_threads=1, intra_threads=args.threads
    )
    options = {
        "beam_size": BEAM,
        "max_decoding_length": MAX_DECODING_LENGTH,
        "length_penalty": 0.2,
        "replace_unknowns": True,
    }
    raw.translate_batch([sp.encode(sentences[0], out_type=str)], **options)

    def run_raw() -> None:
        tokens = sorted((sp.encode(s, out_type=str) for s in sentences), key=len)
        for start in range(0, len(tokens), BATCH):
            for out in raw.translate_batch(
                tokens[start : start + BATCH], max_batch_size=BATCH, **options
            ):
                sp.decode_pieces(out.hypotheses[0])

    rate_b = timed("(b) raw CTranslate2, sorted batches of 32", len(sentences), run_raw)

    # (c), (d) our pipeline -----------------------------------------------------------------------
    from reader.translation.engines.argos import ArgosEngine
    from reader.translation.memory import TranslationMemory
    from reader.translation.pipeline import Translator

    engine = ArgosEngine(
        model,
        beam_size=BEAM,
        max_decoding_length=MAX_DECODING_LENGTH,
        threads=args.threads,
        batch_size=BATCH,
    )
    engine.translate_batch([sentences[0]])
    memory = TranslationMemory(tmp / "memory.sqlite3")

    import reader.translation.enforcement

    guard = reader.translation.enforcement._degenerate
    reader.translation.enforcement._degenerate = lambda *_args, **_kwargs: None

    def run_pipeline(memory: TranslationMemory = memory) -> None:
        translator = Translator(engine, None, memory, batch_size=64)
        for doc in docs:
            translator.translate(doc)

    rate_c = timed(
        "(c) reader pipeline, ArgosEngine, empty memory, guard off", len(sentences), run_pipeline
    )
    rate_d = timed("(d) reader pipeline, second run (memory)", len(sentences), run_pipeline)
    reader.translation.enforcement._degenerate = guard
    rate_g = None
    if not args.no_guard_run:
        guarded = TranslationMemory(tmp / "guarded.sqlite3")
        rate_g = timed(
            "(c') the same, guard on (every random output loops)",
            len(sentences),
            lambda: run_pipeline(guarded),
        )

    # (a) plain argostranslate, one call per paragraph --------------------------------------------
    import argostranslate.translate as argos  # ~3 s: torch, stanza, spaCy

    translation = argos.get_translation_from_codes("zh", "en")
    translation.translate(paragraphs[0].text)  # loads the model and the sentencizer
    package_translation = translation.underlying
    package_translation.translator = MaxLengthTranslator(
        package_translation.translator, MAX_DECODING_LENGTH
    )
    subset = paragraphs
    if args.argos_paragraphs:
        subset = [p for d in docs for p in d.paragraphs[: args.argos_paragraphs]]
    subset_sentences = sum(len(p.sentences) for p in subset)

    def run_argos() -> None:
        for p in subset:
            argos.translate(p.text, "zh", "en")

    note = f" ({len(subset)} paragraphs)" if subset is not paragraphs else ""
    rate_a = timed(
        f"(a) argostranslate.translate() per paragraph{note}", subset_sentences, run_argos
    )

    print()
    print(f"c/a = {rate_c / rate_a:5.2f}   (target >= 5)")
    print(f"c/b = {rate_c / rate_b:5.2f}   (target >= 0.85: within 15% of raw CTranslate2)")
    print(f"d/c = {rate_d / rate_c:5.1f}   (target >= 50)")
    if rate_g is not None:
        print(f"c'/b = {rate_g / rate_b:5.2f}  (guard on, every output degenerate: worst case)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
