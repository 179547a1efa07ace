"""The core never imports Textual, and no module pays for a heavy library at import time.

Each module is imported alone in a fresh interpreter. Heavy libraries are imported where they are
used, with their cost in a comment (argostranslate/torch: seconds; jieba: ~1 s and pypinyin:
~0.3 s, both now read only to build the lexicon; OpenCC: ~15 ms).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

CORE = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for pattern in (
        "reader/*.py",
        "reader/documents/*.py",
        "reader/glossary/*.py",
        "reader/translation/*.py",
        "reader/exports/*.py",
        "reader/translation/engines/*.py",
        "reader/commands/*.py",
    )
    for path in ROOT.glob(pattern)
    if path.name != "__main__.py"
)


def test_core_modules_are_found() -> None:
    assert {
        "reader.documents.wrapping",
        "reader.documents.positions",
        "reader.commands.read",
    } <= set(CORE)


# loaded lazily, where used: importing any module of reader/ (the UI included) loads none of them
HEAVY = ("argostranslate", "torch", "ctranslate2", "jieba", "pypinyin", "opencc", "trafilatura")
ALL = sorted(
    {
        *CORE,
        *(
            ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for path in (ROOT / "reader" / "ui").rglob("*.py")
        ),
    }
)


def _loaded_after_import(names: list[str], watched: tuple[str, ...]) -> dict[str, list[str]]:
    """For each module, which of `watched` got imported by importing it alone."""
    code = (
        "import importlib, sys; importlib.import_module(sys.argv[1]); "
        "print(' '.join(w for w in sys.argv[2:] if w in sys.modules))"
    )
    # one interpreter per module, all started at once: a module imported by an earlier one
    # must not hide its own imports (2 cores: ~2 s in all)
    runs = {
        name: subprocess.Popen(
            [sys.executable, "-c", code, name, *watched],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    }
    loaded = {}
    for name, run in runs.items():
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, f"{name} failed to import:\n{err}"
        loaded[name] = out.split()
    return loaded


@pytest.mark.slow
def test_no_module_imports_a_heavy_library_at_import_time() -> None:
    loaded = _loaded_after_import(ALL, HEAVY)
    assert {name: libs for name, libs in loaded.items() if libs} == {}


@pytest.mark.slow
def test_no_core_module_imports_textual() -> None:
    loaded = _loaded_after_import(CORE, ("textual",))
    assert [name for name, libs in loaded.items() if libs] == []
