"""References: what "the company", "the Chinese camera maker", "it" and "the two firms" point to.

News text names a vendor once and then refers back to it. A claim made with a reference counts for
the company the reference points to, so each reference becomes a Mention with that company's id.
The resolution is deliberately simple and explainable (every resolved reference says what it
refers back to), and it errs towards *not* resolving: an unresolved reference still counts as a
company in its clause, so it stops the claim from sliding onto a vendor merely named nearby.

- "it"/"its": the nearest company or public body before it in the sentence; otherwise, when it
  stands among the first words of its sentence, the first one named in the latest sentence that
  named any ("whatever its country of origin" deep in a sentence refers to no company). A body ("the committee said it ...") is not a
  company, so "it" then refers to no company at all.
- "the company", "the Hangzhou-based firm": the first company named before it in the sentence;
  otherwise the first company of the latest sentence that named one. A blocked modifier ("the
  rival firm", "another company") makes it a different, unknown company.
- "the cameras", "the devices": the products of the company "the company" would mean, when it
  was named in the same or the previous sentence; otherwise nothing (cameras in general).
- "the two companies", "both firms": of the companies named together in the last few sentences,
  the list whose members the article has named most (ties: the latest), never a list longer than
  the reference says. "they"/"their"/"both" only for a list in the same or the previous sentence.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import regex

from .lexicon import Lexicon, alternation
from .mentions import Coverage, Mention, Span
from .sentences import Sentence

# "it was among a group of companies", "it is one of the firms": a predicate making "it" a company.
_COMPANY_PREDICATE = regex.compile(
    r"\s+(?:is|was|had\s+been|has\s+been|were)\s+(?:\w+\s+)?(?:among|one\s+of)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:companies|firms|makers|vendors|suppliers|manufacturers|developers|entities|businesses)\b")
# How far back (in sentences) a reference may look for what it refers to.
LOOKBACK_SENTENCES = 8
LIST_LOOKBACK = 6
PRONOUN_REACH = 8      # "it" this early in a sentence may point back to an earlier sentence
DESCRIPTION_WORDS = 4  # "its chip design unit HiSilicon"
ANNOUNCED = 1000       # outweighs any count of mentions


@dataclass(frozen=True)
class _Entity:
    """A company (ids) or a public body (ids is None) in reading order."""

    start: int
    end: int
    ids: frozenset[str] | None
    surface: str
    contrasted: bool
    aside_end: int | None = None        # where the aside holding this entity closes, if any
    plural: bool = False                # "both companies", "they": never what "the company" means
    appositive: bool = False            # named in an apposition (", a vice president at its parent X,")


class _Companies:
    """The document's company mentions in reading order, with the lookups resolution needs."""

    def __init__(self, mentions: list[Mention]):
        self.mentions = mentions
        self._starts = [m.start for m in mentions]
        self._covered = Coverage((m.start, m.end) for m in mentions)

    def starting_in(self, start: int, end: int) -> list[Mention]:
        """The mentions that start in ``[start, end)``."""
        return self.mentions[bisect_left(self._starts, start):bisect_left(self._starts, end)]

    def overlap(self, start: int, end: int) -> bool:
        return self._covered.overlaps(start, end)

    def first_from(self, position: int) -> Mention | None:
        """The first mention starting at or after ``position``."""
        index = bisect_left(self._starts, position)
        return self.mentions[index] if index < len(self.mentions) else None


