"""The whole audit trail, for admins (a challenge's own trail is under /challenges)."""
from exchange.audit import schemas, service
from exchange.http.auth import signed_in_user
from exchange.http.openapi import ExchangeBlueprint
from exchange.http.pagination import envelope, link_header, page_of

blp = ExchangeBlueprint("audit", __name__, description="The audit trail")


@blp.get("/audit")
@blp.signed_in
@blp.arguments(schemas.AuditListArgs, location="query")
@blp.response(200, page_of(schemas.AuditEventOut))
@blp.problems(403)
def list_audit_events(args):
    """Every recorded change, newest first (admins); filter by subject or actor."""
    page = service.everything(signed_in_user(), subject_type=args.get("subject_type"),
                              subject_id=args.get("subject_id"),
                              actor_id=args.get("actor_id"),
                              limit=args["limit"], cursor=args["cursor"])
    return envelope(page), link_header(page)
