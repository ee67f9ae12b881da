"""What the engine makes of a document: the claims it attributes and the names it finds.

Plain records, apart from the engine that makes them (``analysis.py``): the cache stores them and
reports are built from them, and neither needs the engine loaded to do so.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Claim:
    """A rule match attributed to one or more companies: the raw material of evidence."""

    rule_id: str
    start: int                      # the quoted sentence, as offsets into the document text
    end: int
    cue_start: int
    cue_end: int
    vendor_ids: tuple[str, ...]
    referent: str
    allegation: bool
    explanation: str
    # What a report quotes, cut from the text when it is analysed: a report (and the cache that
    # keeps analyses) never needs the article again.
    quote: str
    cue: str
    line: int


@dataclass(frozen=True)
class DocumentAnalysis:
    """Everything a check needs from one document, for every known company at once."""

    path: str
    claims: tuple[Claim, ...]
    # vendor id -> the names the text uses for it (names and misspellings; not "it" or "the firm")
    mentions: dict[str, tuple[str, ...]] = field(default_factory=dict)
