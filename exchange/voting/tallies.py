"""Tallies: the counts, sums and histograms of ratings kept on each pitch and challenge.

They change only here, by relative UPDATEs in the same transaction as the rating, after
the pitch row is locked, so parallel ratings never double-count. `recount` rebuilds them
from the ratings for `flask reconcile-tallies`.
"""
from sqlalchemy import delete, func, select, update

from exchange import rows
from exchange.challenges.models import Challenge, ChallengeRater
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting.models import Rating


def lock_pitch(pitch_id: int) -> Pitch | None:
    """Lock one pitch row for the rest of the transaction: rating writers queue up on it."""
    return rows.lock(Pitch, pitch_id)


def _kind(is_panel: bool) -> str:
    return "panel" if is_panel else "public"


def apply(pitch: Pitch, *, is_panel: bool, stars: int, delta: int) -> None:
    """Add (delta=1) or take away (delta=-1) one rating of `stars` to the pitch's tallies."""
    kind = _kind(is_panel)
    count, total, bucket = (getattr(Pitch, f"{kind}_count"), getattr(Pitch, f"{kind}_sum"),
                            getattr(Pitch, f"{kind}_{stars}"))
    db.session.execute(
        update(Pitch).where(Pitch.id == pitch.id).values(
            {count: count + delta, total: total + delta * stars, bucket: bucket + delta}),
        execution_options={"synchronize_session": False})
    if pitch.status == "submitted":
        _apply_to_challenge(pitch.challenge_id, is_panel, delta, delta * stars)
    db.session.expire(pitch)


def _apply_to_challenge(challenge_id: int, is_panel: bool, count: int, total: int) -> None:
    values = ({Challenge.panel_rating_count: Challenge.panel_rating_count + count}
              if is_panel else
              {Challenge.rating_count: Challenge.rating_count + count,
               Challenge.rating_sum: Challenge.rating_sum + total})
    db.session.execute(update(Challenge).where(Challenge.id == challenge_id).values(values),
                       execution_options={"synchronize_session": False})


def count_rater(challenge_id: int, user_id: int, delta: int) -> None:
    """Keep `rater_count` = people with at least one rating on the challenge's pitches."""
    if delta > 0:
        statement = rows.upsert(ChallengeRater).values(challenge_id=challenge_id, user_id=user_id,
                                                  ratings=1)
        statement = statement.on_conflict_do_update(
            index_elements=["challenge_id", "user_id"],
            set_={"ratings": ChallengeRater.ratings + 1}).returning(ChallengeRater.ratings)
        first = db.session.execute(statement).scalar_one() == 1
        change = 1 if first else 0
    else:
        left = db.session.execute(
            update(ChallengeRater).where(ChallengeRater.challenge_id == challenge_id,
                                         ChallengeRater.user_id == user_id)
            .values(ratings=ChallengeRater.ratings - 1).returning(ChallengeRater.ratings),
            execution_options={"synchronize_session": False}).scalar_one_or_none()
        change = 0
        if left == 0:
            db.session.execute(delete(ChallengeRater).where(
                ChallengeRater.challenge_id == challenge_id, ChallengeRater.user_id == user_id,
                ChallengeRater.ratings == 0), execution_options={"synchronize_session": False})
            change = -1
    if change:
        db.session.execute(update(Challenge).where(Challenge.id == challenge_id)
                           .values(rater_count=Challenge.rater_count + change),
                           execution_options={"synchronize_session": False})


def pitch_withdrawn(pitch: Pitch) -> None:
    """Take a withdrawn pitch's ratings out of its challenge's totals (it no longer counts)."""
    _apply_to_challenge(pitch.challenge_id, False, -pitch.public_count, -pitch.public_sum)
    _apply_to_challenge(pitch.challenge_id, True, -pitch.panel_count, 0)


