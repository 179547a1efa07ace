"""Startup benchmark: process start to the moments a reader waits for, and memory on 10 MB.

Each run is a fresh process on a 120x40 pseudo-terminal with its own empty data, cache, config
and state directories (no saved position, no translation memory) and the shipped glossary.
The moments:
  first paint   the first frame is on the terminal (the footer's "Help"; the bare app's "hello")
  text shown    the first paragraph's first characters are on the terminal
  translated    the first paragraph on screen has its English painted: READER_EXIT_AFTER_PAINT
                has the app end itself then, so this row and its baseline (the bare app's exit)
                include Textual's shutdown
"On the terminal" is read from the pty: the bytes written, escape sequences taken out; the
process group is killed then (the paint and text rows exclude shutdown).
for seed 001 and a 2 MB document built from the seeds' paragraphs, with the gloss engine and,
when CTranslate2 and SentencePiece are importable, the tiny random-weight Argos model of
tests/tiny_model.py (a real package, 2+2 layers: its load and decode cost is a floor for a real
model, not an estimate of one). The baseline is a bare Textual app showing one line, the best
any Textual app can do here. Then seed 001 read before (its English in the translation
memory, its position kept at the start, as a second open finds them): the moment its first
paragraph's English is on the terminal. Last, a 10 MB document: its text on the terminal,
and the peak RSS once all of it is loaded (the status bar counts its paragraphs).
Every figure is the median of --runs (at least 3) with min and max, with the peak RSS of the
runs; TARGETS (seconds) and RATIO_TARGETS (to the bare app of the same run, issue 22) are
checked and printed PASS/FAIL.

The lexicon (reader/lexicon.py: jieba's dictionary and CC-CEDICT, built once into the cache
directory) is built once before the runs, timed as the cost of the very first start, and
linked into each run's empty cache, as jieba's own cache in the temp folder persists for a
tree that has no lexicon. `--tree PATH` measures another checkout (`git worktree add /tmp/old
COMMIT`) with this harness and this checkout's seed and glossary.

    python bench/startup.py [--runs 3] [--no-argos] [--tree PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.terminal, tests.tiny_model: the tests' own helpers
from tests.terminal import visible  # noqa: E402 - after the path it needs

if TYPE_CHECKING:
    from reader.documents.document import Document

TREE = ROOT  # the checkout measured (--tree)
SEED = next((ROOT / "seeds").glob("001_*.txt"))
GLOSSARY = ROOT / "glossary.csv"

BASELINE = """
from textual.app import App
from textual.widgets import Label
class Baseline(App):
    def compose(self):
        yield Label("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Baseline().run()
"""

# (label, row key, limit in seconds) on the medians; stated for a 2-core machine.
TARGETS = [
    ("seed 001 text shown", ("gloss", "seed", "document"), 1.5),
    ("seed 001 first paragraph translated, gloss", ("gloss", "seed", "translated"), 3.0),
    ("2 MB text shown", ("gloss", "2MB", "document"), 2.5),
    ("2 MB first paragraph translated, gloss", ("gloss", "2MB", "translated"), 4.0),
]
# (label, row key, limit as a multiple of the bare Textual app's median): issue 22's goals
RATIO_TARGETS = [
    ("seed 001 text shown", ("gloss", "seed", "document"), 1.2),
    ("2 MB text shown", ("gloss", "2MB", "document"), 1.5),
    ("seed 001 first paragraph translated, gloss", ("gloss", "seed", "translated"), 2.5),
]
RSS_LIMIT_MB = 500  # peak RSS with a 10 MB document on screen

# (label, how it is seen): on the terminal (the first paint: the footer's "Help"; the text:
# the first paragraph's first characters), or the app's own exit once the first paragraph on
# screen has its English painted (READER_EXIT_AFTER_PAINT; includes Textual's shutdown)
MOMENTS = [("first paint", "paint"), ("text shown", "document"), ("translated", "translated")]


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


def home_env(env: dict[str, str], home: str, lexicon: Path | None) -> dict[str, str]:
    """`env` with its XDG directories under `home`, the prebuilt `lexicon` linked into the
    cache."""
    env = dict(env)
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[var] = os.path.join(home, var.lower())
    link = Path(env["XDG_CACHE_HOME"]) / "reader" / "lexicon"
    if lexicon is not None and not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(lexicon, target_is_directory=True)
    return env


def run(
    argv: list[str],
    env: dict[str, str],
    lexicon: Path | None = None,
    needle: str | None = None,
    home: Path | None = None,
) -> tuple[float, int]:
    """Run on a 120x40 pty with fresh XDG directories (or those under `home`; the prebuilt
    `lexicon` linked into the cache) until it exits or, with `needle`, until the needle is on
    the terminal (its bytes in the output with the escape sequences taken out; then the
    process group is killed); (seconds, peak RSS MB)."""
    fresh = tempfile.TemporaryDirectory() if home is None else contextlib.nullcontext(str(home))
    with fresh as where:
        env = home_env(env, where, lexicon)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            cwd=TREE,
            start_new_session=True,  # its own group: a kill reaches the preload child too
        )
        os.close(slave)
        status, elapsed, shown = None, 0.0, b""
        while status is None:
            ready, _, _ = select.select([master], [], [], 0.002)
            if ready:
                with contextlib.suppress(OSError):
                    shown += os.read(master, 65536)  # drain, or the child blocks on a full pty
                if needle and not elapsed and needle in visible(shown):
                    elapsed = time.perf_counter() - start
                    os.killpg(proc.pid, signal.SIGKILL)
            pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status = wait_status
        if not elapsed:
            elapsed = time.perf_counter() - start
            if needle:
                raise SystemExit(f"{argv}: ended without showing {needle!r}")
        os.close(master)
    if needle:
        return elapsed, usage.ru_maxrss // 1024
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed with {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss // 1024


def measure(
    argv: list[str],
    env: dict[str, str],
    runs: int,
    lexicon: Path | None = None,
    needle: str | None = None,
    home: Path | None = None,
) -> tuple[list[float], int]:
    results = [run(argv, env, lexicon, needle, home) for _ in range(runs)]
    return [r[0] for r in results], max(r[1] for r in results)


def load_document(path: Path) -> Document:
    from reader.documents.loading import load_document as load

    return load(path)


def first_characters(path: Path) -> str:
    """The first characters of the document's first paragraph, as the reader shows them."""
    return load_document(path).paragraphs[0].text[:8]


READ_BEFORE = """
import sys
from pathlib import Path
from reader.documents.loading import load_document
from reader.documents.positions import Position, document_key, save_position
path = Path(sys.argv[1])
doc = load_document(path)
save_position(document_key(path, path.read_bytes()), Position(doc.paragraphs[0].id, 0))
"""


def read_before(home: Path, env: dict[str, str], lexicon: Path | None, path: Path) -> str:
    """Make `home` one where `path` was read before: its English in the translation memory
    (`reader translate`), its position kept at the start; the first characters of its first
    paragraph's English."""
    env = home_env(env, str(home), lexicon)
    cmd = [sys.executable, "-m", "reader", "translate", "--engine", "gloss", str(path)]
    english = subprocess.run(cmd, env=env, cwd=TREE, check=True, capture_output=True, text=True)
    subprocess.run([sys.executable, "-c", READ_BEFORE, str(path)], env=env, cwd=TREE, check=True)
    return english.stdout.strip()[:12]


def build_lexicon(tmp: Path, env: dict[str, str]) -> tuple[Path | None, float]:
    """Build the measured tree's lexicon once (a first start's extra cost); (its folder, the
    seconds it took), or (None, 0) for a tree without one."""
    if not (TREE / "reader" / "lexicon.py").is_file():
        return None, 0.0
    cache = tmp / "lexicon-cache"
    code = "from reader.lexicon import lexicon; lexicon()"
    start = time.perf_counter()
    lexicon_env = {**env, "XDG_CACHE_HOME": str(cache)}
    subprocess.run([sys.executable, "-c", code], env=lexicon_env, cwd=TREE, check=True)
    return cache / "reader" / "lexicon", time.perf_counter() - start


def install_tiny_model(tmp: Path, env: dict[str, str]) -> str | None:
    """Build and install the tiny Argos package into tmp; the engine name, or None (why printed)."""
    try:  # needs pytest, numpy, sentencepiece and ctranslate2 (the test extra)
        from tests.tiny_model import build_tiny_package

        archive = build_tiny_package(tmp / "build")
    except ImportError as exc:
        print(f"(argos rows skipped: {exc})")
        return None
    env["ARGOS_PACKAGES_DIR"] = str(tmp / "argos-packages")
    cmd = [sys.executable, "-m", "reader", "model", "install", "--file", str(archive)]
    subprocess.run(cmd, env=env, cwd=TREE, check=True, capture_output=True)
    return "argos"


def fmt(times: list[float]) -> str:
    return f"{statistics.median(times):6.3f}  ({min(times):.3f}-{max(times):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-argos", action="store_true", help="gloss engine only")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to measure")
    args = parser.parse_args()
    if args.runs < 3:
        parser.error("--runs: at least 3 (a median needs them)")
    global TREE
    TREE = args.tree.resolve()
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(TREE)}
    rows: dict[tuple[str, str, str], list[float]] = {}
    peaks: dict[tuple[str, str, str], int] = {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        docs = {"seed": SEED, "2MB": generate(tmp / "big.txt", 2_000_000)}
        huge = generate(tmp / "huge.txt", 10_000_000)
        lexicon, built = build_lexicon(tmp, env)
        engines = ["gloss"]
        if not args.no_argos and install_tiny_model(tmp, env):
            engines.append("argos")
        opening = {doc: first_characters(path) for doc, path in docs.items()}
        bare = [sys.executable, "-c", BASELINE]
        base_paint, _ = measure(bare, env, args.runs, needle="hello")
        base, _ = measure(bare, env, args.runs)
        for engine in engines:
            reader = [sys.executable, "-m", "reader", "read", "--engine", engine]
            reader += ["--glossary", str(GLOSSARY)]
            for doc, path in docs.items():
                for _, mode in MOMENTS:
                    # the first paint and the text do not depend on the engine: timed once
                    if engine != "gloss" and mode != "translated":
                        continue
                    key = (engine, doc, mode)
                    argv = [*reader, str(path)]
                    if mode == "translated":
                        moment_env = {**env, "READER_EXIT_AFTER_PAINT": mode}
                        rows[key], peaks[key] = measure(argv, moment_env, args.runs, lexicon)
                    else:
                        needle = "Help" if mode == "paint" else opening[doc]
                        rows[key], peaks[key] = measure(argv, env, args.runs, lexicon, needle)
        again = tmp / "read-before"
        english = read_before(again, env, lexicon, SEED)
        reader = [sys.executable, "-m", "reader", "read", "--engine", "gloss"]
        argv = [*reader, "--glossary", str(GLOSSARY), str(SEED)]
        second, _ = measure(argv, env, args.runs, lexicon, english, again)
        gloss = [sys.executable, "-m", "reader", "read", "--engine", "gloss", str(huge)]
        ten, _ = measure(gloss, env, 1, lexicon, first_characters(huge))
        # the whole is in once the status bar counts its paragraphs (the text is its preview's)
        whole = f"¶1/{len(load_document(huge).paragraphs)}"
        loaded, rss = measure(gloss, env, 1, lexicon, whole)

    cores = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {cores} cores ({len(os.sched_getaffinity(0))} usable), load {load}")
    print(f"tree: {TREE}")
    if lexicon is not None:
        print(f"lexicon built once, before the runs (a first start's extra cost): {built:.2f} s")
    print(f"process start to moment, seconds: median (min-max) of {args.runs} runs, peak RSS")
    b, bp = statistics.median(base), statistics.median(base_paint)
    print(f"  {'baseline: bare Textual app, painted':38} {fmt(base_paint)}")
    print(f"  {'baseline: bare Textual app, exited':38} {fmt(base)}")
    for engine in engines:
        for doc in docs:
            for label, mode in MOMENTS:
                if (engine, doc, mode) not in rows:
                    continue
                times = rows[engine, doc, mode]
                m = statistics.median(times)
                ratios = f"x{m / (b if mode == 'translated' else bp):4.2f} baseline"
                if doc != "seed":
                    ratios += f"  x{m / statistics.median(rows[engine, 'seed', mode]):4.2f} seed"
                who = f"{engine}, {'seed 001' if doc == 'seed' else '2 MB'}, {label}"
                print(f"  {who:38} {fmt(times)}  {ratios}  {peaks[engine, doc, mode]} MB")
    label = "gloss, seed 001 read before, English"
    print(f"  {label:38} {fmt(second)}  x{statistics.median(second) / bp:4.2f} baseline")
    print(f"  {'gloss, 10 MB, text shown':38} {ten[0]:6.3f}  (1 run)")
    print(f"  {'gloss, 10 MB, all of it loaded':38} {loaded[0]:6.3f}  (1 run)  peak RSS {rss} MB")
    print("targets (2 cores)")
    for label, key, limit in TARGETS:
        m = statistics.median(rows[key])
        verdict = "PASS" if m <= limit else "FAIL"
        print(f"  {verdict}  {label:44} {m:6.3f} s <= {limit} s")
    for label, key, ratio in RATIO_TARGETS:
        m = statistics.median(rows[key]) / (b if key[2] == "translated" else bp)
        verdict = "PASS" if m <= ratio else "FAIL"
        print(f"  {verdict}  {label:44} x{m:5.2f} <= x{ratio} baseline")
    verdict = "PASS" if rss < RSS_LIMIT_MB else "FAIL"
    print(f"  {verdict}  {'10 MB peak RSS':44} {rss:6d} MB < {RSS_LIMIT_MB} MB")


if __name__ == "__main__":
    main()
