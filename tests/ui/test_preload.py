"""reader.ui.preload: the document loaded in a forked child is the document the reader would
have loaded itself; a child that fails, dies or is cancelled leaves the reader to load it; and
`reader read` shows the text in its very first paint.

The preload refuses to fork while other threads run (pytest's may), so each case runs in a
fresh interpreter."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, seed
from tests.terminal import visible

COMPARE = """
import json, sys
from reader.ui.jobs import load
from reader.ui.preload import Preload
from reader.ui.services import Services
path, glossary = sys.argv[1], sys.argv[2]
preload = Preload.start(path, None, [glossary], None)
assert preload is not None, "no fork"
child = preload.message(path)
here = load(path, None, Services("gloss", [glossary], document=path))
def facts(m):
    if hasattr(m, "error"):
        return {"error": m.error}
    paragraphs = [(p.id, p.text, p.simplified, p.script, [(s.start, s.end) for s in p.sentences])
                  for p in m.doc.paragraphs]
    return {"paragraphs": paragraphs, "key": m.doc_key, "warnings": m.warnings,
            "script": m.doc.script, "title": m.doc.title}
print(json.dumps({"child": facts(child), "here": facts(here),
                  "reaped": not __import__("os").path.exists(f"/proc/{preload.pid}")}))
"""


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.parametrize("name", ["001", "003", "gbk", "empty"])
def test_the_child_loads_what_the_reader_would(tmp_path: Path, name: str) -> None:
    if name == "gbk":
        path = tmp_path / "gbk.txt"
        path.write_bytes(seed("002").read_text(encoding="utf-8").encode("gb18030"))
    elif name == "empty":  # nothing left after cleaning: the same one-line error
        path = tmp_path / "empty.txt"
        path.write_text("   \n\n---\n", encoding="utf-8")
    else:
        path = seed(name)
    glossary = tmp_path / "broken.csv"
    glossary.write_text("zh,en\n联防联控,joint prevention and control\n,no term\n", "utf-8")
    out = _python(COMPARE, str(path), str(glossary))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["child"] == result["here"]
    assert result["reaped"]
    if name == "empty":
        assert "empty" in result["child"]["error"]
    else:
        assert result["child"]["paragraphs"]
        assert any("broken.csv" in w for w in result["child"]["warnings"])  # glossary's too


FAILING = """
import os, sys, time
import reader.ui.preload as preload
how = sys.argv[2]
def failing(*args):
    if how == "raise":
        raise RuntimeError("a bug in the child")
    if how == "die":
        os._exit(9)
    time.sleep(60)
preload._load = failing
p = preload.Preload.start(sys.argv[1], None, None, None)
assert p is not None
if how == "slow":
    assert not p.ready(0.3)
    p.cancel()
    assert p.ready(5), "cancel did not end the child"
print(p.message(sys.argv[1]))
"""


@pytest.mark.parametrize("how", ["raise", "die", "slow"])
def test_a_failed_child_leaves_the_load_to_the_reader(how: str) -> None:
    out = _python(FAILING, str(seed("001")), how)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "None"
    assert "Traceback" not in out.stderr  # the child says nothing on the terminal


# Textual's start: the alternate screen, then the mouse on (the preload child's own first
# paint, before it, enters the alternate screen and hides the cursor)
TEXTUAL_STARTS = b"\x1b[?1049h\x1b[?1000h"


def _until_shown(argv: list[str], env: dict[str, str], needle: str) -> str:
    """What Textual shows of `argv` on a 100x30 terminal (escape sequences taken out) up to
    and with `needle`; then it is killed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    out, shown = b"", ""
    deadline = time.monotonic() + 60
    try:
        while needle not in shown and proc.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 0.05)[0]:
                with contextlib.suppress(OSError):
                    out += os.read(master, 65536)
                if (start := out.find(TEXTUAL_STARTS)) >= 0:
                    shown = visible(out[start:])
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
        os.close(master)
    assert needle in shown, shown[-2000:]
    return shown[: shown.index(needle)]


def test_reader_read_shows_the_text_in_its_first_paint(tmp_path: Path) -> None:
    """Without the preload Textual's first frame says "Loading …" and the text comes in a
    later one; with it, Textual paints nothing before the text (the child's own paint of it
    aside)."""
    doc = tmp_path / "short.txt"
    doc.write_text("第一段文字在这里。\n\n第二段文字。\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    argv = [sys.executable, "-m", "reader", "read", "--engine", "gloss", str(doc)]
    before = _until_shown(argv, env, "第一段文字在这里")
    assert "Loading" not in before
    assert "Help" not in before  # the footer: no frame was painted before this one


CACHED = """
import json, sys
from reader.ui.preload import Preload
from reader.ui.services import Services
path, engine = sys.argv[1], sys.argv[2]
services = Services(engine, None, document=path)
if sys.argv[3] == "translated":  # an earlier session put the document in the memory
    from reader.documents.loading import load_document
    translator, _ = services.open_translator()
    translator.translate(load_document(path))
    translator.memory.close()
preload = Preload.start(path, None, None, None, engine)
assert preload is not None, "no fork"
assert preload.message(path) is not None
cached = preload.cached(30)
print(json.dumps(None if cached is None else
      {"engine": cached.engine, "english": {t.paragraph_id: t.text for t in cached.translations}}))
"""


@pytest.mark.parametrize("before", ["translated", "fresh"])
def test_the_child_gives_the_first_screens_cached_english(before: str) -> None:
    """Read-only from the memory, keyed by the engine named without loading it; a document
    never translated gets nothing (and the memory file is not made by the child)."""
    out = _python(CACHED, str(seed("001")), "gloss", before)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    if before == "fresh":
        assert result is None or result["english"] == {}
        return
    from reader.documents.loading import load_document
    from reader.glossary.layers import open_layers
    from reader.translation.engines.gloss import GlossEngine
    from reader.translation.pipeline import Translator

    doc = load_document(seed("001"))
    glossary = open_layers(None, document=str(seed("001")))  # what the reader opens
    expected = Translator(GlossEngine(), glossary, None).translate(doc)
    assert result["engine"][0] == "gloss"
    assert result["english"] == {pid: t.text for pid, t in expected.items()}


def test_an_llm_engine_has_no_cached_english_before_it_starts() -> None:
    out = _python(CACHED, str(seed("001")), "llm", "fresh")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) is None
