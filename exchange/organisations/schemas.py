"""The wire format of organisations and their members."""
from marshmallow import Schema, fields, validate

from exchange.http.pagination import PageArgs
from exchange.http.schemas import HttpUrl, Text, UtcDateTime
from exchange.organisations.models import KINDS, ROLES, STATUSES


class OrganisationIn(Schema):
    name = Text(120, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    description = Text(2000, blank=True, load_default="")
    website = HttpUrl(load_default=None, allow_none=True)


class MemberOut(Schema):
    user_id = fields.Integer(required=True)
    display_name = fields.String(required=True, attribute="user.display_name")
    role = fields.String(required=True)
    joined_at = UtcDateTime(required=True, attribute="created_at")


class OrganisationOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES),
                           metadata={"description": "Councils are `pending` until an admin "
                                                    "verifies them; suppliers are `active`."})
    description = fields.String(required=True)
    website = fields.String(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)
    verified_at = UtcDateTime(required=True, allow_none=True)


class OrganisationDetailOut(OrganisationOut):
    members = fields.List(fields.Nested(MemberOut), required=True, attribute="memberships")


class OrganisationListArgs(PageArgs):
    kind = fields.String(validate=validate.OneOf(KINDS))
    status = fields.String(validate=validate.OneOf(STATUSES))
    q = fields.String(validate=validate.Length(min=1, max=100))


class MemberIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = fields.String(load_default="member", validate=validate.OneOf(ROLES))
