"""Translate a document: sentences in length-sorted batches, cached, with the glossary enforced.

Result types are defined here so the export, the CLI and the TUI share them.

Guarantees of `Translator.translate`:
- `order="asked"` (the TUI: what is on screen first): chunks of about `batch_size` sentences
  in the order the paragraphs were asked for, each chunk sorted by length. `order="length"`
  (export, `reader translate`: no screen to serve): the sentences of each window of
  `WINDOW` (8192) sentences sorted by length together, which pads encoder batches about half
  as much (1.19× the real tokens on the seeds against 2.41×, bench/translate_speed.py).
  Paragraphs are prepared, looked up and translated window by window, so the work in flight
  and its memory stay bounded whatever the document's size.
  `on_paragraph` fires once per paragraph as soon as all its sentences are done, and `cancel`
  is honoured between batches.
- Every sentence is looked up in the translation memory first, all at once; only misses go to
  the engine, in length-sorted batches, each distinct sentence once. Each finished sentence is
  committed, so a cancelled or interrupted run resumes where it stopped, and a second run over
  the same document costs no model time.
- The engine receives the Simplified form of each sentence with glossary terms protected;
  every term occurrence comes back with a status (see
  `reader.translation.enforcement`) and its spans in
  `Paragraph.text` and in the English. English sentences are joined with one space; a table
  row's cells are sentences of their own, joined by the row's own " | " separators, so the
  English row has the same cells in the same order (`reader.documents.sentences`).
- A user's post-edit wins over machine output; its terms are verified against the human text.
- Text with no Han characters (a paragraph, or a sentence such as "2024.") passes through.
- Degenerate outputs (loops, passthrough, absurd lengths) of a batch are first decoded again
  together, in one call, when the engine can decode differently (`VariedEngine`: repeats
  forbidden); what still fails gets per-sentence retries (n-best, clause by clause), and output
  the guard still rejects is kept but flagged in `ParagraphTranslation.flagged`
  (`reader.translation.results.Flag`, as are placeholder remnants no term could take and an
  engine's own `FlaggedOutput`). `guard=False` turns the guard and its retries off (for speed
  runs; its results are remembered under their own key).
- Bounded work on a model that loops: the engine caps each decode (3× the source + 10 pieces,
  see `reader.translation.engines.base.decoding_cap`), and on an engine that counts its work
  (`MeteredEngine`) every decode beyond the first pass (the batched re-decode, per-sentence
  retries, glossary repairs) is allowed only while it has cost less than `RETRY_BUDGET` × the
  tokens of the run's first passes so far; past that, output is kept as it is, flagged
  ("retry budget spent") when the guard rejects it, and terms are spliced rather than
  re-decoded. The whole run then decodes at most (1 + RETRY_BUDGET)× the first pass plus one
  batch.
- The glossary's term matcher is rebuilt only when `Glossary.revision` changed, checked once
  per call.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from reader.documents.sentences import english_joiner
from reader.glossary.matching import TermMatcher, matcher_for
from reader.han import has_han
from reader.translation.degenerate import degenerate_reason
from reader.translation.enforcement import (
    DEFAULT_PROTECT,
    PROTECT_MODES,
    SentenceTerm,
    TermCheck,
    degenerate_output,
    enforce,
    protect,
    rendering_for,
    verify,
)
from reader.translation.engines.base import (
    Cancelled,
    MeteredEngine,
    TermsEngine,
    TranslationEngine,
    VariedEngine,
)
from reader.translation.memory import MemoryKey, glossary_digest
from reader.translation.results import Flag, FlaggedOutput
from reader.translation.review import TermStatusName

if TYPE_CHECKING:
    from reader.documents.document import Document, Paragraph
    from reader.glossary.matching import TermMatcher, Terms
    from reader.translation.enforcement import Protect, Protected, TermCheck
    from reader.translation.memory import MemoryEntry, MemoryKey, TranslationMemory

Order = Literal["asked", "length"]

# Decoding beyond the first pass may cost this share of the first pass's tokens: one batched
# re-decode of every output (1×) and a quarter more for per-sentence retries and repairs. A
# decode of one sentence costs several times more per token than a batched one (on the bench
# model, 1.5 here made a run where every output loops 3.7× raw CTranslate2 in CPU time).
RETRY_BUDGET = 1.25
# Sentences prepared, looked up and sorted together. Bounds the work in flight (a 50 MB
# document holds ~350k sentences); 8192 sort nearly as well as a whole document.
WINDOW = 8192


@dataclass(frozen=True, slots=True)
class TermOccurrence:
    """One glossary term occurrence in a paragraph and what the translation did with it."""

    zh: str  # the glossary entry's key
    en: str  # required rendering
    start: int  # span in Paragraph.text
    end: int
    status: TermStatusName  # "found" when no translation has been checked yet
    en_start: int = -1  # span of the rendering in the English, -1 when absent
    en_end: int = -1


@dataclass(slots=True)
class ParagraphTranslation:
    paragraph_id: str
    text: str  # the English
    engine: str  # "argos", "gloss", "human"
    terms: list[TermOccurrence] = field(default_factory=list)
    human: bool = False  # a user's post-edit; always wins over MT
    flagged: list[Flag] = field(default_factory=list)  # sentences not to trust, in order
    # per sentence: (start, end) in the paragraph's text and (start, end) in `text`; empty when
    # the English is one block (a post-edit, a passthrough), so exports align by paragraph
    sentences: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        """The flags as warnings: "degenerate output in sentence 2: repetition loop (…)"."""
        return [str(flag) for flag in self.flagged]

    def flag_of(self, sentence: int) -> Flag | None:
        """The flag of sentence `sentence` (0-based), if it has one."""
        return next((f for f in self.flagged if f.sentence == sentence), None)


PASSTHROUGH_ENGINE = "none"  # ParagraphTranslation.engine for text with no Han characters
_META_VERSION = 1


def document_key(doc: Document) -> str:
    """The document's identity for post-edits: its absolute path, or "-" for stdin."""
    if doc.source in ("", "-"):
        return "-"
    return str(Path(doc.source).expanduser().resolve())


