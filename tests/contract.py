"""The OpenAPI document as the app serves it, validators for its schemas, the operations
it lists, and a dump of the stored data to prove a refused request changed nothing."""
import re

from openapi_schema_validator import OAS30Validator
from sqlalchemy import select

from exchange import create_app


def served_document() -> dict:
    """The document at /openapi.json, from an app that touches no database."""
    from tests.conftest import TEST_SETTINGS

    return create_app(dict(TEST_SETTINGS)).test_client().get("/openapi.json").get_json()


def schema_validator(document: dict, schema: dict) -> OAS30Validator:
    """A validator for `schema`, its $refs resolved in the document's components."""
    return OAS30Validator({**schema, "components": document["components"]})


WRITES = ("post", "put", "patch", "delete")


def operations(document: dict):
    """(method, path, operation) for every operation of the document."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", *WRITES):  # not the path's shared `parameters`
                yield method, path, operation


def body_properties(document: dict, operation: dict) -> list[str] | None:
    """The documented properties of an operation's JSON body; None when it takes none."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is None:
        return None
    schema = body["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return sorted(schema.get("properties", {}))


def query_parameters(operation: dict) -> dict[str, dict]:
    """The documented query parameters of an operation: name → schema."""
    return {p["name"]: p.get("schema", {}) for p in operation.get("parameters", [])
            if p["in"] == "query"}


def fill_path(path: str, ids: dict[str, int]) -> str:
    """A document path with its `{name}` parameters replaced by real ids (1 if unknown)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)


def stored_rows(app) -> dict[str, list]:
    """Every row of every table, in primary-key order: a refused request leaves it equal."""
    from exchange.extensions import db

    with app.app_context():
        rows = {}
        for table in db.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in db.session.execute(query)]
        db.session.remove()
        return rows
