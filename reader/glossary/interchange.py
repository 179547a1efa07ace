"""Glossary interchange: import from and export to other tools' formats.

Formats:
- `babeldoc`: BabelDOC / Immersive Translate CSV, header `source,target,tgt_lng`.
- `omegat`: OmegaT glossary, UTF-8 TSV `source<TAB>target<TAB>comment`, `#` lines are comments.
- `tbx`: TBX-Basic XML, one `termEntry` per entry with `langSet xml:lang="zh"` / `"en"`. The
  first term of each language is the term and its rendering; further zh terms are variants,
  further en terms are accepted renderings, en terms marked `deprecatedTerm-admn-sts` are
  forbidden; `note` and `subjectField` carry the note and category.
- `csv`: reader's own glossary.csv (header with `zh`,`en`); a CSV with a `source`,`target`
  header (what `export --format csv` writes) is read as `babeldoc`, so export and import agree.

Guarantees: importing what `export_entries` wrote gives back the same entries for the fields
the format can carry (zh, en and note for all; everything for `csv` and most for `tbx`).
Merging never overwrites an existing entry unless asked to.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import ReaderError
from reader.glossary.file import Entry, Glossary

IMPORT_FORMATS = ("auto", "babeldoc", "omegat", "tbx", "csv")
EXPORT_FORMATS = ("csv", "tsv", "tbx")  # csv = BabelDOC CSV, tsv = OmegaT
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(slots=True)
class MergeReport:
    added: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    existing: list[Entry] = field(default_factory=list)  # already present, left alone


def detect_format(path: Path, text: str) -> str:
    """Guess the format from the extension and first line."""
    suffix = path.suffix.lower()
    stripped = text.lstrip("\ufeff").lstrip()
    if suffix in (".tbx", ".xml") or stripped.startswith("<"):
        return "tbx"
    first = next((ln for ln in stripped.splitlines() if not ln.startswith("#")), "")
    if suffix in (".tsv", ".utf8", ".tab") or ("\t" in first and "," not in first):
        return "omegat"
    names = [c.strip().lower() for c in next(csv.reader([first]), [])]
    if "source" in names and "target" in names:
        return "babeldoc"
    if "zh" in names and "en" in names:
        return "csv"
    raise ReaderError(
        path, "cannot tell the glossary format; give --format babeldoc, omegat, tbx or csv"
    )


def import_entries(path: str | Path, fmt: str = "auto") -> list[Entry]:
    """Read entries from `path` in `fmt` (or the detected format)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReaderError(path, f"cannot read: {error.strerror}") from None
    text = data.decode("utf-8-sig", errors="replace")
    if fmt == "auto":
        fmt = detect_format(path, text)
    if fmt == "babeldoc":
        try:
            return _read_babeldoc(path, text)
        except csv.Error as error:  # e.g. a bare carriage return inside a field
            raise ReaderError(path, f"not a valid CSV file: {error}") from None
    if fmt == "omegat":
        return _read_omegat(text)
    if fmt == "tbx":
        return _read_tbx(path, data)
    if fmt == "csv":
        return _read_csv(path, text)
    raise ReaderError(path, f"unknown glossary format {fmt!r}")


def _read_csv(path: Path, text: str) -> list[Entry]:
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    names = [c.strip().lower() for c in next(csv.reader([first]), [])]
    if "source" in names and "target" in names and "zh" not in names:
        return _read_babeldoc(path, text)
    if "zh" not in names or "en" not in names:
        raise ReaderError(path, "not a glossary CSV: the header needs zh,en (or source,target)")
    return Glossary.from_text(text, path).entries


def _read_babeldoc(path: Path, text: str) -> list[Entry]:
    rows = csv.DictReader(io.StringIO(text))
    names = {(n or "").strip().lower(): n for n in rows.fieldnames or []}
    if "source" not in names or "target" not in names:
        raise ReaderError(path, "not a BabelDOC CSV: the header needs source and target")
    entries = []
    for row in rows:
        zh = (row.get(names["source"]) or "").strip()
        en = (row.get(names["target"]) or "").strip()
        lang = (row.get(names.get("tgt_lng", ""), "") or "").strip().lower()
        if zh and en and (not lang or lang.startswith("en")):
            entries.append(Entry(zh, en))
    return entries


def _read_omegat(text: str) -> list[Entry]:
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) >= 2 and parts[0] and parts[1]:
            entries.append(Entry(parts[0], parts[1], note=parts[2] if len(parts) > 2 else ""))
    return entries


