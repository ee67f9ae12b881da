"""The JSON Schemas shipped in ``duediligence/schemas/``: up to date, shipped, and right.

They are generated from the pydantic models (``python -m duediligence.schemagen``); every shipped
YAML file names its schema in a ``# yaml-language-server: $schema=`` line and validates against
it; each broken fixture is rejected.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml

from duediligence import schemagen
from duediligence.resources import bundled

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "rule_fixtures"
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")

# Fixtures whose mistake is one of form: the JSON Schema must reject them.
REJECTED = ["unknown_key", "wrong_category", "missing_key", "bad_id", "bad_type",
            "vendors_unknown_key", "five_mistakes"]
# Fixtures whose mistake only ``rules validate`` can see (ids across files, patterns, examples).
FORM_ONLY_VALID = ["duplicate_id", "bad_pattern", "unknown_macro", "blowup", "failing_example",
                   "collides_with_base", "clean_pack", "base"]


def kind_of(data: dict) -> str:
    (kind,) = [k for k in schemagen.SCHEMAS if k in data]
    return kind


def validator(kind: str) -> jsonschema.protocols.Validator:
    schema = json.loads((schemagen.SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def shipped_yaml() -> list[Path]:
    return sorted(bundled("rules").rglob("*.yaml"))


def test_regenerating_gives_identical_files():
    assert schemagen.stale() == [], "run: python -m duediligence.schemagen"
    assert sorted(p.name for p in schemagen.SCHEMA_DIR.glob("*.json")) == sorted(
        schemagen.generate())


def test_the_generator_checks_from_the_command_line():
    done = subprocess.run([sys.executable, "-m", "duediligence.schemagen", "--check"],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", shipped_yaml(),
                         ids=lambda p: p.relative_to(bundled("rules")).as_posix())
def test_every_shipped_file_validates_against_the_schema_it_names(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    named = SCHEMA_LINE.match(first)
    assert named, f"{path}: first line should be '# yaml-language-server: $schema=...'"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    kind = kind_of(data)
    target = (path.parent / named.group(1)).resolve()
    assert target == (schemagen.SCHEMA_DIR / f"{kind}.schema.json").resolve()
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator(kind).iter_errors(data)]
    stale = " (the schemas are out of date: run python -m duediligence.schemagen)" if (
        schemagen.stale()) else ""
    assert errors == [], f"{path} does not match its schema{stale}"


@pytest.mark.parametrize("name", REJECTED)
def test_each_broken_fixture_is_rejected_by_the_schema(name):
    for path in sorted((FIXTURES / name).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(validator(kind_of(data)).iter_errors(data)), f"{path} was accepted"


@pytest.mark.parametrize("name", FORM_ONLY_VALID)
def test_mistakes_beyond_form_pass_the_schema(name):
    for path in sorted((FIXTURES / name).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(validator(kind_of(data)).iter_errors(data)) == [], path


def test_the_schema_offers_the_closed_vocabularies():
    rules = json.loads((schemagen.SCHEMA_DIR / "rules.schema.json").read_text(encoding="utf-8"))
    rule = rules["$defs"]["Rule"]
    assert "government_restriction" in rule["properties"]["category"]["enum"]
    assert rule["properties"]["severity"]["enum"] == ["info", "low", "medium", "high", "critical"]
    assert rule["additionalProperties"] is False


def test_a_wheel_ships_the_schemas_and_the_test_articles(tmp_path):
    done = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d",
                           str(tmp_path)], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for filename in schemagen.generate():
        assert f"duediligence/schemas/{filename}" in names
    assert any(n.startswith("duediligence/_data/rules/tests/") and n.endswith(".md")
               and "README" not in n for n in names)
