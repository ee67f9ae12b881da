"""``rules validate``: every problem in every rule-set file, in one run, each pointing at its line.

The checks, in the order a rule author meets them:

1. the file is YAML and declares one kind (``rules:``, ``vendors:``, ``lexicon:``, ``ruleset:``);
2. the schema: unknown keys (with the nearest allowed key as a "did you mean"), missing keys,
   values outside a fixed vocabulary (with the allowed list), wrong types. A broken rule does not
   hide the others: each rule is checked on its own;
3. ids: a rule or vendor id defined twice, in one file or across packs, names both places;
4. patterns: an unknown ``{MACRO}``, a pattern that does not compile or matches empty text, and a
   pattern that can take exponential time on long text (nested quantifiers such as ``(a+)+`` or
   ``(\\w+\\s?)*``, found statically; the engine also cuts any single match off after a time
   limit);
5. examples: every example sentence is run through the engine as a one-sentence document and
   must do what it declares (see ``ruletests``).

Problems render as ``file:line:col: rule-id: message`` (``errors.Location``).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
from pydantic import BaseModel, ValidationError

from .errors import DueDiligenceError, Location
from .lexicon import FLAGS as LEXICON_FLAGS
from .matching import PatternError, compile_pattern, expand
from .registry import Registry, RegistryFile, VendorEntry
from .rulefiles import rule_files
from .ruleset import (
    LexiconBody, LexiconFile, LoadedRule, Rule, RuleFile, RuleSet, RuleSetFile, RuleSetMeta,
)
from .yamlsource import SourcedYaml, load_yaml

KINDS: dict[str, type[BaseModel]] = {
    "rules": RuleFile, "vendors": RegistryFile, "lexicon": LexiconFile, "ruleset": RuleSetFile,
}
_MACRO_REF = regex.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")
_UNION_TAG = regex.compile(r"^(?:[A-Z]\w*|str|int|float|bool|none|list\[.*\]|dict\[.*\])$")
_FRIENDLY_TYPE = {"str": "text", "int": "a whole number", "float": "a number",
                  "bool": "true or false", "list": "a list", "dict": "a mapping",
                  "NoneType": "empty", "PatternSpec": "a mapping with 'regex:'"}


@dataclass
class Validation:
    """The outcome of validating rule directories."""

    problems: list[DueDiligenceError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    rules: int = 0
    examples: int = 0
    rule_set: RuleSet | None = None      # what loaded cleanly (partial when there are problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        counts = (f"{len(self.files)} files, {self.rules} rules, {self.examples} examples checked")
        if self.ok:
            return f"{counts}: no problems found"
        return f"{counts}: {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies under it, else as it is."""
    try:
        relative = os.path.relpath(path)
    except ValueError:                        # pragma: no cover - another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def validate(directories: list[Path], check_examples: bool = True) -> Validation:
    """Validate the rule directories (or single files) as ``check --rules`` would layer them."""
    result = Validation()
    sources: list[tuple[SourcedYaml, str]] = []
    seen: set[Path] = set()
    for base in directories:
        if base.is_file():
            paths = [(base, str(base))]
        elif base.is_dir():
            shown = display_path(base) if base.is_absolute() else str(base)
            paths = [(p, str(Path(shown) / p.relative_to(base))) for p in rule_files(base)]
        else:
            result.problems.append(DueDiligenceError("rules path does not exist",
                                                     Location(str(base))))
            continue
        for path, shown in paths:
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            result.files.append(shown)
            try:
                source = _load(path, shown)
            except DueDiligenceError as exc:
                result.problems.append(exc)
                continue
            kind = _kind(source, result.problems)
            if kind:
                sources.append((source, kind))

    checker = _Checker(result)
    for source, kind in sources:
        checker.schema(source, kind)
    checker.duplicates()
    if checker.lexicon is None and not checker.kinds_seen & {"lexicon"}:
        result.problems.append(DueDiligenceError(
            "no lexicon file (a YAML file with 'lexicon:') found",
            Location(str(directories[0]) if directories else ".")))
    elif checker.lexicon is not None:
        checker.lexicon_patterns()
        checker.patterns()
    if checker.meta is None and not checker.kinds_seen & {"ruleset"}:
        result.problems.append(DueDiligenceError(
            "no rule-set file (a YAML file with 'ruleset:') found",
            Location(str(directories[0]) if directories else ".")))
    result.rules = checker.rule_count
    if checker.lexicon is not None and checker.meta is not None and checker.lexicon_ok:
        result.rule_set = checker.rule_set()
        if check_examples:
            checker.examples(result.rule_set)
    order = {path: i for i, path in enumerate(result.files)}
    result.problems.sort(key=lambda p: (order.get(p.location.path, -1) if p.location else -1,
                                        (p.location.line or 0) if p.location else 0,
                                        (p.location.column or 0) if p.location else 0))
    return result


