"""One document analysed: sentences, company mentions, rule matches and the claims attributed.

The analysis does not depend on which vendor is being checked: it attributes every rule match to
whichever known company the text makes it about, so one pass serves every vendor (``screen``) and
can be cached per document and rule set. Checking a vendor is then a filter over the claims.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property

import regex

from .attribution import Attribution, Rejection, attribute
from .claims import Claim, DocumentAnalysis
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
    def category_of(self) -> dict[str, str]:
        """Each rule's category, by rule id."""
        return {loaded.rule.id: loaded.rule.category for loaded in self.rule_set.rules}

    @cached_property
    def matcher(self) -> RuleMatcher:
        return RuleMatcher(compile_rules(
            [loaded for loaded in self.rule_set.rules if loaded.rule.status != "deprecated"],
            self.rule_set.lexicon.macros))

    def compile(self) -> None:
        """Compile now, before copies of the engine or worker processes would each do it."""
        self.lexicon, self.matcher  # noqa: B018 - the first access compiles

    def analyse(self, document: Document) -> DocumentAnalysis:
        folded, sentences, mentions, bodies = self._read(document)
        claims: dict = {}
        for trace in self._trace(folded, sentences, mentions, bodies):
            if isinstance(trace.outcome, Attribution):
                claim = _claim(document.text, trace)
                claims.setdefault((claim.rule_id, claim.start, claim.end, claim.vendor_ids), claim)
        claims = self._without_passers_by(claims, mentions, folded)
        by_vendor: dict[str, list[str]] = {}
        for mention in mentions:
            if mention.kind not in ("name", "misspelling"):
                continue
            for vendor_id in mention.vendor_ids:
                if not vendor_id.startswith("~"):
                    by_vendor.setdefault(vendor_id, []).append(mention.surface)
        return DocumentAnalysis(document.path, tuple(sorted(claims.values(), key=_claim_order)),
                                {k: tuple(v) for k, v in sorted(by_vendor.items())})

    def _without_passers_by(self, claims: dict, mentions: list[Mention], folded: str) -> dict:
        """Claims of a company's own silence or own words (PASSING) leave out a company that the
        document names in their sentence alone, after some other company, introducing it there
        with an aside, and accuses of nothing else: "Alibaba, which holds stakes in both firms,
        declined to comment" is a bystander asked about another company's affair (categories.md:
        a company mentioned only in passing gets nothing)."""
        category = self.category_of
        accused = {vendor_id for claim in claims.values()
                   if category[claim.rule_id] not in PASSING for vendor_id in claim.vendor_ids}
        spans: dict[str, list[tuple[int, int]]] = {}
        for mention in mentions:
            for vendor_id in mention.vendor_ids:
                spans.setdefault(vendor_id, []).append((mention.start, mention.end))

        def passing(vendor_id: str, claim: Claim) -> bool:
            return (vendor_id not in accused and not vendor_id.startswith("~")
                    and all(claim.start <= s and e <= claim.end for s, e in spans.get(vendor_id, ()))
                    and any(m.start < claim.start and vendor_id not in m.vendor_ids
                            for m in mentions)
                    and any(vendor_id in m.vendor_ids and claim.start <= m.start < claim.cue_start
                            and _INTRODUCED.match(folded, m.end) is not None for m in mentions))

        kept = {}
        for key, claim in claims.items():
            if category[claim.rule_id] in PASSING:
                ids = tuple(i for i in claim.vendor_ids if not passing(i, claim))
                if not ids:
                    continue
                if ids != claim.vendor_ids:
                    claim = replace(claim, vendor_ids=ids)
            kept[key] = claim
        return kept

    def traces(self, document: Document) -> list[Trace]:
        """Every rule match with its attribution outcome, for explaining a rule."""
        return list(self._trace(*self._read(document)))

    def _continued_listings(self, folded: str, sentences: list[Sentence], index: int,
                            claimed: list[RuleMatch], matches: list[RuleMatch],
                            inside: list[Mention]) -> list[RuleMatch]:
        """A verb whose object is left out continues what was said before. "X was placed on
        it", "X was added to the list", "X and Y were among the first companies on the list":
        the list of the latest sentences that named one ("placed X on the same list": however
        far back it was named). "X and Y were all named", "Qihoo was
        added in the same round": the listings of the sentence before. "X followed in May": the
        listings and bans the sentence before attributed to companies, and, "on the same
        grounds", all its claims. "... revoked A's licence, and did the same to B": the listings
        and bans earlier in the sentence. Each becomes a match on the verb, attributed (or
        negated) like any other."""
        sentence = sentences[index]
        own = {m.rule.id for m in matches}
        same = _DID_THE_SAME.search(folded, sentence.start, sentence.end)
        if same is not None:
            rules = {m.rule.id: m.rule for m in matches
                     if m.rule.category in LISTINGS and m.end <= same.start()}
            return [RuleMatch(rule, same.start(), same.end(), "after") for rule in rules.values()]
        side = "before"
        verb = (_LISTING_ON_IT.search(folded, sentence.start, sentence.end)
                or _ELLIPTICAL_LISTING.search(folded, sentence.start, sentence.end))
        source: list[RuleMatch] = []
        if verb is None:
            verb, side = _ADDED_TO_IT.search(folded, sentence.start, sentence.end), "either"
        if verb is None and (verb := _IT_LISTED.search(folded, sentence.start, sentence.end)):
            if any(m.start == verb.start() and m.vendor_ids for m in inside):
                return []       # "it" is a company: "it listed its unit on the stock market"
            side = "after"
        if verb is not None:
            if _SAME_LIST.search(folded, verb.start(), verb.end()) or side == "after":
                # "the same list", "in 2021 it listed X": the list named however far back
                back = sentences[:index]
            elif _LISTING_ON_IT.match(folded, verb.start()) or side == "either":
                back = sentences[max(0, index - LIST_LOOKBACK):index]
            else:
                back = sentences[index - 1:index]
            for previous in reversed(back):
                source = [m for m in self.matcher.find(folded, previous.start, previous.end)
                          if m.rule.category == "sanctions"]
                if source:
                    break
            source = source or [m for m in claimed if m.rule.category in LISTINGS]
        else:
            verb = _FOLLOWED.search(folded, sentence.start, sentence.end)
            if verb is None:
                return []
            same = _SAME_GROUNDS.search(folded, verb.end(), sentence.end) is not None
            source = [m for m in claimed if same or m.rule.category in LISTINGS]
        # A rule the sentence matches by its own words needs no help from the sentence before.
        rules = {m.rule.id: m.rule for m in source
                 if m.rule.category != "vendor_response" and m.rule.id not in own}
        return [RuleMatch(rule, verb.start(), verb.end(), side) for rule in rules.values()]

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
        claimed: list[RuleMatch] = []     # the matches the sentence before attributed
        for index, sentence in enumerate(sentences):
            inside = mentions[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)]
            if not inside:
                claimed = []
                continue
            matches = self.matcher.find(folded, sentence.start, sentence.end)
            matches += self._continued_listings(folded, sentences, index, claimed, matches,
                                                inside)
            claimed = []
            for match in matches:
                others = [o for o in matches if o is not match]
                outcome = attribute(match, sentence, inside, bodies, folded, self.lexicon, others)
                if isinstance(outcome, Attribution) and outcome.vendor_ids:
                    claimed.append(match)
                yield Trace(sentence, match, outcome)


