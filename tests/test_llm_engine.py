"""The `llm` engine: reply parsing, configuration, and behaviour against a real llama.cpp server.

Slow tests run llama.cpp's server (xllamacpp) on a tiny random-weight GGUF written at test
time; a GBNF grammar pins each reply to the scripted text (tests/llm_server.py). The proxy
answers by itself only for 429, 500, 401 and a hang.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from reader.config import LLMConfig, load_llm_config
from reader.errors import ReaderError
from reader.translation.engines.base import Cancelled, TermsEngine
from reader.translation.engines.llm import (
    BadReply,
    LLMEngine,
    clean_reply,
    parse_reply,
    retry_after,
    single_reply,
)
from reader.urls import normalise_base as normalise_base_url
from tests.conftest import one_message, seed
from tests.llm_server import Fault, Request, ScriptedProxy, fake_english, good_reply

KEY = "sk-test-very-secret-0123456789"


# --- replies ----------------------------------------------------------------------------------


def test_clean_reply_drops_think_blocks_and_fences() -> None:
    assert clean_reply("<think>嗯，先想想。\n</think>\n[1] Hello.") == "[1] Hello."
    assert clean_reply("我来想想</think>[1] Hi.") == "[1] Hi."  # template opened the block
    assert clean_reply("[1] Hi.\n<think>never closed") == "[1] Hi."
    assert clean_reply("```text\n[1] A.\n[2] B.\n```") == "[1] A.\n[2] B."


def test_parse_reply_needs_every_id_once() -> None:
    assert parse_reply("Here is the translation:\n[1] A.\n[2] B.\nHope it helps!", 2) == [
        "A.",
        "B.",
    ]
    assert parse_reply("1. A.\n2: B.", 2) == ["A.", "B."]
    with pytest.raises(BadReply, match="missing"):
        parse_reply("[1] A. B.", 2)  # two paragraphs merged into one
    with pytest.raises(BadReply, match="twice"):
        parse_reply("[1] A.\n[1] A again.\n[2] B.", 2)  # one source, two outputs
    with pytest.raises(BadReply, match="unknown id"):
        parse_reply("[1] A.\n[2] B.\n[3] C.", 2)


def test_single_reply_is_one_output() -> None:
    assert single_reply("Translation:\n[1] The meeting was held.") == "The meeting was held."
    assert single_reply("[1] First half.\n[2] second half.") == "First half. second half."


def test_base_url_and_retry_after() -> None:
    assert normalise_base_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1"
    assert normalise_base_url("http://h:1/v1/chat/completions") == "http://h:1/v1"
    assert normalise_base_url("https://h/api/openai/v1/") == "https://h/api/openai/v1"
    assert retry_after("3") == 3.0
    assert retry_after(None) is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_cache_identity_holds_url_model_prompt_and_temperature() -> None:
    a = LLMEngine(LLMConfig(base_url="http://a:1/v1", model="m"))
    b = LLMEngine(LLMConfig(base_url="http://b:1/v1", model="m"))
    c = LLMEngine(LLMConfig(base_url="http://a:1/v1", model="n"))
    d = LLMEngine(LLMConfig(base_url="http://a:1/v1", model="m"), temperature=0.7)
    keys = {(e.name, e.model_id, e.settings_key) for e in (a, b, c, d)}
    assert len(keys) == 4
    assert "prompt=" in a.settings_key and "temperature=0" in a.settings_key
    assert isinstance(a, TermsEngine)


# --- configuration ----------------------------------------------------------------------------


def _write_config(hermetic: Path, text: str) -> Path:
    from reader.config import config_path

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_precedence_flag_env_file(
    hermetic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import main

    path = _write_config(
        hermetic,
        f'[llm]\nbase_url = "http://file:1/v1"\nmodel = "file-model"\napi_key = "{KEY}"\n'
        "concurrency = 3\n",
    )
    monkeypatch.setenv("READER_LLM_MODEL", "env-model")
    config = load_llm_config()
    assert (config.base_url, config.model, config.concurrency) == (
        "http://file:1/v1",
        "env-model",
        3,
    )
    assert KEY not in repr(config)
    assert main(["config", "--llm-url", "http://flag:1/v1"]) == 0
    out = capsys.readouterr().out
    assert str(path) in out
    assert "http://flag:1/v1  (command line)" in out
    assert "env-model  (environment READER_LLM_MODEL)" in out
    assert "api_key      set  (config file" in out
    assert KEY not in out and KEY[:8] not in out


def test_bad_config_is_one_line(hermetic: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli import main

    path = _write_config(hermetic, "[llm\nbase_url = 1")
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert one_message(err).startswith(f"reader: {path}: not valid TOML")


def test_auto_never_picks_llm(hermetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.translation.engines.select import select_engine

    monkeypatch.setenv("READER_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("READER_LLM_MODEL", "m")
    assert select_engine("auto")[0].name != "llm"


def test_llm_without_configuration_says_how(hermetic: Path) -> None:
    from reader.translation.engines.select import select_engine

    with pytest.raises(ReaderError, match="READER_LLM_BASE_URL"):
        select_engine("llm")


# --- against the real server ------------------------------------------------------------------


def engine_for(proxy: ScriptedProxy, **config: object) -> LLMEngine:
    settings: dict[str, object] = {"base_url": proxy.url, "model": "tiny", "retries": 2}
    settings.update(config)
    return LLMEngine(LLMConfig(**settings), retry_base=0.01)  # type: ignore[arg-type]


SENTENCES = ["国务院召开常务会议。", "会议由总理主持。", "北京今天天气很好。", "记者沙雪良报道。"]
EXPECTED = [fake_english(s, []) for s in SENTENCES]


def scripted(batch_reply: str) -> object:
    """A script giving `batch_reply` to requests of several sentences, good replies to one."""

    def script(request: Request) -> str:
        return batch_reply if len(request.items) > 1 else good_reply(request)

    return script


@pytest.mark.slow
def test_good_batch_is_one_request(llm_proxy: ScriptedProxy) -> None:
    engine = engine_for(llm_proxy)
    assert engine.translate_batch(SENTENCES) == EXPECTED
    assert len(llm_proxy.requests) == 1
    assert llm_proxy.requests[0].body["temperature"] == 0


BAD_BATCH_REPLIES = {
    # a paragraph dropped: ids 1, 2, 4
    "dropped id": "[1] {0}\n[2] {1}\n[4] {3}",
    # two paragraphs merged into one line, the rest shifted up
    "merged": "[1] {0} {1}\n[2] {2}\n[3] {3}",
    # one source mapped to two outputs
    "duplicate id": "[1] {0}\n[2] {1}\n[2] {2}\n[3] {2}\n[4] {3}",
    "untranslated line": "[1] {0}\n[2] 会议由总理主持。\n[3] {2}\n[4] {3}",
    "far too long": "[1] {0}\n[2] " + "-".join(map(str, range(70))) + "\n[3] {2}\n[4] {3}",
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BAD_BATCH_REPLIES))
def test_bad_batch_is_split_until_every_sentence_fits(llm_proxy: ScriptedProxy, case: str) -> None:
    llm_proxy.script = scripted(BAD_BATCH_REPLIES[case].format(*EXPECTED))  # type: ignore[assignment]
    engine = engine_for(llm_proxy)
    assert engine.translate_batch(SENTENCES) == EXPECTED
    # 1 batch of 4, then halves of 2 (also bad), then 4 singles
    assert [len(r.items) for r in llm_proxy.requests] == [4, 2, 1, 1, 2, 1, 1]


@pytest.mark.slow
@pytest.mark.parametrize(
    "template",
    [
        "Sure! Here is the translation:\n\n```\n{body}\n```",
        "<think>\n用户要我翻译四句话，逐句来。\n</think>\n\n{body}",
    ],
    ids=["preamble and fence", "think block"],
)
def test_wrapped_reply_is_accepted_whole(llm_proxy: ScriptedProxy, template: str) -> None:
    body = "\n".join(f"[{n}] {e}" for n, e in enumerate(EXPECTED, 1))
    llm_proxy.script = lambda request: template.format(body=body)
    assert engine_for(llm_proxy).translate_batch(SENTENCES) == EXPECTED
    assert len(llm_proxy.requests) == 1


@pytest.mark.slow
def test_untranslated_single_sentence_becomes_the_flagged_gloss(llm_proxy: ScriptedProxy) -> None:
    from reader.documents.loading import load_text
    from reader.translation.pipeline import Translator

    llm_proxy.script = lambda request: "\n".join(f"[{n}] {t}" for n, t in request.items)
    doc = load_text("国务院召开常务会议，研究部署经济工作。")
    (result,) = Translator(engine_for(llm_proxy), None, None).translate(doc).values()
    assert result.flags == [
        "reply not English in sentence 1: the server's reply is mostly Chinese; word gloss shown"
    ]
    assert not re.search(r"[\u4e00-\u9fff]", result.text)


GLOSSARY = "zh,en\n国务院,State Council\n常务会议,executive meeting\n李强,Li Qiang\n"


def _translator(proxy: ScriptedProxy, tmp_path: Path):  # -> (Translator, Document)
    from reader.documents.loading import load_text
    from reader.glossary.file import Glossary
    from reader.translation.pipeline import Translator

    path = tmp_path / "glossary.csv"
    path.write_text(GLOSSARY, encoding="utf-8")
    doc = load_text("国务院召开常务会议。\n\n会议由总理主持，研究经济工作。")
    return Translator(engine_for(proxy), Glossary.load(path), None), doc


@pytest.mark.slow
def test_glossary_terms_of_the_batch_go_in_the_prompt(
    llm_proxy: ScriptedProxy, tmp_path: Path
) -> None:
    translator, doc = _translator(llm_proxy, tmp_path)
    results = translator.translate(doc)
    (request,) = llm_proxy.requests
    # only the terms found in the batch (李强 is in the glossary but not in the text)
    assert sorted(request.glossary) == [
        ("国务院", "State Council"),
        ("常务会议", "executive meeting"),
    ]
    assert "XTERM" not in request.user  # the model reads the Chinese and the table
    first = next(iter(results.values()))
    assert first.text.startswith("State Council")
    assert [t.status for t in first.terms] == ["applied", "applied"]


@pytest.mark.slow
def test_missing_term_is_asked_again_then_spliced(llm_proxy: ScriptedProxy, tmp_path: Path) -> None:
    def ignores_glossary(request: Request) -> str:
        english = good_reply(Request(request.body, request.at, {}))
        english = english.replace("executive meeting", "regular session")
        if "must contain" in request.user and "State Council" in request.user:
            return english  # the re-ask names the rendering: this time it is used
        return english.replace("State Council", "Cabinet")

    llm_proxy.script = ignores_glossary
    translator, doc = _translator(llm_proxy, tmp_path)
    first = next(iter(translator.translate(doc).values()))
    asked_again = [r for r in llm_proxy.requests if "must contain" in r.user]
    assert len(asked_again) == 1 and len(asked_again[0].items) == 1
    assert '"State Council"; "executive meeting"' in asked_again[0].user
    # the re-ask gave State Council; executive meeting needed the pipeline's splice
    assert [t.status for t in first.terms] == ["applied", "repaired"]
    assert "(executive meeting)" in first.text


# --- the network ------------------------------------------------------------------------------


@pytest.mark.slow
def test_429_waits_for_retry_after(llm_proxy: ScriptedProxy) -> None:
    def throttled(request: Request) -> str | Fault:
        if len(llm_proxy.requests) == 1:
            return Fault(429, {"Retry-After": "1"})
        return good_reply(request)

    llm_proxy.script = throttled
    assert engine_for(llm_proxy).translate_batch(SENTENCES[:1]) == EXPECTED[:1]
    first, second = llm_proxy.requests
    assert second.at - first.at >= 0.95  # not the 0.01 s backoff the test engine uses


@pytest.mark.slow
def test_500_is_retried_then_reported(llm_proxy: ScriptedProxy) -> None:
    llm_proxy.script = lambda request: (
        Fault(500) if len(llm_proxy.requests) == 1 else good_reply(request)
    )
    assert engine_for(llm_proxy).translate_batch(SENTENCES[:1]) == EXPECTED[:1]
    llm_proxy.requests.clear()
    llm_proxy.script = lambda request: Fault(503)
    with pytest.raises(ReaderError) as caught:
        engine_for(llm_proxy, retries=2).translate_batch(SENTENCES[:1])
    assert caught.value.render() == (
        f"reader: {llm_proxy.url}/chat/completions: no usable answer after 3 attempts: HTTP 503"
    )
    assert len(llm_proxy.requests) == 3


@pytest.mark.slow
@pytest.mark.parametrize("status", [401, 403, 404])
def test_auth_and_not_found_fail_fast(llm_proxy: ScriptedProxy, status: int) -> None:
    llm_proxy.script = lambda request: Fault(status)
    with pytest.raises(ReaderError) as caught:
        engine_for(llm_proxy, api_key=KEY).translate_batch(SENTENCES)
    line = caught.value.render()
    assert line.startswith(f"reader: {llm_proxy.url}/chat/completions: HTTP {status} ")
    assert "\n" not in line and KEY not in line
    assert len(llm_proxy.requests) == 1
    assert llm_proxy.requests[0].headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.slow
def test_connection_refused_is_retried_then_reported() -> None:
    from tests.llm_server import free_port

    url = f"http://127.0.0.1:{free_port()}/v1"
    engine = LLMEngine(LLMConfig(base_url=url, model="m", retries=1), retry_base=0.01)
    with pytest.raises(ReaderError, match="after 2 attempts: cannot connect"):
        engine.translate_batch(["你好。"])


@pytest.mark.slow
def test_hang_times_out(llm_proxy: ScriptedProxy) -> None:
    llm_proxy.script = lambda request: Fault(hang=30)
    engine = engine_for(llm_proxy, timeout=0.5, retries=1)
    with pytest.raises(ReaderError, match=r"no answer within 0\.5 s"):
        engine.translate_batch(SENTENCES[:1])
    assert len(llm_proxy.requests) == 2


@pytest.mark.slow
def test_cancel_returns_soon_while_the_server_hangs(llm_proxy: ScriptedProxy) -> None:
    llm_proxy.script = lambda request: Fault(hang=30)
    cancel = threading.Event()
    cancelled_at: list[float] = []

    def set_cancel() -> None:
        cancelled_at.append(time.monotonic())
        cancel.set()

    threading.Timer(0.3, set_cancel).start()
    from reader.translation.enforcement import protect

    with pytest.raises(Cancelled):
        engine_for(llm_proxy).translate_protected([protect("你好。", [], "placeholder")], cancel)
    # the engine looks at `cancel` every second; the server would hang for 30. A margin over
    # 1 s so that a loaded machine does not fail it, far under 30 so that a lost cancel does.
    assert time.monotonic() - cancelled_at[0] < 5


@pytest.mark.slow
def test_cancel_stops_the_pipeline(llm_proxy: ScriptedProxy) -> None:
    from reader.documents.loading import load_text
    from reader.translation.pipeline import Translator

    llm_proxy.script = lambda request: Fault(hang=30)
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    doc = load_text("国务院召开常务会议。\n\n会议由总理主持。")
    assert Translator(engine_for(llm_proxy), None, None).translate(doc, cancel=cancel) == {}


@pytest.mark.slow
def test_two_requests_in_flight_at_most(llm_proxy: ScriptedProxy) -> None:
    def slow(request: Request) -> str:
        time.sleep(0.2)  # so that requests overlap
        return good_reply(request)

    llm_proxy.script = slow
    engine = engine_for(llm_proxy, batch_chars=10)  # one sentence per request
    sentences = [f"第{n}条新闻。" for n in range(1, 9)]
    assert engine.translate_batch(sentences) == [fake_english(s, []) for s in sentences]
    assert len(llm_proxy.requests) == 8
    assert llm_proxy.max_in_flight == 2


@pytest.mark.slow
def test_model_defaults_to_the_servers_first(llm_proxy: ScriptedProxy) -> None:
    engine = LLMEngine(LLMConfig(base_url=llm_proxy.url))
    assert engine.resolve_model().endswith("tiny.gguf")


@pytest.mark.slow
def test_export_seed_with_llm_engine(
    llm_proxy: ScriptedProxy, tmp_path: Path, hermetic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reader export seeds/001… --engine llm`: every paragraph, in order, with term statuses."""
    from reader.cli import main
    from reader.documents.loading import load_document

    _write_config(hermetic, "[llm]\nbatch_chars = 300\n")  # short prompts: a faster tiny model
    out = tmp_path / "out.md"
    argv = ["export", str(seed("001")), "--engine", "llm", "--llm-url", llm_proxy.url]
    assert main([*argv, "--llm-model", "tiny", "-o", str(out)]) == 0
    assert "engine: llm (tiny at " in capsys.readouterr().err
    doc = load_document(str(seed("001")))
    rows = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    table = rows[2 : 2 + len(doc.paragraphs)]
    assert len(table) == len(doc.paragraphs) >= 6
    for paragraph, row in zip(doc.paragraphs, table, strict=True):
        zh, en = row[2:-2].split(" | ")
        assert re.sub(r"\*\*", "", zh).replace("\\|", "|") == paragraph.text
        assert en and not re.search(r"[\u4e00-\u9fff]{2}", re.sub(r"\*\*[^*]+\*\*", "", en))
    appendix = out.read_text(encoding="utf-8").split("## Glossary terms", 1)[1]
    assert "| Applied | Repaired | Missing | Forbidden |" in appendix
    terms = appendix.strip().split("\n\n")[0].splitlines()[2:]
    assert len(terms) >= 5
    for line in terms:
        cells = [c.strip() for c in line.strip("|").split("|")]
        count, applied, repaired, missing, forbidden = map(int, cells[2:])
        assert applied + repaired == count and missing == forbidden == 0
    assert 1 <= len(llm_proxy.requests) <= 20  # batches, not a request per sentence
