"""LLM servers as users run them (issue 20, item 3): small per-slot contexts, replies that are
not English.

llama-server divides its context among its slots, so `-c 2048 -np 2` gives each request
1,024 tokens. Each test starts a real llama.cpp server (xllamacpp, tiny random GGUF) with
such a setting behind the scripting proxy of tests/llm_server.py, which pins replies with a
grammar; the context errors are the real server's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.config import LLMConfig
from reader.errors import ReaderError
from reader.translation.engines.llm import (
    LLMEngine,
    _Item,
    broken,
    implausible,
    not_english,
    single_reply,
)
from reader.translation.results import FlaggedOutput
from tests.conftest import seed
from tests.llm_server import Request, ScriptedProxy, good_reply, running_llama

pytestmark = pytest.mark.slow


@pytest.fixture(params=[(2048, 2), (1024, 2)], ids=["1024 a slot", "512 a slot"])
def small_proxy(request: pytest.FixtureRequest, tiny_gguf: Path) -> Iterator[ScriptedProxy]:
    n_ctx, slots = request.param
    with running_llama(tiny_gguf, n_ctx=n_ctx, slots=slots) as url:
        proxy = ScriptedProxy(url)
        proxy.slot_tokens = n_ctx // slots  # type: ignore[attr-defined]
        try:
            yield proxy
        finally:
            proxy.close()


def _engine(proxy: ScriptedProxy, **settings: object) -> LLMEngine:
    config: dict[str, object] = {"base_url": proxy.url, "model": "tiny", "retries": 1}
    config.update(settings)
    return LLMEngine(LLMConfig(**config), retry_base=0.01)  # type: ignore[arg-type]


def _paragraphs(count: int) -> list[str]:
    lines = seed("002").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if len(line.strip()) > 10][:count]


def _export(proxy: ScriptedProxy, source: Path, out: Path) -> int:
    from reader.cli import main

    argv = ["export", str(source), "--engine", "llm", "--llm-url", proxy.url]
    return main([*argv, "--llm-model", "tiny", "-o", str(out)])


def _table(out: Path) -> list[tuple[str, str]]:
    rows = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    pairs = []
    for row in rows[2:]:
        cells = row[2:-2].split(" | ")
        if len(cells) != 2:
            break
        pairs.append((re.sub(r"\*\*", "", cells[0]), cells[1]))
    return pairs


@pytest.mark.parametrize("props", [True, False], ids=["/props read", "/props hidden"])
def test_every_paragraph_is_exported_in_order(
    small_proxy: ScriptedProxy, props: bool, tmp_path: Path, hermetic: Path
) -> None:
    """The default batch (1,200 characters) does not fit 512 or 1,024 tokens: sized from
    /props from the start, or halved on the server's 400 until it fits."""
    from reader.documents.loading import load_document

    small_proxy.hide_props = not props
    source = tmp_path / "doc.txt"
    source.write_text("\n\n".join(_paragraphs(14)), encoding="utf-8")
    out = tmp_path / "out.md"
    assert _export(small_proxy, source, out) == 0
    doc = load_document(str(source))
    table = _table(out)
    assert [zh for zh, _ in table] == [p.text for p in doc.paragraphs]
    for _, en in table:
        assert en and not re.search(r"[\u4e00-\u9fff]{2}", re.sub(r"\*\*[^*]+\*\*", "", en))
    refused = small_proxy.statuses.count(400)
    if props:  # sized to the context from the start (the glossary table may still overflow)
        assert refused <= 3
    elif small_proxy.slot_tokens == 512:  # type: ignore[attr-defined]
        assert 1 <= refused <= 8  # learnt from the refusals: later batches start smaller


def test_batches_fit_the_slot_context(small_proxy: ScriptedProxy) -> None:
    engine = _engine(small_proxy)
    texts = _paragraphs(10)
    assert engine.translate_batch(texts) == [
        good_reply(_request_for(text)).split("] ", 1)[1] for text in texts
    ]
    assert engine.slot_context in (512, 1024)
    assert engine.batch_chars < 1200
    assert 400 not in small_proxy.statuses


