"""Split an article body into sentences, keeping exact character offsets into the file.

A purpose-built splitter rather than a library: evidence quotes must be exact slices of the
file, headlines and boilerplate lines have no final full stop, and news text is full of
abbreviations ("U.S.", "Mr", "Co., Ltd.") that must not end a sentence. Lines are never joined:
a line break ends a sentence, since scraped articles put headlines, captions and paragraphs on
their own lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

ABBREVIATIONS = frozenset("""
mr mrs ms dr prof st no nos co corp inc ltd plc llc jr sr gen sen rep gov lt col capt sgt
vs etc fig jan feb mar apr jun jul aug sep sept oct nov dec dept univ ave approx est
""".split())

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital,
# digit or opening quote.
_BOUNDARY = regex.compile(r"""[.!?]+['"’”)\]]*(?=\s+['"‘“(\[]?[\p{Lu}\p{N}])""")
# Searched backwards from the full stop, so the cost is the word's length, not the sentence's.
_WORD_BEFORE = regex.compile(r"(?r)([\p{L}.]+)$")
_LINE = regex.compile(r"[^\n]+")
# "Related stories", "MOST READ", "Read more:": a heading over links to other articles. The
# lines under it, up to the next blank line, are those articles' headlines, not this one's text.
_LINKS_HEADING = regex.compile(
    r"\s*(?:related|more\s+(?:on|from|about|in)|most\s+(?:read|popular|viewed|shared)|"
    r"read\s+more|see\s+also|also\s+read|you\s+may\s+also\s+like|"
    r"further\s+reading)\b[^.!?\n]{0,40}", regex.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str, start: int = 0) -> Iterator[Sentence]:
    """Yield the sentences of ``text[start:]``, stripped of surrounding whitespace, leaving out
    the headlines listed under a heading of links to other articles."""
    in_links = False
    previous_end = start
    for line in _LINE.finditer(text, start):
        blank_before = text.count("\n", previous_end, line.start()) > 1
        previous_end = line.end()
        if not line.group().strip():
            in_links = False
            continue
        if _LINKS_HEADING.fullmatch(text, line.start(), line.end()) is not None:
            in_links = True
            continue
        in_links = in_links and not blank_before
        if not in_links:
            yield from _split_line(text, line.start(), line.end())


def _split_line(text: str, start: int, end: int) -> Iterator[Sentence]:
    cursor = start
    for boundary in _BOUNDARY.finditer(text, start, end):
        if _is_abbreviation(text, cursor, boundary.start()):
            continue
        yield from _trimmed(text, cursor, boundary.end())
        cursor = boundary.end()
    yield from _trimmed(text, cursor, end)


def _is_abbreviation(text: str, cursor: int, stop: int) -> bool:
    if text[stop] != ".":
        return False
    word = _WORD_BEFORE.search(text, cursor, stop)
    if word is None:
        return False
    if word.start() > cursor and text[word.start() - 1].isalnum():
        return False        # "the 1990s.", "mid-2010s.": a word after digits is no initial
    token = word.group(1).lower()
    if token.rstrip(".") in ABBREVIATIONS:
        return True
    # Initials and dotted acronyms: "J.", "U.S.", "U.K."
    return len(token) == 1 or (token.count(".") >= 1 and all(len(p) <= 1 for p in token.split(".")))


def _trimmed(text: str, start: int, end: int) -> Iterator[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield Sentence(start, end, text[start:end])
