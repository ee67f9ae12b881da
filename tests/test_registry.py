"""The vendor registry and name matching: coverage, derived vendors, spelling variants, and the
words that look like a vendor's name but are not."""

from __future__ import annotations

import unicodedata

import pytest

from duediligence.check import check, resolve_vendor
from duediligence.registry import name_key

LISTED = "{name} was added to the Entity List in May."

# The vendors a public buyer of CCTV, telecoms and IT meets (issue 3), as a buyer would type them.
MUST_COVER = [
    "Hikvision", "Dahua", "Uniview", "Hytera", "Huawei", "ZTE", "SenseTime", "Megvii", "iFlytek",
    "CloudWalk", "Yitu", "DJI", "Kaspersky", "TikTok", "ByteDance", "Axis Communications", "Bosch",
    "Hanwha Vision", "Motorola Solutions", "Avigilon", "Genetec", "Milestone Systems", "Verkada",
    "Honeywell",
]


@pytest.fixture
def check_text(rule_set, write_corpus, verify_report):
    """Check ``vendor`` against a one-article corpus whose body is ``body``."""

    def run(vendor: str, body: str):
        corpus = write_corpus({"article.txt": f"Trade news\n\n{body}\n"})
        report = check(vendor, corpus, rule_set)
        verify_report(report)
        return report

    return run


def categories(report) -> set[str]:
    return {f.category for f in report.findings}


def test_registry_has_at_least_40_vendors(rule_set):
    assert len(rule_set.registry.vendors) >= 40


@pytest.mark.parametrize("typed", MUST_COVER)
def test_registry_covers_the_vendors_buyers_meet(rule_set, typed):
    vendor = rule_set.registry.find(typed)
    assert vendor is not None, f"{typed} is not in the registry"
    assert vendor.registry_entry


@pytest.mark.parametrize("typed", ["hikvision", "HIKVISION", "Hangzhou Hikvision Digital "
                                   "Technology Co., Ltd.", "海康威视"])
def test_registry_lookup_by_any_name(rule_set, typed):
    assert resolve_vendor(typed, rule_set).id == "hikvision"


def test_registry_parents_are_registry_vendors_without_cycles(rule_set):
    vendors = rule_set.registry.vendors
    for vendor in vendors.values():
        seen, parent = {vendor.id}, vendor.parent
        while parent is not None:
            assert parent in vendors, f"{vendor.id}: parent {parent!r} is not a registry id"
            assert parent not in seen, f"{vendor.id}: parent chain loops"
            seen.add(parent)
            parent = vendors[parent].parent
    assert vendors["ezviz"].parent == "hikvision"


# --- vendors not in the registry -----------------------------------------------------------------

