"""The terminal summary of a check: the decision first, then the evidence, then the search."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .report import Finding, Report

QUOTES_PER_CATEGORY = 2
WIDTH = 100


def render_summary(report: Report, written: list[Path]) -> str:
    vendor = report.vendor
    lines = [
        f"{vendor.name}: {report.rating.upper()} (score {report.score:g})",
        f"Recommendation: {report.band.recommendation}",
        f"Meaning: {report.band.meaning}",
    ]
    if not vendor.registry_entry:
        lines.append("Note: no registry entry for this vendor; searched for the name as typed "
                     f"({', '.join(vendor.aliases)}).")
    concerns = [f for f in report.findings if f.category != "vendor_response"]
    responses = [f for f in report.findings if f.category == "vendor_response"]
    lines.append("")
    if concerns:
        lines.append("Concerns:")
        for row in report.score_breakdown.categories:
            mine = [f for f in concerns if f.category == row.category]
            if not mine:
                continue
            lines.append(f"  {row.category} ({row.points:g} points, {row.findings} finding(s))")
            lines += _quotes(mine)
    else:
        lines.append("Concerns: none found.")
    lines.append("")
    lines.append("Vendor's responses:" if responses else "Vendor's responses: none found.")
    if responses:
        lines += _quotes(responses)
    search = report.search
    period = (f", dated {search.earliest_date} to {search.latest_date}"
              if search.earliest_date else "")
    lines += ["", f"Searched {search.documents_searched} document(s){period}; "
                  f"{search.documents_mentioning} mention {vendor.name}."]
    if search.skipped:
        lines.append(f"Skipped {len(search.skipped)} file(s): "
                     + "; ".join(f"{s.path} ({s.reason})" for s in search.skipped))
    lines += [f"Wrote {path}" for path in written]
    return "\n".join(lines)


def _quotes(findings: list[Finding]) -> list[str]:
    evidence = sorted(((e.points, f.rule_id, e) for f in findings for e in f.evidence),
                      key=lambda item: (-item[0], item[1], item[2].document, item[2].start))
    lines = []
    for _, rule_id, item in evidence[:QUOTES_PER_CATEGORY]:
        marker = " [allegation]" if item.allegation else ""
        quote = " ".join(item.quote.split())
        wrapped = textwrap.shorten(quote, WIDTH * 2 - 20, placeholder=" ...")
        lines.append(f"    - {item.document}:{item.line} {rule_id}{marker}")
        lines += textwrap.wrap(f'"{wrapped}"', WIDTH, initial_indent="      ",
                               subsequent_indent="      ")
    return lines
