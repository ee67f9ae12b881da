"""Folding for matching never moves a character, so offsets into the folded text are offsets
into the file."""

from __future__ import annotations

import pytest

from duediligence.textfold import fold

AWKWARD = [
    "Hikvision\u2019s \u201ccamera\u201d \u2013 ok",
    "\u0130stanbul \u00c9COLE caf\u00e9",
    "Cafe\u0301 re\u0301sume\u0301",           # decomposed accents
    "na\u00efve\u00a0x\u2009y\u202fz",
    "\ufeffBOM\r\n\tTab",
    "emoji \U0001F6A8 and \U0001D400 outside the BMP",
    "\u6d77\u5eb7\u5a01\u89c6 \u0425\u0438\u043a\u0432\u0438\u0436\u043d",
    "soft\u00adhyphen zero\u200bwidth",
    "\u00df \ufb01 \u01c4",                    # letters whose lower/upper case has two code points
]


@pytest.mark.parametrize("text", AWKWARD)
def test_fold_keeps_length(text):
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize("text", AWKWARD)
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize("text, folded", [
    ("Hikvision\u2019s \u201ccamera\u201d \u2013 ok", "hikvision's \"camera\" - ok"),
    ("\u0130stanbul \u00c9COLE caf\u00e9", "istanbul ecole cafe"),
    ("na\u00efve\u00a0x\u2009y", "naive x y"),
    ("A\tB\rC", "a b c"),
    ("`quoted\u00b4", "'quoted'"),
    ("ASCII Only", "ascii only"),
])
def test_fold_plain_forms(text, folded):
    assert fold(text) == folded


def test_fold_keeps_line_breaks():
    """Sentences never cross a line; folding must not hide the line breaks."""
    text = "one\ntwo\r\nthree"
    assert [i for i, c in enumerate(fold(text)) if c == "\n"] == [3, 8]


def test_fold_keeps_other_scripts():
    assert fold("\u6d77\u5eb7\u5a01\u89c6") == "\u6d77\u5eb7\u5a01\u89c6"
    assert fold("\u0425\u0438\u043a") == "\u0445\u0438\u043a"
