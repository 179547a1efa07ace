"""Translation speed on the five seeds: plain Argos against raw CTranslate2 and the product.

    python bench/translate_speed.py [--paragraphs N] [--worst-paragraphs N] [--runs 3]

Models (bench/build_base_model.py, built once and cached): transformer-base size (6+6 layers,
d512, 32k vocabulary, int8). A trained zh→en package cannot be downloaded here, so rows (a) to
(d) use the "piecewise" model: weights set by hand so it behaves like a trained model where it
costs time (one English piece per source piece, then </s>; placeholders copied; alternatives a
few nats away for the beam); its English is junk. The worst-case rows (w) use the "looping"
random-weight model, whose every output is a repetition loop. Every row uses beam 4, length
penalty 0.2, the same cores (but (a1), one), and the shipped decoding cap (`decoding_cap`: 3x
the longest source of a call or batch + 10 pieces, at most 256).

Threads: (a) and (a') keep argostranslate's layout (one batch at a time on every core:
ARGOS_INTER_THREADS=1, ARGOS_INTRA_THREADS set to --threads, all cores by default, which is
what argostranslate's default 0 means); (b) and the pipeline decode as ArgosEngine
does (`thread_layout`: two batches at once, the cores shared; on 2 cores, one each). On this
machine one core per batch is much the faster for small batches, which Argos users can also
choose: (a1) is (a) with ARGOS_INTRA_THREADS=1, so the gain from threads is shown apart.

(a)  `argostranslate.translate.translate()` once per paragraph, as Argos users call it, with
     argostranslate's own batching: one `translate_batch` per paragraph with
     `batch_type="tokens"`, `max_batch_size=32` (32 *tokens*: about one sentence per batch).
     It runs offline: ARGOS_CHUNK_TYPE=SPACY with a blank spaCy "zh" pipeline (character
     tokens plus the sentencizer) in the model's spacy/ folder, and an empty spaCy cache folder
     so argostranslate does not download xx_sent_ud_sm. The decoding cap is passed to its
     CTranslate2 call by a thin wrapper (argostranslate has no setting for it).
(a1) (a) on one intra-op thread (ARGOS_INTRA_THREADS=1).
(a') the same with a large batch (`settings.batch_size` = 4096 tokens): each paragraph's
     sentences in one batch. (a) → (a') is what batching gains; (a') → (c0) what sorting
     across paragraphs and our pipeline gain.
(b)  raw CTranslate2 over each document's sentences, sorted by length once per document (as
     the pipeline sorts), batches of 32 examples queued together for ArgosEngine's workers:
     the limit for this decoding.
(c)  the product as shipped: `reader.translation.pipeline.Translator` with `ArgosEngine`, the
     shipped glossary (reader/data/glossary.csv), placeholders, checks and repairs on, the
     guard on, `order="length"` (what `reader export` and `reader translate` use), an empty
     memory.
(c-) (c) with the guard off (`Translator(guard=False)`).
(c0) no glossary, guard off: the pipeline's own overhead over (b).
(d)  (c) again over its own memory: the cached re-run.
(w), (w-) (c) and (c-) on the looping model (first --worst-paragraphs paragraphs of each
     seed): what the guard and its retry budget cost when every output loops.

Every figure is the median of `--runs` runs (min and max printed); model loading is excluded
(each method translates one sentence first); (a) also excludes loading spaCy. Encoder padding
(padded source tokens / real tokens) is printed for the TUI's chunk-local sort (chunks of 64
sentences in document order, engine batches of 32) and for one sort of the whole document.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BEAM = 4
MAX_DECODING_LENGTH = 256  # the shipped ArgosEngine default, and CTranslate2's (what Argos gets)
BATCH = 32
ARGOS_LARGE_BATCH = 4096  # tokens


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


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "CPU model unknown"


def load_seeds(paragraphs: int = 0):  # -> list[reader.documents.document.Document]
    """The seeds; with `paragraphs`, only the first N paragraphs of each."""
    from reader.documents.loading import load_document

    docs = [load_document(path) for path in sorted((ROOT / "seeds").glob("*.txt"))]
    if paragraphs:
        for doc in docs:
            doc.paragraphs = doc.paragraphs[:paragraphs]
    return docs


class Row:
    """One benchmark row: `runs` timed runs of the same work."""

    def __init__(self, label: str, sentences: int, seconds: list[float], cpu: list[float]):
        self.label, self.sentences, self.seconds, self.cpu = label, sentences, seconds, cpu

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        return self.sentences / self.median

    @property
    def cpu_rate(self) -> float:
        return self.sentences / statistics.median(self.cpu)

    def __str__(self) -> str:
        low, high = min(self.seconds), max(self.seconds)
        cpu = statistics.median(self.cpu)
        return (
            f"{self.label:<40} {self.sentences:3d} sent  wall {self.median:7.2f} s "
            f"({low:.2f}-{high:.2f}) {self.rate:7.2f} sent/s  CPU {cpu:7.2f} s "
            f"({min(self.cpu):.2f}-{max(self.cpu):.2f}) {self.cpu_rate:7.2f} sent/CPU s"
        )


Spec = tuple[str, str, int, Callable[[int], object]]  # key, label, sentences, run(i)


def interleaved(specs: list[Spec], runs: int) -> dict[str, Row]:
    """Time every spec's `run(i)` once per round, `runs` rounds, rows in turn: a machine that
    slows down over the minutes slows every row alike (one row after another, c0 measured
    0.77x b; interleaved, within a few percent). Prints and returns the rows."""
    seconds: dict[str, list[float]] = {key: [] for key, *_ in specs}
    cpu: dict[str, list[float]] = {key: [] for key, *_ in specs}
    for i in range(runs):
        for key, label, _, run in specs:
            started, started_cpu = time.perf_counter(), time.process_time()
            run(i)
            seconds[key].append(time.perf_counter() - started)
            cpu[key].append(time.process_time() - started_cpu)  # every thread of this process
            print(f"  round {i + 1}/{runs}: {label} {seconds[key][-1]:.1f} s", flush=True)
    rows = {key: Row(label, n, seconds[key], cpu[key]) for key, label, n, _ in specs}
    for row in rows.values():
        print(row, flush=True)
    return rows


class CappedTranslator:
    """Wraps argostranslate's ctranslate2.Translator to pass the shipped decoding cap."""

    def __init__(self, translator: Any) -> None:
        self.translator = translator

    def translate_batch(self, source: list[list[str]], *args: Any, **kwargs: Any) -> Any:
        from reader.translation.engines.base import decoding_cap

        longest = max((len(tokens) for tokens in source), default=0)
        kwargs["max_decoding_length"] = decoding_cap(longest, MAX_DECODING_LENGTH)
        return self.translator.translate_batch(source, *args, **kwargs)


