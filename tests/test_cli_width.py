"""Command output fits an 80-column terminal (Chinese counted as two cells); --wide does not cut."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import COMMANDS, main
from reader.commands.common import display_width, table, truncate, wrap
from tests.conftest import ROOT, seed

GLOSSARY = str(ROOT / "glossary.csv")


@pytest.fixture(autouse=True)
def columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # what shutil.get_terminal_size reads first


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) in (0, 1)
    return capsys.readouterr().out


def too_wide(out: str, width: int = 80) -> list[str]:
    return [line for line in out.splitlines() if display_width(line) > width]


def bad_translation(tmp_path: Path) -> str:
    """One English line per source line, rendering no term: every occurrence is missing."""
    lines = [line for line in seed("000").read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / "en.txt"
    path.write_text("nothing here\n" * len(lines), encoding="utf-8")
    return str(path)


def test_glossary_list_of_the_shipped_glossary_fits(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "glossary", "list", "--glossary", GLOSSARY)
    assert len(out.splitlines()) > 400 and not too_wide(out)
    # the term stays whole when it can; a cut cell ends with …
    assert "\n国务院联防联控机制 " in out and "Joint Prevention and Co…" in out


def test_glossary_list_wide_prints_full_cells(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "glossary", "list", "--glossary", GLOSSARY, "--wide")
    assert too_wide(out)
    assert "Joint Prevention and Control Mechanism of the State Council" in out


def test_glossary_list_uses_a_wider_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "140")
    out = run(capsys, "glossary", "list", "--glossary", GLOSSARY)
    widths = [display_width(line) for line in out.splitlines()]
    assert 80 < max(widths) <= 140


@pytest.mark.parametrize(
    "argv",
    [
        ["terms", "--no-translate", str(seed("000"))],
        ["terms", "--engine", "gloss", str(seed("001"))],
        ["glossary", "suggest", str(seed("002"))],
        ["glossary", "suggest", str(seed("000"))],
    ],
    ids=["terms-000", "terms-001-gloss", "suggest-002", "suggest-000"],
)
def test_seed_reports_fit(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    out = run(capsys, *argv, "--glossary", GLOSSARY)
    assert out.strip() and not too_wide(out)


def test_terms_wide_prints_full_renderings(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["terms", "--engine", "gloss", str(seed("001")), "--glossary", GLOSSARY]
    assert "epidemic prevention and control\n" not in run(capsys, *argv)
    assert "epidemic prevention and control\n" in run(capsys, *argv, "--wide")


def test_check_report_fits(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["check", str(seed("000")), bad_translation(tmp_path), "--glossary", GLOSSARY]
    out = run(capsys, *argv)
    assert "line 29: missing: 【北京市】" in out and not too_wide(out)
    wide = run(capsys, *argv, "--wide")
    assert too_wide(wide) and "none of Beijing Municipality | Beijing in the English" in wide


def test_config_fits(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "config")
    # a path is printed whole, however long (the test's home is deep under /tmp)
    assert "api_key" in out and not too_wide(out.split("\n", 1)[1])


GLOSSARY_SUBCOMMANDS = ["list", "add", "edit", "remove", "check", "import", "export"]
GLOSSARY_SUBCOMMANDS += ["merge", "convert", "path", "suggest"]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        *([c] for c in COMMANDS),
        *(["glossary", s] for s in GLOSSARY_SUBCOMMANDS),
        *(["model", s] for s in ("list", "install", "remove")),
    ],
    ids=lambda argv: " ".join(argv) or "reader",
)
def test_help_fits(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    out = capsys.readouterr().out
    assert "usage: reader" in out and not too_wide(out)


def test_truncate_counts_cells() -> None:
    assert truncate("国务院联防联控机制", 7) == "国务院…"
    assert truncate("国务院", 6) == "国务院"
    assert truncate("joint prevention", 8) == "joint p…"


def test_wrap_keeps_indent_and_breaks_chinese() -> None:
    lines = wrap(
        "  line 3: missing: " + "联防联控" * 6 + " — none of it in the English", 30, "    "
    )
    assert lines[0] == "  line 3: missing:" and all(display_width(x) <= 30 for x in lines)
    assert "".join(x.strip() for x in lines[1:4]).startswith("联防联控" * 6)


def test_table_shrinks_the_other_columns_first() -> None:
    rows = [["联防联控机制", "joint prevention and control mechanism", "x" * 60]]
    out = table(["ZH", "EN", "NOTE"], rows, width=64, keep=("ZH", "EN"))
    assert all(display_width(line) <= 64 for line in out.splitlines())
    assert "joint prevention and control mechanism" in out and "xxxxxxx…" in out
