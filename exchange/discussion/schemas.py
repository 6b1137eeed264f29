"""The wire format of comments, flags and moderation."""
from marshmallow import Schema, fields, validate

from exchange.http.pagination import PageArgs
from exchange.http.schemas import Plain, StrictInteger, Text, UserRef, UtcDateTime

BODY_MAX = 5000
REASON_MAX = 500
ACTIONS = ("hide", "restore")
STATUSES = ("visible", "hidden")
ROLES = ("officer", "supplier", "panel")
VIEWS = ("thread",)


class CommentPatch(Schema):
    body = Text(BODY_MAX, required=True, metadata={
        "description": "1 to 5000 characters, trimmed; not blank."})


class CommentIn(CommentPatch):
    parent_id = StrictInteger(load_default=None, allow_none=True,
                              validate=validate.Range(min=1, max=2**31 - 1), metadata={
                                  "description": "The comment this one replies to: on the "
                                                 "same pitch and not deleted."})


class CommentCan(Plain):
    edit = fields.Boolean(required=True, metadata={"description": "PATCH would be allowed."})
    delete = fields.Boolean(required=True, metadata={"description": "DELETE would be allowed."})
    flag = fields.Boolean(required=True, metadata={
        "description": "Flagging would be allowed: false once the caller has flagged it (a "
                       "second flag of the same person is 409)."})
    reply = fields.Boolean(required=True, metadata={
        "description": "A reply (POST .../comments with this `parent_id`) would be taken."})
    moderate = fields.Boolean(required=True, metadata={
        "description": "Hiding (when visible) or restoring (when hidden) would be allowed."})


class CommentAuthorOut(Plain, UserRef):
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True, metadata={
        "description": "Whom the author speaks for, as of now: `officer` of the council that "
                       "owns the challenge, `supplier` (a member of the pitch's supplier), "
                       "`panel` (on the challenge's panel); in that order, empty for none."})


class CommentOut(Plain):
    id = fields.Integer(required=True)
    pitch_id = fields.Integer(required=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    author = fields.Nested(CommentAuthorOut, required=True, allow_none=True, metadata={
        "description": "Null when withheld, or when the author's account is gone."})
    flagged_by_me = fields.Boolean(required=True, metadata={
        "description": "Whether the caller flagged it (false when signed out)."})
    replies = fields.List(fields.Nested(lambda: CommentOut()), metadata={
        "description": "With `view=thread` only: every reply to it, oldest first, each with "
                       "its own `replies`."})
    body = fields.String(required=True, allow_none=True, metadata={
        "description": "Null when withheld."})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    deleted = fields.Boolean(required=True, metadata={
        "description": "Deleted by its author (or an admin) but kept for its replies."})
    withheld = fields.Boolean(required=True, metadata={
        "description": "True when `body` and `author` are withheld from the caller: always "
                       "for a deleted comment, and for a hidden one except to moderators."})
    reply_count = fields.Integer(required=True, metadata={
        "description": "Direct replies still in the thread, whatever their status."})
    flag_count = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Flags raised on the comment; shown to moderators only, else null."})
    created_at = UtcDateTime(required=True)
    edited_at = UtcDateTime(required=True, allow_none=True)
    can = fields.Nested(CommentCan, required=True, metadata={
        "description": "What the caller may do to it now, by the rules that decide each "
                       "action (signed out: nothing)."})


class CommentListArgs(PageArgs):
    view = fields.String(validate=validate.OneOf(VIEWS), metadata={
        "description": "`thread`: top-level comments, each with its replies nested; the "
                       "page size and cursor count top-level comments only."})


class FlagIn(Schema):
    reason = Text(REASON_MAX, required=True, metadata={
        "description": "Why the comment should be looked at: 1 to 500 characters."})


class FlagOut(Schema):
    id = fields.Integer(required=True)
    comment_id = fields.Integer(required=True)
    reason = fields.String(required=True)
    created_at = UtcDateTime(required=True)


class ModerationIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS), metadata={
        "description": "`hide` withholds the text from all but moderators; `restore` "
                       "shows it again."})


class FlagReasonOut(Schema):
    reason = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "Flags giving this reason."})


class FlaggedCommentOut(Schema):
    comment = fields.Nested(CommentOut, required=True, metadata={
        "description": "The comment as its moderators see it, text included when hidden."})
    flag_count = fields.Integer(required=True)
    reasons = fields.List(fields.Nested(FlagReasonOut), required=True, metadata={
        "description": "The reasons given, commonest first (at most 20); who flagged is not "
                       "shown."})
    last_flagged_at = UtcDateTime(required=True, allow_none=True)


class FlagQueueArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "Only visible (still to judge) or hidden comments."})
