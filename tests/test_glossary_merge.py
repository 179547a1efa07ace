"""`reader glossary merge`: three-way merge by term, as a command and as a git merge driver."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.documents.scripts import to_traditional
from reader.errors import ReaderError
from reader.glossary.file import Entry, Glossary, check
from reader.glossary.merge import merge, merge_files

ROOT = Path(__file__).resolve().parent.parent
HEADER = "zh,en,variants,accept,forbidden,note,category,priority,dnt\n"
BASE = (
    HEADER
    + "# pandemic control\n"
    + "联防联控,joint prevention and control,,,,,policy,,\n"
    + "四早,four earlies,,,,,slogan,,\n"
    + "六稳,six stabilities,,,,,economy,,\n"
    + "\n"
    + "# economy\n"
    + "双循环,dual circulation,,,,,economy,,\n"
)


def fields(entries: list[Entry]) -> list[tuple]:
    return [
        (e.zh, e.en, e.variants, e.accept, e.forbidden, e.note, e.category, e.priority, e.dnt)
        for e in entries
    ]


def merged_text(tmp_path: Path, base: str, ours: str, theirs: str) -> tuple[str, list[str]]:
    paths = []
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    _result, lines = merge_files(*paths)
    return paths[1].read_text(encoding="utf-8"), lines


def test_both_sides_edits_additions_and_removals_merge_cleanly(tmp_path: Path) -> None:
    ours = (
        BASE.replace("four earlies,,,,,slogan", "the four earlies,,,,,slogan")  # en
        .replace("六稳,six stabilities,,,,,economy,,\n", "")  # removed
        .replace("# economy\n", "# economy (ours)\n")
        + "六保,six guarantees,,,,,economy,,\n"  # added at the end
    )
    theirs = (
        BASE.replace(",,,,,slogan,,", ",,,,early detection,slogan,,")  # 四早's note
        .replace("双循环,dual circulation,,,,,economy,,\n", "")  # removed
        .replace("六稳,", "# theirs\n四个全面,four comprehensives,,,,,,,\n六稳,")
    )
    text, conflicts = merged_text(tmp_path, BASE, ours, theirs)
    assert conflicts == []
    assert text == (
        HEADER
        + "# pandemic control\n"
        + "联防联控,joint prevention and control,,,,,policy,,\n"  # byte for byte, untouched
        + "四早,the four earlies,,,,early detection,slogan\n"  # both edits (a rewritten row)
        + "# theirs\n"  # THEIRS's comment and row, right after the row they follow there
        + "四个全面,four comprehensives\n"
        + "\n"
        + "# economy (ours)\n"  # OURS's comment edit kept
        + "六保,six guarantees,,,,,economy,,\n"
    )
    assert check(Glossary.from_text(text)) == []


def test_terms_match_in_either_script(tmp_path: Path) -> None:
    base = "zh,en,note\n联防联控,joint prevention and control,\n"
    ours = "zh,en,note\n联防联控,joint prevention and control,SCIO\n"
    theirs = "zh,en,note\n聯防聯控,joint prevention and control,\n"  # Traditional: same term
    text, conflicts = merged_text(tmp_path, base, ours, theirs)
    assert conflicts == [] and text == "zh,en,note\n聯防聯控,joint prevention and control,SCIO\n"


def test_a_column_both_sides_changed_differently_is_a_conflict(tmp_path: Path) -> None:
    ours = BASE.replace("four earlies,,,,,slogan", "the four earlies,,,,,policy")
    theirs = BASE.replace("four earlies,,,,,slogan", "four early measures,,,,,motto")
    text, conflicts = merged_text(tmp_path, BASE, ours, theirs)
    assert conflicts == [
        f"{tmp_path / 'ours.csv'}:4: merge conflict on 四早: en is 'the four earlies' here, "
        "'four early measures' in theirs",
        f"{tmp_path / 'ours.csv'}:4: merge conflict on 四早: category is 'policy' here, "
        "'motto' in theirs",
    ]
    lines = text.splitlines()
    assert lines[0] == HEADER.strip() + ",conflict"  # a column appended: the header only
    assert lines[3] == (
        "四早,the four earlies,,,,,policy,,,en in theirs: four early measures ‖ "
        "category in theirs: motto"
    )
    assert (
        "\n".join(lines[1:3] + lines[4:]) + "\n"
        == "\n".join(BASE.splitlines()[1:3] + BASE.splitlines()[4:]) + "\n"
    )  # every other row byte for byte
    glossary = Glossary.from_text(text)
    assert glossary.find("四早").en == "the four earlies"  # OURS's value kept
    assert [str(p) for p in check(glossary)] == [
        "glossary.csv:4: merge conflict on 四早: en in theirs: four early measures; keep one, "
        "then empty the conflict cell",
        "glossary.csv:4: merge conflict on 四早: category in theirs: motto; keep one, then "
        "empty the conflict cell",
    ]
    resolved = text.replace(",en in theirs: four early measures ‖ category in theirs: motto", "")
    assert check(Glossary.from_text(resolved)) == []


def test_the_same_change_on_both_sides_is_no_conflict(tmp_path: Path) -> None:
    both = BASE.replace("four earlies,,,,,slogan", "the four earlies,,,,,slogan")
    text, conflicts = merged_text(tmp_path, BASE, both, both)
    assert conflicts == [] and text == both


def test_removed_on_one_side_and_changed_on_the_other_is_kept_with_a_conflict(
    tmp_path: Path,
) -> None:
    changed = BASE.replace("six stabilities,", "the six stabilities,")
    removed = BASE.replace("六稳,six stabilities,,,,,economy,,\n", "")
    text, conflicts = merged_text(tmp_path, BASE, changed, removed)
    assert [c.split(": ", 1)[1] for c in conflicts] == ["merge conflict on 六稳: removed in theirs"]
    assert "六稳,the six stabilities,,,,,economy,,,removed in theirs\n" in text
    text, conflicts = merged_text(tmp_path, BASE, removed, changed)
    assert "六稳,the six stabilities,,,,,economy,,,removed in ours\n" in text
    assert text.index("六稳") > text.index("四早")  # back where THEIRS has it
    assert len(check(Glossary.from_text(text))) == 1


def test_a_term_both_sides_added_merges_as_if_its_base_row_were_empty(tmp_path: Path) -> None:
    base = "zh,en,note,category\n"
    ours = base + "四早,four earlies,,slogan\n"
    theirs = base + "四早,four earlies,early detection,\n"
    text, conflicts = merged_text(tmp_path, base, ours, theirs)
    assert conflicts == [] and text == base + "四早,four earlies,early detection,slogan\n"
    text, conflicts = merged_text(tmp_path, base, ours, base + "四早,4 earlies,,\n")
    assert len(conflicts) == 1 and text.endswith(",en in theirs: 4 earlies\n")
    text, conflicts = merged_text(tmp_path, "", ours, theirs)  # git's empty %O
    assert conflicts == [] and text == base + "四早,four earlies,early detection,slogan\n"


def test_extra_columns_and_bad_rows_merge_too(tmp_path: Path) -> None:
    base = "zh,en,source\n四早,four earlies,\n"
    ours = base + "六稳,six stabilities,\n"
    theirs = 'zh,en,source\n四早,four earlies,SCIO\n坏,"unclosed\n'
    text, conflicts = merged_text(tmp_path, base, ours, theirs)
    assert conflicts == []
    assert text == 'zh,en,source\n四早,four earlies,SCIO\n坏,"unclosed\n六稳,six stabilities,\n'
    assert [p.message for p in Glossary.from_text(text).problems] == [
        "unbalanced quotes (CSV parse error: quote never closed)"
    ]  # THEIRS's bad row is kept for the user to fix, as reader keeps its own


def test_the_command_writes_into_ours_and_exits_1_on_a_conflict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, ours, theirs = (tmp_path / f"{n}.csv" for n in ("base", "ours", "theirs"))
    base.write_text(BASE, encoding="utf-8")
    ours.write_text(BASE.replace("six stabilities", "6 stabilities"), encoding="utf-8")
    theirs.write_text(BASE + "六保,six guarantees\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["glossary", "merge", str(base), str(ours), str(theirs), "-o", str(out)]) == 0
    assert ours.read_text(encoding="utf-8") == BASE.replace("six stabilities", "6 stabilities")
    assert out.read_text(encoding="utf-8").endswith("六保,six guarantees\n")
    assert "1 change(s) taken from theirs" in capsys.readouterr().err
    theirs.write_text(BASE.replace("six stabilities", "the six stabilities"), encoding="utf-8")
    assert main(["glossary", "merge", str(base), str(ours), str(theirs)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{ours}:5: merge conflict on 六稳: en is '6 stabilities' here, 'the six stabilities' "
        "in theirs",
        f"reader: {ours}: 1 merge conflict(s); keep one side of each, then empty its conflict cell",
    ]
    assert "6 stabilities,,,,,economy,,,en in theirs: the six stabilities" in ours.read_text()
    assert main(["glossary", "check", "--glossary", str(ours)]) == 1
    assert "merge conflict on 六稳" in capsys.readouterr().out
    assert not list(tmp_path.glob("*~")) and not list(tmp_path.glob("*.lock"))  # no litter


def test_unreadable_inputs_are_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    good, other = tmp_path / "g.csv", tmp_path / "other.csv"
    good.write_text(BASE, encoding="utf-8")
    other.write_text(BASE, encoding="utf-8")
    with pytest.raises(ReaderError, match="no such glossary file"):
        merge_files(tmp_path / "missing.csv", good, other)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("zh,en\n四早,four earlies\n".encode("gbk"))
    with pytest.raises(ReaderError, match="not UTF-8"):
        merge_files(good, gbk, other)
    assert gbk.read_bytes() == "zh,en\n四早,four earlies\n".encode("gbk")
    with pytest.raises(ReaderError, match="is the input file"):
        merge_files(good, other, good, good)  # -o BASE would overwrite an input


# --- in a real git repository ----------------------------------------------------------------


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GIT_CONFIG_NOSYSTEM": "1"}
    env.update(HOME=str(repo.parent), GIT_AUTHOR_DATE="2026-01-01T00:00:00", LC_ALL="C")
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=check
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "team"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.org")
    # the two lines the README gives, with this checkout's reader
    (repo / ".gitattributes").write_text("glossary.csv merge=reader-glossary\n")
    driver = f"{sys.executable} -m reader glossary merge %O %A %B"
    git(repo, "config", "merge.reader-glossary.driver", driver)
    (repo / "glossary.csv").write_text(BASE, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "shared glossary")
    return repo


def commit_on(repo: Path, branch: str, text: str, start: str = "main") -> None:
    git(repo, "checkout", "-q", "-b", branch, start)
    (repo / "glossary.csv").write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", f"{branch} edits")


def test_git_merges_two_peoples_edits_without_a_conflict(repo: Path) -> None:
    commit_on(
        repo,
        "alice",
        BASE.replace("four earlies,,,,,slogan", "the four earlies,,,,,slogan")
        + "六保,six guarantees,,,,,economy,,\n",
    )
    commit_on(
        repo,
        "bob",
        BASE.replace(",,,,,slogan,,", ",,,,early detection,slogan,,").replace(
            "双循环,dual circulation,,,,,economy,,\n", "新发展格局,new development pattern\n"
        ),
    )
    git(repo, "checkout", "-q", "alice")
    merged = git(repo, "merge", "-q", "--no-edit", "bob", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    text = (repo / "glossary.csv").read_text(encoding="utf-8")
    assert "四早,the four earlies,,,,early detection,slogan\n" in text
    assert "六保,six guarantees" in text and "新发展格局,new development pattern" in text
    assert "双循环" not in text and "conflict" not in text
    assert git(repo, "status", "--porcelain").stdout == ""  # committed, nothing left over


def test_git_reports_a_conflict_that_glossary_check_then_flags(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commit_on(repo, "alice", BASE.replace("dual circulation", "dual-circulation pattern"))
    commit_on(repo, "bob", BASE.replace("dual circulation", "double circulation"))
    git(repo, "checkout", "-q", "alice")
    merged = git(repo, "merge", "--no-edit", "bob", check=False)
    assert merged.returncode == 1
    assert "merge conflict on 双循环: en is 'dual-circulation pattern' here" in merged.stderr
    assert "CONFLICT (content): Merge conflict in glossary.csv" in merged.stdout
    text = (repo / "glossary.csv").read_text(encoding="utf-8")
    assert "<<<<<<<" not in text  # still a valid CSV, not git's conflict markers
    assert (
        "双循环,dual-circulation pattern,,,,,economy,,,en in theirs: double circulation\n" in text
    )
    path = str(repo / "glossary.csv")
    assert main(["glossary", "check", "--glossary", path]) == 1
    assert "merge conflict on 双循环: en in theirs: double circulation" in capsys.readouterr().out


# --- properties --------------------------------------------------------------------------------

TERMS = [a + b for a in "一二三四五六七八" for b in "稳机联会"]  # 32 terms, each with a
# Traditional form (稳/穩, 机/機, 联/聯, 会/會) a side may write it in: the same term
WORDS = st.sampled_from(["one", "two", "three", "stable", "early", "whole"])


@st.composite
def glossaries(draw: st.DrawFn, *, disjoint: bool = False) -> tuple[str, str, str]:
    """A base glossary and two sides derived from it by edits, removals and additions (with
    `disjoint`, each base term is changed by one side at most)."""
    terms = draw(st.lists(st.sampled_from(TERMS), unique=True, max_size=8))
    base = [(t, draw(WORDS), draw(st.sampled_from(["", "note"]))) for t in terms]
    owner = {t: draw(st.sampled_from(["ours", "theirs"])) for t in terms}
    spare = [t for t in TERMS if t not in terms]

    def side(name: str) -> list[tuple[str, str, str]]:
        rows = []
        for zh, en, note in base:
            action = draw(st.sampled_from(["keep", "keep", "drop", "en", "note", "script"]))
            if disjoint and owner[zh] != name:
                action = "keep"
            if action == "drop":
                continue
            if action == "script":
                zh = to_traditional(zh)
            rows.append(
                (zh, draw(WORDS) if action == "en" else en, "edited" if action == "note" else note)
            )
        for _ in range(draw(st.integers(0, 2))):
            if spare:
                new = spare.pop(draw(st.integers(0, len(spare) - 1)))
                rows.insert(draw(st.integers(0, len(rows))), (new, draw(WORDS), ""))
        return rows

    def text(rows: list[tuple[str, str, str]]) -> str:
        return "zh,en,note\n# terms\n" + "".join(f"{zh},{en},{note}\n" for zh, en, note in rows)

    return text(base), text(side("ours")), text(side("theirs"))


def merge_texts(base: str, ours: str, theirs: str) -> Glossary:
    glossary = Glossary.from_text(ours)
    merge(Glossary.from_text(base), glossary, Glossary.from_text(theirs))
    return Glossary.from_text(glossary.to_text())


@settings(max_examples=300, deadline=None)
@given(sides=glossaries())
def test_merging_with_base_or_with_itself_is_identity(sides: tuple[str, str, str]) -> None:
    base, x, _y = sides
    assert merge_texts(base, x, base).to_text() == x  # THEIRS unchanged: OURS byte for byte
    assert merge_texts(base, x, x).to_text() == x  # both made the same changes
    back = merge_texts(base, base, x)  # OURS unchanged: THEIRS's entries, in THEIRS's order
    assert fields(back.entries) == fields(Glossary.from_text(x).entries)


@settings(max_examples=300, deadline=None)
@given(sides=glossaries(disjoint=True))
def test_disjoint_edits_merge_cleanly_and_commute(sides: tuple[str, str, str]) -> None:
    base, ours, theirs = sides
    one, two = merge_texts(base, ours, theirs), merge_texts(base, theirs, ours)
    assert check(one) == [] and check(two) == []  # no conflict, no duplicate
    assert sorted(fields(one.entries)) == sorted(fields(two.entries))
    original = {e.key: fields([e]) for e in Glossary.from_text(base).entries}
    changed = {
        e.key: fields([e])
        for side in (ours, theirs)
        for e in Glossary.from_text(side).entries
        if fields([e]) != original.get(e.key)
    }
    for entry in one.entries:  # each row is as the side that changed it has it
        assert fields([entry]) == changed.get(entry.key, original.get(entry.key))
    kept = {k for k in original if all(k in keys(side) for side in (ours, theirs))}
    added = (keys(ours) | keys(theirs)) - set(original)
    assert [e.key for e in one.entries] == list(dict.fromkeys(e.key for e in one.entries))
    assert {e.key for e in one.entries} == kept | added  # nothing lost, nothing revived


def keys(text: str) -> set[str]:
    return {e.key for e in Glossary.from_text(text).entries}
