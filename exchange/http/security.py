"""Cross-origin access (flask-cors) and forgery protection for cookie sign-in (Flask-WTF)."""
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
        # A bearer token cannot be sent by a foreign page, so only cookie writes need a token.
        if request.method in SAFE_METHODS or g.get("signed_in_by_token"):
            return
        if current_user.is_authenticated:
            csrf.protect()

    @app.errorhandler(CSRFError)
    def csrf_refused(exc: CSRFError):
        return problem(403, "Cross-site request refused",
                       f"{exc.description} Send the token from GET /api/v1/auth/csrf in the "
                       f"{CSRF_HEADER} header with every cookie-signed write.", "csrf")
