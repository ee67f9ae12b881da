"""Bad input: a one-line error and exit 2, no traceback, nothing written; or, for one bad file in
the corpus, a normal run that lists the file as skipped with the reason."""

from __future__ import annotations

import errno
import os

import pytest

from duediligence import corpus as corpus_module
from duediligence import outputs

GOOD = "Hikvision launches a thermal camera\n\nHikvision launched a thermal camera for ports.\n"
CLAIM = "Hikvision was added to the Entity List in 2019."


@pytest.fixture
def out_dir(tmp_path):
    """Where a test asks for output; must stay empty (or absent) when the run fails."""
    return tmp_path / "out"


def nothing_written(out_dir) -> bool:
    return not out_dir.exists() or not any(out_dir.iterdir())


def assert_usage_error(result, message: str, out_dir) -> None:
    """Exit 2, exactly ``duediligence: error: <message>`` on stderr, nothing else anywhere."""
    assert result.exit_code == 2, result.output
    assert result.stderr == f"duediligence: error: {message}\n"
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert nothing_written(out_dir)


# --- the corpus ---------------------------------------------------------------------------------

def test_missing_corpus(run_cli, tmp_path, out_dir):
    missing = tmp_path / "no-such-dir"
    result = run_cli("check", "Hikvision", "--corpus", missing, "--json", out_dir / "r.json")
    assert_usage_error(result, f"corpus directory does not exist: {missing}", out_dir)


def test_empty_corpus(run_cli, write_corpus, out_dir):
    # Files that are not articles, and hidden articles, do not count.
    corpus = write_corpus({"notes.pdf": b"%PDF-1.7", "README": "x", ".hidden.txt": CLAIM,
                           ".drafts/a.md": CLAIM, "sub/empty/.keep": ""})
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--json", out_dir / "r.json")
    assert_usage_error(result, f"corpus has no .txt or .md articles: {corpus}", out_dir)


LATIN1 = f"Hikvision news\n\n{CLAIM} Caf\u00e9 owners were surprised.\n".encode("latin-1")
SKIPPED_FILES = {
    "not-utf8": ("latin1.txt", LATIN1,
                 f"not UTF-8 (invalid byte at offset {LATIN1.index(0xE9)})"),
    "binary": ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + CLAIM.encode() + b"\x00\xff",
               "binary file (contains NUL bytes)"),
    "front-matter-unclosed": ("unclosed.md", f"---\ntitle: Hikvision listed\n\n{CLAIM}\n",
                              "malformed front matter: no closing '---' line"),
    "front-matter-not-mapping": ("list.md", f"---\n- title\n- date\n---\n{CLAIM}\n",
                                 "malformed front matter: expected a mapping of fields"),
    "front-matter-bad-field": ("field.md", f"---\ntitle: [a, b]\n---\n{CLAIM}\n",
                               "malformed front matter: field 'title' must be text"),
}


@pytest.mark.parametrize("case", SKIPPED_FILES.values(), ids=SKIPPED_FILES.keys())
def test_bad_corpus_file_is_skipped_and_named(run_cli, write_corpus, out_dir, case):
    name, content, reason = case
    corpus = write_corpus({"good.txt": GOOD, name: content})
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--json", out_dir / "r.json")
    assert result.exit_code == 0, result.output
    report = result.report
    assert report["search"]["skipped"] == [{"path": name, "reason": reason}]
    assert report["search"]["documents_searched"] == 1
    assert [d["path"] for d in report["documents"]] == ["good.txt"]
    assert report["findings"] == []           # the skipped file's claim was never read
    assert f"Skipped 1 file(s): {name} ({reason})" in result.stdout


def test_yaml_error_in_front_matter_is_skipped_with_its_line(run_cli, write_corpus, out_dir):
    corpus = write_corpus({"good.txt": GOOD,
                           "broken.md": f"---\ntitle: Hikvision\ndate: [2024\n---\n{CLAIM}\n"})
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--json", out_dir / "r.json")
    assert result.exit_code == 0, result.output
    [skipped] = result.report["search"]["skipped"]
    assert skipped["path"] == "broken.md"
    assert skipped["reason"].startswith("malformed front matter: line ")
    assert result.report["findings"] == []


