"""Rule tests: every rule's own examples, and annotated test articles, run through the engine.

Two kinds of test, both run by ``duediligence rules test`` (examples are also checked by
``rules validate``):

- **Examples.** Each rule lists sentences it must match and sentences it must not match, with the
  vendor marked in double brackets: ``"The council banned [[Hikvision]] cameras."``. A sentence is
  run as a one-sentence document through the whole engine (every rule, the registry, attribution).
  A ``match`` example passes when the rule produces a claim for every marked vendor; a
  ``no_match`` example passes when it produces a claim for none of them (for nobody at all when
  no vendor is marked). Company names that are not marked are just other companies in the
  sentence.

- **Test articles.** A small ``.md`` or ``.txt`` article whose YAML front matter declares the
  findings expected per vendor, by rule id (precise, like semgrep's ``ruleid:``) or by category::

      ---
      title: Council removes cameras
      expect:
        Hikvision: [restriction.procurement_stop, security]
        Axis Communications: []
      ---

  The check is exact: every listed rule id must be found for that vendor, every listed category
  must have at least one finding, nothing else may be found for it, and no vendor that is not
  listed may get a finding at all. ``[]`` says the vendor is named but must stay clean.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import regex
import yaml

from .analysis import Engine
from .claims import Claim
from .attribution import Attribution
from .check import engine_for, resolve_vendor
from .corpus import ARTICLE_SUFFIXES, Document, Skipped, parse_document
from .errors import DueDiligenceError
from .registry import Vendor
from .report import CATEGORIES
from .ruleset import Rule, RuleSet

ExampleKind = Literal["match", "no_match"]

_MARK = regex.compile(r"\[\[([^\[\]]+)\]\]")


def split_marks(sentence: str) -> tuple[str, list[str]]:
    """The sentence without its ``[[ ]]`` marks, and the marked names in order of appearance."""
    names = [m.group(1).strip() for m in _MARK.finditer(sentence)]
    return _MARK.sub(lambda m: m.group(1), sentence), names


@dataclass(frozen=True)
class ExampleResult:
    """One example sentence of one rule, and whether the engine did what it declares."""

    rule_id: str
    kind: ExampleKind
    index: int
    sentence: str
    passed: bool
    detail: str = ""     # why it failed, in words a rule author can act on

    @property
    def label(self) -> str:
        return f"{self.kind}[{self.index}]"


@dataclass
class ArticleResult:
    """One annotated test article and every way it differs from its expectations."""

    path: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class TestArticle:
    """A test article: the document and the findings it expects per vendor name."""

    __test__ = False     # not a pytest class

    path: str
    document: Document
    expect: dict[str, list[str]]


class Harness:
    """The engine of one rule set, built once, that runs examples and test articles.

    The engine must know every vendor that a test names before it is built (names are indexed
    once), so the harness is made for a set of names: the registry plus any name not in it.
    """

    def __init__(self, rule_set: RuleSet, names: Iterable[str] = ()):
        self.rule_set = rule_set
        self._vendors: dict[str, Vendor] = {}
        self._bad_names: dict[str, str] = {}
        for name in names:
            self._resolve(name)
        self.engine: Engine = engine_for(rule_set, self._vendors.values())
        self._names = {v.id: v.name for v in self.engine.vendors}

    @classmethod
    def for_rule_set(cls, rule_set: RuleSet, articles: Iterable[TestArticle] = ()) -> Harness:
        """A harness that knows every name marked in the examples and listed in the articles."""
        names: list[str] = []
        for loaded in rule_set.rules:
            for sentence in loaded.rule.examples.match + loaded.rule.examples.no_match:
                names += split_marks(sentence)[1]
        for article in articles:
            names += list(article.expect)
        return cls(rule_set, names)

    def _resolve(self, name: str) -> Vendor | None:
        if name in self._vendors:
            return self._vendors[name]
        if name in self._bad_names:
            return None
        try:
            vendor = resolve_vendor(name, self.rule_set)
        except DueDiligenceError as exc:
            self._bad_names[name] = exc.message
            return None
        self._vendors[name] = vendor
        return vendor

    # -- examples ------------------------------------------------------------------------------

    def run_rule(self, rule: Rule) -> list[ExampleResult]:
        """Every example of ``rule``, match examples first."""
        results = [self.run_example(rule, "match", i, s) for i, s in enumerate(rule.examples.match)]
        results += [self.run_example(rule, "no_match", i, s)
                    for i, s in enumerate(rule.examples.no_match)]
        return results

    def run_example(self, rule: Rule, kind: ExampleKind, index: int,
                    sentence: str) -> ExampleResult:
        def result(passed: bool, detail: str = "") -> ExampleResult:
            return ExampleResult(rule.id, kind, index, sentence, passed, detail)

        plain, names = split_marks(sentence)
        if not names and kind == "match":
            return result(False, "no vendor is marked; write the vendor's name as [[Name]]")
        if rule.status == "deprecated":
            return result(True)
        parsed = parse_document(plain.encode("utf-8"), f"{rule.id}.{kind}[{index}]")
        if isinstance(parsed, Skipped):       # pragma: no cover - a str always encodes
            return result(False, parsed.reason)
        claims = [c for c in self.engine.analyse(parsed).claims if c.rule_id == rule.id]
        if not names:                         # no vendor marked: no claim for anyone
            if claims:
                named = ", ".join(self._names.get(v, v.lstrip("~")) for v in claims[0].vendor_ids)
                return result(False, f"expected no claim, got one for {named}: matched "
                              f"'{plain[claims[0].cue_start:claims[0].cue_end]}'; "
                              f"{claims[0].explanation}")
            return result(True)
        problems = []
        for name in dict.fromkeys(names):
            vendor = self._resolve(name)
            if vendor is None:
                problems.append(f"[[{name}]]: {self._bad_names[name]}")
                continue
            family = {vendor.id}   # a subsidiary's own entry is a vendor of its own, as in check
            mine = [c for c in claims if family & set(c.vendor_ids)]
            if kind == "match" and not mine:
                problems.append(f"expected a claim for [[{name}]], got none: "
                                + self._why_not(parsed, rule, family, name))
            elif kind == "no_match" and mine:
                claim = mine[0]
                problems.append(f"expected no claim for [[{name}]], got one: matched "
                                f"'{plain[claim.cue_start:claim.cue_end]}'; {claim.explanation}")
        return result(not problems, "; ".join(problems))

    def _why_not(self, document: Document, rule: Rule, family: set[str], name: str) -> str:
        """Why a rule made no claim for a vendor in a document, from the engine's traces."""
        traces = [t for t in self.engine.traces(document) if t.match.rule.id == rule.id]
        if not traces:
            analysis = self.engine.analyse(document)
            if not family & set(analysis.mentions):
                return f"'{name}' is not recognised as a company name in the sentence"
            return "none of the rule's patterns matched the sentence"
        reasons = []
        for trace in traces:
            cue = document.text[trace.match.start:trace.match.end]
            outcome = trace.outcome
            if isinstance(outcome, Attribution):
                others = ", ".join(sorted(self._names.get(v, v.lstrip("~"))
                                          for v in outcome.vendor_ids))
                reasons.append(f"matched '{cue}' but attributed it to {others}: "
                               f"{outcome.explanation}")
            else:
                reasons.append(f"matched '{cue}' but {outcome.reason}")
        return "; ".join(dict.fromkeys(reasons))

    # -- articles ------------------------------------------------------------------------------

    def run_article(self, article: TestArticle) -> ArticleResult:
        result = ArticleResult(article.path)
        claims = self.engine.analyse(article.document).claims
        category = self.engine.category_of
        rule_ids = set(category)
        covered: set[str] = set()
        for name, wanted in article.expect.items():
            vendor = self._resolve(name)
            if vendor is None:
                result.failures.append(f"{name}: {self._bad_names[name]}")
                continue
            family = {vendor.id}   # a subsidiary's own entry is a vendor of its own, as in check
            covered |= family
            found = {c.rule_id for c in claims if family & set(c.vendor_ids)}
            ids = [w for w in wanted if w in rule_ids]
            cats = [w for w in wanted if w in CATEGORIES and w not in rule_ids]
            for unknown in (w for w in wanted if w not in rule_ids and w not in CATEGORIES):
                hint = difflib.get_close_matches(unknown, sorted(rule_ids) + list(CATEGORIES), 1)
                result.failures.append(f"{name}: '{unknown}' is neither a rule id nor a category"
                                       + (f" (did you mean '{hint[0]}'?)" if hint else ""))
            missing = [i for i in ids if i not in found]
            missing += [c for c in cats if not any(category.get(r) == c for r in found)]
            if missing:
                result.failures.append(f"{name}: missing {', '.join(missing)}")
            extra = sorted(r for r in found if r not in ids and category.get(r) not in cats)
            for rule_id in extra:
                result.failures.append(f"{name}: unexpected {rule_id} "
                                       + self._where(article, claims, rule_id, family))
        for claim in claims:
            stray = [v for v in claim.vendor_ids if v not in covered]
            for vendor_id in stray:
                result.failures.append(
                    f"{self._names.get(vendor_id, vendor_id.lstrip('~'))} (not in expect): "
                    f"unexpected {claim.rule_id} " + self._where(article, [claim], claim.rule_id,
                                                                  {vendor_id}))
        result.failures = list(dict.fromkeys(result.failures))
        return result

    @staticmethod
    def _where(article: TestArticle, claims: Iterable[Claim], rule_id: str,
               family: set[str]) -> str:
        text = article.document.text
        lines = sorted({text.count("\n", 0, c.start) + 1 for c in claims
                        if c.rule_id == rule_id and family & set(c.vendor_ids)})
        cue = next((text[c.cue_start:c.cue_end] for c in claims
                    if c.rule_id == rule_id and family & set(c.vendor_ids)), "")
        return f"(line {', '.join(map(str, lines))}: '{cue}')"


