"""The fidelity corpus (tests/data/pages, plus READER_FIDELITY_PAGES when set): headings and
table rows all kept, at least 99% of paragraphs, at least 95% of what is kept expected, titles
right."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "fidelity.py"


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_fidelity", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def total() -> object:
    fidelity = bench()
    pages = fidelity.corpus()
    assert len(pages) >= 2
    score = fidelity.Score()
    for page in pages:
        score.add(fidelity.score_page(page, verbose=False))
    return score


def test_headings_and_table_rows_all_kept(total) -> None:  # type: ignore[no-untyped-def]
    for kind in ("H", "T"):
        assert total.found[kind] == total.wanted[kind] > 0


def test_paragraph_recall_and_precision(total) -> None:  # type: ignore[no-untyped-def]
    assert total.found["P"] >= 0.99 * total.wanted["P"]
    assert total.right >= 0.95 * total.judged


def test_titles_are_headlines(total) -> None:  # type: ignore[no-untyped-def]
    assert total.titles == total.pages
