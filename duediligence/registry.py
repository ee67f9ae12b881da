"""The vendor registry: who a vendor is and every name the press uses for it.

Loaded from ``rules/vendors.yaml``. A vendor that is not in the registry still works: its match
keys are derived from the name as typed (legal-form suffixes dropped, case, punctuation and script
folded), and the report says no registry entry was used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from anyascii import anyascii
from pydantic import BaseModel, ConfigDict, Field

from .textfold import fold

Relation = Literal["brand", "subsidiary", "former_name", "division", "joint_venture"]
NameKind = Literal["name", "legal_name", "alias", "other_script", "misspelling", "related",
                   "derived"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RelatedName(_Strict):
    name: str = Field(description="The brand, subsidiary or former name as printed.")
    relation: Relation


class VendorEntry(_Strict):
    """One vendor as written in ``vendors.yaml``."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Stable lowercase id.")
    name: str = Field(min_length=1, description="Display name.")
    legal_names: list[str] = []
    aliases: list[str] = []
    other_scripts: list[str] = []
    misspellings: list[str] = []
    related: list[RelatedName] = []
    parent: str | None = Field(None, description="Id of the parent vendor, or the parent's name.")
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    sectors: list[str] = []
    not_this_vendor: list[str] = Field([], description="Phrases containing one of the names that "
                                       "refer to something else.")
    references: list[str] = []


class RegistryFile(_Strict):
    vendors: list[VendorEntry]


@dataclass(frozen=True)
class VendorName:
    """One searchable name of a vendor, with what kind of name it is (for explanations)."""

    text: str
    kind: NameKind
    relation: str | None = None


@dataclass(frozen=True)
class Vendor:
    """A vendor to search for: registry-backed or derived from a typed name."""

    id: str
    name: str
    names: tuple[VendorName, ...]
    not_this_vendor: tuple[str, ...] = ()
    parent: str | None = None
    country: str | None = None
    registry_entry: bool = True


def name_key(text: str) -> str:
    """Canonical comparison form of a name: folded, transliterated, punctuation as spaces."""
    latin = anyascii(fold(text)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", latin))


def vendor_from_entry(entry: VendorEntry) -> Vendor:
    names = [VendorName(entry.name, "name")]
    names += [VendorName(n, "legal_name") for n in entry.legal_names]
    names += [VendorName(n, "alias") for n in entry.aliases]
    names += [VendorName(n, "other_script") for n in entry.other_scripts]
    names += [VendorName(n, "misspelling") for n in entry.misspellings]
    names += [VendorName(r.name, "related", r.relation) for r in entry.related]
    return Vendor(entry.id, entry.name, tuple(names), tuple(entry.not_this_vendor), entry.parent,
                  entry.country)


def derived_vendor(typed: str, legal_suffixes: list[str], generic_words: list[str],
                   place_prefixes: list[str], nationalities: Iterable[str] = ()) -> Vendor | None:
    """Build match keys for a vendor that is not in the registry, from its name alone.

    Keys: the full name; the name without legal-form suffixes ("Co., Ltd.", "Inc."); that without
    a leading place name ("Shenzhen Lyra Vision" -> "Lyra Vision"); each of those without generic
    trailing words ("Technology"); kept only while something distinctive (at least five letters)
    is left: never a place or a nationality alone ("Russian Technologies Group" is not searched as
    "russian").
    """
    words = name_key(typed).split()
    if not words:
        return None
    keys = [" ".join(words)]
    suffixes = {name_key(s) for s in legal_suffixes}
    while len(words) > 1 and (words[-1] in suffixes or " ".join(words[-2:]) in suffixes):
        words = words[:-2] if " ".join(words[-2:]) in suffixes else words[:-1]
        keys.append(" ".join(words))
    places = {name_key(p) for p in place_prefixes}
    generic = {name_key(w) for w in generic_words}
    never_alone = generic | places | {name_key(n) for n in nationalities}
    variants = [words] + ([words[1:]] if len(words) > 1 and words[0] in places else [])
    for variant in variants:
        keys.append(" ".join(variant))
        while len(variant) > 1 and variant[-1] in generic:
            variant = variant[:-1]
            if not all(word in never_alone for word in variant):
                keys.append(" ".join(variant))   # never "green" alone, from "Green Energy Ltd"
        if len(variant) > 1 and variant[0] in places:
            keys.append(" ".join(variant[1:]))
    # An acronym typed in capitals ("BGI Group" -> "BGI") is distinctive however short.
    acronyms = {name_key(w) for w in typed.split() if len(w) >= 3 and w.isupper() and w.isalpha()}
    distinctive = [k for k in dict.fromkeys(keys)
                   if len(k.replace(" ", "")) >= 5 or k == keys[0] or k in acronyms]
    slug = "_".join(name_key(typed).split())[:60] or "vendor"
    names = tuple(VendorName(k, "name" if i == 0 else "derived") for i, k in enumerate(distinctive))
    return Vendor(slug, typed.strip(), names, registry_entry=False)


class Registry:
    """Vendors by id, and a lookup from any of their names to the vendor."""

    def __init__(self, entries: list[VendorEntry]):
        self.vendors: dict[str, Vendor] = {e.id: vendor_from_entry(e) for e in entries}
        self._by_key: dict[str, str] = {}
        for vendor in self.vendors.values():
            for name in vendor.names:
                if name.kind != "related":
                    self._by_key.setdefault(name_key(name.text), vendor.id)

    def find(self, typed: str) -> Vendor | None:
        """The registry vendor a user means by ``typed``: by id, name, legal name or alias."""
        if typed in self.vendors:
            return self.vendors[typed]
        vendor_id = self._by_key.get(name_key(typed))
        return self.vendors[vendor_id] if vendor_id else None
