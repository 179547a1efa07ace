"""`reader glossary …` through `reader.cli.main`, on temporary glossaries."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reader.cli import main
from reader.glossary.file import Glossary
from tests.conftest import messages, one_message

HEADER = "zh,en,variants,accept,forbidden,note,category,priority,dnt\n"
BODY = (
    "联防联控,joint prevention and control,,,,,policy,,\n"
    "應檢盡檢,test all who should be tested,,,,,slogan,,\n"
)
SUBCOMMANDS = [
    *("list", "add", "edit", "remove", "check", "import", "export", "convert", "path", "suggest"),
    "show",
]


@pytest.fixture
def gpath(tmp_path: Path) -> Path:
    path = tmp_path / "glossary.csv"
    path.write_text(HEADER + BODY, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_has_help(capsys: pytest.CaptureFixture[str], sub: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["glossary", sub, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"reader glossary {sub}" in out and "--glossary" in out


def test_list_searches_both_scripts(capsys: pytest.CaptureFixture[str], gpath: Path) -> None:
    code, out, _ = run(capsys, "glossary", "list", "--glossary", str(gpath))
    assert code == 0 and out.splitlines()[0].split()[:2] == ["ZH", "EN"]
    assert "联防联控" in out and "應檢盡檢" in out
    code, out, _ = run(capsys, "glossary", "list", "应检", "--glossary", str(gpath))
    assert code == 0 and "應檢盡檢" in out and "联防联控" not in out
    code, out, _ = run(capsys, "glossary", "list", "PREVENTION", "--glossary", str(gpath))
    assert "联防联控" in out and "應檢盡檢" not in out
    code, _, err = run(capsys, "glossary", "list", "没有", "--glossary", str(gpath))
    assert code == 1 and "no entries match" in "\n".join(messages(err))


def test_add_edit_remove(capsys: pytest.CaptureFixture[str], gpath: Path) -> None:
    g = ["--glossary", str(gpath)]
    code, out, _ = run(
        capsys, "glossary", "add", "四早", "the four earlies", "--accept", "four earlies|4 earlies",
        "--note", "detect, report, isolate, treat", "--priority", "2", "--dnt", *g,
    )  # fmt: skip
    assert code == 0 and "added 四早" in out
    entry = Glossary.load(gpath).find("四早")
    assert entry is not None
    assert (entry.accept, entry.priority, entry.dnt) == (["four earlies", "4 earlies"], 2, True)

    code, _, err = run(capsys, "glossary", "add", "聯防聯控", "other", *g)
    message = one_message(err)
    assert code == 2 and "already in the glossary" in message and "glossary edit" in message

    code, out, _ = run(capsys, "glossary", "edit", "四早", "--en", "four earlies", "--no-dnt", *g)
    assert code == 0
    entry = Glossary.load(gpath).find("四早")
    assert (entry.en, entry.dnt, entry.note) == (
        "four earlies",
        False,
        "detect, report, isolate, treat",
    )
    code, _, err = run(capsys, "glossary", "edit", "四早", *g)
    assert code == 2 and "nothing to change" in one_message(err)

    code, out, _ = run(capsys, "glossary", "remove", "应检尽检", *g)
    assert code == 0 and "removed 應檢盡檢" in out
    assert [e.zh for e in Glossary.load(gpath).entries] == ["联防联控", "四早"]
    code, _, err = run(capsys, "glossary", "remove", "应检尽检", *g)
    assert code == 2 and "not in the glossary" in one_message(err)


def test_check_prints_problems_and_exits_1(capsys: pytest.CaptureFixture[str], gpath: Path) -> None:
    code, out, _ = run(capsys, "glossary", "check", "--glossary", str(gpath))
    assert (code, out) == (0, "ok: 2 entries\n")
    gpath.write_text(HEADER + BODY + "四早,\n联防联控,other\n", encoding="utf-8")
    code, out, _ = run(capsys, "glossary", "check", "--glossary", str(gpath))
    assert code == 1
    assert out.splitlines() == [
        f"{gpath}:4: empty en for 四早",
        f"{gpath}:5: conflicting renderings for 联防联控: 'other' here, "
        "'joint prevention and control' on line 2",
    ]


def test_bad_rows_are_warnings_and_good_rows_still_work(
    capsys: pytest.CaptureFixture[str], gpath: Path
) -> None:
    gpath.write_text(HEADER + BODY + '四早,"a"b\n', encoding="utf-8")
    code, out, err = run(capsys, "glossary", "list", "--glossary", str(gpath))
    assert code == 0 and "联防联控" in out
    assert f"warning: {gpath}:4: unbalanced quotes" in "\n".join(messages(err))
    code, _, _ = run(capsys, "glossary", "add", "六稳", "six stabilities", "--glossary", str(gpath))
    assert code == 0
    assert '四早,"a"b\n' in gpath.read_text(encoding="utf-8")  # the bad row is kept


@pytest.mark.parametrize("fmt", ["csv", "tsv", "tbx"])
def test_export_then_import_into_an_empty_glossary(
    capsys: pytest.CaptureFixture[str], gpath: Path, tmp_path: Path, fmt: str
) -> None:
    out_file = tmp_path / f"out.{fmt}"
    code, _, _ = run(
        capsys, "glossary", "export", "--format", fmt, "-o", str(out_file), "--glossary", str(gpath)
    )
    assert code == 0
    fresh = tmp_path / "fresh.csv"
    code, out, _ = run(capsys, "glossary", "import", str(out_file), "--glossary", str(fresh))
    assert code == 0 and "added 2" in out
    assert [(e.zh, e.en) for e in Glossary.load(fresh).entries] == [
        (e.zh, e.en) for e in Glossary.load(gpath).entries
    ]


def test_import_reports_existing_and_overwrites_on_request(
    capsys: pytest.CaptureFixture[str], gpath: Path, tmp_path: Path
) -> None:
    babel = tmp_path / "babel.csv"
    babel.write_text("source,target,tgt_lng\n联防联控,joint control,en\n四早,four earlies,en\n")
    code, out, err = run(capsys, "glossary", "import", str(babel), "--glossary", str(gpath))
    assert code == 0 and "added 1" in out and "kept 1 already present" in out
    assert "already present: 联防联控" in "\n".join(messages(err))
    assert Glossary.load(gpath).find("联防联控").en == "joint prevention and control"
    code, out, _ = run(
        capsys, "glossary", "import", str(babel), "--overwrite", "--glossary", str(gpath)
    )
    assert code == 0 and "replaced 1" in out
    assert Glossary.load(gpath).find("联防联控").en == "joint control"


def test_export_to_stdout(capsys: pytest.CaptureFixture[str], gpath: Path) -> None:
    code, out, _ = run(capsys, "glossary", "export", "--format", "tsv", "--glossary", str(gpath))
    assert code == 0
    assert (
        out == "联防联控\tjoint prevention and control\n應檢盡檢\ttest all who should be tested\n"
    )


def test_path_says_how_it_was_chosen(
    capsys: pytest.CaptureFixture[str],
    gpath: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, _ = run(capsys, "glossary", "path", "--glossary", str(gpath))
    assert code == 0
    assert out.splitlines() == [str(gpath), "chosen by: --glossary"]
    monkeypatch.setenv("READER_GLOSSARY", str(gpath))
    _, out, _ = run(capsys, "glossary", "path")
    assert out.splitlines() == [str(gpath), "chosen by: READER_GLOSSARY"]
    monkeypatch.delenv("READER_GLOSSARY")
    monkeypatch.chdir(tmp_path)  # holds glossary.csv
    _, out, _ = run(capsys, "glossary", "path")
    assert out.splitlines()[1] == "chosen by: ./glossary.csv in the current directory"


def test_suggest_lists_and_adds_by_number(
    capsys: pytest.CaptureFixture[str], gpath: Path, tmp_path: Path
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "坚持外防输入、内防反弹，落实四早。\n\n各地落实四早，坚持外防输入。\n\n"
        "联防联控仍要加强，外防输入不能松懈，四早要求必须落实。\n\n"
        "出门戴好口罩。口罩要常换。\n",
        encoding="utf-8",
    )
    g = ["--glossary", str(gpath)]
    code, out, _ = run(capsys, "glossary", "suggest", str(doc), *g)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["#", "TERM", "COUNT"]
    terms = [line.split()[1] for line in lines[1:]]
    assert "外防输入" in terms and "四早" in terms
    assert "联防联控" not in terms  # already in the glossary
    number = terms.index("外防输入") + 1

    code, _, err = run(capsys, "glossary", "suggest", str(doc), "--add", str(number), *g)
    assert code == 2 and "--en" in err  # stdin is not a terminal and no rendering given
    code, out, _ = run(capsys, "glossary", "suggest", str(doc), "--add", *g)
    assert code == 2
    code, out, err = run(
        capsys, "glossary", "suggest", str(doc), "--add", f"{number},99", "--en", *g
    )
    assert code == 2 and "not a number from 1 to" in messages(err)[-1]
    assert Glossary.load(gpath).find("外防输入") is None
    mask = terms.index("口罩") + 1
    code, out, err = run(
        capsys, "glossary", "suggest", str(doc), "--add", f"{number},{mask}", "--en", *g
    )
    assert code == 0 and "added 口罩 → mask" in out
    assert "skipped 外防输入: no dictionary gloss" in "\n".join(messages(err))
    assert Glossary.load(gpath).find("口罩").en == "mask"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_suggest_add_asks_for_each_candidate(
    capsys: pytest.CaptureFixture[str],
    gpath: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("坚持外防输入，做到四早。\n\n外防输入不松懈，四早不放松。\n", encoding="utf-8")
    # first candidate: yes, with this rendering; second: quit
    monkeypatch.setattr("sys.stdin", FakeTerminal("y\nguarding against imported cases\nq\n"))
    code, out, _ = run(capsys, "glossary", "suggest", str(doc), "--add", "--glossary", str(gpath))
    assert code == 0 and "added 1 entries" in out
    added = [e for e in Glossary.load(gpath).entries if e.zh in ("外防输入", "四早")]
    assert [e.en for e in added] == ["guarding against imported cases"]


def test_show_prints_every_column_its_line_and_the_documents_using_it(
    capsys: pytest.CaptureFixture[str], gpath: Path, tmp_path: Path
) -> None:
    from reader.documents.loading import load_document
    from reader.documents.positions import Position, document_key, save_position
    from reader.translation import pipeline
    from reader.translation.memory import TranslationMemory

    gpath.write_text(
        HEADER.rstrip("\n") + ",exclude,source\n"
        "# a comment\n"
        "联防联控,joint prevention and control,聯防,joint efforts|joint control,"
        "joint defense,see the white paper,policy,3,,联防联控机制之外,SCIO\n",
        encoding="utf-8",
    )
    opened, edited, elsewhere = (tmp_path / n for n in ("opened.txt", "edited.txt", "no.txt"))
    opened.write_text("国务院联防联控机制。\n\n联防联控，聯防。\n", encoding="utf-8")
    edited.write_text("要坚持联防联控。\n", encoding="utf-8")
    elsewhere.write_text("今天天气很好。\n", encoding="utf-8")
    save_position(document_key(opened, opened.read_bytes()), Position("p", 0))
    save_position(document_key(elsewhere, elsewhere.read_bytes()), Position("p", 0))
    doc = load_document(str(edited))
    memory = TranslationMemory()
    memory.set_post_edit(pipeline.document_key(doc), doc.paragraphs[0].id, "要坚持联防联控。", "x")
    memory.close()

    code, out, err = run(capsys, "glossary", "show", "聯防聯控", "--glossary", str(gpath))
    assert code == 0 and err == ""
    fields = dict(line.split(":", 1) for line in out.splitlines() if not line.startswith(" "))
    fields = {k: v.strip() for k, v in fields.items()}
    assert fields["zh"] == "联防联控" and fields["en"] == "joint prevention and control"
    assert fields["variants"] == "聯防" and fields["accept"] == "joint efforts|joint control"
    assert fields["forbidden"] == "joint defense" and fields["exclude"] == "联防联控机制之外"
    assert fields["note"] == "see the white paper" and fields["category"] == "policy"
    assert fields["priority"] == "3" and fields["dnt"] == "no" and fields["source"] == "SCIO"
    joined = " ".join(out.split())  # paths are printed whole, the rest may wrap
    assert f"{gpath.resolve()}, line 3 (chosen by: --glossary)" in joined
    assert f"{opened.resolve()} (3× in 2 paragraphs)" in joined  # 联防联控 twice, 聯防 once
    assert f"{edited.resolve()} (1× in 1 paragraph)" in joined
    assert str(elsewhere.resolve()) not in out

    # found by a variant too; the other documents gone: said, not skipped
    opened.unlink()
    code, out, err = run(capsys, "glossary", "show", "聯防", "--glossary", str(gpath))
    assert code == 0 and "zh:" in out and str(opened.resolve()) in err
    assert err.startswith("warning: ")


def test_show_unknown_term_is_one_line(capsys: pytest.CaptureFixture[str], gpath: Path) -> None:
    code, out, err = run(capsys, "glossary", "show", "没有", "--glossary", str(gpath))
    assert (code, out) == (2, "") and one_message(
        err
    ) == f"reader: {gpath}: 没有 is not in the glossary"
