"""The JSON report: exact quotes, byte-identical output, the schema, scores that trace to
evidence."""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import duediligence
from duediligence.report import report_schema
from duediligence.resources import bundled

SHIPPED_SCHEMA = Path(duediligence.__file__).parent / "schemas" / "report.schema.json"

# Text that breaks naive offset handling: a BOM and CRLF line ends, front matter, an astral
# emoji, no-break and narrow spaces, curly quotes, decomposed accents (NFD), tabs.
AWKWARD = {
    "crlf.txt": "\ufeffHikvision listed\r\n\r\nHikvision was added to the Entity List in 2019.\r\n"
                "The company was also placed on the FCC\u2019s Covered List.\r\n",
    "front/matter.md": "---\ntitle: \u201cCurly\u201d title\npublisher: Test Wire\n"
                       "date: 2024-01-02\n---\n\U0001F6A8 Breaking:\u00a0Hikvision was banned by "
                       "the U.K. health department from new contracts.\n",
    "nfd.txt": "Cafe\u0301 re\u0301sume\u0301 \U0001F4F7\n\n\tThe Chinese camera maker Hikvision, "
               "which is 42%\u202fstate-owned, has been accused of supplying cameras to "
               "internment camps in Xinjiang.\tHikvision \u201cdenied\u201d the claims.\n",
}


def test_quotes_are_exact_slices_of_awkward_files(run_cli, write_corpus, tmp_path):
    corpus = write_corpus(AWKWARD)
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--json", tmp_path / "r.json",
                     "--fail-on", "never")
    assert result.exit_code == 0, result.output
    # run_cli has checked every quote against the file; make sure there was something to check.
    quoted = {e["document"] for f in result.report["findings"] for e in f["evidence"]}
    assert quoted == set(AWKWARD)
    categories = {f["category"] for f in result.report["findings"]}
    assert {"sanctions", "government_restriction", "vendor_response"} <= categories


def test_front_matter_fields_and_title(run_cli, write_corpus, tmp_path):
    corpus = write_corpus(AWKWARD)
    report = run_cli("check", "Hikvision", "--corpus", corpus, "--json", tmp_path / "r.json",
                     "-q").report
    docs = {d["path"]: d for d in report["documents"]}
    assert docs["front/matter.md"]["title"] == "\u201cCurly\u201d title"
    assert docs["front/matter.md"]["publisher"] == "Test Wire"
    assert docs["front/matter.md"]["date"] == "2024-01-02"
    assert docs["crlf.txt"]["title"].endswith("Hikvision listed")  # first line, no CR
    assert docs["crlf.txt"]["date"] is None
    assert report["search"]["earliest_date"] == report["search"]["latest_date"] == "2024-01-02"
    assert report["search"]["publishers"] == ["Test Wire"]


def test_bom_is_not_part_of_the_title(run_cli, write_corpus, tmp_path):
    corpus = write_corpus({"bom.txt": AWKWARD["crlf.txt"]})
    report = run_cli("check", "Hikvision", "--corpus", corpus, "--json", tmp_path / "r.json",
                     "-q").report
    assert report["documents"][0]["title"] == "Hikvision listed"


def test_corpus_order_is_deterministic_and_skips_hidden(run_cli, write_corpus, tmp_path):
    text = "Headline\n\nHikvision sells cameras.\n"
    corpus = write_corpus({"b/2.txt": text, "a.txt": text, "b/1.md": text, "B.txt": text,
                           ".hidden/x.txt": text, "c/.x.md": text, "c/notes.docx": text})
    report = run_cli("check", "Hikvision", "--corpus", corpus, "--json", tmp_path / "r.json",
                     "-q").report
    assert [d["path"] for d in report["documents"]] == ["B.txt", "a.txt", "b/1.md", "b/2.txt"]
    assert report["search"]["skipped"] == []


def test_documents_carry_their_sha256(run_cli, tmp_path):
    report = run_cli("check", "Hikvision", "--json", tmp_path / "r.json", "-q").report
    seeds = bundled("seeds")
    assert len(report["documents"]) == 5
    for doc in report["documents"]:
        assert doc["sha256"] == hashlib.sha256((seeds / doc["path"]).read_bytes()).hexdigest()