_PARSED: dict[tuple, SourcedYaml] = {}


def _load(path: Path, shown: str) -> SourcedYaml:
    """``load_yaml``, remembered per file version (validating again in one process is cheap)."""
    stat = path.stat()
    key = (str(path.resolve()), shown, stat.st_mtime_ns, stat.st_size)
    if key not in _PARSED:
        _PARSED[key] = load_yaml(path, shown)
    return _PARSED[key]


def _kind(source: SourcedYaml, problems: list[DueDiligenceError]) -> str | None:
    data = source.data
    kinds = [k for k in KINDS if isinstance(data, dict) and k in data]
    if len(kinds) == 1:
        return kinds[0]
    if isinstance(data, dict) and not kinds:
        hints = [h for key in data for h in difflib.get_close_matches(str(key), KINDS, 1)]
        hint = f" (did you mean '{hints[0]}'?)" if hints else ""
        message = "expected one top-level key among: " + ", ".join(KINDS) + hint
    elif isinstance(data, dict):
        message = f"a file declares one kind only; found {', '.join(kinds)}"
    else:
        message = "expected a mapping with one top-level key among: " + ", ".join(KINDS)
    problems.append(DueDiligenceError(message, source.location(())))
    return None


class _Checker:
    """State shared by the checks: what parsed, and where it came from."""

    def __init__(self, result: Validation):
        self.result = result
        self.rules: list[LoadedRule] = []                         # schema-valid rules
        self.raw_rules: list[tuple[SourcedYaml, int, dict]] = []  # every rule mapping
        self.vendor_entries: list[tuple[VendorEntry, SourcedYaml, int]] = []
        self.raw_vendors: list[tuple[SourcedYaml, int, dict]] = []
        self.lexicon: LexiconBody | None = None
        self.lexicon_source: SourcedYaml | None = None
        self.lexicon_ok = True
        self.meta: RuleSetMeta | None = None
        self.bad_patterns: set[tuple[str, int]] = set()         # (file, rule index)
        self.digest = hashlib.sha256()
        self.kinds_seen: set[str] = set()

    @property
    def rule_count(self) -> int:
        return len(self.raw_rules)

    def problem(self, message: str, source: SourcedYaml, key: tuple,
                item_id: str | None = None) -> None:
        self.result.problems.append(DueDiligenceError(message, source.location(key, item_id)))

    # -- schema --------------------------------------------------------------------------------

    def schema(self, source: SourcedYaml, kind: str) -> None:
        data = source.data
        self.kinds_seen.add(kind)
        model = KINDS[kind]
        errors: list[dict] = []
        parsed: BaseModel | None = None
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            errors = list(exc.errors())
        for error in _without_union_noise(errors, data):
            loc = _clean_loc(tuple(error["loc"]), data)
            item_id = _item_id(data, loc)
            message = _message(error, loc, model, data)
            key = loc + ("<key>",) if error["type"] == "extra_forbidden" else loc
            self.problem(message, source, key, item_id)
        bad_items = {loc[1] for loc in (_clean_loc(tuple(e["loc"]), data) for e in errors)
                     if len(loc) >= 2 and isinstance(loc[1], int)}
        if kind in ("rules", "vendors") and isinstance(data.get(kind), list):
            for index, item in enumerate(data[kind]):
                if not isinstance(item, dict):
                    continue
                if kind == "rules":
                    self.raw_rules.append((source, index, item))
                    if index not in bad_items:
                        self.rules.append(LoadedRule(Rule.model_validate(item), source, index))
                else:
                    self.raw_vendors.append((source, index, item))
                    if index not in bad_items:
                        entry = VendorEntry.model_validate(item)
                        self.vendor_entries.append((entry, source, index))
        elif isinstance(parsed, LexiconFile):
            self.lexicon, self.lexicon_source = parsed.lexicon, source
        elif isinstance(parsed, RuleSetFile):
            self.meta = parsed.ruleset
        if kind == "lexicon" and parsed is None and self.lexicon is None:
            self.lexicon_ok = False
        self.digest.update(str(source.path).encode())

    def duplicates(self) -> None:
        for what, items in (("rule", self.raw_rules), ("vendor", self.raw_vendors)):
            first: dict[str, Location] = {}
            for source, index, item in items:
                item_id = item.get("id")
                if not isinstance(item_id, str):
                    continue
                kind = "rules" if what == "rule" else "vendors"
                where = source.location((kind, index, "id"), item_id)
                if item_id in first:
                    earlier = first[item_id]
                    self.problem(f"duplicate {what} id '{item_id}': also defined at "
                                 f"{earlier.path}:{earlier.line}:{earlier.column}",
                                 source, (kind, index, "id"), item_id)
                else:
                    first[item_id] = where

    # -- patterns ------------------------------------------------------------------------------

    def lexicon_patterns(self) -> None:
        """The lexicon's own regular expressions: each must compile; macros must not blow up."""
        assert self.lexicon is not None and self.lexicon_source is not None
        source, body = self.lexicon_source, self.lexicon
        fields = [("markers", name, value) for name, value in body.markers.model_dump().items()]
        fields += [("references", name, getattr(body.references, name))
                   for name in ("dummy_it", "bodies", "company_suffixes")]
        for section, name, value in fields:
            if not isinstance(value, str):
                continue
            try:
                regex.compile(value, LEXICON_FLAGS)
            except regex.error as exc:
                self.lexicon_ok = False
                self.problem(f"'{section}.{name}' does not compile: {_regex_reason(exc)}",
                             source, ("lexicon", section, name))
        for name, value in body.macros.items():
            try:
                regex.compile(f"(?:{value})", regex.IGNORECASE)
            except regex.error as exc:
                self.lexicon_ok = False
                self.problem(f"macro {{{name}}} does not compile: {_regex_reason(exc)}",
                             source, ("lexicon", "macros", name))
                continue
            try:
                danger = blowup(expand(value, {}))
            except PatternError:
                danger = None
            if danger:
                self.problem(f"macro {{{name}}} {danger}", source, ("lexicon", "macros", name))

    def patterns(self) -> None:
        assert self.lexicon is not None
        macros = self.lexicon.macros
        for source, index, item in self.raw_rules:
            patterns = item.get("patterns")
            if not isinstance(patterns, list):
                continue
            rule_id = item.get("id") if isinstance(item.get("id"), str) else None
            for j, entry in enumerate(patterns):
                key: tuple = ("rules", index, "patterns", j)
                if isinstance(entry, dict):
                    entry, key = entry.get("regex"), key + ("regex",)
                if not isinstance(entry, str) or not entry:
                    continue                  # the schema check reported it
                problem = self._pattern_problem(entry, macros, source, key)
                if problem:
                    message, column = problem
                    where = source.location(key, rule_id)
                    if column is not None:
                        where = Location(where.path, where.line, column, rule_id)
                    self.result.problems.append(DueDiligenceError(message, where))
                    self.bad_patterns.add((str(source.path), index))

    def _pattern_problem(self, pattern: str, macros: dict[str, str], source: SourcedYaml,
                         key: tuple) -> tuple[str, int | None] | None:
        for ref in _MACRO_REF.finditer(pattern):
            name = ref.group(1)
            if name in macros:
                continue
            column = _column_of(source, key, ref.group(0))
            if name.upper() in macros:
                return (f"'{{{name}}}' is not a macro: macro names are upper case; write "
                        f"{{{name.upper()}}}", column)
            if name != name.upper():
                continue                      # {n,m}-like text in lower case is left to the regex
            close = difflib.get_close_matches(name, sorted(macros), 1)
            hint = (f" (did you mean {{{close[0]}}}?)" if close
                    else "; known: " + ", ".join(sorted(macros)))
            return f"unknown macro {{{name}}}{hint}", column
        try:
            compile_pattern(pattern, macros)
        except PatternError as exc:
            if "does not compile" not in str(exc):
                return str(exc), None
            reason, position = _compile_problem(pattern, macros)
            if position is None:
                return reason, None
            return (f"{reason} (character {position + 1} of the pattern)",
                    _value_column(source, key, position))
        danger = blowup(expand(pattern, macros))
        return (f"pattern {danger}", None) if danger else None

    # -- examples ------------------------------------------------------------------------------

    def rule_set(self) -> RuleSet:
        assert self.lexicon is not None and self.meta is not None
        usable = [r for r in self.rules if (str(r.source.path), r.index) not in self.bad_patterns]
        registry = Registry([entry for entry, _, _ in self.vendor_entries])
        return RuleSet(usable, registry, self.lexicon, self.meta, self.digest.hexdigest(),
                       list(self.result.files))

    def examples(self, rule_set: RuleSet) -> None:
        from .ruletests import Harness       # the engine is only needed here

        try:
            harness = Harness.for_rule_set(rule_set)
        except DueDiligenceError as exc:
            self.result.problems.append(exc)
            return
        for loaded in rule_set.rules:
            for example in harness.run_rule(loaded.rule):
                self.result.examples += 1
                if not example.passed:
                    key = ("rules", loaded.index, "examples", example.kind, example.index)
                    self.problem(f"example {example.label} fails: {example.detail}",
                                 loaded.source, key, loaded.rule.id)


