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


# Comments are taken until the challenge closes; a withdrawn pitch takes none.
COMMENTS_WHILE = {"open", "voting", "shortlisted"}


def open_for_comments(pitch_status: str, challenge_status: str) -> bool:
    """The pitch is submitted and its challenge not closed: its discussion takes comments."""
    return pitch_status == "submitted" and challenge_status in COMMENTS_WHILE


def may_comment(user, pitch) -> bool:
    """Anyone signed in, while the pitch's discussion is open (the hint `comment`)."""
    return user is not None and open_for_comments(pitch.status, pitch.challenge.status)


def is_live(comment) -> bool:
    """Not deleted: a deleted comment keeps its place for its replies, and nothing more."""
    return comment.deleted_at is None


def hints(user, comment, *, discussion_open: bool, moderator: bool,
          flagged_by_me: bool) -> dict:
    """`can` of a comment for `user` (None: signed out, who may do none of it), from the
    rules its routes enforce; `discussion_open`: `open_for_comments` of its pitch,
    `moderator`: `may_moderate` of its pitch, both judged once for a page;
    `flagged_by_me`: `user` has flagged it already (speakers.of_comments)."""
    live = user is not None and is_live(comment)
    return {"edit": live and may_edit(user, comment) and comment.status == "visible"
            and discussion_open,
            "delete": live and may_delete(user, comment),
            # One flag per person: the unique constraint refuses a second (409).
            "flag": live and may_flag(user, comment) and not flagged_by_me,
            "reply": live and discussion_open,
            "moderate": live and moderator}


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
