"""Screening a supplier list: every vendor on it checked against the corpus in one pass.

The corpus is read and analysed once for all vendors (the analysis does not depend on the vendor;
see ``parallel.py``), then each vendor's report is built from it exactly as ``check`` builds it, so
a vendor's JSON report from a screen is byte-for-byte the report ``check VENDOR --json
OUT/<vendor id>.json`` writes (a review file ``OUT/<vendor id>.review.yaml`` is applied by both).

The list is a CSV file with a ``name`` column (optionally ``id``, the buyer's own supplier
reference, and ``notes``), or a text file with one name per line (blank lines and lines starting
with ``#`` ignored). Names that cannot be searched for and second mentions of a vendor already
listed are reported and left out; names not in the registry are reported and searched for as typed.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import multiprocessing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from . import __version__
from .cache import AnalysisCache
from .check import CorpusRun, build_report, engine_for, manifest_csv, resolve_vendor
from .corpus import Listing
from .errors import DueDiligenceError, Location, VendorError
from .outputs import write_all
from .parallel import IndexedCorpus, analyse_corpus, usable_cores
from .registry import Vendor
from .report import CATEGORIES, Report, report_json
from .review import Review, find_review
from .ruleset import RuleSet
from .snapshot import pack, saved_outputs, unpack

ProblemKind = Literal["duplicate", "unparseable", "not_in_registry"]
Progress = Callable[..., Iterable]
T = TypeVar("T")


@dataclass(frozen=True)
class Supplier:
    """One line of the supplier list."""

    line: int
    name: str
    supplier_id: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ListProblem:
    """Something about a line of the list that the user should see; never fatal."""

    line: int
    name: str
    kind: ProblemKind
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class SupplierList:
    source: str
    suppliers: list[tuple[Supplier, Vendor]] = field(default_factory=list)
    problems: list[ListProblem] = field(default_factory=list)


@dataclass(frozen=True)
class ScreenRow:
    """One vendor's outcome: what the summary shows."""

    supplier: Supplier
    vendor: Vendor
    rating: str
    score: float
    findings: dict[str, int]
    documents_mentioning: int
    report: str
    memo: str | None


@dataclass(frozen=True)
class ReportFacts:
    """What the summary shows of a vendor's report: saved beside the report, so that a screen
    served from saved reports does not parse them (at 100k articles each is megabytes)."""

    rating: str
    score: float
    findings: dict[str, int]            # per category
    documents_mentioning: int
    documents_searched: int
    documents_skipped: int
    corpus_sha256: str

    @classmethod
    def of(cls, report: Report) -> ReportFacts:
        counts = {c.category: c.findings for c in report.score_breakdown.categories}
        search = report.search
        return cls(report.rating, report.score, {c: counts.get(c, 0) for c in CATEGORIES},
                   search.documents_mentioning, search.documents_searched, len(search.skipped),
                   search.corpus_sha256)

    def dump(self) -> bytes:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def load(cls, data: bytes) -> ReportFacts:
        return cls(**json.loads(data))


@dataclass
class ScreenResult:
    rows: list[ScreenRow]
    documents_searched: int
    documents_skipped: int
    corpus_sha256: str
    manifest: bytes                     # every document searched, as CSV (documents.csv)
    written: list[Path]


