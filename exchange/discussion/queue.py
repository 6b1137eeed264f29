"""The moderators' queue: a challenge's flagged comments, with why and how often."""
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from exchange.challenges import service as challenges
from exchange.discussion import policy
from exchange.discussion.models import Comment, CommentFlag
from exchange.discussion.reading import present_all
from exchange.errors import NotAllowed
from exchange.extensions import db
from exchange.http.pagination import Page, SortKey, paginate
from exchange.pitches.models import Pitch

# Oldest first, as a queue is worked through; ids only grow, so inserts never reorder it.
QUEUE_ORDER = [SortKey(Comment.id, False, lambda c: c.id)]

# A comment flagged by many for many reasons shows the commonest; the count says how many.
REASONS_SHOWN = 20


def flagged(user, challenge_id: int, status: str | None, limit: int,
            cursor: str | None) -> Page:
    """One page of the challenge's flagged comments not deleted, oldest first: NotFound
    (404) if unseen, NotAllowed (403) unless an officer of its council or an admin."""
    challenge = challenges.get_visible(challenge_id, user)
    if not policy.may_moderate_challenge(user, challenge):
        raise NotAllowed("Only officers of the challenge's council, and admins, see its "
                         "flagged comments.")
    statement = (select(Comment).join(Pitch, Pitch.id == Comment.pitch_id)
                 .where(Pitch.challenge_id == challenge.id, Comment.flag_count > 0,
                        Comment.deleted_at.is_(None))
                 .options(lazyload(Comment.pitch)))
    if status is not None:
        statement = statement.where(Comment.status == status)
    page = paginate(statement, QUEUE_ORDER, limit, cursor)
    reasons = _reasons_of([comment.id for comment in page.items])
    shown = present_all(user, page.items, moderator=True, open_pitch_ids=_open_pitches(
        challenge, {comment.pitch_id for comment in page.items}))
    page.items = [{
        "comment": seen, "flag_count": comment.flag_count,
        **reasons.get(comment.id, {"reasons": [], "last_flagged_at": None}),
    } for comment, seen in zip(page.items, shown, strict=True)]
    return page


def _open_pitches(challenge, pitch_ids: set[int]) -> set[int]:
    """Those of the challenge's pitches whose discussion is open, in one query."""
    if not pitch_ids:
        return set()
    found = db.session.execute(select(Pitch.id, Pitch.status).where(Pitch.id.in_(pitch_ids)))
    return {pitch_id for pitch_id, status in found
            if policy.open_for_comments(status, challenge.status)}


def _reasons_of(comment_ids: list[int]) -> dict:
    """Per comment: its flags' reasons with how many gave each, and the latest flag's time."""
    if not comment_ids:
        return {}
    grouped = db.session.execute(
        select(CommentFlag.comment_id, CommentFlag.reason, func.count(),
               func.max(CommentFlag.created_at))
        .where(CommentFlag.comment_id.in_(comment_ids))
        .group_by(CommentFlag.comment_id, CommentFlag.reason)).all()
    found: dict = {}
    for comment_id, reason, count, last in grouped:
        entry = found.setdefault(comment_id, {"reasons": [], "last_flagged_at": last})
        entry["reasons"].append({"reason": reason, "count": count})
        entry["last_flagged_at"] = max(entry["last_flagged_at"], last)
    for entry in found.values():
        entry["reasons"].sort(key=lambda r: (-r["count"], r["reason"]))
        del entry["reasons"][REASONS_SHOWN:]
    return found
