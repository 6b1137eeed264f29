"""The OpenAPI document as the app serves it, validators for its schemas, the operations
it lists, a dump of the stored data to prove a refused request changed nothing, and a
recorder of the SQL a request runs."""
import re
from contextlib import contextmanager

from openapi_schema_validator import OAS30Validator
from sqlalchemy import event, select

from exchange import create_app
from exchange.extensions import db


def served_document() -> dict:
    """The document at /openapi.json, from an app that touches no database."""
    from tests.conftest import TEST_SETTINGS

    return create_app(dict(TEST_SETTINGS)).test_client().get("/openapi.json").get_json()


def schema_validator(document: dict, schema: dict) -> OAS30Validator:
    """A validator for `schema`, its $refs resolved in the document's components."""
    return OAS30Validator({**schema, "components": document["components"]})


WRITES = ("post", "put", "patch", "delete")


@contextmanager
def recorded_statements(app):
    """The SQL statements run on the app's database inside the block, in order."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_connection, _cursor, statement, *_):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_of_get(app, client, path) -> tuple[int, dict]:
    """How many SQL statements a GET of `path` runs, and its (200) body."""
    from tests.factories import ok

    with recorded_statements(app) as seen:
        body = ok(client.get(path))
    return len(seen), body


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