def read_suppliers(path: Path, rule_set: RuleSet) -> SupplierList:
    """Parse the list and resolve every name to a vendor; problems are collected, not raised."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DueDiligenceError(f"cannot read the supplier list: {exc.strerror or exc}",
                                Location(str(path))) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DueDiligenceError(f"the supplier list is not UTF-8 (invalid byte at offset "
                                f"{exc.start})", Location(str(path))) from None
    suppliers = _parse(text, path)
    listed = SupplierList(str(path))
    first: dict[str, Supplier] = {}
    for supplier in suppliers:
        try:
            vendor = resolve_vendor(supplier.name, rule_set)
        except VendorError:
            listed.problems.append(ListProblem(supplier.line, supplier.name, "unparseable",
                                               f"{supplier.name!r} has no letters or digits to "
                                               "search for; left out"))
            continue
        earlier = first.get(vendor.id)
        if earlier is not None:
            listed.problems.append(ListProblem(
                supplier.line, supplier.name, "duplicate",
                f"{supplier.name!r} is the same vendor as line {earlier.line} ({earlier.name!r}); "
                "screened once"))
            continue
        first[vendor.id] = supplier
        if not vendor.registry_entry:
            listed.problems.append(ListProblem(
                supplier.line, supplier.name, "not_in_registry",
                f"{supplier.name!r} is not in the registry; searched for the name as typed "
                f"({', '.join(sorted({n.text for n in vendor.names}))})"))
        listed.suppliers.append((supplier, vendor))
    if not listed.suppliers:
        raise DueDiligenceError("the supplier list names no vendor that can be searched for",
                                Location(str(path)))
    return listed


def _parse(text: str, path: Path) -> list[Supplier]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    header = [h.strip().lower() for h in next(csv.reader([first]), [])] if first else []
    if "name" in header:
        return _parse_csv(text, path)
    if path.suffix.lower() == ".csv":
        raise DueDiligenceError("the CSV supplier list has no 'name' column (the first line must "
                                "name the columns: name, and optionally id and notes)",
                                Location(str(path), 1))
    return [Supplier(number, line.strip()) for number, line in enumerate(lines, 1)
            if line.strip() and not line.lstrip().startswith("#")]


def _parse_csv(text: str, path: Path) -> list[Supplier]:
    reader = csv.reader(io.StringIO(text, newline=""))
    suppliers = []
    columns: dict[str, int] | None = None
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = {h.strip().lower(): i for i, h in reversed(list(enumerate(row)))}
                continue

            def cell(name: str) -> str | None:
                index = columns.get(name)            # type: ignore[union-attr]
                value = row[index].strip() if index is not None and index < len(row) else ""
                return value or None

            suppliers.append(Supplier(number, cell("name") or "", cell("id"), cell("notes")))
    except csv.Error as exc:
        raise DueDiligenceError(f"the CSV supplier list cannot be read: {exc}",
                                Location(str(path), reader.line_num)) from None
    return suppliers


# Below this many (document, vendor) pairs, building the reports in worker processes costs more
# than it saves; with --pdf (seconds per memo) workers are always worth it.
REPORT_POOL_THRESHOLD = 20_000


def screen(listed: SupplierList, corpus: Path, rule_set: RuleSet, out: Path, *,
           as_of: str | None = None, cache: AnalysisCache | None = None, pdf: bool = False,
           marking: str | None = None, progress: Progress | None = None,
           jobs: int | None = None) -> ScreenResult:
    """Write every vendor's report (and memo) into ``out``: made from one reading of the corpus
    for all of them or, while the corpus and every other input stand still, the reports saved
    by the last run (``snapshot.py``)."""
    bar = progress or (lambda items, **_: items)
    jobs = jobs or usable_cores()
    reviews = [find_review(v.id, None, out / f"{v.id}.json") for _, v in listed.suppliers]
    # The outputs, packed, in this order: each vendor's JSON report and its facts, then the
    # manifest.
    saved = saved_outputs(cache, corpus, rule_set.sha256)
    keys: list[str] = []
    if saved is not None:
        for (_, vendor), review in zip(listed.suppliers, reviews):
            report_key = saved.report_key(vendor, as_of, review)
            keys += [report_key, saved.key("facts", report=report_key)]
        keys.append(saved.manifest_key())
    found = [saved.get(key) for key in keys] if saved is not None else []
    outputs = [data for data in found if data is not None]
    if not keys or len(outputs) < len(keys):             # nothing saved, or not all of it
        outputs = _read_and_report(listed, reviews, corpus, rule_set, as_of, cache, bar, jobs,
                                   saved.listing if saved is not None else None)
        if saved is not None:
            saved.save(list(zip(keys, outputs)))
    *made, manifest = outputs
    facts = [ReportFacts.load(unpack(data)) for data in made[1::2]]
    job = _Outputs(listed.suppliers, made[0::2], facts, out, as_of, pdf, marking)
    done = _spread(job.write, len(facts), jobs if pdf else 1, bar, "Memos" if pdf else "Writing")
    return ScreenResult([row for row, _ in done], facts[0].documents_searched,
                        facts[0].documents_skipped, facts[0].corpus_sha256, unpack(manifest),
                        [path for _, paths in done for path in paths])


def _read_and_report(listed: SupplierList, reviews: list[Review | None], corpus: Path,
                     rule_set: RuleSet, as_of: str | None, cache: AnalysisCache | None,
                     bar: Progress, jobs: int, listing: Listing | None) -> list[bytes]:
    """Each vendor's JSON report and its facts, in turn, then the manifest, from one reading of
    the corpus; packed, so that they take little room beside the corpus's analyses."""
    extra = [v for _, v in listed.suppliers if not v.registry_entry]
    indexed = analyse_corpus(corpus, engine_for(rule_set, []), extra=extra, cache=cache,
                             progress=lambda items: bar(items, desc="Reading", unit="doc"),
                             jobs=jobs, listing=listing)
    job = _Reports(listed.suppliers, reviews, indexed, corpus, rule_set, as_of)
    pairs = len(listed.suppliers) * len(indexed.entries)
    built = _spread(job.build, len(listed.suppliers),
                    jobs if pairs >= REPORT_POOL_THRESHOLD else 1, bar, "Reports")
    return [*(data for pair in built for data in pair),
            pack(manifest_csv(e.document for e in indexed.entries))]


