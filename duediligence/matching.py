"""Rule matches: where a rule's patterns match in a sentence (the words a claim is made of).

A rule pattern is a regular expression written for people: it is matched against folded text
(lower case, plain quotes and dashes), a space matches any run of whitespace, ``{NAME}`` inserts a
lexicon macro, and a match must start and end on word boundaries. Patterns run on the ``regex``
engine with a time limit, so a pattern that backtracks badly on hostile text is cut off instead of
hanging the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .errors import DueDiligenceError
from .ruleset import Rule

# Seconds one pattern may spend on one sentence before the match is abandoned.
MATCH_TIMEOUT = 0.25
_MACRO = regex.compile(r"\{([A-Z][A-Z0-9_]*)\}")


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


@dataclass(frozen=True)
class CompiledPattern:
    source: str
    regex: regex.Pattern
    vendor_side: str


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
        compiled = regex.compile(rf"(?<![\w])(?:{body})(?![\w])", regex.IGNORECASE)
    except regex.error as exc:
        raise PatternError(f"pattern does not compile: {exc}") from None
    if compiled.search("") is not None:
        raise PatternError("pattern matches empty text")
    return compiled


def compile_rules(rules: list[Rule], macros: dict[str, str]) -> list[CompiledRule]:
    compiled = []
    for rule in rules:
        patterns = []
        for entry in rule.patterns:
            source, side = (entry, rule.vendor_side) if isinstance(entry, str) else (
                entry.regex, entry.vendor_side or rule.vendor_side)
            try:
                patterns.append(CompiledPattern(source, compile_pattern(source, macros), side))
            except PatternError as exc:
                raise DueDiligenceError(f"rule {rule.id}: {exc}") from None
        compiled.append(CompiledRule(rule, tuple(patterns)))
    return compiled


def find_matches(rules: list[CompiledRule], folded: str, start: int, end: int) -> list[RuleMatch]:
    """Every rule match in ``folded[start:end]``; one per rule and span, in text order."""
    found: dict[tuple[str, int, int], RuleMatch] = {}
    for compiled in rules:
        for pattern in compiled.patterns:
            try:
                for match in pattern.regex.finditer(folded, start, end, timeout=MATCH_TIMEOUT):
                    key = (compiled.rule.id, match.start(), match.end())
                    found.setdefault(key, RuleMatch(compiled.rule, match.start(), match.end(),
                                                    pattern.vendor_side))
            except TimeoutError:
                continue
    return sorted(found.values(), key=lambda m: (m.start, m.end, m.rule.id))
