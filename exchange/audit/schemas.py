"""The wire format of the audit trail."""
from marshmallow import Schema, fields, validate

from exchange.http.pagination import PageArgs
from exchange.http.schemas import UserRef, UtcDateTime

SUBJECT_TYPES = ("challenge", "comment", "organisation", "pitch", "user")


class AuditEventOut(Schema):
    id = fields.Integer(required=True)
    action = fields.String(required=True, metadata={
        "description": "What was done, `domain.verb`, e.g. `challenge.settings_changed` "
                       "(docs/audit.md lists them all)."})
    actor = fields.Nested(UserRef, required=True, allow_none=True, metadata={
        "description": "Who did it; null for the system, or once their account is erased."})
    subject_type = fields.String(required=True, validate=validate.OneOf(SUBJECT_TYPES))
    subject_id = fields.Integer(required=True)
    challenge_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The challenge the change belongs to, if any."})
    detail = fields.Dict(required=True, metadata={
        "description": "What changed: `changes` maps each changed field to its `before` "
                       "and `after` values; other keys name what the change concerned "
                       "(e.g. `user_id`, `pitch_id`)."})
    created_at = UtcDateTime(required=True)


class AuditListArgs(PageArgs):
    subject_type = fields.String(validate=validate.OneOf(SUBJECT_TYPES))
    subject_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    actor_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={
        "description": "Only the events of this actor."})
