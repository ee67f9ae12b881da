"""Checking a vendor: the pipeline from a corpus directory to the JSON report.

corpus -> documents -> (engine: sentences, mentions, rule matches, attribution) -> claims
       -> findings -> score -> report
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import __version__
from .analysis import Engine
from .claims import Claim, DocumentAnalysis
from .cache import AnalysisCache
from .corpus import Document, Listing, Skipped, corpus_digest
from .errors import VendorError
from .findings import Exhibit, vendor_findings
from .parallel import analyse_for_engine, analyse_for_vendor
from .registry import Vendor, derived_vendor
from .report import (
    CATEGORIES, Band, CategoryScore, DocumentInfo, Evidence, Finding, Report, RuleSetInfo,
    ScoreBreakdown, ScoreFactors, SearchSummary, SkippedDocument, ToolInfo, VendorInfo,
    report_json,
)
from .review import Applied, Review, apply_review, review_status, review_summary
from .ruleset import RuleSet
from .scoring import ScoredFinding, band_for, formula, score_finding, total
from .snapshot import SavedOutputs, pack, unpack

# What a check never looks at; printed in every report and memo so "no hit" is not over-read.
NOT_SEARCHED = (
    "Official lists themselves (US Entity List, FCC Covered List, OFAC and UK lists) were not "
    "consulted; only what the articles in the corpus say about them.",
    "Anything outside the corpus: the wider web, news archives, court records, company filings.",
    "Articles in languages other than English (the rules are written in English), and images, "
    "video or attachments.",
    "The vendor's products themselves: no technical testing, firmware or data-flow analysis.",
)


@dataclass(frozen=True)
class Searched:
    """What every report on a corpus says about the documents searched, whoever the vendor:
    worked out once per run, not once per vendor of a screen. The documents themselves are not
    listed in a report (that would make every report as long as the corpus); the digest fixes
    them, and ``manifest_csv`` lists them."""

    digest: str
    dates: list[str]
    publishers: list[str]


def searched_documents(documents: Iterable[Document]) -> Searched:
    digest_of: list[tuple[str, str]] = []
    dates: list[str] = []
    publishers: set[str] = set()
    for document in documents:
        digest_of.append((document.path, document.sha256))
        if date := document.meta.get("date"):
            dates.append(date)
        if publisher := document.meta.get("publisher"):
            publishers.add(publisher)
    return Searched(corpus_digest(digest_of), sorted(dates), sorted(publishers))


def document_info(document: Document, mentions: int) -> DocumentInfo:
    return DocumentInfo(path=document.path, sha256=document.sha256, title=document.title,
                        url=document.meta.get("url"), publisher=document.meta.get("publisher"),
                        date=document.meta.get("date"), mentions=mentions)


def manifest_csv(documents: Iterable[Document]) -> bytes:
    """Every document searched, one CSV row each in path order (path, SHA-256, title,
    publisher, date, URL): the list a report's corpus SHA-256 is computed over."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["path", "sha256", "title", "publisher", "date", "url"])
    for d in sorted(documents, key=lambda d: d.path):
        writer.writerow([d.path, d.sha256, d.title, d.meta.get("publisher") or "",
                         d.meta.get("date") or "", d.meta.get("url") or ""])
    return out.getvalue().encode("utf-8")


@dataclass
class VendorTrail:
    """Where one vendor occurs in a run: its claims and, per document, the names it goes by."""

    claims: list[tuple[Document, Claim]] = field(default_factory=list)
    mentions: dict[int, tuple[str, ...]] = field(default_factory=dict)   # document index -> names
    quoted: set[int] = field(default_factory=set)        # indexes of the documents with claims


@dataclass
class CorpusRun:
    """The outcome of reading a corpus once: analysed documents and skipped files.

    ``overlay`` serves a screen's vendor outside the registry: the registry's analyses cannot
    name it, so its analyses where it occurs (document index -> analysis) are all its trail is
    made of, and the corpus is not walked again for it."""

    corpus: str
    analysed: list[tuple[Document, DocumentAnalysis]]
    skipped: list[Skipped]
    searched: Searched | None = None            # shared by the runs of one screen
    overlay: dict[int, DocumentAnalysis] | None = None

    def __post_init__(self) -> None:
        if self.searched is None:
            self.searched = searched_documents(d for d, _ in self.analysed)

    @cached_property
    def trails(self) -> dict[str, VendorTrail]:
        """Every vendor's claims and mentions, in corpus order, from one pass over the run."""
        if self.overlay is None:
            items = ((i, d, a) for i, (d, a) in enumerate(self.analysed))
        else:
            items = ((i, self.analysed[i][0], a) for i, a in sorted(self.overlay.items()))
        trails: dict[str, VendorTrail] = {}
        for index, document, analysis in items:
            for claim in analysis.claims:
                for vendor_id in claim.vendor_ids:
                    trail = trails.setdefault(vendor_id, VendorTrail())
                    trail.claims.append((document, claim))
                    trail.quoted.add(index)
            for vendor_id, names in analysis.mentions.items():
                trails.setdefault(vendor_id, VendorTrail()).mentions[index] = names
        return trails


