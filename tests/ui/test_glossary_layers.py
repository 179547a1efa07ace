"""Pilot tests of glossary layers in the reader: an edit of a reference layer's term becomes an
override in the first layer (the dialog says so), deleting the override brings the reference
back, and a read-only first layer refuses edits in one line before any dialog opens."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Label

from reader.ui.app import ReaderApp
from reader.ui.screens.term_dialog import TermDialog
from tests.conftest import ROOT, seed
from tests.ui.helpers import wait_translated, wait_until
from tests.ui.test_reader_app import glossary_rows


def layered_app(tmp_path: Path) -> tuple[ReaderApp, Path, Path]:
    """The reader over an empty project glossary and the shipped one as the team's reference."""
    project = tmp_path / "project.csv"
    project.write_text("zh,en\n", encoding="utf-8")
    team = tmp_path / "team" / "glossary.csv"
    team.parent.mkdir()
    shutil.copy(ROOT / "glossary.csv", team)
    app = ReaderApp(str(seed("001")), engine="gloss", glossary=[str(project), str(team)])
    return app, project, team


async def test_editing_a_reference_term_creates_an_override(tmp_path: Path) -> None:
    app, project, team = layered_app(tmp_path)
    before = team.read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        screen = app.reader
        p = screen.view.paragraphs[0]
        hit = next(h for h in screen.hits[p.id] if h.surface == "北京")
        assert screen.glossary is not None
        assert screen.glossary.layer_of(hit.entry).path == team
        screen.view.move_to(0, hit.start)
        await pilot.press("E")
        dialog = app.screen
        assert isinstance(dialog, TermDialog)
        note = str(dialog.query_one("#layer-note", Label).render())
        assert note == "From team (read-only reference): saving adds an override to project."
        assert not dialog.query("#delete")  # a reference term is overridden, not deleted
        # the note wraps inside the dialog, which still fits 80x24 whole
        box = dialog.query_one("#term-dialog").region
        assert box.contains_region(dialog.query_one("#layer-note").region)
        assert box.contains_region(dialog.query_one("#save").region) and box.bottom <= 24
        dialog.query_one("#en").value = "Beijing City"
        await pilot.press("ctrl+s")
        await wait_translated(pilot)
        assert glossary_rows(project) == {"zh": "en", "北京": "Beijing City"}
        assert team.read_bytes() == before
        assert "Beijing City" in screen.view.translations[p.id].text
        override = next(h for h in screen.hits[p.id] if h.surface == "北京").entry
        assert screen.glossary.layer_of(override).path == project

        # the override's dialog says what it hides; deleting it brings the reference back
        await pilot.press("E")
        dialog = app.screen
        assert isinstance(dialog, TermDialog)
        note = str(dialog.query_one("#layer-note", Label).render())
        assert note == "Overrides team (Beijing); Delete restores it."
        await pilot.click("#delete")
        await wait_translated(pilot)
        assert glossary_rows(project) == {"zh": "en"}
        assert team.read_bytes() == before
        entry = next(h for h in screen.hits[p.id] if h.surface == "北京").entry
        assert entry.en == "Beijing" and screen.glossary.layer_of(entry).path == team
        assert "Beijing City" not in screen.view.translations[p.id].text


async def test_adding_a_term_goes_to_the_first_layer(tmp_path: Path) -> None:
    app, project, team = layered_app(tmp_path)
    before = team.read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        view.move_to(1, view.paragraphs[1].text.index("調度"))
        await pilot.press("v", "l", "a")
        dialog = app.screen
        assert isinstance(dialog, TermDialog) and not dialog.query("#layer-note")
        dialog.query_one("#en").value = "coordinate"
        await pilot.press("ctrl+s")
        await wait_translated(pilot)
        assert glossary_rows(project)["調度"] == "coordinate"
        assert team.read_bytes() == before


async def test_a_read_only_first_layer_refuses_edits_in_one_line(tmp_path: Path) -> None:
    app, project, _ = layered_app(tmp_path)
    project.chmod(0o444)
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_translated(pilot)
            screen = app.reader
            p = screen.view.paragraphs[0]
            hit = next(h for h in screen.hits[p.id] if h.surface == "北京")
            screen.view.move_to(0, hit.start)
            await pilot.press("E")
            await wait_until(pilot, lambda: any("edits refused" in n for n in notes))
            assert not isinstance(app.screen, TermDialog)  # said before any typing
            (note,) = [n for n in notes if "edits refused" in n]
            assert note.startswith(f"reader: {project}: glossary edits refused: is read-only")
            assert "\n" not in note
            notes.clear()
            view = screen.view
            view.move_to(1, view.paragraphs[1].text.index("調度"))
            await pilot.press("v", "l", "a")  # adding a new term is refused the same way
            await wait_until(pilot, lambda: any("edits refused" in n for n in notes))
            assert not isinstance(app.screen, TermDialog)
    finally:
        project.chmod(0o644)
    assert project.read_text(encoding="utf-8") == "zh,en\n"


async def test_a_first_layer_changed_on_disk_is_refused_and_merged(tmp_path: Path) -> None:
    """The refusal of a file changed on disk is the first layer's; ctrl+s merges into it, and
    a reference changed meanwhile is read again, never written."""
    app, project, team = layered_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        project.write_text("zh,en\n新词,new word\n", encoding="utf-8")  # another program
        team.write_text(team.read_text(encoding="utf-8") + "口罩,mask\n", encoding="utf-8")
        after = team.read_bytes()
        screen = app.reader
        p = screen.view.paragraphs[0]
        hit = next(h for h in screen.hits[p.id] if h.surface == "北京")
        screen.view.move_to(0, hit.start)
        await pilot.press("E")
        app.screen.query_one("#en").value = "Beijing City"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert glossary_rows(project) == {"zh": "en", "新词": "new word"}  # refused
        assert screen._unsaved
        await pilot.press("ctrl+s")  # merge into the file on disk
        await wait_translated(pilot)
        assert glossary_rows(project) == {"zh": "en", "新词": "new word", "北京": "Beijing City"}
        assert team.read_bytes() == after
        assert screen.glossary is not None and screen.glossary.find("口罩") is not None


async def test_opening_a_document_of_another_project_reads_its_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No --glossary: each document's project glossary (beside it) layers over the user's
    own; `o` on a document in another folder switches to that folder's glossary.csv."""
    from textual.widgets import Input

    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(seed("001"), tmp_path / name / "doc.txt")
        (tmp_path / name / "glossary.csv").write_text(
            f"zh,en\n北京,Peking ({name})\n", encoding="utf-8"
        )
    app = ReaderApp(str(tmp_path / "a" / "doc.txt"), engine="gloss")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)

        def beijing() -> str:
            p = app.reader.view.paragraphs[0]
            return next(h for h in app.reader.hits[p.id] if h.surface == "北京").entry.en

        assert beijing() == "Peking (a)"
        first = app.services.glossary
        assert first is not None and [layer.label for layer in first.layers] == ["project", "user"]
        await pilot.press("o")
        app.screen.query_one(Input).value = str(tmp_path / "b" / "doc.txt")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.reader.hits and app.reader.idle)
        await pilot.pause()
        assert beijing() == "Peking (b)"
        p = app.reader.view.paragraphs[0]
        assert "Peking (b)" in app.reader.view.translations[p.id].text
        assert app.services.engine_loads == 1  # the engine is the app's still
        # the same folder again: the glossary in use is kept, not read again
        glossary = app.services.glossary
        assert app.services.open_glossary(str(tmp_path / "b" / "doc.txt")) is glossary
