"""Property-based fuzzing from the OpenAPI document: every operation, signed out and
signed in, with inputs schemathesis derives from the document (valid and invalid ones).

Each answer must be no 5xx, a status the operation documents, a documented content type,
and a body that matches the documented schema for that status.

Hostile strategies go further than the document's own types: integers beyond 64 bits (and
beyond Python's conversion limit), strings with NUL or lone surrogates, nesting deeper than
the API reads. They fill every documented body property and query parameter of every
operation, so a new endpoint is fuzzed without a new line here.

FUZZ_EXAMPLES sets the examples per operation (default 20, which keeps `make test` quick);
`make fuzz` runs only these tests with a deep budget.
"""
import json
import os
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.contract import (
    body_properties,
    fill_path,
    operations,
    query_parameters,
    schema_validator,
    served_document,
    stored_rows,
)

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(make, admin):
    """A little data, so that small ids name real things: a verified council with an open
    challenge, a supplier's pitch on it with a rating and a comment, and a signed-in user
    who is an officer of the council and owns a supplier organisation too."""
    council = make.council(admin=admin)
    officer = council.owner
    make.supplier(owner=officer)
    challenge = make.challenge(council)
    make.challenge(council, status="draft")
    supplier = make.supplier()
    pitch = make.pitch(challenge["id"], supplier)
    rater = make.user("rater")
    assert rater.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}).status_code == 200
    comment = rater.post(f"/pitches/{pitch['id']}/comments", json={"body": "Looks useful."})
    assert comment.status_code == 201
    ids = {"challenge_id": challenge["id"], "pitch_id": pitch["id"],
           "comment_id": comment.get_json()["id"], "organisation_id": council.id,
           "user_id": officer.id}
    return {"officer": officer, "ids": ids}


@pytest.fixture(params=["signed_out", "signed_in"])
def caller_headers(request, world) -> dict:
    if request.param == "signed_out":
        return {}
    return {"Authorization": f"Bearer {world['officer'].token}"}


schema = schemathesis.openapi.from_dict(served_document())


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, app, caller_headers):
    case.call_and_validate(app=app, headers=caller_headers, checks=CHECKS)


# Hostile values, as the raw JSON text of one value.
BEYOND_64_BITS = st.one_of(st.integers(min_value=2**63), st.integers(max_value=-(2**63) - 1))
TOO_MANY_DIGITS = st.integers(min_value=4301, max_value=6000).map(lambda n: "9" * n)
UNSTORABLE_CHARACTER = st.sampled_from(["\x00", "\ud800", "\udbff", "\udc00", "\udfff"])
UNSTORABLE_TEXT = st.tuples(st.text(max_size=8), UNSTORABLE_CHARACTER,
                            st.text(max_size=8)).map("".join)
TOO_DEEP = st.tuples(st.integers(min_value=21, max_value=3000),
                     st.sampled_from([("[", "]"), ('{"a":', "}")])).map(
    lambda spec: spec[1][0] * spec[0] + ("1" if spec[1][1] == "}" else "") + spec[1][1] * spec[0])
HOSTILE_JSON = st.one_of(
    BEYOND_64_BITS.map(str),
    TOO_MANY_DIGITS,
    UNSTORABLE_TEXT.map(json.dumps),
    st.lists(UNSTORABLE_TEXT, min_size=1, max_size=3).map(json.dumps),
    st.dictionaries(UNSTORABLE_TEXT, st.integers(), min_size=1, max_size=2).map(json.dumps),
    TOO_DEEP,
)
# In a query string: NUL, and a surrogate as UTF-8 would write it (bytes that are not UTF-8).
UNSTORABLE_QUERY_VALUE = UNSTORABLE_TEXT.map(
    lambda text: quote(text.encode("utf-8", "surrogatepass"), safe=""))

DOCUMENT = schema.raw_schema
BODY_OPERATIONS = [(m, p) for m, p, o in operations(DOCUMENT)
                   if body_properties(DOCUMENT, o) is not None]
QUERY_OPERATIONS = [(m, p) for m, p, o in operations(DOCUMENT) if query_parameters(o)]


def _op_id(operation) -> str:
    return " ".join(operation)


def _assert_documented_problem(response, method: str, path: str):
    documented = DOCUMENT["paths"][path][method]["responses"]
    assert response.status_code < 500 and str(response.status_code) in documented, (
        response.status_code, response.get_data()[:300])
    assert response.mimetype == "application/problem+json"
    problem = {"$ref": "#/components/schemas/Problem"}
    assert not list(schema_validator(DOCUMENT, problem).iter_errors(response.get_json()))


def _hostile_settings(test):
    return settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))(test)


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=_op_id)
def test_hostile_values_in_any_body_property_get_a_documented_4xx(operation, app, world):
    method, path = operation
    fields = body_properties(DOCUMENT, DOCUMENT["paths"][path][method]) or ["x"]
    url = fill_path(path, world["ids"])
    client, token = app.test_client(), world["officer"].token
    before = stored_rows(app)

    @_hostile_settings
    @given(st.dictionaries(st.sampled_from(fields), HOSTILE_JSON, min_size=1))
    def answers(body):
        raw = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in body.items()) + "}"
        response = client.open(url, method=method.upper(), data=raw,
                               content_type="application/json",
                               headers={"Authorization": f"Bearer {token}"})
        _assert_documented_problem(response, method, path)
        assert response.status_code in (400, 422)

    answers()
    assert stored_rows(app) == before


@pytest.mark.parametrize("operation", QUERY_OPERATIONS, ids=_op_id)
def test_hostile_values_in_any_query_parameter_get_a_documented_4xx(operation, app, world):
    method, path = operation
    parameters = sorted(query_parameters(DOCUMENT["paths"][path][method]))
    url = fill_path(path, world["ids"])
    client, token = app.test_client(), world["officer"].token
    before = stored_rows(app)

    @_hostile_settings
    @given(st.dictionaries(st.sampled_from(parameters), UNSTORABLE_QUERY_VALUE, min_size=1),
           st.dictionaries(st.sampled_from(parameters), BEYOND_64_BITS.map(str)))
    def answers(unstorable, big):
        query = "&".join(f"{k}={v}" for k, v in ({**big, **unstorable}).items())
        response = client.open(f"{url}?{query}", method=method.upper(),
                               headers={"Authorization": f"Bearer {token}"})
        _assert_documented_problem(response, method, path)
        assert response.status_code == 422
        assert set(unstorable) <= set(response.get_json()["errors"])

    answers()
    assert stored_rows(app) == before