def resolve_references(text: str, folded: str, sentences: list[Sentence],
                       companies: list[Mention], bodies: list[Span], lexicon: Lexicon,
                       countries: dict[str, str]) -> list[Mention]:
    """Every company reference in the document, resolved where the text allows.

    ``companies`` and ``bodies`` are in reading order (sorted by start). ``countries`` maps vendor
    ids to ISO codes: "the Chinese radio maker" skips a US company.
    """
    resolved: list[Mention] = []
    history: list[list[_Entity]] = []
    named: dict[str, int] = {}            # how often each company has been named so far
    read: list[Sentence] = []             # the sentences read so far
    known = _Companies(companies)
    body_starts = [b.start for b in bodies]
    for index, sentence in enumerate(sentences):
        here = known.starting_in(sentence.start, sentence.end)
        for mention in here:
            for vendor_id in mention.vendor_ids:
                named[vendor_id] = named.get(vendor_id, 0) + 1
        # Overlapping: "- The X representative, a vice president at its parent Y, says": the
        # comma that closes one aside opens the next.
        asides = [a.span() for a in lexicon.parenthetical.finditer(
            folded, sentence.start, sentence.end, overlapped=True)] if here else []
        entities = [_Entity(m.start, m.end, m.vendor_ids, m.surface,
                            lexicon.is_contrasted(folded, m.start),
                            next((e for s, e in asides if s <= m.start and m.end <= e), None),
                            appositive=any(s <= m.start and m.end <= e
                                           and _APPOSITION.match(folded, s) is not None
                                           for s, e in asides))
                    for m in here]
        entities += [_Entity(b.start, b.end, None, folded[b.start:b.end], False)
                     for b in bodies[bisect_left(body_starts, sentence.start):
                                     bisect_left(body_starts, sentence.end)]]
        entities.sort(key=lambda e: e.start)
        if not here:
            for mention in _introduced(text, folded, sentence, sentences[index + 1:index + 2],
                                       known, lexicon):
                resolved.append(mention)
                entities.append(_Entity(mention.start, mention.end, mention.vendor_ids,
                                        mention.surface, False))
        for start, end, kind, blocked, country in _references(folded, sentence, known, lexicon):
            surface = text[start:end]
            fits = _fits(country, countries)
            if blocked:
                mention = Mention(start, end, frozenset({"~other"}), "reference", surface,
                                  f"'{surface}' names a different company")
            elif kind == "counted":
                mention = _numbered_group(text, start, end, entities, history, known,
                                          sentences[index + 1:index + 2], fits, introducing=True)
            else:
                mention = _resolve(text, folded, start, end, kind, entities, history, fits, named,
                                   read, lexicon, sentence.start)
                if kind == "plural" and mention is not None and not mention.vendor_ids:
                    mention = _numbered_group(text, start, end, entities, history, known,
                                              sentences[index + 1:index + 2], fits) or mention
            if mention is not None:
                resolved.append(mention)
                entities.append(_Entity(start, end, mention.vendor_ids, surface, False,
                                        plural=kind in ("plural", "plural_pronoun", "counted")))
            elif kind == "pronoun" and _antecedent(entities, history, start, False, fits)[1]:
                # "It" standing for a body keeps that body in focus for the next sentence.
                entities.append(_Entity(start, end, None, surface, False))
            entities.sort(key=lambda e: e.start)
        history.append(entities)
        read.append(sentence)
    return resolved


# ", a vice president at its parent X,": an aside that describes the noun before it.
_APPOSITION = regex.compile(r"(?:,|\s-)\s*(?:a|an|the|its|their|his|her|one|[\w-]+'s)\b")


# "New York", "Second Street": capitalised words that run on into a proper name.
_PROPER_NAME = regex.compile(r"\p{Lu}[\p{L}\p{N}'-]*(?:\s+\p{Lu}[\p{L}\p{N}'-]*)+")


# "Business and Trade Committee", "Enterprise Agency": a capitalised noun running on into a name.
_IN_PROPER_NAME = regex.compile(r"(?:\s+(?:and|of|&|for)\s+|\s+)\p{Lu}")


def _common_words(sentence: Sentence, start: int, end: int) -> set[str]:
    """The words of a description, leaving out those of a proper name in it: in "the New York
    start-up", "New" is no "new" (a new company)."""
    offset = sentence.start
    original = sentence.text[start - offset:end - offset]
    names = {w.lower() for name in _PROPER_NAME.finditer(original) for w in name.group().split()}
    return {w for w in original.lower().split() if w not in names}


