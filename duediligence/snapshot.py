"""Reusing whole outputs while the corpus stands still.

Re-running a check or a screen over a corpus in which nothing changed should cost a look at the
files, not a reading of them. The corpus's *state* is a digest of every article file's path and
``stat`` (size, modification and change times, inode): the same test the analysis cache already
trusts for one file, taken for all of them. An output (a vendor's JSON report, the list of
documents searched) is saved under a key made of its state and everything else it is made from:
the code and library versions, the rule set, the vendor, the corpus as given, the assessment
date, the review file's path and bytes. Any change to any of them is another key, so a saved
output is only ever served for exactly the inputs that made it.

A file modified in the last two seconds makes the state untrustworthy (a second write in the same
clock tick could go unseen); the run then neither uses nor saves outputs.

Outputs are kept *packed* (zlib) here and while a screen holds them: fifty reports on a large
corpus are megabytes of JSON each, held until they are all made, beside the corpus's analyses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import AnalysisCache, FileState, package_fingerprint
from .corpus import Listing, list_corpus
from .errors import CorpusError

if TYPE_CHECKING:                       # a replayed check imports this module, but not these
    from .registry import Vendor
    from .review import Review


def pack(data: bytes) -> bytes:
    """An output as it is held and saved (JSON and CSV shrink about tenfold, fast)."""
    return zlib.compress(data, 1)


def unpack(packed: bytes) -> bytes:
    return zlib.decompress(packed)


def corpus_state(listing: Listing) -> str | None:
    """The digest of every article file's path and stat; None when it cannot be trusted (a file
    just modified, or gone between listing and stat)."""
    now = time.time_ns()
    digest = hashlib.sha256()
    for (relative, _), stat in zip(listing.files, listing.stats):
        if stat is None:
            return None
        state = FileState.of(stat)
        if state.racy(now):
            return None
        digest.update(f"{relative}\0{state.size}\0{state.mtime_ns}\0{state.ctime_ns}\0"
                      f"{state.inode}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class SavedOutputs:
    """The outputs saved for one state of one corpus, as the cache holds them."""

    cache: AnalysisCache
    corpus: str                         # the corpus as given: reports record it
    resolved: str                       # its resolved path: the cache's key for it
    state: str
    rule_set: str                       # the rule set's SHA-256
    listing: Listing                    # the look at the files the state was taken from

    def key(self, kind: str, **inputs: object) -> str:
        material = {"kind": kind, "code": package_fingerprint(), "rules": self.rule_set,
                    "corpus": self.corpus, "state": self.state, **inputs}
        return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False)
                              .encode()).hexdigest()

    def report_key(self, vendor: Vendor, as_of: str | None, review: Review | None) -> str:
        """The key of ``vendor``'s JSON report: the same for ``check`` and ``screen``."""
        return self.key("report", vendor=dataclasses.asdict(vendor), as_of=as_of,
                        review=None if review is None else review_identity(review.path))

    def manifest_key(self) -> str:
        return self.key("manifest")

    def get(self, key: str) -> bytes | None:
        """The packed output saved under ``key``."""
        return self.cache.output(self.resolved, key)

    def save(self, outputs: list[tuple[str, bytes]]) -> None:
        """Save packed outputs ((key, packed bytes))."""
        self.cache.save_outputs(self.resolved, self.state, outputs)


def saved_outputs(cache: AnalysisCache | None, corpus: Path,
                  rule_set_sha256: str) -> SavedOutputs | None:
    """What can be saved and reused for this run: None without a cache or a trustworthy state."""
    if cache is None:
        return None
    try:
        listing = list_corpus(corpus)
    except CorpusError:
        return None                     # the reader reports it, in the words it always uses
    state = corpus_state(listing)
    if state is None:
        return None
    return SavedOutputs(cache, str(corpus), str(corpus.resolve()), state, rule_set_sha256,
                        listing)


def review_identity(path: str) -> list[str]:
    """A review file as a key knows it: its path and the SHA-256 of its bytes."""
    try:
        return [path, hashlib.sha256(Path(path).read_bytes()).hexdigest()]
    except OSError:
        return [path, ""]
