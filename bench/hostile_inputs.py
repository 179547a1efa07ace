"""Every hostile input of issue 9, run through the CLI: result, wall time and peak memory.

Usage: python bench/hostile_inputs.py [--checkout DIR] [--only NAME ...]

Builds the inputs in a temp folder, runs `python -m reader ...` from DIR (default: this
checkout) under /usr/bin/time -v with address space capped at 3 GiB (so a runaway "before"
run ends in MemoryError rather than taking the machine), and prints a Markdown table. One run
each: these are pass/fail defences, not speed benchmarks.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import books  # noqa: E402
from tests.test_hostile import LAUGHS, XXE  # noqa: E402

CAP_KB = 3 * 1024 * 1024
MB = 1024**2


_OOXML = "http://schemas.openxmlformats.org"
_TYPES = (
    f'<?xml version="1.0"?><Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_OOXML}/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def _docx(document_xml: str) -> bytes:
    return books.zip_bytes(
        [
            ("[Content_Types].xml", _TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", document_xml),
        ],
        stored_first=False,
    )


def build(folder: Path) -> list[tuple[str, str, str | None]]:
    """(name, shell command, stdin-producing prefix) for every case."""
    f = folder
    py = f"{sys.executable} -m reader"
    cases: list[tuple[str, str, str | None]] = []

    def case(name: str, args: str, pipe: str | None = None) -> None:
        cases.append((name, f"{py} {args}", pipe))

    opf = books.opf("炸弹", ["c1"], ["c1"])
    prefix = [
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", books.CONTAINER),
        ("OEBPS/content.opf", opf),
    ]
    (f / "bomb.epub").write_bytes(books.bomb(["OEBPS/c1.xhtml"], 1024 * MB, prefix=prefix))
    case("EPUB zip bomb (1 GiB member, 1 MB file)", f"export {f}/bomb.epub -o -")
    (f / "bomb.docx").write_bytes(
        books.bomb(["word/document.xml"], 1024 * MB, prefix=[("[Content_Types].xml", "<T/>")])
    )
    case("DOCX zip bomb (1 GiB member)", f"export {f}/bomb.docx -o -")
    (f / "zipnoext").write_bytes(books.bomb(["mimetype"], 1024 * MB))
    case("extensionless zip, 1 GiB `mimetype`", f"export {f}/zipnoext -o -")
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        for i in range(200_000):
            archive.writestr(str(i), b"")
    (f / "many.epub").write_bytes(many.getvalue())
    case("EPUB of 200,000 empty members", f"export {f}/many.epub -o -")
    meta = json.dumps({"from_code": "zh", "to_code": "en", "package_version": "1"})
    top = "translate-zh_en-bomb"
    (f / "bomb.argosmodel").write_bytes(
        books.bomb(
            [f"{top}/model/model.bin"],
            1024 * MB,
            prefix=[(f"{top}/metadata.json", meta), (f"{top}/sentencepiece.model", "x")],
        )
    )
    case(".argosmodel zip bomb (1 GiB model.bin)", f"model install --file {f}/bomb.argosmodel")
    good = books.make_book({"c1": "<p>会议召开。</p>"}, ["c1"])
    (f / "crc.epub").write_bytes(books.corrupt_member(good, "OEBPS/c1.xhtml"))
    case("EPUB with a bad CRC", f"export {f}/crc.epub -o -")
    laughs = books.make_book({"c1": "<p>会议召开。</p>"}, ["c1"], title="&lol9;", prolog=LAUGHS)
    (f / "laughs.epub").write_bytes(laughs)
    case("EPUB billion laughs (OPF)", f"export {f}/laughs.epub -o -")
    xxe = books.make_book({"c1": "<p>会议召开。</p>"}, ["c1"], title="书&xxe;", prolog=XXE)
    (f / "xxe.epub").write_bytes(xxe)
    case("EPUB XXE (OPF title = /etc/passwd)", f"export {f}/xxe.epub -o -")
    (f / "title.epub").write_bytes(books.make_book({"c1": "<p>会议召开。</p>"}, ["c1"], title=""))
    case("EPUB with an empty title", f"export {f}/title.epub -o -")
    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>会议{}</w:t></w:r></w:p></w:body></w:document>"
    )
    (f / "laughs.docx").write_bytes(_docx(f'<?xml version="1.0"?>{LAUGHS}' + body.format("&lol9;")))
    case("DOCX billion laughs", f"export {f}/laughs.docx -o -")
    (f / "xxe.docx").write_bytes(_docx(f'<?xml version="1.0"?>{XXE}' + body.format("&xxe;")))
    case("DOCX XXE", f"export {f}/xxe.docx -o -")
    tbx = (
        f'<?xml version="1.0"?>{LAUGHS}<martif><text><body><termEntry>'
        '<langSet xml:lang="zh"><tig><term>会议&lol9;</term></tig></langSet>'
        '<langSet xml:lang="en"><tig><term>meeting</term></tig></langSet>'
        "</termEntry></body></text></martif>"
    )
    (f / "laughs.tbx").write_text(tbx, encoding="utf-8")
    (f / "g.csv").write_text("zh,en\n", encoding="utf-8")
    case("TBX billion laughs", f"glossary import {f}/laughs.tbx --glossary {f}/g.csv")
    for depth, tag in ((300, "font"), (3000, "div"), (10_000, "div")):
        html = "<html><body><p>开头一句。</p>" + f"<{tag}>" * depth + "<p>结尾一句话。</p>"
        (f / f"deep{depth}.html").write_text(html + "</body></html>", encoding="utf-8")
        case(f"HTML, {depth:,} unclosed <{tag}>", f"export {f}/deep{depth}.html -o -")
    image = "data:image/png;base64," + "A" * 11_000_000
    (f / "attr.html").write_text(
        f'<html><body><p>开头一句。</p><img src="{image}"><p>结尾一句话。</p></body></html>',
        encoding="utf-8",
    )
    case("HTML with an 11 MB attribute", f"export {f}/attr.html -o -")
    case("/dev/zero", "export /dev/zero -o -")
    endless = (
        f'{sys.executable} -c "import sys, itertools; '
        "[sys.stdout.write('无尽' * 4096) for _ in itertools.count()]\""
    )
    case("endless stdin (generator | reader export -)", "export - -o -", f"{endless} 2>/dev/null")
    with (f / "sparse.txt").open("wb") as handle:
        handle.truncate(300 * MB)
    case("300 MB file (sparse)", f"export {f}/sparse.txt -o -")
    (f / "empty.txt").write_bytes(b"")
    case("`reader empty.txt`", f"{f}/empty.txt")
    (f / "binary.bin").write_bytes(bytes(range(256)) * 64)
    case("`reader binary.bin`", f"{f}/binary.bin")
    text = "Meeting notes 会议纪要\n\n会议强调，要进一步抓实联防联控机制。\n"
    (f / "utf16.txt").write_bytes(text.encode("utf-16-le"))
    case("UTF-16 LE without BOM", f"export {f}/utf16.txt -o -")
    loop = f / "loop.txt"
    loop.symlink_to(loop)
    case("symlink loop", f"export {loop} -o -")
    os.mkfifo(f / "fifo.txt")
    case("FIFO fed by printf", f"export {f}/fifo.txt -o -", None)
    cases[-1] = (cases[-1][0], f"(printf '会议召开。\\n' > {f}/fifo.txt &) ; {cases[-1][1]}", None)
    case("closed stdin", "export - -o - <&-")
    return cases


def run(command: str, pipe: str | None, checkout: Path) -> tuple[int, str, float, int]:
    full = f"{pipe} | {command}" if pipe else command
    # timeout: the old `reader empty.txt` opened the full-screen reader and waited for keys
    timed = (
        f"ulimit -v {CAP_KB}; /usr/bin/time -v timeout 120 sh -c {json.dumps(full)} "
        "2>&1 >/dev/null </dev/null"
    )
    env = dict(os.environ)
    result = subprocess.run(
        ["bash", "-c", timed], capture_output=True, text=True, cwd=checkout, env=env, timeout=600
    )
    out = result.stdout
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", out)
    seconds = 0.0
    if wall:
        h, m, s = wall.groups()
        seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out)
    code = re.search(r"Exit status: (\d+)", out)
    lines = [
        line
        for line in out.splitlines()
        if line and not line.startswith("\t") and "Command being timed" not in line
    ]
    said = "traceback: " + lines[-1] if any("Traceback" in x for x in lines) else " / ".join(lines)
    return int(code.group(1)) if code else -1, said, seconds, int(rss.group(1)) if rss else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; checkout {args.checkout}; one run each")
    print("| input | exit | result (stderr) | time | peak RSS |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        env_home = Path(folder) / "home"
        for sub in ("data", "cache", "config", "state"):
            (env_home / sub).mkdir(parents=True)
            os.environ[f"XDG_{sub.upper()}_HOME"] = str(env_home / sub)
        os.environ["ARGOS_PACKAGES_DIR"] = str(env_home / "argos")
        for name, command, pipe in build(Path(folder)):
            if args.only and not any(o.lower() in name.lower() for o in args.only):
                continue
            code, said, seconds, rss = run(command, pipe, args.checkout)
            said = said.replace(folder, "…").replace("|", "\\|")[:200]
            print(f"| {name} | {code} | {said} | {seconds:.2f} s | {rss / 1024:.0f} MB |")


if __name__ == "__main__":
    main()
