"""Accounts: registering, signing in and out, passwords, and API tokens."""
import hashlib
import secrets
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from exchange import audit, events
from exchange.accounts.models import ApiToken, User, UserSession
from exchange.accounts.passwords import password_problems  # re-exported: the password rule
from exchange.clock import utcnow
from exchange.errors import Conflict, Invalid, NotFound, NotSignedIn
from exchange.extensions import db

TOKEN_PREFIX = "oix_"
# Keys are secrets.token_urlsafe(32): 43 characters. Anything much longer is not ours.
_MAX_SESSION_KEY = 100
# One decoy per hashing method, made on first use (see decoy_hash).
_decoy_hashes: dict[str, str] = {}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def decoy_hash() -> str:
    """A hash made with the method and cost of stored ones, checked when the email is
    unknown, so an unknown email and a wrong password take the same time."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _decoy_hashes:
        _decoy_hashes[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _decoy_hashes[method]


def _refuse_weak(field: str, password: str, email: str, display_name: str) -> None:
    problems = password_problems(password, email, display_name)
    if problems:
        raise Invalid(f"Invalid value for: {field}.", {field: problems})


def register(email: str, password: str, display_name: str, *, is_admin: bool = False) -> User:
    """Create a person (a public rater); 422 for a refused password, 409 when the email is
    taken in any case."""
    email = normalise_email(email)
    _refuse_weak("password", password, email, display_name)
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


def me(user: User) -> dict:
    """The caller with their memberships, and the sections higher domains add to it (the
    panels they sit on, their pending invitations: see events.me_sections)."""
    answer = {"id": user.id, "email": user.email, "display_name": user.display_name,
              "is_admin": user.is_admin, "created_at": user.created_at,
              "memberships": user.memberships}
    for _receiver, sections in events.me_sections.send(None, user=user):
        answer |= sections
    return answer


def check_password(user: User, password: str) -> bool:
    """Whether `password` is the person's current password."""
    return check_password_hash(user.password_hash, password)


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or NotSignedIn (401) without saying which was wrong."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(decoy_hash(), password)
        raise NotSignedIn("Wrong email or password.")
    if not check_password(user, password):
        raise NotSignedIn("Wrong email or password.")
    return user


def sign_in(email: str, password: str, *, remember: bool, replacing: User | None) -> User:
    """Authenticate and start a new cookie session, ending the one this browser had."""
    user = authenticate(email, password)
    end_session(replacing)
    start_session(user, remember=remember)
    return user


def start_session(user: User, *, remember: bool) -> UserSession:
    """A new session whose key the cookies will carry (see User.get_id)."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    session = UserSession(user_id=user.id, key_hash=_digest(key), remember=remember,
                          created_at=now,
                          expires_at=now + current_app.config["REMEMBER_COOKIE_DURATION"])
    db.session.add(session)
    db.session.commit()
    user.session_key, user.signed_in_session = key, session
    return session


def user_for_session(key: str) -> User | None:
    """The person signed in by this live session key (from either cookie), or None."""
    if not isinstance(key, str) or len(key) > _MAX_SESSION_KEY:
        return None
    session = db.session.scalar(
        select(UserSession).options(joinedload(UserSession.user, innerjoin=True))
        .where(UserSession.key_hash == _digest(key), UserSession.ended_at.is_(None),
               UserSession.expires_at > utcnow()))
    if session is None:
        return None
    user = session.user
    user.session_key, user.signed_in_session = key, session
    return user


def end_session(user: User | None) -> None:
    """End the cookie session this request was signed in by (nothing when there is none)."""
    session = getattr(user, "signed_in_session", None)
    if session is None or session.ended_at is not None:
        return
    session.ended_at = utcnow()
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str, *,
                    revoke_tokens: bool = False) -> None:
    """Set a new password and end every other session; 422 when the current password is
    wrong or the new one is refused. API tokens stay unless `revoke_tokens`."""
    errors = {}
    if not check_password(user, current_password):
        errors["current_password"] = ["This is not your current password."]
    problems = password_problems(new_password, user.email, user.display_name)
    if problems:
        errors["new_password"] = problems
    if errors:
        raise Invalid(f"Invalid value for: {', '.join(sorted(errors))}.", errors)
    now = utcnow()
    user.password_hash = hash_password(new_password)
    others = (update(UserSession)
              .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
              .values(ended_at=now).execution_options(synchronize_session=False))
    if user.signed_in_session is not None:
        others = others.where(UserSession.id != user.signed_in_session.id)
    sessions_ended = db.session.execute(others).rowcount
    tokens_revoked = 0
    if revoke_tokens:
        tokens_revoked = db.session.execute(
            update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now).execution_options(synchronize_session=False)).rowcount
    audit.record(user, "password.changed", "user", user.id, sessions_ended=sessions_ended,
                 tokens_revoked=tokens_revoked)
    db.session.commit()


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


@cache
def _token_owner():
    """The owner of the live token whose hash is bound as `token_hash`: one query built
    once. Memberships load when first used, so a request that needs none of them (a
    rating) does not read them."""
    return (select(User).join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("token_hash"),
                   ApiToken.revoked_at.is_(None))
            .options(lazyload(User.memberships)))


def user_for_token(secret: str) -> User | None:
    """The owner of a live token, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return db.session.scalar(_token_owner(), {"token_hash": _digest(secret)})
