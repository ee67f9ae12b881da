"""Locate data shipped with the package (rules, templates, seeds).

A wheel carries them inside the package as ``_data/<name>`` (pyproject force-includes the
top-level directories there); a source checkout or editable install keeps them at the
repository root. Callers ask for a name and never care which layout they run from.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).parent


def bundled(name: str) -> Path:
    """Path of the shipped data directory ``name`` (``templates``, ``rules``, ``seeds``)."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