def test_unknown_vendor_works_from_its_name(run_cli, write_corpus, tmp_path):
    corpus = write_corpus({"a.txt": "Some Company listed\n\n"
                                    + LISTED.format(name="Some Company") + "\n"})
    result = run_cli("check", "Some Company Ltd", "--corpus", corpus, "--json",
                     tmp_path / "r.json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    vendor = result.report["vendor"]
    assert vendor["registry_entry"] is False
    assert vendor["name"] == "Some Company Ltd"
    assert "some company" in vendor["aliases"]
    assert {f["category"] for f in result.report["findings"]} == {"sanctions"}
    assert "no registry entry" in result.stdout


def test_unknown_vendor_on_the_seeds_is_clean(run_cli, tmp_path):
    result = run_cli("check", "Some Company Ltd", "--json", tmp_path / "r.json")
    assert result.exit_code == 0
    assert result.report["vendor"]["registry_entry"] is False
    assert result.report["findings"] == []
    assert result.report["search"]["documents_searched"] == 5


def test_registry_vendor_says_registry_entry(check_text):
    assert check_text("Hikvision", "Nothing here.").vendor.registry_entry is True


@pytest.mark.parametrize("typed, dropped", [
    ("Some Company Ltd", "some company"),
    ("Acme Holdings plc", "acme holdings"),
    ("Larkspur Devices Inc.", "larkspur devices"),
    ("Brightwater Optics Limited", "brightwater optics"),
    ("Nanjing Kestrel Vision Technology Co., Ltd.", "nanjing kestrel vision technology"),
])
def test_derived_keys_drop_legal_suffixes(rule_set, typed, dropped):
    vendor = resolve_vendor(typed, rule_set)
    assert vendor.registry_entry is False
    keys = [n.text for n in vendor.names]
    assert keys[0] == name_key(typed)
    assert dropped in keys


def test_derived_keys_never_shrink_to_a_short_common_word(rule_set):
    """'Apex Ltd' must not be searched as 'apex': too short to be distinctive."""
    keys = [n.text for n in resolve_vendor("Apex Ltd", rule_set).names]
    assert keys == ["apex ltd"]


@pytest.mark.parametrize("typed", ["Russian Technologies Group", "Chinese Digital Holdings Ltd"])
def test_derived_keys_never_shrink_to_a_nationality(rule_set, typed):
    """Every "Russian" in the text would otherwise be taken for the company."""
    keys = [n.text for n in resolve_vendor(typed, rule_set).names]
    assert keys[0] == name_key(typed)
    assert not any(key in ("russian", "chinese") for key in keys), keys


def test_derived_vendor_matches_the_short_form_used_in_the_text(check_text):
    report = check_text("Nanjing Kestrel Vision Technology Co., Ltd.",
                        LISTED.format(name="Kestrel Vision"))
    assert categories(report) == {"sanctions"}
    assert report.vendor.registry_entry is False


def test_derived_key_folds_case_punctuation_and_accents(check_text):
    report = check_text("Société Générale Caméras S.A.",
                        LISTED.format(name="Societe Generale Cameras"))
    assert categories(report) == {"sanctions"}


# --- spelling variants and look-alikes ------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["Hiksvision", "Hikivision", "HIKVISION", "Hik Vision",
                                      "Hikkvision", "海康威视"])
def test_spelling_variants_are_found(check_text, spelling):
    report = check_text("Hikvision", LISTED.format(name=spelling))
    assert categories(report) == {"sanctions"}
    assert report.search.aliases_matched == [spelling]


@pytest.mark.parametrize("body", [
    "Hikers were added to the Entity List in May.",           # 'Hik' prefix of another word
    "Hikari Optics was added to the Entity List in May.",
    "Hikvisionary Labs was added to the Entity List in May.",  # the name inside a longer word
])
def test_words_that_start_like_a_vendor_are_not_the_vendor(check_text, body):
    report = check_text("Hikvision", body)
    assert report.findings == []
    assert report.search.documents_mentioning == 0


def test_lowercase_axis_is_not_axis_communications(check_text):
    report = check_text("Axis Communications",
                        "The dome turns on its axis, and the axis of the lens was added to "
                        "the Entity List in May.")
    assert report.findings == []
    assert report.search.documents_mentioning == 0


def test_capitalised_axis_is_axis_communications(check_text):
    """Control for the test above."""
    report = check_text("Axis Communications", LISTED.format(name="Axis"))
    assert categories(report) == {"sanctions"}


@pytest.mark.parametrize("vendor, phrase", [
    ("Axis Communications", "Axis Bank"),
    ("Axis Communications", "Axis Capital"),
    ("Axis Communications", "the Axis powers"),
    ("Dahua Technology", "大华银行"),               # United Overseas Bank, not Dahua (大华)
    ("Bosch", "Hieronymus Bosch"),
])
def test_not_this_vendor_phrases_are_excluded(check_text, rule_set, vendor, phrase):
    entry = rule_set.registry.find(vendor)
    assert any(name_key(p) in name_key(phrase) for p in entry.not_this_vendor)
    report = check_text(vendor, LISTED.format(name=phrase[0].upper() + phrase[1:]))
    assert report.findings == []
    assert report.search.documents_mentioning == 0


def test_not_this_vendor_only_covers_its_phrase(check_text):
    report = check_text("Axis Communications",
                        "Axis Bank financed the deal. " + LISTED.format(name="Axis Communications"))
    assert categories(report) == {"sanctions"}
    assert report.search.aliases_matched == ["Axis Communications"]


@pytest.mark.xfail(strict=True, reason="known gap: folding keeps combining accents, so a name in "
                   "decomposed (NFD) text does not match its composed (NFC) form")
def test_decomposed_accents_match_the_composed_name(check_text):
    body = LISTED.format(name=unicodedata.normalize("NFD", "Société Générale Caméras"))
    assert categories(check_text("Société Générale Caméras S.A.", body)) == {"sanctions"}
