"""Glossary layers (issue 24, items 1 and 4): which layers, precedence, edits, read-only paths.

Every test here reads real files through `resolve_layers` / `LayeredGlossary` or runs the CLI
(`reader.cli.main`) on them; a reference layer's bytes are compared before and after, since a
reference must never be written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.cli import main
from reader.documents.scripts import to_traditional
from reader.errors import ReaderError
from reader.glossary.file import Entry, Glossary, simplify
from reader.glossary.layers import Layer, LayeredGlossary, LayerSource, open_layers, resolve_layers
from reader.glossary.matching import TermMatcher
from tests.conftest import messages, one_message

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "glossary.csv"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    """A project glossary over a team glossary that shares one term (in the other script)."""
    project = write(
        tmp_path / "project.csv", "zh,en\n聯防聯控,joint control (project)\n新词,new word\n"
    )
    team = write(
        tmp_path / "team.csv",
        "zh,en,note\n联防联控,joint prevention and control,team\n四早,four earlies,team\n",
    )
    return project, team


def layers_args(*paths: Path) -> list[str]:
    return [arg for path in paths for arg in ("--glossary", str(path))]


# --- precedence ------------------------------------------------------------------------------


def test_the_earlier_layer_wins_for_the_same_term_in_either_script(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", "zh,en\n聯防聯控,A\n只在甲,only a\n")
    b = write(tmp_path / "b.csv", "zh,en\n联防联控,B\n只在乙,only b\n")
    c = write(tmp_path / "c.csv", "zh,en\n联防联控,C\n只在乙,also c\n只在丙,only c\n")
    g = open_layers([a, b, c])
    assert [(e.zh, e.en) for e in g.entries] == [
        ("聯防聯控", "A"),
        ("只在甲", "only a"),
        ("只在乙", "only b"),
        ("只在丙", "only c"),
    ]
    assert [g.layer_of(e).label for e in g.entries] == ["a", "a", "b", "c"]
    winner = g.find("联防联控")
    assert winner is not None and winner.en == "A"
    assert [(layer.label, e.en) for layer, e in g.shadowed(winner)] == [("b", "B"), ("c", "C")]
    assert g.writable.path == a and g.layers[1].read_only and not g.layers[0].read_only
    # what the matcher (and so the pipeline) sees is the winner, in Traditional text too
    hits = TermMatcher(g.entries).find_in_text("要坚持联防联控")
    assert [entry.en for _, _, entry in hits] == ["A"]


def test_every_shipped_term_is_overridden_by_the_layer_above_in_the_other_script(
    tmp_path: Path,
) -> None:
    """The class, not the sample: each of the 530 shipped terms, written in Traditional in a
    layer above the shipped glossary, is the entry in effect and says where it came from."""
    shipped = Glossary.load(SHIPPED).entries
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["zh", "en"])
    for i, entry in enumerate(shipped):
        writer.writerow([to_traditional(entry.zh), f"override {i}"])
    top = write(tmp_path / "top.csv", buffer.getvalue())
    g = open_layers([top, SHIPPED])
    assert len(g.entries) == len({e.key for e in shipped})
    for i, entry in enumerate(shipped):
        found = g.find(entry.zh)
        assert found is not None and found.en == f"override {i}", entry.zh
        assert g.layer_of(found).label == "top"
        assert [e for _, e in g.shadowed(found)] == [entry], entry.zh


def test_revision_follows_every_layer_so_a_matcher_knows_it_is_stale(
    two: tuple[Path, Path],
) -> None:
    project, team = two
    g = open_layers([project, team])
    first = g.revision
    assert g.revision == first  # reading does not bump it
    team.write_text("zh,en\n联防联控,x\n口罩,mask\n", encoding="utf-8")
    g.layers[1].glossary.reload()
    assert g.revision != first and g.find("口罩") is not None
    second = g.revision
    g.add(Entry("外防输入", "preventing imported cases"))
    assert g.revision != second
    third = g.revision
    g.save()  # the saved entries are new objects (their line numbers): the list is new too
    saved = g.find("外防输入")
    assert g.revision != third and saved is not None and saved.line == 4
    assert g.layer_of(saved).path == project


def test_a_translator_on_layers_follows_an_override(two: tuple[Path, Path]) -> None:
    from reader.documents.loading import load_text
    from reader.translation.engines.gloss import GlossEngine
    from reader.translation.pipeline import Translator

    project, team = two
    g = open_layers([project, team])
    doc = load_text("落实四早要求。")
    translator = Translator(GlossEngine(), g, None)
    (before,) = translator.translate(doc).values()
    assert "four earlies" in before.text
    g.update("四早", en="the four earlies principle")
    (after,) = translator.translate(doc).values()
    assert "the four earlies principle" in after.text


# --- which layers ----------------------------------------------------------------------------


def test_several_glossary_flags_are_layers_in_order(
    capsys: pytest.CaptureFixture[str], two: tuple[Path, Path]
) -> None:
    project, team = two
    code, out, _ = run(capsys, "glossary", "path", *layers_args(project, team))
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == [str(project), "chosen by: --glossary"]
    assert lines[2].startswith("layers (for the same term the earlier wins")
    assert " ".join(" ".join(lines[3:]).split()) == (
        f"1. project: {project} (writable; --glossary) 2. team: {team} (read-only; --glossary)"
    )
    # the same file twice is one layer
    _, out, _ = run(capsys, "glossary", "path", *layers_args(project, project))
    assert out.splitlines() == [str(project), "chosen by: --glossary"]


def test_reader_glossary_env_holds_a_colon_separated_list(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], two: tuple[Path, Path]
) -> None:
    project, team = two
    monkeypatch.setenv("READER_GLOSSARY", f"{project}::{team}:")
    assert [(s.path, s.reason) for s in resolve_layers()] == [
        (project, "READER_GLOSSARY"),
        (team, "READER_GLOSSARY"),
    ]
    code, out, _ = run(capsys, "glossary", "list", "联防")
    assert code == 0 and "joint control (project)" in out and "joint prevention" not in out
    code, out, _ = run(capsys, "glossary", "list", "四早")
    assert code == 0 and "team" in out.splitlines()[1]  # the LAYER column
    # --glossary replaces the list
    assert [s.path for s in resolve_layers(str(team))] == [team]


def test_config_file_lists_layers_relative_to_its_folder(
    hermetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = hermetic / "config" / "reader" / "config.toml"
    write(config.parent / "mine.csv", "zh,en\n")
    shared = write(tmp_path / "shared" / "glossary.csv", "zh,en\n四早,four earlies\n")
    write(config, f'[glossary]\nlayers = ["mine.csv", "{shared}"]\n')
    monkeypatch.chdir(tmp_path)
    sources = resolve_layers()
    assert [s.path for s in sources] == [config.parent / "mine.csv", shared]
    assert [s.label for s in sources] == ["mine", "shared"]
    assert sources[0].reason == f"config file {config}"
    # a project glossary layers over them
    write(tmp_path / "glossary.csv", "zh,en\n")
    assert [s.path for s in resolve_layers()] == [
        Path("glossary.csv"),
        config.parent / "mine.csv",
        shared,
    ]
    # one string is a list of one; ~ is the home folder
    write(config, '[glossary]\nlayers = "~/g.csv"\n')
    assert resolve_layers()[1].path == Path.home() / "g.csv"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[glossary]\nlayers = [1]\n", "glossary.layers must be a list of file names"),
        ("[glossary]\nfiles = []\n", "unknown setting glossary.files"),
        ("glossary = 3\n", "[glossary] must be a table"),
    ],
)
def test_a_bad_config_list_is_one_line(
    hermetic: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    config = write(hermetic / "config" / "reader" / "config.toml", text)
    code, _, err = run(capsys, "glossary", "path")
    assert code == 2 and one_message(err) == f"reader: {config}: {message}"


def test_project_glossary_beside_the_document_then_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hermetic: Path
) -> None:
    book = tmp_path / "book"
    doc = write(book / "chapter.txt", "四早。\n")
    monkeypatch.chdir(tmp_path)
    (user,) = resolve_layers(document=str(doc))  # no project glossary: the user's alone
    assert user.label == "user" and user.path.is_relative_to(hermetic)
    write(tmp_path / "glossary.csv", "zh,en\n")
    here = resolve_layers(document=str(doc))
    assert [(s.path, s.label) for s in here] == [
        (Path("glossary.csv"), "project"),
        (user.path, "user"),
    ]
    assert here[0].reason == "./glossary.csv in the current directory"
    write(book / "glossary.csv", "zh,en\n")
    beside = resolve_layers(document=str(doc))
    assert [s.path for s in beside] == [book / "glossary.csv", user.path]
    assert beside[0].reason == "glossary.csv beside the document"
    monkeypatch.chdir(book)  # the same file both ways: one layer
    assert [s.path for s in resolve_layers(document="chapter.txt")] == [
        Path("glossary.csv"),
        user.path,
    ]
    assert next(s.path for s in resolve_layers(document="-")) == Path("glossary.csv")


def test_terms_says_which_layer_each_term_came_from(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default: the project glossary beside the document over the user's own glossary
    (a copy of the shipped one)."""
    book = tmp_path / "book"
    doc = write(book / "doc.txt", "坚持联防联控，落实新词和四早要求。\n")
    write(book / "glossary.csv", "zh,en\n聯防聯控,joint control (project)\n新词,new word\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "terms", str(doc), "--no-translate", "--engine", "gloss")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split()[-1] == "LAYER"
    layer = {row.split()[0]: row.split()[-1] for row in rows}
    assert layer == {"聯防聯控": "project", "新词": "project", "四早": "user"}
    code, out, _ = run(capsys, "terms", str(doc), "--no-translate", "--json")
    terms = {t["zh"]: t for t in json.loads(out)["terms"]}
    assert terms["聯防聯控"]["en"] == "joint control (project)"
    assert terms["聯防聯控"]["layer"] == "project"
    assert terms["聯防聯控"]["layer_path"] == str(book / "glossary.csv")
    assert terms["四早"]["layer"] == "user"
    # one layer: no LAYER column
    alone = ["--glossary", str(book / "glossary.csv")]
    _, out, _ = run(capsys, "terms", str(doc), "--no-translate", *alone)
    assert "LAYER" not in out


def test_path_of_a_term_names_its_layer_and_what_it_overrides(
    capsys: pytest.CaptureFixture[str], two: tuple[Path, Path]
) -> None:
    project, team = two
    args = layers_args(project, team)
    code, out, _ = run(capsys, "glossary", "path", "联防联控", *args)
    assert code == 0
    text = " ".join(out.split())
    assert text == (
        f"聯防聯控 → joint control (project): layer 1 (project), {project} line 2 "
        f"overrides 'joint prevention and control' of layer 2 (team), {team} line 2"
    )
    _, out, _ = run(capsys, "glossary", "path", "四早", *args)
    assert " ".join(out.split()) == f"四早 → four earlies: layer 2 (team), {team} line 3"
    code, _, err = run(capsys, "glossary", "path", "没有", *args)
    assert code == 1 and "in no glossary layer" in "\n".join(messages(err))


# --- editing ---------------------------------------------------------------------------------


def test_editing_a_reference_term_adds_an_override_to_the_first_layer(
    capsys: pytest.CaptureFixture[str], two: tuple[Path, Path]
) -> None:
    project, team = two
    before = team.read_bytes()
    args = layers_args(project, team)
    code, out, _ = run(capsys, "glossary", "edit", "四早", "--en", "the four earlies", *args)
    assert code == 0
    assert " ".join(out.split()) == (
        f"edited 四早 → the four earlies ({project}; overrides 'four earlies' of layer team)"
    )
    assert team.read_bytes() == before
    override = Glossary.load(project).find("四早")
    assert override is not None and override.en == "the four earlies"
    assert override.note == "team"  # the reference entry's other fields came along
    # removing the override brings the reference back; the reference itself cannot go
    code, out, _ = run(capsys, "glossary", "remove", "四早", *args)
    assert code == 0 and "四早 → four earlies of layer team applies again" in out
    code, _, err = run(capsys, "glossary", "remove", "四早", *args)
    assert code == 2
    assert one_message(err).startswith(
        f"reader: {team}: 四早 is in layer team, a read-only reference"
    )
    assert team.read_bytes() == before
    # adding a term only a reference layer has is an override too
    code, out, _ = run(capsys, "glossary", "add", "四早", "4 earlies", *args)
    assert code == 0 and "overrides 'four earlies' of layer team" in " ".join(out.split())
    assert team.read_bytes() == before


def test_renaming_a_reference_term_is_refused(two: tuple[Path, Path]) -> None:
    project, team = two
    g = open_layers([project, team])
    with pytest.raises(ReaderError, match="an override keeps its term"):
        g.update("四早", zh="四早原则")
    assert Glossary.load(project).find("四早") is None


def test_check_and_convert_work_per_layer(
    capsys: pytest.CaptureFixture[str], two: tuple[Path, Path]
) -> None:
    project, team = two
    code, out, _ = run(capsys, "glossary", "check", *layers_args(project, team))
    assert code == 0 and out == "ok: 3 entries in 2 layers (2 + 2)\n"  # an override is no duplicate
    team.write_text(team.read_text(encoding="utf-8") + "四早,other\n", encoding="utf-8")
    code, out, err = run(capsys, "glossary", "check", *layers_args(project, team))
    assert code == 1 and f"{team}:4: conflicting renderings for 四早" in out
    assert f"1 problem(s) in {team}" in "\n".join(messages(err))


# --- concurrency and read-only paths ---------------------------------------------------------


def test_a_read_only_first_layer_refuses_edits_in_one_line(
    capsys: pytest.CaptureFixture[str], two: tuple[Path, Path]
) -> None:
    project, team = two
    before = project.read_bytes()
    project.chmod(0o444)
    try:
        args = layers_args(project, team)
        code, _, err = run(capsys, "glossary", "add", "口罩", "mask", *args)
        assert code == 2
        assert one_message(err).startswith(
            f"reader: {project}: glossary edits refused: is read-only"
        )
        code, _, err = run(capsys, "glossary", "edit", "四早", "--en", "x", *args)
        assert code == 2 and "glossary edits refused" in one_message(err)
        # reading still works, and `path` says so
        code, out, _ = run(capsys, "glossary", "path", *args)
        assert code == 0 and out.splitlines()[2].startswith("read-only: is read-only")
        assert "1. project:" in out and "(read-only; --glossary)" in out
        g = open_layers([project, team])
        with pytest.raises(ReaderError, match="glossary edits refused"):
            g.add(Entry("口罩", "mask"))
        assert g.find("口罩") is None  # refused before anything changed
    finally:
        project.chmod(0o644)
    assert project.read_bytes() == before


def test_a_first_layer_in_a_read_only_folder_is_read_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, two: tuple[Path, Path]
) -> None:
    _, team = two
    folder = tmp_path / "locked"
    project = write(folder / "glossary.csv", "zh,en\n")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, _, err = run(capsys, "glossary", "add", "口罩", "mask", *layers_args(project, team))
        assert code == 2
        message = one_message(err)
        assert message.startswith(f"reader: {project}: glossary edits refused: folder {folder} ")
        assert not (folder / "glossary.csv.lock").exists()
    finally:
        folder.chmod(0o755)
    assert project.read_text(encoding="utf-8") == "zh,en\n"


