"""Time loading + cleaning + building ~1 MB of Chinese text, end to end and stage by stage.

Run: `python bench/load_clean.py`. Builds the input by repeating the five seeds (with a counter
line between copies so paragraph ids stay distinct) and prints seconds and MB/s per stage,
best of a few runs. Nothing is asserted: figures are for people, tests never time anything.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.documents import (  # noqa: E402
    cleaning,
    decoding,
    scripts,
    sentences,
)
from reader.documents.loading import load_document  # noqa: E402

RUNS = 5
TARGET_BYTES = 1_000_000


def build_input() -> bytes:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    parts: list[str] = []
    size = 0
    copy = 0
    while size < TARGET_BYTES:
        for text in seeds:
            copy += 1
            chunk = f"{text}\n\n第{copy}份\n\n"
            parts.append(chunk)
            size += len(chunk.encode("utf-8"))
    return "".join(parts).encode("utf-8")


def best_of(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    data = build_input()
    mb = len(data) / 1e6
    text = data.decode("utf-8")
    inline = cleaning.clean_inline(text)
    kept, _ = cleaning.drop_boilerplate_lines(inline)
    paragraphs = [p for p in cleaning.join_wrapped_lines(kept).split("\n\n") if p]
    simplified = [s for s, _ in scripts.to_simplified_many(paragraphs)]

    stages: list[tuple[str, Callable[[], object]]] = [
        ("decode (utf-8)", lambda: decoding.decode_bytes(data)),
        ("decode (gb18030 detect)", lambda: decoding.decode_bytes(text.encode("gb18030"))),
        ("clean_inline", lambda: cleaning.clean_inline(text)),
        ("drop_boilerplate_lines", lambda: cleaning.drop_boilerplate_lines(inline)),
        ("join_wrapped_lines", lambda: cleaning.join_wrapped_lines(kept)),
        ("to_simplified_many", lambda: scripts.to_simplified_many(paragraphs)),
        ("count_scripts_many", lambda: scripts.count_scripts_many(paragraphs, simplified)),
        ("split_sentences", lambda: [sentences.split_sentences(p) for p in paragraphs]),
        ("paragraph_ids", lambda: sentences.paragraph_ids(paragraphs)),
        ("load_document (end to end)", lambda: load_document("bench.txt", data=data)),
    ]
    load_document("bench.txt", data=data)  # warm up: OpenCC dictionaries, regex caches
    print(f"input: {mb:.2f} MB, {len(text):,} characters, {len(paragraphs):,} paragraphs")
    print(f"{'stage':<30} {'seconds':>9} {'MB/s':>9}   (best of {RUNS})")
    for name, fn in stages:
        seconds = best_of(fn)
        print(f"{name:<30} {seconds:>9.4f} {mb / seconds:>9.1f}")


if __name__ == "__main__":
    main()
