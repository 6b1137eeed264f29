"""The wire format of a person's data export and of erasing an account."""
from marshmallow import Schema, fields, validate

from exchange.accounts.schemas import MembershipOut, TokenOut, UserOut
from exchange.discussion.schemas import FlagOut
from exchange.http.schemas import UtcDateTime
from exchange.organisations.schemas import InvitationOut, MembershipPeriodOut
from exchange.voting.schemas import RatingOut


class OwnCommentOut(Schema):
    """One of the person's own comments, text included even when a moderator hid it."""

    id = fields.Integer(required=True)
    pitch_id = fields.Integer(required=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    body = fields.String(required=True, metadata={
        "description": "Empty once the author deleted the comment."})
    status = fields.String(required=True)
    deleted = fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)
    edited_at = UtcDateTime(required=True, allow_none=True)


class ExportTokenOut(TokenOut):
    """An API token's name and dates; its secret and hash are never shown."""

    revoked_at = UtcDateTime(required=True, allow_none=True)


class ExportOut(Schema):
    """Everything the person made on the exchange, or that is about them."""

    exported_at = UtcDateTime(required=True)
    account = fields.Nested(UserOut, required=True)
    memberships = fields.List(fields.Nested(MembershipOut), required=True, metadata={
        "description": "The organisations the person belongs to now."})
    membership_history = fields.List(fields.Nested(MembershipPeriodOut), required=True,
                                     metadata={"description": "Every stretch of membership, "
                                                              "current and past."})
    invitations = fields.List(fields.Nested(InvitationOut), required=True, metadata={
        "description": "Invitations to the person's email, answered or not."})
    ratings = fields.List(fields.Nested(RatingOut), required=True)
    comments = fields.List(fields.Nested(OwnCommentOut), required=True)
    flags = fields.List(fields.Nested(FlagOut), required=True, metadata={
        "description": "Flags the person raised on comments."})
    tokens = fields.List(fields.Nested(ExportTokenOut), required=True, metadata={
        "description": "API tokens, live and revoked: names and dates only."})


class ErasureIn(Schema):
    password = fields.String(required=True, validate=validate.Length(max=128), load_only=True,
                             metadata={"description": "The account's current password."})