@lru_cache(maxsize=4)
def _description_patterns(nouns: tuple[str, ...]) -> tuple[regex.Pattern, regex.Pattern]:
    """"a small Chinese surveillance company" and "The company, " opening a sentence."""
    noun = f"(?:{alternation(list(nouns))})"
    indefinite = regex.compile(rf"\b(?:a|an)\s+((?:[\w'-]+\s+){{0,3}}?){noun}\b")
    apposition = regex.compile(rf"\s*(?:the|this)\s+(?:[\w'-]+\s+){{0,3}}?{noun}\s*,\s*")
    return indefinite, apposition


@lru_cache(maxsize=4)
def _counted_pattern(nouns: tuple[str, ...]) -> regex.Pattern:
    """"three Chinese artificial-intelligence companies": a number with no article before it."""
    noun = f"(?:{alternation(list(nouns))})"
    number = "(?:" + "|".join(word for word, value in _COUNTS.items() if value >= 3) + r"|\d+)"
    return regex.compile(rf"(?<!\b(?:the|these|those|all|of|both|top|first|last)\s+)\b{number}\s+"
                         rf"((?:(?!other\b|more\b)[\w'-]+\s+){{0,3}}?){noun}\b")


def _introduced(text: str, folded: str, sentence: Sentence, following: list[Sentence],
                known: _Companies, lexicon: Lexicon) -> list[Mention]:
    """"A small Chinese surveillance company has filed patents ... The company, Shenzhen X Co.,
    describes ...": a sentence naming no company introduces one the next sentence names in
    apposition, so its description is that company."""
    if not following:
        return []
    indefinite, apposition = _description_patterns(tuple(lexicon.body.references.company_nouns))
    opening = apposition.match(folded, following[0].start, following[0].end)
    named = known.first_from(opening.end()) if opening is not None else None
    if named is None or named.start != opening.end():
        return []
    for description in indefinite.finditer(folded, sentence.start, sentence.end):
        if set(description.group(1).split()) & lexicon.blocked_modifiers:
            continue
        surface = text[description.start():description.end()]
        return [Mention(description.start(), description.end(), named.vendor_ids, "reference",
                        surface, f"'{surface}' is named in the next sentence as '{named.surface}'")]
    return []


def _references(folded: str, sentence: Sentence, companies: _Companies,
                lexicon: Lexicon) -> list[tuple[int, int, str, bool, str | None]]:
    """(start, end, kind, blocked, country) of every reference in the sentence, in order."""
    found = []
    words = lexicon.reference_words.words_in(folded, sentence.start, sentence.end)
    for match in lexicon.singular_reference.finditer(folded, sentence.start, sentence.end, words):
        modifiers = _common_words(sentence, match.start(1), match.end(1))
        if companies.overlap(match.start(), match.end() + 2):
            continue            # "the Chinese firm Hikvision": the name itself is the mention
        if _IN_PROPER_NAME.match(sentence.text, match.end(2) - sentence.start) and \
                sentence.text[match.start(2) - sentence.start].isupper():
            continue            # "the Business and Trade Committee": a name, not a reference
        original = sentence.text[match.start(1) - sentence.start:match.end(2) - sentence.start]
        if match.group(1) and all(word[:1].isupper() for word in original.split()):
            continue            # "the International Labour Organization": a name
        found.append((match.start(), match.end(), "singular",
                      bool(modifiers & lexicon.blocked_modifiers), lexicon.country_of(match.group(1))))
    for match in lexicon.plural_reference.finditer(folded, sentence.start, sentence.end, words):
        # "the Chinese vendors" names a country just as "the Chinese vendor" does.
        start = match.start()
        both = _BOTH.search(folded, match.start(1), match.end(1))
        if both is not None:
            start = both.start()    # "the department said both companies": "both companies"
        found.append((start, match.end(), "plural", False,
                      lexicon.country_of(folded[both.end() if both else match.start(1):match.end(1)])))
    counted = _counted_pattern(tuple(lexicon.body.references.company_plural_nouns))
    for match in counted.finditer(folded, sentence.start, sentence.end):
        # "added three Chinese AI companies to its list": new companies, named next if at all.
        found.append((match.start(), match.end(), "counted", False,
                      lexicon.country_of(match.group(1))))
    for match in lexicon.product_reference.finditer(folded, sentence.start, sentence.end, words):
        found.append((match.start(), match.end(), "product", False, None))
    for match in lexicon.pronoun.finditer(folded, sentence.start, sentence.end, words):
        if match.group() == "it" and lexicon.dummy_it.match(folded, match.start(), sentence.end):
            continue
        if match.group() == "its" and _describes_name(folded, match.end(), companies):
            continue            # "its chip unit HiSilicon": the name is the mention
        found.append((match.start(), match.end(), "pronoun", False, None))
    for match in lexicon.plural_pronoun.finditer(folded, sentence.start, sentence.end, words):
        found.append((match.start(), match.end(), "plural_pronoun", False, None))
    return sorted(found)


