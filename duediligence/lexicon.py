"""The lexicon compiled: every word list and regex of ``lexicon.yaml`` turned into a matcher once.

Rules and the engine share these markers (negation, hypotheticals, clause breaks ...), so their
meaning is defined in one YAML file and compiled in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick
import regex

from .ruleset import LexiconBody, MarkersLexicon

FLAGS = regex.VERBOSE | regex.IGNORECASE
_NUMBERS = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|\w+\s+more)"

# "American competitor Skydio, which ...": "rival" or "competitor" opening a sentence is the
# title of the subject named next, not a point of comparison.
_TITLE_AT_START = regex.compile(
    r"(?:(?<=\A)|(?<=[.!?]['\")]*\s+)|(?<=\n\s*))(?:the\s+)?(?:(?!(?:from|its|his|her|their|with|"
    r"to|by|for|of|on|than|and|or)\b)[\w-]+\s+)?(?:rival|competitor)\s+$")


def alternation(words: list[str]) -> str:
    """An alternation of literal words, longest first so that "co ltd" wins over "co"."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


class Prefiltered:
    """A pattern every match of which contains one of a few words ("the company" needs "company").

    Most sentences hold none of the words, and finding that out with one Aho-Corasick pass (see
    ``WordFinder``) is far cheaper than running the pattern. A pattern with non-ASCII words always
    runs: case-insensitive matching may equate them with other characters.
    """

    def __init__(self, pattern: regex.Pattern, words: Iterable[str]):
        self.pattern = pattern
        lowered = frozenset(w.lower() for w in words)
        self.words = lowered if lowered and all(w and w.isascii() for w in lowered) else None

    def finditer(self, text: str, start: int, end: int,
                 present: frozenset[str] | None) -> Iterator[regex.Match]:
        """``pattern.finditer(text, start, end)``, skipped when the span cannot match: it holds
        only the words ``present`` (None: not known)."""
        if present is None or self.words is None or not self.words.isdisjoint(present):
            return self.pattern.finditer(text, start, end)
        return iter(())


class WordFinder:
    """Which of some lower-case ASCII words a span of folded text holds, in one pass."""

    def __init__(self, words: Iterable[str]):
        self._automaton = ahocorasick.Automaton()
        for word in set(words):
            self._automaton.add_word(word, word)
        if len(self._automaton):
            self._automaton.make_automaton()

    def words_in(self, text: str, start: int, end: int) -> frozenset[str] | None:
        """The words in ``text[start:end]``; None for a span with non-ASCII characters, which
        case-insensitive matching may read as letters ("\u017f" as "s")."""
        span = text[start:end]
        if not span.isascii():
            return None
        if not len(self._automaton):
            return frozenset()
        return frozenset(word for _, word in self._automaton.iter(span.lower()))


@dataclass(frozen=True)
class Lexicon:
    """Compiled matchers; all run on folded (lower-case) text unless stated."""

    body: LexiconBody
    negation: regex.Pattern
    negation_before: regex.Pattern
    hypothetical: regex.Pattern
    allegation: regex.Pattern
    clause_breaks: regex.Pattern
    reporting_verbs: regex.Pattern
    contrast: regex.Pattern
    other_party_possessive: regex.Pattern
    connectors: regex.Pattern
    companions: regex.Pattern
    parenthetical: regex.Pattern
    dummy_it: regex.Pattern
    singular_reference: Prefiltered
    plural_reference: Prefiltered
    product_reference: Prefiltered
    pronoun: Prefiltered
    plural_pronoun: Prefiltered
    reference_words: WordFinder             # the words the five reference patterns need
    blocked_modifiers: frozenset[str]
    places: dict[str, str]                  # description word -> ISO country code

    def country_of(self, modifiers: str) -> str | None:
        """The country a description's modifiers place a company in ("hangzhou-based" -> CN)."""
        words = [w.removesuffix("-based").removesuffix("-headquartered") for w in modifiers.split()]
        for size in (2, 1):
            for i in range(len(words) - size + 1):
                country = self.places.get(" ".join(words[i:i + size]))
                if country:
                    return country
        return None


    def is_contrasted(self, folded: str, start: int) -> bool:
        """True for a name introduced as a point of comparison: "unlike X", "rivals such as X"."""
        return (self.contrast.search(folded, max(0, start - 48), start) is not None
                and _TITLE_AT_START.search(folded, max(0, start - 60), start) is None)

    def names_other_party(self, folded: str, end: int) -> bool:
        """True for "X's rival" or "X's customers": the words after the name are someone else."""
        return self.other_party_possessive.match(folded, end, min(len(folded), end + 40)) is not None

    def joins_subject(self, folded: str, start: int) -> bool:
        """True for a company named as sharing the subject's fate: "..., alongside X"."""
        return self.companions.search(folded, max(0, start - 40), start) is not None

    def joins_list(self, folded: str, start: int, end: int) -> bool:
        """True when the text between two company names only joins them into a list."""
        return self.connectors.fullmatch(folded, start, end) is not None


def compile_lexicon(body: LexiconBody) -> Lexicon:
    refs, markers = body.references, body.markers
    modifiers = (rf"((?:(?!(?:the|a|an|this|that|these|those|either|neither|any|each|every|no)\b)"
                 rf"[\w'-]+\s+){{0,{refs.max_modifiers}}}?)")
    references = dict(
        singular_reference=Prefiltered(regex.compile(
            rf"\b(?:the|this)\s+{modifiers}({alternation(refs.company_nouns)})\b", FLAGS),
            refs.company_nouns),
        plural_reference=Prefiltered(regex.compile(
            rf"\b(?:(?:all\s+)?(?:the|these|those)(?:\s+{_NUMBERS})?|both|all\s+{_NUMBERS})\s+"
            rf"{modifiers}({alternation(refs.company_plural_nouns)})\b", FLAGS),
            refs.company_plural_nouns),
        product_reference=Prefiltered(regex.compile(
            rf"\b(?:the|these|those)\s+({alternation(refs.product_nouns)})\b(?!-)", FLAGS),
            refs.product_nouns),
        pronoun=Prefiltered(regex.compile(r"\b(?:it|its|itself)\b", FLAGS), ["it"]),
        plural_pronoun=Prefiltered(regex.compile(
            r"\b(?:they|their|them|themselves|both(?=\s+(?:have|has|had|are|were|was|of|remain|said)\b))\b",
            FLAGS), ["they", "their", "them", "both"]),
    )
    return Lexicon(
        body=body,
        **{name: regex.compile(getattr(markers, name), FLAGS)
           for name in MarkersLexicon.model_fields},
        dummy_it=regex.compile(refs.dummy_it, FLAGS),
        **references,
        reference_words=WordFinder(word for reference in references.values()
                                   for word in reference.words or ()),
        blocked_modifiers=frozenset(m.lower() for m in refs.blocked_modifiers),
        places={word.lower(): country for country, words in refs.nationalities.items()
                for word in words},
    )
