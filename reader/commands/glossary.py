"""`reader glossary …`: list, show, add, edit, remove, check, import, export, merge, convert, path,
suggest.

Every subcommand but `merge` (which names its three files) takes `--glossary PATH`,
repeatable for layers (reader/glossary/layers.py): reading sees every layer, the earlier
winning for the same term; edits go to the first layer, an edit of a reference layer's term
adding an override there. A glossary with bad rows still loads: its problems are printed to
stderr as warnings and the good rows are used. Edits hold the first layer's lock from reading
to saving (so concurrent `add`s all land), are saved atomically and refused if the file
changed on disk meanwhile, or, in one line, if the layer is on a read-only path. A command
asked to change something that changed nothing says so and exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.atomic import check_output, write_text_atomic
from reader.commands.common import (
    add_glossary_arg,
    add_max_size_arg,
    add_wide_arg,
    display_width,
    output_width,
    say,
    table,
    wrap,
)
from reader.errors import ReaderError
from reader.glossary.file import (
    LIST_COLUMNS,
    Entry,
    check,
    convert,
    locked,
    simplify,
    split_list,
)
from reader.glossary.layers import (
    LayeredGlossary,
    read_only_reason,
    refuse_read_only,
    resolve_layers,
)

if TYPE_CHECKING:
    from reader.documents.document import Document
    from reader.glossary.suggest import Suggestion

LIST_FIELDS = ("variants", "accept", "forbidden")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "glossary",
        help="view, edit, check, import and export the glossary",
        description="View and edit the glossary that fixes how key terms are translated.",
    )
    parser.set_defaults(func=lambda args: _help(parser))
    sub = parser.add_subparsers(dest="glossary_command", metavar="SUBCOMMAND")

    p = sub.add_parser("list", help="list entries, optionally only those matching QUERY")
    p.add_argument("query", nargs="?", metavar="QUERY", help="text to find in zh, en or variants")
    add_wide_arg(p)
    add_glossary_arg(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "show",
        help="one entry whole: every column, its file and line, the documents that use it",
        description="Show one entry: every column (lists separated by |, as in the CSV and "
        "the --accept/--forbidden/--variants options), the glossary file and line it comes "
        "from and why that file is used, and the documents the reader knows (opened in it "
        "or post-edited) that mention the term, with how often.",
    )
    p.add_argument("zh", metavar="TERM", help="the term (either script, or one of its variants)")
    add_glossary_arg(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("add", help="add an entry")
    p.add_argument("zh", metavar="ZH", help="the Chinese term (either script)")
    p.add_argument("en", metavar="EN", help="the required English rendering")
    _add_entry_options(p)
    p.add_argument("--dnt", action="store_true", help="do not translate: keep the Chinese")
    add_glossary_arg(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("edit", help="change fields of an entry")
    p.add_argument("zh", metavar="ZH", help="the term to edit (either script)")
    p.add_argument("--zh", dest="new_zh", metavar="TERM", help="change the term itself")
    p.add_argument("--en", metavar="TEXT", help="the required English rendering")
    _add_entry_options(p)
    p.add_argument(
        "--dnt", action=argparse.BooleanOptionalAction, default=None, help="do not translate"
    )
    add_glossary_arg(p)
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("remove", help="remove an entry")
    p.add_argument("zh", metavar="ZH", help="the term to remove (either script)")
    add_glossary_arg(p)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("check", help="list every problem as FILE:LINE: message; exit 1 if any")
    add_glossary_arg(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "import",
        help="merge entries from another tool's glossary",
        description="Merge entries from FILE: new terms are added; terms already present are "
        "reported and left alone unless --overwrite.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--format",
        choices=("auto", "babeldoc", "omegat", "tbx", "csv"),
        default="auto",
        help="babeldoc: CSV source,target,tgt_lng (also Immersive Translate); omegat: TSV "
        "source<TAB>target<TAB>comment; tbx: TBX-Basic (v3, or v2 martif); csv: a reader "
        "glossary.csv; "
        "auto: guess from the name and first line (default)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace entries already present")
    add_glossary_arg(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="write the glossary for another tool")
    p.add_argument(
        "--format",
        choices=("csv", "tsv", "tbx"),
        required=True,
        help="csv: BabelDOC/Immersive Translate (source,target,tgt_lng, then the other "
        "columns); tsv: OmegaT; tbx: TBX-Basic (TBX v3). What a format cannot hold is said "
        "on stderr",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    add_glossary_arg(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "merge",
        help="three-way merge of two edited copies of a glossary (a git merge driver)",
        description="Merge the changes THEIRS made since BASE into OURS, term by term: rows "
        "added, removed or edited in different columns on either side merge cleanly, and "
        "OURS's comments and row order are kept. A column both sides changed differently is "
        "a conflict: OURS's value stays, THEIRS's goes into a `conflict` column, a line per "
        "conflict goes to stderr, `reader glossary check` reports it, and the exit status "
        "is 1. The result replaces OURS (as a git merge driver's %A) unless -o is given. "
        "As a git merge driver: `glossary.csv merge=reader-glossary` in .gitattributes and "
        '`git config merge.reader-glossary.driver "reader glossary merge %O %A %B"`.',
    )
    p.add_argument("base", metavar="BASE", help="the common ancestor (git: %%O)")
    p.add_argument("ours", metavar="OURS", help="our version, and the output (git: %%A)")
    p.add_argument("theirs", metavar="THEIRS", help="their version (git: %%B)")
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of OURS")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser(
        "convert",
        help="rewrite the glossary as UTF-8 (e.g. a GBK file saved by Excel)",
        description="Rewrite the glossary as UTF-8, keeping the original bytes as "
        "FILE.ENCODING~ (e.g. glossary.csv.gb18030~), a name no later save or conversion "
        "overwrites. The encoding is detected (GBK/GB18030, Big5, UTF-16) unless --encoding "
        "is given; bytes that do not decode exactly are refused, never replaced. A file that "
        "is UTF-8 already is left as it is.",
    )
    p.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="the glossary to convert (default: the one in use; see `reader glossary path`)",
    )
    p.add_argument("--encoding", metavar="NAME", help="the encoding the file is in")
    add_glossary_arg(p)
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser(
        "path",
        help="print which glossary layers are used and why, or which layer a term comes from",
        description="Print the glossary edits go to and why it was chosen, then every layer "
        "when there are several (the earlier wins for the same term). With TERM, print the "
        "layer whose entry is in effect for it and the entries it overrides.",
    )
    p.add_argument("term", nargs="?", metavar="TERM", help="a term (either script)")
    add_glossary_arg(p)
    p.set_defaults(func=cmd_path)

    p = sub.add_parser(
        "suggest",
        help="suggest frequent terms in FILE that the glossary lacks",
        description="List repeated multi-character expressions in FILE that are not in the "
        "glossary, with a dictionary gloss. With --add, choose which to add: interactively "
        "(y/n/q, then the English), or by number (--add 1,3) using the gloss with --en.",
    )
    p.add_argument("file", metavar="FILE", help="document to mine (.txt .md .html .epub .docx)")
    add_max_size_arg(p)
    p.add_argument("--encoding", metavar="NAME", help="decode FILE with this encoding")
    p.add_argument("--top", type=int, default=30, metavar="N", help="how many (default 30)")
    p.add_argument(
        "--add",
        nargs="?",
        const="ask",
        metavar="N,M,…",
        help="add suggestions: ask for each one, or add the numbered ones",
    )
    p.add_argument(
        "--en",
        action="store_true",
        help="with --add N,M: use the dictionary gloss as the English rendering",
    )
    add_wide_arg(p)
    add_glossary_arg(p)
    p.set_defaults(func=cmd_suggest)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def _add_entry_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--note", metavar="TEXT", help="free text shown with the term")
    p.add_argument("--accept", metavar="A|B", help="other renderings counted as correct")
    p.add_argument("--forbidden", metavar="A|B", help="renderings to flag")
    p.add_argument("--variants", metavar="A|B", help="other Chinese forms")
    p.add_argument("--category", metavar="NAME", help="e.g. policy, slogan")
    p.add_argument("--priority", type=int, metavar="N", help="wins ties between terms (default 0)")


# --- loading ---------------------------------------------------------------------------------


def open_glossary(
    args: argparse.Namespace,
    *,
    create: bool = False,
    warn: bool = True,
    document: str | None = None,
) -> LayeredGlossary:
    """The glossary layers chosen by --glossary / READER_GLOSSARY / project / config / user
    data, with their problems printed as warnings. With `create`, a missing first layer is
    an empty glossary."""
    sources = resolve_layers(getattr(args, "glossary", None), document=document)
    glossary = LayeredGlossary.load(sources, create=create)
    if warn:
        _warn(glossary)
    return glossary


def _warn(glossary: LayeredGlossary) -> None:
    for problem in glossary.problems:
        say(f"warning: {problem}")


@contextlib.contextmanager
def editing(
    args: argparse.Namespace, *, create: bool = False, document: str | None = None
) -> Iterator[LayeredGlossary]:
    """The glossary layers, loaded and later saved under the first layer's lock, so another
    process's edit made meanwhile is never lost (two concurrent `add`s both land)."""
    sources = resolve_layers(getattr(args, "glossary", None), document=document)
    refuse_read_only(sources[0])  # before the lock: no lock file in a read-only folder
    with locked(sources[0].path):
        glossary = LayeredGlossary.load(sources, create=create)
        glossary.check_savable()  # one line now, not a warning and then an error
        _warn(glossary)
        yield glossary


