"""The PDF memo: one archival, accessible, reproducible decision record per vendor.

The memo is rendered from the JSON report (``report.Report``) through the Jinja2 templates in
``templates/`` and WeasyPrint. One file is PDF/A-3a and PDF/UA-1 at once: tagged, ``en-GB``,
titled, with Info and XMP metadata that agree, fonts shipped with the package and embedded,
and the exact ``--json`` bytes attached as ``report.json`` (AFRelationship ``Source``).

Reproducible: the same report, assessment date and marking give the same bytes in any process.
The only clock-like inputs of a WeasyPrint render are the subset fonts' ``head.modified``
timestamp (fontTools reads ``SOURCE_DATE_EPOCH``), the attachment dates and the document dates;
all three are set from the assessment date.

Safe: every article-derived string is HTML-escaped by Jinja2 (autoescape), and the renderer's
URL fetcher serves nothing but files inside the package's own templates directory, so no
network or file-system access can follow from article text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.request import url2pathname
from xml.etree import ElementTree as ET

import jinja2

from .errors import OutputError
from .report import Band, DocumentInfo, Evidence, Finding, Report
from .resources import bundled

if TYPE_CHECKING:  # WeasyPrint is imported lazily: it costs ~0.5 s and only the memo needs it.
    import pydyf

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
TEMPLATE = "memo.html"
ATTACHMENT_NAME = "report.json"
LANG = "en-GB"
PDF_VARIANT = "pdf/a-3a"          # PDF/A-3a; the finisher adds the PDF/UA-1 identification
RESPONSE_CATEGORY = "vendor_response"

CATEGORY_LABELS = {
    "human_rights": "Human rights",
    "ethnic_profiling": "Ethnic profiling",
    "transparency": "Transparency",
    "state_control": "State control",
    "security": "Security",
    "sanctions": "Sanctions",
    "government_restriction": "Government restriction",
    "audit_finding": "Audit finding",
    "forced_labour": "Forced labour",
    "vendor_response": "Vendor response",
}

# Files the renderer may read, by suffix, with the media type it is served as.
_SERVED_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


# --------------------------------------------------------------------------------------------
# Public interface


def render_memo(report: Report, report_json: bytes, *, assessment_date: dt.date,
                marking: str | None = DEFAULT_MARKING) -> bytes:
    """Render the memo of ``report`` as PDF bytes.

    ``report_json`` must be the bytes written by ``--json`` (``report.report_json(report)``); they
    are embedded unchanged as ``report.json`` and their SHA-256 is printed in the memo.
    ``marking`` is the handling marking shown in the body and the running header and footer;
    ``None`` or an empty string leaves the memo unmarked.
    """
    from weasyprint import HTML, Attachment

    templates = bundled("templates")
    memo = _MemoFacts.of(report, report_json, assessment_date, marking)
    html = _render_html(templates, report, memo)
    fetcher = _package_fetcher(templates)
    midnight = dt.datetime.combine(assessment_date, dt.time(0, 0), tzinfo=dt.timezone.utc)
    def attachment() -> Attachment:              # an Attachment can be written only once
        return Attachment(
            string=report_json,
            name=ATTACHMENT_NAME,
            description=f"JSON report the memo was rendered from (SHA-256 {memo.json_sha256})",
            relationship="Source",
            created=midnight,
            modified=midnight,
            url_fetcher=fetcher,
        )
    with _source_date_epoch(int(midnight.timestamp())):
        document = HTML(string=html, base_url=templates.resolve().as_uri() + "/",
                        url_fetcher=fetcher)
        options = dict(pdf_variant=PDF_VARIANT, pdf_identifier=memo.memo_id.encode("ascii"),
                       finisher=_finish_pdf)
        pdf = _unambiguous_xref_end(document.write_pdf(attachments=[attachment()], **options))
        if _ambiguous_stream_end(pdf):
            # pydyf's object streams are written after the finisher too; in the rare render
            # where one ends with CR, write the file without object streams (same inputs, same
            # decision, so the output stays reproducible).
            pdf = _unambiguous_xref_end(document.write_pdf(
                attachments=[attachment()], uncompressed_pdf=True, **options))
        return pdf


_STREAM = re.compile(rb"/Length (\d+)[^>]*>>\s*stream\r?\n")


def _ambiguous_stream_end(pdf: bytes) -> bool:
    """True when a stream's data ends with CR right before a bare LF and ``endstream``."""
    for match in _STREAM.finditer(pdf):
        end = match.end() + int(match.group(1))
        if pdf[end - 1:end] == b"\r" and pdf[end:end + 10] == b"\nendstream":
            return True
    return False


