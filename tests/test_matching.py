"""Term matching: coverage, word boundaries, both scripts, priorities, original offsets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.documents.document import Document, Paragraph
from reader.glossary.file import Entry
from reader.glossary.matching import TermMatcher, paragraph_from_text

NESTED = [
    Entry("联防", "joint prevention"),
    Entry("联防联控", "joint prevention and control"),
    Entry("联防联控机制", "joint prevention and control mechanism"),
]


def spans(matcher: TermMatcher, text: str) -> list[tuple[str, str]]:
    return [(h.surface, h.entry.en) for h in matcher.find(paragraph_from_text(text))]


def test_longest_term_wins() -> None:
    matcher = TermMatcher(NESTED)
    assert spans(matcher, "启动联防联控机制，加强联防联控，做好联防。") == [
        ("联防联控机制", "joint prevention and control mechanism"),
        ("联防联控", "joint prevention and control"),
        ("联防", "joint prevention"),
    ]


def test_traditional_text_matches_simplified_terms_with_original_offsets() -> None:
    matcher = TermMatcher(NESTED)
    paragraph = paragraph_from_text("首都嚴格進京管理聯防聯控協調機制")
    (hit,) = matcher.find(paragraph)
    assert (hit.start, hit.end, hit.surface) == (8, 12, "聯防聯控")
    assert paragraph.text[hit.start : hit.end] == hit.surface


def test_traditional_terms_and_variants_match_simplified_text() -> None:
    matcher = TermMatcher([Entry("應檢盡檢", "test all", variants=["應檢儘檢"])])
    assert spans(matcher, "做到应检尽检、应检尽检") == [("应检尽检", "test all")] * 2


def test_hits_map_through_a_paragraph_offset_map() -> None:
    # the original keeps pinyin artifacts that cleaning dropped from the Simplified form
    text = "聯(lián)防聯(lián)控機制"
    simplified = "联防联控机制"
    to_original = [0, 1, 8, 9, 16, 17, len(text)]
    paragraph = Paragraph("p1", text, simplified, to_original, "traditional")
    (hit,) = TermMatcher(NESTED).find(paragraph)
    assert (hit.start, hit.end, hit.surface) == (0, len(text), text)
    assert hit.paragraph_id == "p1"


def test_equal_forms_go_to_the_higher_priority_entry() -> None:
    low = Entry("四早", "four earlies")
    high = Entry("四個早", "the four early measures", variants=["四早"], priority=5)
    assert spans(TermMatcher([low, high]), "落实四早") == [("四早", "the four early measures")]
    tie = Entry("四早", "another", priority=0)
    assert spans(TermMatcher([low, tie]), "四早") == [("四早", "four earlies")]  # first wins


def test_find_in_document_matches_per_paragraph_and_never_across() -> None:
    paragraphs = [
        paragraph_from_text("联防", "a"),
        paragraph_from_text("联控機制", "b"),
        paragraph_from_text("", "c"),
        paragraph_from_text("外防输入，联防联控", "d"),
    ]
    doc = Document("x", "txt", "utf-8", "mixed", paragraphs)
    matcher = TermMatcher([*NESTED, Entry("外防输入", "preventing imported cases")])
    hits = matcher.find_in_document(doc)
    assert [(h.paragraph_id, h.start, h.end, h.surface) for h in hits] == [
        ("a", 0, 2, "联防"),
        ("d", 0, 4, "外防输入"),
        ("d", 5, 9, "联防联控"),
    ]
    assert hits == [h for p in paragraphs for h in matcher.find(p)]


def test_find_in_text_returns_simplified_spans() -> None:
    matcher = TermMatcher(NESTED)
    found = matcher.find_in_text("加强联防联控机制")
    assert [(s, e, entry.zh) for s, e, entry in found] == [(2, 8, "联防联控机制")]
    assert TermMatcher([]).find_in_text("联防") == []


def test_shadowed_and_nested_report_hidden_shorter_terms() -> None:
    matcher = TermMatcher(NESTED)
    shadows = matcher.shadowed(paragraph_from_text("啟動聯防聯控機制"))
    assert sorted((s.short.zh, s.long.zh, s.start, s.end) for s in shadows) == [
        ("联防", "联防联控机制", 2, 4),
        ("联防联控", "联防联控机制", 2, 6),
    ]


def test_a_shorter_form_of_the_same_entry_is_not_shadowed() -> None:
    # the whole shipped glossary reported 下半旗 "inside 下半旗" (its variant 下半旗志哀) and 66
    # more entries as hidden by themselves (tests/test_whole_glossary.py)
    matcher = TermMatcher([Entry("下半旗", "half-mast", ["下半旗志哀"]), *NESTED])
    assert matcher.shadowed(paragraph_from_text("下半旗志哀")) == []
    shadows = matcher.shadowed(paragraph_from_text("联防联控机制"))
    assert {s.short.zh for s in shadows} == {"联防", "联防联控"}


def test_7_no_shipped_term_is_shadowed_by_itself() -> None:
    """冬奥会 has the variant 冬奥: `reader terms` said "冬奥会 inside 冬奥会"."""
    from reader.glossary.file import Glossary
    from tests.conftest import ROOT

    entries = Glossary.load(ROOT / "glossary.csv").entries
    matcher = TermMatcher(entries)
    with_variants = [e for e in entries if e.variants]
    assert any(e.zh == "冬奥会" for e in with_variants)
    for entry in with_variants:
        for form in (entry.zh, *entry.variants):
            for shadow in matcher.shadowed(paragraph_from_text(f"今年{form}开幕")):
                assert shadow.short is not shadow.long, (form, shadow)
                assert shadow.short.zh != shadow.long.zh, (form, shadow)


def brute_force(terms: list[str], text: str) -> list[tuple[int, int]]:
    """The selection rule by definition: among all sets of non-overlapping occurrences, the
    most characters covered, then the fewest terms, then the rightmost (compared from the
    end of the text)."""
    occurrences = sorted(
        {(i, i + len(t)) for t in terms for i in range(len(text)) if text.startswith(t, i)}
    )
    best: tuple[tuple[int, int, list[tuple[int, int]]], list[tuple[int, int]]] | None = None

    def key(chosen: list[tuple[int, int]]) -> tuple[int, int, list[tuple[int, int]]]:
        return (sum(e - s for s, e in chosen), -len(chosen), sorted(chosen, reverse=True))

    def walk(k: int, chosen: list[tuple[int, int]], reach: int) -> None:
        nonlocal best
        if k == len(occurrences):
            if best is None or key(chosen) > best[0]:
                best = (key(chosen), list(chosen))
            return
        walk(k + 1, chosen, reach)
        if occurrences[k][0] >= reach:
            walk(k + 1, [*chosen, occurrences[k]], occurrences[k][1])

    walk(0, [], 0)
    assert best is not None
    return sorted(best[1])


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(st.text(alphabet="防控联机", min_size=1, max_size=4), min_size=1, max_size=6),
    text=st.text(alphabet="防控联机制", max_size=12),
)
def test_selection_agrees_with_the_definition(terms: list[str], text: str) -> None:
    matcher = TermMatcher([Entry(t, f"en{i}") for i, t in enumerate(terms)], words=False)
    found = [(s, e) for s, e, _ in matcher.find_in_text(text)]
    assert found == brute_force(list(set(terms)), text)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="联防聯控机機制疫情衞卫生健康委，", max_size=30))
def test_both_scripts_match_the_same_and_offsets_map_back(text: str) -> None:
    from reader.documents.scripts import converter

    matcher = TermMatcher(
        [*NESTED, Entry("疫情", "epidemic"), Entry("卫生健康委", "health commission")]
    )
    simplified = converter("t2s")(text)
    traditional = converter("s2t")(text)
    found = [(h.start, h.end, h.entry.zh) for h in matcher.find(paragraph_from_text(simplified))]
    for version in (text, traditional):
        paragraph = paragraph_from_text(version)
        hits = matcher.find(paragraph)
        assert [(h.start, h.end, h.entry.zh) for h in hits] == found
        assert all(paragraph.text[h.start : h.end] == h.surface for h in hits)


# --- the cases found by hand on official texts (issue #12) ----------------------------------

OFFICIAL = [
    Entry("求是", "Qiushi Journal", exclude=["实事求是"]),
    Entry("市长", "mayor"),
    Entry("防控", "prevention and control"),
    Entry("密接", "close contacts"),
    Entry("北京", "Beijing"),
    Entry("北京市", "Beijing Municipality"),
    Entry("市委", "municipal Party committee"),
    Entry("武汉市", "Wuhan City"),
    Entry("市卫生健康委", "Municipal Health Commission"),
    Entry("复工复产", "resumption of work and production"),
    Entry("有序复工", "orderly resumption of work"),
    Entry("国家卫生健康委员会", "National Health Commission", variants=["国家卫生健康委"]),
    Entry("疫情", "epidemic"),
    Entry("疫情防控", "epidemic prevention and control"),
]


def found(text: str) -> list[str]:
    return [h.surface for h in TermMatcher(OFFICIAL).find(paragraph_from_text(text))]


def test_short_terms_inside_other_words_are_not_terms() -> None:
    assert found("坚持实事求是的态度") == []  # exclude: 实事求是
    assert found("城市长远发展") == []  # 城市|长远
    assert found("疾病预防控制中心") == []  # 预防|控制
    assert found("与病例紧密接触") == []  # 紧密|接触


def test_short_terms_stand_as_words_or_heads() -> None:
    assert found("《求是》杂志发表文章") == ["求是"]
    assert found("市长说，做好防控工作") == ["市长", "防控"]
    assert found("密接人员已隔离") == ["密接"]
    assert found("新冠疫情期间") == ["疫情"]


def test_coverage_beats_leftmost_longest() -> None:
    assert found("北京市委书记") == ["北京", "市委"]
    assert found("武汉市卫生健康委通报") == ["市卫生健康委"]
    assert found("推动有序复工复产") == ["复工复产"]


def test_hong_kong_variants_are_folded() -> None:
    (hit,) = TermMatcher(OFFICIAL).find(paragraph_from_text("據國家衞生健康委通報"))
    assert (hit.start, hit.end, hit.surface) == (1, 8, "國家衞生健康委")
    assert TermMatcher([Entry("麻痹", "paralysis")]).find_in_text("防止麻痺")[0][:2] == (2, 4)


def test_exclude_contexts_read_from_the_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from reader.glossary.file import Glossary

    path = tmp_path / "g.csv"
    path.write_text("zh,en,exclude\n求是,Qiushi Journal,实事求是|求是求实\n", encoding="utf-8")
    (entry,) = Glossary.load(path).entries
    assert entry.exclude == ["实事求是", "求是求实"]
    assert TermMatcher([entry]).find_in_text("实事求是") == []
