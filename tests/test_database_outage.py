"""With the database unreachable every endpoint answers 503 problem+json with Retry-After,
and the same app serves again as soon as the database is back; a database error that is
not an outage (a bug, an integrity error) is not passed off as one.

The PostgreSQL test stops and restarts the throwaway cluster of tests/with_postgres.sh,
which says how in EXCHANGE_TEST_PG_CTL (the pg_ctl command, run as the postgres user when
the suite runs as root) and EXCHANGE_TEST_PG_DATA.
"""
import os
import shlex
import subprocess

import psycopg
import pytest
from sqlalchemy import text

from exchange import create_app
from exchange.accounts.service import TOKEN_PREFIX
from exchange.extensions import db
from tests.conftest import DATABASE_URL, TEST_SETTINGS
from tests.contract import schema_validator
from tests.factories import Client, ok

ON_POSTGRES = DATABASE_URL.startswith("postgresql")


def _calls(challenge_id: int, pitch_id: int) -> dict:
    """A health check, a list, a read and a write (signed in by token)."""
    return {
        "healthz": lambda c: c.get("/healthz"),
        "list": lambda c: c.get("/challenges"),
        "read": lambda c: c.get(f"/challenges/{challenge_id}"),
        "write": lambda c: c.put(f"/pitches/{pitch_id}/rating", json={"stars": 4}),
    }


def _assert_unavailable(response, document, name):
    body = response.get_json(force=True)
    assert response.status_code == 503, (name, response.status_code, body)
    assert response.mimetype == "application/problem+json", name
    assert int(response.headers["Retry-After"]) > 0, name
    assert body["type"] == "urn:exchange:problem:unavailable"
    assert body["status"] == 503 and "database is unavailable" in body["detail"]
    documented = document["components"]["responses"]["SERVICE_UNAVAILABLE"]
    schema = documented["content"]["application/problem+json"]["schema"]
    assert not list(schema_validator(document, schema).iter_errors(body))
    assert "Retry-After" in documented["headers"]


def test_every_operation_documents_503_with_retry_after(openapi_document):
    missing = [f"{method} {path}" for path, operations in openapi_document["paths"].items()
               for method, operation in operations.items()
               if method in ("get", "post", "put", "patch", "delete")
               and operation["responses"].get("503", {}).get("$ref")
               != "#/components/responses/SERVICE_UNAVAILABLE"]
    assert missing == []


# ---- PostgreSQL: the cluster stops mid-run, then comes back ------------------------------

def _pg_ctl(*args: str) -> None:
    command = shlex.split(os.environ["EXCHANGE_TEST_PG_CTL"])
    data = os.environ["EXCHANGE_TEST_PG_DATA"]
    subprocess.run([*command, "-D", data, *args], check=True, timeout=120,
                   stdout=subprocess.DEVNULL)


