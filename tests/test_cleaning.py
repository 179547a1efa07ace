"""Cleaning: every rule with positive and negative cases, seeds, and properties of each step."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich._unicode_data._versions import VERSIONS
from rich.cells import cell_len, get_character_cell_size

from reader import cells
from reader.documents import cleaning
from reader.documents.cleaning import (
    boilerplate_mask,
    cell_width,
    clean,
    clean_inline,
    drop_boilerplate_lines,
    join_wrapped_lines,
    normalise_newlines,
    normalise_whitespace,
    strip_invisible,
    strip_pinyin_artifacts,
)
from reader.han import HAN
from tests.conftest import SEEDS, seed

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
PINYIN_ARTIFACT = re.compile(f"[(（][a-z{TONED} ]*[{TONED}][a-z{TONED} ]*[)）]")


# --- strip_pinyin_artifacts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("事關(guān)全局", "事關全局"),
        ("聯(lián)防聯(lián)控", "聯防聯控"),
        ("會(huì)議", "會議"),
        ("戰(zhàn)爭", "戰爭"),
        ("堅(jiān)定", "堅定"),
        ("綠(lǜ)色", "綠色"),
        ("旅(lǚ)遊", "旅遊"),
        ("女(nǚ)子", "女子"),
        ("略(lüè)", "略"),
        ("事關（guān）全局", "事關全局"),  # full-width parentheses
        ("關係(guān xì)密切", "關係密切"),  # several syllables
        ("關係(guānxì)密切", "關係密切"),
        ("關(guān)(guān)", "關"),  # repeated groups
    ],
)
def test_pinyin_artifacts_removed(raw: str, expected: str) -> None:
    assert strip_pinyin_artifacts(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "（北京日报）讯",
        "世界卫生组织(WHO)宣布",
        "去年(2020)数据",
        "品牌(brand)价值",  # no tone mark: an English word, not an artifact
        "拼音是 (guān) 的例子",  # not directly after a Han character
        "Beijing (Běijīng) is",  # follows Latin text
        "本報訊(記者 祁夢竹 高枝)昨天",
        "词(de)",  # toneless syllable after Han: could be English, kept
    ],
)
def test_real_parentheses_kept(kept: str) -> None:
    assert strip_pinyin_artifacts(kept) == kept


@pytest.mark.parametrize("name", ["001", "004"])
def test_seed_has_no_pinyin_artifact_after_cleaning(name: str) -> None:
    raw = seed(name).read_text(encoding="utf-8")
    assert PINYIN_ARTIFACT.search(raw), "the seed should contain artifacts to begin with"
    cleaned = clean(raw).text
    assert PINYIN_ARTIFACT.findall(cleaned) == []


def test_seed_001_reads_lianfang_liankong() -> None:
    cleaned = clean(seed("001").read_text(encoding="utf-8")).text
    assert "聯防聯控" in cleaned
    assert "會議強調" in cleaned


# --- strip_invisible ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("疫\u200b情", "疫情"),
        ("疫\u200c\u200d情", "疫情"),
        ("\ufeff疫情", "疫情"),
        ("疫\u2060情", "疫情"),
        ("疫\x07情\x1b", "疫情"),
        ("疫情\r", "疫情"),
        ("疫情防控a3f9工作", "疫情防控工作"),  # letter-digit jumble between Han
        ("防控x7k工作", "防控工作"),
        ("防控^工作", "防控工作"),
        ("防控\ue123工作", "防控工作"),  # private-use glyph
    ],
)
def test_invisible_and_junk_removed(raw: str, expected: str) -> None:
    assert strip_invisible(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "感染COVID-19的人",
        "发展5G网络",
        "下载mp3文件",
        "发展b2b业务",
        "用win10系统",
        "第1行\n第2行\t制表",
        "线上+线下",
        "张*明",
        "#北京疫情#最新",
        "iPhone12发布",
        "a3f9 outside Han",
    ],
)
def test_invisible_negative_cases(kept: str) -> None:
    assert strip_invisible(kept) == kept


# --- normalise_whitespace ----------------------------------------------------------------------


def test_whitespace_full_width_nbsp_indent_and_runs() -> None:
    raw = "\u3000\u3000本市召开会议\n  尹力强调\u00a0\u00a0要求\n\t前后   空格  "
    assert normalise_whitespace(raw) == "本市召开会议\n尹力强调 要求\n前后 空格"


def test_whitespace_keeps_lines_and_single_spaces() -> None:
    kept = "北京 上海\n\nCOVID 19 cases"
    assert normalise_whitespace(kept) == kept


def test_newlines_normalised() -> None:
    assert normalise_newlines("a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    assert normalise_newlines("a\nb") == "a\nb"


# --- drop_boilerplate_lines --------------------------------------------------------------------

BODY = "会议指出，要针对不同区域情况，完善差异化防控策略。"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("首页 > 国内新闻 > 正文", "breadcrumb"),
        ("当前位置：首页 > 新闻", "breadcrumb"),
        ("新闻中心 > 国内 > 正文", "breadcrumb"),
        ("责任编辑：于文凯", "editor credit"),
        ("- 責任編輯: 于文凱", "editor credit"),
        ("【編輯:錢姣姣】", "editor credit"),
        ("分享到：", "share prompt"),
        ("大字体", "font size switch"),
        ("小字體", "font size switch"),
        ("版权所有 © 某某网", "copyright"),
        ("Copyright ©1999-2024 chinanews.com. All Rights Reserved", "copyright"),
        ("未經授權禁止轉載、摘編、復制及建立鏡像,違者將依法追究法律責任。", "reprint notice"),
        ("我要评论", "comment prompt"),
        ("發表評論 文明上網理性發言", "comment prompt"),
        ("返回顶部", "navigation"),
        ("1/62/63/64/65/66/6", "pager"),
        ("【1】【2】【3】【4】", "pager"),
        ("【纠错】", "navigation"),
        ("【我要纠错】", "navigation"),
        ("-", "separator"),
        ("网站客服:3074922707", "site notice"),
    ],
)
def test_boilerplate_line_dropped(line: str, reason: str) -> None:
    kept, dropped = drop_boilerplate_lines(f"{BODY}\n{line}\n{BODY}二")
    assert kept == f"{BODY}\n{BODY}二"
    assert [(d.line, d.text, d.reason) for d in dropped] == [(2, line, reason)]


@pytest.mark.parametrize(
    "line",
    [
        "记者沙雪良",
        "原标题:中央给北京疫情防控定调,新机构首次开会",
        "未经授权不得进入隔离区。",  # "未经授权" in prose, not a reprint notice
        "编辑部的同志们认真讨论了这个问题，大家分享了各自的看法。",
        "他分享了自己的经历，评论家认为这很重要。",
        "x > y > z 时成立",
        "……",
        "2020年2月28日，北京召开会议。",
        "要坚决打好湖北保卫战、武汉保卫战",
        "第一,要清醒认识当前疫情防控严峻形势",
    ],
)
def test_real_lines_kept(line: str) -> None:
    text = f"{BODY}\n{line}\n{BODY}二"
    assert drop_boilerplate_lines(text) == (text, [])


def test_related_reading_header_takes_its_links() -> None:
    text = f"{BODY}\n相关阅读:\n链接标题一 链接标题二\n另一个标题\n\n{BODY}二"
    kept, dropped = drop_boilerplate_lines(text)
    assert kept == f"{BODY}\n\n{BODY}二"
    assert [d.reason for d in dropped] == ["related links header", "related links", "related links"]


def test_related_run_stops_at_prose() -> None:
    # Body first: a short line right above the first paragraph of prose is the article's own
    # headline and is kept (issue 16), so the run is tested after the body has begun.
    text = f"{BODY}\n相关推荐\n标题一\n{BODY}二"
    kept, _ = drop_boilerplate_lines(text)
    assert kept == f"{BODY}\n{BODY}二"


def test_headline_links_with_timestamps_dropped() -> None:
    text = (
        f"{BODY}\n口罩还要戴多久?\n2020-02-27 22:11 新冠肺炎抗疫战 -\n"
        "同气连枝,共盼春来\n2020-02-27 19:58 -"
    )
    kept, dropped = drop_boilerplate_lines(text)
    assert kept == BODY
    assert [d.reason for d in dropped] == ["headline link", "timestamp"] * 2


def test_headline_with_dateline_kept() -> None:
    # Issue 16: the most common header of Chinese news pages lost its headline.
    text = (
        "北京召开疫情防控工作会议\n2020-03-01 10:23 来源：新华网\n\n"
        "会议指出，要坚持外防输入、内防扩散。"
    )
    assert drop_boilerplate_lines(text) == (text, [])
    assert clean(text).text.split("\n\n")[0] == "北京召开疫情防控工作会议"


def test_headline_above_first_paragraph_kept_after_page_junk() -> None:
    text = f"首页 > 国内新闻 > 正文\n-\n北京召开会议\n2020-03-01 10:23\n{BODY}"
    kept, dropped = drop_boilerplate_lines(text)
    assert kept == f"北京召开会议\n2020-03-01 10:23\n{BODY}"
    assert [d.reason for d in dropped] == ["breadcrumb", "separator"]


def test_dateline_alone_kept_but_listed_timestamps_dropped() -> None:
    links = "口罩还要戴多久?\n2020-02-27 22:11 抗疫 -\n同气连枝,共盼春来\n2020-02-27 19:58 -"
    text = f"标题\n2020-02-28 07:00 来源：北京日报\n{BODY}\n{links}"
    kept, _ = drop_boilerplate_lines(text)
    assert kept == f"标题\n2020-02-28 07:00 来源：北京日报\n{BODY}"


def test_related_run_stops_at_a_protected_heading() -> None:
    lines = [BODY, "相关新闻", "链接标题一", "第二部分", "第二部分的正文没有句号但是很长很长很长"]
    assert boilerplate_mask(lines, protected={3}) == {1: "related links header", 2: "related links"}
    assert 3 in boilerplate_mask(lines)


def test_timestamp_table_rows_are_not_link_lists() -> None:
    rows = "2020-03-01 10:00 | 开幕式\n2020-03-01 14:00 | 分组讨论"
    assert drop_boilerplate_lines(f"{BODY}\n{rows}") == (f"{BODY}\n{rows}", [])


def test_short_summary_lines_are_not_headline_links() -> None:
    # Seed 002 opens with short summary lines: real content, no timestamps, all kept.
    text = "\n".join(
        [
            "北京市今天上午又有一例出院病例",
            "房山、平谷、密云、延庆目前未发现",
            "新冠肺炎并未在社区进行传播",
        ]
    )
    assert drop_boilerplate_lines(text) == (text, [])


def test_tag_list_needs_six_lines() -> None:
    tags = "市委书记\n新型\n肺炎\n疫情\n指挥部\n2022"
    assert drop_boilerplate_lines(f"{tags}\n{BODY}")[0] == BODY
    five = "春眠\n不觉\n晓处\n处闻\n啼鸟"
    assert drop_boilerplate_lines(f"{five}\n{BODY}")[0] == f"{five}\n{BODY}"


def test_repeated_title_dropped_once() -> None:
    text = f"北京召开疫情防控会议\n分享到:\n北京召开疫情防控会议\n{BODY}"
    kept, dropped = drop_boilerplate_lines(text)
    assert kept == f"北京召开疫情防控会议\n{BODY}"
    assert [d.reason for d in dropped] == ["share prompt", "repeated line"]


def test_seed_000_breadcrumb_not_in_body() -> None:
    result = clean(seed("000").read_text(encoding="utf-8"))
    assert "首页 > 国内新闻 > 正文" not in result.text
    assert result.dropped[0].line == 1 and result.dropped[0].reason == "breadcrumb"
    assert result.text.startswith("中央给北京疫情防控定调,新机构首次开会")
    assert "相关阅读" not in result.text
    assert "记者沙雪良" in result.text


def test_seed_003_download_notice_dropped() -> None:
    result = clean(seed("003").read_text(encoding="utf-8"))
    assert "温馨提示" not in result.text and "网站客服" not in result.text
    assert result.text.startswith(
        "市委书记在市新型肺炎疫情防控指挥部2022年第九次工作会议上的讲话\n\n同志们"
    )
    assert "第一,要清醒认识当前疫情防控严峻形势" in result.text.split("\n\n")


def test_seed_004_footer_dropped_body_kept() -> None:
    result = clean(seed("004").read_text(encoding="utf-8"))
    for junk in ("分享到", "大字體", "Copyright", "頂部", "發表評論", "編輯:錢姣姣"):
        assert junk not in result.text
    assert "尹力強調,疫情就是命令,防控就是責任。" in result.text


# --- join_wrapped_lines ------------------------------------------------------------------------


def test_lines_without_blank_lines_are_paragraphs() -> None:
    text = "北京召开会议\n会议指出，要完善防控策略\n会议强调，要抓实联防联控"
    assert (
        join_wrapped_lines(text)
        == "北京召开会议\n\n会议指出，要完善防控策略\n\n会议强调，要抓实联防联控"
    )


def test_blank_line_blocks_join_wrapped_lines() -> None:
    text = "\n".join(
        [
            "第一章",
            "",
            "会议指出，要针对不同区域情况，完善差异化",
            "防控策略。",
            "",
            "The meeting was",
            "held today.",
        ]
    )
    assert join_wrapped_lines(text).split("\n\n") == [
        "第一章",
        "会议指出，要针对不同区域情况，完善差异化防控策略。",
        "The meeting was held today.",
    ]


def test_title_line_in_block_stays_separate() -> None:
    text = "第一章 总则\n会议指出，要针对不同区域情况，完善差异化防控策略。\n\n下一段。"
    assert join_wrapped_lines(text).split("\n\n") == [
        "第一章 总则",
        "会议指出，要针对不同区域情况，完善差异化防控策略。",
        "下一段。",
    ]


def test_sentence_end_in_block_keeps_break() -> None:
    text = "他走了很远很远的路才终于回到了家里。\n她哭了很久很久才终于慢慢平静了下来。\n\n完。"
    assert join_wrapped_lines(text).split("\n\n")[:2] == [
        "他走了很远很远的路才终于回到了家里。",
        "她哭了很久很久才终于慢慢平静了下来。",
    ]


def test_hard_wrapped_file_without_blank_lines_is_joined() -> None:
    paragraph = "北京市新型冠状病毒肺炎疫情防控工作领导小组召开会议，要求各单位严格落实" * 4 + "。"
    width = 20
    wrapped = [paragraph[i : i + width] for i in range(0, len(paragraph), width)]
    title = "第一章"
    text = "\n".join([title, *wrapped, *wrapped])
    assert join_wrapped_lines(text) == f"{title}\n\n{paragraph}\n\n{paragraph}"


def test_seed_paragraph_counts() -> None:
    # 002 has no blank lines and no wrapping: one paragraph per line.
    raw = seed("002").read_text(encoding="utf-8")
    lines = [line for line in raw.split("\n") if line.strip()]
    assert len(clean(raw).text.split("\n\n")) == len(lines)


# --- properties --------------------------------------------------------------------------------

STEPS = [
    normalise_newlines,
    strip_invisible,
    normalise_whitespace,
    strip_pinyin_artifacts,
    lambda t: drop_boilerplate_lines(t)[0],
    join_wrapped_lines,
    clean_inline,
    lambda t: clean(t).text,
]
ALPHABET = st.sampled_from(
    [
        *"北京會議事關聯防控。，！？ \n\n\t\u3000\u00a0\u200b()（）>-:：a3fGü",
        *[
            "(guān)",
            "(lǜ)",
            "首页 > 新闻 > 正文",
            "分享到:",
            "相关阅读",
            "2020-02-27 22:11",
            "\r\n",
        ],
    ]
)
TEXTS = st.one_of(st.text(), st.lists(ALPHABET, max_size=60).map("".join))


@pytest.mark.parametrize("step", STEPS, ids=lambda f: getattr(f, "__name__", "lambda"))
@settings(max_examples=150, deadline=None)
@given(text=TEXTS)
def test_step_never_raises_and_is_idempotent(step, text: str) -> None:  # type: ignore[no-untyped-def]
    once = step(text)
    assert isinstance(once, str)
    assert step(once) == once


def test_clean_never_modifies_input_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.txt"
    raw = seed("004").read_bytes()
    path.write_bytes(raw)
    clean(path.read_text(encoding="utf-8"))
    assert path.read_bytes() == raw


# --- cell_width: rich's cell_len, computed faster ------------------------------------------------


def _chars(ranges: str) -> str:
    """Every character of a character-class body made of `a-b` ranges."""
    pairs = re.findall("(.)-(.)", ranges, re.S)
    assert "".join(a + "-" + b for a, b in pairs) == ranges
    return "".join(chr(c) for a, b in pairs for c in range(ord(a), ord(b) + 1))


@pytest.mark.parametrize("version", ["auto", *VERSIONS])
def test_cell_width_ranges_agree_with_every_rich_table(version: str) -> None:
    measure = get_character_cell_size.__wrapped__  # uncached: 173,000 characters, ~0.13 s
    assert {measure(c, version) for c in _chars(cells.ONE_CELL)} == {1}
    assert {measure(c, version) for c in _chars(cells.TWO_CELLS)} == {2}


CELL_ALPHABET = st.one_of(
    st.sampled_from("北京會議。，、「」（）ａＡ가あア\u3000 a1.,-—“”…·āǚ©\xa0\xad\t\n"),
    st.sampled_from(["\u200d", "\ufe0f", "\u0301", "\u200b", "\x00", "\x7f", "👍", "👨\u200d👩"]),
    st.sampled_from(["\U00020000", "\U0002fffd", "\U0002fffe", "\u9fbb", "\u9fbc", "\u4db6"]),
    st.characters(),
)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(st.text(), st.lists(CELL_ALPHABET, max_size=40).map("".join)))
def test_cell_width_is_rich_cell_len(text: str) -> None:
    assert cell_width(text) == cell_len(text)


def test_cell_width_of_every_seed_line() -> None:
    lines = [
        line
        for path in sorted(SEEDS.glob("*.txt"))
        for raw in (path.read_text(encoding="utf-8"), clean_inline(path.read_text("utf-8")))
        for line in raw.split("\n")
    ]
    assert len(lines) > 500
    assert [cell_width(line) for line in lines] == [cell_len(line) for line in lines]


# --- patterns after a Han character: the look-behind moved, the matches the same -----------------

AFTER_HAN = [
    ("[\ue000-\uf8ff]", f"[\ue000-\uf8ff]{{0,2}}(?=[{HAN}])"),
    ("[a-z0-9]", f"[a-z0-9]{{2,7}}(?=[{HAN}])"),
    ("[(（]", f"{cleaning._PINYIN_INSIDE}(?:[(（]{cleaning._PINYIN_INSIDE})*"),
]


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from([*"北京a3f9xz( )（）ǎü\ue000^`\\", "guān", "(lǜ)", "𠀀"]), max_size=40
    ).map("".join)
)
def test_after_han_matches_the_plain_look_behind(text: str) -> None:
    for first, rest in AFTER_HAN:
        plain = re.compile(f"(?<=[{HAN}]){first}{rest}")
        fast = cleaning._after_han(first, rest)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
