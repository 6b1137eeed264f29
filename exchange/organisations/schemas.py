"""The wire format of organisations and their members."""
from marshmallow import Schema, fields, validate

from exchange.http.pagination import PageArgs
from exchange.http.schemas import HttpUrl, Summary, Text, UserRef, UtcDateTime
from exchange.organisations.models import INVITATION_STATUSES, KINDS, ROLES, STATUSES


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


class InvitationSentOut(Schema):
    """What the inviter learns: the invitation, never whether the email has an account."""

    id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    email = fields.String(required=True, metadata={"description": "Lower-cased."})
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    status = fields.String(required=True, validate=validate.OneOf(INVITATION_STATUSES))
    created_at = UtcDateTime(required=True)


class InvitationOut(Schema):
    """An invitation as the person invited sees it."""

    id = fields.Integer(required=True)
    organisation = fields.Nested(Summary, required=True)
    kind = fields.String(required=True, attribute="organisation.kind",
                         validate=validate.OneOf(KINDS))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    status = fields.String(required=True, validate=validate.OneOf(INVITATION_STATUSES),
                           metadata={"description": "`pending` until accepted or declined; "
                                                    "`withdrawn` when a newer invitation "
                                                    "replaced it."})
    invited_by = fields.Nested(UserRef, required=True, allow_none=True, metadata={
        "description": "Null when the inviter's account is gone."})
    created_at = UtcDateTime(required=True)
    responded_at = UtcDateTime(required=True, allow_none=True)


class InvitationListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(INVITATION_STATUSES))


class MembershipPeriodOut(Schema):
    """One stretch of membership of an organisation."""

    organisation = fields.Nested(Summary, required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    joined_at = UtcDateTime(required=True)
    left_at = UtcDateTime(required=True, allow_none=True, metadata={
        "description": "Null while the membership lasts."})
