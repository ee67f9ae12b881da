"""Load YAML keeping where every value came from, so errors can point at file:line:col.

Rule and registry files are edited by hand. A pydantic error says *what* is wrong at a path such
as ``rules[3].category``; this module maps that path back to the line and column in the file.
Duplicate keys are rejected (PyYAML silently keeps the last one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import DueDiligenceError, Location

PathKey = tuple[Any, ...]


class _NoDuplicateKeys:
    """A SafeLoader mix-in that refuses duplicate keys in a mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            if key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first at line {seen[key].start_mark.line + 1})",
                    mark)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictLoader(_NoDuplicateKeys, yaml.SafeLoader):
    """The pure-Python parser: slow, but the source of the error messages users see."""


# libyaml's parser, when PyYAML was built with it: about ten times faster on the rule files, with
# the same nodes and marks. A file it rejects is parsed again in Python, so errors read the same.
_FastLoader = (type("_FastLoader", (_NoDuplicateKeys, yaml.CSafeLoader), {})
               if getattr(yaml, "__with_libyaml__", False) else _StrictLoader)


class SourcedYaml:
    """A parsed YAML document and the location of each value in it."""

    def __init__(self, path: Path, data: Any, marks: dict[PathKey, tuple[int, int]]):
        self.path = path
        self.data = data
        self._marks = marks

    def location(self, key: PathKey, rule_id: str | None = None) -> Location:
        """The location of the value at ``key``, or of its nearest ancestor that has one."""
        probe = tuple(key)
        while probe and probe not in self._marks:
            probe = probe[:-1]
        line, column = self._marks.get(probe, (1, 1))
        return Location(str(self.path), line, column, rule_id)


def load_yaml(path: Path, display: str | None = None, data: bytes | None = None) -> SourcedYaml:
    """Parse ``path`` (whose bytes are ``data`` when already read); raise a located
    DueDiligenceError for unreadable or invalid YAML."""
    shown = display or str(path)
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except UnicodeDecodeError:
        raise DueDiligenceError("not UTF-8", Location(shown)) from None
    except OSError as exc:
        raise DueDiligenceError(f"cannot read: {exc.strerror or exc}", Location(shown)) from None
    try:
        try:
            data, root = _parse(text, _FastLoader)
        except yaml.YAMLError:
            data, root = _parse(text, _StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = exc.problem or exc.context or "invalid YAML"
        raise DueDiligenceError(f"YAML syntax error: {problem}", Location(shown, line, column)) from None
    except yaml.YAMLError as exc:
        raise DueDiligenceError(f"YAML error: {exc}", Location(shown)) from None
    marks: dict[PathKey, tuple[int, int]] = {}
    if root is not None:
        _collect_marks(root, (), marks)
    return SourcedYaml(Path(shown), data, marks)


def _parse(text: str, loader_class: type) -> tuple[Any, yaml.Node | None]:
    """The data and the node tree of a one-document YAML text, parsed once."""
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    finally:
        loader.dispose()


def _collect_marks(node: yaml.Node, key: PathKey, marks: dict[PathKey, tuple[int, int]]) -> None:
    marks[key] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = key + (key_node.value,)
            _collect_marks(value_node, child, marks)
            marks[child + ("<key>",)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_marks(item, key + (index,), marks)
