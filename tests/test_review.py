"""Reviewer dispositions: the review file, the `review` command, scoring and staleness (issue 7)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from duediligence.check import check
from duediligence.cli import load_rules, main
from duediligence.report import Report
from duediligence.review import load_review, rule_fingerprint

VENDOR, VENDOR_ID = "Hikvision", "hikvision"

ARTICLES = {
    "a_entity.md": ("Camera makers added to trade blacklist", "Test Wire", "2024-03-01",
                    "The US Commerce Department added Hikvision to the Entity List on Monday over "
                    "its role in human rights abuses in Xinjiang.\n"),
    "b_ban.md": ("Health department bars camera supplier", "Test Gazette", "2024-04-02",
                 "The health department banned Hikvision from competing for new contracts.\n\n"
                 "Officials said the decision followed a review of security risks.\n"),
    "c_camps.md": ("MPs report on surveillance cameras", "Test Times", "2024-05-03",
                   "MPs said Hikvision supplied the cameras used in internment camps in Xinjiang.\n"),
    "d_ban2.md": ("Ministry tender rules tightened", "Test Herald", "2024-07-05",
                  "The transport ministry banned Hikvision from public tenders last year.\n"),
}
UNRELATED = ("Lund office opens", "Test Local", "2024-06-04",
             "Axis Communications opened a new office in Lund on Tuesday, creating forty jobs.\n")


def write_article(directory: Path, name: str, article: tuple[str, str, str, str]) -> Path:
    title, publisher, date, body = article
    path = directory / name
    path.write_text(f"---\ntitle: {title}\npublisher: {publisher}\ndate: {date}\n---\n{body}",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rule_set():
    return load_rules(())


@pytest.fixture(autouse=True)
def rules_loaded_once(rule_set, monkeypatch):
    """The commands load the shipped rules once per module, not once per invocation (speed)."""
    for module in ("duediligence.cli", "duediligence.review_cli"):
        monkeypatch.setattr(f"{module}.load_rules", lambda extra: rule_set)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    directory.mkdir()
    for name, article in ARTICLES.items():
        write_article(directory, name, article)
    return directory


def run_check(corpus: Path, rule_set, review_path: Path | None = None) -> Report:
    review = load_review(review_path, VENDOR_ID) if review_path is not None else None
    return check(VENDOR, corpus, rule_set, None, review)


def review_cli(corpus: Path, review_path: Path, *args: str):
    return CliRunner().invoke(main, ["review", VENDOR, "--corpus", str(corpus), "--review",
                                     str(review_path), "--reviewer", "A. Reviewer",
                                     "--date", "2026-11-20", *args])


def check_cli(corpus: Path, *args: str):
    return CliRunner().invoke(main, ["check", VENDOR, "--corpus", str(corpus), "--fail-on",
                                     "never", *args])


def top_finding(report: Report, evidence: int = 1):
    """The highest-scoring concern finding with at least ``evidence`` pieces of evidence."""
    found = [f for f in report.findings if f.points > 0 and len(f.evidence) >= evidence]
    assert found, "the test articles no longer produce the findings these tests need"
    return found[0]


def one_line_error(result, where: str) -> str:
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"duediligence: error: {where}"), message
    return message


def test_dismissed_finding_survives_unrelated_article_and_scores_nothing(corpus, rule_set,
                                                                        tmp_path):
    before = run_check(corpus, rule_set)
    target = top_finding(before)
    review_path = tmp_path / "hikvision.review.yaml"
    result = review_cli(corpus, review_path, "--finding", target.id, "--dismiss",
                        "--reason", "The cameras were another maker's.")
    assert result.exit_code == 0, result.output

    write_article(corpus, "z_unrelated.md", UNRELATED)
    unreviewed = run_check(corpus, rule_set)
    assert [f.id for f in unreviewed.findings] == [f.id for f in before.findings]  # unrelated
    after = run_check(corpus, rule_set, review_path)

    assert after.score == round(before.score - target.points, 2)
    dismissed = next(f for f in after.findings if f.id == target.id)
    assert dismissed.points == 0 and dismissed.review_status == "dismissed"
    assert dismissed.disposition is not None and dismissed.disposition.scope == "finding"
    assert {(e.disposition.reviewer, e.disposition.date, e.disposition.reason)
            for e in dismissed.evidence} == {
        ("A. Reviewer", "2026-11-20", "The cameras were another maker's.")}
    assert all(e.points == 0 for e in dismissed.evidence)
    others = {f.id: f.points for f in after.findings if f.id != target.id}
    assert others == {f.id: f.points for f in before.findings if f.id != target.id}
    summary = after.review
    assert summary.findings_dismissed == 1 and summary.points_dismissed == target.points
    assert summary.stale == [] and summary.applied == 1
    assert summary.findings_awaiting_review == len(
        [f for f in before.findings if f.category != "vendor_response"]) - 1


def test_editing_the_quoted_article_makes_the_disposition_stale(corpus, rule_set, tmp_path):
    before = run_check(corpus, rule_set)
    target = top_finding(before)
    review_path = tmp_path / "r.review.yaml"
    assert review_cli(corpus, review_path, "--finding", target.id, "--dismiss",
                      "--reason", "Not about the vendor.").exit_code == 0
    quoted = corpus / target.evidence[0].document
    quoted.write_text(quoted.read_text(encoding="utf-8") + "\nCorrection: a date was wrong.\n",
                      encoding="utf-8")

    after = run_check(corpus, rule_set, review_path)
    assert after.score == run_check(corpus, rule_set).score          # nothing applied
    assert all(e.disposition is None for f in after.findings for e in f.evidence)
    [stale] = after.review.stale
    line = review_path.read_text(encoding="utf-8").splitlines().index(f"- finding: {target.id}")
    assert stale.entry == f"{review_path}:{line + 1}"
    assert stale.disposition == "dismissed" and stale.rule_id == target.rule_id
    assert stale.problem == f"document {target.evidence[0].document} changed since the review"

    result = check_cli(corpus, "--review", str(review_path))
    assert result.exit_code == 0
    assert "1 STALE entry" in result.output
    assert f"{review_path}:{line + 1}: dismissed finding {target.rule_id}" in result.output

    quoted.unlink()
    gone = run_check(corpus, rule_set, review_path)
    assert "is no longer in the corpus" in gone.review.stale[0].problem


def test_changed_or_removed_rule_makes_the_disposition_stale(corpus, rule_set, tmp_path):
    target = top_finding(run_check(corpus, rule_set))
    review_path = tmp_path / "r.review.yaml"
    assert review_cli(corpus, review_path, "--finding", target.id, "--confirm",
                      "--reason", "Checked the source.").exit_code == 0
    review = load_review(review_path, VENDOR_ID)

    def with_rules(rules) -> Report:
        return check(VENDOR, corpus, dataclasses.replace(rule_set, rules=rules), None, review)

    changed = [dataclasses.replace(r, rule=r.rule.model_copy(update={
        "severity": "low" if r.rule.severity != "low" else "medium"}))
        if r.rule.id == target.rule_id else r for r in rule_set.rules]
    assert rule_fingerprint(changed[[r.rule.id for r in changed].index(target.rule_id)].rule) \
        != review.file.entries[0].rule_fingerprint
    [stale] = with_rules(changed).review.stale
    assert stale.problem.startswith(f"rule {target.rule_id} changed since the review")

    removed = [r for r in rule_set.rules if r.rule.id != target.rule_id]
    [stale] = with_rules(removed).review.stale
    assert stale.problem == f"rule {target.rule_id} is no longer in the rule set"


def test_dismissing_one_piece_of_evidence_rescores_the_rest(corpus, rule_set, tmp_path):
    before = run_check(corpus, rule_set)
    target = top_finding(before, evidence=2)
    first, second = target.evidence[0], target.evidence[1]
    review_path = tmp_path / "r.review.yaml"
    assert review_cli(corpus, review_path, "--evidence", first.id, "--dismiss",
                      "--reason", "Misattributed.").exit_code == 0
    after = run_check(corpus, rule_set, review_path)
    finding = next(f for f in after.findings if f.id == target.id)
    shares = {e.id: e.points for e in finding.evidence}
    assert shares[first.id] == 0
    assert 0 < finding.points < target.points
    assert finding.points == round(sum(shares.values()), 2)
    assert finding.review_status == "awaiting-review" and finding.disposition is None
    assert after.score == round(sum(f.points for f in after.findings), 2)
    assert after.review.points_dismissed == round(before.score - after.score, 2)
    # The remaining quote now counts alone: full base points, no corroboration, no decay.
    scoring = rule_set.meta.scoring
    base = scoring.severity_points[target.severity] * scoring.category_weights[target.category]
    if len(target.evidence) == 2:
        assert shares[second.id] == round(base, 2)


def test_later_decision_replaces_the_earlier_one(corpus, rule_set, tmp_path):
    target = top_finding(run_check(corpus, rule_set), evidence=2)
    review_path = tmp_path / "r.review.yaml"
    assert review_cli(corpus, review_path, "--evidence", target.evidence[0].id, "--confirm",
                      "--reason", "Seen.").exit_code == 0
    assert review_cli(corpus, review_path, "--finding", target.id, "--follow-up",
                      "--reason", "Ask the ministry.").exit_code == 0
    result = review_cli(corpus, review_path, "--finding", target.id, "--dismiss",
                        "--reason", "Ministry says no ban.")
    assert result.exit_code == 0 and "replacing 1 earlier entry" in result.output
    entries = yaml.safe_load(review_path.read_text(encoding="utf-8"))["entries"]
    assert [e["disposition"] for e in entries] == ["dismissed"]
    finding = next(f for f in run_check(corpus, rule_set, review_path).findings
                   if f.id == target.id)
    assert finding.review_status == "dismissed"


def test_default_review_file_beside_the_json_report(corpus, tmp_path):
    out = tmp_path / "out"
    report_path = out / "hikvision.json"
    assert check_cli(corpus, "--json", str(report_path), "-q").exit_code == 0
    finding = Report.model_validate_json(report_path.read_bytes()).findings[0]
    result = CliRunner().invoke(main, ["review", VENDOR, "--corpus", str(corpus), "--json",
                                       str(report_path), "--finding", finding.id, "--dismiss",
                                       "--reason", "Duplicate of another report.",
                                       "--reviewer", "B", "--date", "2026-11-21"])
    assert result.exit_code == 0, result.output
    assert (out / "hikvision.review.yaml").is_file()
    result = check_cli(corpus, "--json", str(report_path))
    assert "Dismissed by the reviewer (0 points):" in result.output
    assert f"finding {finding.id} {finding.rule_id}" in result.output
    assert "by B on 2026-11-21: Duplicate of another report." in result.output
    report = Report.model_validate_json(report_path.read_bytes())
    assert report.review.file == str(out / "hikvision.review.yaml")
    assert report.review.findings_dismissed == 1


def test_review_file_with_a_yaml_error_is_one_line_with_file_and_line(corpus, tmp_path):
    review_path = tmp_path / "bad.review.yaml"
    review_path.write_text("vendor: hikvision\nentries:\n- finding: F-0123456789\n"
                           "  reason: \"unclosed\n  reviewer: x\n", encoding="utf-8")
    message = one_line_error(check_cli(corpus, "--review", str(review_path)), f"{review_path}:")
    assert "YAML syntax error" in message
    assert message.startswith(f"duediligence: error: {review_path}:6:")


def test_unknown_finding_id_in_the_review_file_names_file_and_line(corpus, tmp_path):
    review_path = tmp_path / "hikvision.review.yaml"
    review_path.write_text("vendor: hikvision\nentries:\n"
                           "- finding: F-aaaaaaaaaa\n  disposition: dismissed\n  reviewer: x\n"
                           "  date: 2026-11-20\n  reason: typo in the id\n", encoding="utf-8")
    message = one_line_error(check_cli(corpus, "--review", str(review_path)),
                             f"{review_path}:3:")
    assert "unknown finding id F-aaaaaaaaaa" in message
    # The review command validates the existing file the same way before adding to it.
    result = review_cli(corpus, review_path, "--finding", "F-bbbbbbbbbb", "--dismiss",
                        "--reason", "x")
    one_line_error(result, f"{review_path}:3:")


@pytest.mark.parametrize("body, line, words", [
    ("vendor: hikvision\nentries:\n- finding: F-aaaaaaaaaa\n  disposition: maybe\n"
     "  reviewer: x\n  date: 2026-11-20\n  reason: r\n", 4, "must be one of"),
    ("vendor: hikvision\nentries:\n- finding: F-aaaaaaaaaa\n  disposition: dismissed\n"
     "  reviewer: x\n  date: 2026-11-20\n", 3, "missing required key 'reason'"),
    ("vendor: hikvision\nentries:\n- disposition: dismissed\n  reviewer: x\n"
     "  date: 2026-11-20\n  reason: r\n", 3, "exactly one of 'finding'"),
    ("vendor: dahua\nentries: []\n", 1, "for vendor 'dahua', not 'hikvision'"),
    ("vendor: hikvision\nentries:\n- finding: F-aaaaaaaaaa\n  disposition: dismissed\n"
     "  reviewer: x\n  date: 2026-11-20\n  reason: r\n  colour: red\n", 8, "unknown key 'colour'"),
])
def test_malformed_review_file_is_one_line_with_file_and_line(corpus, tmp_path, body, line,
                                                                words):
    review_path = tmp_path / "x.review.yaml"
    review_path.write_text(body, encoding="utf-8")
    message = one_line_error(check_cli(corpus, "--review", str(review_path)),
                             f"{review_path}:{line}:")
    assert words in message


def test_review_command_with_an_unknown_id_or_no_decision(corpus, tmp_path):
    review_path = tmp_path / "r.review.yaml"
    message = one_line_error(review_cli(corpus, review_path, "--finding", "F-cccccccccc",
                                        "--dismiss", "--reason", "x"), "unknown finding id")
    assert "F-cccccccccc" in message and not review_path.exists()
    assert review_cli(corpus, review_path, "--finding", "F-cccccccccc",
                      "--reason", "x").exit_code == 2
    assert not review_path.exists()


def test_missing_explicit_review_file_is_an_error(corpus, tmp_path):
    one_line_error(check_cli(corpus, "--review", str(tmp_path / "none.yaml")),
                   f"{tmp_path / 'none.yaml'}: review file does not exist")


def test_bare_ids_written_by_hand_apply(corpus, rule_set, tmp_path):
    before = run_check(corpus, rule_set)
    target = top_finding(before)
    review_path = tmp_path / "hand.review.yaml"
    review_path.write_text(f"vendor: hikvision\nentries:\n- finding: {target.id}\n"
                           "  disposition: needs-follow-up\n  reviewer: C\n  date: 2026-11-22\n"
                           "  reason: ask the publisher\n", encoding="utf-8")
    after = run_check(corpus, rule_set, review_path)
    finding = next(f for f in after.findings if f.id == target.id)
    assert finding.review_status == "needs-follow-up" and finding.points == target.points
    assert after.score == before.score and after.review.findings_needing_follow_up == 1


def test_negative_result_is_stated(corpus, rule_set):
    report = check("Acme Vision Ltd", corpus, rule_set, "2026-11-27")
    assert report.findings == []
    statement = report.negative_result
    assert statement.startswith("No findings: 4 document(s)")
    assert "as of 2026-11-27" in statement and report.search.corpus_sha256 in statement
    assert report.rule_set.sha256 in statement and f"{len(rule_set.rules)} rules" in statement
    assert run_check(corpus, rule_set).negative_result is None


def test_memo_of_a_reviewed_vendor_shows_dispositions_and_changes_and_validates(corpus, rule_set,
                                                                              tmp_path):
    page = pytest.importorskip("page")
    import io
    import re

    from pypdf import PdfReader

    previous = tmp_path / "previous.json"
    assert check_cli(corpus, "--json", str(previous), "-q").exit_code == 0
    write_article(corpus, "z_unrelated.md", UNRELATED)
    (corpus / "d_ban2.md").unlink()
    target = top_finding(run_check(corpus, rule_set))
    review_path = tmp_path / "hikvision.review.yaml"
    assert review_cli(corpus, review_path, "--finding", target.id, "--dismiss",
                      "--reason", "Reported ban was <withdrawn>.").exit_code == 0
    result = check_cli(corpus, "--review", str(review_path), "--since", str(previous),
                       "--json", str(tmp_path / "now.json"), "--pdf", str(tmp_path / "now.pdf"),
                       "--as-of", "2026-11-27", "-q")
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "now.pdf").read_bytes()
    for profile in ("3a", "ua1"):
        outcome = page.validate_pdf_bytes(pdf, profile=profile)
        assert outcome.is_compliant and outcome.rules.failed == 0, (
            profile, [f"{f.rule_id}: {f.message}" for f in outcome.failures])
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    now = Report.model_validate_json((tmp_path / "now.json").read_bytes())
    awaiting = now.review.findings_awaiting_review
    assert f"Reviewer: {awaiting} findings await review; 1 dismissed" in text
    assert "Changes since the previous check" in text and "Reviewer dispositions" in text
    assert "A. Reviewer, 20 November 2026" in text and "Reported ban was <withdrawn>." in text
    assert text.index("Changes since the previous check") < text.index("2. Concern summary")
    assert re.search(r"\d\. Review and sign-off Reviewer dispositions \d+ finding", text)
