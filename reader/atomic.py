"""Atomic writes for files the user owns (glossary, exports, positions).

A crash at any point leaves either the old file or the new one, never a partial file:
write a temp file in the same directory, fsync it, rename it over the target, fsync the dir.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_bytes_atomic(path: str | Path, data: bytes, *, backup: bool = False) -> None:
    """Replace `path` with `data` atomically; with `backup`, keep the old file as `path~`."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        if path.exists():
            # keep the user's permissions on the new file
            shutil.copymode(path, tmp_name)
            if backup:
                backup_path = path.with_name(path.name + "~")
                shutil.copy2(path, backup_path)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(directory)


def write_text_atomic(
    path: str | Path, text: str, *, encoding: str = "utf-8", backup: bool = False
) -> None:
    write_bytes_atomic(path, text.encode(encoding), backup=backup)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not supported on this platform
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
