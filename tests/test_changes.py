"""`check --since PREVIOUS.json`: new findings, findings gone, evidence changed, rating change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from duediligence.changes import compare, load_previous
from duediligence.check import check
from duediligence.cli import load_rules, main
from duediligence.errors import DueDiligenceError
from duediligence.report import Report, report_json

ARTICLES = {
    "a_entity.md": "The US Commerce Department added Hikvision to the Entity List on Monday over "
                   "its role in human rights abuses in Xinjiang.\n",
    "b_ban.md": "The health department banned Hikvision from competing for new contracts.\n",
    "c_camps.md": "MPs said Hikvision supplied the cameras used in internment camps in Xinjiang.\n",
    "d_ban2.md": "The transport ministry banned Hikvision from public tenders last year.\n",
    "e_state.md": "Hikvision, which is 42% state-owned, said it took all concerns seriously.\n",
}


def write(directory: Path, names: list[str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for number, name in enumerate(names):
        (directory / name).write_text(
            f"---\ntitle: Article {name}\npublisher: Publisher {number}\ndate: 2024-0{number + 1}-01\n"
            f"---\n{ARTICLES[name]}", encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def rule_set():
    return load_rules(())


@pytest.fixture(autouse=True)
def rules_loaded_once(rule_set, monkeypatch):
    monkeypatch.setattr("duediligence.cli.load_rules", lambda extra: rule_set)


def rules_of(report: Report) -> set[str]:
    return {f.rule_id for f in report.findings}


def test_since_lists_exactly_the_added_and_removed_findings(tmp_path, rule_set):
    before_dir = write(tmp_path / "before", ["a_entity.md", "b_ban.md", "c_camps.md", "d_ban2.md"])
    after_dir = write(tmp_path / "after", ["a_entity.md", "b_ban.md", "e_state.md"])
    previous_path = tmp_path / "previous.json"
    result = CliRunner().invoke(main, ["check", "Hikvision", "--corpus", str(before_dir),
                                       "--json", str(previous_path), "-q", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    previous = Report.model_validate_json(previous_path.read_bytes())
    plain = check("Hikvision", after_dir, rule_set)
    added, removed = rules_of(plain) - rules_of(previous), rules_of(previous) - rules_of(plain)
    assert added and removed, "the test articles no longer produce the findings this test needs"

    current_path = tmp_path / "current.json"
    result = CliRunner().invoke(main, ["check", "Hikvision", "--corpus", str(after_dir), "--json",
                                       str(current_path), "--since", str(previous_path),
                                       "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    changes = Report.model_validate_json(current_path.read_bytes()).changes
    assert changes is not None and changes.previous == str(previous_path)
    assert {r.rule_id for r in changes.new_findings} == added
    assert {r.rule_id for r in changes.gone_findings} == removed
    assert {r.id for r in changes.gone_findings} == {
        f.id for f in previous.findings if f.rule_id in removed}
    assert changes.previous_rating == previous.rating
    assert changes.rating_changed == (previous.rating != plain.rating)
    assert changes.score_change == round(plain.score - previous.score, 2)
    assert changes.corpus_changed and not changes.rule_set_changed
    # restriction.ban lost the quote from d_ban2.md: changed, neither new nor gone.
    kept = {c.rule_id: c for c in changes.changed_findings}
    for rule_id, change in kept.items():
        assert rule_id in rules_of(plain) & rules_of(previous)
        assert change.evidence_removed or change.evidence_added
    if "restriction.ban" in kept:
        assert len(kept["restriction.ban"].evidence_removed) == 1
    for rule_id in added:
        assert f"{rule_id} " in result.output
    assert "New findings:" in result.output and "Findings gone:" in result.output


def test_same_corpus_has_no_changes(tmp_path, rule_set):
    corpus = write(tmp_path / "c", ["a_entity.md", "b_ban.md"])
    report = check("Hikvision", corpus, rule_set)
    previous_path = tmp_path / "p.json"
    previous_path.write_bytes(report_json(report))
    changes = compare(load_previous(previous_path), report, "p.json")
    assert not (changes.new_findings or changes.gone_findings or changes.changed_findings)
    assert not changes.rating_changed and changes.score_change == 0
    result = CliRunner().invoke(main, ["check", "Hikvision", "--corpus", str(corpus), "--since",
                                       str(previous_path), "--fail-on", "never"])
    assert "No finding added, gone or changed." in result.output


def test_previous_report_of_another_vendor_or_broken_is_an_error(tmp_path, rule_set):
    corpus = write(tmp_path / "c", ["a_entity.md"])
    other = tmp_path / "dahua.json"
    other.write_bytes(report_json(check("Dahua Technology", corpus, rule_set)))
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "vendor": {\n    "id": "hikvision",,\n', encoding="utf-8")
    for path, start in ((other, f"{other}: previous report is for Dahua"),
                        (broken, f"{broken}:3:"), (tmp_path / "missing.json", f"{tmp_path}")):
        result = CliRunner().invoke(main, ["check", "Hikvision", "--corpus", str(corpus),
                                           "--since", str(path)])
        assert result.exit_code == 2, result.output
        message = result.stderr.strip()
        assert "\n" not in message and message.startswith(f"duediligence: error: {start}"), message


def test_previous_report_is_read_leniently(tmp_path, rule_set):
    corpus = write(tmp_path / "c", ["a_entity.md"])
    report = check("Hikvision", corpus, rule_set)
    data = json.loads(report_json(report))
    data["some_future_field"] = {"x": 1}
    for key in ("review", "changes", "negative_result", "search", "rule_set"):
        data.pop(key, None)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    changes = compare(load_previous(path), report, "old.json")
    assert not changes.new_findings and not changes.gone_findings
    with pytest.raises(DueDiligenceError, match="not a duediligence report"):
        path.write_text('{"vendor": {"id": "x"}}', encoding="utf-8")
        load_previous(path)
