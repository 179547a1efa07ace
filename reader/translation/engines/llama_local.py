"""A GGUF model run by llama.cpp inside this process: `--engine llm` with no server to start.

Guarantees:
- `start_local(info, config)` starts llama.cpp's own server (the `xllamacpp` package, the
  optional extra `reader[llama]`; without it one line names the extra) on 127.0.0.1 at a free
  port, with threads = the cores this process may use, `concurrency` slots and a context of
  `SLOT_TOKENS` per slot (a batch of `batch_chars` = 1,200 Chinese characters is ~1,800 prompt
  tokens with the instruction and glossary table, its English ~1,500: 4,096 holds both).
- The server lives in this process (llama.cpp's HTTP and decoding threads), so it cannot
  outlive the reader: a normal exit, ctrl+c and a crash all end it with the process (see
  `_at_exit`); `stop_local()` stops it before that. One server per process, started once.
- The chat template is the GGUF's own (`use_jinja`); the prompt follows the model's family:
  Hunyuan-MT gets its recommended instruction with no system prompt ("把下面的文本翻译成
  English，不要额外解释。", terms as "参考下面的翻译：X 翻译成 Y"), others (Qwen, Llama, …) the
  chat prompt of `engines/llm.py`. Everything else (batching, checks, splits, repairs) is
  `LLMEngine`'s.
"""

from __future__ import annotations

import atexit
import os
import socket
import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from reader.errors import ReaderError
from reader.translation.engines.llm import LLMEngine

if TYPE_CHECKING:
    from reader.config import LLMConfig
    from reader.translation.installed import ModelInfo

SLOT_TOKENS = 4096
EXTRA_HINT = "the local llama.cpp server needs the optional extra: pip install 'reader[llama]'"
HUNYUAN = "hunyuan-mt"
CHAT = "chat"

# Hunyuan-MT-7B's model card, ZH<=>XX: "把下面的文本翻译成<target_language>，不要额外解释。
# \n\n<source_text>"; terms "参考下面的翻译：\n<term> 翻译成 <rendering>\n\n…"; no system prompt.
HUNYUAN_INSTRUCTION = "把下面的文本翻译成English，不要额外解释。"
HUNYUAN_FORMAT = (
    "每行一个编号条目，如 `[1] 中文`；逐条翻译，每条英文单独一行并保留相同编号：`[1] English`。"
)

_lock = threading.Lock()
_server: Any = None  # xllamacpp.Server
_url = ""
_model_path = ""


def family(info: ModelInfo) -> str:
    """The prompt family of a GGUF model, from its file name (Hunyuan-MT-7B-Q4_K_M.gguf)."""
    name = f"{info.name} {info.path.name}".lower()
    return HUNYUAN if "hunyuan" in name or "hy-mt" in name else CHAT


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_local(info: ModelInfo, config: LLMConfig) -> str:
    """Start (once) llama.cpp on `info`'s GGUF file; return its base URL (…/v1)."""
    global _server, _url, _model_path
    with _lock:
        if _server is not None and _model_path == str(info.path):
            return _url
        if _server is not None:
            _stop_locked()
        if not info.path.is_file():
            raise ReaderError(info.path, "the installed GGUF model file is missing")
        try:
            import xllamacpp  # the prebuilt llama.cpp server: ~0.1 s to import
        except ImportError:
            raise ReaderError("--engine llm", EXTRA_HINT) from None
        params = xllamacpp.CommonParams()
        params.model.path = str(info.path)
        params.hostnames = ["127.0.0.1"]
        params.port = _free_port()
        params.n_parallel = config.concurrency
        params.n_ctx = SLOT_TOKENS * config.concurrency
        params.cpuparams.n_threads = _cores()
        params.cpuparams_batch.n_threads = _cores()
        params.use_jinja = True  # the GGUF's own chat template
        params.warmup = False
        params.verbosity = 0
        params.reasoning_format = xllamacpp.common_reasoning_format.COMMON_REASONING_FORMAT_NONE
        try:
            _server = xllamacpp.Server(params)
        except Exception as error:  # llama.cpp raises RuntimeError/ValueError on a bad model
            raise ReaderError(info.path, f"llama.cpp cannot load it ({error})") from None
        _url = f"http://127.0.0.1:{params.port}/v1"
        _model_path = str(info.path)
        return _url


def _stop_locked() -> None:
    global _server, _url, _model_path
    server, _server, _url, _model_path = _server, None, "", ""
    del server  # xllamacpp stops its threads and frees the model in the destructor


def stop_local() -> None:
    """Stop the local server, if one runs (also called at exit)."""
    with _lock:
        if _server is not None:
            _stop_locked()


def _at_exit() -> None:
    """At exit the server is not stopped but left to end with the process: stopping waits for
    the generation in flight (over 15 s after a ctrl+c mid-batch, measured), and its threads,
    socket and memory go with the process anyway. A reference is leaked on purpose so that the
    interpreter's teardown does not run the destructor either."""
    if _server is not None:
        import ctypes

        ctypes.pythonapi.Py_IncRef(ctypes.py_object(_server))


atexit.register(_at_exit)


def exit_now_if_running(code: int) -> None:
    """After a ctrl+c mid-batch, end the process at once when the local server runs: the
    generation in flight goes on in llama.cpp's threads, and the C++ teardown of a normal exit
    then crashes under them (SIGSEGV instead of 130 in 2 of 3 runs, measured on 2 cores)."""
    if _server is None:
        return
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class LocalLLMEngine(LLMEngine):
    """`LLMEngine` on the in-process llama.cpp server, with the model family's prompt."""

    def __init__(self, info: ModelInfo, config: LLMConfig) -> None:
        url = start_local(info, config)
        super().__init__(replace(config, base_url=url, model=info.name))
        self.info = info
        self.family = family(info)

    def __repr__(self) -> str:
        return f"LocalLLMEngine({self.info.name!r}, {self.family})"

    @property
    def model_id(self) -> str:
        # the port changes every run: the memory keys on the model, not the URL
        return f"{self.info.model_id}@local"

    @property
    def settings_key(self) -> str:
        return f"{super().settings_key};family={self.family}"

    def messages(self, items: Any, require: list[str] | None = None) -> list[dict[str, str]]:
        if self.family == HUNYUAN:
            return hunyuan_messages(items, require)
        return super().messages(items, require)


def hunyuan_messages(items: Any, require: list[str] | None = None) -> list[dict[str, str]]:
    """Hunyuan-MT's recommended prompt around the numbered items: one user turn, no system."""
    parts: list[str] = []
    terms = list(dict.fromkeys(t for item in items for t in item.terms))
    if terms:
        parts.append("参考下面的翻译：\n" + "\n".join(f"{zh} 翻译成 {en}" for zh, en in terms))
    if require:
        parts.append("英文必须包含：" + "; ".join(f'"{r}"' for r in require))
    if any("XTERM" in item.text for item in items):
        parts.append("XTERM0X 这类标记原样保留。")
    lines = [f"[{n}] {item.text}" for n, item in enumerate(items, 1)]
    parts.append(f"{HUNYUAN_INSTRUCTION}{HUNYUAN_FORMAT}\n\n" + "\n".join(lines))
    return [{"role": "user", "content": "\n\n".join(parts)}]
