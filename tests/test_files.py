"""Issue #8: the tool never loses or destroys a file (cases numbered as in the issue).

Each test names its case; every one failed before the fix.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from reader import atomic
from reader.atomic import check_output, write_text_atomic
from reader.cli import main
from reader.errors import ReaderError
from reader.glossary.file import Entry, Glossary
from tests.conftest import messages, one_message

HEADER = "zh,en,variants,accept,forbidden,note,category,priority,dnt\n"
ROW = "联防联控,joint prevention and control,,,,,policy,,\n"

requires_root = pytest.mark.skipif(os.geteuid() != 0, reason="os.mknod needs root")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def gpath(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.csv"
    path.write_text(HEADER + ROW, encoding="utf-8")
    return path


# --- 1. special files are streamed into, never replaced ------------------------------------


@requires_root
def test_1_device_node_stays_a_device(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    before = os.stat(null)
    write_text_atomic(null, "data\n")
    check_output(null)
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


@requires_root
def test_1_glossary_export_to_a_device(
    gpath: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    code, _, err = run(
        capsys, "glossary", "export", "--format", "tsv", "-o", str(null), "--glossary", str(gpath)
    )
    assert code == 0, err
    assert stat.S_ISCHR(os.stat(null).st_mode)


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fifo:  # blocks until the writer opens; then reads to EOF
            into.append(fifo.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def test_1_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    write_text_atomic(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_1_export_to_a_fifo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("会议召开。\n", encoding="utf-8")
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    code, _, err = run(capsys, "export", str(doc), "-o", str(fifo), "--engine", "gloss")
    reader.join(timeout=10)
    assert code == 0, err
    assert got and "会议召开" in got[0].decode("utf-8")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_1_proc_self_fd_is_streamed(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    try:
        write_text_atomic(f"/proc/self/fd/{write_end}", "to the pipe")
        assert os.read(read_end, 100) == b"to the pipe"
    finally:
        os.close(read_end)
        os.close(write_end)
    # a descriptor open on a regular file (the shell's `> out.md`, `>> log`) keeps its inode
    target = tmp_path / "out.md"
    target.write_text("old, longer content")
    inode = target.stat().st_ino
    with open(target, "wb") as handle:  # `>` truncated it
        write_text_atomic(f"/proc/self/fd/{handle.fileno()}", "new")
    assert target.read_text() == "new" and target.stat().st_ino == inode
    with open(target, "ab") as handle:  # `>>` appends
        write_text_atomic(f"/dev/fd/{handle.fileno()}", " and more")
    assert target.read_text() == "new and more" and target.stat().st_ino == inode


# --- 2. a symlink stays a link; its target receives the edit -------------------------------


def test_2_symlinked_glossary_stays_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real_dir = tmp_path / "synced"
    real_dir.mkdir()
    real = real_dir / "terms.csv"
    real.write_text(HEADER + ROW, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "glossary.csv"
    link.symlink_to(real)
    code, _, err = run(capsys, "glossary", "add", "四早", "four earlies", "--glossary", str(link))
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == real
    assert "四早,four earlies" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert (real_dir / "terms.csv~").read_text(encoding="utf-8") == HEADER + ROW
    assert not (tmp_path / "glossary.csv~").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")
def test_2_owner_is_kept(gpath: Path) -> None:
    os.chown(gpath, 1234, 5678)
    write_text_atomic(gpath, "zh,en\n")
    assert (gpath.stat().st_uid, gpath.stat().st_gid) == (1234, 5678)


# --- 3. concurrent writers: see tests/test_glossary_crash.py (16 processes); lock here --------


def test_3_lock_is_held_across_read_modify_write(gpath: Path) -> None:
    from reader.glossary.file import locked

    order: list[str] = []
    inside = threading.Event()

    def other_process_like() -> None:
        # a second lock holder in another thread must wait: locked() is reentrant per thread
        # only, and a real second process would block on the flock the same way
        inside.wait()
        with locked(gpath):
            order.append("second")

    thread = threading.Thread(target=other_process_like)
    thread.start()
    with locked(gpath), locked(gpath):  # reentrant: save() inside an edit takes it again
        inside.set()
        g = Glossary.load(gpath)
        g.add(Entry("四早", "four earlies"))
        g.save()
        order.append("first")
    thread.join(timeout=10)
    assert order == ["first", "second"]
    assert (gpath.parent / "glossary.csv.lock").exists()


# --- 4. a GBK glossary is never rewritten with U+FFFD; the backup keeps the original -------


GBK = (HEADER + ROW + "外防输入,preventing imported cases,,,,,slogan,,\n").encode("gbk")


def test_4_gbk_glossary_is_read_but_not_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "glossary.csv"
    path.write_bytes(GBK)
    glossary = Glossary.load(path)
    assert [e.zh for e in glossary.entries] == ["联防联控", "外防输入"]  # usable read-only
    assert any("GB" in p.message and "convert" in p.message for p in glossary.problems)
    for _ in range(2):
        code, out, err = run(capsys, "glossary", "add", "四早", "x", "--glossary", str(path))
        assert code == 2 and out == ""
        assert "reader glossary convert" in one_message(err), err
    assert path.read_bytes() == GBK
    assert not Path(str(path) + "~").exists()


def test_4_convert_then_edit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "glossary.csv"
    path.write_bytes(GBK)
    code, out, err = run(capsys, "glossary", "convert", "--glossary", str(path))
    assert code == 0, err
    assert "GB" in out.upper()
    assert path.read_text(encoding="utf-8") == GBK.decode("gbk")
    original = tmp_path / "glossary.csv.gb18030~"
    assert f"the original is kept as {original.name}" in out
    assert original.read_bytes() == GBK
    code, _, err = run(capsys, "glossary", "add", "四早", "x", "--glossary", str(path))
    assert code == 0, err
    assert original.read_bytes() == GBK  # a save writes glossary.csv~, never this one


def test_4_a_second_convert_keeps_the_gbk_original(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs (two processes: the `~` of a save is made once per process) never leave the
    user without their GBK bytes; FILE is a positional argument, as the message says."""
    path = tmp_path / "glossary.csv"
    path.write_bytes(GBK)
    code, _, err = run(capsys, "glossary", "add", "四早", "x", "--glossary", str(path))
    assert code == 2 and f"`reader glossary convert {path}`" in one_message(err)
    for run_number in range(2):
        monkeypatch.setattr("reader.atomic._backed_up", set())  # a fresh process
        code, out, err = run(capsys, "glossary", "convert", str(path))
        assert code == 0, err
        if run_number:
            assert "already UTF-8; nothing to convert, nothing written" in "\n".join(messages(err))
        monkeypatch.setattr("reader.atomic._backed_up", set())
        term = f"四早{run_number}"
        code, _, err = run(capsys, "glossary", "add", term, "x", "--glossary", str(path))
        assert code == 0, err
    kept = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith("~"))
    assert kept == ["glossary.csv.gb18030~", "glossary.csv~"]
    assert (tmp_path / "glossary.csv.gb18030~").read_bytes() == GBK
    # a second GBK file converted at the same path gets a name of its own
    path.write_bytes(GBK.replace("外防输入".encode("gbk"), "内防反弹".encode("gbk")))
    code, out, _ = run(capsys, "glossary", "convert", str(path))
    assert code == 0 and "kept as glossary.csv.gb18030.2~" in out
    assert (tmp_path / "glossary.csv.gb18030~").read_bytes() == GBK


