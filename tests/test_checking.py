"""English-side checking: a fair assignment, inflections, whole words, reasons (issue #12)."""

from __future__ import annotations

from reader.glossary.file import Entry
from reader.translation.checking import check_english, form_pattern, inflections
from reader.translation.enforcement import SentenceTerm

EPIDEMIC = Entry("疫情", "epidemic", accept=["outbreak", "COVID-19"])
RESUME = Entry("复工复产", "resume work and production", accept=["resumption of work"])
NHC = Entry("国家卫生健康委", "National Health Commission", accept=["NHC"])


def term(entry: Entry, start: int) -> SentenceTerm:
    return SentenceTerm(start, start + len(entry.zh), entry, entry.zh)


def statuses(english: str, terms: list[SentenceTerm]) -> list[tuple[str, str]]:
    return [(v.status, english[v.en_start : v.en_end]) for v in check_english(english, terms)]


def test_two_occurrences_keep_their_own_english() -> None:
    # 疫情 … 疫情: the first is rendered "outbreak", the second "epidemic"; first-come
    # assignment by form gave the first occurrence the second's span
    english = "The outbreak spread fast; the epidemic was then contained."
    verdicts = check_english(english, [term(EPIDEMIC, 0), term(EPIDEMIC, 20)], 30)
    assert [english[v.en_start : v.en_end] for v in verdicts] == ["outbreak", "epidemic"]


def test_one_term_does_not_claim_anothers_english() -> None:
    pc = Entry("防控", "prevention and control", accept=["control"])
    epc = Entry("疫情防控", "epidemic prevention and control", accept=["epidemic control"])
    english = "epidemic control and prevention and control of floods"
    got = statuses(english, [term(epc, 0), term(pc, 10)])
    assert got == [("applied", "epidemic control"), ("applied", "prevention and control")]


def test_the_assignment_explains_the_most_occurrences() -> None:
    # first-come would give "control" to the first occurrence and leave the second missing
    a = Entry("管控", "control", accept=["management"])
    b = Entry("防控", "control")
    english = "management and control"
    assert statuses(english, [term(a, 0), term(b, 5)]) == [
        ("applied", "management"),
        ("applied", "control"),
    ]


def test_inflections_count() -> None:
    for english in ("They resumed work and production.", "Resuming work and production"):
        assert statuses(english, [term(RESUME, 0)])[0][0] == "applied"
    tone = Entry("定调", "set the tone for")
    assert statuses("This sets the tone for 2021", [term(tone, 0)]) == [
        ("applied", "sets the tone for")
    ]
    contacts = Entry("密接", "close contacts")
    assert statuses("a close contact of a case", [term(contacts, 0)])[0][0] == "applied"
    assert {"resumes", "resumed", "resuming"} <= inflections("resume")
    assert {"policies", "policy"} <= inflections("policies")
    assert "partying" not in inflections("Party", noun=True)


def test_whole_words_and_hyphens() -> None:
    assert statuses("Anti-epidemic supplies", [term(EPIDEMIC, 0)]) == [("missing", "")]
    assert statuses("epidemic-hit areas", [term(EPIDEMIC, 0)]) == [("missing", "")]
    assert statuses("epidemics", [term(EPIDEMIC, 0)]) == [("applied", "epidemics")]
    zero = Entry("清零", "zero-COVID")
    assert statuses("a zero COVID policy", [term(zero, 0)]) == [("applied", "zero COVID")]
    assert form_pattern("prevention and control").search("prevention-and-control measures")


def test_acronyms_in_accept_count_and_reasons_say_why() -> None:
    (verdict,) = check_english("The NHC said", [term(NHC, 0)])
    assert verdict.status == "applied"
    assert verdict.form == "NHC"
    assert "accepted form" in verdict.reason
    (verdict,) = check_english("They resumed work and production", [term(RESUME, 0)])
    assert "inflection of the required rendering" in verdict.reason
    (verdict,) = check_english("nothing here", [term(RESUME, 0)])
    assert verdict.status == "missing"
    assert "resume work and production" in verdict.reason


def test_forbidden_only_when_no_rendering_and_unused() -> None:
    lf = Entry("联防联控", "joint prevention and control", forbidden=["joint defense"])
    got = check_english("joint defense works", [term(lf, 0)])
    assert [(v.status, v.form) for v in got] == [("forbidden", "joint defense")]
    assert "forbidden form" in got[0].reason
    both = "joint defense and joint prevention and control"
    assert [v.status for v in check_english(both, [term(lf, 0)])] == ["applied"]


def test_dnt_terms_accept_the_chinese_alone() -> None:
    dnt = Entry("联防联控", "joint prevention and control", dnt=True)
    assert [v.status for v in check_english("the 联防联控 mechanism", [term(dnt, 0)])] == [
        "applied"
    ]