def resolve_vendor(typed: str, rule_set: RuleSet) -> Vendor:
    """The registry vendor the user means, or one derived from the typed name."""
    found = rule_set.registry.find(typed)
    if found is not None:
        return found
    names = rule_set.lexicon.names
    nationalities = [word for words in rule_set.lexicon.references.nationalities.values()
                     for word in words]
    derived = derived_vendor(typed, names.legal_suffixes, names.generic_words, names.place_prefixes,
                             nationalities)
    if derived is None:
        raise VendorError(f"vendor name {typed!r} has no letters or digits to search for")
    return derived


def engine_for(rule_set: RuleSet, vendors: Iterable[Vendor]) -> Engine:
    """An engine that knows the registry plus any vendor not in it."""
    extra = tuple(v for v in vendors if not v.registry_entry)
    return Engine(rule_set, extra)


def read_corpus(corpus: Path, engine: Engine,
                progress: Callable[[Iterable], Iterable] = lambda items: items,
                cache: AnalysisCache | None = None) -> CorpusRun:
    """Analyse every document of the corpus once (for every known vendor at a time).

    Analyses in ``cache`` are reused and new ones stored; the rest is shared among the cores when
    there is enough of it (see ``parallel.py``); the result is the same either way. A document
    without claims comes back without its text (only claims are quoted), so memory does not grow
    with the size of the articles.
    """
    analysed, skipped = analyse_for_engine(corpus, engine, progress, cache)
    return CorpusRun(str(corpus), analysed, skipped)


def read_for_vendor(corpus: Path, rule_set: RuleSet, vendor: Vendor,
                    cache: AnalysisCache | None = None, listing: Listing | None = None
                    ) -> CorpusRun:
    """The corpus as a report on ``vendor`` needs it: documents that cannot name the vendor are
    listed but not analysed, and analyses are cut down to the vendor's claims and mentions."""
    analysed, skipped = analyse_for_vendor(corpus, engine_for(rule_set, [vendor]), vendor,
                                           cache=cache, listing=listing)
    return CorpusRun(str(corpus), analysed, skipped)


def check_outputs(vendor: Vendor, corpus: Path, rule_set: RuleSet, as_of: str | None,
                  review: Review | None, cache: AnalysisCache | None,
                  saved: SavedOutputs | None, manifest: bool = False
                  ) -> tuple[bytes, bytes | None, str]:
    """The vendor's JSON report, the manifest of the documents searched when asked, and the key
    the report is saved under ('' when it is not): saved ones while the corpus and every other
    input stand still (``snapshot.py``), else made from a reading of the corpus and saved for
    the next run."""
    if saved is not None and saved.rule_set != rule_set.sha256:
        saved = None                    # a rule file changed since the state was taken
    report_key = saved.report_key(vendor, as_of, review) if saved is not None else ""
    if saved is not None:
        packed = saved.get(report_key)
        listed = saved.get(saved.manifest_key()) if manifest else None
        if packed is not None and (listed is not None or not manifest):
            return unpack(packed), None if listed is None else unpack(listed), report_key
    run = read_for_vendor(corpus, rule_set, vendor, cache, saved.listing if saved else None)
    payload = report_json(build_report(vendor, run, rule_set, as_of, review))
    listed = manifest_csv(d for d, _ in run.analysed) if manifest else None
    if saved is not None:
        made = [(report_key, pack(payload))]
        if listed is not None:
            made.append((saved.manifest_key(), pack(listed)))
        saved.save(made)
    return payload, listed, report_key


def check(typed: str, corpus: Path, rule_set: RuleSet, as_of: str | None = None,
          review: Review | None = None, cache: AnalysisCache | None = None) -> Report:
    vendor = resolve_vendor(typed, rule_set)
    return build_report(vendor, read_for_vendor(corpus, rule_set, vendor, cache), rule_set, as_of,
                        review)


