"""No input breaks the API: one table of hostile inputs, replayed against every operation
that takes a JSON body and every operation that takes query parameters, as the served
document lists them (a new endpoint is covered without a new row). Each answer is the
4xx problem+json of its row, and the stored data is the same after as before.

The caller is an admin who owns the council, signed in by token: the body of a write is
read before any permission or state is checked, so every hostile body is truly parsed,
and a 422 that names every field proves it.
"""
import base64
import json

import pytest

from exchange import create_app
from tests.conftest import TEST_SETTINGS
from tests.contract import (
    WRITES,
    body_properties,
    fill_path,
    operations,
    query_parameters,
    served_document,
    stored_rows,
)
from tests.factories import API, ok

DOCUMENT = served_document()
BODY_OPERATIONS = [(m, p) for m, p, o in operations(DOCUMENT)
                   if body_properties(DOCUMENT, o) is not None]
QUERY_OPERATIONS = [(m, p) for m, p, o in operations(DOCUMENT) if query_parameters(o)]
ALL_OPERATIONS = [(m, p) for m, p, _ in operations(DOCUMENT)]

JSON = "application/json"
DIGITS = "9" * 5000
UNSTORABLE = ["May not contain NUL characters or lone UTF-16 surrogates."]


def _object(fields: list[str], raw_value: str) -> str:
    """A JSON object giving every field the same raw JSON text."""
    return "{" + ", ".join(f"{json.dumps(f)}: {raw_value}" for f in fields) + "}"


def _every_field(value) -> callable:
    return lambda fields: {"data": _object(fields, json.dumps(value)), "content_type": JSON}


def _raw(data, content_type=JSON) -> callable:
    return lambda fields: {"data": data, "content_type": content_type}


# row → (the request's body, the status, the fields a 422 must name: "each" = every field)
BODY_ROWS = {
    "a number of 5,000 digits in every field": (
        lambda fields: {"data": _object(fields, DIGITS), "content_type": JSON}, 400, None),
    "a negative number of 5,000 digits": (_raw('{"x": -' + DIGITS + "}"), 400, None),
    "1,000 nested arrays": (_raw("[" * 1000 + "]" * 1000), 400, None),
    "1,000 nested objects": (_raw('{"a":' * 1000 + "1" + "}" * 1000), 400, None),
    "nesting just beyond the limit inside a field": (
        lambda fields: {"data": _object(fields, "[" * 30 + "]" * 30), "content_type": JSON},
        400, None),
    "NaN in every field": (
        lambda fields: {"data": _object(fields, "NaN"), "content_type": JSON}, 400, None),
    "Infinity in every field": (
        lambda fields: {"data": _object(fields, "-Infinity"), "content_type": JSON}, 400, None),
    "a float beyond a double in every field": (
        lambda fields: {"data": _object(fields, "1e400"), "content_type": JSON}, 400, None),
    "a lone high surrogate in every field": (_every_field("\ud800"), 422, "each"),
    "a lone low surrogate inside text in every field": (_every_field("ok\udfffok"), 422, "each"),
    "a NUL byte in every field": (_every_field("a\x00b"), 422, "each"),
    "a NUL byte inside a list in every field": (_every_field(["fine", "a\x00"]), 422, "each"),
    "a surrogate as an object key inside every field": (
        _every_field({"\udc00": 1}), 422, "each"),
    "a NUL byte in a field name": (_raw('{"a\\u0000b": 1}'), 422, {"body"}),
    "an email with NUL": (_raw('{"email": "a\\u0000b@example.org"}'), 422, {"email"}),
    "bytes that are not UTF-8": (_raw(b'{"title": "\xff\xfe"}'), 400, None),
    "an empty body sent as JSON": (_raw(""), 400, None),
    "only whitespace sent as JSON": (_raw("  \n"), 400, None),
    "truncated JSON": (_raw('{"title": "a'), 400, None),
    "two JSON documents": (_raw("{} {}"), 400, None),
    "text/plain": (_raw('{"title": "a"}', "text/plain"), 415, None),
    "a form": (lambda fields: {"data": {f: "x" for f in fields}}, 415, None),
    "no body and no Content-Type": (lambda fields: {}, 415, None),
    "a body over the size limit": (_raw('"' + "a" * (1024 * 1024 + 1) + '"'), 413, None),
}


