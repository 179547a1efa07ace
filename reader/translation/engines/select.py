"""Choose the translation engine: `auto` uses Argos when a zh→en package is installed.

An installed model that does not load (damaged, or built by a newer CTranslate2) makes `auto`
fall back to the gloss engine, saying why in its one-line message, and `argos` a ReaderError.

`auto` never picks `llm`: nothing leaves the machine unless the user asks for it.
"""

from __future__ import annotations

from reader.config import config_path, load_llm_config
from reader.errors import ReaderError
from reader.translation.engines.base import TranslationEngine
from reader.translation.engines.gloss import GlossEngine
from reader.translation.engines.llm import LLMEngine
from reader.translation.packages import find_zh_en, load_failure

INSTALL_HINT = (
    "install one with `reader model install` (or `reader model install --file X.argosmodel`)"
)


def select_engine(name: str = "auto") -> tuple[TranslationEngine, str]:
    """Return the engine and a one-line message saying which was used and why."""
    if name == "llm":
        return _llm()
    if name == "gloss":
        return GlossEngine(), "engine: gloss (built-in CC-CEDICT dictionary, word by word)"

    model = find_zh_en()
    if model is not None:
        from reader.translation.engines.argos import (
            ArgosEngine,  # only with a model installed; its load is seconds
        )

        engine = ArgosEngine(model)
        failure = load_failure(engine)  # loads it now, once: the engine keeps it
        if failure is None:
            return engine, f"engine: argos ({model.name} {model.version})"
        if name == "argos":
            raise ReaderError(model.path, f"the installed model does not load ({failure})")

        return GlossEngine(), (
            f"engine: gloss (warning: the installed model {model.name} {model.version} does "
            f"not load: {failure}; reinstall it with `reader model install`)"
        )
    if name == "argos":
        raise ReaderError("--engine argos", f"no zh→en Argos model is installed; {INSTALL_HINT}")

    return GlossEngine(), f"engine: gloss (no zh→en Argos model installed; {INSTALL_HINT})"


def _llm() -> tuple[TranslationEngine, str]:
    config = load_llm_config()
    if not config.configured:
        raise ReaderError(
            "--engine llm",
            "no server configured: set READER_LLM_BASE_URL (and READER_LLM_MODEL), "
            f"pass --llm-url, or set llm.base_url in {config_path()}; see `reader config`",
        )
    engine = LLMEngine(config)
    model = engine.resolve_model()
    return engine, f"engine: llm ({model} at {engine.base_url})"
