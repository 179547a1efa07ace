"""Finding post-edits of earlier versions: a large corrected document, many candidates.

A document of 20,000 paragraphs (40-300 Han characters drawn from the seeds, 3.4 M characters
in all) gets a post-edit on each of its first 200 paragraphs; one character of each of those is
then changed. Prints how long `earlier_edits` takes to offer all 200 back (the worst case the
reader meets: `MAX_CANDIDATES` orphaned edits, every paragraph a plausible length).

    python bench/earlier_edits.py [--paragraphs 20000] [--edited 200]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from reader.documents.loading import load_document
from reader.translation.earlier_edits import earlier_edits
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import document_key

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=20000)
    parser.add_argument("--edited", type=int, default=200)
    args = parser.parse_args()
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    rng = random.Random(1)
    paragraphs = [
        "".join(rng.choice(han) for _ in range(rng.randint(40, 300))) + "。"
        for _ in range(args.paragraphs)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text("\n\n".join(paragraphs), encoding="utf-8")
        doc = load_document(str(path))
        memory = TranslationMemory(Path(tmp) / "memory.sqlite3")
        for p in doc.paragraphs[: args.edited]:
            memory.set_post_edit(document_key(doc), p.id, p.text, "mine")
        changed = [
            p[:10] + "改" + p[11:] if i < args.edited else p for i, p in enumerate(paragraphs)
        ]
        path.write_text("\n\n".join(changed), encoding="utf-8")
        corrected = load_document(str(path))
        start = time.perf_counter()
        offers = earlier_edits(memory, document_key(corrected), corrected)
        took = time.perf_counter() - start
        memory.close()
    chars = sum(len(p) for p in changed)
    print(f"{len(changed)} paragraphs, {chars:,} characters, {args.edited} candidates:")
    print(f"{len(offers)} offered in {took:.2f} s")


if __name__ == "__main__":
    main()