def build_report(vendor: Vendor, run: CorpusRun, rule_set: RuleSet, as_of: str | None,
                 review: Review | None = None) -> Report:
    """Assemble the report for one vendor from an analysed corpus and its review file, if any."""
    family = {vendor.id}      # a parent's or subsidiary's own entry is a vendor of its own
    scoring = rule_set.meta.scoring
    searched = run.searched
    assert searched is not None
    trails = [run.trails[v] for v in sorted(family) if v in run.trails]
    drafts = vendor_findings([c for trail in trails for c in trail.claims], rule_set)
    applied = apply_review(review, drafts, (d for d, _ in run.analysed), rule_set)
    scored = [score_finding(d, scoring, applied.dismissed) for d in drafts]
    scored.sort(key=lambda f: (-f.points, f.draft.rule.id))
    score = total(scored)
    unreviewed = total([score_finding(d, scoring) for d in drafts])
    findings = [_finding(f, applied) for f in scored]
    band = band_for(score, rule_set.meta.bands)
    mentions: dict[int, int] = {}
    for trail in trails:
        for index, names in trail.mentions.items():
            mentions[index] = mentions.get(index, 0) + len(names)
    matched = sorted({n for trail in trails for names in trail.mentions.values() for n in names})
    dates = searched.dates
    listed = sorted(set(mentions).union(*(t.quoted for t in trails)))
    documents = [document_info(run.analysed[i][0], mentions.get(i, 0)) for i in listed]
    return Report(
        tool=ToolInfo(version=__version__),
        as_of=as_of,
        vendor=VendorInfo(id=vendor.id, name=vendor.name,
                          aliases=sorted({n.text for n in vendor.names}),
                          registry_entry=vendor.registry_entry, country=vendor.country),
        rating=band.name,
        band=Band(**band.model_dump()),
        score=score,
        score_breakdown=ScoreBreakdown(formula=formula(scoring),
                                       bands=[Band(**b.model_dump())
                                              for b in rule_set.bands_low_to_high()],
                                       categories=_by_category(scored), total=score),
        findings=findings,
        search=SearchSummary(
            corpus=run.corpus,
            corpus_sha256=searched.digest,
            documents_searched=len(run.analysed),
            documents_mentioning=len(mentions),
            earliest_date=dates[0] if dates else None,
            latest_date=dates[-1] if dates else None,
            publishers=searched.publishers,
            aliases_matched=matched,
            skipped=[SkippedDocument(path=s.path, reason=s.reason) for s in run.skipped],
            not_searched=list(NOT_SEARCHED),
        ),
        documents=documents,
        rule_set=RuleSetInfo(version=rule_set.meta.version, sha256=rule_set.sha256,
                             rules=len(rule_set.rules)),
        negative_result=None if findings else _negative_result(vendor, run, rule_set, as_of,
                                                               searched.digest),
        review=review_summary(applied, findings, round(unreviewed - score, 2)),
    )


def _negative_result(vendor: Vendor, run: CorpusRun, rule_set: RuleSet, as_of: str | None,
                     digest: str) -> str:
    """The positive statement of a check that found nothing: what was searched, when, how."""
    names = ", ".join(sorted({n.text for n in vendor.names}))
    when = f"as of {as_of}" if as_of else "on a date not recorded (no --as-of given)"
    return (f"No findings: {len(run.analysed)} document(s) in {run.corpus} (corpus SHA-256 "
            f"{digest}) were searched {when} for {names}, with rule set {rule_set.meta.name} "
            f"{rule_set.meta.version} ({len(rule_set.rules)} rules, SHA-256 {rule_set.sha256}); "
            "no rule matched a claim attributed to the vendor.")


def _finding(scored: ScoredFinding, applied: Applied) -> Finding:
    rule = scored.draft.rule
    evidence = [_evidence(e, p, applied) for e, p in zip(scored.draft.exhibits,
                                                          scored.evidence_points)]
    return Finding(
        id=scored.draft.id, rule_id=rule.id, rule_title=rule.title, category=rule.category,
        severity=rule.severity, points=scored.points,
        factors=ScoreFactors(severity_points=scored.severity_points,
                             category_weight=scored.category_weight,
                             repetition=scored.repetition, corroboration=scored.corroboration,
                             independent_sources=scored.counted_sources),
        publishers=list(scored.sources), evidence=evidence,
        disposition=applied.findings.get(scored.draft.id),
        review_status=review_status([e.disposition for e in evidence]),
    )


def _evidence(exhibit: Exhibit, points: float, applied: Applied) -> Evidence:
    document, claim = exhibit.document, exhibit.claim
    return Evidence(
        id=exhibit.id, document=document.path, start=claim.start, end=claim.end,
        quote=claim.quote, line=claim.line, allegation=claim.allegation, referent=claim.referent,
        cue=claim.cue, explanation=claim.explanation, points=points,
        disposition=applied.evidence.get(exhibit.id),
    )


def _by_category(scored: list[ScoredFinding]) -> list[CategoryScore]:
    rows = []
    for category in CATEGORIES:
        mine = [f for f in scored if f.draft.rule.category == category]
        rows.append(CategoryScore(category=category, findings=len(mine),
                                  evidence=sum(len(f.draft.exhibits) for f in mine),
                                  points=round(sum(f.points for f in mine), 2)))
    return rows
