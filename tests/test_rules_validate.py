"""``duediligence rules validate``: one exact message per error class, all problems in one run.

Each fixture pack under ``tests/rule_fixtures/`` is validated on top of an isolated base (the
shipped lexicon, rule-set and vendor files plus one good rule), so that the output holds the
fixture's own problems only and can be compared line for line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from duediligence import rules_cli
from duediligence.cli import main
from duediligence.resources import bundled
from duediligence.validation import blowup, validate

REPO = Path(__file__).resolve().parent.parent
FIXTURES = "tests/rule_fixtures"
CATEGORIES = ("human_rights, ethnic_profiling, transparency, state_control, security, sanctions, "
              "government_restriction, audit_finding, forced_labour, vendor_response")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A rules directory with the shipped lexicon, rule set and vendors, and one good rule."""
    root = tmp_path_factory.mktemp("base")
    for name in ("lexicon.yaml", "ruleset.yaml", "vendors.yaml"):
        shutil.copy(bundled("rules") / name, root / name)
    shutil.copy(REPO / FIXTURES / "base" / "concerns.yaml", root / "concerns.yaml")
    return root


@pytest.fixture
def run(base, monkeypatch):
    """``duediligence rules validate ARGS`` from the repository root, on the isolated base."""
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(rules_cli, "bundled",
                        lambda name: base if name == "rules" else bundled(name))

    def invoke(*args: str):
        result = CliRunner().invoke(main, ["rules", "validate", *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result

    return invoke


def problems(output: str) -> list[str]:
    return output.splitlines()[:-1]


def fixture(name: str, file: str = "rules.yaml") -> str:
    return f"{FIXTURES}/{name}/{file}"


CASES = {
    "unknown_key": [
        f"{fixture('unknown_key')}:7:5: fixture.unknown_key: unknown key 'referenses' "
        "(did you mean 'references'?)"],
    "wrong_category": [
        f"{fixture('wrong_category')}:4:15: fixture.wrong_category: 'category' must be one of: "
        f"{CATEGORIES}; got 'procurement'"],
    "missing_key": [
        f"{fixture('missing_key')}:2:5: fixture.missing_key: missing required key 'description'"],
    "bad_id": [
        f"{fixture('bad_id')}:2:9: Tender Ban: 'id' must be dotted lower-case words, like "
        "'restriction.national_ban'; got 'Tender Ban'"],
    "bad_type": [
        f"{fixture('bad_type')}:9:22: fixture.bad_type: 'patterns[0].vendor_side' must be one of: "
        "before, after, either; got 'behind'",
        f"{fixture('bad_type')}:11:14: fixture.bad_type: 'examples.match' must be a list; got "
        "'[[Hikvision]] was barred from public tenders in March.'"],
    "duplicate_id": [
        f"{fixture('duplicate_id', 'b.yaml')}:3:9: fixture.tender_ban: duplicate rule id "
        f"'fixture.tender_ban': also defined at {fixture('duplicate_id', 'a.yaml')}:2:9"],
    "bad_pattern": [
        f"{fixture('bad_pattern')}:8:22: fixture.bad_pattern: pattern does not compile: '(' is "
        "never closed (character 13 of the pattern)"],
    "unknown_macro": [
        f"{fixture('unknown_macro')}:8:10: fixture.unknown_macro: unknown macro {{BEE}} "
        "(did you mean {BE}?)"],
    "blowup": [
        f"{fixture('blowup')}:8:9: fixture.blowup: pattern can take exponential time on long "
        "text: a repeated group contains '\\w+', and a run of 'a' can be split between the "
        "repetitions in many ways (nested quantifiers, like '(a+)+' or '(\\w+\\s?)*'); make each "
        "repetition end in something the inner part cannot match, e.g. '(?:\\w+ )*'"],
    "failing_example": [
        f"{fixture('failing_example')}:12:11: fixture.failing_example: example match[1] fails: "
        "expected a claim for [[Hikvision]], got none: none of the rule's patterns matched the "
        "sentence",
        f"{fixture('failing_example')}:13:11: fixture.failing_example: example match[2] fails: "
        "no vendor is marked; write the vendor's name as [[Name]]",
        # the engine's own explanation follows; only its beginning is pinned here
        f"{fixture('failing_example')}:16:11: fixture.failing_example: example no_match[1] fails: "
        "expected no claim for [[Dahua Technology]], got one: matched 'barred from public "
        "tenders'; ..."],
    "vendors_unknown_key": [
        f"{fixture('vendors_unknown_key', 'vendors.yaml')}:4:5: acme_vision: unknown key 'alias' "
        "(did you mean 'aliases'?)",
        f"{fixture('vendors_unknown_key', 'vendors.yaml')}:5:14: acme_vision: 'country' does not "
        "have the expected form (pattern ^[A-Z]{2}$); got 'XX1'"],
}


def assert_lines(actual: list[str], expected: list[str]) -> None:
    assert len(actual) == len(expected), "\n".join(actual)
    for got, want in zip(actual, expected):
        if want.endswith("; ..."):
            assert got.startswith(want[:-3]), got
            assert len(got) > len(want) - 3, got
        else:
            assert got == want


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_error_class_has_an_exact_located_message(run, name):
    result = run(f"{FIXTURES}/{name}")
    assert result.exit_code == 1
    assert_lines(problems(result.output), CASES[name])
    count = len(CASES[name])
    assert result.output.splitlines()[-1].endswith(
        f": {count} problem{'s' if count > 1 else ''}")


def test_five_mistakes_in_one_file_are_all_reported_in_one_run(run):
    result = run(f"{FIXTURES}/five_mistakes")
    assert result.exit_code == 1
    path = fixture("five_mistakes")
    assert problems(result.output) == [
        f"{path}:8:5: fixture.five.unknown_key: unknown key 'referenses' (did you mean "
        "'references'?)",
        f"{path}:17:15: fixture.five.category: 'category' must be one of: {CATEGORIES}; got "
        "'goverment_restriction' (did you mean 'government_restriction'?)",
        f"{path}:32:22: fixture.five.pattern: pattern does not compile: '(' is never closed "
        "(character 13 of the pattern)",
        f"{path}:43:10: fixture.five.macro: unknown macro {{BEE}} (did you mean {{BE}}?)",
        f"{path}:56:15: fixture.five.example: example match[0] fails: expected a claim for "
        "[[Hikvision]], got none: none of the rule's patterns matched the sentence",
    ]
    assert result.output.splitlines()[-1] == "5 files, 6 rules, 6 examples checked: 5 problems"


def test_an_id_already_used_by_another_pack_names_both_files(run, base):
    result = run(f"{FIXTURES}/collides_with_base")
    assert result.exit_code == 1
    assert problems(result.output) == [
        f"{fixture('collides_with_base')}:2:9: base.tender_ban: duplicate rule id "
        f"'base.tender_ban': also defined at {base / 'concerns.yaml'}:3:9"]


def test_a_clean_pack_exits_0_with_a_summary(run):
    result = run(f"{FIXTURES}/clean_pack")
    assert result.exit_code == 0
    assert result.output == "5 files, 2 rules, 8 examples checked: no problems found\n"


def test_several_packs_and_a_single_file_in_one_run(run):
    result = run(f"{FIXTURES}/unknown_key", fixture("bad_pattern"))
    assert result.exit_code == 1
    assert_lines(problems(result.output), CASES["unknown_key"] + CASES["bad_pattern"])


def test_yaml_syntax_error_is_located(run, tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "rules.yaml").write_text(
        'rules:\n  - id: fixture.escape\n    patterns: ["(?:\\w+ ){0,3}banned"]\n',
        encoding="utf-8")
    result = run(str(pack))
    assert result.exit_code == 1
    assert problems(result.output) == [
        f"{pack / 'rules.yaml'}:3:21: YAML syntax error: found unknown escape character 'w'"]


def test_a_missing_path_is_an_error(run):
    result = run("no/such/pack")
    assert result.exit_code == 1
    assert problems(result.output) == ["no/such/pack: rules path does not exist"]


def test_a_file_that_declares_no_kind(run, tmp_path):
    (tmp_path / "rule.yaml").write_text("rule:\n  - id: a.b\n", encoding="utf-8")
    result = run(str(tmp_path / "rule.yaml"))
    assert problems(result.output) == [
        f"{tmp_path / 'rule.yaml'}:1:1: expected one top-level key among: rules, vendors, "
        "lexicon, ruleset (did you mean 'rules'?)"]


def test_a_lower_case_macro_name_is_pointed_out(run, tmp_path):
    text = (REPO / fixture("unknown_macro")).read_text(encoding="utf-8").replace("{BEE}", "{be}")
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    result = run(str(tmp_path / "rules.yaml"))
    assert problems(result.output) == [
        f"{tmp_path / 'rules.yaml'}:8:10: fixture.unknown_macro: '{{be}}' is not a macro: macro "
        "names are upper case; write {BE}"]


# -- the static check for patterns that can blow up ------------------------------------------


@pytest.mark.parametrize("pattern", [
    r"(a+)+", r"(\w+\s?)*", r"(?:\w+\s?){2,}", r"(.*a)*", r"x(?:[^.]{0,60}?y)*",
    r"(?:(?:ab|\w+)\s*)+", r"(?:\d+\.?)+$",
])
def test_nested_quantifiers_that_can_split_text_ambiguously_are_refused(pattern):
    assert blowup(pattern) is not None


@pytest.mark.parametrize("pattern", [
    r"(?:\w+\s+){0,6}", r"(?:\w+ly\s+|also\s+|since\s+)*", r"(?:\s+\w+){0,5}", r"\w+\s+\w+",
    r"(?:ban|bans)+", r"(?:[\w'.&-]+\s+)+from", r"(?:\w+,\s)*\w+",
])
def test_repeats_that_cannot_split_text_ambiguously_pass(pattern):
    assert blowup(pattern) is None


def test_shipped_rules_have_no_schema_or_pattern_problems():
    """Every shipped problem, if any, is an example that misbehaves (see test_rules_test.py)."""
    result = validate([bundled("rules")], check_examples=False)
    assert [str(p) for p in result.problems] == []
    assert result.rules >= 30
