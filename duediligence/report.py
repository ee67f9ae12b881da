"""The JSON report: the one boundary every consumer reads (terminal, memo, evaluation, review).

Versioned by ``schema_version``; lists are emitted in a deterministic order and nothing in it
depends on the clock unless the caller passes an assessment date, so the same corpus and rules
give byte-identical JSON.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

Category = Literal[
    "human_rights",
    "ethnic_profiling",
    "transparency",
    "state_control",
    "security",
    "sanctions",
    "government_restriction",
    "audit_finding",
    "forced_labour",
    "vendor_response",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

DispositionName = Literal["confirmed", "dismissed", "needs-follow-up"]
ReviewStatus = Literal["awaiting-review", "confirmed", "dismissed", "needs-follow-up"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ToolInfo(_Model):
    name: str = "duediligence"
    version: str


class VendorInfo(_Model):
    id: str = Field(description="Registry id, or a slug of the name when no registry entry exists.")
    name: str = Field(description="Display name.", examples=["Hikvision"])
    aliases: list[str] = Field(description="Every name the checker searched for, sorted.")
    registry_entry: bool = Field(description="False when the vendor is not in the registry and "
                                 "its match keys were derived from the name alone.")
    country: str | None = None


class Disposition(_Model):
    """A reviewer's decision, as recorded in the vendor's review file."""

    disposition: DispositionName
    reviewer: str
    date: str = Field(description="Date of the decision (YYYY-MM-DD).")
    reason: str
    scope: Literal["finding", "evidence"] = Field(
        description="Whether the reviewer decided on the whole finding or on this piece of evidence.")
    entry: str = Field(description="Where the decision is recorded: review file and line.")


class Evidence(_Model):
    id: str = Field(description="Stable id: hash of document SHA-256, offsets and rule id.")
    document: str = Field(description="Path of the article, relative to the corpus directory.")
    start: int = Field(description="Start of the quote: Python str index into the file's UTF-8 text.")
    end: int = Field(description="End of the quote (exclusive); text[start:end] == quote.")
    quote: str = Field(description="The sentence, verbatim from the file.")
    line: int = Field(description="1-based line of the quote's start in the file.")
    allegation: bool = Field(description="True when the source reports the claim as an allegation "
                             "(accused of, reportedly, alleged ...), not as an established fact.")
    referent: str = Field(description="The words in the quote that refer to the vendor.")
    cue: str = Field(description="The words in the quote that the rule matched.")
    explanation: str = Field(description="Why the claim was attributed to this vendor.")
    points: float = Field(description="This evidence's share of the finding's points "
                          "(0 when a reviewer dismissed it).")
    disposition: Disposition | None = Field(
        None, description="The reviewer's decision on this evidence; null while it awaits review.")


class ScoreFactors(_Model):
    """The numbers behind a finding's points, so a reader can recompute them."""

    severity_points: float
    category_weight: float
    repetition: float = Field(description="1 + decay + decay^2 ... over the evidence counted.")
    corroboration: float = Field(description="1 + bonus x (independent sources - 1), capped.")
    independent_sources: int = Field(description="Distinct publishers (or documents when the "
                                     "publisher is unknown) among the evidence counted.")


class Finding(_Model):
    id: str = Field(description="Stable id derived from the vendor, the rule and the evidence ids.")
    rule_id: str
    rule_title: str
    category: Category
    severity: str
    points: float = Field(description="Points this finding adds to the score (0 for vendor_response).")
    factors: ScoreFactors = Field(description="points = severity points x category weight x "
                                  "repetition x corroboration (evidence points are rounded).")
    publishers: list[str] = Field(description="Distinct publishers of the evidence, sorted.")
    evidence: list[Evidence]
    disposition: Disposition | None = Field(
        None, description="A decision taken on the finding as a whole, if any (it covers the "
        "evidence the finding had when it was taken).")
    review_status: ReviewStatus | None = Field(
        None, description="awaiting-review while any evidence has no decision; otherwise "
        "needs-follow-up if any evidence needs it, else confirmed if any is confirmed, else "
        "dismissed (every piece dismissed: the finding scores 0).")


class CategoryScore(_Model):
    category: Category
    findings: int
    evidence: int
    points: float


class ScoreBreakdown(_Model):
    formula: str = Field(description="The formula in words, with the parameters used.")
    bands: list[Band] = Field(description="Every rating band, lowest first.")
    categories: list[CategoryScore]
    total: float


class Band(_Model):
    name: str
    min_score: float
    recommendation: str
    meaning: str


class DocumentInfo(_Model):
    path: str
    sha256: str
    title: str
    url: str | None = None
    publisher: str | None = None
    date: str | None = None
    mentions: int = Field(description="How many times the document names the vendor (by a name, "
                          "alias or misspelling; references such as 'the company' not counted).")


class SkippedDocument(_Model):
    path: str
    reason: str


