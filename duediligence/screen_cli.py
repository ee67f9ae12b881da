"""``duediligence screen SUPPLIERS``: check a whole supplier list in one pass over the corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import (
    EXIT_GATE, EXIT_OK, NO_GATE, band_names, cache_options, corpus_cache, corpus_option, fail, gate_tripped,
    load_rules, resolve_gate, rules_option, validate_date,
)
from .errors import DueDiligenceError
from .outputs import write_all
from .resources import bundled
from .screen import read_suppliers, render_table, screen, summary_csv, summary_json

MANIFEST = "documents.csv"

EXAMPLES = """
Examples:

\b
  duediligence screen suppliers.csv --corpus articles/ --out screening/
  duediligence screen suppliers.txt --corpus articles/ --out screening/ --pdf --fail-on high
  duediligence screen suppliers.csv --corpus articles/ --out screening/ --as-of 2026-11-27 -q

\b
suppliers.csv has a header line with a 'name' column (optional 'id' and 'notes' columns);
a .txt list has one name per line. Exit 1 when any vendor is rated --fail-on or worse.
"""


def progress_bar(enabled: bool):
    """A tqdm progress bar on stderr, or nothing when stderr is not a terminal or --quiet."""
    if not enabled:
        return None
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0           # no monitor thread: worker processes are forked later

    def bar(items, **options):
        return Bar(items, file=sys.stderr, leave=False, dynamic_ncols=True, mininterval=0.25,
                   **options)
    return bar


@click.command("screen", epilog=EXAMPLES)
@click.argument("suppliers", type=click.Path(path_type=Path, dir_okay=False))
@corpus_option
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Directory for <vendor id>.json (and .pdf), summary.csv, summary.json and "
                   f"{MANIFEST} (every document searched).")
@rules_option
@click.option("--pdf", is_flag=True, help="Also write each vendor's PDF memo.")
@click.option("--fail-on", default=None, metavar="BAND",
              help="Exit 1 when any vendor is rated this band or worse (default: the top band; "
                   f"'{NO_GATE}' to always exit 0).")
@click.option("--as-of", callback=validate_date, metavar="YYYY-MM-DD",
              help="Assessment date recorded in the reports and memos.")
@click.option("--marking", default="OFFICIAL-SENSITIVE", show_default=True,
              help="Handling marking printed in the memos ('' for none).")
@cache_options
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing but errors (no table, no progress).")
def screen_command(suppliers: Path, corpus: Path | None, out: Path, rules: tuple[Path, ...],
                   pdf: bool, fail_on: str | None, as_of: str | None, marking: str,
                   cache_path: Path | None, no_cache: bool, quiet: bool) -> None:
    """Screen every vendor in SUPPLIERS against the corpus: one report per vendor, a summary."""
    try:
        rule_set = load_rules(rules)
        bands = band_names(rule_set)
        gate = resolve_gate(fail_on, bands)
        listed = read_suppliers(suppliers, rule_set)
        directory = corpus or bundled("seeds")
        with corpus_cache(corpus, cache_path, no_cache) as cache:
            result = screen(listed, directory, rule_set, out, as_of=as_of, cache=cache, pdf=pdf,
                            marking=marking,
                            progress=progress_bar(sys.stderr.isatty() and not quiet))
        tripped = sorted(r.vendor.id for r in result.rows if gate_tripped(r.rating, gate, bands))
        # The summaries are written last: their presence says the screen completed.
        write_all([(out / MANIFEST, result.manifest),
                   (out / "summary.csv", summary_csv(result, rule_set)),
                   (out / "summary.json", summary_json(result, listed, directory, rule_set,
                                                       as_of, gate, tripped))])
    except DueDiligenceError as exc:
        fail(str(exc))
    if not quiet:
        memos = " and memos" if pdf else ""
        click.echo(render_table(result, listed, rule_set))
        click.echo(f"Wrote {len(result.rows)} report(s){memos}, {MANIFEST}, summary.csv and "
                   f"summary.json to {out}")
        if tripped:
            click.echo(f"{len(tripped)} vendor(s) rated {gate} or worse.")
    sys.exit(EXIT_GATE if tripped else EXIT_OK)
