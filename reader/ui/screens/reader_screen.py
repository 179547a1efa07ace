"""`ReaderScreen`: the document side by side, background translation, terms, lookup, editing.

Guarantees:
- the screen paints before anything heavy happens: loading the document, choosing and loading
  the engine, translating, segmenting and dictionary lookups all run in thread workers that
  post `reader.ui.messages` back; no worker touches a widget;
- translation asks for the paragraphs on screen first, then outward from them; scrolling to
  untranslated text restarts the run in the new order; quitting cancels it (threading.Event);
- glossary edits are saved with `Glossary.save` (atomic, refuses a concurrent change); on a
  refusal the edit is kept and `ctrl+s` merges it into the file on disk; only paragraphs that
  contain the changed term are translated again.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input

from reader.errors import ReaderError
from reader.ui.messages import (
    DocumentLoaded,
    EngineReady,
    LoadFailed,
    ParagraphsTranslated,
    TranslationFinished,
    WordLookedUp,
)
from reader.ui.widgets.bilingual_view import PROBLEMS, BilingualView
from reader.ui.widgets.dictionary_panel import DictionaryPanel
from reader.ui.widgets.glossary_panel import GlossaryPanel, summarize
from reader.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.documents.document import Document, Paragraph
    from reader.glossary.file import Entry, Glossary
    from reader.glossary.matching import TermHit
    from reader.translation.pipeline import Translator
    from reader.ui.screens.export_dialog import ExportRequest
    from reader.ui.screens.term_dialog import TermEdit

EXIT_AFTER_PAINT = "READER_EXIT_AFTER_PAINT"  # "1": exit on first paint; "document": once shown


class ReaderScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "next_paragraph", "Next paragraph", show=False),
        Binding("k,up", "previous_paragraph", "Previous paragraph", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup,b", "page_up", "Page up", show=False),
        Binding("g,home", "first_paragraph", "First paragraph", show=False),
        Binding("G,end", "last_paragraph", "Last paragraph", show=False),
        Binding("l,right", "next_char", "Next character", show=False),
        Binding("h,left", "previous_char", "Previous character", show=False),
        Binding("v", "toggle_selection", "Start/stop selecting characters", show=False),
        Binding("n", "next_problem", "Next problem term (missing/forbidden)", show=False),
        Binding("N", "previous_problem", "Previous problem term", show=False),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("semicolon", "next_match", "Next search match", key_display=";", show=False),
        Binding("comma", "previous_match", "Previous search match", key_display=",", show=False),
        Binding("a", "add_term", "Add term"),
        Binding("E", "edit_term", "Edit/delete the term under the cursor", show=False),
        Binding("ctrl+f", "search_glossary", "Search the glossary", show=False),
        Binding("ctrl+s", "merge_glossary", "Merge unsaved glossary edits", show=False),
        Binding("p,enter", "post_edit", "Edit English"),
        Binding("t", "toggle_script", "Traditional/Simplified", show=False),
        Binding("s", "toggle_glossary_panel", "Terms panel"),
        Binding("d", "toggle_dictionary", "Dictionary panel", show=False),
        Binding("e", "export", "Export"),
        Binding("o", "open_document", "Open another document", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit_reader", "Quit"),
    ]

    def __init__(
        self,
        path: str,
        *,
        encoding: str | None = None,
        engine: str = "auto",
        glossary: str | None = None,
        data: bytes | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        self.data = data
        self.encoding = encoding
        self.engine_choice = engine
        self.glossary_path = glossary
        self.doc: Document | None = None
        self.doc_key = ""
        self.glossary: Glossary | None = None
        self.hits: dict[str, list[TermHit]] = {}
        self.translator: Translator | None = None  # built in a worker
        self.engine_name = ""
        self.translating = False
        self.translation_done = threading.Event()  # tests and the benchmark wait on it
        self._cancel = threading.Event()
        self._engine_lock = threading.Lock()
        self._queued: list[str] = []  # paragraph ids of the current run, in order
        self._total = 0
        self._done = 0
        self._segments: dict[str, list[tuple[int, int, int, int]]] = {}
        self._word: tuple[str, int, int, str] | None = None  # paragraph id, start, end, sense
        self._unsaved: list[TermEdit] = []
        self._last_search = ""
        self._reprioritize_timer: Timer | None = None
        self._panel_timer: Timer | None = None

    # -- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield BilingualView(id="view")
            yield GlossaryPanel(id="glossary-panel")
        yield DictionaryPanel(id="dictionary")
        yield Input(placeholder="search Chinese or English, enter to find", id="search")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def view(self) -> BilingualView:
        return self.query_one(BilingualView)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    def on_mount(self) -> None:
        self.view.focus()
        self.status.show(f"Loading {self.path}…")
        if os.environ.get(EXIT_AFTER_PAINT) == "1":
            self.call_after_refresh(self.app.exit)
        # load after the first paint: the worker's imports would otherwise hold the GIL the
        # first frame needs (measured: seed first paint 2.1x -> see bench/startup.py)
        self.call_after_refresh(self.load)
        self.watch(self.view, "scroll_y", self._schedule_reprioritize, init=False)

    # -- loading -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        try:
            from reader.documents.loading import load_document, read_source
            from reader.documents.positions import document_key
            from reader.glossary.matching import TermMatcher
            from reader.translation.session import open_glossary

            data = self.data if self.data is not None else read_source(self.path)
            doc = load_document(self.path, self.encoding, data=data)
            key = document_key(self.path, data) if self.path != "-" else ""
            glossary = open_glossary(self.glossary_path, warn=False)
            hits: dict[str, list[TermHit]] = defaultdict(list)
            for hit in TermMatcher(glossary.entries).find_in_document(doc):
                hits[hit.paragraph_id].append(hit)
            warnings = [*doc.warnings, *(str(p) for p in glossary.problems)]
            self.post_message(DocumentLoaded(doc, key, glossary, dict(hits), warnings))
        except ReaderError as error:
            self.post_message(LoadFailed(error.render()))
        except OSError as error:
            self.post_message(LoadFailed(f"reader: {self.path}: {error.strerror or error}"))

    def on_document_loaded(self, message: DocumentLoaded) -> None:
        from reader.documents.positions import load_position

        self.doc, self.doc_key = message.doc, message.doc_key
        self.glossary, self.hits = message.glossary, message.hits
        view = self.view
        view.set_document(
            message.doc.paragraphs, message.hits, traditional=message.doc.script == "traditional"
        )
        self.app.sub_title = message.doc.title or Path(self.path).name
        for warning in message.warnings[:5]:
            self.notify(warning, severity="warning")
        position = load_position(self.doc_key) if self.doc_key else None
        if position is not None:
            index = view.index_of(position.paragraph_id)
            view.move_to(position.paragraph_index if index is None else index, position.char)
        else:
            view.move_to(0)
        self._refresh_panel()
        self.status.show(f"{len(message.doc.paragraphs)} paragraphs · choosing the engine…")
        if os.environ.get(EXIT_AFTER_PAINT) == "document":
            self.call_after_refresh(self.app.exit)
        # after the text is painted: the engine's imports (jieba ~0.6 s) hold the GIL
        self.call_after_refresh(self.start_translation)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.status.show(message.error)
        self.notify(message.error, severity="error", timeout=30)

    # -- translation ---------------------------------------------------------------------------

    def _order(self, ids: list[str] | None = None) -> list[str]:
        """Paragraph ids to translate: those on screen first, then outward from them."""
        assert self.doc is not None
        paragraphs = self.doc.paragraphs
        wanted = set(ids) if ids is not None else None
        first, last = self.view.visible_range()
        order = list(range(first, last + 1))
        below, above = last + 1, first - 1
        while below < len(paragraphs) or above >= 0:
            if below < len(paragraphs):
                order.append(below)
                below += 1
            if above >= 0:
                order.append(above)
                above -= 1
        return [
            paragraphs[i].id
            for i in order
            if (wanted is None and paragraphs[i].id not in self.view.translations)
            or (wanted is not None and paragraphs[i].id in wanted)
        ]

    def start_translation(self, first: list[str] | None = None) -> None:
        """(Re)start the background run: `first` (paragraphs to redo) then untranslated ones."""
        if self.doc is None:
            return
        self._cancel.set()
        self._cancel = threading.Event()
        redo = self._order(first) if first else []
        rest = [pid for pid in self._order() if pid not in set(redo)]
        self._queued = redo + rest
        self._total, self._done = len(self._queued), 0
        self.translation_done.clear()
        if not self._queued and self.translator is not None:
            self._finished(cancelled=False)
            return
        self.translating = True
        self.status.progress(0, self._total)
        self.translate(self._queued, self._cancel)

    @work(thread=True, exclusive=True, group="translate", exit_on_error=False)
    def translate(self, ids: list[str], cancel: threading.Event) -> None:
        try:
            translator = self._translator()
            if cancel.is_set():
                return
            done = 0
            batch: list = []

            def on_paragraph(result) -> None:
                nonlocal done
                done += 1
                batch.append(result)
                # a handful per message keeps the UI thread's work per message small
                if len(batch) >= 8 or done == len(ids):
                    self.post_message(ParagraphsTranslated(batch.copy(), done, len(ids)))
                    batch.clear()

            assert self.doc is not None
            translator.translate(self.doc, ids, on_paragraph=on_paragraph, cancel=cancel)
            if batch:
                self.post_message(ParagraphsTranslated(batch.copy(), done, len(ids)))
            self.post_message(TranslationFinished(cancelled=cancel.is_set()))
        except ReaderError as error:
            self.post_message(TranslationFinished(cancelled=False, error=error.render()))
        except Exception as error:  # an engine failure must not kill the reader
            self.post_message(TranslationFinished(cancelled=False, error=f"reader: {error!r}"))

    def _translator(self):
        """The session's translator, built once (engine import and model load: seconds)."""
        with self._engine_lock:
            if self.translator is None:
                from reader.translation.engines.select import select_engine
                from reader.translation.memory import TranslationMemory
                from reader.translation.pipeline import Translator

                engine, message = select_engine(self.engine_choice)
                model = getattr(engine, "model_id", "")
                name = f"{engine.name} ({model})" if model else engine.name
                self.post_message(EngineReady(name, message))
                memory = TranslationMemory(on_warning=self._warn_from_worker)
                self.translator = Translator(engine, self.glossary, memory)
            return self.translator

    def _warn_from_worker(self, text: str) -> None:
        """Show a warning as it happens (the memory warns from worker threads)."""
        self.app.call_from_thread(self.notify, text, severity="warning", timeout=15)

    def on_engine_ready(self, message: EngineReady) -> None:
        self.engine_name = message.name
        self._show_status()

    def on_paragraphs_translated(self, message: ParagraphsTranslated) -> None:
        self.view.set_translations(message.translations)
        self._done = message.done
        self.status.progress(message.done, message.total)
        self._show_status()
        self._schedule_panel_refresh()

    def on_translation_finished(self, message: TranslationFinished) -> None:
        if message.error:
            self.notify(message.error, severity="error", timeout=15)
        if not message.cancelled:
            self._finished(cancelled=False)

    def _finished(self, *, cancelled: bool) -> None:
        self.translating = False
        self.status.progress(self._total, self._total)
        self._show_status()
        self._refresh_panel()
        if not cancelled:
            self.translation_done.set()

    def _show_status(self) -> None:
        if self.doc is None:
            return
        total = len(self.doc.paragraphs)
        shown = len(self.view.translations)
        problems = sum(
            1
            for p in self.doc.paragraphs
            for span in self.view.term_spans(p)
            if span.status in PROBLEMS
        )
        script = self.view.displayed_script
        parts = [
            self.engine_name or "choosing the engine…",
            f"{shown}/{total} translated",
            f"{problems} problem terms" if problems else "no problem terms",
            script,
        ]
        if self._unsaved:
            parts.append("glossary edits unsaved (ctrl+s)")
        self.status.show(" · ".join(parts))

    def _schedule_reprioritize(self, *_: object) -> None:
        if not self.translating:
            return
        if self._reprioritize_timer is not None:
            self._reprioritize_timer.stop()
        self._reprioritize_timer = self.set_timer(0.3, self._reprioritize)

    def _reprioritize(self) -> None:
        """Scrolled to untranslated text: restart the run from what is now on screen."""
        if not self.translating or self.doc is None:
            return
        first, last = self.view.visible_range()
        pending = [
            p.id
            for p in self.doc.paragraphs[first : last + 1]
            if p.id not in self.view.translations
        ]
        position = {pid: n for n, pid in enumerate(self._queued)}
        if pending and min(position.get(pid, 0) for pid in pending) > self._done + 16:
            self.start_translation()

    def cancel_translation(self) -> None:
        self._cancel.set()

    # -- terms --------------------------------------------------------------------------------

    def _refresh_panel(self) -> None:
        if self.doc is None:
            return
        occurrences = []
        for p in self.doc.paragraphs:
            tr = self.view.translations.get(p.id)
            if tr is not None and tr.terms:
                occurrences += [(t.zh, t.en, t.status) for t in tr.terms]
            else:
                occurrences += [(h.entry.zh, h.entry.en, "found") for h in self.hits.get(p.id, [])]
        self.query_one(GlossaryPanel).show_terms(summarize(occurrences))

    def _schedule_panel_refresh(self) -> None:
        if self._panel_timer is None:

            def run() -> None:
                self._panel_timer = None
                self._refresh_panel()

            self._panel_timer = self.set_timer(0.5, run)

    def _jump_to_term(
        self, direction: int, want: frozenset[str] | None = None, zh: str = ""
    ) -> bool:
        """Move to the next/previous term occurrence with a status in `want` (or term `zh`)."""
        view = self.view
        if self.doc is None:
            return False
        paragraphs = self.doc.paragraphs
        n = len(paragraphs)
        for step in range(n + 1):
            i = (view.cursor + direction * step) % n
            spans = sorted(
                view.term_spans(paragraphs[i]), key=lambda s: s.start, reverse=direction < 0
            )
            for span in spans:
                if want is not None and span.status not in want:
                    continue
                if zh and not self._is_term(paragraphs[i], span.start, zh):
                    continue
                if step == 0 and (span.start - view.char) * direction <= 0:
                    continue
                view.move_to(i, span.start)
                return True
        return False

    def _is_term(self, p: Paragraph, start: int, zh: str) -> bool:
        tr = self.view.translations.get(p.id)
        if tr is not None and tr.terms:
            return any(t.start == start and t.zh == zh for t in tr.terms)
        return any(h.start == start and h.entry.zh == zh for h in self.hits.get(p.id, []))

    def action_next_problem(self) -> None:
        if not self._jump_to_term(1, PROBLEMS):
            self.notify("no missing or forbidden terms")

    def action_previous_problem(self) -> None:
        if not self._jump_to_term(-1, PROBLEMS):
            self.notify("no missing or forbidden terms")

    @on(GlossaryPanel.TermChosen)
    def _term_chosen(self, message: GlossaryPanel.TermChosen) -> None:
        self._jump_to_term(1, None, zh=message.zh)
        self.view.focus()

    def action_toggle_glossary_panel(self) -> None:
        panel = self.query_one(GlossaryPanel)
        panel.display = not panel.display
        if panel.display:
            self._refresh_panel()

    def action_toggle_dictionary(self) -> None:
        panel = self.query_one(DictionaryPanel)
        panel.display = not panel.display

    # -- navigation ------------------------------------------------------------------------------

    def action_next_paragraph(self) -> None:
        self.view.move_to(self.view.cursor + 1)

    def action_previous_paragraph(self) -> None:
        self.view.move_to(self.view.cursor - 1)

    def action_page_down(self) -> None:
        self.view.page(1)

    def action_page_up(self) -> None:
        self.view.page(-1)

    def action_first_paragraph(self) -> None:
        self.view.move_to(0)

    def action_last_paragraph(self) -> None:
        self.view.move_to(len(self.view.paragraphs) - 1)

    def action_next_char(self) -> None:
        self.view.move_char(1)

    def action_previous_char(self) -> None:
        self.view.move_char(-1)

    def action_toggle_selection(self) -> None:
        self.view.toggle_selection()

    def action_toggle_script(self) -> None:
        self.view.toggle_script()
        self._show_status()

    # -- lookup ------------------------------------------------------------------------------------

    @on(BilingualView.CursorMoved)
    def _cursor_moved(self, message: BilingualView.CursorMoved) -> None:
        p = self.view.current
        if p is not None and self.query_one(DictionaryPanel).display:
            # after the paint: the first lookup imports jieba and CC-CEDICT (~0.8 s of GIL)
            self.call_after_refresh(self.look_up, p, message.char)
        self._schedule_reprioritize()

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def look_up(self, p: Paragraph, char: int) -> None:
        from reader import dictionary  # jieba + CC-CEDICT: ~1 s on first use, in this thread
        from reader.han import has_han

        spans = self._segments.get(p.id)
        if spans is None:
            spans, at = [], 0
            for word in dictionary.segment(p.simplified):
                spans.append((*p.original_span(at, at + len(word)), at, at + len(word)))
                at += len(word)
            self._segments[p.id] = spans  # plain dict, written by lookup workers only
        start, end, s_start, s_end = next(
            (span for span in spans if span[0] <= char < span[1]), (char, char + 1, 0, 0)
        )
        word = p.text[start:end].strip()
        if not word or not has_han(word):
            self.post_message(WordLookedUp(p.id, start, end, "", "", []))
            return
        simplified = p.simplified[s_start:s_end] or word
        entries = dictionary.lookup(word) or dictionary.lookup(simplified)
        self.post_message(
            WordLookedUp(p.id, start, end, word, dictionary.pinyin(word), list(entries))
        )

    def on_word_looked_up(self, message: WordLookedUp) -> None:
        p = self.view.current
        if p is None or p.id != message.paragraph_id:
            return
        entry = (
            self.glossary.find(message.word, variants=True)
            if self.glossary and message.word
            else None
        )
        self.query_one(DictionaryPanel).show_word(
            message.word, message.pinyin, message.entries, entry
        )
        if message.word:
            sense = next((s for e in message.entries for s in e.senses), "")
            self._word = (p.id, message.start, message.end, sense)
            self.view.set_word_span((message.start, message.end))
        else:
            self._word = None
            self.view.set_word_span(None)

    # -- glossary editing ------------------------------------------------------------------------

    def _term_under_cursor(self) -> Entry | None:
        p = self.view.current
        if p is None or self.glossary is None:
            return None
        for hit in self.hits.get(p.id, []):
            if hit.start <= self.view.char < hit.end:
                return hit.entry
        if self._word and self._word[0] == p.id:
            return self.glossary.find(p.text[self._word[1] : self._word[2]], variants=True)
        return None

    def _refuse(self, zh: str, original: str | None) -> str | None:
        assert self.glossary is not None
        existing = self.glossary.find(zh, variants=True)
        if existing is not None and (
            original is None or existing is not self.glossary.find(original)
        ):
            return f"{zh} is already in the glossary as {existing.en!r}"
        return None

    def action_add_term(self) -> None:
        from reader.ui.screens.term_dialog import TermDialog  # dialogs load on first use

        p = self.view.current
        if p is None or self.glossary is None:
            return
        sense = ""
        if self.view.selection:
            a, b = self.view.selection
            zh = p.text[a:b]
        elif self._word and self._word[0] == p.id:
            zh, sense = p.text[self._word[1] : self._word[2]], self._word[3]
        else:
            zh = p.text[self.view.char : self.view.char + 1]
        existing = self.glossary.find(zh, variants=True)
        if existing is not None:
            self.notify(f"{zh} is already in the glossary; editing it")
            self.app.push_screen(TermDialog(existing, refuse=self._refuse), self._term_edited)
            return
        dialog = TermDialog(None, zh=zh.strip(), en=sense, refuse=self._refuse)
        self.app.push_screen(dialog, self._term_edited)

    def action_edit_term(self) -> None:
        from reader.ui.screens.term_dialog import TermDialog

        entry = self._term_under_cursor()
        if entry is None:
            self.notify("no glossary term under the cursor (ctrl+f searches the glossary)")
            return
        self.app.push_screen(TermDialog(entry, refuse=self._refuse), self._term_edited)

    def action_search_glossary(self) -> None:
        from reader.ui.screens.glossary_search import GlossarySearch
        from reader.ui.screens.term_dialog import TermDialog

        if self.glossary is None:
            return

        def chosen(zh: str | None) -> None:
            entry = self.glossary.find(zh) if zh and self.glossary else None
            if entry is not None:
                self.app.push_screen(TermDialog(entry, refuse=self._refuse), self._term_edited)

        self.app.push_screen(GlossarySearch(self.glossary.entries), chosen)

    def _term_edited(self, edit: TermEdit | None) -> None:
        if edit is None or self.glossary is None:
            return
        try:
            keys = self._apply(self.glossary, edit)
        except ReaderError as error:
            self.notify(error.render(), severity="error", timeout=10)
            return
        self._save_glossary(edit, keys)

    @staticmethod
    def _apply(glossary: Glossary, edit: TermEdit) -> set[str]:
        """Apply the edit to `glossary`; return the terms (both scripts' keys) it touched."""
        from reader.glossary.file import Entry, simplify

        keys = {simplify(edit.zh)} if edit.zh else set()
        if edit.original_zh is not None:
            old = glossary.find(edit.original_zh)
            if old is not None:
                keys |= {old.key, *map(simplify, old.forms)}
        if edit.action == "delete":
            assert edit.original_zh is not None
            glossary.remove(edit.original_zh)
        elif edit.original_zh is None or glossary.find(edit.original_zh) is None:
            glossary.add(
                Entry(
                    edit.zh, edit.en, accept=edit.accept, forbidden=edit.forbidden, note=edit.note
                )
            )
        else:
            glossary.update(
                edit.original_zh,
                zh=edit.zh,
                en=edit.en,
                accept=edit.accept,
                forbidden=edit.forbidden,
                note=edit.note,
            )
        return keys

    def _save_glossary(self, edit: TermEdit | None, keys: set[str]) -> None:
        assert self.glossary is not None
        try:
            self.glossary.save()
        except ReaderError as error:
            if edit is not None:
                self._unsaved.append(edit)
            self.notify(
                f"{error.render()}\nYour edit is kept: ctrl+s merges it into the file on disk.",
                severity="error",
                timeout=20,
            )
        else:
            self._unsaved.clear()
            what = "deleted" if edit and edit.action == "delete" else "saved"
            self.notify(f"glossary {what}: {self.glossary.path}")
        self._glossary_changed(keys)

    def action_merge_glossary(self) -> None:
        """Reload the glossary from disk, re-apply the unsaved edits and save."""
        if not self._unsaved or self.glossary is None or self.glossary.path is None:
            self.notify("no unsaved glossary edits")
            return
        from reader.glossary.file import Glossary

        try:
            fresh = Glossary.load(self.glossary.path, missing_ok=True)
            keys: set[str] = set()
            for edit in self._unsaved:
                keys |= self._apply(fresh, edit)
        except ReaderError as error:
            self.notify(error.render(), severity="error", timeout=20)
            return
        self.glossary = fresh
        if self.translator is not None:
            self.translator.glossary = fresh
        self._save_glossary(None, keys)

    def _glossary_changed(self, keys: set[str]) -> None:
        """Find the terms again; translate again only the paragraphs with a changed term."""
        from reader.glossary.matching import TermMatcher

        assert self.doc is not None and self.glossary is not None
        old = self.hits
        hits: dict[str, list[TermHit]] = defaultdict(list)
        for hit in TermMatcher(self.glossary.entries).find_in_document(self.doc):
            hits[hit.paragraph_id].append(hit)
        self.hits = dict(hits)
        affected = [
            p.id
            for p in self.doc.paragraphs
            if any(h.entry.key in keys for h in (*old.get(p.id, []), *self.hits.get(p.id, [])))
        ]
        self.view.set_hits(self.hits)
        self._refresh_panel()
        self.start_translation(affected)
        self._show_status()

    # -- post-editing ---------------------------------------------------------------------------

    def action_post_edit(self) -> None:
        from reader.ui.screens.post_edit import PostEditDialog  # TextArea: ~40 ms import

        p = self.view.current
        if p is None:
            return
        tr = self.view.translations.get(p.id)

        def edited(english: str | None) -> None:
            if english is not None:
                self.store_post_edit(p.id, english)

        self.app.push_screen(PostEditDialog(p.text, tr.text if tr else ""), edited)

    @work(thread=True, group="post-edit", exit_on_error=False)
    def store_post_edit(self, paragraph_id: str, english: str) -> None:
        assert self.doc is not None
        translator = self._translator()
        try:
            translator.set_post_edit(self.doc, paragraph_id, english)
        except ReaderError as error:  # the user's words: say so, never drop them silently
            self._warn_from_worker(f"{error.render()}\nYour edit was NOT saved.")
            return
        # the human text wins; translating again re-checks its terms at no model cost
        result = translator.translate(self.doc, [paragraph_id])
        self.post_message(ParagraphsTranslated(list(result.values()), self._done, self._total))

    # -- search ------------------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.display = False
        self._last_search = event.value.strip()
        self.view.set_search(self._last_search)
        self.view.focus()
        if self._last_search:
            self._find(1, include_current=True)

    def on_key(self, event) -> None:
        search = self.query_one("#search", Input)
        if event.key == "escape" and search.display:
            search.display = False
            self.view.focus()
            event.stop()

    def _matches(self, p: Paragraph, query: str) -> list[int]:
        """Offsets in Paragraph.text where `query` occurs (either script), or its English does."""
        found = []
        for haystack in (p.text, p.simplified):
            at = haystack.find(query)
            while at >= 0:
                found.append(at if haystack is p.text else p.to_original[at])
                at = haystack.find(query, at + 1)
        tr = self.view.translations.get(p.id)
        if tr is not None and query.lower() in tr.text.lower() and not found:
            found.append(0)
        return sorted(set(found))

    def _find(self, direction: int, *, include_current: bool = False) -> None:
        query = self._last_search
        if not query or self.doc is None:
            self.notify("nothing to search for: press / first")
            return
        view = self.view
        n = len(self.doc.paragraphs)
        for step in range(n + 1):
            i = (view.cursor + direction * step) % n
            offsets = self._matches(self.doc.paragraphs[i], query)
            if direction < 0:
                offsets.reverse()
            for at in offsets:
                if step == 0 and not include_current and (at - view.char) * direction <= 0:
                    continue
                if step == 0 and include_current and (at - view.char) * direction < 0:
                    continue
                view.move_to(i, at)
                return
        self.notify(f"not found: {query}")

    def action_next_match(self) -> None:
        self._find(1)

    def action_previous_match(self) -> None:
        self._find(-1)

    # -- export, help, quit -----------------------------------------------------------------------

    def action_export(self) -> None:
        from reader.exports import default_output_path
        from reader.exports.preferences import load_choice
        from reader.ui.screens.export_dialog import ExportDialog

        if self.doc is None:
            return
        choice = load_choice()
        path = str(default_output_path(self.doc.source, choice.format))
        self.app.push_screen(ExportDialog(path, choice), self._export)

    def _export(self, request: ExportRequest | None) -> None:
        if request is not None:
            self.write_export(request, dict(self.view.translations))

    @work(thread=True, group="export", exit_on_error=False)
    def write_export(self, request: ExportRequest, translations: dict) -> None:
        from reader.exports import render_export, write_export
        from reader.exports.common import ExportInfo
        from reader.exports.preferences import ExportChoice, save_choice

        assert self.doc is not None
        try:
            data = render_export(
                self.doc,
                translations,
                request.format,
                ExportInfo(self.engine_name),
                layout=request.layout,
                content=request.content,
            )
            path = write_export(data, request.path).resolve()
        except (ReaderError, OSError) as error:
            message = error.render() if isinstance(error, ReaderError) else str(error)
            self.app.call_from_thread(self.notify, message, severity="error")
            return
        choice = ExportChoice(request.format, request.layout, request.content, str(path))
        try:
            save_choice(choice)
        except (ReaderError, OSError) as error:  # the export is written; the memory is a nicety
            self.log.warning(f"could not remember the export choice: {error}")
        missing = len(self.doc.paragraphs) - len(translations)
        note = f" ({missing} paragraphs not translated yet)" if missing else ""
        self.app.call_from_thread(self.notify, f"exported to {path}{note}")

    def action_help(self) -> None:
        from reader.ui.screens.help_screen import HelpScreen

        self.app.push_screen(HelpScreen([b for b in self.BINDINGS if isinstance(b, Binding)]))

    def save_position(self) -> None:
        if not self.doc_key or not self.view.paragraphs:
            return
        from reader.documents.positions import Position, save_position

        view = self.view
        try:
            save_position(
                self.doc_key, Position(view.paragraphs[view.cursor].id, view.cursor, view.char)
            )
        except (OSError, ReaderError) as error:  # never lose the quit over a position
            self.log.warning(f"could not save the reading position: {error}")

    def action_open_document(self) -> None:
        from reader.ui.screens.open_dialog import OpenDialog

        directory = str(Path(self.path).parent) + "/" if self.path != "-" else "./"
        self.app.push_screen(OpenDialog(directory), self._open_document)

    def _open_document(self, path: str | None) -> None:
        if path is None:
            return
        # the old screen's unmount cancels its translation run; its position is kept
        self.save_position()
        self.cancel_translation()
        new = ReaderScreen(path, engine=self.engine_choice, glossary=self.glossary_path)
        # switch once the dialog has finished closing, so only this screen is replaced
        self.app.call_later(self.app.switch_screen, new)

    def action_quit_reader(self) -> None:
        self.cancel_translation()
        self.save_position()
        self.app.exit()

    def on_unmount(self) -> None:
        self.cancel_translation()
