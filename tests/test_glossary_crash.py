"""Writers killed at any moment, and writers racing, never lose a finished edit or break the file.

- Crash: a process adds entries one by one (load, add, save under the lock) and prints each one
  it finished; it is killed with SIGKILL at random moments and, on purpose, inside the window
  between the temp file's fsync and the rename and between the rename and the directory fsync.
  The glossary must always parse and hold every entry whose save completed.
- Race: 16 `reader glossary add` processes at once; all 16 entries must be there.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from reader.glossary.file import Glossary

ROOT = Path(__file__).resolve().parent.parent
BASE = 300  # entries already in the file, so each save rewrites ~30 KB
KILLS = 12

# Adds entries "术语<n>" forever. reader.atomic's os.replace is wrapped to announce the rename
# window and to pause in it (20 ms), so a kill can be aimed at it; the bytes on disk at that
# moment are exactly what an unlucky crash would leave.
WRITER = """
import os, sys, time
import reader.atomic as atomic
from reader.glossary.file import Entry, Glossary, locked
path, start = sys.argv[1], int(sys.argv[2])
real_replace = os.replace

def announced_replace(src, dst):
    if str(dst) == path:
        print("window before-rename", flush=True)
        time.sleep(0.02)
        real_replace(src, dst)
        print("window after-rename", flush=True)
        time.sleep(0.02)
    else:
        real_replace(src, dst)

atomic.os.replace = announced_replace
print("ready", flush=True)
n = start
while True:
    with locked(path):
        g = Glossary.load(path)
        g.add(Entry(f"术语{n}", f"term {n}"))
        g.save()
    print(f"done {n}", flush=True)
    n += 1
"""


def check_whole(path: Path, finished: set[int]) -> set[int]:
    glossary = Glossary.load(path)
    assert glossary.problems == []
    numbers = {int(e.en.split()[1]) for e in glossary.entries}
    assert set(range(BASE)) <= numbers
    assert finished <= numbers, f"lost finished entries: {sorted(finished - numbers)}"
    return numbers


def test_killed_writers_never_lose_a_finished_entry(tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    rows = "".join(f"基础{i},term {i},,,,{'注' * 40}\n" for i in range(BASE))
    path.write_text("zh,en,variants,accept,forbidden,note\n" + rows, encoding="utf-8")
    rng = random.Random(20261125)
    finished: set[int] = set()
    landed: dict[str, int] = {}
    start = BASE
    for round_ in range(KILLS):
        aim = ("anywhere", "before-rename", "after-rename")[round_ % 3]
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        wanted = rng.randint(0, 3)  # let a few saves complete first
        done = seen = 0
        while True:
            line = writer.stdout.readline().strip()
            assert line, "the writer died on its own"
            if line.startswith("done"):
                finished.add(int(line.split()[1]))
                done += 1
                if aim == "anywhere" and done > wanted:
                    time.sleep(rng.uniform(0.0, 0.03))  # anywhere in the next save
                    break
            elif line == f"window {aim}":
                seen += 1
                if seen > wanted:
                    break  # the writer is paused inside the window now
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        if aim != "anywhere":
            landed[aim] = landed.get(aim, 0) + 1
        numbers = check_whole(path, finished)
        start = max(numbers) + 1
    assert landed.get("before-rename", 0) >= 1 and landed.get("after-rename", 0) >= 1
    # a later writer still gets the lock (the kernel dropped the killed one's) and saves
    subprocess.run(
        [sys.executable, "-m", "reader", "glossary", "add", "--glossary", str(path), "末", "end"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert Glossary.load(path).find("末") is not None


def test_sixteen_concurrent_adds_all_land(tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text("zh,en\n", encoding="utf-8")
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reader",
                "glossary",
                "add",
                "--glossary",
                str(path),
                f"并发{i}",
                f"concurrent {i}",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(16)
    ]
    results = [(p.wait(), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    for code, out, err in results:
        assert code == 0 and out.startswith("added"), err
    glossary = Glossary.load(path)
    assert glossary.problems == []
    assert sorted(e.en for e in glossary.entries) == sorted(f"concurrent {i}" for i in range(16))
