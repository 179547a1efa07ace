"""Clean decoded document text before it is split into paragraphs; the user's file is never touched.

`clean(text) -> CleanResult(text, dropped)` applies these pure steps, in this order:

1. `normalise_newlines` — CRLF, CR, U+2028/U+2029, VT and FF become "\\n".
2. `strip_invisible` — removes zero-width and direction marks (U+200B-U+200F,
   U+2060-U+2064, U+FEFF, soft hyphen), control characters other than newline and tab, and
   inline anti-copy junk between two Han characters: private-use characters, the symbols
   \\ ^ `, and short lowercase letter-digit jumbles such as `a3f9` (never `5G`, `COVID-19`,
   `mp3`, `b2b`: upper case, one letter-digit switch, or a known word).
3. `normalise_whitespace` — per line: U+3000, NBSP, other Unicode spaces and tabs become one
   space, runs collapse, leading indentation and trailing spaces go. Lines stay lines.
4. `strip_pinyin_artifacts` — removes tone-marked pinyin in parentheses right after a Han
   character, left by sites that annotate readings: `事關(guān)全局` → `事關全局`, full-width
   parentheses and several syllables too. A group is removed only if it is all pinyin letters
   with at least one tone mark or ü, so `（北京日报）`, `(WHO)`, `(2020)`, `(brand)` stay.
5. `drop_boilerplate_lines` — drops whole lines of web boilerplate and returns each as a
   `DroppedLine` (1-based line number, text, reason) so nothing is lost. Rules, all on short
   lines: breadcrumbs (`首页 > 国内新闻 > 正文`), editor credits (`责任编辑：…`, `【編輯:…】`),
   share prompts (`分享到：`), font-size switches (`大字体`), copyright and reprint notices
   (`版权所有`, `©`, `未經授權禁止轉載…`), comment prompts (`我要评论`, `發表評論`), navigation
   words alone on a line (`返回顶部`, `上一篇`, `【纠错】`), pagers (`1/62/6…`, `【1】【2】`), lines
   with no letters, digits or Han (`-`), link lists of publish times (`2020-02-28 07:43 …`,
   two or more at most two lines apart) and the headline line above each, a `相关阅读`/
   `推薦閱讀` header and the run of link lines after it (up to a blank line, a line with `。`
   or over 200 characters, or a protected line), a `温馨提示` download-site notice and its
   numbered items, six or more consecutive tag lines of at most four characters, and a line
   repeating the previous line. Never dropped by a neighbour (link-list, related-run) rule:
   the first line with content (the title), the headline and dateline right above the first
   paragraph of prose, and the lines a caller protects (an article's <h1>/<h2>). A lone
   dateline (`2020-03-01 10:23 来源：新华网`) is the article's own and stays. Rules are applied
   until nothing more drops, so the step is idempotent. It is deliberately conservative: a
   wrong drop of a real paragraph is worse than a kept footer.
6. `join_wrapped_lines` — rebuilds paragraphs, separated in the result by one blank line.
   Blank lines always end a paragraph. A file is taken as hard-wrapped when many lines have
   the same display width (≥ 3 lines and ≥ 30% within 2 cells of the commonest width ≥ 16);
   a full-width line then continues into the next one. In files with blank lines, a line that
   does not end a sentence (。！？!?…;； or `.`, optionally followed by closing quotes) and is
   not a short title-like line (≤ 30 cells, not ending in a comma or a lower-case word)
   continues into the next line of its block. In files with no blank line at all that are not
   hard-wrapped, every line is a paragraph. Joined Han text gets no space; two Latin words
   get one.

Every step is a `str -> str` function (the boilerplate step also returns its `DroppedLine`s),
never raises on any input and is idempotent: f(f(x)) == f(x).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from reader.cells import cell_width
from reader.documents.document import DroppedLine
from reader.han import HAN


@dataclass(frozen=True, slots=True)
class CleanResult:
    text: str
    dropped: list[DroppedLine] = field(default_factory=list)


# --- 1. newlines -------------------------------------------------------------------------------

_NEWLINES = re.compile("\r\n|[\r\u2028\u2029\x0b\x0c\x85]")


def normalise_newlines(text: str) -> str:
    """Every line break becomes "\\n"."""
    return _NEWLINES.sub("\n", text)


# --- 2. invisible characters -------------------------------------------------------------------


def _after_han(first: str, rest: str) -> re.Pattern[str]:
    """The pattern `(?<=[HAN])` + `first` + `rest`, written with the look-behind after `first`
    (a character class) so that re scans for `first` in C instead of trying the look-behind at
    every position: the same matches, 2-4 times faster (2 MB: 13 ms -> 3 ms)."""
    return re.compile(f"{first}(?<=[{HAN}]{first}){rest}")


_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\x00-\x08\x0b-\x1f\x7f-\x9f]")
# 1-3 private-use characters, 1-3 of \\ ^ `, 3-8 lower-case letters and digits, between Han
_PUA_JUNK = _after_han("[\ue000-\uf8ff]", f"[\ue000-\uf8ff]{{0,2}}(?=[{HAN}])")
_SYMBOL_JUNK = _after_han("[\\\\^`]", f"[\\\\^`]{{0,2}}(?=[{HAN}])")
_ASCII_JUNK = _after_han("[a-z0-9]", f"[a-z0-9]{{2,7}}(?=[{HAN}])")
_LETTER_DIGIT_SWITCH = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
# Lowercase letter-digit words that are real (business and tech jargon), never junk.
_REAL_JUMBLES = frozenset({"b2b", "b2c", "c2c", "c2b", "o2o", "p2p", "b2g", "m2m", "c2m", "p2c"})


def _ascii_junk(match: re.Match[str]) -> str:
    token = match.group()
    switches = len(_LETTER_DIGIT_SWITCH.findall(token))
    # "a3f9" switches 3 times; "mp3", "win10", "5g" once: real words keep one switch at most.
    if switches >= 2 and token not in _REAL_JUMBLES:
        return ""
    return token


def strip_invisible(text: str) -> str:
    """Remove zero-width and control characters (newline and tab kept) and anti-copy junk."""
    text = _ZERO_WIDTH.sub(lambda m: m.group() if m.group() in "\n\t" else "", text)
    text = _PUA_JUNK.sub("", text)
    text = _SYMBOL_JUNK.sub("", text)
    return _ASCII_JUNK.sub(_ascii_junk, text)


# --- 3. whitespace -----------------------------------------------------------------------------

_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_EDGE_SPACES = re.compile("^ | $", re.M)


def normalise_whitespace(text: str) -> str:
    """Per line: every run of spaces (full-width, NBSP, tabs...) becomes one ASCII space, and
    leading indentation and trailing spaces go. The number of lines never changes."""
    return _EDGE_SPACES.sub("", _SPACES.sub(" ", text))


# --- 4. pinyin artifacts -----------------------------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛÜńňǹḿ"
_PINYIN_LETTERS = f"a-zA-Z{_TONED}"
_PINYIN_INSIDE = (  # what follows the opening parenthesis
    f" ?(?=[^)）]{{0,40}}[{_TONED}])"  # a tone mark (or ü) somewhere inside
    f"[{_PINYIN_LETTERS}]{{1,8}}(?:[ '’·-]?[{_PINYIN_LETTERS}]{{1,8}}){{0,5}} ?[)）]"
)
_PINYIN_ARTIFACT = _after_han("[(（]", f"{_PINYIN_INSIDE}(?:[(（]{_PINYIN_INSIDE})*")


def strip_pinyin_artifacts(text: str) -> str:
    """Remove tone-marked pinyin in parentheses directly after a Han character."""
    return _PINYIN_ARTIFACT.sub("", text)


# --- 5. boilerplate lines ----------------------------------------------------------------------

_LIST_MARKER = re.compile(r"^(?:[-•·*]\s*)+|\s*-$")
_BRACKETS = re.compile(r"^[【\[(（]\s*|\s*[】\])）]$")
_CLOSING_BRACKETS = frozenset("】])）")

_LINE_RULES: tuple[tuple[str, re.Pattern[str], int], ...] = tuple(
    (reason, re.compile(pattern), max_len)
    for reason, pattern, max_len in (
        (
            "breadcrumb",
            r"^(?:首[页頁]|主[页頁]|网站首页|網站首頁|[当當]前位置|您的位置|你的位置|您[现現]在的位置)"
            r"\s*[:：]?.*[>＞»›→]",
            60,
        ),
        (
            "editor credit",
            r"^(?:责任编辑|責任編輯|编辑|編輯|责编|責編|审核|審核|校对|校對|编审|編審|实习编辑|實習編輯)"
            r"\s*[:：]",
            40,
        ),
        ("share prompt", r"^(?:分享到|分享至|分享)\s*[:：]?", 30),
        (
            "font size switch",
            r"^(?:字[体體号號]\s*[:：]|[大中小]字[体體号號]$|[大中小](?:\s*[大中小]){2}$)",
            20,
        ),
        ("copyright", r"版[权權]所有|版[权權][声聲]明|©|Copyright|All Rights Reserved", 150),
        (
            "comment prompt",
            r"我要[评評][论論]|[发發]表[评評][论論]|网友[评評][论論]|網友評論|文明上[网網]"
            r"|[评評][论論][区區]|查看[评評][论論]|[条條][评評][论論]|^[评評][论論]$",
            80,
        ),
        (
            "navigation",
            r"^(?:返回|回到)?[顶頂]部$|^(?:返回|回到)首[页頁]$|^打印(?:本[页頁])?$|^[关關]闭(?:窗口)?$"
            r"|^收藏$|^上一篇(?:[:：].*)?$|^下一篇(?:[:：].*)?$|^(?:阅读|閱讀|展开|展開)全文$"
            r"|^[点點]击查看$|^更多$|^(?:我要)?[纠糾][错錯]$",
            60,
        ),
        (
            "pager",
            r"^[\d\s]*\d+\s*/\s*\d+[\d/\s]*$|上一[页頁].*下一[页頁]"
            r"|^\d{1,3}(?:[】\]]\s*[【\[]\d{1,3})+$",  # 【1】【2】【3】 (outer brackets gone)
            40,
        ),
        ("site notice", r"^(?:网站客服|網站客服|客服QQ|客服[电電]话|客服[电電]話)\s*[:：]", 40),
    )
)

_RELATED_HEADER = re.compile(
    r"^(?:相[关關][阅閱][读讀]|相[关關]推[荐薦]|推[荐薦][阅閱][读讀]|延伸[阅閱][读讀]|相[关關]新[闻聞]"
    r"|相[关關]文章|[热熱][点點]推[荐薦]|[热熱][门門]推[荐薦]|猜你喜[欢歡]|更多精彩|[为為]您推[荐薦])"
    r"[\s:：\-]*$"
)
# A publish time, optionally followed by a short channel or source name. Alone it is the
# article's own dateline and stays; two or more close together are a list of links.
_TIMESTAMP = re.compile(
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s+[^\s|][^|]{0,20})?$"
)  # never a table row: cells are joined with " | "
_TIMESTAMP_MAX = 50
_HEADLINE_MAX = 50  # a headline above a listed timestamp: one line, no full stop
_LINK_MAX = 200  # a line after a "related" header: link titles (several, sometimes), not prose
_NOTICE_HEADER = re.compile(r"^(?:温馨提示|溫馨提示)\s*[:：]?$")
_NOTICE_ITEM = re.compile(
    r"^\d{1,2}\s*[.、．]|下[载載]|客服|本站|上[传傳]|文[档檔]|[预預][览覽]|付[费費]"
)
_RIGHTS_SUBJECT = re.compile(r"[转轉][载載]|摘[编編]|[镜鏡]像|刊用|稿件|不代表本")
_RIGHTS_VERB = re.compile(r"授[权權]|禁止|不得|[请請]注明|版[权權]|[观觀]点|法律[责責]任")
_BREADCRUMB_SEP = re.compile(r"\s*[>＞»›]\s*")
_BREADCRUMB_WORD = re.compile(r"首[页頁]|正文|新[闻聞]|[频頻]道|栏目|欄目")
_HAS_CONTENT = re.compile(f"[0-9A-Za-z{HAN}]")
_SEPARATOR = re.compile(r"^[-_=*~#·•—–|/\\+. ]+$")
_SHORT_TAG = re.compile(f"^[0-9A-Za-z{HAN}]{{1,4}}$")
_SENTENCE_END = "。！？!?…;；."

_TAG_RUN = 6  # this many consecutive ≤ 4-character lines are a tag list, not prose


def _line_reason(line: str) -> str | None:
    """Why this line alone is boilerplate, or None."""
    if not line:
        return None
    if not _HAS_CONTENT.search(line):
        # Rules like "-" or "***", never "……" or "？！", which can be a line of dialogue.
        return "separator" if len(line) <= 20 and _SEPARATOR.match(line) else None
    core = _core(line)
    for reason, pattern, max_len in _LINE_RULES:
        if len(core) <= max_len and pattern.search(core):
            return reason
    if len(core) <= 150 and _RIGHTS_SUBJECT.search(core) and _RIGHTS_VERB.search(core):
        return "reprint notice"
    if len(core) > 50:  # every rule below is for short lines: no split of prose (2 MB: 14 ms)
        return None
    parts = _BREADCRUMB_SEP.split(core)
    if len(parts) >= 3 and all(0 < len(p) <= 10 for p in parts) and _BREADCRUMB_WORD.search(core):
        return "breadcrumb"
    return None


def _core(line: str) -> str:
    """`line` without list markers and enclosing brackets. Each pattern is tried only when the
    line's ends hold what it needs (a match is anchored there): their scans of every line
    took 36 ms per 2 MB."""
    if line[:1] in "-•·*" or "-" in line[-2:]:  # "$" also matches before a final "\n"
        line = _LIST_MARKER.sub("", line)
    if line[:1] in "【[(（" or not _CLOSING_BRACKETS.isdisjoint(line[-2:]):
        line = _BRACKETS.sub("", line)
    return line


def _ends_sentence(line: str) -> bool:
    return line.rstrip("」』”’）)】》\"'")[-1:] in _SENTENCE_END


def _is_timestamp(line: str) -> bool:
    return len(line) <= _TIMESTAMP_MAX and bool(_TIMESTAMP.match(line))


def _guarded(seq: Sequence[str], nonblank: Sequence[int], own: Sequence[str | None]) -> set[int]:
    """Positions no neighbour rule may drop: the first line with content (the document's
    title, if it has one) and the line or two (headline, dateline) above the first paragraph
    of prose, which are the article's own header, never a list of links."""
    content = [i for i in nonblank if own[i] is None]
    guard = set(content[:1])
    for k, i in enumerate(content):
        if "。" in seq[i] or len(seq[i]) > _HEADLINE_MAX:
            above = content[max(0, k - 2) : k]
            if above and _is_timestamp(seq[above[-1]]):
                guard.update(above)
            else:
                guard.update(above[-1:])
            break
    return guard