def _numbered_group(text: str, start: int, end: int, entities: list[_Entity],
                    history: list[list[_Entity]], known: _Companies, following: list[Sentence],
                    fits, introducing: bool = False) -> Mention | None:
    """A reference stating its number ("all three operators", "the three big carriers") with no
    list of them: the companies named one by one in the latest sentences, when all the companies
    named there are exactly that many; else (the reference introducing them, as "three Chinese
    firms" always does) the companies the rest of its sentence and the next one name, when
    exactly that many. Number agreement is what makes the reading safe: any other count leaves
    the reference unresolved."""
    wanted = _count(text[start:end].lower())
    if wanted is None or wanted < 3:
        return None             # "both", "the two": too often a pair with an unknown member
    ids: frozenset[str] = frozenset()
    for group in [] if introducing else [[e for e in entities if e.start < start],
                                         *reversed(history[-LOOKBACK_SENTENCES:])]:
        companies = [e for e in group if e.ids and not e.contrasted]
        if not all(fits(e) and not _listed_with_unknown(text, e, known) for e in companies):
            return None
        ids = ids.union(*(e.ids for e in companies))
    how = "the companies named one by one just before"
    if len(ids) != wanted:
        stop = following[0].end if following else end
        named = known.starting_in(end, stop)
        ids = frozenset().union(*(m.vendor_ids for m in named))
        how = "the companies named right after it"
        if any(not fits(_Entity(m.start, m.end, m.vendor_ids, m.surface, False))
               or _listed_with_unknown(text, m, known) for m in named):
            return None
    if len(ids) != wanted:
        return None
    surface = text[start:end]
    return Mention(start, end, ids, "reference", surface,
                   f"'{surface}' refers to {how}, {wanted} as it says")


_LISTED_AFTER = regex.compile(r"\s*(?:,|\band\b|\bor\b)\s*(?=\p{Lu})")
_LISTED_BEFORE = regex.compile(r"\p{Lu}[\w.&-]*\s*(?:,|\band|\bor)\s*$")


def _listed_with_unknown(text: str, entity, known: _Companies) -> bool:
    """"sold by Sony and Panasonic" when Panasonic is no known company: the list holds a member
    the count would miss, so counting the named companies would pick the wrong ones."""
    after = _LISTED_AFTER.match(text, entity.end)
    if after is not None and not known.starting_in(after.end(), after.end() + 1):
        return True
    before = _LISTED_BEFORE.search(text, max(0, entity.start - 40), entity.start)
    return before is not None and not known.overlap(before.start(), before.start() + 1)


# "Sony and Panasonic" standing alone: a known company paired with one capitalised name.
_PAIR_AFTER = regex.compile(r"\s+(?:and|&)\s+\p{Lu}[\w&.-]*(?:\s+\p{Lu}[\w&.-]*)?(?=[\s.;:!?)]|$)"
                            r"(?!\s*(?:,|and\b|or\b|&))")
