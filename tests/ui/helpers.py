"""Shared setup for the Pilot and snapshot tests: a hermetic glossary copy, waiting for work."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot

from reader.ui.app import ReaderApp
from tests.conftest import ROOT, seed


def make_app(
    tmp_path: Path, prefix: str = "001", engine: str = "gloss", document: Path | None = None
) -> ReaderApp:
    """The reader on seed `prefix` (or on `document`) with a copy of the shipped glossary."""
    glossary = tmp_path / "glossary.csv"
    shutil.copy(ROOT / "glossary.csv", glossary)
    return ReaderApp(str(document or seed(prefix)), engine=engine, glossary=str(glossary))


async def wait_until(pilot: Pilot, condition, timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds (workers finish in their own time)."""
    waited = 0.0
    while not condition():
        if waited > timeout:
            raise AssertionError("the app never reached the expected state")
        await pilot.pause(0.05)
        waited += 0.05


async def wait_translated(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, ReaderApp)
    await wait_until(pilot, lambda: app.reader.idle)
    await pilot.pause()


def status_line(app: ReaderApp) -> str:
    """The status bar's text as painted."""
    from textual.widgets import Label

    return str(app.reader.query_one("#status-text", Label).render())


async def wait_status(pilot: Pilot, app: ReaderApp, text: str) -> str:
    """Wait until the status bar holds `text` (a search count arrives from a worker)."""
    try:
        await wait_until(pilot, lambda: text in status_line(app), timeout=10)
    except AssertionError:
        raise AssertionError(f"{text!r} never in the status bar: {status_line(app)!r}") from None
    return status_line(app)
