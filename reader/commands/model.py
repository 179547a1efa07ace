"""`reader model …`: list, install (from the Argos index or a file), remove translation models."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from reader.errors import ReaderError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "model",
        help="manage offline translation models (Argos, CTranslate2, GGUF)",
        description="Manage installed models: Argos Translate packages (in ARGOS_PACKAGES_DIR "
        "or argostranslate's default), CTranslate2 models (quickmt, OPUS-MT, NLLB, M2M-100) "
        "and GGUF models for the local llama.cpp server (in reader's data directory).",
    )

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 0

    parser.set_defaults(func=show_help)
    sub = parser.add_subparsers(dest="model_command", metavar="ACTION")

    list_parser = sub.add_parser(
        "list", help="installed models (kind, layout, size, languages), and the cached index"
    )
    list_parser.add_argument("--wide", action="store_true", help="print every cell in full")
    list_parser.set_defaults(func=run_list)

    install = sub.add_parser(
        "install",
        help="install a model: download the Argos zh→en one, or --file for an offline install",
    )
    install.add_argument(
        "--file",
        metavar="PATH",
        help="install this file or folder (no network needed): an .argosmodel, a CTranslate2 "
        "model folder or .zip/.tar.gz of one, or a .gguf model",
    )
    install.add_argument(
        "--copy",
        action="store_true",
        help="for a .gguf model: copy it into reader's data directory (default: keep a "
        "reference to where it is)",
    )
    install.add_argument("--name", help="the name to install it under (default: from the file)")
    install.set_defaults(func=run_install)

    remove = sub.add_parser("remove", help="remove an installed model")
    remove.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help="name, folder or path from `reader model list` (may be left out only when one "
        "model is installed)",
    )
    remove.set_defaults(func=run_remove)


def _size(n: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def run_list(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader import paths
    from reader.commands.common import output_width, show, table
    from reader.translation import installed
    from reader.translation import packages as models

    everything = installed.all_models()
    # a path is never cut: each on its own line, the table fits the width
    show(f"Argos packages: {paths.argos_packages_dir()}")
    show(f"Other models:   {installed.models_dir()}")
    print("Installed:")
    if not everything:
        print("  none — run `reader model install` or `reader model install --file PATH`")
    else:
        auto = installed.latest_ct2()
        rows = [
            [
                "*" if auto is not None and m.path == auto.path else "",
                m.name,
                m.kind,
                m.layout,
                m.version or "",
                _size(m.size),
                m.languages,
            ]
            for m in everything
        ]
        headers = ["", "NAME", "KIND", "LAYOUT", "VERSION", "SIZE", "LANGUAGES"]
        print(table(headers, rows, width=output_width(args.wide), keep=("NAME",)))
        if auto is not None:
            print("* used by --engine auto (the CTranslate2 model installed last)")
    available = models.available_packages()
    if available:
        zh_en = [a for a in available if a.from_code == "zh" and a.to_code == "en"]
        show(f"Available in the cached index ({models.index_path()}):")
        for a in zh_en or available:
            print(f"  {a.name}  {a.from_code}→{a.to_code}  {a.version or '?'}")
    return 0


def _is_argos_zip(path: Path) -> bool:
    from reader.translation import packages as models

    if path.suffix == ".argosmodel":
        return True
    if path.suffix != ".zip" or not path.is_file():
        return False
    try:
        models.validate_archive(path)
    except ReaderError:
        return False
    return True


def run_install(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.commands.common import show
    from reader.translation import installed
    from reader.translation import packages as models

    if not args.file:
        print("Downloading the zh→en model from the Argos package index…")
        model = models.install_from_index()
        show(f"Installed {model.name} {model.version} (zh→en, argos) in {model.path}")
        return 0
    path = Path(args.file)
    if path.suffix.lower() == ".gguf" or (path.is_file() and installed.gguf_problem(path) is None):
        info = installed.install_gguf(path, copy=args.copy)
        how = "copied into" if args.copy else "by reference, from"
        show(f"Installed {info.name} (gguf, {_size(info.size)}) {how} {info.path}")
        show("Use it with --engine llm (no server needed; it needs `pip install 'reader[llama]'`)")
        return 0
    if _is_argos_zip(path):
        model = models.install_from_file(path)
        show(
            f"Installed {model.name} {model.version} ({model.from_code}→{model.to_code}, "
            f"argos) in {model.path}"
        )
        return 0
    info = installed.install_ct2(path, name=args.name)
    show(
        f"Installed {info.name} (ctranslate2, {info.layout}, {info.languages}, "
        f"{_size(info.size)}) in {info.path}"
    )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.commands.common import show
    from reader.translation import installed
    from reader.translation import packages as models

    name = args.name
    if name is None:
        # removing is not undone: only the one model there is goes without being named
        everything = installed.all_models()
        if not everything:
            raise ReaderError("model remove", "no model is installed")
        if len(everything) > 1:
            counts = Counter(m.name for m in everything)
            # two Argos packages may share a name: then their folder tells them apart
            names = ", ".join(m.name if counts[m.name] == 1 else m.path.name for m in everything)
            raise ReaderError(
                "model remove", f"{len(everything)} models are installed; name one: {names}"
            )
        name = str(everything[0].path)
    own = [m for m in installed.all_models() if m.kind != "argos"]
    match = [m for m in own if name in (m.name, str(m.path))]
    if match:
        installed.remove_model(match[0])
        show(f"Removed {match[0].name} ({match[0].kind})")
        return 0
    model = models.remove(name)
    show(f"Removed {model.name} {model.version} ({model.path})")
    return 0
