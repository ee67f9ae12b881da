"""Reading a corpus fast: the analysis cache, both cores, and one pass for many vendors.

``analyse_corpus`` gives, for every document in corpus order, the engine's analysis, exactly as
``engine.analyse`` would one document after another in one process:

- documents whose analysis is in the cache are not analysed again, and files that have not changed
  since the last run are not even read (an analysis carries the quotes a report needs);
- the rest is analysed in worker processes, one per core, when there are enough of them to be worth
  starting processes for (``POOL_THRESHOLD``); results are collected in corpus order, so the output
  does not depend on how the work was split;
- vendors outside the registry are *overlays*: the analysis "with vendor U" differs from the
  registry-only analysis only in documents where U's name (or something within two letters of it)
  occurs, so only those documents are analysed again with U. A screen with five unregistered
  suppliers costs one pass plus a few documents, shares the registry analyses with every ``check``,
  and each vendor still gets exactly what ``check`` alone would give it.
- a ``check`` wants one vendor's view only (``focus``): a document in which no name of that vendor
  can occur (the same loose sieve as for overlays) holds nothing about it, so it is neither
  analysed nor kept; the cache remembers the verdict per vendor, so a warm check does not read it
  again. Documents that pass are analysed in full and cached for every later run.

Memory stays proportional to the number of documents and claims, not their size: no document's
text is kept once it is analysed.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick
from rapidfuzz.distance import OSA

from .analysis import Engine
from .claims import DocumentAnalysis
from .cache import (
    SAME, AnalysisCache, FileRecord, FileState, context_key, generation_key, interned,
    sieve_context_key,
)
from .corpus import Document, Listing, Skipped, list_corpus, read_document
from .errors import CorpusError
from .mentions import (
    _CAPITALISED_WORD, FUZZY_MIN_LENGTH, LONG_NAME, SWAP_MIN_LENGTH, NameIndex, _search_key,
)
from .registry import Vendor, name_key
from .textfold import fold

# Below this many documents to analyse, worker processes cost more than they save.
POOL_THRESHOLD = 48
# Files of a chunk to read in the workers, when there are at least this many to read.
READ_IN_WORKERS = 32
# Documents prepared, analysed and written to the cache together (one transaction each): an
# interrupted run loses at most the chunks in flight.
CHUNK = 64
IN_FLIGHT = 3

Progress = Callable[[Iterable], Iterable]


@dataclass
class Entry:
    """One document: its analysis with the registry, and with each extra vendor where different."""

    document: Document                  # its path, SHA-256 and front matter; not its text
    analysis: DocumentAnalysis
    overlays: dict[str, DocumentAnalysis] = field(default_factory=dict)

    def for_vendor(self, vendor_id: str | None) -> DocumentAnalysis:
        """What ``check`` of this vendor sees: its overlay if it has one, else the base analysis."""
        if vendor_id is None:
            return self.analysis
        return self.overlays.get(vendor_id, self.analysis)


@dataclass
class ReadStats:
    documents: int = 0
    skipped: int = 0
    read: int = 0              # files read from disk
    analysed: int = 0          # documents the engine analysed (registry analysis)
    overlays: int = 0          # (document, extra vendor) analyses run
    reused: int = 0            # registry analyses taken from the cache
    workers: int = 0           # worker processes started (0: all in this process)


@dataclass
class IndexedCorpus:
    corpus: str
    entries: list[Entry]
    skipped: list[Skipped]
    stats: ReadStats


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:           # not Linux
        return os.cpu_count() or 1


def split_engine(engine: Engine) -> tuple[Engine, list[Vendor]]:
    """An engine searching one vendor outside the registry becomes the registry engine plus that
    vendor as an overlay (same results, shared cache); any other engine is used as it is."""
    registry = len(engine.rule_set.registry.vendors)
    extra = engine.vendors[registry:]
    if len(extra) != 1:
        return engine, []
    return Engine(engine.rule_set), list(extra)


def with_vendors(engine: Engine, vendors: list[Vendor]) -> Engine:
    """The same compiled rules and lexicon, searching for ``vendors``."""
    engine.compile()                            # once, before the copy shares it
    derived = copy.copy(engine)
    derived.vendors = list(vendors)
    derived.names = NameIndex(derived.vendors, engine.rule_set.lexicon.names.legal_suffixes)
    return derived


def analyse_corpus(corpus: Path, engine: Engine, *, extra: Sequence[Vendor] = (),
                   cache: AnalysisCache | None = None, progress: Progress = lambda items: items,
                   jobs: int | None = None, focus: Vendor | None = None,
                   listing: Listing | None = None) -> IndexedCorpus:
    """Analyse every document of ``corpus`` with ``engine``, and with each of ``extra`` added.

    With ``focus``, every analysis is cut down to that vendor's view (its claims and mentions),
    and documents that cannot name it are not analysed at all. ``listing``: the files and their
    stat, when the caller has just taken them."""
    reader = _Reader(corpus, engine, list(extra), cache, jobs or usable_cores(), focus,
                     listing or list_corpus(corpus))
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    try:
        for item in progress(reader):
            if isinstance(item, Skipped):
                skipped.append(item)
            else:
                entries.append(item)
        reader.finish()
    finally:
        reader.close()
    reader.stats.documents = len(entries)
    reader.stats.skipped = len(skipped)
    return IndexedCorpus(str(corpus), entries, skipped, reader.stats)


def analyse_for_engine(corpus: Path, engine: Engine, progress: Progress = lambda items: items,
                       cache: AnalysisCache | None = None, jobs: int | None = None
                       ) -> tuple[list[tuple[Document, DocumentAnalysis]], list[Skipped]]:
    """(document, analysis) pairs exactly as ``engine.analyse`` gives them, and skipped files."""
    base, extra = split_engine(engine)
    indexed = analyse_corpus(corpus, base, extra=extra, cache=cache, progress=progress, jobs=jobs)
    vendor_id = extra[0].id if extra else None
    return [(e.document, e.for_vendor(vendor_id)) for e in indexed.entries], indexed.skipped


def analyse_for_vendor(corpus: Path, engine: Engine, vendor: Vendor,
                       progress: Progress = lambda items: items,
                       cache: AnalysisCache | None = None, jobs: int | None = None,
                       listing: Listing | None = None
                       ) -> tuple[list[tuple[Document, DocumentAnalysis]], list[Skipped]]:
    """(document, analysis) pairs cut down to ``vendor``'s claims and mentions: what a report on
    it is built from, the same as ``analyse_for_engine`` gives it, reading only what it must."""
    base, extra = split_engine(engine)
    indexed = analyse_corpus(corpus, base, extra=extra, cache=cache, progress=progress, jobs=jobs,
                             focus=vendor, listing=listing)
    return [(e.document, e.for_vendor(vendor.id)) for e in indexed.entries], indexed.skipped


# -- the reader ----------------------------------------------------------------------------------

@dataclass
class _Slot:
    """One file of a chunk on its way through."""

    relative: str
    path: str
    state: FileState | None = None
    record: FileRecord | None = None          # what the cache knows, when the file is unchanged
    document: Document | None = None          # read from disk (with text)
    skipped: Skipped | None = None
    base: DocumentAnalysis | None = None
    overlays: dict[int, DocumentAnalysis | str] = field(default_factory=dict)
    task: int | None = None                   # index into the chunk's tasks
    irrelevant: bool = False                  # cannot name the focus vendor: nothing to analyse
    may_name_focus: bool | None = None        # the sieve's verdict, when worked out as it was read

    @property
    def sha256(self) -> str:
        source = self.document or self.record
        assert source is not None
        return source.sha256


@dataclass
class _Chunk:
    slots: list[_Slot]
    reading: list[_Slot] = field(default_factory=list)   # the slots whose files are being read
    reads: object = None                      # what reading them gave, or an AsyncResult for it
    tasks: list[tuple[Document, bool, tuple[int, ...]]] = field(default_factory=list)
    pending: object = None                    # AsyncResult while workers run the tasks
    results: list | None = None

    def ready(self) -> bool:
        return self.results is not None or self.pending is None or self.pending.ready()


class _Reader:
    """Iterates over the corpus yielding an Entry or a Skipped per file, in corpus order."""

    def __init__(self, corpus: Path, engine: Engine, extra: list[Vendor],
                 cache: AnalysisCache | None, jobs: int, focus: Vendor | None,
                 listing: Listing):
        self.files, self.file_stats = listing.files, listing.stats
        if not self.files:
            raise CorpusError(f"corpus has no .txt or .md articles: {corpus}")
        self.engine, self.extra, self.cache, self.jobs = engine, extra, cache, jobs
        self.focus = focus
        self.corpus_key = str(corpus.resolve())
        generation = generation_key(engine.rule_set.sha256)
        registry = len(engine.rule_set.registry.vendors)
        own_extra = engine.vendors[registry:]
        self.base_context = context_key(generation, own_extra)
        self.overlay_contexts = [context_key(generation, [*own_extra, v]) for v in extra]
        contexts = [self.base_context, *self.overlay_contexts]
        self.sieve_context = None
        self.sieved: set[str] | None = None       # documents the sieve passed over, as cached
        if focus is not None:
            self.sieve_context = sieve_context_key(generation, own_extra, focus)
            contexts.append(self.sieve_context)
        if cache is not None:
            cache.register(dict.fromkeys(contexts, generation))
        self.known = cache.files(self.corpus_key) if cache else {}
        self.stats = ReadStats()
        self.work = _Work(engine, extra, focus)
        self.pool = None
        self.queued = 0

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[Entry | Skipped]:
        reading: deque[_Chunk] = deque()
        in_flight: deque[_Chunk] = deque()
        for at in range(0, len(self.files), CHUNK):
            reading.append(self._open(at))
            if len(reading) > IN_FLIGHT:
                yield from self._advance(reading.popleft(), in_flight)
        while reading:
            yield from self._advance(reading.popleft(), in_flight)
        while in_flight:
            yield from self._finish(in_flight.popleft())

    def _advance(self, chunk: _Chunk, in_flight: deque[_Chunk]) -> Iterator[Entry | Skipped]:
        self._prepare(chunk)
        self._submit(chunk)
        in_flight.append(chunk)
        while in_flight and (len(in_flight) > IN_FLIGHT or in_flight[0].ready()):
            yield from self._finish(in_flight.popleft())

    def finish(self) -> None:
        """After a complete pass: forget files that are gone, prune old generations."""
        if self.cache is None:
            return
        gone = list(self.known)           # records are taken out as their files are seen
        if gone:
            self.cache.store(self.corpus_key, [], [], forget=gone)
        self.cache.prune()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    # -- a chunk's life: open (start reading the files the cache does not know), prepare (look
    # -- up the cache, read what else must be read), analyse, finish --

    def _open(self, at: int) -> _Chunk:
        """Start reading (and sieving) the files from ``at`` on that the cache does not know, in
        the workers when there are many: a cold run spends most of its time reading and
        hashing, and the chunks before this one are looked up and stored meanwhile."""
        chunk = _Chunk([_Slot(relative, path) for relative, path in self.files[at:at + CHUNK]])
        for slot, stat in zip(chunk.slots, self.file_stats[at:at + CHUNK]):
            slot.state = None if stat is None else FileState.of(stat)
            record = self.known.pop(slot.relative, None)      # what remains is gone
            if record is not None and record.state == slot.state:
                slot.record = record
            else:
                chunk.reading.append(slot)
        tasks = [(s.path, s.relative, None if s.state is None else s.state.size)
                 for s in chunk.reading]
        if len(tasks) >= READ_IN_WORKERS and self.jobs > 1:
            if self.pool is None:
                self._start_pool()
            chunk.reads = self.pool.starmap_async(  # type: ignore[union-attr]
                _read_task, tasks, chunksize=max(1, len(tasks) // (self.jobs * 4)))
        else:
            chunk.reads = [self.work.read(*task) for task in tasks]
        return chunk

    def _prepare(self, chunk: _Chunk) -> None:
        reads = chunk.reads
        if not isinstance(reads, list):
            reads = reads.get()                 # type: ignore[attr-defined] - an AsyncResult
        for slot, read in zip(chunk.reading, reads):
            self._took(slot, *read)
        slots = chunk.slots
        self._look_up([s for s in slots if s.skipped is None])
        # Files the cache knows but not all of whose analyses it has: their text is needed.
        again = []
        for slot in slots:
            if slot.skipped is None and slot.document is None and self._needs_text(slot):
                self._reread(slot)
                if slot.document is None:
                    slot.record, slot.base, slot.overlays = None, None, {}
                    self._read(slot)
                    again.append(slot)          # changed although its stat did not
        self._look_up([s for s in again if s.skipped is None])
        for slot in slots:
            if slot.skipped is not None or slot.irrelevant:
                continue
            todo = tuple(i for i in range(len(self.extra)) if i not in slot.overlays)
            if slot.base is None or todo:
                assert slot.document is not None
                if slot.may_name_focus is None:
                    slot.may_name_focus = self.work.may_name_focus(slot.document.text)
                if not slot.may_name_focus:
                    slot.irrelevant = True
                    continue
                slot.task = len(chunk.tasks)
                chunk.tasks.append((slot.document, slot.base is None, todo))

    def _read(self, slot: _Slot) -> None:
        self._took(slot, *self.work.read(slot.path, slot.relative,
                                         None if slot.state is None else slot.state.size))

    def _took(self, slot: _Slot, item: Document | Skipped, may_name_focus: bool | None) -> None:
        self.stats.read += 1
        slot.may_name_focus = may_name_focus
        if isinstance(item, Skipped):
            slot.skipped = item
        else:
            slot.document = item

    def _reread(self, slot: _Slot) -> None:
        """The text of a file the cache knows: read and checked against the known SHA-256 (the
        front matter is known too, so it is not parsed again)."""
        record = slot.record
        assert record is not None
        self.stats.read += 1
        try:
            with open(slot.path, "rb") as handle:
                raw = handle.read()
            if hashlib.sha256(raw).hexdigest() == record.sha256:
                slot.document = Document(slot.relative, raw.decode("utf-8"), record.sha256,
                                         record.body_start, record.meta)
        except (OSError, UnicodeDecodeError):
            pass

    def _look_up(self, slots: list[_Slot]) -> None:
        if self.cache is None or not slots:
            return
        if self.sieve_context is not None:
            if self.sieved is None:               # one query for the run, not one per chunk
                self.sieved = self.cache.stored(self.sieve_context)
            for slot in slots:
                slot.irrelevant = slot.sha256 in self.sieved
            slots = [s for s in slots if not s.irrelevant]
        pairs = [(s.sha256, s.relative) for s in slots]
        found = self.cache.analyses(self.base_context, pairs, mentioning=self._focus_id())
        for slot in slots:
            base = found.get(slot.sha256)
            if isinstance(base, DocumentAnalysis):
                slot.base = _at(base, slot.relative)
                self.stats.reused += 1
        for index, context in enumerate(self.overlay_contexts):
            found = self.cache.analyses(context, pairs, mentioning=self._focus_id())
            for slot in slots:
                overlay = found.get(slot.sha256)
                if overlay is not None:
                    slot.overlays[index] = (overlay if overlay == SAME
                                            else _at(overlay, slot.relative))

    def _focus_id(self) -> str | None:
        return None if self.focus is None else self.focus.id

    def _needs_text(self, slot: _Slot) -> bool:
        """Only to analyse: the analyses carry their quotes."""
        return not slot.irrelevant and (slot.base is None or len(slot.overlays) < len(self.extra))

    def _kept(self, slot: _Slot) -> dict[str | None, DocumentAnalysis]:
        """The analyses of a slot that its Entry keeps (None: the base), cut down to the focus
        vendor's view when there is one."""
        kept: dict[str | None, DocumentAnalysis] = {}
        if slot.base is not None:
            kept[None] = slot.base
        kept.update((self.extra[i].id, a) for i, a in slot.overlays.items()
                    if isinstance(a, DocumentAnalysis))
        if self.focus is not None:
            kept = {k: view(a, self.focus.id) for k, a in kept.items()}
        return kept

    def _submit(self, chunk: _Chunk) -> None:
        if not chunk.tasks:
            chunk.results = []
            return
        self.queued += len(chunk.tasks)
        if self.pool is None and self.jobs > 1 and self.queued >= POOL_THRESHOLD:
            self._start_pool()
        if self.pool is None:
            chunk.results = [self.work.run(*task) for task in chunk.tasks]
        else:
            size = max(1, len(chunk.tasks) // (self.jobs * 4))
            chunk.pending = self.pool.starmap_async(_run_task, chunk.tasks, chunksize=size)

    def _start_pool(self) -> None:
        methods = multiprocessing.get_all_start_methods()
        # fork: workers inherit the engine for free; elsewhere it is pickled once each. Each
        # compiles the rules when it first analyses a document (on both cores at once, while
        # this process goes on storing): a pool started to read files may never need them.
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.pool = context.Pool(self.jobs, initializer=_init_worker, initargs=(self.work,))
        self.stats.workers = self.jobs

    def _finish(self, chunk: _Chunk) -> Iterator[Entry | Skipped]:
        results = chunk.results
        if results is None:
            results = chunk.pending.get()  # type: ignore[attr-defined]
        rows: list[tuple[str, str, DocumentAnalysis | str]] = []
        files: list[tuple[str, FileRecord]] = []
        out: list[Entry | Skipped] = []
        for slot in chunk.slots:
            if slot.skipped is not None:
                out.append(slot.skipped)
                continue
            sha = slot.sha256
            if slot.irrelevant:
                if slot.document is not None:     # sieved in this run: remember the verdict
                    rows.append((self.sieve_context, sha, _nothing(slot.relative)))
                    if slot.record is None and slot.state is not None:
                        files.append((slot.relative, self._record(slot)))
                out.append(Entry(self._without_text(slot), _nothing(slot.relative)))
                continue
            if slot.task is not None:
                base, overlays = results[slot.task]
                if base is not None:
                    slot.base = base = interned(base)
                    self.stats.analysed += 1
                    rows.append((self.base_context, sha, base))
                for index, overlay in overlays.items():
                    if overlay != SAME:
                        self.stats.overlays += 1
                        overlay = SAME if overlay == slot.base else interned(overlay)
                    slot.overlays[index] = overlay
                    rows.append((self.overlay_contexts[index], sha, overlay))
            if slot.document is not None and slot.record is None and slot.state is not None:
                files.append((slot.relative, self._record(slot)))
            kept = self._kept(slot)
            base = kept.pop(None)
            out.append(Entry(self._without_text(slot), base, kept))  # type: ignore[arg-type]
        if self.cache is not None and (rows or files):
            self.cache.store(self.corpus_key, files, rows)
        return iter(out)

    @staticmethod
    def _record(slot: _Slot) -> FileRecord:
        document, state = slot.document, slot.state
        assert document is not None and state is not None
        return FileRecord(state, document.sha256, document.body_start, document.meta)

    def _without_text(self, slot: _Slot) -> Document:
        if slot.document is not None:
            return dataclasses.replace(slot.document, text="")
        record = slot.record
        assert record is not None
        return Document(slot.relative, "", record.sha256, record.body_start, record.meta)


def view(analysis: DocumentAnalysis, vendor_id: str) -> DocumentAnalysis:
    """What a report on one vendor uses of an analysis: the claims about it and its mentions."""
    claims = tuple(c for c in analysis.claims if vendor_id in c.vendor_ids)
    mentions = analysis.mentions.get(vendor_id)
    if len(claims) == len(analysis.claims) and len(analysis.mentions) == (mentions is not None):
        return analysis
    return DocumentAnalysis(analysis.path, claims, {vendor_id: mentions} if mentions else {})


def _nothing(path: str) -> DocumentAnalysis:
    """The analysis of a document that holds nothing about the vendor (the sieve's verdict)."""
    return DocumentAnalysis(path, (), {})


def _at(analysis: DocumentAnalysis, path: str) -> DocumentAnalysis:
    """The analysis of identical content found at another path (the cache is keyed by content)."""
    return analysis if analysis.path == path else dataclasses.replace(analysis, path=path)


# -- the work, in this process or a worker ---------------------------------------------------------

class _Work:
    """Read one file, and analyse one document with the engine, and with each extra vendor
    where that differs."""

    def __init__(self, engine: Engine, extra: list[Vendor], focus: Vendor | None = None):
        self.engine = engine
        self.extra = extra
        self.focus = focus
        self.filter = _OverlayFilter(extra)
        self._focus_filter = _OverlayFilter([focus]) if focus is not None else None
        self._engines: dict[int, Engine] = {}

    def may_name_focus(self, text: str) -> bool:
        """Whether the focus vendor (if any) may be named in ``text`` (the loose sieve)."""
        return self._focus_filter is None or bool(self._focus_filter.candidates(text))

    def read(self, path: str, relative: str, size: int | None
             ) -> tuple[Document | Skipped, bool | None]:
        """The file read, and, with a focus vendor, the sieve's verdict on it."""
        item = read_document(Path(path), relative, size)
        if isinstance(item, Skipped) or self._focus_filter is None:
            return item, None
        return item, self.may_name_focus(item.text)

    def run(self, document: Document, base: bool, overlays: tuple[int, ...]
            ) -> tuple[DocumentAnalysis | None, dict[int, DocumentAnalysis | str]]:
        analysis = self.engine.analyse(document) if base else None
        out: dict[int, DocumentAnalysis | str] = dict.fromkeys(overlays, SAME)
        found = self.filter.candidates(document.text) if overlays else set()
        maybe = [i for i in overlays if i in found]
        if maybe:
            # The engine's analysis depends on the vendors searched only through the names it
            # finds: where the names found with U are those found without, so is the analysis.
            text, folded = document.text, fold(document.text)
            names = self.engine.names.find(text, folded)
            for index in maybe:
                engine = self._engine(index)
                if engine.names.find(text, folded) != names:
                    out[index] = engine.analyse(document)
        return analysis, out

    def _engine(self, index: int) -> Engine:
        if index not in self._engines:
            self._engines[index] = with_vendors(self.engine,
                                                [*self.engine.vendors, self.extra[index]])
        return self._engines[index]

    def __getstate__(self) -> dict:
        return {"engine": self.engine, "extra": self.extra, "focus": self.focus}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["engine"], state["extra"], state["focus"])  # type: ignore[misc]


