"""Vendor mentions: where a document names a company, and which company it is.

Three kinds of company mention are found, all in one pass over a document's folded text:

- names from the registry (and of the vendor being checked when it is not in the registry),
  with an Aho-Corasick automaton over every name, so the cost does not grow with the number of
  vendors;
- misspellings within a small edit distance of a long registry name ("Hiksvision");
- unknown companies, capitalised words ending in a legal form ("Brightwater Optics Ltd"): they are
  never the vendor, but a claim can be about them, so they must stop a claim from being
  attributed to a vendor merely named nearby.

Public bodies ("the Commission", "the Pentagon") are found too: never companies, but "it" can
refer to one. References ("the company", "it") are resolved in ``references.py``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import ahocorasick
import regex
from rapidfuzz.distance import OSA

from .registry import Vendor, VendorName, name_key
from .textfold import fold

MentionKind = Literal["name", "misspelling", "reference", "unknown_company"]

# Fuzzy matching stays away from short names, where one edit makes another word ("Dahu"); names
# of up to LONG_NAME letters allow one edit (a swap of two letters counts as one), longer two.
# Names of SWAP_MIN_LENGTH letters allow only two neighbouring letters swapped after the first
# ("Dahau"): the same letters in a slipped order rarely spell another word.
FUZZY_MIN_LENGTH = 6
SWAP_MIN_LENGTH = 5
LONG_NAME = 10
_CAPITALISED_WORD = regex.compile(r"\b\p{Lu}[\p{L}\p{N}]{4,}\b")
# "Autel Robotics" after the short form "Autel": capitalised words that carry the name on.
# Not a title-case heading's next word ("Autel To Face Ban").
_NAME_GOES_ON = regex.compile(
    r"(?:[ \t]+(?!(?:To|The|Of|On|In|At|And|Or|For|As|By|With|From|Is|Are|Was|Were|Has|Have|Says|"
    r"Said|Adds|Added|Gets|Faces|Wins|Loses|Over|After|Amid)\b)\p{Lu}[\p{L}\p{N}&-]+){1,3}")


@dataclass(frozen=True)
class Mention:
    """A span of the document that refers to a company.

    ``vendor_ids`` holds the registry ids it refers to: one for a name, several for a reference to
    a list ("the two companies"), an id starting with ``~`` for a company outside the registry,
    and none for a reference that could not be resolved (it still blocks attribution).
    """

    start: int
    end: int
    vendor_ids: frozenset[str]
    kind: MentionKind
    surface: str
    detail: str


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class Coverage:
    """The characters some spans cover, for telling in log time whether a span touches any."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            if self._ends and start <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` shares a character with one of the spans."""
        index = bisect_right(self._ends, start)
        return index < len(self._starts) and self._starts[index] < end


