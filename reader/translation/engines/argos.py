"""The CTranslate2 engine: an installed zh→en model of any layout (engines/layouts.py), an
Argos package first among them, run directly with CTranslate2.

Guarantees:
- Constructing the engine is cheap; the model and tokenizer load on first translation
  (CTranslate2 + SentencePiece import ~60 ms; a transformer-base int8 model, ~100 MB, loads
  in ~80 ms from a warm page cache).
- `translate_batch` returns one English string per input, in input order; "" for blank input.
  Inputs are sorted by token length and translated in batches, so padding is minimal.
- Decoding follows `argostranslate.translate.apply_packaged_translation` where it changes the
  output: the package's `target_prefix` token, `length_penalty=0.2`, `replace_unknowns=True`,
  SentencePiece detokenization with the leading space removed. It does not replace "_" with
  spaces as argostranslate does, so placeholders with underscores survive.
- Decoding stops at `decoding_cap` (3× the longest source in the batch, in pieces, + 10, never
  above `max_decoding_length`): a model that loops costs what a long translation costs, not
  the model's limit. `decoded_tokens` counts the work (steps × beams) for the retry budget.
- Threads: `WORKERS` batches decode at once (CTranslate2 `inter_threads`), each on
  `threads // WORKERS` cores (`intra_threads`); a call's batches are submitted together, and a
  call of a single batch is split in `WORKERS` parts, so a paragraph uses every worker. Measured
  on 2 cores (AMD EPYC, piecewise base-size model, beam 4): one sentence decodes 2.3x faster on
  one core than on two (15 sentences: 2.7-3.0 s vs 6.3-7.4 s; the two cores wait on each other
  every step of a small batch; the same on the random-weight 8-head model, 7.9-8.8 s vs
  19.6-20.4 s), and in one A/B run of raw CTranslate2 the 363 seed sentences in batches of 32
  took 32-36 s two batches at once on one core each against 43-44 s one batch at a time on two
  cores. The model's weights are shared by the workers (resident size 99 MB either way).
- Translation is thread-safe: the model loads once under a lock, and CTranslate2 queues
  concurrent calls to its workers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reader.translation.engines.base import CAP_EXTRA, CAP_FACTOR, decoding_cap
from reader.translation.engines.layouts import ARGOS, Tokenizer
from reader.translation.installed import ModelInfo, from_argos
from reader.translation.packages import InstalledModel

if TYPE_CHECKING:
    import ctranslate2

# argostranslate.translate.apply_packaged_translation uses 0.2 (mild preference for longer output)
LENGTH_PENALTY = 0.2


RETRY_NO_REPEAT_NGRAM = 3

# batches decoded at once (see the module docstring: on 2 cores, 2 workers of one core each)
WORKERS = 2


def thread_layout(threads: int) -> tuple[int, int]:
    """(workers, cores per worker) for `threads` cores: CTranslate2's inter_threads and
    intra_threads (see the module docstring)."""
    workers = max(1, min(WORKERS, threads))
    return workers, max(1, threads // workers)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class CTranslate2Engine:
    """An `NBestEngine` over an installed CTranslate2 model of any layout (an Argos package,
    quickmt, OPUS-MT, NLLB, M2M-100): the layout's `Tokenizer` is the only difference."""

    def __init__(
        self,
        model: InstalledModel | ModelInfo,
        *,
        beam_size: int = 4,
        max_decoding_length: int = 256,
        threads: int = 0,
        batch_size: int = 32,
        compute_type: str = "auto",
    ) -> None:
        self.model = from_argos(model) if isinstance(model, InstalledModel) else model
        self.layout = self.model.layout_files()
        # "argos" keeps the translation memory of earlier versions valid
        self.name = "argos" if self.layout.kind == ARGOS else "ctranslate2"
        self.beam_size = beam_size
        self.max_decoding_length = max_decoding_length
        self.threads = threads or _cores()
        self.workers, self._cores_per_worker = thread_layout(self.threads)
        self.batch_size = batch_size
        self.compute_type = compute_type
        self._lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._translator: ctranslate2.Translator | None = None
        self._tokenizer: Tokenizer | None = None
        self.decoded_tokens = 0  # see reader.translation.engines.base.MeteredEngine

    @property
    def model_id(self) -> str:
        return self.model.model_id

    @property
    def settings_key(self) -> str:
        return (
            f"beam={self.beam_size};maxlen={self.max_decoding_length};"
            f"compute={self.compute_type};lp={LENGTH_PENALTY};"
            f"cap={CAP_FACTOR}x+{CAP_EXTRA}"
        )

    # --- loading ----------------------------------------------------------------------------

    def _load(self) -> tuple[ctranslate2.Translator, Tokenizer]:
        with self._lock:
            if self._translator is None or self._tokenizer is None:
                import ctranslate2  # ~50 ms

                self._tokenizer = Tokenizer(self.layout)  # SentencePiece: ~10 ms
                self._translator = ctranslate2.Translator(
                    str(self.layout.model_dir),
                    device="cpu",
                    inter_threads=self.workers,
                    intra_threads=self._cores_per_worker,
                    compute_type=self.compute_type,
                )
            return self._translator, self._tokenizer

    def load(self) -> None:
        """Load the model now (e.g. in a worker thread before the first paragraph)."""
        self._load()

    # --- translation ------------------------------------------------------------------------

    def _options(self) -> dict[str, Any]:
        return {
            "beam_size": self.beam_size,
            "max_decoding_length": self.max_decoding_length,
            "length_penalty": LENGTH_PENALTY,
            "replace_unknowns": True,
        }

    def _cap(self, source_pieces: int, prefix: list[str]) -> int:
        # the target prefix is part of the output, so it does not eat into the cap
        return min(
            self.max_decoding_length,
            decoding_cap(source_pieces, self.max_decoding_length) + len(prefix),
        )

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return self._translate(sentences, self._options())

    def translate_batch_varied(self, sentences: Sequence[str]) -> list[str]:
        """Decode again with repeats forbidden: the retry for degenerate (looping) outputs."""
        options = self._options()
        # a repeated 3-gram is what every loop (阴性阴性阴性…, (applause) (applause)…) is made of
        options.update(no_repeat_ngram_size=RETRY_NO_REPEAT_NGRAM, repetition_penalty=1.2)
        return self._translate(sentences, options)

    def _translate(self, sentences: Sequence[str], options: dict[str, Any]) -> list[str]:
        results = [""] * len(sentences)
        todo = [(i, s) for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return results
        translator, tokenizer = self._load()
        tokenized = [(i, tokenizer.encode_source(s.strip())) for i, s in todo]
        tokenized.sort(key=lambda item: len(item[1]))
        prefix = tokenizer.target_prefix()
        pending = []
        for chunk in self._batches(tokenized):
            longest = len(chunk[-1][1])
            # asynchronous: every batch of the call is queued now, `workers` decode at once
            outputs = translator.translate_batch(
                [tokens for _, tokens in chunk],
                target_prefix=[prefix] * len(chunk) if prefix else None,
                max_batch_size=self.batch_size,
                batch_type="examples",
                asynchronous=True,
                **{**options, "max_decoding_length": self._cap(longest, prefix)},
            )
            pending.append((chunk, outputs))
        # every batch is waited for, even after one failed: none is left decoding behind the
        # caller's next call
        errors: list[Exception] = []
        for chunk, outputs in pending:
            for (i, _), future in zip(chunk, outputs, strict=True):
                try:
                    output = future.result()
                except Exception as error:  # re-raised below, once the rest are done
                    errors.append(error)
                    continue
                self._count(len(output.hypotheses[0]) * options["beam_size"])
                results[i] = tokenizer.decode(output.hypotheses[0])
        if errors:
            raise errors[0]
        return results

    def _count(self, tokens: int) -> None:
        with self._count_lock:  # callers on several threads (a run, a repair)
            self.decoded_tokens += tokens

    def _batches(self, tokenized: list[tuple[int, list[str]]]) -> list[list[tuple[int, list[str]]]]:
        """Batches of at most `batch_size`, sorted input kept together; fewer sentences than
        `workers` batches are split evenly so that no worker sits idle."""
        if not tokenized:
            return []
        count = max(-(-len(tokenized) // self.batch_size), min(self.workers, len(tokenized)))
        size = -(-len(tokenized) // count)
        return [tokenized[start : start + size] for start in range(0, len(tokenized), size)]

    def translate_nbest(self, sentence: str, n: int, target_prefix: str | None = None) -> list[str]:
        if not sentence.strip() or n < 1:
            return []
        translator, tokenizer = self._load()
        prefix = tokenizer.target_prefix(target_prefix)
        options = self._options()
        # beam search can only return as many hypotheses as it has beams
        options["beam_size"] = max(self.beam_size, n)
        source = tokenizer.encode_source(sentence.strip())
        options["max_decoding_length"] = self._cap(len(source), prefix)
        (output,) = translator.translate_batch(
            [source],
            target_prefix=[prefix] if prefix else None,
            num_hypotheses=n,
            # alternatives at the first position after the prefix, rather than n beams that
            # may all share the prefix's most likely continuation
            return_alternatives=bool(target_prefix),
            **options,
        )
        longest = max((len(tokens) for tokens in output.hypotheses), default=0)
        self._count(longest * options["beam_size"])
        hypotheses: list[str] = []
        for tokens in output.hypotheses:
            text = tokenizer.decode(tokens)
            if text not in hypotheses:
                hypotheses.append(text)
        return hypotheses


# The Argos engine is this engine's first layout, not a second copy.
ArgosEngine = CTranslate2Engine
