"""The user's settings for the `llm` engine: command-line flags, environment, config file;
and the glossary layers the config file lists (`[glossary] layers`, see reader/glossary/layers.py).

Guarantees:
- Precedence is flag > environment (`READER_LLM_BASE_URL`, `READER_LLM_MODEL`,
  `READER_LLM_API_KEY`) > the `[llm]` table of `config.toml` in the platform config dir
  (`config_path()`); every value remembers where it came from, for `reader config`.
- The API key is never printed, logged or put in an error message or a `repr`: only whether
  it is set, and from where. There is no flag for it (a flag shows in `ps` and shell history).
- Nothing here touches the network; reading the file costs well under a millisecond.
- A malformed file or value is a `ReaderError` naming the file, never a traceback.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.errors import ReaderError

ENV = {
    "base_url": "READER_LLM_BASE_URL",
    "model": "READER_LLM_MODEL",
    "api_key": "READER_LLM_API_KEY",
}
# numbers only from the file: the defaults suit one local server (see engines/llm.py)
NUMBERS = {"concurrency": 2, "timeout": 300.0, "retries": 4, "batch_chars": 1200}

_flags: dict[str, str] = {}  # set once per process by the CLI (`apply_flags`)


def config_path() -> Path:
    """`config.toml` in the platform config dir (~/.config/reader on Linux); not created."""
    from platformdirs import user_config_path  # platformdirs: ~2 ms

    return user_config_path("reader", appauthor=False) / "config.toml"


@dataclass(frozen=True)
class LLMConfig:
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    concurrency: int = 2
    timeout: float = 300.0
    retries: int = 4
    batch_chars: int = 1200
    auto: bool = False  # may `--engine auto` use the installed GGUF model (llama.cpp, local)?
    sources: dict[str, str] = field(default_factory=dict)  # setting -> where it came from

    @property
    def configured(self) -> bool:
        return bool(self.base_url)


def apply_flags(args: argparse.Namespace) -> None:
    """Remember `--llm-url` / `--llm-model` / `--model` of this command line for
    `load_llm_config` and `chosen_model`."""
    _flags.clear()
    for name, attr in (("base_url", "llm_url"), ("model", "llm_model"), ("installed", "model")):
        value = getattr(args, attr, None)
        if value:
            _flags[name] = value


def setting_origin(config: LLMConfig, name: str) -> str:
    """Where a setting was given, as the user would write it: `--llm-url`,
    `READER_LLM_BASE_URL`, `PATH: llm.base_url`; for an error's first words."""
    source = config.sources.get(name, "")
    if source == "command line":
        return {"base_url": "--llm-url", "model": "--llm-model"}.get(name, name)
    if source.startswith("environment "):
        return source.removeprefix("environment ")
    if source.startswith("config file "):
        return f"{source.removeprefix('config file ')}: llm.{name}"
    return f"llm.{name}"


def chosen_model() -> str | None:
    """The installed model `--model NAME` asked for on this command line, if any."""
    return _flags.get("installed")


def _read_file(path: Path, name: str = "llm") -> dict[str, Any]:
    """The `[name]` table of the config file; empty when the file or the table is absent."""
    import tomllib  # stdlib, ~3 ms

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise ReaderError(path, f"cannot read the config file: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ReaderError(path, f"not valid TOML: {error}") from None
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ReaderError(path, f"[{name}] must be a table")
    return table


def glossary_layers(path: Path | None = None) -> list[Path]:
    """The `[glossary] layers` list of the config file (a string is a list of one): glossary
    files, the first the writable one. `~` is expanded; a relative path is relative to the
    config file's folder (not the current directory, which changes from run to run)."""
    path = path or config_path()
    table = _read_file(path, "glossary")
    unknown = sorted(set(table) - {"layers"})
    if unknown:
        raise ReaderError(path, f"unknown setting glossary.{unknown[0]}")
    value = table.get("layers", [])
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise ReaderError(path, "glossary.layers must be a list of file names")
    return [path.parent / Path(v).expanduser() for v in values]


def load_llm_config(path: Path | None = None) -> LLMConfig:
    path = path or config_path()
    file = _read_file(path)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, var in ENV.items():
        if name in _flags:
            values[name], sources[name] = _flags[name], "command line"
        elif os.environ.get(var):
            values[name], sources[name] = os.environ[var], f"environment {var}"
        elif file.get(name) not in (None, ""):
            if not isinstance(file[name], str):
                raise ReaderError(path, f"llm.{name} must be a string")
            values[name], sources[name] = file[name], f"config file {path}"
    for name, default in NUMBERS.items():
        value = file.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ReaderError(path, f"llm.{name} must be a positive number")
        values[name] = type(default)(value)
        sources[name] = f"config file {path}" if name in file else "default"
    auto = file.get("auto", False)
    if not isinstance(auto, bool):
        raise ReaderError(path, "llm.auto must be true or false")
    values["auto"] = auto
    sources["auto"] = f"config file {path}" if "auto" in file else "default"
    unknown = sorted(set(file) - set(ENV) - set(NUMBERS) - {"auto"})
    if unknown:
        raise ReaderError(path, f"unknown setting llm.{unknown[0]}")
    return LLMConfig(**values, sources=sources)
