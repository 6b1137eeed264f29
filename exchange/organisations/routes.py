"""Endpoints for councils, suppliers and their members."""
from exchange.http import limits
from exchange.http.auth import signed_in_user
from exchange.http.openapi import ExchangeBlueprint
from exchange.http.pagination import SortKey, envelope, link_header, page_of, paginate
from exchange.organisations import schemas, service
from exchange.organisations.models import Invitation, Organisation

blp = ExchangeBlueprint("organisations", __name__,
                        description="Councils and suppliers, verification, membership")


@blp.post("/organisations")
@blp.signed_in
@blp.arguments(schemas.OrganisationIn)
@blp.response(201, schemas.OrganisationDetailOut)
@blp.problems(403)
def create_organisation(body):
    """Register a council (pending until an admin verifies it) or a supplier (active)."""
    return service.create(signed_in_user(), **body)


@blp.get("/organisations")
@blp.arguments(schemas.OrganisationListArgs, location="query")
@blp.response(200, page_of(schemas.OrganisationOut))
def list_organisations(args):
    """Organisations, oldest first; filter by `kind`, `status` or a name fragment `q`."""
    statement = service.listing(args.get("kind"), args.get("status"), args.get("q"))
    keys = [SortKey(Organisation.id, False, lambda o: o.id)]
    page = paginate(statement, keys, args["limit"], args["cursor"])
    return envelope(page), link_header(page)


@blp.get("/organisations/<int:organisation_id>")
@blp.response(200, schemas.OrganisationDetailOut)
@blp.problems(404)
def get_organisation(organisation_id):
    """One organisation and its members."""
    return service.with_members(organisation_id)


@blp.post("/organisations/<int:organisation_id>/verify")
@blp.signed_in
@blp.response(200, schemas.OrganisationDetailOut)
@blp.problems(403, 404, 409)
def verify_organisation(organisation_id):
    """Verify a pending council (admins only); only verified councils publish challenges."""
    return service.verify(signed_in_user(), organisation_id)


@blp.post("/organisations/<int:organisation_id>/members")
@blp.signed_in
@limits.per_account_and_network("invitations")
@blp.arguments(schemas.MemberIn)
@blp.response(202, schemas.InvitationSentOut)
@blp.problems(403, 404, 429)
def invite_member(body, organisation_id):
    """Invite someone by email, as `owner` or `member` (owners only).

    They join only by accepting it (see /auth/me/invitations). The answer is the same
    whether or not the email has an account, or already belongs; a pending invitation to
    the same email is withdrawn in favour of the new one.
    """
    return service.invite(signed_in_user(), organisation_id, body["email"], body["role"])


@blp.delete("/organisations/<int:organisation_id>/members/<int:user_id>")
@blp.signed_in
@blp.response(204)
@blp.problems(403, 404, 409)
def remove_member(organisation_id, user_id):
    """Remove a member (owners), or leave (the member themself); the last owner stays."""
    service.remove_member(signed_in_user(), organisation_id, user_id)


@blp.get("/auth/me/invitations")
@blp.signed_in
@blp.arguments(schemas.InvitationListArgs, location="query")
@blp.response(200, page_of(schemas.InvitationOut))
def my_invitations(args):
    """Invitations to the caller's email, oldest first; filter by `status`."""
    keys = [SortKey(Invitation.id, False, lambda i: i.id)]
    page = paginate(service.invitations_of(signed_in_user(), args.get("status")), keys,
                    args["limit"], args["cursor"])
    return envelope(page), link_header(page)


@blp.post("/auth/me/invitations/<int:invitation_id>/accept")
@blp.signed_in
@blp.response(200, schemas.InvitationOut)
@blp.problems(404, 409)
def accept_invitation(invitation_id):
    """Accept an invitation: the caller becomes a member.

    409 when it was already accepted, declined or withdrawn, or when the caller already
    belongs to the organisation (the invitation then stays pending: decline it).
    Someone else's invitation is 404.
    """
    return service.accept(signed_in_user(), invitation_id)


@blp.post("/auth/me/invitations/<int:invitation_id>/decline")
@blp.signed_in
@blp.response(200, schemas.InvitationOut)
@blp.problems(404, 409)
def decline_invitation(invitation_id):
    """Decline an invitation; 409 when it was already answered or withdrawn."""
    return service.decline(signed_in_user(), invitation_id)
