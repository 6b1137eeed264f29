"""Voting's answers to what lower domains announce (exchange/events.py).

Whether a rating counts depends on facts other domains own: who belongs to which supplier,
which suppliers pitch on a challenge, which conflicts a panel member declared, and the
challenge's minimum account age. When one of them changes, the ratings it touches are
re-judged (tallies.reassess) in the sender's transaction, so the change and its effect
on the tallies are committed together or not at all. What the live ranking shows of a
pitch changing bumps the challenge's ratings version, so no cached ranking outlives it.
"""
from sqlalchemy import select

from exchange import events
from exchange.challenges import lifecycle
from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting import policy, tallies
from exchange.voting.models import Rating


def connect() -> None:
    """Connect the receivers; called by create_app (connecting twice changes nothing)."""
    events.membership_started.connect(membership_started)
    events.pitch_submitted.connect(supplier_pitching_changed)
    events.pitch_withdrawn.connect(supplier_pitching_changed)
    events.pitch_submitted.connect(ranked_pitches_changed)
    events.pitch_edited.connect(ranked_pitches_changed)
    events.panel_conflicts_changed.connect(panel_conflicts_changed)
    events.challenge_settings_changed.connect(challenge_settings_changed)


def membership_started(_sender, *, organisation_id: int, user_id: int, **_) -> None:
    """Someone joined: their ratings on challenges taking ratings may now be conflicted."""
    challenges = db.session.scalars(
        select(Challenge).where(Challenge.status.in_(lifecycle.ACCEPTS_RATINGS),
                                Challenge.id.in_(
                                    select(Pitch.challenge_id)
                                    .join(Rating, Rating.pitch_id == Pitch.id)
                                    .where(Rating.user_id == user_id)))
        .order_by(Challenge.id)).all()
    for challenge in challenges:  # by ascending id: the lock order
        tallies.reassess(challenge, [user_id])


def supplier_pitching_changed(_sender, *, pitch: Pitch, **_) -> None:
    """A pitch was submitted or withdrawn: its supplier's people now compete on the
    challenge, or may no longer."""
    challenge = db.session.get(Challenge, pitch.challenge_id)
    people = {user_id for user_id, _ in policy.belonged_while_open(challenge,
                                                                   [pitch.supplier_id])}
    tallies.reassess(challenge, people)


def ranked_pitches_changed(_sender, *, pitch: Pitch, **_) -> None:
    """A pitch joined the ranking, or what the ranking shows of it (its title) changed:
    a ranking kept under the challenge's version is stale. (A withdrawal bumps the version
    with the tallies it changes.)"""
    tallies.ratings_changed(pitch.challenge_id)


def panel_conflicts_changed(_sender, *, challenge: Challenge, user_id: int, **_) -> None:
    """A panel member's declared conflicts changed: re-judge their ratings there."""
    tallies.reassess(challenge, [user_id])


def challenge_settings_changed(_sender, *, challenge: Challenge, **_) -> None:
    """A setting the rules read changed (the minimum account age): re-judge the whole
    challenge, its work bounded by that one challenge's ratings."""
    tallies.reassess(challenge)
