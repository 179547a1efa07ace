"""Format extraction from small documents built in the tests (Markdown, HTML, EPUB, DOCX)."""

from __future__ import annotations

import io

import pytest

from reader.documents.epub import extract_epub
from reader.documents.formats import (
    Block,
    FormatError,
    extract_html,
    extract_markdown,
    strip_inline_markdown,
)
from reader.documents.word import extract_docx
from tests import books

PARA1 = (
    "昨天下午，北京新冠肺炎疫情防控工作领导小组召开会议，进一步调度疫情防控工作。"
    "会议指出，首都疫情防控工作事关全局、责任重大，决不能有任何闪失。"
)
PARA2 = (
    "会议强调，要进一步抓实联防联控机制。严格落实属地、部门、单位、个人“四方责任”，"
    "特别是在京各单位要履行主体责任，按照首都疫情防控要求落实各项措施。"
)


def kinds(blocks: list[Block]) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, b.text) for b in blocks]


# --- Markdown ----------------------------------------------------------------------------------

MARKDOWN = """---
title: 测试
---
# 北京召开会议

昨天下午，**北京**召开[会议](https://example.org/a)，
进一步调度_疫情_防控工作。

![图片](pic.png)

## 三项要求

- 要坚决打好*湖北*保卫战
- 要全力做好`北京`疫情防控工作
1. 第三条

```python
print("代码")
```

> 引用的话。

Setext 标题
---

***
[ref]: https://example.org
"""


def test_markdown_structure_and_markup() -> None:
    blocks, dropped = extract_markdown(MARKDOWN)
    assert kinds(blocks) == [
        ("heading", 1, "北京召开会议"),
        ("paragraph", 0, "昨天下午，北京召开会议，进一步调度疫情防控工作。"),
        ("heading", 2, "三项要求"),
        ("list_item", 0, "要坚决打好湖北保卫战"),
        ("list_item", 0, "要全力做好北京疫情防控工作"),
        ("list_item", 0, "第三条"),
        ("paragraph", 0, "引用的话。"),
        ("heading", 2, "Setext 标题"),
    ]
    assert [(d.line, d.text, d.reason) for d in dropped] == [(18, 'print("代码")', "code block")]
    assert blocks[0].line == 4


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**粗体**和__粗体__", "粗体和粗体"),
        ("*斜体*与_斜体_", "斜体与斜体"),
        ("~~删除~~", "删除"),
        ("[链接](http://x.y) 和 [引用][1]", "链接 和 引用"),
        ("前![图](a.png)后", "前后"),
        ("a_b_c snake_case 2*3*4", "a_b_c snake_case 2*3*4"),  # not emphasis
        ("<span>文字</span><br/>", "文字"),
        (r"\*不是强调\*", "*不是强调*"),
    ],
)
def test_inline_markdown(raw: str, expected: str) -> None:
    assert strip_inline_markdown(raw) == expected


def test_markdown_latin_lines_join_with_space() -> None:
    blocks, _ = extract_markdown("The meeting\nwas held.\n")
    assert kinds(blocks) == [("paragraph", 0, "The meeting was held.")]


