"""A challenge's panel: the council's officers, plus experts the council invites, and the
conflicts of interest its members declare."""
from collections import defaultdict

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import aliased

from exchange import audit, events, rows
from exchange.accounts.models import User
from exchange.accounts.service import normalise_email
from exchange.challenges import policy
from exchange.challenges import service as challenges
from exchange.challenges.models import Challenge
from exchange.errors import Conflict, Invalid, NotAllowed, NotFound
from exchange.extensions import db
from exchange.http.pagination import Page, SortKey, paginate
from exchange.organisations.models import Organisation
from exchange.organisations.policy import is_officer_in_sql, is_officer_of
from exchange.pitches.models import Pitch
from exchange.voting import tallies
from exchange.voting.models import PanelConflict, PanelMember

# Once the shortlist is published the panel is fixed: who sat on it and what they declared
# decided which ratings counted, and the published ranking must stay the one they fed.
PANEL_FIXED = {"shortlisted", "closed"}

MEMBER_ORDER = [SortKey(PanelMember.user_id, False, lambda m: m.user_id)]


def sits_on_panel(user, challenge: Challenge) -> bool:
    """Officers of the owning council and invited experts rate as the panel."""
    if user is None:
        return False
    if is_officer_of(user, challenge.council):
        return True
    return db.session.get(PanelMember, (challenge.id, user.id)) is not None


def sits_on_panel_in_sql(user_id):
    """SQL condition, the same rule as `sits_on_panel` for a query of one challenge and one
    person (an id, or a bind parameter): read with the facts a rating needs, in their one
    query."""
    invited = select(PanelMember.user_id).where(PanelMember.challenge_id == Challenge.id,
                                                PanelMember.user_id == user_id)
    return or_(is_officer_in_sql(user_id, Challenge.council_id), invited.exists())


def seats_of(user) -> list[dict]:
    """The panels `user` sits on, oldest challenge first, each with its council: one query.
    Every challenge of a council they are an officer of, and those they were invited onto."""
    found = db.session.execute(
        select(Challenge.id, Challenge.title, Challenge.status, Organisation.id.label("council_id"),
               Organisation.name)
        .join(Organisation, Organisation.id == Challenge.council_id)
        .where(sits_on_panel_in_sql(user.id)).order_by(Challenge.id))
    return [{"challenge_id": row.id, "title": row.title, "status": row.status,
             "council": {"id": row.council_id, "name": row.name}} for row in found]


def panels_section(_sender, *, user, **_) -> dict:
    """GET /auth/me's `panels` (a receiver of events.me_sections)."""
    return {"panels": seats_of(user)}


def may_declare_conflicts(user, challenge: Challenge, user_id: int) -> bool:
    """A panel member declares their own conflicts; the council's officers may do it for
    any member of the panel (admins manage no challenge, so they do not)."""
    if user is None:
        return False
    if policy.may_manage(user, challenge):
        return True
    return user.id == user_id and sits_on_panel(user, challenge)


def may_manage_panel(user, challenge) -> bool:
    """Its officers invite and remove experts until the shortlist fixes the panel."""
    return policy.may_manage(user, challenge) and challenge.status not in PANEL_FIXED


def _refuse_once_fixed(challenge: Challenge) -> None:
    if challenge.status == "shortlisted":
        raise Conflict("The challenge is shortlisted: once the shortlist is published the "
                       "panel and its declared conflicts are fixed, so the ratings the "
                       "shortlist rested on stay as they were counted.")
    if challenge.status == "closed":
        raise Conflict("The challenge is closed: its panel and their declared conflicts are "
                       "fixed.")


def _find_user(user_id: int | None, email: str | None) -> User:
    if email is not None:
        person = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    else:
        person = db.session.get(User, user_id)
    if person is None:
        field = "email" if email is not None else "user_id"
        raise Invalid("No account matches; the expert must register first.",
                      {field: ["No such account."]})
    return person


