"""Every CTranslate2 layout through `reader model install --file`, `translate`, `export`, the TUI.

The models are tiny, random-weight and real (tests/layout_models.py): CTranslate2 and
SentencePiece run for real, so a wrong tokenizer, a missing language token or a prefix left in
the output shows up as a failure here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.han import has_han
from reader.translation import installed
from tests.conftest import messages, one_message, seed
from tests.layout_models import NLLB_TOKENS, OPUS, QUICKMT, archive, build_nllb, build_separate


@pytest.fixture(scope="session")
def layout_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("layouts")
    build_separate(dest, QUICKMT)
    build_separate(dest, OPUS)
    build_nllb(dest)
    return dest


def install(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> str:
    capsys.readouterr()
    assert main(["model", "install", "--file", str(path), *extra]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def one_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    return one_message(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("folder", "kind", "layout", "files"),
    [
        ("quickmt-zh-en-tiny", "dir", "separate-spm", ("src.spm.model", "tgt.spm.model")),
        ("opus-mt-zh-en-tiny", "tar.gz", "separate-spm", ("source.spm", "target.spm")),
        ("nllb-200-tiny-ct2", "zip", "nllb", ("sentencepiece.bpe.model",) * 2),
    ],
)
def test_each_layout_installs_and_translates(
    layout_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    folder: str,
    kind: str,
    layout: str,
    files: tuple[str, str],
) -> None:
    source = layout_dir / folder if kind == "dir" else archive(layout_dir / folder, kind)
    out = install(capsys, source)
    assert f"({'ctranslate2'}, {layout}," in out
    (info,) = [m for m in installed.all_models() if m.kind == "ctranslate2"]
    assert info.name == folder and info.layout == layout
    record = json.loads((info.path / "reader-model.json").read_text())
    assert (record["source_spm"], record["target_spm"]) == files
    # nothing staged is left behind
    assert [p.name for p in installed.models_dir().iterdir()] == [folder]

    assert main(["translate", str(seed("003"))]) == 0
    captured = capsys.readouterr()
    notices = "\n".join(messages(captured.err))
    assert f"engine: ctranslate2 ({folder}" in notices and layout in notices
    english = captured.out.strip()
    assert english and not has_han(english)  # the target tokenizer decoded English pieces
    assert "eng_Latn" not in english and "▁" not in english

    target = tmp_path / "out.md"
    assert main(["export", str(seed("003")), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").count("|") > 10


def test_nllb_sources_carry_language_tokens_and_the_prefix_is_dropped(
    layout_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import ctranslate2

    from reader.translation.engines.argos import CTranslate2Engine
    from reader.translation.engines.layouts import Tokenizer

    install(capsys, layout_dir / "nllb-200-tiny-ct2")
    (info,) = [m for m in installed.all_models() if m.kind == "ctranslate2"]
    tokenizer = Tokenizer(info.layout_files())
    source = tokenizer.encode_source("国务院召开常务会议。")
    assert source[0] == NLLB_TOKENS[0] and source[-1] == "</s>" and len(source) > 3
    assert tokenizer.target_prefix() == [NLLB_TOKENS[1]]
    # the model itself: with the prefix every hypothesis starts with eng_Latn, and the
    # engine's English does not contain it
    engine = CTranslate2Engine(info, threads=1)
    options = {**engine._options(), "max_decoding_length": engine._cap(len(source), ["x"])}
    raw = ctranslate2.Translator(str(info.path), compute_type="auto").translate_batch(
        [source], target_prefix=[[NLLB_TOKENS[1]]], **options
    )
    assert raw[0].hypotheses[0][0] == NLLB_TOKENS[1]
    (english,) = engine.translate_batch(["国务院召开常务会议。"])
    assert english and "eng_Latn" not in english
    assert tokenizer.decode(raw[0].hypotheses[0]) == english
    # n-best with a forced English start keeps the language token ahead of it
    for hypothesis in engine.translate_nbest("国务院召开常务会议。", 2, target_prefix="The"):
        assert hypothesis.startswith("The") and "eng_Latn" not in hypothesis


def test_unknown_layout_is_refused_naming_what_was_found(
    layout_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd-model"
    odd.mkdir()
    for name in ("model.bin", "config.json", "shared_vocabulary.json"):
        (odd / name).write_bytes((layout_dir / "nllb-200-tiny-ct2" / name).read_bytes())
    (odd / "tokenizer.json").write_text("{}")
    line = one_error(capsys, "model", "install", "--file", str(odd))
    assert line.startswith(f"reader: {odd}: unknown CTranslate2 model layout")
    assert "found: config.json, model.bin, shared_vocabulary.json, tokenizer.json" in line
    assert installed.all_models() == []


def test_no_model_bin_and_a_damaged_model_are_refused_and_nothing_is_installed(
    layout_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    assert "no model.bin (found: notes.txt)" in one_error(
        capsys, "model", "install", "--file", str(empty)
    )
    damaged = tmp_path / "quickmt-zh-en-tiny"
    import shutil

    shutil.copytree(layout_dir / "quickmt-zh-en-tiny", damaged)
    data = (damaged / "model.bin").read_bytes()
    (damaged / "model.bin").write_bytes(data[: len(data) // 2])
    line = one_error(capsys, "model", "install", "--file", str(damaged))
    assert "does not load" in line and "nothing was installed" in line
    assert installed.all_models() == []
    assert [p.name for p in installed.models_dir().iterdir()] == []


def test_auto_takes_the_model_installed_last_and_model_picks_any(
    layout_dir: Path,
    hermetic: Path,
    tiny_argos_archive: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    install(capsys, tiny_argos_archive)
    install(capsys, layout_dir / "quickmt-zh-en-tiny")
    assert main(["translate", str(seed("003"))]) == 0
    err = "\n".join(messages(capsys.readouterr().err))
    assert "engine: ctranslate2 (quickmt-zh-en-tiny" in err and "installed last of 2" in err
    assert main(["translate", str(seed("003")), "--model", "translate-zh_en"]) == 0
    err = "\n".join(messages(capsys.readouterr().err))
    assert "engine: argos (translate-zh_en 0.1, argos; chosen with --model)" in err
    assert main(["translate", str(seed("003")), "--engine", "argos"]) == 0
    assert "engine: argos (translate-zh_en" in "\n".join(messages(capsys.readouterr().err))
    line = one_error(capsys, "translate", str(seed("003")), "--model", "nope")
    assert "no such installed model (installed: translate-zh_en, quickmt-zh-en-tiny)" in line

    assert main(["model", "list"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if "tiny" in line or "translate-zh_en" in line]
    assert len(rows) == 2 and rows[1].split()[:2] == ["*", "quickmt-zh-en-tiny"]
    assert "separate-spm" in rows[1] and "zh→en" in rows[1]
    assert all(len(line) <= 80 for line in out.splitlines() if str(hermetic) not in line)

    assert main(["model", "remove", "quickmt-zh-en-tiny"]) == 0
    assert [m.name for m in installed.all_models()] == ["translate-zh_en"]


async def test_the_reader_translates_with_a_separate_spm_model(
    layout_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.ui.helpers import make_app, status_line, wait_translated

    install(capsys, layout_dir / "opus-mt-zh-en-tiny")
    app = make_app(tmp_path, "003", engine="auto")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        assert "ctranslate2" in status_line(app)
        english = [t for t in app.services.translator.engine.translate_batch(["你好。"])]
        assert english[0] and not has_han(english[0])
