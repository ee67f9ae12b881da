"""Reviewer dispositions: the vendor's review file, how it applies to a check, and staleness.

A review file (YAML, one per vendor, ``<vendor id>.review.yaml`` beside the JSON report unless
``--review`` says otherwise) lists decisions a reviewer took on findings or single pieces of
evidence: ``confirmed``, ``dismissed`` or ``needs-follow-up``, with reviewer, date and reason.

Each entry is keyed by what stays the same across runs: the rule id plus, for every quote it
covers, the document's SHA-256 and the quote's start and end offsets (the same inputs as the
evidence id). So an entry keeps applying when unrelated articles are added, and when the article
it quotes is edited or removed, or its rule is removed or changed, the entry is *stale*: listed in
the report and the terminal, neither applied nor dropped. An entry may also give only a finding
or evidence id (handy when editing by hand); it is resolved against the current check, and an id
that is not there is an error naming the file and line.

A finding-level entry decides every piece of evidence it lists, and applies only when all of them
are still found; evidence added to the finding later awaits review. An evidence-level entry takes
precedence over a finding-level one for its piece of evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .corpus import Document
from .errors import DueDiligenceError, Location
from .findings import FindingDraft, evidence_id
from .report import (
    Disposition, DispositionName, Finding, Report, ReviewStatus, ReviewSummary, StaleDisposition,
)
from .review_location import review_path
from .ruleset import Rule, RuleSet
from .yamlsource import SourcedYaml, load_yaml

DISPOSITIONS: tuple[str, ...] = DispositionName.__args__  # type: ignore[attr-defined]
# What a rule's fingerprint covers: what it matches and how it scores (not its wording).
FINGERPRINTED = ("category", "severity", "patterns", "vendor_side", "allow")
QUOTE_CHARS = 160


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuoteKey(_Strict):
    """One quote as the reviewer saw it; sha256, start and end (with the rule) identify it."""

    document: str = Field(min_length=1, description="Path in the corpus when reviewed.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str | None = Field(None, description="The quote's text, for the human reader only.")


class ReviewEntry(_Strict):
    finding: str | None = Field(None, pattern=r"^F-[0-9a-f]{10}$")
    evidence: str | None = Field(None, pattern=r"^E-[0-9a-f]{12}$")
    rule: str | None = None
    rule_fingerprint: str | None = Field(None, pattern=r"^[0-9a-f]{12}$")
    quotes: list[QuoteKey] | None = None
    disposition: DispositionName
    reviewer: str = Field(min_length=1)
    date: dt.date
    reason: str = Field(min_length=1)

    @property
    def scope(self) -> str:
        return "finding" if self.finding is not None else "evidence"

    @property
    def keyed(self) -> bool:
        return self.rule is not None and self.quotes is not None

    def evidence_ids(self) -> list[str]:
        assert self.rule is not None and self.quotes is not None
        return [evidence_id(q.sha256, q.start, q.end, self.rule) for q in self.quotes]


class ReviewFile(_Strict):
    vendor: str = Field(min_length=1, description="Registry id of the vendor reviewed.")
    entries: list[ReviewEntry] = []


@dataclass
class Review:
    """A loaded review file and where each entry sits in it."""

    path: str
    file: ReviewFile
    source: SourcedYaml | None = None

    def location(self, index: int, *key: Any) -> Location:
        if self.source is None:
            return Location(self.path)
        return self.source.location(("entries", index, *key))

    def where(self, index: int) -> str:
        location = self.location(index)
        return f"{location.path}:{location.line}" if location.line else location.path


def find_review(vendor_id: str, explicit: Path | None, json_path: Path | None) -> Review | None:
    """The review file a check reads: ``explicit`` (which must exist), else the default if any."""
    path = review_path(vendor_id, explicit, json_path)
    if path is None:
        return None
    if not path.is_file():
        raise DueDiligenceError("review file does not exist", Location(str(path)))
    return load_review(path, vendor_id)


def rule_fingerprint(rule: Rule) -> str:
    material = rule.model_dump(mode="json", include=set(FINGERPRINTED))
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:12]


# --- loading -----------------------------------------------------------------------------------

def load_review(path: Path, vendor_id: str | None = None) -> Review:
    """Parse and validate a review file; the first problem is raised as a one-line located error."""
    source = load_yaml(path)
    data = source.data
    if not isinstance(data, dict):
        raise DueDiligenceError("expected a mapping with 'vendor' and 'entries'", source.location(()))
    try:
        parsed = ReviewFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise _located(source, error) from None
    review = Review(str(path), parsed, source)
    for index, entry in enumerate(parsed.entries):
        _check_entry(review, index, entry)
    if vendor_id is not None and parsed.vendor != vendor_id:
        raise DueDiligenceError(f"review file is for vendor '{parsed.vendor}', not '{vendor_id}'",
                                source.location(("vendor",)))
    return review


def _located(source: SourcedYaml, error: Any) -> DueDiligenceError:
    loc = tuple(error["loc"])
    name = ".".join(str(p) for p in loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        return DueDiligenceError(f"unknown key '{loc[-1]}'", source.location(loc + ("<key>",)))
    if kind == "missing":
        return DueDiligenceError(f"missing required key '{loc[-1]}'", source.location(loc))
    if kind == "literal_error":
        return DueDiligenceError(f"'{name}' must be one of {', '.join(DISPOSITIONS)}; got "
                                 f"{error.get('input')!r}", source.location(loc))
    return DueDiligenceError(f"'{name}': {error['msg']}", source.location(loc))


def _check_entry(review: Review, index: int, entry: ReviewEntry) -> None:
    def problem(message: str, *key: Any) -> DueDiligenceError:
        return DueDiligenceError(message, review.location(index, *key))

    if (entry.finding is None) == (entry.evidence is None):
        raise problem("an entry needs exactly one of 'finding' (an F- id) or 'evidence' (an E- id)")
    if (entry.rule is None) != (entry.quotes is None):
        raise problem("give both 'rule' and 'quotes', or neither (then the id alone is looked up)")
    if entry.quotes is not None:
        if not entry.quotes:
            raise problem("'quotes' is empty", "quotes")
        if entry.scope == "evidence" and len(entry.quotes) != 1:
            raise problem("an evidence entry has exactly one quote", "quotes")
        for number, quote in enumerate(entry.quotes):
            if quote.end <= quote.start:
                raise problem("'end' must be greater than 'start'", "quotes", number, "end")
        if entry.evidence is not None and entry.evidence_ids()[0] != entry.evidence:
            raise problem(f"evidence id {entry.evidence} does not match its rule and quote "
                          f"(those give {entry.evidence_ids()[0]})", "evidence")


# --- applying ----------------------------------------------------------------------------------

@dataclass
class Applied:
    """The outcome of applying a review file to one check."""

    file: str | None = None
    entries: int = 0
    applied: int = 0
    evidence: dict[str, Disposition] = field(default_factory=dict)   # evidence id -> decision
    findings: dict[str, Disposition] = field(default_factory=dict)   # finding id -> its own
    stale: list[StaleDisposition] = field(default_factory=list)

    @property
    def dismissed(self) -> frozenset[str]:
        return frozenset(k for k, d in self.evidence.items() if d.disposition == "dismissed")


def apply_review(review: Review | None, drafts: list[FindingDraft], documents: Iterable[Document],
                 rule_set: RuleSet) -> Applied:
    """Match every entry to the current findings; unknown bare ids raise, the rest apply or go stale."""
    if review is None:
        return Applied()
    by_evidence = {e.id: d for d in drafts for e in d.exhibits}
    by_finding = {d.id: d for d in drafts}
    sha_of = {doc.path: doc.sha256 for doc in documents}
    shas = set(sha_of.values())
    rules = {r.rule.id: r.rule for r in rule_set.rules}
    outcome = Applied(file=review.path, entries=len(review.file.entries))
    decided: dict[tuple[str, str], int] = {}       # (scope, evidence id) -> entry index
    finding_level: dict[str, int] = {}              # finding id -> entry index
    per_scope: dict[str, dict[str, Disposition]] = {"finding": {}, "evidence": {}}
    for index, entry in enumerate(review.file.entries):
        if entry.keyed:
            ids = entry.evidence_ids()
            problem = _staleness(entry, ids, by_evidence, sha_of, shas, rules)
            if problem:
                outcome.stale.append(_stale(review, index, entry, problem))
                continue
        else:
            ids = _resolve(review, index, entry, by_finding, by_evidence)
        decision = Disposition(disposition=entry.disposition, reviewer=entry.reviewer,
                               date=entry.date.isoformat(), reason=entry.reason,
                               scope=entry.scope, entry=review.where(index))  # type: ignore[arg-type]
        for item in ids:
            earlier = decided.setdefault((entry.scope, item), index)
            if earlier != index:
                raise DueDiligenceError(
                    f"evidence {item} already has a {entry.scope}-level disposition at line "
                    f"{review.location(earlier).line} (one entry per finding or piece of evidence)",
                    review.location(index))
            per_scope[entry.scope][item] = decision
        if entry.scope == "finding":
            finding = by_evidence[ids[0]].id
            earlier = finding_level.setdefault(finding, index)
            if earlier != index:
                raise DueDiligenceError(
                    f"finding {finding} already has a finding-level disposition at line "
                    f"{review.location(earlier).line}", review.location(index))
            outcome.findings[finding] = decision
        outcome.applied += 1
    outcome.evidence = {**per_scope["finding"], **per_scope["evidence"]}
    return outcome


def _resolve(review: Review, index: int, entry: ReviewEntry, by_finding: dict[str, FindingDraft],
             by_evidence: dict[str, FindingDraft]) -> list[str]:
    """Evidence ids of an entry given by id only; an id not in this check is an error."""
    if entry.finding is not None:
        draft = by_finding.get(entry.finding)
        if draft is None:
            raise DueDiligenceError(f"unknown finding id {entry.finding}: no such finding in this "
                                    "check of the vendor", review.location(index, "finding"))
        return [e.id for e in draft.exhibits]
    if entry.evidence not in by_evidence:
        raise DueDiligenceError(f"unknown evidence id {entry.evidence}: no such evidence in this "
                                "check of the vendor", review.location(index, "evidence"))
    return [entry.evidence]  # type: ignore[list-item]


def _staleness(entry: ReviewEntry, ids: list[str], by_evidence: dict[str, FindingDraft],
               sha_of: dict[str, str], shas: set[str], rules: dict[str, Rule]) -> str | None:
    """Why a keyed entry no longer applies, or None when every quote it covers is still found."""
    rule = rules.get(entry.rule)  # type: ignore[arg-type]
    if rule is None:
        return f"rule {entry.rule} is no longer in the rule set"
    if entry.rule_fingerprint and entry.rule_fingerprint != rule_fingerprint(rule):
        return f"rule {entry.rule} changed since the review (what it matches or how it scores)"
    problems = []
    for quote, item in zip(entry.quotes or (), ids):
        if item in by_evidence:
            continue
        if quote.sha256 not in shas:
            if quote.document in sha_of:
                problems.append(f"document {quote.document} changed since the review")
            else:
                problems.append(f"document {quote.document} (SHA-256 {quote.sha256[:12]}...) is no "
                                "longer in the corpus")
        else:
            problems.append(f"the quote at {quote.document} [{quote.start}:{quote.end}] is no "
                            f"longer attributed to the vendor under {entry.rule}")
    return "; ".join(dict.fromkeys(problems)) or None


def _stale(review: Review, index: int, entry: ReviewEntry, problem: str) -> StaleDisposition:
    return StaleDisposition(
        entry=review.where(index), scope=entry.scope, rule_id=entry.rule or "",  # type: ignore[arg-type]
        documents=sorted({q.document for q in entry.quotes or ()}),
        disposition=entry.disposition, reviewer=entry.reviewer, date=entry.date.isoformat(),
        reason=entry.reason, problem=problem)


def review_status(decisions: list[Disposition | None]) -> ReviewStatus:
    """A finding's status from its evidence's decisions (see ``Finding.review_status``)."""
    names = {d.disposition if d else None for d in decisions}
    if None in names:
        return "awaiting-review"
    for name in ("needs-follow-up", "confirmed"):
        if name in names:
            return name  # type: ignore[return-value]
    return "dismissed"


def review_summary(applied: Applied, findings: list[Finding], points_dismissed: float) -> ReviewSummary:
    concerns = [f for f in findings if f.category != "vendor_response"]
    return ReviewSummary(
        file=applied.file, entries=applied.entries, applied=applied.applied,
        findings_awaiting_review=sum(f.review_status == "awaiting-review" for f in concerns),
        evidence_awaiting_review=sum(e.disposition is None for f in concerns for e in f.evidence),
        findings_confirmed=sum(f.review_status == "confirmed" for f in findings),
        findings_dismissed=sum(f.review_status == "dismissed" for f in findings),
        findings_needing_follow_up=sum(f.review_status == "needs-follow-up" for f in findings),
        evidence_dismissed=sum(e.disposition is not None and e.disposition.disposition == "dismissed"
                               for f in findings for e in f.evidence),
        points_dismissed=points_dismissed, stale=applied.stale)


# --- recording (the `review` command) ----------------------------------------------------------

def entry_for(report: Report, rule_set: RuleSet, disposition: str, reviewer: str, date: dt.date,
              reason: str, finding_id: str | None = None, evidence_id_: str | None = None,
              ) -> tuple[ReviewEntry, Finding]:
    """A keyed entry for a finding or a piece of evidence of ``report``; unknown ids raise."""
    sha_of = {d.path: d.sha256 for d in report.documents}
    if finding_id is not None:
        finding = next((f for f in report.findings if f.id == finding_id), None)
        if finding is None:
            raise DueDiligenceError(f"unknown finding id {finding_id}: no such finding for "
                                    f"{report.vendor.name} in this check")
        items = finding.evidence
    else:
        pair = next(((f, e) for f in report.findings for e in f.evidence if e.id == evidence_id_),
                    None)
        if pair is None:
            raise DueDiligenceError(f"unknown evidence id {evidence_id_}: no such evidence for "
                                    f"{report.vendor.name} in this check")
        finding, items = pair[0], [pair[1]]
    quotes = [QuoteKey(document=e.document, sha256=sha_of[e.document], start=e.start, end=e.end,
                       quote=_shorten(e.quote)) for e in items]
    entry = ReviewEntry(finding=finding_id, evidence=evidence_id_, rule=finding.rule_id,
                        rule_fingerprint=rule_fingerprint(rule_set.rule(finding.rule_id)),
                        quotes=quotes, disposition=disposition, reviewer=reviewer,  # type: ignore[arg-type]
                        date=date, reason=reason)
    return entry, finding


def record(current: ReviewFile, entry: ReviewEntry, finding: Finding) -> tuple[ReviewFile, int]:
    """The review file with ``entry`` added, replacing the entries it supersedes (and how many).

    A finding-level decision supersedes earlier finding-level entries for the same rule and
    evidence-level entries for any of its evidence; an evidence-level one supersedes an earlier
    evidence-level entry for the same evidence.
    """
    covered = set(entry.evidence_ids())

    def superseded(old: ReviewEntry) -> bool:
        old_ids = set(old.evidence_ids()) if old.keyed else (
            {e.id for e in finding.evidence} if old.finding == finding.id else {old.evidence})
        if entry.scope == "finding":
            if old.scope == "finding":
                return old.rule == entry.rule or old.finding == finding.id
            return bool(old_ids & covered)
        return old.scope == "evidence" and bool(old_ids & covered)

    kept = [old for old in current.entries if not superseded(old)]
    return (ReviewFile(vendor=current.vendor, entries=[*kept, entry]),
            len(current.entries) - len(kept))


def dump_review(review: ReviewFile, vendor_name: str) -> bytes:
    header = (
        f"# Reviewer dispositions for {vendor_name}: read by `duediligence check`, written by\n"
        "# `duediligence review` (which rewrites this file and does not keep comments).\n"
        "# disposition: confirmed | dismissed | needs-follow-up. An entry is keyed by its rule and,\n"
        "# per quote, the document's SHA-256 and the quote's start and end; 'finding'/'evidence' ids\n"
        "# and 'quote' texts are for the reader. An entry whose document or rule changed is\n"
        "# reported as stale and not applied.\n"
    )
    data = review.model_dump(mode="python", exclude_none=True)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return (header + body).encode("utf-8")


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[:QUOTE_CHARS - 3].rstrip() + "..."

