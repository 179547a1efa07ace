"""The export dialog: offers every format, follows the format with the path's extension,
writes the file, says where, and opens on the last choice next time."""

from __future__ import annotations

import zipfile
from pathlib import Path

from textual.widgets import Input, Label, RadioButton

from reader.exports.preferences import ExportChoice, load_choice
from reader.ui.screens.export_dialog import ExportDialog
from tests.ui.helpers import make_app, wait_translated, wait_until


async def test_each_format_is_offered_and_epub_is_written(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_translated(pilot)
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        offered = [b.id for b in dialog.query_one("#format").query(RadioButton)]
        assert offered == ["md", "html", "epub", "tmx"]
        path = dialog.query_one("#path", Input)
        assert path.value.endswith(".bilingual.md")
        path.value = str(tmp_path / "out.md")
        await pilot.click("#epub")
        assert path.value == str(tmp_path / "out.epub")  # the extension follows the format
        assert dialog.query_one("#content").display and not dialog.query_one("#layout").display
        await pilot.click("#english")
        notes: list[str] = []
        app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
        await pilot.click("#export")
        await wait_until(pilot, lambda: bool(notes))
    out = tmp_path / "out.epub"
    assert zipfile.ZipFile(out).namelist()[0] == "mimetype"
    assert notes == [f"exported to {out.resolve()}"]
    assert load_choice() == ExportChoice("epub", "table", "english", str(out.resolve()))


async def test_dialog_opens_on_the_last_choice_and_shows_where_it_wrote(tmp_path: Path) -> None:
    from reader.exports.preferences import save_choice

    save_choice(ExportChoice("html", "interleaved", "bilingual", "/somewhere/last.html"))
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_translated(pilot)
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#html", RadioButton).value
        assert dialog.query_one("#path", Input).value.endswith(".bilingual.html")
        assert "/somewhere/last.html" in str(dialog.query_one("#last", Label).render())
        out = tmp_path / "page.html"
        dialog.query_one("#path", Input).value = str(out)
        await pilot.click("#export")
        await wait_until(pilot, out.exists)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_corrupt_memory_reads_as_the_defaults(tmp_path: Path) -> None:
    from reader.paths import data_dir

    (data_dir() / "export.json").write_text('{"format": "pdf", "layout": 3}')
    assert load_choice() == ExportChoice()
    (data_dir() / "export.json").write_text("[")
    assert load_choice() == ExportChoice()
