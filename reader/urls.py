"""Server URLs the user configures (`--llm-url`, READER_LLM_BASE_URL, llm.base_url).

Guarantees:
- `shown(url)` holds no credentials: the user name and password (`http://user:pw@host`) are
  dropped and the value of every query parameter named like a secret (`api_key`, `token`,
  `sig`, `password`…) is replaced by `***`. Everything that prints, logs, exports or stores a
  URL goes through it: the engine line, `reader config`, error messages, the translation
  memory's model id and the exports' engine label.
- `problem(url)` says why a string is not an http:// or https:// URL with a host, or None.
- `endpoint(base, "chat/completions")` appends to the base URL's path and keeps its query
  string (`/v1?api_key=X` → `/v1/chat/completions?api_key=X`), never to the end of the string.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

SCHEMES = ("http", "https")
HIDDEN = "***"
# query parameters that carry a secret: Azure `api-key`, Gemini `key`, `access_token`, `sig`…
_SECRET = re.compile(r"key|token|secret|passw|pwd|auth|sig|credential|session", re.IGNORECASE)


def _host_port(parts: SplitResult) -> str:
    """The netloc without user name and password."""
    return parts.netloc.rpartition("@")[2]


def shown(url: str) -> str:
    """`url` as it may be shown or stored: no user name, password or secret query value."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[::1" : an unclosed IPv6 bracket
        return url.strip().rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, HIDDEN if _SECRET.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit(parts._replace(netloc=_host_port(parts), query=query, fragment=""))


def problem(url: str) -> str | None:
    """Why `url` is not a server URL reader can use, or None."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError on a port that is not a number
    except ValueError as error:
        return f"not a URL ({error})"
    if parts.scheme.lower() not in SCHEMES:
        return "not a URL: it must start with http:// or https://"
    if not parts.hostname:
        return "not a URL: no host after http://"
    return None


def normalise_base(url: str) -> str:
    """`http://host:8080` → `http://host:8080/v1`; a full `…/chat/completions` URL is cut back
    to its base; a trailing `/` is dropped; the query string is kept."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    path = re.sub(r"/chat/completions$", "", path)
    return urlunsplit(parts._replace(path=path or "/v1", fragment=""))


def endpoint(base: str, path: str) -> str:
    """The URL of `path` under `base`'s path, with `base`'s query string."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + path.lstrip("/")))


def root_endpoint(base: str, path: str) -> str:
    """The URL of `path` at the server's root, beside `base`'s `/v1` (llama.cpp's `/props`),
    with `base`'s query string."""
    parts = urlsplit(base)
    root = re.sub(r"/v1$", "", parts.path.rstrip("/"))
    return urlunsplit(parts._replace(path=root + "/" + path.lstrip("/")))
