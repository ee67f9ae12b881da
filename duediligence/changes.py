"""What changed since a previous check of the same vendor (``check --since PREVIOUS.json``).

Findings are compared by rule: a finding id changes whenever its evidence does, so comparing ids
would show one finding that gained a quote as one gone and one new. A rule with a finding now and
none before is a new finding; the reverse is a finding gone; a rule with a finding in both whose
evidence differs is a changed finding, with the evidence ids added and removed.

The previous report is read leniently (only the fields compared), so a report written by an
earlier or later version of the tool can be compared as long as it has those fields.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import DueDiligenceError, Location
from .report import Changes, FindingChange, FindingRef, Report


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _PreviousEvidence(_Lenient):
    id: str


class _PreviousFinding(_Lenient):
    id: str
    rule_id: str
    rule_title: str
    category: str
    points: float
    evidence: list[_PreviousEvidence]


class _PreviousVendor(_Lenient):
    id: str
    name: str


class _PreviousSearch(_Lenient):
    corpus_sha256: str | None = None


class _PreviousRuleSet(_Lenient):
    sha256: str | None = None


class PreviousReport(_Lenient):
    """The parts of an earlier report that ``compare`` reads."""

    as_of: str | None = None
    vendor: _PreviousVendor
    rating: str
    score: float
    findings: list[_PreviousFinding]
    search: _PreviousSearch = _PreviousSearch()
    rule_set: _PreviousRuleSet = _PreviousRuleSet()


def load_previous(path: Path) -> PreviousReport:
    """Read a previous JSON report; any problem is a one-line error naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DueDiligenceError(f"cannot read previous report: {reason}", Location(str(path))) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DueDiligenceError(f"previous report is not JSON: {exc.msg}",
                                Location(str(path), exc.lineno, exc.colno)) from None
    try:
        return PreviousReport.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise DueDiligenceError(f"not a duediligence report: '{where}': {error['msg']}",
                                Location(str(path))) from None


def compare(previous: PreviousReport, current: Report, shown: str) -> Changes:
    """The changes from ``previous`` to ``current``; ``shown`` is how the previous file is named."""
    if previous.vendor.id != current.vendor.id:
        raise DueDiligenceError(f"previous report is for {previous.vendor.name} "
                                f"('{previous.vendor.id}'), not {current.vendor.name} "
                                f"('{current.vendor.id}')", Location(shown))
    before = {f.rule_id: f for f in previous.findings}
    now = {f.rule_id: f for f in current.findings}
    changed = []
    for rule_id in sorted(before.keys() & now.keys()):
        old, new = before[rule_id], now[rule_id]
        old_ids, new_ids = {e.id for e in old.evidence}, {e.id for e in new.evidence}
        if old_ids != new_ids:
            changed.append(FindingChange(
                rule_id=rule_id, rule_title=new.rule_title, previous_id=old.id, id=new.id,
                previous_points=old.points, points=new.points,
                evidence_added=sorted(new_ids - old_ids), evidence_removed=sorted(old_ids - new_ids)))
    return Changes(
        previous=shown, previous_as_of=previous.as_of, previous_rating=previous.rating,
        rating_changed=previous.rating != current.rating, previous_score=previous.score,
        score_change=round(current.score - previous.score, 2),
        corpus_changed=previous.search.corpus_sha256 != current.search.corpus_sha256,
        rule_set_changed=previous.rule_set.sha256 != current.rule_set.sha256,
        new_findings=_refs(now[r] for r in now.keys() - before.keys()),
        gone_findings=_refs(before[r] for r in before.keys() - now.keys()),
        changed_findings=changed,
    )


def with_changes(report: Report, previous: PreviousReport, shown: str) -> Report:
    return report.model_copy(update={"changes": compare(previous, report, shown)})


def _refs(findings) -> list[FindingRef]:
    refs = [FindingRef(id=f.id, rule_id=f.rule_id, rule_title=f.rule_title, category=f.category,
                       points=f.points, evidence=len(f.evidence)) for f in findings]
    return sorted(refs, key=lambda r: (-r.points, r.rule_id))