def move_ratings_between_panel_and_public(challenge: Challenge, user_id: int, *,
                                          to_panel: bool) -> None:
    """Re-tally one person's ratings on a challenge when they join or leave its panel."""
    ratings = db.session.scalars(
        select(Rating).join(Pitch, Pitch.id == Rating.pitch_id)
        .where(Pitch.challenge_id == challenge.id, Rating.user_id == user_id,
               Rating.is_panel.is_not(to_panel))
        .order_by(Rating.pitch_id)).all()
    for rating in ratings:
        pitch = lock_pitch(rating.pitch_id)
        apply(pitch, is_panel=rating.is_panel, stars=rating.stars, delta=-1)
        apply(pitch, is_panel=to_panel, stars=rating.stars, delta=1)
        rating.is_panel = to_panel


# ---- recounting, for reconcile-tallies ----------------------------------------------------

TALLY_FIELDS = [f"{kind}_{part}" for kind in ("public", "panel")
                for part in ("count", "sum", "1", "2", "3", "4", "5")]
CHALLENGE_FIELDS = ["rating_count", "rating_sum", "panel_rating_count", "rater_count"]


def _expected_pitch_tallies() -> dict[int, dict]:
    expected: dict[int, dict] = {}
    rows = db.session.execute(
        select(Rating.pitch_id, Rating.is_panel, Rating.stars, func.count())
        .group_by(Rating.pitch_id, Rating.is_panel, Rating.stars))
    for pitch_id, is_panel, stars, n in rows:
        tally = expected.setdefault(pitch_id, dict.fromkeys(TALLY_FIELDS, 0))
        kind = _kind(is_panel)
        tally[f"{kind}_count"] += n
        tally[f"{kind}_sum"] += n * stars
        tally[f"{kind}_{stars}"] += n
    return expected


def recount(fix: bool = False) -> list[str]:
    """Compare every tally with the ratings; return the drift found, repairing it if `fix`."""
    drift: list[str] = []
    expected = _expected_pitch_tallies()
    challenge_totals: dict[int, dict] = {}
    for pitch in db.session.scalars(select(Pitch).order_by(Pitch.id)):
        want = expected.get(pitch.id, dict.fromkeys(TALLY_FIELDS, 0))
        for field, value in want.items():
            if getattr(pitch, field) != value:
                drift.append(f"pitch {pitch.id} {field}: stored {getattr(pitch, field)}, "
                             f"counted {value}")
                if fix:
                    setattr(pitch, field, value)
        totals = challenge_totals.setdefault(pitch.challenge_id,
                                             dict.fromkeys(CHALLENGE_FIELDS, 0))
        if pitch.status == "submitted":
            totals["rating_count"] += want["public_count"]
            totals["rating_sum"] += want["public_sum"]
            totals["panel_rating_count"] += want["panel_count"]
    raters = db.session.execute(
        select(Pitch.challenge_id, func.count(func.distinct(Rating.user_id)))
        .join(Rating, Rating.pitch_id == Pitch.id).group_by(Pitch.challenge_id))
    for challenge_id, n in raters:
        challenge_totals.setdefault(challenge_id, dict.fromkeys(CHALLENGE_FIELDS, 0))[
            "rater_count"] = n
    for challenge in db.session.scalars(select(Challenge).order_by(Challenge.id)):
        want = challenge_totals.get(challenge.id, dict.fromkeys(CHALLENGE_FIELDS, 0))
        for field, value in want.items():
            if getattr(challenge, field) != value:
                drift.append(f"challenge {challenge.id} {field}: stored "
                             f"{getattr(challenge, field)}, counted {value}")
                if fix:
                    setattr(challenge, field, value)
    if fix and drift:
        _rebuild_challenge_raters()
        db.session.commit()
    return drift


def _rebuild_challenge_raters() -> None:
    db.session.execute(delete(ChallengeRater))
    rows = db.session.execute(
        select(Pitch.challenge_id, Rating.user_id, func.count())
        .join(Rating, Rating.pitch_id == Pitch.id).group_by(Pitch.challenge_id, Rating.user_id))
    db.session.add_all(ChallengeRater(challenge_id=c, user_id=u, ratings=n) for c, u, n in rows)
