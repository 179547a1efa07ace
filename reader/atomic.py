"""Atomic writes for files the user owns (glossary, exports, positions).

A crash at any point leaves either the old file or the new one, never a partial file:
write a temp file in the same directory, fsync it, rename it over the target, fsync the dir.
The backup (`path~`) is made the same way, by hard-linking or copying to a temp name first and
renaming, so a crash never leaves a partial backup either. Temp files a killed writer left
behind (`.name.*.tmp`) are swept on the next write.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# a temp file older than this was left by a writer that died; younger ones may be in use
STALE_TEMP_SECONDS = 3600


def write_bytes_atomic(path: str | Path, data: bytes, *, backup: bool = False) -> None:
    """Replace `path` with `data` atomically; with `backup`, keep the old file as `path~`."""
    path = Path(path)
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    _sweep_stale_temps(path)
    existed = path.exists()
    if backup and existed:
        _replace_with(path.with_name(path.name + "~"), lambda tmp: shutil.copy2(path, tmp))
    _replace_with(
        path, lambda tmp: Path(tmp).write_bytes(data), mode_from=path if existed else None
    )
    _fsync_dir(directory)


def write_text_atomic(
    path: str | Path, text: str, *, encoding: str = "utf-8", backup: bool = False
) -> None:
    write_bytes_atomic(path, text.encode(encoding), backup=backup)


def _replace_with(
    target: Path, fill: Callable[[str], object], mode_from: Path | None = None
) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        fill(tmp_name)
        with open(tmp_name, "rb+") as tmp:
            os.fsync(tmp.fileno())
        if mode_from is not None:
            shutil.copymode(mode_from, tmp_name)  # keep the user's permissions
        else:
            os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes 0600; a new file gets the umask
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sweep_stale_temps(path: Path) -> None:
    cutoff = time.time() - STALE_TEMP_SECONDS
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()
        except OSError:
            pass  # another writer's, or already gone


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not supported on this platform
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