def _unambiguous_xref_end(pdf: bytes) -> bytes:
    """The cross-reference stream is written after the finisher runs, so ``_finish_pdf`` cannot
    make its end-of-line marker unambiguous: when its compressed data ends with CR, write CR LF
    before ``endstream`` here. It is the file's last object and ``startxref`` points at its
    start, so no offset moves and /Length stays right."""
    end = pdf.rfind(b"\nendstream")
    start = pdf.rfind(b" obj", 0, end)
    if end > 0 and pdf[end - 1:end] == b"\r" and b"/XRef" in pdf[start:pdf.find(b"stream", start)]:
        return pdf[:end] + b"\r" + pdf[end:]
    return pdf


def write_memo(report: Report, report_json: bytes, path: Path, *, assessment_date: dt.date,
               marking: str | None = DEFAULT_MARKING) -> None:
    """Render the memo and write it to ``path`` atomically (temp file in the same directory,
    then ``os.replace``); an existing file is replaced only by a complete memo.

    Raises ``OutputError`` with a one-line message when the file cannot be written.
    """
    data = render_memo(report, report_json, assessment_date=assessment_date, marking=marking)
    path = Path(path)
    directory = path.parent
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(f"cannot write the PDF memo to {path}: {reason}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def memo_id(report: Report, report_json: bytes) -> str:
    """The memo's id: the vendor id and the first 12 hex digits of the report's SHA-256.

    ASCII only (it is also the PDF's ``/ID``): a vendor id outside ``[A-Za-z0-9]`` is folded.
    """
    slug = re.sub(r"[^A-Z0-9]+", "-", report.vendor.id.upper()).strip("-")[:12].strip("-") or "VENDOR"
    digest = hashlib.sha256(report_json).hexdigest()[:12].upper()
    return f"DDM-{slug}-{digest}"


# --------------------------------------------------------------------------------------------
# The view of the report the template reads


@dataclass(frozen=True)
class Citation:
    """One quote, with who said it and where: everything the reader needs to find it."""

    evidence: Evidence
    source: str               # publisher, or the document title when the publisher is unknown
    title: str
    publisher: str | None
    date: str | None
    url: str | None
    document: str
    kind: str                 # "Allegation" or "Assertion"
    by_name: bool             # the quote names the vendor (no pronoun or description to explain)


@dataclass(frozen=True)
class ConcernRow:
    label: str
    findings: int
    evidence: int
    points: float
    strongest: Citation | None
    strongest_finding: str | None
    excerpt: str | None       # the strongest quote, cut at a word boundary when long
    quoted: str | None        # the excerpt in quotation marks (see ``summary_quote``)


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    label: str
    citations: list[Citation]


@dataclass(frozen=True)
class ScoredRow:
    """A finding that adds points, with the arithmetic a reader can redo."""

    finding: Finding
    arithmetic: str           # "15 × 1.5 × 1.875 × 1.5 = 63.28125"
    product: str              # "63.28125": may differ from the points by the shares' rounding
    points: str               # "63.29"


@dataclass(frozen=True)
class BandRow:
    band: Band
    current: bool             # the vendor's band


@dataclass(frozen=True)
class _MemoFacts:
    """Values derived from the inputs, not stored in the report."""

    memo_id: str
    json_sha256: str
    assessment_date: dt.date
    marking: str | None

    @classmethod
    def of(cls, report: Report, report_json: bytes, assessment_date: dt.date,
           marking: str | None) -> _MemoFacts:
        marking = " ".join((marking or "").split()) or None
        return cls(memo_id(report, report_json), hashlib.sha256(report_json).hexdigest(),
                   assessment_date, marking)


def _citation(evidence: Evidence, documents: dict[str, DocumentInfo],
              names: frozenset[str]) -> Citation:
    doc = documents.get(evidence.document)
    title = doc.title if doc else evidence.document
    publisher = doc.publisher if doc else None
    return Citation(
        evidence=evidence,
        source=publisher or f"“{title}”",
        title=title,
        publisher=publisher,
        date=doc.date if doc else None,
        url=doc.url if doc else None,
        document=evidence.document,
        kind="Allegation" if evidence.allegation else "Assertion",
        by_name=evidence.referent.casefold() in names,
    )


SUMMARY_QUOTE_CHARS = 110


def excerpt(quote: str, limit: int = SUMMARY_QUOTE_CHARS) -> str:
    """The quote, or its beginning up to a word boundary and an ellipsis when it is long."""
    if len(quote) <= limit:
        return quote
    cut = quote[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + " …"


_OPENING_QUOTES = {"“": "”", '"': '"'}


def summary_quote(text: str) -> str:
    """``text`` in quotation marks for the concern summary, without doubling a mark the quote
    already starts with: a quote that opens with a quotation mark keeps it as the opening mark,
    and gets a closing mark only when its own opening mark is left unclosed (a cut quote).
    A final " …" (see ``excerpt``) is bound to the last word by a no-break space."""
    if text.endswith(" …"):          # keep the ellipsis on the line of the last word
        text = text[:-2] + "\u00a0…"
    closing = _OPENING_QUOTES.get(text[:1])
    if closing is None:
        return f"“{text}”"
    if closing == '"':
        unclosed = text.count('"') % 2 == 1
    else:     # a curly opening may be closed by a curly or a straight mark
        unclosed = text.count("“") > text.count("”") + text.count('"')
    return text + closing if unclosed else text


def _exact(value: float) -> str:
    """A factor or product written in full (up to 6 decimals): 1.875, 63.28125, 1.8."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def arithmetic(finding: Finding) -> str:
    """Severity points × category weight × repetition × corroboration = their product, exactly.

    The finding's points are the sum of its quotes' shares, each rounded to 0.01, so they can
    differ from this product in the second or third decimal; the memo shows both."""
    f = finding.factors
    values = (f.severity_points, f.category_weight, f.repetition, f.corroboration)
    product = 1.0
    for value in values:
        product *= value
    return " × ".join(_exact(v) for v in values) + f" = {_exact(product)}"


def _view(report: Report) -> dict:
    documents = {doc.path: doc for doc in report.documents}
    names = frozenset(n.casefold() for n in (report.vendor.name, *report.vendor.aliases))
    concerns = [f for f in report.findings if f.category != RESPONSE_CATEGORY]
    responses = [f for f in report.findings if f.category == RESPONSE_CATEGORY]

    def finding_view(finding: Finding) -> FindingView:
        return FindingView(finding, _label(finding.category),
                           [_citation(e, documents, names) for e in finding.evidence])

    # One row per concern category, in the breakdown's order; counts and points are those of
    # the findings listed in this memo, so the summary always matches section 3.
    order = [c.category for c in report.score_breakdown.categories]
    order += [f.category for f in concerns if f.category not in order]
    rows = []
    for category in dict.fromkeys(order):
        if category == RESPONSE_CATEGORY:
            continue
        in_category = [f for f in concerns if f.category == category]
        # Strongest: most points; ties keep the report's order (findings by points, then rule).
        candidates = [(e, f) for f in in_category for e in f.evidence]
        best = max(candidates, key=lambda pair: pair[0].points, default=None)
        rows.append(ConcernRow(
            _label(category), len(in_category), len(candidates),
            sum(f.points for f in in_category),
            _citation(best[0], documents, names) if best else None,
            best[1].id if best else None,
            excerpt(best[0].quote) if best else None,
            summary_quote(excerpt(best[0].quote)) if best else None,
        ))
    scored = [_scored_row(f) for f in report.findings if f.points]
    sources = report.documents                  # those that mention the vendor or are quoted
    return {
        "concern_rows": rows,
        "concern_findings": [finding_view(f) for f in concerns],
        "responses": [finding_view(f) for f in responses],
        "sources": sources,
        "unlisted_documents": report.search.documents_searched - len(sources),
        "clean": not concerns,
        "scored": scored,
        "rounded": next((row for row in scored if row.product != row.points), None),
        "unscored": [finding_view(f) for f in report.findings if not f.points],
        "bands": [BandRow(b, b.name == report.band.name) for b in report.score_breakdown.bands],
    }


def _scored_row(finding: Finding) -> ScoredRow:
    line = arithmetic(finding)
    return ScoredRow(finding, line, line.rsplit(" = ", 1)[1], _number(finding.points))


def _label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())


# --------------------------------------------------------------------------------------------
# HTML


def _number(value: float) -> str:
    """Points as a reader writes them: 6, 2.5, 0.333 (no float noise, no trailing zeros)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _long_date(value: dt.date | str | None) -> str:
    if value is None:
        return "undated"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value.strftime('%B %Y')}"


_ENVIRONMENTS: dict[Path, jinja2.Environment] = {}


def _environment(templates: Path) -> jinja2.Environment:
    env = _ENVIRONMENTS.get(templates)
    if env is None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["number"] = _number
        env.filters["long_date"] = _long_date
        _ENVIRONMENTS[templates] = env
    return env


def _render_html(templates: Path, report: Report, memo: _MemoFacts) -> str:
    from weasyprint import __version__ as weasyprint_version

    template = _environment(templates).get_template(TEMPLATE)
    return template.render(
        report=report,
        memo=memo,
        lang=LANG,
        created=memo.assessment_date.isoformat() + "T00:00:00Z",
        renderer=f"WeasyPrint {weasyprint_version}",
        attachment_name=ATTACHMENT_NAME,
        **_view(report),
    )


# --------------------------------------------------------------------------------------------
# Rendering environment


@contextlib.contextmanager
def _source_date_epoch(seconds: int) -> Iterator[None]:
    """Set ``SOURCE_DATE_EPOCH`` (read by fontTools when it subsets fonts) for one render."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _package_fetcher(root: Path):
    """A WeasyPrint URL fetcher that serves only files inside ``root`` (the templates dir)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PackageOnlyFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",))
            self.root = root.resolve()
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def allowed_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                return None
            if path.suffix.lower() not in _SERVED_TYPES:
                return None
            return path

        def fetch(self, url, headers=None):
            path = self.allowed_path(url)
            if path is None:
                self.refused.append(url)
                raise ValueError(f"the memo renderer fetches nothing outside its templates: {url}")
            self.fetched.append(url)
            media_type = _SERVED_TYPES[path.suffix.lower()]
            response_headers = {"Content-Type": media_type}
            if media_type == "text/css":
                response_headers["Content-Type"] = "text/css; charset=utf-8"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), response_headers)

    return PackageOnlyFetcher()


