"""Hermetic tests: the developer's own config, cache, glossary and models never leak in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# `make test` is deterministic: the same examples every run, so a landing never hangs on a
# lucky draw. HYPOTHESIS_PROFILE=explore draws new examples (run it to hunt for bugs; each one
# found becomes a plain regression test, as in tests/test_hostile.py).
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# fixtures: tiny_argos_archive, installed_tiny_model; llama_server, llm_proxy
pytest_plugins = ["tests.tiny_model", "tests.llm_server"]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def seed(prefix: str) -> Path:
    """The seed document whose name starts with `prefix`, e.g. seed("001")."""
    (match,) = SEEDS.glob(f"{prefix}_*.txt")
    return match


@pytest.fixture(scope="session")
def shared_lexicon(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lexicon (reader.lexicon) built once per test session (~2 s), not once per test's
    fresh cache directory nor once per subprocess."""
    from reader.lexicon import Sources, open_lexicon

    root = tmp_path_factory.mktemp("lexicon")
    open_lexicon(root, Sources.installed())
    return root


@pytest.fixture(autouse=True)
def hermetic(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, shared_lexicon: Path
) -> Path:
    home = tmp_path_factory.mktemp("home")
    for var, sub in [
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ]:
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    (home / "cache" / "reader").mkdir()
    (home / "cache" / "reader" / "lexicon").symlink_to(shared_lexicon, target_is_directory=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(home / "argos-packages"))
    monkeypatch.delenv("READER_GLOSSARY", raising=False)
    for var in ("READER_LLM_BASE_URL", "READER_LLM_MODEL", "READER_LLM_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("reader.config._flags", {})  # --llm-url of an earlier in-process run
    return home


def one_message(err: str) -> str:
    """The one message a failed command printed on stderr: `reader: …` and the indented lines
    that go on with it when it is wider than the terminal (80 columns piped), joined back into
    one line. Fails on a traceback, a second message or an unindented continuation."""
    assert "Traceback" not in err, err
    first, *rest = err.rstrip("\n").split("\n")
    assert first.startswith("reader: "), err
    assert all(line.startswith("  ") and line.strip() for line in rest), err
    return " ".join([first, *(line.strip() for line in rest)])


def messages(err: str) -> list[str]:
    """Every message on stderr (`reader: …` notices, `warning: …`, the error last), each with
    its indented continuation lines joined back into one line as `one_message` does. Fails on a
    traceback or a continuation with nothing before it."""
    assert "Traceback" not in err, err
    joined: list[str] = []
    for line in err.rstrip("\n").split("\n") if err.strip() else []:
        if line.startswith("  "):
            assert joined and line.strip(), err
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    return joined
