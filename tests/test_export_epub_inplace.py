"""The in-place bilingual EPUB: the original book's own files with the English inside.

Test books are built here (tests/epub_books.py): EPUB 3 with nav and NCX, EPUB 2 NCX-only at
an odd path (with and without spaces in its file names), a chapter without the XHTML
namespace. Translations come from the gloss engine and the golden glossary (two terms).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from reader.cli import main
from reader.documents import epub as book
from reader.documents.document import Document
from reader.documents.loading import block_text, load_document
from reader.exports import render_export
from reader.exports.epub_inplace import NotKeptWhole, export_epub_inplace
from reader.glossary.file import Glossary
from reader.han import has_han
from reader.translation.engines.gloss import GlossEngine
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import ParagraphTranslation, Translator
from tests import epub_books
from tests.export_fixtures import GOLDEN, INFO, epubcheck, epubcheck_command

H = "http://www.w3.org/1999/xhtml"
NS = {"h": H, "opf": "http://www.idpf.org/2007/opf", "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BOOKS = {
    "epub3": epub_books.epub3_book,
    "epub2": lambda: epub_books.epub2_book(spaces=False),
    "spaces": epub_books.epub2_book,
    "no-namespace": epub_books.no_namespace_book,
}


def _translated(
    path: Path, tmp_path: Path, glossary: Path = GOLDEN / "glossary.csv"
) -> tuple[Document, dict[str, ParagraphTranslation]]:
    doc = load_document(path)
    memory = TranslationMemory(tmp_path / f"tm-{glossary.stem}.sqlite3")
    translator = Translator(GlossEngine(), Glossary.load(glossary), memory)
    return doc, translator.translate(doc)


def _export(tmp_path: Path, name: str, content: str = "bilingual") -> tuple[bytes, bytes]:
    original = BOOKS[name]()
    source = tmp_path / f"{name}.epub"
    source.write_bytes(original)
    doc, translations = _translated(source, tmp_path)
    warnings: list[str] = []
    out = render_export(doc, translations, "epub", INFO, content=content, warn=warnings.append)
    assert warnings == []
    return original, out


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _package(data: bytes) -> tuple[str, etree._Element]:
    members = _members(data)
    container = etree.fromstring(members["META-INF/container.xml"])
    path = container.find(".//{*}rootfile").get("full-path")
    return path, etree.fromstring(members[path])


def _manifest(data: bytes) -> dict[str, tuple[str, str]]:
    """id -> (zip member, media type)."""
    path, root = _package(data)
    base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    return {
        item.get("id"): (unquote(base + item.get("href")), item.get("media-type"))
        for item in root.iterfind(".//opf:manifest/opf:item", NS)
    }


def _spine(data: bytes) -> list[str]:
    return [ref.get("idref") for ref in _package(data)[1].iterfind(".//opf:itemref", NS)]


def _chapter(data: bytes, member: str) -> etree._Element:
    return book.parse_xhtml(_members(data)[member])


def _epubcheck_allowing_spaces(path: Path) -> None:
    """epubcheck warns (PKG-010) about spaces in file names, in the original too: that and
    nothing else."""
    import subprocess

    run = subprocess.run(
        [*epubcheck_command(), str(path)], capture_output=True, text=True, timeout=300
    )
    report = run.stdout + run.stderr
    assert "0 fatals / 0 errors" in report, report
    assert {m for m in re.findall(r"(?:WARNING|ERROR)\((\w+-\d+)\)", report)} == {"PKG-010"}


# --- every test book ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BOOKS))
def test_every_book_passes_epubcheck_and_keeps_its_files(tmp_path: Path, name: str) -> None:
    original, out = _export(tmp_path, name)
    path = tmp_path / f"{name}.bilingual.epub"
    path.write_bytes(out)
    if name == "spaces":
        _epubcheck_allowing_spaces(path)
    else:
        epubcheck(path)
    before, after = _manifest(original), _manifest(out)
    # every item of the original is still there, with its id and type; ours are added
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"reader-en-css", "reader-terms"}
    # images and stylesheets are the original's bytes
    old, new = _members(original), _members(out)
    kept = [m for m, t in before.values() if t.startswith("image/") or t == "text/css"]
    assert kept or name == "no-namespace"
    assert all(new[m] == old[m] for m in kept)
    # chapters: the spine keeps its order, the appendix comes last
    assert _spine(out) == [*_spine(original), "reader-terms"]
    assert next(iter(new)) == "mimetype"
    assert zipfile.ZipFile(io.BytesIO(out)).getinfo("mimetype").compress_type == zipfile.ZIP_STORED


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "content"), [("epub3", "english"), ("epub2", "english"), ("epub3", "chinese")]
)
def test_one_language_passes_epubcheck(tmp_path: Path, name: str, content: str) -> None:
    _, out = _export(tmp_path, name, content)
    path = tmp_path / f"{name}.{content}.epub"
    path.write_bytes(out)
    epubcheck(path)


# --- the English inside the book ---------------------------------------------------------------


def test_english_follows_each_chinese_block_as_its_sibling(tmp_path: Path) -> None:
    _, out = _export(tmp_path, "epub3")
    chapter = _chapter(out, "OEBPS/Text/ch1.xhtml")
    title = chapter.find(".//h:p[@id='t1']", NS)
    english = title.getnext()
    assert english.get("class") == "chapter-title reader-en"  # the original's class kept
    assert (english.get("lang"), english.get(XML_LANG)) == ("en", "en")
    assert english.get("id") is None and not has_han(english.findtext("."))
    for element in chapter.iter(f"{{{H}}}p"):
        if book.has_class(element, "reader-en"):
            continue
        text = "".join(element.itertext())
        following = element.getnext()
        if has_han(text) and element.getparent().tag != f"{{{H}}}figure":
            assert following is not None and book.has_class(following, "reader-en"), text
    # ruby is read without its reading; a poem keeps its line break in the English
    ruby = chapter.xpath(".//h:p[h:ruby]", namespaces=NS)[0].getnext()
    assert "běi" not in "".join(ruby.itertext()) and "Beijing" in "".join(ruby.itertext())
    poem = chapter.xpath(".//h:p[h:br][not(@class)]", namespaces=NS)[0].getnext()
    assert len(poem.findall("h:br", NS)) == 1
    # the English carries no markup of the original: no links, no ids, no ruby
    for english in chapter.iterfind(".//*[@class]", NS):
        if book.has_class(english, "reader-en"):
            assert not english.xpath(".//*[@id or local-name()='a' or local-name()='ruby']")
    # an <ol> keeps its numbers: the English is inside each item; a <ul> gets siblings
    ol_items = chapter.findall(".//h:ol/h:li", NS)
    assert len(ol_items) == 2 and all(
        li.find("h:span[@class='reader-en']", NS) is not None for li in ol_items
    )
    assert len(chapter.findall(".//h:ul/h:li", NS)) == 4
    # a footnote's English stays in the footnote; the note mark is not translated
    aside = chapter.find(".//h:aside", NS)
    assert aside.find("h:p[@class='reader-en']", NS) is not None
    noteref = chapter.find(".//h:a[@id='r1']", NS).getparent().getnext()
    assert not "".join(noteref.itertext()).rstrip().endswith("1")


def test_cells_and_captions_hold_their_english(tmp_path: Path) -> None:
    _, out = _export(tmp_path, "epub3")
    chapter = _chapter(out, "OEBPS/Text/ch2.xhtml")
    rows = chapter.findall(".//h:tr", NS)
    assert [len(row) for row in rows] == [2, 2]  # no cell added: the table keeps its shape
    cell = rows[1][0]
    assert cell.text == "北京" and cell.find("h:span", NS).text == "Beijing"
    caption = chapter.find(".//h:figcaption", NS)
    assert caption.find("h:span[@class='reader-en']", NS) is not None
    assert len(chapter.findall(".//h:figure/h:figcaption", NS)) == 1


def test_terms_are_marked_in_both_languages_and_summed_up_in_an_appendix(tmp_path: Path) -> None:
    _, out = _export(tmp_path, "epub3")
    chapter = _chapter(out, "OEBPS/Text/ch1.xhtml")
    marks = chapter.findall(".//h:b", NS)
    zh = [m.text for m in marks if has_han(m.text)]
    en = [m.text for m in marks if not has_han(m.text)]
    assert {"联防联控", "社区"} <= set(zh)
    assert {"joint prevention and control", "community"} <= set(en)
    assert all("applied" in m.get("class").split() and m.get("title") for m in marks)
    # the <em> around the term is kept, the term mark inside it
    assert chapter.find(".//h:em/h:b", NS).text == "联防联控"
    appendix = _chapter(out, "OEBPS/reader-terms.xhtml")
    section = appendix.find(".//h:section", NS)
    assert section.get("{http://www.idpf.org/2007/ops}type") == "appendix"
    assert [td.text for td in appendix.iterfind(".//h:tbody/h:tr/h:td[1]", NS)] == [
        "社区",
        "联防联控",
    ]
    nav = _chapter(out, "OEBPS/nav.xhtml")
    labels = [a.text for a in nav.iterfind(".//h:nav/h:ol/h:li/h:a", NS)]
    assert labels == [
        "第一章 社区 — 1st chapter community",
        "第二章 图表 — 2nd chapter chart",
        "Glossary terms",
    ]
    ncx = etree.fromstring(_members(out)["OEBPS/toc.ncx"])
    points = ncx.findall(".//ncx:navPoint", NS)
    assert [p.get("playOrder") for p in points] == ["1", "2", "3"]
    assert points[-1].find("ncx:content", NS).get("src") == "reader-terms.xhtml"


def test_metadata_names_the_translation_and_the_rest_is_kept(tmp_path: Path) -> None:
    original, out = _export(tmp_path, "epub3")
    _, before = _package(original)
    _, after = _package(out)
    dc = "{http://purl.org/dc/elements/1.1/}"
    contributor = after.find(f".//{dc}contributor")
    assert contributor.text.startswith("reader ") and "gloss" in contributor.text
    role = after.find(".//opf:meta[@refines='#reader-translator']", NS)
    assert role.text == "trl"
    assert [e.text for e in after.iter(f"{dc}language")] == ["zh-Hans", "en"]
    for tag in ("identifier", "title", "creator"):
        assert after.find(f".//{dc}{tag}").text == before.find(f".//{dc}{tag}").text
    assert (
        after.find(".//opf:meta[@property='dcterms:modified']", NS).text == "2026-01-01T00:00:00Z"
    )
    # EPUB 2: the role is an opf:role attribute, no lang attribute anywhere
    _, out2 = _export(tmp_path, "epub2")
    _, package2 = _package(out2)
    assert package2.find(f".//{dc}contributor").get("{http://www.idpf.org/2007/opf}role") == "trl"
    for name, data in _members(out2).items():
        if name.endswith(".xhtml"):
            assert b' lang="' not in data, name


def test_spaces_in_file_names_and_an_odd_package_path(tmp_path: Path) -> None:
    _, out = _export(tmp_path, "spaces")
    members = _members(out)
    assert "content/package/text/Chapter One.xhtml" in members
    chapter = book.parse_xhtml(members["content/package/text/Chapter One.xhtml"])
    links = [link.get("href") for link in chapter.iterfind(".//h:link", NS)]
    assert links == ["../style%20sheet.css", "../reader-en.css"]
    assert "content/package/reader-en.css" in members
    english = chapter.find(".//h:p[@class='reader-en']", NS)
    assert english.get(XML_LANG) == "en" and english.get("lang") is None
    # the footnote link across documents and its anchor survive
    assert chapter.find(".//h:a[@id='r2']", NS).get("href") == "Chapter%20Two.xhtml#n2"


def test_a_chapter_without_the_xhtml_namespace_gets_it(tmp_path: Path) -> None:
    _, out = _export(tmp_path, "no-namespace")
    root = etree.fromstring(_members(out)["c1.xhtml"])
    assert root.tag == f"{{{H}}}html"
    assert root.find("h:body/h:p[@class='reader-en']", NS) is not None


# --- English only, Chinese only ----------------------------------------------------------------


def test_english_content_replaces_the_chinese_and_keeps_anchors(tmp_path: Path) -> None:
    original, out = _export(tmp_path, "epub3", "english")
    for member in ("OEBPS/Text/ch1.xhtml", "OEBPS/Text/ch2.xhtml"):
        before = _chapter(original, member)
        after = _chapter(out, member)
        ids = {e.get("id") for e in before.iter() if e.get("id")}
        assert ids <= {e.get("id") for e in after.iter() if e.get("id")}
        body = after.find("h:body", NS)
        text = "".join(
            t for e in body.iter() if e.tag != f"{{{H}}}rt" for t in [e.text or "", e.tail or ""]
        )
        assert not has_han(text.replace("北", "").replace("京", "")), (
            text
        )  # ruby base kept only in rt's
    chapter = _chapter(out, "OEBPS/Text/ch1.xhtml")
    noteref = chapter.find(".//h:a[@id='r1']", NS)
    assert noteref.get("href") == "#n1" and noteref.text == "1"
    assert chapter.find(".//h:p[@id='t1']", NS).get("lang") == "en"
    assert chapter.find(".//*[@class='reader-en']", NS) is None


def test_chinese_content_adds_no_english(tmp_path: Path) -> None:
    _, out = _export(tmp_path, "epub3", "chinese")
    chapter = _chapter(out, "OEBPS/Text/ch1.xhtml")
    assert chapter.find(".//*[@lang='en']", NS) is None
    assert chapter.find(".//h:b", NS) is not None  # terms still marked
    # a bilingual book of ours, exported in Chinese only, loses the English it had
    _, bilingual = _export(tmp_path, "epub3")
    ours = tmp_path / "ours.epub"
    ours.write_bytes(bilingual)
    doc, translations = _translated(ours, tmp_path)
    again = render_export(doc, translations, "epub", INFO, content="chinese")
    for member in ("OEBPS/Text/ch1.xhtml", "OEBPS/Text/ch2.xhtml"):
        assert _chapter(again, member).find(".//*[@lang='en']", NS) is None


# --- translating twice -------------------------------------------------------------------------


def test_a_bilingual_book_reads_as_the_original_and_exports_the_same(tmp_path: Path) -> None:
    for name in ("epub3", "epub2"):
        original, out = _export(tmp_path, name)
        first, again = tmp_path / f"{name}-1.epub", tmp_path / f"{name}-2.epub"
        first.write_bytes(out)
        (tmp_path / "orig.epub").write_bytes(original)
        texts = [p.text for p in load_document(tmp_path / "orig.epub").paragraphs]
        assert [p.text for p in load_document(first).paragraphs] == texts  # no English, no appendix
        doc, translations = _translated(first, tmp_path)
        again.write_bytes(render_export(doc, translations, "epub", INFO))
        assert again.read_bytes() == out


# --- what cannot be kept whole -----------------------------------------------------------------


def _broken_book() -> bytes:
    """The EPUB 3 test book with a chapter that is HTML soup, not XHTML."""
    members = _members(epub_books.epub3_book())
    members["OEBPS/Text/ch2.xhtml"] = (
        b"<html><body><p>\xe6\x9c\x80\xe5\x90\x8e<p>unclosed</body></html>"
    )
    return epub_books.zip_book([(n, d) for n, d in members.items() if n != "mimetype"])


def test_a_book_that_cannot_be_kept_whole_is_rebuilt_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "soup.epub"
    source.write_bytes(_broken_book())
    doc, translations = _translated(source, tmp_path)
    with pytest.raises(NotKeptWhole, match=r"^OEBPS/Text/ch2\.xhtml is not well-formed XHTML"):
        export_epub_inplace(source.read_bytes(), doc, translations, INFO)
    out = tmp_path / "out.epub"
    assert main(["export", str(source), "-o", str(out), "--engine", "gloss"]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "cannot keep" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"reader: {source}: cannot keep the book whole: OEBPS/Text/ch2")
    assert warnings[0].endswith("rebuilt from its text")
    assert "EPUB/package.opf" in _members(out.read_bytes())  # today's rebuilt EPUB


def test_drm_is_not_kept_whole_but_font_obfuscation_is(tmp_path: Path) -> None:
    source = tmp_path / "b.epub"
    source.write_bytes(epub_books.epub3_book())
    doc, translations = _translated(source, tmp_path)
    for algorithm, refused in (
        ("http://www.idpf.org/2008/embedding", False),
        ("http://www.w3.org/2001/04/xmlenc#aes128-cbc", True),
    ):
        encryption = (
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
            'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
            f'<enc:EncryptionMethod Algorithm="{algorithm}"/></enc:EncryptedData></encryption>'
        )
        members = _members(source.read_bytes())
        members["META-INF/encryption.xml"] = encryption.encode()
        data = epub_books.zip_book([(n, d) for n, d in members.items() if n != "mimetype"])
        if refused:
            with pytest.raises(NotKeptWhole, match="encrypted"):
                export_epub_inplace(data, doc, translations, INFO)
        else:
            assert export_epub_inplace(data, doc, translations, INFO)


def test_the_cli_writes_the_book_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "book.epub"
    source.write_bytes(epub_books.epub3_book())
    out = tmp_path / "book.bilingual.epub"
    assert main(["export", str(source), "-o", str(out), "--engine", "gloss"]) == 0
    assert "cannot keep" not in capsys.readouterr().err
    assert "OEBPS/reader-en.css" in _members(out.read_bytes())


def test_an_appendix_of_an_earlier_export_goes_when_no_terms_are_found(tmp_path: Path) -> None:
    _, out = _export(tmp_path, "epub3")
    first = tmp_path / "first.epub"
    first.write_bytes(out)
    empty = tmp_path / "empty.csv"
    empty.write_text("zh,en\n", encoding="utf-8")
    doc, translations = _translated(first, tmp_path, glossary=empty)
    again = render_export(doc, translations, "epub", INFO)
    assert "OEBPS/reader-terms.xhtml" not in _members(again)
    assert "reader-terms" not in _manifest(again)
    assert "reader-terms" not in _spine(again)
    assert b"reader-terms" not in _members(again)["OEBPS/nav.xhtml"]


# --- any chapter -------------------------------------------------------------------------------

_HAN = st.text(alphabet="社区联防控我们的是一个中国人民书", min_size=1, max_size=8)
_BLOCKS = [
    "<p>{0}</p>",
    "<p>{0}<em>{1}</em>{2}</p>",
    '<h2 id="h{n}">{0}</h2>',
    "<ul><li>{0}</li><li>{1}<ul><li>{2}</li></ul></li></ul>",
    "<ol><li>{0}</li></ol>",
    "<table><tr><th>{0}</th><td>2</td></tr></table>",
    "<blockquote><p>{0}</p></blockquote>",
    "<blockquote>{0}</blockquote>",
    "<p>{0}<br/>{1}</p>",
    "<div>{0}<p>{1}</p></div>",
    '<p>{0}<a epub:type="noteref" href="#n{n}" id="r{n}">1</a></p>',
    '<aside epub:type="footnote" id="n{n}"><p><a href="#r{n}">1</a>{1}</p></aside>',
    '<figure><img src="../Images/cover.png" alt="x"/><figcaption>{0}</figcaption></figure>',
    "<p><ruby>{0}<rt>pin</rt></ruby>{1}</p>",
    '<p><span class="x">{0}<b>{1}</b></span> English {2}</p>',
    "<dl><dt>{0}</dt><dd>{1}</dd></dl>",
    "<pre>{0}\n{1}</pre>",
    "<p>only English</p>",
]


@st.composite
def _chapters(draw: st.DrawFn) -> str:
    parts = []
    for n in range(draw(st.integers(1, 6))):
        template = draw(st.sampled_from(_BLOCKS))
        parts.append(template.format(*(draw(_HAN) for _ in range(3)), n=n))
    return "<section>" + "\n".join(parts) + "</section>"


def _without_ours(root: etree._Element) -> str:
    """The body's text with what the export adds taken out again."""
    for element in list(root.iter()):
        if isinstance(element.tag, str) and book.has_class(element, "reader-en"):
            previous = element.getprevious()
            if (
                previous is not None
                and previous.tag == f"{{{H}}}br"
                and element.tag.endswith("span")
            ):
                previous.getparent().remove(previous)
            element.getparent().remove(element)  # the tails of ours are whitespace only
    body = root.find("h:body", NS)
    return re.sub(r"\s+", " ", "".join(body.itertext())).strip()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_chapters())