def invite(officer, challenge_id: int, *, user_id=None, email=None) -> PanelMember:
    """An officer invites an expert; their ratings on this challenge become panel ratings."""
    challenge = challenges.get_for_officer(challenge_id, officer, lock=True)
    tallies.lock_challenge(challenge.id)
    _refuse_once_fixed(challenge)
    expert = _find_user(user_id, email)
    if sits_on_panel(expert, challenge):
        raise Conflict("This person already sits on the panel.")
    member = PanelMember(challenge_id=challenge.id, user_id=expert.id, invited_by_id=officer.id)
    db.session.add(member)
    tallies.move_ratings_between_panel_and_public(challenge, expert.id, to_panel=True)
    audit.record(officer, "panel.invited", "challenge", challenge.id, user_id=expert.id,
                 changes=audit.changes({"on_panel": False}, {"on_panel": True}))
    db.session.commit()
    return with_conflicts(challenge, [member])[0]


def remove(officer, challenge_id: int, user_id: int) -> None:
    """An officer removes an invited expert; their ratings count as public again."""
    challenge = challenges.get_for_officer(challenge_id, officer, lock=True)
    tallies.lock_challenge(challenge.id)
    _refuse_once_fixed(challenge)
    member = db.session.get(PanelMember, (challenge.id, user_id))
    if member is None:
        raise NotFound("This person is not an invited panel member.")
    db.session.delete(member)
    db.session.flush()
    expert = db.session.get(User, user_id)
    if not sits_on_panel(expert, challenge):
        tallies.move_ratings_between_panel_and_public(challenge, user_id, to_panel=False)
    audit.record(officer, "panel.removed", "challenge", challenge.id, user_id=user_id,
                 changes=audit.changes({"on_panel": True}, {"on_panel": False}))
    db.session.commit()


def members(challenge: Challenge):
    """The invited experts, as a select statement."""
    return select(PanelMember).where(PanelMember.challenge_id == challenge.id)


def page_of_members(challenge: Challenge, limit: int, cursor: str | None) -> Page:
    """One page of the invited experts, each with the pitches they declared conflicts with."""
    page = paginate(members(challenge), MEMBER_ORDER, limit, cursor)
    with_conflicts(challenge, page.items)
    return page


def with_conflicts(challenge: Challenge, panel_members: list[PanelMember]) -> list:
    """Give each member `conflicts`, the ids of the pitches they declared: one query for all."""
    declared = defaultdict(list)
    if panel_members:
        found = db.session.execute(
            select(PanelConflict.user_id, PanelConflict.pitch_id)
            .where(PanelConflict.challenge_id == challenge.id,
                   PanelConflict.user_id.in_([m.user_id for m in panel_members]))
            .order_by(PanelConflict.user_id, PanelConflict.pitch_id))
        for user_id, pitch_id in found:
            declared[user_id].append(pitch_id)
    for member in panel_members:
        member.conflicts = declared[member.user_id]
    return panel_members


# Declared conflicts ------------------------------------------------------------------------

def _panel_member(challenge: Challenge, user_id: int) -> User:
    person = db.session.get(User, user_id)
    if not sits_on_panel(person, challenge):
        raise NotFound("This person is not on the challenge's panel.")
    return person


def _for_declaring(actor, challenge_id: int, user_id: int) -> tuple[Challenge, User]:
    """The challenge, locked, and the panel member whose conflicts `actor` changes: 404 if
    the challenge is unseen, 403 if `actor` may not, 404 if `user_id` is not on the panel,
    409 once the panel is fixed."""
    challenge = challenges.get_visible(challenge_id, actor)
    if not may_declare_conflicts(actor, challenge, user_id):
        raise NotAllowed("Only the panel member, or an officer of the challenge's council, "
                         "declares their conflicts.")
    member = _panel_member(challenge, user_id)
    # Locked (the lock order starts with the challenge): publishing the shortlist locks it
    # too, so no declaration slips in after the shortlist froze the ratings.
    challenge = rows.lock(Challenge, challenge.id)
    tallies.lock_challenge(challenge.id)
    _refuse_once_fixed(challenge)
    return challenge, member


