"""The reader screen's reading actions: moving, searching, post-editing, exporting, help.

Mixed into `ReaderScreen`. Guarantees: movement is by lines inside a paragraph taller than the
screen (see `BilingualView`); search finds either script and the English
(`reader.documents.search`); post-edits and exports run in thread workers.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.binding import Binding
from textual.widgets import Input

from reader.atomic import check_output
from reader.documents.search import Query, all_matches, find_next
from reader.errors import ReaderError
from reader.translation.review import PROBLEMS, next_term
from reader.ui.messages import ParagraphsTranslated
from reader.ui.screens.parts import ReaderParts

if TYPE_CHECKING:
    from reader.documents.document import Paragraph
    from reader.translation.earlier_edits import EarlierEdit
    from reader.translation.pipeline import ParagraphTranslation
    from reader.ui.screens.export_dialog import ExportRequest


class ReadingActions(ReaderParts):
    """Needs the screen's `doc`, `view`, `services`, `engine_name` and `_show_status`."""

    engine_name: str
    earlier: dict[str, EarlierEdit]  # paragraph id -> an earlier version's post-edit, offered
    search_query: Query | None
    _search_matches: list[tuple[int, int]] | None  # every match of search_query; None: counting
    _search_counted: tuple[Query, int] | None  # the query and English version of that count

    # -- navigation ------------------------------------------------------------------------------

    def action_line_down(self) -> None:
        self.view.line(1)

    def action_line_up(self) -> None:
        self.view.line(-1)

    def action_page_down(self) -> None:
        self.view.page(1)

    def action_page_up(self) -> None:
        self.view.page(-1)

    def action_half_page_down(self) -> None:
        self.view.page(1, 0.5)

    def action_half_page_up(self) -> None:
        self.view.page(-1, 0.5)

    def action_first_paragraph(self) -> None:
        self.view.move_to(0)

    def action_last_paragraph(self) -> None:
        self.view.move_to(len(self.view.paragraphs) - 1)

    def action_next_char(self) -> None:
        self.view.move_char(1)

    def action_previous_char(self) -> None:
        self.view.move_char(-1)

    def action_next_sentence(self) -> None:
        self.view.move_sentence(1)

    def action_previous_sentence(self) -> None:
        self.view.move_sentence(-1)

    def action_toggle_selection(self) -> None:
        self.view.toggle_selection()

    def action_toggle_script(self) -> None:
        self.view.toggle_script()
        self._show_status()

    def action_wider_chinese(self) -> None:
        self.view.adjust_split(0.05)

    def action_narrower_chinese(self) -> None:
        self.view.adjust_split(-0.05)

    # -- post-editing ---------------------------------------------------------------------------

    def action_post_edit(self) -> None:
        from reader.ui.screens.post_edit import PostEditDialog  # TextArea: ~40 ms import

        p = self.view.current
        if p is None:
            return
        tr = self.view.translations.get(p.id)
        offer = self.earlier.get(p.id)  # start from the earlier version's edit, if offered
        english = offer.edit.english if offer is not None else tr.text if tr else ""

        def edited(english: str | None) -> None:
            if english is not None:
                self.store_post_edit(p.id, english)

        self.app.push_screen(PostEditDialog(p.text, english), edited)

    def action_accept_earlier_edit(self) -> None:
        p = self.view.current
        offer = self.earlier.get(p.id) if p is not None else None
        if p is None or offer is None:
            count = len(self.earlier)
            where = f" ({count} elsewhere, marked ✎?)" if count else ""
            self.notify(f"no post-edit of an earlier version on this paragraph{where}")
            return
        self.store_post_edit(p.id, offer.edit.english, accepted=True)

    def _saved(self, paragraph_id: str, accepted: bool) -> None:
        """A post-edit was stored: the paragraph has its own now, no offer any more."""
        if self.earlier.pop(paragraph_id, None) is not None:
            self.view.set_offers({pid: o.edit.english for pid, o in self.earlier.items()})
        if accepted:
            self.notify("accepted your earlier post-edit for the new text (p edits it)")

    # a `description`, as every worker here: see ReaderScreen.load_in_background
    @work(thread=True, group="post-edit", exit_on_error=False, description="post-edit")
    def store_post_edit(self, paragraph_id: str, english: str, accepted: bool = False) -> None:
        """Store the user's English; an offered earlier edit stays offered if it fails."""
        assert self.doc is not None
        translator, _ = self.services.open_translator()
        try:
            translator.set_post_edit(self.doc, paragraph_id, english)
        except ReaderError as error:  # the user's words: say so, never drop them silently
            message = f"{error.render()}\nYour edit was NOT saved."
            self.app.call_from_thread(self.notify, message, severity="error", timeout=30)
            return
        self.app.call_from_thread(self._saved, paragraph_id, accepted)
        # the human text wins; translating again re-checks its terms at no model cost
        result = translator.translate(self.doc, [paragraph_id])
        self.post_message(ParagraphsTranslated(0, list(result.values()), 0, 0))

    # -- terms with a status -------------------------------------------------------------------

    def _jump_to_term(self, direction: int, want: frozenset[str] | None, zh: str = "") -> bool:
        if self.doc is None:
            return False
        ids = [p.id for p in self.doc.paragraphs]
        at = (self.view.cursor, self.view.char)
        found = next_term(ids, self.view.spans, at, direction, want=want, zh=zh)
        if found is not None:
            self.view.move_to(*found)
        return found is not None

    def action_next_problem(self) -> None:
        if not self._jump_to_term(1, PROBLEMS):
            self.notify("no missing or forbidden terms")

    def action_previous_problem(self) -> None:
        if not self._jump_to_term(-1, PROBLEMS):
            self.notify("no missing or forbidden terms")

    # -- search ------------------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.display = False
        self.search_query = Query.parse(event.value)
        self._search_matches, self._search_counted = None, None
        self.view.set_search(self.search_query)
        self.view.focus()
        if self.search_query.text:
            self._find(1, include_current=True)
        else:
            self._show_status()  # the search is gone from the status bar

    def on_key(self, event: events.Key) -> None:
        search = self.query_one("#search", Input)
        if event.key == "escape" and search.display:
            search.display = False
            self.view.focus()
            event.stop()

    def _find(self, direction: int, *, include_current: bool = False) -> None:
        if self.search_query is None or not self.search_query.text or self.doc is None:
            self.notify("nothing to search for: press / first")
            return
        translations = self.view.translations

        def english(pid: str) -> str:
            tr = translations.get(pid)
            return tr.text if tr is not None else ""

        at = (self.view.cursor, self.view.char)
        found = find_next(
            self.doc.paragraphs,
            english,
            self.search_query,
            at,
            direction,
            include_current=include_current,
        )
        self._count_matches()
        if found is None:
            self.notify(f"not found: {self.search_query.text}")
            self._show_status()
        else:
            self.view.move_to(*found)

    def _count_matches(self) -> None:
        """Count the matches again, in a worker, if any English changed since the last count
        (a run, a glossary edit, a post-edit): every match is a scan of the whole document,
        140-200 ms for 10 MB, too long for the UI thread at each n/N."""
        assert self.doc is not None and self.search_query is not None
        counted = (self.search_query, self.view.english_version)
        if counted == self._search_counted:
            return
        self._search_counted = counted
        # a snapshot: the UI thread goes on setting translations (32k paragraphs: ~3 ms)
        english = {pid: tr.text for pid, tr in self.view.translations.items()}
        self._count_in_background(self.doc.paragraphs, english, counted)

    @work(
        thread=True,
        exclusive=True,
        group="search-count",
        exit_on_error=False,
        description="count matches",
    )
    def _count_in_background(
        self, paragraphs: list[Paragraph], english: dict[str, str], counted: tuple[Query, int]
    ) -> None:
        try:
            matches = all_matches(paragraphs, lambda pid: english.get(pid, ""), counted[0])
        except Exception as error:  # the jump still works; say why the count is missing
            self.app.call_from_thread(
                self.notify, f"reader: counting matches failed: {error!r}", severity="error"
            )
            return
        self.app.call_from_thread(self._matches_counted, counted, matches)

    def _matches_counted(self, counted: tuple[Query, int], matches: list[tuple[int, int]]) -> None:
        if counted != self._search_counted:
            return  # a newer count is under way
        self._search_matches = matches
        self._show_status()

    def _search_label(self) -> str:
        """'match k/N' when the cursor is on a match of the search, else 'N matches'; nothing
        while the first count of a query is under way."""
        query, matches = self.search_query, self._search_matches
        if query is None or not query.text or matches is None:
            return ""
        at = (self.view.cursor, self.view.char)
        k = bisect_left(matches, at)
        if k < len(matches) and matches[k] == at:
            return f"match {k + 1}/{len(matches)}"
        return f"{len(matches)} match" + ("" if len(matches) == 1 else "es")

    def action_next_match(self) -> None:
        self._find(1)

    def action_previous_match(self) -> None:
        self._find(-1)

    # -- export, help, open, quit -----------------------------------------------------------------

    def action_export(self) -> None:
        # lazy: off the TUI's first paint (all such hoisted: +~150 ms)
        from reader.exports import default_output_path
        from reader.exports.preferences import load_choice
        from reader.ui.screens.export_dialog import ExportDialog

        if self.doc is None:
            return
        choice = load_choice()
        path = str(default_output_path(self.doc.source, choice.format))

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.write_export(request, dict(self.view.translations))

        self.app.push_screen(ExportDialog(path, choice), chosen)

    @work(thread=True, group="export", exit_on_error=False, description="export")
    def write_export(
        self, request: ExportRequest, translations: dict[str, ParagraphTranslation]
    ) -> None:
        # lazy: off the TUI's first paint (all such hoisted: +~150 ms)
        from reader.exports import render_export, write_export
        from reader.exports.common import ExportInfo
        from reader.exports.preferences import ExportChoice, save_choice

        assert self.doc is not None
        try:
            check_output(request.path, inputs=[self.doc.source])
            data = render_export(
                self.doc,
                translations,
                request.format,
                ExportInfo(self.engine_name),
                layout=request.layout,
                content=request.content,
                warn=lambda message: self.app.call_from_thread(
                    self.notify, f"reader: {message}", severity="warning"
                ),
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
        if self.earlier:  # not exported unasked: say so
            note += f" ({len(self.earlier)} earlier post-edits ✎? not accepted, not exported)"
        self.app.call_from_thread(self.notify, f"exported to {path}{note}")

    def action_help(self) -> None:
        # lazy: off the TUI's first paint (all such hoisted: +~150 ms)
        from reader.ui.screens.help_screen import HelpScreen

        self.app.push_screen(HelpScreen([b for b in self.BINDINGS if isinstance(b, Binding)]))
