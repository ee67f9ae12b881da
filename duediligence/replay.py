"""A warm check answered before the engine, the rule models or the report models are loaded.

A check re-run over a corpus in which nothing changed finds its report saved (``snapshot.py``),
but only after importing the engine and the pydantic models and loading the rule set: most of a
second, for one lookup. A *replay* does without them. The check as asked (the vendor's name as
typed, the bytes of the rule files, the corpus's state, the code, ``--as-of``) is a key; the
first full check saves under it a small record: the vendor the name resolved to, the review file
read, the key of the report saved, its rating and its terminal summary. A later check asked the
same way finds that record, verifies that the review file it would read is still the one
recorded, and serves the saved report: a look at the files and two SQLite reads.

Only plain checks replay (no ``--pdf``, ``--since`` or ``--manifest``: those need the report's
models anyway). Whatever the replay cannot verify sends the check the long way.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .cache import AnalysisCache
from .review_location import review_path
from .rulefiles import read_rule_sources
from .snapshot import SavedOutputs, pack, review_identity, saved_outputs, unpack


@dataclass(frozen=True)
class CheckRequest:
    """A check as asked on the command line: what its outputs are made from."""

    typed: str                              # the vendor's name as typed
    rule_directories: list[Path]
    corpus: Path
    as_of: str | None
    review: Path | None                     # --review
    json_path: Path | None                  # the default review file is beside it


@dataclass(frozen=True)
class Answer:
    """What a check prints and writes, and what its exit status is decided on."""

    vendor_id: str
    review: list[str] | None                # review_identity() of the file read, if any
    report_key: str
    rating: str
    bands: list[str]                        # the rule set's band names, lowest first
    summary: str                            # the terminal summary, before the files written


@dataclass(frozen=True)
class Replayed:
    answer: Answer
    payload: bytes                          # the JSON report


def saved_for(cache: AnalysisCache | None, request: CheckRequest) -> SavedOutputs | None:
    """The saved outputs of the request's corpus state, with the rule set named by its bytes."""
    _, rule_set_sha256 = read_rule_sources(request.rule_directories)
    return saved_outputs(cache, request.corpus, rule_set_sha256)


def replay(saved: SavedOutputs | None, request: CheckRequest) -> Replayed | None:
    """The answer a full check of ``request`` gave on this corpus state, if it still holds."""
    if saved is None:
        return None
    packed = saved.get(_request_key(saved, request))
    if packed is None:
        return None
    try:
        answer = Answer(**json.loads(unpack(packed)))
    except (ValueError, TypeError):
        return None                 # a record of another layout: the long way makes a new one
    path = review_path(answer.vendor_id, request.review, request.json_path)
    if (None if path is None else review_identity(str(path))) != answer.review:
        return None
    payload = saved.get(answer.report_key)
    return None if payload is None else Replayed(answer, unpack(payload))


def remember(saved: SavedOutputs, request: CheckRequest, answer: Answer) -> None:
    """Save the answer of a full check of ``request`` for the next check asked the same way."""
    record = json.dumps(asdict(answer), sort_keys=True, ensure_ascii=False).encode()
    saved.save([(_request_key(saved, request), pack(record))])


def _request_key(saved: SavedOutputs, request: CheckRequest) -> str:
    return saved.key("check-request", typed=request.typed, as_of=request.as_of)
