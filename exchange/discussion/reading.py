"""Reading a pitch's discussion: comments as the caller may see them, one after another or
as threads, each author with their roles (speakers.py)."""
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from exchange.discussion import policy
from exchange.discussion.models import Comment
from exchange.discussion.speakers import NOBODY, Speaker, of_comments
from exchange.extensions import db
from exchange.http.pagination import Page, SortKey, paginate
from exchange.pitches import service as pitches

THREAD_ORDER = [SortKey(Comment.id, False, lambda c: c.id)]


def present(comment: Comment, *, moderator: bool, can: dict, speaker: Speaker = NOBODY) -> dict:
    """A comment as the caller may see it: text and author withheld when deleted or hidden;
    `can`: its hints for the caller (policy.hints); `speaker`: its author's roles and
    whether the caller flagged it (speakers.of_comments)."""
    deleted = comment.deleted_at is not None
    withheld = deleted or (comment.status == "hidden" and not moderator)
    author = comment.author
    return {
        "id": comment.id, "pitch_id": comment.pitch_id, "parent_id": comment.parent_id,
        "author": None if withheld or author is None else {
            "id": author.id, "display_name": author.display_name,
            "roles": list(speaker.roles)},
        "flagged_by_me": speaker.flagged_by_me,
        "body": None if withheld else comment.body,
        "status": comment.status, "deleted": deleted, "withheld": withheld,
        "reply_count": comment.reply_count,
        "flag_count": comment.flag_count if moderator else None,
        "created_at": comment.created_at, "edited_at": comment.edited_at,
        "can": can,
    }


def present_all(user, comments: list, *, moderator: bool,
                open_pitch_ids: set[int]) -> list[dict]:
    """Comments as `user` sees them, their authors' roles read in one statement for all;
    `open_pitch_ids`: those of their pitches whose discussion is open (policy.hints)."""
    speakers = of_comments(user, comments)
    shown = []
    for comment in comments:
        speaker = speakers.get(comment.id, NOBODY)
        can = policy.hints(user, comment, moderator=moderator,
                           discussion_open=comment.pitch_id in open_pitch_ids,
                           flagged_by_me=speaker.flagged_by_me)
        shown.append(present(comment, moderator=moderator, can=can, speaker=speaker))
    return shown


def open_pitch_ids_of(pitch) -> set[int]:
    """{the pitch's id} if its discussion is open, else nothing (present_all)."""
    return {pitch.id} if policy.open_for_comments(pitch.status, pitch.challenge.status) else set()


def _comments_of(pitch):
    """The pitch's comments as a select statement; the pitch is already loaded, and joining
    it again on every row would only repeat it."""
    return select(Comment).where(Comment.pitch_id == pitch.id).options(lazyload(Comment.pitch))


def flat(user, pitch_id: int, limit: int, cursor: str | None) -> Page:
    """One page of a pitch's comments, oldest first, replies carrying their `parent_id`."""
    pitch = pitches.get_visible(pitch_id, user)
    page = paginate(_comments_of(pitch), THREAD_ORDER, limit, cursor)
    page.items = present_all(user, page.items, moderator=policy.may_moderate(user, pitch),
                             open_pitch_ids=open_pitch_ids_of(pitch))
    return page


def threaded(user, pitch_id: int, limit: int, cursor: str | None) -> Page:
    """One page of a pitch's top-level comments, oldest first, each with all its replies
    nested under `replies` (oldest first, at every depth): the cursor counts top-level
    comments only, so a thread is never split between pages."""
    pitch = pitches.get_visible(pitch_id, user)
    page = paginate(_comments_of(pitch).where(Comment.parent_id.is_(None)), THREAD_ORDER,
                    limit, cursor)
    replies = _replies_under([comment.id for comment in page.items])
    shown = present_all(user, page.items + replies, moderator=policy.may_moderate(user, pitch),
                        open_pitch_ids=open_pitch_ids_of(pitch))
    for comment in shown:
        comment["replies"] = []
    by_id = {comment["id"]: comment for comment in shown}
    # Replies come oldest first, so each lands after its older siblings.
    for reply in shown[len(page.items):]:
        by_id[reply["parent_id"]]["replies"].append(reply)
    page.items = shown[:len(page.items)]
    return page


def _replies_under(top_ids: list[int]) -> list[Comment]:
    """Every reply below the given comments, at any depth, oldest first: one statement."""
    if not top_ids:
        return []
    below = (select(Comment.id).where(Comment.parent_id.in_(top_ids))
             .cte("below", recursive=True))
    below = below.union_all(select(Comment.id).where(Comment.parent_id == below.c.id))
    return list(db.session.scalars(
        select(Comment).where(Comment.id.in_(select(below.c.id))).order_by(Comment.id)
        .options(lazyload(Comment.pitch))))
