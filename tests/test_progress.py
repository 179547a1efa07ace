"""Progress on stderr: a bar on a terminal, a line every few seconds in a log, warnings at once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reader.cli import main
from reader.commands.progress import Progress
from tests.engines import LoopEngine


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_gets_a_line_every_interval_and_nothing_for_short_runs() -> None:
    clock, log = FakeClock(), io.StringIO()
    with Progress(100, "translating", stream=log, clock=clock) as progress:
        for _ in range(40):
            clock.now += 0.5  # 2 paragraphs a second: a line each 5 s = 10 paragraphs
            progress.advance()
    lines = log.getvalue().splitlines()
    assert lines == [
        "reader: translating: 10/100 paragraphs (10%), 2.0/s, ETA 0:45",
        "reader: translating: 20/100 paragraphs (20%), 2.0/s, ETA 0:40",
        "reader: translating: 30/100 paragraphs (30%), 2.0/s, ETA 0:35",
        "reader: translating: 40/100 paragraphs (40%), 2.0/s, ETA 0:30",
    ]
    quick, log = FakeClock(), io.StringIO()
    with Progress(100, "translating", stream=log, clock=quick) as progress:
        progress.advance(100)
    assert log.getvalue() == ""


def test_terminal_gets_a_bar_and_warnings_above_it() -> None:
    terminal = Terminal()
    with Progress(3, "translating", stream=terminal) as progress:
        progress.advance()
        progress.warn("reader: doc.txt: paragraph 1: degenerate output")
        progress.advance(2)
    out = terminal.getvalue()
    assert "reader: doc.txt: paragraph 1: degenerate output\n" in out
    assert "translating" in out and "/3" in out  # the bar was drawn


def test_export_prints_bad_output_warnings_like_translate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.translation import session

    doc = tmp_path / "doc.txt"
    doc.write_text("会议召开。全市检测结果都是阴性。\n", encoding="utf-8")
    monkeypatch.setattr(
        session, "select_engine", lambda name: (LoopEngine(nbest_good=False), "engine: loop")
    )
    warning = f"reader: {doc}: paragraph 1: degenerate output in sentence 2: repetition loop"
    assert main(["export", str(doc), "-o", str(tmp_path / "out.md")]) == 0
    assert warning in capsys.readouterr().err
    assert main(["translate", str(doc)]) == 0
    assert warning in capsys.readouterr().err
