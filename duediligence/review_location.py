"""Where a vendor's review file is looked for when none is named.

Apart from the review file's models (``review.py``): a replayed check (``replay.py``) must find
the same file as a full check does, without loading them.
"""

from __future__ import annotations

from pathlib import Path

REVIEW_SUFFIX = ".review.yaml"


def default_review_path(vendor_id: str, json_path: Path | None) -> Path:
    """``<vendor id>.review.yaml`` beside the JSON report, or in the current directory."""
    directory = json_path.parent if json_path is not None else Path(".")
    return directory / f"{vendor_id}{REVIEW_SUFFIX}"


def review_path(vendor_id: str, explicit: Path | None, json_path: Path | None) -> Path | None:
    """The review file a check reads: ``explicit`` (``--review``: it must exist, which the
    reader checks), else the default when there is one."""
    if explicit is not None:
        return explicit
    default = default_review_path(vendor_id, json_path)
    return default if default.is_file() else None
