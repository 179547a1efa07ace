"""A save killed at any moment leaves the old glossary or the new one, never a mix or a stub."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.glossary.file import Entry, Glossary

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = 1500
# ~2.7 MB, so writing and syncing the file takes a while
NOTE = "填充" * 300
KILLS = 10

# Saves the glossary in a loop, flipping every rendering between "alpha N" and "beta N".
SAVER = """
import sys
from reader.glossary.file import Glossary
path = sys.argv[1]
print("ready", flush=True)
while True:
    g = Glossary.load(path)
    flip = "beta" if g.entries[0].en.startswith("alpha") else "alpha"
    for i, entry in enumerate(g.entries):
        entry.en = f"{flip} {i}"
    print("saving", flush=True)
    g.save()
"""


TEMP = ".glossary.csv.*.tmp"  # reader.atomic's temp file for glossary.csv


def wait_for_temp_file(directory: Path, known: set[Path], limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if set(directory.glob(TEMP)) - known:
            return
        time.sleep(0.0005)


def version_of(path: Path) -> str:
    """'alpha' or 'beta' if the file is one complete version; fails otherwise."""
    glossary = Glossary.load(path)
    assert glossary.problems == []
    assert len(glossary.entries) == ENTRIES
    flips = {entry.en.split()[0] for entry in glossary.entries}
    assert len(flips) == 1, flips
    assert [entry.en.split()[1] for entry in glossary.entries] == [str(i) for i in range(ENTRIES)]
    return flips.pop()


@pytest.mark.slow
def test_killed_saves_leave_a_whole_version(tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    g = Glossary(path, [Entry(f"术语{i}", f"alpha {i}", note=NOTE) for i in range(ENTRIES)])
    path.write_text(g.to_text(), encoding="utf-8")
    rng = random.Random(20240224)
    seen: set[str] = set()
    known: set[Path] = set()
    for _ in range(KILLS):
        saver = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert saver.stdout is not None and saver.stdout.readline() == "ready\n"
        for _ in range(rng.randint(1, 2)):  # let a first save complete now and then
            assert saver.stdout.readline() == "saving\n"
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0.0, 0.08))  # anywhere in the save (about this long)
        else:
            wait_for_temp_file(tmp_path, known)  # while the new version is being written
            time.sleep(rng.uniform(0.0, 0.005))
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        seen.add(version_of(path))
        known = set(tmp_path.glob(TEMP))
    mid_write = len(known)  # temp files a killed write left behind
    print(f"versions seen: {sorted(seen)}; kills during a write: {mid_write}/{KILLS}")
