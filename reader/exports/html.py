"""Bilingual HTML export: one self-contained page, Chinese beside English.

Guarantees:
- One file, no network: the stylesheet and one short script are inline, fonts are the
  reader's own.
- Sentence pairs: each sentence on both sides is a `<span class="s" data-s="P.S">`
  (paragraph and sentence, 1-based; `data-s="P"` for a post-edited paragraph, which is one
  unit, see `reader.translation.alignment`). Hovering or focusing (Tab) a sentence highlights
  it and its pair; the script only adds and removes a class (and makes sentences focusable),
  so without it the page reads exactly as before.
- Side by side on wide screens, stacked below 48rem (CSS grid and a media query); a print
  stylesheet keeps each pair on one page and drops colours for underlines.
- A flagged sentence (degenerate output, placeholder remnants, a reply that is not English) is
  `<span class="s reader-flagged" title="REASON">` followed by a visible `⚠` mark with the
  same title; a paragraph shown as one unit is flagged as a whole.
- Glossary terms are `<b class="term STATUS" title="term → rendering (status: meaning)">` in
  both columns; every Chinese element has `lang="zh-Hans"` or `"zh-Hant"`, English `lang="en"`.
- Polyglot markup: valid HTML5 and well-formed XHTML at once (the tests check it with the
  HTML5 schema epubcheck carries), so the same builders serve the EPUB chapters.
- The header names the source, encoding, script, engine and date; the term table and the lines
  cleaning dropped close the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reader.documents.document import Document, Paragraph
from reader.exports.common import (
    FLAG_CLASS,
    FLAG_MARK,
    STATUS_MEANING,
    STATUSES,
    TOOL,
    TOOL_VERSION,
    ExportInfo,
    TermRow,
    document_title,
    flag_title,
    source_name,
    term_spans,
    term_summary,
    term_tooltip,
    xml_safe,
    zh_lang,
)
from reader.han import has_han
from reader.translation.alignment import sentence_pairs
from reader.translation.pipeline import ParagraphTranslation, TermOccurrence

if TYPE_CHECKING:
    from lxml.builder import ElementMaker
    from lxml.etree import _Element

XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NOT_TRANSLATED = "(not translated)"

# No `<`, `>` or `&` in the CSS: the page is serialized as XML, where they would be escaped.
CSS = """\
:root { --applied: #1a7f37; --repaired: #0969da; --missing: #9a6700; --forbidden: #cf222e;
  --found: #6e7781; --rule: #d0d7de; }
body { margin: 0 auto; max-width: 84rem; padding: 1rem 1.5rem 3rem; color: #1f2328;
  background: #fff; font: 1rem/1.65 system-ui, -apple-system, "Segoe UI", sans-serif;
  overflow-wrap: anywhere; }
:lang(zh-Hans) { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", sans-serif; line-height: 1.85; }
:lang(zh-Hant) { font-family: "Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC",
  "Microsoft JhengHei", sans-serif; line-height: 1.85; }
header { border-bottom: 2px solid var(--rule); margin-bottom: 1rem; }
header h1 { font-size: 1.6rem; margin: .5rem 0; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; margin: .5rem 0; }
header dt { font-weight: 600; }
header dd { margin: 0; }
.legend b { margin-right: .6rem; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0 2.5rem; padding: .45rem 0;
  border-top: 1px solid #eaeef2; }
.pair .zh, .pair .en { margin: 0; }
.pair h2, .pair h3, .pair h4, .pair h5, .pair h6 { font-size: 1.2rem; margin: .6rem 0 0; }
.en { color: #32383f; }
.en.untranslated { color: var(--found); font-style: italic; }
.edited { color: var(--repaired); font-size: .85em; font-style: italic; }
.item .zh::before, .item .en::before { content: "• "; }
b.term { font-weight: 600; border-bottom: 2px solid var(--found); }
b.applied { border-bottom-color: var(--applied); }
b.repaired { border-bottom-color: var(--repaired); }
b.missing { border-bottom: 2px dashed var(--missing); }
b.forbidden { border-bottom: 2px dashed var(--forbidden); color: var(--forbidden); }
section { margin-top: 2rem; overflow-x: auto; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--rule); padding: .2rem .6rem; text-align: left;
  vertical-align: top; }
th { overflow-wrap: normal; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.s.pair-hl { background: #fff1a8; border-radius: .2rem; }
.s:focus { outline: 2px solid var(--repaired); outline-offset: 1px; }
.reader-flagged { text-decoration: underline wavy var(--forbidden); }
.flag-mark { color: var(--forbidden); font-weight: 600; margin-left: .15em; cursor: help; }
@media (max-width: 48rem) {
  body { padding: .5rem .8rem 2rem; }
  .pair { grid-template-columns: 1fr; }
  .pair .en { margin-top: .2rem; padding-left: .7rem; border-left: 3px solid var(--rule); }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; color: #000; }
  .pair { break-inside: avoid; border-top-color: #bbb; }
  .en, .en.untranslated, .edited, b.forbidden { color: #000; }
  b.term { border-bottom-color: #000; }
  .s.pair-hl { background: none; }
  .reader-flagged { text-decoration-color: #000; }
  .flag-mark { color: #000; }
  section { break-before: page; }
}
"""


# Sentence pairs: hover or focus a sentence, it and its pair (same data-s) get `pair-hl`.
# Event delegation, so 20k sentences cost two listeners; no `<`, `>` or `&` (serialized as XML).
SCRIPT = """\
(function () {
  var lit = [];
  function show(event) {
    var s = event.target.closest ? event.target.closest("[data-s]") : null;
    lit.forEach(function (e) { e.classList.remove("pair-hl"); });
    lit = s ? Array.prototype.slice.call(
      document.querySelectorAll('[data-s="' + s.getAttribute("data-s") + '"]')) : [];
    lit.forEach(function (e) { e.classList.add("pair-hl"); });
  }
  document.querySelectorAll("[data-s]").forEach(function (e) { e.tabIndex = 0; });
  document.addEventListener("mouseover", show);
  document.addEventListener("focusin", show);
})();
"""


def export_html(
    doc: Document,
    translations: Mapping[str, ParagraphTranslation],
    info: ExportInfo,
    *,
    show_dropped: bool = True,
) -> str:
    from lxml import etree  # lxml: ~15 ms, already loaded by document formats
    from lxml.builder import ElementMaker

    E = ElementMaker(namespace=XHTML, nsmap={None: XHTML})
    lang = zh_lang(doc)
    title = xml_safe(document_title(doc))
    body = E.body(_header(E, doc, info, lang))
    main = E.main(
        *[_pair(E, n, p, translations.get(p.id), lang) for n, p in enumerate(doc.paragraphs, 1)]
    )
    body.append(main)
    rows = term_summary(doc, translations)
    if rows:
        body.append(E.section(E.h2("Glossary terms"), term_table(E, rows), id="terms"))
    if show_dropped and doc.dropped:
        body.append(_dropped(E, doc, lang))
    head = E.head(
        E.meta(charset="utf-8"),
        E.meta(name="viewport", content="width=device-width, initial-scale=1"),
        E.meta(name="generator", content=f"{TOOL} {TOOL_VERSION}"),
        E.title(title),
        E.style(CSS),
    )
    body.append(E.script(SCRIPT))
    root = E.html(head, body, lang="en")
    block_lines(root)
    return "<!DOCTYPE html>\n" + str(etree.tostring(root, encoding="unicode")) + "\n"


_CONTAINERS = {"html", "head", "body", "header", "main", "section", "nav", "ol", "ul", "div"} | {
    "dl",
    "table",
    "thead",
    "tbody",
    "tr",
}
_BLOCKS = (
    _CONTAINERS
    | {"meta", "title", "style", "link", "h1", "h2", "h3", "h4", "h5", "h6"}
    | {
        "p",
        "li",
        "dt",
        "dd",
        "th",
        "td",
    }
)


def block_lines(root: _Element) -> None:
    """A line break after each block element, so a diff of two exports reads well; inline
    elements are left alone, since whitespace between two adjacent terms would show."""
    for element in root.iter():
        name = str(element.tag).rsplit("}", 1)[-1]
        if name in _CONTAINERS and not element.text and len(element):
            element.text = "\n"
        if name in _BLOCKS and not element.tail and element is not root:
            element.tail = "\n"


def _header(E: ElementMaker, doc: Document, info: ExportInfo, lang: str) -> _Element:
    title = xml_safe(document_title(doc))
    h1 = E.h1(title, **({"lang": lang} if has_han(title) else {}))
    facts = [
        ("Source", source_name(doc)),
        ("Encoding", doc.encoding),
        ("Script", doc.script),
        ("Engine", info.engine_label or "none"),
        ("Date", info.date.isoformat()),
        *(("Warning", w) for w in doc.warnings),
    ]
    dl = E.dl(*[child for key, value in facts for child in (E.dt(key), E.dd(value))])
    legend = E.p("Glossary terms: ", **{"class": "legend"})
    for status in STATUSES:
        mark = E.b(status, **{"class": f"term {status}"}, title=STATUS_MEANING[status])
        mark.tail = " "
        legend.append(mark)
    return E.header(h1, dl, legend)


def _pair(
    E: ElementMaker, number: int, para: Paragraph, tr: ParagraphTranslation | None, lang: str
) -> Any:
    tag = f"h{min(max(para.level, 1) + 1, 6)}" if para.kind == "heading" else "p"
    translated = tr is not None and bool(tr.text)
    pairs = sentence_pairs(para, tr) if translated else []
    labels = [f"{number}" if s.whole else f"{number}.{s.number + 1}" for s in pairs]
    zh_spans = [(s.zh_start, s.zh_end, label) for s, label in zip(pairs, labels, strict=True)]
    zh = marked(E, tag, para.text, tr, english=False, lang=lang, sentences=zh_spans)
    if tr is None or not tr.text:
        en = getattr(E, tag)(NOT_TRANSLATED, **{"class": "en untranslated"}, lang="en")
    else:
        en_spans = [(s.en_start, s.en_end, label) for s, label in zip(pairs, labels, strict=True)]
        flagged = {
            label: flag_title([flag])
            for s, label in zip(pairs, labels, strict=True)
            if not s.whole and (flag := tr.flag_of(s.number))
        }
        en = marked(
            E, tag, tr.text, tr, english=True, lang="en", sentences=en_spans, flagged=flagged
        )
        if tr.flagged and not flagged:  # one unit: the paragraph carries the flag
            flag_element(E, en, tr)
        if tr.human:
            en.append(E.span(" (edited)", **{"class": "edited"}))
    kind = {"heading": " heading", "list_item": " item"}.get(para.kind, "")
    return E.div(zh, en, **{"class": f"pair{kind}"}, id=f"p-{para.id}")


def marked(
    E: ElementMaker,
    tag: str,
    text: str,
    tr: ParagraphTranslation | None,
    *,
    english: bool,
    lang: str,
    xml_lang: bool = False,
    sentences: Sequence[tuple[int, int, str]] = (),
    flagged: Mapping[str, str] | None = None,
) -> _Element:
    """`<tag class="zh|en" lang=…>` holding `text` with its glossary terms in `<b>` marks and,
    given `sentences` (start, end, label), each sentence in a `<span class="s" data-s=label>`;
    a sentence whose label is in `flagged` (label → reason) is marked as flagged."""
    attrs = {"class": "en" if english else "zh", "lang": lang}
    if xml_lang:
        attrs[XML_LANG] = lang
    element: _Element = getattr(E, tag)(attrs)
    text = xml_safe(text)
    terms = term_spans(tr.terms if tr else [], text, english=english)
    pos = 0
    for start, end, label in sentences:
        if start < pos or end <= start or end > len(text):
            continue  # a stale span (never from the pipeline): the text is kept unmarked
        _fill(E, element, text, pos, start, terms)
        reason = (flagged or {}).get(label)
        span = E.span({"class": f"s {FLAG_CLASS}" if reason else "s", "data-s": label})
        if reason:
            span.set("title", reason)
        _fill(E, span, text, start, end, terms)
        element.append(span)
        if reason:
            element.append(E.span(FLAG_MARK, {"class": "flag-mark", "title": reason}))
        pos = end
    _fill(E, element, text, pos, len(text), terms)
    return element


def flag_element(
    E: ElementMaker, element: _Element, tr: ParagraphTranslation, *, spelled: bool = False
) -> None:
    """Mark a whole English element as flagged: its class, the reasons as title, a mark
    (`spelled`: the mark also says why, where titles never show, as on e-readers)."""
    reason = flag_title(tr.flagged)
    element.set("class", f"{element.get('class', '')} {FLAG_CLASS}".strip())
    element.set("title", reason)
    mark = f" {FLAG_MARK} (flagged: {reason})" if spelled else f" {FLAG_MARK}"
    element.append(E.span(mark, {"class": "flag-mark", "title": reason}))


def _fill(
    E: ElementMaker,
    element: _Element,
    text: str,
    start: int,
    end: int,
    terms: list[tuple[int, int, TermOccurrence]],
) -> None:
    """Append text[start:end] to `element`, with the terms wholly inside it marked."""
    pos = start
    for a, b, term in terms:
        if a < pos or b > end:
            continue
        _append_text(element, text[pos:a])
        mark = E.b(text[a:b], **{"class": f"term {term.status}"}, title=term_tooltip(term))
        element.append(mark)
        pos = b
    _append_text(element, text[pos:end])


def _append_text(element: _Element, text: str) -> None:
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def term_table(E: ElementMaker, rows: list[TermRow]) -> _Element:
    """The glossary terms found; a term is its glossary key, written in Simplified."""
    head = E.tr(*[E.th(h) for h in ("Term", "Rendering", "Count", *map(str.capitalize, STATUSES))])
    body = [
        E.tr(
            E.td(row.zh, lang="zh-Hans"),
            E.td(row.en, lang="en"),
            E.td(str(row.count), **{"class": "n"}),
            *[E.td(str(row.by_status[s]), **{"class": "n"}) for s in STATUSES],
        )
        for row in rows
    ]
    return E.table(E.thead(head), E.tbody(*body))


def _dropped(E: ElementMaker, doc: Document, lang: str) -> _Element:
    rows = [
        E.tr(E.td(str(d.line), **{"class": "n"}), E.td(d.reason), E.td(xml_safe(d.text), lang=lang))
        for d in doc.dropped
    ]
    table = E.table(E.thead(E.tr(E.th("Line"), E.th("Reason"), E.th("Text"))), E.tbody(*rows))
    return E.section(E.h2("Lines dropped by cleaning"), table, id="dropped")
