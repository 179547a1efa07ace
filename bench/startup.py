"""Startup benchmark: process start to first paint, and memory on a large document.

Prints medians of several runs, each in a fresh process on a pseudo-terminal:
  floor   a bare Textual app showing one line (the best any Textual app can do here)
  seed    `reader read` on seed 001 (first paint: the screen, document loading in a worker)
  2MB     `reader read` on a generated 2 MB document
and, with READER_EXIT_AFTER_PAINT=document (exit once the document itself is on screen),
the same for seed and 2 MB, plus the peak RSS for a 10 MB document.
Targets: seed <= 1.5x floor, 2 MB <= 1.2x seed, 10 MB < 500 MB RSS.

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = next((ROOT / "seeds").glob("001_*.txt"))

FLOOR = """
from textual.app import App
from textual.widgets import Label
class Floor(App):
    def compose(self):
        yield Label("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Floor().run()
"""


def generate(path: Path, size: int) -> Path:
    """A document of about `size` bytes made of numbered copies of the seeds' paragraphs."""
    paragraphs = [
        line.strip()
        for seed in sorted((ROOT / "seeds").glob("*.txt"))
        for line in seed.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) > 20
    ]
    out, total, n = [], 0, 0
    while total < size:
        line = f"{n}. {paragraphs[n % len(paragraphs)]}"
        out.append(line)
        total += len(line.encode()) + 2
        n += 1
    path.write_text("\n\n".join(out), encoding="utf-8")
    return path


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run on a 120x40 pty until it exits; return (seconds, peak RSS in MB)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    status = None
    while status is None:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):
                os.read(master, 65536)  # drain, or the child blocks on a full pty
        pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status = wait_status
    elapsed = time.perf_counter() - start
    os.close(master)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed with {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss // 1024


def median(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, int]:
    results = [run(argv, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "TERM": "xterm-256color"}
    with tempfile.TemporaryDirectory() as tmp:
        for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            env[var] = tmp  # no stale positions or translation memory
        big = generate(Path(tmp) / "big.txt", 2_000_000)
        huge = generate(Path(tmp) / "huge.txt", 10_000_000)
        reader = [sys.executable, "-m", "reader", "read", "--engine", "gloss"]
        paint = {**env, "READER_EXIT_AFTER_PAINT": "1"}
        shown = {**env, "READER_EXIT_AFTER_PAINT": "document"}
        floor, _ = median([sys.executable, "-c", FLOOR], env, args.runs)
        seed, _ = median([*reader, str(SEED)], paint, args.runs)
        two, _ = median([*reader, str(big)], paint, args.runs)
        seed_doc, _ = median([*reader, str(SEED)], shown, args.runs)
        two_doc, _ = median([*reader, str(big)], shown, args.runs)
        ten_doc, rss = median([*reader, str(huge)], shown, 1)
    print(f"first paint, median of {args.runs} (seconds)")
    print(f"  floor (bare Textual app)   {floor:6.3f}")
    print(f"  seed 001                   {seed:6.3f}   seed/floor {seed / floor:4.2f}  (<= 1.5)")
    print(f"  2 MB document              {two:6.3f}   2MB/seed   {two / seed:4.2f}  (<= 1.2)")
    print("document on screen (seconds)")
    print(f"  seed 001                   {seed_doc:6.3f}   seed/floor {seed_doc / floor:4.2f}")
    print(f"  2 MB document              {two_doc:6.3f}   2MB/seed   {two_doc / seed_doc:4.2f}")
    print(f"  10 MB document             {ten_doc:6.3f}   peak RSS {rss} MB  (target < 500)")


if __name__ == "__main__":
    main()
