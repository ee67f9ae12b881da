"""Generate the JSON Schemas shipped in ``duediligence/schemas/`` from the pydantic models.

The rule files, the vendor registry, the lexicon and the rule-set file name their schema in a
first-line comment (``# yaml-language-server: $schema=...``), so an editor with a YAML language
server checks and completes them while an officer types. ``report.schema.json`` describes the
JSON report. The models are the single source; after changing one, regenerate::

    python -m duediligence.schemagen          # rewrite the files
    python -m duediligence.schemagen --check  # exit 1 if a file is out of date
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from pydantic import BaseModel

from .registry import RegistryFile
from .report import report_schema
from .ruleset import LexiconFile, RuleFile, RuleSetFile

SCHEMA_DIR = Path(__file__).parent / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

# name -> (model, title, description); the report's schema comes from ``report.report_schema``.
SCHEMAS: dict[str, tuple[type[BaseModel] | None, str, str]] = {
    "rules": (RuleFile, "duediligence rule file",
              "Concern rules: each with a stable id, category, severity, patterns and examples."),
    "vendors": (RegistryFile, "duediligence vendor registry",
                "Vendors and every name the press uses for them."),
    "lexicon": (LexiconFile, "duediligence lexicon",
                "Words and patterns the engine uses to read articles; macros for rule patterns."),
    "ruleset": (RuleSetFile, "duediligence rule set",
                "Name, version, scoring parameters and rating bands."),
    "report": (None, "duediligence report",
               "The JSON report of one vendor check."),
}


def schema_text(name: str) -> str:
    """The JSON Schema for ``name``, as the exact text of the shipped file."""
    model, title, description = SCHEMAS[name]
    body = report_schema() if model is None else model.model_json_schema()
    body.pop("title", None)
    schema = {"$schema": DIALECT, "title": title, "description": description, **body}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """Every schema file name and its text."""
    return {f"{name}.schema.json": schema_text(name) for name in SCHEMAS}


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, text in generate().items():
        path = directory / filename
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of schema files that are missing or differ from what the models generate."""
    out = []
    for filename, text in generate().items():
        path = directory / filename
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            out.append(filename)
    return out


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for filename in out_of_date:
            print(f"{SCHEMA_DIR / filename}: out of date; run python -m duediligence.schemagen")
        return 1 if out_of_date else 0
    for path in write():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
