"""Progress on stderr: a bar on a terminal, a line every few seconds in a log, warnings at once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reader.cli import main
from reader.commands.progress import Progress
from tests.engines import DictEngine, LoopEngine


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_gets_a_line_every_interval_and_nothing_for_short_runs() -> None:
    clock, log = FakeClock(), io.StringIO()
    with Progress(100, "translating", stream=log, clock=clock) as progress:
        for _ in range(40):
            clock.now += 0.5  # 2 paragraphs a second: a line each 5 s = 10 paragraphs
            progress.advance()
    lines = log.getvalue().splitlines()
    assert lines == [
        "reader: translating: 10/100 paragraphs (10%), 2.0/s, ETA 0:45",
        "reader: translating: 20/100 paragraphs (20%), 2.0/s, ETA 0:40",
        "reader: translating: 30/100 paragraphs (30%), 2.0/s, ETA 0:35",
        "reader: translating: 40/100 paragraphs (40%), 2.0/s, ETA 0:30",
    ]
    quick, log = FakeClock(), io.StringIO()
    with Progress(100, "translating", stream=log, clock=quick) as progress:
        progress.advance(100)
    assert log.getvalue() == ""


def test_terminal_gets_a_bar_and_warnings_above_it() -> None:
    terminal = Terminal()
    with Progress(3, "translating", stream=terminal) as progress:
        progress.advance()
        progress.warn("reader: doc.txt: paragraph 1: degenerate output")
        progress.advance(2)
    out = terminal.getvalue()
    assert "reader: doc.txt: paragraph 1: degenerate output\n" in out
    assert "translating" in out and "/3" in out  # the bar was drawn


def test_export_prints_bad_output_warnings_like_translate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.translation import session

    doc = tmp_path / "doc.txt"
    doc.write_text("会议召开。全市检测结果都是阴性。\n", encoding="utf-8")
    monkeypatch.setattr(
        session, "select_engine", lambda name: (LoopEngine(nbest_good=False), "engine: loop")
    )
    warning = f"reader: {doc}: paragraph 1: degenerate output in sentence 2: repetition loop"
    # a long path puts the cause on an indented second line (80 columns when piped)
    assert main(["export", str(doc), "-o", str(tmp_path / "out.md")]) == 0
    assert warning in " ".join(capsys.readouterr().err.split())
    assert main(["translate", str(doc)]) == 0
    assert warning in " ".join(capsys.readouterr().err.split())


def test_eta_says_nothing_until_there_is_a_window_then_follows_recent_work() -> None:
    """The 2:54:23-for-90-seconds ETA (issue 25, item 6): a slow start (a model loading, the
    first batch) must not set the estimate once the work runs at its real pace."""
    clock, log = FakeClock(), io.StringIO()
    progress = Progress(100, "translating", stream=log, clock=clock, interval=0)
    progress.advance()
    assert progress.eta() is None and progress.rate() is None
    assert progress.line() == "translating: 1/100 paragraphs (1%)"
    clock.now += 60.0  # a minute to the second paragraph: a model loading
    progress.advance()
    for _ in range(40):  # then 10 paragraphs a second
        clock.now += 0.1
        progress.advance()
    # counted from the start, 42 paragraphs in 64 s would leave 58 at 0.66/s: 1:28
    assert progress.rate() == pytest.approx(10.0, rel=0.05)
    assert progress.eta() == pytest.approx(5.8, rel=0.05)
    assert progress.line().endswith("(42%), 10.0/s, ETA 0:05")


def test_eta_weighs_work_not_paragraphs() -> None:
    """`export` translates the shortest paragraphs first: characters, not paragraphs, left."""
    clock = FakeClock()
    progress = Progress(8, "translating", stream=io.StringIO(), clock=clock, work=1000)
    for _ in range(4):  # half the paragraphs, 10 characters a second, 960 characters left
        clock.now += 1.0
        progress.advance(work=10)
    assert progress.rate() == pytest.approx(1.0)
    assert progress.eta() == pytest.approx(96.0)  # not the 4 s half the paragraphs suggest


class _InterruptAfter(DictEngine):
    """Translates `n` batches, then ctrl+c."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def translate_batch(self, sentences):  # type: ignore[no-untyped-def]
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return super().translate_batch(sentences)


@pytest.mark.parametrize("command", ["export", "translate"])
def test_ctrl_c_says_what_was_kept_and_a_rerun_goes_on(
    command: str,
    tmp_path: Path,
    hermetic: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reader.translation import session

    doc = tmp_path / "doc.txt"
    doc.write_text("\n\n".join(f"第{n}段会议召开。" for n in range(1, 31)), encoding="utf-8")
    engine = _InterruptAfter(1)
    monkeypatch.setattr(session, "select_engine", lambda name: (engine, "engine: test"))
    monkeypatch.setattr(session.Translator, "__init__", _small_batches(session.Translator.__init__))
    argv = [command, str(doc), *(["-o", str(tmp_path / "out.md")] if command == "export" else [])]
    assert main(argv) == 130
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if "interrupted" in line]
    kept = int(line.split("interrupted: ")[1].split(" of ")[0])
    assert 0 < kept < 30
    assert line.endswith(" of 30 paragraphs are in the memory; run the same command to go on")
    engine.left = 10**6
    engine.calls.clear()
    assert main(argv) == 0
    assert len(engine.sentences) == 30 - kept  # the kept ones came from the memory


def _small_batches(init):  # type: ignore[no-untyped-def]
    def small(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        init(self, *args, **{**kwargs, "batch_size": 4})

    return small


def test_an_error_mid_run_says_how_far_it_got(
    tmp_path: Path,
    hermetic: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reader.errors import ReaderError
    from reader.translation import session

    class FailsLater(_InterruptAfter):
        def translate_batch(self, sentences):  # type: ignore[no-untyped-def]
            if self.left == 0:
                raise ReaderError("http://127.0.0.1:9/v1/chat/completions", "HTTP 500")
            return super().translate_batch(sentences)

    doc = tmp_path / "doc.txt"
    doc.write_text("\n\n".join(f"第{n}段会议召开。" for n in range(1, 31)), encoding="utf-8")
    monkeypatch.setattr(session, "select_engine", lambda name: (FailsLater(2), "engine: test"))
    monkeypatch.setattr(session.Translator, "__init__", _small_batches(session.Translator.__init__))
    assert main(["export", str(doc), "-o", str(tmp_path / "out.md")]) == 2
    err = capsys.readouterr().err
    assert "reader: http://127.0.0.1:9/v1/chat/completions: HTTP 500 " in " ".join(err.split())
    last = err.splitlines()[-1]
    assert last.startswith("  ") and last.endswith(
        " of 30 paragraphs are in the memory; run the same command to go on"
    )
    assert not (tmp_path / "out.md").exists()


def test_llm_retries_are_said(
    hermetic: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong port with a model configured: a line per retry, not 16 s of silence."""
    from reader.config import config_path
    from tests.llm_server import free_port

    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[llm]\nretries = 1\n", encoding="utf-8")  # one wait of ~1 s
    port = free_port()  # nothing listens there
    doc = hermetic / "doc.txt"
    doc.write_text("会议召开。", encoding="utf-8")
    argv = ["translate", str(doc), "--engine", "llm", "--llm-url", f"http://127.0.0.1:{port}/v1"]
    assert main([*argv, "--llm-model", "m"]) == 2
    err = capsys.readouterr().err
    assert f"reader: 127.0.0.1:{port}: cannot connect (ConnectError); retrying (2/2)…" in err
    assert all(len(line) <= 80 for line in err.splitlines() if "retrying" in line)
