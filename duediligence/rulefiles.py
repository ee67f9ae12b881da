"""The files a rule set is made of, and the digest that names it.

Apart from the models that parse them (``ruleset.py``) so that a warm check can name the rule set
it would load, byte for byte, without importing or validating anything (``replay.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RuleSource:
    """One rule file as read: its bytes, or why they could not be read."""

    directory: Path
    path: Path
    data: bytes | None
    error: str = ""


def rule_files(directory: Path) -> list[Path]:
    """Every YAML file under a rule directory, in path order, hidden entries skipped."""
    return sorted((p for p in directory.rglob("*.y*ml")
                   if p.suffix in (".yaml", ".yml")
                   and not any(part.startswith(".") for part in p.relative_to(directory).parts)),
                  key=lambda p: p.relative_to(directory).as_posix())


def read_rule_sources(directories: list[Path]) -> tuple[list[RuleSource], str]:
    """Every file of the rule directories (missing directories skipped), and the SHA-256 of
    their paths and bytes: the rule set's identity in reports and in the cache."""
    digest = hashlib.sha256()
    sources = []
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in rule_files(directory):
            digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
            try:
                data = path.read_bytes()
            except OSError as exc:
                sources.append(RuleSource(directory, path, None,
                                          f"cannot read: {exc.strerror or exc}"))
                continue
            digest.update(data)
            sources.append(RuleSource(directory, path, data))
    return sources, digest.hexdigest()
