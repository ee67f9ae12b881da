"""Score and rating: a transparent formula whose every parameter lives in ``ruleset.yaml``.

points(finding)  = severity points x category weight x repetition x corroboration
repetition       = sum of decay**i over the first N pieces of evidence (same claim, less each time)
corroboration    = 1 + bonus x min(independent sources - 1, M)
score            = sum of points over findings; the band is the highest whose minimum it reaches.
Evidence a reviewer dismissed is left out before this is computed: it gets 0 points and counts
neither for repetition nor for corroboration, so a fully dismissed finding scores 0.

Each piece of evidence carries its own share, so the report shows where every point came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import FindingDraft
from .ruleset import RatingBand, Scoring

DECIMALS = 2


@dataclass(frozen=True)
class ScoredFinding:
    draft: FindingDraft
    points: float
    evidence_points: tuple[float, ...]
    sources: tuple[str, ...]
    severity_points: float
    category_weight: float
    repetition: float          # sum of decay**i over the evidence counted
    corroboration: float
    counted_sources: int       # independent sources among the evidence not dismissed


def score_finding(draft: FindingDraft, scoring: Scoring,
                  dismissed: frozenset[str] = frozenset()) -> ScoredFinding:
    """Points of a finding; evidence whose id is in ``dismissed`` is left out (0 points)."""
    rule = draft.rule
    severity_points = scoring.severity_points[rule.severity]
    weight = scoring.category_weights.get(rule.category, 0)
    base = severity_points * weight
    sources = tuple(sorted({e.source for e in draft.exhibits}))
    counted = [e for e in draft.exhibits if e.id not in dismissed]
    independent = len({e.source for e in counted})
    corroboration = 1 + scoring.corroboration_bonus * min(
        max(independent - 1, 0), scoring.max_corroborating_publishers)
    repetition = sum(scoring.repeat_decay ** i
                     for i in range(min(len(counted), scoring.max_evidence_counted)))
    rank = {e.id: i for i, e in enumerate(counted)}
    shares = tuple(round(base * scoring.repeat_decay ** rank[e.id] * corroboration, DECIMALS)
                   if e.id in rank and rank[e.id] < scoring.max_evidence_counted else 0.0
                   for e in draft.exhibits)
    return ScoredFinding(draft, round(sum(shares), DECIMALS), shares, sources, severity_points,
                         weight, round(repetition, 4), round(corroboration, 4), independent)


def total(scored: list[ScoredFinding]) -> float:
    return round(sum(f.points for f in scored), DECIMALS)


def band_for(score: float, bands: list[RatingBand]) -> RatingBand:
    """The highest band whose minimum the score reaches (bands may be listed in any order)."""
    ordered = sorted(bands, key=lambda b: b.min_score)
    reached = [b for b in ordered if score >= b.min_score]
    return reached[-1] if reached else ordered[0]


def formula(scoring: Scoring) -> str:
    severities = ", ".join(f"{k} {v:g}" for k, v in scoring.severity_points.items())
    weights = ", ".join(f"{k} {v:g}" for k, v in scoring.category_weights.items())
    return (
        "score = sum of finding points; finding points = severity points x category weight x "
        f"repetition x corroboration; repetition = 1 + {scoring.repeat_decay:g} + "
        f"{scoring.repeat_decay:g}^2 + ... over at most {scoring.max_evidence_counted} pieces of "
        f"evidence; corroboration = 1 + {scoring.corroboration_bonus:g} x (independent sources - 1), "
        f"at most {scoring.max_corroborating_publishers} further sources counted. "
        f"Severity points: {severities}. Category weights: {weights}. "
        "Evidence dismissed by a reviewer is left out (0 points)."
    )
