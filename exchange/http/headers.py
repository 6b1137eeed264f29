"""Headers every response carries: browser hardening, and who may cache an answer.

Hardening, on every response:
- `X-Content-Type-Options: nosniff`: a JSON answer is never run as a script or a page;
- `X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`: no page of ours is framed,
  except the rating widget at /embed (exchange.pages.embed), whose own policy lists the
  sites that may frame it; X-Frame-Options cannot list sites, so a page whose policy names
  its framers gets none (browsers obey frame-ancestors over it anyway);
- `Content-Security-Policy`: the API answers JSON, which needs nothing, so the policy
  allows nothing (`default-src 'none'`); the one page, Swagger UI at /docs, sets its own
  narrower-than-usual policy (exchange.http.docs) and keeps it;
- `Referrer-Policy: no-referrer`: addresses under /api/v1 hold ids that are nobody's
  business elsewhere;
- `Strict-Transport-Security` in production only (the PRODUCTION setting): a development
  server on plain HTTP must not teach the browser to refuse it.

Caching, on every answer under /api/v1:
- `Vary: Authorization, Cookie`, always: any route may answer differently when signed in
  (a draft shown to its council, the caller's own rating), so a cache must key on both;
- `Cache-Control: private, no-cache` when the request brought credentials (an
  Authorization header or any cookie: the session holds a sign-in or a CSRF token) or the
  answer sets a cookie. Such an answer is the caller's own: never kept by a shared cache,
  and revalidated before reuse, which the ETag makes a cheap 304
  (exchange.http.conditional), so a rating changed elsewhere is seen at once. Personal
  routes (/auth/me, tokens, the caller's rating) answer only to a caller with credentials,
  so the rule covers them without a list to keep. An answer to a request without
  credentials is the same for every signed-out reader and may be shared.

A small hook rather than flask-talisman: talisman also redirects to HTTPS and rewrites
the session cookie settings, which config.py already owns, and its CSP is per view.
"""
from flask import Flask, request, session
from flask.wrappers import Response

API_PREFIX = "/api/v1"
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = "max-age=31536000; includeSubDomains"


VARY = ("Authorization", "Cookie")
OWN = "private, no-cache"


def _brought_credentials() -> bool:
    return "Authorization" in request.headers or bool(request.cookies)


def _sets_cookie(response: Response) -> bool:
    # The session cookie is written after these hooks run, whenever the session changed.
    return session.modified or "Set-Cookie" in response.headers


def _add_vary(headers) -> None:
    """Vary on the credentials, keeping what a view or extension already varies on."""
    present = headers.get("Vary")
    if not present:
        headers["Vary"] = ", ".join(VARY)
        return
    named = {name.strip().lower() for name in present.split(",")}
    missing = [name for name in VARY if name.lower() not in named]
    if missing:
        headers["Vary"] = ", ".join([present, *missing])


def mark_caching(response: Response) -> None:
    """Vary on the credentials, and keep the caller's own answers out of shared caches.

    Written as plain header strings: werkzeug's `vary` and `cache_control` views parse and
    rewrite the headers on every change, a measurable share of a small answer's time. A
    Cache-Control a view set itself is merged through that view, as before."""
    headers = response.headers
    _add_vary(headers)
    if not (_brought_credentials() or _sets_cookie(response)):
        return
    if "Cache-Control" not in headers:
        headers["Cache-Control"] = OWN
        return
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.no_cache = True


def _names_its_framers(policy: str) -> bool:
    """The policy says who may frame the page: a frame-ancestors directive other than 'none'."""
    for directive in policy.split(";"):
        name, _, sources = directive.strip().partition(" ")
        if name.lower() == "frame-ancestors":
            return sources.strip() != "'none'"
    return False


def harden(response: Response, production: bool) -> None:
    """The browser-facing hardening headers; a policy a view set itself is kept."""
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    policy = headers.setdefault("Content-Security-Policy", API_POLICY)
    if policy == API_POLICY or not _names_its_framers(policy):
        headers["X-Frame-Options"] = "DENY"
    if production:
        headers["Strict-Transport-Security"] = HSTS


def init_headers(app: Flask) -> None:
    production = app.config.get("PRODUCTION", False)

    @app.after_request
    def security_and_caching_headers(response: Response) -> Response:
        harden(response, production)
        if request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/"):
            mark_caching(response)
        return response