# --------------------------------------------------------------------------------------------
# PDF finisher: what WeasyPrint 70 leaves to do for PDF/A-3a + PDF/UA-1 in one file

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
for _prefix, _uri in (("pdfuaid", _PDFUAID), ("pdfaExtension", _EXTENSION),
                      ("pdfaSchema", _SCHEMA), ("pdfaProperty", _PROPERTY)):
    ET.register_namespace(_prefix, _uri)

_XMP_HEADER = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' \
              b'<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
_XMP_FOOTER = b"\n</x:xmpmeta>\n<?xpacket end=\"r\"?>"


def _finish_pdf(document, pdf: pydyf.PDF) -> None:
    """Complete the PDF/A-3a file WeasyPrint wrote so that it is also PDF/UA-1.

    - XMP: add the PDF/UA identification (``pdfuaid:part 1``) with the PDF/A extension schema
      that declares it, and store the packet uncompressed (PDF/A validators disagree on a
      compressed XMP stream; uncompressed satisfies all of them and keeps it readable).
    - Associated files: WeasyPrint lists each attachment twice in the catalog ``/AF``.
    - Annotations: links must be printable (``/F 4``) for PDF/A and are kept so for PDF/UA.
    - Streams: a compressed stream whose last byte is CR gets CR LF before ``endstream``;
      pydyf writes a bare LF, which a reader takes as part of a CR LF end-of-line marker, so
      /Length would not match (PDF/A rule 6.1.7.1; about one stream in 256 ends with CR).
    """
    catalog = pdf.catalog
    if "AF" in catalog:
        unique = []
        for reference in catalog["AF"]:
            if reference not in unique:
                unique.append(reference)
        catalog["AF"][:] = unique

    for pdf_object in pdf.objects:
        if not isinstance(pdf_object, dict):
            continue
        if pdf_object.get("Type") == "/Annot":
            pdf_object["F"] = 4

    for pdf_object in pdf.objects:
        if isinstance(pdf_object, _pydyf_stream_class()):
            pdf_object.__class__ = _eol_safe(type(pdf_object))

    metadata_number = int(catalog["Metadata"].split()[0])
    stream = pdf.objects[metadata_number]
    stream.stream = [_xmp_packet(document.metadata)]
    stream.compress = False