class NameIndex:
    """Every searchable name of a set of vendors, ready to be found in folded text."""

    def __init__(self, vendors: Iterable[Vendor], legal_suffixes: Iterable[str] = ()):
        self._automaton = ahocorasick.Automaton()
        forms = "|".join(regex.escape(" ".join(fold(s).split())).replace(r"\ ", r"\s*")
                         for s in sorted(set(legal_suffixes), key=len, reverse=True))
        # "Acme Vision Co., Ltd." is one mention, so that lists of such names join up.
        self._legal_tail = regex.compile(rf"(?:,?\s+(?:{forms}))+(?![\w])") if forms else None
        by_key: dict[str, list[tuple[str, VendorName]]] = {}
        self._shortened: set[str] = set()   # keys that are a typed name cut short ("autel")
        self._not_this: dict[str, list[str]] = {}     # vendor id -> phrases naming something else
        fuzzy: dict[str, tuple[str, VendorName]] = {}
        for vendor in vendors:
            for name in vendor.names:
                key = _search_key(name.text)
                if key:
                    by_key.setdefault(key, []).append((vendor.id, name))
                compact = name_key(name.text)
                if (len(compact) >= SWAP_MIN_LENGTH and " " not in compact
                        and name.kind in ("name", "alias", "legal_name")):
                    fuzzy.setdefault(compact, (vendor.id, name))
            for phrase in vendor.not_this_vendor:
                self._not_this.setdefault(vendor.id, []).append(_search_key(phrase))
        for key, entries in by_key.items():
            own = [e for e in entries if e[1].kind != "related"]
            # A brand listed under a parent that also has an entry of its own is that entry's name.
            chosen = own or entries
            how = " / ".join(sorted({f"{n.kind.replace('_', ' ')} '{n.text}'" for _, n in chosen}))
            self._automaton.add_word(key, (key, frozenset(vendor_id for vendor_id, _ in chosen), how))
            if all(n.kind == "derived" for _, n in chosen):
                self._shortened.add(key)
        self._automaton.make_automaton()
        self._exact_keys = {name_key(n.text) for entries in by_key.values() for _, n in entries}
        self._fuzzy = fuzzy
        self._fuzzy_keys = tuple(sorted(fuzzy))

    def find(self, text: str, folded: str) -> list[Mention]:
        """Registry names and their misspellings in a document, longest match first, no overlaps."""
        hits: list[tuple[int, int, frozenset[str], str]] = []
        if len(self._automaton):
            for last, (key, ids, how) in self._automaton.iter(folded):
                start, end = last - len(key) + 1, last + 1
                if _is_word(folded, start, end) and _not_lowercase_only(text[start:end]):
                    hits.append((start, end, ids, how))
        mentions = [Mention(s, e, ids, "name", text[s:e], f"matched the {how}")
                    for s, e, ids, how in self._with_legal_tail(_longest_first(hits), text, folded)]
        mentions = [m for m in mentions if not self._excluded(m, folded)]
        mentions = self._shared_short_forms(text, folded, mentions)
        mentions += self._misspellings(text, mentions)
        return sorted(mentions, key=lambda m: m.start)

    def _with_legal_tail(self, hits, text: str, folded: str):
        """Extend each name over a legal form that follows it ("... Co., Ltd."); legal forms are
        capitalised, so "Hikvision as a threat" keeps its "as"."""
        if self._legal_tail is None:
            return hits
        extended = []
        for start, end, ids, how in hits:
            tail = self._legal_tail.match(folded, end)
            capitalised = tail is not None and _not_lowercase_only(text[end:tail.end()])
            extended.append((start, tail.end() if capitalised else end, ids, how))
        return extended

    def _shared_short_forms(self, text: str, folded: str, mentions: list[Mention]) -> list[Mention]:
        """A name typed outside the registry is also searched cut short ("Autel Intelligent
        Technology" as "Autel"). When the text names another company that starts with that short
        form ("Autel Robotics"), that name is the other company's, and the short form alone stands
        for the company named in full nearest before it: for neither when none was."""
        if not self._shortened:
            return mentions
        others: list[Mention] = []
        shortened: list[Mention] = []
        replaced: dict[tuple[int, int], Mention] = {}
        for mention in mentions:
            if " ".join(folded[mention.start:mention.end].split()) not in self._shortened:
                continue
            longer = _NAME_GOES_ON.match(text, mention.end)
            if longer is None:
                shortened.append(mention)
                continue
            surface = text[mention.start:longer.end()]
            other = Mention(mention.start, longer.end(), frozenset({"~" + name_key(surface)}),
                            "unknown_company", surface,
                            f"'{surface}' names another company that starts with "
                            f"'{mention.surface}'")
            others.append(replaced.setdefault((mention.start, mention.end), other))
        if not others:
            return mentions
        full = [m for m in mentions if (m.start, m.end) not in replaced
                and not any(m is s for s in shortened)] + others
        for mention in shortened:
            key = name_key(mention.surface)
            named = [m for m in full if m.end <= mention.start
                     and name_key(m.surface).startswith(key + " ")]
            if not any(m.kind == "unknown_company" and name_key(m.surface).startswith(key + " ")
                       for m in others):
                continue
            nearest = max(named, key=lambda m: m.start, default=None)
            if nearest is not None and nearest.kind != "unknown_company":
                continue
            ids = nearest.vendor_ids if nearest is not None else frozenset({"~" + key})
            said = (f"short for '{nearest.surface}', named just before" if nearest is not None
                    else "shared by companies the text names, so it stands for neither")
            replaced[(mention.start, mention.end)] = Mention(
                mention.start, mention.end, ids, "unknown_company", mention.surface,
                f"'{mention.surface}' is {said}")
        return [replaced.get((m.start, m.end), m) for m in mentions]

    def _excluded(self, mention: Mention, folded: str) -> bool:
        """True when the name sits inside a phrase the registry says is something else."""
        for phrase in (p for v in mention.vendor_ids for p in self._not_this.get(v, ())):
            if not phrase:
                continue
            lo = max(0, mention.start - len(phrase))
            at = folded.find(phrase, lo, mention.end + len(phrase))
            while at != -1 and at <= mention.start:
                if at + len(phrase) >= mention.end and _is_word(folded, at, at + len(phrase)):
                    return True
                at = folded.find(phrase, at + 1, mention.end + len(phrase))
        return False

    def _misspellings(self, text: str, found: list[Mention]) -> list[Mention]:
        if not self._fuzzy_keys:
            return []
        taken = Coverage((m.start, m.end) for m in found)
        extra = []
        for word in _CAPITALISED_WORD.finditer(text):
            if taken.overlaps(word.start(), word.end()):
                continue
            target = _misspelt_key(self, word.group())
            if target is None:
                continue
            vendor_id, name = self._fuzzy[target]
            extra.append(Mention(word.start(), word.end(), frozenset({vendor_id}), "misspelling",
                                 word.group(), f"'{word.group()}' read as a misspelling of "
                                 f"'{name.text}' (one or two letters differ)"))
        return extra

    def misspelt_key(self, word: str) -> str | None:
        """The registry key ``word`` misspells, if it is no name itself and near exactly one."""
        key = name_key(word)
        if key in self._exact_keys:
            return None
        return _closest_key(key, self._fuzzy_keys)


