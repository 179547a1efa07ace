"""Bilingual Markdown export.

Two layouts: `table` (one row per paragraph, Chinese | English, pipes and newlines escaped so
GitHub renders it) and `interleaved` (each Chinese paragraph followed by its English as a
blockquote). A header names the source, encoding, script, engine and date; glossary terms are
marked in bold in both languages, and an appendix lists every term found with its rendering,
count and what the translation did with it. Lines dropped by cleaning are listed at the end so
a wrong guess is visible. A flagged English paragraph (reader.translation.results: degenerate
output, placeholder remnants, a reply that is not English) ends in
`<span class="reader-flagged" title="REASON">⚠ flagged: REASON</span>`: the reason visible
also where HTML is stripped. The result is a string.

Bold marks render in every CommonMark renderer: `**` next to punctuation only counts when the
other side is whitespace or punctuation too (CommonMark's flanking rules), so `行**“零报告”制度**`
would show literal asterisks; a mark moves inside such punctuation (`行“**零报告”制度**`).
Asterisks in the text itself are escaped so they cannot pair with a mark.
"""

from __future__ import annotations

import datetime as _dt
import html
import unicodedata
from collections.abc import Mapping

from reader.documents.document import Document, Paragraph
from reader.exports.common import (
    FLAG_CLASS,
    FLAG_MARK,
    STATUSES,
    document_title,
    flag_title,
    source_name,
    term_summary,
)
from reader.translation.pipeline import ParagraphTranslation

LAYOUTS = ("table", "interleaved")


def export_markdown(
    doc: Document,
    translations: Mapping[str, ParagraphTranslation],
    *,
    layout: str = "table",
    engine_name: str = "",
    date: _dt.date | None = None,
    show_dropped: bool = True,
) -> str:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    out: list[str] = [*_header(doc, engine_name, date or _dt.date.today()), ""]
    if layout == "table":
        out += ["| 中文 | English |", "| --- | --- |"]
        for para in doc.paragraphs:
            zh, en = _marked_pair(para, translations.get(para.id), whole=para.kind == "heading")
            out.append(f"| {_cell(zh)} | {_cell(en)} |")
    else:
        for para in doc.paragraphs:
            zh, en = _marked_pair(para, translations.get(para.id))
            if para.kind == "heading":
                level = "#" * min(max(para.level, 1) + 1, 6)
                out += [f"{level} {zh}", ""]
            elif para.kind == "list_item":
                out += [f"- {zh}", ""]
            else:
                out += [zh, ""]
            out += [_blockquote(en), ""]
    out += _glossary_appendix(doc, translations)
    if show_dropped and doc.dropped:
        out += ["", "## Lines dropped by cleaning", ""]
        out += ["| Line | Reason | Text |", "| --- | --- | --- |"]
        out += [
            f"| {d.line} | {_cell(_escape(d.reason))} | {_cell(_escape(d.text))} |"
            for d in doc.dropped
        ]
    return "\n".join(out).rstrip("\n") + "\n"


def _header(doc: Document, engine_name: str, date: _dt.date) -> list[str]:
    lines = [f"# {_escape(document_title(doc))}", ""]
    rows = [
        ("Source", source_name(doc)),
        ("Encoding", doc.encoding),
        ("Script", doc.script),
        ("Engine", engine_name or "none"),
        ("Date", date.isoformat()),
    ]
    lines += [f"- **{key}:** {value}" for key, value in rows]
    lines += [f"- **Warning:** {w}" for w in doc.warnings]
    return lines


def _marked_pair(
    para: Paragraph, tr: ParagraphTranslation | None, *, whole: bool = False
) -> tuple[str, str]:
    """Chinese and English with glossary terms in bold (all of it with `whole`, for headings
    in a table); the English says when it is human."""
    if tr is None:
        return _bold(para.text, [(0, len(para.text))] if whole else []), ""
    zh_spans = [(t.start, t.end) for t in tr.terms]
    en_spans = [(t.en_start, t.en_end) for t in tr.terms if t.en_start >= 0]
    if whole:
        zh_spans, en_spans = [(0, len(para.text))], [(0, len(tr.text))]
    zh, en = _bold(para.text, zh_spans), _bold(tr.text, en_spans)
    if tr.human:
        en += " *(edited)*"
    if tr.flagged:
        reason = html.escape(_escape(flag_title(tr.flagged)))
        where = ", ".join(str(f.sentence + 1) for f in tr.flagged if f.sentence >= 0)
        said = f"sentence {where}: {reason}" if where else reason
        en += f' <span class="{FLAG_CLASS}" title="{reason}">{FLAG_MARK} flagged ({said})</span>'
    return zh, en


def _bold(text: str, spans: list[tuple[int, int]]) -> str:
    runs: list[list[int]] = []
    for start, end in sorted(set(spans)):
        if start < 0 or end <= start or end > len(text):
            continue  # stale span: leave the text unmarked rather than garble it
        if runs and start <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], end)  # adjacent terms: one run, `****` breaks Markdown
        else:
            runs.append([start, end])
    out, pos = [], 0
    for start, end in runs:
        start, end = _flanking(text, start, end)
        if start >= end:
            continue
        out += [_escape(text[pos:start]), "**", _escape(text[start:end]), "**"]
        pos = end
    out.append(_escape(text[pos:]))
    return "".join(out)


def _flanking(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) until `**` before and after it are an opener and a closer."""
    while start < end and (
        _space(text[start]) or (_punct(text[start]) and not _space_or_punct(text, start - 1))
    ):
        start += 1
    while end > start and (
        _space(text[end - 1]) or (_punct(text[end - 1]) and not _space_or_punct(text, end))
    ):
        end -= 1
    return start, end


def _space(char: str) -> bool:
    return char.isspace()


def _punct(char: str) -> bool:
    # CommonMark 0.31 counts Unicode punctuation (P*) and symbols (S*) alike
    return unicodedata.category(char)[0] in "PS"


def _space_or_punct(text: str, i: int) -> bool:
    """Whether position i (may be outside the text: a line edge) is whitespace or punctuation."""
    return i < 0 or i >= len(text) or _space(text[i]) or _punct(text[i])


def _escape(text: str) -> str:
    """Backslashes and asterisks of the text itself, so they cannot pair with a mark."""
    return text.replace("\\", "\\\\").replace("*", "\\*")


def _cell(text: str) -> str:
    """A table cell: `text` already Markdown (escaped or marked)."""
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _blockquote(text: str) -> str:
    if not text:
        return "> *(not translated)*"
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def _glossary_appendix(
    doc: Document, translations: Mapping[str, ParagraphTranslation]
) -> list[str]:
    rows = term_summary(doc, translations)
    if not rows:
        return []
    lines = ["", "## Glossary terms", ""]
    lines += ["| Term | Rendering | Count | " + " | ".join(s.capitalize() for s in STATUSES) + " |"]
    lines += ["| --- | --- | --- |" + " --- |" * len(STATUSES)]
    for row in rows:
        statuses = " | ".join(str(row.by_status[s]) for s in STATUSES)
        lines.append(
            f"| {_cell(_escape(row.zh))} | {_cell(_escape(row.en))} | {row.count} | {statuses} |"
        )
    return lines
