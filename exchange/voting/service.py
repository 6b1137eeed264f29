"""Voting: rating pitches, and ranking them by their stored tallies."""
from functools import cache

from sqlalchemy import and_, bindparam, delete, insert, select
from sqlalchemy.orm import lazyload

from exchange import rows
from exchange.challenges import policy as challenge_policy
from exchange.challenges.models import Challenge
from exchange.clock import utcnow
from exchange.errors import NotFound
from exchange.extensions import db
from exchange.pitches import service as pitches
from exchange.pitches.models import Pitch
from exchange.voting import panel, policy, ranking, signals, tallies
from exchange.voting.models import (
    ChallengeRater,
    PitchTally,
    Rating,
    RatingChange,
)


@cache
def _rating_facts(locking: bool):
    """Everything the rules need to judge the rating of the pitch bound as `pitch_id` by
    the person bound as `user_id`, in one SELECT built once: the pitch and its challenge,
    whether they may see it, their membership conflicts, panel seat and declared conflict,
    their rating so far and how many of the challenge's pitches they rated. `locking`: it
    also locks the challenge's tally row (tallies.locking), and finds nothing without one."""
    user_id = bindparam("user_id")
    conflicts = policy.rating_conflicts_in_sql(user_id)
    statement = (
        select(Pitch.id, Pitch.challenge_id, Pitch.status,
               Challenge.status.label("challenge_status"), Challenge.network_salt,
               Challenge.min_account_age_hours,
               challenge_policy.visible_to_user_id(user_id).label("visible"),
               PitchTally.pitch_id.label("tallied"),
               Rating.id.label("rating_id"), Rating.stars, Rating.is_panel,
               Rating.excluded_reason, Rating.created_at, Rating.account_age_hours,
               ChallengeRater.ratings.label("rated_pitches"),
               conflicts["own"].label("own"), conflicts["competes"].label("competes"),
               conflicts["declared"].label("declared"),
               panel.sits_on_panel_in_sql(user_id).label("on_panel"))
        .join(Challenge, Challenge.id == Pitch.challenge_id)
        .outerjoin(PitchTally, PitchTally.pitch_id == Pitch.id)
        .outerjoin(Rating, and_(Rating.pitch_id == Pitch.id, Rating.user_id == user_id))
        .outerjoin(ChallengeRater, and_(ChallengeRater.challenge_id == Pitch.challenge_id,
                                        ChallengeRater.user_id == user_id))
        .where(Pitch.id == bindparam("pitch_id")))
    return tallies.locking(statement, Pitch.challenge_id) if locking else statement


def _read_facts(user, pitch_id: int, locking: bool = False):
    """The facts of `_rating_facts` for this person and pitch (None: no such pitch, or
    `locking` and no tally row)."""
    return rows.run(_rating_facts(locking), {"user_id": user.id, "pitch_id": pitch_id}).first()


def _locked_facts(user, pitch_id: int):
    """The facts, read with the pitch's challenge tally locked (the one lock a rating
    takes: every writer of the challenge's ratings, and the shortlist publisher, takes it
    first): in one statement where the database can, read again in the rare case that
    someone who held the lock committed while it ran. None when nothing was locked: no
    such pitch, or no tally row."""
    if not tallies.locks_as_it_reads():
        return None if tallies.lock_of_pitch(pitch_id) is None else _read_facts(user, pitch_id)
    facts = _read_facts(user, pitch_id, locking=True)
    if facts is not None and tallies.read_before_lock(facts):
        facts = _read_facts(user, pitch_id)
    return facts


def _open_for_rating(user, pitch_id: int):
    """Read the facts under the tally lock, and check, in this order: visible (404), not
    their own organisation's (403), submitted and the challenge taking ratings (409)."""
    facts = _locked_facts(user, pitch_id)
    if facts is None or facts.tallied is None:
        # No such pitch, or tally rows missing: they are made with their challenge and
        # pitch, but data loaded around the services may lack them.
        facts = _read_facts(user, pitch_id)
        if facts is None or not facts.visible:
            raise NotFound("No such pitch.")
        tallies.lock_challenge(facts.challenge_id)
        tallies.create_missing(facts.challenge_id)
        facts = _read_facts(user, pitch_id)
    if not facts.visible:
        raise NotFound("No such pitch.")
    policy.check_not_own(bool(facts.own))
    policy.check_takes_ratings(facts.status, facts.challenge_status)
    return facts


def _count_rater(facts, user_id: int, delta: int, changes: tallies.Changes) -> None:
    """Move the person's count of rated pitches on the challenge, and its raters."""
    changes.raters(tallies.count_rater(facts.challenge_id, user_id, facts.rated_pitches, delta))


# What a changed rating overwrites; the rest (its id, who, which pitch, when first given)
# stays.
KEPT = ("stars", "is_panel", "updated_at", "excluded_reason", "account_age_hours",
        "network_hash")


@cache
def _upsert_statement(dialect: str):
    """Give or replace one person's rating of one pitch: an upsert on (pitch_id, user_id),
    built once per database, whose values are bound by name."""
    statement = rows.upsert(Rating)
    return statement.on_conflict_do_update(
        index_elements=["pitch_id", "user_id"],
        set_={name: getattr(statement.excluded, name) for name in KEPT})


@cache
def _delete_statement():
    """Delete the rating bound as `rating_id`; built once."""
    return delete(Rating).where(Rating.id == bindparam("rating_id"))


@cache
def _change_statement():
    """One entry of a rating's change record; built once. Inline: nothing reads the new
    row's id, which SQLAlchemy would otherwise ask back (RETURNING on PostgreSQL, a
    round trip's worth of work)."""
    return insert(RatingChange).inline()


