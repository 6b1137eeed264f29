"""Cookie sessions live on the server: logout, a new sign-in and a password change end them,
whatever copies of the cookies a browser (or a thief) kept."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from exchange.accounts.models import ApiToken, User, UserSession
from exchange.audit import AuditEvent
from exchange.extensions import db
from exchange.http import examples
from tests.factories import API, Client, ok

EMAIL, PASSWORD, NEW_PASSWORD = "cookie@example.org", "password-1", "a new passphrase"
SESSION, REMEMBER = "session", "remember_token"


def _register(app, email=EMAIL, password=PASSWORD):
    ok(app.test_client().post(f"{API}/auth/register", json={
        "email": email, "password": password, "display_name": "Cookie"}), 201)


def _sign_in(app, remember=False, password=PASSWORD):
    """A browser signed in by cookie, and its CSRF token for writes."""
    browser = app.test_client()
    ok(browser.post(f"{API}/auth/login", json={"email": EMAIL, "password": password,
                                               "remember": remember}))
    csrf = ok(browser.get(f"{API}/auth/csrf"))["csrf_token"]
    return browser, csrf


def _cookie(browser, name):
    cookie = browser.get_cookie(name)
    return None if cookie is None else cookie.value


def _replay(app, **cookies):
    """GET /auth/me from a fresh client that has only these cookies."""
    stranger = app.test_client()
    for name, value in cookies.items():
        stranger.set_cookie(name, value)
    return stranger.get(f"{API}/auth/me")


def _live_sessions(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(UserSession).where(
            UserSession.ended_at.is_(None))).all())


def test_logout_ends_the_old_session_cookie_on_the_server(app):
    _register(app)
    browser, csrf = _sign_in(app)
    old = _cookie(browser, SESSION)
    assert _replay(app, session=old).status_code == 200
    assert browser.post(f"{API}/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    refused = _replay(app, session=old)
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert _live_sessions(app) == 0


def test_logout_ends_the_old_remember_me_cookie(app):
    _register(app)
    browser, csrf = _sign_in(app, remember=True)
    old_session, old_remember = _cookie(browser, SESSION), _cookie(browser, REMEMBER)
    assert old_remember
    assert _replay(app, remember_token=old_remember).status_code == 200
    assert browser.post(f"{API}/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert _replay(app, remember_token=old_remember).status_code == 401
    assert _replay(app, session=old_session).status_code == 401
    assert _replay(app, session=old_session, remember_token=old_remember).status_code == 401


def test_logout_without_csrf_token_is_refused_and_the_session_lives_on(app):
    _register(app)
    browser, _ = _sign_in(app, remember=True)
    refused = browser.post(f"{API}/auth/logout")
    assert refused.status_code == 403
    assert _live_sessions(app) == 1
    assert ok(browser.get(f"{API}/auth/me"))["email"] == EMAIL


def test_each_sign_in_gets_its_own_remember_me_cookie(app):
    _register(app)
    first, _ = _sign_in(app, remember=True)
    second, _ = _sign_in(app, remember=True)
    assert _cookie(first, REMEMBER) != _cookie(second, REMEMBER)
    assert _cookie(first, SESSION) != _cookie(second, SESSION)
    assert _replay(app, remember_token=_cookie(first, REMEMBER)).status_code == 200
    assert _replay(app, remember_token=_cookie(second, REMEMBER)).status_code == 200


def test_remember_me_cookie_lasts_30_days_and_only_when_asked(app):
    _register(app)
    forgetful, _ = _sign_in(app, remember=False)
    assert forgetful.get_cookie(REMEMBER) is None
    remembered, _ = _sign_in(app, remember=True)
    cookie = remembered.get_cookie(REMEMBER)
    assert cookie.http_only and cookie.same_site == "Lax"
    lifetime = cookie.expires - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)


def test_cookies_of_a_session_past_its_lifetime_no_longer_sign_in(app):
    _register(app)
    browser, _ = _sign_in(app, remember=True)
    with app.app_context():
        db.session.execute(update(UserSession).values(
            expires_at=datetime(2020, 1, 1)))
        db.session.commit()
    assert _replay(app, session=_cookie(browser, SESSION)).status_code == 401
    assert _replay(app, remember_token=_cookie(browser, REMEMBER)).status_code == 401


def test_signing_in_again_in_the_same_browser_ends_its_previous_session(app):
    _register(app)
    browser, csrf = _sign_in(app, remember=True)
    old_session, old_remember = _cookie(browser, SESSION), _cookie(browser, REMEMBER)
    ok(browser.post(f"{API}/auth/login", headers={"X-CSRF-Token": csrf},
                    json={"email": EMAIL, "password": PASSWORD, "remember": True}))
    assert ok(browser.get(f"{API}/auth/me"))["email"] == EMAIL
    assert _replay(app, session=old_session).status_code == 401
    assert _replay(app, remember_token=old_remember).status_code == 401
    assert _live_sessions(app) == 1


def test_old_cookies_holding_a_user_id_do_not_sign_in(app):
    """Cookies from before sessions lived on the server held the user id in the clear."""
    _register(app)
    browser, _ = _sign_in(app)
    with app.app_context():
        user_id = db.session.scalar(select(User.id))
    with browser.session_transaction() as session:
        session["_user_id"] = str(user_id)
    assert browser.get(f"{API}/auth/me").status_code == 401


def test_password_change_ends_other_sessions_and_their_remember_me_cookies(app):
    _register(app)
    caller, csrf = _sign_in(app, remember=True)
    other, _ = _sign_in(app, remember=True)
    other_session, other_remember = _cookie(other, SESSION), _cookie(other, REMEMBER)
    changed = caller.put(f"{API}/auth/me/password", headers={"X-CSRF-Token": csrf}, json={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 204
    # The caller carries on, with both of their cookies.
    assert ok(caller.get(f"{API}/auth/me"))["email"] == EMAIL
    assert _replay(app, remember_token=_cookie(caller, REMEMBER)).status_code == 200
    # Every other session is over.
    assert other.get(f"{API}/auth/me").status_code == 401
    assert _replay(app, session=other_session).status_code == 401
    assert _replay(app, remember_token=other_remember).status_code == 401
    assert _live_sessions(app) == 1
    # The new password signs in, the old one no longer does.
    assert _sign_in(app, password=NEW_PASSWORD)[0].get(f"{API}/auth/me").status_code == 200
    refused = app.test_client().post(f"{API}/auth/login", json={"email": EMAIL,
                                                                "password": PASSWORD})
    assert refused.status_code == 401


def test_password_change_keeps_api_tokens_unless_asked_to_revoke_them(make, app):
    person = make.user("holder")
    spare = ok(person.post("/auth/tokens", json={"name": "spare"}), 201)
    assert person.put("/auth/me/password", json={
        "current_password": "correct horse", "new_password": NEW_PASSWORD}).status_code == 204
    assert person.get("/auth/me").status_code == 200
    assert Client(app, spare["token"]).get("/auth/me").status_code == 200

    assert person.put("/auth/me/password", json={
        "current_password": NEW_PASSWORD, "new_password": "another passphrase",
        "revoke_tokens": True}).status_code == 204
    assert person.get("/auth/me").status_code == 401
    assert Client(app, spare["token"]).get("/auth/me").status_code == 401
    with app.app_context():
        assert db.session.scalar(select(ApiToken.id).where(
            ApiToken.revoked_at.is_(None))) is None


def test_password_change_by_token_ends_every_cookie_session(make, app):
    person = make.user("holder", email=EMAIL, password=PASSWORD)
    browser, _ = _sign_in(app, remember=True)
    assert person.put("/auth/me/password", json={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 204
    assert browser.get(f"{API}/auth/me").status_code == 401
    assert _replay(app, remember_token=_cookie(browser, REMEMBER)).status_code == 401


def test_password_change_is_audited_without_the_passwords(make, app):
    person = make.user("holder", email=EMAIL, password=PASSWORD)
    _sign_in(app)
    assert person.put("/auth/me/password", json={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 204
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "password.changed"))
        assert (event.actor_id, event.subject_type, event.subject_id) == (
            person.id, "user", person.id)
        assert event.detail == {"sessions_ended": 1, "tokens_revoked": 0}


def _state(app):
    with app.app_context():
        user = db.session.scalar(select(User))
        return (user.password_hash, _live_sessions(app),
                db.session.scalar(select(AuditEvent.id).where(
                    AuditEvent.action == "password.changed")))


def test_wrong_current_password_is_422_and_changes_nothing(app):
    _register(app)
    caller, csrf = _sign_in(app, remember=True)
    other, _ = _sign_in(app)
    before = _state(app)
    refused = caller.put(f"{API}/auth/me/password", headers={"X-CSRF-Token": csrf}, json={
        "current_password": "not-my-password", "new_password": NEW_PASSWORD})
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"] == {
        "current_password": ["This is not your current password."]}
    assert _state(app) == before
    assert other.get(f"{API}/auth/me").status_code == 200


def test_refused_new_password_is_422_says_why_and_changes_nothing(make, app):
    person = make.user("holder", email="jo.bloggs@example.org", password=PASSWORD,
                       display_name="Jo Bloggs Smith")
    ok(app.test_client().post(f"{API}/auth/login", json={"email": "jo.bloggs@example.org",
                                                   "password": PASSWORD}))
    before = _state(app)
    refusals = {
        "Password123": [("This password is on a list of common or breached passwords, which "
                         "attackers try first; choose another.")],
        "JO.BLOGGS@example.org": ["The password must not be your email address."],
        "Jo.Bloggs": ["The password must not be your email address."],
        "jo bloggs smith": ["The password must not be your name."],
        "short": ["Length must be between 8 and 128."],
        "x" * 129: ["Length must be between 8 and 128."],
    }
    for password, reasons in refusals.items():
        refused = person.put("/auth/me/password", json={
            "current_password": PASSWORD, "new_password": password, "revoke_tokens": True})
        assert refused.status_code == 422, password
        assert refused.get_json()["errors"] == {"new_password": reasons}, password
        assert _state(app) == before
        assert person.get("/auth/me").status_code == 200


def test_signed_out_caller_cannot_change_a_password(anon, app):
    _register(app)
    before = _state(app)
    refused = anon.put("/auth/me/password", json={"current_password": PASSWORD,
                                                  "new_password": NEW_PASSWORD})
    assert refused.status_code == 401
    assert _state(app) == before
    assert ok(anon.post("/auth/login", json={"email": EMAIL, "password": PASSWORD}))


def test_cookie_signed_password_change_without_csrf_token_is_refused(app):
    _register(app)
    caller, _ = _sign_in(app)
    before = _state(app)
    refused = caller.put(f"{API}/auth/me/password", json={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert refused.status_code == 403
    assert _state(app) == before


def test_the_password_change_example_is_accepted(make):
    person = make.user("officer", password=examples.PASSWORD_CHANGE_IN["current_password"])
    assert person.put("/auth/me/password", json=examples.PASSWORD_CHANGE_IN).status_code == 204
