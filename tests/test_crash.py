"""Crash reports (issue 20): an exception nobody expected ends in one line naming what failed
and the log file that holds its traceback, exit status 2; faults injected into a command, a TUI
worker, the background translation and a TUI message handler."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.ui.app import ReaderApp
from tests.conftest import ROOT, messages, seed
from tests.ui.helpers import make_app, wait_until


class Injected(RuntimeError):
    pass


def boom(*args: object, **kwargs: object) -> None:
    raise Injected("an injected fault")


def logs(hermetic: Path) -> list[Path]:
    return sorted((hermetic / "state").rglob("crash-*.log"))


def assert_one_line_report(text: str, what: str, hermetic: Path) -> None:
    """`text` ends in the one-message report (progress lines may come before it)."""
    assert "Traceback" not in text
    last = messages(text)[-1]
    assert what in last and "Injected: an injected fault" in last, text
    # the log this line names (a background thread may log its own failure as the app ends)
    (log,) = [log for log in logs(hermetic) if str(log) in last]
    body = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in body and "def boom" not in body
    assert "raise Injected" in body


def test_a_command_that_crashes_says_one_line_and_where_the_log_is(
    hermetic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("reader.translation.pipeline.Translator.translate", boom)
    assert main(["terms", str(seed("001")), "--engine", "gloss"]) == 2
    captured = capsys.readouterr()
    assert_one_line_report(captured.err, "`reader terms` failed", hermetic)


def test_in_a_real_process_nothing_else_reaches_the_terminal(hermetic: Path) -> None:
    # the fault goes in through a startup hook of the interpreter, as a bug would sit in the code
    hook = hermetic / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import reader.translation.pipeline as p\n"
        "def boom(*a, **k):\n    raise RuntimeError('an injected fault')\n"
        "p.Translator.translate = boom\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{ROOT}"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reader",
            "export",
            str(seed("001")),
            "--engine",
            "gloss",
            "-o",
            str(hermetic / "out.md"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    last = messages(done.stderr)[-1]
    assert last.startswith("reader: ")
    assert "`reader export` failed (RuntimeError: an injected fault)" in last
    (log,) = logs(hermetic)
    assert str(log) in last and "sitecustomize.py" in log.read_text(encoding="utf-8")


def test_the_report_survives_an_unwritable_state_dir(
    hermetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.crash import report

    (hermetic / "not-a-dir").write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(hermetic / "not-a-dir"))  # root ignores chmod
    line = report("`reader x`", Injected("an injected fault"))
    assert line.startswith("reader: `reader x` failed (Injected: an injected fault)")
    assert "could not be written" in line


async def test_a_worker_that_crashes_is_said_and_logged(
    tmp_path: Path, hermetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.ui.screens.reader_screen.find_terms", boom)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: bool(logs(hermetic)))
        await pilot.pause(0.2)
        shown = [n.message for n in app._notifications]
        (line,) = [m for m in shown if "failed" in m]
        assert_one_line_report(line, "the reader's find terms task failed", hermetic)
        assert app.is_running  # the reader goes on


async def test_the_background_translation_that_crashes_is_said_and_logged(
    tmp_path: Path, hermetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.translation.pipeline.Translator.translate", boom)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: bool(logs(hermetic)))
        await pilot.pause(0.2)
        shown = " ".join(n.message for n in app._notifications)
        assert "translation failed (Injected: an injected fault)" in shown
        assert str(logs(hermetic)[0]) in shown


async def test_a_handler_that_crashes_ends_the_app_with_one_line(
    tmp_path: Path, hermetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.ui.screens.reader_screen.ReaderScreen.on_terms_found", boom)
    app = make_app(tmp_path)
    with pytest.raises(Injected):  # Pilot re-raises it for the test; `reader` prints the line
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: app.crash_report is not None)
    assert app.return_code == 2
    assert app.crash_report is not None
    assert_one_line_report(app.crash_report, "the reader failed", hermetic)
    assert isinstance(app, ReaderApp)
