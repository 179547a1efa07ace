"""Interchange formats: import, export, round trips and merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.glossary.file import Entry, Glossary
from reader.glossary.interchange import detect_format, export_entries, import_entries, merge

ENTRIES = [
    Entry("联防联控机制", "joint prevention and control mechanism", note="State Council body"),
    Entry("外防输入", "guarding against imported cases, inside and out", note='said "often"'),
    Entry("應檢盡檢", "test everyone who should be tested"),
]
RICH = Entry(
    "四早",
    "the four earlies",
    variants=["四個早"],
    accept=["four early measures"],
    forbidden=["four mornings"],
    note="early detection, reporting, isolation, treatment",
    category="slogan",
)
SUFFIX = {"csv": ".csv", "tsv": ".tsv", "tbx": ".tbx"}


def fields(entries: list[Entry], *names: str) -> list[tuple]:
    return [tuple(getattr(e, n) for n in names) for e in entries]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "tbx"])
def test_export_then_import_gives_the_same_entries(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out{SUFFIX[fmt]}"
    path.write_text(export_entries(ENTRIES, fmt), encoding="utf-8")
    back = import_entries(path)  # format detected
    assert fields(back, "zh", "en") == fields(ENTRIES, "zh", "en")
    if fmt != "csv":  # BabelDOC CSV has no note column
        assert fields(back, "note") == fields(ENTRIES, "note")
    again = tmp_path / f"again{SUFFIX[fmt]}"
    again.write_text(export_entries(back, fmt), encoding="utf-8")
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_tbx_carries_variants_accepted_forbidden_and_category(tmp_path: Path) -> None:
    path = tmp_path / "g.tbx"
    path.write_text(export_entries([RICH], "tbx"), encoding="utf-8")
    (back,) = import_entries(path, "tbx")
    assert back == RICH


def test_reader_csv_round_trip(tmp_path: Path) -> None:
    g = Glossary(tmp_path / "g.csv", [*ENTRIES, RICH])
    (tmp_path / "g.csv").write_text(g.to_text(), encoding="utf-8")
    back = import_entries(tmp_path / "g.csv")
    assert [(e.zh, e.en, e.variants, e.accept, e.forbidden, e.note) for e in back] == [
        (e.zh, e.en, e.variants, e.accept, e.forbidden, e.note) for e in [*ENTRIES, RICH]
    ]


def test_imports_files_written_by_other_tools(tmp_path: Path) -> None:
    babeldoc = tmp_path / "babel.csv"
    babeldoc.write_text(
        "\ufeffsource,target,tgt_lng\n"
        "四早,four earlies,en\n四早,quatre,fr\n六稳,six stabilities,\n",
        encoding="utf-8",
    )
    omegat = tmp_path / "glossary.txt"
    omegat.write_text("# OmegaT\n四早\tfour earlies\tslogan\n六稳\tsix stabilities\n", "utf-8")
    tbx = tmp_path / "t.xml"
    tbx.write_text(
        '<?xml version="1.0"?><tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body>'
        '<conceptEntry id="1"><langSec xml:lang="en"/>'
        '<langSet xml:lang="zh-CN"><tig><term>四早</term></tig></langSet>'
        '<langSet xml:lang="en-US"><tig><term>four earlies</term></tig></langSet>'
        "</conceptEntry></body></text></tbx>",
        encoding="utf-8",
    )
    assert fields(import_entries(babeldoc), "zh", "en") == [
        ("四早", "four earlies"),
        ("六稳", "six stabilities"),
    ]
    assert fields(import_entries(omegat, "omegat"), "zh", "en", "note") == [
        ("四早", "four earlies", "slogan"),
        ("六稳", "six stabilities", ""),
    ]
    assert fields(import_entries(tbx), "zh", "en") == [("四早", "four earlies")]


def test_detect_format_and_errors(tmp_path: Path) -> None:
    assert detect_format(Path("x.csv"), "zh,en\n") == "csv"
    assert detect_format(Path("x.csv"), "source,target,tgt_lng\n") == "babeldoc"
    assert detect_format(Path("x.txt"), "四早\tfour earlies\n") == "omegat"
    assert detect_format(Path("x"), "<?xml version='1.0'?><martif/>") == "tbx"
    with pytest.raises(ReaderError, match="cannot tell"):
        detect_format(Path("x.csv"), "a,b\n")
    bad = tmp_path / "bad.tbx"
    bad.write_text("<martif><text>", encoding="utf-8")
    with pytest.raises(ReaderError, match="not valid TBX"):
        import_entries(bad)


def test_merge_adds_new_reports_existing_and_overwrites_on_request(tmp_path: Path) -> None:
    g = Glossary(
        tmp_path / "g.csv", [Entry("四早", "four earlies", note="keep me", variants=["早"])]
    )
    report = merge(g, [Entry("四早", "the four earlies"), Entry("六稳", "six stabilities")])
    assert fields(report.added, "zh") == [("六稳",)]
    assert fields(report.existing, "zh", "en") == [("四早", "four earlies")]
    assert g.find("四早").en == "four earlies"
    report = merge(g, [Entry("四早", "the four earlies"), Entry("早", "early")], overwrite=True)
    assert fields(report.updated, "zh") == [("四早",)]
    assert fields(report.existing, "zh") == [("四早",)]  # 早 is a variant of it: left alone
    assert (g.find("四早").en, g.find("四早").note) == ("the four earlies", "keep me")
