"""Shared fixtures: the shipped rule set (loaded once), an in-process CLI runner, report checks.

Every JSON report that ``run_cli`` sees written is checked by ``verify_report``: it validates
against the report's JSON Schema and every quote is the exact slice ``text[start:end]`` of the
file on disk. Tests that build reports in-process call ``verify_report`` themselves.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

import duediligence
from duediligence import cli, parallel
from duediligence.analysis import Engine
from duediligence.report import Report, report_json, report_schema

SHIPPED_SCHEMA = Path(duediligence.__file__).parent / "schemas" / "report.schema.json"


@pytest.fixture(scope="session")
def rule_set():
    """The bundled rule set, loaded once per session (and per xdist worker)."""
    return cli.load_rules(())


@pytest.fixture(scope="session")
def report_validators() -> list[jsonschema.protocols.Validator]:
    """Validators for the schema generated from the model and, once it ships, the schema file."""
    schemas = [report_schema()]
    if SHIPPED_SCHEMA.is_file():
        schemas.append(json.loads(SHIPPED_SCHEMA.read_text(encoding="utf-8")))
    validators = []
    for schema in schemas:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validators.append(cls(schema))
    return validators


@pytest.fixture(scope="session")
def verify_report(report_validators) -> Callable[[Report | Mapping], dict]:
    """Check one report (model or parsed JSON): schema-valid, and every quote exact on disk."""

    def verify(report: Report | Mapping) -> dict:
        data = json.loads(report_json(report)) if isinstance(report, Report) else dict(report)
        for validator in report_validators:
            validator.validate(data)
        corpus = Path(data["search"]["corpus"])
        texts: dict[str, str] = {}
        for finding in data["findings"]:
            assert finding["evidence"], f"finding {finding['id']} has no evidence"
            for item in finding["evidence"]:
                path = item["document"]
                if path not in texts:
                    texts[path] = (corpus / path).read_bytes().decode("utf-8")
                text = texts[path]
                quote = text[item["start"]:item["end"]]
                assert quote == item["quote"], (
                    f"{path}[{item['start']}:{item['end']}] is {quote!r}, report says "
                    f"{item['quote']!r}")
                assert item["quote"].strip(), f"empty quote in {path}"
                assert item["line"] == text.count("\n", 0, item["start"]) + 1, (
                    f"{path}: quote at offset {item['start']} is not on line {item['line']}")
        return data

    return verify


@pytest.fixture
def write_corpus(tmp_path) -> Callable[..., Path]:
    """Write ``{relative path: str | bytes}`` into a fresh directory and return it."""
    counter = iter(range(1_000_000))

    def write(files: Mapping[str, str | bytes], name: str | None = None) -> Path:
        root = tmp_path / (name or f"corpus{next(counter)}")
        root.mkdir(parents=True)
        for relative, content in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="")
        return root

    return write


@pytest.fixture
def run_cli(rule_set, verify_report, tmp_path, monkeypatch) -> Callable[..., Result]:
    """Run ``duediligence ARGS...`` in-process, in an empty working directory.

    The shipped rules are reused from the session (an extra ``--rules`` pack is loaded for real).
    A crash (any exception other than the CLI's own exit) fails the test with its traceback; a
    JSON report written by a successful run is verified.
    """
    real_load = cli.load_rules
    monkeypatch.setattr(cli, "load_rules", lambda extra: real_load(extra) if extra else rule_set)
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)

    def run(*args: object) -> Result:
        argv = [str(a) for a in args]
        result = CliRunner().invoke(cli.main, argv)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"duediligence {shlex.join(argv)} crashed") from result.exception
        result.report = None
        if result.exit_code in (0, 1) and "--json" in argv:
            written = Path(argv[argv.index("--json") + 1])
            result.report = verify_report(json.loads(written.read_bytes()))
        return result

    return run


@pytest.fixture
def analyses(monkeypatch) -> list[str]:
    """Every document the engine analyses, by path (in this process: no worker pool)."""
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10**9)
    monkeypatch.setattr(parallel, "READ_IN_WORKERS", 10**9)
    seen: list[str] = []
    real = Engine.analyse

    def counting(self, document):
        seen.append(document.path)
        return real(self, document)

    monkeypatch.setattr(Engine, "analyse", counting)
    return seen
