"""Endpoints for a person's rights over their data: a copy of it, and erasure."""
from flask_login import logout_user

from exchange.accounts.routes import AUTH_LIMIT
from exchange.extensions import limiter
from exchange.http.auth import signed_in_user
from exchange.http.openapi import ExchangeBlueprint
from exchange.privacy import schemas, service

blp = ExchangeBlueprint("privacy", __name__,
                        description="Personal data: export everything, erase the account")

# Erasing asks for the password: a stolen token must not be a way to guess it faster than
# signing in allows, so it shares sign-in's limit.

@blp.get("/auth/me/export")
@blp.signed_in
@blp.response(200, schemas.ExportOut)
def export():
    """One document with everything the caller made here or that is about them."""
    return service.export(signed_in_user())


@blp.delete("/auth/me")
@blp.signed_in
@limiter.limit(AUTH_LIMIT)
@blp.arguments(schemas.ErasureIn)
@blp.response(204)
@blp.problems(403, 409, 429)
def erase(body):
    """Erase the caller's account, confirmed by its password (403 when wrong).

    Their ratings leave the live tallies (published shortlists keep their snapshot); their
    comments stay in their threads with no text and no author; tokens and sessions end;
    memberships end, but an organisation's last owner must hand it over first (409, nothing
    changed). The same email may register again afterwards, as a new person.
    """
    service.erase(signed_in_user(), body["password"])
    logout_user()
