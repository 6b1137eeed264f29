"""The wire format of people, sign-in and API tokens."""
from marshmallow import Schema, fields, validate

from exchange.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from exchange.http.schemas import StrictBoolean, Summary, Text, UtcDateTime

PASSWORD_RULES = (f"{MIN_LENGTH} to {MAX_LENGTH} characters, not on a list of common or "
                  "breached passwords, and not the email address (or the part before the @) "
                  "or the display name, whatever the case. No other rules.")


def _new_password(**kwargs):
    return fields.String(required=True, load_only=True,
                         validate=validate.Length(min=MIN_LENGTH, max=MAX_LENGTH),
                         metadata={"description": PASSWORD_RULES}, **kwargs)


class RegisterIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = _new_password()
    display_name = Text(80, required=True)


class LoginIn(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=128), load_only=True)
    remember = StrictBoolean(load_default=False)


class PasswordChangeIn(Schema):
    current_password = fields.String(required=True, load_only=True,
                                     validate=validate.Length(max=MAX_LENGTH))
    new_password = _new_password()
    revoke_tokens = StrictBoolean(load_default=False, metadata={
        "description": "Also revoke every API token of the account, including the one "
                       "making this request."})


class MembershipOut(Schema):
    organisation_id = fields.Integer(required=True)
    organisation_name = fields.String(required=True, attribute="organisation.name")
    kind = fields.String(required=True, attribute="organisation.kind")
    organisation_status = fields.String(required=True, attribute="organisation.status")
    role = fields.String(required=True)


class UserOut(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)


class MeOut(UserOut):
    memberships = fields.List(fields.Nested(MembershipOut), required=True)


class PanelSeatOut(Schema):
    """A challenge whose panel the person sits on."""

    challenge_id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    council = fields.Nested(Summary, required=True)


class MeDetailOut(MeOut):
    """The caller as GET /auth/me shows them. The sections below are read by the domains
    that own them (voting's panels, organisations' invitations), named here, not imported:
    accounts is the lowest domain."""

    panels = fields.List(fields.Nested(PanelSeatOut), required=True, metadata={
        "description": "Challenges whose panel the caller sits on, as an officer of the "
                       "owning council or an invited expert; oldest first."})
    invitations = fields.List(fields.Nested("InvitationOut"), required=True, metadata={
        "description": "Invitations awaiting the caller's answer, oldest first, as "
                       "GET /auth/me/invitations?status=pending shows them."})


class TokenIn(Schema):
    name = Text(80, required=True)


class TokenOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={
        "description": "The token's first characters, to tell tokens apart."})
    created_at = UtcDateTime(required=True)


class NewTokenOut(TokenOut):
    token = fields.String(required=True, metadata={
        "description": "The secret itself: shown this once, stored only as a hash."})


class CsrfOut(Schema):
    csrf_token = fields.String(required=True)