def _request_for(text: str) -> Request:
    body = {"messages": [{"role": "user", "content": f"Translate:\n[1] {text}"}]}
    return Request(body, 0.0, {})


def test_one_sentence_that_cannot_fit_is_one_line(small_proxy: ScriptedProxy) -> None:
    engine = _engine(small_proxy)
    giant = "国务院召开常务会议研究部署经济工作" * 120  # ~2,000 characters, no full stop
    with pytest.raises(ReaderError) as caught:
        engine.translate_batch([giant])
    message = str(caught.value)
    assert "does not fit the server's context" in message
    assert "tokens a slot" in message and "--ctx-size" in message
    assert "\n" not in message


NOT_ENGLISH = {
    "mostly Chinese": "国务院召开常务会议，研究部署经济工作。",
    "replacement characters": "The State Council \ufffd\ufffd met \ufffd today.",
    "loop": "the meeting the meeting the meeting the meeting the meeting the meeting",
}


@pytest.mark.parametrize("case", sorted(NOT_ENGLISH))
def test_a_reply_that_is_not_english_becomes_the_flagged_gloss(
    llm_proxy: ScriptedProxy, case: str
) -> None:
    from reader.documents.loading import load_text
    from reader.translation.pipeline import Translator

    llm_proxy.script = lambda request: "\n".join(
        f"[{n}] {NOT_ENGLISH[case]}" for n, _ in request.items
    )
    engine = _engine(llm_proxy)
    (output,) = engine.translate_batch(["国务院召开常务会议，研究部署经济工作。"])
    assert isinstance(output, FlaggedOutput) and output == "" and output.flag.kind == "not-english"
    doc = load_text("国务院召开常务会议，研究部署经济工作。\n\n会议由总理主持。")
    results = list(Translator(engine, None, None).translate(doc).values())
    for result in results:
        assert "\ufffd" not in result.text and not re.search(r"[\u4e00-\u9fff]", result.text)
        assert result.text  # the word gloss
        assert any(flag.startswith("reply not English in sentence 1: ") for flag in result.flags)
        assert [f.kind for f in result.flagged] == ["not-english"]
        assert "word gloss shown" in result.flags[0]


def test_the_gloss_fallback_is_not_kept_in_the_memory(
    llm_proxy: ScriptedProxy, tmp_path: Path
) -> None:
    """A re-run asks the server again instead of showing the stored gloss."""
    from reader.documents.loading import load_text
    from reader.translation.memory import TranslationMemory
    from reader.translation.pipeline import Translator

    doc = load_text("国务院召开常务会议。")
    memory = TranslationMemory(tmp_path / "memory.sqlite")
    llm_proxy.script = lambda request: "[1] 国务院召开常务会议。"
    (first,) = Translator(_engine(llm_proxy), None, memory).translate(doc).values()
    assert first.flags
    llm_proxy.script = good_reply
    (second,) = Translator(_engine(llm_proxy), None, memory).translate(doc).values()
    assert not second.flags and second.text == good_reply(_request_for("国务院召开常务会议。"))[4:]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_reply_checks_take_any_reply(source: str, reply: str) -> None:
    """A server's reply is user data: the checks never raise, and a reply holding U+FFFD or
    mostly Chinese is never taken as English."""
    item = _Item(source)
    for check in (not_english, broken, implausible):
        problem = check(item, reply)
        assert problem is None or isinstance(problem, str)
    if "\ufffd" in reply:
        assert not_english(item, reply) is not None
    single_reply(reply)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("latin-1"))))
def test_context_errors_of_any_body(body: str) -> None:
    import httpx

    from reader.translation.engines.llm import _context_of, body_detail

    response = httpx.Response(400, text=body)
    n_ctx = _context_of(response)
    assert n_ctx is None or n_ctx > 0
    assert "\n" not in body_detail(body)
