"""Who may write, change, flag and moderate comments."""
from sqlalchemy import true

from exchange.challenges import policy as challenge_policy
from exchange.challenges.models import Challenge
from exchange.organisations.policy import is_officer_in_sql


def may_moderate(user, pitch) -> bool:
    """Officers of the council that owns the pitch's challenge, and admins."""
    return may_moderate_challenge(user, pitch.challenge)


def may_moderate_challenge(user, challenge) -> bool:
    """Officers of the council that owns the challenge, and admins: its comments, its queue."""
    return user is not None and (user.is_admin or challenge_policy.may_manage(user, challenge))


def may_moderate_in_sql(user_id, is_admin: bool):
    """SQL condition, the same rule as `may_moderate_challenge` for a query of one
    challenge, decided from the user's id (their memberships are not loaded): admins, and
    members of the owning council once it is verified (its officers)."""
    if is_admin:
        return true()
    return is_officer_in_sql(user_id, Challenge.council_id)


def is_author(user, comment) -> bool:
    return user is not None and comment.author_id is not None and comment.author_id == user.id


def may_edit(user, comment) -> bool:
    return is_author(user, comment)


def may_delete(user, comment) -> bool:
    """The author, or an admin (officers hide instead)."""
    return is_author(user, comment) or bool(user and user.is_admin)


def may_flag(user, comment) -> bool:
    """Anyone signed in but the author: flags are for other people's words."""
    return user is not None and not is_author(user, comment)
