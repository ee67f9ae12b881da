"""One document analysed: sentences, company mentions, rule matches and the claims attributed.

The analysis does not depend on which vendor is being checked: it attributes every rule match to
whichever known company the text makes it about, so one pass serves every vendor (``screen``) and
can be cached per document and rule set. Checking a vendor is then a filter over the claims.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from .attribution import Attribution, Rejection, attribute
from .corpus import Document
from .lexicon import Lexicon, compile_lexicon
from .matching import RuleMatch, RuleMatcher, compile_rules
from .mentions import CompanyFinder, Coverage, Mention, NameIndex, Span
from .references import resolve_references
from .registry import Vendor
from .ruleset import RuleSet
from .sentences import Sentence, split_sentences
from .textfold import fold


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


@dataclass(frozen=True)
class DocumentAnalysis:
    """Everything a check needs from one document, for every known company at once."""

    path: str
    claims: tuple[Claim, ...]
    # vendor id -> the names the text uses for it (names and misspellings; not "it" or "the firm")
    mentions: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Trace:
    """One rule match in a sentence and what attribution made of it (for ``explain``)."""

    sentence: Sentence
    match: RuleMatch
    outcome: Attribution | Rejection


class Engine:
    """The compiled rule set: names, lexicon and rules, built once per run."""

    def __init__(self, rule_set: RuleSet, extra_vendors: tuple[Vendor, ...] = ()):
        self.rule_set = rule_set
        self.vendors = list(rule_set.registry.vendors.values()) + list(extra_vendors)
        self.names = NameIndex(self.vendors, rule_set.lexicon.names.legal_suffixes)
        self.countries = {v.id: v.country for v in self.vendors if v.country}
        references = rule_set.lexicon.references
        self.companies = CompanyFinder(references.company_suffixes, references.bodies)

    # The lexicon and the rules' patterns are compiled on first use (a good part of a second):
    # a run that finds every analysis it needs in the cache never compiles them.
    @cached_property
    def lexicon(self) -> Lexicon:
        return compile_lexicon(self.rule_set.lexicon)

    @cached_property
    def matcher(self) -> RuleMatcher:
        return RuleMatcher(compile_rules(
            [loaded.rule for loaded in self.rule_set.rules if loaded.rule.status != "deprecated"],
            self.rule_set.lexicon.macros))

    def compile(self) -> None:
        """Compile now, before copies of the engine or worker processes would each do it."""
        self.lexicon, self.matcher  # noqa: B018 - the first access compiles

    def analyse(self, document: Document) -> DocumentAnalysis:
        folded, sentences, mentions, bodies = self._read(document)
        claims = {}
        for trace in self._trace(folded, sentences, mentions, bodies):
            if isinstance(trace.outcome, Attribution):
                claim = _claim(document.text, trace)
                claims.setdefault((claim.rule_id, claim.start, claim.end, claim.vendor_ids), claim)
        by_vendor: dict[str, list[str]] = {}
        for mention in mentions:
            if mention.kind not in ("name", "misspelling"):
                continue
            for vendor_id in mention.vendor_ids:
                if not vendor_id.startswith("~"):
                    by_vendor.setdefault(vendor_id, []).append(mention.surface)
        return DocumentAnalysis(document.path, tuple(sorted(claims.values(), key=_claim_order)),
                                {k: tuple(v) for k, v in sorted(by_vendor.items())})

    def traces(self, document: Document) -> list[Trace]:
        """Every rule match with its attribution outcome, for explaining a rule."""
        return list(self._trace(*self._read(document)))

    def _read(self, document: Document) -> tuple[str, list[Sentence], list[Mention], list[Span]]:
        """Fold the text, find company mentions, split sentences and resolve references."""
        text = document.text
        folded = fold(text)
        body = document.body_start
        names = [m for m in self.names.find(text, folded) if m.start >= body]
        if not names:
            return folded, [], [], []
        named = Coverage((m.start, m.end) for m in names)
        bodies = [b for b in self.companies.bodies(folded) if b.start >= body
                  and not named.overlaps(b.start, b.start + 1)]  # "China" in "China Mobile"
        companies = names + [m for m in self.companies.unknown_companies(text, names, bodies)
                             if m.start >= body]
        companies.sort(key=lambda m: m.start)
        sentences = list(split_sentences(text, body))
        references = resolve_references(text, folded, sentences, companies, bodies, self.lexicon,
                                        self.countries)
        mentions = sorted(companies + references, key=lambda m: m.start)
        return folded, sentences, mentions, bodies

    def _trace(self, folded: str, sentences: list[Sentence], mentions: list[Mention],
               bodies: list[Span]) -> Iterator[Trace]:
        """Match the rules in every sentence that refers to a company, and attribute each match."""
        starts = [m.start for m in mentions]
        for sentence in sentences:
            inside = mentions[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)]
            if not inside:
                continue
            matches = self.matcher.find(folded, sentence.start, sentence.end)
            for match in matches:
                others = [o for o in matches if o is not match]
                outcome = attribute(match, sentence, inside, bodies, folded, self.lexicon, others)
                yield Trace(sentence, match, outcome)


def _claim(text: str, trace: Trace) -> Claim:
    outcome = trace.outcome
    assert isinstance(outcome, Attribution)
    sentence, match = trace.sentence, trace.match
    return Claim(match.rule.id, sentence.start, sentence.end, match.start, match.end,
                 tuple(sorted(outcome.vendor_ids)),
                 " + ".join(text[m.start:m.end] for m in outcome.referents),
                 outcome.allegation, outcome.explanation)


def _claim_order(claim: Claim) -> tuple:
    return (claim.start, claim.rule_id, claim.cue_start, claim.vendor_ids)
