"""Glossary interchange: import from and export to other tools' formats.

Formats, and what each holds of a glossary.csv row:
- `csv`: BabelDOC / Immersive Translate CSV, header `source,target,tgt_lng`. Those tools read
  only these three columns (by name), so the other columns ride along after them: `accept`,
  `forbidden`, `note`, `category`, `priority`, `dnt`, `exclude`, and each variant is a row of
  its own (`variant,target,en`) so the tools match it too, marked by `variant_of` = the term.
  Only the columns some entry uses are written. Unknown (extra) columns are not kept.
- `tsv`: OmegaT glossary, UTF-8 TSV `source<TAB>target<TAB>comment`, `#` lines are comments.
  The comment is the note; each accepted rendering is a line of its own (`term<TAB>accepted
  <TAB>accepted rendering`) and so is each variant (`variant<TAB>en<TAB>variant of TERM`), which
  OmegaT shows as further renderings and matches. It cannot hold forbidden renderings, the
  category, priority, dnt, exclude or extra columns.
- `tbx`: TBX-Basic, TBX v3 (ISO 30042:2019) DCA style: `<tbx type="TBX-Basic" style="dca">`,
  one `conceptEntry` per entry with a `langSec` per language and a `termSec` per term. The zh
  term is `preferredTerm-admn-sts`, variants `admittedTerm-admn-sts`; in English the rendering is
  preferred, accepted renderings admitted, forbidden ones `deprecatedTerm-admn-sts`; the category
  is `descrip type="subjectField"` and the note a `note`. TBX-Basic has no data category for
  priority, dnt or exclude, so they are `note`s of a fixed form, `reader priority: 2`,
  `reader dnt: yes`, `reader exclude: 实事求是|…`, read back as such. Extra columns are not kept.
  Import also reads TBX v2 (`martif`, `termEntry`/`langSet`/`tig`).
- import only: `babeldoc` is `csv` above; `csv` is reader's own glossary.csv (header with `zh`,
  `en`); a CSV with a `source`,`target` header (what `export --format csv` writes) is read as
  `babeldoc`, so export and import agree.

Guarantees: importing what `export_entries` wrote gives back the same entries for the columns
the format holds (every column but extras for `csv` and `tbx`); `left_out` says which columns in
use a format cannot hold. Merging never overwrites an existing entry unless asked to.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.glossary.file import (
    TRUE_WORDS,
    Entry,
    Glossary,
    format_value,
    simplify,
    split_list,
)

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

IMPORT_FORMATS = ("auto", "babeldoc", "omegat", "tbx", "csv")
EXPORT_FORMATS = ("csv", "tsv", "tbx")  # csv = BabelDOC CSV, tsv = OmegaT
FORMAT_NAMES = {"csv": "csv (BabelDOC)", "tsv": "tsv (OmegaT)", "tbx": "tbx (TBX-Basic)"}
# the glossary.csv columns (beyond zh and en) each export format holds
HOLDS = {
    "csv": ("variants", "accept", "forbidden", "note", "category", "priority", "dnt", "exclude"),
    "tsv": ("variants", "accept", "note"),
    "tbx": ("variants", "accept", "forbidden", "note", "category", "priority", "dnt", "exclude"),
}
_OPTIONAL = ("variants", "accept", "forbidden", "note", "category", "priority", "dnt", "exclude")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"  # TBX v3 (ISO 30042:2019) keeps the ed-2 URI
_PREFERRED, _ADMITTED, _DEPRECATED = (
    "preferredTerm-admn-sts",
    "admittedTerm-admn-sts",
    "deprecatedTerm-admn-sts",
)
_READER_NOTE = re.compile(r"reader (priority|dnt|exclude): (.*)", re.DOTALL)
_ACCEPTED_COMMENT = "accepted rendering"  # OmegaT comment of an accepted rendering's line
_VARIANT_COMMENT = "variant of "  # OmegaT comment of a variant's line, then the term


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

    def cell(row: dict[str, str], name: str) -> str:
        return (row.get(names[name], "") or "").strip() if name in names else ""

    entries: list[Entry] = []
    for row in rows:
        zh, en, lang = cell(row, "source"), cell(row, "target"), cell(row, "tgt_lng").lower()
        if not zh or not en or (lang and not lang.startswith("en")):
            continue
        owner, variants = cell(row, "variant_of"), []
        if owner:
            if _add_variant(entries, owner, zh):
                continue
            zh, variants = owner, [zh]  # the term's own row is missing: keep the variant
        priority = cell(row, "priority")
        entries.append(
            Entry(
                zh,
                en,
                accept=split_list(cell(row, "accept")),
                forbidden=split_list(cell(row, "forbidden")),
                note=cell(row, "note"),
                category=cell(row, "category"),
                priority=int(priority) if re.fullmatch(r"-?\d+", priority) else 0,
                dnt=cell(row, "dnt").lower() in TRUE_WORDS,
                exclude=split_list(cell(row, "exclude")),
                variants=variants,
            )
        )
    return entries


def _find(entries: list[Entry], zh: str) -> Entry | None:
    key = simplify(zh)
    return next((e for e in reversed(entries) if e.key == key), None)


def _add_variant(entries: list[Entry], owner: str, variant: str) -> bool:
    """Append `variant` to the last entry for `owner`; False when there is none."""
    entry = _find(entries, owner)
    if entry is None:
        return False
    index = next(i for i, e in enumerate(entries) if e is entry)
    entries[index] = replace(entry, variants=[*entry.variants, variant])
    return True


def _read_omegat(text: str) -> list[Entry]:
    entries: list[Entry] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            continue
        zh, en, comment = parts[0], parts[1], parts[2] if len(parts) > 2 else ""
        if comment == _ACCEPTED_COMMENT and (entry := _find(entries, zh)) is not None:
            index = entries.index(entry)
            entries[index] = replace(entry, accept=[*entry.accept, en])
            continue
        if comment.startswith(_VARIANT_COMMENT):
            owner = comment[len(_VARIANT_COMMENT) :].strip()
            if _add_variant(entries, owner, zh):
                continue
        entries.append(Entry(zh, en, note=comment))
    return entries


def _read_tbx(path: Path, data: bytes) -> list[Entry]:
    import xml.etree.ElementTree as ET  # stdlib; does not fetch external entities

    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise ReaderError(path, f"not valid TBX/XML: {error}", line=error.position[0]) from None
    entries = []
    for concept in root.iter():
        if _local(concept.tag) in ("termEntry", "conceptEntry"):
            entry = _read_concept(concept)
            if entry is not None:
                entries.append(entry)
    return entries


def _read_concept(concept: ET.Element) -> Entry | None:
    """One TBX concept (v3 conceptEntry/langSec/termSec or v2 termEntry/langSet/tig)."""
    zh_terms: list[tuple[str, str]] = []  # (term, administrative status)
    en_terms: list[tuple[str, str]] = []
    notes: list[str] = []
    own: dict[str, str] = {}  # reader's own columns, from `reader NAME: value` notes
    category = ""
    for child in concept.iter():
        name = _local(child.tag)
        text = (child.text or "").strip()
        if name == "note" and text:
            if match := _READER_NOTE.fullmatch(text):
                own[match[1]] = match[2].strip()
            else:
                notes.append(text)
        elif name == "descrip" and child.get("type") == "subjectField" and not category:
            category = text
    for lang_sec in concept:
        if _local(lang_sec.tag) not in ("langSec", "langSet"):
            continue
        lang = (lang_sec.get(_XML_LANG) or lang_sec.get("lang") or "").lower()
        terms = zh_terms if lang.startswith("zh") else en_terms if lang.startswith("en") else None
        if terms is None:
            continue
        for term_sec in lang_sec:
            if _local(term_sec.tag) not in ("termSec", "tig", "ntig"):
                continue
            term = next((c for c in term_sec.iter() if _local(c.tag) == "term"), None)
            if term is None or not (term.text or "").strip():
                continue
            status = next(
                (
                    (c.text or "").strip()
                    for c in term_sec.iter()
                    if _local(c.tag) == "termNote" and c.get("type") == "administrativeStatus"
                ),
                "",
            )
            terms.append(((term.text or "").strip(), status))
    zh = _preferred_first([t for t, _status in zh_terms], [s for _t, s in zh_terms])
    usable = [(t, s) for t, s in en_terms if not s.startswith(("deprecated", "superseded"))]
    en = _preferred_first([t for t, _s in usable], [s for _t, s in usable])
    if not zh or not en:
        return None
    priority = own.get("priority", "")
    return Entry(
        zh[0],
        en[0],
        variants=zh[1:],
        accept=en[1:],
        forbidden=[t for t, s in en_terms if s.startswith(("deprecated", "superseded"))],
        note=" ".join(notes),
        category=category,
        priority=int(priority) if re.fullmatch(r"-?\d+", priority) else 0,
        dnt=own.get("dnt", "").lower() in TRUE_WORDS,
        exclude=split_list(own.get("exclude", "")),
    )


def _preferred_first(terms: list[str], statuses: list[str]) -> list[str]:
    """`terms` with the first preferred one moved to the front (else the order as written)."""
    for index, status in enumerate(statuses):
        if status.startswith("preferred"):
            return [terms[index], *terms[:index], *terms[index + 1 :]]
    return terms


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def left_out(entries: Iterable[Entry], fmt: str) -> tuple[list[str], int]:
    """The columns some of `entries` use that `fmt` cannot hold (extra columns included), in
    glossary.csv column order, and how many entries lose something."""
    default = Entry("", "")
    held = HOLDS[fmt]
    columns: set[str] = set()
    losing = 0
    for entry in entries:
        lost = {n for n in _OPTIONAL if n not in held and getattr(entry, n) != getattr(default, n)}
        lost |= {name for name, value in entry.extra.items() if value.strip()}
        columns |= lost
        losing += bool(lost)
    order = {name: i for i, name in enumerate(_OPTIONAL)}
    return sorted(columns, key=lambda name: (order.get(name, len(order)), name)), losing


def export_entries(entries: list[Entry], fmt: str) -> str:
    """`entries` as text in `fmt`: csv (BabelDOC), tsv (OmegaT) or tbx (TBX-Basic v3)."""
    if fmt == "csv":
        return _write_babeldoc(entries)
    if fmt == "tsv":
        return "".join(_omegat_lines(e) for e in entries)
    if fmt == "tbx":
        return _write_tbx(entries)
    raise ReaderError("export", f"unknown format {fmt!r}; use csv, tsv or tbx")


def _cell(entry: Entry, name: str) -> str:
    return format_value(name, getattr(entry, name))


def _write_babeldoc(entries: list[Entry]) -> str:
    default = Entry("", "")
    used = [
        name
        for name in _OPTIONAL
        if name != "variants" and any(getattr(e, name) != getattr(default, name) for e in entries)
    ]
    variants = any(e.variants for e in entries)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["source", "target", "tgt_lng", *(["variant_of"] if variants else []), *used])
    for e in entries:
        writer.writerow(
            [e.zh, e.en, "en", *([""] if variants else []), *(_cell(e, n) for n in used)]
        )
        for variant in e.variants:
            writer.writerow([variant, e.en, "en", e.zh])
    return buffer.getvalue()


def _omegat_lines(entry: Entry) -> str:
    lines = [(entry.zh, entry.en, entry.note)]
    lines += [(entry.zh, accepted, _ACCEPTED_COMMENT) for accepted in entry.accept]
    lines += [(variant, entry.en, _VARIANT_COMMENT + entry.zh) for variant in entry.variants]
    return "".join("\t".join(_tsv(cell) for cell in line).rstrip("\t") + "\n" for line in lines)


def _tsv(value: str) -> str:
    return " ".join(value.replace("\t", " ").split())


# characters XML 1.0 cannot hold at all (C0 controls but tab, newline, carriage return)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _write_tbx(entries: list[Entry]) -> str:
    import xml.etree.ElementTree as ET

    ET.register_namespace("", TBX_NAMESPACE)
    ns = "{" + TBX_NAMESPACE + "}"

    def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, ns + tag, attrs)
        if text:
            element.text = _NOT_XML.sub("", text)
        return element

    root = ET.Element(ns + "tbx", {"type": "TBX-Basic", "style": "dca", _XML_LANG: "zh"})
    file_desc = sub(sub(root, "tbxHeader"), "fileDesc")
    sub(sub(file_desc, "sourceDesc"), "p", "exported by reader from its glossary.csv")
    body = sub(sub(root, "text"), "body")
    for number, e in enumerate(entries, 1):
        concept = sub(body, "conceptEntry", id=f"c{number}")
        if e.category:
            sub(concept, "descrip", e.category, type="subjectField")
        if e.note:
            sub(concept, "note", e.note)
        for name in ("priority", "dnt", "exclude"):
            if value := _cell(e, name):
                sub(concept, "note", f"reader {name}: {'yes' if name == 'dnt' else value}")
        zh = sub(concept, "langSec", **{_XML_LANG: "zh"})
        for term, status in [(e.zh, _PREFERRED), *((v, _ADMITTED) for v in e.variants)]:
            _term_sec(sub, zh, term, status)
        en = sub(concept, "langSec", **{_XML_LANG: "en"})
        _term_sec(sub, en, e.en, _PREFERRED)
        for term in e.accept:
            _term_sec(sub, en, term, _ADMITTED)
        for term in e.forbidden:
            _term_sec(sub, en, term, _DEPRECATED)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _term_sec(sub: Callable[..., ET.Element], parent: ET.Element, term: str, status: str) -> None:
    term_sec = sub(parent, "termSec")
    sub(term_sec, "term", term)
    sub(term_sec, "termNote", status, type="administrativeStatus")


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
