"""Voting: rating pitches, and ranking them by their stored tallies."""
from datetime import datetime

from sqlalchemy import select

from exchange import rows
from exchange.challenges import lifecycle
from exchange.challenges.models import Challenge
from exchange.challenges.panel import sits_on_panel
from exchange.clock import utcnow
from exchange.errors import Conflict, NotFound
from exchange.extensions import db
from exchange.http.pagination import Page, SortKey, paginate_in_memory
from exchange.pitches import service as pitches
from exchange.pitches.models import Pitch
from exchange.voting import policy, ranking, signals, tallies
from exchange.voting.models import Rating, RatingChange


def _pitch_open_for_rating(user, pitch_id: int) -> Pitch:
    """Check visibility, then lock the challenge and the pitch, and check the rating may
    be given now. The challenge lock keeps ratings out while a shortlist is frozen."""
    visible = pitches.get_visible(pitch_id, user)
    rows.lock(Challenge, visible.challenge_id)
    pitch = tallies.lock_pitch(pitch_id)
    policy.check_may_rate(user, pitch)
    if pitch.status != "submitted":
        raise Conflict("This pitch was withdrawn; it can no longer be rated.")
    if pitch.challenge.status not in lifecycle.ACCEPTS_RATINGS:
        raise Conflict(f"The challenge is {pitch.challenge.status}; ratings are taken while "
                       f"it is open or voting.")
    return pitch


def rate(user, pitch_id: int, stars: int, client_address: str | None = None) -> Rating:
    """Give or change the caller's 1-5 star rating, judged by the rules of fair votes;
    its signals, its change record and the tallies are written in the same transaction."""
    pitch = _pitch_open_for_rating(user, pitch_id)
    previous = db.session.execute(
        select(Rating.stars, Rating.is_panel, Rating.excluded_reason, Rating.created_at,
               Rating.account_age_hours)
        .where(Rating.pitch_id == pitch.id, Rating.user_id == user.id)).first()
    is_panel = sits_on_panel(user, pitch.challenge)
    now = utcnow()
    # The account's age when the rating was first given: changing the stars later does
    # not make a new account's rating an old one's.
    if previous is not None and previous.account_age_hours is not None:
        age = previous.account_age_hours
    else:
        age = signals.account_age_hours(user.created_at,
                                        previous.created_at if previous else now)
    reason = policy.exclusion_reason(policy.standing_of(pitch.challenge, [user.id]), user.id,
                                     pitch.id, age)
    network_hash = signals.network_hash(pitch.challenge, client_address)
    kept = {"stars": stars, "is_panel": is_panel, "updated_at": now, "excluded_reason": reason,
            "account_age_hours": age, "network_hash": network_hash}
    statement = rows.upsert(Rating).values(pitch_id=pitch.id, user_id=user.id, created_at=now,
                                           **kept)
    db.session.execute(statement.on_conflict_do_update(index_elements=["pitch_id", "user_id"],
                                                       set_=kept))
    if previous is not None:
        tallies.add(pitch, is_panel=previous.is_panel, stars=previous.stars,
                    reason=previous.excluded_reason, delta=-1)
    else:
        tallies.count_rater(pitch.challenge_id, user.id, 1)
    tallies.add(pitch, is_panel=is_panel, stars=stars, reason=reason, delta=1)
    tallies.ratings_changed(pitch.challenge_id)
    db.session.add(RatingChange(pitch_id=pitch.id, user_id=user.id, stars=stars,
                                network_hash=network_hash, changed_at=now))
    db.session.commit()
    return db.session.scalar(select(Rating).where(Rating.pitch_id == pitch_id,
                                                  Rating.user_id == user.id)
                             .execution_options(populate_existing=True))


def own_rating(user, pitch_id: int) -> Rating:
    """The caller's rating of a pitch, or NotFound (404)."""
    pitches.get_visible(pitch_id, user)
    rating = db.session.scalar(select(Rating).where(Rating.pitch_id == pitch_id,
                                                    Rating.user_id == user.id)
                               .execution_options(populate_existing=True))
    if rating is None:
        raise NotFound("You have not rated this pitch.")
    return rating


def unrate(user, pitch_id: int, client_address: str | None = None) -> None:
    """Delete the caller's rating while ratings are taken; tallies follow, and the
    take-back is recorded among the rating's changes."""
    pitch = _pitch_open_for_rating(user, pitch_id)
    rating = db.session.scalar(select(Rating).where(Rating.pitch_id == pitch.id,
                                                    Rating.user_id == user.id))
    if rating is None:
        raise NotFound("You have not rated this pitch.")
    tallies.add(pitch, is_panel=rating.is_panel, stars=rating.stars,
                reason=rating.excluded_reason, delta=-1)
    tallies.count_rater(pitch.challenge_id, user.id, -1)
    tallies.ratings_changed(pitch.challenge_id)
    db.session.add(RatingChange(pitch_id=pitch.id, user_id=user.id, stars=None,
                                network_hash=signals.network_hash(pitch.challenge,
                                                                  client_address),
                                changed_at=utcnow()))
    db.session.delete(rating)
    db.session.commit()


def _tally_of(pitch: Pitch) -> ranking.PitchTally:
    return ranking.PitchTally(pitch.id, pitch.submitted_at, tuple(pitch.histogram("public")),
                              tuple(pitch.histogram("panel")))


def submitted_pitches(challenge: Challenge) -> list[Pitch]:
    return list(db.session.scalars(select(Pitch).where(Pitch.challenge_id == challenge.id,
                                                       Pitch.status == "submitted")))


def settings_of(challenge: Challenge, overrides: dict | None = None) -> ranking.Settings:
    values = challenge.settings | {k: v for k, v in (overrides or {}).items() if v is not None}
    return ranking.Settings(**values)


def rank_pitches(challenge: Challenge, pitch_rows: list[Pitch],
                 overrides: dict | None = None) -> tuple[ranking.Settings, float, list]:
    """The ranking of these pitches, from their stored tallies (never recounted)."""
    settings = settings_of(challenge, overrides)
    m = ranking.prior_mean(challenge.rating_count, challenge.rating_sum)
    return settings, m, ranking.rank([_tally_of(p) for p in pitch_rows], settings, m)


# The score depends on the challenge's prior mean, so pitches are ordered in memory; the
# work is one row per pitch of the challenge, whatever the number of ratings.
SCORE_KEYS = [SortKey(None, True, lambda row: row[1].combined, float),
              SortKey(None, True, lambda row: row[1].n),
              SortKey(None, False, lambda row: row[0].submitted_at, datetime),
              SortKey(None, False, lambda row: row[0].id)]


def pitches_by_score(challenge: Challenge, statement, limit: int, cursor: str | None) -> Page:
    """One page of the pitches `statement` selects, best ranking score first."""
    found = list(db.session.scalars(statement))
    _, _, entries = rank_pitches(challenge, found)
    by_id = {p.id: p for p in found}
    ordered = [(by_id[e.pitch_id], e) for e in ranking.score_order(entries)]
    page = paginate_in_memory(ordered, SCORE_KEYS, limit, cursor)
    page.items = [pitch for pitch, _ in page.items]
    return page
