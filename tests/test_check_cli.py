"""``duediligence check``: acceptance on the bundled seeds, exit codes and the gate, the
terminal."""

from __future__ import annotations

import pytest

from duediligence import __version__

# Copied from ../shared/eval/seeds-gold.yaml (vendor level); tests must not read that file.
HIKVISION_CONCERNS = {"human_rights", "ethnic_profiling", "transparency", "state_control",
                      "security", "sanctions", "government_restriction", "audit_finding",
                      "vendor_response"}
HIKVISION_ABSENT = {"forced_labour"}
CLEAN_ON_SEEDS = ["Huawei", "TikTok", "Axis Communications"]

LISTED = "Acme Vision Ltd listed\n\nAcme Vision Ltd was added to the Entity List in May.\n"


@pytest.fixture
def bands(rule_set) -> list[str]:
    return [b.name for b in rule_set.bands_low_to_high()]


@pytest.fixture
def seeds_report(run_cli, tmp_path):
    """Hikvision on the bundled seeds (no --corpus), gate off."""
    result = run_cli("check", "Hikvision", "--json", tmp_path / "hik.json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    return result


def test_hikvision_on_seeds_is_in_the_top_band(seeds_report, bands):
    report = seeds_report.report
    assert report["rating"] == bands[-1] == "severe"
    assert report["band"]["name"] == report["rating"]
    assert report["vendor"]["id"] == "hikvision"
    assert report["vendor"]["registry_entry"] is True
    assert report["search"]["documents_searched"] == 5
    assert report["search"]["documents_mentioning"] == 5


def test_hikvision_on_seeds_has_the_gold_categories(seeds_report):
    found = {f["category"] for f in seeds_report.report["findings"]}
    assert HIKVISION_CONCERNS - found == set(), "gold categories missing"
    assert found & HIKVISION_ABSENT == set(), "categories the gold says are absent"


def test_hikvision_responses_score_nothing(seeds_report):
    responses = [f for f in seeds_report.report["findings"] if f["category"] == "vendor_response"]
    assert responses
    assert all(f["points"] == 0 for f in responses)


@pytest.mark.parametrize("vendor", CLEAN_ON_SEEDS)
def test_clean_vendors_on_seeds(run_cli, tmp_path, bands, vendor):
    result = run_cli("check", vendor, "--json", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    report = result.report
    assert report["findings"] == []
    assert report["score"] == 0
    assert report["rating"] == bands[0]
    assert report["vendor"]["registry_entry"] is True
    assert "Concerns: none found." in result.stdout


@pytest.mark.parametrize("vendor", ["Huawei", "TikTok"])
def test_clean_vendors_are_mentioned_in_the_seeds(run_cli, tmp_path, vendor):
    """Their empty result is a real 'no', not a failure to find the name."""
    result = run_cli("check", vendor, "--json", tmp_path / "r.json")
    assert result.report["search"]["documents_mentioning"] >= 1


# --- exit codes and the gate ---------------------------------------------------------------------

def test_default_gate_trips_for_hikvision_on_seeds(run_cli):
    result = run_cli("check", "Hikvision", "--quiet")
    assert result.exit_code == 1
    assert result.stdout == "" and result.stderr == ""


def test_gate_never_exits_zero_for_hikvision(run_cli):
    assert run_cli("check", "Hikvision", "--quiet", "--fail-on", "never").exit_code == 0


@pytest.fixture
def mid_band(run_cli, write_corpus, tmp_path, bands):
    """A vendor rated strictly between the lowest and the top band, and its corpus."""
    corpus = write_corpus({"a.txt": LISTED})
    result = run_cli("check", "Acme Vision Ltd", "--corpus", corpus, "--json",
                     tmp_path / "r.json", "--fail-on", "never")
    rating = result.report["rating"]
    assert bands[0] != rating != bands[-1], f"test corpus rated {rating}; pick another sentence"
    return corpus, rating


def test_gate_trips_for_the_band_and_every_band_below(run_cli, mid_band, bands):
    corpus, rating = mid_band
    for gate in bands:
        expected = 1 if bands.index(gate) <= bands.index(rating) else 0
        result = run_cli("check", "Acme Vision Ltd", "--corpus", corpus, "--quiet",
                         "--fail-on", gate)
        assert result.exit_code == expected, f"rating {rating}, --fail-on {gate}"


def test_default_gate_is_the_top_band(run_cli, mid_band):
    corpus, _ = mid_band
    assert run_cli("check", "Acme Vision Ltd", "--corpus", corpus, "--quiet").exit_code == 0


def test_clean_vendor_trips_only_the_lowest_gate(run_cli, bands):
    assert run_cli("check", "Axis Communications", "-q", "--fail-on", bands[0]).exit_code == 1
    assert run_cli("check", "Axis Communications", "-q", "--fail-on", bands[1]).exit_code == 0


# --- the terminal --------------------------------------------------------------------------------

def test_terminal_shows_rating_and_recommendation_first(seeds_report):
    report, lines = seeds_report.report, seeds_report.stdout.splitlines()
    assert lines[0] == f"Hikvision: SEVERE (score {report['score']:g})"
    assert lines[1] == f"Recommendation: {report['band']['recommendation']}"


def test_terminal_lists_each_category_with_a_quote_and_the_search(seeds_report, tmp_path):
    report, out = seeds_report.report, seeds_report.stdout
    for row in report["score_breakdown"]["categories"]:
        if row["findings"] and row["category"] != "vendor_response":
            assert f"\n  {row['category']} ({row['points']:g} points, " in out
    strongest = max((e for f in report["findings"] for e in f["evidence"]),
                    key=lambda e: e["points"])
    assert f"{strongest['document']}:{strongest['line']} " in out
    assert "\nVendor's responses:\n" in out
    assert "Searched 5 document(s)" in out and "5 mention Hikvision." in out
    assert f"Wrote {tmp_path / 'hik.json'}" in out


def test_quiet_prints_nothing_but_writes_the_report(run_cli, tmp_path):
    result = run_cli("check", "Hikvision", "-q", "--fail-on", "never", "--json",
                     tmp_path / "r.json")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""
    assert result.report["vendor"]["name"] == "Hikvision"


def test_as_of_is_recorded(run_cli, tmp_path):
    result = run_cli("check", "Huawei", "--as-of", "2025-01-31", "--json", tmp_path / "r.json")
    assert result.report["as_of"] == "2025-01-31"
    result = run_cli("check", "Huawei", "--json", tmp_path / "r.json")
    assert result.report["as_of"] is None


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"duediligence, version {__version__}\n"


def test_help_has_examples(run_cli):
    result = run_cli("check", "--help")
    assert result.exit_code == 0
    for text in ("Examples:", "duediligence check Hikvision", "--fail-on", "--corpus", "--rules",
                 "--json", "--as-of", "--quiet"):
        assert text in result.stdout
