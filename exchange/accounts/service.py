"""Accounts: registering, signing in, and API tokens."""
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from exchange.accounts.models import ApiToken, User
from exchange.clock import utcnow
from exchange.extensions import db
from exchange.http.errors import Conflict, NotFound, NotSignedIn

TOKEN_PREFIX = "oix_"
# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-password", method="pbkdf2:sha256:1000")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def register(email: str, password: str, display_name: str, *, is_admin: bool = False) -> User:
    """Create a person (a public rater); 409 when the email is taken in any case."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("An account with this email already exists.",
                       {"email": ["Already registered."]})
    user = User(email=email, password_hash=hash_password(password), display_name=display_name,
                is_admin=is_admin)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # a parallel registration won the race
        db.session.rollback()
        raise Conflict("An account with this email already exists.",
                       {"email": ["Already registered."]}) from None
    return user


def check_password(user: User, password: str) -> bool:
    """Whether `password` is the person's current password."""
    return check_password_hash(user.password_hash, password)


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or NotSignedIn (401) without saying which was wrong."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise NotSignedIn("Wrong email or password.")
    if not check_password(user, password):
        raise NotSignedIn("Wrong email or password.")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token; the secret is returned once and only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(secret),
                     prefix=secret[:12])
    db.session.add(token)
    db.session.commit()
    return token, secret


def list_tokens(user: User):
    """The caller's live tokens as a select statement (for pagination)."""
    return select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))


def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of the caller's tokens; someone else's is 404, as if it did not exist."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("No such token.")
    token.revoked_at = utcnow()
    db.session.commit()


def user_for_token(secret: str) -> User | None:
    """The owner of a live token, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret),
                                                     ApiToken.revoked_at.is_(None)))
    return token.user if token else None
