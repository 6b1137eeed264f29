"""CORS for the configured origins only; cookie writes cannot be forged cross-site: they
need the CSRF token, and come from the API's own origin or a listed one."""
import pytest

from exchange import create_app
from tests.conftest import TEST_SETTINGS
from tests.factories import ok

FRIEND = "https://app.exchange.example"
STRANGER = "https://evil.example"


@pytest.fixture
def cors_app(app):
    return create_app(TEST_SETTINGS | {"CORS_ORIGINS": [FRIEND]})


def test_listed_origin_may_call_with_credentials(cors_app):
    client = cors_app.test_client()
    response = client.get("/api/v1/challenges", headers={"Origin": FRIEND})
    assert response.headers["Access-Control-Allow-Origin"] == FRIEND
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    preflight = client.options("/api/v1/challenges", headers={
        "Origin": FRIEND, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type, X-CSRF-Token, If-Match"})
    assert preflight.headers["Access-Control-Allow-Origin"] == FRIEND
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "x-csrf-token" in allowed and "if-match" in allowed


def test_other_origins_get_no_cors_headers(cors_app, app):
    for application in (cors_app, app):
        response = application.test_client().get("/api/v1/challenges",
                                                 headers={"Origin": STRANGER})
        assert "Access-Control-Allow-Origin" not in response.headers


def test_a_foreign_form_post_with_the_victims_cookie_changes_nothing(anon):
    ok(anon.post("/auth/register", json={"email": "victim@example.org",
                                         "password": "password-1", "display_name": "V"}), 201)
    ok(anon.post("/auth/login", json={"email": "victim@example.org", "password": "password-1"}))
    forged = anon.post("/auth/tokens", data={"name": "stolen"},
                       headers={"Origin": STRANGER, "Referer": STRANGER + "/page"})
    assert forged.status_code == 403
    forged_json = anon.post("/auth/tokens", data='{"name": "stolen"}', content_type="text/plain",
                            headers={"Origin": STRANGER})
    assert forged_json.status_code == 403
    token = ok(anon.get("/auth/csrf"))["csrf_token"]
    assert ok(anon.get("/auth/tokens"))["items"] == []
    ok(anon.post("/auth/tokens", json={"name": "mine"}, headers={"X-CSRF-Token": token}), 201)


def test_token_calls_need_no_csrf_token(citizen):
    ok(citizen.post("/auth/tokens", json={"name": "script"}), 201)


def _signed_in_browser(application):
    """A client signed in by session cookie, and its CSRF token."""
    browser = application.test_client()
    ok(browser.post("/api/v1/auth/register", json={"email": "victim@example.org",
                                                   "password": "password-1",
                                                   "display_name": "V"}), 201)
    ok(browser.post("/api/v1/auth/login", json={"email": "victim@example.org",
                                                "password": "password-1"}))
    return browser, ok(browser.get("/api/v1/auth/csrf"))["csrf_token"]


def _token_names(browser) -> list[str]:
    return [t["name"] for t in ok(browser.get("/api/v1/auth/tokens"))["items"]]


def test_a_cookie_write_from_a_foreign_origin_is_refused_even_with_the_csrf_token(cors_app):
    browser, csrf_token = _signed_in_browser(cors_app)
    for origin in (STRANGER, "null", "http://localhost:8080", "https://localhost"):
        refused = browser.post("/api/v1/auth/tokens", json={"name": "stolen"},
                               headers={"Origin": origin, "X-CSRF-Token": csrf_token})
        assert refused.status_code == 403, origin
        assert refused.mimetype == "application/problem+json"
        body = refused.get_json()
        assert body["type"] == "urn:exchange:problem:foreign-origin"
        assert body["title"] == "Cross-site request refused"
        assert origin in body["detail"]
    logout = browser.post("/api/v1/auth/logout", headers={"Origin": STRANGER,
                                                          "X-CSRF-Token": csrf_token})
    assert logout.status_code == 403
    assert _token_names(browser) == []  # and still signed in: the logout was refused too


def test_a_cookie_write_from_the_apis_own_origin_or_a_listed_one_is_accepted(cors_app):
    browser, csrf_token = _signed_in_browser(cors_app)
    for name, origin in (("own", "http://localhost"), ("friend", FRIEND)):
        ok(browser.post("/api/v1/auth/tokens", json={"name": name},
                        headers={"Origin": origin, "X-CSRF-Token": csrf_token}), 201)
    # Without an Origin (not a browser, or an old one) the CSRF token alone decides.
    ok(browser.post("/api/v1/auth/tokens", json={"name": "no origin"},
                    headers={"X-CSRF-Token": csrf_token}), 201)
    assert sorted(_token_names(browser)) == ["friend", "no origin", "own"]


def test_a_token_signed_write_from_a_foreign_origin_is_unaffected(citizen):
    ok(citizen.post("/auth/tokens", json={"name": "script"}, headers={"Origin": STRANGER}), 201)
    names = [t["name"] for t in ok(citizen.get("/auth/tokens"))["items"]]
    assert sorted(names) == ["script", "tests"]


def test_production_cookies_are_secure(app):
    production = create_app(TEST_SETTINGS | {"SESSION_COOKIE_SECURE": True,
                                             "REMEMBER_COOKIE_SECURE": True})
    client = production.test_client()
    client.post("/api/v1/auth/register", json={"email": "p@example.org",
                                               "password": "password-1", "display_name": "P"})
    response = client.post("/api/v1/auth/login", json={"email": "p@example.org",
                                                       "password": "password-1",
                                                       "remember": True})
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2
    assert all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