class SearchSummary(_Model):
    corpus: str = Field(description="The corpus directory as given on the command line.")
    corpus_sha256: str = Field(description="SHA-256 over every document searched: the UTF-8 "
                               "lines 'path NUL document SHA-256 LF', sorted by path.")
    documents_searched: int
    documents_mentioning: int
    earliest_date: str | None
    latest_date: str | None
    publishers: list[str]
    aliases_matched: list[str] = Field(description="Surface forms of the vendor's names found, sorted.")
    skipped: list[SkippedDocument]
    not_searched: list[str] = Field(description="What this check did not look at.")


class RuleSetInfo(_Model):
    version: str
    sha256: str = Field(description="SHA-256 over every rule-set file, in path order.")
    rules: int


class StaleDisposition(_Model):
    """A review-file entry that no longer applies: listed, never silently applied or dropped."""

    entry: str = Field(description="Review file and line of the entry.")
    scope: Literal["finding", "evidence"]
    rule_id: str
    documents: list[str] = Field(description="Documents the entry points to, as recorded in it.")
    disposition: DispositionName
    reviewer: str
    date: str
    reason: str
    problem: str = Field(description="Why it no longer applies (document changed or gone, rule "
                         "changed or gone, quote no longer attributed).")


class ReviewSummary(_Model):
    file: str | None = Field(description="The review file read; null when there was none.")
    entries: int = Field(description="Entries in the review file.")
    applied: int = Field(description="Entries that apply to this check.")
    findings_awaiting_review: int = Field(description="Concern findings (vendor responses left "
                                          "out) with at least one piece of evidence undecided.")
    evidence_awaiting_review: int = Field(description="Pieces of evidence of concern findings "
                                          "with no decision.")
    findings_confirmed: int
    findings_dismissed: int = Field(description="Findings whose every piece of evidence was "
                                    "dismissed.")
    findings_needing_follow_up: int
    evidence_dismissed: int
    points_dismissed: float = Field(description="Points the dismissed evidence would have added: "
                                    "score + points_dismissed = the score before review.")
    stale: list[StaleDisposition] = Field(description="Entries that no longer apply, in file order.")


class FindingRef(_Model):
    id: str
    rule_id: str
    rule_title: str
    category: str
    points: float
    evidence: int = Field(description="Pieces of evidence.")


class FindingChange(_Model):
    rule_id: str
    rule_title: str
    previous_id: str
    id: str
    previous_points: float
    points: float
    evidence_added: list[str] = Field(description="Ids of evidence not in the previous report.")
    evidence_removed: list[str] = Field(description="Ids of evidence no longer found.")


class Changes(_Model):
    """What changed since a previous report of the same vendor (findings compared by rule)."""

    previous: str = Field(description="The previous report, as given on the command line.")
    previous_as_of: str | None
    previous_rating: str
    rating_changed: bool
    previous_score: float
    score_change: float = Field(description="score - previous score.")
    corpus_changed: bool
    rule_set_changed: bool
    new_findings: list[FindingRef] = Field(description="Rules with a finding now and none before.")
    gone_findings: list[FindingRef] = Field(description="Rules with a finding before and none now.")
    changed_findings: list[FindingChange] = Field(description="Rules with a finding in both whose "
                                                  "evidence changed.")


class Report(_Model):
    schema_version: Literal[1] = SCHEMA_VERSION
    tool: ToolInfo
    as_of: str | None = Field(description="Assessment date (YYYY-MM-DD) when given; never the clock.")
    vendor: VendorInfo
    rating: str = Field(description="Name of the band the score falls in.")
    band: Band
    score: float
    score_breakdown: ScoreBreakdown
    findings: list[Finding] = Field(description="Sorted by points (highest first), then rule id.")
    search: SearchSummary
    documents: list[DocumentInfo] = Field(
        description="The documents that mention the vendor or are quoted, in path order. The "
        "others searched are counted in search.documents_searched and fixed by "
        "search.corpus_sha256 (check --manifest and screen list them all).")
    rule_set: RuleSetInfo
    negative_result: str | None = Field(
        None, description="When there are no findings: what was searched, when and with which "
        "rules, stated positively so that 'no hit' can be shown later.")
    review: ReviewSummary | None = Field(None, description="Reviewer dispositions and what awaits "
                                         "review.")
    changes: Changes | None = Field(None, description="Changes since a previous report, when one "
                                    "was given.")


def report_json(report: Report) -> bytes:
    """Serialise deterministically: fixed key order (the model's), two-space indent, UTF-8.

    pydantic's serialiser (Rust) writes what ``json.dumps(..., ensure_ascii=False, indent=2)``
    would, five to ten times faster."""
    return report.model_dump_json(indent=2).encode("utf-8") + b"\n"


def report_schema() -> dict:
    """JSON Schema of the report, as shipped in ``schemas/report.schema.json``."""
    return Report.model_json_schema()
