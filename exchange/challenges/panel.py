"""A challenge's panel: the council's officers, plus experts the council invites."""
from sqlalchemy import select

from exchange import audit
from exchange.accounts.models import User
from exchange.accounts.service import normalise_email
from exchange.challenges import service as challenges
from exchange.challenges.models import Challenge, PanelMember
from exchange.extensions import db
from exchange.http.errors import Conflict, Invalid, NotFound
from exchange.organisations.policy import is_officer_of


def sits_on_panel(user, challenge: Challenge) -> bool:
    """Officers of the owning council and invited experts rate as the panel."""
    if user is None:
        return False
    if is_officer_of(user, challenge.council):
        return True
    return db.session.get(PanelMember, (challenge.id, user.id)) is not None


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
    from exchange.voting import tallies

    challenge = challenges.get_for_officer(challenge_id, officer, lock=True)
    if challenge.status == "closed":
        raise Conflict("A closed challenge's panel is fixed.")
    expert = _find_user(user_id, email)
    if sits_on_panel(expert, challenge):
        raise Conflict("This person already sits on the panel.")
    member = PanelMember(challenge_id=challenge.id, user_id=expert.id, invited_by_id=officer.id)
    db.session.add(member)
    tallies.move_ratings_between_panel_and_public(challenge, expert.id, to_panel=True)
    audit.record(officer, "panel.invited", "challenge", challenge.id, user_id=expert.id,
                 changes=audit.changes({"on_panel": False}, {"on_panel": True}))
    db.session.commit()
    return member


def remove(officer, challenge_id: int, user_id: int) -> None:
    """An officer removes an invited expert; their ratings count as public again."""
    from exchange.voting import tallies

    challenge = challenges.get_for_officer(challenge_id, officer, lock=True)
    if challenge.status == "closed":
        raise Conflict("A closed challenge's panel is fixed.")
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