def test_a_changed_reference_does_not_block_a_save_but_a_changed_first_layer_does(
    two: tuple[Path, Path],
) -> None:
    project, team = two
    g = open_layers([project, team])
    team.write_text("zh,en\n口罩,mask\n", encoding="utf-8")  # another program, meanwhile
    g.add(Entry("外防输入", "preventing imported cases"))
    g.save()  # only the first layer is written: the reference's change is no conflict
    assert Glossary.load(project).find("外防输入") is not None
    assert team.read_text(encoding="utf-8") == "zh,en\n口罩,mask\n"
    project.write_text(project.read_text(encoding="utf-8") + "别的,other\n", encoding="utf-8")
    g.add(Entry("内防反弹", "preventing a resurgence"))
    with pytest.raises(ReaderError, match="changed on disk"):
        g.save()


def test_concurrent_adds_with_two_layers_all_land_in_the_first(two: tuple[Path, Path]) -> None:
    """The lock is the first layer's: eight `reader glossary add` at once all land there."""
    project, team = two
    before = team.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reader",
                "glossary",
                "add",
                f"并发{i}",
                f"concurrent {i}",
                *layers_args(project, team),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    for proc in procs:
        out, err = proc.communicate()
        assert proc.returncode == 0 and out.startswith("added"), err
    added = [e.en for e in Glossary.load(project).entries if e.en.startswith("concurrent")]
    assert sorted(added) == sorted(f"concurrent {i}" for i in range(8))
    assert team.read_bytes() == before
    assert not (team.parent / "team.csv.lock").exists()  # a reference is never locked