def test_any_chapter_keeps_its_text_and_anchors_and_gets_its_english(body: str) -> None:
    chapter = epub_books._page3("章", body)
    members = _members(epub_books.epub3_book())
    members["OEBPS/Text/ch2.xhtml"] = chapter.encode()
    original = epub_books.zip_book([(n, d) for n, d in members.items() if n != "mimetype"])
    doc = load_document("any.epub", data=original)
    translations = {
        p.id: ParagraphTranslation(p.id, f"English {n}.", "test")
        for n, p in enumerate(doc.paragraphs)
    }
    out = export_epub_inplace(original, doc, translations, INFO)
    before = book.parse_xhtml(chapter.encode())
    after = _chapter(out, "OEBPS/Text/ch2.xhtml")
    ids = sorted(e.get("id") for e in after.iter() if e.get("id"))
    assert ids == sorted(e.get("id") for e in before.iter() if e.get("id"))
    english = [e for e in after.iter() if isinstance(e.tag, str) and book.has_class(e, "reader-en")]
    # cleaning may drop a unit (a line repeated as boilerplate): it is not in the Document
    kept = {p.text for p in doc.paragraphs}
    units = [
        u
        for u in book.text_units(before)
        if has_han("".join(u.pieces)) and any(block_text(t) in kept for t in u.texts)
    ]
    assert len(english) == len(units)
    assert all(not has_han("".join(e.itertext())) for e in english)
    assert (
        _without_ours(after)
        == re.sub(r"\s+", " ", "".join(before.find("h:body", NS).itertext())).strip()
    )
    # read again, the book is the original
    again = load_document("again.epub", data=out)
    assert [p.text for p in again.paragraphs] == [p.text for p in doc.paragraphs]


