"""Corpus: a directory of articles, read one at a time in a deterministic order.

Articles are ``.txt`` or ``.md`` files, found recursively; hidden files and directories are
skipped. Each may start with YAML front matter (``title``, ``url``, ``publisher``, ``date``); without
it the first non-blank line is the title. A file that cannot be used (not UTF-8, binary, too large,
malformed front matter) is reported as skipped with the reason; it never stops the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import CorpusError

ARTICLE_SUFFIXES = (".txt", ".md")
MAX_ARTICLE_BYTES = 5_000_000
FRONT_MATTER_FIELDS = ("title", "url", "publisher", "date")
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


@dataclass(frozen=True)
class Document:
    """One article: its text exactly as decoded from disk, and where the body starts."""

    path: str                      # relative to the corpus directory, '/'-separated
    text: str
    sha256: str
    body_start: int                # offset of the first character after the front matter
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.get("title") or self.path


@dataclass(frozen=True)
class Skipped:
    """A file in the corpus that was not searched, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Listing:
    """The article files of a corpus and their ``stat`` (None: gone since listed), taken once per
    run: the corpus's state (``snapshot.py``) and the reader see the same look at the files."""

    files: list[tuple[str, str]]
    stats: list[os.stat_result | None]


def list_corpus(corpus: Path) -> Listing:
    files = article_files(corpus)
    stats: list[os.stat_result | None] = []
    for _, path in files:
        try:
            stats.append(os.stat(path))
        except OSError:
            stats.append(None)
    return Listing(files, stats)


def article_paths(corpus: Path) -> list[Path]:
    """Every article file under ``corpus``, sorted by relative path, hidden entries skipped."""
    return [Path(path) for _, path in article_files(corpus)]


def article_files(corpus: Path) -> list[tuple[str, str]]:
    """(relative '/'-separated path, file system path) of every article file, sorted by the
    relative path. Paths are strings: at 100k articles, making Path objects is measurable."""
    if not corpus.exists():
        raise CorpusError(f"corpus directory does not exist: {corpus}")
    if not corpus.is_dir():
        raise CorpusError(f"corpus is not a directory: {corpus}")
    found: list[tuple[str, str]] = []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # The relative prefix is worked out once per directory, not once per file.
        inside = os.path.relpath(root, corpus)
        prefix = "" if inside == os.curdir else inside.replace(os.sep, "/") + "/"
        base = os.path.join(root, "")
        found.extend((prefix + name, base + name) for name in files
                     if not name.startswith(".") and name.lower().endswith(ARTICLE_SUFFIXES))
    found.sort(key=lambda item: item[0])
    return found


def iter_corpus(corpus: Path) -> Iterator[Document | Skipped]:
    """Read the corpus one file at a time (never all of it in memory)."""
    files = article_files(corpus)
    if not files:
        raise CorpusError(f"corpus has no .txt or .md articles: {corpus}")
    for relative, path in files:
        yield read_document(Path(path), relative)