def test_4_undecodable_bytes_refuse_conversion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "glossary.csv"
    data = b"zh,en\n\xff\xfe\xfd\x80,x\n\x81\x30,y\n"
    path.write_bytes(data)
    code, _, err = run(capsys, "glossary", "convert", "--glossary", str(path), "--encoding", "big5")
    assert code == 2 and one_message(err)
    assert path.read_bytes() == data


def test_4_backup_keeps_the_original_of_this_process(gpath: Path) -> None:
    original = gpath.read_bytes()
    for term in ("一", "二", "三"):
        g = Glossary.load(gpath)
        g.add(Entry(term, term))
        g.save()
    assert Path(str(gpath) + "~").read_bytes() == original


# --- 5. -o naming the input, a missing folder, a directory, read-only ----------------------


def test_5_export_refuses_to_overwrite_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("会议召开。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    alias = tmp_path / "alias.txt"
    os.link(doc, alias)  # another name, same inode
    for out in ("doc.txt", str(doc), "./sub/../doc.txt", str(alias)):
        (tmp_path / "sub").mkdir(exist_ok=True)
        code, _, err = run(capsys, "export", "doc.txt", "-o", out, "--engine", "gloss")
        assert code == 2 and "is the input" in one_message(err), (out, err)
    assert doc.read_text(encoding="utf-8") == "会议召开。\n"


def test_5_glossary_export_refuses_the_glossary_in_use(
    gpath: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "glossary", "export", "--format", "csv", "-o", str(gpath), "--glossary", str(gpath)
    )
    assert code == 2 and "is the input" in one_message(err)
    assert gpath.read_text(encoding="utf-8") == HEADER + ROW


@pytest.mark.parametrize(
    "case", ["missing folder", "directory", "read-only file", "read-only folder"]
)
def test_5_bad_outputs_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("会议召开。\n", encoding="utf-8")
    out = {
        "missing folder": tmp_path / "nope" / "out.md",
        "directory": tmp_path,
        "read-only file": tmp_path / "ro.md",
        "read-only folder": tmp_path / "ro" / "out.md",
    }[case]
    if case == "read-only file":
        out.write_text("keep me")
        out.chmod(0o444)
    if case == "read-only folder":
        out.parent.mkdir()
        out.parent.chmod(0o555)
    for argv in (
        ["export", str(doc), "-o", str(out), "--engine", "gloss"],
        ["glossary", "export", "--format", "tsv", "-o", str(out)],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2 and one_message(err), (argv, err)
    assert not (tmp_path / "nope").exists()
    if case == "read-only file":
        assert out.read_text() == "keep me"


# --- 6. post-edits and the memory: tests/test_memory_files.py -------------------------------

# --- 7. frozen entries, replaced on edit; load makes no copies ------------------------------


def test_7_entries_are_frozen_and_update_replaces(gpath: Path) -> None:
    import dataclasses

    glossary = Glossary.load(gpath)
    old = glossary.entries[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        old.en = "changed"  # type: ignore[misc]
    revision = glossary.revision
    new = glossary.update("联防联控", en="joint control")
    assert old.en == "joint prevention and control"  # a translation run's snapshot is intact
    assert new.en == "joint control" and glossary.entries[0] is new
    assert glossary.revision == revision + 1
    glossary.save()
    assert "联防联控,joint control,,,,,policy" in gpath.read_text(encoding="utf-8")
    glossary.reload()
    assert glossary.revision == revision + 2


def test_7_load_copies_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copy

    path = tmp_path / "big.csv"
    path.write_text(HEADER + "".join(f"词{i},w{i},,,,,,,\n" for i in range(2000)), "utf-8")

    def no_copies(*_: object, **__: object) -> None:
        raise AssertionError("deepcopy per row on load")

    monkeypatch.setattr(copy, "deepcopy", no_copies)
    assert len(Glossary.load(path).entries) == 2000


# --- 8. the umask is never flipped -----------------------------------------------------------


def test_8_umask_is_not_touched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = os.umask
    monkeypatch.setattr(os, "umask", lambda mask: calls.append(mask) or real(mask))
    old = real(0o027)
    try:
        write_text_atomic(tmp_path / "new.md", "x")
        assert calls == []
        assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640
    finally:
        real(old)


# --- 9. a read-only glossary: one line, the file and no backup touched ----------------------


def test_9_read_only_glossary(gpath: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gpath.chmod(0o444)
    code, _, err = run(capsys, "glossary", "add", "四早", "x", "--glossary", str(gpath))
    assert code == 2 and "read-only" in one_message(err)
    assert gpath.read_text(encoding="utf-8") == HEADER + ROW
    assert not Path(str(gpath) + "~").exists()


def test_9_a_read_only_backup_left_behind_is_replaced(gpath: Path) -> None:
    backup = Path(str(gpath) + "~")
    backup.write_text("older")
    backup.chmod(0o444)
    glossary = Glossary.load(gpath)
    glossary.add(Entry("四早", "four earlies"))
    glossary.save()
    assert backup.read_text(encoding="utf-8") == HEADER + ROW
    assert stat.S_IMODE(backup.stat().st_mode) & stat.S_IWUSR  # the next backup can replace it


def test_9_disk_full_is_one_line(gpath: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if fd > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    glossary = Glossary.load(gpath)
    glossary.add(Entry("四早", "four earlies"))
    monkeypatch.setattr(atomic.os, "write", full)
    with pytest.raises(ReaderError, match="the disk is full"):
        glossary.save()
    monkeypatch.undo()
    assert gpath.read_text(encoding="utf-8") == HEADER + ROW
    assert not list(gpath.parent.glob(".glossary.csv.*.tmp"))  # no temp left behind


# --- 10. export and import agree; changing nothing is not success ---------------------------


def test_10_export_csv_then_import_csv(
    gpath: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "babeldoc.csv"
    code, _, err = run(
        capsys, "glossary", "export", "--format", "csv", "-o", str(out), "--glossary", str(gpath)
    )
    assert code == 0, err
    other = tmp_path / "other.csv"
    code, _, err = run(
        capsys, "glossary", "import", "--format", "csv", str(out), "--glossary", str(other)
    )
    assert code == 0, err
    assert [e.zh for e in Glossary.load(other).entries] == ["联防联控"]
    # the same again changes nothing: said so, exit 1
    code, _out_text, err = run(
        capsys, "glossary", "import", "--format", "csv", str(out), "--glossary", str(other)
    )
    assert code == 1 and "nothing imported" in "\n".join(messages(err))


def test_10_import_of_a_csv_without_a_usable_header(
    gpath: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "x.csv"
    src.write_text("term,translation\n四早,four earlies\n", encoding="utf-8")
    code, _, err = run(
        capsys, "glossary", "import", "--format", "csv", str(src), "--glossary", str(gpath)
    )
    assert code == 2 and "header" in err


def test_10_suggest_adding_nothing_exits_1(
    gpath: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("新冠肺炎疫情。新冠肺炎疫情。新冠肺炎疫情。\n" * 3, encoding="utf-8")
    code, _, err = run(
        capsys, "glossary", "suggest", str(doc), "--add", "", "--en", "--glossary", str(gpath)
    )
    assert code == 1 and "nothing added" in "\n".join(messages(err))


# --- 11. a header without zh/en is never rewritten -------------------------------------------


def test_11_header_without_zh_en_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "glossary.csv"
    text = "term,translation,notes\n四早,four earlies,x\n"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "glossary", "add", "外防输入", "x", "--glossary", str(path))
    assert code == 2 and "header" in one_message(err)
    assert path.read_text(encoding="utf-8") == text
