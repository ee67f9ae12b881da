"""Writing output files so that a failure never leaves a half-written file, or half the files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    write_all([(path, data)])


def write_all(outputs: list[tuple[Path, bytes]]) -> None:
    """Write every file or none: all go to temporary files first, then each is renamed in."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in outputs:
            staged.append((_stage(path, data), path))
        for temporary, path in staged:
            os.replace(temporary, path)
    except OutputError:
        _discard(staged)
        raise
    except OSError as exc:
        _discard(staged)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _stage(path: Path, data: bytes) -> str:
    parent = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise OutputError(f"cannot write {path}: {parent} is not a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return temporary


def _discard(staged: list[tuple[str, Path]]) -> None:
    for temporary, _ in staged:
        Path(temporary).unlink(missing_ok=True)
