"""``duediligence screen``: the same reports as ``check``, one pass, the list, the summary,
the gate."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from duediligence import parallel
from duediligence.cache import CACHE_NAME
from duediligence.check import engine_for, resolve_vendor
from duediligence.corpus import iter_corpus
from duediligence.resources import bundled

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "tests" / "articles"

# Registry vendors with findings in the corpus and without, a related brand, vendors outside the
# registry (named in the articles, or not at all, or close to a registry name), then a duplicate
# and a name with nothing to search for.
SUPPLIERS = """name,id,notes
Hikvision,S-01,cameras
Dahua Technology,S-02,
Huawei,S-03,network kit
Axis Communications,S-04,
Kaspersky,S-05,
EZVIZ,S-06,brand of Hikvision
Kestrel Vision,S-07,not in the registry
Brightwater Optics Ltd,S-08,
Lyra Systems,S-09,
Hikvisian Security,S-10,close to a registry name
Nowhere Widgets,S-11,never mentioned
Hangzhou Hikvision,S-12,same as S-01
"???",S-13,
"""
# Articles written for this test: unregistered vendors next to registry ones, a misspelling with
# swapped letters, a vendor named only in the front matter, one close to a registry name.
EXTRA = {
    "900_pair.md": "Two vendors barred\n\nThe ministry banned Kestrel Vision and Hikvision "
                   "cameras from government buildings in March.\n",
    "901_swap.md": "Kestrle Vision denies links\n\nKestrle Vision denied the allegations. "
                   "The FCC placed Hytera on its Covered List.\n",
    "902_front.md": "---\ntitle: Nowhere Widgets profile\n---\n\nA profile of a supplier of "
                    "widgets, with nothing to report.\n",
    "903_close.md": "Hikvisian faces probe\n\nHikvisian Security was added to the Entity List "
                    "in May, officials said.\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds, the hand-labelled articles and the articles above, in one directory."""
    root = tmp_path_factory.mktemp("corpus")
    for path in sorted(bundled("seeds").iterdir()):
        shutil.copy(path, root / path.name)
    for path in sorted(ARTICLES.glob("[0-9][0-9][0-9]_*.md")):
        shutil.copy(path, root / path.name)
    for name, text in EXTRA.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def suppliers(tmp_path) -> Path:
    path = tmp_path / "suppliers.csv"
    path.write_text(SUPPLIERS, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def checked(corpus, tmp_path_factory, rule_set) -> dict[str, bytes]:
    """``check --json`` of every vendor on the list, alone, without any cache."""
    from click.testing import CliRunner

    from duediligence import cli

    out = tmp_path_factory.mktemp("checked")
    reports = {}
    with pytest.MonkeyPatch.context() as patch:
        # The session's rule set, as run_cli uses: the rule files may change during the session.
        patch.setattr(cli, "load_rules", lambda extra: rule_set)
        for row in csv.DictReader(SUPPLIERS.splitlines()):
            name = row["name"]
            if not any(ch.isalnum() for ch in name) or name == "Hangzhou Hikvision":
                continue
            vendor_id = resolve_vendor(name, rule_set).id
            path = out / f"{vendor_id}.json"
            result = CliRunner().invoke(cli.main, ["check", name, "--corpus", str(corpus),
                                                   "--json", str(path), "--no-cache",
                                                   "--fail-on", "never"])
            assert result.exit_code == 0, result.output
            reports[vendor_id] = path.read_bytes()
    return reports


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory) -> Path:
    """One cache for the module's screens: only the first one analyses the corpus."""
    return tmp_path_factory.mktemp("cache") / "cache.sqlite"


@pytest.fixture
def screened(run_cli, corpus, suppliers, tmp_path, shared_cache):
    def run(*extra: object, out: Path | None = None, cache: Path = shared_cache):
        out = out or tmp_path / "out"
        result = run_cli("screen", suppliers, "--corpus", corpus, "--out", out, "--cache", cache,
                         *extra)
        return result, out

    return run


