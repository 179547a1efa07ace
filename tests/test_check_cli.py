"""`reader check SOURCE TRANSLATION`: alignment, report, JSON, exit codes, and the verdicts on
official bilingual text against hand labels (tests/data/bilingual/README.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from tests.conftest import one_message

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "bilingual"
GLOSSARY = str(ROOT / "glossary.csv")
HEADER = "zh,en,variants,accept,forbidden\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def glossary(tmp_path: Path) -> str:
    path = tmp_path / "g.csv"
    path.write_text(
        HEADER + "复工复产,resume work and production,,,\n"
        "联防联控,joint prevention and control,,,joint defense\n",
        encoding="utf-8",
    )
    return str(path)


def files(tmp_path: Path, zh: str, en: str) -> tuple[str, str]:
    (tmp_path / "zh.txt").write_text(zh, encoding="utf-8")
    (tmp_path / "en.txt").write_text(en, encoding="utf-8")
    return str(tmp_path / "zh.txt"), str(tmp_path / "en.txt")


def test_all_applied_exits_0(capsys, tmp_path, glossary) -> None:  # type: ignore[no-untyped-def]
    zh, en = files(tmp_path, "各地复工复产。\n", "Localities resumed work and production.\n")
    code, out, _ = run(capsys, "check", zh, en, "--glossary", glossary)
    assert code == 0
    assert "aligned by lines: 1 pairs" in out
    assert "复工复产 → resume work and production: found 1, applied 1" in out


def test_missing_and_forbidden_exit_1_with_lines(capsys, tmp_path, glossary) -> None:  # type: ignore[no-untyped-def]
    zh, en = files(
        tmp_path,
        "第一行。\n\n加强联防联控。\n复工复产。\n",
        "Line one.\n\nJoint defense.\nNothing.\n",
    )
    code, out, _ = run(capsys, "check", zh, en, "--glossary", glossary, "--json")
    assert code == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["line"], r["zh"], r["status"], r["start"], r["end"]) for r in records] == [
        (3, "联防联控", "forbidden", 2, 6),
        (4, "复工复产", "missing", 0, 4),
    ]
    assert records[0]["en_start"] == 0 and records[0]["en_end"] == 13
    assert set(records[0]) >= {"line", "zh", "start", "end", "status", "en_start", "en_end"}
    assert "forbidden form" in records[0]["reason"]
    code, out, _ = run(capsys, "check", zh, en, "--glossary", glossary)
    assert "line 4: missing: 【复工复产】。" in out


def test_paragraphs_are_paired_only_when_asked(capsys, tmp_path, glossary) -> None:  # type: ignore[no-untyped-def]
    zh, en = files(
        tmp_path,
        "各地复工复产。\n\n加强联防联控。\n",
        "Localities resumed work\nand production.\n\nJoint prevention and control.\n",
    )
    code, _, err = run(capsys, "check", zh, en, "--glossary", glossary)
    assert code == 2
    assert one_message(err) == (
        f"reader: {en}: 3 lines against 2 in {zh}; they drift apart near line 1 of the source "
        "(line 1 of the translation) (both have 2 paragraphs: --align paragraphs pairs them)"
    )
    code, out, _ = run(capsys, "check", zh, en, "--glossary", glossary, "--align", "paragraphs")
    assert code == 0
    assert "aligned by paragraphs: 2 pairs" in out


def test_line_counts_that_differ_without_blank_lines_are_refused(  # type: ignore[no-untyped-def]
    capsys, tmp_path, glossary
) -> None:
    # issue 20: one "paragraph" a file let the English of line 3 answer for line 2's term
    zh, en = files(
        tmp_path,
        "各地复工复产。\n加强联防联控。\n会议强调了其重要性。\n其他工作也要抓紧。\n",
        "Localities resumed work and production.\n"
        "The meeting stressed its importance.\n"
        "Strengthen joint prevention and control, and other work.\n",
    )
    for extra in ([], ["--json"], ["--align", "lines"]):
        code, out, err = run(capsys, "check", zh, en, "--glossary", glossary, *extra)
        assert (code, out) == (2, "")
        assert one_message(err) == (
            f"reader: {en}: 3 lines against 4 in {zh}; they drift apart near line 2 of the "
            "source (line 2 of the translation)"  # where 联防联控 lost its English
        )
    # asked for, the whole files are one pair each: the user's choice, and the report says so
    code, out, _ = run(capsys, "check", zh, en, "--glossary", glossary, "--align", "paragraphs")
    assert code == 0 and out.startswith("aligned by paragraphs: 1 pairs\n")


def test_counts_that_differ_are_refused_with_the_drift(capsys, tmp_path, glossary) -> None:  # type: ignore[no-untyped-def]
    zh, en = files(
        tmp_path,
        "第一句话比较长一点。\n\n第二句。\n\n第三句也比较长一点。\n\n第四句。\n",
        "The first sentence is a bit longer.\n\n"
        "The second one. The third sentence is also a bit longer.\n\nThe fourth.\n",
    )
    code, _, err = run(capsys, "check", zh, en, "--glossary", glossary)
    assert code == 2
    err = one_message(err)
    assert err.startswith(f"reader: {en}: ")
    assert "3 lines against 4 in" in err
    assert "near line 3 of the source (line 3 of the translation)" in err
    assert "--align" not in err  # the paragraph counts differ too
    code, _, err = run(capsys, "check", zh, en, "--glossary", glossary, "--align", "paragraphs")
    assert code == 2
    err = one_message(err)
    assert "3 paragraphs against 4 in" in err
    assert "near paragraph 2, line 3 of the source (line 3 of the translation)" in err


def test_the_drift_is_found_where_a_line_went_missing(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Each line of the official white paper left out of one file in turn: the refusal names
    that line in 30 of 44 cases, it or a neighbour in 42 (a line with no term and a typical
    length could go either side). Lengths alone found 9; naming the end of the shorter
    file, 4."""
    zh = (DATA / "whitepaper.zh.txt").read_text(encoding="utf-8").splitlines()
    en = (DATA / "whitepaper.en.txt").read_text(encoding="utf-8").splitlines()
    distances = []
    for k in range(len(zh)):
        for cut_zh, cut_en in ((zh, en[:k] + en[k + 1 :]), (zh[:k] + zh[k + 1 :], en)):
            source, translation = files(tmp_path, "\n".join(cut_zh), "\n".join(cut_en))
            code, _, err = run(capsys, "check", source, translation, "--glossary", GLOSSARY)
            assert code == 2
            err = one_message(err)
            found = re.search(r"near line (\d+) of the source|before \w+ line (\d+)", err)
            assert found, err
            distances.append(abs(int(found.group(1) or found.group(2)) - 1 - k))
    assert len(distances) == 44
    assert sum(d == 0 for d in distances) >= 28 and sum(d <= 1 for d in distances) >= 40


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["", "  ", "加强联防联控。", "复工复产", "2020年", "第三句。"])),
    st.lists(st.sampled_from(["", "Joint prevention and control.", "2020", "x", "resume work"])),
    st.sampled_from(["lines", "paragraphs"]),
)
def test_any_two_files_align_or_are_refused_in_one_line(
    zh: list[str], en: list[str], by: str
) -> None:
    from reader.commands.check import align
    from reader.errors import ReaderError

    source, target = "\n".join(zh), "\n".join(en)
    try:
        units = align(source, target, "zh.txt", "en.txt", by, lambda z, e: len(z) % 2)
    except ReaderError as error:
        text = error.render()
        assert "\n" not in text.strip() and f" {by} against " in text
        for line in map(int, re.findall(r"line (\d+)", text)):
            assert 1 <= line <= max(len(zh), len(en))
        return
    assert all(u.zh.strip() and u.en.strip() for u in units)