_PAIR_BEFORE = regex.compile(r"(?<![,&]\s*|\b(?:and|or)\s+)\b\p{Lu}[\w&.-]*\s+(?:and|&)\s+$")


def _paired_with_unknown(text: str, entity: _Entity, group: list[_Entity]) -> bool:
    """"sold by Sony and Panasonic" when Panasonic is no known company or body: a pair of which
    the entity is the one known member (not a longer list, where "both" would be ambiguous)."""
    if not text:
        return False
    after = _PAIR_AFTER.match(text, entity.end)
    if after is not None and not text[max(0, entity.start - 2):entity.start].strip().endswith(","):
        other = (after.start(), after.end())
    else:
        before = _PAIR_BEFORE.search(text, max(0, entity.start - 40), entity.start)
        if before is None or _PAIR_AFTER.match(text, entity.end):
            return False
        other = (before.start(), entity.start)
    return not any(other[0] <= e.start < other[1] for e in group if e is not entity)


def _fits(country: str | None, countries: dict[str, str]):
    """A test for entities a description can refer to: none from another known country."""
    def test(entity: _Entity) -> bool:
        if country is None or entity.ids is None:
            return True
        known = {countries[i] for i in entity.ids if i in countries}
        return not known or country in known
    return test


def _resolve(text: str, folded: str, start: int, end: int, kind: str, entities: list[_Entity],
             history: list[list[_Entity]], fits, named: dict[str, int],
             read: list[Sentence], lexicon: Lexicon, sentence_start: int) -> Mention | None:
    surface = text[start:end]
    lists = _ListContext(folded, lexicon, named, read, text)
    if kind == "plural":
        ids, antecedent = _salient_list(entities, history, start, _count(surface.lower()), lists,
                                        fits)
    elif kind == "product":
        ids, antecedent = _antecedent(entities, history[-1:], start, True, fits)
        if antecedent is None:
            return None         # "the cameras" with no company just before: cameras in general
    elif kind == "plural_pronoun":
        if _plural_body_before(entities, start):
            return None         # "urged governments to keep them out of their networks"
        if _people_before(folded, entities, sentence_start, start):
            return None         # "explain to a customer why their meter ...": people
        # "For X and Y, the ban applies to all their gear": a list in the pronoun's own sentence
        # is nearer than any list before it, however often that one was named.
        ids, antecedent = _salient_list(entities, [], start, None, lists, fits)
        if antecedent is None:
            ids, antecedent = _salient_list(entities, history[-1:], start, None, lists, fits)
        if antecedent is None:
            return None         # "they" with no list nearby: people, cameras ...
    elif kind in ("pronoun", "singular") and (
            speaker := _unknown_speaker(text, entities, sentence_start, start,
                                        kind == "singular")):
        # "Microsoft said it ...", "a RoboSense representative said the company ...": "it" is
        # the speaker, a company the registry does not know;
        # "Kestrel said it ..." after "Kestrel Biometrics" is that company, by a short form.
        short = _short_form_of(speaker, history)
        if short is not None:
            return Mention(start, end, short.ids, "reference", surface,
                           f"'{surface}' refers back to '{speaker}', short for '{short.surface}'")
        return Mention(start, end, frozenset(), "reference", surface,
                       f"'{surface}' refers back to '{speaker}', a name not in the registry")
    else:
        early = (kind == "singular" or len(text[sentence_start:start].split()) < PRONOUN_REACH
                 and not _quote_opened_in(folded, sentence_start, start))
        subject = _subject_of_verb(folded, entities, start, lexicon) if kind == "pronoun" else None
        if subject is not None:
            # "the Treasury placed it on a list": "it" is the object, so not the verb's subject
            entities = [e for e in entities if e is not subject and e.ids is not None]
        # "Washington said it was among a group of companies": "it" is said to be a company.
        a_company = kind == "pronoun" and _COMPANY_PREDICATE.match(folded, end) is not None
        ids, antecedent = _antecedent(entities, history, start, kind == "singular" or a_company,
                                      fits, early)
    if antecedent is None:
        if kind == "pronoun":
            return None         # "it" with nothing to refer to: not a company at all
        return Mention(start, end, frozenset(), "reference", surface,
                       f"'{surface}' could not be resolved to a company")
    if ids is None:
        return None             # refers to a public body
    line = text.count("\n", 0, antecedent.start) + 1
    return Mention(start, end, ids, "reference", surface,
                   f"'{surface}' refers back to '{antecedent.surface}' (line {line})")


