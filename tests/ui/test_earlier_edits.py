"""The reader offers a post-edit whose paragraph was corrected since (one word changed): marked
✎? under the machine English, `A` accepts it for the new text, `p` starts from it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from reader.documents.loading import load_document
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import document_key
from reader.ui.app import ReaderApp
from reader.ui.screens.export_dialog import ExportDialog
from reader.ui.screens.post_edit import PostEditDialog
from reader.ui.widgets.bilingual_view import OFFER_LABEL
from tests.conftest import seed
from tests.ui.helpers import make_app, wait_translated, wait_until

MINE = "Yesterday afternoon, Beijing's epidemic group met (my words)."


def corrected_copy(tmp_path: Path) -> tuple[Path, str]:
    """Seed 001 copied, its second paragraph post-edited, then one word of it corrected;
    returns the copy and the corrected paragraph's text."""
    path = tmp_path / "news.txt"
    path.write_text(seed("001").read_text(encoding="utf-8"), encoding="utf-8")
    doc = load_document(str(path))
    p = doc.paragraphs[1]
    assert p.text.startswith("昨天下午")
    memory = TranslationMemory()
    memory.set_post_edit(document_key(doc), p.id, p.text, MINE)
    memory.close()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("昨天下午", "前天下午", 1), encoding="utf-8")
    return path, p.text.replace("昨天下午", "前天下午", 1)


def row_text(app: ReaderApp, i: int) -> str:
    strips = app.reader.view._render_row(i, False)
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_offered_marked_and_accepted_with_a(tmp_path: Path) -> None:
    path, new_text = corrected_copy(tmp_path)
    app = make_app(tmp_path, document=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_translated(pilot)
        screen, view = app.reader, app.reader.view
        await wait_until(pilot, lambda: bool(screen.earlier))
        pid = view.paragraphs[1].id
        assert view.paragraphs[1].text == new_text and list(screen.earlier) == [pid]
        # marked, under the machine English, which is still the paragraph's translation
        assert not view.translations[pid].human
        shown = row_text(app, 1)
        assert OFFER_LABEL.split(":")[0] in shown and "(my words)" in shown
        assert "A accepts" in shown

        # an export now leaves it out, and says so
        out = tmp_path / "out.md"
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#path", Input).value = str(out)
        await pilot.press("enter")
        await wait_until(pilot, out.exists)
        assert "(my words)" not in out.read_text(encoding="utf-8")
        await wait_until(
            pilot, lambda: any("not accepted" in n.message for n in app._notifications)
        )

        await pilot.press("A")  # on paragraph 0: nothing offered there, and said so
        assert not view.translations[pid].human and screen.earlier
        await pilot.press("j", "A")
        await wait_until(pilot, lambda: view.translations[pid].human)
        assert view.translations[pid].text == MINE
        assert not screen.earlier and not view.offers
        assert "(my words)" in row_text(app, 1) and OFFER_LABEL not in row_text(app, 1)
        stored = TranslationMemory().post_edit(pid, new_text, str(path.resolve()))
        assert stored == MINE


async def test_p_starts_from_the_earlier_edit(tmp_path: Path) -> None:
    path, _ = corrected_copy(tmp_path)
    app = make_app(tmp_path, document=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        screen = app.reader
        await wait_until(pilot, lambda: bool(screen.earlier))
        await pilot.press("j", "p")
        dialog = app.screen
        assert isinstance(dialog, PostEditDialog)
        assert dialog.query_one("#post-edit-text").text == MINE
        dialog.query_one("#post-edit-text").text = MINE.replace("Yesterday", "The day before")
        await pilot.press("ctrl+s")
        pid = screen.view.paragraphs[1].id
        await wait_until(pilot, lambda: screen.view.translations[pid].human)
        assert screen.view.translations[pid].text.startswith("The day before")
        assert not screen.earlier