def _boilerplate_pass(
    seq: Sequence[str], cache: dict[str, str | None], protected: Sequence[bool]
) -> dict[int, str]:
    """Reasons for the positions of `seq` to drop, judged on `seq` as it stands. Lines marked
    `protected` (headings the format knows) are dropped only for what they say themselves."""
    reasons: dict[int, str] = {}
    own = []
    for line in seq:
        if line not in cache:
            cache[line] = _line_reason(line)
        own.append(cache[line])
    nonblank = [i for i, line in enumerate(seq) if line]
    guard = _guarded(seq, nonblank, own) | {i for i, p in enumerate(protected) if p}
    # A timestamp is a link list's when another one is at most two lines away (headline,
    # time, headline, time...); a lone one is the article's dateline.
    stamps = {k for k, i in enumerate(nonblank) if _is_timestamp(seq[i])}
    listed = {k for k in stamps if stamps & {k - 2, k - 1, k + 1, k + 2}}
    for k, i in enumerate(nonblank):
        if own[i]:
            reasons[i] = own[i]  # type: ignore[assignment]
            continue
        line = seq[i]
        prev = nonblank[k - 1] if k > 0 else None
        if k in listed:
            reasons[i] = "timestamp"
        elif (
            k + 1 in listed
            and i not in guard
            and len(line) <= _HEADLINE_MAX
            and "。" not in line
            and not _is_timestamp(line)
        ):
            reasons[i] = "headline link"
        elif prev is not None and seq[prev] == line and len(line) >= 4:
            reasons[i] = "repeated line"  # the first copy stays, whatever it is

    # Headers that take the lines after them along: related links, download-site notices.
    for i, line in enumerate(seq):
        if _RELATED_HEADER.match(line):
            reasons[i] = "related links header"
            for j in range(i + 1, len(seq)):
                link = seq[j]
                if not link or j in guard or "。" in link or len(link) > _LINK_MAX:
                    break
                reasons.setdefault(j, "related links")
        elif _NOTICE_HEADER.match(line):
            reasons[i] = "site notice"
            for j in range(i + 1, len(seq)):
                if not seq[j] or not _NOTICE_ITEM.search(seq[j]):
                    break
                reasons.setdefault(j, "site notice")

    # Runs of tiny tag lines (download sites list keywords one per line). Six in a row outweigh
    # the guess that the first of them is a title; only a real heading breaks the run.
    run: list[int] = []
    for i in [*range(len(seq)), -1]:
        if i >= 0 and i not in reasons and not protected[i] and _SHORT_TAG.match(seq[i]):
            run.append(i)
            continue
        if len(run) >= _TAG_RUN:
            reasons.update(dict.fromkeys(run, "tag list"))
        run = []
    return reasons


