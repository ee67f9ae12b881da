"""``duediligence review VENDOR``: record a reviewer's decision in the vendor's review file.

The command checks the vendor again (same corpus and rules as ``check``) to find the finding or
evidence by its id, writes a keyed entry (rule, document SHA-256, quote offsets) atomically, and
prints the score and rating with the decision applied.
"""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path

import click

from .check import build_report, read_for_vendor, resolve_vendor
from .cli import corpus_option, fail, load_rules, rules_option, validate_date
from .errors import DueDiligenceError
from .outputs import write_atomic
from .resources import bundled
from .review import ReviewFile, dump_review, entry_for, load_review, record
from .review_location import default_review_path

EXAMPLES = """
Examples:

\b
  duediligence review Hikvision --finding F-7f5b0c0117 --dismiss --reason "About Dahua, not Hikvision"
  duediligence review Hikvision --evidence E-0123456789ab --confirm --reason "Checked the notice" \\
      --reviewer "J. Smith" --json out/hikvision.json
"""


@click.command("review", epilog=EXAMPLES)
@click.argument("vendor")
@click.option("--finding", "finding_id", metavar="F-ID", help="The finding to decide on (all its "
              "evidence), as shown in the JSON report.")
@click.option("--evidence", "evidence_id", metavar="E-ID", help="A single piece of evidence.")
@click.option("--dismiss", "disposition", flag_value="dismissed", help="Not a valid concern: it "
              "scores nothing (and stays listed, with the reason).")
@click.option("--confirm", "disposition", flag_value="confirmed", help="Checked and upheld.")
@click.option("--follow-up", "disposition", flag_value="needs-follow-up",
              help="Needs follow-up before a decision; still scores.")
@click.option("--reason", required=True, help="Why; recorded and shown in the report and memo.")
@click.option("--reviewer", help="Who decided (default: your login name).")
@click.option("--date", "date", callback=validate_date, metavar="YYYY-MM-DD",
              help="Date of the decision (default: today).")
@click.option("--review", "review_path", type=click.Path(path_type=Path, dir_okay=False),
              help="The review file (default: <vendor id>.review.yaml beside --json, else in the "
                   "current directory); created if missing.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False),
              help="The JSON report path you give to check, to put the review file beside it.")
@corpus_option
@rules_option
def review_command(vendor: str, finding_id: str | None, evidence_id: str | None,
                   disposition: str | None, reason: str, reviewer: str | None, date: str | None,
                   review_path: Path | None, json_path: Path | None, corpus: Path | None,
                   rules: tuple[Path, ...]) -> None:
    """Record a reviewer's decision on a finding or a piece of evidence of VENDOR."""
    if (finding_id is None) == (evidence_id is None):
        raise click.UsageError("give exactly one of --finding or --evidence")
    if disposition is None:
        raise click.UsageError("give one of --dismiss, --confirm or --follow-up")
    if not reason.strip():
        raise click.BadParameter("must not be empty", param_hint="--reason")
    try:
        rule_set = load_rules(rules)
        target = resolve_vendor(vendor, rule_set)
        path = review_path or default_review_path(target.id, json_path)
        review = load_review(path, target.id) if path.exists() else None
        run = read_for_vendor(corpus or bundled("seeds"), rule_set, target)
        before = build_report(target, run, rule_set, None, review)
        entry, finding = entry_for(
            before, rule_set, disposition, (reviewer or _login()).strip(),
            dt.date.fromisoformat(date) if date else dt.date.today(), reason.strip(),
            finding_id=finding_id, evidence_id_=evidence_id)
        current = review.file if review is not None else ReviewFile(vendor=target.id)
        updated, replaced = record(current, entry, finding)
        write_atomic(path, dump_review(updated, before.vendor.name))
        after = build_report(target, run, rule_set, None, load_review(path, target.id))
    except DueDiligenceError as exc:
        fail(str(exc))
    what = (f"finding {finding_id} ({finding.rule_id}, {len(entry.quotes or ())} piece(s) of "
            "evidence)" if finding_id else f"evidence {evidence_id} of {finding.rule_id}")
    lines = [f"Recorded {disposition} for {what} of {after.vendor.name} in {path}"
             + (f" (replacing {replaced} earlier entr{'y' if replaced == 1 else 'ies'})"
                if replaced else "") + "."]
    summary = after.review
    assert summary is not None
    lines.append(f"Score {after.score:g} (was {before.score:g}), rating {after.rating.upper()}"
                 + (f" (was {before.rating.upper()})" if after.rating != before.rating else "")
                 + f"; {summary.findings_awaiting_review} finding(s) await review.")
    if summary.stale:
        lines.append(f"{len(summary.stale)} stale entr{'y' if len(summary.stale) == 1 else 'ies'} "
                     f"in {path} no longer appl{'ies' if len(summary.stale) == 1 else 'y'}; "
                     "`duediligence check` lists them.")
    click.echo("\n".join(lines))


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise DueDiligenceError("cannot tell who you are; give --reviewer NAME") from None