# -- pydantic errors in words -----------------------------------------------------------------


def _clean_loc(loc: tuple, data: Any) -> tuple:
    """The error's path in the YAML data: pydantic's union-member tags dropped."""
    out: list[Any] = []
    current = data
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif isinstance(part, str) and _UNION_TAG.match(part) and not (
                last and isinstance(current, dict) and part not in current and part.islower()
                and part not in _FRIENDLY_TYPE):
            continue
        else:
            current = None
        out.append(part)
    return tuple(out)


def _without_union_noise(errors: list[dict], data: Any) -> list[dict]:
    """Drop "not a valid string" from a union's other member when a member fits the input type.

    ``patterns`` entries are text or a mapping; for a mapping with a wrong key pydantic reports
    both "should be a valid string" and the real problem. Keep the real problem only; when every
    member fails on type alone, keep one combined error.
    """
    by_position: dict[tuple, list[dict]] = {}
    for error in errors:
        loc = tuple(error["loc"])
        tags = [i for i, part in enumerate(loc) if isinstance(part, str) and _UNION_TAG.match(part)
                and _clean_loc(loc[:i + 1], data) == _clean_loc(loc[:i], data)]
        position = _clean_loc(loc[:tags[0]], data) if tags else None
        error = {**error, "_position": position, "_tag": loc[tags[0]] if tags else None}
        by_position.setdefault(position or ("<plain>", id(error)), []).append(error)
    kept: list[dict] = []
    for group in by_position.values():
        if group[0]["_position"] is None:
            kept += group
            continue
        real = [e for e in group if not e["type"].endswith("_type")]
        if real:
            kept += real
        else:
            tags = list(dict.fromkeys(e["_tag"] for e in group))
            kept.append({**group[0], "type": "union_type", "loc": group[0]["_position"],
                         "ctx": {"tags": tags}})
    return kept


