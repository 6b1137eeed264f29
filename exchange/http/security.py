"""Cross-origin access (flask-cors) and forgery protection for cookie sign-in.

A write signed by a session cookie must pass two checks: its `Origin`, when the browser
sends one (every current browser does on a write), is the API's own or one listed in
CORS_ORIGINS; and it carries the CSRF token (Flask-WTF) in X-CSRF-Token. The token alone
would let a page elsewhere write once it had one (from a leak, or a page of ours that
shows it); Flask-WTF checks the Referer only on HTTPS. A bearer token cannot be sent by a
foreign page, so token-signed writes need neither check.

The API's own origin is the scheme and host of the request as the app sees it: behind a
proxy that ends TLS, the proxy's forwarded headers must be trusted (werkzeug's ProxyFix),
or the origin listed in CORS_ORIGINS.
"""
from flask import Flask, g, request
from flask_cors import CORS
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from exchange.http.errors import problem

csrf = CSRFProtect()
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_HEADER = "X-CSRF-Token"


def init_security(app: Flask) -> None:
    origins = app.config["CORS_ORIGINS"]
    # Credentials are allowed only for the listed origins; no list means no cross-origin use.
    CORS(app, resources={r"/api/*": {"origins": origins or []}}, supports_credentials=True,
         expose_headers=["Link", "ETag", "Retry-After", "Location"],
         allow_headers=["Content-Type", "Authorization", "If-Match", "If-None-Match",
                        CSRF_HEADER])

    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_HEADERS", [CSRF_HEADER])
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)

    @app.before_request
    def protect_cookie_writes():
        if request.method in SAFE_METHODS or g.get("signed_in_by_token"):
            return
        if current_user.is_authenticated:
            origin = request.headers.get("Origin")
            if origin is not None and not _is_trusted(origin, origins):
                return problem(403, "Cross-site request refused",
                               f"Writes signed by a session cookie are accepted only from "
                               f"this API's own origin or the origins it lists for CORS; "
                               f"{origin} is neither.", "foreign-origin")
            csrf.protect()

    @app.errorhandler(CSRFError)
    def csrf_refused(exc: CSRFError):
        return problem(403, "Cross-site request refused",
                       f"{exc.description} Send the token from GET /api/v1/auth/csrf in the "
                       f"{CSRF_HEADER} header with every cookie-signed write.", "csrf")


def _is_trusted(origin: str, cors_origins: list[str]) -> bool:
    """The API's own origin, or one listed in CORS_ORIGINS (ASCII case aside)."""
    trusted = {request.host_url.rstrip("/"), *cors_origins}
    return origin.lower() in {o.lower() for o in trusted}
