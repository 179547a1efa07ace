"""Reading itself (issue 11): tall paragraphs, anchoring, quitting fast, stale messages,
opening a bad file, dialogs at 80×24, search across scripts, the prefilled term."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from textual.widgets import Button

from reader.ui.app import ReaderApp
from reader.ui.messages import ParagraphsTranslated
from tests.conftest import ROOT
from tests.ui.helpers import make_app, wait_translated, wait_until

TALL = "这是一个很长的段落，用来测试滚动。" * 300  # 5,100 characters, ~130 lines at 80 columns


def tall_app(tmp_path: Path) -> ReaderApp:
    doc = tmp_path / "tall.txt"
    doc.write_text(f"第一段。\n\n{TALL}\n\n最后一段。\n", encoding="utf-8")
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("zh,en\n段落,paragraph\n", encoding="utf-8")
    return ReaderApp(str(doc), engine="gloss", glossary=str(glossary))


async def test_tall_paragraph_reads_to_its_end(tmp_path: Path) -> None:
    app = tall_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        await pilot.press("j")
        assert view.cursor == 1
        tops = []
        for _ in range(200):
            tops.append(round(view.scroll_y))
            await pilot.press("space")
            if view.cursor != 1:
                break
        assert view.cursor == 2, "space left the tall paragraph only after its end"
        assert len(tops) > 5 and tops == sorted(tops)  # it scrolled through, screen by screen
        view.move_to(1)
        await pilot.pause()
        top = round(view.scroll_y)
        await pilot.press("j")
        assert view.cursor == 1 and round(view.scroll_y) == top + 1  # by a line, inside it
        await pilot.press("k")
        assert view.cursor == 1 and round(view.scroll_y) == top


async def test_cursor_paragraph_stays_put_while_english_arrives(tmp_path: Path) -> None:
    from reader.documents.positions import Position, document_key, save_position

    app = make_app(tmp_path, "002")
    doc_path = Path(app.path)
    first = ReaderApp(str(doc_path), engine="gloss", glossary=str(tmp_path / "glossary.csv"))
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: first.reader.doc is not None)
        ids = [p.id for p in first.reader.view.paragraphs]
        first.reader.cancel_translation()
    target = min(12, len(ids) - 1)
    key = document_key(str(doc_path), doc_path.read_bytes())
    pid = ids[target]
    save_position(key, Position(pid, target, 0))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        assert view.cursor == target
        visible = view.visible_range()
        assert visible[0] <= target <= visible[1]
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        visible = view.visible_range()
        assert visible[0] <= target <= visible[1]


async def test_messages_of_a_replaced_run_are_ignored(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        screen = app.reader
        assert screen.run is not None
        run = screen.run.run
        p = screen.view.paragraphs[0]
        stale = ParagraphsTranslated(run - 1, [], 999, 1000)
        screen.post_message(stale)
        await pilot.pause()
        assert screen.run.done != 999
        assert p.id in screen.view.translations


async def test_ctrl_q_keeps_the_reading_position(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        await pilot.press("j", "j", "ctrl+q")
    again = make_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: again.reader.doc is not None)
        await pilot.pause()
        assert again.reader.view.cursor == 2


async def test_open_a_bad_file_keeps_the_document(tmp_path: Path) -> None:
    from textual.widgets import Input

    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"this is not a zip archive")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        old, doc = app.reader, app.reader.doc
        await pilot.press("o")
        app.screen.query_one(Input).value = str(bad)
        await pilot.press("enter")
        await pilot.pause(0.5)
        await wait_until(pilot, lambda: app.screen is old)
        await pilot.pause(0.3)
        assert app.reader is old and old.doc is doc


async def test_dialogs_fit_80x24(tmp_path: Path) -> None:
    from reader.ui.screens.help_screen import HelpScreen
    from reader.ui.screens.term_dialog import TermDialog

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        glossary = app.services.glossary
        assert glossary is not None
        for dialog in (TermDialog(glossary.entries[0]), HelpScreen([])):
            app.push_screen(dialog)
            await pilot.pause()
            for button in dialog.query(Button):
                region = button.region
                assert region.height >= 1 and region.bottom <= 24 and region.right <= 80, button
            if isinstance(dialog, TermDialog):
                assert len(dialog.query(Button)) == 3  # save, delete, cancel all drawn
            dialog.dismiss(None)
            await pilot.pause()


async def test_simplified_query_highlights_traditional_text(tmp_path: Path) -> None:
    app = make_app(tmp_path)  # seed 001 is Traditional
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        await pilot.press("slash", *"会议", "enter")
        p = view.current
        assert p is not None and p.text[view.char : view.char + 2] == "會議"
        text = view._zh_text(p, view._layout(view.cursor), False)
        search = view._style("search")
        assert any(p.text[s.start : s.end] == "會議" and s.style == search for s in text.spans), (
            "the match is highlighted"
        )


async def test_add_term_never_prefills_a_stale_word(tmp_path: Path) -> None:
    from reader.ui.screens.term_dialog import TermDialog

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        screen = app.reader
        await pilot.press("d")  # dictionary panel hidden: no lookups
        p = screen.view.paragraphs[0]
        screen._word = (p.id, 0, 2, "stale sense")  # the word looked up before
        screen.view.move_to(0, 5)
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, TermDialog)
        assert dialog.initial_zh in (p.text[5], "") and dialog.initial_en != "stale sense"


def test_quit_ends_the_process_while_the_engine_is_busy(tmp_path: Path) -> None:
    """The engine blocks forever: without daemon threads and the exit, this never ends."""
    doc = ROOT / "seeds"
    script = textwrap.dedent(
        f"""
        import sys, threading
        sys.path.insert(0, {str(ROOT)!r})
        from reader.ui.app import ReaderApp
        from reader.translation.pipeline import Translator

        started = threading.Event()

        from tests.engines import DictEngine

        class Blocking(DictEngine):
            def translate_batch(self, sentences):
                started.set()
                threading.Event().wait()  # an engine call that never returns

        app = ReaderApp(sorted(__import__("glob").glob({str(doc)!r} + "/001_*.txt"))[0],
                        glossary={str(tmp_path / "g.csv")!r})
        app.services.open_glossary()
        app.services.translator = Translator(Blocking(), app.services.glossary, None)

        async def pilot(p):
            while not started.is_set():
                await p.pause(0.05)
            print("quitting", flush=True)
            await p.press("q")

        app.run(headless=True, auto_pilot=pilot)
        """
    )
    (tmp_path / "g.csv").write_text("zh,en\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "quitting" in done.stdout