def _say(text: str) -> None:
    """Print `text` fitted to the terminal (continuation lines indented)."""
    print(*wrap(text, output_width(), "  "), sep="\n")


def _overrides(glossary: LayeredGlossary, entry: Entry) -> str:
    """`; overrides 'EN' of layer NAME` when `entry` hides a reference layer's entry."""
    hidden = glossary.shadowed(entry)
    if not hidden:
        return ""
    layer, other = hidden[0]
    return f"; overrides {other.en!r} of layer {layer.label}"


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return split_list(value)


# --- commands --------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    glossary = open_glossary(args)
    entries = glossary.entries
    if args.query:
        q = simplify(args.query.strip()).lower()
        entries = [
            e
            for e in entries
            if q in e.key.lower()
            or q in e.en.lower()
            or any(q in form for form in e.forms)
            or any(q in r.lower() for r in e.accept)
        ]
    if not entries:
        print("no entries" + (f" match {args.query!r}" if args.query else ""), file=sys.stderr)
        return 1 if args.query else 0
    rows = [
        [
            e.zh,
            e.en,
            "|".join(e.variants),
            e.category,
            str(e.priority) if e.priority else "",
            "dnt" if e.dnt else "",
            glossary.label_of(e),
            e.note,
        ]
        for e in entries
    ]
    headers = ["ZH", "EN", "VARIANTS", "CATEGORY", "PRI", "DNT", "LAYER", "NOTE"]
    print(table(headers, rows, width=output_width(args.wide), keep=("ZH", "EN")))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.translation.memory import TranslationMemory
    from reader.translation.usage import known_documents, term_uses

    glossary = open_glossary(args)
    entry = glossary.find(args.zh, variants=True)
    if entry is None:
        raise ReaderError(glossary.path, f"{args.zh.strip()} is not in the glossary")
    layer = glossary.layer_of(entry)  # the layer the term comes from, and why that file
    path, reason = layer.path, layer.source.reason
    if len(glossary.layers) > 1:
        reason += f"; layer {layer.label}"
    width = output_width()
    shown: list[tuple[str, str]] = [
        ("zh", entry.zh),
        ("en", entry.en),
        *((name, "|".join(getattr(entry, name))) for name in LIST_COLUMNS),
        ("note", entry.note),
        ("category", entry.category),
        ("priority", str(entry.priority)),
        ("dnt", "yes (kept in Chinese)" if entry.dnt else "no"),
        *entry.extra.items(),
    ]
    label = max(len("documents: "), *(len(name) + 2 for name, _ in shown))
    for name, value in shown:
        print("\n".join(wrap(f"{name + ':':<{label}}{value}", width, " " * label)).rstrip())
    line = f", line {entry.line}" if entry.line else ""
    _path_line("file:", f"{path.resolve()}{line}", f"(chosen by: {reason})", label, width)
    memory = TranslationMemory(on_warning=lambda text: print(f"warning: {text}", file=sys.stderr))
    try:
        paths = known_documents(memory)
    finally:
        memory.close()
    uses, warnings = term_uses(entry, paths)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not uses:
        known = (
            f"none of the {len(paths)} documents the reader knows mentions it"
            if len(paths) != 1
            else "the one document the reader knows does not mention it"
        )
        if not paths:
            known = "none known yet (documents opened in the reader or post-edited)"
        print(f"{'documents:':<{label}}{known}")
    for n, use in enumerate(uses):
        count = f"{use.mentions}× in {use.paragraphs} paragraph{'s' if use.paragraphs > 1 else ''}"
        _path_line("documents:" if n == 0 else "", use.path, f"({count})", label, width)
    return 0