def _item_id(data: Any, loc: tuple) -> str | None:
    if len(loc) >= 2 and loc[0] in ("rules", "vendors") and isinstance(loc[1], int):
        try:
            item_id = data[loc[0]][loc[1]].get("id")
        except (AttributeError, IndexError, KeyError, TypeError):
            return None
        return item_id if isinstance(item_id, str) else None
    return None


def _field_name(loc: tuple) -> str:
    """A readable path for a field: 'examples.match', 'patterns[1].vendor_side'."""
    parts = loc[2:] if len(loc) >= 2 and loc[0] in ("rules", "vendors") else loc
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or str(loc[0]) if loc else "file"


def _message(error: dict, loc: tuple, model: type[BaseModel], data: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    name = _field_name(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1], data)
        close = difflib.get_close_matches(key, allowed, 1, 0.6)
        if close:
            return f"unknown key '{key}' (did you mean '{close[0]}'?)"
        return f"unknown key '{key}'; allowed keys: {', '.join(allowed)}"
    if kind == "missing":
        return f"missing required key '{loc[-1]}'"
    if kind in ("literal_error", "enum"):
        allowed = regex.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        close = difflib.get_close_matches(str(value), allowed, 1) if isinstance(value, str) else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"'{name}' must be one of: {', '.join(allowed)}; got {value!r}{hint}"
    if kind == "string_pattern_mismatch" and loc[-1] == "id":
        shape = ("dotted lower-case words, like 'restriction.national_ban'" if loc[0] == "rules"
                 else "lower-case letters, digits and underscores, like 'hikvision'")
        return f"'id' must be {shape}; got {value!r}"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return f"'{name}' does not have the expected form (pattern {pattern}); got {value!r}"
    if kind == "union_type":
        wanted = " or ".join(_FRIENDLY_TYPE.get(t, t) for t in error["ctx"]["tags"])
        return f"'{name}' must be {wanted}; got {value!r}"
    if kind.endswith("_type"):
        wanted = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping",
                  "model_type": "a mapping", "int_type": "a whole number",
                  "float_type": "a number", "bool_type": "true or false",
                  "int_parsing": "a whole number", "float_parsing": "a number"}.get(kind)
        if wanted:
            return f"'{name}' must be {wanted}; got {value!r}"
    if kind == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        if isinstance(value, list):
            plural = "s" if least != 1 else ""
            return f"'{name}' needs at least {least} item{plural}; it has {len(value)}"
        return f"'{name}' must be at least {least} characters long; got {value!r}"
    return f"'{name}': {error['msg']}; got {value!r}"