def _quote_opened_in(folded: str, sentence_start: int, position: int) -> bool:
    """Whether ``position`` stands in a quotation that opened in its own sentence. ""Calling it a
    backdoor misses the point," she said": "it" is what the speaker talks about, not a company
    named in the narration before the quotation."""
    line_start = folded.rfind("\n", 0, position) + 1
    opened = folded.rfind('"', line_start, position)
    return opened >= sentence_start and folded.count('"', line_start, position) % 2 == 1


def _plural_body_before(entities: list[_Entity], position: int) -> bool:
    """Whether the nearest thing named before a plural pronoun in its sentence is a public body
    in the plural ("governments", "regulators"): "they" and "their" are then those bodies."""
    before = [e for e in entities if e.start < position]
    if not before or before[-1].ids is not None:
        return False
    return before[-1].surface.rstrip().lower().endswith("s")


# People a "they" or "their" may stand for ("a customer ... their meter").
_PEOPLE = regex.compile(
    r"\b(?:customers?|users?|consumers?|people|persons?|someone|anyone|everyone|nobody|residents?|"
    r"citizens?|owners?|homeowners?|householders?|patients?|parents?|children|employees?|workers?|"
    r"staff|drivers?|subscribers?|clients?|members?|voters?|viewers?|listeners?|readers?|"
    r"travell?ers?|passengers?|individuals?|families|students?|journalists?|victims?|"
    r"engineers?|technicians?|installers?)\b")


def _people_before(folded: str, entities: list[_Entity], sentence_start: int,
                   position: int) -> bool:
    """Whether people are named between a plural pronoun and the last company or body before
    it in its sentence: "they" and "their" then stand for those people."""
    named = [e.end for e in entities if e.end <= position and e.start >= sentence_start]
    return _PEOPLE.search(folded, max(named, default=sentence_start), position) is not None


# "Microsoft said it", "Acme Robotics announced that its": a capitalised speaker right before
# the pronoun. Personal pronouns are capitalised too at the start of a sentence.
_SPEAKER = regex.compile(r"\b(?:(?:A|An|The)\s+)?(\p{Lu}[\w&.-]*(?:\s+\p{Lu}[\w&.-]*){0,3})"
                         r"(?:'s?)?(\s+(?:spokes(?:wo)?man|spokesperson|representative|executive|"
                         r"lawyer|(?:general\s+)?counsel))?\s+(?:said|says|told\s+\w+|"
                         r"announced|confirmed|added|stated|insisted|maintained)\s+(?:that\s+)?$")
_PERSONAL = frozenset({"he", "she", "they", "we", "i", "you", "it", "this", "that", "there"})


def _unknown_speaker(text: str, entities: list[_Entity], sentence_start: int,
                     position: int, for_whom: bool = False) -> str | None:
    """The name of an unknown company that says something about "it" (itself), if one does;
    with ``for_whom``, only one a representative speaks for ("a RoboSense spokesman said the
    company"), since a person named before "said the company" speaks of some other company.

    Without this, "it" in "Microsoft said it had blocked ..." would slide to a company of an
    earlier sentence. A known company or body named before it in the sentence is found anyway,
    and may be whom a person speaks for.
    """
    found = _SPEAKER.search(text, max(sentence_start, position - 80), position)
    if found is None or found.group(1).lower() in _PERSONAL or (for_whom and not found.group(2)):
        return None
    if any(e.start < found.end(1) for e in entities):
        return None         # "Huawei founder Ren Zhengfei said it": the company named first
    return found.group(1)


