"""Attribution: which company a rule match is about, and whether the text asserts it.

A claim counts for a vendor only when the vendor is what the claim is about. Without a parser,
"what the claim is about" is read from the clause the matched words sit in:

1. The clause runs from the previous clause break ("but", ";", a reporting verb such as "said")
   to the next one, so "Axis said the US banned Hikvision" puts the ban in a clause with
   Hikvision alone.
2. The subject is the nearest company before the matched words in that clause, skipping asides
   (", which ...,", "(...)") and points of comparison ("unlike X"); when there is none, the
   company inside the matched words ("an audit of X found"); last, the nearest company after them
   ("a ban on X") unless a public body stands between ("sanctions on Russia hit X"); failing
   all three, the companies a clause opens with as its topic ("For X and Y, the ban covers ...").
   A rule or pattern can insist on one side. A company named for comparison ("unlike X") stops
   the search: the claim is about someone, just not about it.
3. A company in a list ("X, Y and Z were added") brings the whole list along.
4. Negation or modal wording in the clause before the matched words blocks the claim, and so
   does a question; allegation wording marks it, it does not block it.

Every decision is kept as a sentence in the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from .lexicon import Lexicon
from .matching import RuleMatch
from .mentions import Mention, Span
from .sentences import Sentence


# A body this many words after the matched words is their object ("sanctions on Russia hit X").
BODY_REACH = 3
# An object further than this from the matched words is not theirs.
AFTER_REACH = 10
# How far before a subject a negation still binds to it ("neither X nor Y", "not even X").
NEGATION_REACH = 12
# Categories whose claims are the vendor's own words: the vendor must be the one speaking.
SPEAKERS = frozenset({"vendor_response"})
# Categories whose claims are acts of a government or public body (categories.md): a company
# doing the same thing ("Microsoft blocked ...", "the operator will remove ...") is no such act.
PUBLIC_ACTS = frozenset({"government_restriction"})
# Words that may stand between a subject and its verb: "it had already blocked".
_AUXILIARIES = regex.compile(
    r"\s*(?:[\"']?(?:had|has|have|will|would|also|then|now|later|already|since|\w+ly)[\"']?\s+){0,3}")
# "... compete for contracts with the state-owned operator": matched words that stand as an
# adjective in a prepositional phrase describe that phrase's noun, not the clause's subject. "by"
# ("controlled by the state-owned X") and "of" ("a unit of the state-owned X") pass ownership on.
_IN_PREPOSITIONAL_PHRASE = regex.compile(
    r"\b(?:with|to|from|for|on|in|at|into|against|over|via|through|alongside)\s+"
    r"(?:the|a|an|its|their|other|[\w-]+'s?)\s+(?:[\w-]+\s+)?$")
# One or two words ending as a participle ("state-owned", "blacklisted"), followed by a noun.
_ATTRIBUTIVE = regex.compile(r"[\w-]+(?:[- ][\w-]+)?(?:ed|run|held)")
_NOUN_NEXT = regex.compile(r"\s+(?!(?:by|and|or|of|on|in|to|from|with|for|at|as)\b)[a-z]")
# Categories of controls imposed on where goods go (export controls, sanctions): "curbs on sales
# of X's chips to China" target China. A public buyer's ban on X's cameras is about X, wherever
# they were to go.
DESTINATION_CONTROLS = frozenset({"sanctions"})
# "restrict sales of Nvidia chips to China": the goods of the company after "sales of" go *to*
# the party the restriction is about.
_SALES_OF = regex.compile(r"\b(?:sales?|exports?|shipments?|supply|supplies|transfers?|selling|"
                          r"exporting|shipping|supplying)\s+of\b")
_GOODS_TO = regex.compile(r"(?:'s?)?(?:\s+[\w-]+){0,3}?\s+to\s+(?:the\s+)?")
# ", had failed to ...", ", and was ...": a second predicate of the same subject.
_NEXT_PREDICATE = regex.compile(r",\s+(?:and\s+)?(?:had|has|have|was|were|is|are|did|does|do)\b")
# "X's application in 2019, revoked ...": words after the nearest company, then a comma and a
# verb (not "X, revoked in May, ..." right after the name, where the verb describes the name).
_BEFORE_SECOND_VERB = regex.compile(r"(?:'s?)?\s+[^\s,;][^,;]{0,80}?,\s+(?:and\s+)?(?:\w+ly\s+)?")
_PAST_VERB = regex.compile(r"(?:\w+ed|denied|barred|banned|put|set|cut)\b")
# ", and issued ...": a second verb phrase after the nearest company.
_COORDINATED_VERB = regex.compile(r",\s+and\s+(?:\w+ly\s+)?(?:\w+ed|issued|imposed|ordered|said|put|set|cut)\s")


@dataclass(frozen=True)
class Attribution:
    """The companies a rule match is attributed to, with the reading that led there."""

    vendor_ids: frozenset[str]
    referents: tuple[Mention, ...]
    allegation: bool
    explanation: str


@dataclass(frozen=True)
class Rejection:
    """Why a rule match was not attributed to anyone (shown by ``explain``)."""

    reason: str


def attribute(match: RuleMatch, sentence: Sentence, mentions: list[Mention], bodies: list[Span],
              folded: str, lexicon: Lexicon,
              other_matches: list[RuleMatch]) -> Attribution | Rejection:
    """Read the clause around ``match`` and decide whom it is about."""
    clause = _coordinated_clause(folded, clause_bounds(folded, sentence, match, lexicon), match,
                                 mentions)
    asides = _asides(folded, clause[0], match.start, lexicon)
    speaker = (_quoted_speaker(match, sentence, mentions, folded, lexicon)
               if match.rule.category in SPEAKERS else None)
    found = _subject(match, mentions, bodies, folded, lexicon, clause, asides)
    if speaker is not None:
        # "We reject the suggestion ...," a DJI representative said: the words are the speaker's.
        found = ([speaker], "speaker", [], [])
    if isinstance(found, Rejection):
        return found
    group, where, before, later = found
    if _names_industry(match, folded):
        return Rejection("the matched words name an industry ('others in the spyware business, "
                         "such as X'), not something said of a company")
    if where == "inside" and match.vendor_side == "before" and match.rule.category in SPEAKERS:
        return Rejection("a company inside the reported words is what was said, not the speaker")
    if where == "before" and _modifies_other_noun(match, folded):
        return Rejection("the matched words describe the noun of a phrase such as 'with the "
                         "state-owned operator', not the subject of the clause")
    if where == "after" and match.rule.category in DESTINATION_CONTROLS:
        recipient = _recipient_of_goods(match, group, later, bodies, folded, lexicon)
        if isinstance(recipient, Rejection):
            return recipient
        group = recipient or group
    rejection = (_marker_rejection(match, sentence, group, where, folded, lexicon, clause,
                                   asides, other_matches)
                 or _disqualified(group, where, before, folded, lexicon, match)
                 or _company_as_actor(match, where, before, folded))
    if rejection is not None:
        return rejection
    if where == "before":
        group += (_likened(group, match.start, mentions, asides, folded, lexicon)
                  + _companions(later, folded, lexicon)
                  + _owned_through(match, group, before, folded, lexicon))
    else:
        group += _gapped_companions(group, later, folded)
    ids = frozenset().union(*(m.vendor_ids for m in group))
    allegation = lexicon.allegation.search(folded, sentence.start, sentence.end) is not None
    return Attribution(ids, tuple(group), allegation, _explain(group, where, len(group), allegation))


def _subject(match: RuleMatch, mentions: list[Mention], bodies: list[Span], folded: str,
             lexicon: Lexicon, clause: tuple[int, int, int], asides: list[tuple[int, int]]):
    """(group, where, companies before, companies later in the clause) of the claim, or why
    there is none."""
    lo, hi, _ = clause
    candidates = [m for m in mentions
                  if lo <= m.start and m.end <= hi and not _inside(m, asides)]
    before = [m for m in candidates if m.end <= match.start and not _possessive_in_phrase(m, folded)
              and not _commissioner(m, folded)]
    later = [m for m in candidates if m.start >= match.end]   # where ", alongside X" companions stand
    after = [m for m in later if _words_between(folded, match.end, m.start) <= AFTER_REACH
             and not _trailing_speaker(m, folded)
             # "prohibit such use, and there is no sign that X knew": a new clause's subject
             and _NEW_SUBJECT.search(folded, match.end, m.start) is None
             and not any(match.end <= b.start and b.end <= m.start
                         and _words_between(folded, match.end, b.start) <= BODY_REACH
                         and not folded.startswith("'s", b.end)   # "China's Huawei" names Huawei
                         for b in bodies)]
    inside = [m for m in candidates if match.start <= m.start and m.end <= match.end
              and not _commissioner(m, folded)]
    inside = [m for m in inside if m.kind != "reference"] or inside   # "its existing X kit": X
    inside = inside or _describing_group(match, mentions, lo, hi)
    if match.vendor_side in ("before", "either") and before:
        group = _gapped_partner(before, _list_ending(before, folded, lexicon), folded)
        seller = _seller(before, group, folded, lexicon)
        if seller:
            # "ordered X to sell Y on security grounds": Y is what is sold; the grounds are X's.
            group = seller
        if _COORDINATED_VERB.search(folded, group[-1].end, match.start):
            # "X found that Y infringed Z's patents, and issued an order": the second verb shares
            # the first verb's subject, so the claim goes to the clause's first company.
            group = _list_starting(before, folded, lexicon)
        elif (match.vendor_side == "either" and (after or inside)
              and _BEFORE_SECOND_VERB.fullmatch(folded, group[-1].end, match.start) is not None
              and _PAST_VERB.match(folded, match.start) is not None
              and any(lo <= b.start and b.end <= before[0].start for b in bodies)):
            # "The commission denied X's application, revoked the authorisation of Y's unit":
            # the second verb's subject is the body the clause opened with; the company before
            # it was the first verb's object, so the claim is about the company it names.
            if inside:
                return _list_starting(inside, folded, lexicon), "inside", before, later
            return _objects(after, later, folded, lexicon), "after", before, later
        else:
            return group, "before", before, later
        return group, "before", before, later
    if inside:
        return _list_starting(inside, folded, lexicon), "inside", before, later
    if match.vendor_side in ("after", "either") and after:
        return _objects(after, later, folded, lexicon), "after", before, later
    if (match.vendor_side in ("after", "either") and before and not later
            and _PARTICIPLE.match(folded, match.start) is not None
            and _AFTER_COMMA.search(folded, max(lo, match.start - 20), match.start) is not None):
        # "the FCC added X, Y and Z to its list, effectively barring new approvals": the
        # participle goes on with the main verb, whose objects it bars.
        group = _list_ending(before, folded, lexicon)
        if any(lo <= b.start and b.end <= group[0].start for b in bodies) and not any(
                lo <= m.start < group[0].start for m in before if m not in group):
            return group, "participle", before, later
    if before and _FOR_TOPIC.fullmatch(folded, clause[2], before[0].start) is not None:
        topic = _list_starting(before, folded, lexicon)
        if folded.startswith(",", topic[-1].end):
            return topic, "fronted", before, later
    side = {"before": "before", "after": "after"}.get(match.vendor_side, "before or after")
    return Rejection(f"no company {side} the matched words in their clause")


# ", and the FCC had revoked ...", ", and British firms will be barred ...": "and" joining a
# clause with a subject of its own (a few words, then an auxiliary verb). Not "and then was",
# "and in 2020 was", "and last year was": a second verb of the same subject.
_NEW_SUBJECT = regex.compile(
    r",\s*and\s+(?!(?:then|also|so|thus|now|still|already|later|since|in|on|at|by|for|from|after|"
    r"before|during|last|earlier|this|next|within|over|\w+ly)\b)"
    r"(?:(?!(?:year|years|month|months|week|weeks|day|days|decade|time|\d+)\b)[\w'-]+\s+){1,5}?"
    r"(?:will|would|was|were|is|are|has|have|had|can|could|must|should|did|does|do|may|might)\b")


def _coordinated_clause(folded: str, clause: tuple[int, int, int], match: RuleMatch,
                        mentions: list[Mention]) -> tuple[int, int, int]:
    """The clause narrowed to the last coordinated clause before the match that has a subject of
    its own, with no company in it (a company there is a list's last member: "X, Y, and Z
    were"); the clause unchanged when there is none."""
    lo, hi, opener = clause
    for joined in _NEW_SUBJECT.finditer(folded, lo, match.start):
        subject_end = folded.rfind(" ", joined.start(), joined.end())
        if not any(joined.start() - 2 <= m.end and m.start < subject_end for m in mentions):
            lo, opener = joined.start() + 1, joined.start()
    return lo, hi, opener


# ", effectively barring ...": a participle phrase after a comma, going on with the main verb.
_PARTICIPLE = regex.compile(r"\w+ing\b")
_AFTER_COMMA = regex.compile(r",\s*(?:\w+ly\s+|thereby\s+|thus\s+)?$")


# "For X, Y and Z, the ban covers ...", "As for X, ...": a clause opening by naming what it is
# about. Its own subject ("the ban") is no company, so the claim is the named companies'.
_FOR_TOPIC = regex.compile(r"\s*(?:for|as\s+for|in\s+the\s+case\s+of|as\s+regards|regarding)\s+")


# After a quotation: '," a DJI representative told', '," the company said', '," said X's ...'.
_AFTER_QUOTE = regex.compile(r"\s*(?:(?:said|says|told|wrote|added)\s+)?((?:a|an|the|one)\s+)?")
_SPEAKER_ROLE = regex.compile(r"(?:'s?)?(?:\s+[\w-]+){0,2}?\s+(?:said|says|told|wrote|added|stated)\b")


def _quoted_speaker(match: RuleMatch, sentence: Sentence, mentions: list[Mention], folded: str,
                    lexicon: Lexicon) -> Mention | None:
    """The company that speaks the quotation the match stands in, when the quotation closes in
    the sentence followed by its speaker: '"We reject the suggestion ...," a DJI representative
    told senators'. Companies named inside the quotation are what is spoken of, not the speaker."""
    line_start = folded.rfind("\n", 0, match.start) + 1
    if folded.count('"', line_start, match.start) % 2 == 0:
        return None
    closing = folded.find('"', match.end, sentence.end)
    if closing == -1:
        return None
    lead = _AFTER_QUOTE.match(folded, closing + 1)
    speaker = next((m for m in mentions if m.start in (lead.start(1), lead.end())), None)
    if speaker is None or not speaker.vendor_ids:
        return None
    said_before = lexicon.reporting_verbs.search(folded, closing + 1, lead.end()) is not None
    if not said_before and _SPEAKER_ROLE.match(folded, speaker.end) is None:
        return None
    return speaker


def _describing_group(match: RuleMatch, mentions: list[Mention], lo: int,
                      hi: int) -> list[Mention]:
    """"the three big Chinese state-owned carriers": matched words inside a reference to a list
    of companies describe those companies. Not a singular reference ("compete with the
    state-owned operator"), which may introduce a company the text has not named."""
    return [m for m in mentions if m.kind == "reference" and len(m.vendor_ids) > 1
            and lo <= m.start <= match.start and match.end <= m.end <= hi]


def _marker_rejection(match: RuleMatch, sentence: Sentence, group: list[Mention], where: str,
                      folded: str, lexicon: Lexicon, clause: tuple[int, int, int],
                      asides: list[tuple[int, int]],
                      other_matches: list[RuleMatch]) -> Rejection | None:
    """Negation, denial framing, hypotheticals and questions that take the claim back."""
    lo, _, opener = clause
    # Words of other claims ("did not respond") do not negate this one; a vendor's denial does.
    cue_spans = [(o.start, o.end) for o in other_matches if "denial" not in o.rule.allow]
    blocked = asides + cue_spans + [(match.start, match.end)]
    # A negation binds to the claim when it stands between its subject and the matched words
    # ("X was not listed"), or just before the subject ("neither X nor Y"); earlier words in the
    # clause ("no new cameras from X may be used, citing risks") belong to another verb.
    negation_start = max(lo, group[0].start - NEGATION_REACH) if where == "before" else lo
    if where == "before":
        # "X had no licence, had failed to ...": a predicate coordinated after a comma carries
        # its own negation; one in an earlier predicate says nothing of it.
        for predicate in _NEXT_PREDICATE.finditer(folded, group[-1].end, match.start):
            if not _inside_any(predicate.start(), asides):
                negation_start = max(negation_start, predicate.start())
    if _marker(lexicon.negation, folded, negation_start, match.start, blocked):
        return Rejection("negated in its clause")
    # The word that opened the clause ("urged", "asked", "denied that") frames it too.
    if "denial" not in match.rule.allow and _marker(
            lexicon.negation_before, folded, opener, match.start, blocked):
        return Rejection("denied or doubted in its clause")
    if sentence.text.rstrip(" \"'”’)").endswith("?"):
        # A question asserts nothing, whatever wording the rule allows ("Is X state-owned?").
        return Rejection("the sentence is a question")
    if "hypothetical" in match.rule.allow:
        return None
    # A fronted phrase ("Asked whether ..., X declined") does not make the claim hypothetical. A
    # company set off by commas on both sides ("urging it to add two makers, X and Y, to the
    # list") is an apposition inside the phrase, not the subject after it.
    hypothetical_start = opener
    if where == "before" and not _comma_outside(folded, group[-1].end, match.start, asides):
        comma = folded.rfind(",", opener, group[0].start)
        # Not when the comma closes a condition set inside the clause ("a bill would, if passed,
        # add the two companies to the list"): the clause itself is conditional.
        if _CONDITION_ASIDE.search(folded, max(opener, comma - 80), comma + 1) is None:
            hypothetical_start = max(opener, comma + 1)
    if _marker(lexicon.hypothetical, folded, hypothetical_start, match.start, blocked):
        return Rejection("hypothetical or conditional wording in its clause")
    return None


# ", if passed,", ", unless the court intervenes,": a condition set off by commas inside a clause.
_CONDITION_ASIDE = regex.compile(r",\s*(?:if|unless|once|when\s+and\s+if)\b[^,;]{0,80},$")


def _disqualified(group: list[Mention], where: str, before: list[Mention], folded: str,
                  lexicon: Lexicon, match: RuleMatch) -> Rejection | None:
    """A subject that turns out not to be the party the claim is about."""
    named = frozenset().union(*(m.vendor_ids for m in group))
    if where == "inside" and before and _list_ending(before, folded, lexicon)[-1].vendor_ids & named:
        return Rejection("the company acts on itself ('X removed its kit'): not done to it")
    relative = (_RELATIVE_OPENS.search(folded, group[-1].end, match.start)
                if where == "before" and _UNLIKE.search(folded, max(0, group[0].start - 30),
                                                        group[0].start) else None)
    if lexicon.is_contrasted(folded, group[0].start) and not (
            relative is not None and "," not in folded[relative.end():match.start]):
        # "Unlike X, which has been on the list since 2021, Y is ...": the relative clause says
        # something of X itself; only the main clause's predicate is denied of it.
        return Rejection(f"'{group[0].surface}' is named only as a point of comparison")
    if lexicon.names_other_party(folded, group[-1].end):
        return Rejection(f"'{group[-1].surface}' is followed by a possessive naming another party")
    return None


_RELATIVE_OPENS = regex.compile(r",\s*(?:which|who|whose)\b")
# "Unlike X, which ...": a comparison that denies only the main clause of X (not "rival X").
_UNLIKE = regex.compile(r"\b(?:unlike|compared\s+(?:with|to)|as\s+opposed\s+to)\s+$")


def _company_as_actor(match: RuleMatch, where: str, before: list[Mention],
                      folded: str) -> Rejection | None:
    """"Microsoft had blocked the exploits ... linked to X": a company is the subject of the verb,
    so what it did is a company's act, not a government's restriction of X."""
    if match.rule.category not in PUBLIC_ACTS or where == "before" or not before:
        return None
    actor = before[-1]
    if (_AUXILIARIES.fullmatch(folded, actor.end, match.start) is None
            and _OWN_RULES.fullmatch(folded, actor.end, match.start) is None):
        return None
    return Rejection(f"'{actor.surface}', a company, is the one acting: not a public body's act")


# "Google's terms of service prohibit ...": the company's own rules are the actor.
_OWN_RULES = regex.compile(
    r"'s?\s+(?:own\s+)?(?:terms|policy|policies|rules|guidelines|code|contracts?|licen[cs]es?|"
    r"agreements?)(?:\s+of\s+(?:service|use|conduct|sale))?" + _AUXILIARIES.pattern)


# "others in the commercial spyware business": the matched words qualify an industry's noun.
_INDUSTRY_AFTER = regex.compile(r"\s+(?:business|businesses|industry|industries|sector|sectors|"
                                r"market|markets|trade)\b")
_INDUSTRY_BEFORE = regex.compile(r"\b(?:in|across|of|throughout|within|into)\s+(?:the\s+)?"
                                 r"(?:[\w-]+\s+){0,2}$")


def _names_industry(match: RuleMatch, folded: str) -> bool:
    return (_INDUSTRY_AFTER.match(folded, match.end) is not None
            and _INDUSTRY_BEFORE.search(folded, max(0, match.start - 40), match.start) is not None)


def _modifies_other_noun(match: RuleMatch, folded: str) -> bool:
    """"X will compete for contracts with the state-owned operator": the matched words are an
    adjective of the operator, which stands in a prepositional phrase, so they say nothing of X."""
    return (_ATTRIBUTIVE.fullmatch(folded, match.start, match.end) is not None
            and _NOUN_NEXT.match(folded, match.end) is not None
            and _IN_PREPOSITIONAL_PHRASE.search(folded, max(0, match.start - 40), match.start)
            is not None)


def _recipient_of_goods(match: RuleMatch, group: list[Mention], later: list[Mention],
                        bodies: list[Span], folded: str,
                        lexicon: Lexicon) -> list[Mention] | Rejection | None:
    """"export controls that restrict sales of Nvidia chips to China (or to Huawei)": the seller
    is not the target. The companies the goods go to when a company is named there, a rejection
    when a country or body is; None when the words are not of that shape."""
    if _SALES_OF.search(folded, match.end, group[0].start) is None:
        return None
    to = _GOODS_TO.match(folded, group[-1].end)
    if to is None:
        return None
    receivers = [m for m in later if m.start == to.end()]
    if receivers:
        return _list_starting(later[later.index(receivers[0]):], folded, lexicon)
    if any(b.start == to.end() for b in bodies):
        return Rejection(f"'{group[0].surface}' makes the goods; the restriction is on sales to "
                         "a country or body")
    return None


def clause_bounds(folded: str, sentence: Sentence, match: RuleMatch,
                  lexicon: Lexicon) -> tuple[int, int, int]:
    """The clause around the match (start, end), and where the break that opened it starts.

    A break inside a relative or "when" clause set off by commas before the match (", when
    officials announced the deal,") belongs to that clause: the main clause runs on around it."""
    lo, hi, opener = sentence.start, sentence.end, sentence.start
    asides = [(start, end) for start, end in _asides(folded, sentence.start, match.start, lexicon)
              if _SUBORDINATE.match(folded, start) is not None]
    for start, end in _clause_breaks(folded, sentence.start, sentence.end,
                                     (lexicon.clause_breaks, lexicon.reporting_verbs)):
        if _relative_report(folded, sentence.start, start, end) or _inside_any(start, asides):
            continue
        if end <= match.start and end > lo:
            lo, opener = end, start
        elif start >= match.end:
            hi = min(hi, start)
    return lo, hi, opener


# ", which ...", ", when ...": an aside with a verb of its own (unlike ", the chair said X,").
_SUBORDINATE = regex.compile(r"(?:,|\s-)\s*(?:which|who|whose|whom|when)\b")
# "..., which rights groups say are used", "equipment it says poses a risk": a report inside a
# relative clause, whose reported verb follows at once.
_RELATIVE_REPORTER = regex.compile(
    r"(?:,\s*(?:which|who)\s+(?:[\w-]+\s+){1,3}|\b(?:equipment|products|services|gear|kit|"
    r"devices|technology|systems|software)\s+(?:it|they)\s+)$")
_REPORTED_VERB = regex.compile(r"\s+(?:(?:could|can|would|may|might|will|were|was|are|is|has|have|"
                               r"had|poses?|posed|helps?|helped|enables?|enabled)\b)")
_REPORTING_PRESENT = regex.compile(r"says?|said|believes?|claims?|argues?|contends?")


def _relative_report(folded: str, lo: int, start: int, end: int) -> bool:
    """A reporting verb inside a relative clause ("restraint chairs, which rights groups say are
    used in torture"; "its list of equipment it says poses a risk"): the reported verb's subject
    is the noun the clause hangs on, so the report does not cut it off from its subject."""
    return (_REPORTING_PRESENT.fullmatch(folded, start, end) is not None
            and _RELATIVE_REPORTER.search(folded, max(lo, start - 60), start) is not None
            and _REPORTED_VERB.match(folded, end) is not None)


@lru_cache(maxsize=16)
def _clause_breaks(folded: str, start: int, end: int,
                   patterns: tuple[regex.Pattern, ...]) -> tuple[tuple[int, int], ...]:
    """Every break each pattern finds in ``folded[start:end]``, pattern by pattern; remembered,
    since each rule match in a sentence asks for the same."""
    return tuple(brk.span() for pattern in patterns for brk in pattern.finditer(folded, start, end))


# "In August, the committee wrote ...": a phrase of time or place opening the clause, whose comma
# is followed by the clause's own subject rather than by an aside.
_FRONTED = regex.compile(r"\s*(?:in|on|at|after|before|during|since|until|by|from|within|over|"
                         r"last|earlier|later|this|next|following)\b[^,;]*")


# ", when officials announced the X deal, the projects were ...": a when-clause of four words or
# more set off by commas inside a clause (an apposition ", when X, the operator," is not one).
_WHEN_ASIDE = regex.compile(r"(?:,|\s-)\s*when\s+(?:[^,;()\s]+\s+){3,}[^,;()]{0,120}?(?:,|\s-\s)")


def _asides(folded: str, lo: int, stop: int, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Parenthetical asides that end before ``stop``: what they name is not the subject."""
    found: list[tuple[int, int]] = []
    position = lo
    while (aside := _next_aside(folded, position, stop, lexicon)) is not None:
        if not found and _FRONTED.fullmatch(folded, lo, aside.start()) is not None:
            position = aside.start() + 1    # the comma closes the fronted phrase
            continue
        found.append(aside.span())
        position = aside.end()
    return found


def _next_aside(folded: str, position: int, stop: int, lexicon: Lexicon) -> regex.Match | None:
    """The first aside (parenthetical or when-clause) in ``folded[position:stop]``."""
    hits = [hit for pattern in (lexicon.parenthetical, _WHEN_ASIDE)
            if (hit := pattern.search(folded, position, stop)) is not None]
    return min(hits, key=lambda hit: hit.start(), default=None)


def _possessive_in_phrase(mention: Mention, folded: str) -> bool:
    """"from its networks": a possessive pronoun inside a prepositional phrase is not a subject."""
    return mention.kind == "reference" and mention.surface.lower() == "its" and regex.search(
        r"\b(?:from|in|on|of|to|with|for|by|at|into|across|over|about|under|within)\s+$",
        folded[max(0, mention.start - 12):mention.start]) is not None


# "a penetration test it commissioned found ...", "the audit Acme ordered": who ordered a
# review, in a relative clause on the review's noun, is not what the review found about.
_REVIEW_NOUNS = (r"(?:test|tests|audit|review|investigation|report|study|assessment|inquiry|probe|"
                 r"analysis|evaluation|examination|survey)")
_REVIEW_BEFORE = regex.compile(r"\b(?:a|an|the|its|their)\s+(?:[\w-]+\s+){0,3}?" + _REVIEW_NOUNS
                               + r"\s+(?:that\s+)?$")
_COMMISSIONED = regex.compile(r"\s+(?:had\s+|has\s+|have\s+)?(?:commissioned|ordered|requested|"
                              r"funded|sponsored|paid\s+for|asked\s+for)\b")

_COMMISSIONED_BY = regex.compile(r"\b" + _REVIEW_NOUNS + r"\s+(?:(?:that|which)\s+(?:was|were|"
                                 r"had\s+been|has\s+been)\s+)?(?:commissioned|ordered|requested|"
                                 r"funded|sponsored|paid\s+for)\s+by\s+(?:the\s+)?$")


# "..., the company said in a statement": the speaker of what came before, after a comma.
_COMMA_BEFORE = regex.compile(r",\s*$")
_SAID_AFTER = regex.compile(r"\s+(?:\w+ly\s+)?(?:said|says|told|added|stated|wrote|announced|"
                            r"explained|noted|argued|claimed|insisted|confirmed)"
                            r"(?=\s*[,.;]|\s*$|\s+(?:in|on|at|last|this|late|earlier|yesterday|today|"
                            r"during|when|after|before)\b)")


def _trailing_speaker(mention: Mention, folded: str) -> bool:
    """Whether the company closes the sentence as its speaker (", the company said"): it says
    the words before, it is not their object."""
    return (_COMMA_BEFORE.search(folded, max(0, mention.start - 3), mention.start) is not None
            and _SAID_AFTER.match(folded, mention.end) is not None)


def _commissioner(mention: Mention, folded: str) -> bool:
    """Whether the company stands in "the audit X commissioned" or "an audit commissioned by X":
    it ordered the review."""
    return ((_COMMISSIONED.match(folded, mention.end) is not None
             and _REVIEW_BEFORE.search(folded, max(0, mention.start - 80), mention.start) is not None)
            or _COMMISSIONED_BY.search(folded, max(0, mention.start - 80), mention.start) is not None)


def _comma_outside(folded: str, start: int, end: int, asides: list[tuple[int, int]]) -> bool:
    """Whether a comma that belongs to no aside stands in folded[start:end]."""
    return any(folded[i] == "," and not _inside_any(i, asides) for i in range(start, end))


def _inside_any(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in spans)


def _words_between(folded: str, start: int, end: int) -> int:
    return len(folded[start:end].split())


def _inside(mention: Mention, spans: list[tuple[int, int]]) -> bool:
    return any(s <= mention.start and mention.end <= e for s, e in spans)


def _marker(pattern, folded: str, start: int, end: int, blocked: list[tuple[int, int]]) -> bool:
    """True when ``pattern`` occurs in folded[start:end] outside the blocked spans."""
    for found in pattern.finditer(folded, start, end):
        if not any(s <= found.start() < e for s, e in blocked):
            return True
    return False


# "ordered X to sell Y", "forced X to divest its stake in Y": Y is the thing sold.
_SOLD = regex.compile(r"\b(?:sell|sells|sold|selling|divest|divests|divested|divesting|offload|"
                      r"dispose\s+of|spin\s+off)\s+(?:(?:its|their|the|a)\s+)?(?:(?:stake|holding|"
                      r"shares?|interest|business|unit)\s+in\s+)?$")


def _seller(before: list[Mention], group: list[Mention], folded: str,
            lexicon: Lexicon) -> list[Mention]:
    """The company made to sell the subject group, when that group is the object of a sale
    whose seller is named just before ("ordered X to sell Y"); none otherwise."""
    first = before.index(group[0])
    if first == 0 or _SOLD.search(folded, max(0, group[0].start - 60), group[0].start) is None:
        return []
    seller = before[first - 1]
    if _words_between(folded, seller.end, group[0].start) > 4:
        return []
    return _list_ending(before[:first], folded, lexicon)


def _list_ending(before: list[Mention], folded: str, lexicon: Lexicon) -> list[Mention]:
    """The nearest company before the match, with the companies listed together with it."""
    group = [before[-1]]
    for mention in reversed(before[:-1]):
        if not lexicon.joins_list(folded, mention.end, group[0].start):
            break
        group.insert(0, mention)
    return group


def _list_starting(after: list[Mention], folded: str, lexicon: Lexicon) -> list[Mention]:
    """The nearest company after the match, with the companies listed together with it."""
    group = [after[0]]
    for mention in after[1:]:
        if not lexicon.joins_list(folded, group[-1].end, mention.start):
            break
        group.append(mention)
    return group


def _objects(after: list[Mention], later: list[Mention], folded: str,
             lexicon: Lexicon) -> list[Mention]:
    """The nearest company after the match with its list. Only the list's first member need be
    within reach: "bars schools from buying ... gear made by X or Y" bars Y's gear too."""
    return _list_starting(later[later.index(after[0]):], folded, lexicon)


def _companions(after: list[Mention], folded: str, lexicon: Lexicon) -> list[Mention]:
    """Companies added to the subject later in the clause: "X was listed, alongside Y and Z"."""
    for index, mention in enumerate(after):
        if lexicon.joins_subject(folded, mention.start):
            return _list_starting(after[index:], folded, lexicon)
    return []


# "X is partly owned by Y, which is controlled by the state": Y's owner controls X through Y.
_OWNED_BY = regex.compile(r"\b(?:(?:partly|partially|majority|wholly|jointly|largely)[- ])?(?:owned|"
                          r"controlled|held)\s+by\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?$")
_WHICH_IS = regex.compile(r",\s*(?:which|that)\s+(?:is|was|are|were|has\s+been|remains)\s+"
                          r"(?:\w+ly\s+)?$")
_IS_OWNED = regex.compile(r"\s*,\s*|\s+(?:is|was|are|were|has\s+been|have\s+been|had\s+been|"
                          r"remains|remained)\s+(?:\w+ly\s+|also\s+|still\s+|now\s+)?")
OWNERSHIP = frozenset({"state_control"})


def _owned_through(match: RuleMatch, group: list[Mention], before: list[Mention], folded: str,
                   lexicon: Lexicon) -> list[Mention]:
    """"X is partly owned by Y, which is controlled by the Chinese state": the state control said
    of the owner Y in a relative clause holds for X, which Y owns."""
    if (match.rule.category not in OWNERSHIP
            or _WHICH_IS.fullmatch(folded, group[-1].end, match.start) is None):
        return []
    owned_by = _OWNED_BY.search(folded, max(0, group[0].start - 60), group[0].start)
    if owned_by is None:
        return []
    owned = [m for m in before if m.end <= owned_by.start()]
    if not owned or _IS_OWNED.fullmatch(folded, owned[-1].end, owned_by.start()) is None:
        return []
    return _list_ending(owned, folded, lexicon)


# "X, like Y, has been ...": an aside likening the subject to other companies.
_LIKE = regex.compile(r",\s*(?:just\s+)?(?:like|as\s+with)\s")


def _likened(group: list[Mention], match_start: int, mentions: list[Mention],
             asides: list[tuple[int, int]], folded: str, lexicon: Lexicon) -> list[Mention]:
    """"Hikvision, like its neighbour Dahua, has been on the list": what is said of the subject
    in the predicate right after the likeness is said of the companies it is likened to (not so
    "unlike Y", a point of comparison, nor a later predicate after a comma)."""
    for start, end in asides:
        if (start == group[-1].end and _LIKE.match(folded, start) is not None
                and not _comma_outside(folded, end, match_start, asides)):
            likened = [m for m in mentions if start <= m.start and m.end <= end
                       and m.kind != "reference"]
            return _list_ending(likened, folded, lexicon) if likened else []
    return []


# "... and B's the following year": a possessive whose noun is left out (it is the one before).
_AND_BEFORE = regex.compile(r"\band\s+(?:then\s+)?$")
_GAPPED_POSSESSIVE = regex.compile(
    r"(?:\s+[\w-]+){0,2}?'s?(?=\s*[,.;]|\s*$|\s+(?:the\s+(?:following|next|same)\b|in\s+(?:\d|early|"
    r"late|mid)|a\s+(?:year|month|week)\s+later|(?:one|two|three)\s+(?:years?|months?)\s+later|"
    r"later\b|too\b|as\s+well\b))")


def _gapped_companions(group: list[Mention], later: list[Mention], folded: str) -> list[Mention]:
    """"revoked A's authorisation in 2021 and B's the following year": "B's" stands for B's
    authorisation, so B undergoes the verb too."""
    return [m for m in later if m.start >= group[-1].end and m not in group
            and _AND_BEFORE.search(folded, max(0, m.start - 12), m.start) is not None
            and _GAPPED_POSSESSIVE.match(folded, m.end) is not None]


def _gapped_partner(before: list[Mention], group: list[Mention],
                    folded: str) -> list[Mention]:
    """"revoked A's licence in 2021 and B's the following year, citing ...": B's gapped
    possessive shares its verb with A's, so what follows is said of both."""
    first = before.index(group[0])
    if first == 0 or not _gapped_companions([before[first - 1]], group[:1], folded):
        return group
    partner = before[first - 1]
    return [partner] + group if folded.startswith("'", partner.end) else group


def _explain(group: list[Mention], where: str, size: int, allegation: bool) -> str:
    role = {"before": "subject", "after": "object", "inside": "topic", "fronted": "topic",
            "speaker": "speaker", "participle": "object"}[where]
    named = ", ".join(f"'{m.surface}'" for m in group)
    text = f"{named} is the {role} of the matched words in their clause"
    if size > 1:
        text = f"{named} are listed together as the {role} of the matched words"
    details = [m.detail for m in group if m.kind != "name"]
    if details:
        text += "; " + "; ".join(details)
    if allegation:
        text += "; the source reports it as an allegation"
    return text + "."
