"""``duediligence rules test``: rule examples and annotated test articles, PASS/FAIL and a summary.

The shipped rules are loaded once for the module; the acceptance checks on them (two examples of
each kind per rule, every example and test article passing) are here too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from duediligence import rules_cli
from duediligence.cli import main
from duediligence.resources import bundled
from duediligence.ruleset import load_rule_set
from duediligence.ruletests import Harness, read_article, split_marks

REPO = Path(__file__).resolve().parent.parent

# Shipped examples that do not behave as declared today, as (rule id, example). They are the
# rule owner's to fix (widen a pattern, set vendor_side, or correct the example); remove each
# entry when it is fixed. The test fails on any failure not listed here.


@pytest.fixture(scope="module")
def shipped():
    return load_rule_set([bundled("rules")])


@pytest.fixture(scope="module")
def harness(shipped):
    return Harness.for_rule_set(shipped)


@pytest.fixture
def run(shipped, monkeypatch):
    """``duediligence rules test ARGS`` from the repository root, with the shipped rules cached."""
    monkeypatch.chdir(REPO)
    real = rules_cli.load_rule_set
    monkeypatch.setattr(rules_cli, "load_rule_set",
                        lambda dirs: shipped if len(dirs) == 1 else real(dirs))

    def invoke(*args: str):
        result = CliRunner().invoke(main, ["rules", "test", *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result

    return invoke


def blocks(output: str) -> dict[str, tuple[str, list[str]]]:
    """Each PASS/FAIL line's name -> (verdict, detail lines under it)."""
    found: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in output.splitlines():
        head = re.match(r"^(PASS|FAIL|SKIP)  (\S+)", line)
        if head:
            current = head.group(2)
            found[current] = (head.group(1), [])
        elif line.startswith("      ") and current:
            found[current][1].append(line.strip())
    return found


def write(directory: Path, name: str, expect: str, body: str) -> Path:
    path = directory / name
    path.write_text(f"---\ntitle: {name}\nexpect:\n{expect}---\n{body}\n", encoding="utf-8")
    return path


# -- the shipped rules --------------------------------------------------------------------------


def test_every_shipped_rule_has_two_examples_of_each_kind(shipped):
    short = [f"{r.rule.id}: {len(r.rule.examples.match)} match, "
             f"{len(r.rule.examples.no_match)} no_match"
             for r in shipped.rules
             if len(r.rule.examples.match) < 2 or len(r.rule.examples.no_match) < 2]
    assert short == [], "every shipped rule needs at least two examples of each kind"


def test_every_shipped_match_example_marks_a_vendor(shipped):
    unmarked = [f"{r.rule.id}: {s}" for r in shipped.rules for s in r.rule.examples.match
                if not split_marks(s)[1]]
    assert unmarked == []


def test_shipped_examples_behave_as_declared(shipped, harness):
    failing = {(r.rule_id, r.label): r.detail for loaded in shipped.rules
               for r in harness.run_rule(loaded.rule) if not r.passed}
    assert failing == {}, "shipped examples that do not behave as declared"


def test_shipped_test_articles_pass(run):
    result = run()
    articles = {k: v for k, v in blocks(result.output).items() if k.startswith("rules/tests/")}
    assert len(articles) >= 8
    assert {k: v for k, v in articles.items() if v[0] != "PASS"} == {}
    assert re.fullmatch(r"\d+ passed, \d+ failed", result.output.splitlines()[-1])


# -- output and exit status -----------------------------------------------------------------------


def test_per_rule_lines_summary_and_exit_status(run, shipped, tmp_path):
    write(tmp_path, "ok.md", "  Dahua Technology: [sanctions.entity_list]\n",
          "Dahua Technology was added to the Entity List in 2019.")
    result = run(str(tmp_path))
    found = blocks(result.output)
    assert set(found) >= {r.rule.id for r in shipped.rules} | {f"{tmp_path}/ok.md"}
    assert found[f"{tmp_path}/ok.md"] == ("PASS", [])
    failed = sum(1 for verdict, _ in found.values() if verdict == "FAIL")
    passed = sum(1 for verdict, _ in found.values() if verdict == "PASS")
    assert result.output.splitlines()[-1] == f"{passed} passed, {failed} failed"
    assert result.exit_code == (1 if failed else 0)
    assert found["restriction.ban"][0] in ("PASS", "FAIL")
    assert re.search(r"^(PASS|FAIL)  restriction\.ban  \(\d+ examples\)$", result.output, re.M)


def test_a_failing_article_fails_the_run_and_says_why(run, tmp_path):
    write(tmp_path, "wrong.md",
          "  Kaspersky: [security.espionage, sanctions.entity_list, securty]\n",
          "Federal agencies were ordered to remove Kaspersky products from their networks.\n\n"
          "Officials accused Kaspersky of enabling Russian espionage.")
    result = run(str(tmp_path / "wrong.md"))
    assert result.exit_code == 1
    verdict, details = blocks(result.output)[f"{tmp_path}/wrong.md"]
    assert verdict == "FAIL"
    assert details == [
        "Kaspersky: 'securty' is neither a rule id nor a category (did you mean 'security'?)",
        "Kaspersky: missing sanctions.entity_list",
        "Kaspersky: unexpected restriction.procurement_stop (line 6: 'remove Kaspersky products')",
    ]


