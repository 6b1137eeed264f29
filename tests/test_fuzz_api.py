"""Property-based fuzzing from the OpenAPI document: every operation, signed out and
signed in, with inputs schemathesis derives from the document (valid and invalid ones).

Each answer must be no 5xx, a status the operation documents, a documented content type,
and a body that matches the documented schema for that status.

FUZZ_EXAMPLES sets the examples per operation (default 20, which keeps `make test` quick);
`make fuzz` runs only these tests with a deep budget.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.contract import served_document

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
    return {"officer": officer}


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