# --- chapters from the book's own table of contents --------------------------------------------


def test_chapters_come_from_the_nav_or_the_ncx_and_survive_the_export(tmp_path: Path) -> None:
    for name, titles in (
        ("epub3", ["第一章 社区", "第二章 图表"]),  # nav (the NCX says the same)
        ("spaces", ["第一章 开端", "第二章 注释"]),  # NCX only, hrefs with %20
    ):
        original, out = _export(tmp_path, name)
        for data in (original, out):  # a bilingual book of ours reads the same chapters
            doc = load_document(f"{name}.epub", data=data)
            assert [c.title for c in doc.chapters] == titles
            assert [doc.paragraphs[c.paragraph].text for c in doc.chapters] == titles
            assert doc.chapter_at(len(doc.paragraphs) - 1) == doc.chapters[-1]
            assert doc.chapter_at(0) == doc.chapters[0]


def test_a_fragment_entry_starts_at_its_element_and_a_book_without_toc_has_one_per_file() -> None:
    members = _members(epub_books.epub3_book())
    nav = members["OEBPS/nav.xhtml"].decode()
    nav = nav.replace(
        "</ol>", '<li><a href="Text/ch1.xhtml#n1">注释</a></li>\n</ol>'
    )  # into the middle of chapter one: its footnote
    members["OEBPS/nav.xhtml"] = nav.encode()
    data = epub_books.zip_book([(n, d) for n, d in members.items() if n != "mimetype"])
    doc = load_document("f.epub", data=data)
    # in reading order: the footnote's entry falls inside chapter one
    assert [c.title for c in doc.chapters] == ["第一章 社区", "注释", "第二章 图表"]
    note = doc.chapters[1]
    assert doc.paragraphs[note.paragraph].text == "注释的内容。"
    no_toc = epub_books.no_namespace_book()
    members = _members(no_toc)
    members["nav.xhtml"] = (
        members["nav.xhtml"].replace(b'epub:type="toc"', b"").replace(b"<li>", b"<li>")
    )
    members["nav.xhtml"] = re.sub(rb"<nav.*</nav>", b"<p>nothing</p>", members["nav.xhtml"])
    data = epub_books.zip_book([(n, d) for n, d in members.items() if n != "mimetype"])
    assert [c.title for c in load_document("n.epub", data=data).chapters] == ["第一章"]