def padding(lengths_in_order: list[int], chunk: int | None) -> float:
    """Padded encoder tokens / real tokens: chunks of `chunk` sentences (None: one chunk)
    each sorted by length, cut into engine batches of BATCH."""
    chunks = [lengths_in_order] if chunk is None else [
        lengths_in_order[i : i + chunk] for i in range(0, len(lengths_in_order), chunk)
    ]  # fmt: skip
    padded = 0
    for part in chunks:
        ordered = sorted(part)
        for i in range(0, len(ordered), BATCH):
            batch = ordered[i : i + BATCH]
            padded += max(batch) * len(batch)
    return padded / sum(lengths_in_order)


def main() -> int:
    parser = argparse.ArgumentParser(description="translation speed: Argos vs CTranslate2 vs us")
    parser.add_argument(
        "--paragraphs",
        type=int,
        default=0,
        metavar="N",
        help="rows (a)-(d) on the first N paragraphs of each seed only (default: all)",
    )
    parser.add_argument(
        "--worst-paragraphs",
        type=int,
        default=4,
        metavar="N",
        help="rows (w) on the first N paragraphs of each seed (default: 4)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per row (median, min, max)")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()

    from bench.build_base_model import OUTPUT_PIECES, base_package

    archives = {kind: base_package(kind) for kind in ("piecewise", "looping")}
    tmp = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    hermetic_env(tmp, args.threads)

    from reader.translation.packages import install_from_file

    model = install_from_file(archives["piecewise"])
    import spacy  # ~2 s

    spacy.blank("zh").to_disk(model.path / "spacy")

    docs = load_seeds(args.paragraphs)
    paragraphs = [p for d in docs for p in d.paragraphs]
    sentences = [s.text for p in paragraphs for s in p.sentences]
    n = len(sentences)
    print(
        f"machine: {cpu_model()}, {len(os.sched_getaffinity(0))} cores, load average "
        f"{os.getloadavg()[0]:.1f} at start; {args.threads} threads; median of {args.runs} runs"
    )
    print(
        "models: 6+6 layers, d512, FFN 2048, 32k vocabulary, int8; (a)-(d) piecewise "
        "(hand-set weights, 2 heads of 256), (w) looping (random weights, 8 heads, outputs stop "
        f"after {OUTPUT_PIECES} pieces); beam {BEAM}, decoding cap 3x+10 (at most "
        f"{MAX_DECODING_LENGTH})"
    )
    print(f"seeds: {len(docs)} documents, {len(paragraphs)} paragraphs, {n} sentences")

    import ctranslate2
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor(model_file=str(model.sentencepiece_model))
    every = [s.text for d in load_seeds() for p in d.paragraphs for s in p.sentences]
    lengths = [len(sp.encode(s)) for s in every]
    print(
        f"encoder padding over all {len(every)} seed sentences (padded/real tokens): "
        f"chunks of 64 in document order (TUI) {padding(lengths, 64):.2f}, "
        f"whole document sorted (export, translate) {padding(lengths, None):.2f}"
    )
    print()

    # (b) raw CTranslate2, one sort, batches of 32 ---------------------------------------------
    from reader.translation.engines.argos import thread_layout
    from reader.translation.engines.base import decoding_cap

    workers, cores_per_worker = thread_layout(args.threads)
    raw = ctranslate2.Translator(
        str(model.model_dir), device="cpu", inter_threads=workers, intra_threads=cores_per_worker
    )
    options = {"beam_size": BEAM, "length_penalty": 0.2, "replace_unknowns": True}
    raw.translate_batch([sp.encode(sentences[0], out_type=str)], **options)

    def run_raw(_: int) -> None:
        for doc in docs:  # one sort per document, as `reader export` does
            text = [s.text for p in doc.paragraphs for s in p.sentences]
            tokens = sorted((sp.encode(s, out_type=str) for s in text), key=len)
            pending = []
            for start in range(0, len(tokens), BATCH):
                batch = tokens[start : start + BATCH]
                cap = decoding_cap(len(batch[-1]), MAX_DECODING_LENGTH)
                pending += raw.translate_batch(
                    batch,
                    max_batch_size=BATCH,
                    max_decoding_length=cap,
                    asynchronous=True,
                    **options,
                )
            for future in pending:
                sp.decode_pieces(future.result().hypotheses[0])

    # (c) ... (d) the pipeline -----------------------------------------------------------------
    from reader.glossary.file import Glossary
    from reader.translation.engines.argos import ArgosEngine
    from reader.translation.memory import TranslationMemory
    from reader.translation.pipeline import Translator

    shipped = Glossary.load(ROOT / "reader" / "data" / "glossary.csv")
    flagged: dict[str, int] = {}
    statuses: dict[str, dict[str, int]] = {}
    decoded: dict[str, int] = {}  # decoded tokens (steps x beams), all runs

    def engine_for(installed: Any) -> ArgosEngine:
        engine = ArgosEngine(
            installed,
            beam_size=BEAM,
            max_decoding_length=MAX_DECODING_LENGTH,
            threads=args.threads,
            batch_size=BATCH,
        )
        engine.translate_batch([sentences[0]])
        return engine

    def pipeline(
        name: str, engine: ArgosEngine, docs: list[Any], glossary: Glossary | None, guard: bool
    ) -> Callable[[int], None]:
        def run(i: int) -> None:
            memory = TranslationMemory(tmp / f"{name}-{i}.sqlite3")
            translator = Translator(engine, glossary, memory, guard=guard, order="length")
            before = engine.decoded_tokens
            results = [translator.translate(doc) for doc in docs]
            decoded[name] = decoded.get(name, 0) + engine.decoded_tokens - before
            flagged[name] = sum(bool(r.flags) for result in results for r in result.values())
            counts: dict[str, int] = {}
            for result in results:
                for r in result.values():
                    for term in r.terms:
                        counts[term.status] = counts.get(term.status, 0) + 1
            statuses[name] = counts
            memory.close()

        return run

    engine = engine_for(model)

    def cached(i: int) -> None:
        memory = TranslationMemory(tmp / f"c-{i}.sqlite3")  # filled by (c) in this round
        translator = Translator(engine, shipped, memory, order="length")
        for doc in docs:
            translator.translate(doc)
        memory.close()

    # (a), (a') plain argostranslate, one call per paragraph -----------------------------------
    import argostranslate.settings
    import argostranslate.translate as argos  # ~3 s: torch, stanza, spaCy

    translation = argos.get_translation_from_codes("zh", "en")
    translation.translate(paragraphs[0].text)  # loads the model and the sentencizer
    underlying = translation.underlying  # type: ignore[attr-defined]
    default_batch = argostranslate.settings.batch_size
    argos_threads = {  # the translator argostranslate built (its defaults), and one intra thread
        "default": CappedTranslator(underlying.translator),
        "one": CappedTranslator(
            ctranslate2.Translator(  # as argostranslate builds it (ARGOS_COMPUTE_TYPE=auto)
                str(model.model_dir),
                device="cpu",
                compute_type="auto",
                inter_threads=1,
                intra_threads=1,
            )
        ),
    }

    def run_argos(batch_size: int, threads: str = "default") -> Callable[[int], None]:
        def run(_: int) -> None:
            argostranslate.settings.batch_size = batch_size
            underlying.translator = argos_threads[threads]
            for p in paragraphs:
                argos.translate(p.text, "zh", "en")

        return run

    rows = interleaved(
        [
            ("b", "(b) raw CTranslate2, sorted, batches of 32", n, run_raw),
            ("c", "(c) as shipped: glossary, guard on", n,
             pipeline("c", engine, docs, shipped, True)),
            ("d", "(d) as shipped, cached re-run", n, cached),
            ("c-", "(c-) glossary, guard off", n,
             pipeline("c-", engine, docs, shipped, False)),
            ("c0", "(c0) no glossary, guard off", n, pipeline("c0", engine, docs, None, False)),
            ("a", f"(a) argostranslate per paragraph, batch {default_batch} tokens", n,
             run_argos(default_batch)),
            ("a1", "(a1) (a) on one intra-op thread", n, run_argos(default_batch, "one")),
            ("a'", f"(a') (a) with batches of {ARGOS_LARGE_BATCH} tokens", n,
             run_argos(ARGOS_LARGE_BATCH)),
        ],
        args.runs,
    )  # fmt: skip
    print(
        f"    (c) flagged {flagged['c']} of {len(paragraphs)} paragraphs; term statuses "
        f"{statuses['c']}"
    )

    # (w) the worst case: every output loops ---------------------------------------------------
    looping = engine_for(install_from_file(archives["looping"]))
    worst_docs = load_seeds(args.worst_paragraphs)
    worst_n = sum(len(p.sentences) for d in worst_docs for p in d.paragraphs)
    rows |= interleaved(
        [
            ("w", "(w) looping model, guard on", worst_n,
             pipeline("w", looping, worst_docs, shipped, True)),
            ("w-", "(w-) looping model, guard off", worst_n,
             pipeline("w-", looping, worst_docs, shipped, False)),
        ],
        args.runs,
    )  # fmt: skip
    print(
        f"    (w) flagged {flagged['w']} paragraphs; decoded tokens (steps x beams) per run: "
        f"guard on {decoded['w'] / args.runs:.0f}, guard off {decoded['w-'] / args.runs:.0f} "
        f"({decoded['w'] / decoded['w-']:.2f}x)"
    )

    print()
    for basis in ("wall", "CPU"):
        ratios(rows, basis)
    return 0