def _path_line(name: str, path: str, rest: str, label: int, width: int | None) -> None:
    """`name: path rest`, the path whole however long (it is copied), `rest` wrapped after it."""
    line = f"{name:<{label}}{path}"
    if width is None or display_width(f"{line} {rest}") <= width:
        print(f"{line} {rest}")
        return
    print(line)
    print("\n".join(wrap(" " * label + rest, width, " " * label)))


def cmd_add(args: argparse.Namespace) -> int:
    with editing(args, create=True) as glossary:
        entry = _add(glossary, args)
        _say(f"added {entry.zh} → {entry.en} ({glossary.path}{_overrides(glossary, entry)})")
    return 0


def _add(glossary: LayeredGlossary, args: argparse.Namespace) -> Entry:
    entry = Entry(
        zh=args.zh,
        en=args.en,
        variants=_split(args.variants) or [],
        accept=_split(args.accept) or [],
        forbidden=_split(args.forbidden) or [],
        note=args.note or "",
        category=args.category or "",
        priority=args.priority or 0,
        dnt=args.dnt,
    )
    entry = glossary.add(entry)
    glossary.save()
    return entry


def cmd_edit(args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    for name in ("en", "note", "category", "priority", "dnt"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    for name in LIST_FIELDS:
        value = _split(getattr(args, name))
        if value is not None:
            changes[name] = value
    if args.new_zh is not None:
        changes["zh"] = args.new_zh
    if not changes:
        raise ReaderError(
            "glossary edit", "nothing to change; give --en, --note, --accept, … (see --help)"
        )
    with editing(args) as glossary:
        entry = glossary.update(args.zh, **changes)
        glossary.save()
        _say(f"edited {entry.zh} → {entry.en} ({glossary.path}{_overrides(glossary, entry)})")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with editing(args) as glossary:
        entry = glossary.remove(args.zh)
        glossary.save()
        beneath = glossary.find(entry.zh)
    _say(f"removed {entry.zh} → {entry.en} ({glossary.path})")
    if beneath is not None:
        layer = glossary.layer_of(beneath)
        _say(f"{beneath.zh} → {beneath.en} of layer {layer.label} applies again")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    glossary = open_glossary(args, warn=False)
    bad = []
    for layer in glossary.layers:  # each file on its own: an override is no duplicate
        problems = check(layer.glossary)
        for problem in problems:
            print(problem)
        if problems:
            bad.append(f"{len(problems)} problem(s) in {layer.path}")
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 1
    counts = [len(layer.glossary.entries) for layer in glossary.layers]
    layers = f" in {len(counts)} layers ({' + '.join(map(str, counts))})" if len(counts) > 1 else ""
    print(f"ok: {len(glossary.entries)} entries{layers}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.glossary.interchange import import_entries, merge

    entries = import_entries(args.file, args.format)
    with editing(args, create=True) as glossary:
        # into the first layer: a term only a reference layer has is imported as an override
        report = merge(glossary.writable.glossary, entries, overwrite=args.overwrite)
        if report.added or report.updated:
            glossary.save()
    for entry in report.existing:
        print(f"already present: {entry.zh} → {entry.en}", file=sys.stderr)
    summary = f"imported {len(entries)} entries from {args.file}: added {len(report.added)}"
    if args.overwrite:
        summary += f", replaced {len(report.updated)}"
    else:
        summary += f", kept {len(report.existing)} already present"
        if report.existing:
            summary += " (use --overwrite to replace them)"
    print(summary)
    if not report.added and not report.updated:
        print(f"reader: {args.file}: nothing imported; the glossary is unchanged", file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.glossary.interchange import export_entries

    glossary = open_glossary(args)
    text = export_entries(glossary.entries, args.format)
    if args.output:
        # the glossary in use is never replaced by a lossy format
        inputs = [layer.path for layer in glossary.layers]
        write_text_atomic(check_output(args.output, inputs=inputs), text)
        _say_left_out(glossary.entries, args.format)  # once written: a refusal is one line
        print(f"wrote {len(glossary.entries)} entries to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        _say_left_out(glossary.entries, args.format)
    return 0


def _say_left_out(entries: list[Entry], fmt: str) -> None:
    """One line on stderr naming the columns in use that `fmt` cannot hold, if any."""
    from reader.glossary.interchange import FORMAT_NAMES, left_out

    names, count = left_out(entries, fmt)
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        print(
            f"note: {FORMAT_NAMES[fmt]} cannot hold {shown}: left out of {count} "
            + ("entry" if count == 1 else "entries"),
            file=sys.stderr,
        )


def cmd_merge(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.glossary.merge import merge_files

    result, conflict_lines = merge_files(args.base, args.ours, args.theirs, args.output)
    out = args.output or args.ours
    for line in conflict_lines:
        print(line, file=sys.stderr)
    if conflict_lines:
        print(
            f"reader: {out}: {len(conflict_lines)} merge conflict(s); keep one side of "
            "each, then empty its conflict cell",
            file=sys.stderr,
        )
        return 1
    print(f"merged {out}: {result.taken} change(s) taken from theirs", file=sys.stderr)
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    if args.file and args.glossary and [Path(g) for g in args.glossary] != [Path(args.file)]:
        raise ReaderError(
            args.file, f"two glossaries given (FILE and --glossary {args.glossary[0]})"
        )
    # the first layer: the one reader writes
    path = resolve_layers([args.file] if args.file else args.glossary)[0].path
    found, original = convert(path, args.encoding)
    if original is None:
        print(f"{path} is already UTF-8; nothing to convert, nothing written", file=sys.stderr)
    else:
        print(f"converted {path} from {found} to UTF-8; the original is kept as {original.name}")
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    if args.term:
        return _term_layer(args)
    sources = resolve_layers(args.glossary)
    first = sources[0]
    print(_shown(first.path))
    print(f"chosen by: {first.reason}" + _missing(first.path))
    width = output_width()
    why = read_only_reason(first.path, first=True)
    if why:
        print(*wrap(f"read-only: {why}", width, "  "), sep="\n")
    if len(sources) > 1:
        print("layers (for the same term the earlier wins; edits go to the first):")
        for number, source in enumerate(sources, 1):
            access = "read-only" if read_only_reason(source.path, number == 1) else "writable"
            path = _shown(source.path)
            text = f"  {number}. {source.label}: {path} ({access}; {source.reason})"
            print(*wrap(text + _missing(source.path), width, "     "), sep="\n")
    return 0


def _shown(path: Path) -> Path:
    return path.resolve() if path.exists() else path


def _missing(path: Path) -> str:
    return "" if path.exists() else " (does not exist yet)"


def _term_layer(args: argparse.Namespace) -> int:
    """`reader glossary path TERM`: the layer whose entry is in effect, and what it hides."""
    glossary = open_glossary(args)
    entry = glossary.find(args.term, variants=True)
    if entry is None:
        print(f"{args.term} is in no glossary layer", file=sys.stderr)
        return 1
    width = output_width()
    layer = glossary.layer_of(entry)
    number = glossary.layers.index(layer) + 1
    line = f" line {entry.line}" if entry.line else ""
    where = f"layer {number} ({layer.label}), {_shown(layer.path)}{line}"
    text = f"{entry.zh} → {entry.en}: {where}"
    print(*wrap(text, width, "  "), sep="\n")
    for other_layer, other in glossary.shadowed(entry):
        number = glossary.layers.index(other_layer) + 1
        line = f" line {other.line}" if other.line else ""
        where = f"layer {number} ({other_layer.label}), {_shown(other_layer.path)}{line}"
        text = f"  overrides {other.en!r} of {where}"
        print(*wrap(text, width, "    "), sep="\n")
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.glossary.suggest import suggest_terms

    doc = _load_document(args.file, args.encoding)
    glossary = open_glossary(args, create=True, document=args.file)
    suggestions = suggest_terms(doc, glossary, top=args.top)
    if not suggestions:
        print("no suggestions: no repeated expressions outside the glossary", file=sys.stderr)
        return 0 if args.add is None else 1
    rows = [
        [str(i), s.term, str(s.count), s.gloss or (f"~ {s.literal}" if s.literal else "")]
        for i, s in enumerate(suggestions, 1)
    ]
    headers = ["#", "TERM", "COUNT", "GLOSS"]
    print(table(headers, rows, width=output_width(args.wide), keep=tuple(headers)))
    if any(s.literal and not s.gloss for s in suggestions):
        print("(~ marks a word-by-word hint: the dictionary has no sense for the whole term)")
    if args.add is None:
        return 0
    if args.add == "ask":
        if not sys.stdin.isatty():
            raise ReaderError(
                "glossary suggest",
                "stdin is not a terminal: give the numbers to add, e.g. --add 1,3 --en",
            )
        chosen = _ask(suggestions)  # not under the lock: the user may take minutes
    else:
        chosen = _pick(suggestions, args.add, use_gloss=args.en)
    added = 0
    if chosen:
        # read again: others may have saved
        with editing(args, create=True, document=args.file) as glossary:
            for term, en in chosen:
                if glossary.find(term, variants=True) is not None:
                    print(f"skipped {term}: added to the glossary meanwhile", file=sys.stderr)
                    continue
                glossary.add(Entry(term, en))
                added += 1
                print(f"added {term} → {en}")
            if added:
                glossary.save()
    print(f"added {added} entries to {glossary.path}")
    if not added:
        print("reader: glossary suggest: nothing added; the glossary is unchanged", file=sys.stderr)
        return 1
    return 0


def _pick(suggestions: list[Suggestion], spec: str, *, use_gloss: bool) -> list[tuple[str, str]]:
    if not use_gloss:
        raise ReaderError(
            "glossary suggest",
            "--add N,M without a terminal needs --en to use the dictionary gloss as the "
            "rendering (or run it in a terminal to type each one)",
        )
    chosen = []
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= len(suggestions):
            raise ReaderError(
                "glossary suggest", f"--add: {part!r} is not a number from 1 to {len(suggestions)}"
            )
        suggestion = suggestions[int(part) - 1]
        if not suggestion.gloss:
            print(f"skipped {suggestion.term}: no dictionary gloss to use", file=sys.stderr)
            continue
        chosen.append((suggestion.term, suggestion.gloss))
    return chosen


def _ask(suggestions: list[Suggestion]) -> list[tuple[str, str]]:
    chosen = []
    for i, s in enumerate(suggestions, 1):
        answer = input(f"{i}. add {s.term} ({s.count}×)? [y/n/q] ").strip().lower()
        if answer.startswith("q"):
            break
        if not answer.startswith("y"):
            continue
        default = f" [{s.gloss}]" if s.gloss else ""
        en = input(f"   English{default}: ").strip() or s.gloss
        if en:
            chosen.append((s.term, en))
        else:
            print("   skipped: no rendering given", file=sys.stderr)
    return chosen


def _load_document(path: str, encoding: str | None) -> Document:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.documents.loading import load_document

    return load_document(path, encoding=encoding)