# Categories that speak of a company's own silence or words: said of a company the document names
# in that sentence alone and accuses of nothing, they are a bystander's, not a finding.
PASSING = frozenset({"transparency", "vendor_response"})
# ", which holds stakes in both", "and Y, another U.S. firm,": an aside introducing the company
# (or the list it ends) to the reader.
_INTRODUCED = regex.compile(r"(?:'s?)?(?:\s+(?:and|or|&)\s+[^,;.]{1,40}?)?,\s*(?:which|who|whose|a|an|"
                            r"another|the|one|once|now|formerly)\b[^,;]{0,160},")
# Categories of being put on a list or barred ("added to the Entity List", "banned"): a verb
# left without its object in the next sentence ("X was added in the same round", "X followed in
# May") continues it.
LISTINGS = frozenset({"sanctions", "government_restriction"})
LIST_LOOKBACK = 3
# What may follow a listing verb that has no object: the end of the clause or a when/why phrase.
_NO_OBJECT = (r"(?=\s*(?:[,.;:)]|$|(?:in|on|from|by|during)\s+(?:the\s+same|\d|(?:early|late|mid)\b|"
              r"january|february|march|april|may|june|july|august|september|october|november|"
              r"december)|(?:the\s+)?(?:following|next|same)\s+(?:year|month|week|day|round)|"
              r"(?:a|one|two|three|several)\s+(?:years?|months?|weeks?|days?)\s+later|later\b|too\b|"
              r"as\s+well\b|soon\s+after|shortly\s+after|at\s+the\s+same\s+time|alongside\b|"
              r"along\s+with\b|together\s+with\b|for\s+(?:the\s+same|similar|other|reasons|its|their)\b))")
