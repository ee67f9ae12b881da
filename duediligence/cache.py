"""The analysis cache: what the engine made of each document, kept in an SQLite file.

A re-run over a corpus that grew by ten articles analyses ten articles. Two tables do the work:

- ``analyses``: a document's :class:`~duediligence.analysis.DocumentAnalysis` keyed by the
  document's SHA-256 and a *context*: the rule set's SHA-256, a fingerprint of the package's code
  and library versions, and the vendor outside the registry that was searched for, if any. A
  changed rule file, an upgrade or a different unregistered vendor is a different context, so
  nothing stale is ever reused; contexts of old rule sets are pruned.
- ``files``: what a file looked like (size, modification and change times, inode) when it was
  last read, with its SHA-256 and front matter, so an unchanged file is not read again. A file
  modified in the two seconds before it was read is not remembered (a second write in the same
  clock tick could go unseen); it is simply read again next time.
- ``outputs``: whole outputs (a vendor's JSON report, the list of documents searched) keyed by
  everything they are made from, the corpus included as the stat of every file
  (``snapshot.py``): a run over a corpus in which nothing changed does not read it again. Only
  the outputs of a corpus's latest state are kept.

Safety: the file is in WAL mode and every batch is written in one transaction, so killing a run
(even with SIGKILL) loses at most the batch in flight and never leaves a half-written row; two runs
can share the file (SQLite serialises writers; rows are deterministic, so either writer's row is
right). Every row carries a BLAKE2 digest of its key and value: a row that does not check out, or
a file SQLite cannot read, means the cache is corrupt; it is moved aside to ``<name>.corrupt``,
reported in one line and rebuilt, never trusted. A cache that cannot be created or written (a
read-only corpus, a full disk) is reported in one line and the run carries on without it.

Stored values are JSON, never pickles: a cache file lives beside the corpus, and whoever can write
there must not be able to make the checker run code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sqlite3
import sys
import time
from sys import intern
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .claims import Claim, DocumentAnalysis

CACHE_NAME = ".duediligence-cache.sqlite"
FORMAT = 5                        # bump when the layout of the tables or values changes
APPLICATION_ID = 0x64644331       # "ddC1" in the SQLite header: this file is ours
KEEP_GENERATIONS = 3              # rule-set/code generations kept; older ones are pruned
RACY_NS = 2_000_000_000           # files modified this recently are not remembered by stat
SQLITE_MAGIC = b"SQLite format 3\x00"

# The marker stored for "the analysis with this extra vendor is the base analysis".
SAME = "="

Warn = Callable[[str], None]


class CacheCorrupt(Exception):
    """The cache file cannot be trusted."""


@dataclass(frozen=True)
class FileState:
    """What ``os.stat`` said about a file: enough to tell that it has not changed since."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileState:
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)

    def racy(self, now_ns: int) -> bool:
        return now_ns - max(self.mtime_ns, self.ctime_ns) < RACY_NS


@dataclass(frozen=True)
class FileRecord:
    """A file as last read: its document's SHA-256, body offset and front matter.

    Skipped files are not remembered: they are few, and "cannot be read" may be passing."""

    state: FileState
    sha256: str
    body_start: int
    meta: dict[str, str]


@dataclass
class CacheStats:
    """What the cache did in this run (tests and the bench read it)."""

    hits: int = 0
    misses: int = 0
    stored: int = 0
    files_known: int = 0


def default_cache_path(corpus: Path) -> Path:
    """The cache beside the corpus: a hidden file, which the corpus reader skips."""
    return corpus / CACHE_NAME


def open_cache(corpus: Path, explicit: Path | None, disabled: bool, warn: Warn,
               default_here: bool = True) -> AnalysisCache | None:
    """The cache a run uses: ``explicit`` (``--cache``), else the default beside the corpus (when
    ``default_here``: not inside the installed package's bundled seeds); None with ``--no-cache``
    or when the corpus is not a directory (the corpus reader reports that)."""
    if disabled:
        return None
    if explicit is None:
        if not default_here or not corpus.is_dir():
            return None
        explicit = default_cache_path(corpus)
    return AnalysisCache.open(explicit, warn)


