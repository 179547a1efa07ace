"""What counts as a Han character, defined once for every module that asks.

The CJK Unified Ideographs, Extension A, the compatibility ideographs and the supplementary
planes (Extensions B onward), so a rare character in a name is Han everywhere or nowhere.
"""

from __future__ import annotations

import re

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # a character-class body
HAN_CHAR = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]+")


def has_han(text: str) -> bool:
    return HAN_CHAR.search(text) is not None


def han_count(text: str) -> int:
    return len(HAN_CHAR.findall(text))
