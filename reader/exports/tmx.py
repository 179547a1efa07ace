"""TMX 1.4b export: the aligned text as a translation memory for CAT tools (OmegaT, Trados,
memoQ).

Guarantees:
- Valid against the TMX 1.4 DTD (tests/data/tmx14.dtd): `<header>` names the creation tool and
  version, `srclang` is `zh-CN` (`zh-TW` for a Traditional source), `segtype="sentence"`.
- One `<tu>` per sentence pair where the translation is aligned by sentence (machine output),
  one per paragraph otherwise (a post-edit, `segtype="paragraph"` on the unit).
- Each unit says where it came from: `<prop type="x-status">` is `machine` or `post-edited`,
  `<prop type="x-engine">` the engine. A flagged sentence (reader.translation.results:
  degenerate output, placeholder remnants, a reply that is not English) is `flagged`, with
  `<prop type="x-flag">` giving the reason, so a CAT tool can keep it out of a memory; with
  `skip_flagged` it is not written at all. Units whose English is empty, or that have no Han
  characters (numbers, Latin text passed through), are left out; an identical pair is written
  once, as a memory holds it once.
- Same conventions as the glossary's TBX export: UTF-8, the tool named `reader`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from reader.documents.document import Document
from reader.exports.common import (
    TOOL,
    TOOL_VERSION,
    ExportInfo,
    flag_title,
    xml_safe,
    zh_locale,
)
from reader.han import has_han
from reader.translation.pipeline import ParagraphTranslation
from reader.translation.results import Flag

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def export_tmx(
    doc: Document,
    translations: Mapping[str, ParagraphTranslation],
    info: ExportInfo,
    *,
    skip_flagged: bool = False,
) -> str:
    from lxml import etree  # lxml: ~15 ms, already loaded by document formats

    srclang = zh_locale(doc)
    stamp = info.date.strftime("%Y%m%dT000000Z")
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool=TOOL,
        creationtoolversion=TOOL_VERSION,
        segtype="sentence",
        **{"o-tmf": TOOL},
        adminlang="en",
        srclang=srclang,
        datatype="plaintext",
        creationdate=stamp,
    )
    body = etree.SubElement(root, "body")
    seen: set[tuple[str, str, str]] = set()
    for zh, en, tr, aligned, flags in _pairs(doc, translations):
        status = "post-edited" if tr.human else "flagged" if flags else "machine"
        if (zh, en, status) in seen or (flags and skip_flagged):
            continue
        seen.add((zh, en, status))
        tu = etree.SubElement(body, "tu", creationdate=stamp)
        if not aligned:
            tu.set("segtype", "paragraph")
        etree.SubElement(tu, "prop", type="x-status").text = status
        if flags:
            etree.SubElement(tu, "prop", type="x-flag").text = xml_safe(flag_title(flags))
        etree.SubElement(tu, "prop", type="x-engine").text = tr.engine
        for lang, text in ((srclang, zh), ("en", en)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = text
    etree.indent(root, space="  ")
    xml = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{DOCTYPE}\n{xml}\n'


def _pairs(
    doc: Document, translations: Mapping[str, ParagraphTranslation]
) -> Iterator[tuple[str, str, ParagraphTranslation, bool, list[Flag]]]:
    """(Chinese, English, translation, aligned by sentence, the unit's flags) for every unit
    worth keeping."""
    for para in doc.paragraphs:
        tr = translations.get(para.id)
        if tr is None:
            continue
        if tr.sentences and not tr.human:
            spans = [
                (para.text[a:b], tr.text[c:d], True, [f for f in tr.flagged if f.sentence == n])
                for n, (a, b, c, d) in enumerate(tr.sentences)
            ]
        else:
            spans = [(para.text, tr.text, False, [] if tr.human else tr.flagged)]
        for zh, en, aligned, flags in spans:
            zh, en = xml_safe(zh.strip()), xml_safe(en.strip())
            if zh and en and has_han(zh):
                yield zh, en, tr, aligned, flags
