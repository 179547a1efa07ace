"""How much of each corpus page's article the reader keeps, and how much else it lets through.

Run: `python bench/fidelity.py [-v]`. For every `tests/data/pages/NN_site.html` it loads the page
as the reader does (extraction and cleaning) and compares the paragraphs with the hand-written
`NN_site.expected.txt` next to it (format in tests/data/pages/README.md). Printed per page:

- recall: the share of expected paragraphs present, and separately of headings (H) and table
  rows (T) — a paragraph counts when some exported paragraph has the same text, spaces ignored;
- precision: the share of exported paragraphs that are expected (optional `?` lines, such as
  datelines, count neither way);
- title: whether the document title is the expected one.

Totals pool every page's paragraphs. Targets (issue 16): headings and table rows 100%,
paragraphs >= 99%, precision >= 95%. Also printed: the time to load each page (median of 3,
min-max); `-v` lists what was missed or extra.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.documents.cleaning import clean_inline  # noqa: E402
from reader.documents.loading import load_document  # noqa: E402

PAGES = ROOT / "tests" / "data" / "pages"
# more pages of the same form (NN_site.html + NN_site.expected.txt) kept outside the repository,
# e.g. third-party saved pages that may not be committed: READER_FIDELITY_PAGES=/path/to/dir
EXTRA = os.environ.get("READER_FIDELITY_PAGES", "")


def corpus() -> list[Path]:
    """Every page: the repository's own, then those in READER_FIDELITY_PAGES."""
    folders = [PAGES, *(Path(d) for d in EXTRA.split(os.pathsep) if d)]
    return sorted(html for folder in folders for html in folder.glob("*.html"))


KINDS = {"H": "headings", "P": "paragraphs", "T": "table rows"}
RUNS = 3


def key(text: str) -> str:
    return "".join(clean_inline(text).split())


@dataclass
class Expected:
    title: str
    required: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    optional: list[str] = field(default_factory=list)


def read_expected(path: Path) -> Expected:
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[0].removeprefix("title:").strip()
    expected = Expected(title)
    for line in lines[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        mark, _, text = line.partition(" ")
        if mark == "?":
            expected.optional.append(text)
        else:
            expected.required[mark].append(text)
    return expected


@dataclass
class Score:
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    wanted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    right: int = 0  # exported paragraphs that are expected
    judged: int = 0  # exported paragraphs that are not optional
    titles: int = 0
    pages: int = 0

    def add(self, other: Score) -> None:
        for kind in KINDS:
            self.found[kind] += other.found[kind]
            self.wanted[kind] += other.wanted[kind]
        self.right += other.right
        self.judged += other.judged
        self.titles += other.titles
        self.pages += other.pages


def score_page(html: Path, verbose: bool) -> Score:
    expected = read_expected(html.with_suffix(".expected.txt"))
    document = load_document(html)
    got = [key(p.text) for p in document.paragraphs]
    got_set = set(got)
    score = Score(pages=1)
    every = set()
    for kind, texts in expected.required.items():
        for text in texts:
            score.wanted[kind] += 1
            every.add(key(text))
            if key(text) in got_set:
                score.found[kind] += 1
            elif verbose:
                print(f"    missing {kind}: {text[:70]}")
    optional = {key(t) for t in expected.optional}
    for text, paragraph in zip(got, document.paragraphs, strict=True):
        if text in optional and text not in every:
            continue
        score.judged += 1
        if text in every:
            score.right += 1
        elif verbose:
            print(f"    extra: {paragraph.text[:70]}")
    score.titles = int(key(document.title) == key(expected.title))
    if verbose and not score.titles:
        print(f"    title: {document.title!r}, expected {expected.title!r}")
    return score


def ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.1f}%" if whole else "     —"


HEADER = ("page", "head.", "para.", "table", "found", "prec.", "title", "ms")


def row(name: str, s: Score, ms: str) -> str:
    cells = [ratio(s.found[k], s.wanted[k]) for k in KINDS]
    counts = f"{sum(s.found.values())}/{sum(s.wanted.values())}"
    title = f"{s.titles}/{s.pages}" if s.pages > 1 else ("yes" if s.titles else "NO")
    return " ".join(
        [f"{name:<16}", *cells, f"{counts:>9}", ratio(s.right, s.judged), f"{title:>6}", ms]
    )


def load_ms(html: Path) -> list[float]:
    """Milliseconds to load the page, three runs after a warm-up."""
    load_document(html)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        load_document(html)
        times.append(1000 * (time.perf_counter() - start))
    return times


def main() -> None:
    verbose = "-v" in sys.argv
    print(
        f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}; ms: median of {RUNS} loads (min-max)"
    )
    print(
        " ".join(
            [
                f"{HEADER[0]:<16}",
                *(f"{h:>7}" for h in HEADER[1:4]),
                f"{HEADER[4]:>9}",
                f"{HEADER[5]:>7}",
                f"{HEADER[6]:>6}",
                HEADER[7],
            ]
        )
    )
    total = Score()
    medians = []
    for html in corpus():
        score = score_page(html, verbose)
        total.add(score)
        times = load_ms(html)
        medians.append(statistics.median(times))
        ms = f"{medians[-1]:.0f} ({min(times):.0f}-{max(times):.0f})"
        print(row(html.stem, score, ms))
    print(row("total", total, f"{sum(medians):.0f} (sum of medians)"))


if __name__ == "__main__":
    main()
