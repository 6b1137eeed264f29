"""Who may see and manage a challenge; visibility is one query scope used by every read."""
from sqlalchemy import or_

from exchange.challenges.models import Challenge
from exchange.organisations.policy import council_ids_of, is_officer_of


def visible_to(user):
    """SQL condition: the challenges `user` may know exist (drafts only to their council)."""
    councils = council_ids_of(user)
    if not councils:
        return Challenge.status != "draft"
    return or_(Challenge.status != "draft", Challenge.council_id.in_(councils))


def may_see(user, challenge: Challenge) -> bool:
    return challenge.status != "draft" or challenge.council_id in council_ids_of(user)


def may_manage(user, challenge: Challenge) -> bool:
    """Officers of the owning (verified) council manage its challenges."""
    return user is not None and is_officer_of(user, challenge.council)


def may_read_audit(user, challenge: Challenge) -> bool:
    """Officers of the owning council, and admins, read a challenge's audit trail."""
    return user is not None and (user.is_admin or may_manage(user, challenge))
