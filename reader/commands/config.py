"""`reader config`: where the settings live and what is set, with where each value came from.

The API key is shown only as "set" or "not set": never its value, not even in part; the base
URL without its user name, password or secret query values (`reader.urls.shown`).
"""

from __future__ import annotations

import argparse

EXAMPLE = """\
[llm]
base_url = "http://127.0.0.1:8080/v1"   # or READER_LLM_BASE_URL
model = "qwen2.5-7b-instruct"           # or READER_LLM_MODEL
# api_key = "..."                       # or READER_LLM_API_KEY (hosted APIs)
# concurrency = 2   timeout = 300   retries = 4   batch_chars = 1200"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "config",
        help="show where settings live and what is set",
        description="Show the config file's path, the llm engine's settings, with where "
        "each comes from (flag, environment or config file), and the glossary layers the "
        "config file lists. The API key is never shown.",
    )
    parser.add_argument("--llm-url", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--llm-model", metavar="NAME", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def _base_url(url: str | None) -> str:
    from reader import urls

    if not url:
        return "not set"
    bad = urls.problem(url)
    return urls.shown(url) + (f" ({bad})" if bad else "")


def run(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.commands.common import output_width, show, wrap
    from reader.config import ENV, config_path, glossary_layers, load_llm_config

    path = config_path()
    config = load_llm_config(path)
    exists = "" if path.exists() else " (does not exist yet)"
    show(f"config file: {path}{exists}")
    print("llm engine (--engine llm; `auto` never uses it):")
    rows = [
        ("base_url", _base_url(config.base_url)),
        (
            "model",
            config.model
            or ("not set (the server's first model)" if config.base_url else "not set"),
        ),
        ("api_key", "set" if config.api_key else "not set"),
        ("concurrency", str(config.concurrency)),
        ("timeout", f"{config.timeout:g} s"),
        ("retries", str(config.retries)),
        ("batch_chars", str(config.batch_chars)),
    ]
    width = max(len(name) for name, _ in rows)
    fit = output_width()
    for name, value in rows:
        source = config.sources.get(name, "")
        if source.startswith("config file"):
            source = "config file"  # its path is on the first line: 110 columns with it
        env = f" [{ENV[name]}]" if name in ENV and not source else ""
        line = f"  {name:<{width}}  {value}" + (f"  ({source})" if source else env)
        print(*wrap(line, fit, " " * (width + 4), cut_words=False), sep="\n")
    layers = glossary_layers(path)
    print("glossary layers ([glossary] layers; the first is written to):")
    for layer in layers:
        print(*wrap(f"  {layer}", fit, "    ", cut_words=False), sep="\n")
    if not layers:
        print('  not set: your own glossary (e.g. layers = ["mine.csv", "~/team/glossary.csv"])')
    print("  --glossary or READER_GLOSSARY replace them; else a glossary.csv beside the")
    print("  document (or in the current folder) layers over them (`reader glossary path`)")
    if not config.configured:
        print("\nNothing is sent over the network until a base URL is set.")
        print("Example config file:")
        print(EXAMPLE)
    return 0