_TASK: Callable[[int], Any] | None = None


def _spread(task: Callable[[int], T], count: int, workers: int, bar: Progress,
            desc: str) -> list[T]:
    """``task`` for every index below ``count``, in order: in forked worker processes (which
    share what ``task`` is bound to) when there are cores and vendors to spread it over."""
    if workers > 1 and count > 1 and "fork" in multiprocessing.get_all_start_methods():
        global _TASK
        _TASK = task
        try:
            with multiprocessing.get_context("fork").Pool(min(workers, count)) as pool:
                return list(bar(pool.imap(_run_task, range(count)), total=count, desc=desc,
                                unit="vendor"))
        finally:
            _TASK = None
    return [task(index) for index in bar(range(count), desc=desc, unit="vendor")]


def _run_task(index: int):
    assert _TASK is not None
    return _TASK(index)


class _Reports:
    """Everything a vendor's report needs, shared (by fork) with the workers that build them."""

    def __init__(self, suppliers: list[tuple[Supplier, Vendor]], reviews: list[Review | None],
                 indexed: IndexedCorpus, corpus: Path, rule_set: RuleSet, as_of: str | None):
        self.suppliers, self.reviews, self.indexed = suppliers, reviews, indexed
        self.corpus, self.rule_set, self.as_of = corpus, rule_set, as_of
        # One run for every registry vendor: what is searched and who is where is worked out
        # once, here, before workers are forked to share it.
        self.shared = CorpusRun(str(corpus), [(e.document, e.analysis) for e in indexed.entries],
                                indexed.skipped)
        self.shared.trails                      # noqa: B018 - computed now, shared by the workers

    def build(self, index: int) -> tuple[bytes, bytes]:
        vendor = self.suppliers[index][1]
        run = self.shared if vendor.registry_entry else CorpusRun(
            str(self.corpus), self.shared.analysed, self.indexed.skipped, self.shared.searched,
            overlay={i: e.overlays[vendor.id] for i, e in enumerate(self.indexed.entries)
                     if vendor.id in e.overlays})
        report = build_report(vendor, run, self.rule_set, self.as_of, self.reviews[index])
        return pack(report_json(report)), pack(ReportFacts.of(report).dump())


class _Outputs:
    """Writing each vendor's report (and memo) into the output directory."""

    def __init__(self, suppliers: list[tuple[Supplier, Vendor]], packed: list[bytes],
                 facts: list[ReportFacts], out: Path, as_of: str | None, pdf: bool,
                 marking: str | None):
        self.suppliers, self.packed, self.facts = suppliers, packed, facts
        self.out, self.as_of, self.pdf, self.marking = out, as_of, pdf, marking

    def write(self, index: int) -> tuple[ScreenRow, list[Path]]:
        supplier, vendor = self.suppliers[index]
        payload = unpack(self.packed[index])
        json_path = self.out / f"{vendor.id}.json"
        outputs = []
        memo_path = None
        if self.pdf:
            memo_path = self.out / f"{vendor.id}.pdf"
            outputs.append((memo_path, _memo(Report.model_validate_json(payload), payload,
                                             self.as_of, self.marking)))
        outputs.append((json_path, payload))
        write_all(outputs)                      # a vendor's memo and report, or neither
        facts = self.facts[index]
        row = ScreenRow(supplier, vendor, facts.rating, facts.score, facts.findings,
                        facts.documents_mentioning, json_path.name,
                        memo_path.name if memo_path else None)
        return row, [p for p, _ in outputs]