def test_categories_count_like_any_rule_of_the_category(run, tmp_path):
    write(tmp_path, "cats.md", "  Kaspersky: [security, government_restriction]\n",
          "Federal agencies were ordered to remove Kaspersky products from their networks.\n\n"
          "Officials accused Kaspersky of enabling Russian espionage.")
    write(tmp_path, "mixed.md",
          "  Kaspersky: [security.espionage, government_restriction]\n",
          "Federal agencies were ordered to remove Kaspersky products from their networks.\n\n"
          "Officials accused Kaspersky of enabling Russian espionage.")
    found = blocks(run(str(tmp_path)).output)
    assert found[f"{tmp_path}/cats.md"] == ("PASS", [])
    assert found[f"{tmp_path}/mixed.md"] == ("PASS", [])


def test_a_finding_for_a_vendor_not_listed_is_a_failure(run, tmp_path):
    write(tmp_path, "stray.md", "  Megvii: [sanctions.entity_list]\n",
          "Megvii and SenseTime were added to the Entity List on Monday.")
    verdict, details = blocks(run(str(tmp_path)).output)[f"{tmp_path}/stray.md"]
    assert verdict == "FAIL"
    assert details == ["SenseTime (not in expect): unexpected sanctions.entity_list "
                       "(line 6: 'Entity List')"]


def test_an_empty_list_means_named_but_clean(run, tmp_path):
    write(tmp_path, "clean.md", "  Hikvision: []\n",
          "The ministry banned Hikvision from all public tenders.")
    verdict, details = blocks(run(str(tmp_path)).output)[f"{tmp_path}/clean.md"]
    assert verdict == "FAIL"
    assert details[0].startswith("Hikvision: unexpected restriction.ban (line 6: ")


@pytest.mark.parametrize("text, reason", [
    ("Just a body, no header.\n",
     "no front matter: start the file with '---', an 'expect:' mapping, and '---'"),
    ("---\ntitle: x\n---\nBody.\n",
     "front matter has no 'expect:' mapping of vendor name to rule ids or categories"),
    ("---\nexpect:\n  Hikvision: restriction.ban\n---\nBody.\n",
     "expect: 'Hikvision' must map to a list of rule ids or categories"),
    ("---\nexpect:\n  Hikvision: []\n  Hikvision: [restriction.ban]\n---\nBody.\n",
     "expect: 'Hikvision' is listed twice; list each vendor once"),
])
def test_unusable_articles_are_failures_with_a_reason(run, tmp_path, text, reason):
    (tmp_path / "bad.md").write_text(text, encoding="utf-8")
    assert read_article(tmp_path / "bad.md", "bad.md") == reason
    result = run(str(tmp_path / "bad.md"))
    assert result.exit_code == 1
    assert blocks(result.output)[f"{tmp_path}/bad.md"] == ("FAIL", [reason])


def test_readme_files_in_a_directory_are_not_articles(run, tmp_path):
    (tmp_path / "README.md").write_text("# About these articles\n", encoding="utf-8")
    write(tmp_path, "ok.md", "  Dahua Technology: [sanctions.entity_list]\n",
          "Dahua Technology was added to the Entity List in 2019.")
    found = blocks(run(str(tmp_path)).output)
    assert f"{tmp_path}/README.md" not in found
    assert found[f"{tmp_path}/ok.md"] == ("PASS", [])


def test_quiet_prints_failures_and_the_summary_only(run, tmp_path):
    write(tmp_path, "ok.md", "  Dahua Technology: [sanctions.entity_list]\n",
          "Dahua Technology was added to the Entity List in 2019.")
    result = run("-q", str(tmp_path))
    assert not any(line.startswith("PASS") for line in result.output.splitlines())
    assert re.fullmatch(r"\d+ passed, \d+ failed", result.output.splitlines()[-1])


def test_a_missing_article_path_is_a_usage_error(run):
    result = run("no/such/articles")
    assert result.exit_code == 2
    assert "test article path does not exist: no/such/articles" in result.output


def test_rules_that_do_not_load_exit_2_with_every_problem(monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["rules", "test", "--rules",
                                       "tests/rule_fixtures/five_mistakes"])
    assert result.exit_code == 2
    assert "unknown key 'referenses'" in result.output
    assert "run 'duediligence rules validate' to see every problem" in result.output


# -- examples through the harness -------------------------------------------------------------


def test_marks_are_stripped_and_collected():
    assert split_marks("[[Hikvision]] said [[Dahua Technology]]'s ban was lifted.") == (
        "Hikvision said Dahua Technology's ban was lifted.", ["Hikvision", "Dahua Technology"])


def test_every_marked_vendor_must_get_a_claim(shipped, harness):
    rule = shipped.rule("sanctions.entity_list")
    both = harness.run_example(rule, "match", 0, "[[Megvii]] and [[SenseTime]] were added to "
                               "the Entity List.")
    assert both.passed
    one = harness.run_example(rule, "match", 0, "[[Megvii]] was added to the Entity List, "
                              "[[Axis Communications]] said.")
    assert not one.passed
    assert one.detail.startswith("expected a claim for [[Axis Communications]], got none: ")


def test_an_unmarked_vendor_is_just_another_company(shipped, harness):
    rule = shipped.rule("sanctions.entity_list")
    result = harness.run_example(rule, "no_match", 0, "[[Axis Communications]] said Megvii was "
                                 "added to the Entity List.")
    assert result.passed


def test_a_vendor_outside_the_registry_can_be_marked(shipped):
    rule = shipped.rule("sanctions.entity_list")
    sentence = "[[Brightwater Optics Ltd]] was added to the Entity List."
    result = Harness(shipped, ["Brightwater Optics Ltd"]).run_example(rule, "match", 0, sentence)
    assert result.passed