# --- HTML --------------------------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>北京召开会议_新闻网</title>
<style>body {{ color: red }}</style></head><body>
<nav><a href="/">首页</a> <a href="/gn">国内新闻</a> 导航菜单</nav>
<div class="menu"><ul><li><a href="/a">体育频道</a></li>
<li><a href="/b">财经频道</a></li></ul></div>
<article>
<h1>北京召开疫情防控会议</h1>
<p>{PARA1}</p>
<h2>三项要求</h2>
<ul><li>要坚决打好湖北保卫战、武汉保卫战。</li><li>要全力做好北京疫情防控工作。</li></ul>
<p>{PARA2}</p>
</article>
<aside class="sidebar">热门文章排行榜</aside>
<footer>版权所有 © 2020 新闻网 联系我们</footer>
<script>var ad = "广告脚本内容";</script>
</body></html>"""

JUNK = ("导航菜单", "体育频道", "热门文章", "版权所有", "广告脚本", "color: red")


def test_html_keeps_article_drops_navigation() -> None:
    blocks, title = extract_html(PAGE)
    # Issue 16: the title is the article's headline, not <title> with the site's name.
    assert title == "北京召开疫情防控会议"
    assert kinds(blocks) == [
        ("heading", 1, "北京召开疫情防控会议"),
        ("paragraph", 0, PARA1),
        ("heading", 2, "三项要求"),
        ("list_item", 0, "要坚决打好湖北保卫战、武汉保卫战。"),
        ("list_item", 0, "要全力做好北京疫情防控工作。"),
        ("paragraph", 0, PARA2),
    ]
    text = " ".join(b.text for b in blocks)
    for junk in JUNK:
        assert junk not in text


def test_html_fallback_for_tiny_pages() -> None:
    page = """<html><head><title>短</title><script>x()</script></head><body>
    <div id="footer">页脚</div><h2>小标题</h2><p>第一行<br>第二行</p><ul><li>一项</li></ul>
    </body></html>"""
    blocks, title = extract_html(page)
    assert title == "短"
    assert kinds(blocks) == [
        ("heading", 2, "小标题"),
        ("paragraph", 0, "第一行"),
        ("paragraph", 0, "第二行"),
        ("list_item", 0, "一项"),
    ]


def test_html_nothing() -> None:
    assert extract_html("") == ([], "")


# --- EPUB --------------------------------------------------------------------------------------


def make_epub() -> bytes:
    # Spine order differs from file order on purpose: chapter 2 first, the nav before both.
    return books.make_book(
        {
            "c1": f"<h1>第一章 开端</h1><p>{PARA1}</p><ul><li>列表项</li></ul>",
            "c2": f"<h2>第二章 发展</h2><p>{PARA2}</p><h3>小节</h3><p>结束。</p>",
        },
        ["nav", "c2", "c1"],
    )


def test_epub_chapters_in_spine_order() -> None:
    blocks, title = extract_epub(make_epub())
    assert title == "测试之书"
    assert kinds(blocks) == [
        ("heading", 2, "第二章 发展"),
        ("paragraph", 0, PARA2),
        ("heading", 3, "小节"),
        ("paragraph", 0, "结束。"),
        ("heading", 1, "第一章 开端"),
        ("paragraph", 0, PARA1),
        ("list_item", 0, "列表项"),
    ]


def test_broken_epub() -> None:
    with pytest.raises(FormatError, match=r"^not a valid EPUB file: not a zip archive"):
        extract_epub(b"PK\x03\x04 not really a zip")


def test_epub_empty_title_is_empty_not_none() -> None:
    # EbookLib gave None for an empty dc:title, and the export headline read "# None"
    book = books.make_book({"c1": "<p>正文。</p>"}, ["c1"], title="")
    # the nav's one entry starts at the chapter's first block
    assert extract_epub(book) == ([Block("paragraph", "正文。", 0, 1, (("目录项", 0),))], "")


def test_epub_missing_parts_are_named() -> None:
    no_container = books.zip_bytes([("mimetype", "application/epub+zip")])
    with pytest.raises(FormatError, match=r"^not a valid EPUB file: META-INF/container\.xml is"):
        extract_epub(no_container)
    bad_opf = books.make_book({"c1": "<p>正文。</p>"}, ["c1"], package="<<<not xml")
    with pytest.raises(FormatError, match=r"OEBPS/content\.opf is not readable XML"):
        extract_epub(bad_opf)


def test_epub_skips_dangling_spine_entries_and_relative_paths() -> None:
    package = books.opf("书", ["c1"], ["ghost", "c1"]).replace(
        'href="c1.xhtml"', 'href="./c1.xhtml"'
    )
    book = books.make_book({"c1": "<p>正文。</p>"}, ["c1"], package=package)
    assert [b.text for b in extract_epub(book)[0]] == ["正文。"]


def test_epub_bad_crc_is_one_line() -> None:
    book = books.corrupt_member(make_epub(), "OEBPS/c2.xhtml")
    with pytest.raises(FormatError) as error:
        extract_epub(book)
    assert str(error.value) == (
        "not a valid EPUB file: OEBPS/c2.xhtml is damaged (bad CRC or compressed data)"
    )


# --- DOCX --------------------------------------------------------------------------------------


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("会议纪要", style="Title")
    document.add_heading("一、总体要求", level=1)
    document.add_paragraph(PARA1)
    document.add_heading("（一）具体措施", level=2)
    document.add_paragraph("压紧压实防控责任", style="List Bullet")
    document.add_paragraph("确保指挥体系高效运转", style="List Number")
    document.add_paragraph("")
    document.add_paragraph(PARA2)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_styles() -> None:
    blocks, title = extract_docx(make_docx())
    assert title == "会议纪要"
    assert kinds(blocks) == [
        ("heading", 1, "会议纪要"),
        ("heading", 1, "一、总体要求"),
        ("paragraph", 0, PARA1),
        ("heading", 2, "（一）具体措施"),
        ("list_item", 0, "压紧压实防控责任"),
        ("list_item", 0, "确保指挥体系高效运转"),
        ("paragraph", 0, PARA2),
    ]


def test_broken_docx() -> None:
    with pytest.raises(FormatError, match=r"^not a valid DOCX file: not a zip archive"):
        extract_docx(b"PK\x03\x04 not really a zip")


def test_docx_tables_kept_in_order_row_by_row() -> None:
    # Issue 16: tables vanished from DOCX without being listed as dropped.
    import docx

    document = docx.Document()
    document.add_paragraph(PARA1)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["地区", "新增", "累计"], ["北京", "2", "410"], ["上海", "0", "337"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    merged = table.cell(2, 1).merge(table.cell(2, 2))
    merged.text = "无新增"
    document.add_paragraph(PARA2)
    out = io.BytesIO()
    document.save(out)
    blocks, _ = extract_docx(out.getvalue())
    assert kinds(blocks) == [
        ("paragraph", 0, PARA1),
        ("paragraph", 0, "地区 | 新增 | 累计"),
        ("paragraph", 0, "北京 | 2 | 410"),
        ("paragraph", 0, "上海 | 无新增"),
        ("paragraph", 0, PARA2),
    ]


# --- issue 16: headlines, titles and tables of real news pages ---------------------------------

NEWS_PAGE = f"""<html><head><meta charset="utf-8">
<title>北京召开疫情防控工作会议_新闻中心_某某网</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/gn">国内</a></div>
<div class="article"><header><h1>北京召开疫情防控工作会议</h1></header>
<p>2020-03-01 10:23 来源：新华网</p>
<p>会议指出，要坚持外防输入、内防扩散。{PARA1}</p>
<h2>一、病例情况</h2>
<table><caption>表1 新增病例</caption>
<tr><th>地区</th><th>新增</th><th>累计</th></tr>
<tr><td>北京</td><td>2</td><td>410</td></tr>
<tr><td>上海</td><td>0</td><td>337</td></tr>
<tr><td>Hong<br>Kong</td><td>1</td><td>9</td></tr></table>
<p>{PARA2}</p></div>
<div class="footer">版权所有 © 某某网</div></body></html>"""


def test_html_headline_dateline_and_table_kept() -> None:
    blocks, title = extract_html(NEWS_PAGE)
    assert title == "北京召开疫情防控工作会议"
    assert kinds(blocks) == [
        ("heading", 1, "北京召开疫情防控工作会议"),
        ("paragraph", 0, "2020-03-01 10:23 来源：新华网"),
        ("paragraph", 0, f"会议指出，要坚持外防输入、内防扩散。{PARA1}"),
        ("heading", 2, "一、病例情况"),
        ("paragraph", 0, "表1 新增病例"),
        ("paragraph", 0, "地区 | 新增 | 累计"),
        ("paragraph", 0, "北京 | 2 | 410"),
        ("paragraph", 0, "上海 | 0 | 337"),
        ("paragraph", 0, "Hong Kong | 1 | 9"),
        ("paragraph", 0, PARA2),
    ]


def test_html_loaded_document_starts_with_its_headline() -> None:
    from reader.documents.loading import load_text

    document = load_text(NEWS_PAGE, format="html")
    assert document.title == "北京召开疫情防控工作会议"
    first = document.paragraphs[0]
    assert (first.kind, first.text) == ("heading", "北京召开疫情防控工作会议")
    texts = [p.text for p in document.paragraphs]
    assert "北京 | 2 | 410" in texts
    assert "一、病例情况" in texts


def test_html_headline_above_the_article_box() -> None:
    body = "".join(f"<p>{PARA1}第{n}段。</p>" for n in range(3))
    page = f"""<html><head><title>北京召开会议_频道_网站</title></head><body>
    <div class="top"><h1 class="logo">某某网</h1></div>
    <div class="title"><h1>北京召开会议</h1><span>2020-03-01</span></div>
    <div class="side"><p>热门推荐。</p></div><div id="text">{body}</div></body></html>"""
    blocks, title = extract_html(page)
    assert title == "北京召开会议"
    assert blocks[0] == Block("heading", "北京召开会议", 1, 1)
    assert [b.text for b in blocks[1:]] == [f"{PARA1}第{n}段。" for n in range(3)]


@pytest.mark.parametrize(
    ("page_title", "expected"),
    [
        ("北京召开会议_新闻中心_某某网", "北京召开会议"),
        ("北京召开会议 - 某某网", "北京召开会议"),
        ("北京召开会议|某某网", "北京召开会议"),
        ("短_某某网", "短_某某网"),  # too short to be a headline: keep it whole
    ],
)
def test_html_title_without_site_name(page_title: str, expected: str) -> None:
    _, title = extract_html(f"<html><head><title>{page_title}</title></head><body><p>{PARA1}</p>")
    assert title == expected


def test_html_text_beside_blocks_and_source_wraps() -> None:
    page = f"""<html><body><div class="content">第一段开头
