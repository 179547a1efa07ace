"""Atomic writes: replace, backup, permissions, stale temp files."""

from __future__ import annotations

import os
import time
from pathlib import Path

from reader.atomic import STALE_TEMP_SECONDS, write_text_atomic


def test_replaces_and_keeps_a_backup(tmp_path: Path) -> None:
    target = tmp_path / "g.csv"
    write_text_atomic(target, "old\n")
    write_text_atomic(target, "new\n", backup=True)
    assert target.read_text() == "new\n"
    assert (tmp_path / "g.csv~").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.csv", "g.csv~"]


def test_new_file_follows_umask_and_existing_keeps_its_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "new.md"
        write_text_atomic(target, "x")
        assert target.stat().st_mode & 0o777 == 0o644
        target.chmod(0o600)
        write_text_atomic(target, "y")
        assert target.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_stale_temp_files_are_swept_fresh_ones_kept(tmp_path: Path) -> None:
    stale = tmp_path / ".g.csv.abc.tmp"
    fresh = tmp_path / ".g.csv.def.tmp"
    stale.write_text("partial")
    fresh.write_text("in use")
    long_ago = time.time() - STALE_TEMP_SECONDS - 10
    os.utime(stale, (long_ago, long_ago))
    write_text_atomic(tmp_path / "g.csv", "data")
    assert not stale.exists() and fresh.exists()