def _read_tbx(path: Path, data: bytes) -> list[Entry]:
    import xml.etree.ElementTree as ET  # stdlib; does not fetch external entities

    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise ReaderError(path, f"not valid TBX/XML: {error}", line=error.position[0]) from None
    entries = []
    for term_entry in root.iter():
        if _local(term_entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        zh_terms: list[str] = []
        en_terms: list[str] = []
        forbidden: list[str] = []
        notes: list[str] = []
        category = ""
        for child in term_entry.iter():
            name = _local(child.tag)
            if name == "note" and (text := (child.text or "").strip()):
                notes.append(text)
            elif name == "descrip" and child.get("type") == "subjectField":
                category = (child.text or "").strip()
        for lang_set in term_entry:
            if _local(lang_set.tag) != "langSet":
                continue
            lang = (lang_set.get(_XML_LANG) or lang_set.get("lang") or "").lower()
            for tig in lang_set:
                term = next((c for c in tig.iter() if _local(c.tag) == "term"), None)
                if term is None or not (term.text or "").strip():
                    continue
                status = next(
                    (
                        (c.text or "").strip()
                        for c in tig.iter()
                        if _local(c.tag) == "termNote" and c.get("type") == "administrativeStatus"
                    ),
                    "",
                )
                value = (term.text or "").strip()
                if lang.startswith("zh"):
                    zh_terms.append(value)
                elif lang.startswith("en"):
                    (forbidden if status.startswith("deprecated") else en_terms).append(value)
        if zh_terms and en_terms:
            entries.append(
                Entry(
                    zh_terms[0],
                    en_terms[0],
                    variants=zh_terms[1:],
                    accept=en_terms[1:],
                    forbidden=forbidden,
                    note=" ".join(notes),
                    category=category,
                )
            )
    return entries


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def export_entries(entries: list[Entry], fmt: str) -> str:
    """`entries` as text in `fmt`: csv (BabelDOC), tsv (OmegaT) or tbx."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["source", "target", "tgt_lng"])
        for e in entries:
            writer.writerow([e.zh, e.en, "en"])
        return buffer.getvalue()
    if fmt == "tsv":
        return "".join(
            f"{_tsv(e.zh)}\t{_tsv(e.en)}\t{_tsv(e.note)}\n".replace("\t\n", "\n") for e in entries
        )
    if fmt == "tbx":
        return _write_tbx(entries)
    raise ReaderError("export", f"unknown format {fmt!r}; use csv, tsv or tbx")


def _tsv(value: str) -> str:
    return " ".join(value.replace("\t", " ").split())


def _write_tbx(entries: list[Entry]) -> str:
    import xml.etree.ElementTree as ET

    root = ET.Element("martif", {"type": "TBX-Basic", _XML_LANG: "en"})
    header = ET.SubElement(root, "martifHeader")
    file_desc = ET.SubElement(header, "fileDesc")
    ET.SubElement(ET.SubElement(file_desc, "sourceDesc"), "p").text = "exported by reader"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for number, e in enumerate(entries, 1):
        term_entry = ET.SubElement(body, "termEntry", {"id": f"t{number}"})
        if e.category:
            ET.SubElement(term_entry, "descrip", {"type": "subjectField"}).text = e.category
        if e.note:
            ET.SubElement(term_entry, "note").text = e.note
        zh = ET.SubElement(term_entry, "langSet", {_XML_LANG: "zh"})
        for term in [e.zh, *e.variants]:
            _tig(zh, term, "")
        en = ET.SubElement(term_entry, "langSet", {_XML_LANG: "en"})
        _tig(en, e.en, "preferredTerm-admn-sts")
        for term in e.accept:
            _tig(en, term, "admittedTerm-admn-sts")
        for term in e.forbidden:
            _tig(en, term, "deprecatedTerm-admn-sts")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _tig(parent: object, term: str, status: str) -> None:
    import xml.etree.ElementTree as ET

    tig = ET.SubElement(parent, "tig")  # type: ignore[arg-type]
    ET.SubElement(tig, "term").text = term
    if status:
        ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status


def merge(glossary: Glossary, entries: list[Entry], *, overwrite: bool = False) -> MergeReport:
    """Add new entries; an entry whose term is already there is reported, or replaced with
    `overwrite` (its extra columns and position kept)."""
    report = MergeReport()
    for entry in entries:
        existing = glossary.find(entry.zh)
        owner = existing or glossary.find(entry.zh, variants=True)
        if owner is not None and existing is None:
            report.existing.append(owner)  # a variant of an entry: never replace that entry
        elif existing is None:
            report.added.append(glossary.add(entry))
        elif overwrite:
            changes = {
                "en": entry.en,
                "variants": entry.variants or existing.variants,
                "accept": entry.accept or existing.accept,
                "forbidden": entry.forbidden or existing.forbidden,
                "note": entry.note or existing.note,
                "category": entry.category or existing.category,
            }
            if all(getattr(existing, k) == v for k, v in changes.items()):
                report.existing.append(existing)  # nothing to replace
            else:
                report.updated.append(glossary.update(existing.zh, **changes))
        else:
            report.existing.append(existing)
    return report