def _pydyf_stream_class() -> type:
    import pydyf

    return pydyf.Stream


_EOL_SAFE: dict[type, type] = {}


def _eol_safe(cls: type) -> type:
    """A subclass of a pydyf stream class that writes CR LF before ``endstream`` when the
    (possibly compressed) data ends with CR, so that the end-of-line marker is unambiguous."""
    if cls in _EOL_SAFE.values():
        return cls
    if cls not in _EOL_SAFE:
        def data(self) -> bytes:
            written = super(safe, self).data
            body = written[:-len(b"\nendstream")]
            if body.endswith(b"\r"):
                return body + b"\r\nendstream"
            return written

        safe = type(f"EolSafe{cls.__name__}", (cls,), {"data": property(data)})
        _EOL_SAFE[cls] = safe
    return _EOL_SAFE[cls]


def _xmp_packet(metadata) -> bytes:
    rdf = ET.fromstring(metadata.generate_rdf_metadata("a", 3, "A"))
    ua = ET.SubElement(rdf, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""})
    ET.SubElement(ua, f"{{{_PDFUAID}}}part").text = "1"

    extension = ET.SubElement(rdf, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""})
    schemas = ET.SubElement(extension, f"{{{_EXTENSION}}}schemas")
    bag = ET.SubElement(schemas, f"{{{_RDF}}}Bag")
    schema = ET.SubElement(bag, f"{{{_RDF}}}li", {f"{{{_RDF}}}parseType": "Resource"})
    ET.SubElement(schema, f"{{{_SCHEMA}}}schema").text = "PDF/UA Universal Accessibility Schema"
    ET.SubElement(schema, f"{{{_SCHEMA}}}namespaceURI").text = _PDFUAID
    ET.SubElement(schema, f"{{{_SCHEMA}}}prefix").text = "pdfuaid"
    properties = ET.SubElement(ET.SubElement(schema, f"{{{_SCHEMA}}}property"), f"{{{_RDF}}}Seq")
    part = ET.SubElement(properties, f"{{{_RDF}}}li", {f"{{{_RDF}}}parseType": "Resource"})
    ET.SubElement(part, f"{{{_PROPERTY}}}name").text = "part"
    ET.SubElement(part, f"{{{_PROPERTY}}}valueType").text = "Integer"
    ET.SubElement(part, f"{{{_PROPERTY}}}category").text = "internal"
    ET.SubElement(part, f"{{{_PROPERTY}}}description").text = \
        "Indicates which part of ISO 14289 the document conforms to"
    return _XMP_HEADER + ET.tostring(rdf, encoding="utf-8", xml_declaration=False) + _XMP_FOOTER
