"""Choose the translation engine, and say which and why in one line.

`auto`, in this order:
1. the installed GGUF model on the local llama.cpp server, only when the config file says
   `auto = true` in `[llm]` (an LLM is slow on a laptop: the user opts in);
2. the CTranslate2 model installed last (an Argos package, quickmt, OPUS-MT, NLLB, M2M-100);
3. the gloss engine.
`--model NAME` picks one installed model whatever its kind. `llm` uses the configured server,
else the installed GGUF model (started here). An installed CTranslate2 model that does not load
(damaged, or built by a newer CTranslate2) makes `auto` fall back to the gloss engine, saying
why, and `argos`/`ctranslate2`/`--model` a ReaderError.
"""

from __future__ import annotations

from reader.config import chosen_model, config_path, load_llm_config
from reader.errors import ReaderError
from reader.translation import installed
from reader.translation.engines.base import TranslationEngine
from reader.translation.engines.gloss import GlossEngine
from reader.translation.engines.llm import LLMEngine
from reader.translation.packages import load_failure

INSTALL_HINT = (
    "install one with `reader model install`, or offline with `reader model install --file "
    "PATH` (an .argosmodel, a CTranslate2 model folder or archive, or a .gguf file)"
)
CT2_NAMES = ("argos", "ctranslate2")


class _NotWithoutLoading(Exception):
    """The choice needs a server or a start (an LLM): there is no engine to name unloaded."""


def select_engine(name: str = "auto") -> tuple[TranslationEngine, str]:
    """Return the engine and a one-line message saying which was used and why."""
    return _select(name, load=True)


def unloaded_engine(name: str = "auto") -> TranslationEngine | None:
    """The engine `select_engine` would choose, its model not loaded (its name, model_id and
    settings_key: what the translation memory is keyed by; milliseconds instead of a model
    load of seconds); None for an LLM (a server to ask or start) or a choice that fails. A
    model that turns out not to load is `select_engine`'s to find: it falls back to another
    engine, whose name then differs from this one's."""
    try:
        return _select(name, load=False)[0]
    except (_NotWithoutLoading, ReaderError):
        return None


def _select(name: str, *, load: bool) -> tuple[TranslationEngine, str]:
    if name == "gloss":
        return GlossEngine(), "engine: gloss (built-in CC-CEDICT dictionary, word by word)"
    wanted = chosen_model()
    if wanted:
        info = installed.find(wanted)
        if info.kind == installed.GGUF:
            return _local(info, "chosen with --model", load=load)
        return _ct2(info, strict=True, why="chosen with --model", load=load)
    if name == "llm":
        return _llm(load=load)
    if name == "auto":
        config = load_llm_config()
        gguf = installed.latest_gguf()
        if config.auto and gguf is not None:
            return _local(gguf, f"llm.auto = true in {config_path()}", load=load)
    latest = installed.latest_ct2()
    if latest is not None:
        info = latest
        if name == "argos" and info.kind != "argos":
            argos = [m for m in installed.all_models() if m.kind == "argos"]
            if not argos:
                raise ReaderError(
                    "--engine argos", f"no zh→en Argos model is installed; {INSTALL_HINT}"
                )
            info = argos[-1]
        count = sum(m.kind != installed.GGUF for m in installed.all_models())
        why = "the only one installed" if count == 1 else f"installed last of {count}"
        return _ct2(info, strict=name in CT2_NAMES, why=why, load=load)
    if name in CT2_NAMES:
        what = "Argos model" if name == "argos" else "CTranslate2 model"
        raise ReaderError(f"--engine {name}", f"no zh→en {what} is installed; {INSTALL_HINT}")
    return GlossEngine(), f"engine: gloss (no zh→en model installed; {INSTALL_HINT})"


def _ct2(
    info: installed.ModelInfo, *, strict: bool, why: str, load: bool
) -> tuple[TranslationEngine, str]:
    # only with a model installed; its load is seconds
    from reader.translation.engines.argos import CTranslate2Engine

    engine = CTranslate2Engine(info)
    failure = load_failure(engine) if load else None  # loads it now, once: the engine keeps it
    label = f"{info.name} {info.version}".strip()
    if failure is None:
        return engine, f"engine: {engine.name} ({label}, {info.layout}; {why})"
    if strict:
        raise ReaderError(info.path, f"the installed model does not load ({failure})")
    return GlossEngine(), (
        f"engine: gloss (warning: the installed model {label} does not load: {failure}; "
        "reinstall it with `reader model install`)"
    )


def _local(info: installed.ModelInfo, why: str, *, load: bool) -> tuple[TranslationEngine, str]:
    if not load:
        raise _NotWithoutLoading
    from reader.translation.engines.llama_local import LocalLLMEngine  # starts llama.cpp: ~1 s+

    engine = LocalLLMEngine(info, load_llm_config())
    return (
        engine,
        f"engine: llm ({info.name} on the local llama.cpp server, {engine.family}; {why})",
    )


def _llm(*, load: bool) -> tuple[TranslationEngine, str]:
    if not load:
        raise _NotWithoutLoading
    config = load_llm_config()
    if not config.configured:
        gguf = installed.latest_gguf()
        if gguf is not None:
            return _local(gguf, "no server configured", load=load)
        raise ReaderError(
            "--engine llm",
            "no server configured and no GGUF model installed: set READER_LLM_BASE_URL (and "
            f"READER_LLM_MODEL), pass --llm-url, set llm.base_url in {config_path()}, or run "
            "`reader model install --file MODEL.gguf`; see `reader config`",
        )
    engine = LLMEngine(config)
    model = engine.resolve_model()
    return engine, f"engine: llm ({model} at {engine.base_url})"
