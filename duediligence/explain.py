"""``explain``: why a rule did or did not count against a vendor, sentence by sentence.

For one rule and one vendor, every sentence of the corpus where the rule's words matched next to a
company is listed with the engine's decision: attributed to the vendor, attributed to some other
company, or not attributed at all, and the reason in words (the clause the words sit in, the
subject or object found, negation, hypothetical wording, a question). By default only documents
that mention the vendor are searched; that is where a rule author looks for a missed or a wrong
finding.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .analysis import Engine
from .attribution import Attribution
from .check import engine_for, resolve_vendor
from .corpus import Document, Skipped, iter_corpus
from .errors import DueDiligenceError
from .registry import Vendor
from .ruleset import Rule, RuleSet
from .validation import display_path

Verdict = Literal["attributed", "other", "rejected"]


@dataclass(frozen=True)
class ExplainedMatch:
    """One place the rule's words matched, and what attribution made of it."""

    document: str
    line: int
    sentence: str
    cue: str
    vendor_side: str
    verdict: Verdict
    companies: tuple[str, ...]     # whom the claim went to (empty when rejected)
    why: str

    def as_dict(self) -> dict:
        return {"document": self.document, "line": self.line, "sentence": self.sentence,
                "cue": self.cue, "vendor_side": self.vendor_side, "verdict": self.verdict,
                "companies": list(self.companies), "why": self.why}


@dataclass
class Explanation:
    vendor: Vendor
    family: set[str]
    rule: Rule
    corpus: str
    documents: int = 0
    mentioning: int = 0
    skipped: int = 0
    matches: list[ExplainedMatch] = field(default_factory=list)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for m in self.matches if m.verdict == verdict)


def find_rule(rule_set: RuleSet, rule_id: str) -> Rule:
    """The rule with this id, or an error that suggests the nearest ids."""
    ids = [loaded.rule.id for loaded in rule_set.rules]
    if rule_id in ids:
        return rule_set.rule(rule_id)
    close = difflib.get_close_matches(rule_id, ids, 3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see 'duediligence rules list'"
    raise DueDiligenceError(f"no rule with id '{rule_id}'{hint}")


def explain(typed: str, rule_id: str, corpus: Path, rule_set: RuleSet,
            all_documents: bool = False) -> Explanation:
    rule = find_rule(rule_set, rule_id)
    if rule.status == "deprecated":
        raise DueDiligenceError(f"rule '{rule_id}' is deprecated: the engine does not run it")
    vendor = resolve_vendor(typed, rule_set)
    family = {vendor.id}      # a subsidiary's own entry is a vendor of its own, as in check
    engine = engine_for(rule_set, [vendor])
    result = Explanation(vendor, family, rule, display_path(corpus))
    for item in iter_corpus(corpus):
        if isinstance(item, Skipped):
            result.skipped += 1
            continue
        result.documents += 1
        mentioned = bool(family & set(engine.analyse(item).mentions))
        result.mentioning += mentioned
        if mentioned or all_documents:
            result.matches += _explained(engine, item, rule, family)
    return result


def _explained(engine: Engine, document: Document, rule: Rule,
               family: set[str]) -> list[ExplainedMatch]:
    names = {v.id: v.name for v in engine.vendors}
    found = []
    for trace in engine.traces(document):
        if trace.match.rule.id != rule.id:
            continue
        outcome = trace.outcome
        if isinstance(outcome, Attribution):
            verdict: Verdict = "attributed" if family & outcome.vendor_ids else "other"
            companies = tuple(sorted(names.get(v, v.lstrip("~")) for v in outcome.vendor_ids))
            why = outcome.explanation
        else:
            verdict, companies, why = "rejected", (), outcome.reason
        text = document.text
        found.append(ExplainedMatch(
            document=document.path, line=text.count("\n", 0, trace.sentence.start) + 1,
            sentence=trace.sentence.text, cue=text[trace.match.start:trace.match.end],
            vendor_side=trace.match.vendor_side, verdict=verdict, companies=companies, why=why))
    return found


def render(result: Explanation) -> str:
    """The explanation as plain text for the terminal."""
    vendor, rule = result.vendor, result.rule
    related = sorted(result.family - {vendor.id})
    who = f"{vendor.name} (registry id {vendor.id}" if vendor.registry_entry else (
        f"{vendor.name} (not in the registry: matched by its name alone")
    who += f"; also counts: {', '.join(related)})" if related else ")"
    lines = [f"Rule:   {rule.id}: {rule.title}",
             f"Vendor: {who}",
             f"Corpus: {result.corpus}: {result.documents} documents searched, "
             f"{result.mentioning} mention the vendor"
             + (f", {result.skipped} skipped" if result.skipped else ""), ""]
    if not result.matches:
        lines.append("The rule's words matched no sentence next to a company in these documents.")
    side = {"before": "vendor expected before the matched words",
            "after": "vendor expected after the matched words",
            "either": "vendor before or after the matched words"}
    for match in result.matches:
        if match.verdict == "attributed":
            head = f"ATTRIBUTED to {', '.join(match.companies)}"
        elif match.verdict == "other":
            head = f"attributed to {', '.join(match.companies)}, not to {vendor.name}"
        else:
            head = "NOT ATTRIBUTED"
        lines += [f"{match.document}:{match.line}: {head}",
                  f"    sentence: {match.sentence}",
                  f"    matched:  '{match.cue}' ({side.get(match.vendor_side, match.vendor_side)})",
                  f"    why:      {match.why}", ""]
    lines.append(f"{len(result.matches)} matches: {result.count('attributed')} attributed to "
                 f"{vendor.name}, {result.count('other')} to other companies, "
                 f"{result.count('rejected')} not attributed.")
    return "\n".join(lines)
