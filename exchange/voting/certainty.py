"""How sure a ranking is: a seeded posterior simulation, numbers in, numbers out.

Each pitch's star shares get a Dirichlet posterior with one pseudo-count per level (its
counted star counts + 1). A draw takes one set of shares per pitch, scores it on the
ranking's 0-1 scale (the mean stars of the shares, (mean - 1) / 4, combined with the panel's
the same way when the panel has weight), and shortlists the `shortlist_size` eligible pitches
with the highest drawn scores. Over `draws` draws, a pitch's `p_top_k` is the share of draws
that shortlist it, and its 90% interval the 5th and 95th percentiles of its drawn scores.

Everything is fixed so that anyone reproduces the figures bit for bit with Python's standard
library (the verifier does, in its own code):
- the seed: the first 8 bytes, big-endian, of SHA-256("oix-certainty:<challenge id>:<record
  hash>"), fed to `random.Random`;
- the order of the random numbers: pitches in ascending id; for each pitch, draw after draw;
  in each draw, `gammavariate(count + 1, 1)` for 1 to 5 public stars, then, only when the
  panel weight is above 0, the same for 1 to 5 panel stars;
- a drawn score: `(g_1 + 2 g_2 + 3 g_3 + 4 g_4 + 5 g_5) / (g_1 + ... + g_5)`, then `(that - 1) / 4`, then
  `(1 - w) * public + w * panel`;
- percentiles by nearest rank on the sorted drawn scores: the value at ceil(q * draws) - 1;
- ties within a draw go to the pitch placed higher in the ranking (its order in `pitches`).

The shortlist in every draw holds min(shortlist_size, eligible pitches), so the `p_top_k`
of the eligible pitches add up to exactly that; ineligible pitches are never shortlisted.
Nothing here knows of Flask or SQL (tests/voting/test_certainty.py checks it by hand).
"""
import hashlib
import heapq
import math
import random
from dataclasses import dataclass
from math import exp as _exp
from math import log as _log
from math import sqrt as _sqrt

DRAWS = 2000
INTERVAL = (0.05, 0.95)
LEVELS = (1, 2, 3, 4, 5)
# The standard library's constants of gammavariate (random.py), not copies of them.
_LOG4, _SG_MAGICCONST = random.LOG4, random.SG_MAGICCONST


@dataclass(frozen=True)
class Candidate:
    """One pitch as the simulation sees it: counted star histograms, and whether it may be
    shortlisted at all."""

    pitch_id: int
    public: tuple[int, int, int, int, int]
    panel: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    eligible: bool = True


@dataclass(frozen=True)
class Certainty:
    """One pitch's figures: the 90% interval of its score and the chance it is shortlisted."""

    pitch_id: int
    low: float
    high: float
    p_top_k: float


def seed_of(challenge_id: int, record_hash: str) -> int:
    """The simulation's seed, from the challenge and the hash of its rating record."""
    digest = hashlib.sha256(f"oix-certainty:{challenge_id}:{record_hash}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _scorer(rng: random.Random, histogram):
    """One draw of star shares from Dirichlet(histogram + 1), scored on the 0-1 scale:
    sum(k * g_k) / sum(g_k), then (that - 1) / 4; a new draw at each call.

    Each g_k is `rng.gammavariate(count + 1, 1.0)` to the bit: the standard library's own
    steps (Cheng's method above 1, the exponential at 1) with its constants worked once per
    histogram instead of once per number, and no call per number; a third less time over
    the 2,000,000 numbers of a challenge of 200 pitches (the tests compare both, number by
    number)."""
    uniform = rng.random
    levels = []
    for level, count in enumerate(histogram, start=1):
        if not count >= 0:
            raise ValueError("star counts are 0 or more")
        alpha = count + 1
        ainv = _sqrt(2.0 * alpha - 1.0) if alpha > 1 else 0.0
        levels.append((level, alpha, ainv, alpha - _LOG4, alpha + ainv))
    levels = tuple(levels)

    def score() -> float:
        weighted = total = 0.0
        for level, alpha, ainv, bbb, ccc in levels:
            if ainv:  # alpha > 1: gammavariate's loop, beta = 1
                while True:
                    u1 = uniform()
                    if not 1e-7 < u1 < 0.9999999:
                        continue
                    u2 = 1.0 - uniform()
                    v = _log(u1 / (1.0 - u1)) / ainv
                    x = alpha * _exp(v)
                    z = u1 * u1 * u2
                    r = bbb + ccc * v - x
                    if r + _SG_MAGICCONST - 4.5 * z >= 0.0 or r >= _log(z):
                        break
            else:  # alpha == 1: gammavariate's exponential
                x = -_log(1.0 - uniform())
            # The same sums in the same order as g_1 + 2 g_2 + ... and g_1 + g_2 + ...
            weighted += level * x
            total += x
        return (weighted / total - 1) / 4

    return score


def _drawn_scores(rng: random.Random, histogram, draws: int) -> list[float]:
    """`draws` draws of star shares from Dirichlet(histogram + 1), each scored."""
    score = _scorer(rng, histogram)
    return [score() for _ in range(draws)]


def _nearest_rank(ordered: list[float], q: float) -> float:
    """The q-th percentile of an ordered list by nearest rank."""
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)]


def simulate(candidates: list[Candidate], *, shortlist_size: int, panel_weight: float,
             seed: int, draws: int = DRAWS) -> dict[int, Certainty]:
    """Each candidate's interval and p_top_k; `candidates` in ranking order (ties in a draw
    go to the earlier one)."""
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if len({c.pitch_id for c in candidates}) != len(candidates):
        raise ValueError("each pitch may appear once")
    rng = random.Random(seed)
    w = panel_weight
    scores: dict[int, list[float]] = {}
    for candidate in sorted(candidates, key=lambda c: c.pitch_id):
        if w > 0:
            # Interleaved per draw: public shares, then the panel's.
            public, panel = _scorer(rng, candidate.public), _scorer(rng, candidate.panel)
            column = [(1 - w) * public() + w * panel() for _ in range(draws)]
        else:
            column = _drawn_scores(rng, candidate.public, draws)
        scores[candidate.pitch_id] = column
    eligible = [c.pitch_id for c in candidates if c.eligible]
    hits = dict.fromkeys(eligible, 0)
    k = min(shortlist_size, len(eligible))
    if k:
        columns = [(place, scores[pitch_id]) for place, pitch_id in enumerate(eligible)]
        for d in range(draws):
            # Highest score first; on a tie, the lower place (earlier in the ranking).
            for _, place in heapq.nsmallest(k, ((-col[d], place) for place, col in columns)):
                hits[eligible[place]] += 1
    result = {}
    for candidate in candidates:
        ordered = sorted(scores[candidate.pitch_id])
        result[candidate.pitch_id] = Certainty(
            pitch_id=candidate.pitch_id, low=_nearest_rank(ordered, INTERVAL[0]),
            high=_nearest_rank(ordered, INTERVAL[1]),
            p_top_k=hits.get(candidate.pitch_id, 0) / draws)
    return result