def boilerplate_mask(lines: Sequence[str], protected: Collection[int] = ()) -> dict[int, str]:
    """Indices of `lines` that are boilerplate, with the reason; rules are re-applied to what
    is left until nothing more drops (at most a few rounds), which makes dropping idempotent.
    Indices in `protected` (an article's <h1>/<h2>) are dropped only by their own text."""
    alive = list(range(len(lines)))
    dropped: dict[int, str] = {}
    cache: dict[str, str | None] = {}  # each rule pass re-reads every line: judge each once
    while True:
        reasons = _boilerplate_pass(
            [lines[i] for i in alive], cache, [i in protected for i in alive]
        )
        if not reasons:
            return dropped
        for pos, reason in reasons.items():
            dropped[alive[pos]] = reason
        alive = [i for i in alive if i not in dropped]


def drop_boilerplate_lines(text: str) -> tuple[str, list[DroppedLine]]:
    """Drop web boilerplate lines; return the kept text and the dropped lines (1-based)."""
    lines = text.split("\n")
    mask = boilerplate_mask(lines)
    if not mask:
        return text, []
    kept = "\n".join(line for i, line in enumerate(lines) if i not in mask)
    dropped = [DroppedLine(i + 1, lines[i], reason) for i, reason in sorted(mask.items())]
    return kept, dropped


