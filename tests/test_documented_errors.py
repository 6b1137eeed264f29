"""For a few central operations, a request made by hand for each error status the document
lists gets exactly that status, as problem+json in exactly the documented shape.

The statuses come from the document itself, so documenting a new error for one of these
operations without a request here fails the test, as does a request whose answer drifts.
"""
from http import HTTPStatus

import pytest

from exchange import create_app
from tests.contract import schema_validator
from tests.factories import API, Client, ok

MALFORMED = {"data": "{", "content_type": "application/json"}
FORM = {"data": {"title": "New"}}


@pytest.fixture
def world(make, admin):
    """Council A (officer) with a challenge in voting, a supplier's pitch on it and a
    withdrawn one; council B's officer; a citizen."""
    council = make.council(admin=admin)
    officer = council.owner
    challenge = make.challenge(council)
    supplier = make.supplier()
    pitch = make.pitch(challenge["id"], supplier)
    quitter = make.supplier()
    withdrawn = make.pitch(challenge["id"], quitter)
    ok(quitter.owner.post(f"/pitches/{withdrawn['id']}/withdraw"))
    make.move(council, challenge["id"], "voting")
    draft = make.challenge(council, status="draft")
    return {
        "officer": officer, "other_officer": make.council(admin=admin).owner,
        "citizen": make.user("citizen"), "anon": make.anonymous(), "supplier": supplier.owner,
        "council_id": council.id, "challenge": challenge["id"], "draft": draft["id"],
        "pitch": pitch["id"], "withdrawn": withdrawn["id"],
    }


def _requests(w) -> dict[tuple[str, str], dict[int, callable]]:
    """operation → documented error status → a request that must get it."""
    challenge, pitch = f"/challenges/{w['challenge']}", f"/pitches/{w['pitch']}"
    officer, citizen, anon = w["officer"], w["citizen"], w["anon"]
    return {
        ("put", "/api/v1/pitches/{pitch_id}/rating"): {
            400: lambda: citizen.put(f"{pitch}/rating", **MALFORMED),
            415: lambda: citizen.put(f"{pitch}/rating", **FORM),
            401: lambda: anon.put(f"{pitch}/rating", json={"stars": 4}),
            403: lambda: w["supplier"].put(f"{pitch}/rating", json={"stars": 5}),
            404: lambda: citizen.put("/pitches/999999/rating", json={"stars": 4}),
            409: lambda: citizen.put(f"/pitches/{w['withdrawn']}/rating", json={"stars": 4}),
            422: lambda: citizen.put(f"{pitch}/rating", json={"stars": 3.5}),
            429: lambda: _past_the_rating_limit(citizen, pitch),
        },
        ("post", "/api/v1/challenges"): {
            400: lambda: officer.post("/challenges", **MALFORMED),
            415: lambda: officer.post("/challenges", **FORM),
            401: lambda: anon.post("/challenges", json={"council_id": w["council_id"],
                                                        "title": "T"}),
            403: lambda: citizen.post("/challenges", json={"council_id": w["council_id"],
                                                           "title": "T"}),
            404: lambda: officer.post("/challenges", json={"council_id": 999999,
                                                           "title": "T"}),
            422: lambda: officer.post("/challenges", json={"council_id": w["council_id"]}),
        },
        ("patch", "/api/v1/challenges/{challenge_id}"): {
            400: lambda: officer.patch(challenge, **MALFORMED),
            415: lambda: officer.patch(challenge, **FORM),
            401: lambda: anon.patch(challenge, json={"title": "New"}),
            403: lambda: w["other_officer"].patch(challenge, json={"title": "New"}),
            404: lambda: w["other_officer"].patch(f"/challenges/{w['draft']}",
                                                  json={"title": "New"}),
            409: lambda: _closed_then_patch(officer, w["draft"]),
            412: lambda: officer.patch(challenge, json={"title": "New"},
                                       headers={"If-Match": 'W/"stale-0"'}),
            422: lambda: officer.patch(challenge, json={"title": "x" * 201}),
        },
        ("post", "/api/v1/challenges/{challenge_id}/status"): {
            400: lambda: officer.post(f"{challenge}/status", **MALFORMED),
            415: lambda: officer.post(f"{challenge}/status", **FORM),
            401: lambda: anon.post(f"{challenge}/status", json={"status": "closed"}),
            403: lambda: citizen.post(f"{challenge}/status", json={"status": "closed"}),
            404: lambda: officer.post("/challenges/999999/status", json={"status": "closed"}),
            409: lambda: officer.post(f"{challenge}/status", json={"status": "open"}),
            422: lambda: officer.post(f"{challenge}/status", json={"status": "archived"}),
        },
        ("post", "/api/v1/challenges/{challenge_id}/shortlist"): {
            401: lambda: anon.post(f"{challenge}/shortlist"),
            403: lambda: w["other_officer"].post(f"{challenge}/shortlist"),
            404: lambda: officer.post("/challenges/999999/shortlist"),
            409: lambda: officer.post(f"/challenges/{w['draft']}/shortlist"),
        },
        ("get", "/api/v1/challenges/{challenge_id}/ranking"): {
            404: lambda: anon.get("/challenges/999999/ranking"),
            422: lambda: anon.get(f"{challenge}/ranking?method=loudest"),
        },
    }


