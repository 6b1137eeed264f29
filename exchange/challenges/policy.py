"""Who may see and manage a challenge; visibility is one query scope used by every read."""
from sqlalchemy import or_, select

from exchange.challenges.models import Challenge
from exchange.organisations.models import Membership
from exchange.organisations.policy import council_ids_of, is_officer_of


def visible_to(user):
    """SQL condition: the challenges `user` may know exist (drafts only to their council)."""
    return visible_in(council_ids_of(user) or None)


def visible_in(councils):
    """SQL condition, the same rule as `visible_to`, for a member of `councils` (their ids,
    or a parameter bound to them; None: a reader of no council): a draft only to members
    of its council."""
    if councils is None:
        return Challenge.status != "draft"
    return or_(Challenge.status != "draft", Challenge.council_id.in_(councils))


def visible_to_user_id(user_id: int):
    """SQL condition, the same rule as `visible_to`, decided from the user's id alone (their
    memberships are not loaded): a draft only to members of its council."""
    member = select(Membership.user_id).where(Membership.user_id == user_id,
                                              Membership.organisation_id == Challenge.council_id)
    return or_(Challenge.status != "draft", member.exists())


def may_see(user, challenge: Challenge) -> bool:
    return challenge.status != "draft" or challenge.council_id in council_ids_of(user)


def may_manage(user, challenge: Challenge) -> bool:
    """Officers of the owning (verified) council manage its challenges."""
    return user is not None and is_officer_of(user, challenge.council)


def may_read_audit(user, challenge: Challenge) -> bool:
    """Officers of the owning council, and admins, read a challenge's audit trail."""
    return user is not None and (user.is_admin or may_manage(user, challenge))
