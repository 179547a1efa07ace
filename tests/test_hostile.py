"""Hostile input: every reader of user bytes ends in a result or one `ReaderError` line.

Property tests (hypothesis) throw arbitrary and mutated bytes at every document loader, the
glossary readers and the .argosmodel validator; generated attacks (zip bombs, billion laughs,
XXE, deep HTML, endless stdin, oversized files) check the specific defences. Memory bounds are
asserted with tracemalloc (allocations, not time: no test here is timed).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.documents.loading import load_document
from reader.errors import ReaderError
from reader.glossary.file import Glossary
from reader.glossary.interchange import import_entries
from reader.translation import packages
from tests import books
from tests.conftest import ROOT, one_message
from tests.test_formats import make_docx, make_epub
from tests.tiny_model import TINY_FOLDER, metadata

SUFFIXES = ["doc.txt", "doc.md", "doc.html", "doc.epub", "doc.docx", "noext", "-"]
# hypothesis: about 1,000 examples per test (200 where one costs ~50 ms: HTML, archives), a few
# seconds each on 2 shared cores; READER_HOSTILE_EXAMPLES=5000 for a longer hunt.
_EXAMPLES = int(os.environ.get("READER_HOSTILE_EXAMPLES", "1000"))
FAST = settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=max(1, _EXAMPLES // 5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def one_line(error: ReaderError) -> str:
    line = error.render()
    assert "\n" not in line and line.startswith("reader: ")
    assert "Traceback" not in line
    return line


def loads_or_one_line(where: str, data: bytes) -> None:
    try:
        doc = load_document(where, data=data)
    except ReaderError as error:
        one_line(error)
        return
    assert doc.paragraphs and all(p.text and "\n" not in p.text for p in doc.paragraphs)


# --- property tests -----------------------------------------------------------------------------


@FAST
@given(data=st.binary(max_size=2000), where=st.sampled_from(SUFFIXES))
def test_any_bytes_as_any_document(data: bytes, where: str) -> None:
    loads_or_one_line(where, data)


@SLOW
@given(text=st.text(max_size=500), where=st.sampled_from(["doc.html", "doc.md", "-"]))
def test_any_text_as_markup(text: str, where: str) -> None:
    markup = f"<html><body>{text}</body></html>" if where == "doc.html" else text
    loads_or_one_line(where, markup.encode("utf-8"))


_EPUB, _DOCX = make_epub(), make_docx()


def mutate(data: bytes, edits: list[tuple[int, int]], cut: int) -> bytes:
    out = bytearray(data[: max(4, len(data) - cut)])
    for position, value in edits:
        out[position % len(out)] = value
    return bytes(out)


@SLOW
@given(
    base=st.sampled_from([("doc.epub", _EPUB), ("doc.docx", _DOCX), ("noext", _EPUB)]),
    edits=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=8),
    cut=st.integers(0, 400),
)
def test_damaged_epub_and_docx(base: tuple[str, bytes], edits: list, cut: int) -> None:
    where, data = base
    loads_or_one_line(where, mutate(data, edits, cut))


_GLOSSARY_FORMATS = ["auto", "csv", "omegat", "tbx", "babeldoc"]


@FAST
@given(data=st.binary(max_size=1000), fmt=st.sampled_from([*_GLOSSARY_FORMATS, "load"]))
def test_any_bytes_as_a_glossary(data: bytes, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("g.tbx" if fmt == "tbx" else "g.csv")
        path.write_bytes(data)
        try:
            if fmt == "load":
                Glossary.load(path)
            else:
                import_entries(path, fmt)
        except ReaderError as error:
            one_line(error)


@SLOW
@given(
    data=st.one_of(
        st.binary(max_size=500),
        st.builds(
            mutate,
            st.just(books.zip_bytes([(f"{TINY_FOLDER}/metadata.json", json.dumps({"a": 1}))])),
            st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), max_size=6),
            st.integers(0, 50),
        ),
    )
)
def test_any_bytes_as_an_argos_model(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.argosmodel"
        path.write_bytes(data)
        try:
            packages.validate_archive(path)
        except ReaderError as error:
            one_line(error)


# --- zip bombs ----------------------------------------------------------------------------------


def peak_bytes(run: Callable[[], object]) -> int:
    """Peak Python allocation while `run` runs (bytes objects from zip members included)."""
    tracemalloc.start()
    try:
        run()
    except ReaderError:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def refused(where: str | Path, data: bytes | None = None) -> str:
    with pytest.raises(ReaderError) as error:
        load_document(where, data=data)
    return one_line(error.value)


MB = 1024**2
_BOMB_SIZE = 64 * MB  # deflates to ~64 KB: 1000:1


@pytest.fixture(scope="module")
def epub_bomb() -> bytes:
    return books.bomb(
        ["OEBPS/c1.xhtml"],
        _BOMB_SIZE,
        prefix=[
            ("mimetype", "application/epub+zip"),
            ("META-INF/container.xml", books.CONTAINER),
            ("OEBPS/content.opf", books.opf("炸弹", ["c1"], ["c1"])),
        ],
    )


def test_epub_zip_bomb_is_refused_before_decompression(epub_bomb: bytes) -> None:
    assert len(epub_bomb) < MB
    line = refused("bomb.epub", epub_bomb)
    assert line.startswith("reader: bomb.epub: not a valid EPUB file: unsafe archive: member ")
    assert "(a zip bomb? limit 200:1)" in line
    assert peak_bytes(lambda: load_document("bomb.epub", data=epub_bomb)) < 8 * MB


def test_docx_zip_bomb_is_refused_before_decompression() -> None:
    bomb = books.bomb(
        ["word/document.xml"], _BOMB_SIZE, prefix=[("[Content_Types].xml", "<Types/>")]
    )
    line = refused("bomb.docx", bomb)
    assert "not a valid DOCX file: unsafe archive: member 'word/document.xml'" in line
    assert peak_bytes(lambda: load_document("bomb.docx", data=bomb)) < 8 * MB


def test_sniffing_an_extensionless_zip_reads_only_what_it_needs() -> None:
    # the case: a huge `mimetype` member was read whole to learn the format
    bomb = books.bomb(["mimetype"], _BOMB_SIZE)
    assert refused("noext", bomb) == "reader: noext: binary file (ZIP archive), not a text document"
    assert peak_bytes(lambda: load_document("noext", data=bomb)) < 8 * MB


def test_a_zip_of_many_members_is_refused_from_its_directory_record() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        for i in range(10_001):
            archive.writestr(f"{i}", b"")
    line = refused("many.epub", out.getvalue())
    assert (
        line == "reader: many.epub: not a valid EPUB file: unsafe archive: more than 10,000 members"
    )


def test_argosmodel_zip_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta = json.dumps(metadata("0.1", "bomb"))
    bomb = tmp_path / "bomb.argosmodel"
    bomb.write_bytes(
        books.bomb(
            [f"{TINY_FOLDER}/model/model.bin"],
            _BOMB_SIZE,
            prefix=[
                (f"{TINY_FOLDER}/metadata.json", meta),
                (f"{TINY_FOLDER}/sentencepiece.model", "x"),
            ],
        )
    )
    assert main(["model", "install", "--file", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert one_message(err).startswith(f"reader: {bomb}: unsafe archive: member ")


# --- XML entity attacks -------------------------------------------------------------------------

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def test_epub_package_entities_expand_to_nothing() -> None:
    book = books.make_book({"c1": "<p>正文。</p>"}, ["c1"], title="书&xxe;", prolog=XXE)
    doc = load_document("e.epub", data=book)
    assert doc.title == "书" and [p.text for p in doc.paragraphs] == ["正文。"]
    laughs = books.make_book({"c1": "<p>正文。</p>"}, ["c1"], title="书&lol9;", prolog=LAUGHS)
    assert refused("e.epub", laughs) == (
        "reader: e.epub: not a valid EPUB file: OEBPS/content.opf exceeds the XML parser's "
        "limits (entity expansion or depth)"
    )
    assert peak_bytes(lambda: load_document("e.epub", data=laughs)) < 16 * MB


def _docx_with(document_xml: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(_DOCX)) as source:
        members = [(n, source.read(n)) for n in source.namelist()]
    return books.zip_bytes(
        [(n, document_xml if n == "word/document.xml" else d) for n, d in members],
        stored_first=False,
    )


@pytest.mark.parametrize(
    ("prolog", "entity"), [(LAUGHS, "&lol9;"), (XXE, "&xxe;")], ids=["billion-laughs", "xxe"]
)
def test_docx_entities_expand_to_nothing(prolog: str, entity: str) -> None:
    with zipfile.ZipFile(io.BytesIO(_DOCX)) as source:
        xml = source.read("word/document.xml").decode("utf-8")
    head, body = xml.split("?>", 1)
    attacked = f"{head}?>{prolog}{body}".replace("会议纪要", f"会议纪要{entity}", 1)
    data = _docx_with(attacked.encode("utf-8"))
    peak = peak_bytes(lambda: load_document("e.docx", data=data))
    try:
        doc = load_document("e.docx", data=data)
    except ReaderError as error:  # refusing the document is as good as expanding nothing
        one_line(error)
    else:
        assert "lol" not in doc.paragraphs[0].text and "root:" not in doc.paragraphs[0].text
    assert peak < 32 * MB


@pytest.mark.parametrize(
    ("prolog", "entity"), [(LAUGHS, "&lol9;"), (XXE, "&xxe;")], ids=["billion-laughs", "xxe"]
)
def test_tbx_entities_expand_to_nothing(prolog: str, entity: str, tmp_path: Path) -> None:
    tbx = tmp_path / "g.tbx"
    tbx.write_text(
        f'<?xml version="1.0"?>{prolog}<martif><text><body><termEntry>'
        f'<langSet xml:lang="zh"><tig><term>会议{entity}</term></tig></langSet>'
        '<langSet xml:lang="en"><tig><term>meeting</term></tig></langSet>'
        "</termEntry></body></text></martif>",
        encoding="utf-8",
    )
    peak = 0
    try:
        tracemalloc.start()
        entries = import_entries(tbx)
        assert all("lol" not in e.zh and "root:" not in e.zh for e in entries)
    except ReaderError as error:
        one_line(error)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 128 * MB  # expat (>= 2.4) stops billion laughs at its amplification limit


# --- HTML limits --------------------------------------------------------------------------------


def test_html_past_depth_256_is_read_whole() -> None:
    # 300 unclosed <font> tags: libxml2 used to stop at depth 256 and drop the rest, exit 0
    html = "<html><body><p>开头一句。</p>" + "<font>" * 300 + "<p>结尾一句话。</p></body></html>"
    doc = load_document("deep.html", data=html.encode())
    assert "结尾一句话。" in [p.text for p in doc.paragraphs]
    assert doc.warnings == []


def test_html_with_a_huge_attribute_is_read_whole() -> None:
    image = "data:image/png;base64," + "A" * 11_000_000
    html = f'<html><body><p>开头一句。</p><img src="{image}"><p>结尾一句话。</p></body></html>'
    doc = load_document("big.html", data=html.encode())
    assert [p.text for p in doc.paragraphs][-1] == "结尾一句话。"


def test_html_deeper_than_the_parser_goes_says_why() -> None:
    html = "<html><body><p>开头一句。</p>" + "<div>" * 3000 + "<p>结尾一句话。</p></body></html>"
    doc = load_document("deep.html", data=html.encode())
    assert doc.warnings == [
        "HTML nested deeper than 2048 levels (line 1): the text after that point was left out"
    ]
    empty = "<html><body>" + "<div>" * 10_000 + "<p>结尾一句话。</p></body></html>"
    assert refused("deeper.html", empty.encode()) == (
        "reader: deeper.html: no text read: HTML nested deeper than 2048 levels (line 1): "
        "the text after that point was left out"
    )


def test_a_missing_module_behind_a_format_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # pip < 23.3 left out lxml_html_clean, which trafilatura imports: every .html died
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    assert refused("page.html", b"<html><body><p>text</p></body></html>") == (
        "reader: page.html: cannot read HTML files: the Python module 'trafilatura' is "
        "missing; reinstall reader (`pip install --upgrade pip` first)"
    )


# --- size caps, endless input, special files ----------------------------------------------------


def test_a_file_over_the_cap_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(300 * MB)  # sparse: nothing is written, nothing must be read
    assert peak_bytes(lambda: load_document(big)) < MB
    assert refused(big) == (
        f"reader: {big}: larger than the 200 MB input limit; raise it with --max-size "
        "(e.g. --max-size 1G)"
    )


def test_max_size_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("会议召开。" * 400, encoding="utf-8")  # 6 KB
    assert main(["export", str(doc), "--max-size", "4k", "-o", "-", "--engine", "gloss"]) == 2
    assert "larger than the 4 KB input limit" in one_message(capsys.readouterr().err)
    assert main(["export", str(doc), "--max-size", "1M", "-o", "-", "--engine", "gloss"]) == 0


def _run(command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, cwd=ROOT, timeout=timeout
    )


def test_endless_stdin_stops_at_the_cap() -> None:
    endless = f"{sys.executable} -c \"import sys\nwhile True: sys.stdout.write('无尽' * 4096)\""
    # the generator's own BrokenPipeError goes to /dev/null: only reader's stderr is checked
    result = _run(f"{endless} 2>/dev/null | {sys.executable} -m reader export - -o - --max-size 8M")
    assert result.returncode == 2
    assert one_message(result.stderr) == (
        "reader: -: larger than the 8 MB input limit; raise it with --max-size (e.g. --max-size 1G)"
    )


def test_dev_zero_stops_at_the_cap() -> None:
    result = _run(f"{sys.executable} -m reader export /dev/zero -o - --max-size 8M")
    assert result.returncode == 2
    assert one_message(result.stderr).startswith(
        "reader: /dev/zero: larger than the 8 MB input limit"
    )


def test_closed_stdin_is_one_line() -> None:
    result = _run(f"{sys.executable} -m reader export - -o - <&-")
    assert (result.returncode, result.stderr) == (
        2,
        "reader: -: stdin is closed; pipe a document in, or give a file\n",
    )


def test_fifo_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("w", encoding="utf-8") as writer:
            writer.write("会议召开。\n")

    writer = threading.Thread(target=feed)
    writer.start()
    doc = load_document(fifo)
    writer.join()
    assert [p.text for p in doc.paragraphs] == ["会议召开。"]


def test_symlink_loop_is_named(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    assert (
        refused(loop) == f"reader: {loop}: symbolic link loop (a link that points back to itself)"
    )


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text(encoding: str) -> None:
    text = "Meeting notes 会议纪要\n\n会议强调，要进一步抓实联防联控机制。\n"
    doc = load_document("notes.txt", data=text.encode(encoding))
    assert [p.text for p in doc.paragraphs] == [
        "Meeting notes 会议纪要",
        "会议强调，要进一步抓实联防联控机制。",
    ]
    assert doc.encoding == encoding


# --- the reader: errors before the full-screen UI -----------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b" \n\n\t\n", "empty document: only whitespace"),
        (b"\x7fELF\x02\x01\x01" + bytes(200), "binary file (executable), not a text document"),
        (bytes(range(256)), "binary file (binary data), not a text document"),
    ],
    ids=["empty", "whitespace", "executable", "binary"],
)
def test_reader_refuses_before_the_ui_starts(
    content: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / ("doc.bin" if content[:1] in (b"\x7f", b"\x00") else "doc.txt")
    path.write_bytes(content)
    assert main([str(path)]) == 2  # would have opened the UI (and hung the test) before
    assert one_message(capsys.readouterr().err) == f"reader: {path}: {message}"


def test_reader_on_stdin_without_a_terminal_is_one_line() -> None:
    result = _run(f"echo 会议召开。 | setsid {sys.executable} -m reader - --engine gloss")
    assert (result.returncode, result.stderr) == (
        2,
        "reader: -: the reader needs a terminal; use `reader export -`\n",
    )


# --- storage failures: one line, never a traceback, never mistaken for corruption ---------------


# A locked or full translation memory: tests/test_memory_files.py (the cache warns once and the
# run continues uncached; post-edits fail in one line, never silently).


def test_glossary_save_on_a_full_disk_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from reader.glossary import file as glossary_file

    path = tmp_path / "glossary.csv"
    path.write_text("zh,en\n会议,meeting\n", encoding="utf-8")
    glossary = Glossary.load(path)

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(glossary_file, "write_text_atomic", full)  # where save() calls it
    with pytest.raises(ReaderError) as error:
        glossary.save()
    assert one_line(error.value) == f"reader: {path}: cannot save: No space left on device"
    assert path.read_text(encoding="utf-8") == "zh,en\n会议,meeting\n"


def test_a_zip_needing_an_unknown_version_is_one_line() -> None:
    # found by test_damaged_epub_and_docx: one byte of the central directory claimed "zip
    # version 6.4", and zipfile raised NotImplementedError while opening the archive
    for name, data in (("doc.epub", _EPUB), ("doc.docx", _DOCX)):
        damaged = bytearray(data)
        directory = damaged.index(b"PK\x01\x02")
        damaged[directory + 6] = 64  # "version needed to extract": 6.4
        message = refused(name, bytes(damaged))
        assert message.startswith(f"reader: {name}: ") and "\n" not in message
