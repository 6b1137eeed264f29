"""Who may write, change, flag and moderate comments."""
from exchange.challenges import policy as challenge_policy


def may_moderate(user, pitch) -> bool:
    """Officers of the council that owns the pitch's challenge, and admins."""
    return may_moderate_challenge(user, pitch.challenge)


def may_moderate_challenge(user, challenge) -> bool:
    """Officers of the council that owns the challenge, and admins: its comments, its queue."""
    return user is not None and (user.is_admin or challenge_policy.may_manage(user, challenge))


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