def _allowed_keys(model: type[BaseModel], loc: tuple, data: Any) -> list[str]:
    """The keys the model accepts at ``loc`` (a path into the data)."""
    annotation: Any = model
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    for candidate in _members(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return list(candidate.model_fields)
    return []


def _members(annotation: Any) -> list[Any]:
    """The types an annotation may hold (union members, Optional unwrapped)."""
    if typing.get_origin(annotation) in (typing.Union, getattr(__import__("types"), "UnionType")):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _step(annotation: Any, part: Any) -> Any:
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            if isinstance(part, str) and part in member.model_fields:
                return member.model_fields[part].annotation
        origin = typing.get_origin(member)
        if origin is list and isinstance(part, int):
            return typing.get_args(member)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(member)[1]
    return None


# -- pattern messages -------------------------------------------------------------------------


def _regex_reason(exc: regex.error) -> str:
    return str(exc.msg if hasattr(exc, "msg") else exc)


def _compile_problem(pattern: str, macros: dict[str, str]) -> tuple[str, int | None]:
    """Why a pattern does not compile, and where in the pattern as written (0-based), if known.

    Known macros are replaced by filler of the same length, so positions stay those of the
    written pattern; an unclosed bracket is pointed at where it opens, not at the end.
    """
    probe = _MACRO_REF.sub(lambda m: "x" * len(m.group(0)) if m.group(1) in macros else m.group(0),
                           pattern)
    try:
        regex.compile(probe, regex.IGNORECASE)
    except regex.error as exc:
        reason = _regex_reason(exc)
        position = getattr(exc, "pos", None)
        if reason.startswith("missing )"):
            position = _unclosed(pattern, "(", ")")
            reason = "'(' is never closed"
        elif reason.startswith("unterminated character set"):
            position = _unclosed(pattern, "[", "]")
            reason = "'[' is never closed"
        return f"pattern does not compile: {reason}", position
    return "pattern does not compile once its macros are inserted", None


def _unclosed(pattern: str, opening: str, closing: str) -> int | None:
    """Index of the last opening bracket without its closing one (escapes and classes skipped)."""
    stack: list[int] = []
    escaped = in_class = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif opening == "(" and in_class:
            in_class = char != "]"
        elif char == "[" and opening == "(":
            in_class = True
        elif char == opening and not (opening == "[" and stack):
            stack.append(index)
        elif char == closing and stack:
            stack.pop()
    return stack[-1] if stack else None


def _value_column(source: SourcedYaml, key: tuple, offset: int) -> int | None:
    """The column of character ``offset`` of a one-line scalar, counting YAML quoting/escapes."""
    where = source.location(key)
    try:
        line = source.path.read_text(encoding="utf-8").splitlines()[where.line - 1]
    except (OSError, IndexError, TypeError):
        return None
    index = (where.column or 1) - 1
    quote = line[index] if index < len(line) and line[index] in "'\"" else ""
    index += len(quote)
    for _ in range(offset):
        if index >= len(line):
            return None
        if quote == '"' and line[index] == "\\":
            index += 2
        elif quote == "'" and line.startswith("''", index):
            index += 2
        else:
            index += 1
    return index + 1 if index < len(line) else None


def _column_of(source: SourcedYaml, key: tuple, text: str) -> int | None:
    """The column of ``text`` in the YAML line where the value at ``key`` starts, if it is there."""
    where = source.location(key)
    try:
        line = source.path.read_text(encoding="utf-8").splitlines()[where.line - 1]
    except (OSError, IndexError, TypeError):
        return None
    found = line.find(text, (where.column or 1) - 1)
    return found + 1 if found >= 0 else None


# -- catastrophic backtracking ----------------------------------------------------------------

try:  # the standard library's regex parser gives the structure of a pattern
    import re._constants as _sre
    import re._parser as _sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# Characters tried as the "run" that a group might split ambiguously; letters first, so that
# messages show the most readable one. Literals of the pattern are added to them.
_SAMPLE = "abcdefghijklmnopqrstuvwxyz \t\n0123456789_.,;:'\"-/&()!?%$é"
_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT}
_POSSESSIVE = getattr(_sre, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(_sre, "ATOMIC_GROUP", None)
_CHAR_NODES = {_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN}


@functools.lru_cache(maxsize=4096)
def blowup(pattern: str) -> str | None:
    """Why ``pattern`` can backtrack exponentially on long text, or None when it cannot.

    A repeated group is dangerous when one piece of text can be split between its repetitions in
    many ways: the group can match a run of some character c, and something inside it that
    repeats can also eat c (``(a+)+``, ``(\\w+\\s?)*``: the optional ``\\s?`` lets two words run
    together). A group whose every repetition must end in something the inner repeat cannot
    match (``(\\w+\\s+)*``) is safe. Patterns the standard parser cannot read are left to the
    run-time time limit.
    """
    try:
        tree = _sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - syntax only the `regex` engine knows; the timeout covers it
        return None
    alphabet = list(dict.fromkeys(_SAMPLE + "".join(sorted(_literals(tree.data)))))
    return _scan(list(tree.data), alphabet)


def _literals(seq: Iterable) -> set[str]:
    found: set[str] = set()
    for op, arg in seq:
        if op in (_sre.LITERAL, _sre.NOT_LITERAL):
            found.add(chr(arg).lower())
        elif op == _sre.IN:
            found |= {chr(a).lower() for o, a in arg if o == _sre.LITERAL}
        for sub in _children(op, arg):
            found |= _literals(sub)
    return found


def _children(op: Any, arg: Any) -> list[list]:
    if op in _REPEATS or op == _POSSESSIVE:
        return [list(arg[2])]
    if op == _sre.SUBPATTERN:
        return [list(arg[3])]
    if op == _sre.BRANCH:
        return [list(b) for b in arg[1]]
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        return [list(arg[1])]
    if op == _ATOMIC:
        return [list(arg)]
    if op == _sre.GROUPREF_EXISTS:
        return [list(arg[1])] + ([list(arg[2])] if arg[2] else [])
    return []


def _scan(seq: list, alphabet: list[str]) -> str | None:
    for op, arg in seq:
        if op in _REPEATS and arg[1] > 1 and _has_inner_repeat(list(arg[2])):
            body = list(arg[2])
            for c in alphabet:
                if _run_ok(body, c) and _consumes(body, c):
                    inner = _inner_pump(body, c)
                    if inner is not None:
                        return (f"can take exponential time on long text: a repeated group "
                                f"contains '{_render(inner)}', and a run of '{_show(c)}' can be "
                                "split between the repetitions in many ways (nested quantifiers, "
                                "like '(a+)+' or '(\\w+\\s?)*'); make each repetition end in "
                                "something the inner part cannot match, e.g. '(?:\\w+ )*'")
        for sub in _children(op, arg):
            found = _scan(sub, alphabet)
            if found:
                return found
    return None


def _has_inner_repeat(seq: list) -> bool:
    return any((op in _REPEATS and arg[1] > 1) or any(_has_inner_repeat(sub)
                                                     for sub in _children(op, arg))
               for op, arg in seq)


def _matches(op: Any, arg: Any, c: str) -> bool:
    """Does the single-character node match ``c`` (case-insensitively)?"""
    if op == _sre.LITERAL:
        return chr(arg).lower() == c
    if op == _sre.NOT_LITERAL:
        return chr(arg).lower() != c
    if op == _sre.ANY:
        return c != "\n"
    negate = any(o == _sre.NEGATE for o, _ in arg)
    return negate != any(_in_item(o, a, c) for o, a in arg if o != _sre.NEGATE)


def _in_item(op: Any, arg: Any, c: str) -> bool:
    if op == _sre.LITERAL:
        return chr(arg).lower() == c
    if op == _sre.RANGE:
        lo, hi = arg
        return lo <= ord(c) <= hi or lo <= ord(c.upper()) <= hi
    if op == _sre.CATEGORY:
        name = str(arg)
        word = c.isalnum() or c == "_"
        tests = {"CATEGORY_WORD": word, "CATEGORY_NOT_WORD": not word,
                 "CATEGORY_DIGIT": c.isdigit(), "CATEGORY_NOT_DIGIT": not c.isdigit(),
                 "CATEGORY_SPACE": c.isspace(), "CATEGORY_NOT_SPACE": not c.isspace()}
        return tests.get(name, True)
    return True


def _run_ok(seq: list, c: str) -> bool:
    """Can ``seq`` match a (possibly empty) run of the character ``c``?"""
    return all(_node_run_ok(op, arg, c) for op, arg in seq)


def _node_run_ok(op: Any, arg: Any, c: str) -> bool:
    if op in _CHAR_NODES:
        return _matches(op, arg, c)
    if op == _sre.AT:
        if str(arg) == "AT_BOUNDARY":
            return not (c.isalnum() or c == "_")
        return str(arg) == "AT_NON_BOUNDARY"
    if op in _REPEATS or op == _POSSESSIVE:
        return arg[0] == 0 or _run_ok(list(arg[2]), c)
    if op == _sre.SUBPATTERN:
        return _run_ok(list(arg[3]), c)
    if op == _sre.BRANCH:
        return any(_run_ok(list(b), c) for b in arg[1])
    if op == _ATOMIC:
        return _run_ok(list(arg), c)
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        return True
    return False


def _consumes(seq: list, c: str) -> bool:
    """Can ``seq`` match a non-empty run of ``c``?"""
    if not _run_ok(seq, c):
        return False
    for op, arg in seq:
        if op in _CHAR_NODES and _matches(op, arg, c):
            return True
        if op in _REPEATS or op == _POSSESSIVE:
            if arg[1] > 0 and _consumes(list(arg[2]), c):
                return True
        if op == _sre.SUBPATTERN and _consumes(list(arg[3]), c):
            return True
        if op == _sre.BRANCH and any(_consumes(list(b), c) for b in arg[1]):
            return True
    return False


def _inner_pump(seq: list, c: str) -> tuple | None:
    """A backtracking repeat inside ``seq`` that can eat more than one ``c``."""
    for op, arg in seq:
        if op in _REPEATS and arg[1] > 1 and _consumes(list(arg[2]), c):
            return (op, arg)
        if op == _sre.SUBPATTERN:
            found = _inner_pump(list(arg[3]), c)
        elif op == _sre.BRANCH:
            found = next((f for b in arg[1] if _run_ok(list(b), c)
                          for f in [_inner_pump(list(b), c)] if f), None)
        elif op in _REPEATS:
            found = _inner_pump(list(arg[2]), c)
        else:
            found = None
        if found:
            return found
    return None


def _show(c: str) -> str:
    return {" ": "space", "\t": "tab", "\n": "newline"}.get(c, c)


def _render(node: tuple) -> str:
    """A short, regex-like rendering of a repeat node for messages."""
    op, arg = node
    low, high = arg[0], arg[1]
    quant = {(0, 1): "?", (1, _sre.MAXREPEAT): "+", (0, _sre.MAXREPEAT): "*"}.get(
        (low, high), f"{{{low},{'' if high == _sre.MAXREPEAT else high}}}")
    body = list(arg[2])
    if len(body) == 1 and body[0][0] in _CHAR_NODES:
        return _render_char(*body[0]) + quant
    return "(...)" + quant


def _render_char(op: Any, arg: Any) -> str:
    if op == _sre.LITERAL:
        return regex.escape(chr(arg))
    if op == _sre.ANY:
        return "."
    if op == _sre.IN and len(arg) == 1 and arg[0][0] == _sre.CATEGORY:
        return {"CATEGORY_WORD": r"\w", "CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s",
                "CATEGORY_NOT_WORD": r"\W", "CATEGORY_NOT_DIGIT": r"\D",
                "CATEGORY_NOT_SPACE": r"\S"}.get(str(arg[0][1]), "[...]")
    return "[...]"
