"""Findings: a vendor's claims grouped by rule, each claim becoming a piece of evidence.

A finding is one rule with every sentence, across the corpus, that the engine attributed to the
vendor under that rule. Identifiers are derived from content (document hash, offsets, rule id), so
they survive re-runs and unrelated additions to the corpus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from .claims import Claim
from .corpus import Document
from .ruleset import Rule, RuleSet


@dataclass(frozen=True)
class Exhibit:
    """A claim together with the document it came from."""

    document: Document
    claim: Claim

    @cached_property
    def id(self) -> str:
        return evidence_id(self.document.sha256, self.claim.start, self.claim.end, self.claim.rule_id)

    @property
    def source(self) -> str:
        """Who stands behind the claim: the publisher, or the document when it is unknown."""
        return self.document.meta.get("publisher") or f"document {self.document.path}"


@dataclass(frozen=True)
class FindingDraft:
    """One rule and its exhibits, in corpus order; points are added by scoring."""

    rule: Rule
    exhibits: tuple[Exhibit, ...]

    @property
    def id(self) -> str:
        return finding_id(self.rule.id, [e.id for e in self.exhibits])


def evidence_id(document_sha256: str, start: int, end: int, rule_id: str) -> str:
    return "E-" + hashlib.sha256(f"{document_sha256}:{start}:{end}:{rule_id}".encode()).hexdigest()[:12]


def finding_id(rule_id: str, evidence_ids: list[str]) -> str:
    digest = hashlib.sha256("\n".join([rule_id, *sorted(evidence_ids)]).encode()).hexdigest()
    return "F-" + digest[:10]


def vendor_findings(claims: Iterable[tuple[Document, Claim]],
                    rule_set: RuleSet) -> list[FindingDraft]:
    """Group a vendor's claims (each with its document) by rule, one exhibit per quote."""
    by_rule: dict[str, list[Exhibit]] = {}
    for document, claim in claims:
        by_rule.setdefault(claim.rule_id, []).append(Exhibit(document, claim))
    drafts = []
    for rule_id, exhibits in sorted(by_rule.items()):
        unique = {e.id: e for e in exhibits}
        ordered = sorted(unique.values(), key=lambda e: (e.document.path, e.claim.start))
        drafts.append(FindingDraft(rule_set.rule(rule_id), tuple(ordered)))
    return drafts