# The modules whose code decides what a document's analysis is (and how it is stored); the cache
# follows their imports within the package, so a change anywhere they reach is a new context.
_ANALYSIS_ROOTS = ("analysis", "corpus", "parallel", "cache")
_LOCAL_IMPORT = re.compile(r"^\s*from \.(\w*) import ([\w, ()]+)", re.MULTILINE)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the source of the modules the analysis depends on and the versions of the
    libraries the engine uses: a tuned attribution module or an upgrade is a new context, so the
    cache never serves an analysis made by other code. (Changes to the memo, the CLI or the
    report builder do not touch the analysis, and leave the cache valid.)"""
    package = Path(__file__).parent
    return _fingerprint(package, sorted(_module_closure(package)), _ENGINE_LIBRARIES)


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """The same over every module of the package and the libraries a report is written with:
    what a whole saved output depends on besides its inputs."""
    package = Path(__file__).parent
    return _fingerprint(package, sorted(p.stem for p in package.glob("*.py")),
                        (*_ENGINE_LIBRARIES, "pydantic", "pydantic-core"))


_ENGINE_LIBRARIES = ("regex", "pyahocorasick", "rapidfuzz", "anyascii", "pyyaml")


def _fingerprint(package: Path, modules: list[str], libraries: tuple[str, ...]) -> str:
    import unicodedata

    digest = hashlib.sha256()
    for name in modules:
        digest.update(name.encode() + b"\0" + (package / f"{name}.py").read_bytes() + b"\0")
    for library in libraries:
        digest.update(f"{library}={_library_version(library)}\0".encode())
    digest.update(f"python={sys.version_info[:2]} unicode={unicodedata.unidata_version}".encode())
    return digest.hexdigest()


@lru_cache(maxsize=None)
def _library_version(library: str) -> str:
    """An installed library's version ('-' if it is not installed); both fingerprints ask."""
    from importlib import metadata
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "-"


def _module_closure(package: Path) -> set[str]:
    """The package's modules reachable by relative imports from the analysis roots."""
    seen: set[str] = set()
    todo = list(_ANALYSIS_ROOTS)
    while todo:
        name = todo.pop()
        if name in seen or not (package / f"{name}.py").is_file():
            continue
        seen.add(name)
        for module, names in _LOCAL_IMPORT.findall((package / f"{name}.py").read_text("utf-8")):
            todo += [module] if module else re.findall(r"\w+", names)
    return seen


def generation_key(rule_set_sha256: str) -> str:
    """The key shared by every context of one rule set and one version of the code."""
    text = f"format={FORMAT}\0code={code_fingerprint()}\0rules={rule_set_sha256}"
    return hashlib.sha256(text.encode()).hexdigest()


