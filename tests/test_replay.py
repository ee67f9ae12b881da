"""Replayed checks (replay.py): a check asked again of a corpus that stood still is answered from
what the first one saved, without loading the rules, and only while that answer still holds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duediligence import cache as cache_module
from duediligence import cli

ARTICLES = {
    "a.txt": "Cameras\n\nHikvision was added to the Entity List in 2019.\n",
    "b.txt": "Radios\n\nHytera was placed on the FCC's Covered List. Hikvision declined to "
             "comment.\n",
}


@pytest.fixture
def rule_loads(monkeypatch) -> list[tuple]:
    """Every loading of the rule set by the command line (a replay loads none)."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)   # the articles were written just now
    seen: list[tuple] = []
    real = cli.load_rules

    def counting(extra):
        seen.append(extra)
        return real(extra)

    monkeypatch.setattr(cli, "load_rules", counting)
    return seen


def _check(run_cli, corpus: Path, out: Path, *extra: object, vendor: str = "Hikvision"):
    return run_cli("check", vendor, "--corpus", corpus, "--json", out, *extra)


def test_a_check_asked_again_is_replayed_with_the_same_outputs(run_cli, write_corpus, tmp_path,
                                                                rule_loads):
    corpus = write_corpus(ARTICLES)
    first = _check(run_cli, corpus, tmp_path / "1.json", "--fail-on", "never")
    second = _check(run_cli, corpus, tmp_path / "2.json", "--fail-on", "never")
    assert len(rule_loads) == 1, "the second check was replayed"
    assert (tmp_path / "2.json").read_bytes() == (tmp_path / "1.json").read_bytes()
    assert second.exit_code == first.exit_code == 0
    assert second.stdout.replace("2.json", "1.json") == first.stdout
    assert second.stdout.startswith("Hikvision: ")
    assert second.stdout.rstrip().endswith(f"Wrote {tmp_path / '2.json'}")


def test_a_replayed_check_gates_and_checks_the_band_as_a_full_one(run_cli, write_corpus,
                                                                   tmp_path, rule_loads):
    corpus = write_corpus(ARTICLES)
    full = _check(run_cli, corpus, tmp_path / "1.json", "--fail-on", "elevated")
    replayed = _check(run_cli, corpus, tmp_path / "2.json", "--fail-on", "elevated")
    assert len(rule_loads) == 1
    assert full.exit_code == replayed.exit_code == 1
    wrong = _check(run_cli, corpus, tmp_path / "3.json", "--fail-on", "middling")
    assert wrong.exit_code == 2 and "'middling' is not a band" in wrong.stderr
    assert not (tmp_path / "3.json").exists()


@pytest.mark.parametrize("change", ["review beside the report", "rule pack", "as-of",
                                    "another spelling", "pdf", "edit"])
def test_a_check_asked_otherwise_is_not_replayed(change, run_cli, write_corpus, tmp_path,
                                                 rule_loads):
    corpus = write_corpus(ARTICLES)
    _check(run_cli, corpus, tmp_path / "1.json", "--fail-on", "never")
    extra: list[object] = ["--fail-on", "never"]
    vendor = "Hikvision"
    if change == "review beside the report":
        (tmp_path / "hikvision.review.yaml").write_text("vendor: hikvision\nentries: []\n")
    elif change == "rule pack":
        pack = tmp_path / "pack"
        pack.mkdir()
        (pack / "extra.yaml").write_text("rules: []\n")
        extra += ["--rules", pack]
    elif change == "as-of":
        extra += ["--as-of", "2026-01-02"]
    elif change == "another spelling":
        vendor = "HIKVISION"
    elif change == "pdf":
        extra += ["--pdf", tmp_path / "memo.pdf"]
    elif change == "edit":
        (corpus / "b.txt").write_text(ARTICLES["b.txt"].replace("declined", "refused"))
    result = _check(run_cli, corpus, tmp_path / "2.json", *extra, vendor=vendor)
    assert result.exit_code == 0, result.output
    assert len(rule_loads) == 2, "the check was made in full"
    if change == "review beside the report":
        assert "Review:" in result.stdout and "hikvision.review.yaml" in result.stdout
    if change == "another spelling":           # the same vendor: replayed from now on
        again = _check(run_cli, corpus, tmp_path / "3.json", *extra, vendor=vendor)
        assert len(rule_loads) == 2 and again.stdout.replace("3.json", "2.json") == result.stdout


def test_a_replayed_check_loads_neither_the_engine_nor_the_models(write_corpus, tmp_path):
    """Measured in a process of its own: the point of a replay is what it does not import."""
    corpus = write_corpus(ARTICLES)
    os.utime(corpus, None)
    time.sleep(2.1)             # files written in the last two seconds are not trusted by stat
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print(' '.join(sorted(sys.modules)), file=sys.stderr))\n"
             "from duediligence.cli import main\n"
             "main()\n")
    argv = [sys.executable, "-c", probe, "check", "Hikvision", "--corpus", str(corpus),
            "--json", str(tmp_path / "out.json"), "--fail-on", "never", "-q"]
    modules = []
    for _ in range(2):
        done = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        modules.append(set(done.stderr.split()))
    assert {"duediligence.analysis", "duediligence.ruleset", "pydantic"} <= modules[0]
    assert not {"duediligence.analysis", "duediligence.ruleset", "duediligence.report",
                "pydantic", "regex"} & modules[1]
