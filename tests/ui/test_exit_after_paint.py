"""READER_EXIT_AFTER_PAINT=translated, the moment bench/startup.py times: the app ends itself once
the first paragraph on screen has its English, without waiting for the rest of the document."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.ui.screens.reader_screen import EXIT_AFTER_PAINT, ReaderScreen
from tests.ui.helpers import make_app, wait_until


async def test_exits_once_the_first_paragraph_is_translated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EXIT_AFTER_PAINT, "translated")
    app = make_app(tmp_path, "003")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen))
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.view
        await wait_until(pilot, lambda: app.return_code is not None)
    assert screen.doc is not None
    assert screen.doc.paragraphs[0].id in view.translations