def context_key(generation: str, extra_vendors: Iterable = ()) -> str:
    """The key of an analysis: the generation plus the vendors outside the registry searched for."""
    extra = [dataclasses.asdict(v) for v in extra_vendors]
    if not extra:
        return generation
    text = generation + "\0" + json.dumps(extra, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def sieve_context_key(generation: str, extra_vendors: Iterable, focus) -> str:
    """The key of the sieve's verdicts on documents that cannot name ``focus`` (a vendor)."""
    text = (context_key(generation, extra_vendors) + "\0sieve\0"
            + json.dumps(dataclasses.asdict(focus), sort_keys=True, ensure_ascii=False))
    return hashlib.sha256(text.encode()).hexdigest()


def encode_analysis(analysis: DocumentAnalysis | str) -> str:
    """A document's analysis as compact JSON, without its path (the key is the content)."""
    if analysis == SAME:
        return SAME
    assert isinstance(analysis, DocumentAnalysis)
    if not analysis.claims and not analysis.mentions:
        return ""                                   # most documents name no company at all
    claims = [[getattr(c, f.name) for f in _CLAIM_FIELDS] for c in analysis.claims]
    return json.dumps({"c": claims, "m": [[k, list(v)] for k, v in analysis.mentions.items()]},
                      ensure_ascii=False, separators=(",", ":"))


def decode_analysis(data: str, path: str) -> DocumentAnalysis | str:
    if data == SAME:
        return SAME
    if not data:
        return DocumentAnalysis(path, (), {})
    value = json.loads(data)
    return DocumentAnalysis(path, tuple(_claim(row) for row in value["c"]),
                            {intern(k): tuple(map(intern, v)) for k, v in value["m"]})


def _claim(row: list) -> Claim:
    """A claim from its stored row; strings interned (rule ids, vendor ids, referents and most
    explanations repeat across a corpus, and the claims of one sentence share its quote: at 100k
    articles this halves the analyses' memory)."""
    if _LAYOUT_KNOWN and len(row) == 12:
        (rule, start, end, cue_start, cue_end, vendors, referent, allegation, explanation,
         quote, cue, line) = row
        return Claim(intern(rule), start, end, cue_start, cue_end, tuple(map(intern, vendors)),
                     intern(referent), allegation, intern(explanation), intern(quote),
                     intern(cue), line)
    for index, value in enumerate(row):
        if type(value) is str:
            row[index] = intern(value)
        elif type(value) is list:
            row[index] = tuple(intern(v) if type(v) is str else v for v in value)
    return Claim(*row)                              # a row of the wrong length is a TypeError


def interned(analysis: DocumentAnalysis) -> DocumentAnalysis:
    """The same analysis with its strings interned (for analyses made in worker processes)."""
    return decode_analysis(encode_analysis(analysis), analysis.path)  # type: ignore[return-value]


_CLAIM_FIELDS = dataclasses.fields(Claim)
# The fields _claim() unpacks by position, fastest; any other layout takes the generic path.
_LAYOUT_KNOWN = [f.name for f in _CLAIM_FIELDS] == [
    "rule_id", "start", "end", "cue_start", "cue_end", "vendor_ids", "referent", "allegation",
    "explanation", "quote", "cue", "line"]
# The encoding above knows every field of DocumentAnalysis; fail loudly if one is added.
assert [f.name for f in dataclasses.fields(DocumentAnalysis)] == ["path", "claims", "mentions"]


_SCHEMA = (
    # Contexts and corpora get small ids so that the big tables do not repeat 64-character keys.
    "CREATE TABLE IF NOT EXISTS contexts (id INTEGER PRIMARY KEY, context TEXT NOT NULL UNIQUE, "
    " generation TEXT NOT NULL, used INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS analyses (context INTEGER NOT NULL, sha256 BLOB NOT NULL, "
    " data TEXT NOT NULL, digest BLOB NOT NULL, PRIMARY KEY (context, sha256)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS corpora (id INTEGER PRIMARY KEY, corpus TEXT NOT NULL, "
    " code TEXT NOT NULL, UNIQUE (corpus, code))",
    "CREATE TABLE IF NOT EXISTS files (corpus INTEGER NOT NULL, path TEXT NOT NULL, "
    " size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, "
    " inode INTEGER NOT NULL, sha256 BLOB NOT NULL, body_start INTEGER NOT NULL, "
    " meta TEXT NOT NULL, digest BLOB NOT NULL, PRIMARY KEY (corpus, path)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS outputs (corpus INTEGER NOT NULL, key BLOB NOT NULL, "
    " state BLOB NOT NULL, data BLOB NOT NULL, digest BLOB NOT NULL, "
    " PRIMARY KEY (corpus, key)) WITHOUT ROWID",
)
_TABLES = ("contexts", "analyses", "corpora", "files", "outputs")
_LOOKUP_BATCH = 400               # SQLite's default limit on bound parameters is 999 (older builds)


class AnalysisCache:
    """An open cache file. Every method is safe to call after a failure: the cache then degrades
    to answering nothing and storing nothing, and says so once."""

    def __init__(self, path: Path, connection: sqlite3.Connection | None, warn: Warn,
                 deferred: bool = False):
        self.path = path
        self._db: sqlite3.Connection | None = connection
        self._deferred = deferred                   # the file is created on first use
        self._warn = warn
        self.stats = CacheStats()
        self._code = code_fingerprint()
        self._generations: dict[str, str] = {}       # context -> generation, as registered
        self._context_ids: dict[str, int] = {}
        self._corpus_ids: dict[str, int] = {}

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, warn: Warn) -> AnalysisCache | None:
        """Open (checking, rebuilding as needed) the cache at ``path``; None to run without it.

        A cache that does not exist yet is created when a run first uses it, once the corpus
        has been found: a run that fails on its input leaves no file behind."""
        if not path.exists():
            return cls(path, None, warn, deferred=True)
        connection = _open_connection(path, warn)
        return None if connection is None else cls(path, connection, warn)

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    @property
    def usable(self) -> bool:
        return self._db is not None

    def register(self, contexts: dict[str, str]) -> None:
        """Declare the contexts (context -> generation) this run reads and writes."""
        if self._deferred:
            self._deferred = False
            self._db = _open_connection(self.path, self._warn)
        self._generations.update(contexts)
        self._write(self._ensure_ids)

    def _ensure_ids(self, db: sqlite3.Connection) -> None:
        now = time.time_ns()
        for context, generation in self._generations.items():
            db.execute("INSERT INTO contexts (context, generation, used) VALUES (?, ?, ?) "
                       "ON CONFLICT (context) DO UPDATE SET used = excluded.used",
                       (context, generation, now))
            self._context_ids[context] = db.execute(
                "SELECT id FROM contexts WHERE context = ?", (context,)).fetchone()[0]
        for corpus in list(self._corpus_ids):
            self._corpus_ids[corpus] = self._corpus_id(db, corpus)

    def _corpus_id(self, db: sqlite3.Connection, corpus: str) -> int:
        db.execute("INSERT OR IGNORE INTO corpora (corpus, code) VALUES (?, ?)",
                   (corpus, self._code))
        return db.execute("SELECT id FROM corpora WHERE corpus = ? AND code = ?",
                          (corpus, self._code)).fetchone()[0]

    # -- reading -------------------------------------------------------------------------------

    def files(self, corpus: str) -> dict[str, FileRecord]:
        """Every remembered file of ``corpus`` (its resolved path), by relative path."""
        if corpus not in self._corpus_ids:
            self._corpus_ids[corpus] = -1
            self._write(lambda db: self._corpus_ids.__setitem__(corpus,
                                                                self._corpus_id(db, corpus)))
        corpus_id = self._corpus_ids[corpus]
        rows = self._read("SELECT path, size, mtime_ns, ctime_ns, inode, sha256, body_start, meta, "
                          "digest FROM files WHERE corpus = ?", (corpus_id,))
        known: dict[str, FileRecord] = {}
        for path, size, mtime, ctime, inode, sha, body, meta, digest in rows:
            if digest != _file_digest(corpus, self._code, path, size, mtime, ctime, inode, sha,
                                      body, meta):
                return self._corrupt("a file entry does not match its checksum") or {}
            try:
                fields = {intern(k): intern(v) for k, v in json.loads(meta).items()}
                known[path] = FileRecord(FileState(size, mtime, ctime, inode), sha.hex(),
                                         int(body), fields)
            except (ValueError, TypeError, AttributeError):
                return self._corrupt("a file entry cannot be decoded") or {}
        self.stats.files_known = len(known)
        return known

    def analyses(self, context: str, shas: list[tuple[str, str]],
                 mentioning: str | None = None) -> dict[str, DocumentAnalysis | str]:
        """The stored analyses among ``shas`` ((sha256, path) pairs), by SHA-256.

        With ``mentioning`` (a vendor id), an analysis that does not contain that id anywhere is
        returned empty without being decoded: it has nothing about that vendor."""
        needle = None if mentioning is None else json.dumps(mentioning, ensure_ascii=False)
        paths = dict(shas)
        found: dict[str, DocumentAnalysis | str] = {}
        rows = self._rows(context, list(paths))
        for sha, data in rows or ():
            if needle is not None and data != SAME and needle not in data:
                found[sha] = DocumentAnalysis(paths[sha], (), {})
                continue
            try:
                found[sha] = decode_analysis(data, paths[sha])
            except (ValueError, KeyError, TypeError, AttributeError):
                return self._corrupt("an analysis cannot be decoded") or {}
        self.stats.hits += len(found)
        self.stats.misses += len(paths) - len(found)
        return found

    def stored(self, context: str) -> set[str]:
        """The SHA-256 of every document with a row in ``context``, without decoding any (for
        verdicts whose presence is the whole answer), in one query."""
        context_id = self._context_ids.get(context)
        if context_id is None:
            return set()
        found = set()
        for sha, data, digest in self._read("SELECT sha256, data, digest FROM analyses "
                                            "WHERE context = ?", (context_id,)):
            if digest != _digest(context, sha, data):
                self._corrupt("an analysis does not match its checksum")
                return set()
            found.add(sha.hex())
        return found

    def output(self, corpus: str, key: str) -> bytes | None:
        """A saved output of ``corpus`` (its resolved path) under ``key``, checked against its
        digest; None when there is none (or the cache is not there yet)."""
        if self._db is None:
            return None
        found = self._read("SELECT o.data, o.digest FROM outputs o JOIN corpora c ON "
                           "o.corpus = c.id WHERE c.corpus = ? AND c.code = ? AND o.key = ?",
                           (corpus, self._code, bytes.fromhex(key)))
        if not found:
            return None
        data, digest = found[0]
        if type(data) is not bytes or digest != _output_digest(corpus, key, data):
            return self._corrupt("a saved output does not match its checksum")
        return data

    def _rows(self, context: str, shas: list[str]) -> list[tuple[str, str]] | None:
        """(sha256, data) of the rows of ``context`` among ``shas``, each checked against its
        digest; None when the cache failed on the way (a row that does not check out rebuilds
        it), so that nothing read from it is used."""
        context_id = self._context_ids.get(context)
        if context_id is None or self._db is None:
            return []
        keys = [bytes.fromhex(sha) for sha in shas]
        found = []
        for at in range(0, len(keys), _LOOKUP_BATCH):
            batch = keys[at:at + _LOOKUP_BATCH]
            marks = ",".join("?" * len(batch))
            rows = self._read(f"SELECT sha256, data, digest FROM analyses WHERE context = ? AND "
                              f"sha256 IN ({marks})", (context_id, *batch))
            if self._db is None:
                return None
            for sha, data, digest in rows:
                if digest != _digest(context, sha, data):
                    return self._corrupt("an analysis does not match its checksum")
                found.append((sha.hex(), data))
        return found

    # -- writing -------------------------------------------------------------------------------

    def store(self, corpus: str, files: list[tuple[str, FileRecord]],
              analyses: list[tuple[str, str, DocumentAnalysis | str]],
              forget: Iterable[str] = ()) -> None:
        """Write one batch in one transaction: file records, analyses ((context, sha256,
        analysis), contexts registered first) and drop the file records in ``forget``."""
        if self._db is None:
            return
        now = time.time_ns()
        file_rows = []
        for path, record in files:
            if record.state.racy(now):
                continue
            s, sha = record.state, bytes.fromhex(record.sha256)
            meta = json.dumps(record.meta, ensure_ascii=False)
            file_rows.append((path, s.size, s.mtime_ns, s.ctime_ns, s.inode, sha,
                              record.body_start, meta,
                              _file_digest(corpus, self._code, path, s.size, s.mtime_ns,
                                           s.ctime_ns, s.inode, sha, record.body_start, meta)))
        analysis_rows = []
        for context, sha, analysis in analyses:
            data, key = encode_analysis(analysis), bytes.fromhex(sha)
            analysis_rows.append((context, key, data, _digest(context, key, data)))

        def write(db: sqlite3.Connection) -> None:
            corpus_id = self._corpus_ids.get(corpus)
            if corpus_id is None or corpus_id < 0:
                corpus_id = self._corpus_ids[corpus] = self._corpus_id(db, corpus)
            db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?)",
                           [(corpus_id, *row) for row in file_rows])
            db.executemany("INSERT OR REPLACE INTO analyses VALUES (?,?,?,?)",
                           [(self._context_ids[c], *rest) for c, *rest in analysis_rows])
            db.executemany("DELETE FROM files WHERE corpus = ? AND path = ?",
                           [(corpus_id, p) for p in forget])

        if self._write(write):
            self.stats.stored += len(analysis_rows)

    def save_outputs(self, corpus: str, state: str, outputs: list[tuple[str, bytes]]) -> None:
        """Save outputs ((key, data)) made from ``state`` of ``corpus``; the outputs of its
        other states go (a corpus does not go back to an earlier state)."""
        if self._deferred:
            self.register({})                          # a cache created by this run
        rows = [(bytes.fromhex(key), bytes.fromhex(state), data,
                 _output_digest(corpus, key, data)) for key, data in outputs]

        def write(db: sqlite3.Connection) -> None:
            corpus_id = self._corpus_ids.get(corpus)
            if corpus_id is None or corpus_id < 0:
                corpus_id = self._corpus_ids[corpus] = self._corpus_id(db, corpus)
            db.execute("DELETE FROM outputs WHERE corpus = ? AND state != ?",
                       (corpus_id, bytes.fromhex(state)))
            db.executemany("INSERT OR REPLACE INTO outputs VALUES (?,?,?,?,?)",
                           [(corpus_id, *row) for row in rows])

        self._write(write)

    def prune(self) -> None:
        """Drop the analyses of all but the most recently used rule-set/code generations, and
        the file records made by other code."""
        def prune(db: sqlite3.Connection) -> None:
            rows = db.execute("SELECT generation, MAX(used) FROM contexts GROUP BY generation "
                              "ORDER BY MAX(used) DESC").fetchall()
            for generation, _ in rows[KEEP_GENERATIONS:]:
                db.execute("DELETE FROM analyses WHERE context IN (SELECT id FROM contexts "
                           "WHERE generation = ?)", (generation,))
                db.execute("DELETE FROM contexts WHERE generation = ?", (generation,))
            for table in ("files", "outputs"):
                db.execute(f"DELETE FROM {table} WHERE corpus IN "
                           "(SELECT id FROM corpora WHERE code != ?)", (self._code,))
            db.execute("DELETE FROM corpora WHERE code != ?", (self._code,))

        self._write(prune)

    # -- transactions and failure ----------------------------------------------------------------

    def _write(self, work: Callable[[sqlite3.Connection], None]) -> bool:
        """Run ``work`` in one write transaction; False (and the cache degraded) on failure."""
        if self._db is None:
            return False
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                work(db)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._failed(exc)
            return False
        return True

    def _read(self, sql: str, params: tuple) -> list[tuple]:
        if self._db is None:
            return []
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            self._failed(exc)
            return []

    def _failed(self, exc: sqlite3.Error) -> None:
        """A database error mid-run: corruption is rebuilt, anything else disables the cache.
        Text that is not UTF-8 is a damaged page too, though Python's sqlite3 reports it as an
        OperationalError (with only its message to tell it apart)."""
        if isinstance(exc, sqlite3.OperationalError) and "could not decode" not in str(exc).lower():
            self._warn(f"cache disabled for the rest of this run: {self.path}: {_reason(exc)}")
            self.close()
        else:
            self._corrupt(_reason(exc))

    def _corrupt(self, reason: str) -> None:
        """Stop trusting the file: move it aside, start an empty one, carry on with that."""
        self.close()
        aside = _move_aside(self.path)
        where = f"; moved it to {aside.name}" if aside else ""
        self._warn(f"cache {self.path} is corrupt ({reason}){where}; rebuilding it")
        try:
            self._db = _connect(self.path)
        except (CacheCorrupt, sqlite3.Error, OSError) as exc:
            self._warn(f"cache disabled: cannot rebuild {self.path}: {_reason(exc)}")
            self._db = None
            return None
        self._context_ids.clear()
        self._write(self._ensure_ids)
        return None


