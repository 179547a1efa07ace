"""The reader's logic without a screen: translation order, search, term review, glossary edits."""

from __future__ import annotations

from pathlib import Path

from reader.documents.search import (
    Query,
    all_matches,
    chinese_spans,
    english_spans,
    find_next,
)
from reader.glossary.edit import (
    TermEdit,
    affected_paragraphs,
    apply_edit,
    conflict,
    find_hits,
    refusal,
)
from reader.glossary.file import Entry, Glossary
from reader.glossary.matching import paragraph_from_text
from reader.translation.order import needs_reorder, translation_queue, visible_first
from reader.translation.pipeline import ParagraphTranslation, TermOccurrence
from reader.translation.review import TermSpans, next_term

# -- order ---------------------------------------------------------------------------------


def test_visible_first_then_outward() -> None:
    assert list(visible_first(8, 3, 4)) == [3, 4, 5, 2, 6, 1, 7, 0]
    assert sorted(visible_first(5, -3, 99)) == [0, 1, 2, 3, 4]
    assert list(visible_first(0, 0, 0)) == []


def test_queue_redo_first_then_untranslated() -> None:
    ids = ["a", "b", "c", "d", "e"]
    queue = translation_queue(ids, 2, 2, redo=["a"], done=lambda pid: pid in {"a", "b"})
    assert queue == ["a", "c", "d", "e"]


def test_needs_reorder_only_when_far_behind() -> None:
    queue = [str(i) for i in range(100)]
    assert not needs_reorder(queue, 0, ["5"])
    assert needs_reorder(queue, 0, ["50"])
    assert needs_reorder(queue, 0, ["not queued"])
    assert not needs_reorder(queue, 0, [])


# -- search --------------------------------------------------------------------------------


def test_simplified_query_finds_and_spans_traditional_text() -> None:
    p = paragraph_from_text("這次會議很重要，會議結束")
    spans = chinese_spans(p, Query.parse("会议"))
    assert spans == [(2, 4), (8, 10)]
    assert all(p.text[a:b] == "會議" for a, b in spans)


def test_traditional_query_finds_simplified_text() -> None:
    p = paragraph_from_text("这次会议很重要")
    assert chinese_spans(p, Query.parse("會議")) == [(2, 4)]


def test_english_search_ignores_case() -> None:
    assert english_spans("A Mishap, a mishap", Query.parse("MISHAP")) == [(2, 8), (12, 18)]


def test_find_next_wraps_and_goes_back() -> None:
    ps = [paragraph_from_text(t, f"p{i}") for i, t in enumerate(["甲乙", "丙丁", "甲"])]
    english = {"p1": "the word here"}.get
    q = Query.parse("甲")
    assert find_next(ps, lambda pid: english(pid) or "", q, (0, 0), 1) == (2, 0)
    assert find_next(ps, lambda pid: english(pid) or "", q, (2, 0), 1) == (0, 0)
    assert find_next(ps, lambda pid: english(pid) or "", q, (0, 0), -1) == (2, 0)
    assert find_next(ps, lambda pid: english(pid) or "", q, (0, 0), 1, include_current=True) == (
        0,
        0,
    )
    word = Query.parse("WORD")
    assert find_next(ps, lambda pid: english(pid) or "", word, (0, 0), 1) == (1, 0)


def test_all_matches_are_where_find_next_lands_in_turn() -> None:
    texts = ["甲乙甲", "丙丁", "會議甲", "", "甲"]
    ps = [paragraph_from_text(t, f"p{i}") for i, t in enumerate(texts)]
    english = {"p1": "a 甲-free line about jia", "p3": "nothing"}
    for query in (Query.parse("甲"), Query.parse("jia"), Query.parse("会议")):
        matches = all_matches(ps, lambda pid: english.get(pid, ""), query)
        walked, at = [], (0, 0)
        while (found := find_next(ps, lambda pid: english.get(pid, ""), query, at, 1,
                                  include_current=not walked)) not in walked:  # fmt: skip
            assert found is not None
            walked.append(found)
            at = found
        assert matches == sorted(walked), query
    assert all_matches(ps, lambda pid: "", Query.parse("甲")) == [(0, 0), (0, 2), (2, 2), (4, 0)]
    assert all_matches(ps, lambda pid: "", Query.parse("")) == []


