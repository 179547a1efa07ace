"""Every installed model, whatever its kind: Argos packages, CTranslate2 models, GGUF files.

Guarantees:
- Argos packages stay where argostranslate keeps them (`reader.translation.packages`); every
  other model lives in its own folder under `models_dir()` with a `reader-model.json` that
  records what it is (kind, layout, tokenizers, language tokens, where it came from, when).
- `install_ct2(path)` takes a CTranslate2 model directory, or a .zip/.tar.gz/.tgz of one, finds
  the folder holding `model.bin` (the top or one level down), detects its layout from the file
  names (`detect_layout`), refuses an unknown one with one line listing what it found, copies
  it to a temp folder, load-tests it there (load and translate one sentence) and only then
  renames it into place: a failed install leaves nothing behind.
- `install_gguf(path, copy=…)` checks the GGUF magic and header and records the file by
  reference (default: a 4-8 GB model is not copied) or copies it in.
- `all_models()` lists them all, oldest install first; `find(name)` picks one by name.
- Archives are read as safely as .argosmodel files: no member may escape the folder, no
  links, no zip bomb; tar members go through the standard library's `data` filter.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader import paths
from reader.documents.archives import bomb_reason
from reader.errors import ReaderError
from reader.translation.engines.layouts import ARGOS, M2M, NLLB, SEPARATE, SHARED, Layout
from reader.translation.packages import (
    INCOMPLETE,
    MAX_UNPACKED_BYTES,
    InstalledModel,
    _is_symlink,
    _member_escapes,
    find_zh_en,
    installed_packages,
    starts_like_a_zip,
)

RECORD = "reader-model.json"
CT2 = "ctranslate2"
GGUF = "gguf"
GGUF_MAGIC = b"GGUF"

# Separate source/target SentencePiece models, by the names their converters give them:
# quickmt (eole, https://github.com/quickmt): src.spm.model / tgt.spm.model;
# OPUS-MT converted with ct2-opus-mt-converter (Marian): source.spm / target.spm.
SEPARATE_NAMES = (("src.spm.model", "tgt.spm.model"), ("source.spm", "target.spm"))
SHARED_NAME = "sentencepiece.model"  # Argos Translate and OpenNMT models
BPE_NAME = "sentencepiece.bpe.model"  # NLLB-200 and M2M-100 (Transformers converter)
VOCABULARIES = (
    "shared_vocabulary.json",
    "shared_vocabulary.txt",
    "target_vocabulary.json",
    "target_vocabulary.txt",
)
LANGUAGE_TOKENS = {NLLB: ("zho_Hans", "eng_Latn"), M2M: ("__zh__", "__en__")}


def models_dir() -> Path:
    """Where reader keeps non-Argos models (created on first use)."""
    folder = paths.data_dir() / "models"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One installed model, as `reader model list` shows it."""

    name: str
    kind: str  # "argos", "ctranslate2", "gguf"
    layout: str  # a layouts.* name, or "gguf"
    path: Path  # the folder (Argos, CTranslate2) or the .gguf file
    size: int  # bytes on disk
    languages: str  # e.g. "zh→en"
    installed_at: float  # seconds since the epoch
    version: str = ""
    record: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    argos: InstalledModel | None = field(default=None, compare=False, repr=False)

    @property
    def model_id(self) -> str:
        """Part of the translation memory's key: name and version (or install time)."""
        return f"{self.name}-{self.version or int(self.installed_at)}"

    def layout_files(self) -> Layout:
        """The CTranslate2 layout of this model (not for GGUF)."""
        if self.argos is not None:
            spm = self.argos.sentencepiece_model
            prefix = (self.argos.target_prefix,) if self.argos.target_prefix else ()
            return Layout(ARGOS, self.argos.model_dir, spm, spm, target_prefix=prefix)
        r = self.record
        return Layout(
            r["layout"],
            self.path,
            self.path / r["source_spm"],
            self.path / r["target_spm"],
            tuple(r.get("source_prefix", ())),
            tuple(r.get("source_suffix", ())),
            tuple(r.get("target_prefix", ())),
        )


def _tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def from_argos(model: InstalledModel) -> ModelInfo:
    return ModelInfo(
        name=model.name,
        kind=ARGOS,
        layout=ARGOS,
        path=model.path,
        size=_tree_size(model.path),
        languages=f"{model.from_code}→{model.to_code}",
        installed_at=model.path.stat().st_mtime,
        version=model.version,
        argos=model,
    )


