"""The analysis cache: reuse, invalidation, corruption, interruption, concurrency, degradation."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duediligence import cache as cache_module
from duediligence import parallel
from duediligence.cache import CACHE_NAME, AnalysisCache
from duediligence.check import CorpusRun, build_report, engine_for, resolve_vendor
from duediligence.corpus import iter_corpus
from duediligence.report import report_json

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "tests" / "articles"
sys.path.insert(0, str(REPO))              # the bench's corpus generator, for the bigger corpora
from bench.synth import write_corpus as write_synthetic  # noqa: E402


@pytest.fixture
def corpus(tmp_path) -> Path:
    """The hand-labelled test articles (front matter and all), in a directory of their own."""
    root = tmp_path / "corpus"
    root.mkdir()
    for path in sorted(ARTICLES.glob("[0-9][0-9][0-9]_*.md")):
        shutil.copy(path, root / path.name)
    return root


def reference_json(corpus: Path, typed: str, rule_set) -> bytes:
    """The report as the pre-cache pipeline made it: every document read and analysed in turn."""
    vendor = resolve_vendor(typed, rule_set)
    engine = engine_for(rule_set, [vendor])
    analysed = [(d, engine.analyse(d)) for d in iter_corpus(corpus)]
    return report_json(build_report(vendor, CorpusRun(str(corpus), analysed, []), rule_set, None))


def cached_json(corpus: Path, typed: str, rule_set, cache: AnalysisCache | None, jobs: int = 1):
    vendor = resolve_vendor(typed, rule_set)
    analysed, skipped = parallel.analyse_for_engine(corpus, engine_for(rule_set, [vendor]),
                                                    cache=cache, jobs=jobs)
    return report_json(build_report(vendor, CorpusRun(str(corpus), analysed, skipped), rule_set,
                                    None))


def open_cache(path: Path, warnings: list[str]) -> AnalysisCache:
    cache = AnalysisCache.open(path, warnings.append)
    assert cache is not None
    return cache


def test_second_run_reads_everything_from_the_cache(corpus, rule_set, analyses, tmp_path):
    warnings: list[str] = []
    expected = reference_json(corpus, "Hikvision", rule_set)
    analyses.clear()
    with_cache = open_cache(corpus / CACHE_NAME, warnings)
    assert cached_json(corpus, "Hikvision", rule_set, with_cache) == expected
    articles = len(list(corpus.glob("*.md")))
    assert len(analyses) == articles and with_cache.stats.stored == articles
    with_cache.close()

    analyses.clear()
    again = open_cache(corpus / CACHE_NAME, warnings)
    assert cached_json(corpus, "Hikvision", rule_set, again) == expected
    assert analyses == [], "a document was analysed again"
    assert again.stats.hits == articles and again.stats.misses == 0
    again.close()
    assert warnings == []


def test_changing_one_article_analyses_only_that_one(corpus, rule_set, analyses):
    warnings: list[str] = []
    cache = open_cache(corpus / CACHE_NAME, warnings)
    cached_json(corpus, "Dahua Technology", rule_set, cache)
    cache.close()
    changed = corpus / "039_county_audit_dahua_cameras.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nDahua Technology was added to the "
                       "Entity List in October 2019.\n", encoding="utf-8")
    (corpus / "900_new.md").write_text("New\n\nThe FCC placed Hytera on its Covered List.\n",
                                       encoding="utf-8")
    (corpus / "001_entity_list_eight_firms.md").unlink()

    analyses.clear()
    cache = open_cache(corpus / CACHE_NAME, warnings)
    assert cached_json(corpus, "Dahua Technology", rule_set, cache) == reference_json(
        corpus, "Dahua Technology", rule_set)
    assert analyses[:2] == [changed.name, "900_new.md"]
    assert len(analyses) == 2 + len(list(corpus.glob("*.md"))), \
        "only the changed and the new article were re-analysed"
    cache.close()
    assert warnings == []


def test_a_changed_rule_set_is_a_different_context(corpus, rule_set, analyses, tmp_path):
    cache = open_cache(tmp_path / "c.sqlite", [])
    cached_json(corpus, "Hikvision", rule_set, cache)
    analyses.clear()
    other = rule_set.__class__(**{**rule_set.__dict__, "sha256": "0" * 64})
    cached_json(corpus, "Hikvision", other, cache)
    assert len(analyses) == len(list(corpus.glob("*.md")))
    cache.close()


def test_unregistered_vendor_shares_the_registry_analyses(corpus, rule_set, analyses, tmp_path):
    """check of a vendor outside the registry re-analyses only where its name can be found."""
    cache = open_cache(tmp_path / "c.sqlite", [])
    cached_json(corpus, "Hikvision", rule_set, cache)
    analyses.clear()
    got = cached_json(corpus, "Kestrel Vision", rule_set, cache)
    assert 0 < len(analyses) <= 3
    assert got == reference_json(corpus, "Kestrel Vision", rule_set)
    cache.close()


def test_check_analyses_only_documents_that_can_name_the_vendor(corpus, rule_set, analyses,
                                                                monkeypatch):
    """A cold check analyses the documents the vendor's names (or near misses) occur in; a warm
    one reads no article (the cached analyses carry their quotes); both give the report a full
    analysis gives."""
    from duediligence.check import check

    read: list[str] = []
    real_took, real_reread = parallel._Reader._took, parallel._Reader._reread
    monkeypatch.setattr(parallel._Reader, "_took", lambda self, slot, *read_as: (
        read.append(slot.relative), real_took(self, slot, *read_as)))
    monkeypatch.setattr(parallel._Reader, "_reread",
                        lambda self, slot: (read.append(slot.relative), real_reread(self, slot)))
    expected = reference_json(corpus, "Verkada", rule_set)
    naming = {d.path for d in iter_corpus(corpus) if "verkada" in d.text.lower()}
    # The articles were written just now, and files changed in the last two seconds are not
    # remembered by their stat (a second write in the same clock tick could go unseen).
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    assert 0 < len(naming) < 10

    cache = open_cache(corpus / CACHE_NAME, [])
    analyses.clear(), read.clear()
    assert report_json(check("Verkada", corpus, rule_set, cache=cache)) == expected
    assert set(analyses) == naming, "only the documents naming the vendor were analysed"
    assert len(read) == len(list(corpus.glob("*.md")))
    cache.close()

    cache = open_cache(corpus / CACHE_NAME, [])
    analyses.clear(), read.clear()
    assert report_json(check("Verkada", corpus, rule_set, cache=cache)) == expected
    assert analyses == []
    assert read == [], "a warm check reads no article, not even the ones it quotes"
    cache.close()


@pytest.mark.parametrize("extra", [(), ("Kestrel Vision", "Hikvisoin Digital", "Acme Vision Ltd",
                                        "Dahua Technologies Co., Ltd.")])
def test_every_vendor_checked_alone_gets_the_report_of_a_full_analysis(corpus, rule_set, extra):
    """The sieve never drops a document with something about the vendor: for every registry
    vendor (and names outside it, near misses of registry names among them), a focused check
    writes the report built from every document's full analysis."""
    from duediligence.check import check

    for bundled_seed in sorted((REPO / "seeds").iterdir()):
        shutil.copy(bundled_seed, corpus / bundled_seed.name)
    # Misspellings no registry entry lists, which only the finder's fuzzy matching reads.
    (corpus / "950_misspelt.md").write_text(
        "Council drops Hikvsion\n\nThe council said Hikvsion cameras would be removed. Huawie "
        "was added to the Entity List, officials said. Dahau recorders were banned too.\n",
        encoding="utf-8")
    documents = list(iter_corpus(corpus))
    registry_engine = engine_for(rule_set, [])
    registry_analyses = [(d, registry_engine.analyse(d)) for d in documents]
    assert {"hikvision", "huawei", "dahua"} <= set(registry_analyses[-1][1].mentions)
    typed = extra or tuple(v.name for v in rule_set.registry.vendors.values())
    for name in typed:
        vendor = resolve_vendor(name, rule_set)
        if vendor.registry_entry:
            analysed = registry_analyses
        else:
            engine = engine_for(rule_set, [vendor])
            analysed = [(d, engine.analyse(d)) for d in documents]
        full = build_report(vendor, CorpusRun(str(corpus), analysed, []), rule_set, None)
        # No cache: a document another vendor's check analysed in full would skip the sieve.
        assert report_json(check(name, corpus, rule_set)) == report_json(full), name


