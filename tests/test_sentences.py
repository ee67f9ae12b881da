"""Sentence splitting: exact offsets into the file, no splits at abbreviations, none across
lines."""

from __future__ import annotations

import pytest

from duediligence.sentences import split_sentences

TEXT = (
    "Headline without a full stop\n"
    "The U.S. Commerce Dept. added Hikvision Co., Ltd. to the list. Mr. Smith said so! Was it? "
    "\u201cYes.\u201d He left.\n"
    "\n"
    "  A second paragraph, 3.5 percent up. J. Doe agreed.\r\n"
    "Last line"
)


def sentences(text, start=0):
    return [s.text for s in split_sentences(text, start)]


def test_sentences_are_exact_slices():
    spans = list(split_sentences(TEXT))
    assert spans
    for span in spans:
        assert TEXT[span.start:span.end] == span.text
        assert span.text == span.text.strip()
    assert [s.start for s in spans] == sorted(s.start for s in spans)


def test_split_points():
    assert sentences(TEXT) == [
        "Headline without a full stop",
        "The U.S. Commerce Dept. added Hikvision Co., Ltd. to the list.",
        "Mr. Smith said so!",
        "Was it?",
        "\u201cYes.\u201d",
        "He left.",
        "A second paragraph, 3.5 percent up.",
        "J. Doe agreed.",
        "Last line",
    ]


@pytest.mark.parametrize("text", [
    "The U.K. banned it.",
    "Zhejiang Dahua Technology Co., Ltd. was listed.",
    "Sales rose 3.5 percent in Q3.",
    "Gen. Smith and Dr. Jones met on Jan. 5.",
])
def test_no_split_inside(text):
    assert sentences(text) == [text]


def test_a_line_break_ends_a_sentence():
    assert sentences("Hikvision banned\nby the council") == ["Hikvision banned", "by the council"]


def test_start_offset_skips_front_matter():
    text = "---\ntitle: x\n---\nBody one. Body two."
    spans = list(split_sentences(text, text.index("Body")))
    assert [s.text for s in spans] == ["Body one.", "Body two."]
    assert spans[0].start == text.index("Body")


def test_blank_text_has_no_sentences():
    assert sentences(" \n\n \t\n") == []
