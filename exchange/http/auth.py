"""Sign-in: a Flask-Login session cookie (one server-side session per sign-in), or an
`Authorization: Bearer` API token."""
from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from exchange.errors import NotSignedIn
from exchange.extensions import login_manager


def signed_in_user():
    """The caller, or NotSignedIn (401)."""
    if not current_user.is_authenticated:
        raise NotSignedIn("Sign in, with a session cookie or a bearer token, to do this.")
    return current_user._get_current_object()


def optional_user():
    """The caller when signed in, else None."""
    # A request with neither cookie nor Authorization header signs nobody in; Flask-Login
    # would still hash the client's address and agent (session protection) to say so.
    if not request.cookies and "Authorization" not in request.headers:
        return None
    return current_user._get_current_object() if current_user.is_authenticated else None


class TokenAwareSessionInterface(SecureCookieSessionInterface):
    """A request signed in by token gets no cookie back."""

    def open_session(self, app, request):
        # Without its cookie the session starts empty: no need to build the signer.
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if g.get("signed_in_by_token"):
            return
        super().save_session(app, session, response)


def _sign_in_from_bearer_token() -> None:
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotSignedIn("Use `Authorization: Bearer <token>`.",
                          headers={"WWW-Authenticate": "Bearer"})
    from exchange.accounts.service import user_for_token

    user = user_for_token(token.strip())
    if user is None:
        raise NotSignedIn("This token is unknown or revoked.",
                          headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    # Flask-Login reads the current user from here; the session is never touched.
    g._login_user = user
    g.signed_in_by_token = True


def init_auth(app: Flask) -> None:
    app.session_interface = TokenAwareSessionInterface()
    login_manager.init_app(app)
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_key: str):
        # Both cookies carry a session's key (User.get_id), never the user id: a session
        # ended on the server (logout, password change) signs in neither cookie again.
        from exchange.accounts.service import user_for_session

        return user_for_session(session_key)

    @login_manager.unauthorized_handler
    def unauthorized():
        raise NotSignedIn("Sign in to do this.")

    app.before_request(_sign_in_from_bearer_token)
