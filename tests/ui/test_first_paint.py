"""The preload child's first paint (reader.ui.first_paint), read off a real pty through a
terminal emulator (pyte): its text is where Textual's first frame draws it, cell for cell; the
terminal is never written by both; a document cannot drive the terminal through it."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
import pty
import random
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

from reader.documents.loading import PREVIEW_ABOVE, load_document, preview_document
from reader.ui.first_paint import START, first_lines, paint
from tests.conftest import ROOT, seed

ALT_SCREEN = b"\x1b[?1049h"  # the child's paint starts with it, and so does Textual

# Runs `reader read` with the race made certain one way: "paint" holds the reader until the
# child has drawn (it sends its last frame after drawing; on a loaded machine the child could
# lose); "preview" slows the child's whole load, so that Textual's first frame shows the
# preview the child drew (sent just before it draws, ~5 ms); "stuck" has the child's paint
# never end; "late" holds the child's paint
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
        with self._changed:  # its last frame (or its end): the paint was before
            self._wait(preload.CACHED, 30)
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
if how == "stuck":  # a paint that never ends (ctrl+s on the terminal, a stalled link)
    import reader.ui.first_paint
    reader.ui.first_paint.paint = lambda *args: time.sleep(120)  # past the test deadline
if how == "fail":
    import reader.ui.app
    def broken(self, *args, preload=None, **kwargs):
        with preload._changed:
            preload._wait(2, 30)  # the child is done: it drew
        raise RuntimeError("a broken install")
    reader.ui.app.ReaderApp.__init__ = broken
sys.argv = ["reader", "read", "--engine", "gloss", *sys.argv[2:]]
from reader.cli import main
sys.exit(main())
"""


def _run(how: str, path: Path, size: tuple[int, int], home: Path, until: str) -> bytes:
    """The bytes `reader read path` writes on a `size` (columns, lines) pty until the screen
    shows `until` (or the process ends)."""
    columns, lines = size
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    argv = [sys.executable, "-c", RUN, how, str(path)]
    env = environment(home)
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if until in "".join(pyte_screen(out, size).display):
                break  # with "Help": Textual's first frame is complete (the footer, its last row)
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


def environment(home: Path) -> dict[str, str]:
    """The reader's environment with its own data, config and state under `home` (the
    session's cache: its lexicon is built)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[var] = str(home / var.lower())
    return env


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


def glossary_document(tmp_path: Path) -> Path:
    """Paragraphs of the shipped glossary's terms and renderings, mixed as documents mix
    them (Han, Latin words, digits, full-width and ASCII punctuation, spaces), of random
    lengths: wrapping on more than the seeds' prose."""
    rows = list(csv.DictReader((ROOT / "glossary.csv").open(encoding="utf-8")))
    pick = random.Random(22)
    paragraphs = []
    while rows:
        take, rows = rows[: pick.randint(1, 12)], rows[12:]
        marks = ["（", "）", "，", "、", " ", "。", "—", ": ", "“", "”", "2020年", " 19 "]
        parts = [f"{r['zh']}{pick.choice(marks)}{r['en']}{pick.choice(marks)}" for r in take]
        paragraphs.append("".join(parts))
    pick.shuffle(paragraphs)
    return _write(tmp_path / "glossary.txt", "\n\n".join(paragraphs))


DOCUMENTS = {
    "001": lambda tmp: seed("001"),
    "003": lambda tmp: seed("003"),  # Traditional
    "000": lambda tmp: seed("000"),
    "004": lambda tmp: seed("004"),
    "big": big_document,
    "glossary": glossary_document,
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
        ("glossary", (80, 24)),
        ("glossary", (120, 40)),
        ("glossary", (140, 40)),
    ],
)
def test_the_first_paint_is_where_textual_draws_the_text(
    tmp_path: Path, name: str, size: tuple[int, int]
) -> None:
    path = DOCUMENTS[name](tmp_path)
    how = "preview" if name == "big" else "paint"
    painted, textual = split(_run(how, path, size, tmp_path, until="Help"))
    before, after = pyte_screen(painted, size), pyte_screen(textual, size)
    assert_same_view(before, after, size)