def ratios(rows: dict[str, Row], basis: str) -> None:
    def rate(row: Row) -> float:
        return row.rate if basis == "wall" else row.cpu_rate

    r = {key.replace("'", "2"): rate(row) for key, row in rows.items()}
    print(f"ratios (throughput from medians of {basis} time):")
    print(f"  c/a   = {r['c'] / r['a']:6.2f}  (target >= 5: as shipped against plain Argos)")
    print(f"  c/a1  = {r['c'] / r['a1']:6.2f}  (against Argos on one intra-op thread)")
    print(f"  a1/a  = {r['a1'] / r['a']:6.2f}  (what one thread per batch alone gains)")
    print(f"  c0/a  = {r['c0'] / r['a']:6.2f}")
    print(f"  a'/a  = {r['a2'] / r['a']:6.2f}  (what batching alone gains)")
    print(f"  c0/a' = {r['c0'] / r['a2']:6.2f}  (what sorting across paragraphs + pipeline gain)")
    print(f"  c/c0  = {r['c'] / r['c0']:6.2f}  (what the glossary and the guard cost)")
    print(f"  c0/b  = {r['c0'] / r['b']:6.2f}  (target >= 0.91: c0 within 10% of raw CTranslate2)")
    print(f"  d/c   = {r['d'] / r['c']:6.0f}  (target >= 100: cached re-run)")
    print(f"  w-/w  = {r['w-'] / r['w']:6.2f}  (target <= 2.5: every output loops, guard on/off)")


if __name__ == "__main__":
    raise SystemExit(main())