def test_help_names_the_alignments(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--align {lines,paragraphs}" in text and "--align paragraphs" in text


def test_unreadable_input_is_one_line(capsys, tmp_path, glossary) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(
        capsys, "check", str(tmp_path / "nope.txt"), str(tmp_path), "--glossary", glossary
    )
    assert code == 2 and one_message(err) == f"reader: {tmp_path / 'nope.txt'}: no such file"


def labels() -> dict[tuple[str, int, int, str], str]:
    out = {}
    for row in (DATA / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#"):
            name, line, start, surface, expected, _why = row.split("\t")
            out[(name, int(line), int(start), surface)] = expected
    return out


# where the checker and the hand labels disagree (see tests/data/bilingual/README.md)
KNOWN_DISAGREEMENTS = {
    ("whitepaper", 4, 7, "武汉保卫战"),
    ("whitepaper", 4, 13, "湖北保卫战"),
    ("whitepaper", 22, 31, "疫情"),
    ("heldout", 1, 31, "疫情防控"),
}


def test_verdicts_on_official_bilingual_text_match_the_hand_labels(capsys) -> None:  # type: ignore[no-untyped-def]
    expected = labels()
    got: dict[tuple[str, int, int, str], str] = {}
    for name in ("whitepaper", "heldout"):
        zh, en = DATA / f"{name}.zh.txt", DATA / f"{name}.en.txt"
        run(capsys, "check", str(zh), str(en), "--glossary", GLOSSARY, "--json")
        code, out, _ = run(capsys, "check", str(zh), str(en), "--glossary", GLOSSARY, "--json")
        assert code == 1  # each file holds a real omission
        for line in out.splitlines():
            r = json.loads(line)
            got[(name, r["line"], r["start"], r["surface"])] = r["status"]
    assert set(got) == set(expected)  # the matcher finds exactly the labelled occurrences
    wrong = {key for key in expected if got[key] != expected[key]}
    assert wrong == KNOWN_DISAGREEMENTS
    assert (len(expected) - len(wrong)) / len(expected) >= 0.87  # 27 of 31


def test_terms_without_translating_never_runs_the_engine_and_says_why(
    capsys, tmp_path, glossary, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from reader.translation.engines.gloss import GlossEngine

    doc = tmp_path / "d.txt"
    doc.write_text("各地复工复产。\n\n加强联防联控。\n", encoding="utf-8")
    args = ["terms", str(doc), "--engine", "gloss", "--glossary", glossary, "--json"]
    assert run(capsys, *args)[0] == 0  # translates and stores the sentences in the memory
    translated = json.loads(run(capsys, *args)[1])

    def refuse(*_: object, **__: object) -> list[str]:
        raise AssertionError("the engine ran")

    monkeypatch.setattr(GlossEngine, "translate_batch", refuse)
    code, out, _ = run(capsys, *args, "--no-translate")
    assert code == 0
    cached = json.loads(out)
    assert cached["terms"] == translated["terms"]  # the stored verdicts, not "found"
    occurrence = cached["terms"][0]["occurrences"][0]
    assert occurrence["status"] in ("applied", "repaired") and occurrence["reason"]
    doc.write_text("各地复工复产，再次。\n", encoding="utf-8")  # never translated
    code, out, _ = run(capsys, *args, "--no-translate")
    (term,) = json.loads(out)["terms"]
    assert term["statuses"] == {"found": 1}
    assert term["occurrences"][0]["reason"] == "not translated yet"