def terms_without_translation(doc: Document, matcher: TermMatcher) -> list[TermOccurrence]:
    """Every glossary term occurrence in the document, status "found" (nothing checked)."""
    return [
        TermOccurrence(hit.entry.zh, _required(hit.entry, hit.surface), hit.start, hit.end, "found")
        for hit in matcher.find_in_document(doc)
    ]


@dataclass(slots=True)
class _Sentence:
    """One sentence of a paragraph on its way through the pipeline."""

    paragraph_id: str
    number: int  # 0-based within the paragraph
    text: str  # original sentence, as written (the memory key)
    to_original: list[int]  # sentence-Simplified index -> Paragraph.text index
    protected: Protected | None  # None: no Han, passes through
    key: MemoryKey | None
    english: str = ""
    checks: list[TermCheck] = field(default_factory=list)
    flag: Flag | None = None
    done: bool = False


def _protected(sentence: _Sentence) -> Protected:
    """The protected form of a sentence that has Han (only those reach an engine)."""
    assert sentence.protected is not None
    return sentence.protected


@dataclass(slots=True)
class _Pending:
    """A paragraph whose sentences are not all done yet."""

    paragraph: Paragraph
    sentences: list[_Sentence]


class Translator:
    def __init__(
        self,
        engine: TranslationEngine,
        glossary: Terms | None,
        memory: TranslationMemory | None,
        *,
        protect: Protect | None = None,
        batch_size: int = 64,
        repair: bool = True,
        guard: bool = True,
        order: Order = "asked",
    ) -> None:
        self.engine = engine
        self.glossary = glossary
        self.memory = memory
        self.protect: Protect = protect or DEFAULT_PROTECT
        if self.protect not in PROTECT_MODES:
            raise ValueError(f"unknown protection mode {self.protect!r}")
        # an engine may ask for smaller chunks (llm: paragraphs reach the TUI as they finish)
        self.batch_size = max(1, min(batch_size, getattr(engine, "chunk_sentences", batch_size)))
        self.repair = repair
        self.guard = guard  # the degenerate-output guard and its retries
        self.order: Order = order
        self._matcher: TermMatcher | None = None
        self._matcher_revision: tuple[int, int] | None = None
        self._budget = _Budget(engine)
        self._fallback: TranslationEngine | None = None  # the gloss, for empty `FlaggedOutput`s

    # -- public --------------------------------------------------------------------------

    def translate(
        self,
        doc: Document,
        paragraph_ids: Sequence[str] | None = None,
        *,
        on_paragraph: Callable[[ParagraphTranslation], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> dict[str, ParagraphTranslation]:
        """Translate the requested paragraphs (all by default); see the module docstring."""
        return self._run(doc, paragraph_ids, on_paragraph, cancel, use_engine=True)

    def cached(
        self, doc: Document, paragraph_ids: Sequence[str] | None = None
    ) -> dict[str, ParagraphTranslation]:
        """The paragraphs available without the engine (memory, post-edits, passthrough)."""
        return self._run(doc, paragraph_ids, None, None, use_engine=False)

    def set_post_edit(self, doc: Document, paragraph_id: str, english: str) -> None:
        """Store the user's English for a paragraph (needs a memory)."""
        if self.memory is None:
            raise RuntimeError("post-edits need a translation memory")
        paragraph = doc.paragraph(paragraph_id)
        self.memory.set_post_edit(document_key(doc), paragraph.id, paragraph.text, english)

    def clear_post_edit(self, doc: Document, paragraph_id: str) -> bool:
        if self.memory is None:
            return False
        paragraph = doc.paragraph(paragraph_id)
        return self.memory.clear_post_edit(document_key(doc), paragraph.id, paragraph.text)

    # -- the pipeline --------------------------------------------------------------------

    def _run(
        self,
        doc: Document,
        paragraph_ids: Sequence[str] | None,
        on_paragraph: Callable[[ParagraphTranslation], None] | None,
        cancel: threading.Event | None,
        *,
        use_engine: bool,
    ) -> dict[str, ParagraphTranslation]:
        ids = list(paragraph_ids) if paragraph_ids is not None else [p.id for p in doc.paragraphs]
        results: dict[str, ParagraphTranslation] = {}

        def finish(result: ParagraphTranslation) -> None:
            results[result.paragraph_id] = result
            if on_paragraph is not None:
                on_paragraph(result)

        by_id = {p.id: p for p in doc.paragraphs}  # Document.paragraph() is a linear search
        paragraphs = [
            by_id[pid] if pid in by_id else doc.paragraph(pid) for pid in dict.fromkeys(ids)
        ]
        run = _Run(self, document_key(doc), self._term_matcher(), finish, cancel)
        self._budget.start()
        # windows of WINDOW sentences: the work in flight, and so memory, stays bounded. In the
        # order asked (the TUI: what is on screen first) the first window is one batch and each
        # next one twice as big, so the first paragraphs are not held up while thousands of
        # sentences are matched and looked up (2 MB: ~8 s before the first English)
        limit = WINDOW if self.order == "length" else self.batch_size
        window: list[Paragraph] = []
        size = 0
        for paragraph in paragraphs:
            window.append(paragraph)
            size += max(1, len(paragraph.sentences))
            if size >= limit:
                run.window(window, use_engine)
                window, size = [], 0
                limit = min(WINDOW, limit * 2)
            if cancel is not None and cancel.is_set():
                break
        if window and not (cancel is not None and cancel.is_set()):
            run.window(window, use_engine)
        return _in_order(results, ids)

    def _translate_window(
        self,
        remaining: list[_Pending],
        finish: Callable[[ParagraphTranslation], None],
        cancel: threading.Event | None,
    ) -> None:
        """Translate the paragraphs' missing sentences: in chunks of about batch_size sentences
        in the order asked, or all sorted together (see `order`)."""
        everything = sum(len(item.sentences) for item in remaining)
        chunk_size = self.batch_size if self.order == "asked" else everything
        translated: dict[MemoryKey, _Sentence] = {}  # this window's results, for repeats
        # each paragraph is finished as soon as its last sentence is
        left: dict[int, int] = {}  # id(_Pending) -> sentences still to translate
        owner: dict[int, _Pending] = {}  # id(_Sentence) -> its paragraph

        def sentences_done(sentences: list[_Sentence]) -> None:
            for sentence in sentences:
                item = owner[id(sentence)]
                left[id(item)] -= 1
                if not left[id(item)]:
                    finish(self._assemble(item))

        next_item = 0
        while next_item < len(remaining):
            if cancel is not None and cancel.is_set():
                break
            chunk: list[_Pending] = []
            size = 0
            while next_item < len(remaining) and (not chunk or size < chunk_size):
                item = remaining[next_item]
                next_item += 1
                for sentence in item.sentences:
                    if not sentence.done and sentence.key in translated:
                        _copy(translated[sentence.key], sentence)
                chunk.append(item)
                size += sum(not s.done for s in item.sentences)
            for item in chunk:
                left[id(item)] = sum(not s.done for s in item.sentences)
                if not left[id(item)]:
                    finish(self._assemble(item))
                for sentence in item.sentences:
                    owner[id(sentence)] = item
            todo = [s for item in chunk for s in item.sentences if not s.done]
            try:
                self._translate_chunk(todo, sentences_done, cancel)
            except Cancelled:  # a TermsEngine abandoned its requests: cancelled within 1 s
                break
            translated.update((s.key, s) for s in todo if s.key is not None and s.done)

    def _translate_chunk(
        self,
        sentences: list[_Sentence],
        done: Callable[[list[_Sentence]], None],
        cancel: threading.Event | None,
    ) -> None:
        # each distinct sentence once; shortest first so a batch pads little
        by_key: dict[MemoryKey, list[_Sentence]] = {}
        given: dict[MemoryKey, Protected] = {}  # what the engine is given for each key
        for sentence in sentences:
            assert sentence.key is not None and sentence.protected is not None
            by_key.setdefault(sentence.key, []).append(sentence)
            given.setdefault(sentence.key, sentence.protected)
        order = sorted(by_key, key=lambda k: len(given[k].source))
        degenerate = degenerate_reason if self.guard else _no_guard
        for i in range(0, len(order), self.batch_size):
            if i and cancel is not None and cancel.is_set():
                return
            batch = order[i : i + self.batch_size]
            sources = [given[k].source for k in batch]
            before = self._budget.count()
            if isinstance(self.engine, TermsEngine):  # it reads the terms itself (an LLM)
                raw = self.engine.translate_protected([given[k] for k in batch], cancel)
            else:
                raw = self.engine.translate_batch(sources)
            outputs = self._checked(sources, raw)
            unusable = self._gloss_unusable(sources, outputs)
            self._budget.first_pass(before)
            if self.guard:
                outputs = self._retry_varied([by_key[k][0] for k in batch], outputs)
            finished: list[_Sentence] = []
            for index, (key, output) in enumerate(zip(batch, outputs, strict=True)):
                first = by_key[key][0]
                assert first.protected is not None
                # repairs may call the engine again (n-best, prefix): seconds per sentence
                result = enforce(
                    self.engine,
                    first.protected,
                    output,
                    repair=self.repair,
                    degenerate=degenerate,
                    allowed=self._budget.allows,
                )
                # an engine that knows its output is no translation says so (FlaggedOutput)
                flag = output.flag if isinstance(output, FlaggedOutput) else result.flag
                for sentence in by_key[key]:
                    sentence.english, sentence.checks = result.english, result.checks
                    sentence.flag, sentence.done = flag, True
                finished += by_key[key]
                if self.memory is not None and index not in unusable:
                    meta = {
                        "v": _META_VERSION,
                        "terms": [c.status for c in result.checks],
                        "flag": flag.to_meta() if flag else None,
                    }
                    # a commit per sentence (cheap in WAL mode): an interrupted run keeps it
                    self.memory.put(key, result.english, meta)
            done(finished)

    def _gloss_unusable(self, sources: list[str], outputs: list[str]) -> set[int]:
        """Put the word gloss in place of each output the engine could not make English (an
        empty `FlaggedOutput`), keeping its flag; the indexes of those outputs (kept out of
        the memory, so a re-run asks the engine again)."""
        bad = {
            i: output.flag
            for i, output in enumerate(outputs)
            if isinstance(output, FlaggedOutput) and not output
        }
        if not bad:
            return set()
        if self._fallback is None:
            from reader.translation.engines.gloss import GlossEngine

            self._fallback = GlossEngine()  # CC-CEDICT: ~0.5 s, once, only when needed
        glossed = self._fallback.translate_batch([sources[i] for i in bad])
        for (i, flag), text in zip(bad.items(), glossed, strict=True):
            shown = replace(flag, reason=f"{flag.reason}; word gloss shown")
            outputs[i] = FlaggedOutput(text, shown)
        return set(bad)

    def _checked(self, sources: list[str], outputs: list[str]) -> list[str]:
        if len(outputs) != len(sources):
            raise RuntimeError(
                f"engine {self.engine.name} returned {len(outputs)} outputs "
                f"for {len(sources)} sentences"
            )
        return outputs

    def _retry_varied(self, sentences: list[_Sentence], outputs: list[str]) -> list[str]:
        """Decode every degenerate output of a batch again, differently, in one engine call
        (one call per sentence made the guard 20x slower on a model that loops often)."""
        if not isinstance(self.engine, VariedEngine) or not self._budget.allows():
            return outputs
        protected = [_protected(s) for s in sentences]
        bad = [i for i, p in enumerate(protected) if degenerate_output(p, outputs[i])]
        if not bad:
            return outputs
        sources = [protected[i].source for i in bad]
        retried = self._checked(sources, self.engine.translate_batch_varied(sources))
        outputs = list(outputs)
        for i, output in zip(bad, retried, strict=True):
            if not degenerate_output(protected[i], output):
                outputs[i] = output
        return outputs

    # -- sentences -----------------------------------------------------------------------

    def _sentences(self, paragraph: Paragraph, matcher: TermMatcher | None) -> list[_Sentence]:
        spans = [(s.start, s.end) for s in paragraph.sentences] or [(0, len(paragraph.text))]
        settings = self.engine.settings_key + ("" if self.guard else ";guard=off")
        out: list[_Sentence] = []
        for number, (start, end) in enumerate(spans):
            text = paragraph.text[start:end]
            s_start = bisect.bisect_left(paragraph.to_original, start)
            s_end = bisect.bisect_left(paragraph.to_original, end)
            simplified = paragraph.simplified[s_start:s_end]
            to_original = paragraph.to_original[s_start : s_end + 1]
            if not has_han(text):
                out.append(_Sentence(paragraph.id, number, text, to_original, None, None))
                continue
            terms = [
                SentenceTerm(a, b, entry, paragraph.text[to_original[a] : to_original[b]])
                for a, b, entry in (matcher.find_in_text(simplified) if matcher else [])
            ]
            protected = protect(simplified, terms, self.protect)
            digest = glossary_digest(
                ((t.entry.zh, t.entry.en, t.entry.dnt) for t in terms), self.protect
            )
            key = MemoryKey(self.engine.name, self.engine.model_id, settings, digest, text)
            out.append(_Sentence(paragraph.id, number, text, to_original, protected, key))
        return out

    def _term_matcher(self) -> TermMatcher | None:
        if self.glossary is None or not self.glossary.entries:
            return None
        # rebuild when the glossary was edited since the last call (the TUI edits it live)
        revision = (id(self.glossary), self.glossary.revision)
        if self._matcher is None or revision != self._matcher_revision:
            self._matcher = matcher_for(self.glossary)  # shared with the TUI's term finder
            self._matcher_revision = revision
        return self._matcher

    def _from_memory(self, sentence: _Sentence, entry: MemoryEntry) -> None:
        assert sentence.protected is not None
        stored = entry.meta.get("terms") or []
        # re-verify: `accept` and `forbidden` are not in the key, so they may have changed
        checks = verify(entry.english, sentence.protected.terms)
        sentence.checks = [
            TermCheck("repaired", c.en_start, c.en_end)
            if c.status == "applied" and i < len(stored) and stored[i] == "repaired"
            else c
            for i, c in enumerate(checks)
        ]
        sentence.english = entry.english
        sentence.flag = Flag.from_meta(entry.meta)
        sentence.done = True

    # -- paragraphs ----------------------------------------------------------------------

    def _assemble(self, item: _Pending) -> ParagraphTranslation:
        text = item.paragraph.text
        out = ""
        open_cell = False  # the current cell has English: the next sentence needs a space
        terms: list[TermOccurrence] = []
        flags: list[Flag] = []
        spans = [(s.start, s.end) for s in item.paragraph.sentences] or [(0, len(text))]
        aligned: list[tuple[int, int, int, int]] = []
        previous = 0
        for sentence in item.sentences:
            start, end = spans[sentence.number]
            # a table row's separators are kept as written, each cell translated on its own
            if (separators := english_joiner(text[previous:start])) is not None:
                out, open_cell = out + separators, False
            previous = end
            english = sentence.english.strip()
            if open_cell and english:
                out += " "  # the joining space
            terms += _occurrences(sentence, sentence.checks, len(out))
            aligned.append((start, end, len(out), len(out) + len(english)))
            if english:
                out, open_cell = out + english, True
            if sentence.flag:
                flags.append(replace(sentence.flag, sentence=sentence.number))
        out += english_joiner(text[previous:]) or ""
        engine = self.engine.name
        return ParagraphTranslation(
            item.paragraph.id, out, engine, terms, flagged=flags, sentences=aligned
        )

    def _human(
        self, paragraph: Paragraph, sentences: list[_Sentence], english: str
    ) -> ParagraphTranslation:
        all_terms = [t for s in sentences if s.protected for t in s.protected.terms]
        checks = iter(verify(english, all_terms))
        terms: list[TermOccurrence] = []
        for sentence in sentences:
            own = [next(checks) for _ in range(_term_count(sentence))]
            terms += _occurrences(sentence, own, 0)
        return ParagraphTranslation(paragraph.id, english, "human", terms, human=True)


@dataclass
class _Run:
    """One call's state: what every window of paragraphs needs."""

    translator: Translator
    doc_key: str
    matcher: TermMatcher | None
    finish: Callable[[ParagraphTranslation], None]
    cancel: threading.Event | None

    def window(self, paragraphs: list[Paragraph], use_engine: bool) -> None:
        """Passthrough, post-edits and the memory first (one lookup), then the engine."""
        translator, memory = self.translator, self.translator.memory
        pending: list[_Pending] = []
        for paragraph in paragraphs:
            if not has_han(paragraph.text):
                self.finish(ParagraphTranslation(paragraph.id, paragraph.text, PASSTHROUGH_ENGINE))
                continue
            sentences = translator._sentences(paragraph, self.matcher)
            human = (
                memory.post_edit(paragraph.id, paragraph.text, self.doc_key)
                if memory is not None
                else None
            )
            if human is not None:
                self.finish(translator._human(paragraph, sentences, human))
                continue
            pending.append(_Pending(paragraph, sentences))

        keys = [s.key for p in pending for s in p.sentences if s.key is not None]
        found = memory.get_many(keys) if memory is not None and keys else {}
        for item in pending:
            for sentence in item.sentences:
                if sentence.protected is None:
                    sentence.english, sentence.done = sentence.text.strip(), True
                elif sentence.key in found:
                    translator._from_memory(sentence, found[sentence.key])

        remaining: list[_Pending] = []
        for item in pending:
            if all(s.done for s in item.sentences):
                self.finish(translator._assemble(item))
            else:
                remaining.append(item)
        if use_engine and remaining:
            translator._translate_window(remaining, self.finish, self.cancel)


class _Budget:
    """Decoding beyond the first pass, allowed while it costs under RETRY_BUDGET × the first
    pass's tokens so far (engines that do not count their work are not limited)."""

    def __init__(self, engine: TranslationEngine) -> None:
        self.engine = engine
        self.first = 0  # tokens decoded by first passes this run
        self.origin = 0  # the engine's counter when the run started

    def count(self) -> int:
        return self.engine.decoded_tokens if isinstance(self.engine, MeteredEngine) else 0

    def start(self) -> None:
        self.first, self.origin = 0, self.count()

    def first_pass(self, before: int) -> None:
        """Called right after a batch's first decode, with the count from before it."""
        self.first += self.count() - before

    def allows(self) -> bool:
        if not isinstance(self.engine, MeteredEngine):
            return True
        extra = self.count() - self.origin - self.first
        return extra < RETRY_BUDGET * self.first


def _no_guard(source: str, output: str) -> str | None:
    return None


def _copy(source: _Sentence, target: _Sentence) -> None:
    target.english, target.checks, target.flag = source.english, source.checks, source.flag
    target.done = True


def _in_order(
    results: dict[str, ParagraphTranslation], ids: Sequence[str]
) -> dict[str, ParagraphTranslation]:
    """The results keyed in the order the paragraphs were asked for."""
    return {pid: results[pid] for pid in ids if pid in results}


def _term_count(sentence: _Sentence) -> int:
    return len(sentence.protected.terms) if sentence.protected is not None else 0


def _occurrences(
    sentence: _Sentence, checks: Sequence[TermCheck | None], offset: int
) -> list[TermOccurrence]:
    """TermOccurrences with spans in Paragraph.text and (offset by `offset`) in the English."""
    if sentence.protected is None:
        return []
    out = []
    for term, check in zip(sentence.protected.terms, checks, strict=False):
        start, end = sentence.to_original[term.start], sentence.to_original[term.end]
        en = _required(term.entry, term.surface)
        if check is None:
            out.append(TermOccurrence(term.entry.zh, en, start, end, "found"))
        elif check.en_start < 0:
            out.append(TermOccurrence(term.entry.zh, en, start, end, check.status))
        else:
            out.append(
                TermOccurrence(
                    term.entry.zh,
                    en,
                    start,
                    end,
                    check.status,
                    check.en_start + offset,
                    check.en_end + offset,
                )
            )
    return out


def _required(entry: Any, surface: str) -> str:
    return rendering_for(entry, surface)