@lru_cache(maxsize=65536)
def _misspelt_key(index: NameIndex, word: str) -> str | None:
    """``index.misspelt_key(word)``, remembered: the same capitalised words recur across articles."""
    return index.misspelt_key(word)


def _closest_key(key: str, choices: tuple[str, ...]) -> str | None:
    """The registry key within edit distance 1 (2 for long names) of ``key``, if exactly one is."""
    best = None
    for choice in choices:
        if choice[0] != key[0] or abs(len(choice) - len(key)) > 2:
            continue
        if key in (choice + "s", choice + "es") or key.startswith(choice):
            continue
        if len(choice) < FUZZY_MIN_LENGTH and not _swapped(key, choice):
            continue
        allowed = 2 if len(choice) > LONG_NAME else 1
        if OSA.distance(key, choice, score_cutoff=allowed) <= allowed:
            if best is not None:
                return None
            best = choice
    return best


class CompanyFinder:
    """Unknown companies and public bodies, from the lexicon's patterns."""

    def __init__(self, company_suffixes: str, bodies: str):
        self._company = regex.compile(company_suffixes, regex.VERBOSE)
        self._bodies = regex.compile(bodies, regex.VERBOSE)

    def unknown_companies(self, text: str, known: list[Mention], bodies: list[Span]) -> list[Mention]:
        found = []
        spans = [(m.start, m.end) for m in known] + [(b.start, b.end) for b in bodies]
        taken = Coverage(spans)
        for match in self._company.finditer(text, timeout=2):
            start, end = match.span()
            if taken.overlaps(start, end):
                continue
            surface = match.group()
            found.append(Mention(start, end, frozenset({"~" + name_key(surface)}),
                                 "unknown_company", surface,
                                 f"'{surface}' looks like another company (ends in a legal form)"))
        named = Coverage(spans + [(m.start, m.end) for m in found])
        return found + _short_forms(text, found, named)

    def bodies(self, folded: str) -> list[Span]:
        return [Span(*m.span()) for m in self._bodies.finditer(folded, timeout=2)]


