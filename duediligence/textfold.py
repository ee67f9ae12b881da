"""Fold text for matching without moving a single character.

Matching happens on a folded copy of the text (lower case, accents stripped, typographic quotes,
dashes and spaces made plain), but evidence offsets must point into the original file. Folding
here maps every character to exactly one character, so an index into the folded text is the same
index into the original: no offset map is needed and ``text[start:end] == quote`` holds trivially.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_PUNCTUATION = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
    "\u00bb": '"', "\u2033": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u00a0": " ", "\u2007": " ", "\u202f": " ",
    "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ", "\t": " ", "\r": " ",
    "\u00ad": " ", "\u200b": " ", "\ufeff": " ",
}


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char in _PUNCTUATION:
        return _PUNCTUATION[char]
    lowered = char.lower()
    if len(lowered) != 1:          # e.g. 'İ' lowers to two code points: keep one
        lowered = lowered[0]
    if lowered.isascii():
        return lowered
    base = unicodedata.normalize("NFD", lowered)[0]
    return base if base.isascii() or not unicodedata.combining(base) else lowered


def fold(text: str) -> str:
    """Return ``text`` folded for matching; ``len(fold(text)) == len(text)`` always."""
    if text.isascii():
        return text.lower().replace("`", "'").replace("\t", " ").replace("\r", " ")
    return "".join(_fold_char(char) for char in text)
