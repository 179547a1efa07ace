"""Server URLs: shown without credentials everywhere, checked, and joined with a URL library
(issue 25, items 3 and 7)."""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader import urls
from reader.cli import main
from reader.config import LLMConfig
from reader.errors import ReaderError
from reader.translation.engines.llm import LLMEngine
from tests.conftest import messages, one_message, seed
from tests.llm_server import ScriptedProxy

PASSWORD = "hunter2-pw-9f3c"
TOKEN = "qs-token-51e7"


def secret_url(base: str) -> str:
    """`base` (http://127.0.0.1:PORT/v1) with a user, a password and an api_key query."""
    scheme, rest = base.split("://", 1)
    return f"{scheme}://alice:{PASSWORD}@{rest}?api_key={TOKEN}"


def test_3_shown_drops_credentials_and_secret_query_values() -> None:
    assert urls.shown("http://alice:pw@h:8080/v1") == "http://h:8080/v1"
    assert urls.shown("https://TOKEN@h/v1") == "https://h/v1"
    assert urls.shown("http://h/v1?api_key=X&api-version=2024") == (
        "http://h/v1?api_key=***&api-version=2024"
    )
    assert urls.shown("http://h/v1?access_token=X&sig=Y#frag") == (
        "http://h/v1?access_token=***&sig=***"
    )
    assert urls.shown("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"


@given(
    st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=8, max_size=30),
    st.sampled_from(["key", "api_key", "token", "password", "X-Auth", "sig"]),
)
def test_3_no_secret_survives_shown(secret: str, name: str) -> None:
    url = f"http://user{secret}:{secret}@server.example:8080/v1?{name}={secret}&n=1"
    assert secret not in urls.shown(url)
    assert urls.shown(url).startswith("http://server.example:8080/v1?")


def test_3_request_urls_keep_the_query_string_after_the_path() -> None:
    assert urls.endpoint("http://h/v1?api_key=X", "chat/completions") == (
        "http://h/v1/chat/completions?api_key=X"
    )
    assert urls.normalise_base("http://h:1/v1/chat/completions?k=1") == "http://h:1/v1?k=1"
    assert urls.normalise_base("http://h:1/?k=1") == "http://h:1/v1?k=1"
    assert urls.normalise_base("https://h/api/openai/v1/") == "https://h/api/openai/v1"


def test_3_the_engine_sends_credentials_and_shows_none() -> None:
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "m"}]})
        return httpx.Response(401, json={"error": {"message": "bad key"}})

    engine = LLMEngine(
        LLMConfig(base_url=secret_url("http://h:1/v1")), transport=httpx.MockTransport(server)
    )
    assert engine.resolve_model() == "m"
    with pytest.raises(ReaderError) as caught:
        engine.translate_batch(["你好。"])
    props, models, chat = sorted(seen, key=lambda r: not r.url.path.endswith("/props"))
    assert props.url.path == "/props" and props.url.params["api_key"] == TOKEN
    assert (models.url.path, chat.url.path) == ("/v1/models", "/v1/chat/completions")
    assert chat.url.params["api_key"] == TOKEN  # sent as given
    basic = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    assert chat.headers["Authorization"] == f"Basic {basic}"
    shown = [caught.value.render(), repr(engine), engine.model_id, engine.url, engine.base_url]
    for text in shown:
        assert PASSWORD not in text and TOKEN not in text and "alice" not in text
    assert caught.value.render().startswith(
        "reader: http://h:1/v1/chat/completions?api_key=***: HTTP 401"
    )


def test_3_config_shows_no_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READER_LLM_BASE_URL", secret_url("http://h:1/v1"))
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "http://h:1/v1?api_key=***  (environment" in out
    assert PASSWORD not in out and TOKEN not in out


@pytest.mark.slow
def test_3_engine_line_and_exports_show_no_password(
    llm_proxy: ScriptedProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = secret_url(llm_proxy.url)
    text = tmp_path / "short.txt"
    text.write_text("国务院召开常务会议。\n\n会议由总理主持。\n", encoding="utf-8")
    for suffix in ("md", "html", "epub"):
        out = tmp_path / f"out.{suffix}"
        argv = ["export", str(text), "--engine", "llm", "--llm-url", url, "--llm-model", "tiny"]
        assert main([*argv, "-o", str(out)]) == 0
        captured = capsys.readouterr()
        assert f"at {urls.shown(url)})" in "\n".join(messages(captured.err))
        if suffix == "epub":
            with zipfile.ZipFile(out) as book:
                written = "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
        else:
            written = out.read_text(encoding="utf-8")
        assert "127.0.0.1" in written  # the engine label is there, without the secrets
        for shown in (captured.out, captured.err, written):
            assert PASSWORD not in shown and TOKEN not in shown
    assert all(r.path == f"/v1/chat/completions?api_key={TOKEN}" for r in llm_proxy.requests)
    assert llm_proxy.requests  # once: the memory serves the other two exports


# --- item 7: a URL that is not one says so ---------------------------------------------------


@pytest.mark.parametrize(
    "url", ["htp:/x", "localhost:8080", "http://", "http:///v1", "http://h:port/v1", "ftp://h/v1"]
)
def test_7_a_url_that_is_not_one_says_so(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READER_LLM_BASE_URL", url)
    assert main(["translate", str(seed("000")), "--engine", "llm"]) == 2
    err = capsys.readouterr().err
    message = one_message(err)
    assert message.startswith(f"reader: READER_LLM_BASE_URL: {url} is not a URL"), err
    assert "reach" not in message


def test_7_the_url_flag_and_file_are_named(
    hermetic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["translate", str(seed("000")), "--engine", "llm", "--llm-url", "htp:/x"]) == 2
    assert one_message(capsys.readouterr().err).startswith("reader: --llm-url: htp:/x is not a URL")
    from reader.config import config_path

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[llm]\nbase_url = "htp:/x"\n', encoding="utf-8")
    assert main(["translate", str(seed("000")), "--engine", "llm"]) == 2
    message = one_message(capsys.readouterr().err)  # a long path wraps the cause
    assert message.startswith(f"reader: {path}: llm.base_url: htp:/x is not")
    assert main(["config"]) == 0
    assert "htp:/x (not a URL: it must start with http:// or https://)" in capsys.readouterr().out


def test_7_good_urls_pass() -> None:
    for url in ("http://127.0.0.1:8080/v1", "https://api.example.com/v1", "http://[::1]:8080"):
        assert urls.problem(url) is None
