from tests.factories import Client, ok


def _register(anon, email="cookie@example.org", password="password-1"):
    return ok(anon.post("/auth/register", json={"email": email, "password": password,
                                                "display_name": "Cookie"}), 201)


def test_login_sets_an_httponly_samesite_session_cookie(anon):
    _register(anon)
    response = anon.post("/auth/login", json={"email": "COOKIE@example.org",
                                              "password": "password-1"})
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ok(anon.get("/auth/me"))["email"] == "cookie@example.org"


def test_wrong_password_and_unknown_email_get_the_same_401(anon):
    _register(anon)
    wrong = anon.post("/auth/login", json={"email": "cookie@example.org", "password": "nope"})
    unknown = anon.post("/auth/login", json={"email": "who@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["detail"] == unknown.get_json()["detail"]
    assert anon.get("/auth/me").status_code == 401


def test_logout_ends_the_cookie_session(anon):
    _register(anon)
    ok(anon.post("/auth/login", json={"email": "cookie@example.org", "password": "password-1"}))
    token = ok(anon.get("/auth/csrf"))["csrf_token"]
    assert anon.post("/auth/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert anon.get("/auth/me").status_code == 401


def test_cookie_signed_write_without_csrf_token_is_refused_and_changes_nothing(anon):
    _register(anon)
    ok(anon.post("/auth/login", json={"email": "cookie@example.org", "password": "password-1"}))
    refused = anon.post("/organisations", json={"name": "Forged", "kind": "supplier"})
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    assert ok(anon.get("/organisations"))["items"] == []
    token = ok(anon.get("/auth/csrf"))["csrf_token"]
    ok(anon.post("/organisations", json={"name": "Real", "kind": "supplier"},
                 headers={"X-CSRF-Token": token}), 201)


def test_bearer_token_signs_in_and_gets_no_cookie(make, app):
    person = make.user("tokenholder")
    response = person.get("/auth/me")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.get_json()["id"] == person.id


def test_token_is_shown_once_and_listed_without_its_secret(citizen):
    created = ok(citizen.post("/auth/tokens", json={"name": "laptop"}), 201)
    assert created["token"].startswith(created["prefix"])
    listed = ok(citizen.get("/auth/tokens"))["items"]
    assert {t["name"] for t in listed} == {"tests", "laptop"}
    assert all("token" not in t for t in listed)


def test_revoked_token_no_longer_signs_in(citizen, app):
    created = ok(citizen.post("/auth/tokens", json={"name": "old"}), 201)
    other = Client(app, created["token"])
    assert other.get("/auth/me").status_code == 200
    assert citizen.delete(f"/auth/tokens/{created['id']}").status_code == 204
    refused = other.get("/auth/me")
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"


def test_nobody_revokes_someone_elses_token(make, citizen):
    other = make.user("other")
    created = ok(other.post("/auth/tokens", json={"name": "mine"}), 201)
    assert citizen.delete(f"/auth/tokens/{created['id']}").status_code == 404
    assert Client(citizen.app, created["token"]).get("/auth/me").status_code == 200


def test_garbage_bearer_token_is_401_not_anonymous(app):
    for header in ("Bearer nonsense", "Bearer oix_" + "x" * 40, "Basic abc", "Bearer "):
        response = Client(app).get("/auth/me", headers={"Authorization": header})
        assert response.status_code == 401, header
    # Even on a public read, a bad token is refused rather than silently ignored.
    assert Client(app).get("/challenges", headers={
        "Authorization": "Bearer oix_bad"}).status_code == 401


def test_signed_out_callers_get_401_on_every_signed_in_operation(anon):
    for method, path in [("GET", "/auth/me"), ("POST", "/auth/tokens"), ("GET", "/auth/tokens"),
                         ("DELETE", "/auth/tokens/1"), ("POST", "/organisations"),
                         ("POST", "/challenges"), ("PUT", "/pitches/1/rating"),
                         ("POST", "/organisations/1/verify")]:
        response = anon.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert response.mimetype == "application/problem+json"


def test_rate_limit_answers_429_with_retry_after(app):
    from exchange import create_app
    from tests.conftest import TEST_SETTINGS

    limited = create_app(TEST_SETTINGS | {"RATELIMIT_ENABLED": True})
    client = limited.test_client()
    statuses = [client.post("/api/v1/auth/login", json={"email": "x@example.org",
                                                        "password": "wrong"}).status_code
                for _ in range(25)]
    assert statuses[0] == 401 and statuses[-1] == 429
    last = client.post("/api/v1/auth/login", json={"email": "x@example.org", "password": "w"})
    assert last.status_code == 429
    assert int(last.headers["Retry-After"]) > 0
    assert last.mimetype == "application/problem+json"
