"""Golden files for the bilingual export: a fixed seed, engine and glossary; diff on failure.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_export_golden.py`
and review the diff.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from pathlib import Path

import pytest

from reader.documents.loading import load_document
from reader.export import export_markdown
from reader.glossary.file import Glossary
from reader.translation.engines.gloss import GlossEngine
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import Translator
from tests.conftest import seed

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("layout", ["table", "interleaved"])
def test_export_matches_golden(layout: str, tmp_path: Path) -> None:
    doc = load_document(seed("002"))
    glossary = Glossary.load(GOLDEN / "glossary.csv")
    translator = Translator(GlossEngine(), glossary, TranslationMemory(tmp_path / "tm.sqlite3"))
    translations = translator.translate(doc)
    actual = export_markdown(
        doc, translations, layout=layout, engine_name="gloss", date=dt.date(2026, 1, 1)
    )
    golden = GOLDEN / f"002.{layout}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), "golden", "actual"
        )
    )
    assert actual == expected, diff
