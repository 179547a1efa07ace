"""The preload child's first paint (reader.ui.first_paint), read off a real pty through a
terminal emulator (pyte): its text is where Textual's first frame draws it, cell for cell; the
terminal is never written by both; a document cannot drive the terminal through it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cells import cell_width
from reader.documents.loading import PREVIEW_ABOVE, load_document, preview_document
from reader.ui.first_paint import START, first_lines, paint
from tests.conftest import ROOT, seed

ALT_SCREEN = b"\x1b[?1049h"  # the child's paint starts with it, and so does Textual

# Runs `reader read` with the race made certain one way: "paint" holds the reader until the
# child has drawn (it sends the document after drawing; on a loaded machine the child could
# lose); "preview" slows the child's whole load, so that Textual's first frame shows the
# preview the child drew (sent just before it draws, ~5 ms); "late" holds the child's paint
# until the reader has taken the terminal; "fail" has the reader fail after the paint, before
# Textual ever starts.
RUN = """
import sys, time
import reader.ui.preload as preload
how = sys.argv[1]
take, draw, load = preload.Preload.take_terminal, preload._paint, preload._load
def held_take(self):
    if how == "preview":
        with self._changed:
            self._wait(preload.PREVIEW, 30)
        time.sleep(1)
    elif how == "paint":
        self.ready(30)
    take(self)
def late_draw(*args):
    time.sleep(1.5)
    draw(*args)
def slow_load(*args):
    time.sleep(3)
    return load(*args)
preload.Preload.take_terminal = held_take
if how == "late":
    preload._paint = late_draw
if how == "preview":
    preload._load = slow_load
if how == "fail":
    import reader.ui.app
    def broken(self, *args, preload=None, **kwargs):
        preload.ready(30)
        raise RuntimeError("a broken install")
    reader.ui.app.ReaderApp.__init__ = broken
sys.argv = ["reader", "read", "--engine", "gloss", *sys.argv[2:]]
from reader.cli import main
sys.exit(main())
"""


def _run(how: str, path: Path, size: tuple[int, int], home: Path, until: str) -> bytes:
    """The bytes `reader read path` writes on a `size` (columns, lines) pty until the last row
    shows `until` (or the process ends)."""
    columns, lines = size
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[var] = str(home / var.lower())
    argv = [sys.executable, "-c", RUN, how, str(path)]
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if until in pyte_screen(out, size).display[-1]:
                break  # Textual's first frame is complete: the footer is its last row
            if select.select([master], [], [], 0.05)[0]:
                try:
                    out += os.read(master, 65536)
                except OSError:
                    break  # the process ended
            elif proc.poll() is not None:
                break
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
        os.close(master)
    return out


def pyte_screen(written: bytes, size: tuple[int, int]) -> pyte.Screen:
    screen = pyte.Screen(*size)
    pyte.ByteStream(screen).feed(written)
    return screen


def cells(screen: pyte.Screen, y: int, start: int, count: int) -> str:
    """The text of `count` cells of row `y` from column `start` (a wide character's second
    cell is empty)."""
    row = screen.buffer[y]
    return "".join(row[x].data for x in range(start, start + count))


def split(out: bytes) -> tuple[bytes, bytes]:
    """The child's paint and what Textual wrote after it."""
    first = out.find(ALT_SCREEN)
    textual = out.find(ALT_SCREEN, first + 1)
    assert first == 0, out[:200]  # nothing before the child's paint
    assert textual > 0, "Textual never started"
    return out[:textual], out[textual:]


