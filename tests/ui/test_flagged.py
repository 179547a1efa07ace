"""A flagged sentence (reader.translation.results) is said on the status line of its paragraph,
never "no problem terms"."""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest

from reader.documents.loading import load_document
from reader.translation.engines.gloss import GlossEngine
from reader.translation.results import Flag, FlaggedOutput
from reader.ui.widgets.status_bar import status_text
from tests.conftest import seed
from tests.ui.helpers import make_app, status_line, wait_translated


@pytest.fixture
def flagging_gloss(monkeypatch: pytest.MonkeyPatch) -> str:
    """The gloss engine, flagging its output for the second sentence of paragraph 2 of seed
    001 as an engine that knows its reply is no translation does. Returns that sentence."""
    paragraph = load_document(seed("001")).paragraphs[1]
    sentence = paragraph.sentences[1]
    # the engine sees the Simplified text (the seed is Traditional), with placeholders
    end = bisect.bisect_left(paragraph.to_original, sentence.end)
    ending = paragraph.simplified[:end].rstrip()[-4:]
    plain = GlossEngine.translate_batch

    def translate_batch(self: GlossEngine, sentences: list[str]) -> list[str]:
        outputs = plain(self, sentences)
        flag = Flag("not-english", "the reply was mostly Chinese; the gloss is shown")
        return [
            FlaggedOutput(o, flag) if s.strip().endswith(ending) else o
            for s, o in zip(sentences, outputs, strict=True)
        ]

    monkeypatch.setattr(GlossEngine, "translate_batch", translate_batch)
    return sentence.text


@pytest.mark.parametrize("size", [(140, 40), (80, 24)])
async def test_status_line_says_the_paragraph_is_flagged(
    tmp_path: Path, flagging_gloss: str, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        tr = view.translations[view.paragraphs[1].id]
        assert [(f.kind, f.sentence) for f in tr.flagged] == [("not-english", 1)]
        view.move_to(1)
        await pilot.pause()
        line = status_line(app)
        assert "⚠ flagged" in line  # the reason too where there is room (below)
        assert "no problem terms" not in line
        reason = app.reader._cursor_flag()
        assert reason == "sentence 2: reply not English"
        # a paragraph with no flag says nothing of flags
        clean = next(
            i
            for i, p in enumerate(view.paragraphs)
            if i > 1 and (t := view.translations.get(p.id)) and not t.flagged
        )
        view.move_to(clean)
        await pilot.pause()
        assert "flagged" not in status_line(app)


def test_the_flag_replaces_no_problem_terms_and_shortens_to_fit() -> None:
    args = ((0, 10), 10, "argos", 0, "simplified", "news.txt")
    assert "no problem terms" in status_text(*args)
    wide = status_text(*args, flagged="sentence 2: degenerate output")
    assert "⚠ flagged: sentence 2: degenerate output" in wide
    assert "no problem terms" not in wide
    narrow = status_text(*args, flagged="sentence 2: degenerate output", width=60)
    assert "⚠ flagged" in narrow and "degenerate" not in narrow and "news.txt" in narrow
