"""Shared by the export tests: a seed translated by the gloss engine, and epubcheck."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from reader.documents.document import Document
from reader.documents.loading import load_document
from reader.exports.common import ExportInfo
from reader.glossary.file import Glossary
from reader.translation.engines.gloss import GlossEngine
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import ParagraphTranslation, Translator
from tests.conftest import seed

GOLDEN = Path(__file__).parent / "golden"
DATA = Path(__file__).parent / "data"
INFO = ExportInfo("gloss", dt.date(2026, 1, 1))


def translated(
    prefix: str, tmp_path: Path, glossary: Path = GOLDEN / "glossary.csv"
) -> tuple[Document, dict[str, ParagraphTranslation]]:
    doc = load_document(seed(prefix))
    memory = TranslationMemory(tmp_path / f"tm-{prefix}.sqlite3")
    translator = Translator(GlossEngine(), Glossary.load(glossary), memory)
    return doc, translator.translate(doc)


def epubcheck_command() -> list[str]:
    """How to run epubcheck here; skips the test when it is not installed. Debian installs the
    jar itself as /usr/bin/epubcheck, runnable directly only where binfmt-support is set up."""
    path = shutil.which("epubcheck")
    if path is None:
        pytest.skip("epubcheck is not installed (Debian: apt-get install epubcheck)")
    with open(path, "rb") as file:
        is_jar = file.read(2) == b"PK"
    if not is_jar:
        return [path]
    java = shutil.which("java")
    if java is None:
        pytest.skip("epubcheck needs java, which is not installed")
    # the client compiler and serial GC start the JVM ~3x faster (10 s, not 35 s, on a busy
    # 2-core machine); one book needs no more
    return [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", path]


def epubcheck(path: Path, *options: str) -> str:
    """epubcheck's report on `path`; fails the test unless it has no errors and no warnings."""
    run = subprocess.run(
        [*epubcheck_command(), str(path), *options],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    assert "0 fatals / 0 errors / 0 warnings" in report, report
    return report
