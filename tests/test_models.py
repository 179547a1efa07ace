"""Model management: offline install with validation, list, remove, and the index path."""

from __future__ import annotations

import json
import re
import stat
import zipfile
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.errors import ReaderError
from reader.translation import packages as models
from tests.conftest import one_message
from tests.tiny_model import TINY_FOLDER, metadata

TOP = TINY_FOLDER


def members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(path: Path, files: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        for name in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


def cli_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the CLI, expect exit code 2 and one error message without a traceback; return it
    on one line (a long one is printed on indented lines below its first)."""
    assert main(list(argv)) == 2
    return one_message(capsys.readouterr().err)


# --- install from a file ------------------------------------------------------------------------


def test_install_from_file_lists_and_finds_the_model(
    tiny_argos_archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert models.find_zh_en() is None
    assert main(["model", "install", "--file", str(tiny_argos_archive)]) == 0
    model = models.find_zh_en()
    assert model is not None
    assert (model.name, model.from_code, model.to_code, model.version) == (
        "translate-zh_en",
        "zh",
        "en",
        "0.1",
    )
    assert model.path == paths.argos_packages_dir() / TOP
    assert (model.path / "model" / "model.bin").is_file()
    assert models.installed_packages() == [model]
    capsys.readouterr()
    assert main(["model", "list"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "translate-zh_en" in line)
    assert row.split() == ["*", "translate-zh_en", "argos", "argos", "0.1", *row.split()[-3:]]
    assert row.split()[-1] == "zh→en" and row.split()[-2] in ("kB", "MB")
    assert all(len(line) <= 80 for line in out.splitlines() if "translate" in line)
    # no staging folder is left behind
    assert [p.name for p in paths.argos_packages_dir().iterdir()] == [TOP]


def test_reinstall_replaces_the_installed_copy(tiny_argos_archive: Path) -> None:
    first = models.install_from_file(tiny_argos_archive)
    (first.path / "stale.txt").write_text("old")
    second = models.install_from_file(tiny_argos_archive)
    assert second == first
    assert not (second.path / "stale.txt").exists()


def test_install_uses_the_packages_dir_of_the_moment(
    tiny_argos_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # argostranslate reads ARGOS_PACKAGES_DIR once at import; we must not
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "elsewhere"))
    model = models.install_from_file(tiny_argos_archive)
    assert model.path == tmp_path / "elsewhere" / TOP


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("not a zip", "not an Argos model: an .argosmodel file is a zip archive"),
        ("../evil", "unsafe archive: member '../evil' escapes the package folder"),
        (f"{TOP}/../../evil", f"unsafe archive: member '{TOP}/../../evil' escapes"),
        ("/tmp/evil", "unsafe archive: member '/tmp/evil' escapes the package folder"),
        ("symlink", f"unsafe archive: member '{TOP}/link' is a symbolic link"),
        ("wrong pair", "wrong language pair en→de: reader needs a zh→en model"),
        ("no model", f"not an Argos model: {TOP}/model/model.bin is missing"),
        ("no sentencepiece", f"not an Argos model: {TOP}/sentencepiece.model is missing"),
        ("no metadata", f"not an Argos model: {TOP}/metadata.json is missing"),
        ("bad metadata", f"{TOP}/metadata.json is not valid JSON"),
        ("two folders", "not an Argos model: expected one top-level folder holding the package"),
    ],
)
def test_bad_archives_are_refused_with_one_line(
    change: str,
    message: str,
    tiny_argos_archive: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = members(tiny_argos_archive)
    bad = tmp_path / "bad.argosmodel"
    symlinks: tuple[str, ...] = ()
    if change == "not a zip":
        bad.write_text("PK? no, just text\n")
    else:
        if change in ("../evil", f"{TOP}/../../evil", "/tmp/evil"):
            files[change] = b"pwned"
        elif change == "symlink":
            symlinks = (f"{TOP}/link",)
        elif change == "wrong pair":
            meta = json.loads(files[f"{TOP}/metadata.json"])
            meta.update(from_code="en", to_code="de")
            files[f"{TOP}/metadata.json"] = json.dumps(meta).encode()
        elif change == "no model":
            files = {k: v for k, v in files.items() if "/model/" not in k}
        elif change == "no sentencepiece":
            del files[f"{TOP}/sentencepiece.model"]
        elif change == "no metadata":
            del files[f"{TOP}/metadata.json"]
        elif change == "bad metadata":
            files[f"{TOP}/metadata.json"] = b"{nope"
        elif change == "two folders":
            files["other/readme.txt"] = b"hi"
        write_zip(bad, files, symlinks)
    line = cli_error(capsys, "model", "install", "--file", str(bad))
    assert line.startswith(f"reader: {bad}: {message}")
    # nothing was installed, nothing escaped
    assert list(paths.argos_packages_dir().iterdir()) == []
    assert not (tmp_path / "evil").exists()
    with pytest.raises(ReaderError):
        models.validate_archive(bad)


def test_missing_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = cli_error(capsys, "model", "install", "--file", str(tmp_path / "nope.argosmodel"))
    assert line == f"reader: {tmp_path / 'nope.argosmodel'}: no such file"


# --- listing and removal -------------------------------------------------------------------------


def test_broken_package_dirs_are_skipped(installed_tiny_model: models.InstalledModel) -> None:
    root = paths.argos_packages_dir()
    (root / "junk").mkdir()
    (root / "half").mkdir()
    (root / "half" / "metadata.json").write_text("{oops")
    assert models.installed_packages() == [installed_tiny_model]


def test_find_zh_en_ignores_other_pairs_and_incomplete_packages(
    installed_tiny_model: models.InstalledModel,
) -> None:
    root = paths.argos_packages_dir()
    other = root / "translate-en_de-1_0"
    (other / "model").mkdir(parents=True)
    (other / "model" / "model.bin").write_bytes(b"x")
    (other / "sentencepiece.model").write_bytes(b"x")
    (other / "metadata.json").write_text(
        json.dumps({"from_code": "en", "to_code": "de", "package_version": "1.0"})
    )
    newer_but_empty = root / "translate-zh_en-9_9"
    newer_but_empty.mkdir()
    (newer_but_empty / "metadata.json").write_text(
        json.dumps({"from_code": "zh", "to_code": "en", "package_version": "9.9"})
    )
    assert len(models.installed_packages()) == 3
    assert models.find_zh_en() == installed_tiny_model


def test_remove_by_name_default_and_unknown(
    installed_tiny_model: models.InstalledModel, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "remove", "translate-zh_en"]) == 0
    assert not installed_tiny_model.path.exists()
    assert models.find_zh_en() is None
    capsys.readouterr()
    assert cli_error(capsys, "model", "remove") == "reader: model remove: no model is installed"
    assert cli_error(capsys, "model", "remove", "nothing-here").startswith(
        "reader: nothing-here: no such installed model"
    )


def test_remove_by_path(installed_tiny_model: models.InstalledModel) -> None:
    removed = models.remove(installed_tiny_model.path)
    assert removed == installed_tiny_model
    assert models.installed_packages() == []


# --- the index (no network: a local index and file links only) -----------------------------------


def test_unreachable_index_says_how_to_install_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", (tmp_path / "no-index").as_uri() + "/")
    line = cli_error(capsys, "model", "install")
    assert "cannot reach the Argos package index (no network?)" in line
    assert "reader model install --file FILE" in line


def test_index_is_cached_listed_and_a_failed_download_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    entry = {
        **metadata("1.9", "Chinese to English"),
        # argostranslate downloads only http(s) links, so this fails without any network
        "links": [(tmp_path / "missing.argosmodel").as_uri()],
    }
    (index_dir / "index.json").write_text(json.dumps([entry]))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index_dir.as_uri() + "/")
    line = cli_error(capsys, "model", "install")
    assert line.startswith("reader: model install: download failed")
    assert "--file FILE" in line
    # the index was cached where argostranslate keeps it, and `list` shows what it offers
    assert models.index_path().is_file()
    assert models.available_packages() == [
        models.AvailableModel("translate-zh_en", "zh", "en", "1.9")
    ]
    assert main(["model", "list"]) == 0
    assert "translate-zh_en  zh→en  1.9" in capsys.readouterr().out


# --- unusable models: refused at install, a fallback at run time -----------------------------


def _newer_binary(model_bin: bytes) -> bytes:
    # CTranslate2's model.bin starts with its binary format version (uint32): pretend a newer one
    return (999).to_bytes(4, "little") + model_bin[4:]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("truncated", "the model does not load ("),
        ("newer", "the model does not load (it was made by a newer CTranslate2: model format v999"),
    ],
)
def test_unusable_model_is_not_installed(
    damage: str,
    reason: str,
    tiny_argos_archive: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = members(tiny_argos_archive)
    name = f"{TOP}/model/model.bin"
    files[name] = files[name][:1000] if damage == "truncated" else _newer_binary(files[name])
    bad = write_zip(tmp_path / "bad.argosmodel", files)
    line = cli_error(capsys, "model", "install", "--file", str(bad))
    assert line.startswith(f"reader: {bad}: {reason}")
    assert line.endswith("; nothing was installed")
    assert list(paths.argos_packages_dir().iterdir()) == []


def test_bad_crc_in_a_model_archive_is_one_line(
    tiny_argos_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.books import corrupt_member

    bad = tmp_path / "crc.argosmodel"
    bad.write_bytes(corrupt_member(tiny_argos_archive.read_bytes(), f"{TOP}/model/model.bin"))
    line = cli_error(capsys, "model", "install", "--file", str(bad))
    assert line == (
        f"reader: {bad}: damaged or incomplete download; download it again "
        "(a member fails its CRC check)"
    )
    assert list(paths.argos_packages_dir().iterdir()) == []


def test_unusable_installed_model_falls_back_to_gloss_or_fails_in_one_line(
    installed_tiny_model: models.InstalledModel,
) -> None:
    from reader.translation.engines.select import select_engine

    model_bin = installed_tiny_model.model_dir / "model.bin"
    model_bin.write_bytes(_newer_binary(model_bin.read_bytes()))
    engine, message = select_engine("auto")
    assert engine.name == "gloss"
    assert message.startswith(
        "engine: gloss (warning: the installed model translate-zh_en 0.1 does not load: "
        "it was made by a newer CTranslate2"
    )
    with pytest.raises(ReaderError) as error:
        select_engine("argos")
    assert error.value.render().startswith(
        f"reader: {installed_tiny_model.path}: the installed model does not load (it was made"
    )


def test_4_remove_without_a_name_refuses_when_several_are_installed(
    installed_tiny_model: models.InstalledModel, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    other = installed_tiny_model.path.with_name("translate-zh_en-0_2")
    shutil.copytree(installed_tiny_model.path, other)
    meta = json.loads((other / "metadata.json").read_text(encoding="utf-8"))
    (other / "metadata.json").write_text(json.dumps({**meta, "package_version": "0.2"}))
    assert len(models.installed_packages()) == 2
    capsys.readouterr()
    line = cli_error(capsys, "model", "remove")
    # the two share a name: their folders, which `remove` takes, tell them apart
    assert line == f"reader: model remove: 2 models are installed; name one: {TOP}, {other.name}"
    assert installed_tiny_model.path.is_dir() and other.is_dir()  # nothing was removed
    # named by its folder, one goes; then the only one left may go unnamed
    assert main(["model", "remove", other.name]) == 0
    assert main(["model", "remove"]) == 0
    assert models.installed_packages() == []


@pytest.mark.parametrize("suffix", [".argosmodel", ".zip"])
def test_7_a_download_cut_short_says_so(
    suffix: str, tiny_argos_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tiny_argos_archive.read_bytes()
    for cut in (len(data) // 2, len(data) - 30):  # the central directory gone, or half of it
        bad = tmp_path / f"cut{suffix}"
        bad.write_bytes(data[:cut])
        line = cli_error(capsys, "model", "install", "--file", str(bad))
        assert line == f"reader: {bad}: damaged or incomplete download; download it again"
    assert list(paths.argos_packages_dir().iterdir()) == []


def test_7_the_newer_ctranslate2_refusal_is_whole(tiny_argos_archive: Path, tmp_path: Path) -> None:
    import ctranslate2

    files = members(tiny_argos_archive)
    name = f"{TOP}/model/model.bin"
    files[name] = _newer_binary(files[name])
    bad = write_zip(tmp_path / "newer.argosmodel", files)
    with pytest.raises(ReaderError) as caught:
        models.install_from_file(bad)
    assert re.fullmatch(
        r"the model does not load \(it was made by a newer CTranslate2: model format v999, and "
        rf"CTranslate2 {re.escape(ctranslate2.__version__)} reads v\d+ or older; upgrade "
        r"ctranslate2 or use a model converted for this version\); nothing was installed",
        caught.value.message,
    )


def test_7_other_load_errors_end_at_a_sentence_or_a_word() -> None:
    long = "First sentence is here. " + "word " * 60
    assert models.load_error_summary(long) == "First sentence is here."
    cut = models.load_error_summary("x" * 5 + " word" * 60)
    assert cut.endswith("word…") and len(cut) <= models.MAX_CAUSE
    assert models.load_error_summary("short\nsecond line") == "short"
    assert len(models.load_error_summary("x" * 300)) == models.MAX_CAUSE
