"""The rule set: concern rules, the vendor registry, the lexicon and the scoring parameters.

All of it is data in YAML files under one or more rule directories. Each file declares what it
is by its top-level key:

- ``rules:``    concern rules (any number of files, e.g. one per category);
- ``vendors:``  the vendor registry;
- ``lexicon:``  the words and patterns the engine uses to find references and read claims;
- ``ruleset:``  name, version, scoring parameters and rating bands.

Several directories can be combined (the shipped one plus an organisation's own pack): rules and
vendors add up, and an id defined twice is an error naming both files; a later ``lexicon`` or
``ruleset`` file replaces the earlier one. Every problem in every file is collected and reported
together, each with its file, line, column and rule id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import DueDiligenceError, Location, RuleSetError
from .registry import Registry, RegistryFile, VendorEntry
from .rulefiles import read_rule_sources
from .report import Category
from .yamlsource import SourcedYaml, load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Examples(_Strict):
    match: list[str] = Field(min_length=1, description="Sentences the rule must match for the "
                             "vendor in [[double brackets]].")
    no_match: list[str] = Field(min_length=1, description="Sentences it must not match.")


Side = Literal["before", "after", "either"]


class PatternSpec(_Strict):
    """A pattern with its own vendor side, for a rule whose patterns put the vendor in different places."""

    regex: str = Field(min_length=1)
    vendor_side: Side | None = None


class Rule(_Strict):
    """One concern rule."""

    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$", description="Stable dotted id.")
    title: str = Field(min_length=3)
    category: Category
    severity: Literal["info", "low", "medium", "high", "critical"]
    status: Literal["experimental", "test", "stable", "deprecated"] = "experimental"
    description: str = Field(min_length=10)
    references: list[str] = []
    vendor_side: Side = Field(
        "either", description="Where the vendor stands relative to the matched words in their "
        "clause: 'before' (the vendor said or did it: 'X denied'), 'after' (it was done to the "
        "vendor: 'a ban on X'), 'either' (before if a company precedes, else after).")
    allow: list[Literal["hypothetical", "denial"]] = Field(
        [], description="'hypothetical': modal wording (could, would, may) does not block a match; "
        "for risk-type concerns such as data access. 'denial': denial framing ('rejected claims "
        "that') does not block it; for the vendor's own responses.")
    patterns: list[str | PatternSpec] = Field(min_length=1, description="Regular expressions on "
                                              "folded text; {MACRO} inserts a lexicon macro.")
    examples: Examples
    falsepositives: list[str] = []



class RuleFile(_Strict):
    rules: list[Rule]


class NamesLexicon(_Strict):
    legal_suffixes: list[str]
    generic_words: list[str]
    place_prefixes: list[str]


class ReferencesLexicon(_Strict):
    company_nouns: list[str] = Field(description="Heads of descriptions that refer back to a "
                                     "company: 'the Chinese camera maker'.")
    company_plural_nouns: list[str]
    product_nouns: list[str] = Field([], description="Heads of descriptions of a company's "
                                     "products: 'the cameras' (the company named just before).")
    blocked_modifiers: list[str] = Field(description="Words that make a description point to "
                                         "another company: 'the rival firm'.")
    nationalities: dict[str, list[str]] = Field(
        {}, description="ISO country code -> words in a description that place a company there.")
    max_modifiers: int = 3
    dummy_it: str = Field(description="Regex: 'it' that refers to nothing ('it is unclear').")
    bodies: str = Field(description="Regex: governments, committees and other bodies; used to tell "
                        "what 'it' refers to.")
    company_suffixes: str = Field(description="Regex on the original text: an unknown company "
                                  "name ending in a legal form ('Acme Corp').")


class MarkersLexicon(_Strict):
    negation: str = Field(description="Regex: negation inside a claim ('not', 'never').")
    negation_before: str = Field(description="Regex: framing before a claim that negates it "
                                 "('there is no evidence that').")
    hypothetical: str = Field(description="Regex: modal or conditional wording ('could', 'if').")
    allegation: str = Field(description="Regex: the source reports an allegation ('accused of').")
    clause_breaks: str = Field(description="Regex: words that start a new clause ('but').")
    reporting_verbs: str = Field(description="Regex: 'said', 'told'...; what follows is a new clause.")
    contrast: str = Field(description="Regex ending at a company name: 'unlike', 'rivals such as'.")
    other_party_possessive: str = Field(description="Regex right after a name: \"'s rival\".")
    connectors: str = Field(description="Regex for the whole gap between two listed companies.")
    companions: str = Field(description="Regex ending at a company named later in the clause as "
                            "sharing the subject's fate: ', alongside X'.")
    parenthetical: str = Field(description="Regex: a comma-delimited aside (', which ...,').")


class LexiconBody(_Strict):
    names: NamesLexicon
    references: ReferencesLexicon
    markers: MarkersLexicon
    macros: dict[str, str] = Field(description="Named regex fragments usable as {NAME} in patterns.")


class LexiconFile(_Strict):
    lexicon: LexiconBody


class RatingBand(_Strict):
    name: str
    min_score: float = Field(ge=0)
    recommendation: str
    meaning: str


class Scoring(_Strict):
    severity_points: dict[Literal["info", "low", "medium", "high", "critical"], float]
    category_weights: dict[Category, float]
    repeat_decay: float = Field(gt=0, le=1, description="Each further piece of evidence for the "
                                "same rule counts this fraction of the previous one.")
    max_evidence_counted: int = Field(ge=1)
    corroboration_bonus: float = Field(ge=0, description="Extra fraction per further independent "
                                       "publisher.")
    max_corroborating_publishers: int = Field(ge=0)


class RuleSetMeta(_Strict):
    name: str
    version: str
    scoring: Scoring
    bands: list[RatingBand] = Field(min_length=1)


class RuleSetFile(_Strict):
    ruleset: RuleSetMeta


@dataclass(frozen=True)
class LoadedRule:
    rule: Rule
    source: SourcedYaml
    index: int


@dataclass
class RuleSet:
    """Everything loaded from the rule directories."""

    rules: list[LoadedRule]
    registry: Registry
    lexicon: LexiconBody
    meta: RuleSetMeta
    sha256: str
    files: list[str]

    def rule(self, rule_id: str) -> Rule:
        return next(r.rule for r in self.rules if r.rule.id == rule_id)

    def bands_low_to_high(self) -> list[RatingBand]:
        return sorted(self.meta.bands, key=lambda band: band.min_score)


_KINDS: dict[str, type[BaseModel]] = {
    "rules": RuleFile, "vendors": RegistryFile, "lexicon": LexiconFile, "ruleset": RuleSetFile,
}


def load_rule_set(directories: list[Path]) -> RuleSet:
    """Load and validate every file; raise RuleSetError listing every problem found."""
    problems: list[DueDiligenceError] = []
    rules: list[LoadedRule] = []
    vendors: list[tuple[VendorEntry, SourcedYaml, int]] = []
    lexicon: LexiconBody | None = None
    meta: RuleSetMeta | None = None
    files: list[str] = []
    problems += [DueDiligenceError("rules directory does not exist", Location(str(directory)))
                 for directory in directories if not directory.is_dir()]
    sources, sha256 = read_rule_sources(directories)
    for rule_source in sources:
        files.append(str(rule_source.path))
        try:
            if rule_source.data is None:
                raise DueDiligenceError(rule_source.error, Location(str(rule_source.path)))
            source = load_yaml(rule_source.path, data=rule_source.data)
        except DueDiligenceError as exc:
            problems.append(exc)
            continue
        parsed = _parse_file(source, problems)
        if isinstance(parsed, RuleFile):
            rules += [LoadedRule(rule, source, i) for i, rule in enumerate(parsed.rules)]
        elif isinstance(parsed, RegistryFile):
            vendors += [(v, source, i) for i, v in enumerate(parsed.vendors)]
        elif isinstance(parsed, LexiconFile):
            lexicon = parsed.lexicon
        elif isinstance(parsed, RuleSetFile):
            meta = parsed.ruleset
    problems += _duplicate_ids([(r.rule.id, r.source, ("rules", r.index, "id")) for r in rules], "rule")
    problems += _duplicate_ids([(v.id, s, ("vendors", i, "id")) for v, s, i in vendors], "vendor")
    if lexicon is None and not problems:
        problems.append(DueDiligenceError("no lexicon file (a YAML file with 'lexicon:') found",
                                          Location(str(directories[0]))))
    if meta is None and not problems:
        problems.append(DueDiligenceError("no rule-set file (a YAML file with 'ruleset:') found",
                                          Location(str(directories[0]))))
    if problems:
        raise RuleSetError(problems)
    assert lexicon is not None and meta is not None
    registry = Registry([v for v, _, _ in vendors])
    return RuleSet(rules, registry, lexicon, meta, sha256, files)


def _parse_file(source: SourcedYaml, problems: list[DueDiligenceError]) -> BaseModel | None:
    data = source.data
    kinds = [k for k in _KINDS if isinstance(data, dict) and k in data]
    if len(kinds) != 1:
        problems.append(DueDiligenceError(
            "expected exactly one top-level key among: " + ", ".join(_KINDS), source.location(())))
        return None
    model = _KINDS[kinds[0]]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(_located(source, error, data))
        return None


def _located(source: SourcedYaml, error: Any, data: Any) -> DueDiligenceError:
    """Turn one pydantic error into a located, readable message."""
    loc = tuple(error["loc"])
    rule_id = None
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            rule_id = data["rules"][loc[1]].get("id")
        except (AttributeError, IndexError, KeyError, TypeError):
            rule_id = None
    field = ".".join(str(p) for p in loc)
    message = _message(error, field)
    key = loc + ("<key>",) if error["type"] == "extra_forbidden" else loc
    return DueDiligenceError(message, source.location(key, rule_id))


def _message(error: Any, field: str) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        return f"unknown key '{field.rsplit('.', 1)[-1]}'"
    if kind == "missing":
        return f"missing required key '{field}'"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"'{field}' must be one of {allowed}; got {value!r}"
    return f"'{field}': {error['msg']}; got {value!r}"


def _duplicate_ids(items: list[tuple[str, SourcedYaml, tuple]], what: str) -> list[DueDiligenceError]:
    first: dict[str, Location] = {}
    problems = []
    for item_id, source, key in items:
        location = source.location(key, item_id if what == "rule" else None)
        if item_id in first:
            problems.append(DueDiligenceError(
                f"duplicate {what} id '{item_id}' (also defined at {first[item_id].path}:"
                f"{first[item_id].line})", location))
        else:
            first[item_id] = location
    return problems