def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


BIG = 10**30
# Each is a cursor this API never issues, whatever the list and its sort: wrong length,
# wrong types, integers beyond 64 bits, timestamps with an offset, non-finite numbers.
FORGED_CURSORS = {
    "numbers beyond 64 bits": [_cursor([BIG] * n) for n in (1, 2, 3, 4)],
    "negative numbers beyond 64 bits": [_cursor([-BIG] * n) for n in (1, 2, 3, 4)],
    "a timestamp with an offset": [
        _cursor(["2024-01-01T00:00:00+00:00", 1]),
        _cursor(["2024-01-01T00:00:00Z", 1]),
        _cursor([0.5, 1, "2024-01-01T00:00:00+00:00", 1]),
        _cursor([0.5, 1, "2024-01-01T00:00:00+05:30", 1])],
    "wrong types": [_cursor(v) for v in (
        ["a"], ["a", "b"], [True, 1], [None, None], [[], {}], {"a": 1}, "x", 1, [1.5],
        [0.5, True, "2024-01-01T00:00:00", 1], [0.5, 1, 20240101, 1],
        [1, 1, 1, 1, 1], [])],
    "numbers that are not finite": [
        base64.urlsafe_b64encode(raw).decode().rstrip("=")
        for raw in (b"[NaN, 1]", b"[Infinity, 1, \"2024-01-01T00:00:00\", 1]",
                    b"[1e400, 1]", b"[1e400, 1, \"2024-01-01T00:00:00\", 1]")],
    "not base64 or not JSON": ["!!!", "%00", _cursor("x")[:-1] + "*",
                               base64.urlsafe_b64encode(b"\xff\xfe").decode(),
                               base64.urlsafe_b64encode(b"[" * 300).decode()],
}


@pytest.fixture
def world(make, admin):
    """An admin who owns a verified council with an open challenge; a supplier's pitch on
    it with a comment; the admin's token and membership, so every id names a real thing."""
    council = make.council(admin=admin, owner=admin)
    challenge = make.challenge(council)
    supplier = make.supplier()
    pitch = make.pitch(challenge["id"], supplier)
    comment = ok(supplier.owner.post(f"/pitches/{pitch['id']}/comments",
                                     json={"body": "Ask us anything."}), 201)
    token = ok(admin.get("/auth/tokens"))["items"][0]
    ids = {"challenge_id": challenge["id"], "pitch_id": pitch["id"],
           "comment_id": comment["id"], "organisation_id": council.id,
           "user_id": admin.id, "token_id": token["id"]}
    return {"caller": admin, "ids": ids}


def _send(caller, method: str, path: str, **kwargs):
    return caller.http.open(path, method=method.upper(),
                            headers={"Authorization": f"Bearer {caller.token}"}, **kwargs)


def _assert_problem(response, status: int):
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"] and body["title"]
    assert body["type"].startswith("urn:exchange:problem:")
    return body


def _op_id(operation) -> str:
    method, path = operation
    return f"{method} {path.removeprefix(API)}"


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=_op_id)
def test_every_hostile_body_gets_its_4xx_problem_and_changes_nothing(operation, app, world):
    method, path = operation
    fields = body_properties(DOCUMENT, DOCUMENT["paths"][path][method]) or ["x"]
    url = fill_path(path, world["ids"])
    before = stored_rows(app)
    for row, (request, status, named) in BODY_ROWS.items():
        response = _send(world["caller"], method, url, **request(fields))
        body = _assert_problem(response, status)
        if named:
            expected = set(fields) if named == "each" else named
            assert set(body["errors"]) == expected, (row, body)
            assert all(body["errors"][name] == UNSTORABLE for name in expected), (row, body)
        if status == 400:
            assert body["type"] == "urn:exchange:problem:malformed-json", (row, body)
            assert body["errors"]["json"], (row, body)
    assert stored_rows(app) == before


def _query(params: dict[str, str]) -> str:
    return "&".join(f"{name}={value}" for name, value in params.items())


