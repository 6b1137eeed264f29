"""Integrity signals of a challenge's ratings, judged by published rules (docs/integrity.md).

`analyse` is the core: rating facts and rules in, numbers and flags out, knowing nothing
of Flask or SQL, so each measure is worked by hand in tests/voting/test_integrity.py. The
rest of the module loads the facts of one challenge in one query and serves the report
(GET /challenges/{id}/integrity); the `integrity_flags` of every ranking entry come from
`analyse` too (held and kept by voting/held_signals.py), so the two can never disagree.

A flag asks a person to look; it never removes a rating. Exclusions are separate rules
(a challenge's `min_account_age_hours`, conflicts of interest), applied when rating.
"""
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from exchange.challenges import policy as challenge_policy
from exchange.challenges import service as challenges
from exchange.errors import NotAllowed
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting.models import Rating

FLAGS = ("burst", "new_accounts", "network_cluster", "one_sided")
STARS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Rules:
    """The published thresholds; config.py reads each from its INTEGRITY_* setting."""

    burst_ratings: int = 20          # B: more than B ratings of a pitch within W minutes
    burst_minutes: int = 10          # W
    new_account_share: float = 0.5   # more than this share from accounts made after opening
    cluster_share: float = 0.5       # more than this share from one network
    one_sided_distance: float = 0.7  # total variation distance from the rest of the challenge
    min_ratings: int = 10            # below this many ratings a pitch raises no flag

    @classmethod
    def from_config(cls, config) -> "Rules":
        return cls(burst_ratings=config["INTEGRITY_BURST_RATINGS"],
                   burst_minutes=config["INTEGRITY_BURST_MINUTES"],
                   new_account_share=config["INTEGRITY_NEW_ACCOUNT_SHARE"],
                   cluster_share=config["INTEGRITY_CLUSTER_SHARE"],
                   one_sided_distance=config["INTEGRITY_ONE_SIDED_DISTANCE"],
                   min_ratings=config["INTEGRITY_MIN_RATINGS"])


@dataclass(frozen=True)
class RatingFact:
    """What the signals need of one rating: null signals are unknown (older ratings)."""

    pitch_id: int
    stars: int
    rated_at: datetime                 # when the rating was first given
    account_age_hours: float | None = None
    network_hash: str | None = None
    excluded_reason: str | None = None  # null: counted


@dataclass
class PitchSignals:
    """One pitch's signals, over all its public ratings, counted and excluded alike."""

    pitch_id: int
    ratings: int = 0
    excluded: int = 0
    histogram: dict = field(default_factory=lambda: {str(k): 0 for k in STARS})
    new_accounts: int = 0
    new_account_share: float = 0.0
    busiest_window: int = 0
    busiest_window_start: datetime | None = None
    largest_cluster: int = 0
    largest_cluster_share: float = 0.0
    shared_networks: int = 0
    distance: float | None = None
    flags: list[str] = field(default_factory=list)


def made_after_opening(fact: RatingFact, opened_at: datetime | None) -> bool:
    """The rater's account was made (rated_at minus its age then) strictly after the
    challenge opened; an unknown age, or a challenge never opened, says no."""
    if opened_at is None or fact.account_age_hours is None:
        return False
    return fact.rated_at - timedelta(hours=fact.account_age_hours) > opened_at


def busiest_window(times: list[datetime], minutes: int) -> tuple[int, datetime | None]:
    """The most ratings whose times all lie within `minutes` of the first of them (its
    last rating at most exactly `minutes` later), and the earliest such window's start."""
    ordered = sorted(times)
    width = timedelta(minutes=minutes)
    best, start, first = 0, None, 0
    for last, moment in enumerate(ordered):
        while moment - ordered[first] > width:
            first += 1
        if last - first + 1 > best:
            best, start = last - first + 1, ordered[first]
    return best, start


def total_variation(one: Counter, other: Counter) -> float | None:
    """Half the sum of the gaps between two star distributions' shares: 0 when alike, 1
    when they share no star; None when either side has no ratings."""
    one_total, other_total = sum(one.values()), sum(other.values())
    if not one_total or not other_total:
        return None
    return sum(abs(one[k] / one_total - other[k] / other_total) for k in STARS) / 2


def flags_for(signals: PitchSignals, rules: Rules) -> list[str]:
    """The flags a pitch's signals raise: none below the minimum sample, then each measure
    strictly past its threshold."""
    if signals.ratings < rules.min_ratings:
        return []
    raised = {
        "burst": signals.busiest_window > rules.burst_ratings,
        "new_accounts": signals.new_account_share > rules.new_account_share,
        "network_cluster": signals.largest_cluster_share > rules.cluster_share,
        "one_sided": signals.distance is not None and signals.distance > rules.one_sided_distance,
    }
    return [flag for flag in FLAGS if raised[flag]]


