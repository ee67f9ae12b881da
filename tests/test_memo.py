"""The PDF memo: archival (PDF/A-3a), accessible (PDF/UA-1), reproducible, safe, complete.

One real memo (Hikvision on the bundled seeds, rendered by the CLI in-process) is shared by the
module; a few small variants cover what it cannot (a Chinese vendor name with no findings,
hostile article text). Text checks read the PDF with pypdf; conformance is checked with
``page-validation`` (import name ``page``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import page
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from duediligence import cli, memo
from duediligence.errors import OutputError
from duediligence.report import Evidence, Report, report_json
from duediligence.resources import bundled

AS_OF = "2026-11-27"
ASSESSED = dt.date(2026, 11, 27)
MARKING = "OFFICIAL-SENSITIVE"
REPO = Path(__file__).resolve().parent.parent
CJK_VENDOR = "深圳市示例科技有限公司"     # not in the registry: searched by name, no findings


def squash(text: str) -> str:
    """Whitespace-normalised text: every run of whitespace becomes one space."""
    return re.sub(r"\s+", " ", text).strip()


def flat(text: str) -> str:
    """Text with no whitespace at all: robust to where lines broke (after a hyphen, a slash)."""
    return re.sub(r"\s+", "", text)


def text_of(pdf: bytes) -> tuple[list[str], str]:
    """Each page's extracted text, and all of it, whitespace-normalised."""
    pages = [squash(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]
    return pages, " ".join(pages)


def check_cli(tmp: Path, vendor: str, *extra: str) -> tuple[bytes, bytes]:
    """``duediligence check VENDOR --json --pdf --as-of`` in-process: (JSON bytes, PDF bytes)."""
    json_path, pdf_path = tmp / "report.json", tmp / "memo.pdf"
    result = CliRunner().invoke(cli.main, [
        "check", vendor, "--json", str(json_path), "--pdf", str(pdf_path), "--as-of", AS_OF,
        "--fail-on", "never", "--quiet", *extra])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return json_path.read_bytes(), pdf_path.read_bytes()


def assert_conformant(pdf: bytes) -> dict[str, tuple[int, int]]:
    """PDF/A-3a and PDF/UA-1 with zero failed rules; returns {profile: (passed, total)}."""
    counts = {}
    for profile in ("3a", "ua1"):
        result = page.validate_pdf_bytes(pdf, profile=profile)
        failures = [f"{f.rule_id}: {f.message}" for f in result.failures]
        assert result.rules.failed == 0 and result.is_compliant and not failures, (
            f"{profile}: {result.rules.failed} of {result.rules.total} rules failed: {failures}")
        counts[profile] = (result.rules.passed, result.rules.total)
    return counts


def embedded_fonts(pdf: bytes) -> set[str]:
    names = set()
    for pdf_page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = pdf_page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


# --------------------------------------------------------------------------------------------
# The seed memo: Hikvision on the bundled seeds, through the CLI


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seed")
    json_bytes, pdf = check_cli(tmp, "Hikvision")
    report = Report.model_validate_json(json_bytes)
    pages, text = text_of(pdf)
    return {"json": json_bytes, "pdf": pdf, "report": report, "pages": pages, "text": text,
            "dir": tmp}


def test_seed_memo_is_pdf_a_3a_and_pdf_ua_1(seed):
    counts = assert_conformant(seed["pdf"])
    print("page-validation rules passed:", counts)


def test_seed_memo_has_findings_to_show(seed):
    # Guards the other tests against passing vacuously on an empty report.
    report = seed["report"]
    assert len(report.findings) >= 5
    assert any(f.category == "vendor_response" for f in report.findings)


def test_embedded_json_is_the_json_output_byte_for_byte(seed):
    reader = PdfReader(io.BytesIO(seed["pdf"]))
    assert reader.attachments == {"report.json": [seed["json"]]}
    spec = reader.trailer["/Root"]["/AF"]
    assert len(spec) == 1
    filespec = spec[0].get_object()
    assert filespec["/AFRelationship"] == "/Source"
    stream = filespec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/json"
    assert stream["/Params"]["/CreationDate"] == "D:20261127000000Z"
    assert stream["/Params"]["/ModDate"] == "D:20261127000000Z"


def test_embedded_json_sha256_is_printed(seed):
    digest = hashlib.sha256(seed["json"]).hexdigest()
    assert digest in flat(seed["text"])


def test_every_finding_id_and_quote_is_in_the_text(seed):
    text = flat(seed["text"])
    missing = []
    for finding in seed["report"].findings:
        if finding.id not in text:
            missing.append(finding.id)
        for evidence in finding.evidence:
            if flat(evidence.quote) not in text:
                missing.append(f"{finding.id}: {evidence.quote!r}")
    assert not missing


def test_decision_comes_first(seed):
    report, first = seed["report"], seed["pages"][0]
    assert flat(f"Overall rating: {report.rating.upper()}. Recommendation: "
                f"{report.band.recommendation}") in flat(first)
    assert flat(report.band.meaning) in flat(first)
    assert "27 November 2026" in first
    assert "decision support, not a legal determination" in first
    assert first.index("Decision") < first.index("Overall rating")


def test_sections_in_the_issue_order(seed):
    text = seed["text"]
    headings = ["1. Decision", "2. Concern summary", "3. Findings", "4. The vendor’s responses",
                "5. What was searched", "6. Method", "7. Review and sign-off"]
    positions = [text.find(h) for h in headings]
    assert -1 not in positions and positions == sorted(positions), dict(zip(headings, positions))


def test_concern_summary_has_one_row_per_category_with_findings(seed):
    report, text = seed["report"], seed["text"]
    summary = text[text.index("2. Concern summary"):text.index("3. Findings")]
    for score in report.score_breakdown.categories:
        if score.category == "vendor_response":
            continue
        label = memo.CATEGORY_LABELS[score.category]
        if score.findings:
            assert f"{label} {score.findings} {memo._number(score.points)} “" in summary, label
        else:
            assert label in summary.split("No findings in:")[1], label


def test_findings_are_attributed_and_marked(seed):
    text = seed["text"]
    evidence = [e for f in seed["report"].findings for e in f.evidence]
    assert text.count("According to ") >= len(evidence)
    assert text.count("Allegation According to") == sum(e.allegation for e in evidence)
    assert text.count("Assertion According to") == sum(not e.allegation for e in evidence)


def body_text(pdf: bytes) -> str:
    """The pages' text without the running header and footer, so that a paragraph broken across
    a page reads as one (the marking is checked on every page by its own test). pypdf also
    extracts the numbers of a numbered list out of reading order, as lines of their own."""
    bodies = []
    for pdf_page in PdfReader(io.BytesIO(pdf)).pages:
        raw = pdf_page.extract_text() or ""
        raw = re.sub(r"\nOFFICIAL-SENSITIVE\nMemo DDM-.*\Z", "", raw, flags=re.S)
        raw = re.sub(r"^\d+\. *(?:\n|\Z)", "", raw, flags=re.M)
        bodies.append(raw.removeprefix("OFFICIAL-SENSITIVE\n"))
    return "\n".join(bodies)


def test_what_was_searched_and_method(seed):
    report, text = seed["report"], flat(body_text(seed["pdf"]))
    for document in report.documents:
        assert document.sha256 in text
    for value in (report.rule_set.sha256, report.search.corpus_sha256):
        assert value in text
    for item in report.search.not_searched:
        assert flat(item) in text
    assert flat(report.score_breakdown.formula) in text
    assert f"={memo._number(report.score_breakdown.total)}points" in text
    assert f"version{report.rule_set.version}" in text
    assert f"duediligence{report.tool.version}" in text


def _figure(value: float) -> str:
    """A factor or product as the memo prints it: up to 6 decimals, no trailing zeros."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def test_method_shows_the_arithmetic_of_each_scored_finding(seed):
    report, pages = seed["report"], seed["pages"]
    method = flat(seed["text"].split("6. Method")[1].split("7. Review and sign-off")[0])
    scored = [f for f in report.findings if f.points]
    top = scored[0]
    assert top.points == max(f.points for f in report.findings)
    for finding in scored:
        f = finding.factors
        product = f.severity_points * f.category_weight * f.repetition * f.corroboration
        # The product and the points differ only by the rounding of each quote's share.
        assert abs(product - finding.points) <= 0.005 * len(finding.evidence) + 1e-9
        line = (f"{_figure(f.severity_points)} × {_figure(f.category_weight)} × "
                f"{_figure(f.repetition)} × {_figure(f.corroboration)} = {_figure(product)}")
        row = f"{finding.id} {f.independent_sources} {line} {memo._number(finding.points)}"
        assert flat(row) in method, row
    # The top finding's line, as a reader would find it on the page.
    f = top.factors
    line = (f"{_figure(f.severity_points)} × {_figure(f.category_weight)} × "
            f"{_figure(f.repetition)} × {_figure(f.corroboration)} = ")
    assert any(line in p for p in pages), line
    total = memo._number(report.score_breakdown.total)
    assert flat(f"Total {len(scored)} findings: the sum of their points is the score {total}") \
        in method
    assert abs(sum(f.points for f in scored) - report.score_breakdown.total) < 0.005
    for finding in report.findings:
        if not finding.points:
            assert finding.id in method.split("Notlisted")[1]


def test_method_lists_every_band_and_marks_the_vendors_in_words(seed):
    report = seed["report"]
    method = flat(seed["text"].split("6. Method")[1].split("7. Review and sign-off")[0])
    bands = report.score_breakdown.bands
    assert len(bands) >= 3 and report.band.name in [b.name for b in bands]
    for band in bands:
        marker = "This vendor’s band" if band.name == report.band.name else ""
        row = f"{band.name.upper()} {marker} {memo._number(band.min_score)} {band.recommendation}"
        assert flat(row) in method, row
    assert method.count(flat("This vendor’s band")) == 1


def test_method_tables_do_not_split_across_pages(seed):
    pages = seed["pages"]
    points = [i for i, p in enumerate(pages) if "Points of each finding" in p
              or "the sum of their points is the score" in p]
    bands = [i for i, p in enumerate(pages) if "Rating bands" in p
             or "This vendor’s band" in p]
    assert len(set(points)) == 1 and len(set(bands)) == 1, (points, bands)


def test_concern_summary_starts_on_page_1_and_keeps_its_total(seed):
    pages, report = seed["pages"], seed["report"]
    assert "2. Concern summary" in pages[0]
    assert "Category Findings Points Strongest quote" in pages[0]
    [page_of_total] = [p for p in pages if "Section 6 shows how the points add up" in p]
    before_total = page_of_total.split("Section 6 shows how the points add up")[0]
    # The total row shares its page with at least one category row above it.
    assert re.search(r"(assertion|allegation), finding F-[0-9a-f]+\) Total \d+ ", before_total)
    concerns = [f for f in report.findings if f.category != "vendor_response"]
    total = f"Total {len(concerns)} {memo._number(report.score)}"
    assert total in before_total


def test_concern_summary_quotes_are_not_doubled(seed):
    summary = seed["text"].split("2. Concern summary")[1].split("3. Findings")[0]
    for doubled in ("““", "“\"", "””", "\"”"):
        assert doubled not in summary
    # The seed has a strongest quote that itself opens with a quotation mark.
    assert "“The company seems unwilling" in summary


def test_summary_quote_marks():
    assert memo.summary_quote("plain words") == "“plain words”"
    assert memo.summary_quote("“Quoted in full,” he said.") == "“Quoted in full,” he said."
    assert memo.summary_quote("“Cut short …") == "“Cut short\u00a0…”"
    assert memo.summary_quote('"Straight" marks') == '"Straight" marks'
    assert memo.summary_quote('"Straight cut …') == '"Straight cut\u00a0…"'
    assert memo.summary_quote("said “this” …") == "“said “this”\u00a0…”"


def test_marking_on_every_page_and_in_the_body(seed):
    pages = seed["pages"]
    assert all(MARKING in p for p in pages)
    assert pages[0].count(MARKING) >= 3        # running header, body, running footer
    assert f"Handling: {MARKING}." in pages[-1]


def test_footer_has_memo_id_version_and_page_x_of_y(seed):
    pages, report = seed["pages"], seed["report"]
    memo_id = memo.memo_id(report, seed["json"])
    assert memo_id.startswith("DDM-HIKVISION-")
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        assert f"Memo {memo_id}" in text
        assert f"duediligence {report.tool.version}" in text
    assert str(PdfReader(io.BytesIO(seed["pdf"])).trailer["/ID"][0]) == memo_id


def test_metadata_agrees_and_identifies_both_standards(seed):
    reader = PdfReader(io.BytesIO(seed["pdf"]))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    info = reader.metadata
    assert info.title == "Due-diligence memo: Hikvision"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261127000000Z"
    metadata = root["/Metadata"].get_object()
    assert "/Filter" not in metadata                     # XMP left uncompressed
    xmp = metadata.get_data().decode("utf-8")
    for needle in ("<pdfaid:part>3</pdfaid:part>", "pdfaid:conformance=\"A\"",
                   "<pdfuaid:part>1</pdfuaid:part>", "<pdfaSchema:prefix>pdfuaid",
                   f">{info.title}</rdf:li>", "<xmp:CreateDate>2026-11-27T00:00:00Z",
                   "<xmp:ModifyDate>2026-11-27T00:00:00Z"):
        assert needle in xmp or needle.replace("<pdfaid:part>3</pdfaid:part>",
                                               'pdfaid:part="3"') in xmp, needle


def test_only_bundled_fonts_are_embedded(seed):
    fonts = embedded_fonts(seed["pdf"])
    assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+Memo-[A-Za-z-]+", f) for f in fonts), fonts


def test_render_is_byte_identical_in_a_fresh_process(seed, tmp_path):
    """Render the seed report again in another interpreter (other hash seed, cwd and TZ)."""
    script = textwrap.dedent("""
        import datetime, sys
        from pathlib import Path
        from duediligence.memo import render_memo
        from duediligence.report import Report
        data = Path(sys.argv[1]).read_bytes()
        pdf = render_memo(Report.model_validate_json(data), data,
                          assessment_date=datetime.date(2026, 11, 27))
        Path(sys.argv[2]).write_bytes(pdf)
    """)
    source = seed["dir"] / "report.json"
    out = tmp_path / "again.pdf"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "Pacific/Auckland",
           "PYTHONPATH": str(REPO)}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-c", script, str(source), str(out)], cwd=tmp_path,
                   env=env, check=True, timeout=120)
    assert out.read_bytes() == seed["pdf"]


def test_source_date_epoch_is_set_for_the_render_and_restored():
    with memo._source_date_epoch(1795737600):
        assert os.environ["SOURCE_DATE_EPOCH"] == "1795737600"
    assert "SOURCE_DATE_EPOCH" not in os.environ or os.environ["SOURCE_DATE_EPOCH"] != "1795737600"


# --------------------------------------------------------------------------------------------
# A vendor with a Chinese-script name and nothing found: a short memo that says so


@pytest.fixture(scope="module")
def cjk_clean(tmp_path_factory):
    json_bytes, pdf = check_cli(tmp_path_factory.mktemp("cjk"), CJK_VENDOR)
    pages, text = text_of(pdf)
    return {"report": Report.model_validate_json(json_bytes), "pdf": pdf, "pages": pages,
            "text": text}


def test_chinese_vendor_name_renders_and_validates(cjk_clean):
    assert cjk_clean["report"].vendor.name == CJK_VENDOR
    assert_conformant(cjk_clean["pdf"])                 # includes the .notdef-glyph rules
    assert f"Due-diligence memo: {CJK_VENDOR}" in cjk_clean["pages"][0]
    assert any("Memo-SC" in f for f in embedded_fonts(cjk_clean["pdf"]))
    assert PdfReader(io.BytesIO(cjk_clean["pdf"])).metadata.title == \
        f"Due-diligence memo: {CJK_VENDOR}"


def test_clean_vendor_memo_is_short_and_says_so(cjk_clean):
    report, pages, text = cjk_clean["report"], cjk_clean["pages"], cjk_clean["text"]
    assert not [f for f in report.findings if f.category != "vendor_response"]
    assert len(pages) <= 3
    assert "No concerns found." in pages[0] or "No concerns found." in pages[1]
    assert "3. Findings" not in text and "5. What was searched" not in text
    assert "4. What was searched" in text and "Not searched" in text
    assert "is not in the vendor registry" in text
    # The documents searched are counted and fixed by the corpus digest, not listed.
    assert report.documents == []
    assert flat(f"No document mentions {CJK_VENDOR}; the {report.search.documents_searched} "
                "documents searched are not listed here") in flat(text)
    assert flat("duediligence check --manifest lists them") in flat(text)


def test_clean_vendor_memo_shows_the_bands_with_its_own_marked(cjk_clean):
    report, text = cjk_clean["report"], flat(cjk_clean["text"])
    assert report.score == 0
    for band in report.score_breakdown.bands:
        assert flat(band.name.upper()) in text and flat(band.recommendation) in text
    assert flat(f"{report.band.name.upper()} This vendor’s band") in text


# --------------------------------------------------------------------------------------------
# Untrusted article text


HOSTILE = ('<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
           '<style>@import url(http://127.0.0.1:9/y.css); body { background: '
           'url(http://127.0.0.1:9/z.png) }</style><script>alert(1)</script>'
           '<svg><image href="file:///etc/hostname"/></svg> {{ 7*7 }}')
CJK_QUOTE = "据报道，海康威视的摄像头被用于新疆的拘留营。（海康威視，삼성전자，Ελληνικά，кириллица）"


@pytest.fixture(scope="module")
def hostile(seed):
    """Three findings of the seed report, one quote replaced by markup, one by Chinese text."""
    report = seed["report"]
    findings = [f for f in report.findings if f.category != "vendor_response"][:3]
    first, second = findings[0], findings[1]

    def replace_quote(finding, quote):
        evidence = finding.evidence[0].model_copy(update={"quote": quote})
        return finding.model_copy(update={"evidence": [evidence, *finding.evidence[1:]]})

    findings[0] = replace_quote(first, HOSTILE)
    findings[1] = replace_quote(second, CJK_QUOTE)
    documents = [d.model_copy(update={"title": d.title + ' <a href="http://127.0.0.1:9/">x</a>'})
                 for d in report.documents]
    bad = report.model_copy(update={"findings": findings, "documents": documents})
    return bad, report_json(bad)


@pytest.fixture(scope="module")
def hostile_render(hostile):
    """Render the hostile report once, recording every URL the renderer asks for, with the
    network cut off and a caller's SOURCE_DATE_EPOCH in the environment."""
    report, payload = hostile
    fetchers = []
    real = memo._package_fetcher

    def recording(root):
        fetcher = real(root)
        fetchers.append(fetcher)
        return fetcher

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(memo, "_package_fetcher", recording)
        patch.setattr(socket.socket, "connect", no_network)
        patch.setenv("SOURCE_DATE_EPOCH", "42")
        pdf = memo.render_memo(report, payload, assessment_date=ASSESSED, marking=None)
        epoch_after = os.environ.get("SOURCE_DATE_EPOCH")
    pages, text = text_of(pdf)
    return {"pdf": pdf, "fetchers": fetchers, "epoch_after": epoch_after, "text": text}


def test_untrusted_text_is_escaped_and_nothing_is_fetched(hostile_render):
    [fetcher] = hostile_render["fetchers"]
    assert fetcher.refused == []                 # nothing outside the templates was even asked
    templates = bundled("templates").resolve()
    assert fetcher.fetched and all(
        Path(url2pathname(urlsplit(u).path)).resolve().is_relative_to(templates)
        for u in fetcher.fetched)
    text = hostile_render["text"]
    assert flat(HOSTILE) in flat(text)           # shown as text, not interpreted
    assert '<a href="http://127.0.0.1:9/">x</a>' in text
    assert "{{ 7*7 }}" in text
    assert not PdfReader(io.BytesIO(hostile_render["pdf"])).pages[0].get("/Annots")


def test_hostile_variant_still_conforms_with_a_chinese_quote_and_no_marking(hostile_render):
    assert flat(CJK_QUOTE) in flat(hostile_render["text"])   # lines break between CJK characters
    assert MARKING not in hostile_render["text"]     # marking=None: no marking anywhere
    assert_conformant(hostile_render["pdf"])


def test_render_leaves_the_callers_source_date_epoch_alone(hostile_render):
    assert hostile_render["epoch_after"] == "42"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://127.0.0.1:9/x.css",
    "https://example.org/font.ttf",
    "data:text/css,body{}",
    "ftp://example.org/x.css",
])
def test_fetcher_refuses_anything_outside_the_templates(url):
    fetcher = memo._package_fetcher(bundled("templates"))
    with pytest.raises(ValueError, match="fetches nothing outside"):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.fetched == []


