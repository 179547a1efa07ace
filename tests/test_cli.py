"""The `reader` command as a user runs it: exports of every seed, errors as one line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from tests.conftest import ROOT, SEEDS, messages, one_message, seed


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_export_works_on_every_seed(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    assert main(["export", str(path), "-o", str(out), "--engine", "gloss"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert text.count("\n| ") > 5


def test_seed_001_export_has_no_pinyin_artifacts_and_keeps_the_term(tmp_path: Path) -> None:
    out = tmp_path / "001.md"
    assert main(["export", str(seed("001")), "-o", str(out), "--layout", "interleaved"]) == 0
    body = out.read_text(encoding="utf-8").split("## Lines dropped")[0]
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", body)
    assert "聯防聯控" in body or "联防联控" in body


def test_seed_000_breadcrumb_is_not_in_the_body(tmp_path: Path) -> None:
    out = tmp_path / "000.md"
    assert main(["export", str(seed("000")), "-o", str(out)]) == 0
    body, _, dropped = out.read_text(encoding="utf-8").partition("## Lines dropped")
    assert "首页 > 国内新闻 > 正文" not in body.replace("\\>", ">")
    assert "首页 > 国内新闻 > 正文" in dropped  # visible, not lost


def test_auto_engine_without_a_model_falls_back_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(seed("003")), "-o", str(tmp_path / "o.md")]) == 0
    err = "\n".join(messages(capsys.readouterr().err))
    assert "engine: gloss" in err and "reader model install" in err


def test_argos_engine_without_a_model_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(seed("003")), "--engine", "argos", "-o", "-"]) == 2
    err = one_message(capsys.readouterr().err)
    assert err.startswith("reader: --engine argos: no zh→en Argos model")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "empty.txt", b""), "empty"),
        (lambda d: _write(d / "image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256))), ""),
    ],
    ids=["missing", "directory", "empty", "binary"],
)
def test_bad_input_is_one_line_exit_2(
    make, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make(tmp_path)
    assert main(["export", str(path), "-o", str(tmp_path / "o.md")]) == 2
    err = one_message(capsys.readouterr().err)
    assert err.startswith(f"reader: {path}: ")
    assert message in err.lower()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_stdin_and_module_entry_point(tmp_path: Path) -> None:
    text = seed("002").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "reader", "export", "-", "-o", "-", "--engine", "gloss"],
        input=text,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert "standard input" in result.stdout.decode()


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("read", "export", "translate", "terms", "glossary", "model"):
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        assert "usage: reader" in capsys.readouterr().out


def test_terms_finds_terms_in_traditional_text_with_original_offsets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    assert main(["terms", str(seed("001")), "--json", "--no-translate"]) == 0
    payload = json.loads(capsys.readouterr().out)
    by_zh = {t["zh"]: t for t in payload["terms"]}
    assert "联防联控" in by_zh or "联防联控机制" in by_zh
    from reader.documents.loading import load_document

    doc = load_document(seed("001"))
    paragraphs = {p.id: p for p in doc.paragraphs}
    for term in payload["terms"]:
        for occ in term["occurrences"]:
            para = paragraphs[occ["paragraph_id"]]
            assert para.text[occ["start"] : occ["end"]] == occ["surface"]
    surfaces = {o["surface"] for t in payload["terms"] for o in t["occurrences"]}
    assert "聯防聯控" in surfaces  # the Traditional original, not the Simplified form


def test_export_with_the_installed_argos_package_reports_term_statuses(
    installed_tiny_model, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "003.md"
    assert main(["export", str(seed("003")), "--engine", "argos", "-o", str(out)]) == 0
    assert "engine: argos" in capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert "- **Engine:** argos (" in text
    appendix = text.split("## Glossary terms")[1].split("## Lines dropped")[0]
    assert "| Applied | Repaired | Missing | Forbidden |" in appendix
    rows = [r for r in appendix.splitlines() if r.startswith("| ") and "---" not in r][1:]
    assert rows
    # random weights never produce the renderings themselves: every occurrence was repaired
    counts = [list(map(int, r.strip("| ").split(" | ")[2:7])) for r in rows]
    assert all(total == sum(by_status) for total, *by_status in counts)
    assert sum(c[2] for c in counts) > 0


def test_terms_reports_shorter_terms_shadowed_by_longer_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    glossary = tmp_path / "g.csv"
    glossary.write_text(
        "zh,en\n联防联控,joint prevention and control\n"
        "联防联控机制,joint prevention and control mechanism\n",
        encoding="utf-8",
    )
    doc = tmp_path / "d.txt"
    doc.write_text("要抓实聯防聯控機制，加强联防联控。\n", encoding="utf-8")
    args = ["terms", str(doc), "--no-translate", "--glossary", str(glossary)]
    assert main([*args, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    counts = {t["zh"]: t["count"] for t in payload["terms"]}
    assert counts == {"联防联控机制": 1, "联防联控": 1}
    assert payload["shadowed"] == [{"zh": "联防联控", "inside": "联防联控机制", "count": 1}]
    assert main(args) == 0
    assert "联防联控 inside 联防联控机制 ×1" in capsys.readouterr().out


def test_reader_on_a_bad_path_is_one_line_before_any_ui(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "missing.txt")]) == 2
    assert (
        one_message(capsys.readouterr().err) == f"reader: {tmp_path / 'missing.txt'}: no such file"
    )
    assert main([str(tmp_path)]) == 2
    assert "is a directory" in one_message(capsys.readouterr().err)


@pytest.mark.parametrize(
    "argv",
    [
        ["read", "x.txt"],
        ["export", "x.txt"],
        ["translate", "x.txt"],
        ["terms", "x.txt"],
        ["check", "a.txt", "b.txt"],
        ["config"],
        ["glossary", "list"],
        ["glossary", "convert"],
        ["model", "list"],
        ["model", "remove"],
    ],
    ids=" ".join,
)
def test_7_an_unknown_option_shows_the_subcommands_usage(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main([*argv, "--bogus"])
    assert caught.value.code == 2
    command = " ".join(a for a in argv if not a.endswith(".txt"))
    err = capsys.readouterr().err
    assert err.startswith(f"usage: reader {command} [-h]"), err
    assert f"reader {command}: error: unrecognized arguments: --bogus\n" in err


@pytest.mark.parametrize(
    "argv",
    [["--engine", "gloss", "{missing}"], ["{missing}", "--engine", "gloss"], ["{missing}"]],
)
def test_options_before_the_file_still_open_the_reader(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reader --engine gloss FILE` is `reader read --engine gloss FILE`, as `reader FILE` is:
    here the reader's own one-line error for a missing file, not the top level's usage."""
    missing = str(tmp_path / "missing.txt")
    assert main([a.format(missing=missing) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "missing.txt" in err
    assert "usage:" not in err
