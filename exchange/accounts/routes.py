"""Endpoints for registering, signing in and API tokens."""
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf

from exchange.accounts import schemas, service
from exchange.accounts.models import ApiToken
from exchange.extensions import limiter
from exchange.http import limits
from exchange.http.auth import optional_user, signed_in_user
from exchange.http.openapi import ExchangeBlueprint
from exchange.http.pagination import PageArgs, SortKey, envelope, link_header, page_of, paginate

blp = ExchangeBlueprint("accounts", __name__, description="Registering, signing in, API tokens")

# Guessing passwords or flooding sign-ups is slowed per client address, and per network
# (exchange/http/limits.py) for someone cycling addresses. Each limit's error_message says
# what there were too many of; the 429 adds when to try again.
AUTH_LIMIT = limits.setting("RATELIMIT_SIGN_IN_PER_ADDRESS")


@blp.post("/auth/register")
@limiter.limit(AUTH_LIMIT, error_message="Too many sign-up attempts")
@limits.per_network("register")
@blp.arguments(schemas.RegisterIn)
@blp.response(201, schemas.UserOut)
@blp.problems(409, 422, 429)
def register(body):
    """Create an account: a public rater who may rate and comment.

    A refused password answers 422, and `errors.password` says why."""
    return service.register(body["email"], body["password"], body["display_name"])


@blp.post("/auth/login")
@limiter.limit(AUTH_LIMIT, error_message="Too many sign-in attempts")
@limits.per_network("sign_in")
@blp.arguments(schemas.LoginIn)
@blp.response(200, schemas.MeOut, headers={"Set-Cookie": {
    "description": "The session cookie (HttpOnly, SameSite=Lax); with `remember`, also a "
                   "remember_token cookie, new at each sign-in, lasting REMEMBER_COOKIE_DAYS "
                   "(30 days by default). Both end at logout and at a password change.",
    "schema": {"type": "string"}}})
@blp.problems(401, 429)
def login(body):
    """Sign in with a session cookie (HttpOnly, SameSite=Lax)."""
    user = service.sign_in(body["email"], body["password"], remember=body["remember"],
                           replacing=optional_user())
    login_user(user, remember=body["remember"])
    return user


@blp.post("/auth/logout")
@blp.response(204)
@blp.problems(403)
def logout():
    """End the cookie session on the server (a no-op when signed out or signed by token).

    Neither its session cookie nor its remember-me cookie signs in again, wherever a copy
    was kept."""
    service.end_session(optional_user())
    logout_user()


@blp.get("/auth/me")
@blp.signed_in
@blp.response(200, schemas.MeDetailOut)
def me():
    """The caller, their organisations, panels and pending invitations.

    `panels`: each challenge whose panel the caller sits on (as an officer of its council,
    or an invited expert); `invitations`: those awaiting an answer, as
    GET /auth/me/invitations shows them."""
    return service.me(signed_in_user())


@blp.put("/auth/me/password")
@blp.signed_in
@limiter.limit(AUTH_LIMIT)
@blp.arguments(schemas.PasswordChangeIn)
@blp.response(204)
@blp.problems(403, 422, 429)
def change_password(body):
    """Change the password and end every other cookie session (the caller's continues).

    API tokens stay unless `revoke_tokens` is true (then all are revoked). A wrong
    `current_password` or a refused `new_password` answers 422, with the reason under that
    field."""
    service.change_password(signed_in_user(), body["current_password"], body["new_password"],
                            revoke_tokens=body["revoke_tokens"])


@blp.get("/auth/csrf")
@blp.response(200, schemas.CsrfOut)
def csrf_token():
    """The token cookie-signed writes send in the X-CSRF-Token header."""
    return {"csrf_token": generate_csrf()}


@blp.post("/auth/tokens")
@blp.signed_in
@limiter.limit(AUTH_LIMIT, error_message="Too many new API tokens")
@limits.per_account_and_network("tokens")
@blp.arguments(schemas.TokenIn)
@blp.response(201, schemas.NewTokenOut)
@blp.problems(403, 429)
def create_token(body):
    """Make an API token for `Authorization: Bearer`; its secret is shown only here."""
    token, secret = service.create_token(signed_in_user(), body["name"])
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "created_at": token.created_at, "token": secret}


@blp.get("/auth/tokens")
@blp.signed_in
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(schemas.TokenOut))
def list_tokens(args):
    """The caller's live tokens (secrets are never shown again)."""
    keys = [SortKey(ApiToken.id, False, lambda t: t.id)]
    page = paginate(service.list_tokens(signed_in_user()), keys, args["limit"], args["cursor"])
    return envelope(page), link_header(page)


@blp.delete("/auth/tokens/<int:token_id>")
@blp.signed_in
@blp.response(204)
@blp.problems(403, 404)
def revoke_token(token_id):
    """Revoke one of the caller's tokens."""
    service.revoke_token(signed_in_user(), token_id)
