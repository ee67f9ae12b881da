"""The JSON report: the one boundary every consumer reads (terminal, memo, evaluation, review).

Versioned by ``schema_version``; lists are emitted in a deterministic order and nothing in it
depends on the clock unless the caller passes an assessment date, so the same corpus and rules
give byte-identical JSON.
"""

from __future__ import annotations

import json
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
    points: float = Field(description="This evidence's share of the finding's points.")


class Finding(_Model):
    id: str = Field(description="Stable id derived from the vendor, the rule and the evidence ids.")
    rule_id: str
    rule_title: str
    category: Category
    severity: str
    points: float = Field(description="Points this finding adds to the score (0 for vendor_response).")
    publishers: list[str] = Field(description="Distinct publishers of the evidence, sorted.")
    evidence: list[Evidence]


class CategoryScore(_Model):
    category: Category
    findings: int
    evidence: int
    points: float


class ScoreBreakdown(_Model):
    formula: str = Field(description="The formula in words, with the parameters used.")
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
    mentions: int = Field(description="How many times the vendor is referred to in the document.")


class SkippedDocument(_Model):
    path: str
    reason: str


class SearchSummary(_Model):
    corpus: str = Field(description="The corpus directory as given on the command line.")
    corpus_sha256: str = Field(description="SHA-256 over the sorted (path, document SHA-256) pairs.")
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
    documents: list[DocumentInfo] = Field(description="Every document searched, in path order.")
    rule_set: RuleSetInfo


def report_json(report: Report) -> bytes:
    """Serialise deterministically: fixed key order (the model's), two-space indent, UTF-8."""
    data = report.model_dump(mode="json")
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def report_schema() -> dict:
    """JSON Schema of the report, as shipped in ``schemas/report.schema.json``."""
    return Report.model_json_schema()