def read_document(path: Path, relative: str, size: int | None = None) -> Document | Skipped:
    """Read one article, or say why it cannot be searched (``size``: the file's size if the
    caller has just stat-ed it)."""
    try:
        if (path.stat().st_size if size is None else size) > MAX_ARTICLE_BYTES:
            return Skipped(relative, f"larger than {MAX_ARTICLE_BYTES:,} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        return Skipped(relative, f"cannot be read: {exc.strerror or exc}")
    return parse_document(raw, relative)


def parse_document(raw: bytes, relative: str) -> Document | Skipped:
    """Decode and split front matter from body; offsets stay those of the decoded file."""
    if b"\x00" in raw[:8192]:
        return Skipped(relative, "binary file (contains NUL bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Skipped(relative, f"not UTF-8 (invalid byte at offset {exc.start})")
    sha = hashlib.sha256(raw).hexdigest()
    try:
        meta, body_start = _front_matter(text)
    except ValueError as exc:
        return Skipped(relative, f"malformed front matter: {exc}")
    if "title" not in meta:
        first = text[body_start:].lstrip("\ufeff").strip().split("\n", 1)[0].strip()
        meta["title"] = first[:300] if first else relative
    return Document(relative, text, sha, body_start, meta)


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    """Parse leading ``---`` YAML front matter; return the known fields and the body offset."""
    start = 1 if text.startswith("\ufeff") else 0
    if not text.startswith(("---\n", "---\r\n"), start):
        return {}, 0
    opening = text.index("\n", start) + 1
    cursor = opening
    while cursor < len(text):
        line_end = text.find("\n", cursor)
        line_end = len(text) if line_end == -1 else line_end
        if text[cursor:line_end].rstrip("\r") == "---":
            block = text[opening:cursor]
            return _front_matter_fields(block), min(line_end + 1, len(text))
        cursor = line_end + 1
    raise ValueError("no closing '---' line")


def _front_matter_fields(block: str) -> dict[str, str]:
    simple = _simple_front_matter(block)
    if simple is not None:
        return {key: simple[key] for key in FRONT_MATTER_FIELDS if key in simple}
    try:
        data = _load_yaml(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        raise ValueError(f"{where}{getattr(exc, 'problem', None) or 'invalid YAML'}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("expected a mapping of fields")
    fields: dict[str, str] = {}
    for key in FRONT_MATTER_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()[:10]
        if not isinstance(value, (str, int, float)):
            raise ValueError(f"field '{key}' must be text")
        fields[key] = str(value).strip()
    return fields


# A front-matter line whose YAML meaning is plainly its text: ``key: value`` where the value is a
# date, a double- or single-quoted string without escapes, or a plain scalar that starts with a
# letter and holds nothing YAML would read otherwise (a comment, a nested mapping, flow
# collections). Anything else goes to the YAML parser.
_SIMPLE_LINE = re.compile(
    r"""(?P<key>[A-Za-z_][A-Za-z0-9_]*):[ \t]+(?:
        (?P<date>\d{4}-\d\d-\d\d)
      | "(?P<double>[^"\\]*)"
      | '(?P<single>[^']*)'
      | (?P<plain>[^\W\d_](?:[^#:\[\]{}\n]|:(?![ \t]|$))*?)
    )[ \t]*""", re.VERBOSE)
# Plain words YAML 1.1 reads as booleans or null, not as text (compared in lower case).
_YAML_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})


def _simple_front_matter(block: str) -> dict[str, str] | None:
    """The fields of a front matter block made only of simple lines, without a YAML parser (a
    tenth of the time, on every article of a large corpus); None when any line is not simple."""
    fields: dict[str, str] = {}
    for line in block.splitlines():
        if not line.strip():
            continue
        match = _SIMPLE_LINE.fullmatch(line.rstrip("\r"))
        if match is None:
            return None
        plain, date = match["plain"], match["date"]
        if plain is not None and plain.lower() in _YAML_WORDS:
            return None
        if date is not None and not _is_date(date):
            return None                           # YAML's own message says what is wrong
        fields[match["key"]] = next(v for v in match.group("date", "double", "single", "plain")
                                    if v is not None).strip()
    return fields


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _load_yaml(block: str):
    """``yaml.safe_load`` with libyaml's parser when present (about ten times faster per article);
    a block libyaml rejects is parsed again in Python so the error message stays the same."""
    if _FAST_LOADER is None:
        return yaml.safe_load(block)
    try:
        return yaml.load(block, Loader=_FAST_LOADER)  # noqa: S506 - a SafeLoader variant
    except yaml.YAMLError:
        return yaml.safe_load(block)


def corpus_digest(entries: list[tuple[str, str]]) -> str:
    """SHA-256 identifying a corpus snapshot: over sorted (path, document SHA-256) pairs."""
    digest = hashlib.sha256()
    for path, sha in sorted(entries):
        digest.update(f"{path}\0{sha}\n".encode())
    return digest.hexdigest()
