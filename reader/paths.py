"""Where the user's files live. Every path comes from here; tests point XDG_* at a temp dir.

Directories are created on first use, not on import.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "reader"


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """User data: the user's own glossary, post-edits, reading positions."""
    from platformdirs import user_data_path  # platformdirs: ~2 ms

    return _ensure(user_data_path(APP, appauthor=False))


def cache_dir() -> Path:
    """Rebuildable data: the machine-translation cache, the dictionary index."""
    from platformdirs import user_cache_path

    return _ensure(user_cache_path(APP, appauthor=False))


def memory_file() -> Path:
    """The machine-translation cache (rebuildable: cleaners may delete it)."""
    return cache_dir() / "memory.sqlite3"


def post_edits_file() -> Path:
    """The user's post-edits: their own words, so in the data directory, not the cache."""
    return data_dir() / "post_edits.sqlite3"


def shipped_glossary() -> Path:
    """The curated glossary shipped with the package (a copy of the repo's glossary.csv)."""
    return Path(__file__).parent / "data" / "glossary.csv"


def argos_data_dir() -> Path:
    """argostranslate's own data folder (its settings.py: $XDG_DATA_HOME/argos-translate), which
    holds its package index (index.json) and, by default, its packages. Not created."""
    home_data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return home_data / "argos-translate"


def argos_packages_dir() -> Path:
    """Where Argos packages are installed; honours ARGOS_PACKAGES_DIR as argostranslate does."""
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    return _ensure(Path(env) if env else argos_data_dir() / "packages")


def state_dir() -> Path:
    """Logs the user may want to send us: crash reports (platformdirs' state directory,
    ~/.local/state/reader on Linux)."""
    from platformdirs import user_state_path

    return _ensure(user_state_path(APP, appauthor=False))