def _past_the_rating_limit(citizen, pitch):
    """A second rating change on an app with the limiter on and one change an hour."""
    from tests.conftest import TEST_SETTINGS

    limited = create_app(TEST_SETTINGS | {"RATELIMIT_ENABLED": True,
                                          "RATELIMIT_RATING_PER_ACCOUNT": "1 per hour"})
    rater = Client(limited, citizen.token)
    ok(rater.put(f"{pitch}/rating", json={"stars": 4}))
    return rater.put(f"{pitch}/rating", json={"stars": 5})


def _closed_then_patch(officer, challenge_id):
    ok(officer.post(f"/challenges/{challenge_id}/status", json={"status": "closed"}))
    return officer.patch(f"/challenges/{challenge_id}", json={"title": "New"})


def _documented_problem(document, method, path, status) -> dict:
    """The schema the document gives for an error status of an operation."""
    response = document["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].split("/")[-1]]
    (media_type, content), = response["content"].items()
    assert media_type == "application/problem+json"
    return content["schema"]


@pytest.mark.parametrize("operation", [
    ("put", "/api/v1/pitches/{pitch_id}/rating"),
    ("post", "/api/v1/challenges"),
    ("patch", "/api/v1/challenges/{challenge_id}"),
    ("post", "/api/v1/challenges/{challenge_id}/status"),
    ("post", "/api/v1/challenges/{challenge_id}/shortlist"),
    ("get", "/api/v1/challenges/{challenge_id}/ranking"),
], ids=lambda operation: " ".join(operation).replace(API, ""))
def test_each_documented_error_answers_in_its_documented_shape(operation, world,
                                                               openapi_document):
    document = openapi_document
    method, path = operation
    # 503 (database unreachable) is on every operation: tests/test_database_outage.py.
    documented = {int(status) for status in document["paths"][path][method]["responses"]
                  if int(status) >= 400 and int(status) != 503}
    requests = _requests(world)[operation]
    assert set(requests) == documented, "a documented error status has no request here"

    for status, send in sorted(requests.items()):
        response = send()
        body = response.get_json(force=True)
        assert response.status_code == status, (status, body)
        assert response.mimetype == "application/problem+json", status
        schema = _documented_problem(document, method, path, status)
        assert not list(schema_validator(document, schema).iter_errors(body)), (status, body)
        properties = document["components"]["schemas"]["Problem"]["properties"]
        assert set(body) <= set(properties), (status, body)
        assert body["status"] == status and body["title"] and body["detail"]
        assert body["type"].startswith("urn:exchange:problem:")
        if status in (400, 422):
            assert body["errors"], (status, body)


def test_every_problem_type_the_code_answers_is_documented_with_its_meaning(app):
    """Each slug the code can answer (a literal given to problem(), a domain error's or an
    HTTP status's) is in PROBLEM_TYPES, and the document lists every one with its meaning;
    each error response carries an example of its own status and a documented type."""
    import ast
    import pathlib

    import exchange
    from exchange.http.errors import _SLUGS, PROBLEM_TYPES, PROBLEMS

    # "http-error": what an HTTP status without a slug of its own answers.
    answered = ({"http-error"} | set(_SLUGS.values())
                | {slug for _, _, slug in PROBLEMS.values()})
    for path in pathlib.Path(exchange.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "problem"
                    and len(node.args) >= 4 and isinstance(node.args[3], ast.Constant)):
                answered.add(node.args[3].value)
    assert answered - set(PROBLEM_TYPES) == set()
    assert {"internal", "csrf", "foreign-origin", "malformed-json"} <= answered

    document = app.extensions["exchange.api"].spec.to_dict()
    problem_type = document["components"]["schemas"]["Problem"]["properties"]["type"]
    for slug, (status, meaning) in PROBLEM_TYPES.items():
        assert f"urn:exchange:problem:{slug}" in problem_type["enum"]
        assert f"`urn:exchange:problem:{slug}` ({status}): {meaning}" in problem_type["description"]
    examples = {}
    for name, response in document["components"]["responses"].items():
        content = response.get("content", {}).get("application/problem+json")
        if content and "example" in content:
            examples[name] = content["example"]
    assert {example["status"] for example in examples.values()} >= {
        400, 401, 403, 404, 409, 412, 415, 422, 429, 503}
    for name, example in examples.items():
        assert HTTPStatus[name].value == example["status"], name
        assert example["type"] in problem_type["enum"]
