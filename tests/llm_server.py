"""A real llama.cpp server with a tiny random-weight model, and a scripting proxy in front.

`write_tiny_gguf(path)` writes a llama-architecture GGUF (2 layers, width 64, ~0.6 MB) whose
vocabulary is a SentencePiece model trained on the seeds (as tests/tiny_model.py does), with
seeded random weights, in about 0.1 s. `xllamacpp` runs llama.cpp's own server on it in this
process (prebuilt, no compiler), listening on 127.0.0.1.

The model's free output is junk (mostly Chinese pieces), so the proxy pins each reply: for
every chat request it asks the test's script for the reply text and forwards the request to
llama.cpp with a GBNF `grammar` whose only rule is that literal string. The reply the engine
parses is therefore produced, tokenized, detokenized and serialised by the real server.
The proxy can also answer by itself what a real server cannot be made to do on demand:
429 with Retry-After, 500, 401, or a hang.

Fixtures (enable with `pytest_plugins = ["tests.llm_server"]`):
- `llama_server` (session): the base URL of the llama.cpp server (`http://127.0.0.1:PORT/v1`).
- `llm_proxy`: a `ScriptedProxy` in front of it; set `proxy.script` to a function of the
  parsed request (`Request`) returning a reply string or a `Fault`.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}<|assistant|>"
)


def write_tiny_gguf(path: Path, *, width: int = 64, layers: int = 2, ffn: int = 128) -> Path:
    import gguf  # ~40 ms
    import numpy as np
    import sentencepiece as spm

    from tests.tiny_model import corpus_lines, train_sentencepiece

    sp = spm.SentencePieceProcessor(
        model_proto=train_sentencepiece(corpus_lines() + prompt_lines(), 4000, 0.9995, 2)
    )
    n_vocab = sp.get_piece_size()
    tokens, scores, types = [], [], []
    for i in range(n_vocab):
        tokens.append(sp.id_to_piece(i).encode("utf-8"))
        scores.append(sp.get_score(i))
        # llama.cpp token types: 1 normal, 2 unknown, 3 control, 6 byte
        kind = 2 if sp.is_unknown(i) else 3 if sp.is_control(i) else 6 if sp.is_byte(i) else 1
        types.append(kind)
    writer = gguf.GGUFWriter(str(path), "llama")
    heads = 4
    writer.add_context_length(16384)
    writer.add_embedding_length(width)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(heads)
    writer.add_rope_dimension_count(width // heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_tokenizer_model("llama")  # SentencePiece
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(sp.bos_id())
    writer.add_eos_token_id(sp.eos_id())
    writer.add_unk_token_id(sp.unk_id())
    writer.add_chat_template(CHAT_TEMPLATE)
    rng = np.random.default_rng(0)

    def weights(*shape: int) -> Any:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    ones = np.ones(width, dtype=np.float32)
    # numpy shapes are GGML's dimensions reversed: token_embd is ne = {width, n_vocab}
    writer.add_tensor("token_embd.weight", weights(n_vocab, width))
    writer.add_tensor("output_norm.weight", ones)
    writer.add_tensor("output.weight", weights(n_vocab, width))
    for b in range(layers):
        writer.add_tensor(f"blk.{b}.attn_norm.weight", ones)
        writer.add_tensor(f"blk.{b}.ffn_norm.weight", ones)
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            writer.add_tensor(f"blk.{b}.{name}.weight", weights(width, width))
        writer.add_tensor(f"blk.{b}.ffn_gate.weight", weights(ffn, width))
        writer.add_tensor(f"blk.{b}.ffn_up.weight", weights(ffn, width))
        writer.add_tensor(f"blk.{b}.ffn_down.weight", weights(width, ffn))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def prompt_lines() -> list[str]:
    """The English a request holds (instructions, the shipped glossary's renderings), so the
    tiny vocabulary spends a piece on a word as real ones do (~0.25 tokens a character, not
    one): a 512-token slot then holds what it holds for Qwen or Llama."""
    import csv

    from reader.translation.engines import llama_local, llm

    root = Path(__file__).resolve().parent.parent
    with open(root / "glossary.csv", encoding="utf-8", newline="") as file:
        english = [row["en"] for row in csv.DictReader(r for r in file if not r.startswith("#"))]
    texts = [llm.SYSTEM, llm.TOKEN_NOTE, llm.GLOSSARY_HEAD, "Translate:", *english]
    texts += [llama_local.HUNYUAN_INSTRUCTION, llama_local.HUNYUAN_FORMAT]
    return [line for text in texts for line in text.splitlines() if line.strip()] * 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def grammar_for(text: str) -> str:
    """A GBNF grammar whose only sentence is `text`."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'root ::= "{escaped}"'


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("gguf", reason="the test extra (gguf) is needed")
    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


@pytest.fixture(scope="session")
def llama_server(tiny_gguf: Path) -> Iterator[str]:
    with running_llama(tiny_gguf, n_ctx=16384, slots=2) as url:
        yield url


@contextlib.contextmanager
def running_llama(model: Path, *, n_ctx: int, slots: int) -> Iterator[str]:
    """llama.cpp's server on `model`, its context `n_ctx` divided among `slots` (as
    `llama-server -c N -np S` does); yields the base URL (`…/v1`)."""
    # the test extra; without it these tests skip, saying so
    xllamacpp = pytest.importorskip("xllamacpp", reason="the test extra (xllamacpp) is needed")
    # the prebuilt llama.cpp server: ~0.3 s to start on the tiny model
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.hostnames = ["127.0.0.1"]
    params.port = free_port()
    params.n_ctx = n_ctx
    params.n_parallel = slots
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    params.warmup = False
    params.verbosity = 0
    # <think> stays in the content, as servers without a reasoning parser send it
    params.reasoning_format = xllamacpp.common_reasoning_format.COMMON_REASONING_FORMAT_NONE
    server = xllamacpp.Server(params)
    try:
        yield f"http://127.0.0.1:{params.port}/v1"
    finally:
        del server


@dataclass
class Fault:
    """An answer the proxy gives itself: a status (with headers), or a hang of `hang` s."""

    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0


@dataclass
class Request:
    """One chat request as the proxy saw it."""

    body: dict[str, Any]
    at: float  # time.monotonic() on arrival
    headers: dict[str, str]
    path: str = ""  # as requested, with its query string

    @property
    def user(self) -> str:
        return str(self.body["messages"][-1]["content"])

    @property
    def items(self) -> list[tuple[int, str]]:
        """The numbered sentences (`[n] text`) of the request."""
        text = self.user.split("Translate:\n", 1)[-1]
        return [(int(n), t) for n, t in re.findall(r"^\[(\d+)\] (.*)$", text, re.M)]

    @property
    def glossary(self) -> list[tuple[str, str]]:
        rows = re.findall(r"^\| (.+?) \| (.+?) \|$", self.user, re.M)
        return [row for row in rows if row != ("Chinese", "English")]


def fake_english(text: str, glossary: list[tuple[str, str]]) -> str:
    """A stand-in translation: the glossary renderings, and a letter for every other Han
    character (picked by its code point), four to a word. Short on purpose: the random model
    emits about one token per character, at ~1-9 ms each as the context grows."""
    for zh, en in sorted(glossary, key=lambda row: -len(row[0])):
        text = text.replace(zh, f" {en} ")
    text = re.sub(r"[，。、；：！？“”（）《》,:]", " ", text)

    def letters(match: re.Match[str]) -> str:
        run = "".join(chr(97 + ord(ch) % 26) for ch in match.group())
        return " " + " ".join(run[i : i + 4] for i in range(0, len(run), 4)) + " "

    return " ".join(re.sub(r"[\u4e00-\u9fff]+", letters, text).split())


def good_reply(request: Request) -> str:
    return "\n".join(f"[{n}] {fake_english(t, request.glossary)}" for n, t in request.items)


class ScriptedProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.script: Callable[[Request], str | Fault] = good_reply
        self.requests: list[Request] = []
        self.statuses: list[int] = []  # of every chat reply, in order
        self.hide_props = False  # answer /props with 404, as servers other than llama.cpp
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy._forward_get(self)

            def do_POST(self) -> None:
                proxy._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()

    def _send(
        self, handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]
    ) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _forward_get(self, handler: BaseHTTPRequestHandler) -> None:
        import httpx

        if handler.path == "/props" and self.hide_props:
            self._send(handler, 404, b'{"error": "not found"}', {})
            return
        root = self.upstream.removesuffix("/v1")  # /v1/models and the root's /props
        response = httpx.get(root + handler.path, timeout=10)
        self._send(handler, response.status_code, response.content, {})

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", 0))
        body = json.loads(handler.rfile.read(length))
        request = Request(body, time.monotonic(), dict(handler.headers), handler.path)
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        # A request stops counting as in flight before its reply is written: the client may
        # send its next request as soon as it has read this one, before this thread runs on.
        try:
            reply = self._reply(request, body)
        finally:
            with self._lock:
                self.in_flight -= 1
        if reply is not None:
            self._send(handler, *reply)

    def _reply(
        self, request: Request, body: dict[str, Any]
    ) -> tuple[int, bytes, dict[str, str]] | None:
        import httpx

        action = self.script(request)
        if isinstance(action, Fault):
            if action.hang:
                self._closing.wait(action.hang)
                return None
            payload = json.dumps({"error": {"message": "scripted"}}).encode()
            return action.status, payload, action.headers
        forwarded = {**body, "grammar": grammar_for(action)}
        response = httpx.post(self.upstream + "/chat/completions", json=forwarded, timeout=60)
        with self._lock:
            self.statuses.append(response.status_code)
        return response.status_code, response.content, {}


@pytest.fixture
def llm_proxy(llama_server: str) -> Iterator[ScriptedProxy]:
    proxy = ScriptedProxy(llama_server)
    try:
        yield proxy
    finally:
        proxy.close()
