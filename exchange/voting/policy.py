"""The rules of fair votes: who may rate a pitch, and which kept ratings count.

Every rule is here and nowhere else, one function each, so that what the exchange does
and what docs/fair-votes.md says are the same sentences:

- Nobody rates a pitch of an organisation they belong to, or belonged to at any time while
  the challenge was open or voting (refused, nothing written).
- A rating given before joining that organisation is excluded from the moment they join.
- Members of an organisation with a submitted pitch on the challenge (now, or at any time
  while it was open or voting) may rate the other pitches; those ratings are kept and
  excluded as `conflict_of_interest`.
- A panel member's rating of a pitch they declared a conflict with is excluded as
  `conflict_of_interest`.
- A rating from an account younger than the challenge's `min_account_age_hours` when it was
  first given is excluded as `new_account`; `conflict_of_interest` wins when both apply.

"While the challenge was open or voting" runs from when it first opened until now: ratings
are only given, and only re-judged, while it takes them (see `judges_ratings`).
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask import g
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from exchange.challenges import lifecycle
from exchange.challenges.models import Challenge
from exchange.errors import Conflict, NotAllowed
from exchange.extensions import db
from exchange.organisations.models import Membership, MembershipPeriod
from exchange.pitches.models import Pitch
from exchange.voting.models import PanelConflict, Rating

CONFLICT_OF_INTEREST = "conflict_of_interest"
NEW_ACCOUNT = "new_account"


def judges_ratings(challenge: Challenge) -> bool:
    """Ratings are judged (and re-judged) while the challenge takes them; once it has left
    voting its ratings' reasons stand as they were, like its published shortlist."""
    return challenge.status in lifecycle.ACCEPTS_RATINGS


def opened_at(challenge: Challenge) -> datetime:
    """When the challenge first opened: the start of its open-or-voting time."""
    return challenge.opened_at or challenge.created_at


def belonged_while_open(challenge: Challenge, organisation_ids, user_ids=None) -> set[tuple]:
    """(user_id, organisation_id) for everyone who belongs to one of these organisations
    now, or belonged at any time since the challenge opened."""
    organisation_ids = list(organisation_ids)
    if not organisation_ids:
        return set()
    periods = select(MembershipPeriod.user_id, MembershipPeriod.organisation_id).where(
        MembershipPeriod.organisation_id.in_(organisation_ids),
        or_(MembershipPeriod.left_at.is_(None),
            MembershipPeriod.left_at >= opened_at(challenge)))
    current = select(Membership.user_id, Membership.organisation_id).where(
        Membership.organisation_id.in_(organisation_ids))
    if user_ids is not None:
        periods = periods.where(MembershipPeriod.user_id.in_(list(user_ids)))
        current = current.where(Membership.user_id.in_(list(user_ids)))
    return {tuple(row) for row in db.session.execute(periods.union(current))}


def belonged_while_open_in_sql(user_id, organisations, opened):
    """SQL condition, the same rule as `belonged_while_open` for one person (an id, or a
    bind parameter so the statement is built once): they belong to `organisations` (a
    column, or a select of ids) now, or belonged at any time since `opened`."""
    def among(column):
        return (column.in_(organisations) if isinstance(organisations, Select)
                else column == organisations)

    period = select(MembershipPeriod.id).where(
        MembershipPeriod.user_id == user_id, among(MembershipPeriod.organisation_id),
        or_(MembershipPeriod.left_at.is_(None), MembershipPeriod.left_at >= opened))
    current = select(Membership.user_id).where(Membership.user_id == user_id,
                                               among(Membership.organisation_id))
    return or_(period.exists(), current.exists())


def rating_conflicts_in_sql(user_id) -> dict:
    """SQL conditions, for a query of one pitch joined to its challenge, answering what the
    rules ask about one person's rating of it (`user_id`: an id, or a bind parameter):
    `own` (may_rate says no), `competes`, and `declared` (see the rules below), so a
    rating reads them in the query it reads the pitch with."""
    opened = func.coalesce(Challenge.opened_at, Challenge.created_at)
    pitching = aliased(Pitch)
    # Correlated by hand: nested in EXISTS(... IN (...)), SQLAlchemy's automatic
    # correlation would not reach the outer query and would pitch on every challenge.
    suppliers_pitching = select(pitching.supplier_id).where(
        pitching.challenge_id == Challenge.id, pitching.status == "submitted"
    ).correlate_except(pitching)
    declared = select(PanelConflict.pitch_id).where(
        PanelConflict.challenge_id == Challenge.id, PanelConflict.user_id == user_id,
        PanelConflict.pitch_id == Pitch.id)
    return {"own": belonged_while_open_in_sql(user_id, Pitch.supplier_id, opened),
            "competes": belonged_while_open_in_sql(user_id, suppliers_pitching, opened),
            "declared": declared.exists()}


# ---- who may rate --------------------------------------------------------------------------

def organisations_of_rater(user, challenge: Challenge) -> set[int]:
    """The organisations `user` belongs to (their memberships, loaded with the sign-in) or
    belonged to at any time since the challenge opened: one query, kept for the request,
    as a page of the challenge's pitches asks it of each."""
    kept = g.setdefault("organisations_of_rater", {})
    key = (user.id, challenge.id)
    if key not in kept:
        periods = select(MembershipPeriod.organisation_id).where(
            MembershipPeriod.user_id == user.id,
            or_(MembershipPeriod.left_at.is_(None),
                MembershipPeriod.left_at >= opened_at(challenge)))
        kept[key] = ({m.organisation_id for m in user.memberships}
                     | set(db.session.scalars(periods)))
    return kept[key]


def may_rate(user, pitch: Pitch) -> bool:
    """Nobody rates a pitch of an organisation they belong to, or belonged to at any time
    while the challenge was open or voting."""
    return pitch.supplier_id not in organisations_of_rater(user, pitch.challenge)


