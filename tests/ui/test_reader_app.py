"""Pilot tests of the reader: navigation, search, glossary editing, post-editing, export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reader.translation.pipeline import ParagraphTranslation, TermOccurrence
from reader.ui.screens.export_dialog import ExportDialog
from reader.ui.screens.post_edit import PostEditDialog
from reader.ui.screens.term_dialog import TermDialog
from tests.ui.helpers import make_app, status_line, wait_status, wait_translated, wait_until


def glossary_rows(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {row[0]: row[1] for row in csv.reader(f) if row and not row[0].startswith("#")}


async def test_document_paints_and_translates_every_paragraph(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        screen = app.reader
        assert screen.doc is not None
        assert set(screen.view.translations) == {p.id for p in screen.doc.paragraphs}
        assert screen.engine_name.startswith("gloss")
        assert screen.view.stacked  # 80 columns: Chinese above English


async def test_paragraph_navigation(tmp_path: Path) -> None:
    app = make_app(tmp_path, "003")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        last = len(view.paragraphs) - 1
        await pilot.press("j", "j")
        assert view.cursor == 2
        await pilot.press("k")
        assert view.cursor == 1
        await pilot.press("G")
        assert view.cursor == last
        assert view.scroll_y > 0
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_y == 0
        await pilot.press("pagedown")
        assert view.cursor > 0
        await pilot.press("pageup")
        assert view.cursor == 0


async def test_reading_position_is_restored(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        await pilot.press("j", "j", "j", "l", "l", "q")
    again = make_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        assert (again.reader.view.cursor, again.reader.view.char) == (3, 2)


async def test_search_finds_both_scripts_and_english(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view, doc = app.reader.view, app.reader.doc
        assert doc is not None
        await pilot.press("slash", *"会议", "enter")  # Simplified query, Traditional text
        first = view.cursor
        assert "會議" in doc.paragraphs[first].text[view.char : view.char + 2]
        await pilot.press("semicolon")
        assert (view.cursor, view.char) != (first, 0)
        assert "會議" in doc.paragraphs[view.cursor].text[view.char : view.char + 2]
        await pilot.press("slash", *"mishap", "enter")
        assert "mishap" in view.translations[doc.paragraphs[view.cursor].id].text


async def test_search_says_which_match_of_how_many(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view, doc = app.reader.view, app.reader.doc
        assert doc is not None
        # counted here from the text itself: every 会议 in either script (none in the English)
        total = sum(p.simplified.count("会议") for p in doc.paragraphs)
        assert total >= 3
        await pilot.press("slash", *"会议", "enter")
        await wait_status(pilot, app, f"match 1/{total}")
        await pilot.press("semicolon", "semicolon")
        await wait_status(pilot, app, f"match 3/{total}")
        await pilot.press("comma")
        await wait_status(pilot, app, f"match 2/{total}")
        view.move_to(view.cursor, view.char + 1)  # off the match: the count stays
        assert "match 2" not in await wait_status(pilot, app, f"{total} matches")
        await pilot.press("slash", "ctrl+u", "enter")  # an empty search clears it
        await pilot.pause()
        assert "match" not in status_line(app)


async def test_search_count_follows_a_post_edit(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        screen = app.reader
        await pilot.press("slash", *"zebra", "enter")  # in no English yet
        await wait_status(pilot, app, "0 matches")
        await pilot.press("g", "j", "p")  # the second paragraph's English, by hand
        dialog = app.screen
        assert isinstance(dialog, PostEditDialog)
        dialog.query_one("#post-edit-text").text = "A zebra crossed."
        await pilot.press("ctrl+s")
        pid = screen.view.paragraphs[1].id
        await wait_until(pilot, lambda: screen.view.translations[pid].human)
        await pilot.press("g", "n")  # as many paragraphs translated as before: counted again
        await wait_status(pilot, app, "match 1/1")
        assert screen.view.cursor == 1


async def test_no_worker_writes_out_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual describes a worker by repr() of its arguments, on the UI thread, unless given a
    description: for a 10 MB document that was a second's freeze per worker."""
    from reader.documents.document import Paragraph

    written: list[str] = []

    def counted_repr(self: object) -> str:
        written.append(type(self).__name__)
        return "…"

    monkeypatch.setattr(Paragraph, "__repr__", counted_repr)
    monkeypatch.setattr(ParagraphTranslation, "__repr__", counted_repr)
    out = tmp_path / "out.md"
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)  # loading, finding terms, translating
        await pilot.press("slash", *"会议", "enter")  # counting matches
        await wait_status(pilot, app, "match 1/")
        await pilot.press("e")  # exporting
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#path").value = str(out)
        await pilot.click("#export")
        await wait_until(pilot, out.exists)
    assert written == []