def test_single_wraps_one_glossary(tmp_path: Path) -> None:
    path = write(tmp_path / "g.csv", "zh,en\n四早,four earlies\n")
    g = LayeredGlossary.single(Glossary.load(path))
    assert [e.zh for e in g.entries] == ["四早"] and g.label_of(g.entries[0]) == ""
    assert g.path == path and g.layer_of(g.entries[0]).label == "g"


# a few characters with distinct Traditional forms, so layers meet in both scripts
_CHARS = "联聯防控检檢测測四早"


@given(
    st.lists(
        st.lists(st.text(_CHARS, min_size=1, max_size=3), max_size=6, unique_by=simplify),
        min_size=1,
        max_size=4,
    )
)
def test_precedence_on_any_layers(layers: list[list[str]]) -> None:
    """Whatever the layers hold: one entry per term, the first layer's that has it, in order
    of the layers, each saying where it came from and what it hides."""
    stack = LayeredGlossary(
        [
            Layer(
                Glossary(f"{i}.csv", [Entry(zh, f"{i}:{zh}") for zh in terms]),
                LayerSource(Path(f"{i}.csv"), "--glossary", str(i)),
                first=i == 0,
            )
            for i, terms in enumerate(layers)
        ]
    )
    expected: dict[str, str] = {}
    hidden: dict[str, list[str]] = {}
    for i, terms in enumerate(layers):
        for zh in terms:
            if simplify(zh) in expected:
                hidden[simplify(zh)].append(f"{i}:{zh}")
            else:
                expected[simplify(zh)], hidden[simplify(zh)] = f"{i}:{zh}", []
    assert [e.en for e in stack.entries] == list(expected.values())
    for key, en in expected.items():
        entry = stack.find(to_traditional(key))
        assert entry is not None and entry.en == en
        assert stack.layer_of(entry).label == en.split(":")[0]
        assert [e.en for _, e in stack.shadowed(entry)] == hidden[key]


