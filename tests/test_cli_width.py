"""Command output fits an 80-column terminal (Chinese counted as two cells); --wide does not cut."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import COMMANDS, main
from reader.commands.common import display_width, table, truncate, wrap
from tests.conftest import ROOT, seed

GLOSSARY = str(ROOT / "glossary.csv")


@pytest.fixture(autouse=True)
def columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # what shutil.get_terminal_size reads first


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) in (0, 1)
    return capsys.readouterr().out


def too_wide(out: str, width: int = 80) -> list[str]:
    return [line for line in out.splitlines() if display_width(line) > width]


def bad_translation(tmp_path: Path) -> str:
    """One English line per source line, rendering no term: every occurrence is missing."""
    lines = [line for line in seed("000").read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / "en.txt"
    path.write_text("nothing here\n" * len(lines), encoding="utf-8")
    return str(path)


def test_glossary_list_of_the_shipped_glossary_fits(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "glossary", "list", "--glossary", GLOSSARY)
    assert len(out.splitlines()) > 400 and not too_wide(out)
    # the term stays whole when it can; a cut cell ends with …
    assert "\n国务院联防联控机制 " in out and "Joint Prevention and Co…" in out


def test_glossary_list_wide_prints_full_cells(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "glossary", "list", "--glossary", GLOSSARY, "--wide")
    assert too_wide(out)
    assert "Joint Prevention and Control Mechanism of the State Council" in out


def test_glossary_list_uses_a_wider_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "140")
    out = run(capsys, "glossary", "list", "--glossary", GLOSSARY)
    widths = [display_width(line) for line in out.splitlines()]
    assert 80 < max(widths) <= 140


@pytest.mark.parametrize(
    "argv",
    [
        ["terms", "--no-translate", str(seed("000"))],
        ["terms", "--engine", "gloss", str(seed("001"))],
        ["glossary", "suggest", str(seed("002"))],
        ["glossary", "suggest", str(seed("000"))],
    ],
    ids=["terms-000", "terms-001-gloss", "suggest-002", "suggest-000"],
)
def test_seed_reports_fit(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    out = run(capsys, *argv, "--glossary", GLOSSARY)
    assert out.strip() and not too_wide(out)


def test_terms_wide_prints_full_renderings(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["terms", "--engine", "gloss", str(seed("001")), "--glossary", GLOSSARY]
    assert "epidemic prevention and control\n" not in run(capsys, *argv)
    assert "epidemic prevention and control\n" in run(capsys, *argv, "--wide")


def test_check_report_fits(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["check", str(seed("000")), bad_translation(tmp_path), "--glossary", GLOSSARY]
    out = run(capsys, *argv)
    assert "line 29: missing: 【北京市】" in out and not too_wide(out)
    wide = run(capsys, *argv, "--wide")
    assert too_wide(wide) and "none of Beijing Municipality | Beijing in the English" in wide


def test_config_fits(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "config")
    # a path is printed whole, however long (the test's home is deep under /tmp)
    assert "api_key" in out and not too_wide(out.split("\n", 1)[1])


GLOSSARY_SUBCOMMANDS = ["list", "add", "edit", "remove", "check", "import", "export"]
GLOSSARY_SUBCOMMANDS += ["merge", "convert", "path", "suggest", "show"]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        *([c] for c in COMMANDS),
        *(["glossary", s] for s in GLOSSARY_SUBCOMMANDS),
        *(["model", s] for s in ("list", "install", "remove")),
        *(["postedits", s] for s in ("list", "show")),
    ],
    ids=lambda argv: " ".join(argv) or "reader",
)
def test_help_fits(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    out = capsys.readouterr().out
    assert "usage: reader" in out and not too_wide(out)


def test_truncate_counts_cells() -> None:
    assert truncate("国务院联防联控机制", 7) == "国务院…"
    assert truncate("国务院", 6) == "国务院"
    assert truncate("joint prevention", 8) == "joint p…"


def test_wrap_keeps_indent_and_breaks_chinese() -> None:
    lines = wrap(
        "  line 3: missing: " + "联防联控" * 6 + " — none of it in the English", 30, "    "
    )
    assert lines[0] == "  line 3: missing:" and all(display_width(x) <= 30 for x in lines)
    assert "".join(x.strip() for x in lines[1:4]).startswith("联防联控" * 6)


def test_table_shrinks_the_other_columns_first() -> None:
    rows = [["联防联控机制", "joint prevention and control mechanism", "x" * 60]]
    out = table(["ZH", "EN", "NOTE"], rows, width=64, keep=("ZH", "EN"))
    assert all(display_width(line) <= 64 for line in out.splitlines())
    assert "joint prevention and control mechanism" in out and "xxxxxxx…" in out


# --- piped, as a user's `reader … | less` or a log sees it (issue 25, item 8) --------------------


def piped(cwd: Path, *argv: str) -> tuple[int, str]:
    """Run `reader ARGV` in a subprocess with stdout and stderr piped and no $COLUMNS: what
    `reader … 2>&1 | less` shows. Returns the exit code and stdout + stderr (only stderr for
    `translate`: its stdout is the translation, the user's text, never rewrapped)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    done = subprocess.run(
        [sys.executable, "-m", "reader", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    if argv[0] == "translate":
        return done.returncode, done.stderr
    return done.returncode, done.stdout + done.stderr


def unbreakable(line: str) -> bool:
    """A line that is one path or URL (`reader: PATH:` included): printed whole, however long,
    as the test's deep temp folders make them."""
    return " " not in line.strip().removeprefix("reader: ").rstrip(":")


class _ErrorServer:
    """An OpenAI-compatible server that answers every request with HTTP 400 and a long JSON
    error (a context-size 400 is no longer an error: the batch is halved)."""

    MESSAGE = (
        "the request could not be processed: the model qwen2.5-14b-instruct-q4_k_m does not "
        "support the chat template variables given in this request (tools, documents), so "
        "either drop them or restart the server with a chat template that declares them"
    )

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        body = json.dumps(
            {"error": {"code": 400, "message": self.MESSAGE, "type": "invalid_request_error"}}
        ).encode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _fake_gguf(path: Path) -> Path:
    # magic and version 3: enough to be recorded by reference (it is never loaded here)
    path.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + bytes(64))
    return path


@pytest.mark.slow
def test_8_every_common_output_fits_80_columns_piped(
    tmp_path: Path, hermetic: Path, tiny_argos_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import zipfile

    from reader.config import config_path
    from tests.layout_models import build_nllb, build_separate
    from tests.test_models import _newer_binary
    from tests.tiny_model import TINY_FOLDER

    monkeypatch.delenv("COLUMNS")
    # the first 16 lines of a seed: every kind of report, in a few seconds of translating
    lines = [line for line in seed("000").read_text("utf-8").splitlines() if line.strip()][:16]
    (tmp_path / "news.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("nothing here\n" * len(lines), encoding="utf-8")
    shutil.copy(GLOSSARY, tmp_path / "glossary.csv")
    outputs: dict[str, tuple[int, str]] = {}

    def run_all(label: str, *commands: list[str]) -> None:
        for argv in commands:
            outputs[f"{label}: reader {' '.join(argv)}"] = piped(tmp_path, *argv)

    # no model installed: the gloss notice, the empty list, the refusals
    run_all(
        "no model",
        ["model", "list"],
        ["model", "remove"],
        ["translate", "news.txt"],
        ["export", "news.txt", "-o", "news.html"],
        ["terms", "news.txt"],
        ["check", "news.txt", "en.txt"],
        ["glossary", "list"],
        ["glossary", "check"],
        ["glossary", "suggest", "news.txt"],
        ["glossary", "list", "--bogus"],
        ["config"],
        ["translate", "news.txt", "--engine", "argos"],
        ["translate", "news.txt", "--engine", "llm"],
    )
    # every kind of model, with the long names real ones have
    layouts = tmp_path / "layouts"
    for folder in (build_separate(layouts), build_nllb(layouts)):
        folder.rename(layouts / f"{folder.name}-int8-ct2-converted-2025-06-long-name")
    cut = tmp_path / "cut.argosmodel"
    cut.write_bytes(tiny_argos_archive.read_bytes()[:5000])
    newer = tmp_path / "newer.argosmodel"
    with zipfile.ZipFile(tiny_argos_archive) as source, zipfile.ZipFile(newer, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            out.writestr(name, _newer_binary(data) if name.endswith("model/model.bin") else data)
    gguf = _fake_gguf(tmp_path / "Hunyuan-MT-Chimera-7B-instruct-Q4_K_M-imatrix.gguf")
    run_all(
        "installing",
        ["model", "install", "--file", str(tiny_argos_archive)],
        *(["model", "install", "--file", f"layouts/{p.name}"] for p in sorted(layouts.iterdir())),
        ["model", "install", "--file", gguf.name],
        ["model", "install", "--file", cut.name],
        ["model", "install", "--file", str(newer)],
    )
    installs = {k: v for k, v in outputs.items() if k.startswith("installing")}
    assert [code for code, _ in installs.values()] == [0, 0, 0, 0, 2, 2], installs
    assert "newer CTranslate2" in installs[f"installing: reader model install --file {newer}"][1]
    run_all(
        "four models",
        ["model", "list"],
        ["model", "remove"],
        ["translate", "news.txt", "--model", "nope"],
    )
    assert "nllb-200-tiny-ct2" in outputs["four models: reader model list"][1]
    # a damaged model in use: the fallback notice
    (hermetic / "argos-packages" / TINY_FOLDER / "model" / "model.bin").write_bytes(b"\0" * 64)
    run_all("damaged", ["translate", "news.txt", "--model", "translate-zh_en"])
    # a configured server with credentials, and its long error
    server = _ErrorServer()
    try:
        path = config_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        url = server.url.replace("http://", "http://reader-user:correct-horse-battery@")
        path.write_text(
            f'[llm]\nbase_url = "{url}?api_key=sk-0123456789abcdef0123456789"\n'
            'model = "qwen2.5-14b-instruct-q4_k_m-very-long-model-name"\ntimeout = 60\n',
            encoding="utf-8",
        )
        run_all("llm", ["config"], ["translate", "news.txt", "--engine", "llm"])
    finally:
        server.close()
    llm_error = outputs["llm: reader translate news.txt --engine llm"][1]
    assert "HTTP 400 Bad Request: the request could not be processed" in " ".join(llm_error.split())
    assert '{"' not in llm_error  # the server's message, not its JSON

    import os

    if os.environ.get("READER_DUMP_WIDTH"):  # to read every output: READER_DUMP_WIDTH=FILE
        dump = "".join(f"=== {k} -> {c}\n{o}\n" for k, (c, o) in outputs.items())
        Path(os.environ["READER_DUMP_WIDTH"]).write_text(dump, encoding="utf-8")
    for label, (code, out) in outputs.items():
        assert code in (0, 1, 2), (label, out)
        assert out.strip(), label
        lines = out.splitlines()
        wide = [x for x in lines if display_width(x) > 80 and not unbreakable(x)]
        assert not wide, f"{label}:\n" + "\n".join(wide)
        for line in lines:
            assert not line.startswith("reader: reader:"), label
