"""Who may see and manage a challenge; visibility is one query scope used by every read."""
from collections.abc import Callable

from sqlalchemy import or_, select

from exchange.challenges import lifecycle
from exchange.challenges.models import Challenge
from exchange.organisations.models import Membership
from exchange.organisations.policy import council_ids_of, officer_council_ids


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
    """Officers of the owning (verified) council manage its challenges (`challenge`: any
    object with its `council_id`, so a listed row is judged as the Challenge is)."""
    return user is not None and challenge.council_id in officer_council_ids(user)


def may_edit(user, challenge) -> bool:
    """Its officers, until it is shortlisted."""
    return may_manage(user, challenge) and lifecycle.is_editable(challenge.status)


def may_delete(user, challenge) -> bool:
    """Its officers, while it is a draft."""
    return may_manage(user, challenge) and lifecycle.is_deletable(challenge.status)


def moves_for(user, challenge) -> list[str]:
    """The statuses `user` may move the challenge to: its life's next ones, for its officers."""
    return lifecycle.moves_from(challenge.status) if may_manage(user, challenge) else []


def may_publish_shortlist(user, challenge) -> bool:
    """Its officers, while it is in voting."""
    return may_manage(user, challenge) and lifecycle.publishes_shortlist(challenge.status)


# What a page offers on a challenge that a higher domain decides (a pitch to it, its panel,
# its shortlist): each registers name -> may(user, challenge) at start-up (exchange/hints.py),
# as challenges may not import them.
HINTS: dict[str, Callable[[object, object], bool]] = {}


def hints(user, challenge) -> dict:
    """`can` of a challenge for `user` (None: signed out, who may do none of it), from the
    rules its routes enforce; `challenge` holds its `status` and `council_id`."""
    can = {"edit": may_edit(user, challenge), "delete": may_delete(user, challenge),
           "move_to": moves_for(user, challenge),
           "publish_shortlist": may_publish_shortlist(user, challenge)}
    can.update((name, user is not None and may(user, challenge))
               for name, may in HINTS.items())
    return can


def may_read_audit(user, challenge: Challenge) -> bool:
    """Officers of the owning council, and admins, read a challenge's audit trail."""
    return user is not None and (user.is_admin or may_manage(user, challenge))
