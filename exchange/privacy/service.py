"""Personal data rights: a copy of everything about a person, and erasing their account.

This domain reads and changes several others (accounts, organisations, voting,
discussion), so it sits above them all; none of them imports it.
"""
from sqlalchemy import delete, select, update

from exchange import audit, rows
from exchange.accounts.models import ApiToken, User
from exchange.accounts.service import check_password, normalise_email
from exchange.challenges.models import Challenge
from exchange.clock import utcnow
from exchange.discussion import service as discussion
from exchange.discussion.models import Comment, CommentFlag
from exchange.errors import NotAllowed
from exchange.extensions import db
from exchange.organisations import service as organisations
from exchange.organisations.models import Invitation, MembershipPeriod
from exchange.pitches.models import Pitch
from exchange.voting import tallies
from exchange.voting.models import Rating


def _all(statement) -> list:
    return list(db.session.scalars(statement))


def export(user: User) -> dict:
    """Everything the person made here, or that is about them, in one document."""
    return {
        "exported_at": utcnow(),
        "account": user,
        "memberships": sorted(user.memberships, key=lambda m: m.organisation_id),
        "membership_history": _all(select(MembershipPeriod)
                                   .where(MembershipPeriod.user_id == user.id)
                                   .order_by(MembershipPeriod.id)),
        "invitations": _all(organisations.invitations_of(user, None).order_by(Invitation.id)),
        "ratings": _all(select(Rating).where(Rating.user_id == user.id)
                        .order_by(Rating.pitch_id)),
        "comments": [_own_comment(c) for c in _all(
            select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))],
        "flags": _all(select(CommentFlag).where(CommentFlag.user_id == user.id)
                      .order_by(CommentFlag.id)),
        "tokens": _all(select(ApiToken).where(ApiToken.user_id == user.id)
                       .order_by(ApiToken.id)),
    }


def _own_comment(comment: Comment) -> dict:
    return {"id": comment.id, "pitch_id": comment.pitch_id, "parent_id": comment.parent_id,
            "body": comment.body, "status": comment.status,
            "deleted": comment.deleted_at is not None, "created_at": comment.created_at,
            "edited_at": comment.edited_at}


def erase(user: User, password: str) -> None:
    """Erase the account, all in one transaction; NotAllowed (403) on a wrong password,
    Conflict (409), with nothing changed, while they are an organisation's last owner."""
    if not check_password(user, password):
        raise NotAllowed("The password is wrong; the account was not erased.",
                         {"password": ["Wrong password."]})
    user_id = user.id
    # Organisations first (their rows are never locked after a challenge's), and the
    # last-owner refusal comes before any other change.
    memberships = organisations.end_memberships(user)
    ratings, comments, flags = _rated_commented_flagged(user_id)
    _lock_in_order(ratings, comments, flags)
    _withdraw_ratings(user_id, ratings)
    _anonymise_comments(comments)
    _withdraw_flags(flags)
    db.session.execute(delete(Invitation).where(
        Invitation.email == normalise_email(user.email)))
    # Tokens, sessions, panel seats and what is left of the person's rows go with the
    # account (ON DELETE CASCADE); what others keep (audit events, challenges, pitches,
    # shortlists) loses only the link to them (ON DELETE SET NULL).
    audit.record(None, "account.erased", "user", user_id, memberships_ended=memberships,
                 ratings_removed=len(ratings), comments_anonymised=len(comments),
                 flags_removed=len(flags))
    db.session.delete(user)
    db.session.commit()


def _rated_commented_flagged(user_id: int) -> tuple[list, list, list]:
    """The person's ratings (with their pitch's challenge), comments and flags."""
    ratings = db.session.execute(
        select(Rating.id, Rating.pitch_id, Pitch.challenge_id,
               Pitch.status.label("pitch_status"), Rating.is_panel, Rating.stars,
               Rating.excluded_reason)
        .join(Pitch, Pitch.id == Rating.pitch_id).where(Rating.user_id == user_id)
        .order_by(Pitch.challenge_id, Rating.pitch_id)).all()
    comments = db.session.execute(
        select(Comment.id, Comment.pitch_id, Pitch.challenge_id)
        .join(Pitch, Pitch.id == Comment.pitch_id).where(Comment.author_id == user_id)
        .order_by(Comment.id)).all()
    flags = db.session.execute(
        select(CommentFlag.id, CommentFlag.comment_id, Pitch.challenge_id)
        .join(Comment, Comment.id == CommentFlag.comment_id)
        .join(Pitch, Pitch.id == Comment.pitch_id).where(CommentFlag.user_id == user_id)
        .order_by(CommentFlag.comment_id)).all()
    return ratings, comments, flags


def _lock_in_order(ratings, comments, flags) -> None:
    """Lock every row to change in the order every write follows (exchange/rows.py):
    challenges, then their tallies (where the person rated), then comments, each by
    ascending id."""
    for challenge_id in sorted({row.challenge_id for row in (*ratings, *comments, *flags)}):
        rows.lock(Challenge, challenge_id)
    for challenge_id in sorted({row.challenge_id for row in ratings}):
        tallies.lock_challenge(challenge_id)
    for comment_id in sorted({row.id for row in comments} | {row.comment_id for row in flags}):
        rows.lock(Comment, comment_id)


def _withdraw_ratings(user_id: int, ratings) -> None:
    """Take each rating out of its pitch's and challenge's tallies (or, when it was
    excluded, out of its excluded tally), then delete it. Published shortlists keep their
    frozen snapshot."""
    if ratings:
        tallies.remove_ratings(user_id, ratings)


def _anonymise_comments(comments) -> None:
    """Keep each comment's place in its thread, as from a deleted person with no text;
    the shown-comment counts lose the ones that were shown."""
    now = utcnow()
    for row in comments:
        comment = db.session.get(Comment, row.id)
        if comment.deleted_at is None and comment.status == "visible":
            discussion.count_shown(row.pitch_id, row.challenge_id, -1)
        comment.deleted_at = comment.deleted_at or now
        comment.body = ""
        comment.author_id = None


def _withdraw_flags(flags) -> None:
    """Delete the person's flags (their words), and take them off each comment's count."""
    for flag in flags:
        db.session.execute(update(Comment).where(Comment.id == flag.comment_id)
                           .values(flag_count=Comment.flag_count - 1),
                           execution_options={"synchronize_session": False})
    db.session.execute(delete(CommentFlag).where(CommentFlag.id.in_([f.id for f in flags])),
                       execution_options={"synchronize_session": False})