# -- term review ---------------------------------------------------------------------------


def _tr(pid: str, *statuses: str) -> ParagraphTranslation:
    terms = [TermOccurrence("t", "T", 2 * n, 2 * n + 1, s) for n, s in enumerate(statuses)]  # type: ignore[arg-type]
    return ParagraphTranslation(pid, "x", "test", terms)


def test_problem_count_is_incremental() -> None:
    spans = TermSpans({})
    spans.set_translation(_tr("a", "missing", "applied", "forbidden"))
    spans.set_translation(_tr("b", "missing"))
    assert spans.problems == 3
    spans.set_translation(_tr("a", "applied"))  # translated again after an edit
    assert spans.problems == 1
    assert spans.problem_count("a") == 0


def test_next_term_with_status_wraps() -> None:
    spans = TermSpans({})
    spans.set_translation(_tr("b", "applied", "missing"))
    spans.set_translation(_tr("d", "forbidden"))
    ids = ["a", "b", "c", "d"]
    want = frozenset({"missing", "forbidden"})
    assert next_term(ids, spans, (0, 0), 1, want=want) == (1, 2)
    assert next_term(ids, spans, (1, 2), 1, want=want) == (3, 0)
    assert next_term(ids, spans, (3, 0), 1, want=want) == (1, 2)
    assert next_term(ids, spans, (1, 2), -1, want=want) == (3, 0)
    assert next_term(ids, spans, (0, 0), 1, want=frozenset({"repaired"})) is None


# -- glossary edits ------------------------------------------------------------------------


def _glossary(tmp_path: Path) -> Glossary:
    path = tmp_path / "g.csv"
    path.write_text("zh,en\n北京,Beijing\n会议,meeting\n", encoding="utf-8")
    return Glossary.load(path)


def test_apply_edit_add_change_delete(tmp_path: Path) -> None:
    g = _glossary(tmp_path)
    assert apply_edit(g, TermEdit("save", None, zh="防控", en="prevention")) == {"防控"}
    keys = apply_edit(g, TermEdit("save", "北京", zh="北京", en="Beijing City"))
    assert keys == {"北京"} and g.find("北京").en == "Beijing City"  # type: ignore[union-attr]
    apply_edit(g, TermEdit("delete", "會議"))
    assert g.find("会议") is None
    assert refusal(g, "北京", None) is not None and refusal(g, "北京", "北京") is None


def test_conflict_when_the_file_changed_the_same_entry(tmp_path: Path) -> None:
    g = _glossary(tmp_path)
    base = g.find("北京")
    assert base is not None
    edit = TermEdit("save", "北京", zh="北京", en="Peking", base=Entry(base.zh, base.en))
    assert conflict(g, edit) is None
    g.update("北京", en="Beijing (capital)")  # what another program saved
    theirs = conflict(g, edit)
    assert theirs is not None and theirs.en == "Beijing (capital)"
    assert conflict(g, TermEdit("save", None, zh="会议", en="conference")) is not None


def test_affected_paragraphs_include_terms_added_elsewhere(tmp_path: Path) -> None:
    from reader.documents.document import Document

    ps = [paragraph_from_text("北京会议", "p0"), paragraph_from_text("防控工作", "p1")]
    doc = Document("x.txt", "txt", "utf-8", "simplified", ps)
    g = _glossary(tmp_path)
    old = find_hits(g, doc)
    g.add(Entry("防控", "prevention"))  # another program's term, arriving by a merge
    new = find_hits(g, doc)
    assert affected_paragraphs(["p0", "p1"], old, new) == ["p1"]
    assert affected_paragraphs(["p0", "p1"], old, old, {"北京"}) == ["p0"]


def test_open_dialog_completes_documents_and_directories(tmp_path: Path) -> None:
    from reader.ui.screens.open_dialog import complete_path

    (tmp_path / "book.epub").write_bytes(b"")
    (tmp_path / "notes.bin").write_bytes(b"")
    (tmp_path / "chapters").mkdir()
    assert complete_path(f"{tmp_path}/bo") == f"{tmp_path}/book.epub"
    assert complete_path(f"{tmp_path}/ch") == f"{tmp_path}/chapters/"
    assert complete_path(f"{tmp_path}/no") is None  # not a document
    assert complete_path(f"{tmp_path}/missing/x") is None
