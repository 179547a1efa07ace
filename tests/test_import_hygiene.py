"""The core never imports Textual: each core module is imported alone in a fresh interpreter."""

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


@pytest.mark.slow
def test_no_core_module_imports_textual() -> None:
    # one interpreter per module, all started at once: a module imported by an earlier one
    # must not hide its own textual import (2 cores: ~2 s in all)
    code = (
        "import importlib, sys; importlib.import_module(sys.argv[1]); "
        "print('textual' in sys.modules)"
    )
    runs = {
        name: subprocess.Popen(
            [sys.executable, "-c", code, name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in CORE
    }
    offenders = []
    for name, run in runs.items():
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, f"{name} failed to import:\n{err}"
        if out.strip() != "False":
            offenders.append(name)
    assert offenders == []
