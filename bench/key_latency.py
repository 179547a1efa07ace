"""Key-to-repaint latency while a 2 MB document translates in the background (issues 11, 23).

Drives the reader with Pilot key presses, one every 50 ms, while the engine translates, and
times each from the key press to the first repaint of the view after the screen handled it.
Three groups of keys in each run: movement (j k space b l h ctrl+d ctrl+u), the sentence
cursor `)` (issue 23), and `)` again with the cursor sentence's pinyin line shown (`P`).
Prints p50/p95/max per group and run, then each group's median p95 with min/max.
Target: p95 <= 100 ms for every key. Not a test: the figure depends on the machine.

    python bench/key_latency.py [--runs 3] [--keys 120] [--engine gloss] [--size 2000000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MOVEMENT = ["j", "j", "space", "k", "l", "h", "ctrl+d", "b", "j", "ctrl+u"]
# (group name, keys cycled, key pressed once before the group: pinyin on for the last)
GROUPS = [("movement", MOVEMENT, None), (")", [")"], None), (") + pinyin", [")"], "P")]


def generate(path: Path, size: int) -> Path:
    """About `size` bytes of the seeds' paragraphs, every sentence made distinct (a number in
    front), so neither the memory nor the run's de-duplication shortcuts the engine."""
    paragraphs = [
        line.strip()
        for seed in sorted((ROOT / "seeds").glob("*.txt"))
        for line in seed.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) > 20
    ]
    out, total, n = [], 0, 0
    while total < size:
        sentences = paragraphs[n % len(paragraphs)].split("。")
        line = "。".join(f"{n}.{k} {s}" for k, s in enumerate(sentences) if s)
        out.append(line)
        total += len(line.encode()) + 2
        n += 1
    path.write_text("\n\n".join(out), encoding="utf-8")
    return path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def one_run(
    doc: Path, engine: str, presses: int, model_time: float
) -> tuple[dict[str, list[float]], int, int, int]:
    from reader.ui.app import ReaderApp

    app = ReaderApp(str(doc), engine=engine, glossary=str(ROOT / "glossary.csv"))
    if model_time:
        # the gloss engine's Python work (holds the GIL) plus a wait that releases it, as
        # CTranslate2 does: Argos on 2 cores manages ~10-20 sentences/s
        translator, _ = app.services.open_translator()
        batch = translator.engine.translate_batch

        def slow(sentences):  # type: ignore[no-untyped-def]
            time.sleep(model_time * len(sentences))
            return batch(sentences)

        translator.engine.translate_batch = slow  # type: ignore[method-assign]
    latencies: dict[str, list[float]] = {name: [] for name, _, _ in GROUPS}
    async with app.run_test(size=(120, 40)) as pilot:
        while app.reader.doc is None or not app.reader.translating:
            await pilot.pause(0.05)
        view = app.reader.view
        paints: list[float] = []
        render_lines = view.render_lines

        def timed(crop):  # type: ignore[no-untyped-def]
            strips = render_lines(crop)
            paints.append(time.perf_counter())
            return strips

        view.render_lines = timed  # type: ignore[method-assign]
        await pilot.pause(1.0)  # let the run get going
        done_before = len(view.translations)
        during = 0  # keys pressed while the run was still going
        for name, keys, before in GROUPS:
            if before:
                await pilot.press(before)
                await pilot.pause(0.2)
            for n in range(presses):
                running = app.reader.translating
                start = time.perf_counter()
                await pilot.press(keys[n % len(keys)])
                while not paints or paints[-1] < start:
                    await asyncio.sleep(0.001)
                if running:  # only keys pressed while the document was translating count
                    during += 1
                    latencies[name].append(next(t for t in paints if t >= start) - start)
                await pilot.pause(0.05)
        translated = len(view.translations) - done_before
        total = len(view.paragraphs)
        app.reader.cancel_translation()
    return latencies, translated, total, during


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keys", type=int, default=60, help="presses per group")
    parser.add_argument("--engine", default="gloss")
    parser.add_argument("--size", type=int, default=2_000_000)
    parser.add_argument(
        "--model-time", type=float, default=0.05, help="seconds per sentence (0: engine as is)"
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="checkout to measure (before/after)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(args.root))
    with tempfile.TemporaryDirectory() as tmp:
        for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
            os.environ[var] = str(Path(tmp) / var.lower())  # an empty translation memory
        doc = generate(Path(tmp) / "big.txt", args.size)
        print(
            f"machine: {os.cpu_count()} cores; document {doc.stat().st_size / 1e6:.1f} MB; "
            f"engine {args.engine} + {args.model_time * 1000:.0f} ms a sentence; "
            f"{args.keys} keys a group; load {os.getloadavg()[0]:.1f}"
        )
        p95s: dict[str, list[float]] = {name: [] for name, _, _ in GROUPS}
        for run in range(args.runs):
            for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
                os.environ[var] = str(Path(tmp) / f"{var.lower()}-{run}")  # cold memory
            lat, translated, total, during = asyncio.run(
                one_run(doc, args.engine, args.keys, args.model_time)
            )
            print(
                f"run {run + 1}: {during}/{args.keys * len(GROUPS)} keys during the run; "
                f"{translated} of {total} paragraphs translated meanwhile"
            )
            for name, _, _ in GROUPS:
                ms = [x * 1000 for x in lat[name]]
                if not ms:
                    print(f"  {name:<11} no key pressed while translating")
                    continue
                p95s[name].append(percentile(ms, 0.95))
                print(
                    f"  {name:<11} p50 {statistics.median(ms):6.1f} ms  "
                    f"p95 {p95s[name][-1]:6.1f} ms  max {max(ms):6.1f} ms  ({len(ms)} keys)"
                )
        for name, values in p95s.items():
            if values:
                print(
                    f"{name:<11} p95 median {statistics.median(values):.1f} ms (min "
                    f"{min(values):.1f}, max {max(values):.1f}); target 100 ms: ratio "
                    f"{statistics.median(values) / 100:.2f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
