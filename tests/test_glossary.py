"""Glossary reading, checking, editing and faithful, atomic, conflict-checked saving."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.glossary.file import Entry, Glossary, Problem, check
from reader.glossary.layers import resolve_layers

HEADER = "zh,en,variants,accept,forbidden,note,category,priority,dnt\n"
GOOD = (
    "\ufeff# pandemic terms\n"
    "zh,en,variants,accept,forbidden,note,category,priority,dnt,source\n"
    '联防联控机制,joint prevention and control mechanism,,,,"spans\ntwo lines",policy,2,,CN\n'
    "# slogans\n"
    "外防输入,guarding against imported cases,,preventing imported cases,,,slogan,,yes,\n"
    "\n"
    "應檢盡檢,test everyone who should be tested,,,test all,,slogan,,,HK\n"
)


def write(tmp_path: Path, text: str, name: str = "glossary.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def lines_of(problems: list[Problem]) -> list[int]:
    return [p.line for p in problems]


def test_load_reads_every_column_and_physical_line(tmp_path: Path) -> None:
    g = Glossary.load(write(tmp_path, GOOD))
    assert g.problems == []
    assert [e.zh for e in g.entries] == ["联防联控机制", "外防输入", "應檢盡檢"]
    assert [e.line for e in g.entries] == [3, 6, 8]  # the quoted note spans lines 3-4
    first, second, third = g.entries
    assert first.note == "spans\ntwo lines" and first.priority == 2 and first.category == "policy"
    assert first.extra == {"source": "CN"}
    assert second.dnt and second.accept == ["preventing imported cases"]
    assert third.forbidden == ["test all"]
    assert check(g) == []


def test_find_is_script_insensitive(tmp_path: Path) -> None:
    g = Glossary.load(write(tmp_path, GOOD))
    assert g.find("应检尽检") is g.entries[2]
    assert g.find("聯防聯控機制") is g.entries[0]
    assert g.find("联防") is None


def test_only_zh_and_en_are_required(tmp_path: Path) -> None:
    g = Glossary.load(write(tmp_path, "zh,en\n四早,the four earlies\n"))
    assert g.problems == []
    assert g.entries[0] == Entry("四早", "the four earlies", line=2)


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("ok,fine\n,no term\n", 3, "empty zh"),
        ("ok,fine\n四早,\n", 3, "empty en"),
        ("四早,a\n四早,a\n", 3, "duplicate term"),
        ("联防联控,a\n聯防聯控,a\n", 3, "duplicate term"),  # same term, other script
        ("四早,early\n四早,prompt\n", 3, "conflicting renderings"),
        ("四早,a,早发现\n早发现,b\n", 3, "variant of 四早"),
        ("四早,a,早发现\n四个早,b,早發現\n", 3, "conflicting renderings for variant 早发现"),
        ("ok,fine\n四早,a,,,,,,high\n", 3, "bad priority"),
        ('ok,fine\n四早,"a"b\n', 3, "unbalanced quotes"),  # CSV parse error
        ('ok,fine\n四早,a "quoted\n', 3, 'odd number of "'),
        ("ok,fine\n四早,a,,,,“unclosed\n", 3, "mismatched “”"),
        ("ok,fine\n四早,a,,,,「open\n", 3, "mismatched 「」"),
        ("ok,fine\n四早,a,b,c,d,e,f,1,1,extra\n", 3, "row has 10 fields"),
    ],
)
def test_check_reports_each_problem_on_its_line(
    tmp_path: Path, body: str, line: int, fragment: str
) -> None:
    g = Glossary.load(write(tmp_path, HEADER + body))
    problems = check(g)
    assert [p for p in problems if fragment in p.message], problems
    assert lines_of([p for p in problems if fragment in p.message]) == [line]


def test_line_numbers_count_multiline_fields_and_comments(tmp_path: Path) -> None:
    text = HEADER + '# c\n外防输入,a,,,,"one\ntwo\nthree"\n四早,\n'
    problems = check(Glossary.load(write(tmp_path, text)))
    assert [str(p) for p in problems] == [f"{tmp_path / 'glossary.csv'}:6: empty en for 四早"]


def test_unclosed_quote_loses_only_its_own_line(tmp_path: Path) -> None:
    text = HEADER + '外防输入,"never closed\n四早,the four earlies\n'
    g = Glossary.load(write(tmp_path, text))
    assert lines_of(g.problems) == [2]
    assert [e.zh for e in g.entries] == ["四早"]


def test_missing_required_column(tmp_path: Path) -> None:
    g = Glossary.load(write(tmp_path, "zh,english\n四早,a\n"))
    assert [(p.line, p.message) for p in check(g)] == [
        (1, "missing required column 'en' in the header")
    ]
    assert g.entries == []


def test_problem_renders_as_path_line_message() -> None:
    assert str(Problem("glossary.csv", 7, "empty en")) == "glossary.csv:7: empty en"


def test_bad_rows_and_comments_survive_a_save(tmp_path: Path) -> None:
    text = GOOD + "坏行,\n" + '外防,"a"b\n'
    path = write(tmp_path, text)
    g = Glossary.load(path)
    assert len(g.problems) == 2
    g.add(Entry("四早", "the four earlies", note="early detection, reporting, isolation, care"))
    g.save()
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith(text)  # everything as it was, byte for byte
    assert saved.endswith(
        '四早,the four earlies,,,,"early detection, reporting, isolation, care"\n'
    )
    assert (tmp_path / "glossary.csv~").read_bytes() == text.encode("utf-8")
    assert [e.zh for e in Glossary.load(path).entries][-1] == "四早"


def test_update_rewrites_only_the_changed_field(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    g = Glossary.load(path)
    g.update("应检尽检", en="testing everyone who should be tested")  # found via Simplified
    g.save()
    assert path.read_text(encoding="utf-8") == GOOD.replace(
        "test everyone who", "testing everyone who"
    )


def test_remove_keeps_the_rest_in_order(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    g = Glossary.load(path)
    g.remove("外防输入")
    g.save()
    again = Glossary.load(path)
    assert [e.zh for e in again.entries] == ["联防联控机制", "應檢盡檢"]
    assert "# slogans\n" in path.read_text(encoding="utf-8")


def test_new_column_is_added_to_a_minimal_file(tmp_path: Path) -> None:
    path = write(tmp_path, "zh,en\n四早,a\n")
    g = Glossary.load(path)
    g.add(Entry("外防输入", "b", category="slogan"))
    g.save()
    again = Glossary.load(path)
    assert again.problems == []
    assert [(e.zh, e.category) for e in again.entries] == [("四早", ""), ("外防输入", "slogan")]


def test_add_refuses_duplicates_and_variants(tmp_path: Path) -> None:
    g = Glossary.load(write(tmp_path, HEADER + "四早,a,早发现\n"))
    with pytest.raises(ReaderError, match="already in the glossary"):
        g.add(Entry("四早", "b"))
    with pytest.raises(ReaderError, match="variant of 四早"):
        g.add(Entry("早發現", "c"))
    with pytest.raises(ReaderError, match="needs both"):
        g.add(Entry("新词", " "))
    with pytest.raises(ReaderError, match="not in the glossary"):
        g.remove("不存在")


def test_save_refuses_a_file_changed_on_disk(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    first, second = Glossary.load(path), Glossary.load(path)
    first.add(Entry("四早", "the four earlies"))
    first.save()
    second.add(Entry("六稳", "six stabilities"))
    with pytest.raises(ReaderError, match="changed on disk since it was read; reload and retry"):
        second.save()
    assert Glossary.load(path).find("四早") is not None
    assert Glossary.load(path).find("六稳") is None
    first.update("四早", note="saved twice by the same object")  # its own save is not a change
    first.save()
    assert Glossary.load(path).find("四早").note == "saved twice by the same object"


def test_save_refuses_a_file_deleted_or_created_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    g = Glossary.load(path, missing_ok=True)
    path.write_text(HEADER, encoding="utf-8")
    g.add(Entry("四早", "a"))
    with pytest.raises(ReaderError, match="changed on disk"):
        g.save()


def test_missing_file_needs_missing_ok(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="no such glossary file"):
        Glossary.load(tmp_path / "absent.csv")
    g = Glossary.load(tmp_path / "absent.csv", missing_ok=True)
    g.add(Entry("四早", "the four earlies", dnt=True))
    g.save()
    assert (tmp_path / "absent.csv").read_text(encoding="utf-8").startswith("zh,en,")
    assert Glossary.load(tmp_path / "absent.csv").entries[0].dnt


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(b"\xef\xbb\xbfzh,en\r\n\xe5\x9b\x9b\xe6\x97\xa9,a\r\n")
    g = Glossary.load(path)
    g.add(Entry("外防输入", "b"))
    g.save()
    assert path.read_bytes() == "\ufeffzh,en\r\n四早,a\r\n外防输入,b\r\n".encode()


def test_resolve_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hermetic: Path) -> None:
    def first() -> tuple[Path, str]:
        layer = resolve_layers(None)[0]
        return layer.path, layer.reason

    monkeypatch.chdir(tmp_path)
    assert [(s.path, s.reason) for s in resolve_layers("x.csv")] == [(Path("x.csv"), "--glossary")]
    monkeypatch.setenv("READER_GLOSSARY", str(tmp_path / "env.csv"))
    assert first() == (tmp_path / "env.csv", "READER_GLOSSARY")
    monkeypatch.delenv("READER_GLOSSARY")
    path, why = first()
    assert path.is_relative_to(hermetic) and path.name == "glossary.csv" and "created" in why
    assert Glossary.load(path).problems == []  # a copy of the shipped one, or a bare header
    assert first() == (path, "your glossary")
    write(tmp_path, HEADER)
    assert first()[0] == Path("glossary.csv")
    assert [s.path for s in resolve_layers(None)] == [Path("glossary.csv"), path]  # layered


def test_suggest_terms_finds_repeated_expressions_not_in_the_glossary() -> None:
    from reader.documents.loading import load_text
    from reader.glossary.suggest import suggest_terms

    doc = load_text(
        "坚持外防输入、内防反弹，落实四早。\n\n各地落实四早，坚持外防输入。\n\n"
        "聯防聯控仍要加強，外防輸入不能鬆懈，四早要求。\n\n"
        "出门戴好口罩。口罩要常换。联防联控。\n"
    )
    glossary = Glossary.from_text(HEADER + "联防联控,joint prevention and control\n")
    suggestions = suggest_terms(doc, glossary, top=30)
    by_term = {s.term: s for s in suggestions}
    assert by_term["外防输入"].count == 3  # counted across scripts
    assert by_term["四早"].count == 3
    assert by_term["口罩"].gloss == "mask"
    assert "联防联控" not in by_term  # in the glossary, written in the other script
    assert "外防" not in by_term and "输入" not in by_term  # only ever inside 外防输入
    assert "内防反弹" not in by_term  # seen once
    assert all(len(s.term) >= 2 for s in suggestions)
    assert len(suggest_terms(doc, glossary, top=1)) == 1