_WORKER: _Work | None = None


def _init_worker(work: _Work) -> None:
    global _WORKER
    _WORKER = work


def _run_task(document: Document, base: bool, overlays: tuple[int, ...]):
    assert _WORKER is not None
    return _WORKER.run(document, base, overlays)


def _read_task(path: str, relative: str, size: int | None):
    assert _WORKER is not None
    return _WORKER.read(path, relative, size)


class _OverlayFilter:
    """Which extra vendors could possibly be found in a text: a cheap first sieve.

    It passes a vendor when one of its names occurs in the folded text (what the name finder's
    automaton looks for), or when a word the finder would read as a possible misspelling (a
    capitalised word, by the finder's own pattern) is within an edit more than the finder allows
    of one of its one-word names long enough for the finder to take a misspelling of
    (``SWAP_MIN_LENGTH``), whatever kind of name it is and whatever its first letter: looser
    than the finder, so that what the finder may take for the vendor always passes; the exact
    test (the names found with and without the vendor) is made on what passes. Names the finder
    only reads a swap of two letters in ("Dahau") get no extra edit, and shorter ones are looked
    for as written only: within two edits of "Dahua" or "Hik" lie "data" and "his", and every
    article would pass.
    """

    _MEMO_LIMIT = 500_000

    def __init__(self, extra: list[Vendor]):
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, set[int]] = {}
        self._tokens: list[tuple[str, int, int]] = []
        for index, vendor in enumerate(extra):
            for name in vendor.names:
                key = _search_key(name.text)
                if key:
                    keys.setdefault(key, set()).add(index)
                compact = name_key(name.text)
                if len(compact) >= SWAP_MIN_LENGTH and " " not in compact:
                    self._tokens.append((compact, index, _reach(compact)))
        for key, indexes in keys.items():
            self._automaton.add_word(key, frozenset(indexes))
        if keys:
            self._automaton.make_automaton()
        self._memo: dict[str, frozenset[int]] = {}

    def candidates(self, text: str) -> set[int]:
        found: set[int] = set()
        if len(self._automaton):
            for _, indexes in self._automaton.iter(fold(text)):
                found |= indexes
        if self._tokens:
            if len(self._memo) > self._MEMO_LIMIT:
                self._memo.clear()
            for word in set(_CAPITALISED_WORD.findall(text)):
                near = self._memo.get(word)
                if near is None:
                    near = self._memo[word] = self._near(name_key(word).replace(" ", ""))
                found |= near
        return found

    def _near(self, key: str) -> frozenset[int]:
        return frozenset(index for token, index, reach in self._tokens
                         if abs(len(token) - len(key)) <= reach
                         and OSA.distance(key, token, score_cutoff=reach) <= reach)


def _reach(token: str) -> int:
    """Edits (a swap of two letters counting as one) within which a word might be taken for
    ``token``: one more than the name finder allows (one up to ten letters, two beyond), and
    the finder's own one for names it only reads a swap of two letters in."""
    if len(token) < FUZZY_MIN_LENGTH:
        return 1
    return 2 if len(token) <= LONG_NAME else 3
