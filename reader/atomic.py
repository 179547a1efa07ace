"""Writes for files the user owns (glossary, exports, positions): nothing is lost or destroyed.

Guarantees:
- A regular file is replaced atomically: a temp file in the same directory is written, fsynced
  and renamed over the target, then the directory is fsynced. A crash at any point leaves the
  old file or the new one, never a partial file. Temp files a killed writer left behind
  (`.name.*.tmp`) are swept on a later write.
- A symlink is followed: its final target is replaced in the target's own directory, so the link
  stays a link and the real file receives the edit. An existing file keeps its mode and owner; a
  new file gets 0666 minus the umask, applied by the kernel (process state is never changed).
- A device, FIFO or other special file (`/dev/null`, a named pipe, `/proc/self/fd/1`) is never
  replaced: the data is streamed into it.
- `backup=True` keeps `path~`, the file as it was before this process first wrote it: a second
  save in the same process never overwrites the last good original. It is made through a temp
  file and a rename too, so a crash never leaves a partial backup.
- Every failure the user can cause (missing folder, a directory, read-only file or folder, disk
  full, permission denied) is a `ReaderError`: one line, never a traceback.
- `check_output` runs the same checks before a long job, and also refuses an output that is one
  of the inputs (same resolved path or same inode).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from reader.errors import ReaderError

# a temp file older than this was left by a writer that died; younger ones may be in use
STALE_TEMP_SECONDS = 3600
_WRITE_BITS = 0o222

_backed_up: set[str] = set()  # targets whose `~` backup this process already made
_backed_up_lock = threading.Lock()


def write_bytes_atomic(path: str | Path, data: bytes, *, backup: bool = False) -> None:
    """Write `data` to `path` (see the module guarantees); with `backup`, keep `path~`."""
    where = Path(path)
    target, st = _target(where)
    if st is not None and (not stat.S_ISREG(st.st_mode) or _is_fd_alias(where)):
        _stream(where, data)
        return
    _check_writable(where, target, st)
    try:
        _sweep_stale_temps(target)
        if backup and st is not None:
            _make_backup(target, st)
        _replace(target, data, st)
        _fsync_dir(target.parent)
    except OSError as error:
        raise ReaderError(where, f"cannot write: {_reason(error)}") from None


def write_text_atomic(
    path: str | Path, text: str, *, encoding: str = "utf-8", backup: bool = False
) -> None:
    write_bytes_atomic(path, text.encode(encoding), backup=backup)


def check_output(path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse, before any work is done, an output path the writer would refuse, or one that
    names an input (`-o doc.txt` for `doc.txt`). Returns `path` as a `Path`."""
    where = Path(path)
    target, st = _target(where)
    for source in inputs:
        if str(source) == "-":
            continue
        if _same_file(where, st, Path(source)):
            raise ReaderError(where, "is the input file; choose another output (-o)")
    if st is not None and (not stat.S_ISREG(st.st_mode) or _is_fd_alias(where)):
        return where  # streamed: a device, FIFO, terminal or an open descriptor
    _check_writable(where, target, st)
    return where


def _target(path: Path) -> tuple[Path, os.stat_result | None]:
    """The file a write to `path` lands in (symlinks followed) and its stat, None if missing."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise ReaderError(path, "a folder in this path is a file") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ReaderError(path, "symlink loop") from None
        raise ReaderError(path, f"cannot write: {_reason(error)}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise ReaderError(path, "is a directory; give a file name")
    # realpath also resolves a dangling link to the file it will create
    return Path(os.path.realpath(path)), st


def _check_writable(where: Path, target: Path, st: os.stat_result | None) -> None:
    directory = target.parent
    if not directory.is_dir():
        raise ReaderError(where, f"folder {directory} does not exist; create it first")
    # mode bits as well as access(): root may write anywhere, but a 0444 file or 0555 folder
    # says the owner wants it left alone
    if st is not None and (not st.st_mode & _WRITE_BITS or not os.access(target, os.W_OK)):
        raise ReaderError(where, "is read-only; make it writable (chmod u+w) to save to it")
    dst = directory.stat()
    if not dst.st_mode & _WRITE_BITS or not os.access(directory, os.W_OK | os.X_OK):
        raise ReaderError(where, f"folder {directory} is read-only; cannot write here")


def _same_file(out: Path, out_st: os.stat_result | None, source: Path) -> bool:
    try:
        src_st = os.stat(source)
    except OSError:
        return False
    if out_st is not None and (out_st.st_dev, out_st.st_ino) == (src_st.st_dev, src_st.st_ino):
        return stat.S_ISREG(src_st.st_mode)  # two names of /dev/null are not "the input"
    return os.path.realpath(out) == os.path.realpath(source)


_STD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def _own_fd(path: Path) -> int | None:
    """The descriptor `path` names in this process (`/dev/stdout`, `/proc/self/fd/N`,
    `/dev/fd/N`), or None."""
    text = os.path.abspath(path)
    if text in _STD:
        return _STD[text]
    for prefix in ("/proc/self/fd/", f"/proc/{os.getpid()}/fd/", "/dev/fd/"):
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            return int(text[len(prefix) :])
    return None


def _is_fd_alias(path: Path) -> bool:
    """`/proc/self/fd/1` or `/dev/stdout` on a regular file (the shell's `> out` or `>> log`):
    replacing the file would leave the descriptor on the old inode, so write into it."""
    return _own_fd(path) is not None or os.path.abspath(path).startswith("/proc/")


def _stream(path: Path, data: bytes) -> None:
    """Write into a special file or an open descriptor as the shell would; never replace it."""
    own = _own_fd(path)
    try:
        # an open descriptor of ours is written as is (keeps `>>` appending, as bash does
        # for /dev/stdout); otherwise open without O_CREAT: the node exists and stays
        fd = own if own is not None else os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            if own is None:
                os.close(fd)
    except OSError as error:
        raise ReaderError(path, f"cannot write: {_reason(error)}") from None


def _create_temp(target: Path, mode: int) -> tuple[int, Path]:
    """A new temp file next to `target`; the kernel applies the umask to `mode`."""
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), tmp
        except FileExistsError:
            continue


def _replace(target: Path, data: bytes, st: os.stat_result | None) -> None:
    fd, tmp = _create_temp(target, 0o600 if st is not None else 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if st is not None:
                _keep_owner_and_mode(fd, st)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _keep_owner_and_mode(fd: int, st: os.stat_result) -> None:
    if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):  # only root may give a file away
            os.fchown(fd, st.st_uid, st.st_gid)
    os.fchmod(fd, stat.S_IMODE(st.st_mode))


def _make_backup(target: Path, st: os.stat_result) -> None:
    key = str(target)
    with _backed_up_lock:
        if key in _backed_up:
            return  # `~` already holds the file as it was before this process wrote it
        _backed_up.add(key)
    data = target.read_bytes()
    backup = target.with_name(target.name + "~")
    fd, tmp = _create_temp(backup, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            # the original's mode, but owner-writable so the next backup can replace it
            os.fchmod(fd, stat.S_IMODE(st.st_mode) | stat.S_IWUSR)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, backup)
    except BaseException:
        tmp.unlink(missing_ok=True)
        with _backed_up_lock:
            _backed_up.discard(key)
        raise


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    return (error.strerror or str(error)).lower().rstrip(".")


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
