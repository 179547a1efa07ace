"""`reader postedits list|show`: the user's post-edits, each with whether its paragraph is still
in a document or orphaned (its source was corrected or removed: the reader offers it on the
changed paragraph, `A` to accept). Nothing here changes or drops a post-edit."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from reader.commands.common import add_wide_arg, output_width, table, wrap
from reader.errors import ReaderError

if TYPE_CHECKING:
    from reader.documents.document import Document
    from reader.translation.earlier_edits import EditStatus
    from reader.translation.memory import TranslationMemory


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "postedits",
        help="list and show your post-edits, and which are orphaned",
        description="Your post-edits (English you wrote with `p` in the reader), kept in "
        "your data folder. A post-edit is orphaned when no known document (one that has a "
        "post-edit) still has its paragraph's exact text: the document was corrected or the "
        "paragraph removed. The reader offers an orphaned edit on the corrected paragraph "
        "(marked ✎?, `A` accepts it); nothing is ever dropped.",
    )
    parser.set_defaults(func=lambda args: _help(parser))
    commands = parser.add_subparsers(dest="postedits_command", metavar="SUBCOMMAND")

    p = commands.add_parser(
        "list",
        help="every post-edit: id, state (in use, orphaned, carried), date, document, text",
        description="Every post-edit, the most recent first, with its state: in use (a "
        "known document has its paragraph), orphaned (none has), carried (orphaned, but "
        "accepted for the corrected paragraph with A), unknown (text read from stdin). Every "
        "document that has a post-edit is read again to tell.",
    )
    p.add_argument("--orphaned", action="store_true", help="only the orphaned ones")
    add_wide_arg(p)
    p.set_defaults(func=cmd_list)

    p = commands.add_parser(
        "show",
        help="one post-edit whole: source, your English, when, where",
        description="Show one post-edit: its document, state, date, the Chinese it was "
        "written for and your English. ID is from `reader postedits list` (a unique prefix "
        "will do).",
    )
    p.add_argument("id", metavar="ID", help="the post-edit's id, or a unique prefix of it")
    p.set_defaults(func=cmd_show)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def _survey() -> list[EditStatus]:
    # lazy: run time only; cli imports every command
    from reader.translation.earlier_edits import survey
    from reader.translation.memory import TranslationMemory

    memory = TranslationMemory(on_warning=lambda text: print(f"warning: {text}", file=sys.stderr))
    try:
        statuses, warnings = survey(memory)
    finally:
        memory.close()
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return statuses


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def cmd_list(args: argparse.Namespace) -> int:
    statuses = _survey()
    orphaned = sum(s.state == "orphaned" for s in statuses)
    if args.orphaned:
        statuses = [s for s in statuses if s.state == "orphaned"]
    if not statuses:
        print("no orphaned post-edits" if args.orphaned else "no post-edits", file=sys.stderr)
        return 0
    rows = [
        [
            s.edit.id,
            s.state,
            time.strftime("%Y-%m-%d", time.localtime(s.edit.updated)),
            _document_name(s.edit.doc_key),
            s.edit.source or "(source not recorded yet)",
            s.edit.english,
        ]
        for s in statuses
    ]
    headers = ["ID", "STATE", "UPDATED", "DOCUMENT", "SOURCE", "EDIT"]
    width = output_width(args.wide)
    print(table(headers, rows, width=width, keep=("ID", "STATE", "UPDATED")))
    if orphaned:
        note = (
            f"{orphaned} orphaned: its paragraph changed or is gone. Open the document in the "
            "reader to accept it on the changed paragraph (A), or `reader postedits show ID`."
        )
        print("\n".join(wrap(note, width)), file=sys.stderr)
    return 0


def _document_name(doc_key: str) -> str:
    return "stdin" if doc_key == "-" else doc_key.rsplit("/", 1)[-1]


def cmd_show(args: argparse.Namespace) -> int:
    wanted = args.id.strip().lower()
    statuses = _survey()
    found = [s for s in statuses if wanted and s.edit.id.startswith(wanted)]
    if not found:
        raise ReaderError(
            f"post-edit {args.id}", "no such post-edit (ids: `reader postedits list`)"
        )
    if len(found) > 1:
        ids = ", ".join(s.edit.id for s in found[:6])
        raise ReaderError(f"post-edit {args.id}", f"ambiguous, could be {ids}")
    (status,) = found
    edit, width = status.edit, output_width()
    state: str = status.state
    if state == "in use" and status.where != edit.doc_key:
        state += f" (its paragraph is in {status.where})"
    elif state == "orphaned":
        state += " (no known document has this paragraph's text)"
    elif state == "carried":
        state += f" (accepted for the corrected paragraph: {status.where})"
    fields = [
        ("id", edit.id),
        ("document", "stdin" if edit.doc_key == "-" else edit.doc_key),
        ("state", state),
        ("updated", _when(edit.updated)),
        ("paragraph", edit.paragraph_id),
    ]
    for name, value in fields:
        print("\n".join(wrap(f"{name + ':':<11}{value}", width, " " * 11)))
    for name, text in (
        ("source", edit.source or "(not recorded: saved by an older version)"),
        ("edit", edit.english),
    ):
        print(f"{name}:")
        print("\n".join(wrap("  " + text, width, "  ")))
    return 0


def say_earlier_edits(
    memory: TranslationMemory | None, doc: Document, file: str, what: str
) -> None:
    """For `export` and `translate`: post-edits of paragraphs corrected since are not used (they
    were written for another text); say how many, so none is left unnoticed."""
    from reader.translation.earlier_edits import earlier_edits
    from reader.translation.pipeline import document_key

    if memory is None:
        return
    count = len(earlier_edits(memory, document_key(doc), doc))
    if count:
        text = (
            f"reader: {file}: {count} changed paragraph{'s have' if count > 1 else ' has'} a "
            f"post-edit of an earlier version, not {what}: accept it in the reader (A); "
            "see `reader postedits list`"
        )
        print("\n".join(wrap(text, output_width(), "  ")), file=sys.stderr)
