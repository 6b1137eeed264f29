"""Endpoints for councils, suppliers and their members."""
from exchange.http.auth import signed_in_user
from exchange.http.openapi import ExchangeBlueprint
from exchange.http.pagination import SortKey, envelope, link_header, page_of, paginate
from exchange.organisations import schemas, service
from exchange.organisations.models import Organisation

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
    return service.get(organisation_id)


@blp.post("/organisations/<int:organisation_id>/verify")
@blp.signed_in
@blp.response(200, schemas.OrganisationDetailOut)
@blp.problems(403, 404, 409)
def verify_organisation(organisation_id):
    """Verify a pending council (admins only); only verified councils publish challenges."""
    return service.verify(signed_in_user(), organisation_id)


@blp.post("/organisations/<int:organisation_id>/members")
@blp.signed_in
@blp.arguments(schemas.MemberIn)
@blp.response(201, schemas.MemberOut)
@blp.problems(403, 404, 409)
def add_member(body, organisation_id):
    """Add a registered person by email, as `owner` or `member` (owners only)."""
    return service.add_member(signed_in_user(), organisation_id, body["email"], body["role"])


@blp.delete("/organisations/<int:organisation_id>/members/<int:user_id>")
@blp.signed_in
@blp.response(204)
@blp.problems(403, 404, 409)
def remove_member(organisation_id, user_id):
    """Remove a member (owners), or leave (the member themself); the last owner stays."""
    service.remove_member(signed_in_user(), organisation_id, user_id)