def may_rate_now(user, pitch: Pitch) -> bool:
    """`may_rate`, and the pitch takes ratings now (`takes_ratings`): a rating would be
    accepted (the hint `rate`)."""
    return (takes_ratings(pitch.status, pitch.challenge.status)
            and may_rate(user, pitch))


def check_may_rate(user, pitch: Pitch) -> None:
    """NotAllowed (403) when `may_rate` says no."""
    check_not_own(not may_rate(user, pitch))


def check_not_own(own: bool) -> None:
    """NotAllowed (403) for a rating of a pitch of their own organisation (`own`, as
    `rating_conflicts_in_sql` reads it)."""
    if own:
        raise NotAllowed("Nobody rates a pitch of an organisation they belong to, or "
                         "belonged to while the challenge was open or voting.")


def takes_ratings(pitch_status: str, challenge_status: str) -> bool:
    """The pitch is submitted and its challenge takes ratings (open or voting)."""
    return pitch_status == "submitted" and challenge_status in lifecycle.ACCEPTS_RATINGS


def check_takes_ratings(pitch_status: str, challenge_status: str) -> None:
    """Conflict (409) unless the pitch is submitted and its challenge takes ratings (open
    or voting): unless `takes_ratings`."""
    if takes_ratings(pitch_status, challenge_status):
        return
    if pitch_status != "submitted":
        raise Conflict("This pitch was withdrawn; it can no longer be rated.")
    if challenge_status not in lifecycle.ACCEPTS_RATINGS:
        raise Conflict(f"The challenge is {challenge_status}; ratings are taken while it is "
                       f"open or voting.")


# ---- which ratings count -------------------------------------------------------------------

@dataclass
class Standing:
    """What the rules need to know about one challenge to judge its ratings."""

    challenge: Challenge
    supplier_of: dict[int, int]  # pitch id -> supplier id, every pitch of the challenge
    pitching: set[int]  # suppliers with a submitted pitch on the challenge
    belonged: dict[int, set[int]] = field(default_factory=dict)  # user -> suppliers
    declared: set[tuple[int, int]] = field(default_factory=set)  # (user_id, pitch_id)


def standing_of(challenge: Challenge, user_ids=None) -> Standing:
    """Read, in three queries, what judging the challenge's ratings (or these people's)
    needs: its pitches' suppliers, who belonged to them, and declared panel conflicts."""
    pitch_rows = db.session.execute(select(Pitch.id, Pitch.supplier_id, Pitch.status)
                                    .where(Pitch.challenge_id == challenge.id)).all()
    standing = Standing(challenge, {p.id: p.supplier_id for p in pitch_rows},
                        {p.supplier_id for p in pitch_rows if p.status == "submitted"})
    for user_id, organisation_id in belonged_while_open(
            challenge, set(standing.supplier_of.values()), user_ids):
        standing.belonged.setdefault(user_id, set()).add(organisation_id)
    declared = select(PanelConflict.user_id, PanelConflict.pitch_id).where(
        PanelConflict.challenge_id == challenge.id)
    if user_ids is not None:
        declared = declared.where(PanelConflict.user_id.in_(list(user_ids)))
    standing.declared = {tuple(row) for row in db.session.execute(declared)}
    return standing


def rated_own_organisation(standing: Standing, user_id: int, pitch_id: int) -> bool:
    """They belong, or belonged while the challenge was open or voting, to the pitch's
    supplier: a rating given before they joined is excluded from the moment they join."""
    return standing.supplier_of.get(pitch_id) in standing.belonged.get(user_id, ())


def competes_on_challenge(standing: Standing, user_id: int) -> bool:
    """They belong, or belonged while the challenge was open or voting, to a supplier with
    a submitted pitch on it."""
    return bool(standing.belonged.get(user_id, set()) & standing.pitching)


def declared_conflict(standing: Standing, user_id: int, pitch_id: int) -> bool:
    """A panel member declared a conflict with this pitch."""
    return (user_id, pitch_id) in standing.declared


def too_new(challenge: Challenge, account_age_hours: float | None) -> bool:
    """The account was younger than the challenge's minimum age when it first rated.
    Ratings from before ages were kept (null) are not judged by age."""
    return account_age_hours is not None and account_age_hours < challenge.min_account_age_hours


def exclusion_reason(standing: Standing, user_id: int, pitch_id: int,
                     account_age_hours: float | None) -> str | None:
    """Why this rating is kept but left out of the ranking, or None when it counts."""
    return verdict(own=rated_own_organisation(standing, user_id, pitch_id),
                   competes=competes_on_challenge(standing, user_id),
                   declared=declared_conflict(standing, user_id, pitch_id),
                   too_new=too_new(standing.challenge, account_age_hours))


def verdict(*, own: bool, competes: bool, declared: bool, too_new: bool) -> str | None:
    """The exclusion reason from the facts: conflict_of_interest wins over new_account."""
    if own or competes or declared:
        return CONFLICT_OF_INTEREST
    if too_new:
        return NEW_ACCOUNT
    return None


def may_be_excluded_in_sql():
    """SQL condition, for a query of ratings joined to their pitch's challenge, true for
    every rating the rules above could exclude (and for many they do not): its rater
    belongs or belonged to some organisation, declared a conflict somewhere, or rated
    younger than the challenge's minimum age. Any other rating counts whatever the facts
    of its challenge, so a recount re-judges only these. A new rule widens it."""
    members = select(Membership.user_id).union(select(MembershipPeriod.user_id))
    return or_(Rating.user_id.in_(members),
               Rating.user_id.in_(select(PanelConflict.user_id)),
               Rating.account_age_hours < Challenge.min_account_age_hours)