在源文件里折行。<div class="pic"><img src="a.jpg"></div>{PARA1}<br>{PARA2}
<p>English words
wrap with a space.</p></div></body></html>"""
    blocks, _ = extract_html(page)
    assert [b.text for b in blocks] == [
        "第一段开头在源文件里折行。",
        PARA1,
        PARA2,
        "English words wrap with a space.",
    ]


def test_html_stray_closing_html_tag_does_not_end_the_page() -> None:
    # A gov.cn page closes </html> after its server-side-included header.
    page = f"<html><body><div>页头</div></body></html>\n<div class='content'><p>{PARA1}</p></div>"
    blocks, _ = extract_html(page)
    assert PARA1 in [b.text for b in blocks]


def test_html_layout_tables_are_read_as_blocks() -> None:
    page = f"""<html><body><table><tr><td><table><tr><td>
    <p>{PARA1}</p><p>{PARA2}</p></td></tr></table></td></tr></table></body></html>"""
    blocks, _ = extract_html(page)
    assert [b.text for b in blocks] == [PARA1, PARA2]


def test_epub_table_cells_are_paragraphs() -> None:
    # one paragraph per cell (not per row, as in HTML pages): the in-place EPUB export puts
    # each cell's English in that cell
    chapter = (
        f"<p>{PARA1}</p><table><tr><th>地区</th><th>新增</th></tr>"
        "<tr><td>北京</td><td>2</td></tr></table>"
    )
    blocks, _ = extract_epub(books.make_book({"c1": chapter}, ["c1"], title="表格之书"))
    assert [b.text for b in blocks] == [PARA1, "地区", "新增", "北京", "2"]


def test_docx_errors_name_no_python_exception() -> None:
    missing = books.zip_bytes([("[Content_Types].xml", "<Types/>")])
    with pytest.raises(FormatError) as error:
        extract_docx(missing)
    assert str(error.value) == (
        "not a valid DOCX file: word/document.xml is missing (not a Word document)"
    )
    with pytest.raises(FormatError) as error:
        extract_docx(books.corrupt_member(make_docx(), "word/document.xml"))
    assert str(error.value).startswith("not a valid DOCX file: ")
    assert "Error" not in str(error.value)