_ELLIPTICAL_LISTING = regex.compile(
    r"\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:all\s+|both\s+|also\s+|later\s+|then\s+|"
    r"\w+ly\s+)?(?:added|placed|designated|included|named)\b" + _NO_OBJECT)
# "X followed in May 2020 on the same grounds": X underwent what the sentence before said.
_FOLLOWED = regex.compile(r"\b(?:followed|follows)(?:\s+suit)?\b" + _NO_OBJECT)
_SAME_GROUNDS = regex.compile(r"\b(?:on|for)\s+(?:the\s+)?(?:same|similar)\s+(?:grounds|reasons?|basis)\b")
# "X and Y were placed on it", "were among the first five companies on the list", "placed X on
# the same list": the list is the one the latest sentences named.
_THE_LIST = (r"(?:the\s+same\s+list\b|(?:it|that\s+list|this\s+list|the\s+list)\b"
             r"(?!\s+(?:of|for|that|which|kept)\b))")
_LISTING_ON_IT = regex.compile(
    r"\b(?:was|were|is|are|has\s+been|have\s+been|had\s+been)\s+(?:\w+ly\s+|also\s+|later\s+|then\s+|"
    r"still\s+|already\s+)?(?:(?:(?:added|placed|put|listed|included)\s+)?(?:on|to|onto|in)\s+|among\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:companies|firms|entities|vendors|names)\s+(?:on|added\s+to)\s+)" + _THE_LIST
    + r"|\b(?:was|were)\s+(?:\w+ly\s+|also\s+)?among\s+(?:them\b|those\b|the\s+(?:[\w-]+\s+){0,3}?"
    r"(?:companies|firms|entities|organi[sz]ations)\s+(?:named|listed|added|designated|included|"
    r"targeted|cited)\b(?!\s+(?:in|by|as|for)\b))")
_SAME_LIST = regex.compile(r"\bthe\s+same\s+list\b")
# "In 2021 it listed X and Y": the body of the article's listing lists others (not "X is listed
# in Hong Kong", a stock market).
_IT_LISTED = regex.compile(r"\b(?:it|the\s+(?:department|agency|bureau|treasury|commission))\s+"
                           r"(?:\w+ly\s+|also\s+|later\s+|then\s+)?(?:listed|blacklisted)\b"
                           r"(?!\s+(?:on|in|as|at|under|with)\b)")
# "The agency added X and Y to the list in March".
_ADDED_TO_IT = regex.compile(r"\b(?:added|placed|put)\s+[^.;]{1,120}?\s+(?:to|on|onto)\s+" + _THE_LIST)
# "revoked A's licence in 2021, and did the same to B": B undergoes the verb before.
_DID_THE_SAME = regex.compile(r"\b(?:did|does|do|has\s+done|had\s+done)\s+the\s+same\s+(?:to|with|for)\b")


def _claim(text: str, trace: Trace) -> Claim:
    outcome = trace.outcome
    assert isinstance(outcome, Attribution)
    sentence, match = trace.sentence, trace.match
    return Claim(match.rule.id, sentence.start, sentence.end, match.start, match.end,
                 tuple(sorted(outcome.vendor_ids)),
                 " + ".join(text[m.start:m.end] for m in outcome.referents),
                 outcome.allegation, outcome.explanation,
                 text[sentence.start:sentence.end], text[match.start:match.end],
                 text.count("\n", 0, sentence.start) + 1)


def _claim_order(claim: Claim) -> tuple:
    return (claim.start, claim.rule_id, claim.cue_start, claim.vendor_ids)