def _memo(report: Report, payload: bytes, as_of: str | None, marking: str | None) -> bytes:
    import datetime as dt

    from .memo import render_memo          # WeasyPrint is slow to import; only when asked
    date = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    return render_memo(report, payload, assessment_date=date, marking=marking or None)


def sorted_rows(rows: list[ScreenRow], rule_set: RuleSet) -> list[ScreenRow]:
    """Most severe rating first, then highest score, then name."""
    order = {b.name: i for i, b in enumerate(rule_set.bands_low_to_high())}
    return sorted(rows, key=lambda r: (-order[r.rating], -r.score, r.vendor.name.lower(),
                                       r.vendor.id))


def summary_json(result: ScreenResult, listed: SupplierList, corpus: Path, rule_set: RuleSet,
                 as_of: str | None, fail_on: str, tripped: list[str]) -> bytes:
    data = {
        "tool": {"name": "duediligence", "version": __version__},
        "as_of": as_of,
        "suppliers": listed.source,
        "corpus": str(corpus),
        "corpus_sha256": result.corpus_sha256,
        "documents_searched": result.documents_searched,
        "documents_skipped": result.documents_skipped,
        "rule_set": {"version": rule_set.meta.version, "sha256": rule_set.sha256},
        "fail_on": fail_on,
        "gate_tripped": tripped,
        "vendors": [_row_json(r) for r in sorted_rows(result.rows, rule_set)],
        "list_problems": [{"line": p.line, "name": p.name, "problem": p.kind,
                           "message": p.message} for p in listed.problems],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _row_json(row: ScreenRow) -> dict:
    return {
        "vendor": row.vendor.name,
        "vendor_id": row.vendor.id,
        "listed_as": row.supplier.name,
        "line": row.supplier.line,
        "supplier_id": row.supplier.supplier_id,
        "notes": row.supplier.notes,
        "registry_entry": row.vendor.registry_entry,
        "rating": row.rating,
        "score": row.score,
        "findings": row.findings,
        "documents_mentioning": row.documents_mentioning,
        "report": row.report,
        "memo": row.memo,
    }


SUMMARY_COLUMNS = (["vendor", "vendor_id", "listed_as", "line", "supplier_id", "notes",
                    "registry_entry", "rating", "score"]
                   + [f"findings_{c}" for c in CATEGORIES]
                   + ["documents_mentioning", "report", "memo"])


def summary_csv(result: ScreenResult, rule_set: RuleSet) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for row in sorted_rows(result.rows, rule_set):
        writer.writerow([row.vendor.name, row.vendor.id, row.supplier.name, row.supplier.line,
                         row.supplier.supplier_id or "", row.supplier.notes or "",
                         "yes" if row.vendor.registry_entry else "no", row.rating,
                         f"{row.score:g}", *(row.findings[c] for c in CATEGORIES),
                         row.documents_mentioning, row.report, row.memo or ""])
    return buffer.getvalue().encode("utf-8")


def render_table(result: ScreenResult, listed: SupplierList, rule_set: RuleSet) -> str:
    """The stdout table: one line per vendor, most severe first, then the list's problems."""
    rows = sorted_rows(result.rows, rule_set)
    concern_categories = [c for c in CATEGORIES if c != "vendor_response"]
    table = [("RATING", "SCORE", "VENDOR", "CONCERNS", "DOCS", "NOTE")]
    for row in rows:
        concerns = sum(row.findings[c] for c in concern_categories)
        note = "not in registry" if not row.vendor.registry_entry else ""
        table.append((row.rating.upper(), f"{row.score:g}", row.vendor.name, str(concerns),
                      str(row.documents_mentioning), note))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(w) if i in (0, 2, 5) else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(r, widths))).rstrip() for r in table]
    skipped = result.documents_skipped
    lines += ["", f"Screened {len(rows)} vendor(s) against {result.documents_searched} "
                  "document(s)" + (f" ({skipped} file(s) skipped)" if skipped else "") + "."]
    if listed.problems:
        lines.append(f"Supplier list ({listed.source}):")
        lines += [f"  {problem}" for problem in listed.problems]
    return "\n".join(lines)
