"""Dates, times, numbers, percentages and amounts in Chinese text, rendered in English.

`find_numbers(text)` yields `(start, end, english)` for each expression, left to right, never
overlapping: `2月21日` → `Feb 21`, `2020年2月` → `Feb 2020`, `14时30分` → `14:30`,
`7亿多元` → `over 700 million yuan`, `百分之五十` → `50%`, `第三十四次` → `34th`,
`1200余人` → `over 1,200 people`. Chinese numerals are read only where they cannot be part of
an ordinary word: after 第, with a magnitude (万, 亿), or with a unit and at least two
numeral characters (so 一个, 统一, 十分 and 千万 stay words). A bare Arabic number is left
alone (the gloss passes it through unchanged).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reader.han import HAN

_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGIT |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万亿": 10**12, "亿": 10**8, "万": 10**4}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# units rendered after the number; measure words (个, 名, 位 …) are dropped, the noun follows
UNITS = {
    "美元": "US dollars",
    "人民币": "yuan",
    "元": "yuan",
    "港元": "Hong Kong dollars",
    "欧元": "euros",
    "平方公里": "square kilometres",
    "公里": "kilometres",
    "公斤": "kilograms",
    "吨": "tonnes",
    "人次": "person-times",
    "人": "people",
    "例": "cases",
    "岁": "years old",
    "天": "days",
    "个月": "months",
    "周": "weeks",
    "小时": "hours",
    "分钟": "minutes",
    "倍": "times",
    "次": "times",
    "项": "items",
    "年": "years",
}
MEASURES = "个名位家条批起所辆架只件座"
SINGULAR = {"cases": "case", "people": "person", "days": "day", "months": "month"}
SINGULAR |= {"weeks": "week", "hours": "hour", "minutes": "minute", "years": "year"}
SINGULAR |= {"times": "time", "items": "item"}

_CN = "〇零一二两三四五六七八九十百千"
_NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN}]+)"
_UNIT = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
_PATTERN = re.compile(
    "|".join(
        [
            # dates: 2020年2月21日, 2020年2月, 2月21日, 2020年, 21日
            r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})年"
            r"(?:(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月"
            r"(?:(?P<d>\d{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号])?)?",
            r"(?P<m2>\d{1,2}|十[一二]?|[一二三四五六七八九])月"
            r"(?P<d2>\d{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]",
            r"(?P<d3>\d{1,2})[日号](?![报])",
            # months: 2月, 1至2月, 1-2月 (not 3个月, a duration)
            r"(?:(?P<m4>\d{1,2})[至到\-—~])?(?P<m3>\d{1,2})月(?!份?\d)",
            # times: 14时30分, 14时, 8点30分, 8点半
            r"(?P<h>\d{1,2})(?:时|点(?=\d{1,2}分|半))(?:(?P<min>\d{1,2})分|(?P<half>半))?",
            # percentages: 百分之五十, 百分之12.5
            rf"百分之(?P<pct>{_NUM})",
            # ordinals: 第三十四次, 第5
            rf"第(?P<ord>{_NUM})(?:[{MEASURES}次届]|(?=[{HAN}]))?",
            # amounts: 7亿多元, 1200余人, 3.5万, 五十多人
            rf"(?P<n>{_NUM})(?P<more>多|余)?(?P<big>万亿|亿|万)?(?P<more2>多|余)?"
            rf"(?P<unit>{_UNIT}|[{MEASURES}])?",
        ]
    )
)


def chinese_number(text: str) -> float | None:
    """ "三十四" → 34, "两千" → 2000, "二〇二〇" → 2020, "12.5" → 12.5; None if not a number."""
    if re.fullmatch(r"\d+(?:,\d{3})*(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    if not text or any(ch not in _DIGIT and ch not in _SMALL for ch in text):
        return None
    if all(ch in _DIGIT for ch in text):  # digit by digit: 二〇二〇
        return float("".join(str(_DIGIT[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        else:
            total += (1 if digit is None else digit) * _SMALL[ch]
            digit = None
    return float(total + (digit or 0))


def _fmt(value: float) -> str:
    if value >= 10**12:
        return f"{value / 10**12:g} trillion"
    if value >= 10**9:
        return f"{value / 10**9:g} billion"
    if value >= 10**6:
        return f"{value / 10**6:g} million"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _render(match: re.Match[str]) -> str | None:
    g = match.groupdict()
    if g["m3"]:
        first, last = int(g["m4"] or g["m3"]), int(g["m3"])
        if not 1 <= first <= last <= 12:
            return None
        name = MONTH_NAMES[last - 1]
        return f"{MONTH_NAMES[first - 1]}-{name}" if first != last else name
    if g["y"] or g["m2"] or g["d3"]:
        year = chinese_number(g["y"]) if g["y"] else None
        month = chinese_number(g["m"] or g["m2"] or "")
        day = chinese_number(g["d"] or g["d2"] or g["d3"] or "")
        if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
            return None
        if g["d3"]:
            return f"the {_ordinal(int(day or 0))}"
        parts = []
        if month is not None:
            if day is None:
                parts.append(MONTH_NAMES[int(month) - 1])
            else:
                parts.append(f"{MONTHS[int(month) - 1]} {int(day)}")
        if year is not None:
            parts.append(f"{int(year)}")
        return ", ".join(parts) if day is not None and year is not None else " ".join(parts)
    if g["h"]:
        hour = int(g["h"])
        minute = 30 if g["half"] else int(g["min"] or 0)
        return f"{hour}:{minute:02d}" if hour <= 24 and minute < 60 else None
    if g["pct"]:
        value = chinese_number(g["pct"])
        return None if value is None else f"{_fmt(value)}%"
    if g["ord"]:
        value = chinese_number(g["ord"])
        return None if value is None or value != int(value) else _ordinal(int(value))
    number = g["n"]
    value = chinese_number(number)
    if value is None:
        return None
    more, big, unit = g["more"] or g["more2"], g["big"], g["unit"]
    chinese = not number[0].isdigit()
    if not (more or big or unit):
        return None  # a bare number: passed through (Arabic) or kept as words (Chinese)
    if chinese and not big and len(number) < 2:
        return None  # 一个, 三人 are words CC-CEDICT glosses well enough
    if number == "千" and big == "万" and not unit:
        return None  # 千万 is usually "be sure to"
    if big:
        value *= _BIG[big]
    text = ("over " if more else "") + _fmt(value)
    if unit and unit in UNITS:
        english = UNITS[unit]
        if value == 1 and not more:  # 1例 → 1 case
            english = SINGULAR.get(english, english)
        text += " " + english
    return text


def find_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """Each date, time, percentage, ordinal or amount in `text`: (start, end, English)."""
    pos = 0
    while True:
        match = _PATTERN.search(text, pos)
        if match is None:
            return
        english = _render(match) if match.group() else None
        if english is None:
            pos = match.start() + 1
            continue
        yield match.start(), match.end(), english
        pos = match.end()