def _record_change(pitch_id: int, user_id: int, stars: int | None, network_hash, now) -> None:
    """Add the change (stars None: taken back) to the rating's change record."""
    rows.run(_change_statement(), {
        "pitch_id": pitch_id, "user_id": user_id, "stars": stars,
        "network_hash": network_hash, "changed_at": now})


def rate(user, pitch_id: int, stars: int, client_address: str | None = None) -> dict:
    """Give or change the caller's 1-5 star rating, judged by the rules of fair votes;
    its signals, its change record and the tallies are written in the same transaction,
    in at most eight statements counting the sign-in, and nothing written is read back."""
    facts = _open_for_rating(user, pitch_id)
    rated_before = facts.rating_id is not None
    now = utcnow()
    # The account's age when the rating was first given: changing the stars later does
    # not make a new account's rating an old one's.
    if rated_before and facts.account_age_hours is not None:
        age = facts.account_age_hours
    else:
        age = signals.account_age_hours(user.created_at,
                                        facts.created_at if rated_before else now)
    reason = policy.verdict(own=bool(facts.own), competes=bool(facts.competes),
                            declared=bool(facts.declared), too_new=policy.too_new(facts, age))
    is_panel = bool(facts.on_panel)
    network_hash = signals.network_hash(facts, client_address)
    rows.run(_upsert_statement(db.session.get_bind().dialect.name), {
        "pitch_id": pitch_id, "user_id": user.id, "created_at": now, "stars": stars,
        "is_panel": is_panel, "updated_at": now, "excluded_reason": reason,
        "account_age_hours": age, "network_hash": network_hash})
    changes = tallies.Changes()
    if rated_before:
        changes.rating(pitch_id, submitted=True, is_panel=facts.is_panel, stars=facts.stars,
                       reason=facts.excluded_reason, delta=-1)
    else:
        _count_rater(facts, user.id, 1, changes)
    changes.rating(pitch_id, submitted=True, is_panel=is_panel, stars=stars, reason=reason,
                   delta=1)
    changes.write(facts.challenge_id)
    _record_change(pitch_id, user.id, stars, network_hash, now)
    db.session.commit()
    return {"pitch_id": pitch_id, "stars": stars, "is_panel": is_panel,
            "created_at": facts.created_at if rated_before else now, "updated_at": now,
            "excluded_reason": reason}


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
    facts = _open_for_rating(user, pitch_id)
    if facts.rating_id is None:
        raise NotFound("You have not rated this pitch.")
    changes = tallies.Changes()
    changes.rating(pitch_id, submitted=True, is_panel=facts.is_panel, stars=facts.stars,
                   reason=facts.excluded_reason, delta=-1)
    _count_rater(facts, user.id, -1, changes)
    rows.run(_delete_statement(), {"rating_id": facts.rating_id})
    changes.write(facts.challenge_id)
    _record_change(pitch_id, user.id, None, signals.network_hash(facts, client_address),
                   utcnow())
    db.session.commit()


def panel_histogram(pitch: Pitch) -> tuple:
    """The pitch's counted panel stars, 1 to 5, from the tally loaded with it."""
    return (0, 0, 0, 0, 0) if pitch.tally is None else pitch.tally.histogram("panel")


def _tally_of(pitch: Pitch) -> ranking.PitchTally:
    """What the ranking needs of a pitch, read from its stored tally (never recounted)."""
    tally = pitch.tally
    if tally is None:  # no row yet: no ratings
        return ranking.PitchTally(pitch.id, pitch.submitted_at, (0, 0, 0, 0, 0))
    return ranking.PitchTally(pitch.id, pitch.submitted_at, tally.histogram("public"),
                              tally.histogram("panel"), n=tally.public_count,
                              S=tally.public_sum, panel_n=tally.panel_count,
                              panel_S=tally.panel_sum)


def submitted_pitches(challenge: Challenge) -> list[Pitch]:
    """The challenge's submitted pitches with their tallies, in one query: a ranking needs
    neither their tags nor their challenge again (it is at hand, found by its id)."""
    return list(db.session.scalars(select(Pitch).where(Pitch.challenge_id == challenge.id,
                                                       Pitch.status == "submitted")
                                   .options(lazyload(Pitch.tag_rows),
                                            lazyload(Pitch.challenge))))


def settings_of(challenge: Challenge, overrides: dict | None = None) -> ranking.Settings:
    values = challenge.settings | {k: v for k, v in (overrides or {}).items() if v is not None}
    return ranking.Settings(**values)


def rank_pitches(challenge: Challenge, pitch_rows: list[Pitch],
                 overrides: dict | None = None) -> tuple[ranking.Settings, float, list]:
    """The ranking of these pitches, from their stored tallies (never recounted)."""
    settings = settings_of(challenge, overrides)
    m = prior_mean_of(challenge)
    return settings, m, ranking.rank([_tally_of(p) for p in pitch_rows], settings, m)


def prior_mean_of(challenge: Challenge) -> float:
    """The challenge's prior mean m, from its stored totals (none yet: no ratings)."""
    tally = challenge.tally
    return ranking.prior_mean(tally.rating_count if tally else 0, tally.rating_sum if tally else 0)




@cache
def _stars_statement():
    """The stars of the person bound as `user_id` on the pitches bound as `pitch_ids`."""
    return select(Rating.pitch_id, Rating.stars).where(
        Rating.user_id == bindparam("user_id"),
        Rating.pitch_id.in_(bindparam("pitch_ids", expanding=True)))


def stars_of(user, pitch_ids: list[int]) -> dict[int, int]:
    """The caller's stars on these pitches, in one statement (none signed out): what a list
    shows as each pitch's `my_rating`."""
    if user is None or not pitch_ids:
        return {}
    return dict(db.session.execute(_stars_statement(),
                                   {"user_id": user.id, "pitch_ids": pitch_ids}).all())
