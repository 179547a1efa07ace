"""Argos Translate model packages: list, install (from the Argos index or a file), remove.

Guarantees:
- The packages directory is resolved at call time through `reader.paths.argos_packages_dir()`
  (argostranslate caches ARGOS_PACKAGES_DIR at import), so a changed environment is honoured.
- `install_from_file` validates the whole archive before anything is written: a zip, no member
  escaping the target directory (absolute paths, `..`, symlinks), one top-level folder holding
  metadata.json for zh→en, `model/model.bin` and `sentencepiece.model`. Each failure is one
  `ReaderError` naming the file. Extraction goes to a temp folder renamed into place, so a
  failed install leaves no half-written package.
- The unpacked model is load-tested (CTranslate2 loads it and translates one sentence) before
  it is moved into place: a damaged `model.bin`, or one built by a newer CTranslate2, is refused
  with one line and nothing is installed. `load_failure` gives the same check at run time.
- Any bytes at all given to `validate_archive` end in a result or a `ReaderError`: damaged zips,
  bad CRCs, encryption, zip bombs (a member compressed past 200:1) included.
- Nothing here imports `argostranslate.translate` (it imports torch and downloads a sentence
  splitter on first use); only the network install touches `argostranslate.package`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from reader import paths
from reader.documents.archives import bomb_reason
from reader.errors import ReaderError

if TYPE_CHECKING:
    from reader.translation.engines.argos import CTranslate2Engine
    from reader.translation.installed import ModelInfo

FROM_CODE = "zh"
TO_CODE = "en"
# A real zh→en package is ~100 MB unpacked; anything past this is not a model, it is a zip bomb.
MAX_UNPACKED_BYTES = 4 * 1024**3
ZIP_MAGIC = b"PK\x03\x04"
INCOMPLETE = "damaged or incomplete download; download it again"
OFFLINE_HINT = (
    "download translate-zh_en-*.argosmodel on a connected machine and run "
    "`reader model install --file FILE`"
)


@dataclass(frozen=True, slots=True)
class InstalledModel:
    """An installed Argos package."""

    name: str  # argospm name, e.g. "translate-zh_en"
    from_code: str
    to_code: str
    version: str  # package_version from metadata.json, e.g. "1.9"
    path: Path  # the package directory (holds metadata.json, model/, sentencepiece.model)
    target_prefix: str = ""  # token some multilingual packages put before the output

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def sentencepiece_model(self) -> Path:
        return self.path / "sentencepiece.model"


@dataclass(frozen=True, slots=True)
class AvailableModel:
    """A package listed in the cached Argos index."""

    name: str
    from_code: str
    to_code: str
    version: str


def _package_name(metadata: dict[str, Any]) -> str:
    # argostranslate.package.argospm_package_name: "<type>-<from>_<to>"
    name = str(metadata.get("type") or "translate")
    if metadata.get("from_code") and metadata.get("to_code"):
        name += f"-{metadata['from_code']}_{metadata['to_code']}"
    return name


def _read_installed(package_dir: Path) -> InstalledModel | None:
    """Read a package directory's metadata.json, or None when it is not a readable package."""
    try:
        metadata = json.loads((package_dir / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(metadata, dict):
        return None
    return InstalledModel(
        name=_package_name(metadata),
        from_code=str(metadata.get("from_code") or ""),
        to_code=str(metadata.get("to_code") or ""),
        version=str(metadata.get("package_version") or ""),
        path=package_dir,
        target_prefix=str(metadata.get("target_prefix") or ""),
    )


def installed_packages() -> list[InstalledModel]:
    """Installed packages in the packages directory, sorted by name then version.

    Reads metadata.json directly, as `argostranslate.package.Package` does, but without
    importing argostranslate (its settings module creates directories on import) and without
    failing on one broken directory.
    """
    root = paths.argos_packages_dir()
    found = [
        model
        for entry in sorted(root.iterdir())
        if entry.is_dir() and not entry.name.startswith(".")
        if (model := _read_installed(entry)) is not None
    ]
    return sorted(found, key=lambda m: (m.name, _version_key(m.version), str(m.path)))


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def find_zh_en() -> InstalledModel | None:
    """The newest installed zh→en package with a model and tokenizer, or None."""
    usable = [
        m
        for m in installed_packages()
        if m.from_code == FROM_CODE
        and m.to_code == TO_CODE
        and (m.model_dir / "model.bin").is_file()
        and m.sentencepiece_model.is_file()
    ]
    return max(usable, key=lambda m: _version_key(m.version), default=None)


# --- validation -------------------------------------------------------------------------------


def _member_escapes(name: str) -> bool:
    posix = name.replace("\\", "/")
    pure = PurePosixPath(posix)
    # "C:/x" or "C:x" escape on Windows; "/x" and ".." escape everywhere
    return (
        pure.is_absolute()
        or (len(posix) > 1 and posix[1] == ":")
        or any(part == ".." for part in pure.parts)
    )


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # Unix mode lives in the high 16 bits of external_attr for zips made on Unix
    return stat.S_ISLNK(info.external_attr >> 16)


def validate_archive(path: str | Path) -> tuple[str, dict[str, Any]]:
    """Check an .argosmodel file; return its top-level folder name and its metadata.

    Raises ReaderError (naming the file) on the first problem found.
    """
    path = Path(path)
    if not path.is_file():
        raise ReaderError(path, "no such file")
    if not zipfile.is_zipfile(path):
        if starts_like_a_zip(path):
            raise ReaderError(path, INCOMPLETE)
        raise ReaderError(path, "not an Argos model: an .argosmodel file is a zip archive")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            for info in infos:
                if _member_escapes(info.filename):
                    raise ReaderError(
                        path, f"unsafe archive: member {info.filename!r} escapes the package folder"
                    )
                if _is_symlink(info):
                    raise ReaderError(
                        path, f"unsafe archive: member {info.filename!r} is a symbolic link"
                    )
            for info in infos:
                bomb = bomb_reason(info)
                if bomb:
                    raise ReaderError(path, bomb)
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise ReaderError(path, "unsafe archive: unpacks to more than 4 GiB")
            names = {info.filename.replace("\\", "/").rstrip("/") for info in infos}
            tops = {PurePosixPath(n).parts[0] for n in names if n and n != "."}
            if len(tops) != 1 or next(iter(tops)) in names - _dirs_of(names):
                raise ReaderError(
                    path, "not an Argos model: expected one top-level folder holding the package"
                )
            (top,) = tops
            if f"{top}/metadata.json" not in names:
                raise ReaderError(path, f"not an Argos model: {top}/metadata.json is missing")
            try:
                metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                raise ReaderError(path, f"{top}/metadata.json is not valid JSON: {error}") from None
            if not isinstance(metadata, dict):
                raise ReaderError(path, f"{top}/metadata.json is not a JSON object")
            pair = (metadata.get("from_code"), metadata.get("to_code"))
            if pair != (FROM_CODE, TO_CODE):
                raise ReaderError(
                    path,
                    f"wrong language pair {pair[0]}→{pair[1]}: reader needs a "
                    f"{FROM_CODE}→{TO_CODE} model",
                )
            if f"{top}/model/model.bin" not in names:
                raise ReaderError(path, f"not an Argos model: {top}/model/model.bin is missing")
            if f"{top}/sentencepiece.model" not in names:
                raise ReaderError(path, f"not an Argos model: {top}/sentencepiece.model is missing")
    except zipfile.BadZipFile as error:
        raise ReaderError(path, f"{INCOMPLETE} ({error})") from None
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError):
        # a corrupt deflate stream, a truncated member, an unknown compression, encryption
        raise ReaderError(path, f"{INCOMPLETE} (a member cannot be read)") from None
    return top, metadata


def starts_like_a_zip(path: Path) -> bool:
    """Whether `path` begins as a zip does (a local file header): a zip whose end, with its
    central directory, is missing is a download cut short, not some other kind of file."""
    try:
        with path.open("rb") as handle:
            return handle.read(4) == ZIP_MAGIC
    except OSError:
        return False


def _dirs_of(names: set[str]) -> set[str]:
    """Every proper parent folder of the member names."""
    return {str(parent) for n in names for parent in PurePosixPath(n).parents if str(parent) != "."}


# --- install and remove -----------------------------------------------------------------------


def install_from_file(path: str | Path) -> InstalledModel:
    """Validate and install an .argosmodel file, replacing an installed copy of the same folder."""
    path = Path(path)
    top, _metadata = validate_archive(path)
    root = paths.argos_packages_dir()
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
    try:
        with zipfile.ZipFile(path) as archive:
            # members were checked above: relative, no "..", no symlinks
            archive.extractall(staging)
        unpacked = _read_installed(staging / top)
        assert unpacked is not None  # metadata.json was validated above
        failure = load_failure(unpacked, translate=True)
        if failure:
            raise ReaderError(path, f"the model does not load ({failure}); nothing was installed")
        target = root / top
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging / top, target)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise ReaderError(path, f"{INCOMPLETE} (a member fails its CRC check)") from None
    except OSError as error:
        raise ReaderError(path, f"cannot install into {root}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    model = _read_installed(target)
    assert model is not None  # metadata.json was validated above
    return model


def load_failure(
    model: InstalledModel | ModelInfo | CTranslate2Engine, *, translate: bool = False
) -> str | None:
    """Why the model cannot be used (its first error line), or None when it loads (and, with
    `translate`, translates one sentence). Loading a 100 MB model: ~80 ms warm."""
    from reader.translation.engines.argos import CTranslate2Engine  # cycle: it imports us

    engine = model if isinstance(model, CTranslate2Engine) else CTranslate2Engine(model, threads=1)
    try:
        engine.load()
        if translate:
            engine.translate_batch(["你好。"])
    except (RuntimeError, OSError, ValueError, TypeError, IndexError) as error:
        # CTranslate2: "Unsupported model binary version", "…is not a valid model file";
        # SentencePiece: "Internal: … could not parse ModelProto"
        return load_error_summary(str(error)) or type(error).__name__
    return None


_NEWER = re.compile(r"binary version (v\d+) or below, but the model has binary version (v\d+)")
MAX_CAUSE = 160  # characters of a library's error kept: its first sentences, never half of one


def load_error_summary(message: str) -> str:
    """A library's load error as a whole phrase: CTranslate2's 300-character refusal of a
    newer model said in reader's words, anything else cut at a sentence end."""
    newer = _NEWER.search(message)
    if newer:
        import ctranslate2  # loaded already: it just raised this

        return (
            f"it was made by a newer CTranslate2: model format {newer[2]}, and CTranslate2 "
            f"{ctranslate2.__version__} reads {newer[1]} or older; upgrade ctranslate2 or use "
            "a model converted for this version"
        )
    first = (message.strip().splitlines() or [""])[0].strip()
    if len(first) <= MAX_CAUSE:
        return first
    cut = first.rfind(". ", 0, MAX_CAUSE)
    if cut > 0:
        return first[: cut + 1]
    space = first.rfind(" ", 0, MAX_CAUSE - 1)
    return first[: space if space > 0 else MAX_CAUSE - 1].rstrip(",;:") + "…"


def remove(name_or_path: str | Path) -> InstalledModel:
    """Remove one installed package, chosen by argospm name, folder name or path."""
    wanted = str(name_or_path)
    packages = installed_packages()
    by_path = [
        m
        for m in packages
        if m.path.name == wanted
        or (Path(wanted).exists() and m.path.resolve() == Path(wanted).resolve())
    ]
    matches = by_path or [m for m in packages if m.name == wanted]
    if not matches:
        raise ReaderError(wanted, "no such installed model (see `reader model list`)")
    if len(matches) > 1:
        choices = ", ".join(str(m.path) for m in matches)
        raise ReaderError(wanted, f"several models match; give a path: {choices}")
    (model,) = matches
    shutil.rmtree(model.path)
    return model


# --- the Argos index (network) ----------------------------------------------------------------


def _argos_data_dir() -> Path:
    return paths.argos_data_dir()


def index_path() -> Path:
    """Where argostranslate caches the package index."""
    return _argos_data_dir() / "index.json"


def available_packages() -> list[AvailableModel]:
    """Packages in the cached index; empty when no index was ever downloaded."""
    try:
        index = json.loads(index_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        AvailableModel(
            name=_package_name(entry),
            from_code=str(entry.get("from_code") or ""),
            to_code=str(entry.get("to_code") or ""),
            version=str(entry.get("package_version") or ""),
        )
        for entry in index
        if isinstance(entry, dict)
    ]


def _point_argostranslate_here() -> Any:  # the argostranslate.package module
    """Import argostranslate.package and aim its import-time settings at today's directories."""
    import logging

    from argostranslate import package, settings  # ~80 ms, mostly urllib

    # argostranslate logs failures (e.g. an unreachable index) before returning; we report
    # them as one ReaderError line, so keep its log records off stderr
    logging.getLogger("argostranslate").addHandler(logging.NullHandler())
    logging.getLogger("argostranslate").propagate = False

    settings.package_data_dir = paths.argos_packages_dir()
    settings.package_dirs = [settings.package_data_dir]
    settings.local_package_index = index_path()
    index_path().parent.mkdir(parents=True, exist_ok=True)
    settings.downloads_dir = paths.cache_dir() / "downloads"
    settings.downloads_dir.mkdir(parents=True, exist_ok=True)
    index_url = os.environ.get("ARGOS_PACKAGE_INDEX")
    if index_url:
        settings.package_index = index_url
        settings.remote_package_index = index_url.rstrip("/") + "/index.json"
    return package


def install_from_index() -> InstalledModel:
    """Download the zh→en package from the Argos index and install it (validated like a file)."""
    package = _point_argostranslate_here()
    index = index_path()
    before = index.stat().st_mtime_ns if index.exists() else None
    # update_package_index logs and returns on any failure rather than raising
    package.update_package_index()
    after = index.stat().st_mtime_ns if index.exists() else None
    if after is None or after == before:
        raise ReaderError(
            "model install", f"cannot reach the Argos package index (no network?); {OFFLINE_HINT}"
        )
    try:
        candidates = [
            p
            for p in package.get_available_packages()
            if p.from_code == FROM_CODE and p.to_code == TO_CODE
        ]
    except (OSError, ValueError) as error:
        raise ReaderError(index, f"unreadable package index: {error}") from None
    if not candidates:
        raise ReaderError(index, f"the Argos index lists no {FROM_CODE}→{TO_CODE} package")
    best = max(candidates, key=lambda p: _version_key(str(p.package_version)))
    try:
        download = Path(best.download())
    except Exception as error:  # argostranslate raises bare Exception on download failure
        raise ReaderError("model install", f"download failed ({error}); {OFFLINE_HINT}") from None
    try:
        return install_from_file(download)
    finally:
        download.unlink(missing_ok=True)