def test_a_broken_ncx_or_nav_is_one_reason_not_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "b.epub"
    source.write_bytes(epub_books.epub3_book())
    doc, translations = _translated(source, tmp_path)
    for member, reason in (("OEBPS/toc.ncx", "the NCX"), ("OEBPS/nav.xhtml", "the nav document")):
        members = _members(source.read_bytes())
        members[member] = b"<ncx><navMap><unclosed></ncx>"
        data = epub_books.zip_book([(n, d) for n, d in members.items() if n != "mimetype"])
        with pytest.raises(NotKeptWhole, match=re.escape(reason)):
            export_epub_inplace(data, doc, translations, INFO)
        assert load_document("b.epub", data=data).paragraphs  # the book is still read


@pytest.mark.slow
def test_a_flagged_paragraph_is_marked_in_the_book(tmp_path: Path) -> None:
    """Issue 20: a sentence not to trust (here: a reply that was not English) carries a visible
    mark with the reason in the book too, and the book still passes epubcheck."""
    from dataclasses import replace

    from reader.translation.results import Flag

    source = tmp_path / "epub3.epub"
    source.write_bytes(epub_books.epub3_book())
    doc, translations = _translated(source, tmp_path)
    first = next(p for p in doc.paragraphs if has_han(p.text) and translations[p.id].text)
    flag = Flag("not-english", "the server's reply is mostly Chinese; word gloss shown", 0)
    translations[first.id] = replace(translations[first.id], flagged=[flag])
    out = render_export(doc, translations, "epub", INFO)
    marks = [
        (member, mark)
        for member in _members(out)
        if member.endswith(".xhtml") and "reader-terms" not in member
        for mark in _chapter(out, member).iterfind(
            ".//h:span[@class='reader-flagged flag-mark']", NS
        )
    ]
    assert len(marks) == 1
    _, mark = marks[0]
    assert mark.text == "⚠" and "mostly Chinese" in mark.get("title")
    assert book.has_class(mark.getparent(), "reader-en")
    path = tmp_path / "out.epub"
    path.write_bytes(out)
    epubcheck(path)