def _pitches_of(challenge: Challenge, pitch_ids: list[int]) -> set[int]:
    return set(db.session.scalars(select(Pitch.id).where(Pitch.challenge_id == challenge.id,
                                                         Pitch.id.in_(pitch_ids))))


def _declared(challenge: Challenge, user_id: int) -> set[int]:
    return set(db.session.scalars(select(PanelConflict.pitch_id).where(
        PanelConflict.challenge_id == challenge.id, PanelConflict.user_id == user_id)))


def _changed(actor, challenge: Challenge, user_id: int, action: str, pitch_ids: list[int]):
    """Announce the change (voting's hooks re-judge the member's ratings) and keep the
    record, before commit."""
    db.session.flush()
    events.panel_conflicts_changed.send(None, challenge=challenge, user_id=user_id)
    audit.record(actor, action, "challenge", challenge.id, user_id=user_id,
                 pitch_ids=pitch_ids)


def declare_conflicts(actor, challenge_id: int, user_id: int, pitch_ids: list[int]) -> dict:
    """A panel member (or an officer for them) declares conflicts with pitches of the
    challenge; adding what is already declared changes nothing."""
    challenge, member = _for_declaring(actor, challenge_id, user_id)
    wanted = sorted(set(pitch_ids))
    found = _pitches_of(challenge, wanted)
    unknown = [pitch_id for pitch_id in wanted if pitch_id not in found]
    if unknown:
        named = ", ".join(str(pitch_id) for pitch_id in unknown)
        raise Invalid(f"Not pitches of this challenge: {named}.",
                      {"pitch_ids": [f"Not pitches of this challenge: {named}."]})
    already = _declared(challenge, user_id)
    added = [pitch_id for pitch_id in wanted if pitch_id not in already]
    if added:
        db.session.add_all(PanelConflict(challenge_id=challenge.id, user_id=user_id,
                                         pitch_id=pitch_id, declared_by_id=actor.id)
                           for pitch_id in added)
        _changed(actor, challenge, user_id, "panel.conflicts_declared", added)
    db.session.commit()
    return conflicts_of(challenge, member)


def withdraw_conflict(actor, challenge_id: int, user_id: int, pitch_id: int) -> None:
    """Take back one declared conflict (a mistaken declaration), until the panel is fixed."""
    challenge, _member = _for_declaring(actor, challenge_id, user_id)
    if pitch_id not in _declared(challenge, user_id):
        raise NotFound("No conflict with this pitch is declared for this panel member.")
    db.session.execute(delete(PanelConflict).where(
        PanelConflict.challenge_id == challenge.id, PanelConflict.user_id == user_id,
        PanelConflict.pitch_id == pitch_id))
    _changed(actor, challenge, user_id, "panel.conflict_withdrawn", [pitch_id])
    db.session.commit()


def visible_conflicts(viewer, challenge_id: int, user_id: int) -> dict:
    """A panel member's declared conflicts, for anyone who may see the challenge."""
    challenge = challenges.get_visible(challenge_id, viewer)
    return conflicts_of(challenge, _panel_member(challenge, user_id))


def conflicts_of(challenge: Challenge, member: User) -> dict:
    """The member's declared conflicts with each pitch's title and who declared it."""
    declarer = aliased(User)
    found = db.session.execute(
        select(PanelConflict, Pitch.title, declarer)
        .join(Pitch, Pitch.id == PanelConflict.pitch_id)
        .outerjoin(declarer, declarer.id == PanelConflict.declared_by_id)
        .where(PanelConflict.challenge_id == challenge.id, PanelConflict.user_id == member.id)
        .order_by(PanelConflict.pitch_id))
    return {"challenge_id": challenge.id, "user": member, "conflicts": [
        {"pitch_id": conflict.pitch_id, "title": title, "declared_at": conflict.created_at,
         "declared_by": by} for conflict, title, by in found]}
