"""The export choices the TUI remembers between sessions: format, Markdown layout, EPUB
content and where the last export went.

Guarantees: one small JSON file in `reader.paths.data_dir()`, written atomically; a missing,
corrupt or out-of-date file reads as the defaults (Markdown table) and is never an error.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from reader.atomic import write_text_atomic
from reader.paths import data_dir

FILENAME = "export.json"
_CHOICES = {
    "format": ("md", "html", "epub", "tmx"),
    "layout": ("table", "interleaved"),
    "content": ("bilingual", "english", "chinese"),
}


@dataclass(frozen=True, slots=True)
class ExportChoice:
    format: str = "md"
    layout: str = "table"
    content: str = "bilingual"
    last_path: str = ""  # absolute path of the last file written, "" before the first


def load_choice() -> ExportChoice:
    try:
        raw = json.loads((data_dir() / FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ExportChoice()
    if not isinstance(raw, dict):
        return ExportChoice()
    values = {}
    for f in fields(ExportChoice):
        value = raw.get(f.name)
        allowed = _CHOICES.get(f.name)
        if isinstance(value, str) and (allowed is None or value in allowed):
            values[f.name] = value
    return ExportChoice(**values)


def save_choice(choice: ExportChoice) -> None:
    write_text_atomic(data_dir() / FILENAME, json.dumps(asdict(choice), indent=1) + "\n")