def test_every_report_is_byte_identical_to_check(screened, checked, verify_report):
    result, out = screened("--fail-on", "never")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.glob("*.json") if not p.name.startswith("summary"))
    assert written == sorted(f"{v}.json" for v in checked)
    for vendor_id, expected in checked.items():
        produced = (out / f"{vendor_id}.json").read_bytes()
        assert produced == expected, f"{vendor_id}: screen and check differ"
        verify_report(json.loads(produced))


def test_a_second_screen_analyses_nothing_and_writes_the_same(screened, analyses, tmp_path):
    cache = tmp_path / "own-cache.sqlite"
    first, out1 = screened("--fail-on", "never", out=tmp_path / "first", cache=cache)
    assert first.exit_code == 0
    assert analyses, "the first run analysed the corpus"
    analyses.clear()
    second, out2 = screened("--fail-on", "never", out=tmp_path / "second", cache=cache)
    assert second.exit_code == 0
    assert analyses == [], "a document was analysed again"
    for path in out1.iterdir():
        assert (out2 / path.name).read_bytes() == path.read_bytes(), path.name


def test_one_pass_serves_every_vendor(corpus, rule_set, analyses):
    """The registry analysis runs once per document; unregistered vendors add only the documents
    where their names can be found."""
    names = ["Hikvision", "Kestrel Vision", "Brightwater Optics Ltd", "Nowhere Widgets"]
    vendors = [resolve_vendor(n, rule_set) for n in names]
    indexed = parallel.analyse_corpus(corpus, engine_for(rule_set, []),
                                      extra=[v for v in vendors if not v.registry_entry], jobs=1)
    paths = [e.document.path for e in indexed.entries]
    assert indexed.stats.analysed == len(paths)
    assert len(analyses) == len(paths) + indexed.stats.overlays
    assert 0 < indexed.stats.overlays < 10
    again = [p for p in paths if analyses.count(p) > 1]
    assert "900_pair.md" in again and "903_close.md" not in again


@pytest.mark.parametrize("typed", ["Kestrel Vision", "Kestrle Vision", "Hikvisian Security",
                                   "Hikvison Ltd", "Brightwater Optics Ltd", "Nowhere Widgets",
                                   "Acme Vision Ltd"])
def test_an_unregistered_vendor_gets_what_a_direct_engine_gives(corpus, rule_set, typed):
    """Guard for the overlay shortcut in parallel.py, whatever the name finder's fuzzy rules."""
    vendor = resolve_vendor(typed, rule_set)
    engine = engine_for(rule_set, [vendor])
    direct = [(d, engine.analyse(d)) for d in iter_corpus(corpus)]
    analysed, _ = parallel.analyse_for_engine(corpus, engine, jobs=1)
    assert [a for _, a in analysed] == [a for _, a in direct]


def test_summary_table_and_list_problems(screened, rule_set):
    result, out = screened("--fail-on", "never")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "summary.csv").read_text(encoding="utf-8").splitlines()))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [r["vendor_id"] for r in rows] == [v["vendor_id"] for v in summary["vendors"]]
    order = {b.name: i for i, b in enumerate(rule_set.bands_low_to_high())}
    ranks = [(-order[r["rating"]], -float(r["score"])) for r in rows]
    assert ranks == sorted(ranks), "not sorted by rating, then score"
    hikvision = next(r for r in rows if r["vendor_id"] == "hikvision")
    assert hikvision["supplier_id"] == "S-01" and hikvision["notes"] == "cameras"
    assert int(hikvision["documents_mentioning"]) > 0
    assert {c for c in rows[0] if c.startswith("findings_")} >= {"findings_sanctions",
                                                                 "findings_human_rights"}
    report = json.loads((out / "hikvision.json").read_text(encoding="utf-8"))
    by_category = {c["category"]: c["findings"] for c in report["score_breakdown"]["categories"]}
    assert all(int(hikvision[f"findings_{c}"]) == n for c, n in by_category.items())
    problems = {(p["line"], p["problem"]) for p in summary["list_problems"]}
    assert (13, "duplicate") in problems and (14, "unparseable") in problems
    assert (8, "not_in_registry") in problems
    assert summary["documents_searched"] == len(list(iter_corpus(Path(summary["corpus"]))))
    # The one list of every document searched, shared by the reports (which list only theirs).
    manifest = list(csv.DictReader((out / "documents.csv").read_text(encoding="utf-8")
                                   .splitlines()))
    assert len(manifest) == summary["documents_searched"]
    assert report["search"]["corpus_sha256"] == summary["corpus_sha256"]
    assert {d["path"] for d in report["documents"]} < {r["path"] for r in manifest}
    # The table on stdout: most severe first, the list's problems, what was written.
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["RATING", "SCORE", "VENDOR"]
    assert lines[1].split()[0] == rows[0]["rating"].upper()
    assert "line 13:" in result.stdout and "same vendor as line 2" in result.stdout
    assert "line 14:" in result.stdout and "no letters or digits" in result.stdout
    assert result.stderr == "", "no progress bar when stderr is not a terminal"


