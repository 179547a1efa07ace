"""What the reader screen's mixins (reading actions, glossary editing, word lookup) need from
the screen they are mixed into, declared once. `ReaderScreen` provides each of these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from reader.documents.document import Document
    from reader.ui.services import Services
    from reader.ui.widgets.bilingual_view import BilingualView


class ReaderParts(Screen[None]):
    doc: Document | None

    @property
    def view(self) -> BilingualView:
        raise NotImplementedError

    @property
    def services(self) -> Services:
        raise NotImplementedError

    def _show_status(self) -> None:
        raise NotImplementedError