async def test_toggle_script(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        assert view.displayed_script == "Traditional"
        await pilot.press("t")
        assert view.displayed_script == "Simplified"
        p = view.paragraphs[0]
        assert view._display(p)[0] == p.simplified
        await pilot.press("t")
        assert view._display(p)[0] == p.text


async def test_add_term_writes_the_glossary(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        p = view.paragraphs[1]
        at = p.text.index("調度")
        view.move_to(1, at)
        await pilot.press("v", "l", "a")  # select 蔡奇 and add it
        dialog = app.screen
        assert isinstance(dialog, TermDialog)
        assert dialog.query_one("#zh").value == "調度"
        dialog.query_one("#en").value = "coordinate"
        await pilot.press("ctrl+s")
        await wait_translated(pilot)
        assert glossary_rows(tmp_path / "glossary.csv")["調度"] == "coordinate"
        assert any(h.surface == "調度" for h in app.reader.hits[p.id])


async def test_duplicate_and_empty_terms_are_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        before = (tmp_path / "glossary.csv").read_bytes()
        app.push_screen(TermDialog(None, zh="北京", refuse=app.reader._refuse))
        await pilot.pause()
        dialog = app.screen
        await pilot.press("ctrl+s")
        assert "required" in str(dialog.query_one("#error").render())
        dialog.query_one("#en").value = "Peking"
        await pilot.press("ctrl+s")
        assert app.screen is dialog
        assert "already in the glossary" in str(dialog.query_one("#error").render())
        assert (tmp_path / "glossary.csv").read_bytes() == before


async def test_edit_term_under_cursor(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        screen = app.reader
        p = screen.view.paragraphs[0]
        hit = next(h for h in screen.hits[p.id] if h.surface == "北京")
        screen.view.move_to(0, hit.start)
        await pilot.press("E")
        dialog = app.screen
        assert isinstance(dialog, TermDialog)
        dialog.query_one("#en").value = "Beijing City"
        await pilot.press("ctrl+s")
        await wait_translated(pilot)
        rows = glossary_rows(tmp_path / "glossary.csv")
        assert rows[hit.entry.zh] == "Beijing City"
        assert "Beijing City" in screen.view.translations[p.id].text


async def test_glossary_changed_on_disk_is_refused_and_kept(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        path = tmp_path / "glossary.csv"
        path.write_text(path.read_text(encoding="utf-8") + "新词,new word\n", encoding="utf-8")
        view = app.reader.view
        view.move_to(1, view.paragraphs[1].text.index("調度"))
        await pilot.press("v", "l", "a")
        app.screen.query_one("#en").value = "coordinate"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "調度" not in glossary_rows(path)  # refused: someone else changed the file
        assert app.reader._unsaved
        await pilot.press("ctrl+s")  # merge into the file on disk
        await pilot.pause()
        rows = glossary_rows(path)
        assert rows["調度"] == "coordinate" and rows["新词"] == "new word"


async def test_post_edit_is_stored_and_marked_human(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        screen = app.reader
        await pilot.press("j", "p")
        dialog = app.screen
        assert isinstance(dialog, PostEditDialog)
        dialog.query_one("#post-edit-text").text = "Yesterday afternoon, Beijing met."
        await pilot.press("ctrl+s")
        pid = screen.view.paragraphs[1].id
        await wait_until(pilot, lambda: screen.view.translations[pid].human)
        assert screen.view.translations[pid].text == "Yesterday afternoon, Beijing met."
        from reader.translation.memory import TranslationMemory

        p = screen.view.paragraphs[1]
        assert TranslationMemory().post_edit(pid, p.text) == "Yesterday afternoon, Beijing met."


async def test_export_writes_the_file(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    out = tmp_path / "out.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#path").value = str(out)
        await pilot.click("#interleaved")
        await pilot.click("#export")
        await wait_until(pilot, out.exists)
    text = out.read_text(encoding="utf-8")
    assert "> " in text and "| 中文 | English |" not in text  # interleaved layout
    assert "Beijing" in text


async def test_open_another_document_cancels_the_old_run(tmp_path: Path) -> None:
    from textual.widgets import Input

    from reader.ui.screens.open_dialog import OpenDialog
    from tests.conftest import seed

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.reader.doc is not None)
        old = app.reader
        await pilot.press("o")
        dialog = app.screen
        assert isinstance(dialog, OpenDialog)
        dialog.query_one(Input).value = str(tmp_path / "missing.txt")
        await pilot.press("enter")
        assert app.screen is dialog and "no such file" in str(dialog.query_one("#error").render())
        dialog.query_one(Input).value = str(seed("002"))
        await pilot.press("enter")
        await wait_translated(pilot)
        assert app.reader is not old and old.run is not None and old.run._cancel.is_set()
        # the app's services: the engine was not loaded again for the second document
        assert app.services.engine_loads == 1
        assert app.reader.doc is not None and app.reader.doc.source == str(seed("002"))
        assert sum(isinstance(s, type(old)) for s in app.screen_stack) == 1  # replaced


async def test_problem_term_jumps(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        ids = [p.id for p in view.paragraphs]
        # mark one term in paragraph 2 missing and one in paragraph 4 forbidden
        view.set_translations(
            [
                ParagraphTranslation(
                    ids[2], "x", "test", [TermOccurrence("a", "A", 5, 7, "missing")]
                ),
                ParagraphTranslation(
                    ids[4],
                    "y",
                    "test",
                    [
                        TermOccurrence("b", "B", 1, 2, "applied"),
                        TermOccurrence("c", "C", 9, 11, "forbidden"),
                    ],
                ),
            ]
        )
        await pilot.press("right_square_bracket")
        assert (view.cursor, view.char) == (2, 5)
        await pilot.press("right_square_bracket")
        assert (view.cursor, view.char) == (4, 9)
        await pilot.press("right_square_bracket")  # wraps around
        assert (view.cursor, view.char) == (2, 5)
        await pilot.press("left_square_bracket")
        assert (view.cursor, view.char) == (4, 9)


async def test_help_lists_every_key(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        from reader.ui.screens.help_screen import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        descriptions = {b.description for b in app.screen.bindings}
        assert {
            "Search",
            "Add term",
            "Export",
            "Quit (the position is kept)",
            "Next problem term",
        } <= descriptions
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_term_dialog_lists_use_the_csv_separator(tmp_path: Path) -> None:
    """`|` separates renderings in the dialog as in glossary.csv and the CLI; a `;` is refused
    with the reason (it once split there, and would now make one rendering of "a; b")."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        view.move_to(1, view.paragraphs[1].text.index("調度"))
        await pilot.press("v", "l", "a")
        dialog = app.screen
        assert isinstance(dialog, TermDialog)
        assert "separate with |" in str(dialog.query_one(".title").render())
        dialog.query_one("#en").value = "coordinate"
        dialog.query_one("#accept").value = "dispatch; schedule"
        await pilot.press("ctrl+s")
        assert app.screen is dialog
        assert "separate renderings with |" in str(dialog.query_one("#error").render())
        assert app.screen.focused is dialog.query_one("#accept")
        dialog.query_one("#accept").value = "dispatch | schedule"
        await pilot.press("ctrl+s")
        await wait_translated(pilot)
        with (tmp_path / "glossary.csv").open(encoding="utf-8-sig", newline="") as f:
            rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
        row = dict(zip(rows[0], next(r for r in rows if r[0] == "調度"), strict=False))
        assert row["accept"] == "dispatch|schedule"
        entry = app.services.open_glossary().find("調度")
        assert entry is not None
        app.push_screen(TermDialog(entry, refuse=app.reader._refuse))
        await pilot.pause()
        assert app.screen.query_one("#accept").value == "dispatch|schedule"