def test_reader_config_shows_the_config_layers(
    hermetic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        hermetic / "config" / "reader" / "config.toml", '[glossary]\nlayers = ["a.csv", "b.csv"]\n'
    )
    code, out, _ = run(capsys, "config")
    assert code == 0
    shown = out.split("glossary layers ([glossary] layers; the first is written to):\n")[1]
    assert shown.splitlines()[:2] == [
        f"  {config.parent / 'a.csv'}",
        f"  {config.parent / 'b.csv'}",
    ]
    config.write_text("", encoding="utf-8")
    _, out, _ = run(capsys, "config")
    assert "  not set: your own glossary" in out


def test_a_gbk_reference_layer_is_read_and_its_advice_runs(
    capsys: pytest.CaptureFixture[str], two: tuple[Path, Path]
) -> None:
    """A reference saved as GBK (Excel) is read; the warning's command converts it."""
    project, team = two
    team.write_bytes("zh,en\n口罩,mask\n".encode("gbk"))
    code, out, err = run(capsys, "glossary", "list", "口罩", *layers_args(project, team))
    assert code == 0 and "mask" in out
    (advice,) = [message for message in messages(err) if "convert it first" in message]
    command = advice.split("`")[1].split()
    assert command[:3] == ["reader", "glossary", "convert"]
    code, _, _ = run(capsys, *command[1:])
    assert code == 0 and team.read_text(encoding="utf-8") == "zh,en\n口罩,mask\n"


def test_a_missing_reference_layer_is_one_line_and_a_missing_first_layer_is_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, two: tuple[Path, Path]
) -> None:
    project, _ = two
    missing = tmp_path / "nowhere.csv"
    code, _, err = run(capsys, "glossary", "list", *layers_args(project, missing))
    assert code == 2 and one_message(err) == f"reader: {missing}: no such glossary file"
    new = tmp_path / "new.csv"
    code, out, _ = run(capsys, "glossary", "add", "口罩", "mask", *layers_args(new, project))
    assert code == 0 and " ".join(out.split()) == f"added 口罩 → mask ({new})"
    assert Glossary.load(new).find("口罩") is not None