def _read_record(folder: Path) -> ModelInfo | None:
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        kind = str(record["kind"])
        target = Path(record["file"]) if kind == GGUF else folder
        if kind == GGUF and not target.is_absolute():
            target = folder / target
        return ModelInfo(
            name=folder.name,
            kind=kind,
            layout=str(record.get("layout", kind)),
            path=target,
            size=_tree_size(target) if target.exists() else 0,
            languages=str(record.get("languages", "zh→en")),
            installed_at=float(record.get("installed_at", 0.0)),
            record=record,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def all_models() -> list[ModelInfo]:
    """Every installed model (zh→en Argos packages and reader's own), oldest install first."""
    found = [from_argos(m) for m in installed_packages()]
    found += [
        info
        for entry in sorted(models_dir().iterdir())
        if entry.is_dir() and not entry.name.startswith(".")
        if (info := _read_record(entry)) is not None
    ]
    return sorted(found, key=lambda m: m.installed_at)


def find(name: str) -> ModelInfo:
    """The installed model called `name` (or whose folder or file has that name)."""
    models = all_models()
    matches = [m for m in models if m.name == name] or [
        m for m in models if m.path.name == name or str(m.path) == name
    ]
    if not matches:
        names = ", ".join(m.name for m in models) or "none"
        raise ReaderError(f"--model {name}", f"no such installed model (installed: {names})")
    return matches[-1]


def latest_ct2() -> ModelInfo | None:
    """The CTranslate2 model (Argos or other) installed last: what `auto` uses."""
    newest_argos = find_zh_en()
    usable = [
        m
        for m in all_models()
        if (m.kind == CT2) or (m.argos is not None and m.argos == newest_argos)
    ]
    return usable[-1] if usable else None


def latest_gguf() -> ModelInfo | None:
    ggufs = [m for m in all_models() if m.kind == GGUF]
    return ggufs[-1] if ggufs else None


# --- detecting a layout -----------------------------------------------------------------------


def _vocabulary_text(folder: Path) -> str:
    for name in VOCABULARIES:
        if (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8", errors="replace")
    return ""


def _config(folder: Path) -> dict[str, Any]:
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


def _has_token(vocabulary: str, token: str) -> bool:
    # JSON lists the token quoted; the .txt form one per line
    return f'"{token}"' in vocabulary or f"\n{token}\n" in f"\n{vocabulary}\n"


def detect_layout(folder: Path, origin: str | Path) -> dict[str, Any]:
    """The layout record of a CTranslate2 model folder, or a ReaderError naming `origin`
    and listing the files it found."""
    names = sorted(p.name for p in folder.iterdir())
    found = ", ".join(names[:12]) + (f" (+{len(names) - 12} more)" if len(names) > 12 else "")
    if "model.bin" not in names:
        raise ReaderError(origin, f"not a CTranslate2 model: no model.bin (found: {found})")
    for source, target in SEPARATE_NAMES:
        if source in names and target in names:
            return {"layout": SEPARATE, "source_spm": source, "target_spm": target}
    if BPE_NAME in names:
        vocabulary = _vocabulary_text(folder)
        for layout, (zh, en) in LANGUAGE_TOKENS.items():
            if _has_token(vocabulary, zh) and _has_token(vocabulary, en):
                config = _config(folder)
                eos = config.get("eos_token", "</s>")
                return {
                    "layout": layout,
                    "source_spm": BPE_NAME,
                    "target_spm": BPE_NAME,
                    # the Transformers tokenizer's own form: [lang] pieces </s>, unless the
                    # converter told CTranslate2 to add them itself
                    "source_prefix": [] if config.get("add_source_bos") else [zh],
                    "source_suffix": [] if config.get("add_source_eos") else [eos],
                    "target_prefix": [en],
                }
        raise ReaderError(
            origin,
            f"an NLLB/M2M-100 tokenizer, but the vocabulary has neither zho_Hans/eng_Latn nor "
            f"__zh__/__en__ (found: {found})",
        )
    if SHARED_NAME in names:
        return {"layout": SHARED, "source_spm": SHARED_NAME, "target_spm": SHARED_NAME}
    raise ReaderError(
        origin,
        "unknown CTranslate2 model layout: expected sentencepiece.model, src.spm.model + "
        f"tgt.spm.model, source.spm + target.spm, or sentencepiece.bpe.model (found: {found})",
    )


# --- installing -------------------------------------------------------------------------------


def _model_folder(root: Path, origin: str | Path) -> Path:
    """The folder holding model.bin: `root` or its only subfolder that has one."""
    if (root / "model.bin").is_file():
        return root
    candidates = [p for p in root.iterdir() if p.is_dir() and (p / "model.bin").is_file()]
    if len(candidates) == 1:
        return candidates[0]
    names = ", ".join(sorted(p.name for p in root.iterdir())[:12]) or "nothing"
    raise ReaderError(origin, f"not a CTranslate2 model: no model.bin (found: {names})")


def _unpack(path: Path, into: Path) -> None:
    name = path.name.lower()
    if not zipfile.is_zipfile(path) and starts_like_a_zip(path):
        raise ReaderError(path, INCOMPLETE)
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
                for info in infos:
                    if _member_escapes(info.filename) or _is_symlink(info):
                        raise ReaderError(path, f"unsafe archive: member {info.filename!r}")
                    bomb = bomb_reason(info)
                    if bomb:
                        raise ReaderError(path, bomb)
                if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                    raise ReaderError(path, "unsafe archive: unpacks to more than 4 GiB")
                archive.extractall(into)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
            raise ReaderError(path, f"{INCOMPLETE} (a member cannot be read)") from None
        return
    if name.endswith((".tar.gz", ".tgz", ".tar")):
        try:
            with tarfile.open(path) as archive:
                members = archive.getmembers()
                if sum(m.size for m in members) > MAX_UNPACKED_BYTES:
                    raise ReaderError(path, "unsafe archive: unpacks to more than 4 GiB")
                archive.extractall(into, filter="data")  # refuses escapes and links out
        except tarfile.FilterError as error:
            raise ReaderError(path, f"unsafe archive: {error}") from None
        except (tarfile.TarError, OSError, EOFError):
            raise ReaderError(path, f"{INCOMPLETE} (a tar member cannot be read)") from None
        return
    raise ReaderError(
        path, "not a model: expected a folder, .zip, .tar.gz, .argosmodel or .gguf file"
    )


def _free_name(wanted: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in wanted).strip(".-") or "model"


def install_ct2(path: str | Path, name: str | None = None) -> ModelInfo:
    """Install a CTranslate2 model folder or archive (see the module docstring)."""
    from reader.translation.packages import load_failure

    path = Path(path)
    if not path.exists():
        raise ReaderError(path, "no such file or folder")
    root = models_dir()
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
    try:
        unpacked = staging / "unpacked"
        if path.is_dir():
            source = _model_folder(path, path)
        else:
            unpacked.mkdir()
            _unpack(path, unpacked)
            source = _model_folder(unpacked, path)
        record = detect_layout(source, path)
        stem = path.name
        for suffix in (".tar.gz", ".tgz", ".tar", ".zip"):
            stem = stem.removesuffix(suffix)
        target_name = _free_name(name or (source.name if source != unpacked else stem))
        folder = staging / target_name
        shutil.copytree(source, folder, symlinks=False)
        record.update(
            kind=CT2,
            languages=record.get("languages", "zh→en"),
            installed_at=time.time(),
            source=str(path.resolve()),
        )
        (folder / RECORD).write_text(json.dumps(record, indent=2), encoding="utf-8")
        staged = _read_record(folder)
        assert staged is not None  # just written
        failure = load_failure(staged, translate=True)
        if failure:
            raise ReaderError(path, f"the model does not load ({failure}); nothing was installed")
        target = root / target_name
        if target.exists():
            shutil.rmtree(target)
        os.replace(folder, target)
    except OSError as error:
        raise ReaderError(path, f"cannot install into {root}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    info = _read_record(target)
    assert info is not None
    return info


def gguf_problem(path: Path) -> str | None:
    """Why `path` is not a GGUF model file, or None (reads its first 24 bytes)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(24)
    except OSError as error:
        return f"cannot read it: {error.strerror or error}"
    if head[:4] != GGUF_MAGIC:
        return "not a GGUF file (no GGUF magic)"
    version = int.from_bytes(head[4:8], "little")
    if version not in (2, 3):
        return f"GGUF version {version} (llama.cpp reads 2 and 3)"
    return None


def install_gguf(path: str | Path, *, copy: bool = False) -> ModelInfo:
    """Record a GGUF model for the embedded llama.cpp server, by reference or as a copy."""
    path = Path(path)
    if not path.is_file():
        raise ReaderError(path, "no such file")
    problem = gguf_problem(path)
    if problem:
        raise ReaderError(path, problem)
    root = models_dir()
    name = _free_name(path.stem)
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
    try:
        folder = staging / name
        folder.mkdir()
        file = str(path.resolve())
        if copy:
            shutil.copyfile(path, folder / "model.gguf")
            file = "model.gguf"
        record = {
            "kind": GGUF,
            "layout": GGUF,
            "file": file,
            "copied": copy,
            "languages": "any (LLM)",
            "installed_at": time.time(),
            "source": str(path.resolve()),
        }
        (folder / RECORD).write_text(json.dumps(record, indent=2), encoding="utf-8")
        target = root / name
        if target.exists():
            shutil.rmtree(target)
        os.replace(folder, target)
    except OSError as error:
        raise ReaderError(path, f"cannot install into {root}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    info = _read_record(target)
    assert info is not None
    return info


def remove_model(info: ModelInfo) -> None:
    """Remove one of reader's own models (a referenced GGUF file itself is kept)."""
    shutil.rmtree(models_dir() / info.name)
