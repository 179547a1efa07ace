"""An EPUB read by its own chapters (issue 26): `c` lists the nav's entries, enter jumps to
one, the status line names the chapter the cursor is in."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from reader.ui.app import ReaderApp
from reader.ui.screens.chapter_list import ChapterList
from reader.ui.widgets.status_bar import status_text
from tests import epub_books
from tests.ui.helpers import status_line, wait_translated, wait_until


def epub_app(tmp_path: Path) -> ReaderApp:
    book = tmp_path / "book.epub"
    book.write_bytes(epub_books.epub3_book())
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("zh,en\n社区,community\n", encoding="utf-8")
    return ReaderApp(str(book), engine="gloss", glossary=str(glossary))


async def test_c_lists_the_chapters_and_jumps_to_one(tmp_path: Path) -> None:
    app = epub_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        doc = app.reader.doc
        assert doc is not None and [c.title for c in doc.chapters] == ["第一章 社区", "第二章 图表"]
        assert "第一章 社区" in status_line(app)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ChapterList))
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2 and options.highlighted == 0
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ChapterList))
        view = app.reader.view
        assert view.cursor == doc.chapters[1].paragraph
        assert view.paragraphs[view.cursor].text == "第二章 图表"
        await wait_until(pilot, lambda: "第二章 图表" in status_line(app))
        await pilot.press("c")  # opens at the chapter the cursor is in; escape keeps it
        await wait_until(pilot, lambda: isinstance(app.screen, ChapterList))
        assert app.screen.query_one(OptionList).highlighted == 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ChapterList))
        assert view.cursor == doc.chapters[1].paragraph


async def test_c_in_a_text_says_there_are_no_chapters(tmp_path: Path) -> None:
    from tests.ui.helpers import make_app

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ChapterList)
        assert any("no chapters" in str(n.message) for n in app._notifications)


def test_the_chapter_fits_the_status_line_at_80_columns() -> None:
    line = status_text(
        (3, 40),
        10,
        "gloss",
        0,
        "simplified",
        "book.epub",
        chapter="第一章 很长很长的章节名字啊",
        width=78,
    )
    assert "第一章" in line and "…" in line and "book" in line


async def test_exporting_an_epub_in_the_reader_keeps_the_book(tmp_path: Path) -> None:
    import zipfile

    from textual.widgets import Input

    app = epub_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_translated(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: app.screen.query("#path"))
        app.screen.query_one("#path", Input).value = str(tmp_path / "out.epub")
        await pilot.click("#epub")
        notes: list[str] = []
        app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
        await pilot.click("#export")
        await wait_until(pilot, lambda: any("exported" in n for n in notes))
    names = zipfile.ZipFile(tmp_path / "out.epub").namelist()
    assert "OEBPS/reader-en.css" in names and "OEBPS/Images/cover.png" in names
    assert not any("cannot keep" in n for n in notes)
