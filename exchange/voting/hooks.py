"""Voting's answers to what lower domains announce (exchange/events.py), and the list
orders of theirs that read voting's tallies.

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
from exchange.challenges import service as challenges
from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.pitches import service as pitches
from exchange.pitches.models import Pitch
from exchange.voting import live_ranking, orders, panel, policy, tallies
from exchange.voting.models import Rating


def connect() -> None:
    """Connect the receivers and the vote-based list orders; called by create_app
    (connecting twice changes nothing)."""
    events.challenge_created.connect(challenge_created)
    events.membership_started.connect(membership_started)
    events.pitch_submitted.connect(pitch_submitted)
    events.pitch_withdrawn.connect(pitch_withdrawn)
    events.pitch_edited.connect(pitch_edited)
    events.panel_conflicts_changed.connect(panel_conflicts_changed)
    events.challenge_settings_changed.connect(challenge_settings_changed)
    events.me_sections.connect(panel.panels_section)
    challenges.COUNTED_ORDERS["popular"] = orders.challenges_by_ratings
    pitches.COUNTED_ORDERS["most_rated"] = orders.pitches_by_ratings
    pitches.COUNTED_ORDERS["score"] = orders.pitches_by_score
    pitches.STANDINGS.update({"of": live_ranking.standings, "with": live_ranking.with_standing,
                              "of_row": live_ranking.standing_of_row})


def challenge_created(_sender, *, challenge: Challenge, **_) -> None:
    """A new challenge gets its tally row in the transaction that creates it."""
    tallies.create_challenge_tally(challenge)


def membership_started(_sender, *, organisation_id: int, user_id: int, **_) -> None:
    """Someone joined: their ratings on challenges taking ratings may now be conflicted."""
    taking = db.session.scalars(
        select(Challenge).where(Challenge.status.in_(lifecycle.ACCEPTS_RATINGS),
                                Challenge.id.in_(
                                    select(Pitch.challenge_id)
                                    .join(Rating, Rating.pitch_id == Pitch.id)
                                    .where(Rating.user_id == user_id)))
        .order_by(Challenge.id)).all()
    for challenge in taking:  # by ascending id: the lock order
        tallies.reassess(challenge, [user_id])


def pitch_submitted(_sender, *, pitch: Pitch, **_) -> None:
    """A new pitch gets its tally row; its supplier's people now compete on the challenge."""
    tallies.create_pitch_tally(pitch)
    supplier_pitching_changed(pitch)
    tallies.ratings_changed(pitch.challenge_id)


def pitch_withdrawn(_sender, *, pitch: Pitch, **_) -> None:
    """A withdrawn pitch's ratings leave the challenge's totals; its supplier's people may
    no longer compete."""
    tallies.pitch_withdrawn(pitch)
    supplier_pitching_changed(pitch)


def supplier_pitching_changed(pitch: Pitch) -> None:
    """A pitch was submitted or withdrawn: its supplier's people now compete on the
    challenge, or may no longer."""
    challenge = db.session.get(Challenge, pitch.challenge_id)
    people = {user_id for user_id, _ in policy.belonged_while_open(challenge,
                                                                   [pitch.supplier_id])}
    tallies.reassess(challenge, people)


def pitch_edited(_sender, *, pitch: Pitch, **_) -> None:
    """What the ranking shows of a pitch (its title) changed: a ranking kept under the
    challenge's version is stale. (Submitting and withdrawing bump it in pitch_submitted
    and tallies.pitch_withdrawn.)"""
    tallies.ratings_changed(pitch.challenge_id)


def panel_conflicts_changed(_sender, *, challenge: Challenge, user_id: int, **_) -> None:
    """A panel member's declared conflicts changed: re-judge their ratings there."""
    tallies.reassess(challenge, [user_id])


def challenge_settings_changed(_sender, *, challenge: Challenge, **_) -> None:
    """A setting the rules read changed (the minimum account age): re-judge the whole
    challenge, its work bounded by that one challenge's ratings."""
    tallies.reassess(challenge)
