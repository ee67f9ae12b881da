"""Rule matches: where a rule's patterns match in a sentence (the words a claim is made of).

A rule pattern is a regular expression written for people: it is matched against folded text
(lower case, plain quotes and dashes), a space matches any run of whitespace, ``{NAME}`` inserts a
lexicon macro, and a match must start and end on word boundaries. Patterns run on the ``regex``
engine with a time limit, so a pattern that backtracks badly on hostile text is cut off instead of
hanging the run.

Most sentences cannot match most patterns, and finding that out with the regex engine is the
costliest step of a check. So each pattern is read once for the words any match of it must
contain (as RE2's prefilter does: "covered list" needs "covered"; "(?:banned|barred) from" needs
one of "banned", "barred"); one Aho-Corasick pass over a sentence finds which of those words it
holds, and only the patterns that can match are run. A pattern usually needs several such words
("added to the entity list" needs "added" and "entity"): in ASCII text, where comparing lower-case
words is exact, a pattern runs only when the sentence holds all of them.
"""

from __future__ import annotations

import re._parser as sre_parse
from collections.abc import Iterable, Set
from functools import lru_cache
from dataclasses import dataclass

import ahocorasick
import regex

from .errors import DueDiligenceError
from .ruleset import LoadedRule, Rule

# Seconds one pattern may spend on one sentence before the match is abandoned.
MATCH_TIMEOUT = 0.25
_MACRO = regex.compile(r"\{([A-Z][A-Z0-9_]*)\}")


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


# A required word shorter than this ("of", "on") would let nearly every sentence through.
MIN_TRIGGER = 3
# Further required words are only read from patterns the parser surely reads as the regex module
# does: no brace outside a repeat count ("\N{...}", fuzzy "(?:...){e<=1}"), and every literal
# printable ASCII without capitals ("\x41" is "A", which folded text never holds).
_UNSURE_BRACE = regex.compile(r"\{(?!\d*(?:,\d*)?\})")
_PLAIN_WORD = regex.compile(r"[ -@\[-z|~]+")


@dataclass(frozen=True)
class CompiledPattern:
    source: str
    regex: regex.Pattern
    vendor_side: str
    triggers: frozenset[str] | None     # one of these is in every match; None: always run
    also_needs: tuple[frozenset[str], ...] = ()   # and one of each of these


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    patterns: tuple[CompiledPattern, ...]


@dataclass(frozen=True)
class RuleMatch:
    """One place a rule matched: the matched words (the cue) and where the vendor should stand."""

    rule: Rule
    start: int
    end: int
    vendor_side: str


def expand(pattern: str, macros: dict[str, str]) -> str:
    """The pattern as the regex engine sees it: macros inserted, spaces made flexible."""
    def insert(match: regex.Match) -> str:
        name = match.group(1)
        if name not in macros:
            known = ", ".join(sorted(macros))
            raise PatternError(f"unknown macro {{{name}}}; known: {known}")
        return f"(?:{macros[name]})"

    expanded = _MACRO.sub(insert, pattern)
    return _flexible_spaces(expanded)


