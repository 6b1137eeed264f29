"""Discussion: commenting on pitches, editing and deleting comments, flags and moderation.

`comment_count` on the pitch and its challenge counts comments neither deleted nor hidden;
it, `reply_count` and `flag_count` change only by relative UPDATEs in the same transaction
as the comment, so parallel writers never lose a count.
"""
from functools import cache
from types import SimpleNamespace

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from exchange import audit, rows
from exchange.challenges import policy as challenge_policy
from exchange.challenges.models import Challenge
from exchange.clock import utcnow
from exchange.discussion import policy
from exchange.discussion.models import Comment, CommentFlag
from exchange.discussion.reading import open_pitch_ids_of, present, present_all
from exchange.discussion.speakers import Speaker, role_conditions, roles_of
from exchange.errors import Conflict, Invalid, NotAllowed, NotFound
from exchange.extensions import db
from exchange.pitches import service as pitches
from exchange.pitches.models import Pitch

COMMENTS_WHILE = policy.COMMENTS_WHILE

NO_SYNC = {"synchronize_session": False}


# ---- reading --------------------------------------------------------------------------------

def get_visible(comment_id: int, user) -> Comment:
    """The comment if `user` may see its pitch, else NotFound (404)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("No such comment.")
    try:
        pitches.get_visible(comment.pitch_id, user)
    except NotFound:
        raise NotFound("No such comment.") from None
    return comment


def _get_locked(comment_id: int, user) -> Comment:
    """The comment, visible to `user` (else 404), locked for a change (challenge first)."""
    visible = get_visible(comment_id, user)
    rows.lock(Challenge, visible.pitch.challenge_id)
    comment = rows.lock(Comment, comment_id)
    if comment is None:  # removed by a parallel request since we looked
        raise NotFound("No such comment.")
    return comment


def _as_seen_by(user, comment: Comment) -> dict:
    """The comment freshly read after a change, as the caller sees it."""
    db.session.refresh(comment)
    pitch = comment.pitch
    return present_all(user, [comment], moderator=policy.may_moderate(user, pitch),
                       open_pitch_ids=open_pitch_ids_of(pitch))[0]


# ---- counters -------------------------------------------------------------------------------

@cache
def _count_shown_statements():
    """The two relative UPDATEs of the shown-comment counts, built once: a request binds
    the ids and the change."""
    delta = bindparam("delta")
    return (update(Challenge).where(Challenge.id == bindparam("challenge_id"))
            .values(comment_count=Challenge.comment_count + delta),
            update(Pitch).where(Pitch.id == bindparam("pitch_id"))
            .values(comment_count=Pitch.comment_count + delta))


def count_shown(pitch_id: int, challenge_id: int, delta: int, run=None) -> None:
    """Add `delta` to the shown-comment counts of the pitch and its challenge (`run`: how
    to execute, the session's by default, so changes it holds are flushed first)."""
    run = run or (lambda statement, params: db.session.execute(statement, params,
                                                               execution_options=NO_SYNC))
    challenge_update, pitch_update = _count_shown_statements()
    # Challenge before pitch: the lock order every write follows (see exchange/rows.py).
    # Each its own parameters: a name that is also a column's would be SET by the UPDATE.
    run(challenge_update, {"challenge_id": challenge_id, "delta": delta})
    run(pitch_update, {"pitch_id": pitch_id, "delta": delta})


@cache
def _count_replies_statement():
    """A comment's count of direct replies moved by a bound `delta`; built once."""
    return (update(Comment).where(Comment.id == bindparam("comment_id"))
            .values(reply_count=Comment.reply_count + bindparam("delta")))


def _count_replies(comment_id: int, delta: int) -> None:
    """Add `delta` to a comment's count of direct replies."""
    db.session.execute(_count_replies_statement(), {"comment_id": comment_id, "delta": delta},
                       execution_options=NO_SYNC)


def _is_shown(comment: Comment) -> bool:
    """Whether the comment counts in `comment_count`: neither deleted nor hidden."""
    return comment.deleted_at is None and comment.status == "visible"


# ---- writing --------------------------------------------------------------------------------

def _refuse_closed(pitch_status: str, challenge_status: str) -> None:
    """Conflict (409) unless the pitch is submitted and its challenge not closed."""
    if policy.open_for_comments(pitch_status, challenge_status):
        return
    if pitch_status != "submitted":
        raise Conflict("This pitch was withdrawn; its discussion is closed.")
    if challenge_status not in COMMENTS_WHILE:
        raise Conflict(f"The challenge is {challenge_status}; comments are taken while "
                       f"it is open, voting or shortlisted.")


def _check_open_for_comments(pitch: Pitch) -> None:
    """Conflict (409) unless the pitch is submitted and its challenge not closed."""
    _refuse_closed(pitch.status, pitch.challenge.status)


def _refuse_parent(parent_pitch_id: int | None, parent_deleted: bool, pitch_id: int) -> None:
    """The comment replied to must be on the same pitch and not deleted (else 422)."""
    if parent_pitch_id is None or parent_pitch_id != pitch_id:
        raise Invalid("Replies go to a comment on the same pitch.",
                      {"parent_id": ["No such comment on this pitch."]})
    if parent_deleted:
        raise Invalid("A deleted comment takes no replies.",
                      {"parent_id": ["This comment was deleted."]})


class _Qualified(ColumnElement):
    """An expression whose columns keep their table names in a RETURNING clause: SQLAlchemy
    leaves them out there on SQLite, which makes a subquery's `id` or `status` ambiguous."""

    inherit_cache = True
    _traverse_internals = (("wrapped", InternalTraversal.dp_clauseelement),)

    def __init__(self, expression):
        self.wrapped = expression
        self.type = expression.type


@compiles(_Qualified)
def _compile_qualified(element, compiler, **kw):
    """The wrapped expression, compiled with table names."""
    return compiler.process(element.wrapped, **(kw | {"include_table": True}))


@cache
def _count_on_challenge_statement(is_admin: bool):
    """Add one to the comment count of the challenge of the pitch bound as `pitch_id`,
    returning whether the user bound as `user_id` moderates it (no row: no such pitch); built once per
    shape. The UPDATE is also the challenge's lock, the first of the lock order (a row lock
    on PostgreSQL, the database write lock on SQLite); a refused comment rolls it back."""
    user_id = bindparam("user_id")
    challenge_id = (select(Pitch.challenge_id).where(Pitch.id == bindparam("pitch_id"))
                    .scalar_subquery())
    supplier_id = (select(Pitch.supplier_id).where(Pitch.id == bindparam("pitch_id"))
                   .scalar_subquery())
    # The author's roles come back with it, so the answer needs no statement of its own.
    roles = [_Qualified(condition).label(role)
             for role, condition in role_conditions(user_id, supplier_id).items()]
    return (update(Challenge).where(Challenge.id == challenge_id)
            .values(comment_count=Challenge.comment_count + 1)
            .returning(_Qualified(policy.may_moderate_in_sql(user_id, is_admin))
                       .label("moderator"), *roles))


@cache
def _insert_statement(replying: bool):
    """The new comment, inserted only when the pitch bound as `pitch_id` is submitted,
    visible to the author and its challenge takes comments (and, for a reply, the comment
    replied to is on it and not deleted), returning its id; built once per shape. Run after
    the challenge's lock, it reads what every writer of these changes under that lock."""
    author_id = bindparam("author_id", type_=Integer)
    conditions = [Pitch.id == bindparam("pitch_id"), Pitch.status == "submitted",
                  rows.one_of(Challenge.status, COMMENTS_WHILE),
                  challenge_policy.visible_to_user_id(author_id)]
    if replying:
        parent = aliased(Comment)
        conditions.append(select(parent.id).where(parent.id == bindparam("parent_id"),
                                                  parent.pitch_id == Pitch.id,
                                                  parent.deleted_at.is_(None)).exists())
    # Typed, so that PostgreSQL reads each bound value as its column's type.
    values = select(Pitch.id, author_id, bindparam("parent_id", type_=Integer),
                    bindparam("body", type_=Text), literal("visible", String),
                    literal(0, Integer), literal(0, Integer),
                    bindparam("created_at", type_=DateTime))
    names = ["pitch_id", "author_id", "parent_id", "body", "status", "reply_count",
             "flag_count", "created_at"]
    return (insert(Comment)
            .from_select(names, values.join(Challenge, Challenge.id == Pitch.challenge_id)
                         .where(*conditions), include_defaults=False)
            .returning(Comment.id))


@cache
def _posting_facts(is_admin: bool, replying: bool):
    """Why a comment on the pitch bound as `pitch_id` was refused, in one SELECT built once
    per shape: the pitch's and its challenge's status, whether the user bound as `user_id`
    may see it, and, for a reply, the comment replied to."""
    user_id = bindparam("user_id")
    columns = [Pitch.challenge_id, Pitch.status, Challenge.status.label("challenge_status"),
               challenge_policy.visible_to_user_id(user_id).label("visible")]
    statement = select(*columns).join(Challenge, Challenge.id == Pitch.challenge_id)
    if replying:
        parent = aliased(Comment)
        statement = (statement.add_columns(parent.pitch_id.label("parent_pitch_id"),
                                           parent.deleted_at.label("parent_deleted_at"))
                     .outerjoin(parent, and_(parent.id == bindparam("parent_id"),
                                             parent.pitch_id == Pitch.id)))
    return statement.where(Pitch.id == bindparam("pitch_id"))


def _refuse(run, user, pitch_id: int, parent_id: int | None) -> None:
    """Raise what refused the comment: 404, 409 or 422, checked in that order."""
    facts = run(_posting_facts(bool(user.is_admin), parent_id is not None),
                {"pitch_id": pitch_id, "user_id": user.id, "parent_id": parent_id}).first()
    if facts is None or not facts.visible:
        raise NotFound("No such pitch.")
    _refuse_closed(facts.status, facts.challenge_status)
    if parent_id is not None:
        _refuse_parent(facts.parent_pitch_id, facts.parent_deleted_at is not None, pitch_id)
    # Unreachable while every writer of these facts takes the challenge's lock first.
    raise Conflict("The pitch changed while the comment was posted; try again.")


def post(user, pitch_id: int, fields: dict) -> dict:
    """Comment on a pitch, or reply to one of its comments; counts follow. The challenge's
    comment count is moved first, which locks it (the lock order: challenge, then
    comments): every writer of its comments takes that lock, so the conditions the insert
    checks after it stay true until commit. Four statements with the sign-in, a reply five."""
    # Nothing is pending in the session: the statements run on its connection directly.
    run = rows.run
    parent_id = fields.get("parent_id")
    counted = run(_count_on_challenge_statement(bool(user.is_admin)),
                  {"pitch_id": pitch_id, "user_id": user.id}).first()
    if counted is None:
        raise NotFound("No such pitch.")
    moderator = counted.moderator
    now = utcnow()
    written = {"pitch_id": pitch_id, "author_id": user.id, "parent_id": parent_id,
               "body": fields["body"], "status": "visible", "reply_count": 0, "flag_count": 0,
               "created_at": now, "edited_at": None, "deleted_at": None, "moderated_at": None}
    comment_id = run(_insert_statement(parent_id is not None), written).scalar()
    if comment_id is None:
        _refuse(run, user, pitch_id, parent_id)
    if parent_id is not None:
        run(_count_replies_statement(), {"comment_id": parent_id, "delta": 1})
    run(_count_shown_statements()[1], {"pitch_id": pitch_id, "delta": 1})
    # The author is read before commit expires them; the answer is made after it, so the
    # challenge's lock (and on SQLite the database's write lock) is held no longer than
    # the writes need. What was written is what the caller sees: nothing is read back.
    author = SimpleNamespace(id=user.id, display_name=user.display_name)
    posted = SimpleNamespace(id=comment_id, **written, author=author)
    # Judged before commit expires the author too; the insert took it: the discussion is
    # open. Nobody has flagged a comment not yet shown to anyone.
    can = policy.hints(user, posted, discussion_open=True, moderator=bool(moderator),
                       flagged_by_me=False)
    db.session.commit()
    speaker = Speaker(roles_of(bool(counted.officer), bool(counted.supplier),
                               bool(counted.panel)))
    return present(posted, moderator=bool(moderator), can=can, speaker=speaker)


def edit(user, comment_id: int, body: str) -> dict:
    """The author rewrites a comment that is neither deleted nor hidden."""
    comment = _get_locked(comment_id, user)
    if not policy.may_edit(user, comment):
        raise NotAllowed("Only the author of a comment may edit it.")
    if not policy.is_live(comment):
        raise Conflict("This comment was deleted.")
    if comment.status == "hidden":
        raise Conflict("This comment was hidden by a moderator; it cannot be edited.")
    _check_open_for_comments(comment.pitch)
    comment.body = body
    comment.edited_at = utcnow()
    db.session.commit()
    return _as_seen_by(user, comment)


def delete(user, comment_id: int) -> None:
    """The author (or an admin) deletes a comment; one with replies keeps its place."""
    comment = _get_locked(comment_id, user)
    if not policy.may_delete(user, comment):
        raise NotAllowed("Only the author of a comment, or an admin, may delete it.")
    if not policy.is_live(comment):
        raise Conflict("This comment is already deleted.")
    if _is_shown(comment):
        count_shown(comment.pitch_id, comment.pitch.challenge_id, -1)
    audit.record(user, "comment.deleted", "comment", comment.id, pitch_id=comment.pitch_id,
                 challenge_id=comment.pitch.challenge_id,
                 by_author=policy.is_author(user, comment),
                 changes=audit.changes({"deleted": False}, {"deleted": True}))
    if comment.reply_count:
        comment.deleted_at = utcnow()
        comment.body = ""  # the author took their words back; keep none of them
    else:
        _remove(comment)
    db.session.commit()


def _remove(comment: Comment) -> None:
    """Delete a comment without replies, then each deleted ancestor it leaves without any."""
    while comment is not None:
        parent_id = comment.parent_id
        # Flags are deleted here rather than left to ON DELETE CASCADE, which SQLite
        # honours only when its foreign keys are switched on.
        db.session.execute(sql_delete(CommentFlag).where(CommentFlag.comment_id == comment.id))
        db.session.delete(comment)
        db.session.flush()
        if parent_id is None:
            return
        _count_replies(parent_id, -1)
        parent = rows.lock(Comment, parent_id)
        orphaned = parent is not None and parent.deleted_at is not None
        comment = parent if orphaned and parent.reply_count == 0 else None


def flag(user, comment_id: int, reason: str) -> CommentFlag:
    """Anyone signed in but the author flags a comment, once."""
    comment = _get_locked(comment_id, user)
    if not policy.may_flag(user, comment):
        raise NotAllowed("You cannot flag your own comment.")
    if not policy.is_live(comment):
        raise Conflict("This comment was deleted.")
    # The unique constraint decides who flagged first; no check-then-insert race.
    flag_id = db.session.execute(
        rows.upsert(CommentFlag).values(comment_id=comment.id, user_id=user.id, reason=reason,
                                   created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["comment_id", "user_id"])
        .returning(CommentFlag.id)).scalar_one_or_none()
    if flag_id is None:
        db.session.rollback()
        raise Conflict("You have already flagged this comment.")
    db.session.execute(update(Comment).where(Comment.id == comment.id)
                       .values(flag_count=Comment.flag_count + 1),
                       execution_options={"synchronize_session": False})
    db.session.commit()
    return db.session.get(CommentFlag, flag_id)


MODERATION = {"hide": ("visible", "hidden", -1), "restore": ("hidden", "visible", 1)}


def moderate(user, comment_id: int, action: str) -> dict:
    """An officer of the owning council, or an admin, hides or restores a comment."""
    comment = _get_locked(comment_id, user)
    if not policy.may_moderate(user, comment.pitch):
        raise NotAllowed("Only officers of the challenge's council, and admins, moderate "
                         "its comments.")
    before, after, delta = MODERATION[action]
    if not policy.is_live(comment):
        raise Conflict("This comment was deleted; there is nothing to moderate.")
    if comment.status != before:
        raise Conflict(f"This comment is already {comment.status}.")
    comment.status = after
    comment.moderated_at = utcnow()
    count_shown(comment.pitch_id, comment.pitch.challenge_id, delta)
    audit.record(user, f"comment.{'hidden' if action == 'hide' else 'restored'}", "comment",
                 comment.id, pitch_id=comment.pitch_id, challenge_id=comment.pitch.challenge_id,
                 changes=audit.changes({"status": before}, {"status": after}))
    db.session.commit()
    return _as_seen_by(user, comment)