# "placed it on", "accusing it of": "it" as a verb's object, before a preposition.
_OBJECT_IT = regex.compile(r"it\s+(?:on|onto|to|from|in|into|of|as|for|with|off|under|over|at)\b")
# Between a subject and that "it": a single verb, perhaps with auxiliaries ("had quietly banned").
_ONE_VERB = regex.compile(r"\s+(?:(?:has|have|had|was|were|will|would|also|then|later|\w+ly)\s+)*"
                          r"(?:[a-z-]+\s+(?:further\s+)?and\s+)?[a-z-]+\s+")


def _subject_of_verb(folded: str, entities: list[_Entity], position: int,
                     lexicon: Lexicon) -> _Entity | None:
    """The entity whose verb has this "it" as object ("the Treasury placed it on a list"): "it"
    is then someone else (the subject would say "itself"). Not after a reporting verb: in
    "the ministry said it would", "it" is the ministry."""
    if not _OBJECT_IT.match(folded, position):
        return None
    before = [e for e in entities if e.end <= position]
    if not before:
        return None
    subject = max(before, key=lambda e: e.end)
    if _ONE_VERB.fullmatch(folded, subject.end, position) is None:
        return None
    if lexicon.reporting_verbs.search(folded, subject.end, position) is not None:
        return None
    return subject


def _short_form_of(speaker: str, history: list[list[_Entity]]) -> _Entity | None:
    """The one company named earlier whose name starts with ``speaker`` ("Kestrel" for "Kestrel
    Biometrics"); None when there is none, or several different ones."""
    key = speaker.lower() + " "
    found = {e.ids: e for earlier in history for e in earlier
             if e.ids and not e.plural and (e.surface.lower() + " ").startswith(key)}
    return next(iter(found.values())) if len(found) == 1 else None


_COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10}


def _plural_body(surface: str) -> bool:
    word = surface.split()[-1] if surface.split() else ""
    return word.endswith("s") and word not in ("us", "u.s.", "congress", "commons", "its")


def _describes_name(folded: str, end: int, companies: _Companies) -> bool:
    """True when a company name follows within a few words, with no punctuation between."""
    following = companies.first_from(end)
    if following is None:
        return False
    gap = folded[end:following.start]
    return len(gap.split()) <= DESCRIPTION_WORDS and not any(c in gap for c in ",;:.()\"")


def _coordinated(group: list[_Entity], folded: str, lexicon: Lexicon) -> list[list[_Entity]]:
    """Runs of companies joined into lists ("X, Y and Z") among a sentence's entities."""
    runs: list[list[_Entity]] = []
    for entity in group:
        if entity.ids is None or entity.contrasted:
            continue
        if runs and (lexicon.joins_list(folded, runs[-1][-1].end, entity.start)
                     or _companion_of(folded, runs[-1][-1].end, entity.start, lexicon)):
            runs[-1].append(entity)
        else:
            runs.append([entity])
    return runs


_BOTH = regex.compile(r"\bboth\b")
_FELLOW = regex.compile(r"\b(?:fellow|rival|firms?|company|companies|makers?|vendors?|suppliers?|"
                        r"manufacturers?|developers?|providers?)\b")


def _companion_of(folded: str, end: int, start: int, lexicon: Lexicon) -> bool:
    """"X was listed in 2021, along with fellow firm Y": Y, described as a company of the same
    kind, shares X's fate, so "both companies" later are the two. Not "X's products, together
    with Y": no word says Y is a company like X."""
    return (lexicon.joins_subject(folded, start)
            and _FELLOW.search(folded, max(end, start - 40), start) is not None
            and not any(mark in folded[end:start] for mark in ";:()\""))


