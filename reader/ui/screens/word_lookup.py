"""The reader screen's word lookup: the dictionary panel follows the cursor.

Mixed into `ReaderScreen`. Guarantees: a lookup runs in a daemon thread after the paint (the
first one opens the lexicon, ~5 ms, or builds it on a first start, ~2-4 s); a result for a
position the cursor has left is dropped, so the panel never shows a stale word. Pinyin (`P`,
`ctrl+p`) is read in the same kind of thread, with the panel's segmentation and reading
(`reader.ui.jobs.read_pinyin`), each paragraph once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on

from reader.ui.jobs import Segments, look_up_word, read_pinyin
from reader.ui.messages import PinyinRead, WordLookedUp
from reader.ui.screens.parts import ReaderParts
from reader.ui.widgets.bilingual_view import BilingualView
from reader.ui.widgets.dictionary_panel import DictionaryPanel

if TYPE_CHECKING:
    pass


class WordLookup(ReaderParts):
    """Needs the screen's `_segments` and `_schedule_reorder` too."""

    _segments: Segments
    _lookup_at: tuple[str, int] | None
    _word: tuple[str, int, int, str] | None

    def _schedule_reorder(self, *_: object) -> None:
        raise NotImplementedError

    @on(BilingualView.CursorMoved)
    def _cursor_moved(self, message: BilingualView.CursorMoved | None) -> None:
        p = self.view.current
        self._show_status()
        self._schedule_reorder()
        if p is None:
            return
        self.request_pinyin()
        self._lookup_at = (p.id, self.view.char)
        self.view.set_word_span(None)
        panel = self.query_one(DictionaryPanel)
        if panel.display:
            panel.looking_up()
            # after the paint: the first lookup opens the lexicon (built on a first start)
            self.call_after_refresh(self._look_up, p.id, self.view.char)

    def _look_up(self, pid: str, char: int) -> None:
        if self._lookup_at != (pid, char) or self.doc is None:
            return  # the cursor moved on before the paint
        p = self.view.current
        assert p is not None
        segments = self._segments

        def work() -> None:
            self.post_message(look_up_word(p, char, segments))

        self.services.run_daemon(work, "lookup")

    def on_word_looked_up(self, message: WordLookedUp) -> None:
        if self._lookup_at != (message.paragraph_id, message.at):
            return  # asked for a position the cursor has left
        entry = None
        glossary = self.services.glossary
        if glossary is not None and message.word:
            entry = glossary.find(message.word, variants=True)
        panel = self.query_one(DictionaryPanel)
        panel.show_word(message.word, message.pinyin, message.entries, entry)
        if message.word:
            sense = next((s for e in message.entries for s in e.senses), "")
            self._word = (message.paragraph_id, message.start, message.end, sense)
            self.view.set_word_span((message.start, message.end))
        else:
            self._word = None

    # -- pinyin ---------------------------------------------------------------------------

    _pinyin_asked: set[str]

    def action_toggle_pinyin(self) -> None:
        """`P`: pinyin above the cursor sentence, or off."""
        self.view.set_pinyin("off" if self.view.pinyin == "sentence" else "sentence")
        self.request_pinyin()

    def action_toggle_pinyin_all(self) -> None:
        """`ctrl+p`: pinyin above every paragraph, or off."""
        self.view.set_pinyin("off" if self.view.pinyin == "all" else "all")
        self.request_pinyin()

    def request_pinyin(self, *_: object) -> None:
        """Read the pinyin the view shows and does not have yet, in one daemon thread."""
        wanted = [p for p in self.view.pinyin_wanted() if p.id not in self._pinyin_asked]
        if not wanted:
            return
        self._pinyin_asked.update(p.id for p in wanted)
        segments = self._segments

        def work() -> None:
            for p in wanted:
                try:
                    self.post_message(read_pinyin(p, segments))
                except Exception as error:  # say so; the Chinese stays readable without it
                    self._pinyin_asked.discard(p.id)
                    self.app.call_from_thread(
                        self.notify, f"reader: reading pinyin failed: {error!r}", severity="error"
                    )
                    self.log.error(f"pinyin of {p.id}: {error!r}")
                    return

        self.services.run_daemon(work, "pinyin")

    def on_pinyin_read(self, message: PinyinRead) -> None:
        self.view.set_readings(message.paragraph_id, message.words)
