"""Translation speed on the five seeds: plain Argos against raw CTranslate2 and the product;
every CTranslate2 layout and the embedded LLM against their engines driven directly.

    python bench/translate_speed.py [--paragraphs N] [--worst-paragraphs N] [--runs 3]
        [--sections argos,layouts-base,layouts-tiny,llm] [--rows b,c,c-,c0] [--profile]
        [--layout-paragraphs N] [--llm-paragraphs N]

Sections: "argos" is rows (a) to (w) below (`--rows` picks some; `--profile` adds a cProfile
of one (c) and one (c0) run: the functions whose own time grew most); "layouts-base" and
"layouts-tiny" the rows (L…) and (T…); "llm" the rows (E…). All run in one process, each
section's rows interleaved round by round.

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

(L kind), (T kind) for each layout (argos, quickmt, opus-mt, nllb): the reader (Translator +
     CTranslate2Engine, no glossary, guard off, an empty memory; "-nomem" without one) against
     `RawLayout`, CTranslate2 + SentencePiece with the layout's tokens written out here, given
     the calls the pipeline made to the engine (recorded in a first, untimed run), each sorted
     and cut into the same batches, queued at once, with the same cap; the decoded tokens of
     both sides are printed (and must be the same). (L) random weights at the looping model's
     size (bench/build_base_model.py `layout_model`; the Argos one is the looping model), (T)
     the tiny test models (tests/layout_models.py): there decoding is ~1 ms a sentence and
     only the reader's fixed cost shows.
(E), (E-raw) the embedded LLM: `LocalLLMEngine` on tests/llm_server.py's tiny GGUF in the
     in-process llama.cpp (pipeline, no glossary, guard off, an empty memory) against the same
     server sent the reader's own request bodies (recorded once: same prompts, same
     max_tokens) `concurrency` at a time, call by call. Each reply is pinned by a GBNF grammar
     (tests/llm_server.py's `good_reply`), so both sides generate the same tokens (printed).

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
SECTIONS = ("argos", "layouts-base", "layouts-tiny", "llm")
MAIN_ROWS = ("b", "c", "d", "c-", "c0", "a", "a1", "a'", "w", "w-")
LAYOUT_KINDS = ("argos", "quickmt", "opus-mt", "nllb")  # the rows of the layouts section


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
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"which of {', '.join(SECTIONS)} to run (default: all)",
    )
    parser.add_argument(
        "--rows",
        default=",".join(MAIN_ROWS),
        help="which rows of the argos section (default: all; e.g. b,c,c-,c0)",
    )
    parser.add_argument(
        "--layout-paragraphs",
        type=int,
        default=0,
        metavar="N",
        help="layout rows on the first N paragraphs of each seed (default: all)",
    )
    parser.add_argument(
        "--llm-paragraphs",
        type=int,
        default=4,
        metavar="N",
        help="embedded-LLM rows on the first N paragraphs of each seed (default: 4)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one run of (c) and of (c0)"
    )
    args = parser.parse_args()
    sections = set(args.sections.split(","))
    args.rows = set(args.rows.split(","))
    unknown = (sections - set(SECTIONS)) | (args.rows - set(MAIN_ROWS))
    if unknown:
        parser.error(f"unknown section or row: {', '.join(sorted(unknown))}")

    tmp = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    hermetic_env(tmp, args.threads)
    print(
        f"machine: {cpu_model()}, {len(os.sched_getaffinity(0))} cores, load average "
        f"{load()} at start; {args.threads} threads; median of {args.runs} runs"
    )
    rows: dict[str, Row] = {}
    if "argos" in sections:
        rows |= argos_rows(args, tmp)
    for size in ("base", "tiny"):
        if f"layouts-{size}" in sections:
            print()
            rows |= layout_rows(tmp, args.threads, args.runs, args.layout_paragraphs, size)
    if "llm" in sections:
        print()
        rows |= llm_rows(tmp, args.runs, args.llm_paragraphs)
    print(f"\nload average {load()} at the end")
    for basis in ("wall", "CPU"):
        ratios(rows, basis)
    return 0


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def argos_rows(args: argparse.Namespace, tmp: Path) -> dict[str, Row]:
    """Rows (a) to (w): the Argos layout on the base-size models."""
    from bench.build_base_model import OUTPUT_PIECES, base_package

    archives = {kind: base_package(kind) for kind in ("piecewise", "looping")}
    from reader.translation.packages import install_from_file

    model = install_from_file(archives["piecewise"])
    import spacy  # ~2 s

    spacy.blank("zh").to_disk(model.path / "spacy")

    docs = load_seeds(args.paragraphs)
    paragraphs = [p for d in docs for p in d.paragraphs]
    sentences = [s.text for p in paragraphs for s in p.sentences]
    n = len(sentences)
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
    specs: list[Spec] = [
        ("b", "(b) raw CTranslate2, sorted, batches of 32", n, run_raw),
        ("c", "(c) as shipped: glossary, guard on", n,
         pipeline("c", engine, docs, shipped, True)),
        ("d", "(d) as shipped, cached re-run", n, cached),
        ("c-", "(c-) glossary, guard off", n,
         pipeline("c-", engine, docs, shipped, False)),
        ("c0", "(c0) no glossary, guard off", n, pipeline("c0", engine, docs, None, False)),
    ]  # fmt: skip
    if "d" in args.rows and "c" not in args.rows:
        args.rows.add("c")  # (d) reads the memory (c) fills
    if args.rows & {"a", "a1", "a'"}:
        specs += argos_specs(model.model_dir, paragraphs, n)
    rows = interleaved([spec for spec in specs if spec[0] in args.rows], args.runs)
    if "c" in rows:
        print(
            f"    (c) flagged {flagged['c']} of {len(paragraphs)} paragraphs; term statuses "
            f"{statuses['c']}"
        )
    tokens = ", ".join(
        f"({key}) {decoded[key] / args.runs:.0f}" for key in ("c", "c-", "c0") if key in decoded
    )
    if tokens:  # what the glossary's placeholders add to the decoding
        print(f"    decoded tokens (steps x beams) per run: {tokens}")
    if args.profile:
        profile_glossary(
            {
                "c": pipeline("pc", engine, docs, shipped, True),
                "c0": pipeline("pc0", engine, docs, None, False),
            }
        )

    # (w) the worst case: every output loops ---------------------------------------------------
    if not args.rows & {"w", "w-"}:
        return rows
    looping = engine_for(install_from_file(archives["looping"]))
    worst_docs = load_seeds(args.worst_paragraphs)
    worst_n = sum(len(p.sentences) for d in worst_docs for p in d.paragraphs)
    worst: list[Spec] = [
        ("w", "(w) looping model, guard on", worst_n,
         pipeline("w", looping, worst_docs, shipped, True)),
        ("w-", "(w-) looping model, guard off", worst_n,
         pipeline("w-", looping, worst_docs, shipped, False)),
    ]  # fmt: skip
    rows |= interleaved([spec for spec in worst if spec[0] in args.rows], args.runs)
    if {"w", "w-"} <= set(rows):
        print(
            f"    (w) flagged {flagged['w']} paragraphs; decoded tokens (steps x beams) per "
            f"run: guard on {decoded['w'] / args.runs:.0f}, guard off "
            f"{decoded['w-'] / args.runs:.0f} ({decoded['w'] / decoded['w-']:.2f}x)"
        )
    return rows


def argos_specs(model_dir: Path, paragraphs: list[Any], n: int) -> list[Spec]:
    """(a), (a1), (a'): plain argostranslate, one call per paragraph."""
    import argostranslate.settings
    import argostranslate.translate as argos  # ~3 s: torch, stanza, spaCy
    import ctranslate2

    translation = argos.get_translation_from_codes("zh", "en")
    translation.translate(paragraphs[0].text)  # loads the model and the sentencizer
    underlying = translation.underlying  # type: ignore[attr-defined]
    default_batch = argostranslate.settings.batch_size
    argos_threads = {  # the translator argostranslate built (its defaults), and one intra thread
        "default": CappedTranslator(underlying.translator),
        "one": CappedTranslator(
            ctranslate2.Translator(  # as argostranslate builds it (ARGOS_COMPUTE_TYPE=auto)
                str(model_dir),
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

    return [
        ("a", f"(a) argostranslate per paragraph, batch {default_batch} tokens", n,
         run_argos(default_batch)),
        ("a1", "(a1) (a) on one intra-op thread", n, run_argos(default_batch, "one")),
        ("a'", f"(a') (a) with batches of {ARGOS_LARGE_BATCH} tokens", n,
         run_argos(ARGOS_LARGE_BATCH)),
    ]  # fmt: skip


RATIOS = [  # numerator, denominator, what it says
    ("c", "a", "target >= 5: as shipped against plain Argos"),
    ("c", "a1", "against Argos on one intra-op thread"),
    ("a1", "a", "what one thread per batch alone gains"),
    ("c0", "a", ""),
    ("a'", "a", "what batching alone gains"),
    ("c0", "a'", "what sorting across paragraphs + pipeline gain"),
    ("c", "c0", "target >= 0.83 (c within 20% of c0): the glossary and the guard"),
    ("c-", "c0", "the glossary alone"),
    ("c0", "b", "target >= 0.91: c0 within 10% of raw CTranslate2"),
    ("d", "c", "target >= 100: cached re-run"),
    ("w-", "w", "target <= 2.5: every output loops, guard on/off"),
    *[
        (f"{size}-{kind}{variant}", f"{size}-{kind}-raw", what)
        for size in ("L", "T")
        for kind in LAYOUT_KINDS
        for variant, what in (("", "target >= 0.91: within 10% of raw"), ("-nomem", "no memory"))
    ],
    ("E", "E-raw", "target >= 0.87: reader within 15% of llama.cpp driven directly"),
]


def ratios(rows: dict[str, Row], basis: str) -> None:
    """Throughput ratios of the rows that ran (time is work / throughput: c/c0 0.66 means (c)
    takes 1.5x (c0)'s time)."""

    def rate(row: Row) -> float:
        return row.rate if basis == "wall" else row.cpu_rate

    print(f"ratios (throughput from medians of {basis} time):")
    for top, bottom, what in RATIOS:
        if top in rows and bottom in rows:
            name = f"{top}/{bottom}"
            value = rate(rows[top]) / rate(rows[bottom])
            figure = f"{value:6.0f}" if value >= 100 else f"{value:6.2f}"
            print(f"  {name:<26} = {figure}  {f'({what})' if what else ''}")


# --- the other layouts: the reader against raw CTranslate2 on the same calls ------------------

# What each layout's model reads and writes, written out here from the models' own
# conventions rather than taken from reader.translation.engines.layouts: source SentencePiece
# file, target SentencePiece file, model folder (relative to the installed folder), source
# prefix and suffix tokens, target prefix tokens.
RAW_LAYOUTS: dict[str, tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # Argos: one shared model; the model in model/
    "argos": ("sentencepiece.model", "sentencepiece.model", "model", (), (), ()),
    # quickmt: bare pieces both ways
    "quickmt": ("src.spm.model", "tgt.spm.model", ".", (), (), ()),
    # OPUS-MT: bare pieces; CTranslate2 adds </s> itself (config.json add_source_eos)
    "opus-mt": ("source.spm", "target.spm", ".", (), (), ()),
    # NLLB-200: zho_Hans … </s> on the source, eng_Latn first on the target
    "nllb": ("sentencepiece.bpe.model", "sentencepiece.bpe.model", ".",
             ("zho_Hans",), ("</s>",), ("eng_Latn",)),
}  # fmt: skip


class RawLayout:
    """Raw CTranslate2 + SentencePiece on one installed model, replaying the engine's calls:
    each call's sentences sorted by pieces and cut as the engine cuts them (batches of at most
    BATCH, a call smaller than `workers` batches split evenly), every batch of a call queued
    at once, the same decoding cap."""

    def __init__(self, folder: Path, kind: str, threads: int) -> None:
        import ctranslate2
        import sentencepiece

        from reader.translation.engines.argos import thread_layout

        source, target, model, self.prefix, self.suffix, self.target_prefix = RAW_LAYOUTS[kind]
        self.source = sentencepiece.SentencePieceProcessor(model_file=str(folder / source))
        self.target = sentencepiece.SentencePieceProcessor(model_file=str(folder / target))
        self.workers, cores = thread_layout(threads)
        self.translator = ctranslate2.Translator(
            str(folder / model), device="cpu", inter_threads=self.workers, intra_threads=cores
        )
        self.decoded_tokens = 0  # steps x beams, as the engine counts them

    def call(self, texts: list[str]) -> list[str]:
        from reader.translation.engines.base import decoding_cap

        tokens = sorted(
            (
                [*self.prefix, *self.source.encode(t.strip(), out_type=str), *self.suffix]
                for t in texts
                if t.strip()
            ),
            key=len,
        )
        if not tokens:
            return []
        count = max(-(-len(tokens) // BATCH), min(self.workers, len(tokens)))
        size = -(-len(tokens) // count)
        prefix = list(self.target_prefix)
        pending = []
        for start in range(0, len(tokens), size):
            batch = tokens[start : start + size]
            cap = min(
                MAX_DECODING_LENGTH, decoding_cap(len(batch[-1]), MAX_DECODING_LENGTH) + len(prefix)
            )
            pending += self.translator.translate_batch(
                batch,
                target_prefix=[prefix] * len(batch) if prefix else None,
                max_batch_size=BATCH,
                beam_size=BEAM,
                length_penalty=0.2,
                replace_unknowns=True,
                max_decoding_length=cap,
                asynchronous=True,
            )
        out = []
        for future in pending:
            hypothesis = future.result().hypotheses[0]
            self.decoded_tokens += len(hypothesis) * BEAM
            out.append(self.target.decode_pieces(hypothesis[len(prefix) :]))
        return out


def layout_models(tmp: Path, size: str) -> dict[str, Any]:
    """Installed models (ModelInfo) of every layout: "base" the looping model's shape
    (bench/build_base_model.py), "tiny" the test models (2+2 layers, d64, float32)."""
    from reader.translation.installed import from_argos, install_ct2
    from reader.translation.packages import install_from_file

    if size == "base":
        from bench.build_base_model import base_package, layout_model

        argos = from_argos(install_from_file(base_package("looping")))
        return {"argos": argos} | {
            kind: install_ct2(layout_model(kind), name=f"{kind}-base") for kind in LAYOUT_KINDS[1:]
        }
    from tests.layout_models import OPUS, QUICKMT, build_nllb, build_separate
    from tests.tiny_model import build_tiny_package

    build = tmp / "layout-models"
    return {
        "argos": from_argos(install_from_file(build_tiny_package(build))),
        "quickmt": install_ct2(build_separate(build, QUICKMT)),
        "opus-mt": install_ct2(build_separate(build, OPUS)),
        "nllb": install_ct2(build_nllb(build)),
    }


def layout_rows(tmp: Path, threads: int, runs: int, paragraphs: int, size: str) -> dict[str, Row]:
    """(L…) per layout ("base"; (T…) "tiny"): the reader (pipeline + CTranslate2Engine, no
    glossary, guard off, an empty memory; and without a memory) against RawLayout on the
    same calls."""
    from reader.translation.engines.argos import CTranslate2Engine
    from reader.translation.memory import TranslationMemory
    from reader.translation.pipeline import Translator

    prefix = "L" if size == "base" else "T"
    models = layout_models(tmp, size)
    docs = load_seeds(paragraphs)
    n = sum(len(p.sentences) for d in docs for p in d.paragraphs)
    if size == "base":
        from bench.build_base_model import OUTPUT_PIECES

        shape = "base-size random-weight models (6+6 layers, d512, 32k vocabularies, int8)"
    else:
        from tests.tiny_model import TINY_OUTPUT_PIECES as OUTPUT_PIECES

        shape = "tiny random-weight models (2+2 layers, d64, float32)"
    print(
        f"layouts ({prefix}): {shape}, outputs stop after {OUTPUT_PIECES} pieces or at the cap; "
        f"{n} sentences; beam {BEAM}, the same cap both sides"
    )
    specs: list[Spec] = []
    checks: list[tuple[str, CTranslate2Engine, RawLayout, dict[str, int]]] = []
    for kind, info in models.items():
        engine = CTranslate2Engine(
            info, beam_size=BEAM, max_decoding_length=MAX_DECODING_LENGTH, threads=threads,
            batch_size=BATCH,
        )  # fmt: skip
        calls: list[list[str]] = []  # what the pipeline hands the engine, recorded once
        plain = engine.translate_batch

        def recording(sentences: Any, plain: Any = plain, calls: list[list[str]] = calls) -> Any:
            calls.append(list(sentences))
            return plain(sentences)

        engine.translate_batch = recording  # type: ignore[method-assign]
        memory = TranslationMemory(tmp / f"{prefix}-{kind}-record.sqlite3")
        for doc in docs:
            Translator(engine, None, memory, guard=False, order="length").translate(doc)
        memory.close()
        engine.translate_batch = plain  # type: ignore[method-assign]
        folder = info.argos.path if info.argos is not None else info.path
        raw = RawLayout(folder, kind, threads)
        raw.call(calls[0][:1])
        tokens = {"engine": 0, "raw": 0}

        def run_raw(_: int, raw: RawLayout = raw, calls: list[list[str]] = calls,
                    tokens: dict[str, int] = tokens) -> None:  # fmt: skip
            before = raw.decoded_tokens
            for texts in calls:
                raw.call(texts)
            tokens["raw"] += raw.decoded_tokens - before

        def run_reader(i: int, kind: str = kind, engine: CTranslate2Engine = engine,
                       memory: bool = True, tokens: dict[str, int] = tokens) -> None:  # fmt: skip
            store = TranslationMemory(tmp / f"{prefix}-{kind}-{i}.sqlite3") if memory else None
            translator = Translator(engine, None, store, guard=False, order="length")
            before = engine.decoded_tokens
            for doc in docs:
                translator.translate(doc)
            if memory:
                tokens["engine"] += engine.decoded_tokens - before
            if store is not None:
                store.close()

        specs += [
            (f"{prefix}-{kind}-raw", f"({prefix} {kind}) raw CTranslate2, same calls", n,
             run_raw),
            (f"{prefix}-{kind}", f"({prefix} {kind}) reader, no glossary, guard off", n,
             run_reader),
            (f"{prefix}-{kind}-nomem", f"({prefix} {kind}) the same, no memory", n,
             lambda i, run=run_reader: run(i, memory=False)),
        ]  # fmt: skip
        checks.append((kind, engine, raw, tokens))
    rows = interleaved(specs, runs)
    for kind, _engine, _raw, tokens in checks:
        same = "the same" if tokens["engine"] == tokens["raw"] else "DIFFERENT"
        print(
            f"    ({prefix} {kind}) decoded tokens (steps x beams) per run: reader "
            f"{tokens['engine'] / runs:.0f}, raw {tokens['raw'] / runs:.0f} ({same})"
        )
    return rows


# --- the embedded LLM: the reader against the same llama.cpp server driven directly -----------


def llm_rows(tmp: Path, runs: int, paragraphs: int) -> dict[str, Row]:
    """(E) the reader's `LocalLLMEngine` (pipeline, no glossary, guard off, an empty memory)
    against the same in-process llama.cpp server sent the same requests directly (the bodies
    the reader sent, recorded once: same prompts, same max_tokens), `concurrency` at a time,
    call by call as the pipeline makes them. Replies are pinned by a GBNF grammar (as
    tests/llm_server.py's proxy pins them) so both sides generate the same tokens."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from reader.config import LLMConfig
    from reader.translation.engines import llama_local
    from reader.translation.installed import install_gguf
    from reader.translation.memory import TranslationMemory
    from reader.translation.pipeline import Translator
    from tests.llm_server import Request, good_reply, grammar_for, write_tiny_gguf

    info = install_gguf(write_tiny_gguf(tmp / "tiny-qwen2.5-instruct.gguf"))
    config = LLMConfig()
    lock = threading.Lock()
    record: list[list[dict[str, Any]]] | None = None
    completion = {"reader": 0, "raw": 0}

    class Pinned(llama_local.LocalLLMEngine):
        """The shipped engine; each request also carries the grammar of its pinned reply."""

        def translate_protected(self, sentences: Any, cancel: Any = None) -> list[str]:
            if record is not None:
                record.append([])
            return super().translate_protected(sentences, cancel)

        def _post(self, body: dict[str, Any], stop: threading.Event) -> dict[str, Any]:
            body = {**body, "grammar": grammar_for(good_reply(Request(body, 0.0, {})))}
            if record is not None:
                with lock:
                    record[-1].append(body)
            data = super()._post(body, stop)
            with lock:
                completion["reader"] += int(data.get("usage", {}).get("completion_tokens", 0))
            return data

    engine = Pinned(info, config)
    docs = load_seeds(paragraphs)
    n = sum(len(p.sentences) for d in docs for p in d.paragraphs)
    calls: list[list[dict[str, Any]]] = []
    record = calls
    memory = TranslationMemory(tmp / "E-record.sqlite3")
    for doc in docs:
        Translator(engine, None, memory, guard=False, order="length").translate(doc)
    memory.close()
    record = None
    requests = sum(len(c) for c in calls)
    print(
        f"embedded LLM: tiny random-weight GGUF (tests/llm_server.py: llama, 2 layers, width 64) "
        f"in xllamacpp, {config.concurrency} slots, threads = cores; {n} sentences in "
        f"{requests} requests ({len(calls)} engine calls); replies pinned by a grammar"
    )
    client = httpx.Client(timeout=300)
    pool = ThreadPoolExecutor(config.concurrency)
    chat = llama_local._url + "/chat/completions"

    def post(body: dict[str, Any]) -> int:
        response = client.post(chat, json=body)
        response.raise_for_status()
        data = response.json()
        data["choices"][0]["message"]["content"]
        return int(data.get("usage", {}).get("completion_tokens", 0))

    def run_raw(_: int) -> None:
        for bodies in calls:
            completion["raw"] += sum(pool.map(post, bodies))

    def run_reader(i: int) -> None:
        store = TranslationMemory(tmp / f"E-{i}.sqlite3")
        translator = Translator(engine, None, store, guard=False, order="length")
        for doc in docs:
            translator.translate(doc)
        store.close()

    completion["reader"] = 0
    rows = interleaved(
        [
            ("E-raw", "(E-raw) llama.cpp server driven directly", n, run_raw),
            ("E", "(E) reader, embedded LLM, no glossary", n, run_reader),
        ],
        runs,
    )
    same = "the same" if completion["reader"] == completion["raw"] else "DIFFERENT"
    print(
        f"    generated tokens per run: reader {completion['reader'] / runs:.0f}, direct "
        f"{completion['raw'] / runs:.0f} ({same})"
    )
    pool.shutdown()
    client.close()
    llama_local.stop_local()
    return rows


# --- where (c)'s extra time goes ------------------------------------------------------------


def profile_glossary(runs: dict[str, Callable[[int], None]], top: int = 15) -> None:
    """cProfile one run of (c) and one of (c0) (main thread only: decoding in CTranslate2's
    threads shows as waiting); the functions whose own time grew most from (c0) to (c)."""
    import cProfile
    import pstats

    own: dict[str, dict[str, float]] = {}
    totals: dict[str, float] = {}
    for key, run in runs.items():
        profiler = cProfile.Profile()
        profiler.runcall(run, 99)
        stats = pstats.Stats(profiler)
        own[key] = {}
        for (file, line, name), row in stats.stats.items():  # type: ignore[attr-defined]
            where = f"{Path(file).name}:{line}({name})"
            own[key][where] = own[key].get(where, 0.0) + row[2]  # tottime
        totals[key] = stats.total_tt  # type: ignore[attr-defined]
    print(
        f"profile (one run each, main thread, profiler on): (c) {totals['c']:.2f} s, "
        f"(c0) {totals['c0']:.2f} s; own time that grew most from (c0) to (c):"
    )
    grown = sorted(
        own["c"], key=lambda f: own["c0"].get(f, 0.0) - own["c"][f]
    )[:top]  # fmt: skip
    for where in grown:
        before, after = own["c0"].get(where, 0.0), own["c"][where]
        print(f"  {after - before:+7.2f} s  (c) {after:6.2f}  (c0) {before:6.2f}  {where}")


if __name__ == "__main__":
    raise SystemExit(main())
