"""The `llm` engine: any OpenAI-compatible `/v1/chat/completions` server (llama.cpp's
llama-server, Ollama, vLLM, LM Studio, a hosted API).

Guarantees:
- One output per input, in input order, or an exception: sentences go to the server numbered
  (`[1] …`) in requests of about `batch_chars` characters; a reply is accepted only when it
  holds every id exactly once and each line is plausible English (not mostly Han characters,
  not far longer than its source). Otherwise the batch is split in two and each half asked
  again, down to one sentence, so a dropped, merged or shifted paragraph never reaches the
  reader. A one-sentence reply is taken whole, so a source never maps to two outputs; one
  that is still not English (mostly Chinese, U+FFFD, a loop) comes back as an empty
  `FlaggedOutput` and the pipeline shows the word gloss, flagged.
- Small contexts: llama-server divides its context among its slots (2 slots of 1,024 tokens
  are ordinary). The per-slot context is read from llama.cpp's `/props` when the server has
  one, and batches are sized to it from the start; a 400 that says the request exceeds the
  context (llama.cpp, vLLM, OpenAI wordings) halves the batch, and later batches, down to one
  sentence; one sentence that does not fit is one line naming the context.
- The glossary terms found in a request's sentences, and only those, go in its prompt as a
  `Chinese | English` table to use exactly; a sentence whose reply still lacks a rendering is
  asked again alone with the required words named. The pipeline then verifies every term and
  splices what is still missing (`reader.translation.enforcement`).
- Replies are cleaned: `<think>…</think>` blocks, code fences and preambles are dropped.
- Network: at most `concurrency` requests in flight per call (default 2); timeouts; retries
  with exponential backoff and jitter on 429, 5xx and connection errors, honouring
  `Retry-After`; 401/403/404 and other 4xx fail at once with one line naming the URL and the
  status. A set cancel event makes the call raise `Cancelled` within 0.1 s (requests already
  sent are abandoned to their own threads, which end at the timeout).
- The API key goes only into the Authorization header; it is never in a message or a repr.
- Cache identity: `model_id` is `model@base_url`; `settings_key` holds the prompt version and
  the temperature (default 0), so changing any of them translates afresh.
"""

from __future__ import annotations

import email.utils
import queue
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from reader import urls
from reader.config import setting_origin
from reader.errors import ReaderError
from reader.han import han_count
from reader.translation.degenerate import MAX_RATIO, PASSTHROUGH_SHARE, repetition
from reader.translation.enforcement import verify
from reader.translation.engines.base import Cancelled
from reader.translation.results import Flag, FlaggedOutput

if TYPE_CHECKING:
    import httpx

    from reader.config import LLMConfig
    from reader.translation.enforcement import Protected

PROMPT_VERSION = "1"  # bump when the prompt changes: it keys the translation memory
MAX_ITEMS = 16  # sentences per request, whatever their length
REPLY_TOKENS = 1024  # a reply's room beyond 8 tokens a character: a reasoning model thinks
MAX_RETRY_AFTER = 120.0  # seconds; a longer Retry-After is an outage, not throttling
MAX_BACKOFF = 30.0
TOO_LONG_SLACK = 80  # characters over the guard's MAX_RATIO: short headlines grow in English

SYSTEM = (
    "You translate Chinese into fluent, faithful English.\n"
    "The user sends numbered items, one per line, like `[1] 中文`. Reply with the English "
    "of every item on its own line with the same number in brackets, in the same order: "
    "`[1] English`. Translate each item by itself: never merge, split, skip or reorder "
    "items. Write nothing else: no notes, no explanations, no Chinese."
)
TOKEN_NOTE = "Copy tokens such as XTERM0X unchanged."
GLOSSARY_HEAD = "Glossary: use these English renderings exactly.\n| Chinese | English |"

# a request's tokens per Chinese character, prompt and reply together: ~1 for the Chinese,
# ~1.5 for its English (Qwen, Llama tokenizers), plus room; the instruction and the glossary
# table take PROMPT_TOKENS. Only a first guess: a context error halves the batch anyway.
TOKENS_PER_CHAR = 3
PROMPT_TOKENS = 300
MIN_BATCH_CHARS = 60
# what servers say when a request does not fit: llama.cpp's error type and message, vLLM's
# and OpenAI's "maximum context length", OpenAI's code
_CONTEXT_ERROR = re.compile(
    r"exceed_context_size_error|exceeds the available context|maximum context length"
    r"|context_length_exceeded|context window|too many tokens",
    re.IGNORECASE,
)

