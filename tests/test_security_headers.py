"""Headers every answer carries (hardening, HSTS in production), who may cache an answer,
Retry-After only when it means something, and the house wording of routing errors."""
import base64
import hashlib
import re

import pytest

from exchange import create_app
from tests.conftest import TEST_SETTINGS
from tests.factories import ok

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def _cookie_signed_browser(make):
    """A test client signed in by session cookie, as a browser is."""
    person = make.user("browser")
    browser = make.app.test_client()
    ok(browser.post("/api/v1/auth/login", json={"email": person.email,
                                                "password": "correct horse"}))
    return browser


def _vary(response) -> set[str]:
    return {name.strip().lower() for name in response.headers.get("Vary", "").split(",")}


def _cache_control(response) -> set[str]:
    return {d.strip() for d in response.headers.get("Cache-Control", "").split(",")
            if d.strip()}


def _assert_hardened(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_every_answer_is_hardened_signed_out_by_cookie_and_by_token(make, council):
    challenge = make.challenge(council)
    anon, token_signed = make.anonymous(), make.user("reader")
    browser = _cookie_signed_browser(make)
    answers = [
        anon.get("/challenges"), anon.get(f"/challenges/{challenge['id']}"),
        anon.get("/no-such-thing"), anon.post("/auth/login", json={}),
        anon.get("/healthz"), anon.get("/openapi.json"),
        browser.get("/docs/assets/swagger-ui.css"),
        browser.get("/api/v1/auth/me"), browser.get("/api/v1/challenges"),
        token_signed.get("/auth/me"), token_signed.post("/auth/tokens", json={"name": "x"}),
    ]
    for response in answers:
        _assert_hardened(response)
        assert response.headers["Content-Security-Policy"] == API_POLICY
        assert "Strict-Transport-Security" not in response.headers


def test_docs_page_allows_only_its_own_files_and_its_one_inline_starter(anon):
    page = anon.get("/docs")
    assert page.status_code == 200
    _assert_hardened(page)
    inline = re.findall(r"<script>(.*?)</script>", page.get_data(as_text=True), re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert page.headers["Content-Security-Policy"] == (
        f"default-src 'none'; script-src 'self' 'sha256-{digest}'; style-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'")


def test_production_answers_carry_strict_transport_security(app):
    production = create_app(TEST_SETTINGS | {"PRODUCTION": True}).test_client()
    for path in ("/api/v1/challenges", "/healthz", "/docs", "/api/v1/no-such-thing"):
        response = production.get(path)
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"), path
        _assert_hardened(response)


# --- Caching -----------------------------------------------------------------------------

def test_a_signed_out_read_varies_on_credentials_and_may_be_shared(make, council):
    challenge = make.challenge(council)
    for path in ("/challenges", f"/challenges/{challenge['id']}"):
        response = make.anonymous().get(path)
        assert response.status_code == 200
        assert {"authorization", "cookie"} <= _vary(response)
        assert "private" not in _cache_control(response)


def test_token_signed_answers_are_private_and_vary_on_credentials(make, council, citizen):
    challenge = make.challenge(council)
    for response in (citizen.get("/challenges"), citizen.get(f"/challenges/{challenge['id']}"),
                     citizen.get("/auth/me"), citizen.get("/auth/tokens"),
                     council.owner.get("/challenges?status=draft"),
                     citizen.post("/auth/tokens", json={"name": "script"})):
        assert response.status_code in (200, 201)
        assert {"authorization", "cookie"} <= _vary(response)
        assert _cache_control(response) == {"private", "no-cache"}
        assert "Set-Cookie" not in response.headers


def test_cookie_signed_answers_are_private_and_vary_on_credentials(make):
    person = make.user("browser")
    browser = make.app.test_client()
    login = browser.post("/api/v1/auth/login", json={"email": person.email,
                                                     "password": "correct horse"})
    assert login.status_code == 200 and "Set-Cookie" in login.headers
    for response in (login, browser.get("/api/v1/auth/me"), browser.get("/api/v1/challenges")):
        assert {"authorization", "cookie"} <= _vary(response)
        assert _cache_control(response) == {"private", "no-cache"}


def test_the_csrf_token_is_private_even_to_a_signed_out_caller(anon):
    first = anon.get("/auth/csrf")
    again = anon.get("/auth/csrf")
    for response in (first, again):
        assert response.status_code == 200
        assert _cache_control(response) == {"private", "no-cache"}
        assert {"authorization", "cookie"} <= _vary(response)


def test_a_private_answer_still_revalidates_to_304(make, council, citizen):
    challenge = make.challenge(council)
    read = citizen.get(f"/challenges/{challenge['id']}")
    again = citizen.get(f"/challenges/{challenge['id']}",
                        headers={"If-None-Match": read.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == read.headers["ETag"]
    assert _cache_control(again) == {"private", "no-cache"}
    assert {"authorization", "cookie"} <= _vary(again)


# --- Retry-After and the 429 -------------------------------------------------------------

@pytest.fixture
def limited(app):
    """A client of an app with rate limits on (the test settings turn them off)."""
    return create_app(TEST_SETTINGS | {"RATELIMIT_ENABLED": True}).test_client()


def test_failed_and_successful_sign_ins_carry_no_retry_after(limited):
    ok(limited.post("/api/v1/auth/register", json={"email": "r@example.org",
                                                   "password": "password-1",
                                                   "display_name": "R"}), 201)
    failed = limited.post("/api/v1/auth/login", json={"email": "r@example.org",
                                                      "password": "wrong one"})
    assert failed.status_code == 401 and "Retry-After" not in failed.headers
    signed_in = limited.post("/api/v1/auth/login", json={"email": "r@example.org",
                                                         "password": "password-1"})
    assert signed_in.status_code == 200 and "Retry-After" not in signed_in.headers


def test_too_many_sign_in_attempts_say_in_words_when_to_try_again(limited):
    ok(limited.post("/api/v1/auth/register", json={"email": "r@example.org",
                                                   "password": "password-1",
                                                   "display_name": "R"}), 201)
    attempts = [limited.post("/api/v1/auth/login", json={"email": "r@example.org",
                                                         "password": "wrong one"})
                for _ in range(20)]
    assert {a.status_code for a in attempts} == {401}  # the limit is 20 a minute
    refused = limited.post("/api/v1/auth/login", json={"email": "r@example.org",
                                                       "password": "password-1"})
    assert refused.status_code == 429
    assert "Set-Cookie" not in refused.headers  # the right password, yet not signed in
    body = refused.get_json()
    assert body["title"] == "Too many requests"
    found = re.fullmatch(r"Too many sign-in attempts; try again in (\d+) seconds?\.",
                         body["detail"])
    assert found, body["detail"]
    assert 1 <= int(found.group(1)) <= 60
    assert refused.headers["Retry-After"] == found.group(1)
    assert limited.get("/api/v1/auth/me").status_code == 401


# --- Routing errors in the house's words ---------------------------------------------------

def test_unknown_paths_answer_the_house_not_found_problem(anon):
    for path in ("/no-such-thing", "/healthz/more", "/api/v1/no-such-thing"):
        response = anon.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
        assert response.get_json() == {
            "type": "urn:exchange:problem:not-found", "title": "Not found", "status": 404,
            "detail": "No such address. Every path of the API is listed in its document at "
                      "/openapi.json."}


def test_a_missing_resource_keeps_its_own_detail(anon):
    body = anon.get("/challenges/999999").get_json()
    assert body["title"] == "Not found" and body["detail"] == "No such challenge."


def test_a_method_an_address_does_not_take_answers_the_house_405_with_allow(anon):
    response = anon.delete("/challenges")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert {m.strip() for m in response.headers["Allow"].split(",")} == {
        "GET", "HEAD", "OPTIONS", "POST"}
    assert response.get_json() == {
        "type": "urn:exchange:problem:method-not-allowed", "title": "Method not allowed",
        "status": 405,
        "detail": "This address does not accept DELETE; the Allow header lists the methods "
                  "it does."}
    assert "Retry-After" not in response.headers
