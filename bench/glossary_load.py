"""Glossary load and save time against size (target: linear; #9 found a deepcopy per row).

Builds glossaries of 10k, 50k and 100k rows (every column used, a comment every 100 rows),
then times `Glossary.load`, one `add` + `save` (under the lock, atomic, with backup) and the
baseline of loading the shipped glossary. Prints median, min and max of --runs runs in CPU
time of this process (the bench machine is shared, so wall time mostly measures the
neighbours), the per-row cost and the ratio to the 10k case (linear: x5 at 50k, x10 at 100k).

    python bench/glossary_load.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from reader.glossary.file import COLUMNS, Entry, Glossary

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 50_000, 100_000)


def build(path: Path, rows: int) -> None:
    lines = [",".join(COLUMNS) + "\n"]
    for i in range(rows):
        if i % 100 == 0:
            lines.append(f"# section {i // 100}\n")
        lines.append(
            f"术语{i},term {i},術語{i}|术{i},term-{i}|the term {i},bad {i},"
            f'"note, with a comma {i}",cat{i % 7},{i % 5},{"1" if i % 11 == 0 else ""}\n'
        )
    path.write_text("".join(lines), encoding="utf-8")


def timed(work: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.process_time()
        work()
        out.append(time.process_time() - start)
    return out


def show(label: str, times: list[float], rows: int, base: float | None) -> float:
    median = statistics.median(times)
    ratio = f"  x{median / base:5.2f} of 10k" if base else ""
    print(
        f"{label:<22} median {median * 1000:8.1f} ms  min {min(times) * 1000:8.1f}  "
        f"max {max(times) * 1000:8.1f}  {median / rows * 1e6:6.2f} µs/row{ratio}"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; CPU time, median of {args.runs} runs")
    shipped = ROOT / "glossary.csv"
    if shipped.is_file():
        n = len(Glossary.load(shipped).entries)
        show(f"shipped ({n} rows)", timed(lambda: Glossary.load(shipped), args.runs), n, None)
    base_load = base_save = None
    with tempfile.TemporaryDirectory() as tmp:
        for rows in SIZES:
            path = Path(tmp) / f"g{rows}.csv"
            build(path, rows)
            Glossary.load(path)  # warm the OpenCC and simplify caches
            load = show(
                f"load {rows // 1000}k",
                timed(lambda path=path: Glossary.load(path), args.runs),
                rows,
                base_load,
            )
            counter = iter(range(10**9))

            def edit(path: Path = path, counter: Iterator[int] = counter) -> None:
                glossary = Glossary.load(path)
                glossary.add(Entry(f"新词{next(counter)}", "new"))
                glossary.save()

            save = show(f"load+add+save {rows // 1000}k", timed(edit, args.runs), rows, base_save)
            base_load = base_load or load
            base_save = base_save or save


if __name__ == "__main__":
    main()