def test_huge_file_is_skipped_unread(run_cli, write_corpus, out_dir, monkeypatch):
    monkeypatch.setattr(corpus_module, "MAX_ARTICLE_BYTES", 1_000_000)
    huge = "Hikvision listed\n\n" + (CLAIM + "\n") * (1_000_000 // len(CLAIM))
    assert len(huge.encode()) > 1_000_000
    corpus = write_corpus({"good.txt": GOOD, "huge.txt": huge})
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--json", out_dir / "r.json")
    assert result.exit_code == 0, result.output
    assert result.report["search"]["skipped"] == [{"path": "huge.txt",
                                                   "reason": "larger than 1,000,000 bytes"}]
    assert result.report["findings"] == []


def test_skipped_files_do_not_hide_the_good_ones(run_cli, write_corpus, out_dir):
    corpus = write_corpus({"a.txt": LATIN1, "b.txt": f"Hikvision listed\n\n{CLAIM}\n",
                           "c.md": b"\x00binary"})
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--json", out_dir / "r.json",
                     "--fail-on", "never")
    assert result.exit_code == 0, result.output
    report = result.report
    assert [s["path"] for s in report["search"]["skipped"]] == ["a.txt", "c.md"]
    assert {f["category"] for f in report["findings"]} == {"sanctions"}
    assert {e["document"] for f in report["findings"] for e in f["evidence"]} == {"b.txt"}


# --- the rules -----------------------------------------------------------------------------------

def test_rules_pack_with_yaml_syntax_error(run_cli, tmp_path, out_dir):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "ours.yaml").write_text(
        "rules:\n"
        "  - id: custom.kickbacks\n"
        "    title: Kickbacks: paid to officials\n", encoding="utf-8")
    result = run_cli("check", "Hikvision", "--rules", pack, "--json", out_dir / "r.json")
    # Line 3, column 21: the second ':' on the title line.
    assert_usage_error(
        result, f"{pack}/ours.yaml:3:21: YAML syntax error: mapping values are not allowed here",
        out_dir)


RULE_WITH_UNKNOWN_CATEGORY = """\
rules:
  - id: custom.kickbacks
    title: Kickbacks to officials
    category: bribery
    severity: high
    description: The vendor is said to have paid kickbacks to procurement officials.
    patterns: ["paid kickbacks"]
    examples:
      match: ["[[Acme Vision]] paid kickbacks to officials."]
      no_match: ["[[Acme Vision]] denied paying kickbacks."]
"""


def test_rules_pack_with_unknown_category(run_cli, tmp_path, out_dir):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "ours.yaml").write_text(RULE_WITH_UNKNOWN_CATEGORY, encoding="utf-8")
    result = run_cli("check", "Hikvision", "--rules", pack, "--json", out_dir / "r.json")
    allowed = ("'human_rights', 'ethnic_profiling', 'transparency', 'state_control', 'security', "
               "'sanctions', 'government_restriction', 'audit_finding', 'forced_labour' or "
               "'vendor_response'")
    # Line 4, column 15: the value 'bribery'; the rule id names the rule.
    assert_usage_error(
        result, f"{pack}/ours.yaml:4:15: custom.kickbacks: 'rules.0.category' must be one of "
                f"{allowed}; got 'bribery'", out_dir)


