"""Does export time grow linearly? Document size, glossary size, one endless sentence.

    python bench/scaling.py [--runs 3] [--sizes 1,2,4] [--big 50]

Each case runs what `reader export FILE` does (load, translate with `order="length"`, the
shipped glossary enforced, write the Markdown) in a fresh process with its own empty
translation memory (XDG_* in a temp dir), timing the whole process and reading its peak
memory (ru_maxrss of the child). The default engine is the tests' dictionary engine
(tests/engines.py), which costs microseconds per sentence, so the figures show everything
around the engine; `--engine gloss` uses the shipped dictionary engine
(bench/translate_speed.py measures a neural model).

Text: the five seeds repeated, each copy made distinct (the copy number before every 。 and
，), so the memory cannot answer a repeated sentence and the work really grows with size.

Cases, each printed as a ratio to its 1 MB reference (CPU time per MB, 1.00 = linear):
- document size: 1, 2, 4 MB (and `--big` MB once, for peak memory: target < 1 GB at 50 MB);
- glossary size on 1 MB: the shipped glossary (~350 rows), 10,000 and 100,000 rows (the
  seeds' frequent Han n-grams as terms, as in bench/match_speed.py);
- one 200,000-character sentence of clauses joined by commas only, against the same text
  with a full stop after every fourth clause (target: at most 2×).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def distinct_text(megabytes: float) -> str:
    """The seeds repeated to `megabytes` of UTF-8, every copy's sentences made distinct."""
    base = "\n\n".join(seeds())
    out: list[str] = []
    size, copy = 0, 0
    while size < megabytes * 1_000_000:
        text = re.sub(r"([。，])", rf"{copy}\1", base)
        out.append(text)
        size += len(text.encode("utf-8")) + 2
        copy += 1
    return "\n\n".join(out)


def glossary_csv(path: Path, rows: int) -> Path:
    from bench.match_speed import make_terms

    entries = make_terms(seeds(), rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["zh", "en"])
        writer.writerows((e.zh, e.en) for e in entries)
    return path


def child(source: str, glossary: str, engine_name: str) -> None:
    """What one measured process does: `reader export` without the CLI around it, with the
    chosen engine, an empty memory and the shipped glossary (or `glossary`)."""
    from reader.documents.loading import load_document
    from reader.exports import write_export
    from reader.exports.markdown import export_markdown
    from reader.glossary.file import Glossary
    from reader.translation.memory import TranslationMemory
    from reader.translation.pipeline import Translator

    engine: Any
    if engine_name == "gloss":
        from reader.translation.engines.gloss import GlossEngine

        engine = GlossEngine()
    else:
        from tests.engines import DictEngine, dictionary_translate

        class Engine(DictEngine):  # without DictEngine's record of every call
            def translate_batch(self, sentences: Sequence[str]) -> list[str]:
                return [dictionary_translate(s, self.lexicon) for s in sentences]

        engine = Engine()
    doc = load_document(source)
    terms = Glossary.load(glossary or ROOT / "reader" / "data" / "glossary.csv")
    memory = TranslationMemory()
    translations = Translator(engine, terms, memory, order="length").translate(doc)
    write_export(export_markdown(doc, translations), Path(source).with_suffix(".md"))