@pytest.mark.parametrize("operation", QUERY_OPERATIONS, ids=_op_id)
def test_every_hostile_query_parameter_gets_422_naming_it_and_changes_nothing(
        operation, app, world):
    method, path = operation
    parameters = sorted(query_parameters(DOCUMENT["paths"][path][method]))
    url = fill_path(path, world["ids"])
    caller = world["caller"]
    before = stored_rows(app)
    # A NUL, a surrogate as UTF-8 would write it (not UTF-8), a byte that is never UTF-8.
    for value in ("a%00b", "%ED%A0%80", "%FF", "%00"):
        response = _send(caller, method, f"{url}?{_query(dict.fromkeys(parameters, value))}")
        body = _assert_problem(response, 422)
        assert body["errors"] == dict.fromkeys(parameters, UNSTORABLE), (value, body)
    body = _assert_problem(_send(caller, method, f"{url}?a%00b=1"), 422)
    assert body["errors"] == {"query": UNSTORABLE}
    for name in parameters:
        response = _send(caller, method, f"{url}?{name}={'9' * 3000}")
        assert set(_assert_problem(response, 422)["errors"]) == {name}
    assert stored_rows(app) == before


LISTS = [(m, p) for m, p in QUERY_OPERATIONS
         if "cursor" in query_parameters(DOCUMENT["paths"][p][m])]


@pytest.mark.parametrize("operation", LISTS, ids=_op_id)
def test_every_forged_cursor_gets_422_on_every_sort_and_changes_nothing(operation, app, world):
    method, path = operation
    sort = query_parameters(DOCUMENT["paths"][path][method]).get("sort", {})
    url = fill_path(path, world["ids"])
    before = stored_rows(app)
    for order in sort.get("enum", [None]):
        for kind, cursors in FORGED_CURSORS.items():
            for cursor in cursors:
                query = f"cursor={cursor}" + (f"&sort={order}" if order else "")
                response = _send(world["caller"], method, f"{url}?{query}")
                body = _assert_problem(response, 422)
                assert set(body["errors"]) == {"cursor"}, (order, kind, cursor, body)
    assert stored_rows(app) == before


def test_a_cursor_the_api_issued_still_pages_on_every_sort(make, council, anon):
    for _ in range(3):
        make.challenge(council)
    for order in ("new", "deadline", "popular"):
        first = ok(anon.get(f"/challenges?limit=2&sort={order}"))
        rest = ok(anon.get(f"/challenges?limit=2&sort={order}&cursor={first['next_cursor']}"))
        assert len(first["items"]) == 2 and len(rest["items"]) == 1


def test_a_sort_by_score_cursor_the_api_issued_still_pages(make, challenge, anon):
    for _ in range(3):
        make.pitch(challenge["id"], make.supplier())
    url = f"/challenges/{challenge['id']}/pitches?limit=2&sort=score"
    first = ok(anon.get(url))
    rest = ok(anon.get(f"{url}&cursor={first['next_cursor']}"))
    assert len(first["items"]) == 2 and len(rest["items"]) == 1


def test_a_url_over_4000_characters_gets_414_problem_on_every_operation(app, world):
    before = stored_rows(app)
    for method, path in ALL_OPERATIONS:
        url = fill_path(path, world["ids"]) + "?pad=" + "a" * 4000
        body = _assert_problem(_send(world["caller"], method, url, json={}), 414)
        assert body["type"] == "urn:exchange:problem:uri-too-long", (method, path)
    assert stored_rows(app) == before


def test_a_url_of_4000_characters_is_still_served(anon):
    url = f"{API}/challenges?q=budget&pad="
    response = anon.http.get(url + "a" * (4000 - len(url)))
    assert response.status_code == 200


def test_writes_that_take_no_body_still_work_without_one(make, admin):
    council = make.council(admin=admin, verified=False)
    ok(admin.post(f"/organisations/{council.id}/verify"))
    assert admin.post("/auth/logout").status_code == 204


def test_every_write_route_of_the_app_is_in_the_document():
    """The table above reads the document; a write the document missed would escape it."""
    app = create_app(dict(TEST_SETTINGS))
    documented = {(m, p) for m, p, _ in operations(DOCUMENT)}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            served |= {(m.lower(), path) for m in rule.methods if m.lower() in WRITES}
    assert served and served <= documented, served - documented