def _count(reference: str) -> int | None:
    """The number a plural reference states: "the two companies" -> 2; None when it states none."""
    for word in reference.split():
        if word.isdigit():
            return int(word)
        if word in _COUNTS:
            return _COUNTS[word]
    return None


def _antecedent(entities: list[_Entity], history: list[list[_Entity]], position: int,
                companies_only: bool, fits,
                sentence_start: bool = True) -> tuple[frozenset[str] | None, _Entity | None]:
    """Within the sentence: the subject (first company) for "the company", the nearest entity for
    "it"; otherwise the focus (first entity) of the latest sentence that had one."""
    def suitable(entity: _Entity) -> bool:
        if entity.ids is None and (companies_only or _plural_body(entity.surface)):
            return False        # "officials said its ...": "its" is not the officials'
        return not entity.contrasted and fits(entity)

    # A company inside an aside that closed before the reference (", which makes X's chips,")
    # is not what a later "it" refers to.
    before = [e for e in entities if e.start < position and suitable(e)
              and not (e.aside_end is not None and e.aside_end <= position)]
    if before:
        chosen = before[0] if companies_only else before[-1]
        return _singular(chosen)
    if not sentence_start:
        return None, None       # "whatever its country of origin": an "it" deep in a sentence
    for earlier in reversed(history[-LOOKBACK_SENTENCES:]):
        # A company named only in an aside ("the X representative, a vice president at its
        # parent Y, says") is background there, not the focus a later sentence goes on with.
        candidates = [e for e in earlier if suitable(e) and not e.appositive]
        if candidates:
            return _singular(candidates[0])
    return None, None


def _singular(entity: _Entity) -> tuple[frozenset[str] | None, _Entity | None]:
    """"The report names both companies. ... the company": one of them, but the text does not say
    which, so a singular reference to a plural one stays unresolved."""
    return (None, None) if entity.plural else (entity.ids, entity)


@dataclass(frozen=True)
class _ListContext:
    """What choosing among lists needs: the text, the connectors, and what was said so far."""

    folded: str
    lexicon: Lexicon
    named: dict[str, int]
    read: list[Sentence]
    text: str = ""

    def counted(self, sentence: Sentence) -> int | None:
        """The first number word of a sentence read ("eight more firms" -> 8)."""
        return _count(self.folded[sentence.start:sentence.end])


def _salient_list(entities: list[_Entity], history: list[list[_Entity]], position: int,
                  wanted: int | None, context: _ListContext,
                  fits=lambda entity: True) -> tuple[frozenset[str] | None, _Entity | None]:
    """The list of companies a plural reference most likely means (see the module docstring).

    A sentence that announced the same number ("eight more firms, including X and Y") wins.

    A list may name fewer than the reference counts ("eight firms, including X and Y"), never
    more, and none of its members may be from a country other than the one the reference names
    ("the Chinese vendors" is never a list holding a Swedish company); when none fits, the reference stays unresolved: guessing wrong here would spread a
    claim over the wrong companies.
    """
    best: tuple[int, int, frozenset[str], _Entity] | None = None
    sentences = [[e for e in entities if e.start < position], *reversed(history[-LIST_LOOKBACK:])]
    earlier = [None, *reversed(context.read[-LIST_LOOKBACK:])]
    for recency, group in enumerate(sentences):
        announced = (wanted is not None and earlier[recency] is not None
                     and context.counted(earlier[recency]) == wanted)
        for members in _coordinated(group, context.folded, context.lexicon):
            ids = frozenset().union(*(e.ids for e in members))
            paired = (wanted in (None, 2) and len(members) == 1
                      and _paired_with_unknown(context.text, members[0], group))
            if (len(ids) < 2 and not paired) or (wanted is not None and len(ids) > wanted):
                continue
            if not all(fits(e) for e in members):
                continue
            salience = sum(context.named.get(i, 0) for i in ids) + (ANNOUNCED if announced else 0)
            if best is None or salience > best[0]:
                best = (salience, recency, ids, members[0])
    return (best[2], best[3]) if best else (None, None)
