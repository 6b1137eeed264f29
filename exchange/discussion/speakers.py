"""Who speaks for whom: each comment author's roles as of now (an officer of the council that
owns the challenge, a member of the pitch's supplier, on the challenge's panel), and whether
the caller flagged the comment. One statement for a whole page of comments, whatever its
size: each fact is asked of the domain that owns it, as an SQL condition on the comment's
row."""
from dataclasses import dataclass

from sqlalchemy import false, select

from exchange.challenges.models import Challenge
from exchange.discussion.models import Comment, CommentFlag
from exchange.extensions import db
from exchange.organisations.policy import is_member_in_sql, is_officer_in_sql
from exchange.pitches.models import Pitch
from exchange.voting.panel import sits_on_panel_in_sql

# The order roles are listed in, on every comment.
ROLES = ("officer", "supplier", "panel")


@dataclass(frozen=True)
class Speaker:
    """What a page shows beside a comment's author and text."""

    roles: tuple[str, ...] = ()
    flagged_by_me: bool = False


NOBODY = Speaker()


def roles_of(officer: bool, supplier: bool, panel: bool) -> tuple[str, ...]:
    """The roles named, in ROLES order."""
    return tuple(role for role, holds in zip(ROLES, (officer, supplier, panel)) if holds)


def role_conditions(author_id, supplier_id) -> dict:
    """Per role, its SQL condition for an author and a supplier given as ids, bind
    parameters or columns, in a query of one `Challenge` row (its council and panel)."""
    return {"officer": is_officer_in_sql(author_id, Challenge.council_id),
            "supplier": is_member_in_sql(author_id, supplier_id),
            "panel": sits_on_panel_in_sql(author_id)}


def of_comments(user, comments: list) -> dict[int, Speaker]:
    """Per comment id: its author's roles and whether `user` flagged it; one statement."""
    ids = [comment.id for comment in comments]
    if not ids:
        return {}
    flagged = false() if user is None else (
        select(CommentFlag.id).where(CommentFlag.comment_id == Comment.id,
                                     CommentFlag.user_id == user.id).exists())
    found = db.session.execute(
        select(Comment.id, flagged.label("flagged"),
               *(condition.label(role) for role, condition in
                 role_conditions(Comment.author_id, Pitch.supplier_id).items()))
        .join(Pitch, Pitch.id == Comment.pitch_id)
        .join(Challenge, Challenge.id == Pitch.challenge_id)
        .where(Comment.id.in_(ids)))
    return {row.id: Speaker(roles_of(bool(row.officer), bool(row.supplier), bool(row.panel)),
                            bool(row.flagged)) for row in found}