# --- 6. wrapped lines --------------------------------------------------------------------------

_WIDE = re.compile(  # wide scripts: no space where two pieces of them are joined
    "[\u1100-\u115f\u2e80-\u303e\u3041-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_TITLE_CELLS = 30  # a line of ≤ 15 Han characters with no sentence end may be a title
_MIN_WRAP_CELLS = 16
_CONTINUING = "，、,：:—-("


def _wrap_width(widths: Sequence[int]) -> int | None:
    """The width a file was hard-wrapped at, or None if it does not look hard-wrapped."""
    candidates = [w for w in widths if w >= _MIN_WRAP_CELLS]
    if len(candidates) < 3:
        return None
    mode, _ = Counter(candidates).most_common(1)[0]
    # Chinese wraps at an exact column, give or take one wide character.
    near = sum(1 for w in widths if mode - 2 <= w <= mode)
    over = sum(1 for w in widths if w > mode + 2)
    if near >= 3 and near >= 0.3 * len(widths) and over <= 0.1 * len(widths):
        return mode
    return None


def joiner(left: str, right: str) -> str:
    """What goes between two pieces of one paragraph: nothing next to Han, else a space."""
    if _WIDE.match(left[-1]) or _WIDE.match(right[0]):
        return ""
    return " "


def join_wrapped_lines(text: str) -> str:
    """Rebuild paragraphs from lines; the result has one paragraph per line, separated by one
    blank line (see the module docstring for when a line break is a wrap)."""
    lines = [line.strip() for line in text.split("\n")]
    nonblank = [line for line in lines if line]
    if not nonblank:
        return ""
    first = next(i for i, line in enumerate(lines) if line)
    last = max(i for i, line in enumerate(lines) if line)
    has_blank = not all(lines[first:last])
    widths = {line: cell_width(line) for line in nonblank}
    wrap = _wrap_width([widths[line] for line in nonblank])

    paragraphs: list[str] = []
    current = ""
    previous = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = previous = ""
            continue
        if current and _continues(previous, widths[previous], wrap, has_blank):
            current += joiner(current, line) + line
        else:
            if current:
                paragraphs.append(current)
            current = line
        previous = line
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _continues(line: str, width: int, wrap: int | None, has_blank: bool) -> bool:
    """Whether the line after `line` continues the same paragraph."""
    ends = _ends_sentence(line)
    if wrap is not None and width >= wrap - 2:
        return has_blank or not ends
    if not has_blank or ends:
        return False
    # A comma or a lower-case word at the end cannot end a title: the sentence goes on.
    return width > _TITLE_CELLS or line[-1] in _CONTINUING or "a" <= line[-1] <= "z"


# --- the pipeline ------------------------------------------------------------------------------


def clean_inline(text: str) -> str:
    """Steps 1-4: the character-level cleaning, for text that is already split into blocks."""
    return strip_pinyin_artifacts(normalise_whitespace(strip_invisible(normalise_newlines(text))))


def clean(text: str) -> CleanResult:
    """All steps in order; the result's paragraphs are separated by one blank line."""
    kept, dropped = drop_boilerplate_lines(clean_inline(text))
    return CleanResult(join_wrapped_lines(kept), dropped)