def analyse(facts: list[RatingFact], opened_at: datetime | None, rules: Rules,
            pitch_ids: list[int] | None = None) -> dict[int, PitchSignals]:
    """Each pitch's signals and flags, from the public ratings of one challenge's pitches.

    `pitch_ids` names pitches to report even without ratings. The star distribution of a
    pitch is compared with the rest of the challenge (every other pitch's ratings), so a
    pitch with most of the challenge's ratings is not compared mostly with itself.
    """
    grouped = {pitch_id: [] for pitch_id in pitch_ids or []} | by_pitch(facts)
    signals = {pitch_id: own_signals(pitch_id, own, opened_at, rules)
               for pitch_id, own in sorted(grouped.items())}
    judge(signals, rules)
    return signals


def by_pitch(facts: list[RatingFact]) -> dict[int, list[RatingFact]]:
    grouped: dict[int, list[RatingFact]] = {}
    for fact in facts:
        grouped.setdefault(fact.pitch_id, []).append(fact)
    return grouped


def own_signals(pitch_id: int, facts: list[RatingFact], opened_at: datetime | None,
                rules: Rules) -> PitchSignals:
    """What a pitch's own ratings say; `judge` compares it with the rest and flags it."""
    signals = PitchSignals(pitch_id, ratings=len(facts))
    stars = Counter(fact.stars for fact in facts)
    signals.histogram = {str(k): stars[k] for k in STARS}
    signals.excluded = sum(1 for fact in facts if fact.excluded_reason is not None)
    signals.new_accounts = sum(1 for fact in facts if made_after_opening(fact, opened_at))
    signals.busiest_window, signals.busiest_window_start = busiest_window(
        [fact.rated_at for fact in facts], rules.burst_minutes)
    networks = Counter(fact.network_hash for fact in facts if fact.network_hash is not None)
    signals.largest_cluster = max(networks.values(), default=0)
    signals.shared_networks = sum(1 for count in networks.values() if count > 1)
    if facts:
        signals.new_account_share = signals.new_accounts / len(facts)
        signals.largest_cluster_share = signals.largest_cluster / len(facts)
    return signals


def judge(signals: dict[int, PitchSignals], rules: Rules) -> None:
    """Each pitch's distance from the rest of the challenge (every other pitch's
    ratings), and its flags."""
    stars = {pitch_id: Counter({k: pitch.histogram[str(k)] for k in STARS})
             for pitch_id, pitch in signals.items()}
    everyone = sum(stars.values(), Counter())
    for pitch_id, pitch in signals.items():
        pitch.distance = total_variation(stars[pitch_id], everyone - stars[pitch_id])
        pitch.flags = flags_for(pitch, rules)


# ---- the challenge's facts and the report ------------------------------------------------------

def rules_in_force() -> Rules:
    return Rules.from_config(current_app.config)


def facts_of(challenge_id: int, pitch_ids=None) -> list[RatingFact]:
    """The public ratings of the challenge's submitted pitches (or of those among
    `pitch_ids`), counted and excluded, in one query whatever the number of pitches. Panel
    ratings are left out: the council names its panel, and invited experts often register
    after a challenge opens."""
    statement = (
        select(Rating.pitch_id, Rating.stars, Rating.created_at, Rating.account_age_hours,
               Rating.network_hash, Rating.excluded_reason)
        .join(Pitch, Pitch.id == Rating.pitch_id)
        .where(Pitch.challenge_id == challenge_id, Pitch.status == "submitted",
               Rating.is_panel.is_(False)))
    if pitch_ids is not None:
        statement = statement.where(Rating.pitch_id.in_(sorted(pitch_ids)))
    return [RatingFact(*row) for row in db.session.execute(statement)]


def may_read_report(user, challenge) -> bool:
    """Officers of the owning council, and admins, read a challenge's integrity report."""
    return user is not None and (user.is_admin or challenge_policy.may_manage(user, challenge))


def report(user, challenge_id: int) -> dict:
    """A challenge's integrity report: the rules in force, and each submitted pitch's
    signals and flags (404 if unseen, 403 unless an officer of its council or an admin)."""
    challenge = challenges.get_visible(challenge_id, user)
    if not may_read_report(user, challenge):
        raise NotAllowed("Only officers of the challenge's council and admins read its "
                         "integrity report.")
    titles = dict(db.session.execute(
        select(Pitch.id, Pitch.title).where(Pitch.challenge_id == challenge.id,
                                            Pitch.status == "submitted")).all())
    facts = facts_of(challenge.id)
    rules = rules_in_force()
    signals = analyse(facts, challenge.opened_at, rules, list(titles))
    stars = Counter(fact.stars for fact in facts)
    return {
        "challenge_id": challenge.id, "opened_at": challenge.opened_at, "rules": asdict(rules),
        "ratings": len(facts), "histogram": {str(k): stars[k] for k in STARS},
        "pitches": [asdict(pitch) | {"title": titles[pitch_id]}
                    for pitch_id, pitch in signals.items() if pitch_id in titles],
    }
