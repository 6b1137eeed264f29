"""The shortlist formulas, exactly as the product brief defines them: numbers in, numbers out.

Nothing here knows of Flask or SQL, so every formula is tested by hand-worked examples
and property tests (tests/voting/test_ranking_formulas.py).
"""
import math
from dataclasses import dataclass, field
from datetime import datetime

WILSON_Z = 1.96
STARS_Z = 1.65
DEFAULT_PRIOR_MEAN = 3.0


@dataclass(frozen=True)
class PitchTally:
    """What the ranking needs of one submitted pitch: its histograms, and the count n and
    sum S of each as stored beside them (worked out from the histogram when not given)."""

    pitch_id: int
    submitted_at: datetime
    public: tuple[int, int, int, int, int]  # counts of 1..5 stars
    panel: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    n: int | None = None
    S: int | None = None
    panel_n: int | None = None
    panel_S: int | None = None

    def __post_init__(self):
        for count, total, histogram in (("n", "S", self.public),
                                        ("panel_n", "panel_S", self.panel)):
            if getattr(self, count) is None or getattr(self, total) is None:
                n, S = count_and_sum(histogram)
                object.__setattr__(self, count, n)
                object.__setattr__(self, total, S)


@dataclass(frozen=True)
class Settings:
    method: str = "bayesian"
    prior_weight: float = 5.0
    min_ratings: int = 3
    panel_weight: float = 0.0
    shortlist_size: int = 5


@dataclass
class Entry:
    """One pitch's place in the ranking, with its working."""

    pitch_id: int
    submitted_at: datetime
    n: int
    S: int
    mean: float
    histogram: dict
    public_score: float
    panel_count: int
    panel_mean: float | None
    panel_score: float | None
    combined: float
    excluded_reasons: list[str] = field(default_factory=list)
    rank: int | None = None
    shortlisted: bool = False

    @property
    def eligible(self) -> bool:
        return not self.excluded_reasons


def count_and_sum(histogram) -> tuple[int, int]:
    return sum(histogram), sum(k * c for k, c in zip(range(1, 6), histogram))


def prior_mean(total_count: int, total_sum: int) -> float:
    """m: the mean of all public ratings of the challenge's submitted pitches, else 3.0."""
    return total_sum / total_count if total_count else DEFAULT_PRIOR_MEAN


def bayesian(n: int, S: int, m: float, C: float) -> float:
    """(C·m + S) / (C + n); with no ratings and no prior weight, m."""
    return (C * m + S) / (C + n) if C + n > 0 else m


def mean(n: int, S: int) -> float:
    return S / n if n else 0.0


def wilson(positive: int, n: int, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval for the share of 4- and 5-star ratings."""
    if n == 0 or positive == 0:
        # With no positive rating the bound is exactly 0; the formula's two equal terms
        # would leave a rounding error either side of it (a score of -1e-17).
        return 0.0
    p = positive / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - spread) / (1 + z2 / n)


def stars(histogram, z: float = STARS_Z) -> float:
    """Evan Miller's lower bound for star ratings, with one pseudo-rating at each level."""
    N = sum(histogram)
    e = sum(k * (c + 1) for k, c in zip(range(1, 6), histogram)) / (N + 5)
    e2 = sum(k * k * (c + 1) for k, c in zip(range(1, 6), histogram)) / (N + 5)
    return e - z * math.sqrt(max(e2 - e * e, 0.0) / (N + 6))


def public_score(method: str, histogram, m: float, C: float, n: int | None = None,
                 S: int | None = None) -> float:
    """The public score on a 0-1 scale for one of the four methods (n and S, when given,
    are the histogram's count and sum)."""
    if n is None or S is None:
        n, S = count_and_sum(histogram)
    if method == "bayesian":
        return (bayesian(n, S, m, C) - 1) / 4
    if method == "mean":
        return (mean(n, S) - 1) / 4 if n else 0.0
    if method == "wilson":
        return wilson(histogram[3] + histogram[4], n)
    if method == "stars":
        return (stars(histogram) - 1) / 4
    raise ValueError(f"unknown method {method!r}")


def _order_key(entry: Entry):
    return (-entry.combined, -entry.n, entry.submitted_at, entry.pitch_id)


def rank(tallies: list[PitchTally], settings: Settings, m: float) -> list[Entry]:
    """Every submitted pitch in shortlist order: eligible ones ranked, then the rest."""
    w = settings.panel_weight
    entries = []
    for tally in tallies:
        n, S, panel_n, panel_S = tally.n, tally.S, tally.panel_n, tally.panel_S
        public01 = public_score(settings.method, tally.public, m, settings.prior_weight, n, S)
        panel_mean = panel_S / panel_n if panel_n else None
        panel01 = (panel_mean - 1) / 4 if panel_mean is not None else None
        combined = (1 - w) * public01 + w * (panel01 or 0.0)
        reasons = []
        if n < settings.min_ratings:
            reasons.append("too_few_ratings")
        if w > 0 and panel_n == 0:
            reasons.append("no_panel_rating")
        entries.append(Entry(
            pitch_id=tally.pitch_id, submitted_at=tally.submitted_at, n=n, S=S,
            mean=mean(n, S), histogram=dict(zip("12345", tally.public)),
            public_score=public01, panel_count=panel_n, panel_mean=panel_mean,
            panel_score=panel01, combined=combined, excluded_reasons=reasons))
    entries.sort(key=lambda e: (not e.eligible, _order_key(e)))
    place = 0
    for entry in entries:
        if entry.eligible:
            place += 1
            entry.rank = place
            entry.shortlisted = place <= settings.shortlist_size
    return entries


def kendall_tau_b(xs: list[float], ys: list[float]) -> float | None:
    """Kendall's tau-b between two scorings of the same items: +1 when they order every pair
    alike, -1 when they order every pair the other way; ties count as neither. None with
    fewer than two items, or when either scoring ties every pair."""
    concordant = discordant = tied_x = tied_y = 0
    count = len(xs)
    for i in range(count):
        for j in range(i + 1, count):
            dx, dy = xs[i] - xs[j], ys[i] - ys[j]
            if dx == 0:
                tied_x += 1
            if dy == 0:
                tied_y += 1
            if dx * dy > 0:
                concordant += 1
            elif dx * dy < 0:
                discordant += 1
    pairs = count * (count - 1) // 2
    denominator = math.sqrt((pairs - tied_x) * (pairs - tied_y))
    return (concordant - discordant) / denominator if denominator else None


def panel_agreement(entries) -> dict:
    """How far the panel and the public agree: Kendall's tau-b between the panel's and the
    public's scores over the pitches the panel rated (None below two such pitches)."""
    rated = [e for e in entries if e.panel_score is not None]
    return {"kendall_tau": kendall_tau_b([e.public_score for e in rated],
                                         [e.panel_score for e in rated]),
            "pitches_compared": len(rated)}


def panel_gap(public01: float, panel01: float | None) -> float | None:
    """The panel's score minus the public's, both on the 0-1 scale; None without a panel
    rating."""
    return None if panel01 is None else panel01 - public01