def test_report_lists_the_documents_naming_the_vendor_and_the_manifest_all(run_cli, write_corpus,
                                                                          tmp_path):
    """A report stays as long as what it says about the vendor, not the corpus; the manifest
    lists every document searched, and the report's corpus SHA-256 is computed over it."""
    corpus = write_corpus({
        "a.txt": "Headline\n\nHikvision was added to the Entity List in 2019.\n",
        "b.md": "---\ntitle: Street lights\npublisher: Gazette\ndate: 2024-03-01\n---\n"
                "The council approved the budget for street lighting.\n",
        "c.txt": "Dahua Technology opened an office in Leeds.\n",
    })
    manifest = tmp_path / "documents.csv"
    report = run_cli("check", "Hikvision", "--corpus", corpus, "--json", tmp_path / "r.json",
                     "--manifest", manifest, "-q").report
    assert [d["path"] for d in report["documents"]] == ["a.txt"]
    assert report["search"]["documents_searched"] == 3
    assert report["search"]["documents_mentioning"] == 1
    assert report["search"]["publishers"] == ["Gazette"]     # over every document searched
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["path"], r["title"], r["publisher"], r["date"]) for r in rows] == [
        ("a.txt", "Headline", "", ""), ("b.md", "Street lights", "Gazette", "2024-03-01"),
        ("c.txt", "Dahua Technology opened an office in Leeds.", "", "")]
    for row in rows:
        assert row["sha256"] == hashlib.sha256((corpus / row["path"]).read_bytes()).hexdigest()
    digest = hashlib.sha256("".join(f"{r['path']}\0{r['sha256']}\n" for r in rows).encode())
    assert report["search"]["corpus_sha256"] == digest.hexdigest()


def test_json_is_byte_identical_across_processes(tmp_path):
    """Two separate interpreters, different hash seeds and working directories: same bytes."""
    outputs = []
    for seed in ("0", "4242"):
        workdir = tmp_path / f"run{seed}"
        workdir.mkdir()
        out = workdir / "hikvision.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-c", "from duediligence.cli import main; main()", "check",
             "Hikvision", "--json", str(out), "--fail-on", "never", "--quiet"],
            cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == "" and proc.stderr == ""
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert report["as_of"] is None
    assert report["findings"]


@pytest.fixture
def hikvision_report(run_cli, tmp_path) -> dict:
    return run_cli("check", "Hikvision", "--json", tmp_path / "r.json", "-q").report


def test_schema_from_the_model_is_a_json_schema_and_is_not_vacuous(hikvision_report):
    schema = report_schema()
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)
    validator.validate(hikvision_report)
    broken = copy.deepcopy(hikvision_report)
    broken["findings"][0]["category"] = "bribery"
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(hikvision_report)
    del broken["findings"][0]["evidence"][0]["quote"]
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(hikvision_report)
    broken["surprise"] = 1
    assert not validator.is_valid(broken)


