"""`reader glossary suggest`: whole units, never a superset or fragment of an entry (issue #12)."""

from __future__ import annotations

import subprocess
import sys

from reader.documents.loading import load_text
from reader.glossary.file import Glossary
from reader.glossary.suggest import suggest_terms

HEADER = "zh,en\n"


def terms(text: str, glossary: str) -> list[str]:
    doc = load_text(text)
    return [s.term for s in suggest_terms(doc, Glossary.from_text(HEADER + glossary), top=50)]


def test_no_superset_or_fragment_of_an_entry() -> None:
    text = (
        "做好防控工作，联防联控。\n\n加强防控工作，联防联控要抓实。\n\n防控工作不松懈，联防联控。\n"
    )
    got = terms(text, "防控,prevention and control\n联防联控,joint prevention and control\n")
    assert not [t for t in got if "防控" in t or t in "联防联控"]


def test_overlapping_windows_are_listed_once() -> None:
    text = "严格进京管理。\n\n实行严格进京管理。\n\n坚持严格进京管理。\n"
    got = terms(text, "防控,prevention and control\n")
    assert sum(1 for t in got if "进京" in t) == 1


def test_suggest_does_not_import_the_translation_layer() -> None:
    code = (
        "import sys\n"
        "from reader.documents.loading import load_text\n"
        "from reader.glossary.file import Glossary\n"
        "from reader.glossary.suggest import suggest_terms\n"
        "suggest_terms(load_text('返京人员。返京人员。'), Glossary.from_text('zh,en\\n'))\n"
        "assert not [m for m in sys.modules if m.startswith('reader.translation')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