def assert_same_view(before: pyte.Screen, after: pyte.Screen, size: tuple[int, int]) -> None:
    """Every cell of the view (its gutter and scrollbar aside) holds in Textual's first
    frame what the child drew there; nothing is drawn below the view."""
    columns, lines = size
    view_rows = lines - 6  # the dictionary panel, status bar and footer below
    drawn = 0
    for y in range(lines):
        painted = cells(before, y, 0, columns)
        if y >= view_rows:
            assert not painted.strip(), f"row {y} is below the view"
            continue
        drawn += bool(painted.strip())
        # the scrollbar's column: Textual's (when the document overflows) or blank
        assert cells(after, y, 2, columns - 3) == cells(before, y, 2, columns - 3), f"row {y}"
    assert drawn >= 2


def is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def test_the_child_does_not_paint_once_the_reader_has_the_terminal(tmp_path: Path) -> None:
    out = _run("late", seed("001"), (100, 30), tmp_path, until="Help")
    assert out.count(ALT_SCREEN) == 1  # Textual's alone
    assert START.encode() not in out


def test_a_paint_that_never_ends_is_ended_and_the_reader_loads_the_text(
    tmp_path: Path,
) -> None:
    first = load_document(seed("001")).paragraphs[0].text[:6]
    out = _run("stuck", seed("001"), (100, 30), tmp_path, until=first)
    assert out.count(ALT_SCREEN) == 1  # Textual's alone: the child wrote nothing
    assert first in "".join(pyte_screen(out, (100, 30)).display)


def test_a_reader_that_fails_before_textual_leaves_the_alternate_screen(tmp_path: Path) -> None:
    out = _run("fail", seed("001"), (100, 30), tmp_path, until="never")
    assert out.startswith(START.encode())  # the child drew
    assert b"\x1b[?1049l" in out  # and the main screen came back
    assert out.count(ALT_SCREEN) == 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=300), st.none() | st.text(max_size=300)),
        min_size=1,
        max_size=8,
    )
)
def test_text_never_reaches_the_terminal_as_control_characters(
    rows: list[tuple[str, str | None]],
) -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    try:
        assert paint(slave, rows)
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
    rows = [(p.text, None) for p in whole.paragraphs]
    shown = first_lines([(p.text, None) for p in preview.paragraphs], *size)
    assert shown == first_lines(rows, *size)
    assert len(preview.paragraphs) < len(whole.paragraphs)


def test_no_preview_for_small_documents_and_markup(tmp_path: Path) -> None:
    assert preview_document("s.txt", seed("001").read_bytes()) is None
    html = b"<html><body>" + "<p>段落文字。</p>".encode() * 20_000 + b"</body></html>"
    assert len(html) > PREVIEW_ABOVE
    assert preview_document("big.html", html) is None


@pytest.mark.parametrize(("index", "painted"), [(0, True), (3, False)])
def test_a_kept_position_is_painted_only_at_the_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: int, painted: bool
) -> None:
    """The view opens at a kept position; only at the very start is its first screen known."""
    from reader.documents.positions import Position, document_key, save_position

    path = seed("002")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg_data_home"))
    doc = load_document(path)
    key = document_key(path, path.read_bytes())
    save_position(key, Position(doc.paragraphs[index].id, index))
    out = _run("paint", path, (120, 40), tmp_path, until="Help")
    assert out.startswith(START.encode()) == painted
    assert out.count(ALT_SCREEN) == (2 if painted else 1)


def test_a_document_read_before_is_painted_with_its_cached_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its English is in the memory (`reader translate` put it there) and its position at
    the start: the child's paint has the English, where Textual's first frame has it."""
    from reader.documents.positions import Position, document_key, save_position

    path, size = seed("000"), (140, 40)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # a memory of its own
    monkeypatch.setenv("XDG_DATA_HOME", environment(tmp_path)["XDG_DATA_HOME"])
    translate = [sys.executable, "-m", "reader", "translate", "--engine", "gloss", str(path)]
    english = subprocess.run(
        translate, env=environment(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert english.returncode == 0, english.stderr
    doc = load_document(path)
    save_position(document_key(path, path.read_bytes()), Position(doc.paragraphs[0].id, 0))
    painted, textual = split(_run("paint", path, size, tmp_path, until="Help"))
    before, after = pyte_screen(painted, size), pyte_screen(textual, size)
    assert english.stdout.split()[0] in before.display[0]  # the English is in the paint
    assert "…" not in "".join(before.display)  # all of it, none pending
    assert_same_view(before, after, size)