def test_shipped_schema_file(hikvision_report):
    if not SHIPPED_SCHEMA.is_file():
        pytest.skip(f"{SHIPPED_SCHEMA} not shipped yet")
    schema = json.loads(SHIPPED_SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator_cls(schema).validate(hikvision_report)
    broken = copy.deepcopy(hikvision_report)
    broken["findings"][0]["category"] = "bribery"
    assert not validator_cls(schema).is_valid(broken)


def test_contract_fields(hikvision_report):
    report = hikvision_report
    assert report["schema_version"] == 1
    assert {"id", "name", "aliases"} <= set(report["vendor"])
    assert isinstance(report["score"], (int, float))
    for finding in report["findings"]:
        assert {"rule_id", "category", "points", "evidence"} <= set(finding)
        for item in finding["evidence"]:
            assert {"document", "start", "end", "quote"} <= set(item)
    assert report["rule_set"]["sha256"] and report["rule_set"]["version"]
    assert report["tool"]["version"]


def test_every_point_traces_to_rules_and_quotes(hikvision_report, rule_set):
    """The score is the sum of the findings, each computed by the formula the report states."""
    report, scoring = hikvision_report, rule_set.meta.scoring
    assert report["score"] == report["score_breakdown"]["total"]
    assert report["score"] == pytest.approx(sum(f["points"] for f in report["findings"]), abs=0.01)
    by_category = {row["category"]: row for row in report["score_breakdown"]["categories"]}
    for category, row in by_category.items():
        mine = [f for f in report["findings"] if f["category"] == category]
        assert row["findings"] == len(mine)
        assert row["evidence"] == sum(len(f["evidence"]) for f in mine)
        assert row["points"] == pytest.approx(sum(f["points"] for f in mine), abs=0.01)
    for finding in report["findings"]:
        rule = rule_set.rule(finding["rule_id"])
        assert finding["category"] == rule.category and finding["severity"] == rule.severity
        counted = min(len(finding["evidence"]), scoring.max_evidence_counted)
        repetition = sum(scoring.repeat_decay ** i for i in range(counted))
        further = min(len(finding["publishers"]) - 1, scoring.max_corroborating_publishers)
        expected = (scoring.severity_points[rule.severity] * scoring.category_weights[rule.category]
                    * repetition * (1 + scoring.corroboration_bonus * further))
        assert finding["points"] == pytest.approx(expected, abs=0.01), finding["rule_id"]
        assert sum(e["points"] for e in finding["evidence"]) == pytest.approx(finding["points"],
                                                                              abs=0.02)
        if finding["category"] == "vendor_response":
            assert finding["points"] == 0


def test_findings_are_ordered_and_ids_are_content_derived(hikvision_report):
    findings = hikvision_report["findings"]
    assert findings == sorted(findings, key=lambda f: (-f["points"], f["rule_id"]))
    assert len({f["id"] for f in findings}) == len(findings)
    sha = {d["path"]: d["sha256"] for d in hikvision_report["documents"]}
    ids = [e["id"] for f in findings for e in f["evidence"]]
    assert len(set(ids)) == len(ids)
    for finding in findings:
        for item in finding["evidence"]:
            digest = hashlib.sha256(f"{sha[item['document']]}:{item['start']}:{item['end']}:"
                                    f"{finding['rule_id']}".encode()).hexdigest()
            assert item["id"] == "E-" + digest[:12]
            assert item["explanation"].strip()
            assert item["referent"].strip()
            assert item["cue"].lower() in item["quote"].lower()


def test_band_follows_the_score(hikvision_report, rule_set):
    bands = rule_set.bands_low_to_high()
    reached = [b for b in bands if hikvision_report["score"] >= b.min_score]
    assert hikvision_report["rating"] == reached[-1].name
    assert hikvision_report["band"]["recommendation"] == reached[-1].recommendation


def test_the_report_check_used_everywhere_catches_bad_offsets(hikvision_report, verify_report):
    """verify_report (conftest) guards every report in the suite; make sure it can fail."""
    verify_report(hikvision_report)
    shifted = copy.deepcopy(hikvision_report)
    shifted["findings"][0]["evidence"][0]["start"] += 1
    with pytest.raises(AssertionError, match="report says"):
        verify_report(shifted)
    wrong_line = copy.deepcopy(hikvision_report)
    wrong_line["findings"][0]["evidence"][0]["line"] += 1
    with pytest.raises(AssertionError, match="is not on line"):
        verify_report(wrong_line)
    invalid = copy.deepcopy(hikvision_report)
    invalid["rating"] = 3
    with pytest.raises(jsonschema.ValidationError):
        verify_report(invalid)


def test_json_is_the_same_with_and_without_the_analysis_cache(run_cli, write_corpus, tmp_path):
    """No cache, a cold cache, a warm cache: the same bytes."""
    corpus = write_corpus(AWKWARD)
    outputs = []
    for run, extra in enumerate([["--no-cache"], [], []]):
        out = tmp_path / f"r{run}.json"
        result = run_cli("check", "Hikvision", "--corpus", corpus, "--json", out, "-q",
                         "--fail-on", "never", *extra)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
