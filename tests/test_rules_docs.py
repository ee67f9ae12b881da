"""The worked example of ``docs/rules.md`` run end to end, and ``rules list`` and ``explain``.

The walkthrough's rule and test article are taken from the document itself (the fenced blocks
after ``<!-- example-file: PATH -->``), so the document cannot drift from what works.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from duediligence import rules_cli
from duediligence.cli import main
from duediligence.resources import bundled
from duediligence.ruleset import load_rule_set
from duediligence.validation import validate

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "rules.md"
EXAMPLE_FILE = re.compile(r"<!-- example-file: (\S+) -->\n```\w*\n(.*?)\n```", re.S)


@pytest.fixture(scope="module")
def shipped():
    return load_rule_set([bundled("rules")])


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    """The walkthrough's files, written where the document says."""
    root = tmp_path_factory.mktemp("walkthrough")
    files = EXAMPLE_FILE.findall(DOC.read_text(encoding="utf-8"))
    assert [name for name, _ in files] == ["our-rules/concerns/critical_infrastructure.yaml",
                                          "our-rules/tests/grid_operator_cameras.md"]
    for name, text in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n", encoding="utf-8")
    return root / "our-rules"


@pytest.fixture
def cli(shipped, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    real = rules_cli.load_rule_set
    monkeypatch.setattr(rules_cli, "load_rule_set",
                        lambda dirs: shipped if len(dirs) == 1 else real(dirs))

    def invoke(*args: str):
        result = CliRunner().invoke(main, list(args))
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result

    return invoke


def test_walkthrough_rule_validates_cleanly(pack):
    result = validate([bundled("rules"), pack])
    mine = [str(p) for p in result.problems if str(pack) in str(p)]
    assert mine == []
    assert any(r.rule.id == "restriction.critical_infrastructure" for r in result.rule_set.rules)


def test_walkthrough_rule_and_article_pass_rules_test(cli, pack):
    result = cli("rules", "test", "--rules", str(pack))
    lines = result.output.splitlines()
    assert "PASS  restriction.critical_infrastructure  (5 examples)" in lines
    assert f"PASS  {pack}/tests/grid_operator_cameras.md" in lines


def test_walkthrough_rule_finds_the_ban_in_a_check(cli, pack, tmp_path):
    report = tmp_path / "hikvision.json"
    result = cli("check", "Hikvision", "--rules", str(pack), "--corpus", str(pack / "tests"),
                 "--json", str(report), "--fail-on", "never", "-q")
    assert result.exit_code == 0, result.output
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert "restriction.critical_infrastructure" in {f["rule_id"] for f in findings}


def test_walkthrough_explain_shows_the_attribution(cli, pack):
    result = cli("explain", "Hikvision", "--rule", "restriction.critical_infrastructure",
                 "--rules", str(pack), "--corpus", str(pack / "tests"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(m["document"], m["line"], m["verdict"], m["companies"]) for m in data["matches"]] == [
        ("grid_operator_cameras.md", 9, "attributed", ["Hikvision"])]


def test_doc_names_every_command_and_field(shipped):
    text = DOC.read_text(encoding="utf-8")
    for command in ("rules validate", "rules test", "rules list", "explain"):
        assert f"duediligence {command}" in text
    rule_fields = ["id", "title", "category", "severity", "status", "description", "references",
                   "patterns", "vendor_side", "allow", "examples", "falsepositives"]
    for field in rule_fields:
        assert f"| `{field}` |" in text, field
    for category in ("human_rights", "vendor_response", "government_restriction"):
        assert category in text


# -- rules list ---------------------------------------------------------------------------------


def test_rules_list_text(cli, shipped):
    result = cli("rules", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "CATEGORY", "SEVERITY", "STATUS", "TITLE"]
    assert lines[-1] == f"{len(shipped.rules)} rules"
    ban = next(line for line in lines if line.startswith("restriction.ban "))
    assert ban.split()[:4] == ["restriction.ban", "government_restriction", "critical", "stable"]


def test_rules_list_json_includes_a_pack(cli, shipped, pack):
    result = cli("rules", "list", "--format", "json", "--rules", str(pack))
    rows = json.loads(result.output)
    assert len(rows) == len(shipped.rules) + 1
    assert set(rows[0]) == {"id", "category", "severity", "status", "title", "file"}
    mine = next(r for r in rows if r["id"] == "restriction.critical_infrastructure")
    assert (mine["category"], mine["severity"], mine["status"]) == (
        "government_restriction", "critical", "experimental")


# -- explain ------------------------------------------------------------------------------------


def test_explain_shows_attributed_rejected_and_other(cli, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "Camera bans\n\n"
        "The ministry banned Hikvision from all public tenders.\n\n"
        "Hikvision has not been banned in Sweden.\n\n"
        "The regulator banned Dahua Technology cameras on Monday.\n", encoding="utf-8")
    (corpus / "b.md").write_text("Other news\n\nThe council banned Uniview cameras.\n",
                                 encoding="utf-8")
    result = cli("explain", "Hikvision", "--rule", "restriction.ban", "--corpus", str(corpus),
                 "--format", "json")
    data = json.loads(result.output)
    assert (data["documents"], data["documents_mentioning"]) == (2, 1)
    verdicts = {(m["line"], m["verdict"]) for m in data["matches"]}
    assert (3, "attributed") in verdicts
    assert (5, "rejected") in verdicts
    assert (7, "other") in verdicts
    assert {m["document"] for m in data["matches"]} == {"a.md"}
    rejected = next(m for m in data["matches"] if m["line"] == 5)
    assert rejected["why"] == "negated in its clause"

    everything = json.loads(cli("explain", "Hikvision", "--rule", "restriction.ban", "--corpus",
                                str(corpus), "--all-documents", "--format", "json").output)
    assert "b.md" in {m["document"] for m in everything["matches"]}

    text = cli("explain", "Hikvision", "--rule", "restriction.ban", "--corpus", str(corpus)).output
    assert "a.md:3: ATTRIBUTED to Hikvision" in text
    assert "a.md:5: NOT ATTRIBUTED" in text
    assert "a.md:7: attributed to Dahua Technology, not to Hikvision" in text
    assert "    why:      negated in its clause" in text


def test_explain_an_unknown_rule_suggests_the_nearest(cli):
    result = cli("explain", "Hikvision", "--rule", "restriction.bann")
    assert result.exit_code == 2
    assert result.output.startswith("duediligence: error: no rule with id 'restriction.bann'; "
                                    "did you mean restriction.ban")