# -- reading test articles --------------------------------------------------------------------


def article_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Every test article under ``paths`` (files or directories; README files in a directory are
    skipped), with the path to show."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_file():
            found.append((path, str(path)))
        elif path.is_dir():
            for file in sorted(path.rglob("*"), key=lambda p: p.relative_to(path).as_posix()):
                hidden = any(p.startswith(".") for p in file.relative_to(path).parts)
                readme = file.stem.lower() == "readme"
                if (file.is_file() and not hidden and not readme
                        and file.suffix.lower() in ARTICLE_SUFFIXES):
                    found.append((file, str(file)))
        else:
            raise DueDiligenceError(f"test article path does not exist: {path}")
    return found


def read_article(path: Path, shown: str) -> TestArticle | str:
    """A test article, or the reason it cannot be used as one."""
    raw = path.read_bytes()
    document = parse_document(raw, shown)
    if isinstance(document, Skipped):
        return document.reason
    if document.body_start == 0:
        return "no front matter: start the file with '---', an 'expect:' mapping, and '---'"
    header = document.text[:document.body_start].strip().strip("-")
    try:
        data = yaml.safe_load(header) or {}
        twice = _repeated_vendors(yaml.compose(header))
    except yaml.YAMLError as exc:            # pragma: no cover - parse_document checked it
        return f"front matter is not valid YAML: {exc}"
    if twice:
        return f"expect: '{twice}' is listed twice; list each vendor once"
    expect = data.get("expect") if isinstance(data, dict) else None
    if not isinstance(expect, dict) or not expect:
        return "front matter has no 'expect:' mapping of vendor name to rule ids or categories"
    cleaned: dict[str, list[str]] = {}
    for name, wanted in expect.items():
        if wanted is None:
            wanted = []
        if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
            return f"expect: '{name}' must map to a list of rule ids or categories"
        cleaned[str(name)] = wanted
    return TestArticle(shown, document, cleaned)


def _repeated_vendors(root: yaml.Node | None) -> str | None:
    """A vendor listed twice under ``expect:`` (plain YAML would silently keep the last)."""
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if key.value == "expect" and isinstance(value, yaml.MappingNode):
            names = [k.value for k, _ in value.value]
            return next((n for n in names if names.count(n) > 1), None)
    return None