def _digest(context: str, sha: bytes, data: str) -> bytes:
    """A checksum against corruption (not against forgery: there is no secret to forge with)."""
    return hashlib.blake2b(f"{context}\0{sha.hex()}\0{data}".encode(), digest_size=16).digest()


def _output_digest(corpus: str, key: str, data: bytes) -> bytes:
    return hashlib.blake2b(f"{corpus}\0{key}\0".encode() + data, digest_size=16).digest()


def _file_digest(corpus: str, code: str, path: str, size: int, mtime: int, ctime: int,
                 inode: int, sha: bytes, body: int, meta: str) -> bytes:
    text = "\0".join((corpus, code, path, str(size), str(mtime), str(ctime), str(inode),
                      sha.hex(), str(body), meta))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _open_connection(path: Path, warn: Warn) -> sqlite3.Connection | None:
    """A checked connection to the cache at ``path``, rebuilt if corrupt; None (with a warning)
    when it cannot be used."""
    try:
        return _connect(path)
    except CacheCorrupt as exc:
        reason = str(exc)
    except (sqlite3.Error, OSError) as exc:
        warn(f"cache disabled: cannot use {path}: {_reason(exc)}")
        return None
    aside = _move_aside(path)
    where = f"; moved it to {aside.name}" if aside else ""
    warn(f"cache {path} is corrupt ({reason}){where}; rebuilding it")
    try:
        return _connect(path)
    except (CacheCorrupt, sqlite3.Error, OSError) as exc:
        warn(f"cache disabled: cannot rebuild {path}: {_reason(exc)}")
        return None