@pytest.fixture
def stoppable_postgres():
    if not ON_POSTGRES:
        pytest.skip("stops a PostgreSQL cluster")
    if not os.environ.get("EXCHANGE_TEST_PG_CTL") or not os.environ.get("EXCHANGE_TEST_PG_DATA"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the outage test: run the suite via tests/with_postgres.sh")
        pytest.skip("needs the cluster of tests/with_postgres.sh (EXCHANGE_TEST_PG_CTL)")
    log = os.environ.get("EXCHANGE_TEST_PG_LOG")
    start = ["-w", *(["-l", log] if log else []), "start"]
    stopped = False

    def stop():
        nonlocal stopped
        _pg_ctl("-m", "fast", "-w", "stop")
        stopped = True

    def restart():
        nonlocal stopped
        _pg_ctl(*start)
        stopped = False

    yield stop, restart
    if stopped:  # never leave the rest of the suite without its database
        restart()


def test_with_postgres_down_every_call_is_503_and_the_app_recovers_by_itself(
        app, make, council, supplier_org, citizen, stoppable_postgres, openapi_document):
    stop, restart = stoppable_postgres
    challenge = make.challenge(council)
    pitch = make.pitch(challenge["id"], supplier_org)
    calls = _calls(challenge["id"], pitch["id"])
    for name, call in calls.items():  # the pool now holds live connections
        assert call(citizen).status_code == 200, name
    assert citizen.delete(f"/pitches/{pitch['id']}/rating").status_code == 204

    stop()
    for name, call in calls.items():
        _assert_unavailable(call(citizen), openapi_document, name)
    assert make.anonymous().get("/challenges").status_code == 503
    restart()

    # The same app, with no restart: the pool's dead connections are replaced as used.
    assert citizen.get(f"/pitches/{pitch['id']}/rating").status_code == 404  # write refused
    assert ok(citizen.get(f"/pitches/{pitch['id']}"))["tally"]["public"]["count"] == 0
    for name, call in calls.items():
        response = call(citizen)
        assert response.status_code == 200, (name, response.get_json())
    assert ok(citizen.get("/healthz")) == {"status": "ok", "database": "ok"}
    assert ok(citizen.get(f"/pitches/{pitch['id']}/rating"))["stars"] == 4


# ---- Both legs: a database that cannot be opened, and errors that are not outages -------

def test_with_an_unreachable_database_every_call_is_503_until_it_is_there(tmp_path,
                                                                         openapi_document):
    folder = tmp_path / "not-yet"
    unreachable = create_app(TEST_SETTINGS | {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/exchange.db"})
    anon = Client(unreachable)
    # A well-formed token, so that checking it needs the database.
    signed_in = Client(unreachable, token=TOKEN_PREFIX + "x" * 43)
    for name, call in _calls(1, 1).items():
        _assert_unavailable(call(signed_in), openapi_document, name)
    _assert_unavailable(anon.get("/challenges"), openapi_document, "anonymous list")
    _assert_unavailable(anon.post("/auth/login", json={"email": "ada@example.org",
                                                       "password": "a long passphrase"}),
                        openapi_document, "login")

    folder.mkdir()
    assert ok(anon.get("/healthz")) == {"status": "ok", "database": "ok"}
    with unreachable.app_context():
        db.engine.dispose()


@pytest.fixture
def app_with_faulty_routes(app):
    """The test app plus two routes whose SQL fails for reasons of our own making."""
    faulty = create_app(dict(TEST_SETTINGS))

    @faulty.get("/faults/missing-table")
    def missing_table():
        db.session.execute(text("SELECT * FROM no_such_table"))

    @faulty.get("/faults/duplicate")
    def duplicate():
        db.session.execute(text("INSERT INTO users (id, email) SELECT id, email FROM users"))

    yield faulty.test_client()
    with faulty.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/faults/missing-table", "/faults/duplicate"])
def test_a_bad_query_or_an_integrity_error_is_a_500_not_an_outage(app_with_faulty_routes,
                                                                   citizen, path):
    response = app_with_faulty_routes.get(path)
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == "urn:exchange:problem:internal"
    assert "Retry-After" not in response.headers


# ---- PostgreSQL: a pooled connection the server ended is replaced, not a 503 --------------

def test_a_pooled_connection_the_server_ended_is_replaced_without_an_error(
        app, make, council, supplier_org, citizen):
    if not ON_POSTGRES:
        pytest.skip("ends a PostgreSQL backend")
    challenge = make.challenge(council)
    pitch = make.pitch(challenge["id"], supplier_org)
    with app.app_context():
        db.engine.dispose()  # one pooled connection from here on, whose backend we know
    assert ok(citizen.get(f"/challenges/{challenge['id']}"))["id"] == challenge["id"]
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.rollback()
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    # A connection outside the pool ends the pooled one's backend, as a restart would.
    with psycopg.connect(url, autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
        while other.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                            (pid,)).fetchone()[0]:
            pass
    # No round trip tests it first, yet the next read and write do not fail.
    assert ok(citizen.get(f"/challenges/{challenge['id']}"))["id"] == challenge["id"]
    assert ok(citizen.put(f"/pitches/{pitch['id']}/rating", json={"stars": 4}))["stars"] == 4
