"""Saved outputs (snapshot.py): reused exactly while the corpus and every other input stand
still, made afresh as soon as any of them changes."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from duediligence import cache as cache_module
from duediligence import parallel
from duediligence import screen as screen_module
from duediligence.cache import CACHE_NAME

ARTICLES = {
    "a.txt": "Cameras\n\nHikvision was added to the Entity List in 2019.\n",
    "b.txt": "Budget\n\nThe council approved the budget for street lighting.\n",
    "c.md": "---\ntitle: Radios\npublisher: Wire\ndate: 2024-02-01\n---\n"
            "Hytera was placed on the FCC's Covered List. Hikvision declined to comment.\n",
}


@pytest.fixture
def readings(monkeypatch) -> list[str]:
    """Every reading of a corpus (by check or screen), by corpus directory name."""
    seen: list[str] = []
    real = parallel.analyse_corpus

    def counting(corpus, *args, **kwargs):
        seen.append(Path(corpus).name)
        return real(corpus, *args, **kwargs)

    monkeypatch.setattr(parallel, "analyse_corpus", counting)           # check's way in
    monkeypatch.setattr(screen_module, "analyse_corpus", counting)      # screen's
    # The articles were written just now; files changed in the last two seconds make the
    # corpus's state untrustworthy (tested on its own below).
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    return seen


def _check(run_cli, corpus: Path, out: Path, *extra: object):
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--json", out, "--fail-on",
                     "never", "-q", *extra)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_a_second_check_of_a_corpus_that_stood_still_reads_nothing(run_cli, write_corpus,
                                                                     tmp_path, readings):
    corpus = write_corpus(ARTICLES)
    first = _check(run_cli, corpus, tmp_path / "1.json", "--manifest", tmp_path / "1.csv")
    assert readings == [corpus.name]
    second = _check(run_cli, corpus, tmp_path / "2.json", "--manifest", tmp_path / "2.csv")
    assert readings == [corpus.name], "the saved report and manifest were used"
    assert second == first
    assert (tmp_path / "2.csv").read_bytes() == (tmp_path / "1.csv").read_bytes()
    fresh = _check(run_cli, corpus, tmp_path / "3.json", "--no-cache")
    assert fresh == first


@pytest.mark.parametrize("change", ["edit", "add", "remove", "touch", "as-of", "review",
                                    "other vendor"])
def test_any_change_of_an_input_is_a_new_reading(change, run_cli, write_corpus, tmp_path,
                                                  readings):
    corpus = write_corpus(ARTICLES)
    first = _check(run_cli, corpus, tmp_path / "1.json")
    extra: list[object] = []
    if change == "edit":              # same size, new words
        text = (corpus / "b.txt").read_text().replace("street lighting", "Hikvision cameras")
        (corpus / "b.txt").write_text(text[:len(ARTICLES["b.txt"])])
    elif change == "add":
        (corpus / "d.txt").write_text("Hikvision was banned from council buildings.\n")
    elif change == "remove":
        (corpus / "c.md").unlink()
    elif change == "touch":           # content unchanged: read again, same report
        os.utime(corpus / "a.txt", ns=(1_000_000_000, 1_000_000_000))
    elif change == "as-of":
        extra = ["--as-of", "2026-01-02"]
    elif change == "review":
        review = tmp_path / "hikvision.review.yaml"
        review.write_text("vendor: hikvision\nentries: []\n")
        extra = ["--review", review]
    second = _check(run_cli, corpus, tmp_path / "1.json", *extra) if change != "other vendor" \
        else run_cli("check", "Hytera", "--corpus", corpus, "--json", tmp_path / "h.json",
                     "-q", "--fail-on", "never").exit_code
    assert readings == [corpus.name, corpus.name]
    if change == "touch":
        assert second == first
    elif change in ("edit", "add", "remove", "as-of", "review"):
        assert second != first


def test_a_just_modified_file_means_no_reuse(run_cli, write_corpus, tmp_path, readings,
                                             monkeypatch):
    """A second write in the same clock tick as the last could leave the stat unchanged."""
    corpus = write_corpus(ARTICLES)
    monkeypatch.setattr(cache_module, "RACY_NS", 10**18)
    first = _check(run_cli, corpus, tmp_path / "1.json")
    second = _check(run_cli, corpus, tmp_path / "2.json")
    assert readings == [corpus.name, corpus.name] and second == first


def test_a_second_screen_writes_the_saved_reports(run_cli, write_corpus, tmp_path, readings):
    corpus = write_corpus(ARTICLES)
    suppliers = tmp_path / "suppliers.txt"
    suppliers.write_text("Hikvision\nHytera\nKestrel Vision\n")
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = run_cli("screen", suppliers, "--corpus", corpus, "--out", out, "--fail-on",
                         "never")
        assert result.exit_code == 0, result.output
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert readings == [corpus.name]
    assert outputs[0] == outputs[1]
    assert {"hikvision.json", "hytera.json", "documents.csv", "summary.csv",
            "summary.json"} <= set(outputs[0])
    assert len([n for n in outputs[0] if n.endswith(".json")]) == 4   # three vendors, summary
    # check reuses what the screen saved: the same report, byte for byte.
    assert _check(run_cli, corpus, tmp_path / "c.json") == outputs[0]["hikvision.json"]
    assert readings == [corpus.name]


def test_a_damaged_saved_output_is_caught_and_made_again(run_cli, write_corpus, tmp_path,
                                                         readings, capsys):
    corpus = write_corpus(ARTICLES)
    first = _check(run_cli, corpus, tmp_path / "1.json")
    db = sqlite3.connect(corpus / CACHE_NAME)
    for key, data in db.execute("SELECT key, data FROM outputs").fetchall():
        damaged = bytearray(data)
        damaged[len(damaged) // 2] ^= 0x01          # one bit flipped in the packed report
        db.execute("UPDATE outputs SET data = ? WHERE key = ?", (bytes(damaged), key))
    db.commit()
    db.close()
    result = run_cli("check", "Hikvision", "--corpus", corpus, "--json", tmp_path / "2.json",
                     "--fail-on", "never", "-q")
    assert result.exit_code == 0
    assert "saved output does not match its checksum" in result.stderr
    assert (tmp_path / "2.json").read_bytes() == first
    assert readings == [corpus.name, corpus.name]
