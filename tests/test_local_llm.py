"""A GGUF model the reader runs itself: install, translate, export, the TUI, and no orphan.

The model is tests/llm_server.py's tiny random-weight GGUF; llama.cpp (xllamacpp) loads and
runs it for real, started by the reader, not by the test. Its English is junk (mostly
Chinese pieces: the engine's checks flag it), so these tests assert on the mechanics: the
server the reader started answers, the reader's output comes from it, and the server is gone
when the process is (normal exit, ctrl+c, SIGKILL).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.cli import main
from reader.translation import installed
from tests.conftest import one_message, seed

pytest.importorskip("xllamacpp", reason="the llama extra (xllamacpp) is needed")
pytest.importorskip("gguf", reason="the test extra (gguf) is needed")

ROOT = Path(__file__).resolve().parent.parent
MAIN = "import sys; from reader.cli import main; sys.exit(main())"


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.llm_server import write_tiny_gguf

    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny-qwen2.5-instruct.gguf")


@pytest.fixture
def installed_gguf(tiny_gguf: Path, capsys: pytest.CaptureFixture[str]) -> installed.ModelInfo:
    assert main(["model", "install", "--file", str(tiny_gguf)]) == 0
    out = capsys.readouterr().out
    assert "by reference" in out
    (info,) = installed.all_models()
    assert info.kind == "gguf" and info.path == tiny_gguf.resolve()
    return info


@pytest.fixture(autouse=True)
def short_replies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tiny random model never says </s>: each free reply runs to `max_tokens` (~1,100
    tokens, 10-30 s a request on a loaded machine), which made these tests wait past their
    timeouts. Its replies are junk anyway; 32 tokens of junk exercise the same path."""
    from reader.translation.engines import llm

    monkeypatch.setattr(llm, "REPLY_TOKENS", 32)


def short_doc(tmp_path: Path) -> Path:
    doc = tmp_path / "short.txt"
    doc.write_text("国务院召开常务会议。\n\n今天天气很好。\n", encoding="utf-8")
    return doc


def test_install_by_reference_or_copy_and_refuse_what_is_not_gguf(
    tiny_gguf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "install", "--file", str(tiny_gguf), "--copy", "--name", "x"]) == 0
    (info,) = installed.all_models()
    assert info.path == installed.models_dir() / info.name / "model.gguf"
    assert info.path.read_bytes() == tiny_gguf.read_bytes()
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"PK\x03\x04 not a model")
    capsys.readouterr()
    assert main(["model", "install", "--file", str(fake)]) == 2
    err = capsys.readouterr().err.strip()
    assert one_message(err) == f"reader: {fake}: not a GGUF file (no GGUF magic)"


def test_translate_and_export_start_the_local_server(
    installed_gguf: installed.ModelInfo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.translation.engines import llama_local

    doc = short_doc(tmp_path)
    try:
        assert main(["translate", str(doc), "--engine", "llm"]) == 0
        captured = capsys.readouterr()
        assert "engine: llm (tiny-qwen2.5-instruct on the local llama.cpp server" in captured.err
        assert "no server configured" in captured.err
        assert captured.out.strip()  # what the server the reader started wrote
        url = llama_local._url
        assert url.startswith("http://127.0.0.1:")
        import httpx

        listed = httpx.get(url + "/models", timeout=10).json()
        assert listed["data"]  # the reader's own llama.cpp answers
        out = tmp_path / "out.html"
        assert main(["export", str(doc), "--engine", "llm", "-o", str(out)]) == 0
        assert out.read_text(encoding="utf-8").count("<p") >= 2
        assert llama_local._url == url  # one server per process, started once
    finally:
        llama_local.stop_local()
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert not port_open(port)


def test_auto_uses_the_local_llm_only_when_the_config_says_so(
    installed_gguf: installed.ModelInfo,
    hermetic: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from reader.translation.engines import llama_local

    doc = short_doc(tmp_path)
    assert main(["translate", str(doc)]) == 0
    assert "engine: gloss" in capsys.readouterr().err
    config = hermetic / "config" / "reader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[llm]\nauto = true\n", encoding="utf-8")
    try:
        assert main(["translate", str(doc)]) == 0
        assert "llm.auto = true in" in capsys.readouterr().err
    finally:
        llama_local.stop_local()


def test_without_the_extra_one_line_names_it(
    installed_gguf: installed.ModelInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import fails as when not installed
    assert main(["translate", str(short_doc(tmp_path)), "--engine", "llm"]) == 2
    err = capsys.readouterr().err.strip()
    assert one_message(err) == "reader: --engine llm: " + (
        "the local llama.cpp server needs the optional extra: pip install 'reader[llama]'"
    )


async def test_the_reader_reads_with_the_local_model(
    installed_gguf: installed.ModelInfo, tmp_path: Path
) -> None:
    from reader.translation.engines import llama_local
    from reader.ui.app import ReaderApp
    from tests.ui.helpers import status_line, wait_translated

    glossary = tmp_path / "glossary.csv"
    glossary.write_text("zh,en\n国务院,State Council\n", encoding="utf-8")
    app = ReaderApp(str(short_doc(tmp_path)), engine="llm", glossary=str(glossary))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_translated(pilot)
            assert "llm" in status_line(app)
            assert llama_local._url
    finally:
        llama_local.stop_local()


def test_hunyuan_gets_its_own_prompt() -> None:
    from reader.translation.engines.llama_local import HUNYUAN_INSTRUCTION, hunyuan_messages
    from reader.translation.engines.llm import _Item

    items = [_Item("国务院召开会议。", [("国务院", "State Council")]), _Item("很好。")]
    (message,) = hunyuan_messages(items)
    assert message["role"] == "user"  # Hunyuan-MT has no system prompt
    text = message["content"]
    assert text.startswith("参考下面的翻译：\n国务院 翻译成 State Council\n\n")
    assert HUNYUAN_INSTRUCTION in text and text.endswith("[1] 国务院召开会议。\n[2] 很好。")


# --- no orphan --------------------------------------------------------------------------------


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def listening_ports(pid: int) -> set[int]:
    """TCP ports in LISTEN state whose socket belongs to process `pid` (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
            ports.add(int(fields[1].split(":")[1], 16))
    return ports


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_no_server_outlives_the_reader(
    installed_gguf: installed.ModelInfo, tmp_path: Path, how: signal.Signals
) -> None:
    """ctrl+c (SIGINT) and a crash (SIGKILL) in the middle of a translation: the llama.cpp
    server the reader started is gone with it, and it never was a separate process."""
    doc = tmp_path / "long.txt"
    doc.write_text(seed("001").read_text(encoding="utf-8") * 5, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", MAIN, "translate", str(doc), "--engine", "llm"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # as in a terminal: a job started in the background may inherit SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        ports: set[int] = set()
        while not ports and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
            ports = listening_ports(process.pid)
        assert ports, "the reader never started its llama.cpp server"
        (port,) = ports
        assert port_open(port)
        assert children(process.pid) == []  # in-process: nothing to orphan
        time.sleep(1.0)  # translating now
        process.send_signal(how)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == (130 if how == signal.SIGINT else -signal.SIGKILL)
    if how == signal.SIGINT:
        assert b"Traceback" not in process.stderr.read()  # type: ignore[union-attr]
    assert not port_open(port)
