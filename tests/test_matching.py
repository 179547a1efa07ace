"""Term matching: leftmost-longest, both scripts, priorities, offsets in the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.documents.document import Document, Paragraph
from reader.glossary.file import Entry
from reader.glossary.matching import TermMatcher, _greedy, _overlapping, paragraph_from_text

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
    pairs = {(short.zh, long.zh) for short, long in matcher.nested()}
    assert pairs == {("联防", "联防联控"), ("联防", "联防联控机制"), ("联防联控", "联防联控机制")}


def brute_force(terms: list[str], text: str) -> list[tuple[int, int]]:
    """Leftmost-longest by definition: at each position take the longest term, else move on."""
    out, i = [], 0
    while i < len(text):
        lengths = [len(t) for t in terms if text.startswith(t, i)]
        if lengths:
            out.append((i, i + max(lengths)))
            i += max(lengths)
        else:
            i += 1
    return out


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(st.text(alphabet="防控联机", min_size=1, max_size=4), min_size=1, max_size=8),
    text=st.text(alphabet="防控联机制", max_size=40),
)
def test_matches_agree_with_the_definition(terms: list[str], text: str) -> None:
    matcher = TermMatcher([Entry(t, f"en{i}") for i, t in enumerate(terms)])
    found = [(s, e) for s, e, _ in matcher.find_in_text(text)]
    expected = brute_force(list(set(terms)), text)
    assert found == expected
    # the fallback used when ahocorasick_rs is missing agrees too
    forms = list(dict.fromkeys(terms))
    assert [(s, e) for _, s, e in _greedy(_overlapping(forms))(text)] == expected


def test_pyahocorasick_iter_long_is_not_leftmost_longest() -> None:
    """Why the matcher does not use pyahocorasick's iter_long (if this starts failing, the
    upstream bug is fixed and iter_long could serve as the fallback)."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for key in ("控", "防控控", "防防控控"):
        automaton.add_word(key, key)
    automaton.make_automaton()
    assert list(automaton.iter_long("防防控")) == []
    assert TermMatcher([Entry(k, k) for k in ("控", "防控控", "防防控控")]).find_in_text("防防控")[
        0
    ][:2] == (2, 3)
