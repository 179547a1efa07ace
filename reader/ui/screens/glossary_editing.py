"""The reader screen's glossary editing: add, edit, delete, search, merge with the file on disk.

Guarantees:
- edits go through `reader.glossary.edit` and are saved with `Glossary.save` (atomic, refuses a
  concurrent change); on a refusal the edit is kept and `ctrl+s` merges it into the file on
  disk: terms the other program added are then highlighted and applied too, and an entry both
  sides changed is shown both ways for the user to choose (never overwritten silently);
- only paragraphs whose glossary hits changed are translated again;
- edits go to the first glossary layer: the dialog for a term of a read-only reference layer
  says that saving adds an override there, and a first layer on a read-only path refuses
  every edit in one line naming it, before the dialog opens.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.ui.screens.parts import ReaderParts

# reader.glossary.edit is imported where an edit happens: with the term matcher and the
# lexicon it is ~25 ms the first paint need not wait for

if TYPE_CHECKING:
    from reader.glossary.edit import TermEdit
    from reader.glossary.file import Entry
    from reader.glossary.layers import LayeredGlossary
    from reader.glossary.matching import TermHit


class GlossaryEditing(ReaderParts):
    """Mixed into `ReaderScreen`; needs its `doc`, `view`, `services` and `glossary_changed`."""

    hits: dict[str, list[TermHit]]
    _unsaved: list[TermEdit]
    _word: tuple[str, int, int, str] | None

    @property
    def glossary(self) -> LayeredGlossary | None:
        return self.services.glossary

    def glossary_changed(self, affected: list[str]) -> None:
        raise NotImplementedError

    def word_at_cursor(self) -> tuple[int, int, str] | None:
        """The looked-up word if it is the one under the cursor now (never a stale one)."""
        p, word = self.view.current, self._word
        if p is None or word is None or word[0] != p.id:
            return None
        if not word[1] <= self.view.char < word[2]:
            return None
        return word[1], word[2], word[3]

    def _term_under_cursor(self) -> Entry | None:
        p = self.view.current
        if p is None or self.glossary is None:
            return None
        for hit in self.hits.get(p.id, []):
            if hit.start <= self.view.char < hit.end:
                return hit.entry
        word = self.word_at_cursor()
        if word is not None:
            entry = self.glossary.find(p.text[word[0] : word[1]], variants=True)
            if entry is not None:
                return entry
        # else the cursor sentence's first term from the cursor on (`)` lands on its start)
        sentence = self.view.sentence
        if sentence is None:
            return None
        inside = [
            h
            for h in self.hits.get(p.id, [])
            if max(sentence.zh_start, self.view.char) <= h.start < sentence.zh_end
        ]
        return min(inside, key=lambda h: h.start).entry if inside else None

    def _refuse(self, zh: str, original: str | None) -> str | None:
        from reader.glossary.edit import refusal

        return refusal(self.glossary, zh, original) if self.glossary is not None else None

    def _edit(self, entry: Entry | None, zh: str = "", en: str = "") -> None:
        from reader.ui.screens.term_dialog import TermDialog  # dialogs load on first use

        glossary = self.glossary
        if glossary is None:
            return
        try:
            glossary.check_savable()  # a read-only first layer: said now, not after typing
        except ReaderError as error:
            self.notify(error.render(), severity="error", timeout=15)
            return
        note, deletable = _layer_note(glossary, entry)
        dialog = TermDialog(
            entry, zh=zh, en=en, refuse=self._refuse, note=note, deletable=deletable
        )
        self.app.push_screen(dialog, self._term_edited)

    def action_add_term(self) -> None:
        p = self.view.current
        if p is None or self.glossary is None:
            return
        sense = ""
        word = self.word_at_cursor()
        if self.view.selection:
            a, b = self.view.selection
            zh = p.text[a:b]
        elif word is not None:
            zh, sense = p.text[word[0] : word[1]], word[2]
        else:
            zh = p.text[self.view.char : self.view.char + 1]
        existing = self.glossary.find(zh, variants=True)
        if existing is not None:
            self.notify(f"{zh} is already in the glossary; editing it")
            self._edit(existing)
        else:
            self._edit(None, zh.strip(), sense)

    def action_edit_term(self) -> None:
        entry = self._term_under_cursor()
        if entry is None:
            self.notify("no glossary term in this sentence (ctrl+f searches the glossary)")
            return
        self._edit(entry)

    def action_search_glossary(self) -> None:
        # lazy: off the TUI's first paint (all such hoisted: +~150 ms)
        from reader.ui.screens.glossary_search import GlossarySearch

        if self.glossary is None:
            return

        def chosen(zh: str | None) -> None:
            entry = self.glossary.find(zh) if zh and self.glossary else None
            if entry is not None:
                self._edit(entry)

        self.app.push_screen(GlossarySearch(self.glossary.entries), chosen)

    def _term_edited(self, edit: TermEdit | None) -> None:
        from reader.glossary.edit import apply_edit

        if edit is None or self.glossary is None:
            return
        try:
            keys = apply_edit(self.glossary, edit)
        except ReaderError as error:
            self.notify(error.render(), severity="error", timeout=10)
            return
        self._save_glossary(edit, keys)

    def _save_glossary(self, edit: TermEdit | None, keys: set[str]) -> None:
        glossary = self.glossary
        assert glossary is not None
        try:
            glossary.save()
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
            self.notify(f"glossary {what}: {glossary.path}")
        self._rematch(keys)

    def _rematch(self, keys: set[str]) -> None:
        from reader.glossary.edit import affected_paragraphs, find_hits

        """Find the terms again; translate again the paragraphs whose terms changed (entries
        edited in place look unchanged, hence the `keys` the edits touched)."""
        if self.doc is None or self.glossary is None:
            return
        old, self.hits = self.hits, find_hits(self.glossary, self.doc)
        ids = [p.id for p in self.doc.paragraphs]
        self.view.set_hits(self.hits)
        self.glossary_changed(affected_paragraphs(ids, old, self.hits, keys))

    def action_merge_glossary(self) -> None:
        """Reload the glossary from disk and re-apply the unsaved edits, asking about each
        entry the other program changed too."""
        glossary = self.glossary
        if not self._unsaved or glossary is None or glossary.path is None:
            self.notify("no unsaved glossary edits")
            return

        try:
            fresh = glossary.reloaded()  # every layer: a reference may have changed too
        except ReaderError as error:
            self.notify(error.render(), severity="error", timeout=20)
            return
        self._merge(fresh, list(self._unsaved), [], set())

    def _merge(
        self, fresh: LayeredGlossary, todo: list[TermEdit], kept: list[TermEdit], keys: set[str]
    ) -> None:
        from reader.glossary.edit import apply_edit, conflict

        # lazy: off the TUI's first paint (all such hoisted: +~150 ms)
        from reader.ui.screens.conflict_dialog import Choice, ConflictDialog

        while todo:
            edit = todo.pop(0)
            theirs = conflict(fresh, edit)
            if theirs is not None:

                def decided(
                    choice: Choice | None, edit: TermEdit = edit, keys: set[str] = keys
                ) -> None:
                    if choice == "mine":  # based on what is on disk now: no conflict left
                        base = fresh.find(edit.original_zh or edit.zh, variants=True)
                        original = base.zh if base is not None else None
                        todo.insert(0, replace(edit, original_zh=original, base=base))
                    elif choice is None:
                        kept.append(edit)
                    self._merge(fresh, todo, kept, keys)

                self.app.push_screen(ConflictDialog(theirs, edit), decided)
                return
            try:
                keys |= apply_edit(fresh, edit)
            except ReaderError as error:
                self.notify(error.render(), severity="error", timeout=20)
                kept.append(edit)
        self.services.set_glossary(fresh)
        self._unsaved = kept
        if kept:
            self.notify(f"{len(kept)} glossary edits left to merge (ctrl+s)")
        self._save_glossary(None, keys)
        self._unsaved = kept if kept else self._unsaved


def _layer_note(glossary: LayeredGlossary, entry: Entry | None) -> tuple[str, bool]:
    """What the term dialog says about layers, and whether it offers Delete: a reference
    layer's term is overridden, not deleted; deleting an override brings the reference back."""
    if entry is None or len(glossary.layers) < 2:
        return "", True
    layer, first = glossary.layer_of(entry), glossary.writable
    if layer is not first:
        return (
            f"From {layer.label} (read-only reference): saving adds an override to {first.label}.",
            False,
        )
    hidden = glossary.shadowed(entry)
    if hidden:
        other_layer, other = hidden[0]
        return f"Overrides {other_layer.label} ({other.en}); Delete restores it.", True
    return "", True