def export(
    source: Path, workdir: Path, glossary: Path | None, engine: str
) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB of one export in a fresh process with an empty
    memory."""
    home = Path(tempfile.mkdtemp(dir=workdir))
    env = dict(os.environ)
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[var] = str(home / var)
    env.pop("READER_GLOSSARY", None)
    command = [sys.executable, __file__, "--child", str(source), "--engine", engine]
    command += ["--glossary", str(glossary or "")]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    assert process.stderr is not None
    errors = process.stderr.read().decode()
    if status:
        raise SystemExit(f"export of {source} failed:\n{errors}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(
    label: str, source: Path, workdir: Path, runs: int, engine: str, glossary: Path | None = None
) -> tuple[float, float]:
    """Prints wall and CPU time (median, min, max) and peak memory; returns the median CPU
    seconds (what ratios use: on a shared machine wall time mostly measures the others)."""
    times, cpus, peaks = [], [], []
    for _ in range(runs):
        seconds, cpu, peak = export(source, workdir, glossary, engine)
        times.append(seconds)
        cpus.append(cpu)
        peaks.append(peak)
    wall, median = statistics.median(times), statistics.median(cpus)
    mb = source.stat().st_size / 1_000_000
    print(
        f"{label:<40} {mb:6.2f} MB  wall {wall:7.2f} s ({min(times):.2f}-{max(times):.2f})  "
        f"CPU {median:7.2f} s ({min(cpus):.2f}-{max(cpus):.2f})  {median / mb:6.2f} CPU s/MB  "
        f"peak {max(peaks):5.0f} MB",
        flush=True,
    )
    return median, mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1,2,4", help="document sizes in MB, first = reference")
    parser.add_argument("--glossaries", default="10000,100000", help="glossary rows on 1 MB")
    parser.add_argument("--big", type=float, default=0, help="also export this many MB once")
    parser.add_argument(
        "--engine",
        choices=("dict", "gloss"),
        default="dict",
        help="dict: a fast test engine, so the figures show everything around the engine "
        "(default); gloss: the shipped dictionary engine",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--glossary", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.glossary, args.engine)
        return 0
    work = Path(tempfile.mkdtemp(prefix="reader-scaling-"))
    print(
        f"machine: {len(os.sched_getaffinity(0))} cores, load average {os.getloadavg()[0]:.1f} "
        f"at start; median of {args.runs} runs; engine: {args.engine}"
    )

    print("\ndocument size (shipped glossary):")
    sizes = [float(s) for s in args.sizes.split(",")]
    reference: tuple[float, float] | None = None
    for size in sizes:
        path = work / f"doc-{size:g}mb.txt"
        path.write_text(distinct_text(size), encoding="utf-8")
        seconds, mb = measure(f"  {size:g} MB", path, work, args.runs, args.engine)
        if reference is None:
            reference = (seconds, mb)
        print(f"    time per MB / 1 MB case = {seconds / mb / (reference[0] / reference[1]):.2f}")
    print("\nglossary size (1 MB document):")
    one = work / "doc-1mb.txt"
    if not one.exists():
        one.write_text(distinct_text(1), encoding="utf-8")
    base, _ = measure("  shipped glossary", one, work, args.runs, args.engine)
    for rows in (int(r) for r in args.glossaries.split(",") if r):
        glossary = glossary_csv(work / f"glossary-{rows}.csv", rows)
        seconds, _ = measure(f"  {rows:,} rows", one, work, args.runs, args.engine, glossary)
        print(f"    time / shipped glossary = {seconds / base:.2f}")

    print("\none 200,000-character sentence (commas only) against normal punctuation:")
    clauses = [c for text in seeds() for c in re.split(r"[，。！？；\n]+", text) if c.strip()]
    chosen: list[str] = []
    while sum(len(c) + 1 for c in chosen) < 200_000:
        chosen.append(clauses[len(chosen) % len(clauses)] + str(len(chosen)))
    commas = work / "commas.txt"
    commas.write_text("，".join(chosen) + "。\n", encoding="utf-8")
    normal = work / "normal.txt"
    normal.write_text(
        "".join(c + ("。" if i % 4 == 3 else "，") for i, c in enumerate(chosen)) + "\n",
        encoding="utf-8",
    )
    long_time, _ = measure("  one sentence, commas only", commas, work, args.runs, args.engine)
    normal_time, _ = measure(
        "  same text, a full stop every 4 clauses", normal, work, args.runs, args.engine
    )
    print(f"    commas / normal = {long_time / normal_time:.2f}  (target <= 2)")

    if args.big and reference is not None:
        print("\na big document (shipped glossary), once:")
        path = work / f"doc-{args.big:g}mb.txt"
        path.write_text(distinct_text(args.big), encoding="utf-8")
        seconds, mb = measure(f"  {args.big:g} MB (once)", path, work, 1, args.engine)
        print(f"    time per MB / 1 MB case = {seconds / mb / (reference[0] / reference[1]):.2f}")
        path.unlink()

    return 0


if __name__ == "__main__":
    raise SystemExit(main())
