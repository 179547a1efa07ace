"""The cursor paragraph is legible: every glyph on it has a contrast ratio ≥ 4.5:1 (WCAG AA)
against its background, computed from the styles of the rendered segments, in the dark and the
light theme, in truecolor and after the downgrade to 256 colours a tmux session gets.

(Before the fix the cursor row drew #E0E0E0 text on a solid #FFFFFF `$boost` background: 1.3:1.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import ColorSystem, ColorTriplet
from rich.segment import Segment

from reader.translation.pipeline import ParagraphTranslation, TermOccurrence
from reader.translation.review import STATUSES
from tests.ui.helpers import make_app, wait_translated, wait_until


def luminance(c: ColorTriplet) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red) + 0.7152 * channel(c.green) + 0.0722 * channel(c.blue)


def contrast(a: ColorTriplet, b: ColorTriplet) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ratios(segments: list[Segment], system: ColorSystem) -> list[tuple[str, float]]:
    out = []
    for seg in segments:
        if not seg.text.strip() or seg.style is None:
            continue
        style = seg.style
        assert style.color is not None and style.bgcolor is not None, seg
        fg, bg = style.color.downgrade(system), style.bgcolor.downgrade(system)
        if style.reverse:
            fg, bg = bg, fg
        out.append((seg.text, contrast(fg.get_truecolor(), bg.get_truecolor())))
    return out


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_cursor_paragraph_contrast(tmp_path: Path, theme: str) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        app.theme = theme
        await wait_translated(pilot)
        view = app.reader.view
        p = view.paragraphs[0]
        english = "applied repaired missing forbidden found"
        terms = [
            TermOccurrence("t", "T", 2 * n, 2 * n + 1, status, 9 * n, 9 * n + 5)
            for n, status in enumerate(STATUSES[:4])
        ]
        view.set_translations([ParagraphTranslation(p.id, english, "test", terms)])
        view.move_to(0, 9)
        view.set_search(None)
        await pilot.pause()
        strips = view._row_strips(0)
        segments = [seg for strip in strips for seg in strip]
        for system in (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT):
            low = [(t, round(r, 2)) for t, r in ratios(segments, system) if r < 4.5]
            assert not low, (theme, system, low)
        # the "found" status (untranslated paragraph) on the cursor row too
        view.move_to(1)
        await pilot.pause()
        segments = [seg for strip in view._row_strips(1) for seg in strip]
        for system in (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT):
            low = [(t, round(r, 2)) for t, r in ratios(segments, system) if r < 4.5]
            assert not low, (theme, system, low)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_cursor_sentence_contrast(tmp_path: Path, theme: str) -> None:
    """The cursor sentence's shared background (issue 23): every glyph on it, in both columns,
    keeps 4.5:1, and it stays distinct from the cursor row's background in 256 colours."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        app.theme = theme
        await wait_translated(pilot)
        view = app.reader.view
        view.move_to(1)
        await pilot.press("right_parenthesis")
        assert view.sentence is not None and view.sentence.number == 1
        segments = [seg for strip in view._row_strips(1) for seg in strip]
        sentence_bg = view._style("sentence").bgcolor
        row_bg = (view.rich_style + view._style("cursor-row")).bgcolor
        assert sentence_bg is not None and row_bg is not None
        on_sentence = [s for s in segments if s.style and s.style.bgcolor == sentence_bg]
        assert sum(len(s.text.strip()) for s in on_sentence) > 20
        for system in (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT):
            low = [(t, round(r, 2)) for t, r in ratios(on_sentence, system) if r < 4.5]
            assert not low, (theme, system, low)
            assert sentence_bg.downgrade(system) != row_bg.downgrade(system)
        # its pinyin (`P`) is on the same background, and as legible
        await pilot.press("P")
        await wait_until(pilot, lambda: bool(view._layout(1).ruby))
        segments = [seg for strip in view._row_strips(1) for seg in strip]
        pinyin = [s for s in segments if s.style and s.style.italic and s.text.strip()]
        assert pinyin and all(s.style and s.style.bgcolor == sentence_bg for s in pinyin)
        for system in (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT):
            low = [(t, round(r, 2)) for t, r in ratios(segments, system) if r < 4.5]
            assert not low, (theme, system, low)