def _flexible_spaces(pattern: str) -> str:
    """Turn each literal space outside a character class into ``\\s+``."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "]":
            in_class = False
            out.append(char)
        elif char == " " and not in_class:
            if not (out and out[-1] == r"\s+"):
                out.append(r"\s+")
        else:
            out.append(char)
    return "".join(out)


def compile_pattern(pattern: str, macros: dict[str, str]) -> regex.Pattern:
    """Compile one rule pattern; raise PatternError with a readable reason."""
    try:
        body = expand(pattern, macros)
        compiled = regex.compile(rf"\b(?:{body})(?![\w])", regex.IGNORECASE)
    except regex.error as exc:
        raise PatternError(f"pattern does not compile: {exc}") from None
    if compiled.search("") is not None:
        raise PatternError("pattern matches empty text")
    return compiled


def compile_rules(rules: list[LoadedRule], macros: dict[str, str]) -> list[CompiledRule]:
    """Compile every pattern; a pattern that does not is reported where it is written."""
    compiled = []
    for loaded in rules:
        rule = loaded.rule
        patterns = []
        for index, entry in enumerate(rule.patterns):
            source, side = (entry, rule.vendor_side) if isinstance(entry, str) else (
                entry.regex, entry.vendor_side or rule.vendor_side)
            try:
                expanded = expand(source, macros)
                patterns.append(CompiledPattern(source, compile_pattern(source, macros), side,
                                                required_words(expanded),
                                                further_required_words(expanded)))
            except PatternError as exc:
                key = ("rules", loaded.index, "patterns", index)
                raise DueDiligenceError(str(exc),
                                        loaded.source.location(key, rule.id)) from None
        compiled.append(CompiledRule(rule, tuple(patterns)))
    return compiled


def required_words(pattern: str) -> frozenset[str] | None:
    """Words one of which every match of ``pattern`` contains, or None when none can be told."""
    words = _most_selective(_required_sets(pattern))
    return frozenset(words) if words and min(map(len, words)) >= MIN_TRIGGER else None


def further_required_words(pattern: str) -> tuple[frozenset[str], ...]:
    """Other sets of words than ``required_words`` gives, every match containing one of each."""
    sets = _required_sets(pattern)
    best = required_words(pattern)
    if (best is None or _UNSURE_BRACE.search(pattern)
            or not all(_PLAIN_WORD.fullmatch(w) for words in sets for w in words)):
        return ()
    further = {frozenset(words) for words in sets if min(map(len, words)) >= MIN_TRIGGER}
    return tuple(sorted(further - {best}, key=sorted))


@lru_cache(maxsize=4096)
def _required_sets(pattern: str) -> tuple[frozenset[str], ...]:
    """Remembered: both kinds of required words are asked of every pattern, and parsing is
    most of the time it takes to compile the rules."""
    try:
        parsed = sre_parse.parse(pattern.lower())
    except Exception:          # syntax only the regex module knows: no prefilter, always run
        return ()
    return tuple(frozenset(words) for words in _required(list(parsed)))


def _most_selective(sets: Iterable[Set[str]]) -> Set[str] | None:
    return max(sets, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _required(items: list) -> list[set[str]]:
    """Sets of literals such that every match of ``items`` contains one literal of each set."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, value in items:
        if op is sre_parse.LITERAL:
            run.append(chr(value))
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        if op is sre_parse.SUBPATTERN:
            candidates += _required(list(value[-1]))
        elif op is sre_parse.BRANCH:
            branches = [_most_selective(_required(list(branch))) for branch in value[1]]
            if all(branches):
                candidates.append(set().union(*branches))
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and value[0] >= 1:
            candidates += _required(list(value[2]))
        # classes, anchors, assertions, optional parts: nothing required
    if run:
        candidates.append({"".join(run)})
    return candidates


class RuleMatcher:
    """The compiled rules and the trigger words that tell which of them a sentence can match."""

    def __init__(self, rules: list[CompiledRule]):
        self.rules = rules
        self._always = [(c, p) for c in rules for p in c.patterns if p.triggers is None]
        self._by_word: dict[str, list[tuple[CompiledRule, CompiledPattern]]] = {}
        words: set[str] = set()
        for compiled in rules:
            for pattern in compiled.patterns:
                for word in pattern.triggers or ():
                    self._by_word.setdefault(word, []).append((compiled, pattern))
                words.update(*pattern.also_needs)
        self._automaton = ahocorasick.Automaton()
        for word in words | set(self._by_word):
            self._automaton.add_word(word, word)
        if self._by_word:
            self._automaton.make_automaton()

    def candidates(self, folded: str, start: int, end: int):
        """The (rule, pattern) pairs that can match in ``folded[start:end]``, in the order their
        trigger words first occur."""
        chosen = {id(p): (c, p) for c, p in self._always}
        if self._by_word:
            found = [word for _, word in self._automaton.iter(folded, start, end)]
            # Other characters may match a letter when case is ignored ("ſ" matches "s").
            present = set(found) if folded[start:end].isascii() else None
            for word in found:
                for compiled, pattern in self._by_word.get(word, ()):
                    if id(pattern) in chosen:
                        continue
                    if present is None or all(not present.isdisjoint(needed)
                                              for needed in pattern.also_needs):
                        chosen[id(pattern)] = (compiled, pattern)
        return chosen.values()

    def find(self, folded: str, start: int, end: int) -> list[RuleMatch]:
        """Every rule match in ``folded[start:end]``; one per rule and span, in text order."""
        found: dict[tuple[str, int, int], RuleMatch] = {}
        for compiled, pattern in self.candidates(folded, start, end):
            try:
                for match in pattern.regex.finditer(folded, start, end, timeout=MATCH_TIMEOUT):
                    key = (compiled.rule.id, match.start(), match.end())
                    found.setdefault(key, RuleMatch(compiled.rule, match.start(), match.end(),
                                                    pattern.vendor_side))
            except TimeoutError:
                continue
        return sorted(found.values(), key=lambda m: (m.start, m.end, m.rule.id))