def _connect(path: Path) -> sqlite3.Connection:
    """Open the file, check it is a healthy cache of this format, create the tables if new."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        header = b""
    if header and header != SQLITE_MAGIC:
        raise CacheCorrupt("not an SQLite database")
    db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    try:
        _prepare(db, path)
    except sqlite3.OperationalError:
        db.close()
        raise
    except sqlite3.DatabaseError as exc:
        db.close()
        raise CacheCorrupt(_reason(exc)) from None
    except BaseException:
        db.close()
        raise
    return db


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    db.execute("PRAGMA busy_timeout = 60000")
    # Tables first: a run creating the cache commits its tables and application id together, so
    # once the tables are seen the id is too (read the other way round, a run starting at the
    # same moment could see no id, then tables, and take the cache for someone else's database).
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    application = db.execute("PRAGMA application_id").fetchone()[0]
    if application not in (0, APPLICATION_ID) or (application == 0 and tables):
        # Someone's SQLite database, not a cache: leave it alone.
        raise sqlite3.OperationalError("it is an SQLite database but not a duediligence cache")
    # No PRAGMA quick_check here: it reads the whole file (1.8 s for 100k articles) on every
    # run. A damaged page raises DatabaseError when it is read, which rebuilds the cache, and
    # every row is checked against its digest before use.
    _check_size(db, path)
    if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != FORMAT:
            for table in _TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA:
            db.execute(statement)
        if version != FORMAT:
            db.execute(f"PRAGMA user_version = {FORMAT}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _check_size(db: sqlite3.Connection, path: Path) -> None:
    """A truncated file: the header promises more pages than the file (and its WAL) holds."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    size = db.execute("PRAGMA page_size").fetchone()[0]
    try:
        actual = path.stat().st_size
    except FileNotFoundError:
        return
    wal = Path(f"{path}-wal")
    if actual < pages * size and not (wal.exists() and wal.stat().st_size > 0):
        raise CacheCorrupt(f"truncated: {actual} bytes, header says {pages * size}")


def _move_aside(path: Path) -> Path | None:
    """Rename a corrupt cache (and its WAL and shared-memory files) out of the way."""
    aside = path.with_name(path.name + ".corrupt")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        aside = None
    except OSError:
        path.unlink(missing_ok=True)
        aside = None
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return aside


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__
