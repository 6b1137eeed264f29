"""The headers the document promises outside the bodies are the ones the code sends or
reads: Link on list pages, Set-Cookie on login, Retry-After on 429 (and on nothing but 429
and 503), X-CSRF-Token on cookie-signed writes, ETag on reads."""
from exchange import create_app
from tests.conftest import TEST_SETTINGS
from tests.factories import ok

WRITES = ("post", "put", "patch", "delete")


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("get", *WRITES):  # not the path's shared `parameters`
                yield path, method, operation


def _ok(document, method, path) -> dict:
    return document["paths"][path][method]["responses"]["200"]


def test_every_list_documents_link_and_sends_it_while_there_is_a_next_page(
        openapi_document, make, council):
    lists = {path for path, method, operation in _operations(openapi_document)
             if operation["responses"].get("200", {}).get("content", {})
             .get("application/json", {}).get("schema", {}).get("$ref", "").endswith("Page")}
    documented = {path for path in lists
                  if "Link" in _ok(openapi_document, "get", path)["headers"]}
    assert documented == lists and "/api/v1/challenges" in lists

    make.challenge(council)
    make.challenge(council)
    anon = make.anonymous()
    first = anon.get("/challenges?limit=1")
    link = first.headers["Link"]
    assert link.endswith('>; rel="next"') and f"cursor={ok(first)['next_cursor']}" in link
    last = anon.get(f"/challenges?limit=1&cursor={ok(first)['next_cursor']}")
    assert ok(last)["next_cursor"] is None and "Link" not in last.headers


def test_login_documents_and_sets_the_session_cookie(openapi_document, make):
    person = make.user("person")
    response = make.anonymous().post("/auth/login", json={"email": person.email,
                                                         "password": "correct horse"})
    ok(response)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Set-Cookie" in _ok(openapi_document, "post", "/api/v1/auth/login")["headers"]


def test_rate_limited_answers_document_and_send_retry_after(openapi_document):
    limited = create_app(TEST_SETTINGS | {"RATELIMIT_ENABLED": True}).test_client()
    for _ in range(30):
        response = limited.post("/api/v1/auth/login", json={"email": "x@example.org",
                                                             "password": "wrong one"})
        if response.status_code == 429:
            break
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    too_many = openapi_document["components"]["responses"]["TOO_MANY_REQUESTS"]
    assert "Retry-After" in too_many["headers"]


def test_retry_after_is_documented_only_on_429_and_503(openapi_document):
    documented = {name for name, response in openapi_document["components"]["responses"].items()
                  if "Retry-After" in response.get("headers", {})}
    for _path, _method, operation in _operations(openapi_document):
        documented |= {status for status, response in operation["responses"].items()
                       if "Retry-After" in response.get("headers", {})}
    assert "TOO_MANY_REQUESTS" in documented
    assert documented <= {"TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE", "429", "503"}

    limited = create_app(TEST_SETTINGS | {"RATELIMIT_ENABLED": True}).test_client()
    failed = limited.post("/api/v1/auth/login", json={"email": "x@example.org",
                                                      "password": "wrong one"})
    assert failed.status_code == 401 and "Retry-After" not in failed.headers


def test_every_signed_in_write_documents_x_csrf_token_which_a_cookie_write_needs(
        openapi_document, make, council):
    for path, method, operation in _operations(openapi_document):
        if method in WRITES and operation.get("security"):
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            assert "X-CSRF-Token" in names, (method, path)

    officer = council.owner
    browser = make.app.test_client()
    ok(browser.post("/api/v1/auth/login", json={"email": officer.email,
                                                "password": "correct horse"}))
    body = {"council_id": council.id, "title": "Signed by cookie"}
    refused = browser.post("/api/v1/challenges", json=body)
    assert refused.status_code == 403
    assert refused.get_json()["type"] == "urn:exchange:problem:csrf"
    token = ok(browser.get("/api/v1/auth/csrf"))["csrf_token"]
    ok(browser.post("/api/v1/challenges", json=body, headers={"X-CSRF-Token": token}), 201)
    titles = [c["title"] for c in ok(officer.get("/challenges?status=draft"))["items"]]
    assert titles.count("Signed by cookie") == 1


def test_every_read_documents_its_etag_and_sends_it(openapi_document, make, council):
    streamed = set()
    for path, method, operation in _operations(openapi_document):
        if method == "get" and "200" in operation["responses"]:
            if "application/json" not in operation["responses"]["200"]["content"]:
                # A streamed download: no tag, none documented, none sent.
                streamed.add(path)
                assert "headers" not in operation["responses"]["200"], path
                assert "304" not in operation["responses"], path
                continue
            assert "ETag" in operation["responses"]["200"]["headers"], path
            assert "304" in operation["responses"], path
    assert {p.rsplit("/", 1)[1] for p in streamed} == {"ratings.csv", "ratings.jsonl"}
    challenge = make.challenge(council)
    download = make.anonymous().get(f"/challenges/{challenge['id']}/ratings.csv")
    assert download.status_code == 200 and "ETag" not in download.headers
    read = make.anonymous().get(f"/challenges/{challenge['id']}")
    assert read.headers["ETag"].startswith('W/"')
    again = make.anonymous().get(f"/challenges/{challenge['id']}",
                                 headers={"If-None-Match": read.headers["ETag"]})
    assert again.status_code == 304