_ID_LINE = re.compile(r"^\s*(?:\[(\d+)\]|(\d+)[.:)])\s*(.*)$")
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^\s*```[\w-]*\s*$")


@dataclass(slots=True)
class _Item:
    text: str  # what the server reads for this sentence
    terms: list[tuple[str, str]] = field(default_factory=list)  # (Chinese, rendering)
    protected: Protected | None = None  # for verifying the renderings


class BadReply(Exception):
    """A batch reply that cannot be mapped one to one onto its sentences."""


class ContextExceeded(Exception):
    """The server refused a request as larger than its (per-slot) context."""

    def __init__(self, n_ctx: int | None) -> None:
        super().__init__(n_ctx)
        self.n_ctx = n_ctx


class LLMEngine:
    """A `TermsEngine` over an OpenAI-compatible chat server."""

    name = "llm"
    chunk_sentences = 16  # pipeline chunk: paragraphs stream into the TUI as they finish

    def __init__(
        self,
        config: LLMConfig,
        *,
        temperature: float = 0.0,
        retry_base: float = 1.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not config.base_url:
            raise ReaderError("--engine llm", "no server configured; see `reader config`")
        bad = urls.problem(config.base_url)
        if bad:
            where = setting_origin(config, "base_url")
            raise ReaderError(where, f"{urls.shown(config.base_url)} is {bad}")
        # requests go to the URL as given (user:password becomes Basic auth, the query string
        # stays); what is shown, stored or put in a message is `urls.shown` of it
        base = urls.normalise_base(config.base_url)
        self._chat_url = urls.endpoint(base, "chat/completions")
        self._models_url = urls.endpoint(base, "models")
        self._props_url = urls.root_endpoint(base, "props")  # llama.cpp's, for its context
        self.base_url = urls.shown(base)
        self.url = urls.shown(self._chat_url)
        self.model = config.model or ""
        self._api_key = config.api_key
        self.concurrency = config.concurrency
        self.timeout = config.timeout
        self.retries = config.retries
        self.batch_chars = config.batch_chars
        self.temperature = temperature
        self.retry_base = retry_base  # seconds; tests make it small
        self._transport = transport
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()
        self.requests = 0  # sent, for the tests and the note
        self.slot_context: int | None = None  # tokens a request may use, once known
        # told of each retry after a failure ("…: cannot connect; retrying (2/5)…")
        self.notice: Callable[[str], None] | None = None
        self._probed = False

    def __repr__(self) -> str:
        return f"LLMEngine({self.model!r} at {self.base_url})"

    @property
    def model_id(self) -> str:
        return f"{self.model}@{self.base_url}"

    @property
    def settings_key(self) -> str:
        return f"prompt={PROMPT_VERSION};temperature={self.temperature:g}"

    def resolve_model(self) -> str:
        """The model to ask for: the configured one, else the first the server lists
        (llama-server serves one and ignores the name; Ollama and hosted APIs need it)."""
        if self.model:
            return self.model
        import httpx

        url = urls.shown(self._models_url)
        try:
            response = self._client_for_thread().get(
                self._models_url, timeout=min(self.timeout, 10.0)
            )
        except httpx.HTTPError as error:
            raise ReaderError(url, f"cannot reach the server ({type(error).__name__})") from None
        if response.status_code != 200:
            raise ReaderError(url, _http_message(response))
        try:
            self.model = str(response.json()["data"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise ReaderError(
                url, "the server lists no model; set READER_LLM_MODEL or llm.model"
            ) from None
        return self.model

    # --- the protocol -----------------------------------------------------------------------

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return self._translate([_Item(_one_line(s)) for s in sentences], None)

    def translate_protected(
        self, sentences: Sequence[Protected], cancel: threading.Event | None = None
    ) -> list[str]:
        items = []
        for protected in sentences:
            text = protected.original
            terms = list(
                dict.fromkeys((text[t.start : t.end], t.rendering) for t in protected.terms)
            )
            items.append(_Item(_one_line(text), terms, protected))
        return self._translate(items, cancel)

    # --- batching ---------------------------------------------------------------------------

    def _translate(self, items: list[_Item], cancel: threading.Event | None) -> list[str]:
        if not self._probed:
            self._probed = True
            self._learn_context()
        outputs = [""] * len(items)
        todo = [i for i, item in enumerate(items) if item.text.strip()]
        groups: list[list[int]] = []
        size = 0
        for i in todo:
            if not groups or size + len(items[i].text) > self.batch_chars:
                groups.append([])
                size = 0
            if len(groups[-1]) >= MAX_ITEMS:
                groups.append([])
                size = 0
            groups[-1].append(i)
            size += len(items[i].text)
        results = self._run_groups([[items[i] for i in g] for g in groups], cancel)
        for group, texts in zip(groups, results, strict=True):
            for i, text in zip(group, texts, strict=True):
                outputs[i] = text
        return outputs

    def _run_groups(
        self, groups: list[list[_Item]], cancel: threading.Event | None
    ) -> list[list[str]]:
        """Each group on one of `concurrency` daemon threads; this thread watches `cancel`."""
        if not groups:
            return []
        stop = threading.Event()
        work: queue.Queue[int] = queue.Queue()
        for index in range(len(groups)):
            work.put(index)
        done: queue.Queue[tuple[int, list[str] | BaseException]] = queue.Queue()

        def worker() -> None:
            while not stop.is_set():
                try:
                    index = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put((index, self._group(groups[index], stop)))
                except BaseException as error:  # handed to the calling thread
                    done.put((index, error))

        for _ in range(min(self.concurrency, len(groups))):
            # daemon: a request abandoned on cancel must not keep the process alive
            threading.Thread(target=worker, daemon=True, name="reader-llm").start()
        results: dict[int, list[str]] = {}
        while len(results) < len(groups):
            try:
                index, value = done.get(timeout=0.1)
            except queue.Empty:
                if cancel is not None and cancel.is_set():
                    stop.set()
                    raise Cancelled from None
                continue
            if isinstance(value, BaseException):
                stop.set()
                raise value
            results[index] = value
        return [results[i] for i in range(len(groups))]

    def _learn_context(self) -> None:
        """Size batches to the server's per-slot context, when it says (llama.cpp's `/props`:
        `default_generation_settings.n_ctx` is per slot); other servers have no such page."""
        import httpx

        try:
            response = self._client_for_thread().get(
                self._props_url, timeout=min(self.timeout, 5.0)
            )
            n_ctx = int(response.json()["default_generation_settings"]["n_ctx"])
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return
        if n_ctx > 0:
            self._fit_context(n_ctx)

    def _fit_context(self, n_ctx: int) -> None:
        with self._client_lock:
            self.slot_context = n_ctx
            fits = max(MIN_BATCH_CHARS, (n_ctx - PROMPT_TOKENS) // TOKENS_PER_CHAR)
            self.batch_chars = min(self.batch_chars, fits)

    def _shrink(self, chars: int, n_ctx: int | None) -> None:
        """A request of `chars` characters did not fit: later batches start at half of it."""
        if n_ctx:
            self._fit_context(n_ctx)
        with self._client_lock:
            self.batch_chars = max(MIN_BATCH_CHARS, min(self.batch_chars, chars // 2))

    def _group(self, items: list[_Item], stop: threading.Event) -> list[str]:
        """Ask for a batch; split it in two and ask again while the reply does not fit."""
        try:
            reply = self._ask(items, stop)
        except ContextExceeded as error:
            if len(items) == 1:
                size = f" ({error.n_ctx:,} tokens a slot)" if error.n_ctx else ""
                raise ReaderError(
                    self.url,
                    f"one sentence ({len(items[0].text):,} characters) does not fit the "
                    f"server's context{size}; give llama-server a larger --ctx-size or "
                    "fewer --parallel slots",
                ) from None
            self._shrink(sum(len(item.text) for item in items), error.n_ctx)
            half = len(items) // 2
            return self._group(items[:half], stop) + self._group(items[half:], stop)
        if len(items) == 1:
            text = single_reply(reply)
            problem = not_english(items[0], text)
            if problem:
                return [FlaggedOutput("", Flag("not-english", f"the server's reply is {problem}"))]
            texts = [text]
        else:
            try:
                texts = parse_reply(reply, len(items))
                for item, text in zip(items, texts, strict=True):
                    problem = implausible(item, text) or broken(item, text)
                    if problem:
                        raise BadReply(problem)
            except BadReply:
                half = len(items) // 2
                return self._group(items[:half], stop) + self._group(items[half:], stop)
        return [
            self._repair_terms(item, text, stop) for item, text in zip(items, texts, strict=True)
        ]

    def _repair_terms(self, item: _Item, text: str, stop: threading.Event) -> str:
        """Ask once more for a sentence whose reply lacks a required rendering, naming it."""
        if item.protected is None or not item.terms:
            return text

        applied = sum(c.status == "applied" for c in verify(text, item.protected.terms))
        if applied == len(item.protected.terms):
            return text
        checks = verify(text, item.protected.terms)
        missing = [
            t.rendering
            for t, c in zip(item.protected.terms, checks, strict=True)
            if c.status != "applied"
        ]
        try:
            reply = self._ask([item], stop, require=list(dict.fromkeys(missing)))
        except ContextExceeded:  # the longer prompt does not fit: the pipeline splices
            return text
        retry = single_reply(reply)
        better = sum(c.status == "applied" for c in verify(retry, item.protected.terms))
        return retry if better > applied and not implausible(item, retry) else text

    # --- the request ------------------------------------------------------------------------

    def messages(
        self, items: list[_Item], require: list[str] | None = None
    ) -> list[dict[str, str]]:
        """The chat messages for a batch (public for tests)."""
        system = SYSTEM
        if any("XTERM" in item.text for item in items):
            system += "\n" + TOKEN_NOTE
        parts: list[str] = []
        terms = list(dict.fromkeys(t for item in items for t in item.terms))
        if terms:
            rows = [f"| {zh} | {en} |" for zh, en in terms]
            parts.append("\n".join([GLOSSARY_HEAD, *rows]))
        if require:
            quoted = "; ".join(f'"{r}"' for r in require)
            parts.append(f"The English must contain these exact words: {quoted}.")
        lines = [f"[{n}] {item.text}" for n, item in enumerate(items, 1)]
        parts.append("Translate:\n" + "\n".join(lines))
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": "\n\n".join(parts)},
        ]

    def _ask(
        self, items: list[_Item], stop: threading.Event, require: list[str] | None = None
    ) -> str:
        chars = sum(len(item.text) for item in items)
        body: dict[str, Any] = {
            "model": self.model,
            "messages": self.messages(items, require),
            "temperature": self.temperature,
            # room for the English (~4 tokens a character) and a reasoning model's <think>
            "max_tokens": REPLY_TOKENS + 8 * chars,
            "stream": False,
        }
        if self.slot_context:  # vLLM refuses a max_tokens the context cannot hold
            body["max_tokens"] = min(body["max_tokens"], self.slot_context)
        data = self._post(body, stop)
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise ReaderError(self.url, "the reply is not a chat completion") from None
        return clean_reply(content if isinstance(content, str) else "")

    def _client_for_thread(self) -> httpx.Client:
        with self._client_lock:
            if self._client is None:
                import httpx  # httpx: ~60 ms, only when the llm engine runs

                headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
                self._client = httpx.Client(
                    headers=headers,
                    timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
                    transport=self._transport,
                    follow_redirects=True,
                )
            return self._client

    def _post(self, body: dict[str, Any], stop: threading.Event) -> dict[str, Any]:
        import httpx

        client = self._client_for_thread()
        problem = ""
        for attempt in range(self.retries + 1):
            if stop.is_set():
                raise Cancelled
            delay = min(MAX_BACKOFF, self.retry_base * 2**attempt)
            delay *= 0.5 + random.random()  # jitter: two clients throttled together drift apart
            try:
                self.requests += 1
                response = client.post(self._chat_url, json=body)
            except httpx.TimeoutException:
                problem = f"no answer within {self.timeout:g} s"
            except httpx.TransportError as error:
                problem = f"cannot connect ({type(error).__name__})"
            else:
                status = response.status_code
                if status == 200:
                    try:
                        data = response.json()
                    except ValueError:
                        raise ReaderError(self.url, "the reply is not JSON") from None
                    if not isinstance(data, dict):
                        raise ReaderError(self.url, "the reply is not a chat completion")
                    return data
                if status in (400, 413) and _CONTEXT_ERROR.search(response.text):
                    raise ContextExceeded(_context_of(response))
                if status in (401, 403, 404) or (400 <= status < 500 and status != 429):
                    raise ReaderError(self.url, _http_message(response))
                problem = f"HTTP {status}"
                after = retry_after(response.headers.get("retry-after"))
                if after is not None:
                    delay = min(after, MAX_RETRY_AFTER)
            if attempt < self.retries:
                if self.notice is not None:
                    where = urlsplit(self.url).netloc  # host:port, short: fits 80 columns
                    self.notice(f"{where}: {problem}; retrying ({attempt + 2}/{self.retries + 1})…")
                if stop.wait(delay):
                    raise Cancelled
        raise ReaderError(
            self.url, f"no usable answer after {self.retries + 1} attempts: {problem}"
        )


def _http_message(response: httpx.Response) -> str:
    hints = {
        401: "check the API key (READER_LLM_API_KEY or the config file)",
        403: "the API key may not use this model",
        404: "check the base URL (it usually ends in /v1) and the model name",
    }
    status = response.status_code
    detail = hints.get(status)
    if detail is None:
        detail = body_detail(response.text) or response.reason_phrase
    return f"HTTP {status} {response.reason_phrase}: {detail}"


def _context_of(response: httpx.Response) -> int | None:
    """The per-slot context a llama.cpp error names (`error.n_ctx`), if it does."""
    try:
        value = response.json()["error"]["n_ctx"]
    except (ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, int) and value > 0 else None


MAX_DETAIL = 200  # characters of a server's error text: its message, not a page of JSON


def body_detail(text: str) -> str:
    """What an error body says: the message of OpenAI's `{"error": {"message": …}}` (or
    `{"error": "…"}`, `{"detail": …}`, `{"message": …}`), else the text; on one line, cut at
    a word with … past `MAX_DETAIL` characters."""
    import json

    try:
        data: Any = json.loads(text)
    except ValueError:
        data = text
    for key in ("error", "message", "detail"):
        if isinstance(data, dict) and key in data:
            data = data[key]
    if isinstance(data, dict) and "message" in data:
        data = data["message"]
    message = " ".join(str(data if isinstance(data, str) else text).split())
    if len(message) <= MAX_DETAIL:
        return message
    cut = message.rfind(" ", 0, MAX_DETAIL)
    return message[: cut if cut > 0 else MAX_DETAIL - 1].rstrip(",;:") + "…"


# --- pure helpers (tested directly) -------------------------------------------------------------


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def clean_reply(text: str) -> str:
    """Drop `<think>` blocks, code fences and blank lines around the answer."""
    text = _THINK.sub("", text)
    if "</think>" in text.lower():  # the template opened the block: keep what follows it
        text = text[text.lower().rindex("</think>") + len("</think>") :]
    if "<think>" in text.lower():  # never closed: the model ran out of room while thinking
        text = text[: text.lower().index("<think>")]
    lines = [line for line in text.splitlines() if not _FENCE.match(line)]
    return "\n".join(lines).strip()


def parse_reply(reply: str, count: int) -> list[str]:
    """The text of ids 1..count, each exactly once; lines without an id (a preamble such as
    "Here is the translation:", a closing remark) are dropped."""
    found: dict[int, str] = {}
    for line in reply.splitlines():
        match = _ID_LINE.match(line)
        if not match:
            continue
        number = int(match.group(1) or match.group(2))
        if number in found:
            raise BadReply(f"id {number} twice")
        if not 1 <= number <= count:
            raise BadReply(f"unknown id {number}")
        found[number] = match.group(3).strip()
    if len(found) != count:
        raise BadReply(f"{count - len(found)} of {count} ids missing")
    return [found[n] for n in range(1, count + 1)]


def single_reply(reply: str) -> str:
    """The reply for one sentence: ids and a preamble dropped, lines joined with a space."""
    lines = [line.strip() for line in reply.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":") and not _ID_LINE.match(lines[0]):
        lines = lines[1:]  # "Here is the translation:"
    texts = []
    for line in lines:
        match = _ID_LINE.match(line)
        texts.append(match.group(3).strip() if match else line)
    return " ".join(t for t in texts if t)


def implausible(item: _Item, text: str) -> str | None:
    """Why a reply line cannot be this sentence's English, or None."""
    out = "".join(text.split())
    for _, rendering in item.terms:
        if han_count(rendering):  # a dnt rendering keeps its Chinese
            out = out.replace("".join(rendering.split()), "")
    src = "".join(item.text.split())
    if not out:
        return "empty"
    if han_count(out) >= PASSTHROUGH_SHARE * len(out) and han_count(out) >= 2:
        return "mostly Chinese"
    if len(out) > MAX_RATIO * len(src) + TOO_LONG_SLACK:
        return "far too long"
    return None


def not_english(item: _Item, text: str) -> str | None:
    """Why a one-sentence reply cannot be shown as English, or None: empty, mostly Chinese,
    or broken (see `broken`)."""
    problem = implausible(item, text)
    return problem if problem in ("mostly Chinese", "empty") else broken(item, text)


def broken(item: _Item, text: str) -> str | None:
    """Replacement characters (U+FFFD: bytes lost on the way) or a loop the source does not
    have, or None."""
    if "\ufffd" in text:
        return "broken text (replacement characters)"
    loop = repetition(text)
    return f"a repetition loop ({loop})" if loop and repetition(item.text) is None else None


def _one_line(text: str) -> str:
    return " ".join(text.split())
