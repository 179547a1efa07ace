"""Post-edits survive a corrected source: kept with their text, offered again on the changed
paragraph (never used by exports), and an older post-edits file is upgraded without a loss."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.documents.document import Document
from reader.documents.loading import load_document
from reader.glossary.file import Glossary
from reader.translation import earlier_edits as module
from reader.translation.earlier_edits import earlier_edits, orphaned_edits
from reader.translation.memory import TranslationMemory, source_hash
from reader.translation.pipeline import Translator, document_key
from tests.engines import DictEngine

FIRST = "北京市今天召开会议，强调要加强疫情防控工作，落实各项措施。"
SECOND = "全市社区要坚持做好防控工作，重要的是落实。"
OTHER = "这是一个完全不同的段落，与上面的内容没有关系。"


def write(path: Path, *paragraphs: str) -> Document:
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return load_document(str(path))


def edit(memory: TranslationMemory, doc: Document, index: int, english: str) -> None:
    p = doc.paragraphs[index]
    memory.set_post_edit(document_key(doc), p.id, p.text, english)


def test_one_changed_word_offers_the_earlier_edit(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    path = tmp_path / "a.txt"
    doc = write(path, FIRST, SECOND, OTHER)
    edit(memory, doc, 0, "Beijing met today.")
    edit(memory, doc, 1, "Communities must keep at it.")
    assert earlier_edits(memory, document_key(doc), doc) == {}  # nothing changed

    corrected = write(path, FIRST.replace("今天", "昨天"), SECOND, OTHER)
    offers = earlier_edits(memory, document_key(corrected), corrected)
    changed = corrected.paragraphs[0]
    assert list(offers) == [changed.id]
    offer = offers[changed.id]
    assert offer.edit.english == "Beijing met today." and offer.edit.source == FIRST
    assert 0.8 <= offer.ratio < 1
    # the unchanged edited paragraph keeps its own edit and is not offered anything
    assert memory.post_edit(corrected.paragraphs[1].id, SECOND, document_key(corrected))

    # the offer is not a post-edit: the translation (what exports write) is the machine's
    translator = Translator(DictEngine(), Glossary(entries=[]), memory)
    result = translator.translate(corrected)
    assert not result[changed.id].human and result[changed.id].text != "Beijing met today."

    # accepting stores it for the new text; the earlier one stays, orphaned, never dropped
    translator.set_post_edit(corrected, changed.id, offer.edit.english)
    assert translator.translate(corrected)[changed.id].text == "Beijing met today."
    assert earlier_edits(memory, document_key(corrected), corrected) == {}
    orphans = orphaned_edits(memory, document_key(corrected), corrected)
    assert [o.source for o in orphans] == [FIRST]


def test_only_near_identical_paragraphs_of_the_same_document(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    doc = write(tmp_path / "a.txt", FIRST)
    edit(memory, doc, 0, "Beijing met today.")
    # another document with the corrected paragraph: not offered (edits are per document)
    other = write(tmp_path / "b.txt", FIRST.replace("今天", "昨天"))
    assert earlier_edits(memory, document_key(other), other) == {}
    # the same document rewritten beyond recognition: not offered
    rewritten = write(tmp_path / "a.txt", OTHER)
    assert earlier_edits(memory, document_key(rewritten), rewritten) == {}
    # two changed copies of the paragraph: the edit goes to one, the most similar
    twice = write(
        tmp_path / "a.txt",
        FIRST.replace("今天", "昨天").replace("会议", "大会"),
        FIRST.replace("今天", "昨天"),
    )
    offers = earlier_edits(memory, document_key(twice), twice)
    assert list(offers) == [twice.paragraphs[1].id]


def test_candidates_are_bounded(tmp_path: Path, monkeypatch) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    path = tmp_path / "a.txt"
    doc = write(path, FIRST, SECOND)
    edit(memory, doc, 0, "old first")
    edit(memory, doc, 1, "old second")  # the most recent
    monkeypatch.setattr(module, "MAX_CANDIDATES", 1)
    corrected = write(path, FIRST.replace("今天", "昨天"), SECOND.replace("全市", "本市"))
    offers = earlier_edits(memory, document_key(corrected), corrected)
    assert [o.edit.english for o in offers.values()] == ["old second"]


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet="北京市今天召开会议强调要加强疫情防控工作落实各项措施全", min_size=12),
    at=st.integers(min_value=0),
    new=st.sampled_from("昨明后"),
)
def test_any_one_character_change_is_found(tmp_path_factory, text: str, at: int, new: str) -> None:
    tmp_path = tmp_path_factory.mktemp("fuzz")
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    doc = write(tmp_path / "a.txt", text)
    edit(memory, doc, 0, "mine")
    at %= len(text)
    changed = text[:at] + new + text[at + 1 :]
    corrected = write(tmp_path / "a.txt", changed)
    offers = earlier_edits(memory, document_key(corrected), corrected)
    assert [o.edit.english for o in offers.values()] == ["mine"]


def test_an_older_post_edits_file_is_upgraded_without_a_loss(tmp_path: Path) -> None:
    edits = tmp_path / "m.post-edits.sqlite3"
    conn = sqlite3.connect(edits)
    conn.execute(
        "CREATE TABLE post_edit (doc_key TEXT NOT NULL, source_hash TEXT NOT NULL, "
        "paragraph_id TEXT NOT NULL, english TEXT NOT NULL, updated REAL NOT NULL, "
        "PRIMARY KEY (doc_key, source_hash))"
    )
    conn.execute(
        "INSERT INTO post_edit VALUES (?, ?, ?, ?, ?)",
        ("/a.txt", source_hash(FIRST), "p1", "Beijing met.", 1.0),
    )
    conn.commit()
    conn.close()
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    (old,) = memory.post_edits()
    assert (old.english, old.source) == ("Beijing met.", "")
    # seen again: its source text is filled in, so a later correction can find it
    assert memory.post_edit("p1", FIRST, "/a.txt") == "Beijing met."
    assert memory.post_edits()[0].source == FIRST
    memory.set_post_edit("/a.txt", "p2", SECOND, "Second.")
    assert {e.english for e in memory.post_edits("/a.txt")} == {"Beijing met.", "Second."}
    assert len({e.id for e in memory.post_edits()}) == 2
