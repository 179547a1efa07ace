"""`reader postedits list|show`: every post-edit, in use or orphaned, through `reader.cli.main`
with the hermetic data folder (the same post-edits file the reader writes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import main
from reader.documents.loading import load_document
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import document_key
from tests.conftest import messages

FIRST = "北京市今天召开会议，强调要加强疫情防控工作，落实各项措施。"
SECOND = "全市社区要坚持做好防控工作，重要的是落实。"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """A document with both paragraphs post-edited, then its first paragraph corrected."""
    path = tmp_path / "news.txt"
    path.write_text(f"{FIRST}\n\n{SECOND}\n", encoding="utf-8")
    doc = load_document(str(path))
    memory = TranslationMemory()  # the default files, in the hermetic data folder
    for p, english in zip(doc.paragraphs, ("Beijing met today.", "Keep at it."), strict=True):
        memory.set_post_edit(document_key(doc), p.id, p.text, english)
    memory.close()
    path.write_text(f"{FIRST.replace('今天', '昨天')}\n\n{SECOND}\n", encoding="utf-8")
    return path


def test_list_says_which_are_orphaned(capsys: pytest.CaptureFixture[str], edited: Path) -> None:
    code, out, err = run(capsys, "postedits", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "STATE", "UPDATED", "DOCUMENT", "SOURCE", "EDIT"]
    by_state = {("orphaned" if "orphaned" in line else "in use"): line for line in lines[1:]}
    assert len(lines) == 3 and set(by_state) == {"orphaned", "in use"}
    assert "Beijing met" in by_state["orphaned"] and "news.txt" in by_state["orphaned"]
    assert "Keep at it." in by_state["in use"]
    assert "Beijing met today." in run(capsys, "postedits", "list", "--wide")[1]
    assert "1 orphaned" in err and "(A)" in err
    assert all(len(line) <= 80 for line in (out + err).splitlines())

    code, out, _ = run(capsys, "postedits", "list", "--orphaned")
    assert code == 0 and len(out.splitlines()) == 2 and "Beijing met" in out


def test_show_one_whole(capsys: pytest.CaptureFixture[str], edited: Path) -> None:
    _, out, _ = run(capsys, "postedits", "list", "--orphaned", "--wide")
    ident = out.splitlines()[1].split()[0]
    code, out, _ = run(capsys, "postedits", "show", ident[:5])
    assert code == 0
    assert f"id:        {ident}" in out
    assert f"document:  {edited.resolve()}" in out
    assert "state:     orphaned" in out
    assert FIRST in out and "Beijing met today." in out


def test_show_unknown_or_ambiguous_is_one_line(
    capsys: pytest.CaptureFixture[str], edited: Path
) -> None:
    code, out, err = run(capsys, "postedits", "show", "zzzz")
    assert code == 2 and out == ""
    assert err == "reader: post-edit zzzz: no such post-edit (ids: `reader postedits list`)\n"
    code, _, err = run(capsys, "postedits", "show", "")
    assert code == 2 and err.count("\n") == 1


def test_a_document_gone_is_said(capsys: pytest.CaptureFixture[str], edited: Path) -> None:
    edited.unlink()
    code, out, err = run(capsys, "postedits", "list")
    assert code == 0 and out.count("orphaned") == 2
    assert err.startswith("warning: ") and str(edited.resolve()) in err


def test_none_yet(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "postedits", "list") == (0, "", "no post-edits\n")


@pytest.mark.parametrize("sub", ["list", "show"])
def test_help(capsys: pytest.CaptureFixture[str], sub: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["postedits", sub, "--help"])
    assert exit_info.value.code == 0 and "post-edit" in capsys.readouterr().out


def test_export_does_not_use_an_earlier_edit_and_says_so(
    capsys: pytest.CaptureFixture[str], edited: Path, tmp_path: Path
) -> None:
    out_md = tmp_path / "news.md"
    code, _, err = run(capsys, "export", str(edited), "--engine", "gloss", "-o", str(out_md))
    assert code == 0
    written = out_md.read_text(encoding="utf-8")
    assert "Keep at it." in written and "Beijing met today." not in written
    (note,) = [message for message in messages(err) if "changed paragraph" in message]
    assert note.startswith("reader: ") and note.endswith(
        ": 1 changed paragraph has a post-edit of an earlier version, not exported: accept it "
        "in the reader (A); see `reader postedits list`"
    )
    continued = [line for line in err.splitlines() if line.startswith("  ")]
    assert all(len(line) <= 80 for line in continued), continued


def test_translate_does_not_use_it_either_and_says_so(
    capsys: pytest.CaptureFixture[str], edited: Path
) -> None:
    code, out, err = run(capsys, "translate", str(edited), "--engine", "gloss")
    assert code == 0 and "Keep at it." in out and "Beijing met today." not in out
    said = " ".join(line.strip() for line in err.splitlines())
    assert "1 changed paragraph has a post-edit of an earlier version, not used" in said


def test_an_accepted_earlier_edit_is_carried_not_orphaned(
    capsys: pytest.CaptureFixture[str], edited: Path
) -> None:
    doc = load_document(str(edited))
    changed = doc.paragraphs[0]
    memory = TranslationMemory()
    memory.set_post_edit(document_key(doc), changed.id, changed.text, "Beijing met today.")
    memory.close()
    code, out, err = run(capsys, "postedits", "list")
    states = [line.split()[1] for line in out.splitlines()[1:]]
    assert code == 0 and sorted(states) == ["carried", "in", "in"]  # "in use" twice
    assert "orphaned" not in out + err
    carried = next(line.split()[0] for line in out.splitlines() if "carried" in line)
    _, out, _ = run(capsys, "postedits", "show", carried)
    assert "state:     carried (accepted for the corrected paragraph: " in out
