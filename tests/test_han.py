"""One definition of a Han character, shared by cleaning, scripts, gloss and the guard."""

from __future__ import annotations

from reader.han import HAN_RUN, han_count, has_han


def test_han_includes_rare_characters_and_excludes_punctuation() -> None:
    assert has_han("𠮷")  # Extension B, common in names
    assert han_count("聯防联控，COVID-19。") == 4
    assert not has_han("，。！？COVID-19 ⟦T0⟧ ぁ")


def test_runs_split_at_anything_not_han() -> None:
    assert HAN_RUN.findall("疫情⟦T0⟧防控 2022年") == ["疫情", "防控", "年"]
