"""Front matter: the fast path for simple ``key: value`` lines reads exactly what YAML reads."""

from __future__ import annotations

import itertools

import pytest

from duediligence import corpus
from duediligence.corpus import FRONT_MATTER_FIELDS, parse_document

# Values YAML reads as text, and values it reads otherwise (booleans, null, numbers, dates,
# comments, flow collections, anchors, tags, escapes, bad dates, nested mappings).
VALUES = [
    "Hikvision cameras", '"Quoted: title"', "'single'", "'it''s'", "yes", "No", "null", "~",
    "2015-12-07", "2015-13-45", '"2015-12-07"', "https://x.org/a?b=c", "a: b", "a #c", "a#b",
    "x [y] z", "{a: 1}", "[1, 2]", "12", "0x1f", "1_000", "12:30", "-dash", "&anchor x",
    "!tag x", "É café", "trailing  ", '"esc \\" q"', "On", "a:b", "ends:", '"a" b', ".inf",
    "True story", "x: y: z", "| block", '"', "a 'b' c",
]


def _fields(block: str) -> tuple[str, object]:
    try:
        return "fields", corpus._front_matter_fields(block)
    except ValueError as exc:
        return "error", str(exc)


@pytest.mark.parametrize("first, second", list(itertools.product(VALUES, ["x", "2020-01-02", "yes"])))
def test_fast_path_agrees_with_yaml(first, second, monkeypatch):
    block = f"title: {first}\ndate: {second}\n"
    fast = corpus._simple_front_matter(block)
    monkeypatch.setattr(corpus, "_simple_front_matter", lambda _block: None)
    by_yaml = _fields(block)
    if fast is not None:
        assert by_yaml == ("fields", {k: fast[k] for k in FRONT_MATTER_FIELDS if k in fast})


def test_fast_path_leaves_anything_unusual_to_yaml():
    assert corpus._simple_front_matter('title: "A"\ndate: 2019-10-08\nurl: https://e.org/a\n') == {
        "title": "A", "date": "2019-10-08", "url": "https://e.org/a"}
    for block in ("title: yes\n", "title: a # note\n", "title: x\n  continued\n",
                  "expect:\n  Hikvision: [sanctions]\n", "date: 2019-02-30\n", "title: 'it''s'\n"):
        assert corpus._simple_front_matter(block) is None, block


def test_a_bad_date_is_still_reported_by_yaml():
    skipped = parse_document(b"---\ndate: 2019-02-30\n---\nBody\n", "a.md")
    assert skipped.reason.startswith("malformed front matter"), skipped
