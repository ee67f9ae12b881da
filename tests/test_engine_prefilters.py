"""The engine's shortcuts change nothing: each one skips only work that could not have found
anything, checked here against doing the work anyway on the shipped rules and test articles."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from duediligence.analysis import Engine
from duediligence.corpus import Document, iter_corpus
from duediligence.matching import RuleMatch, further_required_words, required_words
from duediligence.mentions import Coverage
from duediligence.references import _Companies, _references
from duediligence.sentences import Sentence, split_sentences
from duediligence.textfold import fold

ARTICLES = Path(__file__).parent / "articles"
# Non-ASCII text takes the unfiltered path: "\u017f" (long s) matches "s" when case is ignored.
ODD_SENTENCES = [
    "Hikvi\u017fion was added to the Entity Li\u017ft, and the company denied it.",
    "The Commerce Department added Hikvision to the Entity List in 2019; it said so.",
    "Both firms, Dahua and Hikvision, were banned \u2013 the companies said they would appeal.",
]


@pytest.fixture(scope="module")
def engine(rule_set) -> Engine:
    return Engine(rule_set)


@pytest.fixture(scope="module")
def sentences() -> list[tuple[str, Sentence]]:
    """(folded text, sentence) for every sentence of the test articles and a few odd ones."""
    found = []
    for document in iter_corpus(ARTICLES):
        if isinstance(document, Document):
            folded = fold(document.text)
            found += [(folded, s) for s in split_sentences(document.text, document.body_start)]
    for text in ODD_SENTENCES:
        found += [(fold(text), s) for s in split_sentences(text)]
    return found


def _spans(matches: list[RuleMatch]) -> set[tuple[str, int, int]]:
    return {(m.rule.id, m.start, m.end) for m in matches}


def test_rule_prefilter_drops_no_match(engine, sentences):
    every_pattern = [(c, p) for c in engine.matcher.rules for p in c.patterns]
    for folded, sentence in sentences:
        found = _spans(engine.matcher.find(folded, sentence.start, sentence.end))
        unfiltered = {(c.rule.id, m.start(), m.end()) for c, p in every_pattern
                      for m in p.regex.finditer(folded, sentence.start, sentence.end)}
        assert found == unfiltered, sentence.text


def test_reference_prefilter_drops_no_reference(engine, sentences, monkeypatch):
    words_in = type(engine.lexicon.reference_words).words_in
    companies = _Companies([])
    for folded, sentence in sentences:
        filtered = _references(folded, sentence, companies, engine.lexicon)
        with monkeypatch.context() as patched:
            patched.setattr(type(engine.lexicon.reference_words), "words_in",
                            lambda self, text, start, end: None)
            unfiltered = _references(folded, sentence, companies, engine.lexicon)
        assert filtered == unfiltered, sentence.text
    assert words_in(engine.lexicon.reference_words, ODD_SENTENCES[0], 0, 10) is None


def test_further_required_words_are_in_every_match():
    pattern = r"(?:added|put|placed)\s+(?:\w+\s+)?(?:to|on)\s+the\s+entity\s+list"
    assert required_words(pattern) == frozenset({"entity"})
    assert set(further_required_words(pattern)) == {frozenset({"added", "put", "placed"}),
                                                    frozenset({"the"}), frozenset({"list"})}


@pytest.mark.parametrize("pattern", [
    r"(?:blacklisted){e<=1}\s+firms",       # fuzzy matching: "blacklistd" matches too
    r"banned\N{EN DASH}listed",             # a named character the parser reads as "\n{...}"
    r"\x42anned\s+outright",                # "B": folded text holds lower case only
])
def test_no_further_words_from_syntax_the_parser_may_misread(pattern):
    assert further_required_words(pattern) == ()


def test_coverage_matches_a_plain_scan():
    rng = random.Random(7)
    for _ in range(300):
        spans = []
        for _ in range(rng.randint(0, 8)):
            start = rng.randint(0, 60)
            spans.append((start, start + rng.randint(1, 12)))
        covered = Coverage(spans)
        for _ in range(30):
            start = rng.randint(0, 75)
            end = start + rng.randint(1, 10)
            assert covered.overlaps(start, end) == any(s < end and start < e for s, e in spans)
