"""`ReaderScreen`: the document side by side, background translation, terms, lookup, editing.

Guarantees:
- the screen paints before anything heavy happens: loading the document, choosing and loading
  the engine, translating and dictionary lookups run in threads that post `reader.ui.messages`
  back; no thread touches a widget;
- translation asks for the paragraphs on screen first, then outward from them
  (`reader.translation.order`); scrolling to untranslated text restarts the run in the new
  order; the messages of a replaced run are ignored (run ids);
- the status line always shows the document, the position, the engine and the progress, and
  costs O(1) per translated batch (problem counts are kept incrementally);
- `q` and `ctrl+q` save the reading position and end the process within a second, whatever the
  engine is doing; `o` keeps the open document when the other one cannot be read.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Input

from reader.documents.search import Query
from reader.errors import ReaderError
from reader.translation.order import needs_reorder, translation_queue
from reader.translation.results import FLAG_TEXT
from reader.ui.jobs import Segments, find_terms, load
from reader.ui.keys import BINDINGS
from reader.ui.messages import (
    CachedFound,
    DocumentLoaded,
    EarlierEditsFound,
    EngineReady,
    LoadFailed,
    ParagraphsTranslated,
    TermsFound,
    TranslationFinished,
)
from reader.ui.preload import identity
from reader.ui.screens.glossary_editing import GlossaryEditing
from reader.ui.screens.reading_actions import ReadingActions
from reader.ui.screens.word_lookup import WordLookup
from reader.ui.translating import BackgroundTranslation
from reader.ui.widgets.bilingual_view import BilingualView
from reader.ui.widgets.dictionary_panel import DictionaryPanel
from reader.ui.widgets.glossary_panel import GlossaryPanel, summarize
from reader.ui.widgets.status_bar import StatusBar, status_text

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.worker import Worker

    from reader.documents.document import Document
    from reader.glossary.edit import TermEdit
    from reader.glossary.matching import TermHit
    from reader.translation.earlier_edits import EarlierEdit
    from reader.translation.pipeline import ParagraphTranslation
    from reader.ui.app import ReaderApp
    from reader.ui.preload import Cached, Preload
    from reader.ui.services import Services

# For bench/startup.py: "translated" ends the app once the first paragraph on screen has its
# English painted (the first paint and the text it reads off the terminal itself: a refresh
# callback before the first frame runs before anything is written)
EXIT_AFTER_PAINT = "READER_EXIT_AFTER_PAINT"
# How long the first paint may wait for a preloaded document: a "Loading…" frame for less is
# only a flicker (seed 001 is loaded ~0.1 s before the screen mounts); a large one (2 MB:
# ~0.3 s after) shows its preview (its first screen, loaded alone) at once instead
PRELOAD_WAIT = 0.1
# and for its cached English, when the document was read before (seed 001: ~0.1 s after the
# text; the first open does not wait)
CACHED_WAIT = 0.25


class ReaderScreen(GlossaryEditing, ReadingActions, WordLookup):
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS

    def __init__(
        self,
        path: str,
        *,
        encoding: str | None = None,
        loaded: DocumentLoaded | None = None,
        data: bytes | None = None,
    ) -> None:
        super().__init__()
        self.path, self.encoding, self._loaded = path, encoding, loaded
        self.data = data  # the first document's bytes, read by `reader read` (stdin: once)
        self.doc: Document | None = None
        self.doc_key = ""
        self.hits: dict[str, list[TermHit]] = {}
        self.engine_name = ""
        self.run: BackgroundTranslation | None = None
        self.search_query: Query | None = None
        self._search_matches: list[tuple[int, int]] | None = None
        self._search_counted: tuple[Query, int] | None = None
        self._segments: Segments = {}
        self._lookup_at: tuple[str, int] | None = None
        self._word: tuple[str, int, int, str] | None = None  # paragraph id, start, end, sense
        self._unsaved: list[TermEdit] = []
        self._reorder_timer: Timer | None = None
        self._panel_timer: Timer | None = None
        self._pinyin_asked: set[str] = set()
        self.earlier: dict[str, EarlierEdit] = {}  # paragraph id -> offered earlier post-edit
        self.preload: Preload | None = None  # set by the app for its first document
        # the preload's engine and the paragraphs it gave English for, until the engine loads
        self._cached: tuple[tuple[str, str, str], list[str]] | None = None

    # -- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield BilingualView(id="view")
            yield GlossaryPanel(id="glossary-panel")
        yield DictionaryPanel(id="dictionary")
        yield Input(placeholder="search Chinese (either script) or English", id="search")
        yield StatusBar(id="status")
        yield Footer(compact=True)  # the five keys fit 80 columns (82 cells padded, 75 compact)

    @property
    def view(self) -> BilingualView:
        return self.query_one(BilingualView)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def services(self) -> Services:
        return cast("ReaderApp", self.app).services

    @property
    def translating(self) -> bool:
        return self.run is not None and self.run.running

    @property
    def idle(self) -> bool:
        """The document is shown and no run is going (tests and the benchmark wait for it)."""
        return self.run is not None and self.run.run > 0 and not self.run.running

    def on_mount(self) -> None:
        self.run = BackgroundTranslation(self.services, self.post_message)
        self.view.focus()
        self.status.show(f"Loading {self.path}…")
        if self._loaded is not None:
            self.call_after_refresh(self.post_message, self._loaded)
        elif (preload := self.preload) is not None and (
            # a large text's preview is shown at once: the whole is ~0.3 s away
            preload.ready() or (not self._show_preview(preload) and preload.ready(PRELOAD_WAIT))
        ):
            self._show_preloaded(preload)
        else:
            # after the first paint: the worker's imports would hold the GIL the frame needs
            self.call_after_refresh(self.load_in_background, self.path, False)
        self.watch(self.view, "scroll_y", self._schedule_reorder, init=False)
        self.watch(self.view, "scroll_y", self.request_pinyin, init=False)

    # -- loading -------------------------------------------------------------------------------

    def _show_preview(self, preload: Preload) -> bool:
        """A large text's first screen, shown until the whole is in (not yet read: no terms,
        no English; the text the child drew on the terminal); whether there was one."""
        preview = preload.preview()
        if preview is not None:
            traditional = preview.script == "traditional"
            self.view.set_document(preview.paragraphs, {}, traditional=traditional)
        return preview is not None

    def _show_preloaded(self, preload: Preload) -> None:
        """The child's document, shown in this very first paint (before it, on this thread:
        unpickling takes ~1 ms for seed 001, ~75 ms for 2 MB)."""
        self.preload = None
        result = preload.message(self.path)
        if result is None:  # the child failed: load it here, as without one
            self.call_after_refresh(self.load_in_background, self.path, False)
        elif isinstance(result, DocumentLoaded):
            self.on_document_loaded(result)
            # a document read before: its English is likely in the memory, worth a wait
            cached = preload.cached(CACHED_WAIT if preload.seen_before else 0.0)
            if cached is not None:
                self._show_cached(cached)
            else:
                self.await_cached(preload)
        else:
            self.post_message(result)

    # every worker has a `description`: without one Textual repr()s the arguments on the UI
    # thread (a 10 MB Document: 1.06 s and 32 MB of text)
    @work(thread=True, exclusive=True, group="cached", exit_on_error=False, description="cached")
    def await_cached(self, preload: Preload) -> None:
        """The child's cached English, when it comes after the first paint (seconds before
        a model's load, for Argos)."""
        cached = preload.cached()
        if cached is not None:
            self.post_message(CachedFound(cached))

    def on_cached_found(self, message: CachedFound) -> None:
        self._show_cached(message.cached)

    def _show_cached(self, cached: Cached) -> None:
        """English from the memory, for paragraphs the run has not already given, while the
        engine is not known to be another one (checked again when it is ready)."""
        translator = self.services.translator
        if translator is not None and identity(translator.engine) != cached.engine:
            return  # the engine loaded first and is not the one named: its run translates
        fresh = [t for t in cached.translations if t.paragraph_id not in self.view.translations]
        if fresh:
            if translator is None:
                self._cached = cached.engine, [t.paragraph_id for t in fresh]
            self._translations_shown(fresh)
            self._show_status()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def load_in_background(self, path: str, replace: bool) -> None:
        preload = None if replace else self.preload  # the first document's, not another's
        if preload is not None:
            self.preload = None
            result = preload.message(path)
            if result is not None:
                self.post_message(result)
                if (cached := preload.cached()) is not None:
                    self.post_message(CachedFound(cached))
                return
        data, self.data = (self.data, None) if not replace else (None, self.data)
        result = load(path, self.encoding if not replace else None, self.services, data)
        if not replace:
            self.post_message(result)
        elif isinstance(result, DocumentLoaded):
            # another document: a new screen shows it; this one stays if it cannot be read
            self.app.call_from_thread(self._replace_with, result)
        else:
            self.app.call_from_thread(self.notify, result.error, severity="error", timeout=15)

    def on_document_loaded(self, message: DocumentLoaded) -> None:
        # lazy: off the TUI's first paint (all such hoisted: +~150 ms)
        from reader.documents.positions import load_position

        self.doc, self.doc_key, self.hits = message.doc, message.doc_key, message.hits
        view = self.view
        view.set_document(
            self.doc.paragraphs, self.hits, traditional=self.doc.script == "traditional"
        )
        self.app.sub_title = self.doc.title or Path(self.path).name
        for warning in message.warnings[:5]:
            self.notify(warning, severity="warning")
        position = load_position(self.doc_key) if self.doc_key else None
        if position is not None:
            index = view.index_of(position.paragraph_id)
            view.move_to(position.paragraph_index if index is None else index, position.char)
        else:
            view.move_to(0)
        self.engine_name = self.services.engine_name
        self._show_status()
        # after the text is painted: the term matcher and the engine (~0.2 s of imports and
        # set-up for the gloss engine; a model load for Argos) hold the GIL the frame needs
        self.call_after_refresh(self.find_terms_in_background, self.doc)
        self.call_after_refresh(self.start_translation)
        self.call_after_refresh(self.find_earlier_edits, self.doc)

    @work(thread=True, exclusive=True, group="terms", exit_on_error=False, description="find terms")
    def find_terms_in_background(self, doc: Document) -> None:
        self.post_message(find_terms(doc, self.services))

    @work(
        thread=True,
        exclusive=True,
        group="earlier-edits",
        exit_on_error=False,
        description="find earlier post-edits",
    )
    def find_earlier_edits(self, doc: Document) -> None:
        """Post-edits whose paragraph was corrected since (one word changed): offered, never
        applied unasked (bounded: reader.translation.earlier_edits)."""
        from reader.translation.earlier_edits import earlier_edits
        from reader.translation.pipeline import document_key

        try:
            translator, _ = self.services.open_translator()
        except ReaderError:
            return  # no engine: the translation run says why
        if translator.memory is None:
            return
        try:
            offers = earlier_edits(translator.memory, document_key(doc), doc)
        except ReaderError as error:  # the post-edits file is locked or unreadable: say so
            self.app.call_from_thread(self.notify, error.render(), severity="error", timeout=15)
            return
        if offers:
            self.post_message(EarlierEditsFound(doc, offers))

    def on_earlier_edits_found(self, message: EarlierEditsFound) -> None:
        if message.doc is not self.doc:
            return  # another document was opened meanwhile
        self.earlier = dict(message.offers)
        self.view.set_offers({pid: offer.edit.english for pid, offer in self.earlier.items()})
        count = len(self.earlier)
        self.notify(
            f"{count} changed paragraph{'s have' if count > 1 else ' has'} a post-edit of an "
            "earlier version (marked ✎?): A on the paragraph accepts it",
            timeout=10,
        )

    def on_terms_found(self, message: TermsFound) -> None:
        if message.doc is not self.doc:
            return  # another document was opened meanwhile
        self.hits = message.hits
        self.view.set_hits(self.hits)
        self._refresh_panel()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker's unexpected exception (they run with exit_on_error=False): said in one
        line with the log file of its traceback, and the reader goes on."""
        from textual.worker import WorkerState

        if event.state is WorkerState.ERROR and event.worker.error is not None:
            from reader.crash import report

            line = report(
                f"the reader's {event.worker.description or 'background'} task", event.worker.error
            )
            self.status.show(line)
            self.notify(line, severity="error", timeout=30)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.status.show(message.error)
        self.notify(message.error, severity="error", timeout=30)

    # -- translation ---------------------------------------------------------------------------

    def start_translation(self, redo: list[str] | None = None) -> None:
        """(Re)start the background run: `redo` first, then untranslated paragraphs."""
        if self.doc is None or self.run is None:
            return
        first, last = self.view.visible_range()
        ids = [p.id for p in self.doc.paragraphs]
        done = self.view.translations.__contains__
        queue = translation_queue(ids, first, last, redo=redo or (), done=done)
        if not queue and self.services.translator is not None:
            self.run.cancel()
            self.run.run += 1  # nothing to do: this is the newest run, and it is over
            self.run.running = False
            self._show_status()
            return
        self.run.start(self.doc, queue)
        self.status.progress(0, len(queue))

    def glossary_changed(self, affected: list[str]) -> None:
        self._refresh_panel()
        self.start_translation(affected)
        self._show_status()

    def on_engine_ready(self, message: EngineReady) -> None:
        self.engine_name = message.name
        translator = self.services.translator
        if self._cached is not None and translator is not None:
            named, ids = self._cached
            self._cached = None
            if named != identity(translator.engine):
                self.start_translation(redo=ids)  # the model did not load: another engine
        if message.first and self.services.is_gloss:
            self.notify(
                "The English column is a word-by-word dictionary gloss, not a translation. "
                "For real translations: reader model install",
                timeout=8,
            )
        self._show_status()

    def on_paragraphs_translated(self, message: ParagraphsTranslated) -> None:
        self._translations_shown(message.translations)
        if self.run is not None and self.run.accepts(message):
            self.run.done = message.done
            self.status.progress(message.done, message.total)
        self._show_status()
        self._schedule_panel_refresh()

    def _translations_shown(self, translations: list[ParagraphTranslation]) -> None:
        self.view.set_translations(translations)
        if os.environ.get(EXIT_AFTER_PAINT) == "translated" and self._first_shown_translated():
            self.call_after_refresh(self.app.exit)

    def _first_shown_translated(self) -> bool:
        if self.doc is None or not self.doc.paragraphs:
            return False
        return self.doc.paragraphs[self.view.visible_range()[0]].id in self.view.translations

    def on_translation_finished(self, message: TranslationFinished) -> None:
        if self.run is None or not self.run.accepts(message):
            return  # a replaced run: the new one reports for itself
        if message.error:
            self.notify(message.error, severity="error", timeout=15)
        self.run.running = False
        self.status.progress(self.run.total, self.run.total)
        self._show_status()
        self._refresh_panel()

    def _show_status(self) -> None:
        if self.doc is None:
            return
        view, engine = self.view, self.engine_name or "choosing the engine…"
        text = partial(
            status_text,
            (view.cursor, len(self.doc.paragraphs)),
            len(view.translations),
            "gloss: word by word" if self.services.is_gloss else engine,
            view.spans.problems,
            view.displayed_script,
            self.doc.title or Path(self.path).name,
            chapter=chapter.title if (chapter := self.doc.chapter_at(view.cursor)) else "",
            unsaved=bool(self._unsaved),
            search=self._search_label(),
            flagged=self._cursor_flag(),
            **self._sentence_position(),
        )
        self.status.show(lambda cells: text(width=cells))

    def _cursor_flag(self) -> str:
        """Why the paragraph at the cursor is flagged (its cursor sentence's flag first), or ""."""
        view = self.view
        if not view.paragraphs:
            return ""
        tr = view.translations.get(view.paragraphs[view.cursor].id)
        if tr is None or not tr.flagged:
            return ""
        sentence = view.sentence
        flag = (tr.flag_of(sentence.number) if sentence is not None else None) or tr.flagged[0]
        where = f"sentence {flag.sentence + 1}: " if flag.sentence >= 0 else ""
        more = f" (+{len(tr.flagged) - 1})" if len(tr.flagged) > 1 else ""
        return f"{where}{FLAG_TEXT[flag.kind]}{more}"

    def _sentence_position(self) -> dict[str, Any]:
        """The cursor sentence for the status line: k of n (nothing for a paragraph of one
        sentence), or that a post-edited paragraph is one unit."""
        view, sentence = self.view, self.view.sentence
        if sentence is None:
            return {}
        if sentence.whole:
            tr = view.translations.get(view.paragraphs[view.cursor].id)
            return {"whole": tr is not None and tr.human}
        count = len(view.pairs(view.cursor))
        return {"sentence": (sentence.number + 1, count)} if count > 1 else {}

    def _schedule_reorder(self, *_: object) -> None:
        if not self.translating:
            return
        if self._reorder_timer is not None:
            self._reorder_timer.stop()
        self._reorder_timer = self.set_timer(0.3, self._reorder)

    def _reorder(self) -> None:
        """Scrolled to untranslated text: restart the run from what is now on screen."""
        if not self.translating or self.doc is None or self.run is None:
            return
        first, last = self.view.visible_range()
        pending = [
            p.id
            for p in self.doc.paragraphs[first : last + 1]
            if p.id not in self.view.translations
        ]
        if needs_reorder(self.run.queue, self.run.done, pending):
            self.start_translation()

    def cancel_translation(self) -> None:
        if self.run is not None:
            self.run.cancel()

    # -- terms --------------------------------------------------------------------------------

    def _refresh_panel(self) -> None:
        panel = self.query_one(GlossaryPanel)
        if self.doc is None or not panel.display:
            return  # built when shown: rebuilding a hidden list cost ~40 ms per batch
        spans = self.view.spans
        panel.show_terms(
            summarize((s.zh, s.en, s.status) for p in self.doc.paragraphs for s in spans.of(p.id))
        )

    def _schedule_panel_refresh(self) -> None:
        if self._panel_timer is None and self.query_one(GlossaryPanel).display:

            def run() -> None:
                self._panel_timer = None
                self._refresh_panel()

            self._panel_timer = self.set_timer(2.0, run)

    @on(GlossaryPanel.TermChosen)
    def _term_chosen(self, message: GlossaryPanel.TermChosen) -> None:
        self._jump_to_term(1, None, zh=message.zh)
        self.view.focus()

    def action_toggle_glossary_panel(self) -> None:
        panel = self.query_one(GlossaryPanel)
        panel.display = not panel.display
        self._refresh_panel()

    def action_toggle_dictionary(self) -> None:
        panel = self.query_one(DictionaryPanel)
        panel.display = not panel.display
        if panel.display:
            self._cursor_moved(None)

    # -- dialogs over the text -----------------------------------------------------------------

    def on_screen_suspend(self) -> None:
        # a dialog came up: once it is laid out, the cursor paragraph goes above it
        self.app.call_after_refresh(self._make_room)

    def on_screen_resume(self) -> None:
        self.view.make_room(None)

    def _make_room(self, tries: int = 10) -> None:
        """Scroll the cursor paragraph (or its sentence) into the rows above a dialog docked at
        the bottom (app.tcss: every dialog but help), so the text it acts on stays in sight."""
        screen = self.app.screen
        if screen is self or screen.styles.align_vertical != "bottom":
            return
        boxes = screen.query(".dialog")
        box = boxes.first() if boxes else None
        if box is None or box.region.height == 0:  # not laid out yet
            if tries:
                self.app.call_after_refresh(self._make_room, tries - 1)
            return
        view = self.view.region
        self.view.make_room(box.region.y - view.y, view.bottom - box.region.y)

    # -- position, open, quit -----------------------------------------------------------------

    def save_position(self) -> None:
        if not self.doc_key or not self.view.paragraphs:
            return
        # lazy: off the TUI's first paint (all such hoisted: +~150 ms)
        from reader.documents.positions import Position, save_position

        view = self.view
        try:
            save_position(
                self.doc_key, Position(view.paragraphs[view.cursor].id, view.cursor, view.char)
            )
        except (OSError, ReaderError) as error:  # never lose the quit over a position
            self.log.warning(f"could not save the reading position: {error}")

    def action_chapters(self) -> None:
        # lazy: off the TUI's first paint
        from reader.ui.screens.chapter_list import ChapterList

        if self.doc is None:
            return
        if not self.doc.chapters:
            self.notify("no chapters: only an EPUB has its own table of contents")
            return
        current = self.doc.chapter_at(self.view.cursor)
        self.app.push_screen(ChapterList(self.doc.chapters, current), self._go_to_chapter)

    def _go_to_chapter(self, paragraph: int | None) -> None:
        if paragraph is not None:
            self.view.move_to(paragraph)

    def action_open_document(self) -> None:
        # lazy: off the TUI's first paint (all such hoisted: +~150 ms)
        from reader.ui.screens.open_dialog import OpenDialog

        directory = str(Path(self.path).parent) + "/" if self.path != "-" else "./"
        self.app.push_screen(OpenDialog(directory), self._open_document)

    def _open_document(self, path: str | None) -> None:
        if path is not None:
            self.notify(f"opening {path}…")
            self.load_in_background(path, True)

    def _replace_with(self, loaded: DocumentLoaded) -> None:
        self.save_position()
        self.cancel_translation()
        # the glossary, engine and memory are the app's: the new screen reuses them
        self.app.switch_screen(ReaderScreen(loaded.path, loaded=loaded))

    def action_quit_reader(self) -> None:
        self.cancel_translation()
        self.save_position()
        self.app.exit()

    def on_unmount(self) -> None:
        self.cancel_translation()
