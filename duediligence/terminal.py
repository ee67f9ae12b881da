"""The terminal summary of a check: the decision first, then the evidence, then the search."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:                       # a replayed check prints a saved summary, not a Report
    from .report import Changes, Finding, Report, ReviewSummary

QUOTES_PER_CATEGORY = 2
WIDTH = 100


def render_summary(report: Report) -> str:
    """The summary a check prints (the files it wrote are listed after it)."""
    vendor = report.vendor
    lines = [
        f"{vendor.name}: {report.rating.upper()} (score {report.score:g})",
        f"Recommendation: {report.band.recommendation}",
        f"Meaning: {report.band.meaning}",
    ]
    if not vendor.registry_entry:
        lines.append("Note: no registry entry for this vendor; searched for the name as typed "
                     f"({', '.join(vendor.aliases)}).")
    if report.review is not None:
        lines.append(_review_line(report.review))
    if report.changes is not None:
        lines += _changes(report.changes, report.rating)
    # Findings whose every piece of evidence was dismissed are listed under "Dismissed" below.
    concerns = [f for f in report.findings
                if f.category != "vendor_response" and f.review_status != "dismissed"]
    responses = [f for f in report.findings if f.category == "vendor_response"]
    lines.append("")
    if concerns:
        lines.append("Concerns:")
        for row in report.score_breakdown.categories:
            mine = [f for f in concerns if f.category == row.category]
            if not mine:
                continue
            lines.append(f"  {row.category} ({row.points:g} points, {len(mine)} finding(s))")
            lines += _quotes(mine)
    else:
        lines.append("Concerns: none found." if not report.findings
                     else "Concerns: none left after review.")
    lines.append("")
    lines.append("Vendor's responses:" if responses else "Vendor's responses: none found.")
    if responses:
        lines += _quotes(responses)
    lines += _dismissed(report.findings)
    if report.review is not None and report.review.stale:
        lines += ["", "Stale review entries (not applied; decide again, then delete them from the file):"]
        lines += [f"  - {s.entry}: {s.disposition} {s.scope} {s.rule_id} by {s.reviewer} on "
                  f"{s.date}: {s.problem}" for s in report.review.stale]
    search = report.search
    period = (f", dated {search.earliest_date} to {search.latest_date}"
              if search.earliest_date else "")
    lines += ["", f"Searched {search.documents_searched} document(s){period}; "
                  f"{search.documents_mentioning} mention {vendor.name}."]
    if report.negative_result:
        lines += textwrap.wrap(report.negative_result, WIDTH)
    if search.skipped:
        lines.append(f"Skipped {len(search.skipped)} file(s): "
                     + "; ".join(f"{s.path} ({s.reason})" for s in search.skipped))
    return "\n".join(lines)


def _review_line(review: ReviewSummary) -> str:
    source = f"review file {review.file}" if review.file else "no review file"
    line = (f"Review: {review.findings_awaiting_review} finding(s) await review; "
            f"{review.findings_dismissed} dismissed, {review.findings_confirmed} confirmed, "
            f"{review.findings_needing_follow_up} need follow-up")
    if review.evidence_dismissed:
        line += (f"; {review.evidence_dismissed} piece(s) of evidence dismissed "
                 f"({review.points_dismissed:g} points set aside)")
    if review.stale:
        line += f"; {len(review.stale)} STALE entr{'y' if len(review.stale) == 1 else 'ies'}"
    return line + f" ({source})."


def _changes(changes: Changes, rating: str) -> list[str]:
    rated = (f"rating {changes.previous_rating.upper()} -> {rating.upper()}"
             if changes.rating_changed else f"rating unchanged ({rating.upper()})")
    lines = [f"Since {changes.previous}"
             + (f" (as of {changes.previous_as_of})" if changes.previous_as_of else "")
             + f": {rated}, score {changes.score_change:+g}"
             + f" (was {changes.previous_score:g})."]
    for title, refs in (("New findings", changes.new_findings), ("Findings gone", changes.gone_findings)):
        if refs:
            lines.append(f"  {title}: " + "; ".join(f"{r.rule_id} {r.id} ({r.points:g} points)"
                                                   for r in refs))
    if changes.changed_findings:
        lines.append("  Evidence changed: " + "; ".join(
            f"{c.rule_id} (+{len(c.evidence_added)}/-{len(c.evidence_removed)}, "
            f"{c.previous_points:g} -> {c.points:g} points)" for c in changes.changed_findings))
    if not (changes.new_findings or changes.gone_findings or changes.changed_findings):
        lines.append("  No finding added, gone or changed.")
    return lines


def _dismissed(findings: list[Finding]) -> list[str]:
    """Dismissed evidence, with who decided, when and why: never hidden, only set apart."""
    lines = []
    for finding in findings:
        groups: dict[str, list] = {}
        for item in finding.evidence:
            if item.disposition is not None and item.disposition.disposition == "dismissed":
                groups.setdefault(item.disposition.entry, []).append(item)
        for items in groups.values():
            decision = items[0].disposition
            assert decision is not None
            where = (f"finding {finding.id} {finding.rule_id} ({len(items)} piece(s) of evidence)"
                     if decision.scope == "finding"
                     else f"{items[0].document}:{items[0].line} {finding.rule_id}")
            lines.append(f"  - {where}: by {decision.reviewer} on {decision.date}: "
                         f"{decision.reason}")
    return ["", "Dismissed by the reviewer (0 points):", *lines] if lines else []


def _quotes(findings: list[Finding]) -> list[str]:
    evidence = sorted(((e.points, f.rule_id, e) for f in findings for e in f.evidence
                       if not (e.disposition and e.disposition.disposition == "dismissed")),
                      key=lambda item: (-item[0], item[1], item[2].document, item[2].start))
    lines = []
    for _, rule_id, item in evidence[:QUOTES_PER_CATEGORY]:
        marker = " [allegation]" if item.allegation else ""
        if item.disposition is not None:
            marker += f" [{item.disposition.disposition} by {item.disposition.reviewer}]"
        quote = " ".join(item.quote.split())
        wrapped = textwrap.shorten(quote, WIDTH * 2 - 20, placeholder=" ...")
        lines.append(f"    - {item.document}:{item.line} {rule_id}{marker}")
        lines += textwrap.wrap(f'"{wrapped}"', WIDTH, initial_indent="      ",
                               subsequent_indent="      ")
    return lines
