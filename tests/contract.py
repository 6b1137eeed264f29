"""The OpenAPI document as the app serves it, and validators for its schemas."""
from openapi_schema_validator import OAS30Validator

from exchange import create_app


def served_document() -> dict:
    """The document at /openapi.json, from an app that touches no database."""
    from tests.conftest import TEST_SETTINGS

    return create_app(dict(TEST_SETTINGS)).test_client().get("/openapi.json").get_json()


def schema_validator(document: dict, schema: dict) -> OAS30Validator:
    """A validator for `schema`, its $refs resolved in the document's components."""
    return OAS30Validator({**schema, "components": document["components"]})