def test_gate_default_is_the_top_band(screened, rule_set):
    top = rule_set.bands_low_to_high()[-1].name
    result, out = screened()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["fail_on"] == top
    assert "hikvision" in summary["gate_tripped"]
    assert result.exit_code == 1
    assert screened("--fail-on", "never")[0].exit_code == 0
    assert screened("--fail-on", "nonsense")[0].exit_code == 2


def test_quiet_prints_nothing(screened):
    result, out = screened("--fail-on", "never", "--quiet")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    assert (out / "summary.csv").is_file()


def test_plain_list_with_comments(run_cli, corpus, tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("# our suppliers\n\nHikvision\n  Axis Communications  \nhikvision\n",
                     encoding="utf-8")
    result = run_cli("screen", names, "--corpus", corpus, "--out", tmp_path / "o", "--no-cache",
                     "--fail-on", "never")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert [v["vendor_id"] for v in summary["vendors"]] == ["hikvision", "axis_communications"]
    assert [(p["line"], p["problem"]) for p in summary["list_problems"]] == [(5, "duplicate")]


@pytest.mark.parametrize("content,message", [
    ("supplier,country\nHikvision,CN\n", "no 'name' column"),
    ("name\n\n", "names no vendor"),
    (b"name\nHikvision\n\xff\xfe\n", "not UTF-8"),
])
def test_unusable_lists_are_usage_errors(run_cli, corpus, tmp_path, content, message):
    path = tmp_path / "list.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run_cli("screen", path, "--corpus", corpus, "--out", tmp_path / "o", "--no-cache")
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_screen_writes_the_cache_beside_the_corpus_by_default(run_cli, tmp_path, write_corpus):
    corpus = write_corpus({"a.txt": "Ban\n\nThe ministry banned Hikvision cameras in May.\n"})
    names = tmp_path / "names.txt"
    names.write_text("Hikvision\n")
    result = run_cli("screen", names, "--corpus", corpus, "--out", tmp_path / "o", "--fail-on",
                     "never")
    assert result.exit_code == 0, result.output
    assert (corpus / CACHE_NAME).is_file()


def test_pdf_memos(run_cli, corpus, tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("Kaspersky\n")
    result = run_cli("screen", names, "--corpus", corpus, "--out", tmp_path / "o", "--pdf",
                     "--as-of", "2026-11-27", "--no-cache", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "kaspersky.pdf").read_bytes().startswith(b"%PDF-")
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["vendors"][0]["memo"] == "kaspersky.pdf"


def test_reports_built_by_workers_are_the_same(screened, monkeypatch, tmp_path):
    from duediligence import screen

    serial, out1 = screened("--fail-on", "never", out=tmp_path / "serial")
    monkeypatch.setattr(screen, "REPORT_POOL_THRESHOLD", 0)
    pooled, out2 = screened("--fail-on", "never", out=tmp_path / "pooled")
    assert serial.exit_code == pooled.exit_code == 0
    assert serial.stdout.replace(str(out1), str(out2)) == pooled.stdout
    assert sorted(p.name for p in out1.iterdir()) == sorted(p.name for p in out2.iterdir())
    for path in out1.iterdir():
        assert (out2 / path.name).read_bytes() == path.read_bytes(), path.name