def _fill(tmp_path: Path, rule_set) -> tuple[Path, Path, bytes]:
    corpus = tmp_path / "synthetic"
    write_synthetic(corpus, seed=7, start=0, stop=60)
    path = tmp_path / "cache.sqlite"
    cache = open_cache(path, [])
    expected = cached_json(corpus, "Hikvision", rule_set, cache)
    cache.close()
    return corpus, path, expected


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed pages", "row"])
def test_a_corrupt_cache_is_reported_once_and_rebuilt(damage, tmp_path, rule_set, analyses):
    corpus, path, expected = _fill(tmp_path, rule_set)
    data = path.read_bytes()
    assert len(data) > 8192
    if damage == "garbage":
        path.write_bytes(random.Random(1).randbytes(len(data)))
    elif damage == "truncated":
        path.write_bytes(data[:len(data) // 2])
    elif damage == "zeroed pages":
        path.write_bytes(data[:4096] + bytes(len(data) - 4096))
    else:                                   # a row altered behind SQLite's back
        db = sqlite3.connect(path)
        db.execute("UPDATE analyses SET data = replace(data, 'hikvision', 'dahua')")
        db.commit()
        db.close()
    warnings: list[str] = []
    analyses.clear()
    cache = AnalysisCache.open(path, warnings.append)
    assert cache is not None
    assert cached_json(corpus, "Hikvision", rule_set, cache) == expected
    cache.close()
    assert len(warnings) == 1 and "\n" not in warnings[0], warnings
    assert "corrupt" in warnings[0] and "rebuilding" in warnings[0]
    assert len(analyses) == 60, "nothing from the corrupt file was trusted"
    # The rebuilt cache is sound: a third run is silent and analyses nothing.
    analyses.clear()
    cache = open_cache(path, warnings)
    assert cached_json(corpus, "Hikvision", rule_set, cache) == expected
    cache.close()
    assert len(warnings) == 1 and analyses == []


def test_a_damaged_page_in_the_middle_is_caught_when_read(tmp_path, rule_set, analyses):
    """No whole-file check runs at open (it would read 100k articles' worth every run): a bad
    page is found when it is read, the cache rebuilt, and the output still right."""
    corpus, path, expected = _fill(tmp_path, rule_set)
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    noise = random.Random(2)
    for page in range(2, pages, 3):
        data[page * 4096 + 100:page * 4096 + 900] = noise.randbytes(800)
    path.write_bytes(bytes(data))
    warnings: list[str] = []
    cache = AnalysisCache.open(path, warnings.append)
    assert cache is not None
    assert cached_json(corpus, "Hikvision", rule_set, cache) == expected
    cache.close()
    assert len(warnings) == 1 and "corrupt" in warnings[0], warnings
    analyses.clear()
    cache = open_cache(path, warnings)
    assert cached_json(corpus, "Hikvision", rule_set, cache) == expected
    cache.close()
    assert len(warnings) == 1 and analyses == []


def test_an_unwritable_cache_location_is_a_warning_not_a_failure(corpus, rule_set, run_cli,
                                                                 tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--cache", blocker / "c.sqlite",
                     "--json", tmp_path / "out.json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "cache disabled" in warnings[0]
    assert (tmp_path / "out.json").read_bytes() == reference_json(corpus, "Hikvision", rule_set)


def test_someone_elses_sqlite_database_is_left_alone(corpus, rule_set, tmp_path):
    path = tmp_path / "theirs.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE important (x)")
    db.commit()
    db.close()
    before = path.read_bytes()
    warnings: list[str] = []
    assert AnalysisCache.open(path, warnings.append) is None
    assert path.read_bytes() == before and "not a duediligence cache" in warnings[0]


def test_check_uses_the_cache_beside_the_corpus_and_no_cache_bypasses_it(corpus, run_cli, tmp_path):
    out = tmp_path / "out.json"
    assert run_cli("check", "Hikvision", "--corpus", corpus, "--json", out, "--no-cache",
                   "--fail-on", "never").exit_code == 0
    assert not (corpus / CACHE_NAME).exists()
    assert run_cli("check", "Hikvision", "--corpus", corpus, "--json", out,
                   "--fail-on", "never").exit_code == 0
    assert (corpus / CACHE_NAME).is_file()
    # The cache is hidden: it is not read as an article.
    assert CACHE_NAME not in {d.path for d in iter_corpus(corpus)}


@pytest.mark.parametrize("focus", [None, "Hikvision", "Kestrel Vision"])
def test_parallel_reading_equals_single_process(corpus, rule_set, monkeypatch, focus):
    """Files read, sieved and analysed in worker processes give what one process gives."""
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(parallel, "READ_IN_WORKERS", 1)
    engine = engine_for(rule_set, [])
    extra = [resolve_vendor(n, rule_set) for n in ("Kestrel Vision", "Brightwater Optics")]
    vendor = None if focus is None else resolve_vendor(focus, rule_set)
    one = parallel.analyse_corpus(corpus, engine, extra=extra, jobs=1, focus=vendor)
    two = parallel.analyse_corpus(corpus, engine, extra=extra, jobs=2, focus=vendor)
    assert one.stats.workers == 0 and two.stats.workers == 2
    assert one.entries == two.entries
    assert one.stats.read == two.stats.read == len(one.entries) + len(one.skipped)


def _screen(corpus: Path, out: Path, suppliers: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from duediligence.cli import main; main()", "screen",
         str(suppliers), "--corpus", str(corpus), "--out", str(out), "--fail-on", "never", "-q",
         *extra],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _stored(path: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT count(*) FROM analyses").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def test_a_run_killed_mid_way_leaves_no_report_and_a_usable_cache(tmp_path, rule_set):
    corpus = tmp_path / "synthetic"
    write_synthetic(corpus, seed=11, start=0, stop=parallel.CHUNK * 5)
    suppliers = tmp_path / "suppliers.txt"
    suppliers.write_text("Hikvision\nHuawei\nAltamira Sensing\n")
    out = tmp_path / "out"
    cache = corpus / CACHE_NAME
    run = _screen(corpus, out, suppliers)
    try:
        deadline = time.monotonic() + 120
        while _stored(cache) == 0 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert run.poll() is None, "the run finished before it could be killed"
        os.killpg(run.pid, signal.SIGKILL)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    assert run.returncode == -signal.SIGKILL
    assert not out.exists() or not any(out.iterdir()), "a report was left behind"
    kept = _stored(cache)
    assert 0 < kept < parallel.CHUNK * 5 * 2

    warnings: list[str] = []
    reopened = AnalysisCache.open(cache, warnings.append)
    assert reopened is not None and warnings == []
    reopened.close()
    finished = _screen(corpus, out, suppliers)
    _, stderr = finished.communicate(timeout=300)
    assert finished.returncode == 0, stderr.decode()
    assert b"warning" not in stderr
    clean = _screen(corpus, tmp_path / "clean", suppliers, "--no-cache")
    clean.communicate(timeout=300)
    for name in ("hikvision.json", "huawei.json", "altamira_sensing.json", "summary.csv"):
        assert (out / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name


def test_two_runs_at_once_share_the_cache(tmp_path):
    corpus = tmp_path / "synthetic"
    write_synthetic(corpus, seed=5, start=0, stop=80)
    suppliers = tmp_path / "suppliers.txt"
    suppliers.write_text("Hikvision\nDahua Technology\nCorvid Analytics\n")
    runs = [_screen(corpus, tmp_path / f"out{i}", suppliers) for i in range(2)]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr.decode()
        assert b"warning" not in stderr, stderr.decode()
    for name in ("hikvision.json", "dahua.json", "corvid_analytics.json", "summary.json"):
        assert (tmp_path / "out0" / name).read_bytes() == (tmp_path / "out1" / name).read_bytes()
    warnings: list[str] = []
    cache = AnalysisCache.open(corpus / CACHE_NAME, warnings.append)
    assert cache is not None and warnings == []
    assert _stored(corpus / CACHE_NAME) >= 80
    cache.close()


def test_the_sieve_passes_every_misspelling_the_name_finder_reads(rule_set):
    """Every one-edit variant of a registry name that the finder takes for the vendor (swaps,
    drops, doubled and changed letters) passes that vendor's sieve: the two cannot drift."""
    from duediligence.registry import name_key

    engine = engine_for(rule_set, [])
    checked = 0
    for vendor in rule_set.registry.vendors.values():
        sieve = parallel._OverlayFilter([vendor])
        for name in vendor.names:
            key = name_key(name.text)
            if " " in key or not key.isalpha():
                continue
            variants = {key[:i] + key[i + 1] + key[i] + key[i + 2:] for i in range(len(key) - 1)}
            variants |= {key[:i] + key[i + 1:] for i in range(len(key))}
            variants |= {key[:i] + c + key[i + 1:] for i in range(len(key)) for c in "xe"}
            variants |= {key[:i] + key[i] + key[i:] for i in range(len(key))}
            for variant in variants - {key}:
                word = variant.capitalize()
                found = engine.names.find(f"The {word} cameras.", f"the {variant} cameras.")
                if any(vendor.id in m.vendor_ids for m in found):
                    checked += 1
                    assert 0 in sieve.candidates(f"The {word} cameras."), (vendor.id, word)
    assert checked > 100