def test_rules_pack_with_a_pattern_that_does_not_compile(run_cli, tmp_path, write_corpus,
                                                       out_dir):
    """The pattern is only compiled when the run needs it: the error still names the file, the
    line and column of the pattern and the rule."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "ours.yaml").write_text(
        RULE_WITH_UNKNOWN_CATEGORY.replace("bribery", "audit_finding")
        .replace('"paid kickbacks"', '"paid (?:kickbacks"'), encoding="utf-8")
    corpus = write_corpus({"a.txt": GOOD})
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--rules", pack,
                     "--json", out_dir / "r.json")
    assert_usage_error(result, f"{pack}/ours.yaml:7:16: custom.kickbacks: pattern does not "
                               "compile: missing ) at position 33", out_dir)


def test_valid_rules_pack_is_used(run_cli, tmp_path, write_corpus, out_dir):
    """Control for the two tests above: the same pack with a real category loads and matches."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "ours.yaml").write_text(
        RULE_WITH_UNKNOWN_CATEGORY.replace("bribery", "audit_finding"), encoding="utf-8")
    corpus = write_corpus({"a.txt": "Acme Vision Ltd probe\n\nAcme Vision paid kickbacks to "
                                    "two officials.\n"})
    result = run_cli("check", "Acme Vision Ltd", "--corpus", corpus, "--rules", pack,
                     "--json", out_dir / "r.json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "custom.kickbacks" in [f["rule_id"] for f in result.report["findings"]]


def test_missing_rules_pack(run_cli, tmp_path, out_dir):
    missing = tmp_path / "no-pack"
    result = run_cli("check", "Hikvision", "--rules", missing, "--json", out_dir / "r.json")
    assert_usage_error(result, f"{missing}: rules directory does not exist", out_dir)


# --- the vendor and the options ------------------------------------------------------------------

def test_vendor_name_without_letters(run_cli, out_dir):
    result = run_cli("check", "!!!", "--json", out_dir / "r.json")
    assert_usage_error(result, "vendor name '!!!' has no letters or digits to search for", out_dir)




def test_bad_fail_on(run_cli, rule_set, out_dir):
    bands = ", ".join([b.name for b in rule_set.bands_low_to_high()] + ["never"])
    result = run_cli("check", "Hikvision", "--fail-on", "bogus", "--json", out_dir / "r.json")
    assert_usage_error(result, f"--fail-on: 'bogus' is not a band; choose from {bands}", out_dir)


@pytest.mark.parametrize("value", ["2024-02-30", "yesterday", "27/11/2026"])
def test_bad_as_of(run_cli, out_dir, value):
    result = run_cli("check", "Hikvision", "--as-of", value, "--json", out_dir / "r.json")
    assert_usage_error(result, f"--as-of: '{value}' is not a date in the form YYYY-MM-DD",
                       out_dir)


# --- output --------------------------------------------------------------------------------------

def test_unwritable_output_path(run_cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    target = blocker / "report.json"
    result = run_cli("check", "Hikvision", "--json", target)
    assert_usage_error(result, f"cannot write {target}: {blocker} is not a directory",
                       tmp_path / "nothing")
    assert blocker.read_text() == "not a directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "cwd"]


def test_unwritable_json_leaves_no_memo_either(run_cli, tmp_path, out_dir):
    """Outputs are all or nothing: a memo is not left behind when the JSON cannot be written."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    target = blocker / "report.json"
    result = run_cli("check", "Hikvision", "--pdf", out_dir / "memo.pdf", "--json", target,
                     "--as-of", "2026-11-27")
    assert_usage_error(result, f"cannot write {target}: {blocker} is not a directory", out_dir)


def test_failure_while_writing_leaves_no_partial_json(run_cli, out_dir, monkeypatch):
    """The disk fills up half-way through the report: no truncated JSON, no temporary file."""
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    target = out_dir / "r.json"
    result = run_cli("check", "Hikvision", "--json", target)
    assert_usage_error(result, f"cannot write {target}: No space left on device", out_dir)


def test_failed_rerun_keeps_the_previous_report(run_cli, out_dir, monkeypatch):
    """A late failure (the final rename) must not damage a report already at the path."""
    target = out_dir / "r.json"
    first = run_cli("check", "Hikvision", "--json", target, "--fail-on", "never")
    assert first.exit_code == 0
    before = target.read_bytes()

    def no_rename(src, dst):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(outputs.os, "replace", no_rename)
    result = run_cli("check", "Huawei", "--json", target)
    assert result.exit_code == 2
    assert result.stderr == f"duediligence: error: cannot write {target}: Input/output error\n"
    assert target.read_bytes() == before
    assert [p.name for p in out_dir.iterdir()] == ["r.json"]
