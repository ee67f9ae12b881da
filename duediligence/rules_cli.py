"""``duediligence rules validate|test|list`` and ``duediligence explain``: tools for rule authors.

Exit status: ``rules validate`` 0 when clean, 1 on any problem; ``rules test`` 0 when every test
passes, 1 when one fails, 2 when the rules do not load at all; ``rules list`` and ``explain`` 0,
or 2 on an input error (like ``check``).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from .errors import DueDiligenceError, Location, RuleSetError
from .resources import bundled
from .ruleset import RuleSet, load_rule_set
from .validation import display_path, validate

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_rules_option = click.option(
    "--rules", "packs", type=click.Path(path_type=Path), multiple=True,
    help="An extra rule pack (directory of YAML files) added to the shipped rules; repeatable.")


def _directories(packs: tuple[Path, ...]) -> list[Path]:
    """The shipped rules and the packs, as ``check --rules`` combines them."""
    shipped = bundled("rules")
    extra = [p for p in packs if not _inside(p, shipped)]
    return [shipped, *extra]


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def _shown(problem: DueDiligenceError) -> str:
    """A problem with its file shown relative to the working directory where possible."""
    location = problem.location
    if location is None:
        return str(problem)
    location = dataclasses.replace(location, path=display_path(Path(location.path)))
    return str(DueDiligenceError(problem.message, location))


def _load(packs: tuple[Path, ...]) -> RuleSet:
    """Load the rule set, or print every problem and exit 2."""
    try:
        return load_rule_set(_directories(packs))
    except RuleSetError as exc:
        for problem in exc.problems:
            click.echo(_shown(problem), err=True)
        click.echo(f"duediligence: error: the rules do not load ({len(exc.problems)} problems); "
                   "run 'duediligence rules validate' to see every problem", err=True)
        sys.exit(EXIT_USAGE)


def _fail(message: str) -> NoReturn:
    click.echo(f"duediligence: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def rules() -> None:
    """Validate, test and list the rules (the shipped rules plus any --rules pack)."""


@rules.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Report every problem in the rule files, each as file:line:col: rule-id: message.

    PATH is a rule pack (a directory of YAML files) or a single rule file, checked together with
    the shipped rules, as 'check --rules PATH' would load it. Exit 1 on any problem.
    """
    result = validate(_directories(paths))
    for problem in result.problems:
        click.echo(_shown(problem))
    click.echo(result.summary())
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_rules_option
@click.option("--quiet", "-q", is_flag=True, help="Print only failures and the summary line.")
def test_command(paths: tuple[Path, ...], packs: tuple[Path, ...], quiet: bool) -> None:
    """Run every rule's examples and the annotated test articles.

    PATH is a test article (.md or .txt with 'expect:' front matter) or a directory of them;
    default: the 'tests' directory of the shipped rules and of each --rules pack. Prints PASS or
    FAIL per rule and per article, then 'N passed, N failed'. Exit 1 when any test fails.
    """
    from .ruletests import Harness, article_files, read_article

    rule_set = _load(packs)
    if not paths:
        paths = tuple(d / "tests" for d in _directories(packs) if (d / "tests").is_dir())
    try:
        files = article_files(paths)
    except DueDiligenceError as exc:
        _fail(str(exc))
    read = [(display_path(path) if path.is_absolute() else shown,
             read_article(path, display_path(path) if path.is_absolute() else shown))
            for path, shown in files]
    articles = [article for _, article in read if not isinstance(article, str)]
    harness = Harness.for_rule_set(rule_set, articles)
    passed = failed = 0

    def report(ok: bool, name: str, details: list[str]) -> None:
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        if ok and quiet:
            return
        click.echo(f"{'PASS' if ok else 'FAIL'}  {name}")
        for detail in details:
            click.echo(f"      {detail}")

    for loaded in rule_set.rules:
        if loaded.rule.status == "deprecated":
            if not quiet:
                click.echo(f"SKIP  {loaded.rule.id}  (deprecated)")
            continue
        results = harness.run_rule(loaded.rule)
        details = []
        for example in (r for r in results if not r.passed):
            key = ("rules", loaded.index, "examples", example.kind, example.index)
            where = loaded.source.location(key)
            where = Location(display_path(Path(where.path)), where.line, where.column)
            details.append(f"{where}: {example.label}: {example.detail}")
        report(not details, f"{loaded.rule.id}  ({len(results)} examples)", details)
    for shown, article in read:
        if isinstance(article, str):
            report(False, shown, [article])
        else:
            outcome = harness.run_article(article)
            report(outcome.passed, shown, outcome.failures)
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@rules.command("list")
@_rules_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def list_command(packs: tuple[Path, ...], fmt: str) -> None:
    """List every rule: id, category, severity, status and title."""
    rule_set = _load(packs)
    rows = [{"id": r.rule.id, "category": r.rule.category, "severity": r.rule.severity,
             "status": r.rule.status, "title": r.rule.title,
             "file": display_path(r.source.path)} for r in rule_set.rules]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    columns = ("id", "category", "severity", "status", "title")
    widths = {c: max([len(c)] + [len(row[c]) for row in rows]) for c in columns[:-1]}
    click.echo("  ".join(c.upper().ljust(widths.get(c, 0)) for c in columns).rstrip())
    for row in rows:
        click.echo("  ".join(row[c].ljust(widths.get(c, 0)) for c in columns).rstrip())
    click.echo(f"{len(rows)} rules")


@click.command("explain")
@click.argument("vendor")
@click.option("--rule", "rule_id", required=True, metavar="ID", help="The rule to explain.")
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Directory of .txt/.md articles (searched recursively). Default: the bundled "
                   "seeds.")
@_rules_option
@click.option("--all-documents", is_flag=True,
              help="Also show matches in documents that do not mention the vendor.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def explain_command(vendor: str, rule_id: str, corpus: Path | None, packs: tuple[Path, ...],
                    all_documents: bool, fmt: str) -> None:
    """Show each sentence where rule ID matched next to a company, and whether and why it was
    attributed to VENDOR."""
    from .explain import explain, render

    rule_set = _load(packs)
    try:
        result = explain(vendor, rule_id, corpus or bundled("seeds"), rule_set, all_documents)
    except DueDiligenceError as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps({
            "vendor": {"id": result.vendor.id, "name": result.vendor.name,
                       "registry_entry": result.vendor.registry_entry},
            "rule": result.rule.id, "corpus": result.corpus, "documents": result.documents,
            "documents_mentioning": result.mentioning,
            "matches": [m.as_dict() for m in result.matches]}, indent=2, ensure_ascii=False))
    else:
        click.echo(render(result))
