"""Bilingual Markdown export.

Two layouts: `table` (one row per paragraph, Chinese | English, pipes and newlines escaped so
GitHub renders it) and `interleaved` (each Chinese paragraph followed by its English as a
blockquote). A header names the source, encoding, script, engine and date; glossary terms are
marked in bold in both languages, and an appendix lists every term found with its rendering,
count and what the translation did with it. Lines dropped by cleaning are listed at the end so
a wrong guess is visible. The result is a string; `write_export` writes it atomically.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from reader.atomic import write_text_atomic
from reader.documents.document import Document, Paragraph
from reader.translation.pipeline import ParagraphTranslation, TermOccurrence

LAYOUTS = ("table", "interleaved")
STATUSES = ("applied", "repaired", "missing", "forbidden")


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
            zh, en = _marked_pair(para, translations.get(para.id))
            if para.kind == "heading":
                zh, en = f"**{zh}**" if zh else zh, f"**{en}**" if en else en
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
        out += [f"| {d.line} | {_cell(d.reason)} | {_cell(d.text)} |" for d in doc.dropped]
    return "\n".join(out).rstrip("\n") + "\n"


def write_export(text: str, path: str | Path) -> Path:
    path = Path(path)
    write_text_atomic(path, text)
    return path


def default_output_path(source: str) -> Path:
    """`news.txt` → `news.bilingual.md` beside the source; stdin → `stdin.bilingual.md`."""
    if source == "-":
        return Path("stdin.bilingual.md")
    src = Path(source)
    return src.with_name(src.stem + ".bilingual.md")


def _header(doc: Document, engine_name: str, date: _dt.date) -> list[str]:
    title = doc.title or (Path(doc.source).name if doc.source != "-" else "standard input")
    lines = [f"# {title}", ""]
    rows = [
        ("Source", "standard input" if doc.source == "-" else Path(doc.source).name),
        ("Encoding", doc.encoding),
        ("Script", doc.script),
        ("Engine", engine_name or "none"),
        ("Date", date.isoformat()),
    ]
    lines += [f"- **{key}:** {value}" for key, value in rows]
    lines += [f"- **Warning:** {w}" for w in doc.warnings]
    return lines


def _marked_pair(para: Paragraph, tr: ParagraphTranslation | None) -> tuple[str, str]:
    """Chinese and English with glossary terms in bold; the English says when it is human."""
    if tr is None:
        return para.text, ""
    zh = _bold_spans(para.text, [(t.start, t.end) for t in tr.terms])
    en = _bold_spans(tr.text, [(t.en_start, t.en_end) for t in tr.terms if t.en_start >= 0])
    if tr.human:
        en += " *(edited)*"
    return zh, en


def _bold_spans(text: str, spans: list[tuple[int, int]]) -> str:
    runs: list[list[int]] = []
    for start, end in sorted(set(spans)):
        if (runs and start < runs[-1][1]) or end <= start or end > len(text):
            continue  # overlapping or stale span: leave the text unmarked rather than garble it
        if runs and start == runs[-1][1]:
            runs[-1][1] = end  # adjacent terms: one bold run, since `****` breaks Markdown
        else:
            runs.append([start, end])
    out, pos = [], 0
    for start, end in runs:
        out += [text[pos:start], "**", text[start:end], "**"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _blockquote(text: str) -> str:
    if not text:
        return "> *(not translated)*"
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def _glossary_appendix(
    doc: Document, translations: Mapping[str, ParagraphTranslation]
) -> list[str]:
    occurrences: list[TermOccurrence] = [
        t for p in doc.paragraphs if (tr := translations.get(p.id)) for t in tr.terms
    ]
    if not occurrences:
        return []
    counts: Counter[str] = Counter(t.zh for t in occurrences)
    rendering = {t.zh: t.en for t in occurrences}
    by_status: dict[str, Counter[str]] = {s: Counter() for s in STATUSES}
    for t in occurrences:
        if t.status in by_status:
            by_status[t.status][t.zh] += 1
    lines = ["", "## Glossary terms", ""]
    lines += ["| Term | Rendering | Count | " + " | ".join(s.capitalize() for s in STATUSES) + " |"]
    lines += ["| --- | --- | --- |" + " --- |" * len(STATUSES)]
    for zh, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        statuses = " | ".join(str(by_status[s][zh]) for s in STATUSES)
        lines.append(f"| {_cell(zh)} | {_cell(rendering[zh])} | {count} | {statuses} |")
    return lines