def big_document(tmp_path: Path) -> Path:
    """Over PREVIEW_ABOVE: the child draws its preview's first screen."""
    text = "\n\n".join(seed(n).read_text(encoding="utf-8") for n in ("000", "001", "002", "004"))
    path = tmp_path / "big.txt"
    path.write_text("\n\n".join([text] * (PREVIEW_ABOVE // len(text.encode()) + 2)), "utf-8")
    return path


DOCUMENTS = {
    "001": lambda tmp: seed("001"),
    "003": lambda tmp: seed("003"),  # Traditional
    "000": lambda tmp: seed("000"),
    "004": lambda tmp: seed("004"),
    "big": big_document,
    # it fits: no scrollbar
    "short": lambda tmp: _write(tmp / "short.txt", "标题\n\n短文一段。\n\n第二段。\n"),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("001", (80, 24)),
        ("001", (140, 40)),
        ("001", (100, 30)),  # a 99-cell view: stacked
        ("001", (101, 30)),  # 100 cells: side by side
        ("003", (120, 40)),
        ("004", (80, 24)),
        ("000", (140, 40)),
        ("big", (140, 40)),  # its preview, in the child's paint and Textual's first frame
        ("short", (120, 40)),
    ],
)
def test_the_first_paint_is_where_textual_draws_the_text(
    tmp_path: Path, name: str, size: tuple[int, int]
) -> None:
    path = DOCUMENTS[name](tmp_path)
    how = "preview" if name == "big" else "paint"
    painted, textual = split(_run(how, path, size, tmp_path, until="Help"))
    before, after = pyte_screen(painted, size), pyte_screen(textual, size)
    view_rows = size[1] - 6  # the dictionary panel, status bar and footer below
    drawn = 0
    for y in range(size[1]):
        line = before.display[y].rstrip()
        if y >= view_rows:
            assert not line, f"row {y} is below the view"
            continue
        text = line[2:]  # after the gutter
        width = cell_width(text)
        if text:
            drawn += 1
            # Textual's cells under the painted text hold the same text, and the line ends there
            assert cells(after, y, 2, width) == cells(before, y, 2, width), f"row {y}"
            assert cells(after, y, 2 + width, 1) in (" ", ""), f"row {y} goes on in Textual"
        else:  # Textual shows no Chinese there either (stacked: English rows)
            assert not any(is_han(c) for c in cells(after, y, 2, 4)), f"row {y}: not painted"
    assert drawn >= min(view_rows // 2, 2)


def is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def test_the_child_does_not_paint_once_the_reader_has_the_terminal(tmp_path: Path) -> None:
    out = _run("late", seed("001"), (100, 30), tmp_path, until="Help")
    assert out.count(ALT_SCREEN) == 1  # Textual's alone
    assert START.encode() not in out


def test_a_reader_that_fails_before_textual_leaves_the_alternate_screen(tmp_path: Path) -> None:
    out = _run("fail", seed("001"), (100, 30), tmp_path, until="never")
    assert out.startswith(START.encode())  # the child drew
    assert b"\x1b[?1049l" in out  # and the main screen came back
    assert out.count(ALT_SCREEN) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=300), min_size=1, max_size=8))
def test_text_never_reaches_the_terminal_as_control_characters(texts: list[str]) -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    try:
        assert paint(slave, texts)
        written = b""
        while select.select([master], [], [], 0.01)[0]:
            written += os.read(master, 1 << 16)
    finally:
        os.close(master)
        os.close(slave)
    body = written.decode("utf-8", "replace")[len(START) :]
    # every ESC is one of the cursor moves the painter writes, and nothing else is a control
    assert all(part[:1] == "[" and "H" in part[:9] for part in body.split("\x1b")[1:])
    assert not any((c < " " and c != "\x1b") or "\x7f" <= c <= "\x9f" for c in body)


@pytest.mark.parametrize("size", [(80, 24), (140, 40), (300, 100)])
def test_a_preview_holds_the_first_screen_of_the_whole(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    path = big_document(tmp_path)
    data = path.read_bytes()
    preview = preview_document(str(path), data)
    whole = load_document(path)
    assert preview is not None
    texts = [p.text for p in whole.paragraphs]
    assert first_lines([p.text for p in preview.paragraphs], *size) == first_lines(texts, *size)
    assert len(preview.paragraphs) < len(whole.paragraphs)


def test_no_preview_for_small_documents_and_markup(tmp_path: Path) -> None:
    assert preview_document("s.txt", seed("001").read_bytes()) is None
    html = b"<html><body>" + "<p>段落文字。</p>".encode() * 20_000 + b"</body></html>"
    assert len(html) > PREVIEW_ABOVE
    assert preview_document("big.html", html) is None