# The first word of a company's name, distinctive enough to stand for it alone ("Lianfeng").
_FIRST_WORD = regex.compile(r"\p{Lu}[\p{L}\p{N}]{4,}(?=\s|$)")
# " (CATL)": capitals in brackets right after a name, the short form the text will use.
_DEFINED_SHORT = regex.compile(r"\s*\((\p{Lu}[\p{Lu}\p{N}&-]{1,9})\)")
# "in Shenzhen", "Shenzhen-based": the word names a place in this text, not a company.
_AS_PLACE = r"(?:\b(?:in|at|from|near|of)\s+{word}\b|\b{word}-)"


def _short_forms(text: str, found: list[Mention], taken: Coverage) -> list[Mention]:
    """"Lianfeng Optoelectronics Co., Ltd ... Lianfeng did not respond": an unknown company named
    in full and then by the first word of its name is the same company there. Such a mention only
    keeps a claim from sliding onto a known company named nearby; it accuses no one. A word two
    such companies share, or one the text uses as a place, stands for neither."""
    by_word: dict[str, list[Mention]] = {}
    for company in found:
        word = _FIRST_WORD.match(company.surface)
        if word is not None:
            by_word.setdefault(word.group(), []).append(company)
    for company in found:
        # "Contemporary Amperex Technology Co. Limited (CATL)": the short form the text defines.
        defined = _DEFINED_SHORT.match(text, company.end)
        if defined is not None:
            by_word.setdefault(defined.group(1), []).append(company)
    extra = []
    for word, companies in by_word.items():
        if len({c.vendor_ids for c in companies}) > 1 or regex.search(
                _AS_PLACE.format(word=regex.escape(word)), text, regex.IGNORECASE):
            continue
        first = companies[0]
        alone = regex.compile(rf"\b{regex.escape(word)}\b(?!\s+\p{{Lu}})")
        for later in alone.finditer(text, first.end):
            if not taken.overlaps(later.start(), later.end()):
                said = (f"names '{first.surface}' again" if word == first.surface
                        else f"is short for '{first.surface}'")
                extra.append(Mention(later.start(), later.end(), first.vendor_ids,
                                     "unknown_company", word, f"'{word}' {said}, another company"))
    return extra


def _swapped(key: str, choice: str) -> bool:
    """``key`` is ``choice`` with two neighbouring letters swapped."""
    diff = [i for i, (a, b) in enumerate(zip(key, choice)) if a != b]
    return (len(key) == len(choice) and len(diff) == 2 and diff[1] == diff[0] + 1
            and key[diff[0]] == choice[diff[1]] and key[diff[1]] == choice[diff[0]])


def _search_key(name: str) -> str:
    return " ".join(fold(name).split())


def _is_word(folded: str, start: int, end: int) -> bool:
    """True unless the match is glued to letters or digits on either side (Latin script only)."""
    before = folded[start - 1] if start > 0 else " "
    after = folded[end] if end < len(folded) else " "
    first, last = folded[start], folded[end - 1]
    glued_before = first.isascii() and first.isalnum() and before.isalnum() and before.isascii()
    glued_after = last.isascii() and last.isalnum() and after.isalnum() and after.isascii()
    return not (glued_before or glued_after)


def _not_lowercase_only(surface: str) -> bool:
    """Names in running text are capitalised; "axis" or a URL's "hikvision" is not a mention."""
    return any(ch.isupper() for ch in surface) or not any(ch.islower() for ch in surface)


def _longest_first(hits: list[tuple[int, int, frozenset[str], str]]):
    """Keep the longest of overlapping hits; equal spans naming several vendors merge."""
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, frozenset[str], str]] = []
    for hit in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
        clash = next((k for k in kept if k[0] < hit[1] and hit[0] < k[1]), None)
        if clash is None:
            kept.append(hit)
        elif (clash[0], clash[1]) == (hit[0], hit[1]):
            kept[kept.index(clash)] = (hit[0], hit[1], clash[2] | hit[2], clash[3])
    return sorted(kept)