def test_fetcher_refuses_paths_that_escape_or_are_not_assets():
    templates = bundled("templates").resolve()
    fetcher = memo._package_fetcher(templates)
    for url in ((templates / "../pyproject.toml").as_uri(),
                templates.as_uri() + "/fonts/../../pyproject.toml",
                (templates / "memo.html").as_uri(),             # a template, not CSS or a font
                (templates / "fonts" / "derive_subsets.py").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    served = fetcher.fetch((templates / "memo.css").as_uri())
    assert served.content_type == "text/css" and b"@font-face" in served.read()


# --------------------------------------------------------------------------------------------
# Writing the file


@pytest.fixture
def fake_render(monkeypatch):
    """write_memo's own job is the file: stand the renderer in with fixed bytes."""
    calls = []

    def render(report, report_json, *, assessment_date, marking):
        calls.append((report, report_json, assessment_date, marking))
        return b"%PDF-1.7 new"

    monkeypatch.setattr(memo, "render_memo", render)
    return calls


def test_write_memo_writes_atomically(seed, tmp_path, fake_render):
    target = tmp_path / "memo.pdf"
    target.write_bytes(b"old")
    memo.write_memo(seed["report"], seed["json"], target, assessment_date=ASSESSED,
                    marking="OFFICIAL")
    assert target.read_bytes() == b"%PDF-1.7 new"
    assert [p.name for p in tmp_path.iterdir()] == ["memo.pdf"]
    assert fake_render == [(seed["report"], seed["json"], ASSESSED, "OFFICIAL")]


def test_write_memo_reports_an_unwritable_path_in_one_line(seed, tmp_path, fake_render):
    target = tmp_path / "missing" / "memo.pdf"
    with pytest.raises(OutputError) as raised:
        memo.write_memo(seed["report"], seed["json"], target, assessment_date=ASSESSED)
    message = str(raised.value)
    assert "\n" not in message and str(target) in message
    assert not (tmp_path / "missing").exists()


def test_write_memo_leaves_no_temporary_file_when_the_rename_fails(seed, tmp_path, fake_render):
    target = tmp_path / "memo.pdf"
    target.mkdir()                                    # os.replace onto a directory fails
    with pytest.raises(OutputError):
        memo.write_memo(seed["report"], seed["json"], target, assessment_date=ASSESSED)
    assert [p.name for p in tmp_path.iterdir()] == ["memo.pdf"]


# --------------------------------------------------------------------------------------------
# Helpers


def test_memo_id_is_ascii_and_depends_on_the_report():
    def report_for(vendor_id: str) -> Report:
        return Report.model_validate({
            "tool": {"version": "0"}, "as_of": None,
            "vendor": {"id": vendor_id, "name": "x", "aliases": [], "registry_entry": False},
            "rating": "low", "band": {"name": "low", "min_score": 0, "recommendation": "r",
                                      "meaning": "m"},
            "score": 0, "score_breakdown": {"formula": "f", "bands": [], "categories": [],
                                "total": 0},
            "findings": [], "documents": [],
            "search": {"corpus": "c", "corpus_sha256": "0" * 64, "documents_searched": 0,
                       "documents_mentioning": 0, "earliest_date": None, "latest_date": None,
                       "publishers": [], "aliases_matched": [], "skipped": [], "not_searched": []},
            "rule_set": {"version": "1", "sha256": "0" * 64, "rules": 0}})

    assert memo.memo_id(report_for("hikvision"), b"a") != memo.memo_id(report_for("hikvision"), b"b")
    weird = memo.memo_id(report_for("深圳 示例/../x" * 5), b"a")
    assert weird.isascii() and re.fullmatch(r"DDM-[A-Z0-9-]{1,12}-[0-9A-F]{12}", weird)


def test_excerpt_cuts_long_quotes_at_a_word():
    assert memo.excerpt("short quote") == "short quote"
    long = "word " * 60
    cut = memo.excerpt(long)
    assert cut.endswith(" …") and len(cut) <= memo.SUMMARY_QUOTE_CHARS + 2
    assert long.startswith(cut[:-2])


def test_streams_ending_in_cr_get_an_unambiguous_end_of_line():
    import pydyf

    stream = pydyf.Stream([b"q 1 0 0 1 0 0 cm Q\r"])
    safe_class = memo._eol_safe(type(stream))
    stream.__class__ = safe_class
    assert stream.data.endswith(b"Q\r\r\nendstream")
    plain = pydyf.Stream([b"q Q"])
    plain.__class__ = safe_class
    assert plain.data.endswith(b"q Q\nendstream")
    assert memo._eol_safe(safe_class) is safe_class


def test_evidence_model_still_has_the_fields_the_template_reads():
    # The template reads these by name (StrictUndefined turns a rename into a render error);
    # this names them in one place for whoever changes the report model.
    assert {"quote", "line", "allegation", "referent", "explanation", "points",
            "document"} <= set(Evidence.model_fields)


def test_xref_stream_ending_in_cr_gets_an_unambiguous_end_of_line():
    """pydyf writes the cross-reference stream after the finisher; about one render in 256 its
    compressed data ends with CR and '\\nendstream' would read as CR LF (PDF/A stream length)."""
    from duediligence.memo import _unambiguous_xref_end
    head = b"%PDF-1.7\n9 0 obj\n<</Type /XRef/Size 10/Length 3>>\nstream\n"
    tail = b"\nendstream\nendobj\nstartxref\n9\n%%EOF\n"
    ends_with_cr = head + b"ab\r" + tail
    assert _unambiguous_xref_end(ends_with_cr) == head + b"ab\r\r" + tail
    ordinary = head + b"abc" + tail
    assert _unambiguous_xref_end(ordinary) == ordinary
    other_stream = ends_with_cr.replace(b"/Type /XRef", b"/Type /Metadata")
    assert _unambiguous_xref_end(other_stream) == other_stream
